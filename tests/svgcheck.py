"""Reading drawn SVGs back: where each step badge sits, and how far it is from its edge's curve."""

from __future__ import annotations

import re

from lxml import etree

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = r"-?\d+(?:\.\d+)?"


def _points(d: str) -> list[tuple[float, float]]:
    values = [float(v) for v in re.findall(NUMBER, d)]
    return list(zip(values[::2], values[1::2], strict=False))


def curve(d: str) -> list[tuple[float, float]]:
    """Points along a Graphviz edge path ("M x,y C x,y x,y x,y ..."), 20 per Bezier segment."""
    controls = _points(d)
    sampled = controls[:1]
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i:i + 4]
        for k in range(1, 21):
            t = k / 20
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            sampled.append((a * p0[0] + b * p1[0] + c * p2[0] + e * p3[0],
                            a * p0[1] + b * p1[1] + c * p2[1] + e * p3[1]))
    return sampled


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
        found[ident] = min(((x - centre[0]) ** 2 + (y - centre[1]) ** 2) ** 0.5 for x, y in line)
    return found
