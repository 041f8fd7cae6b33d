"""Parsed spec -> Architecture, with every problem located at its line.

Two passes run on every file: the model's shape and type checks (pydantic),
and the cross-reference checks below, which walk the raw tree defensively so
that a type error in one place does not hide a dangling edge in another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from archcat.diagnostics import Diagnostic, close_matches, did_you_mean, display_path
from archcat.model import MAX_GROUP_DEPTH, MAX_NODES, Architecture, Spec, walk_tree
from archcat.parse import Document, parse_bytes
from archcat.vocab import ResolvedKind, Vocabulary, resolve_kind

# A one-line example for each required field, shown when it is missing.
MISSING_EXAMPLES = {
    "name": "name: Twitter", "title": "title: Timelines at scale", "year": "year: 2013",
    "summary": "summary: One to three sentences on what the system does and how it scales.",
    "sources": "sources: [{id: hs, title: The article's title, url: https://..., year: 2013}]",
    "views": "views: [{id: overview, title: Overview, nodes: [...], edges: [...]}]",
    "id": "id: overview", "label": "label: Web servers", "kind": "kind: web-server", "from": "from: lb",
    "to": "to: web", "text": "text: The balancer sends the request to any web server.",
    "url": "url: https://example.org/the-article", "value": "value: 400 million", "source": "source: hs",
    "body": "body: What they did, why, and what it cost, in full sentences.",
}
MAX_SUGGESTIONS = 50  # did-you-mean hints per file; the rest of its problems are reported without one
SPEC_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def read_spec_file(path: Path) -> tuple[bytes | None, tuple[str, str]]:
    """The file's bytes, refusing what a spec cannot be: links that leave its folder, devices, huge files."""
    import stat

    from archcat.parse import MAX_FILE_BYTES

    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(path.parent.resolve()):
                return None, ("spec file is a link to a file outside its folder",
                              "copy the file into the folder instead of linking to it")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None, ("not a regular file", "a spec is a plain YAML file")
        if info.st_size > MAX_FILE_BYTES:
            return None, (f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                          "split the architecture into several specs or shorten its texts")
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1), ("", "")
    except RuntimeError:  # Python 3.11 reports a link loop this way
        return None, ("spec file is a link that loops back on itself", "replace the link with the file")
    except OSError as exc:
        return None, (f"cannot read file: {exc.strerror or exc}", "")


def load_spec(path: Path, vocab: Vocabulary, icons_dir: Path, *, partial: list[Spec] | None = None
              ) -> tuple[Spec | None, list[Diagnostic]]:
    """Read, parse and validate one spec file (see load_spec_bytes for `partial`)."""
    raw, problem = read_spec_file(path)
    if raw is None:
        return None, [Diagnostic(display_path(path), 1, 1, *problem)]
    return load_spec_bytes(path, raw, vocab, icons_dir, partial=partial)


def load_spec_bytes(path: Path, raw: bytes, vocab: Vocabulary, icons_dir: Path, *,
                    partial: list[Spec] | None = None) -> tuple[Spec | None, list[Diagnostic]]:
    """Parse and validate a spec's bytes (as read from `path`, or as an editor holds them unsaved).

    A spec with problems is never returned. When its shape is valid and only its references or
    vocabulary are wrong, it is appended to `partial` (when given), so that its content warnings can
    still be reported beside its errors."""
    file = display_path(path)
    problems: list[Diagnostic] = []
    stem = path.stem
    if not SPEC_ID.match(stem) or len(stem) > 40:
        problems.append(Diagnostic(file, 1, 1, f"file name '{path.name}' is not a valid spec id",
                                   "name the file <company>-<year>.yaml in lowercase letters, digits and dashes"))
    doc, parse_problems = parse_bytes(raw, file)
    if doc is None:
        return None, problems + parse_problems
    arch, kinds, found = validate_document(doc, vocab, icons_dir)
    problems.extend(found)
    if arch is None or problems:
        if arch is not None and partial is not None:
            partial.append(Spec(stem, path, arch, kinds, raw, doc))
        return None, problems
    return Spec(stem, path, arch, kinds, raw, doc), []


def validate_document(doc: Document, vocab: Vocabulary, icons_dir: Path
                      ) -> tuple[Architecture | None, dict[str, ResolvedKind], list[Diagnostic]]:
    if not isinstance(doc.data, dict):
        return None, {}, [doc.diagnostic((), "a spec must be a mapping of fields (name, title, views, ...)",
                                         "run `archcat new ID` for a starter spec")]
    problems: list[Diagnostic] = []
    arch: Architecture | None = None
    try:
        arch = Architecture.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(translate_errors(exc, doc))
    checker = _CrossChecks(doc, vocab, icons_dir)
    checker.run()
    problems.extend(checker.problems)
    return arch, checker.kinds, _dedupe(problems)


def _dedupe(problems: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems))


# --- pydantic errors in YAML terms -------------------------------------------------

def _yaml_type(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a date" if hasattr(value, "isoformat") else "a value of another type"


def _shown(value: Any) -> str:
    """A value as the user wrote it in YAML terms, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return _yaml_type(value)
    return f"'{value}'"


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)


def _model_at(loc: tuple[str | int, ...], root: type[BaseModel] = Architecture) -> type[BaseModel] | None:
    """The model class that owns the mapping at `loc` (for 'did you mean' hints)."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None or get_args(annotation):
        for arg in get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def translate_errors(exc: ValidationError, doc: Document, root: type[BaseModel] = Architecture
                     ) -> Iterator[Diagnostic]:
    """Pydantic's errors for the model `root` validated from `doc`, in YAML terms, each at its line."""
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        value = error.get("input")
        if loc and isinstance(loc[-1], str):
            name = loc[-1]
            subject = f"'{name}'"
        elif len(loc) >= 2 and isinstance(loc[-2], str):
            name = str(loc[-2])
            subject = f"entry {int(loc[-1]) + 1} of '{name}'"
        else:
            name = subject = "entry"
        hint = ""
        on_key = False
        if kind == "missing":
            message = f"missing required field '{name}'"
            model = _model_at(loc[:-1], root)
            field = next((f for n, f in (model.model_fields.items() if model else []) if (f.alias or n) == name),
                         None)
            about = (field.description or "").rstrip(".") if field else ""
            example = MISSING_EXAMPLES.get(str(name))
            hint = "; ".join(part for part in (about, f"for example `{example}`" if example else "") if part) \
                or "see docs/spec-reference.md for the fields"
            loc = loc[:-1]
        elif kind == "extra_forbidden":
            model = _model_at(loc[:-1], root)
            allowed = _field_names(model) if model else []
            close = close_matches(str(name), allowed)
            message = f"unknown field '{name}'"
            if value is None and (" " in str(name) or not close):
                message = f"text '{name}' became a field of its own"
                hint = "a comma inside { ... } ends the value: put the whole text in quotes"
            else:
                hint = f"did you mean '{close[0]}'?" if close else (
                    f"allowed here: {', '.join(allowed)}" if allowed else "")
            on_key = True
        elif kind in ("string_type",):
            message = f"{subject} should be text, not {_yaml_type(value)}"
            if isinstance(value, bool | int | float):
                hint = "put the value in quotes"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            message = f"{subject} should be a whole number, not {_yaml_type(value)}"
        elif kind in ("list_type",):
            message = f"{subject} should be a list, not {_yaml_type(value)}"
            hint = "write each item on its own line starting with '- '"
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            message = f"{subject} should be a mapping of fields, not {_yaml_type(value)}"
        elif kind == "greater_than_equal":
            message = f"{subject} must be at least {_number(ctx.get('ge'))}, got {value}"
        elif kind == "less_than_equal":
            message = f"{subject} must be at most {_number(ctx.get('le'))}, got {value}"
        elif kind == "string_too_short":
            message = f"{subject} must not be empty"
        elif kind == "string_too_long":
            message = f"{subject} is {len(value)} characters long; the limit is {ctx.get('max_length')}"
            hint = ("shorten it; longer explanations belong in a note, a flow step or a lesson"
                    if name in ("label", "title", "technology", "era", "name") else "shorten it")
        elif kind == "string_pattern_mismatch":
            if name == "color":
                message = f"'{value}' is not a colour"
                hint = "use #rrggbb or a colour name such as red"
            elif name == "summary":
                message = "'summary' must be a full sentence, ending with a full stop"
                hint = "one sentence, in your own words, on what it is for"
            elif name == "class":
                message = f"'{value}' is not a diagrams class path"
                hint = "write provider.module.Class, e.g. onprem.inmemory.Redis"
            elif ctx.get("pattern") == r"^[^,\n]+$":
                message = f"'{value}' contains a comma"
                hint = "a comma separates technologies in a spec, so a name cannot contain one"
            else:
                message = f"'{value}' is not a valid id"
                hint = "ids use lowercase letters, digits and single dashes, at most 40 characters"
        elif kind == "literal_error":
            expected = ctx.get("expected", "")
            message = f"{_shown(value)} is not allowed for {subject}; expected {expected}"
        elif kind == "too_short":
            message = f"{subject} needs at least {ctx.get('min_length')} item(s)"
        elif kind == "too_long":
            message = f"{subject} has more than {ctx.get('max_length')} items"
        elif kind == "value_error":
            message = f"{subject}: {ctx.get('error', error['msg'])}"
            if name == "url":
                message += f", got {_shown(value)}"
        elif kind == "string_unicode":
            message = f"{subject} contains a character that is not valid text (a lone surrogate)"
            hint = "remove the \\u escape"
        else:
            message = f"{subject}: {error['msg']}"
        yield doc.diagnostic(loc, message, hint, key=on_key)


# --- cross-reference checks on the raw tree ---------------------------------------

def _items(value: Any) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _all_ids_readable(container: dict) -> bool:
    """False when some 'nodes' or 'groups' in this view is not a list of mappings: its ids are unknown,
    so an edge naming one of them must not be reported as dangling (the shape error says what is wrong)."""
    for key in ("nodes", "groups"):
        value = container.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            return False
    return all(_all_ids_readable(group) for group in container.get("groups") or [])


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _CrossChecks:
    def __init__(self, doc: Document, vocab: Vocabulary, icons_dir: Path):
        self.doc = doc
        self.vocab = vocab
        self.icons_dir = icons_dir
        self.problems: list[Diagnostic] = []
        self.kinds: dict[str, ResolvedKind] = {}
        self.suggestions_left = MAX_SUGGESTIONS

    def suggest(self, value: str, choices) -> str:
        """A did-you-mean hint, for at most MAX_SUGGESTIONS problems a file: each costs a comparison with
        every known name, so a file of thousands of near-miss references must not cost minutes."""
        if self.suggestions_left <= 0:
            return ""
        self.suggestions_left -= 1
        return did_you_mean(value, choices)

    def error(self, path: tuple, message: str, hint: str = "") -> None:
        self.problems.append(self.doc.diagnostic(path, message, hint))

    def run(self) -> None:
        data = self.doc.data
        views = data.get("views")
        total = sum(1 for _, view in _items(views) for _ in self._nodes_of(view, ("views",), 0, check=False))
        if total > MAX_NODES:
            self.error(("views",), f"spec has {total:,} nodes; the limit is {MAX_NODES}",
                       "use `count` for tiers of identical machines, or split into views")
            return
        source_ids = self._unique(data.get("sources"), ("sources",), "source")
        sources_ok = isinstance(data.get("sources"), list)  # else the shape error says it all
        self._check_patterns(data.get("patterns"), ("patterns",))
        self._check_terms(data.get("tags"), ("tags",), self.vocab.tags, "tag", "tags")
        domain = data.get("domain")
        if isinstance(domain, str):
            self._check_terms([domain], ("domain",), self.vocab.domains, "domain", "domains", single=True)
        for i, metric in _items(data.get("metrics")):
            if sources_ok:
                self._check_ref(metric.get("source"), source_ids, ("metrics", i, "source"), "source")
        for i, lesson in _items(data.get("lessons")):
            if sources_ok:
                self._check_ref(lesson.get("source"), source_ids, ("lessons", i, "source"), "source")
            self._check_patterns(lesson.get("patterns"), ("lessons", i, "patterns"))
        self._unique(views, ("views",), "view")
        for i, view in _items(views):
            self._check_view(view, ("views", i))

    def _unique(self, items: Any, path: tuple, what: str) -> set[str]:
        seen: dict[str, int] = {}
        for i, item in _items(items):
            ident = _text(item.get("id"))
            if ident is None:
                continue
            if ident in seen:
                line = self.doc.locate((*path, seen[ident], "id"))[0]
                self.error((*path, i, "id"), f"duplicate {what} id '{ident}' (first used on line {line})",
                           f"give each {what} its own id")
            else:
                seen[ident] = i
        return set(seen)

    def _check_ref(self, value: Any, known: set[str], path: tuple, what: str) -> None:
        ref = _text(value)
        if ref is not None and ref not in known:
            hint = self.suggest(ref, known) or (f"known {what}s: {', '.join(sorted(known))}" if known else
                                                  f"add a {what} with this id")
            self.error(path, f"cites {what} '{ref}' but no {what} has that id", hint)

    def _check_patterns(self, value: Any, path: tuple) -> None:
        if not isinstance(value, list):
            return
        for i, item in enumerate(value):
            if isinstance(item, str) and item not in self.vocab.patterns:
                hint = self.suggest(item.lower(), self.vocab.patterns)
                self.error((*path, i), f"unknown pattern '{item}'", (hint + " " if hint else "")
                           + "run `archcat patterns` to list them, or add it to the catalog's vocabulary/patterns.yaml")

    def _check_terms(self, value: Any, path: tuple, known: dict, what: str, command: str, *,
                     single: bool = False) -> None:
        if not isinstance(value, list) or not known:
            return
        for i, item in enumerate(value):
            if isinstance(item, str) and item not in known:
                close = self.suggest(item, known)
                self.error(path if single else (*path, i), f"unknown {what} '{item}'",
                           (close + " " if close else "") + f"run `archcat {command}` to list them, or add it to "
                           f"the catalog's vocabulary/{command}.yaml")

    def _nodes_of(self, container: dict, path: tuple, depth: int, *, check: bool = True
                  ) -> Iterator[tuple[tuple, dict]]:
        for what, item_path, item, _ in walk_tree(container, path, depth):
            if what == "node":
                yield item_path, item
            elif what == "too-deep" and check:
                self.error(item_path, f"groups nest more than {MAX_GROUP_DEPTH} levels deep", "flatten the grouping")

    def _groups_of(self, container: dict, path: tuple, depth: int = 0) -> Iterator[tuple[tuple, dict, int]]:
        for what, item_path, item, item_depth in walk_tree(container, path, depth):
            if what == "group":
                yield item_path, item, item_depth

    def _check_view(self, view: dict, path: tuple) -> None:
        nodes = list(self._nodes_of(view, path, 0))
        groups = list(self._groups_of(view, path))
        if not nodes:
            self.error(path, "view has no nodes", "add at least one node under 'nodes' or in a group")
        # Node and group ids share one namespace per view.
        owner: dict[str, tuple] = {}
        members: dict[str, set[str]] = {}
        for item_path, item in [(p, n) for p, n in nodes] + [(p, g) for p, g, _ in groups]:
            ident = _text(item.get("id"))
            if ident is None:
                continue
            if ident in owner:
                line = self.doc.locate(owner[ident] + ("id",))[0]
                self.error((*item_path, "id"), f"duplicate id '{ident}' in this view (first used on line {line})",
                           "nodes and groups in one view need distinct ids")
            else:
                owner[ident] = item_path
        for node_path, node in nodes:
            kind = (_text(node.get("kind")) or "").strip()  # the model strips it too
            if kind and kind not in self.kinds:
                resolved, message, hint = resolve_kind(kind, self.vocab, self.icons_dir)
                if resolved is None:
                    self.error((*node_path, "kind"), message, hint)
                else:
                    self.kinds[kind] = resolved
        for group_path, group, _ in groups:
            ident = _text(group.get("id"))
            inside = {_text(n.get("id")) for _, n in self._nodes_of(group, group_path, 0, check=False)}
            inside |= {_text(g.get("id")) for _, g, _ in self._groups_of(group, group_path)}
            inside.discard(None)
            if ident is not None:
                members[ident] = inside  # type: ignore[assignment]
            if not any(True for _ in self._nodes_of(group, group_path, 0, check=False)):
                self.error(group_path, f"group '{ident}' has no nodes", "add nodes to it or remove it")
        edge_ids = self._unique(view.get("edges"), (*path, "edges"), "edge")
        ids_known = _all_ids_readable(view)
        for i, edge in _items(view.get("edges")):
            ends = {}
            for end in ("from", "to"):
                ref = _text(edge.get(end))
                ends[end] = ref
                if ref is not None and ref not in owner and ids_known:
                    hint = self.suggest(ref, owner) or "edges connect ids of nodes or groups in the same view"
                    self.error((*path, "edges", i, end), f"edge {end} '{ref}' but no node or group has that id", hint)
            a, b = ends["from"], ends["to"]
            if a and b and a in owner and b in owner:
                if a == b:
                    self.error((*path, "edges", i), f"edge from '{a}' to itself", "connect two different ids")
                elif b in members.get(a, ()) or a in members.get(b, ()):
                    self.error((*path, "edges", i), f"edge between group and its own member ('{a}', '{b}')",
                               "an edge to a group is drawn to its border; connect ids outside the group")
        edges = view.get("edges")
        edges_known = edges is None or (isinstance(edges, list) and all(isinstance(e, dict) for e in edges))
        for i, step in _items(view.get("flow")):
            if edges_known:
                self._check_ref(step.get("edge"), edge_ids, (*path, "flow", i, "edge"), "edge")
