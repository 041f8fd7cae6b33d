"""One architecture as a slide deck: a PowerPoint file for talks and classes.

`build_deck` turns a validated spec and its rendered PNG views into a 16:9
.pptx (python-pptx) that opens in PowerPoint, Keynote and LibreOffice:

1. a title slide: name, era or year, title, summary and the key numbers;
2. one slide per view: its title, the diagram scaled to fit, a caption, and the
   numbered request flow in the speaker notes;
3. the lessons, over as many slides as they need at a readable size;
4. the sources, numbered, with their addresses as hyperlinks.

Text is laid out here rather than left to the application's autofit, which
PowerPoint applies only when a box is edited and LibreOffice applies
differently: every paragraph is measured with the metrics of Liberation Sans
(metric-compatible with Arial, the font the deck asks for) or, when that is
not installed, the wider DejaVu Sans, and boxes are sized and slides split so
that nothing overflows. Titles are at least 32 pt and body text at least 18 pt.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image, ImageFont
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from render.build import diagram_path
from render.model import Architecture, Lesson, Source, View
from render.validate import Spec

SLIDE_WIDTH = 13.333  # inches: 16:9
SLIDE_HEIGHT = 7.5
MARGIN = 0.6
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN

FONT = "Arial"  # LibreOffice draws it with Liberation Sans, which has the same metrics
TITLE_PT = 36
MIN_TITLE_PT = 32
BODY_PT = 20
MIN_BODY_PT = 18
LINE = 1.2  # line height as a multiple of the font size (Liberation Sans needs 1.15)
TITLE_TOP = 0.45


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted: str
    accent: str
    link: str
    card: str


# The same colours as the diagrams (render/graph.py), so a picture's background is the slide's.
PALETTES = {
    "light": Palette(background="#ffffff", text="#1f2933", muted="#52606d", accent="#c2410c", link="#1d4ed8",
                     card="#f1f4f7"),
    "dark": Palette(background="#111418", text="#e4e7eb", muted="#aab4be", accent="#fb923c", link="#93c5fd",
                    card="#1e252d"),
}


def deck_path(out_dir: Path, spec_id: str, theme: str) -> Path:
    """The stable location of a deck: decks/<spec>-<theme>.pptx."""
    return out_dir / "decks" / f"{spec_id}-{theme}.pptx"


def build_deck(spec: Spec, images: Path, out: Path, *, theme: str = "light") -> Path:
    """Write the deck of `spec` to `out`, atomically, using the PNGs already rendered under `images`."""
    if theme not in PALETTES:
        raise ValueError(f"unknown theme '{theme}'; choose one of {', '.join(PALETTES)}")
    arch = spec.arch
    pictures = {view.id: diagram_path(images, spec.id, view.id, theme, "png") for view in arch.views}
    for view_id, picture in pictures.items():
        if not picture.is_file():
            raise FileNotFoundError(f"view '{view_id}' of {spec.id} has no {theme} PNG at {picture}; render it first")
    deck = _Deck(PALETTES[theme])
    deck.prs.core_properties.title = f"{arch.name}: {arch.title}"
    deck.prs.core_properties.subject = f"{arch.name} architecture, {_when(arch)}"
    deck.prs.core_properties.author = "archcat"
    if not _title_slide(deck, arch):
        _metrics_slide(deck, arch)
    for number, view in enumerate(arch.views, start=1):
        _view_slide(deck, arch, view, pictures[view.id], number)
    _lesson_slides(deck, arch.lessons)
    _source_slides(deck, arch.sources)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        deck.prs.save(str(temp))
        temp.chmod(0o644)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return out


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
def _em_width(text: str, bold: bool) -> float:
    """Width of `text` in ems."""
    font = _font(bold)
    if font is None:  # no font file to measure with: assume a wide sans-serif
        return len(text) * (0.62 if bold else 0.58)
    return font.getlength(text) / 100


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
        return ((0 if first else self.space_before) + self.lines(width) * self.size * LINE) / 72


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

def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#"))


class _Deck:
    def __init__(self, palette: Palette):
        self.palette = palette
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_WIDTH)
        self.prs.slide_height = Inches(SLIDE_HEIGHT)
        self.layout = next(layout for layout in self.prs.slide_layouts if layout.name == "Title Only")

    def slide(self, title: str, *, size: float = TITLE_PT, top: float = TITLE_TOP) -> tuple[Slide, float]:
        """A new slide with its title (a real title placeholder, for outlines and screen readers).

        Returns the slide and the y (inches) where the content below the title may start.
        """
        slide = self.prs.slides.add_slide(self.layout)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(self.palette.background)
        size = max(MIN_TITLE_PT, min(size, _fit_size(title, size, MIN_TITLE_PT, CONTENT_WIDTH, 2, bold=True)))
        para = Para((Run(title, self.palette.text, bold=True),), size)
        height = _height([para], CONTENT_WIDTH)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(top)
        shape.width, shape.height = Inches(CONTENT_WIDTH), Inches(height)
        _fill_frame(shape.text_frame, [para], MSO_ANCHOR.TOP)
        return slide, top + height

    def text(self, slide: Slide, left: float, top: float, width: float, height: float, paras: Sequence[Para],  # noqa: PLR0917 - geometry reads best positionally
             anchor: MSO_ANCHOR = MSO_ANCHOR.TOP, name: str | None = None) -> None:
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        if name:
            box.name = name
        _fill_frame(box.text_frame, paras, anchor)

    def rule(self, slide: Slide, left: float, top: float, width: float, height: float, color: str,  # noqa: PLR0917 - as above
             shape_type: MSO_SHAPE = MSO_SHAPE.RECTANGLE) -> None:
        shape = slide.shapes.add_shape(shape_type, Inches(left), Inches(top), Inches(width), Inches(height))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(color)
        shape.line.fill.background()
        shape.shadow.inherit = False


def _fit_size(text: str, size: float, floor: float, width: float, max_lines: int, *, bold: bool = False) -> float:
    """The largest size from `size` down to `floor` at which `text` takes at most `max_lines` lines."""
    while size > floor and _wrap(text, size, bold, width * 72) > max_lines:
        size -= 1
    return size


def _fill_frame(frame, paras: Sequence[Para], anchor: MSO_ANCHOR) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = anchor
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

def _title_slide(deck: _Deck, arch: Architecture) -> bool:
    """The title slide; returns False when the key numbers did not fit on it and need a slide of their own."""
    colors = deck.palette
    kicker = Para((Run(_when(arch), colors.accent, bold=True),), BODY_PT)
    kicker_height = _height([kicker], CONTENT_WIDTH)
    slide, y = deck.slide(_clean(arch.name), size=48, top=MARGIN + kicker_height + 0.05)
    deck.text(slide, MARGIN, MARGIN, CONTENT_WIDTH, kicker_height, [kicker], name="Era")
    y += 0.1
    metrics = arch.metrics
    bottom = SLIDE_HEIGHT - MARGIN
    # Shrink the intro, then the numbers, until both fit; at the floor sizes every spec in the catalog does.
    for title_pt, summary_pt, value_pt, label_pt in ((28, 22, 32, 20), (26, 20, 28, 20), (24, 20, 26, 18),
                                                     (24, 18, 24, 18), (22, 18, 22, 18), (20, 18, 20, 18)):
        intro = [Para((Run(_clean(arch.title), colors.text),), title_pt),
                 Para((Run(_clean(arch.summary), colors.muted),), summary_pt, space_before=12)]
        intro_height = _height(intro, CONTENT_WIDTH)
        grid = _metric_grid(metrics, bottom - (y + intro_height + 0.35), value_pt, label_pt, colors)
        if grid is not None:
            break
    if grid is None:  # the summary takes the room: the numbers get their own slide
        intro = [Para((Run(_clean(arch.title), colors.text),), 28),
                 Para((Run(_clean(arch.summary), colors.muted),), 22, space_before=12)]
        deck.text(slide, MARGIN, y, CONTENT_WIDTH, bottom - y, intro, name="Summary")
        return False
    deck.text(slide, MARGIN, y, CONTENT_WIDTH, intro_height, intro, name="Summary")
    if metrics:
        _draw_metrics(deck, slide, grid, bottom)
    return True


def _metrics_slide(deck: _Deck, arch: Architecture) -> None:
    """Key numbers on a slide of their own, when the title slide had no room for them."""
    slide, y = deck.slide("Key numbers")
    bottom = SLIDE_HEIGHT - MARGIN
    for value_pt, label_pt in ((32, 20), (28, 20), (24, 18), (20, 18)):
        grid = _metric_grid(arch.metrics, bottom - y - 0.35, value_pt, label_pt, deck.palette)
        if grid is not None:
            break
    else:
        grid = _metric_grid(arch.metrics, math.inf, 20, 18, deck.palette)
    assert grid is not None
    _draw_metrics(deck, slide, grid, bottom)


def _draw_metrics(deck: _Deck, slide: Slide, grid: tuple[int, float, list[list[Para]]], bottom: float) -> None:
    colors = deck.palette
    columns, cell_height, cells = grid
    gap = 0.2
    cell_width = (CONTENT_WIDTH - gap * (columns - 1)) / columns
    top = bottom - (cell_height * math.ceil(len(cells) / columns) + gap * (math.ceil(len(cells) / columns) - 1))
    deck.rule(slide, MARGIN, top - 0.2, 1.2, 0.06, colors.accent)
    for index, paras in enumerate(cells):
        row, column = divmod(index, columns)
        left = MARGIN + column * (cell_width + gap)
        cell_top = top + row * (cell_height + gap)
        deck.rule(slide, left, cell_top, cell_width, cell_height, colors.card)
        pad = 0.15
        deck.text(slide, left + pad, cell_top + pad, cell_width - 2 * pad, cell_height - 2 * pad, paras,
                  name=f"Metric {index + 1}")


def _metric_grid(metrics: Sequence, room: float, value_pt: float, label_pt: float, colors: Palette
                 ) -> tuple[int, float, list[list[Para]]] | None:
    """Columns, cell height and paragraphs of the key-number cards, or None if they need more than `room`."""
    if not metrics:
        return 1, 0.0, []
    count = len(metrics)
    columns = count if count <= 3 else (2 if count == 4 else 3 if count in (5, 6, 9) else 4)
    rows = math.ceil(count / columns)
    gap, pad = 0.2, 0.15
    inner = (CONTENT_WIDTH - gap * (columns - 1)) / columns - 2 * pad
    cells = [[Para((Run(_clean(m.value), colors.accent, bold=True),), value_pt),
              Para((Run(_clean(m.label), colors.text),), label_pt, space_before=4),
              Para((Run(f"in {m.year}", colors.muted),), MIN_BODY_PT, space_before=2)] for m in metrics]
    cell_height = max(_height(paras, inner) for paras in cells) + 2 * pad
    if rows * cell_height + (rows - 1) * gap > room:
        return None
    return columns, cell_height, cells


def _view_slide(deck: _Deck, arch: Architecture, view: View, picture: Path, number: int) -> None:
    colors = deck.palette
    slide, y = deck.slide(_clean(view.title))
    caption_text = view.summary or f"{arch.name}, {_when(arch)}: {arch.title}"
    caption = Para((Run(_shorten(caption_text, MIN_BODY_PT, CONTENT_WIDTH, 2), colors.muted),), MIN_BODY_PT,
                   align=PP_ALIGN.CENTER)
    caption_height = _height([caption], CONTENT_WIDTH)
    caption_top = SLIDE_HEIGHT - MARGIN + 0.15 - caption_height
    deck.text(slide, MARGIN, caption_top, CONTENT_WIDTH, caption_height, [caption], name="Caption")
    # The picture: as large as the room between title and caption allows, its aspect ratio kept, centred.
    area_top, area_bottom = y + 0.2, caption_top - 0.2
    area_width, area_height = CONTENT_WIDTH, area_bottom - area_top
    with Image.open(picture) as image:
        pixels_wide, pixels_high = image.size
    scale = min(area_width / pixels_wide, area_height / pixels_high)
    width, height = pixels_wide * scale, pixels_high * scale
    left = MARGIN + (area_width - width) / 2
    top = area_top + (area_height - height) / 2
    shape = slide.shapes.add_picture(str(picture), Inches(left), Inches(top), Inches(width), Inches(height))
    shape.name = f"Diagram: {_clean(view.title)}"[:250]
    # Speaker notes: the view's summary, then the numbered request flow.
    lines = [f"{arch.name}, view {number} of {len(arch.views)}: {_clean(view.title)}"]
    if view.summary:
        lines.append(_clean(view.summary))
    if view.flow:
        lines.append("Request flow (the numbers on the arrows):")
        lines += [f"{step}. {_clean(item.text)}" for step, item in enumerate(view.flow, start=1)]
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _paginate(heights: Sequence[float], room: float) -> list[list[int]]:
    """Split items into the fewest pages that hold them, as evenly as possible (items stay in order)."""
    count = len(heights)
    if count == 0:
        return []

    def pages_for(limit: float) -> list[list[int]] | None:
        pages: list[list[int]] = [[]]
        used = 0.0
        for index, height in enumerate(heights):
            if pages[-1] and used + height > limit:
                pages.append([])
                used = 0.0
            pages[-1].append(index)
            used += height
        return pages

    fewest = pages_for(room)
    assert fewest is not None
    # Lower the page limit while the page count stays the same, to balance the pages.
    low, high = max(heights), room
    best = fewest
    for _ in range(30):
        middle = (low + high) / 2
        candidate = pages_for(middle)
        if candidate is not None and len(candidate) <= len(fewest):
            best, high = candidate, middle
        else:
            low = middle
    return best


def _numbered_pages(deck: _Deck, title: str, blocks: Sequence[list[Para]], room_top: float) -> None:
    """Slides titled `title` (then 'title (2/3)'...) holding `blocks`, each block kept on one slide."""
    room = SLIDE_HEIGHT - MARGIN - room_top
    heights = [_height(block, CONTENT_WIDTH) + block[0].space_before / 72 for block in blocks]
    pages = _paginate(heights, room)
    for page_number, indexes in enumerate(pages, start=1):
        heading = title if len(pages) == 1 else f"{title} ({page_number}/{len(pages)})"
        slide, y = deck.slide(heading)
        paras = [para for index in indexes for para in blocks[index]]
        height = _height(paras, CONTENT_WIDTH)
        deck.text(slide, MARGIN, y + 0.25, CONTENT_WIDTH, max(height, SLIDE_HEIGHT - MARGIN - y - 0.25), paras,
                  name=title)


def _content_top(deck: _Deck, title: str) -> float:
    para = Para((Run(title, deck.palette.text, bold=True),), TITLE_PT)
    return TITLE_TOP + _height([para], CONTENT_WIDTH) + 0.25


def _lesson_slides(deck: _Deck, lessons: Sequence[Lesson]) -> None:
    colors = deck.palette
    if not lessons:
        return
    room_top = _content_top(deck, "Lessons (1/2)")
    room = SLIDE_HEIGHT - MARGIN - room_top
    blocks: list[list[Para]] = []
    for number, lesson in enumerate(lessons, start=1):
        title = Run(f"{number}. {_clean(lesson.title)}", colors.text, bold=True)
        body = _clean(lesson.body)
        # A lesson longer than a whole slide at body size is set smaller rather than cut.
        size = float(MIN_BODY_PT)
        block = [Para((title,), 22, space_before=18), Para((Run(body, colors.muted),), size, space_before=4)]
        while _height(block, CONTENT_WIDTH) > room and size > 12:
            size -= 1
            block[1] = Para((Run(body, colors.muted),), size, space_before=4)
        blocks.append(block)
    _numbered_pages(deck, "Lessons", blocks, room_top)


def _source_slides(deck: _Deck, sources: Sequence[Source]) -> None:
    colors = deck.palette
    room_top = _content_top(deck, "Sources (1/2)")
    blocks: list[list[Para]] = []
    for number, source in enumerate(sources, start=1):
        link = source.url if urlsplit(source.url).scheme in ("http", "https") else None
        blocks.append([
            Para((Run(f"{number}. ", colors.muted, bold=True), Run(_clean(source.title), colors.text, bold=True),
                  Run(f" ({source.year}, {source.kind})", colors.muted)), BODY_PT, space_before=14),
            Para((Run(source.url, colors.link, link=link),), MIN_BODY_PT, space_before=2),
        ])
    _numbered_pages(deck, "Sources", blocks, room_top)
