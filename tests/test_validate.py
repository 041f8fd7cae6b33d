"""validate.py: every problem in a file, located and explained."""

from __future__ import annotations

from pathlib import Path

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.model import MAX_NODES
from tests.conftest import FIXTURES, VALID_SPEC, write_spec

INVALID = FIXTURES / "invalid"


def test_valid_fixture_has_no_problems():
    specs, problems = load_catalog(Project(VALID_SPEC.parent), [VALID_SPEC])
    assert problems == []
    assert specs[0].id == "shop-2020"
    assert [n.id for n in specs[0].arch.components()] == ["users", "lb", "web", "cache", "db"]


def test_all_problems_in_all_files_are_reported_in_one_run(tmp_path: Path):
    project = Project(tmp_path)
    project.architectures.mkdir()
    base = VALID_SPEC.read_text(encoding="utf-8")
    write_spec(project, "one-2020", base.replace("kind: redis}", "kind: reddis}")
               .replace("to: cache, label: get}", "to: fanout, label: get}"))
    write_spec(project, "two-2020", base.replace("{edge: read,", "{edge: nope,"))
    write_spec(project, "three-2020", base)
    specs, problems = load_catalog(project)
    assert [s.id for s in specs] == ["three-2020"]
    messages = {(Path(d.file).name, d.message) for d in problems}
    assert messages == {
        ("one-2020.yaml", "unknown kind 'reddis'"),
        ("one-2020.yaml", "edge to 'fanout' but no node or group has that id"),
        ("two-2020.yaml", "cites edge 'nope' but no edge has that id"),
    }


def test_hints_suggest_the_closest_name():
    _, problems = load_catalog(Project(INVALID), [INVALID / "unknown-kind.yaml"])
    assert problems[0].hint.startswith("did you mean 'redis'")
    _specs, problems = load_catalog(Project(INVALID), [INVALID / "unknown-field.yaml"])
    assert "label" in problems[0].hint


def test_node_limit(tmp_path: Path):
    project = Project(tmp_path)
    project.architectures.mkdir()
    nodes = "".join(f"      - {{id: n{i}, label: N{i}, kind: server}}\n" for i in range(MAX_NODES + 1))
    text = VALID_SPEC.read_text(encoding="utf-8")
    head = text[: text.index("views:")]
    write_spec(project, "big-2020", head + "views:\n  - id: overview\n    title: O\n    nodes:\n" + nodes)
    _specs, problems = load_catalog(project)
    assert [d.message for d in problems] == [f"spec has {MAX_NODES + 1:,} nodes; the limit is {MAX_NODES}"]


def test_custom_icon_inside_icons_folder_is_accepted_and_symlink_escape_is_not(tmp_path: Path):
    project = Project(tmp_path)
    project.architectures.mkdir()
    project.icons.mkdir()
    from archcat.graph import icon_file
    from archcat.vocab import import_node_class

    real_png = Path(icon_file(import_node_class("onprem.inmemory.Redis")))
    (project.icons / "flock.png").write_bytes(real_png.read_bytes())
    outside = tmp_path / "secret.png"
    outside.write_bytes(real_png.read_bytes())
    (project.icons / "link.png").symlink_to(outside)
    base = VALID_SPEC.read_text(encoding="utf-8")
    write_spec(project, "good-2020", base.replace("kind: redis}", "kind: icons/flock.png}"))
    write_spec(project, "bad-2020", base.replace("kind: redis}", "kind: icons/link.png}"))
    specs, problems = load_catalog(project)
    assert [s.id for s in specs] == ["good-2020"]
    assert specs[0].kinds["icons/flock.png"].icon == (project.icons / "flock.png").resolve()
    assert [d.message for d in problems] == ["icon path 'icons/link.png' goes through a link (link.png)"]


def test_numbers_are_accepted_as_metric_values_and_era():
    from archcat.model import Architecture

    text = VALID_SPEC.read_text(encoding="utf-8").replace('value: "10,000"', "value: 10000")
    import yaml

    data = yaml.safe_load(text)
    data["era"] = 2020
    arch = Architecture.model_validate(data)
    assert arch.metrics[0].value == "10,000"
    assert arch.era == "2020"
