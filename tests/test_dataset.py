"""The open dataset: catalog.json against its schema and the specs, the CSV tables, the Open data page, and how
the build writes them (cached, deterministic, never half-written)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from archcat.build import build
from archcat.catalog import load_catalog
from archcat.dataset import (
    CATALOG,
    DATA_FOLDER,
    FILE_NAMES,
    METRICS_TABLE,
    PATTERN_TABLE,
    SCHEMA,
    TABLES,
    TECHNOLOGY_TABLE,
    CatalogData,
    dataset_files,
    human_size,
    schema_json,
)
from archcat.discover import Project
from archcat.gallery import make_site
from archcat.vocab import load_vocabulary, split_technologies
from tests.conftest import REPO, VALID_SPEC, pages_about_every_spec, write_spec

SPECS, _ = load_catalog(Project(REPO))
BY_ID = {spec.id: spec for spec in SPECS}
VOCAB = load_vocabulary()


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    raw = (folder / DATA_FOLDER / name).read_bytes()
    with io.StringIO(raw.decode("utf-8"), newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def document(site: Path) -> dict:
    return json.loads((site / DATA_FOLDER / CATALOG).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------------------------
# catalog.json and its schema
# ---------------------------------------------------------------------------------------------------------------


def test_the_built_catalog_validates_against_the_built_schema(site: Path, document: dict):
    schema = json.loads((site / DATA_FOLDER / SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    assert (site / DATA_FOLDER / SCHEMA).read_text(encoding="utf-8") == schema_json()  # made from the models
    CatalogData.model_validate(document)


def test_the_schema_rejects_what_the_models_forbid(document: dict):
    validator = jsonschema.Draft202012Validator(json.loads(schema_json()))
    arch = json.loads(json.dumps(document["architectures"][0]))
    arch["views"][0]["nodes"][0]["surprise"] = 1
    assert not validator.is_valid({**document, "architectures": [arch]})
    arch = json.loads(json.dumps(document["architectures"][0]))
    del arch["metrics"]
    assert not validator.is_valid({**document, "architectures": [arch]})
    assert not validator.is_valid({**document, "format": "something-else"})


def test_every_spec_is_there_resolved(document: dict):
    assert [a["id"] for a in document["architectures"]] == sorted(BY_ID)
    for arch in document["architectures"]:
        spec = BY_ID[arch["id"]].arch
        assert (arch["name"], arch["title"], arch["year"], arch["era"], arch["summary"]) == (
            spec.name, spec.title, spec.year, spec.era, spec.summary)
        assert arch["page"] == f"architectures/{arch['id']}.html"
        assert arch["domain"] == ({"id": spec.domain, "name": VOCAB.domains[spec.domain].name} if spec.domain
                                  else None)
        assert [(s["id"], s["url"], s["year"], s["kind"], s["retrospective"]) for s in arch["sources"]] == [
            (s.id, s.url, s.year, s.kind, s.retrospective) for s in spec.sources]
        assert [(m["label"], m["value"], m["year"], m["source"], m["where"]) for m in arch["metrics"]] == [
            (m.label, m.value, m.year, m.source, m.where) for m in spec.metrics]
        used = set(spec.patterns) | {p for lesson in spec.lessons for p in lesson.patterns}
        assert {p["id"]: p["name"] for p in arch["patterns"]} == {p: VOCAB.patterns[p].name for p in used}
        assert [lesson["title"] for lesson in arch["lessons"]] == [lesson.title for lesson in spec.lessons]
        assert [v["id"] for v in arch["views"]] == [v.id for v in spec.views]
        for shown, view in zip(arch["views"], spec.views, strict=True):
            assert [n["id"] for n in shown["nodes"]] == [n.id for n in view.all_nodes()]
            assert [(e["from"], e["to"]) for e in shown["edges"]] == [(e.from_, e.to) for e in view.edges]
            assert [(s["number"], s["text"]) for s in shown["flow"]] == list(enumerate(
                (s.text for s in view.flow), start=1))


def test_nodes_carry_their_kind_group_and_glossary_names(document: dict):
    twitter = next(a for a in document["architectures"] if a["id"] == "twitter-2013")
    spec = BY_ID["twitter-2013"].arch
    checked = 0
    for shown, view in zip(twitter["views"], spec.views, strict=True):
        inner = {n.id: g.id for g in view.all_groups() for n in g.nodes}
        for node, model in zip(shown["nodes"], view.all_nodes(), strict=True):
            kind = VOCAB.kinds[model.kind]
            assert node["kind"] == {"name": model.kind, "category": kind.category, "description": kind.description,
                                    "generic": kind.generic}
            assert node["group"] == inner.get(model.id)
            assert node["technology"] == model.technology
            assert node["technologies"] == [VOCAB.technology(t).name for t in split_technologies(model.technology)]
            checked += 1
    assert checked > 10 and any(n["group"] for v in twitter["views"] for n in v["nodes"])


def test_the_vocabularies_hold_exactly_what_is_used(document: dict):
    patterns = {p for s in SPECS for p in s.arch.patterns} | {
        p for s in SPECS for lesson in s.arch.lessons for p in lesson.patterns}
    assert [p["id"] for p in document["patterns"]] == sorted(patterns)
    assert [d["id"] for d in document["domains"]] == sorted({s.arch.domain for s in SPECS if s.arch.domain})
    assert [t["id"] for t in document["tags"]] == sorted({t for s in SPECS for t in s.arch.tags})
    names = {VOCAB.technology(t).name for s in SPECS for v in s.arch.views for n in v.all_nodes()
             for t in split_technologies(n.technology)}
    assert sorted(t["name"] for t in document["technologies"]) == sorted(names)
    mysql = next(t for t in document["technologies"] if t["name"] == "MySQL")
    assert mysql["category"] == VOCAB.technology("MySQL").category


def test_catalog_json_is_compact_with_sorted_keys_and_one_architecture_a_line(site: Path, document: dict):
    lines = (site / DATA_FOLDER / CATALOG).read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"architectures":['
    for line, arch in zip(lines[1:], document["architectures"], strict=False):
        item = line.removesuffix(",")
        assert json.loads(item) == arch
        assert item == json.dumps(arch, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert lines[len(SPECS) + 1] == "],"
    assert not any(line.startswith(" ") for line in lines)
    assert list(document) == sorted(document)


# ---------------------------------------------------------------------------------------------------------------
# The CSV tables
# ---------------------------------------------------------------------------------------------------------------


def test_tables_have_their_headers_and_are_utf8_with_crlf(site: Path):
    for table in TABLES:
        raw = (site / DATA_FOLDER / table.name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8")
        assert text.split("\r\n", 1)[0] == ",".join(c.name for c in table.columns)
        assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")


def test_technology_table_recounts_the_components(site: Path):
    rows = read_table(site, TECHNOLOGY_TABLE)
    expected: dict[tuple[str, str], set[str]] = {}
    for spec in SPECS:
        for view in spec.arch.views:
            for node in view.all_nodes():
                for text in (node.technology or "").split(","):
                    if text.strip():
                        expected.setdefault((spec.id, VOCAB.technology(text.strip()).name), set()).add(node.id)
    assert {(r["architecture_id"], r["technology"]): set(r["component_ids"].split()) for r in rows} == expected
    assert all(int(r["component_count"]) == len(r["component_ids"].split()) for r in rows)
    assert all(r["category"] == VOCAB.technology(r["technology"]).category for r in rows)
    keys = [(r["architecture_id"], r["technology"].lower()) for r in rows]
    assert keys == sorted(keys)


def test_pattern_table_says_where_each_pattern_comes_from(site: Path):
    rows = read_table(site, PATTERN_TABLE)
    seen = set()
    for row in rows:
        spec = BY_ID[row["architecture_id"]].arch
        taught = sum(1 for lesson in spec.lessons if row["pattern_id"] in lesson.patterns)
        assert row["listed"] == ("true" if row["pattern_id"] in spec.patterns else "false")
        assert int(row["lesson_count"]) == taught
        assert row["pattern_name"] == VOCAB.patterns[row["pattern_id"]].name
        assert row["listed"] == "true" or taught > 0
        seen.add((row["architecture_id"], row["pattern_id"]))
    assert seen == {(s.id, p) for s in SPECS for p in set(s.arch.patterns) | {
        p for lesson in s.arch.lessons for p in lesson.patterns}}
    assert any(r["listed"] == "false" for r in rows)  # the table does tell the two apart here


def test_metrics_table_matches_every_spec_and_its_sources(site: Path):
    rows = read_table(site, METRICS_TABLE)
    expected = []
    for spec_id in sorted(BY_ID):
        arch = BY_ID[spec_id].arch
        urls = {s.id: s.url for s in arch.sources}
        expected += [[spec_id, m.label, m.value, str(m.year), m.source, urls[m.source], m.where or ""]
                     for m in arch.metrics]
    assert [list(r.values()) for r in rows] == expected
    assert any(not r["where"].isascii() for r in rows)  # the § of a section survives the round trip


# ---------------------------------------------------------------------------------------------------------------
# The Open data page
# ---------------------------------------------------------------------------------------------------------------


def test_data_page_lists_each_file_with_its_size_and_rows(site: Path):
    page = (site / "data.html").read_text(encoding="utf-8")
    for name in FILE_NAMES:
        path = site / DATA_FOLDER / name
        assert f'href="{DATA_FOLDER}/{name}" download>{name}</a>' in page
        assert human_size(path.stat().st_size) in page
    for table in TABLES:
        rows = len(read_table(site, table.name))
        assert f"{rows:,} rows, one per {table.about}." in page
        for column in table.columns:
            assert f"<code>{column.name}</code>" in page
    assert f"{len(SPECS)} architectures (" in page  # the citation gives the catalog's size
    assert 'href="data.html">Open data</a>' in (site / "index.html").read_text(encoding="utf-8")


def test_data_page_states_counts_computed_from_the_specs(site: Path):
    page = re.sub(r"\s+", " ", (site / "data.html").read_text(encoding="utf-8"))
    urls = {s.url for spec in SPECS for s in spec.arch.sources}
    metrics = sum(len(s.arch.metrics) for s in SPECS)
    years = [s.arch.year for s in SPECS]
    assert f"{len(SPECS)} architectures from {min(years)} to {max(years)}, with their {len(urls)} sources, " \
           f"{metrics} key numbers" in page
    retro = sum(1 for spec in SPECS for s in spec.arch.sources if s.retrospective)
    assert f"{retro} of the {sum(len(s.arch.sources) for s in SPECS)} citations" in page


# ---------------------------------------------------------------------------------------------------------------
# Writing: deterministic, cached, never half-written
# ---------------------------------------------------------------------------------------------------------------


def test_the_files_are_the_same_bytes_whatever_order_the_specs_come_in(site: Path):
    forward = dataset_files(make_site(SPECS, VOCAB))
    backward = dataset_files(make_site(list(reversed(SPECS)), VOCAB))
    assert forward == backward
    assert {name: (site / DATA_FOLDER / name).read_bytes() for name in FILE_NAMES} == forward


def three_specs(project: Project) -> None:
    base = VALID_SPEC.read_text(encoding="utf-8")
    write_spec(project, "shop-2012", base.replace("year: 2020\n", "year: 2012\n").replace(
        "title: A small web shop", "title: 'A small web shop, in 2012 – with Größe'"))
    write_spec(project, "shop-2015", base.replace("year: 2020\n", "year: 2015\n"))


def test_build_writes_the_dataset_and_reuses_it_when_nothing_changed(project: Project):
    three_specs(project)
    build(project, workers=2)
    data = project.output / DATA_FOLDER
    first = {name: (data / name).read_bytes() for name in FILE_NAMES}
    assert "Größe" in first[CATALOG].decode("utf-8")
    document = json.loads(first[CATALOG])
    assert [a["id"] for a in document["architectures"]] == ["shop-2012", "shop-2015", "shop-2020"]
    shutil.rmtree(project.root / ".archcat-cache" / "stamps")  # go through the cache, not 'up to date'
    again = build(project, workers=2)
    assert again.cache.misses == 0
    assert {name: (data / name).read_bytes() for name in FILE_NAMES} == first
    assert {project.output / DATA_FOLDER / name for name in FILE_NAMES} <= set(again.written)

    path = project.architectures / "shop-2015.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: \"10,000\"", "value: \"12,000\""))
    changed = build(project, workers=2)
    # its page and its quiz, the pages showing every spec (the catalog's quiz among them), and the data files
    assert changed.cache.misses == 2 + pages_about_every_spec(project.output) + 1
    rows = read_table(project.output, METRICS_TABLE)
    assert [r["value"] for r in rows] == ["10,000", "12,000", "10,000"]


def test_a_build_that_fails_after_the_dataset_leaves_the_previous_one(project: Project, monkeypatch):
    build(project, workers=2)
    before = {name: (project.output / DATA_FOLDER / name).read_bytes() for name in FILE_NAMES}
    three_specs(project)

    def broken(*args, **kwargs):
        raise RuntimeError("the data page failed")

    monkeypatch.setattr("archcat.dataset.data_page", broken)  # called once the files are written
    with pytest.raises(RuntimeError, match="data page failed"):
        build(project, workers=2)
    assert {name: (project.output / DATA_FOLDER / name).read_bytes() for name in FILE_NAMES} == before
    assert [a["id"] for a in json.loads(before[CATALOG])["architectures"]] == ["shop-2020"]
    leftovers = [p.name for p in project.root.iterdir() if "staging" in p.name]
    assert leftovers == []
    monkeypatch.undo()
    build(project, workers=2)
    assert Counter(a["id"][:4] for a in json.loads((project.output / DATA_FOLDER / CATALOG).read_bytes())[
        "architectures"]) == {"shop": 3}
