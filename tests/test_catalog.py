"""The bundled catalog: valid, free of content warnings, rich enough to learn from, and renderable."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.lint import lint
from archcat.paths import SITE_FORMATS, THEMES, diagram_path
from archcat.vocab import load_vocabulary
from tests.conftest import REPO

PROJECT = Project(REPO)
SPECS, PROBLEMS = load_catalog(PROJECT)
IDS = [s.id for s in SPECS]


def test_catalog_validates_without_problems():
    assert [d.format() for d in PROBLEMS] == []


def test_catalog_has_no_content_warnings():
    assert [d.format() for d in lint(SPECS, load_vocabulary())] == []


def test_catalog_size_and_foundation_architectures():
    assert len(SPECS) >= 30
    assert {"twitter-2013", "instagram-2011", "whatsapp-2014"} <= set(IDS)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec_is_complete_enough_to_learn_from(spec):
    arch = spec.arch
    overview = arch.views[0]
    assert len(overview.all_nodes()) >= 8
    assert len(arch.lessons) >= 3 and all(lesson.patterns for lesson in arch.lessons)
    assert overview.flow and all(step.edge for step in overview.flow)
    assert arch.metrics and arch.sources
    assert all(m.year and m.source for m in arch.metrics)


def test_eras_of_one_system_link_each_other():
    by_id = {s.id: s for s in SPECS}
    assert "twitter-2013" in by_id["twitter-2008"].arch.related
    assert "twitter-2008" in by_id["twitter-2013"].arch.related


def test_lint_flags_what_a_spec_lacks(project: Project):
    from tests.conftest import VALID_SPEC, write_spec

    text = VALID_SPEC.read_text(encoding="utf-8").replace("technology: nginx, ", "")
    text = text.replace("body: They cached product pages because reads outnumber writes a hundred to one.",
                        "body: Cache it")
    write_spec(project, "shop-2020", text)
    specs, problems = load_catalog(project)
    assert problems == []
    messages = [d.message for d in lint(specs, load_vocabulary())]
    assert messages == [
        "no domain",
        "metric does not say where its source states it",
        "1 lesson(s); catalog entries need at least 3",
        "lesson does not say where its source tells it",
        "lesson is shorter than a sentence",
        "overview has 5 nodes; catalog entries need at least 8",
        "node 'web' has a generic kind but no technology or note",
    ]


def test_lint_asks_where_each_fact_is_stated_and_flags_late_sources(project: Project):
    from tests.conftest import VALID_SPEC, write_spec

    text = VALID_SPEC.read_text(encoding="utf-8")
    text = text.replace("tags: [web]", "domain: e-commerce\ntags: [web]")
    text = text.replace("source: blog}", "source: blog, where: Stats}")
    text = text.replace("    source: blog\n", "    where: Caching\n", 1)  # the lesson loses its source
    text = text.replace("    year: 2020\n", "    year: 2024\n", 1)  # the source looks back four years
    write_spec(project, "shop-2020", text)
    specs, problems = load_catalog(project)
    assert problems == []
    found = [(d.line, d.message) for d in lint(specs, load_vocabulary())
             if any(word in d.message for word in ("source", "domain", "where"))]
    assert found == [
        (11, "source 'blog' was published 4 years after the 2020 era it is cited for"),
        (16, "lesson cites no source"),
    ]
    marked = text.replace("    year: 2024\n", "    year: 2024\n    retrospective: true\n", 1)
    marked = marked.replace("    where: Caching\n", "    source: blog\n    where: Caching\n")
    write_spec(project, "shop-2020", marked)
    specs, problems = load_catalog(project)
    assert problems == []
    assert [d.message for d in lint(specs, load_vocabulary()) if "source" in d.message or "where" in d.message] == []
    assert specs[0].arch.sources[0].retrospective
    assert specs[0].arch.metrics[0].where == "Stats"


def test_every_view_of_the_catalog_renders(site: Path):
    """The whole catalog's gallery (built once for the browser tests too) holds every view as a light SVG and
    a PDF in every theme, each a real file of its kind; its PNGs and dark SVGs are made in the browser
    (test_gallery_browser)."""
    magic = {"svg": b"<?xml", "pdf": b"%PDF-"}
    for spec in SPECS:
        for view in spec.arch.views:
            for theme in THEMES:
                for fmt in ("png", "svg", "pdf"):
                    path = diagram_path(site, spec.id, view.id, theme, fmt)
                    if fmt in SITE_FORMATS[theme]:
                        assert path.read_bytes().startswith(magic[fmt]), path
                    else:
                        assert not path.exists(), path


def test_the_starter_spec_is_flagged_until_its_placeholders_are_replaced(project: Project):
    from archcat.scaffold import new_spec

    new_spec(project, "acme-2024")
    specs, problems = load_catalog(project, [project.architectures / "acme-2024.yaml"])
    assert problems == []
    placeholders = [d for d in lint(specs, load_vocabulary()) if "placeholder" in d.message]
    assert len(placeholders) == 5  # title, summary, source title and address, lesson body


def test_a_missing_technology_gets_a_ready_to_paste_entry(project: Project):
    import yaml

    from tests.conftest import VALID_SPEC, write_spec

    write_spec(project, "shop-2020", VALID_SPEC.read_text(encoding="utf-8").replace(
        "technology: nginx", "technology: Ledgerly DB"))
    specs, _ = load_catalog(project)
    warning = next(d for d in lint(specs, load_vocabulary()) if "Ledgerly DB" in d.message)
    entry = warning.hint.split("for example: ", 1)[1]
    assert "\n" not in warning.hint and list(yaml.safe_load(entry)) == ["Ledgerly DB"]


def test_every_bundled_spec_keeps_the_editor_modeline():
    missing = [s.id for s in SPECS if not s.source_bytes.startswith(b"# yaml-language-server: $schema=")]
    assert missing == []


def test_the_eras_of_one_company_are_linked_into_one_group():
    """A learner on any era of a company can reach every other one through `related`."""
    by_name: dict[str, list] = {}
    for spec in SPECS:
        by_name.setdefault(spec.arch.name, []).append(spec)
    for name, group in by_name.items():
        ids = {s.id for s in group}
        links = {s.id: (set(s.arch.related) | {o.id for o in group if s.id in o.arch.related}) & ids for s in group}
        reached, todo = set(), [group[0].id]
        while todo:
            current = todo.pop()
            if current not in reached:
                reached.add(current)
                todo.extend(links[current] - reached)
        assert reached == ids, f"{name}: {sorted(ids - reached)} not linked to {sorted(reached)}"


def test_every_step_badge_sits_on_its_own_edge(site: Path):
    """Across the catalog, each flow step's number is drawn on the edge it names: no badge centre is more
    than 12 points from that edge's curve (in the light drawing the site stores; the dark one is the same drawing
    recoloured, see test_draw)."""
    from tests.svgcheck import badge_distances

    worst: list[tuple[float, str]] = []
    for spec in SPECS:
        for view in spec.arch.views:
            stepped = {step.edge for step in view.flow if step.edge}
            found = badge_distances(diagram_path(site, spec.id, view.id, "light", "svg").read_bytes())
            assert len(found) == len(stepped), (spec.id, view.id)
            worst += [(distance, f"{spec.id}/{view.id}/{badge}") for badge, distance in found.items()]
    assert len(worst) >= 300
    assert max(worst)[0] <= 12, sorted(worst)[-5:]
