"""graph.py: DOT from a spec, deterministic, with ids from the spec and nothing injectable."""

from __future__ import annotations

import re

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.graph import PALETTES, build_dot, node_lines
from archcat.model import Spec
from tests.conftest import VALID_SPEC, write_spec


def test_dot_is_deterministic_and_uses_spec_ids(shop: Spec):
    view = shop.arch.views[0]
    first = build_dot(shop, view, PALETTES["light"])
    second = build_dot(shop, view, PALETTES["light"])
    assert first == second
    for node_id in ("users", "lb", "web", "cache", "db"):
        assert re.search(rf"^\s*{node_id} \[", first, re.MULTILINE), node_id
    assert "subgraph cluster_app" in first and "subgraph cluster_data" in first
    assert not re.search(r"[0-9a-f]{32}", first), "random ids leaked into the DOT"


def test_edges_to_groups_are_drawn_to_the_cluster_border(shop: Spec):
    dot = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    route = next(line for line in dot.splitlines() if line.strip().startswith("lb -> web"))
    assert "lhead=cluster_app" in route
    miss = next(line for line in dot.splitlines() if line.strip().startswith("web -> db"))
    assert "ltail=cluster_app" in miss and "style=dashed" in miss


def test_flow_step_numbers_are_marked_on_their_edges(shop: Spec):
    dot = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    for number, (tail, head) in enumerate([("users", "lb"), ("lb", "web"), ("web", "cache"), ("web", "db")], 1):
        line = next(line for line in dot.splitlines() if line.strip().startswith(f"{tail} -> {head}"))
        assert f'archcat_steps="{number}"' in line or f"archcat_steps={number}" in line, line


def test_step_badges_are_drawn_on_their_own_edges(shop: Spec, tmp_path):
    from archcat.draw import Target, render
    from tests.svgcheck import badge_distances

    path = tmp_path / "shop.svg"
    render(build_dot(shop, shop.arch.views[0], PALETTES["light"]), [Target("svg", path)])
    distances = badge_distances(path.read_bytes())
    assert len(distances) == 4
    assert max(distances.values()) < 4.0, distances  # on the curve (the bar across the catalog is 12 pt)


def test_every_element_has_the_spec_id_and_a_readable_title(shop: Spec, tmp_path):
    from archcat.draw import Target, render
    from archcat.graph import description

    view = shop.arch.views[0]
    path = tmp_path / "shop.svg"
    render(build_dot(shop, view, PALETTES["light"]), [Target("svg", path)], about=description(shop, view))
    svg = path.read_text(encoding="utf-8")
    assert "%3" not in svg and "<!--" not in svg and "-&gt;" not in svg
    assert f"<title>Shop {shop.arch.year}: {view.title}</title>" in svg
    desc = re.search(r"<desc>(.*?)</desc>", svg, re.S).group(1)
    assert desc.index("1. ") < desc.index("2. ") < desc.index("3. ")
    for node in view.all_nodes():
        assert f'id="node-{node.id}"' in svg
    for edge in view.edges:
        if edge.id:
            assert f'<g id="{edge.id}" class="edge">' in svg


def test_tier_count_and_technology_appear_on_the_node():
    assert node_lines("Web servers", "nginx", 400) == [("Web servers", "b"), ("nginx \u00d7400", "")]
    assert node_lines("Redis cache", "Redis", None) == [("Redis cache", "b")]


def test_themes_differ(shop: Spec):
    light = build_dot(shop, shop.arch.views[0], PALETTES["light"])
    dark = build_dot(shop, shop.arch.views[0], PALETTES["dark"])
    assert 'bgcolor="#ffffff"' in light and PALETTES["dark"].background in dark


def test_hostile_text_cannot_inject_markup_or_dot(project: Project):
    payload = '<b>x</b> " ] ; node [shape=box] \\N {y} & <script>'
    text = VALID_SPEC.read_text(encoding="utf-8")
    text = text.replace("label: Load balancer,", f"label: '{payload[:58]}',")
    text = text.replace("label: App tier", "label: '<i>App</i> & \"tier\"'")
    text = text.replace("label: HTTPS}", "label: 'a\\\\b <br/> ] -> evil'}")
    write_spec(project, "shop-2020", text)
    specs, problems = load_catalog(project)
    assert problems == []
    dot = build_dot(specs[0], specs[0].arch.views[0], PALETTES["light"])
    assert "<script>" not in dot and "<i>App</i>" not in dot and "<br/>" not in dot
    assert "&lt;b&gt;x&lt;/b&gt;" in dot and "&lt;i&gt;App&lt;/i&gt;" in dot
    # The node statement for lb is still one statement with the icon and the escaped label.
    lb = next(line for line in dot.splitlines() if line.strip().startswith("lb ["))
    assert "node [shape=box]" in lb and lb.rstrip().endswith("]")
