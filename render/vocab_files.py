"""Read the vocabulary files as data with a schema, located errors included.

Each file (kinds, patterns, technologies, domains, tags) goes through the
same position-keeping YAML loader as a spec and a pydantic model of its
entries, so a contributor's glossary entry gets the same
`file:line:column: message` as a spec. A catalog folder may add entries of
its own in `vocabulary/<name>.yaml`; an entry that redefines one archcat
ships is an error. The formats are described in each bundled file's header
and in CONTRIBUTING.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints, ValidationError

from archcat.diagnostics import Diagnostic, did_you_mean, display_path
from archcat.discover import Project
from archcat.model import Printable, Slug, Url
from archcat.parse import Document, parse_bytes
from archcat.paths import DATA_DIR
from archcat.vocab import TECHNOLOGY_CATEGORIES, Kind, Pattern, Technology, Term, Vocabulary, vocabulary_files

MAX_VOCABULARY_BYTES = 1024 * 1024

Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300,
                                            pattern=r"[.!?)]$"), Printable]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), Printable]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60,
                                        pattern=r"^[^,\n]+$"), Printable]
ClassPath = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+\.[A-Za-z0-9_]+$")]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class KindEntry(_Entry):
    class_: ClassPath = Field(alias="class", description="The diagrams node class: provider.module.Class.")
    category: Slug
    description: Line
    generic: bool = False


class KindsFile(_Entry):
    categories: dict[Slug, Line] = Field(default_factory=dict)
    kinds: dict[Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)],
                KindEntry] = Field(default_factory=dict)


class PatternEntry(_Entry):
    name: Line
    summary: Sentence


class TechnologyEntry(_Entry):
    category: Literal[TECHNOLOGY_CATEGORIES]  # type: ignore[valid-type]
    summary: Sentence
    alternatives: list[Name] = Field(default_factory=list)
    aliases: list[Name] = Field(default_factory=list)
    url: Url | None = None


class TermEntry(_Entry):
    name: Line
    summary: Sentence


MODELS: dict[str, type[BaseModel]] = {
    "kinds": KindsFile,
    "patterns": RootModel[dict[Slug, PatternEntry]],
    "technologies": RootModel[dict[Name, TechnologyEntry]],
    "domains": RootModel[dict[Slug, TermEntry]],
    "tags": RootModel[dict[Slug, TermEntry]],
}


def _read(path: Path, name: str) -> tuple[Document | None, dict[str, dict], list[Diagnostic]]:
    """One vocabulary file: its document and its valid entries by section, or located problems.

    Entries are checked one by one, so a slip in one entry reports that entry
    and leaves the others in use.
    """
    file = display_path(path)
    try:
        if path.is_symlink() or not path.is_file():
            return None, {}, [Diagnostic(file, 1, 1, "not a regular file", "a vocabulary is a plain YAML file")]
        with path.open("rb") as handle:
            raw = handle.read(MAX_VOCABULARY_BYTES + 1)
    except OSError as exc:
        return None, {}, [Diagnostic(file, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    if len(raw) > MAX_VOCABULARY_BYTES:
        return None, {}, [Diagnostic(file, 1, 1, f"file is larger than {MAX_VOCABULARY_BYTES:,} bytes")]
    doc, problems = parse_bytes(raw, file)
    if doc is None:
        return None, {}, problems
    from archcat.validate import translate_errors

    model = MODELS[name]
    data = {} if doc.data is None else doc.data
    sections: dict[str | None, Any] = {"categories": None, "kinds": None} if name == "kinds" else {None: None}
    if not isinstance(data, dict):
        return doc, {}, [doc.diagnostic((), f"{name}.yaml must be a mapping of entries",
                                        "see the header of archcat's own data/{name}.yaml for the format")]
    if name == "kinds":
        unknown = sorted(set(data) - {"categories", "kinds"})
        problems += [doc.diagnostic((key,), f"unknown section '{key}'", "kinds.yaml has `categories:` and `kinds:`",
                                    key=True) for key in unknown]
    found: dict[str, dict] = {}
    for section in sections:
        entries = data.get(section) if section else data
        if entries is None:
            found[section or ""] = {}
            continue
        if not isinstance(entries, dict):
            problems.append(doc.diagnostic((section or "",), f"'{section}' should be a mapping of entries"))
            continue
        good: dict = {}
        for key, value in entries.items():
            probe = {key: value} if section is None else {section: {key: value}}
            try:
                checked = model.model_validate(probe)
            except ValidationError as exc:
                problems.extend(translate_errors(exc, doc, model))
                continue
            good.update(getattr(checked, "root" if section is None else section))
        found[section or ""] = good
    return doc, found, sorted(set(problems))


def read_vocabulary(project: Project | None = None) -> Vocabulary:
    """Read archcat's vocabularies and the catalog's additions; see `vocab.load_vocabulary`."""
    problems: list[Diagnostic] = []
    categories: dict[str, str] = {}
    kinds: dict[str, Kind] = {}
    patterns: dict[str, Pattern] = {}
    technologies: dict[str, Technology] = {}
    domains: dict[str, Term] = {}
    tags: dict[str, Term] = {}
    owners: dict[str, str] = {}  # technology name or alias (lower case) -> the entry that has it
    for path in vocabulary_files(project):
        if path.parent != DATA_DIR and not path.exists():
            continue  # a catalog adds only the files it needs
        name = path.stem
        doc, sections, found = _read(path, name)
        problems.extend(found)
        if doc is None:
            continue
        bundled = path.parent == DATA_DIR

        def clash(key: tuple, what: str, ident: str, doc: Document = doc, bundled: bool = bundled) -> None:
            where = "archcat's own vocabulary" if not bundled else "this file"
            problems.append(doc.diagnostic(key, f"{what} '{ident}' is already defined in {where}",
                                           "choose another name, or drop this entry", key=True))

        if name == "kinds":
            for cid, text in sections.get("categories", {}).items():
                if cid in categories:
                    clash(("categories", cid), "category", cid)
                categories[cid] = text
            for kid, entry in sections.get("kinds", {}).items():
                if kid in kinds:
                    clash(("kinds", kid), "kind", kid)
                    continue
                if entry.category not in categories:
                    hint = did_you_mean(entry.category, categories) or f"categories: {', '.join(categories)}"
                    problems.append(doc.diagnostic(("kinds", kid, "category"),
                                                   f"unknown category '{entry.category}'", hint))
                    continue
                kinds[kid] = Kind(kid, entry.class_, entry.category, entry.description, entry.generic)
        elif name == "patterns":
            for pid, pentry in sections[""].items():
                if pid in patterns:
                    clash((pid,), "pattern", pid)
                    continue
                patterns[pid] = Pattern(pid, pentry.name, pentry.summary)
        elif name == "technologies":
            for tname, tentry in sections[""].items():
                taken = [n for n in (tname, *tentry.aliases) if n.lower() in owners]
                if taken:
                    problems.append(doc.diagnostic((tname,), f"'{taken[0]}' already names the technology "
                                                   f"'{owners[taken[0].lower()]}'",
                                                   "add an alias to that entry instead", key=True))
                    continue
                for n in (tname, *tentry.aliases):
                    owners[n.lower()] = tname
                technologies[tname] = Technology(tname, tentry.category, tentry.summary,
                                                 tuple(tentry.alternatives), tuple(tentry.aliases), tentry.url)
        else:
            table = domains if name == "domains" else tags
            for tid, term in sections[""].items():
                if tid in table:
                    clash((tid,), name.removesuffix("s"), tid)
                    continue
                table[tid] = Term(tid, term.name, term.summary)
    technologies = dict(sorted(technologies.items(), key=lambda kv: kv[0].lower()))
    return Vocabulary(kinds, categories, patterns, technologies, domains, tags, tuple(sorted(problems)))
