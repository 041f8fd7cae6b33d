"""draw.py: real Graphviz renders; SVG self-contained; output byte-identical across runs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from render.draw import DrawError, Target, render
from render.graph import THEMES, build_dot
from render.validate import Spec


def render_all(spec: Spec, out: Path, theme: str = "light") -> dict[str, Path]:
    source = build_dot(spec, spec.arch.views[0], THEMES[theme])
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
    svg_width = float(re.search(r'<svg width="([0-9.]+)pt"', paths["svg"].read_text()).group(1))
    assert abs(png_width - svg_width * 2) <= 2


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
    from render.build import load_catalog
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
    source = build_dot(shop, shop.arch.views[0], THEMES["light"])
    render(source, [Target("svg", tmp_path / "alone.svg")])
    render(source, [Target("png", tmp_path / "x.png"), Target("svg", tmp_path / "with-png.svg")])
    alone = (tmp_path / "alone.svg").read_bytes()
    assert alone == (tmp_path / "with-png.svg").read_bytes()
    assert b'transform="scale(1 1)' in alone


def test_pdf_dates_are_pinned(shop: Spec, tmp_path: Path):
    pdf = render_all(shop, tmp_path / "out")["pdf"].read_bytes()
    assert b"/CreationDate (D:19700101000000" in pdf
    assert re.search(rb"/CreationDate \(D:20", pdf) is None
