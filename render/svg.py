"""SVG handled as XML (lxml), never with patterns over Graphviz's attribute order.

Three jobs: make a Graphviz SVG self-contained (each icon embedded once and
reused) and describe it (title, description, a title per element), nest a
diagram inside a slide-sized canvas, and turn a diagram into markup for a
gallery page (`inline`).
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG = f"{{{SVG_NS}}}"
_HREF = f"{{{XLINK_NS}}}href"
# Graphviz's SVG names an external DTD: never fetch it, never expand entities.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                          remove_blank_text=False)


class SvgError(ValueError):
    """The SVG is not one Graphviz (or archcat) wrote."""


def parse(svg: bytes) -> etree._Element:
    try:
        root = etree.fromstring(svg, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SvgError(f"not well-formed SVG: {exc}") from exc
    if root.tag != f"{_SVG}svg":
        raise SvgError("the root element is not <svg>")
    return root


def serialize(root: etree._Element) -> bytes:
    """The SVG element alone, after an XML declaration: no DOCTYPE, nor Graphviz's comments around it."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=False, with_tail=False) + b"\n"


def embed_icons(svg: bytes, read_icon: Callable[[Path], tuple[bytes, tuple[int, int]]],
                about: Description | None = None) -> bytes:
    """Replace each `<image>` that refers to an icon file with a `<use>` of one embedded `<symbol>` per icon,
    and with `about`, describe the drawing (see `describe`).

    `read_icon(path)` returns the PNG's bytes and size, or raises for a file
    that is not an icon archcat drew with.
    """
    root = parse(svg)
    if about is not None:
        describe(root, about)
    share_text_attributes(root)
    symbols: dict[str, str] = {}
    for image in list(root.iter(f"{_SVG}image")):
        href = image.get(_HREF) or ""
        ident = symbols.setdefault(href, f"icon{len(symbols) + 1}")
        use = etree.Element(f"{_SVG}use")
        use.set(_HREF, f"#{ident}")
        for name in ("width", "height", "x", "y"):
            value = image.get(name)
            if value is not None:
                use.set(name, value)
        use.tail = image.tail
        parent = image.getparent()
        assert parent is not None  # an <image> is never the root: the root is <svg>
        parent.replace(image, use)
    if symbols:
        defs = etree.Element(f"{_SVG}defs")
        defs.text = "\n"
        for href, ident in symbols.items():
            data, (width, height) = read_icon(Path(href))
            symbol = etree.SubElement(defs, f"{_SVG}symbol", id=ident, viewBox=f"0 0 {width} {height}",
                                      preserveAspectRatio="xMidYMid meet")
            image = etree.SubElement(symbol, f"{_SVG}image", width=str(width), height=str(height))
            image.set(_HREF, "data:image/png;base64," + base64.b64encode(data).decode("ascii"))
            symbol.tail = "\n"
        defs.tail = "\n" + (root.text or "")
        root.text = "\n"
        root.insert(0, defs)
    return serialize(root)


def share_text_attributes(root: etree._Element) -> None:
    """Say once what Graphviz repeats on every `<text>`: its most common font family moves to the root, which
    every text inherits it from, and `text-anchor="start"`, the default, goes. A tenth of a drawing's markup."""
    texts = list(root.iter(f"{_SVG}text"))
    families = Counter(family for t in texts if (family := t.get("font-family")) is not None)
    if families:
        family = families.most_common(1)[0][0]
        root.set("font-family", family)
        for text in texts:
            if text.get("font-family") == family:
                del text.attrib["font-family"]
    for text in texts:
        if text.get("text-anchor") == "start":
            del text.attrib["text-anchor"]


@dataclass(frozen=True)
class Description:
    """What an SVG says about itself: a title, a longer description, and a title per element id."""

    title: str
    desc: str
    titles: dict[str, str] = field(default_factory=dict)


def describe(root: etree._Element, about: Description) -> None:
    """Replace Graphviz's internal names (`%3`, `clients->lb`, comments) with the description's text."""
    for comment in list(root.iter(etree.Comment)):
        parent = comment.getparent()
        if parent is not None:
            if comment.tail:
                previous = comment.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + comment.tail
                else:
                    parent.text = (parent.text or "") + comment.tail
            parent.remove(comment)
    for group in root.iter(f"{_SVG}g"):
        title = group.find(f"{_SVG}title")
        if title is None:
            continue
        if group.get("class") == "graph":
            group.remove(title)
        elif group.get("id") in about.titles:
            title.text = about.titles[group.get("id", "")]
    title = etree.Element(f"{_SVG}title")
    title.text = about.title
    desc = etree.Element(f"{_SVG}desc")
    desc.text = about.desc
    title.tail = desc.tail = "\n"
    root.insert(0, desc)
    root.insert(0, title)


def view_box(svg: bytes) -> tuple[float, float, float, float]:
    """The root element's viewBox, as numbers."""
    box = parse(svg).get("viewBox")
    try:
        x, y, width, height = (float(v) for v in (box or "").split())
    except ValueError as exc:
        raise SvgError("the SVG has no usable viewBox") from exc
    return x, y, width, height


def nest(svg: bytes, *, width: int, height: int, margin: int, background: str | None) -> bytes:
    """A `width` x `height` canvas with the SVG scaled to fit inside the margins, centred."""
    inner = parse(svg)
    canvas = etree.Element(f"{_SVG}svg", nsmap={None: SVG_NS, "xlink": XLINK_NS},  # type: ignore[dict-item]
                           width=str(width), height=str(height), viewBox=f"0 0 {width} {height}")
    canvas.text = "\n"
    if background is not None:
        etree.SubElement(canvas, f"{_SVG}rect", width="100%", height="100%", fill=background).tail = "\n"
    inner.set("x", str(margin))
    inner.set("y", str(margin))
    inner.set("width", str(width - 2 * margin))
    inner.set("height", str(height - 2 * margin))
    inner.set("preserveAspectRatio", "xMidYMid meet")
    inner.tail = "\n"
    canvas.append(inner)
    return etree.tostring(canvas, xml_declaration=True, encoding="UTF-8", standalone=False) + b"\n"


def inline(svg: bytes, prefix: str, icon_href: Callable[[bytes], str]) -> str:
    """A diagram as markup for a gallery page.

    Every id gets `prefix` (a page shows several views, each in two themes),
    and keeps its own value in `data-id`; nodes are focusable and labelled by
    their title. Embedded icons become references to shared files
    (`icon_href(png)` stores one and returns its address), so the browser
    fetches and caches each icon once for the whole gallery. The drawing
    scales to its container's width.
    """
    root = parse(svg)
    for image in root.iter(f"{_SVG}image"):
        href = image.get(_HREF) or ""
        if href.startswith("data:image/png;base64,"):
            del image.attrib[_HREF]
            image.set("href", icon_href(base64.b64decode(href.split(",", 1)[1])))
    for element in root.iter():
        ident = element.get("id")
        if ident is not None:
            element.set("id", prefix + ident)
            if element.tag == f"{_SVG}g":
                element.set("data-id", ident)
        ref = element.get(_HREF)
        if ref is not None and ref.startswith("#"):
            del element.attrib[_HREF]
            element.set("href", "#" + prefix + ref[1:])
    for group in root.iter(f"{_SVG}g"):
        title = group.find(f"{_SVG}title")
        if group.get("class") == "node" and not (group.get("data-id") or "").startswith("badge--"):
            group.set("tabindex", "0")
            group.set("role", "button")
            if title is not None and title.text:
                group.set("aria-label", title.text)
    root.set("width", "100%")
    if "height" in root.attrib:
        del root.attrib["height"]
    root.set("class", "drawing")
    root.set("focusable", "false")
    return etree.tostring(root, encoding="unicode", with_tail=False)


def bezier_points(controls: list[tuple[float, float]], per_segment: int = 12) -> list[tuple[float, float]]:
    """Points along a chain of cubic Bezier segments (p0, c1, c2, p1, c1, c2, p2, ...)."""
    points = controls[:1]
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i:i + 4]
        for k in range(1, per_segment + 1):
            t = k / per_segment
            a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            points.append((a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                           a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1]))
    return points


@dataclass(frozen=True)
class Geometry:
    """Where a drawn view's edges run: its size in points, and each edge's curve (by element id) in the same
    units, measured from the top-left corner."""

    width: float
    height: float
    edges: dict[str, list[tuple[float, float]]]


def geometry(svg: bytes) -> Geometry:
    """The edges of a drawn view (see Geometry), read from its SVG."""
    import re

    root = parse(svg)
    _, _, width, height = (float(v) for v in (root.get("viewBox") or "0 0 1 1").split())
    dx = dy = 0.0
    graph = next((g for g in root.iter(f"{_SVG}g") if g.get("class") == "graph"), None)
    if graph is not None:
        found = re.search(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)", graph.get("transform") or "")
        if found:
            dx, dy = float(found.group(1)), float(found.group(2))
    edges: dict[str, list[tuple[float, float]]] = {}
    for group in root.iter(f"{_SVG}g"):
        path = group.find(f"{_SVG}path")
        if group.get("class") != "edge" or path is None or not group.get("id"):
            continue
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.get("d") or "")]
        controls = [(x + dx, y + dy) for x, y in zip(numbers[::2], numbers[1::2], strict=False)]
        edges[group.get("id", "")] = bezier_points(controls)
    return Geometry(width, height, edges)


def highlight(svg: bytes, edge: str, ends: set[str], color: str) -> bytes:
    """One step of a flow on a drawn view: the edge with id `edge` (and its badge) in `color` and thicker,
    the elements with ids in `ends` as they are, everything else faded."""
    root = parse(svg)
    keep = {edge, f"badge--{edge}", *ends}
    for group in root.iter(f"{_SVG}g"):
        if group.get("class") not in ("node", "edge", "cluster"):
            continue
        ident = group.get("id")
        if ident == edge:
            for shape in group:
                if shape.tag in (f"{_SVG}path", f"{_SVG}polygon"):
                    shape.set("stroke", color)
                    shape.set("stroke-width", "4")
                    if shape.tag == f"{_SVG}polygon":
                        shape.set("fill", color)
        elif ident not in keep:
            group.set("opacity", "0.25")
    return serialize(root)


@dataclass(frozen=True)
class Recolouring:
    """How a drawing in one theme becomes the same drawing in another (the themes lay it out alike).

    `colours` maps each of the source theme's colours to the target's, for every
    `fill` and `stroke` outside node labels; inside a node's label (a node group
    other than a step badge) the text stays as it is, dark on its plate, and
    only the plate's `fill`, `plate[0]`, becomes `plate[1]`.
    """

    colours: dict[str, str]
    plate: tuple[str, str]


PAINTS = ("fill", "stroke")


def in_label(element: etree._Element) -> bool:
    """Whether `element` draws part of a node's label (its plate, icon or text), not of a step badge."""
    for ancestor in element.iterancestors(f"{_SVG}g"):
        if ancestor.get("class") == "node":
            return not (ancestor.get("data-id") or ancestor.get("id") or "").startswith("badge--")
    return False


def recolour(svg: bytes, recolouring: Recolouring) -> bytes:
    """The drawing with its colours swapped for another theme's (see `Recolouring`)."""
    root = parse(svg)
    old_plate, new_plate = recolouring.plate
    for element in root.iter(etree.Element):
        if not any(paint in element.attrib for paint in PAINTS):
            continue
        label = in_label(element)
        for paint in PAINTS:
            value = element.get(paint)
            if value is None:
                continue
            if label:
                if paint == "fill" and value == old_plate:
                    element.set(paint, new_plate)
            elif value in recolouring.colours:
                element.set(paint, recolouring.colours[value])
    return serialize(root)
