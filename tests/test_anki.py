"""anki.py: Anki decks read back as a zip and an SQLite collection, compared with the spec data, and imported
into a real Anki collection with Anki's own importer."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from archcat.anki import (
    CATALOG_DECK_ID,
    MODEL_ID,
    anki_catalog_bytes,
    anki_deck_bytes,
    deck_id,
    deck_name,
    media_name,
)
from archcat.catalog import load_catalog
from archcat.diagnostics import errors
from archcat.discover import Project
from archcat.jobs import plan, run_jobs
from archcat.model import Spec
from archcat.paths import anki_catalog_path, anki_path, diagram_path
from archcat.vocab import load_vocabulary
from tests.conftest import REPO

SPEC_ID = "twitter-2013"  # three views, eight metrics, lessons with patterns and sources with `where`
IMG = re.compile(r'<img src="([^"]+)"')


@dataclass
class Package:
    entries: list[zipfile.ZipInfo]
    media: dict[str, bytes]  # file name -> bytes
    notes: list[dict]  # guid, mod, tags, and the fields by name
    cards: list[tuple[int, int, int]]  # note id, deck id, mod
    decks: dict[int, str]  # deck id -> name
    models: dict


def read(data: bytes) -> Package:
    """An .apkg as Anki reads it: a zip with collection.anki2 (SQLite), a media map and the numbered media."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        names = json.loads(archive.read("media"))
        media = {name: archive.read(number) for number, name in names.items()}
        database = archive.read("collection.anki2")
    connection = sqlite3.connect(":memory:")
    connection.deserialize(database)
    (models_json, decks_json) = connection.execute("SELECT models, decks FROM col").fetchone()
    models = json.loads(models_json)
    fields = [f["name"] for f in models[str(MODEL_ID)]["flds"]]
    notes = [{"id": nid, "guid": guid, "mid": mid, "mod": mod, "tags": tags.split(),
              **dict(zip(fields, flds.split("\x1f"), strict=True))}
             for nid, guid, mid, mod, tags, flds in connection.execute(
                 "SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")]
    cards = connection.execute("SELECT nid, did, mod FROM cards ORDER BY id").fetchall()
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    connection.close()
    return Package(entries, media, notes, cards, decks, models)


def of_kind(package: Package, kind: str) -> list[dict]:
    return [note for note in package.notes if f"archcat::card::{kind}" in note["tags"]]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def expected_notes(spec: Spec) -> dict[str, int]:
    """How many cards of each kind the spec's data calls for."""
    arch = spec.arch
    return {"view": len(arch.views), "step": sum(len(v.flow) for v in arch.views),
            "component": sum(1 for node in arch.components() if node.technology),
            "metric": len(arch.metrics), "lesson": len(arch.lessons),
            "patterns": int(bool(arch.patterns or any(lesson.patterns for lesson in arch.lessons)))}


@pytest.fixture(scope="module")
def spec() -> Spec:
    project = Project(REPO)
    found, problems = load_catalog(project, [project.architectures / f"{SPEC_ID}.yaml"])
    assert errors(problems) == []
    return found[0]


@pytest.fixture(scope="module")
def images(spec: Spec, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("images")
    _, failures = run_jobs(plan([spec], themes=("light",), formats=("svg",)), out)
    assert failures == []
    return out


@pytest.fixture(scope="module")
def deck(spec: Spec, images: Path) -> bytes:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return anki_deck_bytes(spec, images)


@pytest.fixture(scope="module")
def catalog(site: Path) -> tuple[list[Spec], bytes]:
    """The whole bundled catalog's deck, from the diagrams of the session's gallery build."""
    specs, problems = load_catalog(Project(REPO))
    assert errors(problems) == []
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return specs, anki_catalog_bytes(specs, site)


def test_ids_are_fixed():
    """Anki knows a note type and a deck by these ids: they must never change between releases."""
    assert MODEL_ID == 1_946_325_687
    assert CATALOG_DECK_ID == 1_459_357_610
    assert deck_id("twitter-2013") == 2_087_170_825
    assert len({deck_id(s) for s in ("a", "b", "twitter-2013", "twitter-2014")}) == 4


def test_one_deck_has_a_card_for_every_fact(spec: Spec, deck: bytes):
    package = read(deck)
    wanted = expected_notes(spec)
    assert {kind: len(of_kind(package, kind)) for kind in wanted} == wanted
    assert len(package.notes) == len(package.cards) == sum(wanted.values())
    assert {note["mid"] for note in package.notes} == {MODEL_ID}
    assert package.decks[deck_id(spec.id)] == deck_name(spec) == (
        "archcat::Twitter 2012-2013: Home timelines by fan-out on write into Redis")
    assert {did for _, did, _ in package.cards} == {deck_id(spec.id)}
    assert all(note["Context"].startswith("Twitter 2012-2013: Home timelines") for note in package.notes)
    assert all({"archcat", f"archcat::arch::{spec.id}"} <= set(note["tags"]) for note in package.notes)


def test_cards_hold_the_facts_of_the_spec(spec: Spec, deck: bytes):
    package = read(deck)
    arch = spec.arch
    sources = {source.id: source for source in arch.sources}
    components = of_kind(package, "component")
    for node in arch.components():
        if node.technology:
            assert any(f"<b>{esc(node.label)}</b>" in n["Question"] and esc(node.technology) in n["Answer"]
                       for n in components), node.id
    metrics = of_kind(package, "metric")
    for metric in arch.metrics:
        (note,) = [n for n in metrics if f"<b>{esc(metric.label)}</b> at Twitter in {metric.year}?" in n["Question"]]
        assert esc(metric.value) in note["Answer"]
        assert esc(sources[metric.source].title) in note["Source"] and esc(metric.where or "") in note["Source"]
        assert sources[metric.source].url in note["Source"]
    vocab = load_vocabulary()
    lessons = of_kind(package, "lesson")
    for lesson in arch.lessons:
        (note,) = [n for n in lessons if f"<b>{esc(lesson.title)}</b>" in n["Question"]]
        assert esc(lesson.body) in note["Answer"]
        assert all(esc(vocab.patterns[p].name) in note["Answer"] for p in lesson.patterns)
        assert lesson.source and esc(sources[lesson.source].title) in note["Source"]
        assert esc(lesson.where or "") in note["Source"]
        assert {f"archcat::pattern::{p}" for p in lesson.patterns} <= set(note["tags"])
    steps = of_kind(package, "step")
    for view in arch.views:
        for number, step in enumerate(view.flow, start=1):
            (note,) = [n for n in steps if f"<b>{esc(view.title)}</b>: what happens at step {number} of "
                       f"{len(view.flow)}?" in n["Question"]]
            assert esc(step.text) in note["Answer"]
            assert IMG.findall(note["Question diagram"]) == [media_name(spec.id, view.id)]
    (patterns,) = of_kind(package, "patterns")
    assert all(esc(vocab.patterns[p].name) in patterns["Answer"] for p in arch.patterns)
    # What the spec does not cite fact by fact says which sources the spec draws on.
    for note in components + steps + [patterns]:
        assert note["Source"].startswith("Sources of this architecture:")
        assert all(esc(source.title) in note["Source"] for source in arch.sources)


def test_each_diagram_is_in_the_package_once_and_every_picture_is_there(spec: Spec, deck: bytes, images: Path):
    package = read(deck)
    assert sorted(package.media) == sorted(media_name(spec.id, view.id) for view in spec.arch.views)
    for view in spec.arch.views:
        svg = diagram_path(images, spec.id, view.id, "light", "svg").read_bytes()
        assert package.media[media_name(spec.id, view.id)] == svg
        assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    shown = {src for note in package.notes for field in ("Question diagram", "Answer diagram")
             for src in IMG.findall(note[field])}
    assert shown == set(package.media)
    for note in of_kind(package, "view"):
        assert IMG.findall(note["Answer diagram"]) and not note["Question diagram"]
    for note in of_kind(package, "component"):  # the diagram names the technology: only with the answer
        assert IMG.findall(note["Answer diagram"]) and not note["Question diagram"]
    assert len(package.entries) == 2 + len(package.media)  # collection, media map, files: nothing twice


def test_two_builds_give_the_same_bytes(spec: Spec, images: Path, deck: bytes, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    again = anki_deck_bytes(spec, images)
    assert again == deck
    package = read(deck)
    assert {info.date_time for info in package.entries} == {(1980, 1, 1, 0, 0, 0)}
    assert {note["mod"] for note in package.notes} == {mod for _, _, mod in package.cards} == {1_735_689_600}


def test_source_date_epoch_sets_the_time_anki_compares_on_import(spec: Spec, images: Path, deck: bytes,
                                                                 monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = anki_deck_bytes(spec, images)
    package, before = read(later), read(deck)
    assert {note["mod"] for note in package.notes} == {1_800_000_000}
    assert [n["guid"] for n in package.notes] == [n["guid"] for n in before.notes]
    assert later == anki_deck_bytes(spec, images)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        anki_deck_bytes(spec, images)


def edited_copy(spec: Spec, tmp_path: Path, *edits: tuple[str, str]) -> Spec:
    """The spec with text replaced, loaded from a scratch catalog (its `related` dropped: the others are not
    there)."""
    text = spec.path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^related: .*$", "related: []", text)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    project = Project(tmp_path / "copy")
    project.architectures.mkdir(parents=True)
    (project.architectures / f"{spec.id}.yaml").write_text(text, encoding="utf-8")
    found, problems = load_catalog(project)
    assert errors(problems) == []
    return found[0]


def test_guids_do_not_follow_the_answers(spec: Spec, images: Path, deck: bytes, tmp_path: Path):
    """Guids come from what a card asks: rewording answers, notes and sources keeps every note's guid (so an
    import updates the note), and a new metric adds exactly one note."""
    arch = spec.arch
    lesson, metric, step = arch.lessons[0], arch.metrics[0], arch.views[0].flow[0]
    node = next(n for n in arch.components() if n.technology and n.note)
    edited = edited_copy(
        spec, tmp_path,
        ("summary: >-\n  By 2012-2013", "summary: >-\n  Around 2012-2013"),
        (f"value: {metric.value}", "value: roughly 150 million"),
        (step.text, "A user posts a tweet, which reaches Twitter through the load balancers."),
        (lesson.body[:60], "Reworded: " + lesson.body[:60]),
        (node.note, "Reworded note."),
        (arch.sources[0].title, "A retitled article"),
    )
    before, after = read(deck), read(anki_deck_bytes(edited, images))
    assert [n["guid"] for n in after.notes] == [n["guid"] for n in before.notes]
    changed = [n["guid"] for n, m in zip(before.notes, after.notes, strict=True) if n["Answer"] != m["Answer"]]
    assert len(changed) == 4  # the metric's, the step's, the lesson's and the component's
    added = edited_copy(spec, tmp_path / "more", ("metrics:\n", "metrics:\n  - {label: Engineers, value: '1,000', "
                                                  "year: 2013, source: hs-2013, where: Introduction}\n"))
    more = read(anki_deck_bytes(added, images))
    assert len({n["guid"] for n in more.notes} - {n["guid"] for n in before.notes}) == 1
    assert len(more.notes) == len(before.notes) + 1


def test_the_catalog_deck_holds_every_architecture_as_a_subdeck(catalog, site: Path):
    specs, data = catalog
    package = read(data)
    assert len(package.notes) == len(package.cards) == sum(sum(expected_notes(s).values()) for s in specs)
    assert package.decks[CATALOG_DECK_ID] == "archcat"
    assert {deck_id(s.id): deck_name(s) for s in specs}.items() <= package.decks.items()
    assert len({deck_name(s) for s in specs}) == len(specs)  # two specs may share a name and year, not a deck
    guids = [note["guid"] for note in package.notes]
    assert len(set(guids)) == len(guids)
    assert sorted(package.media) == sorted(media_name(s.id, v.id) for s in specs for v in s.arch.views)
    assert {src for note in package.notes for src in IMG.findall(note["Question diagram"] + note["Answer diagram"])
            } == set(package.media)
    # The single deck's notes are the catalog's notes: importing both updates rather than duplicates.
    one = next(s for s in specs if s.id == SPEC_ID)
    single = read(anki_deck_bytes(one, site))
    in_catalog = {n["guid"]: n for n in package.notes}
    for note in single.notes:
        assert in_catalog[note["guid"]]["Answer"] == note["Answer"]
    nids = {n["id"] for n in package.notes if f"archcat::arch::{SPEC_ID}" in n["tags"]}
    assert {did for nid, did, _ in package.cards if nid in nids} == {deck_id(SPEC_ID)}
    assert len(data) < 12 * 1024 * 1024, f"the catalog deck is {len(data):,} bytes"


def test_anki_imports_the_decks_and_updates_notes_instead_of_copying_them(spec, images, deck, catalog, tmp_path):
    """Anki's own importer: a deck, then the deck edited and built later (updated in place), then the catalog
    (which already holds those notes)."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    def load(collection, data: bytes, name: str):
        path = tmp_path / name
        path.write_bytes(data)
        request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        log = collection.import_anki_package(request).log
        return len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)

    notes = len(read(deck).notes)
    metric = spec.arch.metrics[0]
    edited = edited_copy(spec, tmp_path, (f"value: {metric.value}", "value: roughly 150 million"))
    collection = Collection(str(tmp_path / "collection.anki2"))
    try:
        assert load(collection, deck, "first.apkg") == (notes, 0, 0, 0)
        assert load(collection, deck, "again.apkg") == (0, 0, notes, 0)  # nothing newer: left as it is
        assert load(collection, anki_deck_bytes(edited, images, timestamp=1_800_000_000), "edited.apkg") == (
            0, notes, 0, 0)
        assert collection.note_count() == collection.card_count() == notes
        (nid,) = collection.find_notes(f'"Question:*{metric.label}*"')
        assert "roughly 150 million" in collection.get_note(nid)["Answer"]
        specs, data = catalog
        total = len(read(data).notes)
        assert load(collection, data, "catalog.apkg") == (total - notes, 0, notes, 0)
        assert collection.note_count() == total
        names = {d.name for d in collection.decks.all_names_and_ids()}
        assert {"archcat", *(deck_name(s) for s in specs)} <= names
        check = collection.media.check()
        assert list(check.missing) == [] and list(check.unused) == []
        assert sorted(Path(collection.media.dir()).iterdir()) and len(list(Path(collection.media.dir()).iterdir())
                                                                       ) == sum(len(s.arch.views) for s in specs)
    finally:
        collection.close()


def test_cli_writes_a_deck_and_the_catalog_deck(project: Project, capsys):
    from archcat.cli import main

    root = str(project.root)
    assert main(["--root", root, "deck", "--anki", "shop-2020"]) == 0
    path = anki_path(project.output, "shop-2020")
    assert str(path) in capsys.readouterr().out
    package = read(path.read_bytes())
    assert len(package.notes) == sum(expected_notes(load_catalog(project)[0][0]).values()) >= 9
    assert main(["--root", root, "deck", "--anki", "--all", "--out", str(project.root / "elsewhere")]) == 0
    catalog = read(anki_catalog_path(project.root / "elsewhere").read_bytes())
    assert [n["guid"] for n in catalog.notes] == [n["guid"] for n in package.notes]


def test_cli_errors_are_clear(project: Project, capsys):
    from archcat.cli import main

    root = str(project.root)
    assert main(["--root", root, "deck", "--anki", "shop-2002"]) == 1
    err = capsys.readouterr().err
    assert "no spec with id 'shop-2002'" in err and "did you mean 'shop-2020'" in err
    for args, message in ((["deck", "--anki"], "name one spec ID, or --all"),
                          (["deck", "--all"], "add --anki"),
                          (["deck", "--anki", "--all", "shop-2020"], "not both"),
                          (["deck", "--anki", "--theme", "dark", "shop-2020"], "night modes")):
        with pytest.raises(SystemExit) as exit_:
            main(["--root", root, *args])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    assert not (project.output / "decks").exists()


def test_build_with_slides_writes_and_links_the_decks(project: Project, tmp_path: Path):
    from archcat.build import build

    site = tmp_path / "site"
    build(project, out=site, slides=True)
    page = (site / "architectures" / "shop-2020.html").read_text(encoding="utf-8")
    index = (site / "index.html").read_text(encoding="utf-8")
    (href,) = re.findall(r'href="\.\./(decks/[^"]+\.apkg)" download>Flashcards \(Anki\)</a>', page)
    notes = len(read((site / href).read_bytes()).notes)
    assert f"{notes} cards to study in Anki" in page
    (catalog_href,) = re.findall(r'href="(decks/[^"]+\.apkg)" download>Flashcards of the whole catalog', index)
    assert (site / catalog_href).is_file() and f"{notes} cards, a subdeck per architecture" in index
    plain = tmp_path / "plain"
    shutil.copytree(project.architectures, tmp_path / "p2" / "architectures")
    build(Project(tmp_path / "p2"), out=plain)
    assert ".apkg" not in (plain / "architectures" / "shop-2020.html").read_text(encoding="utf-8")
    assert not (plain / "decks").exists()
