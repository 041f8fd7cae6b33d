"""The catalog as open data: one JSON document with its JSON Schema, and three CSV tables.

Everything is computed from the validated specs and the vocabularies, in a
stable order, so the same catalog gives byte-identical files:

    data/catalog.json                  every spec, resolved (kinds, glossary names, pattern and domain names)
    data/catalog.schema.json           its JSON Schema, generated from the models below
    data/architecture_technology.csv   one row per architecture and technology it runs
    data/architecture_pattern.csv      one row per architecture and pattern it uses
    data/metrics.csv                   one row per key number, with the source that states it

`write_dataset` writes them into the gallery being built (the build's staging
folder, which is swapped in only when the whole build succeeded), reusing the
cached files when nothing they are made from changed.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from archcat.files import write_atomic
from archcat.gallery import Site, patterns_of
from archcat.model import Group, Spec, View
from archcat.paths import page_href
from archcat.schema import SCHEMA_DIALECT
from archcat.vocab import split_technologies

if TYPE_CHECKING:
    from archcat.cache import Cache

DATA_FOLDER = "data"  # under the gallery root
CATALOG = "catalog.json"
SCHEMA = "catalog.schema.json"
TECHNOLOGY_TABLE = "architecture_technology.csv"
PATTERN_TABLE = "architecture_pattern.csv"
METRICS_TABLE = "metrics.csv"
FORMAT: Final = "archcat-catalog/1"


def data_href(name: str) -> str:
    """Where a data file is, relative to the gallery root."""
    return f"{DATA_FOLDER}/{name}"


# ---------------------------------------------------------------------------------------------------------------
# The JSON document's models: its schema is generated from them
# ---------------------------------------------------------------------------------------------------------------


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Named(_Data):
    """A vocabulary entry as an architecture refers to it."""

    id: str = Field(description="The vocabulary id.")
    name: str = Field(description="Its display name.")


class KindData(_Data):
    """What a node's kind resolved to."""

    name: str = Field(description="The kind as the spec writes it: a vocabulary kind, a diagrams class or "
                      "icons/<file>.png.")
    category: str = Field(description="The kind's category, e.g. database or messaging ('custom' for an icon).")
    description: str | None = Field(description="The kind's description in the kinds vocabulary, if it has one.")
    generic: bool = Field(description="True when the kind names a role rather than a product.")


class NodeData(_Data):
    """One component of a view."""

    id: str
    label: str
    kind: KindData
    technology: str | None = Field(description="The technology text as the spec writes it (names joined by commas).")
    technologies: list[str] = Field(description="The same technologies under their glossary names.")
    note: str | None
    count: int | None = Field(description="Number of identical machines in this tier, when given.")
    group: str | None = Field(description="Id of the innermost group holding the node, if any.")


class GroupData(_Data):
    """A box of nodes drawn in a view."""

    id: str
    label: str
    parent: str | None = Field(description="Id of the group it sits in, if any.")


class EdgeData(_Data):
    id: str | None
    from_: str = Field(alias="from", description="Id of a node or group.")
    to: str = Field(description="Id of a node or group.")
    label: str | None
    style: str
    direction: str


class StepData(_Data):
    number: int = Field(description="The step's number in the view's request flow, from 1.")
    text: str
    edge: str | None = Field(description="Id of the edge the step travels, if any.")


class ViewData(_Data):
    """One diagram of the architecture."""

    id: str
    title: str
    summary: str | None
    direction: str
    nodes: list[NodeData] = Field(description="Every node, nested ones included, in the spec's order.")
    groups: list[GroupData]
    edges: list[EdgeData]
    flow: list[StepData]
    diagram: str = Field(description="The view's light SVG drawing, relative to the gallery root.")


class SourceData(_Data):
    id: str
    title: str
    url: str
    year: int = Field(description="Year of publication.")
    kind: str = Field(description="article, talk, paper, slides, video or post.")
    retrospective: bool = Field(description="True when written well after the era it describes.")


class MetricData(_Data):
    label: str
    value: str
    year: int = Field(description="The year the figure held.")
    source: str = Field(description="Id of the source that states it (see sources).")
    where: str | None = Field(description="Where in the source it is stated.")


class LessonData(_Data):
    title: str
    body: str
    patterns: list[str] = Field(description="Ids of the patterns the lesson illustrates.")
    source: str | None = Field(description="Id of the source that tells it, if any.")
    where: str | None = Field(description="Where in the source it is told.")


class ArchitectureData(_Data):
    """One architecture: one era of one real-world system."""

    id: str = Field(description="The spec's id: its file name, and its page's name.")
    page: str = Field(description="Its page in the gallery, relative to the gallery root.")
    name: str = Field(description="The company or system.")
    title: str = Field(description="What the spec describes.")
    year: int = Field(description="The year the described architecture held.")
    era: str | None = Field(description="A label for a longer period, when given.")
    summary: str = Field(description="A paragraph on how the system works.")
    domain: Named | None = Field(description="The field the system serves.")
    tags: list[str] = Field(description="Tag ids (see tags).")
    related: list[str] = Field(description="Ids of related architectures.")
    technologies: list[str] = Field(description="Every technology its components run, by glossary name.")
    sources: list[SourceData] = Field(description="The public articles, talks and papers the facts come from.")
    metrics: list[MetricData] = Field(description="Key numbers, each with the year it held and its source.")
    patterns: list[Named] = Field(description="The patterns it uses: those the spec lists and those its lessons "
                                  "illustrate.")
    lessons: list[LessonData] = Field(description="What they did, why, and what it cost; each with the patterns "
                                      "it illustrates and its source.")
    views: list[ViewData] = Field(description="Its diagrams: components, connections and request flows.")


class PatternData(_Data):
    id: str
    name: str
    summary: str


class TermData(_Data):
    id: str
    name: str
    summary: str


class TechnologyData(_Data):
    name: str = Field(description="The glossary name.")
    category: str | None = Field(description="The glossary category, e.g. database; null when the technology "
                                 "is not in the glossary.")
    summary: str | None
    url: str | None


class CatalogData(_Data):
    """The whole catalog, resolved against its vocabularies."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="archcat catalog dataset",
                              json_schema_extra={"$comment": "Generated by archcat from its dataset models."})

    format: Literal["archcat-catalog/1"] = Field(description="This document's format and its version.")
    architectures: list[ArchitectureData] = Field(description="Every architecture, by id.")
    patterns: list[PatternData] = Field(description="The patterns the architectures use, by id.")
    domains: list[TermData] = Field(description="The domains the architectures serve, by id.")
    tags: list[TermData] = Field(description="The tags the architectures carry, by id.")
    technologies: list[TechnologyData] = Field(description="The technologies the architectures run, by name.")


# ---------------------------------------------------------------------------------------------------------------
# From the specs to the document and the tables
# ---------------------------------------------------------------------------------------------------------------


def _kind(spec: Spec, text: str, site: Site) -> KindData:
    kinds = site.vocab.kinds
    resolved = spec.kinds.get(text)
    entry = kinds.get(text)
    if entry is None and resolved is not None and resolved.class_path:
        entry = next((kinds[name] for name in sorted(kinds) if kinds[name].class_path == resolved.class_path), None)
    category = resolved.category if resolved else (entry.category if entry else "")
    generic = resolved.generic if resolved else bool(entry and entry.generic)
    return KindData(name=text, category=category, description=entry.description if entry else None, generic=generic)


def _parents(view: View) -> dict[str, str | None]:
    """Each group's enclosing group, and each node's innermost group."""
    found: dict[str, str | None] = {}

    def walk(group: Group, parent: str | None) -> None:
        found[f"group:{group.id}"] = parent
        for node in group.nodes:
            found[f"node:{node.id}"] = group.id
        for child in group.groups:
            walk(child, group.id)

    for group in view.groups:
        walk(group, None)
    return found


def _view(spec: Spec, view: View, site: Site) -> ViewData:
    from archcat.paths import diagram_href

    parents = _parents(view)
    return ViewData(
        id=view.id, title=view.title, summary=view.summary, direction=view.direction,
        nodes=[NodeData(id=n.id, label=n.label, kind=_kind(spec, n.kind, site), technology=n.technology,
                        technologies=[site.tech_name(t) for t in split_technologies(n.technology)],
                        note=n.note, count=n.count, group=parents.get(f"node:{n.id}"))
               for n in view.all_nodes()],
        groups=[GroupData(id=g.id, label=g.label, parent=parents.get(f"group:{g.id}")) for g in view.all_groups()],
        edges=[EdgeData.model_validate({"id": e.id, "from": e.from_, "to": e.to, "label": e.label, "style": e.style,
                                        "direction": e.direction}) for e in view.edges],
        flow=[StepData(number=i, text=s.text, edge=s.edge) for i, s in enumerate(view.flow, start=1)],
        diagram=diagram_href(spec.id, view.id, "light", "svg"),
    )


def architecture_data(spec: Spec, site: Site) -> ArchitectureData:
    arch, vocab = spec.arch, site.vocab
    return ArchitectureData(
        id=spec.id, page=page_href(spec.id), name=arch.name, title=arch.title, year=arch.year, era=arch.era,
        summary=arch.summary,
        domain=Named(id=arch.domain, name=vocab.domains[arch.domain].name) if arch.domain else None,
        tags=list(arch.tags), related=list(arch.related), technologies=list(site.by_spec_tech[spec.id]),
        sources=[SourceData(id=s.id, title=s.title, url=s.url, year=s.year, kind=s.kind,
                            retrospective=s.retrospective) for s in arch.sources],
        metrics=[MetricData(label=m.label, value=m.value, year=m.year, source=m.source, where=m.where)
                 for m in arch.metrics],
        patterns=[Named(id=p, name=vocab.patterns[p].name) for p in patterns_of(spec)],
        lessons=[LessonData(title=lesson.title, body=lesson.body, patterns=list(lesson.patterns),
                            source=lesson.source, where=lesson.where) for lesson in arch.lessons],
        views=[_view(spec, view, site) for view in arch.views],
    )


def by_id(site: Site) -> list[Spec]:
    return sorted(site.specs, key=lambda s: s.id)


def catalog_document(site: Site) -> CatalogData:
    """The whole catalog as one document; the vocabularies hold only what the architectures use."""
    vocab = site.vocab
    used_patterns = sorted({p for spec in site.specs for p in patterns_of(spec)})
    used_domains = sorted({spec.arch.domain for spec in site.specs if spec.arch.domain})
    used_tags = sorted({t for spec in site.specs for t in spec.arch.tags})
    technologies = []
    for name in sorted(site.technologies, key=lambda n: (n.lower(), n)):
        info = site.technologies[name].info
        technologies.append(TechnologyData(name=name, category=info.category if info else None,
                                           summary=info.summary if info else None, url=info.url if info else None))
    return CatalogData(
        format=FORMAT,
        architectures=[architecture_data(spec, site) for spec in by_id(site)],
        patterns=[PatternData(id=p, name=vocab.patterns[p].name, summary=vocab.patterns[p].summary)
                  for p in used_patterns],
        domains=[TermData(id=d, name=vocab.domains[d].name, summary=vocab.domains[d].summary) for d in used_domains],
        tags=[TermData(id=t, name=vocab.tags[t].name, summary=vocab.tags[t].summary) if t in vocab.tags
              else TermData(id=t, name=t, summary="") for t in used_tags],
        technologies=technologies,
    )


def catalog_json(document: CatalogData) -> str:
    """The document as JSON with sorted keys and no indentation, each entry of a top-level list on a line
    of its own (one architecture per line): small, and a change shows as a changed line in a diff."""
    data = document.model_dump(mode="json", by_alias=True)

    def dump(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            shown = "[\n" + ",\n".join(dump(item) for item in value) + "\n]"
        else:
            shown = dump(value)
        parts.append(f"{dump(key)}:{shown}")
    return "{" + ",\n".join(parts) + "}\n"


def json_schema() -> dict[str, Any]:
    schema = CatalogData.model_json_schema(by_alias=True)
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_json() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Column:
    name: str
    about: str


@dataclass(frozen=True)
class Table:
    name: str  # the file name
    about: str  # what one row is: "one row per <about>"
    columns: tuple[Column, ...]


TABLES = (
    Table(TECHNOLOGY_TABLE, "architecture and technology it runs", (
        Column("architecture_id", "The architecture's id (its page is architectures/<id>.html)."),
        Column("technology", "The technology's name in the glossary."),
        Column("category", "The technology's category in the glossary (empty when it is not in the glossary)."),
        Column("component_ids", "The ids of the components that run it, separated by spaces."),
        Column("component_count", "How many components run it."),
    )),
    Table(PATTERN_TABLE, "architecture and pattern it uses", (
        Column("architecture_id", "The architecture's id."),
        Column("pattern_id", "The pattern's id."),
        Column("pattern_name", "The pattern's display name."),
        Column("listed", "true when the spec lists the pattern, false when only a lesson illustrates it."),
        Column("lesson_count", "How many of the architecture's lessons illustrate it."),
    )),
    Table(METRICS_TABLE, "key number of an architecture, in the order of its spec", (
        Column("architecture_id", "The architecture's id."),
        Column("label", "What is measured."),
        Column("value", "The figure with its unit, as the spec writes it."),
        Column("year", "The year the figure held."),
        Column("source_id", "The id of the source that states it."),
        Column("source_url", "The address of that source."),
        Column("where", "Where in the source it is stated (empty when not given)."),
    )),
)


def table_rows(site: Site) -> dict[str, list[list[str]]]:
    """Each CSV table's rows (without the header), in a stable order: by architecture id, then by technology
    name, pattern id, or the metric's place in the spec."""
    technology: list[list[str]] = []
    pattern: list[list[str]] = []
    metrics: list[list[str]] = []
    for spec in by_id(site):
        components: dict[str, list[str]] = {}  # technology -> component ids, in order of first appearance
        for view in spec.arch.views:  # a component drawn in several views may name more technologies in one
            for node in view.all_nodes():
                for text in split_technologies(node.technology):
                    users = components.setdefault(site.tech_name(text), [])
                    if node.id not in users:
                        users.append(node.id)
        for name in sorted(components, key=lambda n: (n.lower(), n)):
            entry = site.technologies.get(name)
            category = entry.info.category if entry and entry.info else ""
            technology.append([spec.id, name, category, " ".join(components[name]), str(len(components[name]))])
        taught = Counter(p for lesson in spec.arch.lessons for p in set(lesson.patterns))
        for pid in patterns_of(spec):
            pattern.append([spec.id, pid, site.vocab.patterns[pid].name,
                            "true" if pid in spec.arch.patterns else "false", str(taught[pid])])
        urls = {s.id: s.url for s in spec.arch.sources}
        for m in spec.arch.metrics:
            metrics.append([spec.id, m.label, m.value, str(m.year), m.source, urls.get(m.source, ""), m.where or ""])
    return {TECHNOLOGY_TABLE: technology, PATTERN_TABLE: pattern, METRICS_TABLE: metrics}


def csv_text(table: Table, rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    writer.writerows(rows)
    return buffer.getvalue()


def dataset_files(site: Site) -> dict[str, bytes]:
    """Every data file's name and bytes."""
    files = {CATALOG: catalog_json(catalog_document(site)).encode("utf-8"),
             SCHEMA: schema_json().encode("utf-8")}
    rows = table_rows(site)
    for table in TABLES:
        files[table.name] = csv_text(table, rows[table.name]).encode("utf-8")
    return files


FILE_NAMES = (CATALOG, SCHEMA, TECHNOLOGY_TABLE, PATTERN_TABLE, METRICS_TABLE)


def write_dataset(site: Site, out: Path, cache: Cache | None = None, depends_on: str = "") -> list[Path]:
    """Write the data files under `out`/data. With a cache, files made from the same inputs (`depends_on`: a
    digest of every spec; the vocabularies and archcat's own code are in the cache's fingerprint) are
    copied from it instead of being made again."""
    targets = {name: out / DATA_FOLDER / name for name in FILE_NAMES}
    key = cache.key("dataset", depends_on) if cache is not None else ""
    if cache is None or not cache.fetch(key, targets):
        for name, data in dataset_files(site).items():
            write_atomic(targets[name], data)
        if cache is not None:
            cache.store(key, targets)
    return list(targets.values())


# ---------------------------------------------------------------------------------------------------------------
# What the Open data page says about the files
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileInfo:
    name: str
    href: str
    size: int
    format: str
    records: int  # architectures in the JSON document, rows in a table
    about: str
    columns: tuple[Column, ...]


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def architecture_fields() -> tuple[Column, ...]:
    """The fields of one architecture in catalog.json, with their descriptions from the model."""
    return tuple(Column(name, field.description or "") for name, field in ArchitectureData.model_fields.items())


def file_infos(site: Site, out: Path) -> list[FileInfo]:
    """The data files as written under `out`, with their sizes, records and columns."""
    folder = out / DATA_FOLDER
    found = [
        FileInfo(CATALOG, data_href(CATALOG), (folder / CATALOG).stat().st_size, "JSON", len(site.specs),
                 "Every architecture with its sources, metrics, patterns, lessons and views, and the vocabulary "
                 "entries they use.", architecture_fields()),
        FileInfo(SCHEMA, data_href(SCHEMA), (folder / SCHEMA).stat().st_size, "JSON Schema", 1,
                 "The JSON Schema (draft 2020-12) that catalog.json validates against.", ()),
    ]
    for table in TABLES:
        with (folder / table.name).open(encoding="utf-8", newline="") as stream:
            rows = sum(1 for _ in csv.reader(stream)) - 1
        found.append(FileInfo(table.name, data_href(table.name), (folder / table.name).stat().st_size, "CSV",
                              rows, table.about, table.columns))
    return found


@dataclass(frozen=True)
class Facts:
    """Counts the Open data page states, each computed from the specs."""

    architectures: int
    first_year: int
    last_year: int
    sources: int  # distinct addresses
    citations: int  # sources as the specs list them: one cited by two specs counts twice
    source_sites: int
    metrics: int
    metrics_with_where: int
    lessons: int
    lessons_with_source: int
    retrospective: int
    licence: str | None  # what archcat's package metadata declares


def package_licence() -> str | None:
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        info = metadata("archcat")
    except PackageNotFoundError:
        return None
    found = info.get_all("License-Expression") or info.get_all("License") or []
    return str(found[0]) if found and found[0] else None


def facts(site: Site) -> Facts:
    from urllib.parse import urlsplit

    archs = [spec.arch for spec in site.specs]
    sources = [s for a in archs for s in a.sources]
    hosts = {host.removeprefix("www.") for s in sources if (host := urlsplit(s.url).hostname)}
    metrics = [m for a in archs for m in a.metrics]
    lessons = [lesson for a in archs for lesson in a.lessons]
    return Facts(
        architectures=len(archs), first_year=min(a.year for a in archs), last_year=max(a.year for a in archs),
        sources=len({s.url for s in sources}), citations=len(sources), source_sites=len(hosts), metrics=len(metrics),
        metrics_with_where=sum(1 for m in metrics if m.where), lessons=len(lessons),
        lessons_with_source=sum(1 for lesson in lessons if lesson.source),
        retrospective=sum(1 for s in sources if s.retrospective), licence=package_licence(),
    )


def data_page(site: Site, out: Path) -> dict[str, Any]:
    """What templates/data.html shows."""
    from archcat import __version__

    return {"files": file_infos(site, out), "facts": facts(site), "version": __version__,
            "human_size": human_size}
