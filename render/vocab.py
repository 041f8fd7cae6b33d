"""The vocabularies a spec draws on: kinds, patterns, technologies, domains and tags.

They are data (archcat's own in data/*.yaml, a catalog's additions in its
vocabulary/ folder), read and checked by vocab_files.py; this module holds
what the rest of archcat looks up in them.
"""

from __future__ import annotations

import importlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archcat.diagnostics import did_you_mean
from archcat.paths import DATA_DIR

if TYPE_CHECKING:
    from archcat.diagnostics import Diagnostic
    from archcat.discover import Project
ICON_SUFFIXES = (".png",)
MAX_ICON_BYTES = 512 * 1024
MAX_ICON_SIDE = 1024  # icons are drawn 62 px wide; Graphviz holds every icon decoded in memory
_ICON_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass(frozen=True)
class Kind:
    name: str
    class_path: str  # provider.module.Class, relative to the diagrams package
    category: str
    description: str
    generic: bool = False


@dataclass(frozen=True)
class Pattern:
    id: str
    name: str
    summary: str


@dataclass(frozen=True)
class Term:
    """An entry of a plain controlled list (domains, tags): an id, its display name and what it means."""

    id: str
    name: str
    summary: str


@dataclass(frozen=True)
class Technology:
    name: str
    category: str
    summary: str
    alternatives: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    url: str | None = None


TECHNOLOGY_CATEGORIES = ("client", "edge", "network", "compute", "messaging", "cache", "database", "storage",
                         "search", "analytics", "coordination", "observability", "delivery", "security", "external",
                         "language", "framework", "os", "protocol")


def split_technologies(text: str | None) -> list[str]:
    """A node's `technology` text: one name, or several joined with commas."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


@dataclass(frozen=True)
class Vocabulary:
    kinds: dict[str, Kind]
    categories: dict[str, str]
    patterns: dict[str, Pattern]
    technologies: dict[str, Technology] = field(default_factory=dict)
    domains: dict[str, Term] = field(default_factory=dict)
    tags: dict[str, Term] = field(default_factory=dict)
    problems: tuple[Diagnostic, ...] = ()  # what is wrong in the vocabulary files, each at its line

    def technology(self, name: str) -> Technology | None:
        """The glossary entry for a technology name or alias."""
        return self._technology_index().get(name)

    def _technology_index(self) -> dict[str, Technology]:
        index = self.__dict__.get("_tech_index")
        if index is None:
            index = {}
            for tech in self.technologies.values():
                for name in (tech.name, *tech.aliases):
                    index[name] = tech
            object.__setattr__(self, "_tech_index", index)
        return index

    def technology_names(self) -> list[str]:
        """Every name and alias the glossary knows."""
        return list(self._technology_index())

    def search_kinds(self, text: str = "") -> list[Kind]:
        needle = text.lower().strip()
        found = [
            k for k in self.kinds.values()
            if not needle or needle in k.name or needle in k.category or needle in k.description.lower()
            or needle in k.class_path.lower()
        ]
        return sorted(found, key=lambda k: (list(self.categories).index(k.category), k.name))


VOCABULARY_FILES = ("kinds", "patterns", "technologies", "domains", "tags")


def vocabulary_files(project: Project | None = None) -> list[Path]:
    """The files a vocabulary is read from: archcat's own, then the catalog's additions in vocabulary/."""
    files = [DATA_DIR / f"{name}.yaml" for name in VOCABULARY_FILES]
    if project is not None:
        files += [project.vocabulary / f"{name}.yaml" for name in VOCABULARY_FILES]
    return files


def _signature(files: list[Path]) -> tuple:
    found = []
    for path in files:
        try:
            info = path.stat()
            found.append((str(path), info.st_size, info.st_mtime_ns))
        except OSError:
            found.append((str(path), -1, -1))
    return tuple(found)


_LOADED: dict[tuple, Vocabulary] = {}
_LOADED_LOCK = threading.Lock()


def load_vocabulary(project: Project | None = None) -> Vocabulary:
    """The vocabularies: archcat's own plus, for a catalog folder, its `vocabulary/` additions.

    Every file goes through the same position-keeping loader and models as a
    spec; what is wrong in them is in `Vocabulary.problems`, located at its
    line. The result is reused until one of the files changes on disk, so a
    long-running `serve` picks up a saved glossary entry on its next build.
    """
    files = vocabulary_files(project)
    signature = _signature(files)
    with _LOADED_LOCK:
        if signature in _LOADED:
            return _LOADED[signature]
    from archcat.vocab_files import read_vocabulary

    vocab = read_vocabulary(project)
    with _LOADED_LOCK:
        _LOADED.clear()  # keep one: older versions of the files are never asked for again
        _LOADED[signature] = vocab
    return vocab


@dataclass(frozen=True)
class ResolvedKind:
    """What a node's `kind` resolves to: a diagrams class or a custom icon file."""

    category: str
    class_path: str | None = None
    icon: Path | None = None
    generic: bool = False


def import_node_class(class_path: str) -> type:
    """Import `provider.module.Class` from the diagrams package."""
    module_name, _, class_name = class_path.rpartition(".")
    module = importlib.import_module(f"diagrams.{module_name}")
    cls = getattr(module, class_name)
    from diagrams import Node

    if not (isinstance(cls, type) and issubclass(cls, Node) and getattr(cls, "_icon", None)):
        raise AttributeError(class_name)
    return cls


def diagrams_classes() -> list[str]:
    """Every node class the installed diagrams package draws, as provider.module.Class, sorted."""
    import pkgutil

    import diagrams
    from diagrams import Node

    found: set[str] = set()
    for info in pkgutil.walk_packages(diagrams.__path__, prefix="diagrams."):
        if info.name.count(".") != 2:  # diagrams.<provider>.<module>
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:  # a provider module that cannot be imported here is simply not offered
            continue
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, Node) and getattr(value, "_icon", None)
                    and value.__module__ == info.name and not name.startswith("_")):
                found.add(f"{info.name.removeprefix('diagrams.')}.{name}")
    return sorted(found)


def resolve_kind(kind: str, vocab: Vocabulary, icons_dir: Path) -> tuple[ResolvedKind | None, str, str]:
    """Resolve a kind; on failure return (None, message, hint)."""
    if kind in vocab.kinds:
        k = vocab.kinds[kind]
        return ResolvedKind(k.category, class_path=k.class_path, generic=k.generic), "", ""
    if kind.startswith("icons/"):
        return _resolve_icon(kind, icons_dir)
    if kind.count(".") >= 2 and all(part.isidentifier() for part in kind.split(".")):
        class_path = kind.removeprefix("diagrams.")
        try:
            import_node_class(class_path)
        except (ImportError, AttributeError):
            close = did_you_mean(class_path, diagrams_classes(), n=2)
            hint = (close + " " if close else "") + "run `archcat kinds --all TEXT` to search every diagrams class"
            return None, f"no diagrams class '{kind}'", hint
        return ResolvedKind(_category_of(class_path, vocab) or "compute", class_path=class_path), "", ""
    hint = did_you_mean(kind.lower(), vocab.kinds, n=3)
    return None, f"unknown kind '{kind}'", (hint + " " if hint else "") + "run `archcat kinds` to list them"


def _category_of(class_path: str, vocab: Vocabulary) -> str | None:
    for k in vocab.kinds.values():
        if k.class_path == class_path:
            return k.category
    return None


def _resolve_icon(kind: str, icons_dir: Path) -> tuple[ResolvedKind | None, str, str]:
    relative = kind[len("icons/"):]
    hint = "custom icons are PNG files inside the repository's icons/ folder, written icons/<file>.png"
    parts = relative.split("/")
    if not relative or relative.startswith("/") or "\\" in relative or any(p in ("", ".", "..") for p in parts):
        return None, f"icon path '{kind}' leaves the icons/ folder", hint
    if not all(_ICON_NAME.match(part) for part in parts):
        return None, f"icon path '{kind}' has characters other than letters, digits, '.', '-' and '_'", hint
    if not relative.endswith(ICON_SUFFIXES):
        return None, f"icon '{kind}' is not a PNG file", hint
    from archcat.files import Refused, no_links, read_limited

    candidate = icons_dir / relative
    try:
        no_links(candidate, icons_dir)  # the icons/ folder, its subfolders and the file: no links at all
    except Refused as exc:
        return None, f"icon path '{kind}' goes through a link ({exc.path.name})", \
            "copy the icon into the project's icons/ folder instead of linking to it"
    if not candidate.exists():
        return None, f"icon file '{kind}' does not exist", hint
    try:
        data = read_limited(candidate, MAX_ICON_BYTES)
    except Refused as exc:
        return None, f"icon file '{kind}' {exc.reason}", "use a PNG of at most 512 KiB"
    except OSError as exc:
        return None, f"icon file '{kind}' cannot be read: {exc.strerror or exc}", "check its permissions"
    problem = icon_problem(data)
    if problem:
        return None, f"icon file '{kind}' {problem}", "save the icon again as a PNG of at most " \
            f"{MAX_ICON_SIDE}x{MAX_ICON_SIDE} pixels"
    return ResolvedKind("custom", icon=candidate.absolute()), "", ""


def icon_problem(data: bytes) -> str:
    """What is wrong with a custom icon's bytes, or "": it must decode whole as a PNG of a size that
    draws at 62 px without making Graphviz allocate gigabytes."""
    import io

    from PIL import Image

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "is not a PNG image"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                return "is not a PNG image"
            width, height = image.size
            if width > MAX_ICON_SIDE or height > MAX_ICON_SIDE:
                return f"is {width}x{height} pixels; the limit is {MAX_ICON_SIDE}x{MAX_ICON_SIDE}"
            image.load()  # decodes every row: a truncated or damaged file fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return f"is a damaged PNG ({exc})"
    return ""
