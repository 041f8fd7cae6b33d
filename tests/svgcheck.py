"""Reading drawn SVGs back: where each step badge sits, and how far it is from its edge's curve."""

from __future__ import annotations

import itertools
import re

from lxml import etree

from archcat.svg import bezier_points

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"


def _points(d: str) -> list[tuple[float, float]]:
    values = [float(v) for v in re.findall(NUMBER, d)]
    return list(zip(values[::2], values[1::2], strict=False))


def curve(d: str) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path ("M x,y C x,y x,y x,y ..."), 200 per Bezier segment."""
    return bezier_points(_points(d), per_segment=200)


def _to_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance from point p to the segment from a to b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return ((p[0] - a[0] - t * dx) ** 2 + (p[1] - a[1] - t * dy) ** 2) ** 0.5


def badge_distances(svg: bytes) -> dict[str, float]:
    """For each step badge in a drawn view: the distance in points from its centre to its edge's curve."""
    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    edges = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"}
    found: dict[str, float] = {}
    for group in root.iter(f"{SVG}g"):
        ident = group.get("id") or ""
        if not ident.startswith("badge--"):
            continue
        shape = group.find(f"{SVG}path")
        box = _points(shape.get("d")) if shape is not None else []
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
        edge = edges[ident.removeprefix("badge--")]
        line = curve(edge.find(f"{SVG}path").get("d"))
        found[ident] = min(_to_segment(centre, a, b) for a, b in itertools.pairwise(line))
    return found
