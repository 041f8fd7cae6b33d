"""Diagnostics: one located problem in one file, and how to print it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Characters that must never reach a terminal or a log as they are: C0 and C1 controls (escape sequences,
# carriage returns, new lines that would forge diagnostic lines), line and paragraph separators, and the
# format characters that reorder or hide text (bidirectional overrides, zero-width characters).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u2069\ufeff\ufff9-\ufffb]")


def visible(text: str) -> str:
    """`text` with every control or invisible formatting character written as an escape (\\x1b, \\u202e),
    so that it prints as one plain line whatever a spec, a file name or a vocabulary holds."""
    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVISIBLE.sub(escape, text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem found in a file, at a 1-based line and column. Its texts are made `visible` on creation."""

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        for name in ("file", "message", "hint"):
            object.__setattr__(self, name, visible(getattr(self, name)))

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class BuildFailed(Exception):
    """Raised when a step cannot continue; carries every diagnostic found so far."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__(f"{len(self.diagnostics)} problem(s)")


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when possible. Links are not
    followed (a link is shown where it is, and a link loop is just a name)."""
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(Path.cwd())), Path.cwd().resolve()):
        try:
            return str(absolute.relative_to(base))
        except ValueError:
            continue
    return str(path)


MAX_SUGGEST_CHARS = 60  # longer text is no misspelt name: no suggestion, and no quadratic comparison


def close_matches(value: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The known names closest to a misspelt one, best first. Only names of about the same length are
    compared (a match at `cutoff` needs it), which keeps a lookup cheap among thousands of names."""
    import difflib

    if len(value) > MAX_SUGGEST_CHARS:
        return []
    slack = max(3, len(value) // 2)
    pool = [c for c in choices if len(c) <= MAX_SUGGEST_CHARS and abs(len(c) - len(value)) <= slack]
    return difflib.get_close_matches(value, pool, n=n, cutoff=cutoff)


def did_you_mean(value: str, choices: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> str:
    """A "did you mean ...?" hint for a misspelt name, or "" when nothing is close."""
    close = close_matches(value, choices, n=n, cutoff=cutoff)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
