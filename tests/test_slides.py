"""slides.py: 16:9 slide exports that fit, read from afar, and come in light, dark and transparent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.graph import PALETTES, build_dot
from archcat.jobs import plan, run_jobs
from archcat.paths import slide_path
from archcat.slides import MARGIN, SLIDE_HEIGHT, SLIDE_WIDTH
from tests.conftest import REPO

TWITTER = load_catalog(Project(REPO), [REPO / "architectures" / "twitter-2013.yaml"])[0][0]


@pytest.fixture(scope="module")
def slides(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    written, failures = run_jobs(plan([TWITTER], themes=("light", "dark", "transparent"), views={"write-path"},
                                      preset="slide"), out)
    assert failures == [] and len(written) == 9
    return out


def path(out: Path, theme: str, fmt: str) -> Path:
    return slide_path(out, "twitter-2013", "write-path", theme, fmt)


def test_png_is_a_16_9_slide_at_twice_the_density(slides: Path):
    for theme in ("light", "dark", "transparent"):
        with Image.open(path(slides, theme, "png")) as image:
            assert image.size == (2 * SLIDE_WIDTH, 2 * SLIDE_HEIGHT)
            # Its stated density makes slide tools insert it exactly as wide as a 13.33-inch 16:9 slide.
            assert image.width / image.info["dpi"][0] == pytest.approx(40 / 3, abs=0.01)


def test_backgrounds(slides: Path):
    with Image.open(path(slides, "light", "png")) as image:
        assert image.convert("RGBA").getpixel((5, 5)) == (255, 255, 255, 255)
    with Image.open(path(slides, "dark", "png")) as image:
        r, g, b, a = image.convert("RGBA").getpixel((5, 5))
        assert a == 255 and max(r, g, b) < 40
    with Image.open(path(slides, "transparent", "png")) as image:
        assert image.convert("RGBA").getpixel((5, 5))[3] == 0


def test_diagram_fits_inside_the_margins(slides: Path):
    with Image.open(path(slides, "transparent", "png")) as image:
        alpha = image.convert("RGBA").getchannel("A")
        left, top, right, bottom = alpha.getbbox()
    scale = 2
    assert left >= MARGIN * scale - 2 and top >= MARGIN * scale - 2
    assert right <= (SLIDE_WIDTH - MARGIN) * scale + 2 and bottom <= (SLIDE_HEIGHT - MARGIN) * scale + 2
    # and it uses the room: it fills the slide's width or its height
    assert right - left > 0.8 * (SLIDE_WIDTH - 2 * MARGIN) * scale or bottom - top > 0.8 * (
        SLIDE_HEIGHT - 2 * MARGIN) * scale


def test_svg_is_self_contained_and_pdf_is_a_16_9_vector_page(slides: Path):
    svg = path(slides, "dark", "svg").read_text(encoding="utf-8")
    assert f'viewBox="0 0 {SLIDE_WIDTH} {SLIDE_HEIGHT}"' in svg
    assert all(href.startswith(("#", "data:image/png;base64,")) for href in re.findall(r'href="([^"]*)"', svg))
    pdf = path(slides, "light", "pdf").read_bytes()
    width, height = map(float, re.search(rb"/MediaBox \[ 0 0 ([0-9.]+) ([0-9.]+) \]", pdf).groups())
    assert abs(width / height - 16 / 9) < 0.01
    assert b"/Subtype /Image" in pdf and b"/Font" in pdf  # vector text, embedded icon images


def test_slide_fonts_are_larger(slides: Path):
    view = next(v for v in TWITTER.arch.views if v.id == "write-path")
    normal = build_dot(TWITTER, view, PALETTES["light"])
    slide = build_dot(TWITTER, view, PALETTES["light"], font_scale=1.5)
    assert "fontsize=12" in normal and "fontsize=18" in slide


def test_slides_are_deterministic(slides: Path, tmp_path: Path):
    run_jobs(plan([TWITTER], themes=("dark",), views={"write-path"}, preset="slide"), tmp_path)
    for fmt in ("png", "svg", "pdf"):
        assert path(tmp_path, "dark", fmt).read_bytes() == path(slides, "dark", fmt).read_bytes(), fmt


def test_cli_preset(tmp_path: Path):
    from archcat.cli import main

    assert main(["--root", str(REPO), "render", "twitter-2013", "--preset", "slide", "--view", "overview",
                 "--theme", "transparent", "--format", "svg", "--out", str(tmp_path)]) == 0
    assert path(tmp_path, "transparent", "svg").with_name("overview-transparent.svg").exists()


def _inner_viewbox(svg: str) -> tuple[float, float]:
    from archcat.svg import SVG_NS, parse

    inner = parse(svg.encode("utf-8")).find(f"{{{SVG_NS}}}svg")
    assert inner is not None, "no diagram inside the slide"
    assert inner.get("preserveAspectRatio") == "xMidYMid meet" and inner.get("x") == str(MARGIN)
    _x, _y, width, height = map(float, inner.get("viewBox").split())
    return width, height


def test_a_tall_view_is_turned_to_fill_the_slide(tmp_path: Path):
    """Eight services side by side under one gateway: drawn left to right it is a tall column that the
    slide would shrink to its height; top to bottom it is wide, and the slide uses that."""
    from archcat.draw import Target, render
    from archcat.slides import TURN_GAIN, fit_scale

    text = (REPO / "tests" / "fixtures" / "valid" / "shop-2020.yaml").read_text(encoding="utf-8")
    head = text[: text.index("views:")]
    nodes = "".join(f"      - {{id: s{i}, label: Service {i}, kind: server}}\n" for i in range(8))
    edges = "".join(f"      - {{from: gw, to: s{i}}}\n" for i in range(8))
    project = Project(tmp_path / "proj")
    project.architectures.mkdir(parents=True)
    (project.architectures / "fan-2020.yaml").write_text(
        head + "views:\n  - id: overview\n    title: Fan-out\n    direction: LR\n    nodes:\n"
        "      - {id: gw, label: Gateway, kind: api-gateway}\n" + nodes + "    edges:\n" + edges, encoding="utf-8")
    specs, problems = load_catalog(project)
    assert problems == []
    spec = specs[0]
    run_jobs(plan(specs, themes=("light",), formats=("svg",), preset="slide"), tmp_path / "out")
    slide = slide_path(tmp_path / "out", "fan-2020", "overview", "light", "svg").read_text(encoding="utf-8")
    width, height = _inner_viewbox(slide)
    assert width > height  # turned: wide, not a column

    as_written = tmp_path / "as-written.svg"
    render(build_dot(spec, spec.arch.views[0], PALETTES["light"], font_scale=1.5), [Target("svg", as_written)])
    turned_scale = min((SLIDE_WIDTH - 2 * MARGIN) / width, (SLIDE_HEIGHT - 2 * MARGIN) / height)
    assert turned_scale >= TURN_GAIN * fit_scale(as_written.read_bytes())


def test_a_view_that_fits_keeps_its_direction(slides: Path, tmp_path: Path):
    from archcat.draw import Target, render

    view = next(v for v in TWITTER.arch.views if v.id == "write-path")
    as_written = tmp_path / "as-written.svg"
    render(build_dot(TWITTER, view, PALETTES["light"], font_scale=1.5), [Target("svg", as_written)])
    expected = re.search(r'viewBox="[^"]+"', as_written.read_text(encoding="utf-8")).group(0)
    width, height = _inner_viewbox(path(slides, "light", "svg").read_text(encoding="utf-8"))
    assert expected.endswith(f' {width:.2f} {height:.2f}"')


def test_a_slide_can_highlight_one_step_of_the_flow(tmp_path: Path):
    from lxml import etree

    from archcat.cli import main

    view = TWITTER.arch.views[0]
    step = view.flow[2]
    edge = next(e for e in view.edges if e.id == step.edge)
    assert main(["--root", str(REPO), "render", "twitter-2013", "--preset", "slide", "--view", view.id,
                 "--step", "3", "--format", "svg", "--format", "png", "--out", str(tmp_path)]) == 0
    folder = tmp_path / "slides" / "twitter-2013"
    assert (folder / f"{view.id}-step-3-light.png").is_file()
    root = etree.fromstring((folder / f"{view.id}-step-3-light.svg").read_bytes())
    groups = {g.get("id"): g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id")}
    colour = PALETTES["light"].step
    assert groups[edge.id].find("{http://www.w3.org/2000/svg}path").get("stroke") == colour
    for kept in (edge.id, f"badge--{edge.id}", f"node-{edge.from_}", f"node-{edge.to}"):
        assert groups[kept].get("opacity") is None, kept
    faded = {i for i, g in groups.items() if g.get("opacity") == "0.25"}
    drawn = {i for i, g in groups.items() if g.get("class") in ("node", "edge", "cluster")}
    assert faded == drawn - {edge.id, f"badge--{edge.id}", f"node-{edge.from_}", f"node-{edge.to}"}


def test_a_step_needs_a_slide_and_must_exist(tmp_path: Path, capsys):
    from archcat.cli import main

    assert main(["--root", str(REPO), "render", "twitter-2013", "--step", "2", "--out", str(tmp_path)]) == 1
    assert "add --preset slide" in capsys.readouterr().err
    assert main(["--root", str(REPO), "render", "twitter-2013", "--preset", "slide", "--view", "overview",
                 "--step", "99", "--out", str(tmp_path)]) == 1
    assert "has 8 flow step(s), no step 99" in capsys.readouterr().err
    assert not (tmp_path / "slides").exists()


def test_pdf_embeds_each_icon_once_and_draws_as_cairo_wrote_it(slides: Path):
    import hashlib

    import cairosvg

    from archcat.draw import drop_font_hinting, rasterize

    pdf = path(slides, "light", "pdf").read_bytes()
    streams = [match.group(1) for match in re.finditer(rb"/Subtype /Image.*?stream\r?\n(.*?)endstream", pdf, re.S)]
    digests = [hashlib.sha256(data).hexdigest() for data in streams]
    assert streams and len(digests) == len(set(digests))
    # The write path draws some icons more than once (three services share one): cairo embeds them each time.
    as_cairo_wrote_it = cairosvg.svg2pdf(bytestring=path(slides, "light", "svg").read_bytes())
    assert len(re.findall(rb"/Subtype /Image", as_cairo_wrote_it)) > len(streams)
    # Its fonts unhinted, as in every PDF archcat writes: kept once, the icons draw the same pixels.
    ours, theirs = (rasterize(data, [("width", 960)])[0] for data in (pdf, drop_font_hinting(as_cairo_wrote_it)))
    assert ours == theirs


@pytest.fixture(scope="module")
def hinted_slide(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The light write-path slide, PDF and PNG, drawn with drop_font_hinting doing nothing: its fonts as cairo
    embeds them."""
    import archcat.slides
    from archcat.draw import Target

    out = tmp_path_factory.mktemp("hinted")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(archcat.slides, "drop_font_hinting", lambda pdf: pdf)
        archcat.slides.render_slide(TWITTER, "write-path", "light",
                                    [Target(fmt, out / f"slide.{fmt}") for fmt in ("pdf", "png")])
    return {fmt: (out / f"slide.{fmt}").read_bytes() for fmt in ("pdf", "png")}


def test_slide_pdf_fonts_carry_no_hinting(slides: Path):
    from tests.pdfcheck import embedded_fonts, hinting

    for theme in ("light", "dark", "transparent"):
        fonts = embedded_fonts(path(slides, theme, "pdf").read_bytes())
        assert {name.partition("+")[2] for name in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}, theme
        for name, (length1, data) in fonts.items():
            assert hinting(data) == [], (theme, name)
            assert length1 == len(data), (theme, name)


def test_slide_pdf_keeps_the_version_cairo_wrote(slides: Path):
    """Rewritten by pypdf (icons kept once, fonts unhinted), a slide still says the PDF version it uses."""
    for theme in ("light", "dark", "transparent"):
        assert path(slides, theme, "pdf").read_bytes().startswith(b"%PDF-1.5"), theme


def test_slide_pdf_without_hinting_keeps_its_text_and_draws_the_same(slides: Path, hinted_slide: dict[str, bytes]):
    """As for a diagram's PDF (tests/test_draw.py): the same text, outlines and metrics, the page the same
    outside the characters' boxes and within 3 levels on average inside them, at the PNG's size."""
    import io

    import pypdf

    from archcat.draw import rasterize
    from tests.pdfcheck import embedded_fonts, image, outlines_and_metrics, text_boxes, text_changes

    ours, cairos = path(slides, "light", "pdf").read_bytes(), hinted_slide["pdf"]
    fonts, hinted = embedded_fonts(ours), embedded_fonts(cairos)
    assert fonts.keys() == hinted.keys()
    for name, (_, data) in fonts.items():
        assert outlines_and_metrics(data) == outlines_and_metrics(hinted[name][1]), name
    text = [pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text() for pdf in (ours, cairos)]
    assert "Fanout" in text[0] and text[0] == text[1]
    width = 2 * SLIDE_WIDTH
    before, after = (image(rasterize(pdf, [("width", width)])[0]) for pdf in (cairos, ours))
    boxes = text_boxes(ours, width / pypdf.PdfReader(io.BytesIO(ours)).pages[0].mediabox.width)
    assert len(boxes) > 50
    outside, inside = text_changes(before, after, boxes)
    assert outside == 0
    assert inside < 3.0
    assert path(slides, "light", "png").read_bytes() == hinted_slide["png"]  # drawn from cairo's PDF


def test_slide_pdf_without_hinting_is_smaller(slides: Path, hinted_slide: dict[str, bytes]):
    """The light write-path slide: 51 KB with its fonts' hinting, 42 KB without."""
    ours, cairos = path(slides, "light", "pdf").read_bytes(), hinted_slide["pdf"]
    assert len(ours) < 0.9 * len(cairos)
