"""Writing files so that a reader never sees half of one, and content digests.

Every file archcat writes outside a staging folder goes through
`write_atomic`: the bytes go to a uniquely named temporary file in the same
folder, which then replaces the target in one rename. A killed process leaves
the old file or the new one, never a mix, and two writers never share a
temporary name. The rename replaces a link planted at the target instead of
writing through it.
"""

from __future__ import annotations

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
    """Hard-link `source` to `target` (cheap), or copy it when linking is not possible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
