"""The published JSON Schema and the model agree: editors flag exactly what archcat flags."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from archcat.discover import Project
from archcat.scaffold import new_spec
from tests.conftest import FIXTURES, REPO

SCHEMA = json.loads((REPO / "docs" / "archcat.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SPECS = sorted((REPO / "architectures").glob("*.yaml"))


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_bundled_spec_validates_against_the_published_schema(path: Path):
    errors = sorted(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))), key=str)
    assert [f"{list(e.path)}: {e.message}" for e in errors] == []


def test_the_starter_spec_validates_against_the_schema(tmp_path: Path):
    path = new_spec(Project(tmp_path), "acme-2024")
    assert list(VALIDATOR.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == []
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../docs/archcat.schema.json")


@pytest.mark.parametrize("case", ["unknown-field", "bad-style", "year-not-a-number", "missing-title", "no-views",
                                  "count-too-small", "bad-node-id", "javascript-url"])
def test_the_schema_rejects_shape_errors_too(case: str):
    data = yaml.safe_load((FIXTURES / "invalid" / f"{case}.yaml").read_text(encoding="utf-8"))
    assert list(VALIDATOR.iter_errors(data)), f"the schema accepts {case}"


def test_editors_get_a_description_for_every_kind_pattern_domain_and_tag_and_a_short_error():
    kinds = SCHEMA["$defs"]["Node"]["properties"]["kind"]
    listed = kinds["anyOf"][0]
    assert len(listed["enum"]) == len(listed["enumDescriptions"]) == len(listed["markdownEnumDescriptions"]) > 100
    assert all(listed["enumDescriptions"])
    assert len(kinds["errorMessage"]) < 200  # not the list of every value
    for enum in (SCHEMA["properties"]["patterns"]["items"], SCHEMA["properties"]["tags"]["items"],
                 SCHEMA["properties"]["domain"]["anyOf"][0]):
        assert len(enum["enum"]) == len(enum["enumDescriptions"]) and "errorMessage" in enum
