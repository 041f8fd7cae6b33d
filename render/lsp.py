"""`archcat lsp`: a language server, so an editor shows what `archcat validate` knows while you type.

It speaks the Language Server Protocol over stdio (pygls) and gives, for spec
files under a catalog's architectures/:

- diagnostics: every error and content warning `archcat validate` reports,
  at the same line and column, for the text as it is in the editor (saved or not);
- completion: kinds, technologies, patterns, domains and tags with their
  descriptions; node, group, edge and source ids where a reference is expected
  (from, to, edge, source); other specs' ids after `related`;
- hover: what a kind, technology, pattern, domain or tag means;
- go to definition: from a reference to the id it names (or to the related spec).

The catalog folder is the one holding the file's architectures/ folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archcat.diagnostics import Diagnostic, Severity
from archcat.discover import Project
from archcat.parse import Document

# Where a reference is expected: the key before the cursor and what it names.
ID_KEYS = {"from": "node", "to": "node", "edge": "edge", "source": "source", "related": "spec"}
VOCAB_KEYS = {"kind": "kind", "technology": "technology", "patterns": "pattern", "domain": "domain", "tags": "tag"}
_KEY_BEFORE = re.compile(r"(?:^|[{,\s])([a-z_]+):\s*(?:\[[^\]]*)?([^,{}\[\]:]*)$")
_WORD = re.compile(r"[A-Za-z0-9_.#+/ -]")


@dataclass
class Outline:
    """What one spec text defines, for completion and definition: ids with their (0-based) positions."""

    nodes: dict[str, tuple[int, int]] = field(default_factory=dict)
    edges: dict[str, tuple[int, int]] = field(default_factory=dict)
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)


def outline_of(doc: Document) -> Outline:
    from archcat.model import walk_tree

    found = Outline()
    data = doc.data if isinstance(doc.data, dict) else {}

    def place(path: tuple) -> tuple[int, int]:
        line, column = doc.locate(path)
        return line - 1, column - 1

    for i, source in enumerate(data.get("sources") or []):
        if isinstance(source, dict) and isinstance(source.get("id"), str):
            found.sources.setdefault(source["id"], place(("sources", i, "id")))
    for v, view in enumerate(data.get("views") or []):
        if not isinstance(view, dict):
            continue
        for _, path, item, _ in walk_tree(view, ("views", v)):
            if isinstance(item.get("id"), str):
                found.nodes.setdefault(item["id"], place((*path, "id")))
        for e, edge in enumerate(view.get("edges") or []):
            if isinstance(edge, dict) and isinstance(edge.get("id"), str):
                found.edges.setdefault(edge["id"], place(("views", v, "edges", e, "id")))
    return found


def project_of(path: Path) -> Project:
    """The catalog a spec belongs to: the folder above its architectures/ (else the file's own folder)."""
    for parent in path.parents:
        if parent.name == "architectures":
            return Project(parent.parent)
    return Project(path.parent)


def check(path: Path, text: str) -> tuple[list[Diagnostic], Document | None]:
    """Every diagnostic `archcat validate` gives for this text at `path`, and its parsed document."""
    from archcat.catalog import catalog_checks
    from archcat.lint import lint_spec
    from archcat.parse import parse_bytes
    from archcat.validate import load_spec_bytes
    from archcat.vocab import load_vocabulary

    project = project_of(path)
    vocab = load_vocabulary(project)
    raw = text.encode("utf-8")
    partial: list = []
    spec, problems = load_spec_bytes(path, raw, vocab, project.icons, partial=partial)
    # The loaded spec keeps its parsed document; parse again only for a text whose shape failed.
    loaded = spec or (partial[0] if partial else None)
    doc = loaded.doc if loaded is not None else parse_bytes(raw, str(path))[0]
    if spec is not None:
        problems = [*problems, *catalog_checks(project, [spec]), *lint_spec(spec, vocab)]
    for broken in partial:  # errors in its references or vocabulary: its content warnings still show
        problems = [*problems, *lint_spec(broken, vocab)]
    return sorted(problems), doc


def word_at(line: str, column: int) -> str:
    """The value under the cursor: letters, digits and the characters technology names use."""
    start = column
    while start > 0 and _WORD.match(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _WORD.match(line[end]):
        end += 1
    return line[start:end].strip(" -")


def key_at(lines: list[str], line: int, column: int) -> str | None:
    """The mapping key whose value the cursor is in: on the same line (`kind: re|`, `{to: ca|`) or, in a
    block list (`- cache-aside` under `patterns:`), the key that owns the list."""
    before = lines[line][:column]
    match = _KEY_BEFORE.search(before)
    if match:
        return match.group(1)
    stripped = before.lstrip()
    if stripped.startswith("- ") or stripped == "-":
        indent = len(before) - len(stripped)
        for previous in range(line - 1, -1, -1):
            text = lines[previous]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if len(text) - len(text.lstrip()) < indent or (text.rstrip().endswith(":")
                                                            and len(text) - len(text.lstrip()) <= indent):
                owner = re.match(r"\s*-?\s*([a-z_]+):\s*$", text)
                return owner.group(1) if owner else None
    return None


def completions(path: Path, text: str, line: int, column: int, outline: Outline | None) -> list[dict[str, Any]]:
    """Completion items (label, detail, documentation) for the cursor's place, as plain dicts."""
    from archcat.discover import spec_files
    from archcat.vocab import load_vocabulary

    lines = text.splitlines() or [""]
    if line >= len(lines):
        return []
    key = key_at(lines, line, column)
    vocab = load_vocabulary(project_of(path))
    items: list[dict[str, Any]] = []
    if key == "kind":
        items = [{"label": k.name, "detail": f"{k.category}: {k.class_path}", "documentation": k.description}
                 for k in vocab.kinds.values()]
    elif key == "technology":
        items = [{"label": t.name, "detail": t.category, "documentation": t.summary}
                 for t in vocab.technologies.values()]
    elif key == "patterns":
        items = [{"label": p.id, "detail": p.name, "documentation": p.summary} for p in vocab.patterns.values()]
    elif key in ("domain", "tags"):
        terms = vocab.domains if key == "domain" else vocab.tags
        items = [{"label": t.id, "detail": t.name, "documentation": t.summary} for t in terms.values()]
    elif key in ("from", "to") and outline:
        items = [{"label": ident, "detail": "node or group"} for ident in outline.nodes]
    elif key == "edge" and outline:
        items = [{"label": ident, "detail": "edge"} for ident in outline.edges]
    elif key == "source" and outline:
        items = [{"label": ident, "detail": "source"} for ident in outline.sources]
    elif key == "related":
        items = [{"label": p.stem, "detail": "spec"} for p in spec_files(project_of(path)) if p != path]
    return items


def describe(path: Path, text: str, line: int, column: int) -> str | None:
    """Markdown for a hover: what the kind, technology, pattern, domain or tag under the cursor means."""
    from archcat.vocab import load_vocabulary

    lines = text.splitlines()
    if line >= len(lines):
        return None
    key = key_at(lines, line, column)
    word = word_at(lines[line], column)
    vocab = load_vocabulary(project_of(path))
    if key == "kind" and word in vocab.kinds:
        kind = vocab.kinds[word]
        text = f"**{kind.name}** ({kind.category}): {kind.description}\n\ndrawn with `diagrams.{kind.class_path}`"
        try:  # the icon, for clients that show images in hovers
            from archcat.graph import icon_file
            from archcat.vocab import import_node_class

            text += f"\n\n![{kind.name}]({Path(icon_file(import_node_class(kind.class_path))).as_uri()})"
        except (ImportError, AttributeError, ValueError):
            pass
        return text
    if key == "technology" and vocab.technology(word):
        tech = vocab.technology(word)
        assert tech is not None
        also = f"\n\nalternatives: {', '.join(tech.alternatives)}" if tech.alternatives else ""
        return f"**{tech.name}** ({tech.category}): {tech.summary}{also}"
    if key == "patterns" and word in vocab.patterns:
        pattern = vocab.patterns[word]
        return f"**{pattern.name}**: {pattern.summary}"
    if key in ("domain", "tags"):
        term = (vocab.domains if key == "domain" else vocab.tags).get(word)
        return f"**{term.name}**: {term.summary}" if term else None
    return None


def definition(path: Path, text: str, line: int, column: int, outline: Outline | None
               ) -> tuple[Path, int, int] | None:
    """Where the id referenced under the cursor is defined: (file, 0-based line, 0-based column)."""
    lines = text.splitlines()
    if line >= len(lines) or outline is None:
        return None
    key = key_at(lines, line, column)
    word = word_at(lines[line], column)
    table = {"from": outline.nodes, "to": outline.nodes, "edge": outline.edges, "source": outline.sources}.get(
        key or "")
    if table is not None and word in table:
        return (path, *table[word])
    if key == "related":
        target = project_of(path).architectures / f"{word}.yaml"
        if target.is_file():
            return target, 0, 0
    return None


def lsp_range(text: str, d: Diagnostic) -> tuple[int, int, int]:
    """(0-based line, start column, end column) of a diagnostic: from its column to the end of the word."""
    lines = text.splitlines()
    line = max(d.line - 1, 0)
    start = max(d.column - 1, 0)
    source = lines[line] if line < len(lines) else ""
    end = start
    while end < len(source) and source[end] not in " ,}]\t":
        end += 1
    return line, start, max(end, start + 1)


def make_server():
    """The pygls server with archcat's features registered."""
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.uris import to_fs_path

    from archcat import __version__

    server = LanguageServer("archcat", __version__)
    outlines: dict[str, Outline] = {}

    def source_of(uri: str) -> tuple[Path, str]:
        document = server.workspace.get_text_document(uri)
        return Path(to_fs_path(uri) or uri), document.source

    def publish(uri: str) -> None:
        path, text = source_of(uri)
        problems, doc = check(path, text)
        if doc is not None:
            outlines[uri] = outline_of(doc)
        diagnostics = []
        for d in problems:
            line, start, end = lsp_range(text, d)
            diagnostics.append(types.Diagnostic(
                range=types.Range(start=types.Position(line=line, character=start),
                                  end=types.Position(line=line, character=end)),
                message=d.message + (f"\nhint: {d.hint}" if d.hint else ""), source="archcat",
                severity=types.DiagnosticSeverity.Error if d.severity is Severity.ERROR
                else types.DiagnosticSeverity.Warning))
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[":", " ", "[", ","]))
    def complete(params: types.CompletionParams) -> types.CompletionList:
        path, text = source_of(params.text_document.uri)
        found = completions(path, text, params.position.line, params.position.character,
                            outlines.get(params.text_document.uri))
        return types.CompletionList(is_incomplete=False, items=[
            types.CompletionItem(label=item["label"], detail=item.get("detail"),
                                 documentation=item.get("documentation")) for item in found])

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(params: types.HoverParams) -> types.Hover | None:
        path, text = source_of(params.text_document.uri)
        markdown = describe(path, text, params.position.line, params.position.character)
        if markdown is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def goto(params: types.DefinitionParams) -> types.Location | None:
        from pygls.uris import from_fs_path

        path, text = source_of(params.text_document.uri)
        found = definition(path, text, params.position.line, params.position.character,
                           outlines.get(params.text_document.uri))
        if found is None:
            return None
        target, line, column = found
        position = types.Position(line=line, character=column)
        return types.Location(uri=from_fs_path(str(target)) or params.text_document.uri,
                              range=types.Range(start=position, end=position))

    return server


def serve_stdio() -> None:
    make_server().start_io()
