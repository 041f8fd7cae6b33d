"""Export presets for presenters: a view composed on a 16:9 slide.

A slide is 1920x1080 with margins; the diagram is scaled to fit, centred, and
drawn with larger fonts so it reads from the back of a room. A view whose
shape suits the slide badly (a tall column of services) is laid out in the
other direction when that draws it much larger. It is written as a
self-contained SVG, a PNG at twice the slide's size (3840x2160) and a vector
PDF, on a light, dark or transparent background.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from render.draw import Target, encode_png, pin_pdf_dates, rasterize, render
from render.graph import THEMES, build_dot
from render.model import View
from render.validate import Spec

SLIDE_WIDTH, SLIDE_HEIGHT = 1920, 1080
MARGIN = 60
PNG_SCALE = 2
FONT_SCALE = 1.5
SLIDE_THEMES = ("light", "dark", "transparent")
SLIDE_INCHES = 40 / 3  # the width of a 16:9 slide in PowerPoint, Keynote and LibreOffice Impress


@dataclass(frozen=True)
class Preset:
    width: int = SLIDE_WIDTH
    height: int = SLIDE_HEIGHT
    margin: int = MARGIN
    png_scale: int = PNG_SCALE
    font_scale: float = FONT_SCALE


SLIDE = Preset()


def slide_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    """The stable location of one slide export: slides/<spec>/<view>-<theme>.<format>."""
    return out / "slides" / spec_id / f"{view_id}-{theme}.{fmt}"


_ROOT = re.compile(rb'<svg width="([0-9.]+)pt" height="([0-9.]+)pt"\s+viewBox="([^"]+)"')


def _root(diagram_svg: bytes) -> tuple[bytes, re.Match[bytes]]:
    """The SVG from its root element on, and the match of that element's size and viewBox."""
    body = diagram_svg[diagram_svg.index(b"<svg"):]
    match = _ROOT.match(body)
    if match is None:
        raise ValueError("not an SVG written by archcat")
    return body, match


def compose(diagram_svg: bytes, background: str | None, preset: Preset = SLIDE) -> bytes:
    """Place a self-contained diagram SVG on a slide-sized canvas, scaled to fit within the margins."""
    body, match = _root(diagram_svg)
    box_w, box_h = preset.width - 2 * preset.margin, preset.height - 2 * preset.margin
    inner = (b'<svg x="%d" y="%d" width="%d" height="%d" preserveAspectRatio="xMidYMid meet" viewBox="%s"'
             % (preset.margin, preset.margin, box_w, box_h, match.group(3)))
    body = inner + body[match.end():]
    fill = b"" if background is None else b'<rect width="100%%" height="100%%" fill="%s"/>' % background.encode()
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            b'width="%d" height="%d" viewBox="0 0 %d %d">\n' % (preset.width, preset.height, preset.width,
                                                               preset.height)
            + fill + b"\n" + body + b"\n</svg>\n")


# Turn a view's layout on the slide only when that makes the diagram this much larger.
TURN_GAIN = 1.25


def fit_scale(diagram_svg: bytes, preset: Preset = SLIDE) -> float:
    """How much the diagram is scaled to fit inside the slide's margins."""
    width, height = (float(v) for v in _root(diagram_svg)[1].group(3).split()[2:])
    return min((preset.width - 2 * preset.margin) / width, (preset.height - 2 * preset.margin) / height)


def _best_fitting_diagram(spec: Spec, view: View, theme: str, preset: Preset, tmp: Path) -> bytes:
    """The view as drawn, or turned a quarter (left-to-right <-> top-to-bottom) when the turned layout
    fills a 16:9 slide much better: a tall diagram would otherwise be shrunk to fit the slide's height."""
    turned = view.model_copy(update={"direction": "TB" if view.direction in ("LR", "RL") else "LR"})
    drawn = []
    for candidate in (view, turned):
        path = tmp / f"diagram-{candidate.direction}.svg"
        render(build_dot(spec, candidate, THEMES[theme], font_scale=preset.font_scale), [Target("svg", path)])
        drawn.append(path.read_bytes())
    as_written, other = drawn
    return other if fit_scale(other, preset) >= TURN_GAIN * fit_scale(as_written, preset) else as_written


def render_slide(spec: Spec, view_id: str, theme: str, targets: list[Target], preset: Preset = SLIDE) -> None:
    """Write one view as a slide in the requested formats (png, svg, pdf)."""
    import cairosvg

    view = next(v for v in spec.arch.views if v.id == view_id)
    background = None if theme == "transparent" else THEMES[theme].background
    with tempfile.TemporaryDirectory(prefix="archcat-slide-") as tmp:
        slide = compose(_best_fitting_diagram(spec, view, theme, preset, Path(tmp)), background, preset)
        # The PNG is drawn from the PDF, as for every view (see draw.render).
        pdf = cairosvg.svg2pdf(bytestring=slide) if any(t.format in ("png", "pdf") for t in targets) else b""
        for target in targets:
            target.path.parent.mkdir(parents=True, exist_ok=True)
            staged = Path(tmp) / f"slide.{target.format}"
            if target.format == "svg":
                staged.write_bytes(slide)
            elif target.format == "png":
                width = preset.width * preset.png_scale
                raster = rasterize(pdf, [("width", width)], transparent=background is None)[0]
                # Its density makes slide tools place it at exactly the width of a slide.
                staged.write_bytes(encode_png(raster, dpi=round(width / SLIDE_INCHES)))
            elif target.format == "pdf":
                staged.write_bytes(pin_pdf_dates(pdf))
            else:
                raise ValueError(f"no slide format {target.format!r}")
            os.replace(staged, target.path)
