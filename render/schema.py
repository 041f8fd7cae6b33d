"""The JSON Schema of the spec format, generated from the model and the vocabularies."""

from __future__ import annotations

import json
from typing import Any

from archcat.model import Architecture
from archcat.vocab import load_vocabulary

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    vocab = load_vocabulary()
    schema = Architecture.model_json_schema(by_alias=True)
    schema = {"$schema": SCHEMA_DIALECT, **schema}
    defs = schema["$defs"]
    kinds = sorted(vocab.kinds)
    defs["Node"]["properties"]["kind"] = {
        "title": "Kind",
        "description": defs["Node"]["properties"]["kind"].get("description", ""),
        "anyOf": [
            {"enum": kinds},
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
    pattern_ids = sorted(vocab.patterns)
    schema["properties"]["patterns"]["items"] = {"enum": pattern_ids}
    defs["Lesson"]["properties"]["patterns"]["items"] = {"enum": pattern_ids}
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
