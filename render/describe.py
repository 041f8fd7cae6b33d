"""Text equivalents of a view: the title and description of its SVG, a title per drawn element, and the
alt text of its picture on a page. Pure functions of the spec; shared by the renderer and the gallery."""

from __future__ import annotations

from archcat.model import Spec, View

ARROWS = {"forward": "to", "back": "from", "both": "and", "none": "with"}


def view_title(spec: Spec, view: View) -> str:
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}: {view.title}"


def names(view: View) -> dict[str, str]:
    return {n.id: n.label for n in view.all_nodes()} | {g.id: g.label for g in view.all_groups()}


def connection(view: View, index: int) -> str:
    """One edge in words: "Phones to Chat servers (SSL socket)"."""
    edge = view.edges[index]
    label = names(view)
    a, b = label[edge.from_], label[edge.to]
    text = f"{b} to {a}" if edge.direction == "back" else f"{a} {ARROWS[edge.direction]} {b}"
    return text + (f" ({edge.label})" if edge.label else "")


def steps_text(view: View) -> str:
    return " ".join(f"{n}. {step.text}" for n, step in enumerate(view.flow, start=1))


def alt_text(spec: Spec, view: View) -> str:
    """What the components are, how they connect, and the request flow's steps in order."""
    parts = []
    for node in view.all_nodes():
        extra = ", ".join(x for x in (node.technology, f"{node.count:,} machines" if node.count else None) if x)
        parts.append(f"{node.label} ({extra})" if extra else node.label)
    links = [connection(view, i) for i in range(len(view.edges))]
    text = f"Diagram of {spec.arch.name} {spec.arch.year}, {view.title}. Components: {'; '.join(parts)}."
    if links:
        text += f" Connections: {'; '.join(links)}."
    if view.flow:
        text += f" Request flow: {steps_text(view)}"
    return text


def element_titles(view: View, ids: dict[str, str]) -> dict[str, str]:
    """A title per SVG element id (see graph.element_ids): what a reader's tooltip shows."""
    titles: dict[str, str] = {}
    for node in view.all_nodes():
        titles[ids[f"node:{node.id}"]] = node.label + (f" ({node.technology})" if node.technology else "")
    for group in view.all_groups():
        titles[ids[f"group:{group.id}"]] = group.label
    numbers: dict[str, list[int]] = {}
    for n, step in enumerate(view.flow, start=1):
        if step.edge:
            numbers.setdefault(step.edge, []).append(n)
    for index, edge in enumerate(view.edges):
        svg_id = ids[f"edge:{index}"]
        titles[svg_id] = connection(view, index)
        if edge.id in numbers:
            steps = numbers[edge.id]
            titles[f"badge--{svg_id}"] = ("Step " if len(steps) == 1 else "Steps ") + ", ".join(map(str, steps))
    return titles
