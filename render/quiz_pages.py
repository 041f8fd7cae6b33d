"""The gallery's quiz pages: one per architecture (quiz/<id>.html) and one across the catalog (quiz/index.html).

The questions come from `quiz.py`. A diagram question shows the view as the
architecture page inlines it (`svg.inline`, from the drawn SVG files, no new
image), with the asked component blanked: its icon hidden, its label, its
titles and those of its edges removed, a question mark in its place. Each page
carries what its script needs to check answers as compact JSON; the learner's
score stays in the browser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree
from markupsafe import Markup

from archcat.describe import connection, element_ids, names
from archcat.files import digest
from archcat.model import Spec, View
from archcat.paths import diagram_path, quiz_href
from archcat.quiz import KIND_NAMES, Question, catalog_quiz, quiz_catalog, spec_quiz

if TYPE_CHECKING:
    from archcat.gallery import IconFiles, Site

SVG = "{http://www.w3.org/2000/svg}"
HIDDEN = "the hidden component"


@dataclass
class Drawing:
    """A blanked view (the style sheet recolours it for the dark theme), and its text equivalent."""

    markup: Markup
    alt: str


@dataclass
class QuizPage:
    """What the quiz template shows: the questions, their drawings, and the data for the page's script."""

    key: str  # names the learner's stored answers: the page's path without .html
    spec: Spec | None  # None for the catalog quiz
    questions: list[Question]
    specs: dict[str, Spec]
    drawings: dict[str, Drawing] = field(default_factory=dict)
    domains: list[tuple[str, str, int]] = field(default_factory=list)  # catalog quiz: id, name, questions
    kind_names: dict[str, str] = field(default_factory=lambda: dict(KIND_NAMES))

    def shown(self) -> str:
        """A digest of everything the page shows that comes from the catalog: its questions, drawings and
        domains, and the name, era and title of each architecture it names (templates, vocabularies and code
        are the build's fingerprint). The page is made again only when this changes."""
        named = sorted({q.spec for q in self.questions} | ({self.spec.id} if self.spec else set()))
        about = [(s, a.name, a.era, a.year, a.title) for s in named for a in (self.specs[s].arch,)]
        drawn = [part for d in self.drawings.values() for part in (d.markup, d.alt)]
        return digest(self.key, repr(self.questions), repr(about), repr(self.domains), *drawn)

    @property
    def data(self) -> Markup:
        """The answers, as compact JSON safe inside a script element."""
        from jinja2.utils import htmlsafe_json_dumps

        return htmlsafe_json_dumps({"page": self.key, "questions": [
            {"id": q.id, "kind": q.kind, "answer": list(q.answer)} for q in self.questions]},
            dumps=json.dumps, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _number(value: str | None) -> float:
    try:
        return float((value or "0").removesuffix("px"))
    except ValueError:
        return 0.0


def blank(markup: str, node: str, edges: set[str]) -> str:
    """An inlined drawing (svg.inline) with the node whose data-id is `node` blanked out.

    The node's icon is hidden and its texts and title removed, with a question
    mark where the icon was; the edges with data-ids in `edges` lose their
    titles (they name both ends). The drawing's description, which names every
    component, is dropped: the page describes the blanked view in words. So are
    the flow's step badges, which would give an ordering question away. No
    component is a button here. The drawing's own width is kept in `--w`, for
    showing it at a readable size on a small screen.
    """
    root = etree.fromstring(markup)
    for desc in root.findall(f"{SVG}desc"):
        root.remove(desc)
    root.set("aria-hidden", "true")
    box = (root.get("viewBox") or "").split()
    if len(box) == 4:
        root.set("style", f"--w: {_number(box[2]):g}px")
    for badge in [g for g in root.iter(f"{SVG}g") if (g.get("data-id") or "").startswith("badge--")]:
        parent = badge.getparent()
        if parent is not None:
            parent.remove(badge)
    for group in root.iter(f"{SVG}g"):
        ident = group.get("data-id")
        if group.get("class") == "node":
            for name in ("tabindex", "role", "aria-label"):
                if name in group.attrib:
                    del group.attrib[name]
        if ident in edges:
            for title in group.findall(f"{SVG}title"):
                group.remove(title)
        if ident != node:
            continue
        group.set("class", "node blanked")
        mark = None
        for child in list(group):
            if child.tag in (f"{SVG}title", f"{SVG}text"):
                if mark is None and child.tag == f"{SVG}text":
                    mark = (_number(child.get("x")), _number(child.get("y")), 14.0)
                group.remove(child)
            elif child.tag in (f"{SVG}use", f"{SVG}image"):
                child.set("visibility", "hidden")
                width, height = _number(child.get("width")), _number(child.get("height"))
                mark = (_number(child.get("x")) + width / 2, _number(child.get("y")) + height / 2, height)
        if mark is not None:
            x, y, size = mark
            text = etree.SubElement(group, f"{SVG}text", {
                "class": "blank-mark", "x": f"{x:g}", "y": f"{y + size * 0.3:g}", "text-anchor": "middle",
                "font-size": f"{max(size * 0.8, 16):g}", "font-weight": "bold",
                "font-family": "DejaVu Sans,Sans-Serif"})
            text.text = "?"
    return etree.tostring(root, encoding="unicode", with_tail=False)


def blanked_alt(spec: Spec, view: View, node_id: str) -> str:
    """The text equivalent of a blanked view: its components and connections, the hidden one unnamed."""
    label = names(view) | {node_id: HIDDEN}
    parts = []
    for node in view.all_nodes():
        if node.id == node_id:
            parts.append(HIDDEN)
        else:
            parts.append(f"{node.label} ({node.technology})" if node.technology else node.label)
    text = (f"Diagram of {spec.arch.name} {spec.arch.year}, {view.title}, with one component hidden. "
            f"Components: {'; '.join(parts)}.")
    if view.edges:
        text += f" Connections: {'; '.join(connection(view, i, label) for i in range(len(view.edges)))}."
    return text


def drawing(spec: Spec, question: Question, out: Path, icon_href: Callable[[bytes], str]) -> Drawing:
    """The blanked drawing a diagram question shows, made from the view's SVG files in `out`."""
    from archcat.svg import inline

    view = next(v for v in spec.arch.views if v.id == question.view)
    ids = element_ids(view)
    edges = {ids[f"edge:{i}"] for i, e in enumerate(view.edges) if question.node in (e.from_, e.to)}
    svg = diagram_path(out, spec.id, view.id, "light", "svg").read_bytes()
    markup = Markup(blank(inline(svg, f"{question.id}--", icon_href), ids[f"node:{question.node}"], edges))
    return Drawing(markup, blanked_alt(spec, view, question.node))


def quiz_pages(site: Site, out: Path, icon_href: Callable[[bytes], str]) -> dict[str, QuizPage]:
    """Every quiz page by its path: each architecture's, then the catalog's."""
    catalog = quiz_catalog(site)
    specs = {spec.id: spec for spec in site.specs}
    chosen = {spec.id: spec_quiz(spec, catalog) for spec in site.specs}
    pages = {quiz_href(spec.id): QuizPage(quiz_href(spec.id).removesuffix(".html"), spec, chosen[spec.id], specs)
             for spec in site.specs}
    mixed = catalog_quiz(catalog, chosen)
    counts = {d: sum(q.domain == d for q in mixed) for d in sorted({q.domain for q in mixed if q.domain})}
    domains = sorted(((d, site.vocab.domains[d].name if d in site.vocab.domains else d, n) for d, n in counts.items()),
                     key=lambda item: item[1].lower())
    pages[quiz_href(None)] = QuizPage(quiz_href(None).removesuffix(".html"), None, mixed, specs, domains=domains)
    for quiz in pages.values():
        for question in quiz.questions:
            if question.kind == "missing":
                quiz.drawings[question.id] = drawing(specs[question.spec], question, out, icon_href)
    return pages


def write_quiz_pages(site: Site, out: Path, icons: IconFiles, page: Callable[..., None]) -> None:
    """Write the quiz pages through the gallery's `page` writer, which makes a page again only when what it
    shows changed (QuizPage.shown)."""
    for path, quiz in quiz_pages(site, out, lambda png: "../" + icons.href(png)).items():
        page("quiz.html", path, quiz.shown(), quiz=quiz, page_id="quiz" if quiz.spec is None else "quiz-architecture")
