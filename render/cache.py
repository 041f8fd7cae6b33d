"""A content-addressed cache of rendered files, so a rebuild redoes only what changed.

Each entry is a folder named by the SHA-256 of everything that determines its
files (the DOT source, formats, archcat, diagrams and Graphviz versions, ...),
holding the files and a manifest of their sizes and hashes. Entries are
written to a temporary folder and renamed into place, so a killed build never
leaves half an entry. An entry whose manifest is unreadable or whose files do
not match it is deleted and rebuilt, never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

CACHE_FORMAT = "1"


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def place(source: Path, target: Path) -> None:
    """Hard-link `source` to `target` (cheap), or copy it when linking is not possible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    corrupt: int = 0


@dataclass
class Cache:
    """Rendered files by content key. `root=None` disables caching."""

    root: Path | None
    stats: Stats = field(default_factory=Stats)
    used: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _entry(self, key: str) -> Path:
        assert self.root is not None
        return self.root / f"v{CACHE_FORMAT}" / key[:2] / key

    def fetch(self, key: str, targets: dict[str, Path]) -> bool:
        """Place the entry's files at `targets` (name -> path) if the entry exists and is intact."""
        if self.root is None:
            return False
        entry = self._entry(key)
        with self._lock:
            self.used.add(key)
        if not entry.is_dir():
            self._count("misses")
            return False
        try:
            manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
            files = manifest["files"]
            if set(files) != set(targets):
                raise ValueError("different files")
            for name, (sha, size) in files.items():
                path = entry / name
                if path.stat().st_size != size or file_digest(path) != sha:
                    raise ValueError(f"{name} does not match its manifest")
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(entry, ignore_errors=True)
            self._count("corrupt")
            self._count("misses")
            return False
        for name, target in targets.items():
            place(entry / name, target)
        self._count("hits")
        return True

    def store(self, key: str, files: dict[str, Path]) -> None:
        """Add an entry from freshly written files; the entry appears whole or not at all."""
        if self.root is None:
            return
        entry = self._entry(key)
        if entry.is_dir():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=entry.parent))
        try:
            manifest = {}
            for name, path in files.items():
                place(path, tmp / name)
                manifest[name] = [file_digest(tmp / name), (tmp / name).stat().st_size]
            (tmp / "manifest.json").write_text(json.dumps({"files": manifest}, sort_keys=True), encoding="utf-8")
            os.rename(tmp, entry)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)

    def prune(self) -> int:
        """Remove entries this build did not use (and leftovers of killed builds); return how many."""
        if self.root is None or not (self.root / f"v{CACHE_FORMAT}").is_dir():
            return 0
        removed = 0
        for bucket in (self.root / f"v{CACHE_FORMAT}").iterdir():
            for entry in bucket.iterdir():
                if entry.name not in self.used:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        return removed

    def _count(self, what: str) -> None:
        with self._lock:
            setattr(self.stats, what, getattr(self.stats, what) + 1)
