"""What a drawn view's parts are called and say: the SVG id of each element, where each flow step is drawn,
and the text equivalents (the SVG's title and description, a title per element, the alt text on a page).
Pure functions of the spec, shared by the renderer, the slides, the decks and the gallery."""

from __future__ import annotations

from dataclasses import dataclass

from archcat.model import Spec, View

ARROWS = {"forward": "to", "back": "from", "both": "and", "none": "with"}


def element_ids(view: View) -> dict[str, str]:
    """The SVG id of each node, group and edge of a view, keyed "node:ID", "group:ID" and "edge:N" (N the
    edge's position). An edge keeps its spec id; an edge without one is named after its ends. Ids are unique
    in the view: a clash gets a numeric suffix."""
    used: set[str] = set()
    ids: dict[str, str] = {}

    def claim(key: str, wanted: str) -> None:
        name, n = wanted, 2
        while name in used:
            name, n = f"{wanted}-{n}", n + 1
        used.add(name)
        ids[key] = name

    for index, edge in enumerate(view.edges):  # spec edge ids first: they are what a step refers to
        if edge.id:
            claim(f"edge:{index}", edge.id)
    for node in view.all_nodes():
        claim(f"node:{node.id}", f"node-{node.id}")
    for group in view.all_groups():
        claim(f"group:{group.id}", f"group-{group.id}")
    for index, edge in enumerate(view.edges):
        if not edge.id:
            claim(f"edge:{index}", f"edge-{edge.from_}-{edge.to}")
    return ids


def step_numbers(view: View) -> dict[str, list[int]]:
    numbers: dict[str, list[int]] = {}
    for number, step in enumerate(view.flow, start=1):
        if step.edge:
            numbers.setdefault(step.edge, []).append(number)
    return numbers


@dataclass(frozen=True)
class StepDrawn:
    """Where one flow step is drawn: its edge's SVG id (None for a step on no edge) and its two ends' ids."""

    edge: str | None
    ends: tuple[str, ...]


def step_elements(view: View, ids: dict[str, str] | None = None) -> list[StepDrawn]:
    """For each step of the view's flow, in order, the SVG elements that show it (see element_ids)."""
    ids = ids or element_ids(view)
    index = {e.id: i for i, e in enumerate(view.edges) if e.id}
    drawn = []
    for step in view.flow:
        if step.edge not in index:
            drawn.append(StepDrawn(None, ()))
            continue
        edge = view.edges[index[step.edge]]
        ends = tuple(ids[key] for end in (edge.from_, edge.to) for key in (f"node:{end}", f"group:{end}") if key in ids)
        drawn.append(StepDrawn(ids[f"edge:{index[step.edge]}"], ends))
    return drawn


def view_title(spec: Spec, view: View) -> str:
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}: {view.title}"


def names(view: View) -> dict[str, str]:
    return {n.id: n.label for n in view.all_nodes()} | {g.id: g.label for g in view.all_groups()}


def connection(view: View, index: int, label: dict[str, str]) -> str:
    """One edge in words: "Phones to Chat servers (SSL socket)"; `label` is `names(view)`."""
    edge = view.edges[index]
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
    label = names(view)
    links = [connection(view, i, label) for i in range(len(view.edges))]
    text = f"Diagram of {spec.arch.name} {spec.arch.year}, {view.title}. Components: {'; '.join(parts)}."
    if links:
        text += f" Connections: {'; '.join(links)}."
    if view.flow:
        text += f" Request flow: {steps_text(view)}"
    return text


def element_titles(view: View, ids: dict[str, str]) -> dict[str, str]:
    """A title per SVG element id (see element_ids): what a reader's tooltip shows."""
    titles: dict[str, str] = {}
    label = names(view)
    for node in view.all_nodes():
        titles[ids[f"node:{node.id}"]] = node.label + (f" ({node.technology})" if node.technology else "")
    for group in view.all_groups():
        titles[ids[f"group:{group.id}"]] = group.label
    numbers = step_numbers(view)
    for index, edge in enumerate(view.edges):
        svg_id = ids[f"edge:{index}"]
        titles[svg_id] = connection(view, index, label)
        if edge.id in numbers:
            steps = numbers[edge.id]
            titles[f"badge--{svg_id}"] = ("Step " if len(steps) == 1 else "Steps ") + ", ".join(map(str, steps))
    return titles
