"""DOT source -> PNG, SVG and PDF files. The only module that runs Graphviz.

One `dot` process lays a view out once and writes every requested format.
SVG files are made self-contained: each icon is embedded once as a data URI
and reused, so the file displays anywhere it is copied.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archcat.files import write_atomic

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
    format: str  # png, svg, pdf, or "thumb": a small PNG for index cards, drawn from the same run
    path: Path


THUMB_WIDTH = 480


def render(dot_source: str, targets: list[Target], *, timeout: float | None = None,
           transparent: bool = False) -> None:
    """Lay out `dot_source` once and write every target atomically.

    `dot` writes the SVG and the PDF. PNGs are drawn from that PDF with
    PDFium and encoded here: Graphviz's own PNG writer (cairo through libpng,
    trying every row filter) costs more than the layout and both vector
    formats together, and its files are larger. `transparent` keeps the
    PNGs' alpha channel, for a graph drawn without a background.
    """
    if not targets:
        return
    timeout = DOT_TIMEOUT_SECONDS if timeout is None else timeout
    for target in targets:
        target.path.parent.mkdir(parents=True, exist_ok=True)
    rasters = [t for t in targets if t.format in ("png", "thumb")]
    vectors = {t.format for t in targets if t.format in ("svg", "pdf")}
    if rasters:
        vectors.add("pdf")
    with tempfile.TemporaryDirectory(prefix="archcat-", dir=targets[0].path.parent) as tmp:
        command = [dot_binary()]
        for fmt in sorted(vectors):
            command += [f"-T{fmt}:cairo" if fmt == "pdf" else f"-T{fmt}", f"-o{Path(tmp) / ('out.' + fmt)}"]
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        try:
            result = subprocess.run(command, input=dot_source.encode("utf-8"), capture_output=True,
                                    timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise DrawError(f"Graphviz took longer than {timeout:g} s and was stopped") from exc
        if result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DrawError("Graphviz failed: " + (message[-1] if message else f"exit code {result.returncode}"))
        files: dict[str, bytes] = {}
        if "svg" in vectors:
            files["svg"] = embed_icons((Path(tmp) / "out.svg").read_bytes())
        if "pdf" in vectors:
            files["pdf"] = pin_pdf_dates((Path(tmp) / "out.pdf").read_bytes())
        if rasters:
            sizes = [("scale", PNG_DPI / 72) if t.format == "png" else ("width", THUMB_WIDTH) for t in rasters]
            drawn = rasterize(files["pdf"], sizes, transparent=transparent)
            for target, raster in zip(rasters, drawn, strict=True):
                files[target.format] = encode_png(raster, dpi=PNG_DPI if target.format == "png" else None)
        for target in targets:
            write_atomic(target.path, files[target.format])


@dataclass(frozen=True)
class Raster:
    mode: str  # "RGB", or "RGBA" for a transparent background
    width: int
    height: int
    rows: bytes  # PNG scanlines, each led by filter byte 0 (none)


# PDFium keeps global state and must never be entered by two threads at once.
_PDFIUM = threading.Lock()

# Like Graphviz's own PNG writer, draw a very large graph smaller rather than
# allocate an image no viewer opens: at most this many pixels, and this many a side.
MAX_PIXELS = 40_000_000
MAX_SIDE = 32_000


def rasterize(pdf: bytes, sizes: list[tuple[str, float]], *, transparent: bool = False) -> list[Raster]:
    """Draw the first page of `pdf` once per size: ("scale", pixels per point) or ("width", pixels).

    Raises DrawError when PDFium cannot read the page or allocate the image.
    """
    import pypdfium2 as pdfium

    try:
        with _PDFIUM:
            # Every PDFium object is closed here, under the lock, never left to the garbage collector.
            document = pdfium.PdfDocument(pdf)
            try:
                page = document[0]
                try:
                    return [_draw(page, unit, amount, transparent) for unit, amount in sizes]
                finally:
                    page.close()
            finally:
                document.close()
    except (pdfium.PdfiumError, MemoryError) as exc:
        raise DrawError(f"the PNG could not be drawn: {exc}") from exc


def _draw(page, unit: str, amount: float, transparent: bool) -> Raster:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    scale = amount / width if unit == "width" else amount
    scale = min(scale, (MAX_PIXELS / (width * height)) ** 0.5, MAX_SIDE / max(width, height))
    bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=False,
                         force_bitmap_format=pdfium_c.FPDFBitmap_BGRA if transparent else pdfium_c.FPDFBitmap_BGR,
                         fill_color=(0, 0, 0, 0) if transparent else (255, 255, 255, 255))
    try:
        mode, channels = ("RGBA", 4) if transparent else ("RGB", 3)
        pixels = memoryview(bitmap.buffer).cast("B")
        stride, length = bitmap.stride, bitmap.width * channels
        rows = b"".join(b"\0" + pixels[y * stride:y * stride + length] for y in range(bitmap.height))
        return Raster(mode, bitmap.width, bitmap.height, rows)
    finally:
        bitmap.close()


def encode_png(raster: Raster, *, dpi: int | None = None) -> bytes:
    """A compact PNG: diagrams are mostly flat colour, where unfiltered rows deflate best
    (smaller than any row filter or adaptive filtering, at a fraction of the time)."""
    import zlib

    import deflate

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    colour = 2 if raster.mode == "RGB" else 6
    header = raster.width.to_bytes(4, "big") + raster.height.to_bytes(4, "big") + bytes([8, colour, 0, 0, 0])
    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header)]
    if dpi is not None:  # pixels per metre, so slide and document tools place the image at its real size
        parts.append(chunk(b"pHYs", round(dpi / 0.0254).to_bytes(4, "big") * 2 + b"\x01"))
    parts += [chunk(b"IDAT", bytes(deflate.zlib_compress(raster.rows, 6))), chunk(b"IEND", b"")]
    return b"".join(parts)


def embed_icons(svg: bytes) -> bytes:
    """Replace icon file references with one embedded copy per distinct icon (see svg.embed_icons)."""
    from archcat.svg import SvgError
    from archcat.svg import embed_icons as embed

    def read_icon(icon: Path) -> tuple[bytes, tuple[int, int]]:
        if not icon.is_absolute() or icon.suffix.lower() != ".png" or not icon.is_file():
            raise DrawError(f"unexpected image reference in SVG: {str(icon)!r}")
        data = icon.read_bytes()
        return data, png_size(data)

    try:
        return embed(svg, read_icon)
    except SvgError as exc:
        raise DrawError(f"Graphviz wrote an SVG archcat cannot read: {exc}") from exc


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)([0-9]{14})")


def pin_pdf_dates(pdf: bytes) -> bytes:
    """Replace cairo's wall-clock dates (it ignores SOURCE_DATE_EPOCH) with a fixed one of the same length,
    so cross-reference offsets stay valid and the same input gives the same bytes."""
    return _PDF_DATE.sub(rb"\g<1>19700101000000", pdf)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DrawError("icon is not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
