"""A content-addressed cache of built files, so a rebuild redoes only what changed.

One policy covers every cached artefact (rendered views, thumbnails, slide
exports, gallery pages):

- Its key is `Cache.key(kind, *inputs)`: a digest of the artefact's own inputs
  (the DOT text, the spec, custom icon bytes ...) and of the build's
  fingerprint, which covers everything else that can change its bytes: every
  file of the archcat package (code and vocabularies), the templates, the
  catalog's own vocabularies, and the versions of Graphviz and of the
  libraries that write image bytes. No file list is kept by hand: a new
  module or data file is covered the moment it exists.
- An entry is a folder named by its key, holding the files and a manifest of
  their sizes and hashes. It is written to a temporary folder and renamed
  into place, so a killed build never leaves half an entry; an entry whose
  files do not match its manifest is deleted and rebuilt, never served.
- Each build records the keys it used under a *root* named for its output
  folder and options. Pruning keeps every entry that any root still uses
  whose output folder exists, so a build into another `--out`, or without
  `--slides`, never evicts what the main build still needs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from archcat.files import Refused, digest, file_digest, no_links, place, read_limited, real_dir, write_atomic

CACHE_FORMAT = "2"
# The libraries whose releases may change the bytes of an image, a page or a deck.
IMAGE_LIBRARIES = ("diagrams", "pypdfium2", "deflate", "cairosvg", "pypdf", "fonttools", "pillow", "genanki",
                   "jinja2", "python-pptx", "lxml")


MAX_TREE_FILE_BYTES = 2 * 1024 * 1024  # a template, a vocabulary or a module; none is near this


def package_parts() -> list[bytes | str]:
    """The package's own files (code and vocabularies). Its templates, which an installed package carries
    inside it, are left out here: a build fingerprints the templates it uses on their own, so a source
    checkout and an installed copy of the same version agree."""
    from archcat.paths import PACKAGE_DIR

    parts: list[bytes | str] = []
    for path in tree_files(PACKAGE_DIR):
        relative = path.relative_to(PACKAGE_DIR)
        if relative.parts[0] != "templates":
            parts += [relative.as_posix(), read_limited(path, MAX_TREE_FILE_BYTES)]
    return parts


def tree_files(folder: Path) -> list[Path]:
    """Every file below `folder`, in a stable order, never entering or reading through a link: a link
    anywhere inside is refused (a checkout could plant one to make archcat read outside the project)."""
    if folder.is_symlink():
        raise Refused(folder, "is a link; archcat does not follow links in a project")
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted([*files, *(d for d in dirs if (Path(top) / d).is_symlink())]):
            path = Path(top) / name
            if path.is_symlink():
                raise Refused(path, "is a link; archcat does not follow links in a project")
            found.append(path)
    return sorted(found)


def tree_parts(folder: Path) -> list[bytes | str]:
    """Every file below `folder` as (relative name, bytes) parts (see tree_files), each under a size limit."""
    parts: list[bytes | str] = []
    for path in tree_files(folder):
        parts += [path.relative_to(folder).as_posix(), read_limited(path, MAX_TREE_FILE_BYTES)]
    return parts


@cache
def tool_versions() -> tuple[str, ...]:
    """Graphviz's version and those of the libraries that write image bytes."""
    from importlib.metadata import PackageNotFoundError, version

    from archcat.draw import graphviz_version

    found = [graphviz_version()]
    for name in IMAGE_LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} absent")
    return tuple(found)


def fingerprint(templates: Path, vocabularies: Path | None = None) -> str:
    """What, besides an artefact's own inputs, decides its bytes (see the module's docstring)."""
    from archcat import __version__

    return digest(__version__, *tool_versions(), "package", *package_parts(), "templates",
                  *tree_parts(templates), "vocabularies", *(tree_parts(vocabularies) if vocabularies else []))


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    corrupt: int = 0


@dataclass
class Cache:
    """Built files by content key. `root=None` disables caching (every artefact is built afresh)."""

    root: Path | None
    stats: Stats = field(default_factory=Stats)
    used: set[str] = field(default_factory=set)
    fingerprint: str = ""  # set by the build: see `fingerprint()`
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, kind: str, *inputs: bytes | str) -> str:
        """The one cache key of an artefact: its kind, its own inputs, and the build's fingerprint."""
        if not self.fingerprint:
            raise RuntimeError("the cache has no fingerprint yet; the build sets it before any key is made")
        return digest(CACHE_FORMAT, kind, self.fingerprint, *inputs)

    def _entry(self, key: str) -> Path:
        """An entry's folder. The cache folder and its fan-out folders must be real folders: a link planted
        in their place would have archcat write, and prune, wherever it points."""
        assert self.root is not None
        if self.root.is_symlink():
            raise Refused(self.root, "the cache folder is a link; remove it (archcat makes a real one)")
        entry = self.root / f"v{CACHE_FORMAT}" / key[:2] / key
        no_links(entry, self.root)
        return entry

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
        with self._lock:
            self.used.add(key)
        if entry.is_dir():
            return
        real_dir(entry.parent, self.root)
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

    def prune(self, out: Path, variant: str = "") -> int:
        """Record the keys this build used for `out` (and `variant`, e.g. "slides"), then remove every entry
        no recorded build still uses, with leftovers of killed builds; return how many entries went."""
        if self.root is None:
            return 0
        if self.root.is_symlink() or not self.root.is_dir():
            return 0  # nothing of ours to prune (a link is refused by every other use)
        roots = real_dir(self.root / "roots", self.root)
        name = digest(str(out.resolve()), variant)[:24]
        write_atomic(roots / f"{name}.json", json.dumps({"out": str(out.resolve()), "variant": variant,
                                                        "keys": sorted(self.used)}, sort_keys=True))
        keep: set[str] = set()
        for record in sorted(roots.glob("*.json")):
            if record.is_symlink():
                record.unlink()
                continue
            try:
                data = json.loads(record.read_text(encoding="utf-8"))
                if not Path(data["out"]).is_dir():
                    raise ValueError("its output folder is gone")
                keep.update(data["keys"])
            except (OSError, ValueError, KeyError, TypeError):
                record.unlink(missing_ok=True)
        store = self.root / f"v{CACHE_FORMAT}"
        removed = 0
        # Only real folders are ever removed; a link found here is deleted itself, never what it points to.
        for bucket in sorted(store.iterdir()) if store.is_dir() and not store.is_symlink() else []:
            if bucket.is_symlink() or not bucket.is_dir():
                bucket.unlink()
                continue
            for entry in sorted(bucket.iterdir()):
                if entry.is_symlink() or not entry.is_dir():
                    entry.unlink()
                elif entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
        for old in self.root.glob("v*"):
            if old.is_symlink():
                old.unlink()
            elif old.is_dir() and old.name != f"v{CACHE_FORMAT}":
                shutil.rmtree(old, ignore_errors=True)  # entries of an earlier cache format
        return removed

    def _count(self, what: str) -> None:
        with self._lock:
            setattr(self.stats, what, getattr(self.stats, what) + 1)
