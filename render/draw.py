"""DOT source -> PNG, SVG and PDF files. The only module that runs Graphviz.

One `dot` process lays a view out once and writes every requested format.
SVG files are made self-contained: each icon is embedded once as a data URI
and reused, so the file displays anywhere it is copied.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMATS = ("png", "svg", "pdf")
PNG_DPI = 144
DOT_TIMEOUT_SECONDS = 60


class DrawError(Exception):
    """Graphviz failed, timed out, or is missing."""


@cache
def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise DrawError("Graphviz `dot` was not found on PATH; install the Debian package `graphviz` "
                        "(sudo apt-get install graphviz) or run `make setup`")
    return found


@cache
def graphviz_version() -> str:
    result = subprocess.run([dot_binary(), "-V"], capture_output=True, text=True, timeout=30, check=False)
    return (result.stderr or result.stdout).strip()


@dataclass(frozen=True)
class Target:
    format: str  # png, svg, pdf, or "thumb": a small PNG made from the PNG of the same run
    path: Path


THUMB_WIDTH = 480


def thumbnail(png: bytes, width: int = THUMB_WIDTH) -> bytes:
    """A small PNG for index cards, so a page of cards never loads full diagrams."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
        height = max(1, round(image.height * width / image.width))
        small = image.convert("RGB").resize((width, height), Image.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()


def render(dot_source: str, targets: list[Target], *, timeout: float | None = None) -> None:
    """Lay out `dot_source` once and write every target atomically."""
    if not targets:
        return
    timeout = DOT_TIMEOUT_SECONDS if timeout is None else timeout
    for target in targets:
        target.path.parent.mkdir(parents=True, exist_ok=True)
    thumbs = [t for t in targets if t.format == "thumb"]
    targets = [t for t in targets if t.format != "thumb"]
    if thumbs and not any(t.format == "png" for t in targets):
        raise DrawError("a thumbnail needs the PNG of the same run")
    with tempfile.TemporaryDirectory(prefix="archcat-", dir=targets[0].path.parent) as tmp:
        command = [dot_binary()]
        staged: list[tuple[Target, Path]] = []
        for target in targets:
            out = Path(tmp) / f"out.{target.format}"
            fmt = {"png": "png:cairo", "pdf": "pdf:cairo", "svg": "svg"}[target.format]
            command += [f"-T{fmt}", f"-o{out}"]
            staged.append((target, out))
        if any(t.format == "png" for t in targets):
            command.append(f"-Gdpi={PNG_DPI}")
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        try:
            result = subprocess.run(command, input=dot_source.encode("utf-8"), capture_output=True,
                                    timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DrawError(f"Graphviz took longer than {timeout:g} s and was stopped") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DrawError("Graphviz failed: " + (message[-1] if message else f"exit code {result.returncode}"))
        for target, out in staged:
            if target.format == "svg":
                out.write_bytes(natural_size(embed_icons(out.read_bytes())))
            elif target.format == "png":
                raw = out.read_bytes()
                for thumb in thumbs:
                    thumb.path.parent.mkdir(parents=True, exist_ok=True)
                    (Path(tmp) / "thumb.png").write_bytes(thumbnail(raw))
                    os.replace(Path(tmp) / "thumb.png", thumb.path)
                out.write_bytes(optimize_png(raw))
            elif target.format == "pdf":
                out.write_bytes(pin_pdf_dates(out.read_bytes()))
            os.replace(out, target.path)


_IMAGE = re.compile(rb'<image xlink:href="([^"]+)" width="([^"]+)" height="([^"]+)"'
                    rb' preserveAspectRatio="([^"]+)" x="([^"]+)" y="([^"]+)"/>')


def embed_icons(svg: bytes) -> bytes:
    """Replace icon file references with one embedded copy per distinct icon."""
    symbols: dict[bytes, bytes] = {}

    def use(match: re.Match[bytes]) -> bytes:
        href, width, height, _aspect, x, y = match.groups()
        icon = Path(html.unescape(href.decode("utf-8")))
        if not icon.is_absolute() or icon.suffix.lower() != ".png" or not icon.is_file():
            raise DrawError(f"unexpected image reference in SVG: {href!r}")
        key = href
        if key not in symbols:
            symbols[key] = b"icon%d" % (len(symbols) + 1)
        ident = symbols[key]
        return (b'<use xlink:href="#' + ident + b'" width="' + width + b'" height="' + height
                + b'" x="' + x + b'" y="' + y + b'"/>')

    body = _IMAGE.sub(use, svg)
    if b"xlink:href=\"/" in body or b"<image" in body:
        raise DrawError("SVG still refers to an external image")
    if not symbols:
        return body
    defs = [b"<defs>"]
    for href, ident in symbols.items():
        data = Path(html.unescape(href.decode("utf-8"))).read_bytes()
        width, height = png_size(data)
        uri = b"data:image/png;base64," + base64.b64encode(data)
        defs.append(b'<symbol id="' + ident + b'" viewBox="0 0 %d %d" preserveAspectRatio="xMidYMid meet">' % (
            width, height))
        defs.append(b'<image width="%d" height="%d" xlink:href="' % (width, height) + uri + b'"/></symbol>')
    defs.append(b"</defs>")
    # Insert the definitions right after the opening <svg ...> tag.
    end = body.index(b">", body.index(b"<svg")) + 1
    return body[:end] + b"\n" + b"".join(defs) + body[end:]


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)([0-9]{14})")


def pin_pdf_dates(pdf: bytes) -> bytes:
    """Replace cairo's wall-clock dates (it ignores SOURCE_DATE_EPOCH) with a fixed one of the same length,
    so cross-reference offsets stay valid and the same input gives the same bytes."""
    return _PDF_DATE.sub(rb"\g<1>19700101000000", pdf)


def optimize_png(data: bytes) -> bytes:
    """Recompress losslessly: diagrams are mostly flat colour, where unfiltered rows deflate best."""
    import oxipng

    return oxipng.optimize_from_memory(data, level=0, filter=[oxipng.RowFilter.NoOp],
                                       deflate=oxipng.Deflaters.libdeflater(6), strip=oxipng.StripChunks.safe())


_SVG_SIZE = re.compile(
    rb'<svg width="[0-9.]+pt" height="[0-9.]+pt"(\s+)viewBox="([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+)"')
_GRAPH_SCALE = re.compile(rb'(<g id="graph0" class="graph" transform=")scale\([0-9.]+ [0-9.]+\)')


def natural_size(svg: bytes) -> bytes:
    """Undo the PNG's -Gdpi in the SVG written by the same dot run.

    Graphviz scales the SVG's declared size and its top group by dpi/72 but
    leaves the viewBox at 72 dpi, so browsers would show only part of the
    drawing. Resetting both gives exactly the SVG a plain `dot -Tsvg` writes.
    """

    def fix(match: re.Match[bytes]) -> bytes:
        space, x, y, width, height = match.groups()
        return b'<svg width="%spt" height="%spt"%sviewBox="%s %s %s %s"' % (width, height, space, x, y, width, height)

    return _GRAPH_SCALE.sub(rb"\1scale(1 1)", _SVG_SIZE.sub(fix, svg, count=1), count=1)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DrawError("icon is not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
