"""Export presets for presenters: a view composed on a 16:9 slide.

A slide is 1920x1080 with margins; the diagram is scaled to fit, centred, and
drawn with larger fonts so it reads from the back of a room. A view whose
shape suits the slide badly (a tall column of services) is laid out in the
other direction when that draws it much larger. It is written as a
self-contained SVG, a PNG at twice the slide's size (3840x2160) and a vector
PDF, on a light, dark or transparent background.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from archcat.draw import (
    Target,
    drop_font_hinting,
    encode_png,
    index_images,
    pin_pdf_dates,
    rasterize,
    render,
    share_identical_objects,
)
from archcat.files import write_atomic
from archcat.graph import PALETTES, build_dot, description
from archcat.model import Spec, View
from archcat.svg import nest, view_box

SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
MARGIN = 60
PNG_SCALE = 2
FONT_SCALE = 1.5
SLIDE_INCHES = 40 / 3  # the width of a 16:9 slide in PowerPoint, Keynote and LibreOffice Impress


@dataclass(frozen=True)
class Preset:
    width: int = SLIDE_WIDTH
    height: int = SLIDE_HEIGHT
    margin: int = MARGIN
    png_scale: int = PNG_SCALE
    font_scale: float = FONT_SCALE


SLIDE = Preset()


def compose(diagram_svg: bytes, background: str | None, preset: Preset = SLIDE) -> bytes:
    """Place a self-contained diagram SVG on a slide-sized canvas, scaled to fit within the margins."""
    return nest(diagram_svg, width=preset.width, height=preset.height, margin=preset.margin, background=background)


# Turn a view's layout on the slide only when that makes the diagram this much larger.
TURN_GAIN = 1.25


def fit_scale(diagram_svg: bytes, preset: Preset = SLIDE) -> float:
    """How much the diagram is scaled to fit inside the slide's margins."""
    width, height = view_box(diagram_svg)[2:]
    return min((preset.width - 2 * preset.margin) / width, (preset.height - 2 * preset.margin) / height)


def _best_fitting_diagram(spec: Spec, view: View, theme: str, preset: Preset, tmp: Path) -> bytes:
    """The view as drawn, or turned a quarter (left-to-right <-> top-to-bottom) when the turned layout
    fills a 16:9 slide much better: a tall diagram would otherwise be shrunk to fit the slide's height."""
    turned = view.model_copy(update={"direction": "TB" if view.direction in ("LR", "RL") else "LR"})
    drawn = []
    for candidate in (view, turned):
        path = tmp / f"diagram-{candidate.direction}.svg"
        render(build_dot(spec, candidate, PALETTES[theme], font_scale=preset.font_scale), [Target("svg", path)],
               about=description(spec, candidate))
        drawn.append(path.read_bytes())
    as_written, other = drawn
    return other if fit_scale(other, preset) >= TURN_GAIN * fit_scale(as_written, preset) else as_written


def _highlight_step(spec: Spec, view: View, drawn: bytes, step: int, color: str) -> bytes:
    from archcat.describe import step_elements
    from archcat.svg import highlight

    if not 1 <= step <= len(view.flow):
        raise ValueError(f"view '{view.id}' of {spec.id} has {len(view.flow)} flow step(s), not a step {step}")
    shown = step_elements(view)[step - 1]
    if shown.edge is None:
        return drawn  # a step on no edge: the view as it is
    return highlight(drawn, shown.edge, set(shown.ends), color)


def render_slide(spec: Spec, view_id: str, theme: str, targets: list[Target], preset: Preset = SLIDE, *,
                 step: int | None = None) -> None:
    """Write one view as a slide in the requested formats (png, svg, pdf); with `step`, that step of the
    view's request flow highlighted (its edge in the step colour, its two ends kept, the rest faded)."""
    import cairosvg

    view = next(v for v in spec.arch.views if v.id == view_id)
    background = None if theme == "transparent" else PALETTES[theme].background
    with tempfile.TemporaryDirectory(prefix="archcat-slide-") as tmp:
        drawn = _best_fitting_diagram(spec, view, theme, preset, Path(tmp))
        if step is not None:
            drawn = _highlight_step(spec, view, drawn, step, PALETTES[theme].step)
        slide = compose(drawn, background, preset)
        # The PNG is drawn from the PDF as cairo wrote it, as for every view (see draw.render).
        pdf = cairosvg.svg2pdf(bytestring=slide) if any(t.format in ("png", "pdf") for t in targets) else b""
        for target in targets:
            if target.format == "svg":
                data = slide
            elif target.format == "png":
                width = preset.width * preset.png_scale
                raster = rasterize(pdf, [("width", width)], transparent=background is None)[0]
                # Its density makes slide tools place it at exactly the width of a slide.
                data = encode_png(raster, dpi=round(width / SLIDE_INCHES))
            elif target.format == "pdf":
                data = share_identical_objects(index_images(drop_font_hinting(pin_pdf_dates(pdf))))
            else:
                raise ValueError(f"no slide format {target.format!r}")
            write_atomic(target.path, data)
