"""DOT source -> PNG, SVG and PDF files. The only module that runs Graphviz.

One `dot` process lays a view out once and writes every requested format.
SVG files are made self-contained: each icon is embedded once as a data URI
and reused, so the file displays anywhere it is copied.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from archcat.files import write_atomic

if TYPE_CHECKING:
    from pypdf.generic import DictionaryObject, PdfObject, StreamObject

    from archcat.svg import Description

PNG_DPI = 144

# Graphviz keeps attributes it does not know and writes them back in its laid-out DOT: graph.py marks an
# edge's step numbers and the graph's badge colours with these, for the badge pass below.
STEPS_ATTR = "archcat_steps"
BADGE_FILL_ATTR = "archcat_badge_fill"
BADGE_TEXT_ATTR = "archcat_badge_text"
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
    format: str  # png, svg, pdf; "deck": the PNG with a palette (encode_palette_png), for decks;
    # "thumbnail": the index card's small WebP (encode_thumbnail)
    path: Path


def render(dot_source: str, targets: list[Target], *, timeout: float | None = None,
           transparent: bool = False, about: Description | None = None) -> None:
    """Lay out `dot_source` once and write every target atomically.

    `dot` writes the SVG and the PDF; a view with a request flow is laid out
    first and drawn again with its step badges on their edges (`add_badges`).
    PNGs are drawn from that PDF with
    PDFium and encoded here: Graphviz's own PNG writer (cairo through libpng,
    trying every row filter) costs more than the layout and both vector
    formats together, and its files are larger. They are drawn from the PDF
    as cairo wrote it, whose fonts PDFium hints to the pixel grid; the PDF
    file keeps its fonts without hinting (`drop_font_hinting`). `transparent`
    keeps the PNGs' alpha channel, for a graph drawn without a background.
    """
    if not targets:
        return
    timeout = DOT_TIMEOUT_SECONDS if timeout is None else timeout
    for target in targets:
        target.path.parent.mkdir(parents=True, exist_ok=True)
    rasters = [t for t in targets if t.format in ("png", "deck")]
    thumbnails = [t for t in targets if t.format == "thumbnail"]
    vectors = {t.format for t in targets if t.format in ("svg", "pdf")}
    if rasters or thumbnails:
        vectors.add("pdf")
    with tempfile.TemporaryDirectory(prefix="archcat-", dir=targets[0].path.parent) as tmp:
        deadline = time.monotonic() + timeout
        dot_source, originals = small_icons(dot_source, Path(tmp))
        engine, dot_source = with_badges(dot_source, Path(tmp), deadline, timeout)
        command = [dot_binary(), *engine]
        for fmt in sorted(vectors):
            command += [f"-T{fmt}:cairo" if fmt == "pdf" else f"-T{fmt}", f"-o{Path(tmp) / ('out.' + fmt)}"]
        _run_graphviz(command, dot_source, deadline, timeout)
        files: dict[str, bytes] = {}
        if "svg" in vectors:
            files["svg"] = embed_icons((Path(tmp) / "out.svg").read_bytes(), about, originals)
        drawn = pin_pdf_dates((Path(tmp) / "out.pdf").read_bytes()) if "pdf" in vectors else b""
        if rasters:
            [raster] = rasterize(drawn, [("scale", PNG_DPI / 72)], transparent=transparent)
            for target in rasters:
                encode = encode_png if target.format == "png" else encode_palette_png
                files[target.format] = encode(raster, dpi=PNG_DPI)
        if thumbnails:
            [small] = rasterize(drawn, [("box", THUMBNAIL_BOX)])
            files["thumbnail"] = encode_thumbnail(small)
        if any(t.format == "pdf" for t in targets):
            files["pdf"] = index_images(drop_font_hinting(drawn))
        for target in targets:
            write_atomic(target.path, files[target.format])


_ICON_SRC = re.compile(r'SRC="([^"]+)"')


def small_icons(dot_source: str, tmp: Path) -> tuple[str, dict[str, str]]:
    """The DOT source drawing every icon from its compact copy (`icon_for_svg`: at most ICON_PIXELS a
    side), written into `tmp`, and which original each copy stands for. An icon is drawn 64 points
    wide, so the copy holds 2 pixels a point, as many as the 144-dpi PNG draws, and every format
    draws the same pixels: a PDF carries a third of the icon bytes it would carry otherwise."""
    import html

    copies: dict[str, str] = {}

    def swap(match: re.Match[str]) -> str:
        original = html.unescape(match.group(1))
        path = Path(original)
        if path.suffix.lower() != ".png" or not path.is_absolute() or not path.is_file():
            return match.group(0)  # left as it is: Graphviz (and the SVG check after it) reports it
        if original not in copies.values():
            info = path.stat()
            try:
                data, _ = icon_for_svg(original, info.st_mtime_ns, info.st_size)
            except OSError as exc:
                raise DrawError(f"icon {original!r} could not be read: {exc}") from exc
            small = tmp / f"icon-{len(copies) + 1}.png"
            small.write_bytes(data)
            copies[str(small)] = original
        small_path = next(k for k, v in copies.items() if v == original)
        return f'SRC="{html.escape(small_path, quote=True)}"'

    return _ICON_SRC.sub(swap, dot_source), copies



def with_badges(dot_source: str, tmp: Path, deadline: float, timeout: float) -> tuple[list[str], str]:
    """The Graphviz options and DOT source that draw `dot_source` with its step badges on their edges.

    A graph with steps is laid out once, each step's badge is put on its own
    edge, and the laid-out graph is drawn as it is (neato -n2 keeps every
    position and spline dot chose). Any other graph is drawn by dot directly.
    """
    if STEPS_ATTR not in dot_source:
        return [], dot_source
    import json

    laid, layout = tmp / "laid.dot", tmp / "laid.json"
    _run_graphviz([dot_binary(), "-Tdot", f"-o{laid}", "-Tjson0", f"-o{layout}"], dot_source, deadline, timeout)
    return ["-Kneato", "-n2"], add_badges(laid.read_text(encoding="utf-8"),
                                          json.loads(layout.read_text(encoding="utf-8")))


def _run_graphviz(command: list[str], source: str, deadline: float, timeout: float) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    try:
        result = subprocess.run(command, input=source.encode("utf-8"), capture_output=True,
                                timeout=max(0.001, deadline - time.monotonic()), env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DrawError(f"Graphviz took longer than {timeout:g} s and was stopped") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DrawError("Graphviz failed: " + (message[-1] if message else f"exit code {result.returncode}"))


# Where on its edge a step badge goes: the first of these fractions of the edge's length (from its tail)
# that keeps the badge clear of the edge's own label; the middle when the edge has no label.
BADGE_SPOTS = (0.5, 0.3, 0.7, 0.2, 0.8)


def add_badges(laid_dot: str, layout: dict) -> str:
    """Graphviz's laid-out DOT with one badge node per step edge, centred on the edge's curve.

    `layout` is the same layout as JSON (`dot -Tjson0`), which gives each
    edge's spline and label position in points.
    """
    fill = layout.get(BADGE_FILL_ATTR, "#c2410c")
    text = layout.get(BADGE_TEXT_ATTR, "#ffffff")
    statements = []
    for edge in layout.get("edges", []):
        steps = edge.get(STEPS_ATTR)
        if not steps or "pos" not in edge:
            continue
        curve = spline_points(edge["pos"])
        if len(curve) < 2:
            continue
        size = float(edge.get("fontsize", "11"))
        font = edge.get("fontname", "Sans-Serif")
        label = steps.replace(",", ", ")
        height = size * 1.7
        width = max(height, size * (0.62 * len(label) + 0.9))
        centre = curve_point(curve, 0.5)
        if "lp" in edge:
            # The label's box, estimated from its lines (Graphviz gives only its centre).
            lines = [re.sub(r"<[^>]*>|&[#\w]+;", "x", line) for line in edge.get("label", "").split("<BR/>")]
            half_w = max(len(line) for line in lines) * size * 0.3 + width / 2 + 3
            half_h = len(lines) * size * 0.6 + height / 2 + 2
            lx, ly = (float(v) for v in edge["lp"].split(","))
            spots = [curve_point(curve, f) for f in BADGE_SPOTS]
            clear = [p for p in spots if abs(p[0] - lx) > half_w or abs(p[1] - ly) > half_h]
            centre = clear[0] if clear else max(spots, key=lambda p: (p[0] - lx) ** 2 + (p[1] - ly) ** 2)
        ident = f"badge--{edge.get('id', edge.get('_gvid'))}"
        statements.append(
            f'"{ident}" [id="{ident}", shape=box, style="rounded,filled", color="{fill}", fillcolor="{fill}", '
            f'fontcolor="{text}", fontname="{font}", fontsize="{size:g}", label=<<B>{label}</B>>, '
            f'margin=0, penwidth=0, fixedsize=true, width={width / 72:.3f}, height={height / 72:.3f}, '
            f'pos="{centre[0]:.2f},{centre[1]:.2f}"];')
    end = laid_dot.rstrip().rfind("}")
    return laid_dot[:end] + "\n".join(statements) + "\n}\n"


def spline_points(pos: str) -> list[tuple[float, float]]:
    """The points of a curve along a Graphviz spline ("e,x,y s,x,y x,y x,y ..." in points), sampled."""
    controls = []
    for part in pos.split():
        if part.startswith(("e,", "s,")):
            continue
        x, y = part.split(",")[:2]
        controls.append((float(x), float(y)))
    from archcat.svg import bezier_points

    return bezier_points(controls)


def curve_point(points: list[tuple[float, float]], fraction: float) -> tuple[float, float]:
    """The point `fraction` of the way along a sampled curve, by length."""
    lengths = [0.0]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        lengths.append(lengths[-1] + ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    goal = lengths[-1] * fraction
    for i in range(1, len(points)):
        if lengths[i] >= goal:
            span = lengths[i] - lengths[i - 1] or 1.0
            t = (goal - lengths[i - 1]) / span
            (x0, y0), (x1, y1) = points[i - 1], points[i]
            return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
    return points[-1]


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


def png_pixels(width_pt: float, height_pt: float) -> tuple[int, int]:
    """The size in pixels of the PNG `render` draws of a page `width_pt` x `height_pt` points: 144 dpi,
    shrunk to stay within MAX_PIXELS and MAX_SIDE (the gallery draws its PNGs in the browser at it)."""
    scale = min(PNG_DPI / 72, (MAX_PIXELS / (width_pt * height_pt)) ** 0.5, MAX_SIDE / max(width_pt, height_pt))
    return round(width_pt * scale), round(height_pt * scale)


Size = tuple[str, float] | tuple[str, tuple[int, int]]


def rasterize(pdf: bytes, sizes: list[Size], *, transparent: bool = False) -> list[Raster]:
    """Draw the first page of `pdf` once per size: ("scale", pixels per point), ("width", pixels) or
    ("box", (width, height)): as large as fits in that many pixels.

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
                    return [_draw(page, size, transparent) for size in sizes]
                finally:
                    page.close()
            finally:
                document.close()
    except (pdfium.PdfiumError, MemoryError) as exc:
        raise DrawError(f"the PNG could not be drawn: {exc}") from exc


def _draw(page, size: Size, transparent: bool) -> Raster:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    unit, amount = size
    if isinstance(amount, tuple):
        scale = min(amount[0] / width, amount[1] / height)
    else:
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
    parts += [chunk(b"IDAT", bytes(deflate.zlib_compress(raster.rows, 9))), chunk(b"IEND", b"")]
    return b"".join(parts)


# The index cards' 16:9 frame, at two pixels a point of a phone-wide card: a thumbnail is drawn as large as fits.
THUMBNAIL_BOX = (768, 432)
THUMBNAIL_QUALITY = 80


def encode_thumbnail(raster: Raster) -> bytes:
    """A small lossy WebP of a view for the index cards: a browser decodes it off its main thread and paints
    it as one picture, where a card's SVG is parsed, styled and drawn on the main thread, its icons
    decoded, which slowed every keystroke that brought new cards into view. At quality 80 flat fills stay
    flat and the (small) text keeps its shape, in 14 KB on average against 40 KB for the SVG."""
    import io

    buffer = io.BytesIO()
    _image(raster).save(buffer, format="WEBP", quality=THUMBNAIL_QUALITY, method=6)
    return buffer.getvalue()


def _image(raster: Raster):
    """The raster as a Pillow image (its rows without the PNG filter byte each begins with)."""
    from PIL import Image

    length = raster.width * (3 if raster.mode == "RGB" else 4)
    pixels = b"".join(raster.rows[y * (length + 1) + 1:(y + 1) * (length + 1)] for y in range(raster.height))
    return Image.frombytes(raster.mode, (raster.width, raster.height), pixels)


EXACT_COLOURS = 16


def encode_palette_png(raster: Raster, *, dpi: int | None = None) -> bytes:
    """A PNG of at most 256 colours, about a third of `encode_png`'s bytes, for pictures that travel inside
    decks. The palette is chosen from a third-size copy (the same colours, a ninth of the work) and
    every pixel takes its nearest entry, undithered: flat fills stay flat, and text edges keep their
    anti-aliasing within a level or two of the original."""
    from PIL import Image

    image = _image(raster)
    method = Image.Quantize.FASTOCTREE
    if raster.mode != "RGB":  # a transparent background: Pillow's palette with alpha
        return _encode_indexed(image.quantize(256, method=method, dither=Image.Dither.NONE), dpi)
    sample = image.reduce(3)
    indexed = image.quantize(palette=sample.quantize(256, method=method, dither=Image.Dither.NONE),
                             dither=Image.Dither.NONE)
    # The octree averages each bucket, so white comes out as 254: an entry within a few levels of one of
    # the most common colours (the fills, lines and text) takes that colour exactly.
    import heapq

    counted = sample.getcolors(1 << 16) or []
    common: list[list[int]] = [list(cast(tuple[int, int, int], colour))
                               for _, colour in heapq.nlargest(EXACT_COLOURS, counted)]
    entries = indexed.getpalette() or []
    for i in range(0, len(entries), 3):
        entry = entries[i:i + 3]
        exact = next((c for c in common if max(abs(a - b) for a, b in zip(c, entry, strict=True)) <= 4), None)
        if exact is not None:
            entries[i:i + 3] = exact
    indexed.putpalette(entries)
    return _encode_indexed(indexed, dpi)


def _encode_indexed(image, dpi: int | None) -> bytes:
    import zlib

    import deflate

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    width, height = image.size
    entries = image.getpalette("RGBA") or []
    used = image.getextrema()[1] + 1
    colours = bytes(v for i in range(used) for v in entries[4 * i:4 * i + 3])
    alphas = bytes(entries[4 * i + 3] for i in range(used))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 3, 0, 0, 0])
    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header), chunk(b"PLTE", colours)]
    if alphas.rstrip(b"\xff"):
        parts.append(chunk(b"tRNS", alphas.rstrip(b"\xff")))
    if dpi is not None:
        parts.append(chunk(b"pHYs", round(dpi / 0.0254).to_bytes(4, "big") * 2 + b"\x01"))
    raw = image.tobytes()
    rows = b"".join(b"\0" + raw[y * width:(y + 1) * width] for y in range(height))
    parts += [chunk(b"IDAT", bytes(deflate.zlib_compress(rows, 6))), chunk(b"IEND", b"")]
    return b"".join(parts)


# An icon is drawn 64 points wide; its embedded copy keeps at most twice that many pixels a side, enough
# for a screen with a pixel ratio of 2 at full size, a fraction of the 256-pixel source icons' bytes.
ICON_PIXELS = 128


@cache
def icon_for_svg(icon: str, mtime_ns: int, size: int) -> tuple[bytes, tuple[int, int]]:
    """An icon file as embedded in SVGs: scaled down to ICON_PIXELS a side when larger, and stored with a
    palette of 256 colours (alpha kept) when that is smaller, as it is for the flat artwork of icons:
    a third of the bytes, with no visible change. Keyed by the file's time and size, so an edited icon
    is read again."""
    import io

    from PIL import Image

    data = Path(icon).read_bytes()
    width, height = png_size(data)
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        picture = image.convert("RGBA")
    if max(width, height) > ICON_PIXELS:
        scale = ICON_PIXELS / max(width, height)
        picture = picture.resize((max(1, round(width * scale)), max(1, round(height * scale))),
                                 Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG", optimize=True)
    small = used_colours_only(buffer.getvalue())
    if picture.size == (width, height) and len(data) <= len(small):
        return data, (width, height)  # a small icon that is already compact: as it is
    return small, picture.size


def used_colours_only(png: bytes) -> bytes:
    """A palette PNG with its palette (and transparency) cut to the colours its pixels use, the same pixels
    otherwise. Pillow writes all 256 entries a quantizer gave, used or not: 1 KB of a 2 KB icon."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        image.load()
        if image.mode != "P":
            return png
        rgb = image.getpalette("RGB") or []
        alpha = image.info.get("transparency", b"")
        if isinstance(alpha, int):  # one transparent entry
            alpha = bytes(0 if i == alpha else 255 for i in range(256))
        alpha = bytes(alpha) + b"\xff" * (256 - len(alpha))
        used = sorted(cast(int, index) for _, index in image.getcolors(256) or [])
        lookup = bytearray(256)
        for new, old in enumerate(used):
            lookup[old] = new
        compact = Image.frombytes("P", image.size, image.tobytes().translate(bytes(lookup)))
    compact.putpalette(bytes(value for old in used for value in rgb[3 * old:3 * old + 3]), "RGB")
    transparency = bytes(alpha[old] for old in used).rstrip(b"\xff")
    buffer = io.BytesIO()
    compact.save(buffer, format="PNG", optimize=True, **({"transparency": transparency} if transparency else {}))
    return buffer.getvalue() if buffer.tell() < len(png) else png


def embed_icons(svg: bytes, about: Description | None = None, copies: dict[str, str] | None = None) -> bytes:
    """Replace icon file references with one embedded copy per distinct icon (see svg.embed_icons),
    and describe the drawing with `about`. `copies` maps the compact copies `small_icons` made to
    the icon files they stand for: the embedded copy is made from the icon file itself."""
    from archcat.svg import SvgError
    from archcat.svg import embed_icons as embed

    def read_icon(icon: Path) -> tuple[bytes, tuple[int, int]]:
        if copies and str(icon) in copies:
            icon = Path(copies[str(icon)])
        if not icon.is_absolute() or icon.suffix.lower() != ".png" or not icon.is_file():
            raise DrawError(f"unexpected image reference in SVG: {str(icon)!r}")
        info = icon.stat()
        try:
            return icon_for_svg(str(icon), info.st_mtime_ns, info.st_size)
        except OSError as exc:
            raise DrawError(f"icon {str(icon)!r} could not be read: {exc}") from exc

    try:
        return embed(svg, read_icon, about)
    except SvgError as exc:
        raise DrawError(f"Graphviz wrote an SVG archcat cannot read: {exc}") from exc


_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)([0-9]{14})")


def pin_pdf_dates(pdf: bytes) -> bytes:
    """Replace cairo's wall-clock dates (it ignores SOURCE_DATE_EPOCH) with a fixed one of the same length,
    so cross-reference offsets stay valid and the same input gives the same bytes."""
    return _PDF_DATE.sub(rb"\g<1>19700101000000", pdf)


def share_identical_objects(pdf: bytes) -> bytes:
    """The PDF with each repeated object kept once. cairosvg embeds an icon's image (and its soft mask) again
    at every place it is drawn, so a slide repeats them; merging the masks makes the images identical in
    turn, hence the second pass. pypdf writes the same bytes for the same input."""
    import io

    import pypdf

    for _ in range(3):
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf), keep_initial_header=True)  # cairo's version, not 1.3
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        if len(out.getvalue()) >= len(pdf):
            break
        pdf = out.getvalue()
    return pdf


# The font-wide tables that serve only TrueType hinting: its programs and control values (fpgm, prep, cvt),
# and the device metrics precomputed by running them (hdmx, LTSH, VDMX).
HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX")


def drop_font_hinting(pdf: bytes) -> bytes:
    """The PDF with its embedded TrueType fonts (/FontFile2) unhinted: `unhinted_font` for each.

    cairo embeds its subsets of DejaVu Sans with their hinting, about 60% of each font's bytes. Hinting
    fits glyphs to a screen's pixels at small sizes; a viewer that applies it (PDFium does) draws the
    unhinted font with the same glyphs in the same places, only the coverage of pixels along their edges
    differing. Everything else in the fonts (cmap, outlines, metrics) is kept as cairo wrote it. A PDF
    without TrueType fonts comes back as it is; otherwise pypdf writes it again, the same bytes for the
    same input.
    """
    from pypdf.generic import NameObject, NumberObject

    def unhint(root: PdfObject) -> bool:
        changed = False
        for stream in _font_files(root):
            if stream.get("/Filter") not in (None, "/FlateDecode", ["/FlateDecode"]) or "/DecodeParms" in stream:
                continue  # pypdf compresses a stream again only with plain Flate: any other is left as it is
            font = unhinted_font(stream.get_data())
            stream.set_data(font)
            stream[NameObject("/Length1")] = NumberObject(len(font))
            changed = True
        return changed

    return _rewritten(pdf, unhint)


def _rewritten(pdf: bytes, change: Callable[[PdfObject], bool]) -> bytes:
    """The PDF as pypdf writes it again once `change` has edited the objects under its root, or `pdf` itself
    when `change` says it edited none."""
    import io

    import pypdf

    _quiet_repeated_keys()
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf), keep_initial_header=True)
    if not change(writer.root_object):
        return pdf
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _quiet_repeated_keys() -> None:
    """Keep pypdf from warning, on the console, that a dictionary names a key twice. Graphviz's PDFs list an
    image in a page's resources once for each place it is drawn, every time as the same object: pypdf
    keeps the first, which is the same object, and a build would print a line for every repeat."""
    import logging

    class RepeatedKeys(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return not str(record.msg).startswith("Multiple definitions in dictionary")

    logging.getLogger("pypdf.generic._data_structures").addFilter(RepeatedKeys())


def _font_files(root: PdfObject) -> list[StreamObject]:
    """Every /FontFile2 stream reachable from `root` (a page's fonts, and those of its forms and patterns),
    each once."""
    found = {id(font): font for font in (cast("StreamObject", d["/FontFile2"]) for d in _dictionaries(root)
                                         if "/FontFile2" in d)}
    return list(found.values())


def _dictionaries(root: PdfObject) -> list[DictionaryObject]:
    """Every dictionary (streams included) reachable from `root`, each once."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: dict[int, DictionaryObject] = {}
    seen: set[tuple[int, int]] = set()
    pending: list[PdfObject | None] = [root]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if id(item) not in found:
                found[id(item)] = item
                pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return list(found.values())


def index_images(pdf: bytes) -> bytes:
    """The PDF with each full-colour image of at most 256 colours stored as an indexed image: a palette and
    a byte a pixel, where cairo writes three. The icons are such images (`icon_for_svg` keeps them to 256
    colours, cairo expands them): about 7% of a diagram's PDF. An image is changed only when the indexed
    copy holds exactly the same pixels, and only when it is smaller; a PDF with none comes back as it is.
    pypdf writes the same bytes for the same input."""
    import deflate
    from PIL import Image
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, NumberObject, StreamObject

    def index(root: PdfObject) -> bool:
        changed = False
        for stream in _dictionaries(root):
            if (not isinstance(stream, StreamObject) or stream.get("/Subtype") != "/Image"
                    or stream.get("/ColorSpace") != "/DeviceRGB" or stream.get("/BitsPerComponent") != 8
                    or stream.get("/Filter") != "/FlateDecode" or "/DecodeParms" in stream):
                continue
            size = (int(cast(int, stream["/Width"])), int(cast(int, stream["/Height"])))
            pixels = stream.get_data()
            if len(pixels) != 3 * size[0] * size[1]:
                continue
            image = Image.frombytes("RGB", size, pixels)
            colours = image.getcolors(256)
            if colours is None:
                continue
            indexed = image.quantize(len(colours), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            if indexed.convert("RGB").tobytes() != pixels:
                continue  # not an exact copy
            palette = bytes((indexed.getpalette("RGB") or [])[:3 * 256])
            data = bytes(deflate.zlib_compress(indexed.tobytes(), 9))
            if len(data) >= len(stream._data):
                continue
            stream[NameObject("/ColorSpace")] = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"),
                                                             NumberObject(len(palette) // 3 - 1),
                                                             ByteStringObject(palette)])
            stream._data = data
            stream[NameObject("/Length")] = NumberObject(len(data))
            changed = True
        return changed

    return _rewritten(pdf, index)


def unhinted_font(data: bytes) -> bytes:
    """A TrueType font without hinting: no HINTING_TABLES, an empty program for every glyph, and maxp's
    instruction limits at their least valid values (one zone: none for twilight points). Outlines,
    metrics and cmap are kept as they are, and no bounding box or date is recomputed, so the same font
    gives the same bytes. A font without TrueType outlines comes back as it is."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcBBoxes=False, recalcTimestamp=False)
    if "glyf" not in font:
        return data
    for tag in HINTING_TABLES:
        if tag in font:
            del font[tag]
    font["glyf"].removeHinting()
    maxp = font["maxp"]
    if maxp.tableVersion == 0x00010000:  # the version with instruction limits
        maxp.maxZones = 1
        maxp.maxTwilightPoints = maxp.maxStorage = maxp.maxFunctionDefs = maxp.maxInstructionDefs = 0
        maxp.maxStackElements = maxp.maxSizeOfInstructions = 0
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DrawError("icon is not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
