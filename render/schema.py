"""The JSON Schema of the spec format, generated from the model and the vocabularies."""

from __future__ import annotations

import json
from typing import Any

from archcat.model import Architecture
from archcat.vocab import load_vocabulary

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def described_enum(values: dict[str, str], error: str) -> dict[str, Any]:
    """An enum whose values carry descriptions editors show in completion (`enumDescriptions` and
    `markdownEnumDescriptions`, which the YAML language server reads), with a short `errorMessage` instead
    of the list of every allowed value."""
    names = sorted(values)
    return {"enum": names, "enumDescriptions": [values[n] for n in names],
            "markdownEnumDescriptions": [values[n] for n in names], "errorMessage": error}


def json_schema() -> dict[str, Any]:
    vocab = load_vocabulary()
    schema = Architecture.model_json_schema(by_alias=True)
    schema = {"$schema": SCHEMA_DIALECT, **schema}
    defs = schema["$defs"]
    kinds = sorted(vocab.kinds)
    defs["Node"]["properties"]["kind"] = {
        "title": "Kind",
        "description": defs["Node"]["properties"]["kind"].get("description", ""),
        "errorMessage": "unknown kind: run `archcat kinds` for the list, or use a diagrams class "
                        "(onprem.inmemory.Redis) or icons/<file>.png",
        "anyOf": [
            described_enum({k: f"{vocab.kinds[k].category}: {vocab.kinds[k].description}" for k in kinds},
                           "unknown kind: run `archcat kinds` for the list"),
            {"type": "string", "pattern": r"^[a-z0-9_]+\.[a-z0-9_]+\.[A-Za-z0-9_]+$",
             "description": "A diagrams class, e.g. onprem.inmemory.Redis"},
            {"type": "string", "pattern": r"^icons/[^/][^\\]*\.png$",
             "description": "A PNG in the repository's icons/ folder"},
        ],
    }
    # What the model's validators accept beyond the plain types pydantic reports.
    value = defs["Metric"]["properties"]["value"]
    defs["Metric"]["properties"]["value"] = {
        "title": value.get("title", "Value"), "description": value.get("description", ""),
        "anyOf": [{k: v for k, v in value.items() if k not in ("title", "description")}, {"type": "number"}],
    }
    era = schema["properties"]["era"]
    era["anyOf"] = [*era["anyOf"], {"type": "integer"}]
    url = defs["Source"]["properties"]["url"]
    url["pattern"] = r"^https?://[^\s/]+[^\s]*$"
    patterns = described_enum({p.id: f"{p.name}: {p.summary}" for p in vocab.patterns.values()},
                              "unknown pattern: run `archcat patterns` for the list")
    schema["properties"]["patterns"]["items"] = patterns
    defs["Lesson"]["properties"]["patterns"]["items"] = patterns
    domain = schema["properties"]["domain"]
    domain["anyOf"] = [described_enum({t.id: f"{t.name}: {t.summary}" for t in vocab.domains.values()},
                                      "unknown domain: run `archcat domains` for the list"), {"type": "null"}]
    schema["properties"]["tags"]["items"] = described_enum(
        {t.id: f"{t.name}: {t.summary}" for t in vocab.tags.values()}, "unknown tag: run `archcat tags` for the list")
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
