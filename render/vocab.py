"""The shared vocabularies (kinds, patterns) loaded from render/data/*.yaml."""

from __future__ import annotations

import difflib
import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).parent / "data"
ICON_SUFFIXES = (".png",)
MAX_ICON_BYTES = 512 * 1024
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

    def suggest_technology(self, text: str) -> list[str]:
        return difflib.get_close_matches(text, list(self._technology_index()), n=2, cutoff=0.7)

    def suggest_kind(self, text: str) -> list[str]:
        return difflib.get_close_matches(text.lower(), list(self.kinds), n=3, cutoff=0.6)

    def suggest_pattern(self, text: str) -> list[str]:
        return difflib.get_close_matches(text.lower(), list(self.patterns), n=3, cutoff=0.6)

    def search_kinds(self, text: str = "") -> list[Kind]:
        needle = text.lower().strip()
        found = [
            k for k in self.kinds.values()
            if not needle or needle in k.name or needle in k.category or needle in k.description.lower()
            or needle in k.class_path.lower()
        ]
        return sorted(found, key=lambda k: (list(self.categories).index(k.category), k.name))


def _load_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def load_vocabulary() -> Vocabulary:
    raw = _load_yaml(DATA_DIR / "kinds.yaml")
    categories = dict(raw["categories"])
    kinds = {
        name: Kind(name, entry["class"], entry["category"], entry["description"], bool(entry.get("generic")))
        for name, entry in raw["kinds"].items()
    }
    patterns_raw = _load_yaml(DATA_DIR / "patterns.yaml")
    patterns = {pid: Pattern(pid, e["name"], e["summary"]) for pid, e in patterns_raw.items()}
    technologies: dict[str, Technology] = {}
    glossary = DATA_DIR / "technologies.yaml"
    if glossary.exists():
        for name, e in (_load_yaml(glossary) or {}).items():
            technologies[name] = Technology(name, e["category"], e["summary"], tuple(e.get("alternatives") or ()),
                                            tuple(e.get("aliases") or ()), e.get("url"))
    domains = {tid: Term(tid, e["name"], e["summary"]) for tid, e in _load_yaml(DATA_DIR / "domains.yaml").items()}
    tags = {tid: Term(tid, e["name"], e["summary"]) for tid, e in _load_yaml(DATA_DIR / "tags.yaml").items()}
    return Vocabulary(kinds, categories, patterns, technologies, domains, tags)


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

    if not (isinstance(cls, type) and issubclass(cls, Node) and cls._icon):
        raise AttributeError(class_name)
    return cls


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
            hint = "check the name in the diagrams docs, e.g. onprem.inmemory.Redis"
            return None, f"no diagrams class '{kind}'", hint
        return ResolvedKind(_category_of(class_path, vocab) or "compute", class_path=class_path), "", ""
    close = vocab.suggest_kind(kind)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return None, f"unknown kind '{kind}'", hint + "run `archcat kinds` to list them"


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
    candidate = icons_dir / relative
    root = icons_dir.resolve()
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, f"icon file '{kind}' does not exist", hint
    if not real.is_relative_to(root) or candidate.is_symlink() or not real.is_file():
        return None, f"icon path '{kind}' leaves the icons/ folder", hint
    with real.open("rb") as handle:
        if handle.read(8) != b"\x89PNG\r\n\x1a\n":
            return None, f"icon file '{kind}' is not a PNG image", hint
    if real.stat().st_size > MAX_ICON_BYTES:
        return None, f"icon file '{kind}' is larger than {MAX_ICON_BYTES // 1024} KiB", "use a smaller PNG"
    return ResolvedKind("custom", icon=real), "", ""
