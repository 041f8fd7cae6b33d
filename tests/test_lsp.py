"""`archcat lsp` driven over stdio by a real LSP client (pygls's), as an editor would drive it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from tests.conftest import VALID_SPEC


def spec_text() -> str:
    text = VALID_SPEC.read_text(encoding="utf-8")
    return text.replace("{id: miss, from: app, to: db, style: dashed}",
                        "{id: miss, from: app, to: dbb, style: dashed}")  # an edge to a missing node


async def session(root: Path, text: str, work):
    """Start the server, open architectures/shop-2020.yaml with `text`, run `work(client, uri, diagnostics)`."""
    (root / "architectures").mkdir(parents=True, exist_ok=True)
    path = root / "architectures" / "shop-2020.yaml"
    path.write_text(text, encoding="utf-8")
    uri = from_fs_path(str(path))
    client = LanguageClient("archcat-test", "1")
    published: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "archcat", "lsp")
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                             root_uri=from_fs_path(str(root))))
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
            uri=uri, language_id="yaml", version=1, text=text)))
        first = await asyncio.wait_for(published.get(), 60)
        return await work(client, uri, first, published)
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()


def run(root: Path, text: str, work):
    """Run a session on a thread of its own: another test's browser may hold this thread's event loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, session(root, text, work)).result(timeout=300)


def test_diagnostics_are_validates_own_at_the_same_place_errors_and_warnings(tmp_path: Path):
    async def work(client, uri, first, published):
        return first

    result = run(tmp_path, spec_text(), work)
    found = sorted((d.range.start.line + 1, d.range.start.character + 1, d.message.split("\n")[0])
                   for d in result.diagnostics)
    from archcat.catalog import load_catalog
    from archcat.discover import Project
    from archcat.lint import lint
    from archcat.vocab import load_vocabulary

    partial: list = []  # what `archcat validate` reports for the saved file: its errors and its warnings
    _, problems = load_catalog(Project(tmp_path), partial=partial)
    problems += lint(partial, load_vocabulary())
    assert found == sorted((d.line, d.column, d.message) for d in problems)
    assert any(d.severity == types.DiagnosticSeverity.Warning for d in result.diagnostics)
    assert (39, 35, "edge to 'dbb' but no node or group has that id") in found


def test_fixing_the_text_clears_the_error_and_content_warnings_show(tmp_path: Path):
    async def work(client, uri, first, published):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(
                text=VALID_SPEC.read_text(encoding="utf-8"))]))
        return await asyncio.wait_for(published.get(), 60)

    result = run(tmp_path, spec_text(), work)
    messages = [d.message.split("\n")[0] for d in result.diagnostics]
    assert not any("dbb" in m for m in messages)
    assert "no domain" in messages  # a content warning, as `archcat validate` prints it
    assert all(d.severity == types.DiagnosticSeverity.Warning for d in result.diagnostics)


def test_completion_hover_and_definition(tmp_path: Path):
    text = VALID_SPEC.read_text(encoding="utf-8")
    lines = text.splitlines()
    kind_line = next(i for i, line in enumerate(lines) if "kind: redis}" in line)
    to_line = next(i for i, line in enumerate(lines) if "{id: read, from: web, to: cache" in line)
    cache_line = next(i for i, line in enumerate(lines) if "{id: cache," in line)

    async def work(client, uri, first, published):
        doc = types.TextDocumentIdentifier(uri=uri)
        kinds = await client.text_document_completion_async(types.CompletionParams(
            text_document=doc, position=types.Position(line=kind_line, character=lines[kind_line].index("redis"))))
        ids = await client.text_document_completion_async(types.CompletionParams(
            text_document=doc, position=types.Position(line=to_line, character=lines[to_line].index("cache"))))
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=doc, position=types.Position(line=kind_line, character=lines[kind_line].index("redis") + 2)))
        target = await client.text_document_definition_async(types.DefinitionParams(
            text_document=doc, position=types.Position(line=to_line, character=lines[to_line].index("cache") + 1)))
        return kinds, ids, hover, target

    kinds, ids, hover, target = run(tmp_path, text, work)
    redis = next(item for item in kinds.items if item.label == "redis")
    assert redis.documentation and "Redis" in str(redis.documentation)
    assert {"users", "lb", "web", "cache", "db", "app", "data"} <= {item.label for item in ids.items}
    assert "redis" in hover.contents.value.lower()
    assert target.range.start.line == cache_line


@pytest.mark.parametrize(("line", "expected"), [("    kind: re", "kind"), ("  - {id: a, to: ca", "to"),
                                                ("tags: [web, mo", "tags"), ("    edge: mi", "edge")])
def test_the_key_under_the_cursor(line: str, expected: str):
    from archcat.lsp import key_at

    assert key_at([line], 0, len(line)) == expected


def test_the_key_of_a_block_list_item():
    from archcat.lsp import key_at

    lines = ["patterns:", "  - cache-aside", "  - sha"]
    assert key_at(lines, 2, len(lines[2])) == "patterns"
