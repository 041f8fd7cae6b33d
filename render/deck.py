"""One architecture as a slide deck: a PowerPoint file for talks and classes.

`build_deck` turns a validated spec and its views, already rendered as PNG,
into a 16:9 .pptx written with python-pptx, which PowerPoint and LibreOffice
open (the tests convert every deck to PDF with headless LibreOffice):

1. a title slide: era or year, name, title and summary on the left, the key
   numbers (value, label, year) as cards on the right; when long numbers and
   a long summary cannot share it, the numbers get a "Key numbers" slide;
2. one slide per view: its title, the diagram as large as fits with its
   aspect ratio kept, centred, a one- or two-line caption (the view's summary),
   and the numbered request flow ("1. ...") in the speaker notes;
3. a slide per lesson: "Lesson 2 of 5", its title, its body as large as fits
   (24 pt down to 18), and the patterns it illustrates; the notes name its
   source;
4. the sources, numbered, with year, kind and address; each address is a
   hyperlink (in two columns, and over two slides, when they are many).

Text is laid out here rather than left to the application's autofit, which
PowerPoint applies only when a box is edited: every paragraph is measured with
the metrics of Liberation Sans (metric-compatible with Arial, the font the
deck names) or, when that is not installed, the wider DejaVu Sans, and boxes
are sized, font sizes chosen and slides split so that nothing overflows.
Titles are at least 32 pt and all other slide text at least 18 pt.

The dark theme uses the dark PNGs on a background of the same colour, light
text, and a light link colour in the deck's theme, since applications draw
hyperlinks in the theme's link colour whatever colour the text asks for.

Of python-pptx's default template the file keeps only what the slides use:
its one slide layout (of 11), not the template's thumbnail or printer
settings. Its zip members carry a fixed date instead of the time of writing,
so the same spec and pictures give the same bytes, and are deflated at the
strongest level.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from archcat.files import source_date, write_atomic
from archcat.graph import PALETTES as DIAGRAM_PALETTES
from archcat.model import Architecture, Metric, Source, Spec, View
from archcat.paths import deck_path, deck_picture_path, diagram_path
from archcat.svg import Geometry, geometry

SLIDE_WIDTH = 13.333  # inches: 16:9
SLIDE_HEIGHT = 7.5
MARGIN = 0.6
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN

FONT = "Arial"  # LibreOffice draws it with Liberation Sans, which has the same metrics
TITLE_PT = 36
MIN_TITLE_PT = 32
BODY_PT = 20
MIN_BODY_PT = 18
TITLE_TOP = 0.45
BOTTOM = 0.5  # bottom margin


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted: str
    accent: str
    link: str
    card: str


def _palette(theme: str, link: str, card: str) -> Palette:
    """The diagrams' own colours (graph.PALETTES), so a picture's background is the slide's."""
    diagram = DIAGRAM_PALETTES[theme]
    return Palette(background=diagram.background, text=diagram.text, muted=diagram.muted, accent=diagram.step,
                   link=link, card=card)


PALETTES = {"light": _palette("light", link="#1d4ed8", card="#f1f4f7"),
            "dark": _palette("dark", link="#93c5fd", card="#1e252d")}


def build_decks(specs: list[Spec], out: Path) -> list[Path]:
    """A light deck per architecture, from the light pictures and SVGs already rendered into `out`."""
    return [build_deck(spec, out, deck_path(out, spec.id, "light")) for spec in specs]


def build_deck(spec: Spec, images: Path, out: Path, *, theme: str = "light") -> Path:
    """Write the deck of `spec` to `out`, atomically, using the pictures (`deck_picture_path`: PNGs with a
    palette, a third of the bytes of the full-colour ones) and SVGs already rendered under `images`."""
    return write_atomic(out, deck_bytes(deck_presentation(spec, images, theme=theme)))


def deck_presentation(spec: Spec, images: Path, *, theme: str = "light") -> PresentationType:
    """The deck of `spec` as a python-pptx presentation, not yet written (see `build_deck`)."""
    if theme not in PALETTES:
        raise ValueError(f"unknown theme '{theme}'; choose one of {', '.join(PALETTES)}")
    arch = spec.arch
    pictures = {view.id: deck_picture_path(images, spec.id, view.id, theme) for view in arch.views}
    for view_id, picture in pictures.items():
        if not picture.is_file():
            raise FileNotFoundError(f"view '{view_id}' of {spec.id} has no {theme} picture at {picture}; "
                                    "render it first")
    deck = _Deck(PALETTES[theme])
    deck.prs.core_properties.title = f"{arch.name}: {arch.title}"
    deck.prs.core_properties.subject = f"{arch.name} architecture, {_when(arch)}"
    deck.prs.core_properties.author = deck.prs.core_properties.last_modified_by = "archcat"
    made = datetime.fromtimestamp(source_date(), UTC).replace(tzinfo=None)
    deck.prs.core_properties.created = deck.prs.core_properties.modified = made
    if not _title_slide(deck, arch):
        _metrics_slide(deck, arch)
    for number, view in enumerate(arch.views, start=1):
        y = _view_slide(deck, arch, view, pictures[view.id], number)
        if view.flow:
            drawing = diagram_path(images, spec.id, view.id, theme, "svg")
            _step_slides(deck, view, pictures[view.id], geometry(drawing.read_bytes()) if drawing.is_file() else None,
                         y)
    _lesson_slides(deck, arch)
    _source_slides(deck, arch.sources)
    return deck.prs


def deck_bytes(prs: PresentationType) -> bytes:
    """The .pptx file of a presentation made by `deck_presentation`, without the template's parts it does not
    use (`prs` loses them too): the same presentation gives the same bytes."""
    _trim(prs)
    stream = io.BytesIO()
    prs.save(stream)
    return _repack(stream.getvalue())


def _trim(prs: PresentationType) -> None:
    """Drop what python-pptx's default template brings that the deck never uses: the slide layouts no slide
    is based on (11 come with it, the deck uses one), the template's thumbnail (a picture of an empty 4:3
    slide) and its printer settings (a Mac printer's binary record).

    Everything goes through relationships: python-pptx writes only the parts reachable from the package's
    relationships, and content types only for the parts it writes, so a part whose last relationship is
    dropped is left out of the file, its content type with it. `SlideLayouts.remove` also takes the layout
    out of the master's `sldLayoutIdLst`, and refuses a layout a slide is based on.
    """
    for master in prs.slide_masters:
        for layout in list(master.slide_layouts):
            if not layout.used_by_slides:
                master.slide_layouts.remove(layout)
    # The printer settings hang off the presentation part, which refers to them nowhere in its XML.
    presentation = prs.part
    for rel_id, rel in list(presentation.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            presentation.drop_rel(rel_id)
    # The thumbnail hangs off the package itself, whose relationships python-pptx lists only among all the
    # package's (`iter_rels`); the one to drop is the thumbnail relationship to the package's thumbnail.
    package = presentation.package
    try:
        thumbnail = package.part_related_by(RT.THUMBNAIL)
    except KeyError:
        return
    for rel in list(package.iter_rels()):
        if rel.reltype == RT.THUMBNAIL and not rel.is_external and rel.target_part is thumbnail:
            package.drop_rel(rel.rId)


# Every member's date in the zip: python-pptx stamps the time of writing, which would make each build's bytes
# differ. 1980-01-01 is the earliest a zip can hold.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _repack(package: bytes) -> bytes:
    """The zip python-pptx wrote, member for member and in its order ([Content_Types].xml first), with a fixed
    date on every member and each deflated at level 9 rather than zlib's default 6.

    python-pptx offers no say over its zip writer, so this is the one step done on the zip itself. It only
    rewrites the container: names, bytes and order stay what python-pptx wrote, so the package stays exactly
    as valid as it was.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED  # the pictures too: deflate takes 4% more off these PNGs
            info.create_system = 3  # as written on Unix, whatever the platform
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(member), compresslevel=9)
    return out.getvalue()


# --- measuring text -------------------------------------------------------------------

_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
              "/usr/share/fonts/liberation", "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
              "/Library/Fonts", "C:/Windows/Fonts")
_FONT_FILES = {False: ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "Arial.ttf", "arial.ttf"),
               True: ("LiberationSans-Bold.ttf", "DejaVuSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")}


@cache
def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    for name in _FONT_FILES[bold]:
        for folder in _FONT_DIRS:
            path = Path(folder) / name
            if path.is_file():
                try:
                    return ImageFont.truetype(str(path), 100)
                except OSError:
                    continue
    return None


@cache
def _line_factor() -> float:
    """Line height as a multiple of the font size.

    LibreOffice 7.4 sets single-spaced Liberation Sans 1.2 ems apart (measured on its PDF export; PowerPoint
    sets Arial 1.15 apart); with another font (DejaVu Sans, taller) leave more.
    """
    font = _font(False)
    return 1.2 if font is not None and "Liberation" in str(font.path) else 1.25


@cache
def _em_width(text: str, bold: bool) -> float:
    """Width of `text` in ems, with a margin for the application's own rounding and hinting."""
    font = _font(bold)
    if font is None:  # no font file to measure with: assume a wide sans-serif
        return len(text) * (0.62 if bold else 0.58)
    return font.getlength(text) / 100 * (1.02 if "Liberation" in str(font.path) else 1.06)


def _wrap(text: str, size: float, bold: bool, width_pt: float) -> int:
    """How many lines `text` takes at `size` pt in a box `width_pt` wide, wrapping at spaces."""
    limit = width_pt / size
    lines, current = 1, 0.0
    space = _em_width(" ", bold)
    for word in text.split():
        word_width = _em_width(word, bold)
        if current and current + space + word_width <= limit:
            current += space + word_width
            continue
        if current:
            lines += 1
        if word_width <= limit:
            current = word_width
            continue
        # A word wider than the box (a long URL) is broken between characters.
        current = 0.0
        for char in word:
            char_width = _em_width(char, bold)
            if current and current + char_width > limit:
                lines += 1
                current = 0.0
            current += char_width
    return lines


@dataclass(frozen=True)
class Run:
    text: str
    color: str
    bold: bool = False
    link: str | None = None


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    size: float
    space_before: float = 0.0  # points
    align: PP_ALIGN = PP_ALIGN.LEFT

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    def lines(self, width: float) -> int:
        return _wrap(self.text, self.size, any(run.bold for run in self.runs), width * 72)

    def height(self, width: float, first: bool = False) -> float:
        """Height in inches in a box `width` inches wide."""
        return ((0 if first else self.space_before) + self.lines(width) * self.size * _line_factor()) / 72


def _height(paras: Sequence[Para], width: float) -> float:
    return sum(p.height(width, first=i == 0) for i, p in enumerate(paras))


def _clean(text: str) -> str:
    """Spec text on one line: YAML block scalars may hold line breaks and runs of spaces."""
    return " ".join(text.split())


def _shorten(text: str, size: float, width: float, max_lines: int) -> str:
    """`text`, cut at a word and ended with an ellipsis if it takes more than `max_lines` lines."""
    text = _clean(text)
    if _wrap(text, size, False, width * 72) <= max_lines:
        return text
    words = text.split()
    while len(words) > 1 and _wrap(" ".join(words) + " …", size, False, width * 72) > max_lines:
        words.pop()
    return " ".join(words).rstrip(",;:.-") + " …"


# --- drawing --------------------------------------------------------------------------

Box = tuple[float, float, float, float]  # left, top, width, height in inches


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#"))


class _Deck:
    def __init__(self, palette: Palette):
        self.palette = palette
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_WIDTH)
        self.prs.slide_height = Inches(SLIDE_HEIGHT)
        size = self.prs.part._element.find(qn("p:sldSz"))
        if size is not None:  # the template's says "screen4x3"; 16:9 at 13.33 inches is no named size
            size.attrib.pop("type", "")
        self.layout = next(layout for layout in self.prs.slide_layouts if layout.name == "Title Only")
        _set_link_colour(self.prs, palette.link)

    def slide(self, title: str, *, size: float = TITLE_PT, top: float = TITLE_TOP, width: float = CONTENT_WIDTH
              ) -> tuple[Slide, float]:
        """A new slide with its title (a real title placeholder, for outlines and screen readers).

        Returns the slide and the y (inches) where the title ends.
        """
        slide = self.prs.slides.add_slide(self.layout)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(self.palette.background)
        para = self.title_para(title, size, width)
        height = _height([para], width)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(top)
        shape.width, shape.height = Inches(width), Inches(height)
        _fill_frame(shape.text_frame, [para])
        return slide, top + height

    def title_para(self, title: str, size: float = TITLE_PT, width: float = CONTENT_WIDTH) -> Para:
        size = _fit_size(title, size, MIN_TITLE_PT, width, 2, bold=True)
        return Para((Run(title, self.palette.text, bold=True),), size)

    def text(self, slide: Slide, box: Box, paras: Sequence[Para], *, name: str) -> None:
        left, top, width, height = box
        shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        shape.name = name[:250]
        _fill_frame(shape.text_frame, paras)

    def card(self, slide: Slide, box: Box, color: str, *, name: str) -> None:
        left, top, width, height = box
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
        shape.name = name
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(color)
        shape.line.fill.background()
        shape.shadow.inherit = False


_DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def _set_link_colour(prs: PresentationType, color: str) -> None:
    """Make the theme's hyperlink colours `color`.

    PowerPoint and LibreOffice draw linked text in the theme's link colour whatever colour the run asks
    for; the template's is pure blue (#0000ff), unreadable on the dark theme. python-pptx has no API for
    theme colours, so the theme part's XML is edited through its public `blob`.
    """
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for tag in ("hlink", "folHlink"):
        for slot in root.iter(f"{_DRAWINGML}{tag}"):
            for child in list(slot):
                slot.remove(child)
            etree.SubElement(slot, f"{_DRAWINGML}srgbClr", val=color.lstrip("#").upper())
    theme.blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _fit_size(text: str, size: float, floor: float, width: float, max_lines: int, *, bold: bool = False) -> float:
    """The largest size from `size` down to `floor` at which `text` takes at most `max_lines` lines."""
    while size > floor and _wrap(text, size, bold, width * 72) > max_lines:
        size -= 1
    return size


def _fill_frame(frame, paras: Sequence[Para]) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)
    for index, spec in enumerate(paras):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = spec.align
        paragraph.line_spacing = 1.0
        paragraph.space_before = Pt(0 if index == 0 else spec.space_before)
        paragraph.space_after = Pt(0)
        for piece in spec.runs:
            run = paragraph.add_run()
            run.text = piece.text
            font = run.font
            font.name = FONT
            font.size = Pt(spec.size)
            font.bold = piece.bold
            font.color.rgb = _rgb(piece.color)
            if piece.link:
                run.hyperlink.address = piece.link


def _when(arch: Architecture) -> str:
    if arch.era and str(arch.year) in arch.era:
        return arch.era
    return f"{arch.era}, as of {arch.year}" if arch.era else str(arch.year)


# --- the slides -----------------------------------------------------------------------

# The title slide: the introduction on the left, the key numbers as cards on the right.
_LEFT_WIDTH = 5.5
_GUTTER = 0.5
_RIGHT_WIDTH = CONTENT_WIDTH - _LEFT_WIDTH - _GUTTER
_INTRO_LEVELS = ((28, 22), (26, 20), (24, 20), (24, 18), (22, 18))  # (subtitle, summary) sizes, tried in turn
_METRIC_LEVELS = ((32, 20), (28, 20), (26, 20), (24, 18), (22, 18), (20, 18), (18, 18))  # (value, label) sizes
_GAP = 0.18  # between cards
_PAD = 0.15  # inside a card

Grid = tuple[int, list[float], list[list[Para]]]  # columns, row heights, each card's paragraphs


def _title_slide(deck: _Deck, arch: Architecture) -> bool:
    """The title slide; False when the key numbers did not fit on it and need a slide of their own."""
    colors = deck.palette
    top, bottom = 0.5, SLIDE_HEIGHT - BOTTOM
    grid = None
    for columns in _metric_columns(len(arch.metrics), side=True):
        for value_pt, label_pt in _METRIC_LEVELS:
            grid = _metric_grid(arch.metrics, value_pt, label_pt, colors, width=_RIGHT_WIDTH, columns=columns,
                                room=bottom - top)
            if grid is not None:
                break
        if grid is not None:
            break
    kicker = Para((Run(_when(arch), colors.accent, bold=True),), BODY_PT)

    def intro_layout(width: float) -> tuple[Para, list[Para], float] | None:
        name = deck.title_para(_clean(arch.name), 48, width)
        for subtitle_pt, summary_pt in _INTRO_LEVELS:
            intro = [Para((Run(_clean(arch.title), colors.text),), subtitle_pt),
                     Para((Run(_clean(arch.summary), colors.muted),), summary_pt, space_before=10)]
            # era, 0.05 in, name, 0.4 in with the accent rule, title and summary
            height = _height([kicker], width) + 0.05 + _height([name], width) + 0.4 + _height(intro, width)
            if height <= bottom - top:
                return name, intro, height
        return None

    beside = intro_layout(_LEFT_WIDTH) if arch.metrics and grid is not None else None
    width = _LEFT_WIDTH if beside is not None else CONTENT_WIDTH
    layout = beside or intro_layout(CONTENT_WIDTH)
    assert layout is not None  # at full width the longest name, title and summary the model allows fit
    name, intro, height = layout
    y = top + (bottom - top - height) / 2  # centred vertically
    kicker_height = _height([kicker], width)
    deck_slide, y = deck.slide(name.text, size=name.size, top=y + kicker_height + 0.05, width=width)
    name_height = _height([name], width)
    deck.text(deck_slide, (MARGIN, y - name_height - 0.05 - kicker_height, width, kicker_height), [kicker],
              name="Era")
    deck.card(deck_slide, (MARGIN, y + 0.12, 1.2, 0.06), colors.accent, name="Rule")
    deck.text(deck_slide, (MARGIN, y + 0.4, width, _height(intro, width)), intro, name="Summary")
    if not arch.metrics:
        return True
    if beside is None or grid is None:
        return False
    grid_height = sum(grid[1]) + _GAP * (len(grid[1]) - 1)
    _draw_metrics(deck, deck_slide, grid, (MARGIN + _LEFT_WIDTH + _GUTTER, top + (bottom - top - grid_height) / 2,
                                           _RIGHT_WIDTH))
    return True


def _metrics_slide(deck: _Deck, arch: Architecture) -> None:
    """Key numbers on a slide of their own, when the title slide had no room for them."""
    slide, y = deck.slide("Key numbers")
    top = y + 0.35
    room = SLIDE_HEIGHT - BOTTOM - top
    grid = None
    for value_pt, label_pt in _METRIC_LEVELS:
        for columns in _metric_columns(len(arch.metrics), side=False):
            grid = _metric_grid(arch.metrics, value_pt, label_pt, deck.palette, width=CONTENT_WIDTH, columns=columns,
                                room=room)
            if grid is not None:
                break
        if grid is not None:
            break
    else:  # more numbers than a slide holds at a readable size: the smallest sizes, overflowing
        grid = _metric_grid(arch.metrics, 20, 18, deck.palette, width=CONTENT_WIDTH, columns=4, room=math.inf)
    assert grid is not None
    _draw_metrics(deck, slide, grid, (MARGIN, top, CONTENT_WIDTH))


def _draw_metrics(deck: _Deck, slide: Slide, grid: Grid, at: tuple[float, float, float]) -> None:
    """The key numbers as cards, from `at` = (left, top, width)."""
    left, top, width = at
    columns, row_heights, cells = grid
    card_width = (width - _GAP * (columns - 1)) / columns
    for index, paras in enumerate(cells):
        row, column = divmod(index, columns)
        x = left + column * (card_width + _GAP)
        y = top + sum(row_heights[:row]) + row * _GAP
        deck.card(slide, (x, y, card_width, row_heights[row]), deck.palette.card, name=f"Metric card {index + 1}")
        deck.text(slide, (x + _PAD, y + _PAD, card_width - 2 * _PAD, row_heights[row] - 2 * _PAD), paras,
                  name=f"Metric {index + 1}")


def _metric_columns(count: int, *, side: bool) -> tuple[int, ...]:
    """Column counts to try for `count` cards, best-looking first: beside the introduction, or full width."""
    if side:
        return (1,) if count <= 3 else (2,) if count <= 8 else (3,)
    if count <= 3:
        return (max(count, 1),)
    return {4: (2, 4), 5: (3, 2), 6: (3, 2), 7: (4, 3), 8: (4, 3)}.get(count, (3, 4))


def _metric_grid(metrics: Sequence[Metric], value_pt: float, label_pt: float, colors: Palette, *, width: float,
                 columns: int, room: float) -> Grid | None:
    """The key-number cards in `columns` columns `width` wide, or None if they need more height than `room`."""
    cells = [[Para((Run(_clean(m.value), colors.accent, bold=True),), value_pt),
              Para((Run(_clean(m.label), colors.text), Run(f" ({m.year})", colors.muted)), label_pt, space_before=4)]
             for m in metrics]
    if not cells:
        return 1, [], []
    inner = (width - _GAP * (columns - 1)) / columns - 2 * _PAD
    heights = [_height(paras, inner) + 2 * _PAD for paras in cells]
    rows = [max(heights[i:i + columns]) for i in range(0, len(heights), columns)]
    if sum(rows) + _GAP * (len(rows) - 1) > room:
        return None
    return columns, rows, cells


def _picture(deck: _Deck, slide: Slide, y: float, picture: Path, caption: Para, *, name: str,
             room: float = 0.0) -> Box:
    """The caption at the foot of the slide and the picture as large as the room above it allows, its aspect
    ratio kept, centred; returns where the picture went (left, top, width, height in inches). `room` keeps at
    least that much height for the caption, so that slides with captions of other lengths place the picture
    at the same spot."""
    caption_height = _height([caption], CONTENT_WIDTH)
    caption_top = SLIDE_HEIGHT - 0.4 - caption_height
    deck.text(slide, (MARGIN, caption_top, CONTENT_WIDTH, caption_height), [caption], name="Caption")
    side = 0.4
    area_left, area_top = side, y + 0.15
    area_width = SLIDE_WIDTH - 2 * side
    area_height = SLIDE_HEIGHT - 0.4 - max(caption_height, room) - 0.15 - area_top
    with Image.open(picture) as image:
        pixels_wide, pixels_high = image.size
    scale = min(area_width / pixels_wide, area_height / pixels_high)
    width, height = pixels_wide * scale, pixels_high * scale
    left, top = area_left + (area_width - width) / 2, area_top + (area_height - height) / 2
    shape = slide.shapes.add_picture(str(picture), Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = name[:250]
    return left, top, width, height


# The room a step's caption (two lines at BODY_PT) takes: a view with a flow and its step slides keep it all,
# so the picture stays put while the steps go by.
STEP_CAPTION_ROOM = 2 * BODY_PT * 1.25 / 72 + 0.1


def _view_slide(deck: _Deck, arch: Architecture, view: View, picture: Path, number: int) -> float:
    """The view's slide; returns where its title ends, for the step slides that follow."""
    colors = deck.palette
    slide, y = deck.slide(_clean(view.title))
    caption_text = view.summary or f"{arch.name}, {_when(arch)}: {arch.title}"
    caption = Para((Run(_shorten(caption_text, MIN_BODY_PT, CONTENT_WIDTH, 2), colors.muted),), MIN_BODY_PT,
                   align=PP_ALIGN.CENTER)
    _picture(deck, slide, y, picture, caption, name=f"Diagram: {_clean(view.title)}",
             room=STEP_CAPTION_ROOM if view.flow else 0.0)
    # Speaker notes: where we are, the view's summary, then the numbered request flow.
    lines = [f"{_clean(arch.name)}, view {number} of {len(arch.views)}: {_clean(view.title)}"]
    if view.summary:
        lines.append(_clean(view.summary))
    if view.flow:
        lines.append("Request flow (the numbers on the arrows; the next slides step through it):")
        lines += [f"{step}. {_clean(item.text)}" for step, item in enumerate(view.flow, start=1)]
    _notes(slide, lines)
    return y


def _step_slides(deck: _Deck, view: View, picture: Path, drawn: Geometry | None, y: float) -> None:
    """The request flow as a build: one slide per step, the same picture with that step's edge traced over
    it in the step colour, the step's text as the caption and as the speaker notes."""
    from archcat.describe import step_elements

    colors = deck.palette
    count = len(view.flow)
    for number, (step, shown) in enumerate(zip(view.flow, step_elements(view), strict=True), start=1):
        slide, _ = deck.slide(_clean(view.title))  # the view's own title: the picture stays where it was
        text = f"{number}. {_clean(step.text)}"
        caption = Para((Run(_shorten(text, BODY_PT, CONTENT_WIDTH, 2), colors.text),), BODY_PT, align=PP_ALIGN.CENTER)
        left, top, width, height = _picture(deck, slide, y, picture, caption, room=STEP_CAPTION_ROOM,
                                            name=f"Diagram: {_clean(view.title)} (step {number}/{count})")
        curve = drawn.edges.get(shown.edge or "", []) if drawn is not None else []
        if drawn is not None and len(curve) >= 2:
            sx, sy = width / drawn.width, height / drawn.height  # inches per point of the drawing
            points = [(Inches(left + x * sx), Inches(top + y * sy)) for x, y in curve]
            builder = slide.shapes.build_freeform(points[0][0], points[0][1])
            builder.add_line_segments(points[1:], close=False)
            trace = builder.convert_to_shape()
            trace.fill.background()
            trace.line.color.rgb = _rgb(colors.accent)
            trace.line.width = Pt(5)
            trace.name = f"Step {number} highlight"
        _notes(slide, [f"Step {number} of {count}: {_clean(step.text)}"])


def _paginate(heights: Sequence[float], room: float) -> list[list[int]]:
    """Split items, in order, into the fewest columns of at most `room`, then balance them."""

    def pages_for(limit: float) -> list[list[int]]:
        pages: list[list[int]] = [[]]
        used = 0.0
        for index, height in enumerate(heights):
            if pages[-1] and used + height > limit:
                pages.append([])
                used = 0.0
            pages[-1].append(index)
            used += height
        return pages

    if not heights:
        return []
    best = pages_for(room)
    low, high = max(heights), room
    for _ in range(30):  # the smallest column height that needs no more slides
        middle = (low + high) / 2
        candidate = pages_for(middle)
        if len(candidate) <= len(best):
            best, high = candidate, middle
        else:
            low = middle
    return best


def _stacked_slides(deck: _Deck, title: str, blocks: Sequence[list[Para]], *, max_columns: int = 1,
                    gap: float = 0.22) -> None:
    """Slides titled `title` ('title (1/2)'... when there are several), each block in its own text box.

    Blocks go down one full-width column; with `max_columns` 2, blocks that do not fit on one slide that way
    go down two columns instead, which holds more short blocks (the sources) on each slide.
    """
    column_gap = 0.5
    content_top = TITLE_TOP + _height([deck.title_para(f"{title} (1/2)")], CONTENT_WIDTH) + 0.3
    room = SLIDE_HEIGHT - BOTTOM - content_top + gap
    for columns in range(1, max_columns + 1):
        width = (CONTENT_WIDTH - column_gap * (columns - 1)) / columns
        heights = [_height(paras, width) for paras in blocks]
        stacks = _paginate([h + gap for h in heights], room)
        if len(stacks) <= columns:
            break
    pages = [stacks[i:i + columns] for i in range(0, len(stacks), columns)]
    for page_number, page in enumerate(pages, start=1):
        slide, _ = deck.slide(title if len(pages) == 1 else f"{title} ({page_number}/{len(pages)})")
        # A column alone on the last slide takes the whole width (its blocks only get shorter).
        page_width = width if len(page) > 1 else CONTENT_WIDTH
        for column, indexes in enumerate(page):
            x, y = MARGIN + column * (page_width + column_gap), content_top
            for index in indexes:
                height = _height(blocks[index], page_width)
                deck.text(slide, (x, y, page_width, height), blocks[index], name=f"{title} {index + 1}")
                y += height + gap


def _notes(slide: Slide, lines: list[str]) -> None:
    """The speaker notes of a slide (python-pptx makes the notes text frame when it is first asked for)."""
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None
    frame.text = "\n".join(lines)


def _lesson_slides(deck: _Deck, arch: Architecture) -> None:
    """One slide per lesson: which lesson it is, its title, its body as large as fits, and the patterns it
    illustrates; the speaker notes repeat the body and name its source."""
    from archcat.vocab import load_vocabulary

    colors = deck.palette
    pattern_names = {p.id: p.name for p in load_vocabulary().patterns.values()}
    sources = {source.id: source for source in arch.sources}
    count = len(arch.lessons)
    kicker_height = _height([Para((Run("Lesson", colors.accent, bold=True),), MIN_BODY_PT)], CONTENT_WIDTH)
    for number, lesson in enumerate(arch.lessons, start=1):
        kicker = Para((Run(f"Lesson {number} of {count}", colors.accent, bold=True),), MIN_BODY_PT)
        slide, y = deck.slide(_clean(lesson.title), top=TITLE_TOP + kicker_height)
        deck.text(slide, (MARGIN, TITLE_TOP, CONTENT_WIDTH, kicker_height), [kicker], name="Lesson number")
        footer: list[Para] = []
        if lesson.patterns:
            names = ", ".join(pattern_names.get(p, p) for p in lesson.patterns)
            footer.append(Para((Run("Patterns: ", colors.muted, bold=True), Run(names, colors.muted)), MIN_BODY_PT))
        footer_height = _height(footer, CONTENT_WIDTH) if footer else 0.0
        if footer:
            deck.text(slide, (MARGIN, SLIDE_HEIGHT - BOTTOM - footer_height, CONTENT_WIDTH, footer_height), footer,
                      name="Patterns")
        top = y + 0.3
        room = SLIDE_HEIGHT - BOTTOM - footer_height - (0.2 if footer else 0.0) - top
        body = _clean(lesson.body)
        # The largest size from 24 pt down that fits; a very long lesson goes below 18 pt rather than be cut.
        size = 24.0
        while _height([Para((Run(body, colors.text),), size)], CONTENT_WIDTH) > room and size > 12:
            size -= 1
        paras = [Para((Run(body, colors.text),), size)]
        deck.text(slide, (MARGIN, top, CONTENT_WIDTH, _height(paras, CONTENT_WIDTH)), paras, name="Lesson")
        notes = [f"Lesson {number} of {count}: {_clean(lesson.title)}", body]
        if lesson.source and lesson.source in sources:
            source = sources[lesson.source]
            notes.append(f"Source: {_clean(source.title)} ({source.year}), {source.url}")
        _notes(slide, notes)


def _source_slides(deck: _Deck, sources: Sequence[Source]) -> None:
    colors = deck.palette
    blocks: list[list[Para]] = []
    for number, source in enumerate(sources, start=1):
        link = source.url if urlsplit(source.url).scheme in ("http", "https") else None
        blocks.append([
            Para((Run(f"{number}. ", colors.muted, bold=True), Run(_clean(source.title), colors.text, bold=True),
                  Run(f"  ({source.year}, {source.kind})", colors.muted)), MIN_BODY_PT),
            # The address without its scheme, which saves a line on many; the link keeps all of it.
            Para((Run(source.url.split("://", 1)[-1], colors.link, link=link),), MIN_BODY_PT, space_before=2),
        ])
    _stacked_slides(deck, "Sources", blocks, max_columns=2, gap=0.16)
