"""Quiz questions against the specs they come from, their determinism, and the quiz pages of the built gallery.

Every question of every bundled spec is checked against its spec: the right
answer is true of the spec and no distractor is. Expected values are read
from the specs, never written here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.gallery import IconFiles, environment, make_site
from archcat.quiz import (
    CATALOG_QUESTIONS,
    KINDS,
    MIN_CHOICES,
    PER_SPEC,
    Question,
    catalog_quiz,
    questions,
    quiz_catalog,
    spec_quiz,
)
from archcat.quiz_pages import HIDDEN, QuizPage, quiz_pages
from archcat.vocab import load_vocabulary, split_technologies
from tests.conftest import REPO

PROJECT = Project(REPO)
SPECS, _ = load_catalog(PROJECT)
VOCAB = load_vocabulary(PROJECT)
SITE = make_site(sorted(SPECS, key=lambda s: (s.arch.name.lower(), s.arch.year, s.id)), VOCAB)
CATALOG = quiz_catalog(SITE)
BY_ID = {spec.id: spec for spec in SPECS}
POOL = {spec.id: questions(spec, CATALOG) for spec in SITE.specs}
ALL = [q for qs in POOL.values() for q in qs]
PATTERN_IDS = {p.name: p.id for p in VOCAB.patterns.values()}
SVG = "{http://www.w3.org/2000/svg}"


NODES = [(spec, node) for spec in SPECS for view in spec.arch.views for node in view.all_nodes()]


def of_kind(kind: str) -> list[Question]:
    return [q for q in ALL if q.kind == kind]


def techs(node) -> set[str]:
    """A node's technologies by their glossary names, case-folded."""
    return {SITE.tech_name(t).casefold() for t in split_technologies(node.technology)}


def view_of(q: Question):
    return next(v for v in BY_ID[q.spec].arch.views if v.id == q.view)


def wrong(q: Question) -> list[str]:
    return [c for i, c in enumerate(q.choices) if i != q.answer[0]]


# ---------------------------------------------------------------------------------------------------------------
# Every question against its spec
# ---------------------------------------------------------------------------------------------------------------


def test_every_kind_is_made_and_ids_are_unique():
    counts = Counter(q.kind for q in ALL)
    assert set(counts) == set(KINDS) and min(counts.values()) >= 50, counts
    assert len({q.id for q in ALL}) == len(ALL)
    for q in ALL:
        assert q.domain == (BY_ID[q.spec].arch.domain or "")
        if q.kind != "order":
            assert len(q.answer) == 1 and MIN_CHOICES <= len(q.choices) <= 4, q
            assert len({c.casefold() for c in q.choices}) == len(q.choices), q  # no choice twice


def test_technology_questions_name_a_technology_of_the_component_and_no_distractor_is_one():
    for q in of_kind("technology"):
        spec = BY_ID[q.spec]
        node = next(n for n in spec.arch.components() if n.id == q.node)
        mine = techs(node)
        assert q.right.casefold() in mine, q
        assert node.label in q.prompt and spec.arch.name in q.prompt
        # Nor is a distractor the technology of another component with the same label in this spec.
        same_label = set().union(*(techs(n) for v in spec.arch.views for n in v.all_nodes() if n.label == node.label))
        for choice in wrong(q):
            assert choice.casefold() not in mine | same_label, (q.spec, q.node, choice)
            assert not re.search(rf"(?<!\w){re.escape(choice)}(?!\w)", node.label, re.IGNORECASE), (q, choice)
        assert not re.search(rf"(?<!\w){re.escape(q.right)}(?!\w)", node.label, re.IGNORECASE), q  # not given away


def test_a_component_with_several_technologies_never_has_one_of_them_as_a_distractor():
    several = [q for q in of_kind("technology")
               if len(split_technologies(next(n for n in BY_ID[q.spec].arch.components()
                                               if n.id == q.node).technology)) > 1]
    assert len(several) >= 20
    for q in several:
        node = next(n for n in BY_ID[q.spec].arch.components() if n.id == q.node)
        assert not techs(node) & {c.casefold() for c in wrong(q)}, q


def test_technology_distractors_come_from_the_same_kind_of_node_first():
    """Where nodes of the same kind use five other technologies or more elsewhere in the catalog, distractors
    come from those (a few are refused as bound up with the answer, and drawn from the next circle)."""
    by_kind: dict[str, dict[str, set[str]]] = {}  # kind -> spec -> technologies
    for spec, node in NODES:
        by_kind.setdefault(node.kind, {}).setdefault(spec.id, set()).update(
            SITE.tech_name(t) for t in split_technologies(node.technology))
    from_kind = total = 0
    for q in of_kind("technology"):
        node = next(n for n in BY_ID[q.spec].arch.components() if n.id == q.node)
        used = set().union(*(names for sid, names in by_kind[node.kind].items() if sid != q.spec))
        if len(used - {SITE.tech_name(t) for t in split_technologies(node.technology)}) >= 5:
            from_kind += sum(c in used for c in wrong(q))
            total += len(wrong(q))
    assert total > 500 and from_kind / total > 0.9, (from_kind, total)


def test_order_questions_hold_consecutive_flow_steps_shuffled_and_the_answer_is_the_spec_order():
    for q in of_kind("order"):
        flow = view_of(q).flow
        numbers = sorted(q.steps)
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) >= 3
        assert [flow[n - 1].text for n in q.steps] == list(q.choices)  # each choice is the step it says
        assert [q.choices[i] for i in q.answer] == [flow[n - 1].text for n in numbers]  # the spec's order
        assert list(q.answer) != list(range(len(q.choices))), q  # shown out of order
        assert q.link.endswith(f"#view-{q.view}")  # the feedback links each step to its own anchor


def test_missing_questions_hide_a_component_of_the_view_and_offer_none_shown_in_it():
    by_label: dict[str, list] = {}
    for _, node in NODES:
        by_label.setdefault(node.label.casefold(), []).append(node)
    for q in of_kind("missing"):
        view = view_of(q)
        node = next(n for n in view.all_nodes() if n.id == q.node)
        assert q.right == node.label
        shown = [n.label.casefold() for n in view.all_nodes()] + [g.label.casefold() for g in view.all_groups()]
        assert shown.count(node.label.casefold()) == 1
        word = rf"(?<!\w){re.escape(node.label)}(?!\w)"
        assert not re.search(word, view.title, re.IGNORECASE), q  # the view's title does not give it away
        hidden = techs(node)
        for choice in wrong(q):
            assert choice.casefold() not in shown, (q.spec, q.view, choice)
            bearers = by_label.get(choice.casefold(), [])
            assert bearers, choice  # a real component's label, not made up
            # No component bearing that label shares a technology with the hidden one (the same part renamed).
            assert not any(techs(n) & hidden for n in bearers), (q.spec, q.view, choice)


def test_pattern_questions_name_a_pattern_the_lesson_lists_and_no_distractor_it_lists():
    for q in of_kind("pattern"):
        lesson = BY_ID[q.spec].arch.lessons[q.lesson]
        assert PATTERN_IDS[q.right] == q.pattern and q.pattern in lesson.patterns
        assert q.detail == (lesson.title, lesson.body)
        for choice in wrong(q):
            assert PATTERN_IDS[choice] not in lesson.patterns, (q.spec, q.lesson, choice)


def test_year_questions_give_the_metric_year_and_no_year_where_the_figure_also_holds():
    for q in of_kind("year"):
        spec = BY_ID[q.spec]
        metric = spec.arch.metrics[q.metric]
        assert q.right == str(metric.year) and q.detail == (metric.label, metric.value)
        assert list(q.choices) == sorted(q.choices)
        same = [m for s in SPECS if s.arch.name == spec.arch.name for m in s.arch.metrics
                if m.label.casefold() == metric.label.casefold()]
        for choice in wrong(q):
            year = int(choice)
            assert year != metric.year
            assert not any(m.year == year and " ".join(m.value.split()).casefold()
                           == " ".join(metric.value.split()).casefold() for m in same), (q.spec, q.metric, year)
        assert not re.search(r"(19|20)\d\d", metric.label + metric.value), q  # the figure does not name its year


def test_year_questions_offer_the_years_of_the_same_figure_in_other_eras():
    offered = 0
    for q in of_kind("year"):
        spec = BY_ID[q.spec]
        metric = spec.arch.metrics[q.metric]
        eras = {m.year for s in SPECS if s.arch.name == spec.arch.name and s.id != spec.id for m in s.arch.metrics
                if m.label.casefold() == metric.label.casefold() and m.year != metric.year}
        if eras:
            assert eras <= {int(c) for c in q.choices} or len(eras) > 3, q
            offered += 1
    assert offered >= 5  # e.g. Reddit's page views per month in 2010 and in 2013


def test_every_answer_cites_where_it_comes_from():
    for q in ALL:
        spec = BY_ID[q.spec]
        sources = {s.id: s for s in spec.arch.sources}
        if q.kind == "pattern":
            lesson = spec.arch.lessons[q.lesson]
            cited, where = lesson.source, lesson.where
        elif q.kind == "year":
            metric = spec.arch.metrics[q.metric]
            cited, where = metric.source, metric.where
        else:
            cited = where = None
        if cited:
            source = sources[cited]
            assert [(c.title, c.url, c.year, c.where) for c in q.cite] == [(source.title, source.url, source.year,
                                                                             where)]
        else:
            assert [(c.title, c.url) for c in q.cite] == [(s.title, s.url) for s in spec.arch.sources]
        assert q.link.startswith(f"architectures/{q.spec}.html#")


# ---------------------------------------------------------------------------------------------------------------
# What a quiz asks
# ---------------------------------------------------------------------------------------------------------------


def test_a_spec_quiz_takes_up_to_its_share_of_each_kind_from_the_pool():
    for spec in SITE.specs:
        chosen = spec_quiz(spec, CATALOG, POOL[spec.id])
        counts = Counter(q.kind for q in chosen)
        assert all(counts[k] <= PER_SPEC[k] for k in KINDS)
        assert {q.id for q in chosen} <= {q.id for q in POOL[spec.id]}
        assert chosen, spec.id
        diagrams = [q for q in chosen if q.kind == "missing"]
        if diagrams:  # the drawing shows each component's technology: no question asks for one it draws
            drawn = {n.id for n in view_of(diagrams[0]).all_nodes()}
            assert not [q for q in chosen if q.kind == "technology" and q.node in drawn]


def test_the_catalog_quiz_spreads_across_domains_and_kinds():
    chosen = catalog_quiz(CATALOG)
    assert len(chosen) == CATALOG_QUESTIONS
    domains = {s.arch.domain for s in SPECS}
    assert {q.domain for q in chosen} == domains  # fewer domains than questions: every one is asked about
    assert set(Counter(q.kind for q in chosen)) == set(KINDS)
    assert len({q.spec for q in chosen}) == len(chosen)


# ---------------------------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------------------------


def test_making_the_questions_twice_gives_the_same_questions():
    again = quiz_catalog(make_site(list(reversed(SITE.specs)), VOCAB))  # nor does the specs' order matter
    pool = {spec.id: questions(spec, again) for spec in SITE.specs}
    assert pool == POOL
    chosen = {spec.id: spec_quiz(spec, CATALOG, POOL[spec.id]) for spec in SITE.specs}
    assert {sid: spec_quiz(BY_ID[sid], again, qs) for sid, qs in pool.items()} == chosen
    assert catalog_quiz(again, chosen) == catalog_quiz(CATALOG, chosen)


DUMP = """
import hashlib, sys
from pathlib import Path
from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.gallery import make_site
from archcat.quiz import catalog_quiz, questions, quiz_catalog
from archcat.vocab import load_vocabulary
project = Project(Path(sys.argv[1]))
specs, _ = load_catalog(project, [project.architectures / name for name in sys.argv[2:]])
catalog = quiz_catalog(make_site(specs, load_vocabulary(project)))
made = [questions(s, catalog) for s in sorted(specs, key=lambda s: s.id)] + [catalog_quiz(catalog)]
print(hashlib.sha256(repr(made).encode()).hexdigest())
"""


def test_questions_do_not_depend_on_the_process():
    """Sets of strings iterate in a different order in every process (hash randomisation): nothing may depend on
    it. Another process, with a hash seed of its own, makes the same questions as this one (from a part of the
    catalog: a whole one takes long to load)."""
    part = sorted(SPECS, key=lambda s: s.id)[::5]
    catalog = quiz_catalog(make_site(part, VOCAB))
    here = [questions(s, catalog) for s in part] + [catalog_quiz(catalog)]
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    done = subprocess.run([sys.executable, "-c", DUMP, str(REPO), *(s.path.name for s in part)], capture_output=True,
                          text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed})
    assert done.stdout.strip() == hashlib.sha256(repr(here).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# The quiz pages of the built gallery
# ---------------------------------------------------------------------------------------------------------------


def render(quiz: QuizPage) -> str:
    env = environment(PROJECT.template_folder, VOCAB)
    return env.get_template("quiz.html").render(site=SITE, root="../", vocab=VOCAB, presenter=False, quiz=quiz,
                                                 page_id="quiz" if quiz.spec is None else "quiz-architecture")


@pytest.fixture(scope="module")
def pages(site: Path, tmp_path_factory) -> dict[str, QuizPage]:
    icons = IconFiles(tmp_path_factory.mktemp("icons"))
    return quiz_pages(SITE, site, lambda png: "../" + icons.href(png))


def test_quiz_pages_are_made_again_byte_for_byte(site: Path, pages: dict[str, QuizPage]):
    """The pages the build wrote (in another process) equal the pages made here from the same catalog."""
    assert sorted(p.relative_to(site).as_posix() for p in (site / "quiz").glob("*.html")) == sorted(pages)
    for path in ("quiz/index.html", "quiz/twitter-2013.html", "quiz/whatsapp-2014.html"):
        assert render(pages[path]) == (site / path).read_text(encoding="utf-8"), path


def test_pages_inline_their_answers_as_compact_json(site: Path, pages: dict[str, QuizPage]):
    for path, quiz in pages.items():
        text = (site / path).read_text(encoding="utf-8")
        raw = re.search(r'<script type="application/json" id="quiz-data">(.*?)</script>', text, re.S).group(1)
        assert ": " not in raw and ", " not in raw  # compact
        data = json.loads(raw)
        assert data["page"] == path.removesuffix(".html")
        assert data["questions"] == [{"answer": list(q.answer), "id": q.id, "kind": q.kind} for q in quiz.questions]


def test_the_blanked_diagram_hides_the_component_and_nothing_names_it(site: Path, pages: dict[str, QuizPage]):
    checked = 0
    for path, quiz in pages.items():
        tree = html.fromstring((site / path).read_bytes())
        for q in (q for q in quiz.questions if q.kind == "missing"):
            view = view_of(q)
            node = next(n for n in view.all_nodes() if n.id == q.node)
            figure = tree.get_element_by_id(f"q-{q.id}").find(".//figure")
            svgs = figure.findall(".//svg")
            assert len(svgs) == 1  # the light drawing as drawn (no new image), recoloured by the style sheet
            for svg in svgs:
                assert svg.get("aria-hidden") == "true"
                assert all(i.get("href").startswith("../assets/icons/") for i in svg.iter("image"))
                blanked = [g for g in svg.iter("g") if "blanked" in (g.get("class") or "")]
                assert len(blanked) == 1 and blanked[0].get("data-id") == f"node-{node.id}"
                assert [t.text_content() for t in blanked[0].iter("text")] == ["?"]
                assert all(u.get("visibility") == "hidden" for u in blanked[0].iter("use", "image"))
                assert node.label not in [t.text_content().strip() for t in svg.iter("text", "title")]
                assert not svg.findall(".//desc") and not [g for g in svg.iter("g") if g.get("tabindex")]
                assert not [g for g in svg.iter("g") if (g.get("data-id") or "").startswith("badge--")]
            caption = figure.find("figcaption").text_content()
            assert HIDDEN in caption and node.label not in caption
            # Every other component of the view is still drawn and described.
            others = [n for n in view.all_nodes() if n.id != node.id]
            assert all(n.label in caption for n in others)
            checked += 1
    assert checked >= len(SPECS) * 0.9


def test_quiz_ids_and_svg_references_stay_inside_each_drawing(site: Path):
    """Two drawings of the same view on one page (light and dark; the catalog quiz shows several specs' views)
    keep apart: every <use> refers to a symbol of its own drawing."""
    text = (site / "quiz" / "index.html").read_text(encoding="utf-8")
    root = html.fromstring(text)
    for svg in root.iter("svg"):
        ids = {e.get("id") for e in svg.iter() if isinstance(e.tag, str) and e.get("id")}
        refs = {u.get("href")[1:] for u in svg.iter("use")}
        assert refs <= ids


def test_every_architecture_page_links_to_its_quiz(site: Path):
    for spec in SPECS:
        page = (site / "architectures" / f"{spec.id}.html").read_text(encoding="utf-8")
        assert f'href="../quiz/{spec.id}.html"' in page
    nav = etree.HTML((site / "index.html").read_bytes()).xpath("//nav[@aria-label='Main']//a")
    assert {a.text: a.get("href") for a in nav}["Quiz"] == "quiz/index.html"


# ---------------------------------------------------------------------------------------------------------------
# Ambiguity, on a scratch catalog made for it
# ---------------------------------------------------------------------------------------------------------------


def shop_era(year: int, orders: str) -> str:
    from tests.conftest import VALID_SPEC

    text = VALID_SPEC.read_text(encoding="utf-8").replace("year: 2020\nsummary", f"year: {year}\nsummary")
    return text.replace('{label: Orders per day, value: "10,000", year: 2020, source: blog}',
                        f'{{label: Orders per day, value: "{orders}", year: {year}, source: blog}}')


def year_asked(project: Project) -> dict[str, Question]:
    from archcat.quiz import year_questions

    specs, problems = load_catalog(project)
    assert problems == []
    catalog = quiz_catalog(make_site(specs, load_vocabulary(project)))
    return {spec.id: q for spec in specs for q in year_questions(spec, catalog)}


def test_a_figure_the_company_gives_for_two_years_is_not_asked_and_other_eras_are_offered(project: Project):
    from tests.conftest import write_spec

    write_spec(project, "shop-2022", shop_era(2022, "25,000"))
    asked = year_asked(project)
    assert asked["shop-2020"].right == "2020" and "2022" in asked["shop-2020"].choices
    assert asked["shop-2022"].right == "2022" and "2020" in asked["shop-2022"].choices
    write_spec(project, "shop-2021", shop_era(2021, "10,000"))  # the 2020 figure again, a year later
    asked = year_asked(project)
    assert set(asked) == {"shop-2022"}  # "10,000": 2020 or 2021? Not asked.
    assert {"2020", "2021"} <= set(asked["shop-2022"].choices)  # but both are wrong for 25,000
