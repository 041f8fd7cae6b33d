"""draw.py: real Graphviz renders; SVG self-contained; output byte-identical across runs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archcat.draw import DrawError, Target, render
from archcat.graph import PALETTES, build_dot
from archcat.model import Spec


def render_all(spec: Spec, out: Path, theme: str = "light") -> dict[str, Path]:
    source = build_dot(spec, spec.arch.views[0], PALETTES[theme])
    paths = {fmt: out / f"overview-{theme}.{fmt}" for fmt in ("png", "svg", "pdf")}
    render(source, [Target(fmt, path) for fmt, path in paths.items()])
    return paths


def test_every_format_is_written(shop: Spec, tmp_path: Path):
    paths = render_all(shop, tmp_path / "out")
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    root = ET.fromstring(paths["svg"].read_bytes())
    assert root.tag.endswith("svg")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["overview-light.pdf", "overview-light.png",
                                                        "overview-light.svg"]


def test_png_is_rendered_at_twice_the_svg_density(shop: Spec, tmp_path: Path):
    paths = render_all(shop, tmp_path / "out")
    data = paths["png"].read_bytes()
    png_width = int.from_bytes(data[16:20], "big")
    from archcat.svg import parse

    svg_width = float(parse(paths["svg"].read_bytes()).get("width").removesuffix("pt"))
    assert abs(png_width - svg_width * 2) <= 2


def test_the_thumbnail_fills_the_card_frame_and_draws_what_the_png_draws(shop: Spec, tmp_path: Path):
    from PIL import Image, ImageChops

    from archcat.draw import THUMBNAIL_BOX

    source = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    out = tmp_path / "out"
    render(source, [Target("png", out / "a.png"), Target("thumbnail", out / "a.webp")])
    render(source, [Target("thumbnail", out / "b.webp")])
    assert (out / "a.webp").read_bytes() == (out / "b.webp").read_bytes()  # deterministic
    with Image.open(out / "a.webp") as thumb, Image.open(out / "a.png") as png:
        assert thumb.format == "WEBP"
        width, height = thumb.size  # as large as fits the 16:9 frame: one side touches it
        assert width <= THUMBNAIL_BOX[0] and height <= THUMBNAIL_BOX[1]
        assert THUMBNAIL_BOX[0] - width <= 1 or THUMBNAIL_BOX[1] - height <= 1
        assert abs(width / height - png.width / png.height) < 0.01
        # the same picture: the PNG brought to the thumbnail's size differs by little on average
        small = png.convert("RGB").resize(thumb.size, Image.Resampling.LANCZOS)
        difference = ImageChops.difference(small, thumb.convert("RGB")).convert("L")
        mean = sum(i * n for i, n in enumerate(difference.histogram())) / (width * height)
        assert mean < 4, mean
    assert (out / "a.webp").stat().st_size < 30_000


def test_pdf_images_are_indexed_and_draw_the_same_pixels(shop: Spec, tmp_path: Path, monkeypatch):
    import io

    import pypdf

    import archcat.draw
    from archcat.draw import index_images, rasterize

    source = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    render(source, [Target("pdf", tmp_path / "stored.pdf")])
    monkeypatch.setattr(archcat.draw, "index_images", lambda pdf: pdf)
    render(source, [Target("pdf", tmp_path / "plain.pdf")])
    plain, stored = (tmp_path / "plain.pdf").read_bytes(), (tmp_path / "stored.pdf").read_bytes()
    assert index_images(plain) == stored  # what the build writes, and the same bytes every time
    assert len(stored) < 0.95 * len(plain)

    def colour_spaces(pdf: bytes) -> list[str]:
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        forms = page["/Resources"]["/XObject"].values()
        return [str(x.get_object()["/ColorSpace"][0] if isinstance(x.get_object()["/ColorSpace"], list)
                    else x.get_object()["/ColorSpace"]) for x in forms if x.get_object()["/Subtype"] == "/Image"]

    assert colour_spaces(plain) and set(colour_spaces(plain)) == {"/DeviceRGB"}
    assert set(colour_spaces(stored)) == {"/Indexed"}
    for size in (("scale", 2.0), ("scale", 0.5)):
        [before] = rasterize(plain, [size])
        [after] = rasterize(stored, [size])
        assert (after.width, after.height) == (before.width, before.height)
        assert after.rows == before.rows  # not a pixel changed


def test_svg_is_self_contained(shop: Spec, tmp_path: Path):
    svg = render_all(shop, tmp_path / "out")["svg"].read_text(encoding="utf-8")
    hrefs = re.findall(r'(?:xlink:)?href="([^"]*)"', svg)
    assert hrefs, "icons should be referenced"
    for href in hrefs:
        assert href.startswith(("#", "data:image/png;base64,")), href[:80]
    assert "/site-packages/" not in svg and "file:" not in svg and "http://" not in svg.replace(
        "http://www.w3.org", "")
    # Five nodes, five distinct icons, each embedded exactly once and used once.
    assert svg.count("data:image/png;base64,") == 5
    assert svg.count("<use ") == 5


def test_each_distinct_icon_is_embedded_once(project, tmp_path: Path):
    from archcat.catalog import load_catalog
    from tests.conftest import VALID_SPEC, write_spec

    text = VALID_SPEC.read_text(encoding="utf-8").replace("kind: postgresql}", "kind: redis}")
    write_spec(project, "shop-2020", text)
    spec = load_catalog(project)[0][0]
    svg = render_all(spec, tmp_path / "out")["svg"].read_text(encoding="utf-8")
    assert svg.count("data:image/png;base64,") == 4
    assert svg.count("<use ") == 5


def test_outputs_are_byte_identical_across_runs(shop: Spec, tmp_path: Path):
    first = render_all(shop, tmp_path / "a", "dark")
    second = render_all(shop, tmp_path / "b", "dark")
    for fmt in ("svg", "png", "pdf"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes(), fmt


def test_graphviz_errors_become_draw_errors(tmp_path: Path):
    with pytest.raises(DrawError, match="Graphviz failed"):
        render("digraph { a -> }", [Target("svg", tmp_path / "x.svg")])
    assert not (tmp_path / "x.svg").exists()
    assert list(tmp_path.iterdir()) == []


def test_graphviz_time_limit(tmp_path: Path):
    big = "digraph { " + " ".join(f"n{i} -> n{(i * 7 + 3) % 3000};" for i in range(3000)) + " }"
    with pytest.raises(DrawError, match="longer than"):
        render(big, [Target("svg", tmp_path / "x.svg")], timeout=0.05)
    assert not (tmp_path / "x.svg").exists()


def test_svg_is_the_same_whether_or_not_png_is_rendered_with_it(shop: Spec, tmp_path: Path):
    source = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    render(source, [Target("svg", tmp_path / "alone.svg")])
    render(source, [Target("png", tmp_path / "x.png"), Target("svg", tmp_path / "with-png.svg")])
    alone = (tmp_path / "alone.svg").read_bytes()
    assert alone == (tmp_path / "with-png.svg").read_bytes()
    assert b'transform="scale(1 1)' in alone


def test_pdf_dates_are_pinned(shop: Spec, tmp_path: Path):
    import io

    import pypdf

    pdf = render_all(shop, tmp_path / "out")["pdf"].read_bytes()
    # pypdf writes the file again (drop_font_hinting), escaping the date's colon: read it as a reader does
    info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    dates = [info[key] for key in ("/CreationDate", "/ModDate") if key in info]
    assert dates and all(date.startswith("D:19700101000000") for date in dates)


def _pixels(path: Path):
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return image.copy()


def test_png_matches_what_graphviz_itself_draws(shop: Spec, tmp_path: Path):
    """The PNG is drawn from dot's PDF, not by dot: it must show the same picture as dot's own PNG writer."""
    import subprocess
    import time

    from PIL import ImageChops, ImageStat

    from archcat.draw import dot_binary, with_badges

    for theme in ("light", "dark"):
        ours = _pixels(render_all(shop, tmp_path / "out", theme)["png"])
        source = build_dot(shop, shop.arch.views[0], PALETTES[theme])
        reference_path = tmp_path / f"graphviz-{theme}.png"
        engine, source = with_badges(source, tmp_path, time.monotonic() + 60, 60)  # badges placed as ours are
        subprocess.run([dot_binary(), *engine, "-Tpng:cairo", "-Gdpi=144", f"-o{reference_path}"],
                       input=source.encode(), check=True)
        reference = _pixels(reference_path).convert("RGB")
        assert ours.mode == "RGB"
        assert abs(ours.width - reference.width) <= 1 and abs(ours.height - reference.height) <= 1
        size = (min(ours.width, reference.width), min(ours.height, reference.height))
        a, b = ours.crop((0, 0, *size)), reference.crop((0, 0, *size))
        difference = ImageChops.difference(a, b).convert("L")
        # Anti-aliasing differs by a few levels along edges; nothing may be missing or moved.
        assert max(ImageStat.Stat(difference).mean) < 2.0, theme
        assert sum(difference.point(lambda v: 255 if v > 128 else 0).histogram()[255:]) < size[0] * size[1] / 500
        # A blank or wrong-theme image would still differ wildly from this.
        assert ImageStat.Stat(a.convert("L")).mean[0] == pytest.approx(ImageStat.Stat(b.convert("L")).mean[0], abs=1)


def test_png_is_compact_and_says_its_density(shop: Spec, tmp_path: Path):
    import subprocess

    from archcat.draw import dot_binary

    png = render_all(shop, tmp_path / "out")["png"]
    image = _pixels(png)
    assert image.info["dpi"] == pytest.approx((144, 144), abs=0.01)
    from archcat.draw import small_icons

    # dot drawing the same picture: with the compact icon copies every format draws from
    source, _ = small_icons(build_dot(shop, shop.arch.views[0], PALETTES["light"]), tmp_path)
    graphviz = subprocess.run([dot_binary(), "-Tpng:cairo", "-Gdpi=144"], input=source.encode(), check=True,
                              capture_output=True).stdout
    assert png.stat().st_size < len(graphviz)


def test_transparent_background_keeps_its_alpha(shop: Spec, tmp_path: Path):
    source = build_dot(shop, shop.arch.views[0], PALETTES["transparent"])
    render(source, [Target("png", tmp_path / "t.png"), Target("deck", tmp_path / "deck.png")], transparent=True)
    for name in ("t.png", "deck.png"):
        image = _pixels(tmp_path / name).convert("RGBA")
        assert image.mode == "RGBA"
        assert image.getpixel((1, 1))[3] == 0  # the corner shows whatever is behind the image
        assert image.getchannel("A").getextrema() == (0, 255)  # and the diagram itself is opaque


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_deck_picture_is_the_png_in_256_colours(shop: Spec, tmp_path: Path, theme: str):
    from PIL import ImageChops, ImageStat

    source = build_dot(shop, shop.arch.views[0], PALETTES[theme])
    render(source, [Target("png", tmp_path / "full.png"), Target("deck", tmp_path / "deck.png")])
    full, deck = _pixels(tmp_path / "full.png"), _pixels(tmp_path / "deck.png")
    assert deck.mode == "P" and deck.size == full.size and deck.info["dpi"] == full.info["dpi"]
    assert (tmp_path / "deck.png").stat().st_size < 0.6 * (tmp_path / "full.png").stat().st_size
    same = deck.convert("RGB")
    assert max(ImageStat.Stat(ImageChops.difference(same, full)).mean) < 1.5  # a level or two at edges
    assert same.getpixel((1, 1)) == full.getpixel((1, 1))  # the background exactly
    colours = sorted(full.getcolors(1 << 24), reverse=True)[:4]  # fills, lines and text keep their colour
    kept = {colour for _, colour in same.getcolors(1 << 24)}
    assert all(colour in kept for _, colour in colours)


def test_parallel_renders_give_the_same_bytes(shop: Spec, tmp_path: Path):
    """PDFium is not thread-safe: renders from many threads at once must neither crash nor differ."""
    from concurrent.futures import ThreadPoolExecutor

    sources = [build_dot(shop, view, PALETTES[theme]) for view in shop.arch.views for theme in ("light", "dark")]
    jobs = [(i % len(sources), i) for i in range(16)]

    def draw(job: tuple[int, int]) -> bytes:
        index, run = job
        path = tmp_path / f"{run}.png"
        render(sources[index], [Target("png", path), Target("deck", tmp_path / f"{run}-deck.png")])
        return path.read_bytes() + (tmp_path / f"{run}-deck.png").read_bytes()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(draw, jobs))
    for (index, _run), data in zip(jobs, results, strict=True):
        assert data == results[index]


def test_an_unreadable_pdf_is_a_draw_error_not_a_crash():
    from archcat.draw import rasterize

    with pytest.raises(DrawError, match="the PNG could not be drawn"):
        rasterize(b"%PDF-1.5 not really", [("scale", 2)])


def test_every_format_draws_the_compact_icons(shop: Spec, tmp_path: Path):
    """PDFs carry the same compact icon copies as SVGs (at most ICON_PIXELS a side), not the 256-pixel
    originals, and the icon files Graphviz was given are gone with the render's scratch folder."""
    import re

    from archcat.draw import ICON_PIXELS

    files = render_all(shop, tmp_path / "out")
    pdf = files["pdf"].read_bytes()
    sides = [int(n) for n in re.findall(rb"/Subtype /Image\s+/Width (\d+)", pdf)]
    sides += [int(n) for n in re.findall(rb"/Width (\d+)\s+/Height \d+\s+/ColorSpace", pdf)]
    assert sides and max(sides) <= ICON_PIXELS
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in files.values())


def test_embedded_icons_carry_only_the_colours_they_use(shop: Spec, tmp_path: Path):
    """Each icon in an SVG has a palette (and transparency) no longer than the colours its pixels use, and
    draws exactly as the 256-entry palette it was quantized to."""
    import base64
    import io

    from PIL import Image

    from archcat.draw import used_colours_only

    svg = render_all(shop, tmp_path / "out")["svg"].read_text(encoding="utf-8")
    icons = [base64.b64decode(b) for b in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", svg)]
    assert icons
    for data in icons:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if image.mode == "P":
                assert len(image.getpalette() or []) // 3 == len(image.getcolors(256) or [])
    full = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    for x in range(16, 48):
        full.putpixel((x, x), (200, 30, 30, 255))
        full.putpixel((x, 63 - x), (30, 30, 200, 128))
    buffer = io.BytesIO()
    full.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG")
    before = buffer.getvalue()
    after = used_colours_only(before)
    assert len(after) < len(before)
    with Image.open(io.BytesIO(before)) as a, Image.open(io.BytesIO(after)) as b:
        assert a.convert("RGBA").tobytes() == b.convert("RGBA").tobytes()


def test_a_dark_drawing_is_the_light_one_recoloured(tmp_path: Path):
    """Both themes lay a view out alike, so recolouring the light SVG gives Graphviz's dark SVG byte for byte:
    the gallery stores one drawing and its pages paint it dark with the same colour map."""
    from archcat.catalog import load_catalog
    from archcat.discover import Project
    from archcat.graph import dark_from_light, description
    from archcat.svg import recolour
    from tests.conftest import REPO

    specs, _ = load_catalog(Project(REPO))
    change = dark_from_light()
    checked = 0
    for spec in (s for s in specs if s.id in ("twitter-2013", "netflix-2016", "facebook-2010")):
        for view in spec.arch.views:
            drawn = {}
            for theme in ("light", "dark"):
                path = tmp_path / f"{spec.id}-{view.id}-{theme}.svg"
                render(build_dot(spec, view, PALETTES[theme]), [Target("svg", path)], about=description(spec, view))
                drawn[theme] = path.read_bytes()
            assert drawn["light"] != drawn["dark"]
            assert recolour(drawn["light"], change) == drawn["dark"]
            checked += 1
    assert checked >= 5


def test_recolouring_refuses_a_colour_that_would_become_two():
    from dataclasses import replace

    from archcat.graph import recolouring

    clash = replace(PALETTES["dark"], muted="#000001")
    assert recolouring(PALETTES["light"], clash).colours["#52606d"] == "#000001"
    with pytest.raises(ValueError, match="two colours"):
        recolouring(replace(PALETTES["light"], muted=PALETTES["light"].text), PALETTES["dark"])


def test_an_svg_names_its_font_once_and_every_text_still_uses_it(shop: Spec, tmp_path: Path):
    import cairosvg

    from archcat.graph import FONT

    svg = render_all(shop, tmp_path / "out")["svg"].read_bytes()
    root = ET.fromstring(svg)
    texts = list(root.iter("{http://www.w3.org/2000/svg}text"))
    assert texts and root.get("font-family") == FONT
    assert not [t for t in texts if t.get("font-family") or t.get("text-anchor") == "start"]
    pdf = cairosvg.svg2pdf(bytestring=svg)  # a renderer inherits the family from the root
    assert re.findall(rb"/FontName /[A-Z]{6}\+(DejaVuSans[-\w]*)", pdf)
    assert not re.findall(rb"/FontName /[A-Z]{6}\+(?!DejaVuSans)", pdf)


@pytest.fixture(scope="module")
def hinted_or_not(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The shop's overview drawn twice, PDF and PNG: as written ("unhinted"), and with drop_font_hinting
    doing nothing ("hinted": the fonts as cairo embeds them). Both keep cairo's images (index_images does
    nothing), so that the fonts are the only difference."""
    import shutil

    import archcat.draw
    from archcat.catalog import load_catalog
    from archcat.discover import Project
    from tests.conftest import VALID_SPEC

    project = Project(tmp_path_factory.mktemp("project"))
    project.architectures.mkdir()
    shutil.copy(VALID_SPEC, project.architectures / VALID_SPEC.name)
    shop = load_catalog(project)[0][0]
    drawn = {}
    for name in ("unhinted", "hinted"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(archcat.draw, "index_images", lambda pdf: pdf)
            if name == "hinted":
                patch.setattr(archcat.draw, "drop_font_hinting", lambda pdf: pdf)
            paths = render_all(shop, tmp_path_factory.mktemp(name))
        drawn[name] = {fmt: paths[fmt].read_bytes() for fmt in ("pdf", "png")}
    return drawn


def test_pdf_fonts_carry_no_hinting(hinted_or_not: dict[str, dict[str, bytes]]):
    from tests.pdfcheck import embedded_fonts, hinting

    fonts = embedded_fonts(hinted_or_not["unhinted"]["pdf"])
    assert {name.partition("+")[2] for name in fonts} == {"DejaVuSans", "DejaVuSans-Bold"}
    for name, (length1, data) in fonts.items():
        assert hinting(data) == [], name
        assert length1 == len(data), name
    # cairo embeds them hinted: the check sees it
    assert all(hinting(data) for _, data in embedded_fonts(hinted_or_not["hinted"]["pdf"]).values())


def test_pdf_without_hinting_keeps_its_text_outlines_and_metrics(hinted_or_not: dict[str, dict[str, bytes]]):
    import io

    import pypdf

    from tests.pdfcheck import embedded_fonts, outlines_and_metrics

    ours, cairos = (embedded_fonts(hinted_or_not[name]["pdf"]) for name in ("unhinted", "hinted"))
    assert ours.keys() == cairos.keys()
    for name, (_, data) in ours.items():
        assert outlines_and_metrics(data) == outlines_and_metrics(cairos[name][1]), name
    text = [pypdf.PdfReader(io.BytesIO(hinted_or_not[name]["pdf"])).pages[0].extract_text()
            for name in ("unhinted", "hinted")]
    assert "Load balancer" in text[0] and "nginx ×4" in text[0]
    assert text[0] == text[1]


def test_pdf_without_hinting_draws_the_same_page(hinted_or_not: dict[str, dict[str, bytes]]):
    """PDFium applies hinting, which fits glyph outlines to the pixel grid: without it, the same glyphs are
    drawn in the same places (the PDF sets them), only the coverage of pixels along their edges differs.
    So every pixel outside the characters' boxes is the same, and inside them the mean difference stays
    under 3 levels of 255: it is 1.5 here, and 0.1 to 1.6 over 19 diagrams and 19 slides of the catalog
    drawn at this scale and at 0.75, while the text drawn a pixel to the side gives 15 and no text at
    all 49."""
    from archcat.draw import PNG_DPI, rasterize
    from tests.pdfcheck import image, text_boxes, text_changes

    scale = PNG_DPI / 72
    ours, cairos = (hinted_or_not[name]["pdf"] for name in ("unhinted", "hinted"))
    boxes = text_boxes(ours, scale)
    assert len(boxes) > 50 and boxes == text_boxes(cairos, scale)
    before, after = (image(rasterize(pdf, [("scale", scale)])[0]) for pdf in (cairos, ours))
    assert before.size == after.size
    outside, inside = text_changes(before, after, boxes)
    assert outside == 0
    assert inside < 3.0
    # The PNG is drawn from the PDF as cairo wrote it, hinted: the same image either way.
    assert hinted_or_not["unhinted"]["png"] == hinted_or_not["hinted"]["png"]


def test_pdf_without_hinting_is_smaller(hinted_or_not: dict[str, dict[str, bytes]]):
    """The shop's overview: 50 KB with its fonts' hinting, 42 KB without; its two fonts 14.7 KB, then 5.3 KB."""
    from tests.pdfcheck import embedded_fonts

    ours, cairos = (hinted_or_not[name]["pdf"] for name in ("unhinted", "hinted"))
    assert len(ours) < 0.9 * len(cairos)
    font_bytes = [sum(len(data) for _, data in embedded_fonts(pdf).values()) for pdf in (ours, cairos)]
    assert font_bytes[0] < 0.5 * font_bytes[1]


def test_dropping_hinting_is_deterministic_and_leaves_other_pdfs_alone(hinted_or_not: dict[str, dict[str, bytes]]):
    import cairosvg

    from archcat.draw import drop_font_hinting

    cairos = hinted_or_not["hinted"]["pdf"]
    assert drop_font_hinting(cairos) == drop_font_hinting(cairos) == hinted_or_not["unhinted"]["pdf"]
    no_text = cairosvg.svg2pdf(bytestring=b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
                                          b'<rect x="5" y="5" width="20" height="10" fill="#c2410c"/></svg>')
    assert b"/Font" not in no_text
    assert drop_font_hinting(no_text) == no_text


def test_a_pdf_listing_an_image_twice_is_read_quietly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture):
    """Graphviz lists an icon drawn in several places once per place in a page's resources, every time as the
    same object: pypdf reads that without printing a warning for each repeat during a build."""
    import logging

    import archcat.draw
    from archcat.catalog import load_catalog
    from archcat.discover import Project
    from archcat.draw import drop_font_hinting, index_images
    from tests.conftest import REPO

    twitter = load_catalog(Project(REPO), [REPO / "architectures" / "twitter-2013.yaml"])[0][0]
    monkeypatch.setattr(archcat.draw, "drop_font_hinting", lambda pdf: pdf)
    monkeypatch.setattr(archcat.draw, "index_images", lambda pdf: pdf)
    render(build_dot(twitter, twitter.arch.views[0], PALETTES["light"]), [Target("pdf", tmp_path / "cairo.pdf")])
    cairos = (tmp_path / "cairo.pdf").read_bytes()
    assert re.search(rb"(/x\d+ \d+ 0 R) [^>]*\1", cairos)
    with caplog.at_level(logging.WARNING):
        drop_font_hinting(cairos)
        index_images(cairos)
    assert [record.getMessage() for record in caplog.records] == []
