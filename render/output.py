"""The output folder: one build at a time, a stamp that makes a no-op build instant, and the swap.

A build renders into a staging folder beside `out` and replaces `out` with
two renames only when everything succeeded, so a failed or interrupted build
leaves the previous gallery as it was.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from archcat.cache import MAX_TREE_FILE_BYTES, Cache, package_parts, tree_files
from archcat.diagnostics import BuildFailed, Diagnostic, display_path
from archcat.discover import Project
from archcat.files import Refused, digest, read_limited, real_dir, write_atomic

MARKER = ".archcat-output"
# The packages whose files decide a build's bytes: installing or upgrading anything beside them re-stamps.
DRAWING_PACKAGES = ("diagrams", "jinja2", "pypdfium2", "deflate", "cairosvg", "pptx", "pypdf", "fontTools", "genanki",
                    "PIL")


@contextmanager
def build_lock(out: Path):
    """One build at a time per output folder; clears what a killed build left behind."""
    import fcntl

    lock_path = out.parent / f".{out.name}.lock"
    try:  # never through a link planted at the lock's name, and never truncating anything
        fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(lock_path, "the lock file is a link; remove it") from None
        raise
    with os.fdopen(fd, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        for leftover in out.parent.glob(f".{out.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
            previous = leftover / "tree"
            if not out.exists() and not out.is_symlink() and previous.is_dir() and not previous.is_symlink():
                os.rename(previous, out)  # a kill between the two renames of a swap: put the gallery back
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_folder(out: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))


def input_stamp(project: Project, out: Path, variant: str) -> str:
    """A digest of what a build reads: the specs, icons, templates and vocabularies it would use, archcat's
    own files, the installed drawing packages and Graphviz. Each file is read under the size limit the
    build applies to it, never through a link; a file the build will refuse is stamped as refused, and the
    build then says why, at its path."""
    from archcat.discover import spec_files
    from archcat.draw import graphviz_version
    from archcat.paths import MAX_SPEC_BYTES as MAX_FILE_BYTES

    parts: list[bytes | str] = [str(out), variant, graphviz_version(), *installed_packages()]
    listed = [(path, MAX_FILE_BYTES) for path in spec_files(project)]
    for folder in (project.icons, project.template_folder, project.vocabulary):
        listed += [(path, MAX_TREE_FILE_BYTES) for path in tree_files(folder)]
    for path, limit in listed:
        try:
            parts += [str(path), read_limited(path, limit)]
        except OSError as exc:
            parts += [str(path), f"refused: {exc}"]
    return digest(*parts, "package", *package_parts())


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

    def scan(folder: str, prefix: str) -> None:  # os.scandir: one stat per file, no Path objects
        with os.scandir(folder) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    scan(entry.path, name + "/")
                elif entry.name != MARKER:
                    info = entry.stat(follow_symlinks=False)
                    listing[name] = [info.st_size, info.st_mtime_ns]

    if out.is_dir():
        scan(str(out), "")
    return dict(sorted(listing.items()))


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
        path = _stamp_file(cache, out)
        real_dir(path.parent, cache.root)
        write_atomic(path, json.dumps({"inputs": stamp, "files": output_listing(out)}, sort_keys=True))


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that archcat did not write (and is not empty), or a link."""
    if out.is_symlink():
        raise Refused(out, "the output folder is a link; name the real folder with --out instead")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise BuildFailed([Diagnostic(display_path(out), 1, 1, "output folder has files archcat did not write",
                                      "choose an empty or new folder with --out")])


def claim(out: Path) -> Path:
    """Make `out` archcat's output folder: create it with its marker, or accept it when it already has one
    (or is empty). A folder holding files archcat did not write is refused, as `build` would refuse it."""
    check_replaceable(out)
    if out.is_symlink():
        raise Refused(out, "the output folder is a link; remove it (archcat makes a real one)")
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARKER).exists():
        write_atomic(out / MARKER, MARKER_TEXT)
    return out


MARKER_TEXT = "This folder is written by `archcat build` and replaced on every build.\n"


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE): at every instant each name
    holds a complete tree. False where the system cannot, and nothing was changed."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging`. Where the system can, the two trees are exchanged in one step, so a
    complete gallery is at `out` at every instant, a kill included; elsewhere two renames, with the
    next build restoring an `out` a kill between them left missing. The old tree is removed after."""
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    staging.chmod(0o755)
    if out.exists() and exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous gallery
        return
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "tree")
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
