"""A view of a spec -> DOT source, built with the `diagrams` node classes.

Pure: no Graphviz process runs here. Ids in the DOT come from the spec, so the
same spec always gives the same DOT text.
"""

from __future__ import annotations

import html
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import diagrams
from diagrams import Cluster, Diagram, Edge, Node, setcluster, setdiagram
from diagrams.custom import Custom

from archcat.describe import alt_text, element_ids, element_titles, step_numbers, view_title
from archcat.draw import BADGE_FILL_ATTR, BADGE_TEXT_ATTR, STEPS_ATTR
from archcat.model import Group, Spec, View
from archcat.svg import Description, Recolouring
from archcat.vocab import import_node_class

FONT = "DejaVu Sans,Sans-Serif"


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    text: str
    muted: str
    edge: str
    step: str
    cluster_fills: tuple[str, ...]
    cluster_pen: str
    node_plate: str = "transparent"  # a light card behind icons and labels on dark backgrounds
    badge_text: str = "#ffffff"  # the step number inside its badge


PALETTES: dict[str, Theme] = {
    "light": Theme(
        name="light", background="#ffffff", text="#1f2933", muted="#52606d", edge="#616e7c",
        step="#c2410c", cluster_fills=("#eef6fc", "#eff7ec", "#f3f0fa", "#fdf8e7"), cluster_pen="#9aa5b1",
    ),
    # Light colours on no background, for slides with their own background.
    "transparent": Theme(
        name="transparent", background="transparent", text="#1f2933", muted="#52606d", edge="#616e7c",
        step="#c2410c", cluster_fills=("#eef6fcd0", "#eff7ecd0", "#f3f0fad0", "#fdf8e7d0"), cluster_pen="#9aa5b1",
    ),
    "dark": Theme(
        name="dark", background="#111418", text="#e4e7eb", muted="#aab4be", edge="#9aa5b1",
        step="#fb923c", cluster_fills=("#1b2530", "#1c2a21", "#262134", "#2d291b"), cluster_pen="#52606d",
        node_plate="#e9edf1", badge_text="#111418",
    ),
}

# A node's label is dark on its plate in every theme.
NODE_TEXT, NODE_MUTED = "#1f2933", "#52606d"


def dark_from_light() -> Recolouring:
    """How the gallery's light drawing becomes its dark one: pages paint it so, browsers make the dark
    downloads so, and it is what Graphviz draws in the dark theme."""
    return recolouring(PALETTES["light"], PALETTES["dark"])


def recolouring(source: Theme, target: Theme) -> Recolouring:
    """How a view drawn in `source` becomes the same view drawn in `target` (`svg.recolour`)."""
    pairs = [(source.background, target.background), (source.text, target.text), (source.muted, target.muted),
             (source.edge, target.edge), (source.step, target.step), (source.cluster_pen, target.cluster_pen),
             (source.badge_text, target.badge_text), *zip(source.cluster_fills, target.cluster_fills, strict=True)]
    colours: dict[str, str] = {}
    for old, new in pairs:
        if colours.setdefault(old, new) != new:
            raise ValueError(f"theme {source.name} uses {old} where theme {target.name} uses two colours")
    return Recolouring(colours, (source.node_plate, target.node_plate))


ICON_POINTS = 64
WRAP = 18


class _IdCluster(Cluster):
    """A diagrams Cluster whose DOT name comes from the spec's group id."""

    def __init__(self, group_id: str, label: str, depth: int, theme: Theme, *, svg_id: str, fontsize: str = "13"):
        super().__init__(label="", graph_attr={})
        self.name = cluster_name(group_id)
        self.dot.name = self.name
        self.dot.graph_attr.update({
            "id": svg_id,
            "label": html_label([(label, "b", None)]),
            "bgcolor": theme.cluster_fills[depth % len(theme.cluster_fills)],
            "pencolor": theme.cluster_pen,
            "fontcolor": theme.text,
            "fontname": FONT,
            "fontsize": fontsize,
            "margin": "14",
            "style": "rounded",
        })


def cluster_name(group_id: str) -> str:
    return f"cluster_{group_id}"


def escape(text: str) -> str:
    """User text for an HTML-like label: markup escaped, and backslashes doubled so that Graphviz
    does not expand \\N, \\G and the like into node or graph names."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def html_label(lines: list[tuple[str, str, str | None]], size: int | None = None) -> str:
    """An HTML-like Graphviz label from (text, style, colour) lines; all text is escaped."""
    parts = []
    for text, style, color in lines:
        piece = escape(text)
        if style == "b":
            piece = f"<B>{piece}</B>"
        if color or size:
            attrs = (f' COLOR="{color}"' if color else "") + (f' POINT-SIZE="{size}"' if size else "")
            piece = f"<FONT{attrs}>{piece}</FONT>"
        parts.append(piece)
    return "<" + "<BR/>".join(parts) + ">"


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, WRAP, break_long_words=True, break_on_hyphens=True) or [text]


def node_lines(label: str, technology: str | None, count: int | None) -> list[tuple[str, str]]:
    """The lines drawn under a node's icon: its label, then technology and tier size."""
    lines = [(line, "b") for line in _wrap(label)]
    extra = []
    if technology and technology.lower() not in label.lower():
        extra.append(technology)
    if count:
        extra.append(f"\u00d7{count:,}")
    if extra:
        lines.extend((line, "") for line in _wrap(" ".join(extra)))
    return lines


def edge_label(text: str | None) -> str | None:
    """An edge's label: its escaped text, wrapped. Step numbers are not part of it: they are drawn as
    badges on the laid-out edge itself (see draw.add_badges)."""
    if not text:
        return None
    lines = textwrap.wrap(text, 22) or [text]
    return "<" + "<BR/>".join(escape(line) for line in lines) + ">"


def description(spec: Spec, view: View) -> Description:
    """The SVG's own title, description and element titles for one view."""
    return Description(view_title(spec, view), alt_text(spec, view), element_titles(view, element_ids(view)))


def build_dot(spec: Spec, view: View, theme: Theme, *, font_scale: float = 1.0) -> str:
    """Return the DOT source of one view in one theme (`font_scale` > 1 for slides read from afar)."""

    def pt(size: float) -> str:
        return f"{size * font_scale:g}"

    diagram = Diagram(
        name="",
        filename=f"{spec.id}-{view.id}",
        direction=view.direction,
        show=False,
        graph_attr={
            "label": html_label([(f"{spec.arch.name} {spec.arch.year}: {view.title}", "b", None)],
                                size=round(20 * font_scale)),
            "labelloc": "t",
            "labeljust": "l",
            "fontname": FONT,
            "fontcolor": theme.text,
            "bgcolor": theme.background,
            "pad": "0.4",
            "margin": "0",
            "splines": "spline",
            "nodesep": "0.55",
            "ranksep": "1.0",
            "compound": "true",
            "newrank": "true",
            "outputorder": "edgesfirst",
            BADGE_FILL_ATTR: theme.step,
            BADGE_TEXT_ATTR: theme.badge_text,
        },
        node_attr={"fontname": FONT, "fontcolor": theme.text, "fontsize": pt(12)},
        edge_attr={"color": theme.edge, "fontname": FONT, "fontcolor": theme.muted, "fontsize": pt(11),
                   "arrowsize": "0.8", "penwidth": "1.4"},
    )
    setdiagram(diagram)
    setcluster(None)
    try:
        ids = element_ids(view)
        anchors: dict[str, Node] = {}
        for node in view.nodes:
            anchors[node.id] = _add_node(spec, node, theme, ids)
        for group in view.groups:
            _add_group(spec, group, 0, theme, anchors, ids=ids, fontsize=pt(13))
        numbers = step_numbers(view)
        members = {g.id: g for g in view.all_groups()}
        for index, edge in enumerate(view.edges):
            attrs: dict[str, str] = {"fontcolor": theme.muted, "fontname": FONT, "fontsize": pt(11),
                                     "id": ids[f"edge:{index}"]}
            steps = numbers.get(edge.id or "", [])
            label = edge_label(edge.label)
            if label:
                attrs["label"] = label
            if edge.from_ in members:
                attrs["ltail"] = cluster_name(edge.from_)
            if edge.to in members:
                attrs["lhead"] = cluster_name(edge.to)
            if steps:
                attrs["penwidth"] = "2.0"
                attrs[STEPS_ATTR] = ",".join(str(n) for n in steps)
            diagram.connect(anchors[edge.from_], anchors[edge.to], Edge(
                color=edge.color or theme.edge,
                style=edge.style,
                forward=edge.direction in ("forward", "both"),
                reverse=edge.direction in ("back", "both"),
                **attrs,
            ))
        return diagram.dot.source
    finally:
        setcluster(None)
        setdiagram(None)


def _add_group(spec: Spec, group: Group, depth: int, theme: Theme, anchors: dict[str, Node], *,
               ids: dict[str, str], fontsize: str = "13") -> Node:
    with _IdCluster(group.id, group.label, depth, theme, fontsize=fontsize, svg_id=ids[f"group:{group.id}"]):
        first: Node | None = None
        for node in group.nodes:
            anchors[node.id] = _add_node(spec, node, theme, ids)
            first = first or anchors[node.id]
        for child in group.groups:
            inner = _add_group(spec, child, depth + 1, theme, anchors, ids=ids, fontsize=fontsize)
            first = first or inner
    assert first is not None, "validation guarantees non-empty groups"
    anchors[group.id] = first
    return first


def icon_file(cls: type[Node]) -> str:
    """Where a diagrams node class keeps its icon (same rule as diagrams' Node._load_icon)."""
    if cls._icon and os.path.isabs(cls._icon):
        return cls._icon
    return str(Path(diagrams.__file__).resolve().parent.parent / cls._icon_dir / cls._icon)


def node_label(icon: str, lines: list[tuple[str, str]], theme: Theme) -> str:
    """An HTML-like table: a fixed-size icon cell above the text lines, on the theme's plate.

    Every theme lays a node out alike: the same padding, and dark text for the plate behind it (seen on
    dark backgrounds, transparent on light ones). So a view's drawings in two themes differ in colour
    only, and one recolours into the other (`svg.recolour`)."""
    rows = [f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_POINTS}" HEIGHT="{ICON_POINTS}">'
            f'<IMG SRC="{html.escape(icon, quote=True)}" SCALE="TRUE"/></TD></TR>']
    for text, style in lines:
        strong = style == "b"
        piece = escape(text)
        piece = f"<B>{piece}</B>" if strong else piece
        rows.append(f'<TR><TD><FONT COLOR="{NODE_TEXT if strong else NODE_MUTED}">{piece}</FONT></TD></TR>')
    table = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" BGCOLOR="{theme.node_plate}" STYLE="rounded"'
             ' CELLPADDING="3">')
    return "<" + table + "".join(rows) + "</TABLE>>"


def _add_node(spec: Spec, node, theme: Theme, ids: dict[str, str]) -> Node:
    resolved = spec.kinds[node.kind]
    cls: type[Node] = Custom if resolved.icon is not None else import_node_class(resolved.class_path or "")
    icon = str(resolved.icon) if resolved.icon is not None else icon_file(cls)
    label = node_label(icon, node_lines(node.label, node.technology, node.count), theme)
    attrs = {"shape": "plain", "image": "", "width": "0", "height": "0", "fixedsize": "false", "margin": "0",
             "id": ids[f"node:{node.id}"]}
    if resolved.icon is not None:
        return Custom(label, icon, nodeid=node.id, **attrs)
    return cls(label, nodeid=node.id, **attrs)
