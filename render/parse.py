"""YAML text -> plain data plus the 1-based line and column of every value.

Only plain data is accepted: no anchors or aliases, no custom tags, no
duplicate keys, no tabs in indentation. Loading never constructs objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from archcat.diagnostics import Diagnostic
from archcat.paths import MAX_SPEC_BYTES as MAX_FILE_BYTES

# LibYAML when PyYAML was built with it: the same documents, about twenty times faster.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 32

Path = tuple[str | int, ...]

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}
_TAB_INDENT = re.compile(r"^[ ]*(?:-[ ]*)*\t", re.MULTILINE)
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")
# Numbers as a person reads them, not as YAML 1.1 does: 0700 is not octal 448, 100:1 is not base-60 6001,
# 1_000 is not 1000, and yes/no/on/off are words. Anything else a YAML 1.1 parser calls a number or a
# boolean keeps the text as written.
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_REAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")
MAX_NUMBER_CHARS = 30
_INT, _FLOAT, _BOOL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"


@dataclass
class Document:
    """Parsed YAML: the data, and where each value (and each mapping key) starts."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at `path`, or of its nearest ancestor that has one."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if key and probe in self.positions:
                return self.positions[probe]
            probe = probe[:-1]
        return self.positions.get((), (1, 1))

    def diagnostic(self, path: Path, message: str, hint: str = "", *, key: bool = False) -> Diagnostic:
        line, column = self.locate(path, key=key)
        return Diagnostic(self.file, line, column, message, hint)


class _Reject(Exception):
    def __init__(self, line: int, column: int, message: str, hint: str = ""):
        super().__init__(message)
        self.where = (line, column)
        self.message = message
        self.hint = hint


def _mark(node_or_event: Any) -> tuple[int, int]:
    mark = node_or_event.start_mark
    return mark.line + 1, mark.column + 1


def decode(raw: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text, rejecting oversized files, byte-order marks and non-UTF-8 bytes."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [
            Diagnostic(file, 1, 1, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                       "split the architecture into several specs or shorten its texts")
        ]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Diagnostic(file, 1, 1, "file starts with a byte-order mark",
                                 "save the file as UTF-8 without BOM")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Diagnostic(file, line, column, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                 "save the file as UTF-8")]
    return text, []


def parse_text(text: str, file: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse YAML text into a Document, or return located diagnostics."""
    # One line break, as editors count them: CR LF and a lone CR become LF. YAML also breaks lines at
    # U+0085, U+2028 and U+2029, which editors show inside a line; refuse them, so line numbers agree.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    odd = _ODD_BREAK.search(text)
    if odd:
        before = text[: odd.start()]
        line, column = before.count("\n") + 1, odd.start() - (before.rfind("\n") + 1) + 1
        return None, [Diagnostic(file, line, column, f"character U+{ord(odd.group()):04X} is a line break to YAML "
                                 "but not to editors", "remove it, or put a real line break there")]
    tab = _TAB_INDENT.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        return None, [Diagnostic(file, line, column, "tab character used for indentation",
                                 "YAML indents with spaces only; replace the tab with spaces")]
    try:
        root = _compose(text, FAST_LOADER)
    except _Reject as exc:
        return None, [Diagnostic(file, *exc.where, exc.message, exc.hint)]
    except yaml.YAMLError:
        pass  # parse again below with the pure-Python parser, whose messages are clearer
    else:
        return _document(root, file)
    try:
        root = _compose(text, yaml.SafeLoader)
    except _Reject as exc:
        return None, [Diagnostic(file, *exc.where, exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, text, file)]
    except yaml.reader.ReaderError as exc:  # characters YAML does not allow in a file
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        return None, [Diagnostic(file, line, column, f"character U+{code:04X} is not allowed in a YAML file",
                                 "remove it; control characters cannot appear in a spec")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(file, 1, 1, f"YAML error: {str(exc).splitlines()[0]}")]
    return _document(root, file)


# PyYAML's wording for common slips, put in a spec writer's terms: (start of its problem, message, hint).
_SYNTAX_MESSAGES = [
    ("expected <block end>, but found '-'", "a list item ('- ...') where a key was expected",
     "indent it under the key whose list it belongs to"),
    ("expected <block end>, but found '<block mapping start>'",
     "this line is indented differently from the keys before it", "line it up with the other keys of its mapping"),
    ("expected <block end>, but found '<scalar>'", "text where a key or a list item was expected",
     "check this line's indentation, and the quotes on the lines above"),
    ("mapping values are not allowed here", "a ': ' inside a value, or a key indented under a value",
     "put the whole value in quotes if it contains ': ', otherwise fix the indentation"),
]


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = str(exc.problem or exc.context or "not valid YAML")
    if problem.startswith("but found another document"):
        return Diagnostic(file, line, column, "the file holds more than one YAML document (a '---' line)",
                          "keep one spec per file")
    if exc.context == "while scanning a quoted scalar" and exc.context_mark and "end of stream" in problem:
        start = exc.context_mark
        return Diagnostic(file, start.line + 1, start.column + 1, "this quote is never closed",
                          "add the closing quote at the end of the text")
    runaway = _runaway_quote(text, line)
    if runaway is not None:
        (start_line, start_column), end_line = runaway
        return Diagnostic(file, start_line, start_column,
                          f"this quote is not closed on its line, so the text runs on to line {end_line}",
                          "add the closing quote at the end of the text")
    for opening, message, hint in _SYNTAX_MESSAGES:
        if problem.startswith(opening):
            return Diagnostic(file, line, column, f"YAML syntax error: {message}", hint)
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.problem:
        message += f" ({exc.context})"
    return Diagnostic(file, line, column, message, "check the indentation and quoting around this line")


def _runaway_quote(text: str, error_line: int) -> tuple[tuple[int, int], int] | None:
    """A quoted value that spans lines and ends where the syntax error is: almost always a missing quote.

    Returns the opening quote's (line, column) and the line where the quoted text ends.
    """
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line + 1 > error_line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and token.end_mark.line > token.start_mark.line):
                found = token
    except yaml.YAMLError:
        pass
    if found is None or not error_line - 1 <= found.end_mark.line + 1 <= error_line:
        return None
    return _mark(found), found.end_mark.line + 1


def _compose(text: str, loader: type) -> Node | None:
    """Compose the node tree, refusing anchors, aliases and deep nesting from the event stream first:
    the event parser is iterative, so a file of a hundred thousand `[` is refused at the first one too
    many, before the (recursive) composer could be asked to build it."""
    flows: list[bool] = []  # for each open collection: is it written in flow style, [ ] or { }?
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Reject(*_mark(event), "YAML anchors and aliases (& and *) are not supported",
                          "write the value out in full")
        if isinstance(event, yaml.CollectionStartEvent):
            flows.append(bool(event.flow_style) or bool(flows and flows[-1]))
            if len(flows) > MAX_DEPTH:
                raise _Reject(*_mark(event), f"nesting deeper than {MAX_DEPTH} levels",
                              "a spec is at most a few levels deep; check the brackets and indentation")
        elif isinstance(event, yaml.CollectionEndEvent):
            flows.pop()
        elif (isinstance(event, yaml.ScalarEvent) and flows and flows[-1] and not event.style
              and "?" in event.value):
            # LibYAML reads `{label: cached?}` as the text "cached?"; PyYAML and most editors' YAML
            # tools stop the text at the "?". Refuse what two parsers read differently.
            raise _Reject(*_mark(event), "an unquoted '?' inside [ ... ] or { ... } is read differently by "
                          "other YAML tools", "put the whole text in quotes")
    return yaml.compose(text, Loader=loader)


def _document(root: Node | None, file: str) -> tuple[Document | None, list[Diagnostic]]:
    if root is None:
        return None, [Diagnostic(file, 1, 1, "file is empty", "run `archcat new ID` for a starter spec")]
    doc = Document(file, None)
    try:
        doc.data = _convert(root, (), doc, 0)
    except _Reject as exc:
        return None, [Diagnostic(file, *exc.where, exc.message, exc.hint)]
    return doc, []


def parse_bytes(raw: bytes, file: str) -> tuple[Document | None, list[Diagnostic]]:
    text, problems = decode(raw, file)
    if text is None:
        return None, problems
    return parse_text(text, file)


_constructor = SafeConstructor()


def _convert(node: Node, path: Path, doc: Document, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise _Reject(*_mark(node), f"nesting deeper than {MAX_DEPTH} levels")
    if node.tag not in _PLAIN_TAGS:
        raise _Reject(*_mark(node), f"YAML tag '{_short_tag(node.tag)}' is not supported",
                      "a spec is plain data: remove the tag")
    doc.positions[path] = _mark(node)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_convert(item, (*path, i), doc, depth + 1) for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise _Reject(*_mark(key_node), "mapping keys must be plain words")
        if key_node.value == "<<":
            raise _Reject(*_mark(key_node), "YAML merge keys (<<) are not supported",
                          "write the fields out in full")
        if key_node.tag not in _PLAIN_TAGS:
            raise _Reject(*_mark(key_node), f"YAML tag '{_short_tag(key_node.tag)}' is not supported",
                          "a spec is plain data: remove the tag")
        key = key_node.value
        if key in first_seen:
            raise _Reject(*_mark(key_node), f"duplicate key '{key}' (first given on line {first_seen[key]})",
                          "remove one of them")
        first_seen[key] = _mark(key_node)[0]
        doc.key_positions[(*path, key)] = _mark(key_node)
        result[key] = _convert(value_node, (*path, key), doc, depth + 1)
    return result


def _scalar(node: ScalarNode) -> Any:
    """A scalar's value, with numbers and booleans read as a person reads them (see _DECIMAL)."""
    plain = not node.style  # None (pure-Python parser) or "" (LibYAML)
    if plain and node.tag in (_INT, _FLOAT):
        text = node.value
        if len(text) > MAX_NUMBER_CHARS:
            raise _Reject(*_mark(node), f"number is {len(text):,} characters long; the limit is "
                          f"{MAX_NUMBER_CHARS}", "put it in quotes if it is text, or shorten it")
        if _DECIMAL.fullmatch(text):
            return int(text)
        if _REAL.fullmatch(text):
            return _constructor.construct_yaml_float(node)
        return text
    if plain and node.tag == _BOOL:
        return True if node.value in _TRUE else False if node.value in _FALSE else node.value
    return _constructor.construct_object(node, deep=True)


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag
