"""Reading written PDFs back: their embedded TrueType fonts, the hinting those carry, and where their text is."""

from __future__ import annotations

import io

import pypdf
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf.generic import DictionaryObject, IndirectObject

from archcat.draw import Raster

HINTING_TABLES = ("fpgm", "prep", "cvt ", "hdmx", "LTSH", "VDMX")
# maxp's limits for running instructions; maxZones is at least 1 in every valid font.
INSTRUCTION_LIMITS = ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                      "maxStackElements", "maxSizeOfInstructions")


def embedded_fonts(pdf: bytes) -> dict[str, tuple[int, bytes]]:
    """Every /FontFile2 stream in `pdf`, read from every object of the file, by the name of its font:
    its /Length1 and its bytes."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts: dict[str, tuple[int, bytes]] = {}
    for number in range(1, int(reader.trailer["/Size"])):
        item = IndirectObject(number, 0, reader).get_object()
        if isinstance(item, DictionaryObject) and "/FontFile2" in item:
            stream = item["/FontFile2"]
            fonts[str(item["/FontName"])] = (int(stream["/Length1"]), stream.get_data())
    return fonts


def hinting(data: bytes) -> list[str]:
    """The hinting a TrueType font carries: its hinting tables, its glyphs that have instructions, and
    maxp's instruction limits above their least valid values. Empty for an unhinted font."""
    font = TTFont(io.BytesIO(data))
    found = [f"table {tag!r}" for tag in HINTING_TABLES if tag in font]
    glyf = font["glyf"]
    for name in font.getGlyphOrder():
        program = getattr(glyf[name], "program", None)
        if program is not None and (glyf[name].isComposite() or program.getBytecode()):
            found.append(f"instructions in glyph {name!r}")
    maxp = font["maxp"]
    found += [f"maxp {field} {getattr(maxp, field)}" for field in INSTRUCTION_LIMITS if getattr(maxp, field)]
    if maxp.maxZones != 1:
        found.append(f"maxp maxZones {maxp.maxZones}")
    return found


def outlines_and_metrics(data: bytes) -> dict[str, object]:
    """What a TrueType font draws: each glyph's outline and bounding box, its metrics and its cmap."""
    from fontTools.pens.recordingPen import RecordingPen

    font = TTFont(io.BytesIO(data))
    glyphs = font.getGlyphSet()
    drawn: dict[str, object] = {}
    for name in font.getGlyphOrder():
        pen = RecordingPen()
        glyphs[name].draw(pen)
        glyph = font["glyf"][name]
        drawn[name] = (pen.value, [getattr(glyph, side, None) for side in ("xMin", "yMin", "xMax", "yMax")])
    tables = {tag: font.reader[tag] for tag in ("cmap", "hmtx", "hhea", "OS/2", "post") if tag in font.reader}
    return {"glyphs": drawn, "tables": tables, "unitsPerEm": font["head"].unitsPerEm}


def text_boxes(pdf: bytes, scale: float) -> list[tuple[float, float, float, float]]:
    """The box of every character on the first page, in pixels of the page drawn at `scale` (left, top,
    right, bottom). PDFium's loose boxes: each glyph's advance by the font's ascent and descent, from
    the PDF's text positions and widths alone."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        text = page.get_textpage()
        height = page.get_height()
        boxes = [text.get_charbox(i, loose=True) for i in range(text.count_chars())]
        text.close()
        page.close()
    finally:
        document.close()
    return [(left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
            for left, bottom, right, top in boxes]


def image(raster: Raster) -> Image.Image:
    """A raster from `archcat.draw.rasterize` as a Pillow image."""
    channels = len(raster.mode)
    length = raster.width * channels
    pixels = b"".join(raster.rows[y * (length + 1) + 1:(y + 1) * (length + 1)] for y in range(raster.height))
    return Image.frombytes(raster.mode, (raster.width, raster.height), pixels)


def text_changes(before: Image.Image, after: Image.Image, boxes: list[tuple[float, float, float, float]]
                 ) -> tuple[int, float]:
    """How two drawings of one page differ, outside and inside its text: the largest difference of any
    pixel outside every character's box (grown by a pixel), and the mean difference over the pixels
    inside them, in levels of 255."""
    from PIL import ImageChops, ImageDraw

    inside = Image.new("L", before.size, 0)
    pen = ImageDraw.Draw(inside)
    for left, top, right, bottom in boxes:
        pen.rectangle((left - 1, top - 1, right + 1, bottom + 1), fill=255)
    difference = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
    outside = ImageChops.multiply(difference, ImageChops.invert(inside)).getextrema()[1]
    within = ImageChops.multiply(difference, inside).histogram()
    count = inside.histogram()[255]
    return int(outside), sum(level * n for level, n in enumerate(within)) / max(count, 1)
