"""The output folder: one build at a time, a stamp that makes a no-op build instant, and the swap.

A build renders into a staging folder beside `out` and replaces `out` with
two renames only when everything succeeded, so a failed or interrupted build
leaves the previous gallery as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from archcat.cache import Cache, tree_parts
from archcat.diagnostics import BuildFailed, Diagnostic, display_path
from archcat.discover import Project
from archcat.files import digest, write_atomic
from archcat.paths import PACKAGE_DIR

MARKER = ".archcat-output"
# The packages whose files decide a build's bytes: installing or upgrading anything beside them re-stamps.
DRAWING_PACKAGES = ("diagrams", "jinja2", "pypdfium2", "deflate", "cairosvg", "pptx")


@contextmanager
def build_lock(out: Path):
    """One build at a time per output folder; clears what a killed build left behind."""
    import fcntl

    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        for leftover in out.parent.glob(f".{out.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in out.parent.glob(f".{out.name}.old-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_folder(out: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))


def input_stamp(project: Project, out: Path, variant: str) -> str:
    """A digest of everything a build reads: specs, icons, templates, vocabularies, archcat's own files,
    the installed drawing packages and Graphviz."""
    from archcat.draw import graphviz_version

    parts: list[bytes | str] = [str(out), variant, graphviz_version(), *installed_packages()]
    for folder in (project.architectures, project.icons, project.template_folder, project.vocabulary, PACKAGE_DIR):
        parts += [str(folder), *tree_parts(folder)]
    return digest(*parts)


def installed_packages() -> list[str]:
    """Name and version of every package installed beside the ones a build uses, from folder listings.

    Any install or upgrade there changes this, which only costs a build that
    finds its renders in the cache; reading each package's metadata would cost
    a no-op build more than everything else it does.
    """
    from importlib.util import find_spec

    folders = set()
    for name in DRAWING_PACKAGES:
        found = find_spec(name)
        if found is not None and found.origin is not None:
            folders.add(Path(found.origin).parent.parent)
    return sorted(f"{folder}/{name}" for folder in folders for name in os.listdir(folder)
                  if name.endswith(".dist-info"))


def output_listing(out: Path) -> dict[str, list[int]]:
    """Size and modification time of every file in the output, to notice files changed by hand."""
    listing: dict[str, list[int]] = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != MARKER:
            info = path.stat()
            listing[path.relative_to(out).as_posix()] = [info.st_size, info.st_mtime_ns]
    return listing


def _stamp_file(cache: Cache, out: Path) -> Path:
    assert cache.root is not None
    return cache.root / "stamps" / f"{digest(str(out.resolve()))[:24]}.json"


def is_up_to_date(cache: Cache, out: Path, stamp: str) -> bool:
    """True when the last build into `out` read exactly these inputs and its files are untouched."""
    if cache.root is None:
        return False
    try:
        recorded = json.loads(_stamp_file(cache, out).read_text(encoding="utf-8"))
        return recorded.get("inputs") == stamp and recorded.get("files") == output_listing(out)
    except (OSError, ValueError, AttributeError):
        return False


def record_stamp(cache: Cache, out: Path, stamp: str) -> None:
    if cache.root is not None:
        write_atomic(_stamp_file(cache, out), json.dumps({"inputs": stamp, "files": output_listing(out)},
                                                         sort_keys=True))


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that archcat did not write (and is not empty)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise BuildFailed([Diagnostic(display_path(out), 1, 1, "output folder has files archcat did not write",
                                      "choose an empty or new folder with --out")])


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames; the old tree is removed afterwards."""
    (staging / MARKER).write_text("This folder is written by `archcat build` and replaced on every build.\n",
                                  encoding="utf-8")
    staging.chmod(0o755)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "tree")
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
