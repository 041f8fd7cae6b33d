"""The spec model: what one architecture file may contain.

The model checks shape and types; cross-references (edge ends, flow steps,
cited sources, kinds, patterns) are checked in `validate.py`, which knows the
vocabularies and reports every problem with its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from archcat.parse import Document
    from archcat.vocab import ResolvedKind

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

# Limits, documented in docs/spec-reference.md.
MAX_NODES = 400
MAX_VIEWS = 12
MAX_GROUP_DEPTH = 6

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")


def _printable(value: str) -> str:
    found = _UNPRINTABLE.search(value)
    if found:
        raise ValueError(f"contains the control character U+{ord(found.group()):04X}; remove it")
    return value


def _colour(value: str) -> str:
    if value.startswith("#"):
        return value
    from PIL import ImageColor

    if value not in ImageColor.colormap:
        raise ValueError(f"'{value}' is not a colour name; use #rrggbb or a CSS colour name such as crimson")
    return value


Printable = AfterValidator(_printable)


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("expected an http:// or https:// address")
    return value


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _plain_text(value: object) -> object:
    return str(_finite(value)) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _number_as_text(value: object) -> object:
    if isinstance(value, bool):
        return value
    _finite(value)
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else str(value)
    return value


EraText = Annotated[str, BeforeValidator(_plain_text), StringConstraints(min_length=1, max_length=60), Printable]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), Printable]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), Printable]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=600), Printable]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Printable]
Year = Annotated[int, Field(ge=1990, le=2100, strict=True)]
KindName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Color = Annotated[str, StringConstraints(pattern=r"^(#[0-9a-fA-F]{6}|[a-z]{3,20})$"), AfterValidator(_colour)]
Url = Annotated[str, StringConstraints(max_length=500), Printable, AfterValidator(_http_url)]
Where = Annotated[str, BeforeValidator(_plain_text), StringConstraints(strip_whitespace=True, min_length=1,
                                                                      max_length=120), Printable]
WHERE_HELP = ("Where in the source the fact is stated: a section heading, slide, page or minute, "
              "e.g. 'Stats', 'slide 14', '§4.2', '31:20'.")
MetricValue = Annotated[str, BeforeValidator(_number_as_text), StringConstraints(min_length=1, max_length=120),
                        Printable]


def walk_tree(container: Any, path: tuple, depth: int = 0, *, max_depth: int = MAX_GROUP_DEPTH
              ) -> Iterator[tuple[str, tuple, dict, int]]:
    """Every node and group of a view (or group) in the parsed, not yet validated tree, as
    ("node" or "group", its path for locating, its mapping, its depth), in document order.

    Entries that are not mappings are skipped (the model reports them); a group nested deeper than
    `max_depth` is yielded as ("too-deep", path, group, depth) and not entered.
    """
    if not isinstance(container, dict):
        return
    nodes, groups = container.get("nodes"), container.get("groups")
    for i, node in enumerate(nodes if isinstance(nodes, list) else []):
        if isinstance(node, dict):
            yield "node", (*path, "nodes", i), node, depth
    for i, group in enumerate(groups if isinstance(groups, list) else []):
        if not isinstance(group, dict):
            continue
        if depth + 1 > max_depth:
            yield "too-deep", (*path, "groups", i), group, depth + 1
            continue
        yield "group", (*path, "groups", i), group, depth + 1
        yield from walk_tree(group, (*path, "groups", i), depth + 1, max_depth=max_depth)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Model):
    """A public article, talk or paper the facts come from."""

    id: Slug = Field(description="Used by metrics and lessons to cite this source.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Printable] = Field(
        description="Title of the article, talk or paper.")
    url: Url = Field(description="Where to read it (http or https).")
    year: Year = Field(description="Year of publication.")
    kind: Literal["article", "talk", "paper", "slides", "video", "post"] = "article"
    retrospective: bool = Field(
        default=False, description="True when the source was written well after the era the spec draws, "
        "looking back at it; the gallery says so beside the citation.")


class Metric(_Model):
    """A key number, the year it held, and the source that states it."""

    label: Title = Field(description="What is measured, e.g. 'Tweets per day'.")
    value: MetricValue = Field(description="The figure with its unit, e.g. '400 million'.")
    year: Year = Field(description="The year the figure held.")
    source: Slug = Field(description="Id of the source that states it.")
    where: Where | None = Field(default=None, description=WHERE_HELP)


class Lesson(_Model):
    """A lesson learned: what they did, why, and what it cost."""

    title: Title
    body: LongText
    patterns: list[Slug] = Field(default_factory=list, description="Pattern ids the lesson illustrates.")
    source: Slug | None = Field(default=None, description="Id of the source that tells it.")
    where: Where | None = Field(default=None, description=WHERE_HELP)


class Node(_Model):
    """One component, or one tier of identical machines."""

    id: Slug = Field(description="Unique in the view; edges refer to it.")
    label: Label = Field(description="Short name shown under the icon.")
    kind: KindName = Field(description="A kind from `archcat kinds`, a diagrams class, or icons/<file>.png.")
    technology: Label | None = Field(default=None, description="Product or in-house system, e.g. 'FlockDB'.")
    note: Text | None = Field(default=None, description="A short note: its role, size or trick.")
    count: Annotated[int, Field(ge=2, le=1_000_000, strict=True)] | None = Field(
        default=None, description="Number of identical machines in this tier, shown as 'x400'.")


class Group(_Model):
    """A cluster of nodes, drawn as a box; groups nest."""

    id: Slug = Field(description="Unique in the view; edges may start or end at a group.")
    label: Label
    nodes: list[Node] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)


class Edge(_Model):
    """A connection between two nodes or groups."""

    id: Slug | None = Field(default=None, description="Needed when a flow step refers to this edge.")
    from_: Slug = Field(alias="from", description="Id of a node or group.")
    to: Slug = Field(description="Id of a node or group.")
    label: Label | None = None
    style: Literal["solid", "dashed", "dotted"] = "solid"
    direction: Literal["forward", "back", "both", "none"] = "forward"
    color: Color | None = Field(default=None, description="#rrggbb or a colour name.")


class Step(_Model):
    """One numbered step of the request flow."""

    text: Text
    edge: Slug | None = Field(default=None, description="Id of the edge this step travels.")


class View(_Model):
    """One diagram: the overview or a detail such as 'write path'."""

    id: Slug = Field(description="Names the output files, e.g. 'overview'.")
    title: Title
    direction: Literal["LR", "TB", "RL", "BT"] = "LR"
    summary: Text | None = None
    nodes: list[Node] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)
    flow: list[Step] = Field(default_factory=list)

    def all_nodes(self) -> list[Node]:
        found = list(self.nodes)
        stack = list(self.groups)
        while stack:
            group = stack.pop(0)
            found.extend(group.nodes)
            stack[:0] = group.groups
        return found

    def all_groups(self) -> list[Group]:
        found: list[Group] = []
        stack = list(self.groups)
        while stack:
            group = stack.pop(0)
            found.append(group)
            stack[:0] = group.groups
        return found


class Architecture(_Model):
    """One era of one real-world system."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, title="archcat architecture spec",
        json_schema_extra={"$comment": "Generated by `archcat schema`; see docs/spec-reference.md."},
    )

    name: Label = Field(description="Company or system name, e.g. 'Twitter'.")
    title: Title = Field(description="What this spec describes, e.g. 'Timelines at scale'.")
    year: Year = Field(description="The year the described architecture held.")
    era: EraText | None = Field(default=None, description="A label for a longer period, e.g. '2012-2013'.")
    summary: Text
    domain: Slug | None = Field(default=None, description="The field the system serves, from `archcat domains`, "
                                "e.g. 'social' or 'storage'.")
    tags: list[Slug] = Field(default_factory=list, description="Tags from `archcat tags`.")
    related: list[Slug] = Field(default_factory=list, description="Ids of other specs, e.g. another era.")
    sources: list[Source] = Field(min_length=1)
    metrics: list[Metric] = Field(default_factory=list)
    patterns: list[Slug] = Field(default_factory=list, description="Pattern ids from `archcat patterns`.")
    lessons: list[Lesson] = Field(default_factory=list)
    views: list[View] = Field(min_length=1, max_length=MAX_VIEWS)

    def components(self) -> list[Node]:
        """Every node id once, in order of first appearance across views."""
        seen: dict[str, Node] = {}
        for view in self.views:
            for node in view.all_nodes():
                seen.setdefault(node.id, node)
        return list(seen.values())

    def technologies(self) -> list[str]:
        return sorted({n.technology for n in self.components() if n.technology}, key=str.lower)


@dataclass(frozen=True)
class Spec:
    """A validated spec: its id (the file name), where it lives, its content, and how it was read."""

    id: str
    path: Path
    arch: Architecture
    kinds: dict[str, ResolvedKind]  # kind text -> what it resolved to
    source_bytes: bytes
    doc: Document  # keeps the line and column of every value, for later checks
