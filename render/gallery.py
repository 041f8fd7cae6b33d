"""Validated specs -> static HTML gallery, from the Jinja2 templates in templates/.

Everything the pages link to lives under the output folder and is linked
relatively, so the gallery works from file:// and from any static host, with
no network. Autoescaping is on; only http(s) URLs become links.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archcat.cache import Cache
from archcat.describe import alt_text
from archcat.discover import Project
from archcat.files import digest, real_dir, write_atomic
from archcat.model import Node, Spec, View
from archcat.paths import FORMATS, SITE_FORMATS, THEMES, deck_href, diagram_href, page_href, slide_href, thumbnail_href
from archcat.vocab import Pattern, Technology, Vocabulary, load_vocabulary, split_technologies


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def letter_anchor(letter: str) -> str:
    """The technology index's anchor for an initial: the letter, or its code point when it is not ASCII."""
    first = (letter[:1] or "?").lower()
    return "letter-" + (first if re.fullmatch(r"[a-z0-9]", first) else f"u{ord(first):04x}")


def tech_anchor(name: str) -> str:
    """The technology index's anchor for a name: its slug, plus a short digest of the name when the slug
    drops characters (C, C# and C++ must not share an anchor, nor every name written without ASCII)."""
    plain = slug(name)
    if re.fullmatch(r"[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*", name):
        return "t-" + plain
    from archcat.files import digest

    return f"t-{plain}-{digest(name)[:6]}"


def tech_page(entry: TechEntry) -> str:
    """A technology's own page: every component that runs it (the technologies page lists the first few)."""
    return f"technologies/{entry.anchor}.html"


# How many architectures the technologies and patterns pages name in each entry; its own page lists all.
LIST_SHOWN = 6


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: nothing else ever becomes a link."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def patterns_of(spec: Spec) -> list[str]:
    """The patterns a spec uses: those it lists and those its lessons illustrate."""
    return sorted(set(spec.arch.patterns) | {p for lesson in spec.arch.lessons for p in lesson.patterns})


def decade(year: int) -> str:
    return f"{year // 10 * 10}s"


@dataclass
class Usage:
    """One component of one architecture that uses a technology."""

    spec: Spec
    node: Node
    view: View


@dataclass
class TechEntry:
    name: str
    info: Technology | None
    usages: list[Usage] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return tech_anchor(self.name)

    @property
    def specs(self) -> list[Spec]:
        seen: dict[str, Spec] = {}
        for usage in self.usages:
            seen.setdefault(usage.spec.id, usage.spec)
        return list(seen.values())


@dataclass
class Site:
    specs: list[Spec]
    vocab: Vocabulary
    technologies: dict[str, TechEntry]
    by_spec_tech: dict[str, list[str]]  # spec id -> canonical technology names

    @property
    def tags(self) -> list[str]:
        return sorted({tag for spec in self.specs for tag in spec.arch.tags})

    @property
    def domains(self) -> list[tuple[str, int]]:
        """The domains in use, by display name, with how many specs each has."""
        counts: dict[str, int] = defaultdict(int)
        for spec in self.specs:
            if spec.arch.domain:
                counts[spec.arch.domain] += 1
        return sorted(counts.items(), key=lambda kv: self.vocab.domains[kv[0]].name.lower())

    @property
    def decades(self) -> list[str]:
        return sorted({decade(spec.arch.year) for spec in self.specs})

    def tech_name(self, text: str) -> str:
        info = self.vocab.technology(text)
        return info.name if info else text

    def pattern_users(self, pattern_id: str) -> list[Spec]:
        return [s for s in self.specs if pattern_id in patterns_of(s)]

    def patterns_used(self) -> list[tuple[str, Pattern, list[Spec]]]:
        """Every pattern some spec uses, by name, with those specs."""
        named = sorted(self.vocab.patterns.items(), key=lambda item: (item[1].name.lower(), item[0]))
        return [(pid, pattern, users) for pid, pattern in named if (users := self.pattern_users(pid))]

    def pattern_lessons(self, pattern_id: str) -> list[tuple[Spec, int]]:
        return [(s, i) for s in self.specs for i, lesson in enumerate(s.arch.lessons) if pattern_id in lesson.patterns]

    def related(self, spec: Spec, limit: int = 4) -> list[tuple[Spec, str]]:
        """Explicitly related specs first, then those sharing the most technologies and patterns."""
        mine_t = set(self.by_spec_tech[spec.id])
        mine_p = set(spec.arch.patterns)
        scored = []
        for other in self.specs:
            if other.id == spec.id:
                continue
            shared_t = sorted(mine_t & set(self.by_spec_tech[other.id]), key=str.lower)
            shared_p = sorted(mine_p & set(other.arch.patterns))
            explicit = other.id in spec.arch.related or spec.id in other.arch.related
            why = []
            if explicit:
                why.append("another era of the same system" if other.arch.name == spec.arch.name else "see also")
            shared = shared_t[:4] + [self.vocab.patterns[p].name.lower() for p in shared_p[:3]]
            if shared:
                why.append("shares " + ", ".join(shared))
            score = (1000 if explicit else 0) + 2 * len(shared_t) + len(shared_p)
            if score > 0:
                scored.append((-score, other.id, other, "; ".join(why)))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [(other, why) for _, _, other, why in scored[:limit]]


def make_site(specs: list[Spec], vocab: Vocabulary) -> Site:
    technologies: dict[str, TechEntry] = {}
    by_spec: dict[str, list[str]] = defaultdict(list)
    for spec in specs:
        for view in spec.arch.views:
            for node in view.all_nodes():
                for text in split_technologies(node.technology):
                    info = vocab.technology(text)
                    name = info.name if info else text
                    entry = technologies.setdefault(name, TechEntry(name, info))
                    if not any(u.spec.id == spec.id and u.node.id == node.id for u in entry.usages):
                        entry.usages.append(Usage(spec, node, view))
                    if name not in by_spec[spec.id]:
                        by_spec[spec.id].append(name)
    ordered = dict(sorted(technologies.items(), key=lambda kv: kv[0].lower()))
    return Site(specs, vocab, ordered, {s.id: sorted(by_spec[s.id], key=str.lower) for s in specs})


class IconFiles:
    """The icons of the inline diagrams, one file per distinct icon under assets/icons/, named by its
    digest: every page refers to the same file, which the browser caches once for the whole gallery."""

    def __init__(self, out: Path):
        self.out = out
        self.written: dict[str, Path] = {}

    def href(self, png: bytes) -> str:
        name = f"assets/icons/{digest(png)[:20]}.png"
        if name not in self.written:
            target = self.out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, png)
            self.written[name] = target
        return name


def inline_views(spec: Spec, out: Path, icons: IconFiles, root: str) -> dict[str, str]:
    """Each view as page markup (see svg.inline), from its light SVG just drawn: the style sheet recolours
    it for the dark theme (`dark_drawing_css`), so a page carries each drawing once."""
    from markupsafe import Markup

    from archcat.paths import diagram_path
    from archcat.svg import inline

    return {view.id: Markup(inline(diagram_path(out, spec.id, view.id, "light", "svg").read_bytes(),
                                   f"{view.id}--", lambda png: root + icons.href(png)))
            for view in spec.arch.views}


def dark_drawing_css() -> str:
    """Style rules that draw a light drawing on a page (class `drawing`) in the dark theme's colours, as
    `svg.recolour` would: a rule overrides the SVG's own fill and stroke attributes. Inside node labels
    the text keeps its colour and only the plate changes (see `svg.Recolouring`)."""
    from archcat.graph import dark_from_light
    from archcat.svg import PAINTS

    change = dark_from_light()
    label = '.drawing g.node:not([data-id^="badge--"])'
    rules = [f'.drawing [{paint}="{old}"] {{ {paint}: {new}; }}'
             for old, new in change.colours.items() for paint in PAINTS]
    rules += [f'{label} [fill="{old}"] {{ fill: {old}; }}' for old in change.colours]
    rules.append(f'{label} [fill="{change.plate[0]}"] {{ fill: {change.plate[1]}; }}')
    return ("\n/* Drawings in the dark theme: written by the build from the diagrams' palettes. */\n"
            "@media (prefers-color-scheme: dark) {\n" + "".join(f"  {rule}\n" for rule in rules) + "}\n")


def dark_recolouring_script() -> str:
    """The colour map that recolours a light drawing into a dark one, for the pages' script: a reader's
    browser makes the dark SVG and PNG downloads from the light SVG with it, as `svg.recolour` does."""
    import json

    from archcat.graph import dark_from_light

    change = dark_from_light()
    data = json.dumps({"colours": change.colours, "plate": list(change.plate)}, sort_keys=True)
    return ("\n/* The dark theme's colours for a light drawing: written by the build from the diagrams' palettes. */\n"
            f"window.archcatRecolour = {data};\n")


def drawn_size(svg: bytes) -> tuple[float, float]:
    """A drawing's width and height in points, as its root element states them (Graphviz: "1239pt")."""
    from archcat.svg import parse

    root = parse(svg)
    return tuple(float((root.get(side) or "0").removesuffix("pt").removesuffix("px") or 0)  # type: ignore[return-value]
                 for side in ("width", "height"))


def png_sizes(spec: Spec, out: Path) -> dict[str, tuple[int, int]]:
    """The pixel size of each view's PNG, as `archcat render` draws it (in every theme: they lay a view out
    alike): the page draws the PNG from the light SVG in the reader's browser, at this size."""
    from archcat.draw import png_pixels
    from archcat.paths import diagram_path

    return {view.id: png_pixels(*drawn_size(diagram_path(out, spec.id, view.id, "light", "svg").read_bytes()))
            for view in spec.arch.views}


def _members(view: View) -> dict[str, list[str]]:
    """Each group's nodes, nested groups included."""
    found: dict[str, list[str]] = {}

    def walk(group) -> list[str]:
        nodes = [n.id for n in group.nodes]
        for child in group.groups:
            nodes += walk(child)
        found[group.id] = nodes
        return nodes

    for group in view.groups:
        walk(group)
    return found


def failure_impact(view: View) -> dict[str, dict[str, list]]:
    """For each component: the flow steps that pass through it, and the components that can be reached
    from the view's entry points only through it (what a learner loses when it fails).

    Edges join nodes or groups (a group stands for each of its nodes); an edge
    drawn both ways or with no direction joins both ways. Entry points are the
    components nothing leads to, or the first step's start when every one has
    a way in.
    """
    members = _members(view)
    nodes = [n.id for n in view.all_nodes()]

    def ends(ident: str) -> list[str]:
        return members.get(ident, [ident])

    following: dict[str, set[str]] = {n: set() for n in nodes}
    for edge in view.edges:
        pairs = []
        if edge.direction in ("forward", "both", "none"):
            pairs.append((edge.from_, edge.to))
        if edge.direction in ("back", "both", "none"):
            pairs.append((edge.to, edge.from_))
        for a, b in pairs:
            for x in ends(a):
                following[x].update(y for y in ends(b) if y != x)
    incoming = {y for x in nodes for y in following[x]}
    entries = [n for n in nodes if n not in incoming]
    if not entries:
        first = next((e for step in view.flow for e in view.edges if step.edge and e.id == step.edge), None)
        entries = ends(first.from_) if first else nodes[:1]

    def reach(without: str | None) -> set[str]:
        seen = {n for n in entries if n != without}
        todo = list(seen)
        while todo:
            for y in following[todo.pop()]:
                if y not in seen and y != without:
                    seen.add(y)
                    todo.append(y)
        return seen

    everything = reach(None)
    edges = {e.id: e for e in view.edges if e.id}
    impact: dict[str, dict[str, list]] = {}
    for node in nodes:
        steps = [n for n, step in enumerate(view.flow, start=1)
                 if step.edge in edges and node in ends(edges[step.edge].from_) + ends(edges[step.edge].to)]
        cut = sorted((everything - reach(node)) - {node}, key=nodes.index)
        impact[node] = {"steps": steps, "cut": cut}
    return impact


def view_data(spec: Spec, view: View, site: Site, root: str) -> dict:
    """What the page's script needs to make a view live: its components and the SVG ids they are drawn
    under, the flow's steps with the ids of each step's edge and ends, and each component's failure impact."""
    from archcat.describe import element_ids, step_elements

    ids = element_ids(view)
    kinds = site.vocab.kinds
    nodes = {}
    for node in view.all_nodes():
        kind = kinds.get(node.kind)
        nodes[node.id] = {
            "el": ids[f"node:{node.id}"], "label": node.label,
            "kind": node.kind, "about": kind.description if kind else "", "note": node.note or "",
            "count": node.count or 0,
            "tech": [[t, f"{root}technologies.html#{tech_anchor(site.tech_name(t))}"]
                     for t in split_technologies(node.technology)],
        }
    steps = [{"text": step.text, "edge": shown.edge, "ends": list(shown.ends)}
             for step, shown in zip(view.flow, step_elements(view, ids), strict=True)]
    return {"nodes": nodes, "steps": steps, "impact": failure_impact(view)}


# Index cards a page shows: a phone lays out this many, never the whole catalog.
PAGE_SIZE = 24


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def index_data(site: Site, thumb_sizes: dict[str, tuple[float, float]]) -> dict:
    """The index's search index, compact: what filters need and a card shows but its sentence of summary,
    with technologies, patterns, domains and tags as numbers into shared lists. Longer text waits in
    `card_text` (that sentence) and `search_text` (the full summaries and the lessons), each loaded
    when first needed."""
    techs = sorted(site.technologies, key=lambda name: (name.lower(), name))
    patterns = sorted({p for spec in site.specs for p in patterns_of(spec)},
                      key=lambda p: (site.vocab.patterns[p].name.lower(), p) if p in site.vocab.patterns else (p, p))
    domains = [domain for domain, _ in site.domains]
    tags = site.tags
    number = {kind: {value: i for i, value in enumerate(values)}
              for kind, values in (("tech", techs), ("pattern", patterns), ("domain", domains), ("tag", tags))}
    items = []
    for spec in site.specs:
        arch = spec.arch
        headline = arch.metrics[0] if arch.metrics else None
        width, height = thumb_sizes[spec.id]
        items.append([spec.id, arch.name, arch.era or str(arch.year), arch.year, arch.title,
                      number["domain"][arch.domain] if arch.domain else -1,
                      [number["tag"][t] for t in arch.tags], [number["tech"][t] for t in site.by_spec_tech[spec.id]],
                      [number["pattern"][p] for p in patterns_of(spec)],
                      [headline.value, headline.label, headline.year] if headline else 0,
                      arch.views[0].id, round(480 * height / width) if width else 270])
    return {"page": PAGE_SIZE, "tech": techs, "tags": tags,
            "patterns": [[p, site.vocab.patterns[p].name if p in site.vocab.patterns else p] for p in patterns],
            "domains": [[d, site.vocab.domains[d].name] for d in domains], "items": items}


def card_text(site: Site) -> str:
    """The script `data/card-text.js`: the sentence each card shows under its title. The index's first page
    of cards comes with the page; the script builds the others, so it loads this when the reader first
    turns to them, filters or searches (or sets foot in the form)."""
    text = {spec.id: first_sentence(spec.arch.summary) for spec in site.specs}
    return "archcatCardText(" + json.dumps(text, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + ");\n"


def search_text(site: Site) -> str:
    """The script `data/search-text.js`: each spec's full summary and lessons, for the index search."""
    text = {spec.id: " ".join([spec.arch.summary] + [f"{lesson.title} {lesson.body}" for lesson in spec.arch.lessons])
            for spec in site.specs}
    return "archcatSearchText(" + json.dumps(text, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + ");\n"


def environment(templates: Path, vocab: Vocabulary):
    """The templates' environment. It is sandboxed: a catalog cloned from a stranger may bring templates of
    its own, and a template must not reach Python internals (or run commands) through its objects."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from archcat.draw import PNG_DPI
    from archcat.slides import PNG_SCALE, SLIDE_HEIGHT, SLIDE_INCHES, SLIDE_WIDTH

    env = SandboxedEnvironment(loader=FileSystemLoader(str(templates)), autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["safe_url"] = safe_url
    env.filters["slug"] = slug
    env.filters["tech_anchor"] = tech_anchor
    env.filters["letter_anchor"] = letter_anchor
    env.filters["first_sentence"] = first_sentence
    env.globals.update(slide_href=slide_href, deck_href=deck_href, page_href=page_href,
                       source_number=lambda arch, sid: [s.id for s in arch.sources].index(sid) + 1,
                       pattern_names={p.id: p.name for p in vocab.patterns.values()},
                       alt_text=alt_text, diagram_href=diagram_href, thumbnail_href=thumbnail_href, THEMES=THEMES,
                       FORMATS=FORMATS, SITE_FORMATS=SITE_FORMATS,
                       decade=decade, split_technologies=split_technologies, tech_page=tech_page,
                       LIST_SHOWN=LIST_SHOWN,
                       SLIDE_PNG=(SLIDE_WIDTH * PNG_SCALE, SLIDE_HEIGHT * PNG_SCALE),
                       SLIDE_DPI=round(SLIDE_WIDTH * PNG_SCALE / SLIDE_INCHES), PNG_DPI=PNG_DPI)
    return env


def build_site(project: Project, specs: list[Spec], out: Path, cache: Cache | None = None, *,
               presenter: bool = False) -> list[Path]:
    """Write the gallery pages and assets into `out` (next to the rendered diagrams and thumbnails).

    With a cache, a page is rendered again only when something it shows changed:
    an architecture page depends on its own spec and on what other pages show
    of every spec (names, technologies, patterns); the index, compare and the
    two glossary pages depend on every spec.
    """
    templates = project.template_folder
    vocab = load_vocabulary(project)
    site = make_site(sorted(specs, key=lambda s: (s.arch.name.lower(), s.arch.year, s.id)), vocab)
    env = environment(templates, vocab)
    from archcat.anki import template_globals

    env.globals.update(template_globals(vocab))
    from archcat import eras

    timelines = eras.companies(site.specs, site.tech_name)
    env.globals.update(eras.template_globals(site, timelines))
    written: list[Path] = []
    cache = cache if cache is not None and cache.root is not None and cache.fingerprint else None
    outline = digest(json.dumps([[s.id, s.arch.name, s.arch.year, s.arch.era, s.arch.title, s.arch.domain, s.arch.tags,
                                  site.by_spec_tech[s.id], s.arch.patterns, s.arch.related] for s in site.specs]))
    everything = digest(*(s.source_bytes for s in site.specs))

    def page(template: str, path: str, depends_on: str, **context) -> None:
        target = out / path
        key = cache.key("page", path, str(presenter), depends_on) if cache is not None else ""
        if cache is None or not cache.fetch(key, {"page.html": target}):
            target.parent.mkdir(parents=True, exist_ok=True)
            root = "../" * path.count("/")
            html = env.get_template(template).render(site=site, root=root, vocab=vocab, presenter=presenter,
                                                     **context)
            target.write_text(html, encoding="utf-8")
            if cache is not None:
                cache.store(key, {"page.html": target})
        written.append(target)

    from archcat.paths import diagram_path

    thumb_sizes = {spec.id: drawn_size(diagram_path(out, spec.id, spec.arch.views[0].id, "light", "svg").read_bytes())
                   for spec in site.specs}
    page("index.html", "index.html", everything, page_id="index", thumb_sizes=thumb_sizes,
         index=index_data(site, thumb_sizes), page_size=PAGE_SIZE)
    page("all.html", "all.html", everything, page_id="all")
    data_folder = real_dir(out / "data", out)
    written.append(write_atomic(data_folder / "search-text.js", search_text(site)))
    written.append(write_atomic(data_folder / "card-text.js", card_text(site)))
    icons = IconFiles(out)
    for spec in site.specs:
        drawn = inline_views(spec, out, icons, "../")
        data = {view.id: view_data(spec, view, site, "../") for view in spec.arch.views}
        sizes = png_sizes(spec, out)
        shown = json.dumps([drawn, data, sizes], sort_keys=True)
        page("architecture.html", f"architectures/{spec.id}.html", digest(outline, spec.source_bytes, shown),
             spec=spec, page_id="architecture", drawn=drawn, view_data=data, png_sizes=sizes)
    from archcat.quiz_pages import write_quiz_pages

    write_quiz_pages(site, out, icons, page)
    from archcat import compare

    written += compare.write_compare_data(site, out)
    written += icons.written.values()
    page("technologies.html", "technologies.html", everything, page_id="technologies")
    for entry in site.technologies.values():
        page("technology.html", tech_page(entry), everything, page_id="technologies", entry=entry)
    page("patterns.html", "patterns.html", everything, page_id="patterns")
    for pid, pattern, users in site.patterns_used():
        page("pattern.html", f"patterns/{pid}.html", everything, page_id="patterns", pid=pid, pattern=pattern,
             users=users, lessons=site.pattern_lessons(pid))
    page("compare.html", "compare.html", everything, page_id="compare", **compare.page_context(site))
    from archcat.dataset import data_page, write_dataset
    from archcat.insights import insights

    written += write_dataset(site, out, cache, everything)
    page("data.html", "data.html", everything, page_id="data", data=data_page(site, out))
    page("insights.html", "insights.html", everything, page_id="insights", insights=insights(site))
    eras.write_pages(timelines, templates, out, page, everything)
    static = templates / "static"
    from archcat.cache import MAX_TREE_FILE_BYTES, tree_files
    from archcat.files import read_limited

    for asset in tree_files(static):  # refuses links; each file under the size limit
        target = out / "assets" / asset.relative_to(static).as_posix()
        target.parent.mkdir(parents=True, exist_ok=True)
        content = read_limited(asset, MAX_TREE_FILE_BYTES)
        if asset.name == "style.css" and asset.parent == static:
            content += dark_drawing_css().encode()
        elif asset.name == "gallery.js" and asset.parent == static:
            content += dark_recolouring_script().encode()
        target.write_bytes(content)
        written.append(target)
    return written
