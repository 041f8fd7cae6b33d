"""Writing files so that a reader never sees half of one, and content digests.

Every file archcat writes outside a staging folder goes through
`write_atomic`: the bytes go to a uniquely named temporary file in the same
folder, which then replaces the target in one rename. A killed process leaves
the old file or the new one, never a mix, and two writers never share a
temporary name. The rename replaces a link planted at the target instead of
writing through it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    """SHA-256 over the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o644) -> Path:
    """Write `data` (text is written as UTF-8) to `path` in one step; return `path`."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        temp.chmod(mode)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return path


def place(source: Path, target: Path) -> None:
    """Copy `source` to `target` (the kernel copies it; no hard link, so a damaged copy never changes the
    other), replacing whatever is at `target`, a link included, without writing through it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    shutil.copyfile(source, target)


class Refused(OSError):
    """archcat will not read or write this path: it is a link, leaves the project, or is too large."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def no_links(path: Path, root: Path) -> None:
    """Refuse `path` when it, or any folder between `root` and it, is a symbolic link (or it is not under
    `root`). Parts that do not exist yet are fine: they will be made as real folders by `real_dir`."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise Refused(path, f"is outside {root}") from None
    current = root
    if current.is_symlink():
        raise Refused(current, "is a link; archcat does not follow links in a project")
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            raise Refused(current, "is a link; archcat does not follow links in a project")


def real_dir(path: Path, root: Path) -> Path:
    """Make `path` (a folder under `root`) and every missing folder between, refusing links on the way."""
    no_links(path, root)
    path.mkdir(parents=True, exist_ok=True)
    no_links(path, root)  # a link planted while the folders were made
    return path


def read_limited(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refusing a link at `path` itself, a non-file and anything over `limit` bytes."""
    import stat

    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused(path, "is a link; archcat does not follow links in a project") from None
        raise
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(path, "is not a regular file")
        if info.st_size > limit:
            raise Refused(path, f"is {info.st_size:,} bytes; the limit is {limit:,}")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise Refused(path, f"is larger than {limit:,} bytes")
    return data


# 2025-01-01T00:00:00Z: the time a file says it was made when SOURCE_DATE_EPOCH is not set.
DEFAULT_TIME = 1_735_689_600


def source_date() -> int:
    """The time (seconds since 1970) a reproducible file says it was made: SOURCE_DATE_EPOCH, which
    `make gallery` sets to the last commit's time, or DEFAULT_TIME."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return DEFAULT_TIME
    if not text.isdigit():
        raise ValueError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {text!r}")
    return int(text)
