"""Quiz questions made from the specs: pure functions of a spec and the catalog around it.

Five kinds of question, each made only where the spec has the data for it:

    technology  which technology a component used (distractors: technologies of the same node kind elsewhere)
    order       a view's request flow shuffled, to put back in order
    missing     a view's diagram with one component blanked out, to name
    pattern     which pattern a lesson illustrates (distractors: patterns the lesson does not list)
    year        which year a key number belongs to (distractors: the years of the same figure in the company's
                other eras, or nearby years; never a year that would also be right)

The answer is always true of the spec and no distractor is: a question is left
out when that cannot be guaranteed. Everything is deterministic: each
question's shuffles come from a random.Random seeded from the spec's id and
content (what it says, so a comment changes nothing), candidates are sorted
before they are drawn, so the same catalog always gives the same questions.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from archcat.files import digest
from archcat.model import Node, Spec, View
from archcat.paths import page_href
from archcat.vocab import split_technologies

if TYPE_CHECKING:
    from archcat.gallery import Site

KINDS = ("technology", "order", "missing", "pattern", "year")
KIND_NAMES = {"technology": "Technology", "order": "Request flow", "missing": "Diagram", "pattern": "Pattern",
              "year": "Key number"}
CHOICES = 4  # the right answer and up to three distractors
MIN_CHOICES = 3
MAX_STEPS = 7  # an ordering question shows at most this many consecutive steps of a flow
PER_SPEC = {"technology": 4, "order": 2, "missing": 1, "pattern": 3, "year": 3}  # on an architecture's quiz
CATALOG_QUESTIONS = 20
CATALOG_MISSING = 3  # diagrams are the heavy questions: at most this many on the catalog quiz
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: a source of the spec, and where in it when the spec says."""

    title: str
    url: str
    year: int
    where: str | None = None


@dataclass(frozen=True)
class Question:
    """One question. `answer` holds the index of the right choice, or for an ordering question the indices of
    the choices in the right order. `link` is where the answer shows on the architecture page (relative to the
    gallery root)."""

    id: str
    kind: str
    spec: str
    prompt: str
    choices: tuple[str, ...]
    answer: tuple[int, ...]
    cite: tuple[Citation, ...]
    link: str
    domain: str = ""
    detail: tuple[str, ...] = ()  # text shown with the prompt: a lesson's title and body, a metric
    view: str = ""  # order, missing
    node: str = ""  # technology, missing: the component asked about
    steps: tuple[int, ...] = ()  # order: each choice's step number in the view's flow
    lesson: int = -1  # pattern: the lesson's index
    metric: int = -1  # year: the metric's index
    pattern: str = ""  # pattern: the right pattern's id

    @property
    def right(self) -> str:
        """The right choice's text (an ordering question's first step)."""
        return self.choices[self.answer[0]]


@dataclass(frozen=True, order=True)
class Component:
    """A component somewhere in the catalog, as a diagram question's distractor."""

    spec: str
    label: str
    kind: str
    technologies: tuple[str, ...]  # canonical names


@dataclass
class QuizCatalog:
    """What a question about one spec needs to know of the whole catalog."""

    site: Site
    tech_by_kind: dict[str, list[str]] = field(default_factory=dict)  # node kind -> technologies, canonical
    tech_by_category: dict[str, list[str]] = field(default_factory=dict)  # kind category -> technologies
    nodes_by_category: dict[str, list[Component]] = field(default_factory=dict)  # kind category -> components
    nodes_by_label: dict[str, list[Component]] = field(default_factory=dict)  # casefolded label -> components

    contents: dict[tuple[str, int], str] = field(default_factory=dict)

    @property
    def specs(self) -> list[Spec]:
        return self.site.specs

    def content(self, spec: Spec) -> str:
        """A digest of what the spec says, not how its file is written: a comment or a line break changes no
        question. Kept for the specs of the catalog, which it holds on to (so their ids stay theirs)."""
        key = (spec.id, id(spec.arch))
        if key not in self.contents:
            made = digest(spec.arch.model_dump_json())
            if not any(s is spec for s in self.specs):
                return made
            self.contents[key] = made
        return self.contents[key]

    def name(self, technology: str) -> str:
        return self.site.tech_name(technology)


def quiz_catalog(site: Site) -> QuizCatalog:
    """Index the catalog once for every spec's questions."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    by_category: dict[str, set[str]] = defaultdict(set)
    nodes: dict[str, set[Component]] = defaultdict(set)
    labels: dict[str, set[Component]] = defaultdict(set)
    for spec in site.specs:
        for view in spec.arch.views:
            for node in view.all_nodes():
                category = _category(spec, node)
                component = _component(spec, node, site.tech_name)
                nodes[category].add(component)
                labels[node.label.casefold()].add(component)
                for text in split_technologies(node.technology):
                    by_kind[node.kind].add(site.tech_name(text))
                    by_category[category].add(site.tech_name(text))
    return QuizCatalog(site, {k: sorted(v) for k, v in by_kind.items()}, {k: sorted(v) for k, v in by_category.items()},
                       {k: sorted(v) for k, v in nodes.items()}, {k: sorted(v) for k, v in labels.items()})


def _component(spec: Spec, node: Node, name: Callable[[str], str]) -> Component:
    technologies = tuple(sorted({name(t) for t in split_technologies(node.technology)}))
    return Component(spec.id, node.label, node.kind, technologies)


def _category(spec: Spec, node: Node) -> str:
    resolved = spec.kinds.get(node.kind)
    return resolved.category if resolved else ""


def _rng(catalog: QuizCatalog, spec: Spec, *key: str) -> random.Random:
    """The random source of one question: seeded from the spec's id and content and the question's key."""
    return random.Random(int(digest(spec.id, catalog.content(spec), *key)[:16], 16))


@lru_cache(maxsize=4096)
def _word_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


def _mentions(text: str, name: str) -> bool:
    """Whether `name` occurs in `text` as a word (case-insensitive): "Go" is not in "Google"."""
    return _word_pattern(name).search(text) is not None


def _draw(rng: random.Random, pools: Iterable[Iterable[str]], exclude: Callable[[str], bool], n: int) -> list[str]:
    """Up to `n` distinct candidates (compared case-insensitively), taken from the first pool first, none that
    `exclude` refuses. Each pool is sorted before it is shuffled, so only the seed decides the draw."""
    chosen: list[str] = []
    seen: set[str] = set()
    for pool in pools:
        candidates = sorted(set(pool))
        rng.shuffle(candidates)
        for item in candidates:
            if len(chosen) >= n:
                return chosen
            key = item.casefold()
            if key not in seen and not exclude(item):
                chosen.append(item)
                seen.add(key)
    return chosen


def _shuffled(rng: random.Random, right: str, wrong: list[str]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    choices = [right, *wrong]
    rng.shuffle(choices)
    return tuple(choices), (choices.index(right),)


def _who(spec: Spec) -> str:
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}"


def _spec_sources(spec: Spec) -> tuple[Citation, ...]:
    return tuple(Citation(s.title, s.url, s.year) for s in spec.arch.sources)


def _source(spec: Spec, source_id: str | None, where: str | None) -> tuple[Citation, ...]:
    for source in spec.arch.sources:
        if source.id == source_id:
            return (Citation(source.title, source.url, source.year, where),)
    return _spec_sources(spec)


def _make(spec: Spec, kind: str, key: str, **fields) -> Question:
    """A question with its id: the spec, kind and key, and a digest of what it asks, so that a learner's stored
    answer to an earlier version of a question is not applied to a changed one."""
    content = repr((fields["prompt"], fields["choices"], fields["answer"], fields.get("detail", ())))
    ident = f"{kind[:4]}-{digest(spec.id, kind, key, content)[:10]}"
    return Question(id=ident, kind=kind, spec=spec.id, domain=spec.arch.domain or "", **fields)


# ---------------------------------------------------------------------------------------------------------------
# The five kinds
# ---------------------------------------------------------------------------------------------------------------


def technology_questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """For each component with a technology its label does not give away: which technology did it use?"""
    same_label: dict[str, set[str]] = defaultdict(set)  # every technology a component of that label has
    for view in spec.arch.views:
        for node in view.all_nodes():
            same_label[node.label.casefold()].update(catalog.name(t) for t in split_technologies(node.technology))
    found = [_technology_question(spec, node, catalog, same_label[node.label.casefold()])
             for node in spec.arch.components()]
    return [q for q in found if q is not None]


def _technology_question(spec: Spec, node: Node, catalog: QuizCatalog, same_label: set[str]) -> Question | None:
    vocab = catalog.site.vocab

    def spelled(name: str) -> list[str]:
        info = vocab.technology(name)
        return [name, *(info.aliases if info else ())]

    def summary(name: str) -> str:
        info = vocab.technology(name)
        return info.summary if info else ""

    names = list(dict.fromkeys(catalog.name(t) for t in split_technologies(node.technology)))
    askable = [n for n in names if not any(_mentions(node.label, s) for s in spelled(n))]
    if not askable:
        return None
    rng = _rng(catalog, spec, "technology", node.id)
    right = rng.choice(askable)
    correct = {n.casefold() for n in [*names, *same_label]}
    said = " ".join([node.label, node.note or "", *(summary(n) for n in names)])

    def refused(other: str) -> bool:
        """Right too, or bound up with the answer: named in the component's label or note or in the glossary's
        summary of one of its technologies, or its own summary names one of them (Earlybird is a modified
        Lucene: Lucene is no distractor for it)."""
        return (other.casefold() in correct or any(_mentions(said, s) for s in spelled(other))
                or any(_mentions(summary(other), s) for n in names for s in spelled(n)))

    info = vocab.technology(right)
    same_kind = catalog.tech_by_kind.get(node.kind, [])
    alike = catalog.tech_by_category.get(_category(spec, node), [])
    if info is not None:
        like_it = {t.name for t in vocab.technologies.values() if t.category == info.category}
        pools = [[n for n in same_kind if n in like_it], same_kind, [n for n in alike if n in like_it], alike,
                 [catalog.name(a) for a in info.alternatives], like_it]
    else:
        pools = [same_kind, alike]
    wrong = _draw(rng, pools, refused, CHOICES - 1)
    if len(wrong) < MIN_CHOICES - 1:
        return None
    choices, answer = _shuffled(rng, right, wrong)
    return _make(spec, "technology", node.id,
                 prompt=f"Which technology did {_who(spec)} use for the component “{node.label}”?",
                 choices=choices, answer=answer, cite=_spec_sources(spec), link=f"{page_href(spec.id)}#c-{node.id}",
                 node=node.id)


def order_questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """For each view with a flow of three steps or more: its steps (at most MAX_STEPS in a row), shuffled."""
    questions = []
    for view in spec.arch.views:
        texts = [step.text for step in view.flow]
        if len(texts) < 3 or len({t.casefold() for t in texts}) < len(texts):
            continue  # two steps saying the same thing could go either way
        rng = _rng(catalog, spec, "order", view.id)
        size = min(len(texts), MAX_STEPS)
        start = rng.randrange(len(texts) - size + 1)
        numbers = list(range(start + 1, start + size + 1))
        shown = list(numbers)
        while shown == numbers:
            rng.shuffle(shown)
        if size == len(texts):
            prompt = f"Put the steps of the request flow “{view.title}” of {_who(spec)} in order."
        else:
            prompt = (f"Put steps {numbers[0]} to {numbers[-1]} of the {len(texts)} in the request flow "
                      f"“{view.title}” of {_who(spec)} in order.")
        questions.append(_make(spec, "order", view.id, prompt=prompt,
                               choices=tuple(texts[n - 1] for n in shown),
                               answer=tuple(shown.index(n) for n in numbers), cite=_spec_sources(spec),
                               link=f"{page_href(spec.id)}#view-{view.id}", view=view.id,
                               steps=tuple(shown)))
    return questions


def _edge_ends(view: View) -> set[str]:
    return {end for edge in view.edges for end in (edge.from_, edge.to)}


@lru_cache(maxsize=8192)
def _words(label: str) -> frozenset[str]:
    """The words of a label that could name the same thing twice: four letters or more, without a plural s."""
    return frozenset(w.removesuffix("s") for w in re.findall(r"\w+", label.casefold()) if len(w) >= 4)


@dataclass(frozen=True)
class Shown:
    """What a diagram question shows or hides, for telling whether a distractor could be confused with it."""

    spec: str
    labels: frozenset[str]  # casefolded labels of the view's nodes and groups
    hidden: Component
    technologies: frozenset[str]  # of every node in the view, the hidden one included
    kinds: frozenset[str]  # of every node in the view

    def could_be(self, candidate: Component) -> bool:
        """Whether `candidate` could be the hidden component, or one shown, under another name: it has a label
        shown in the view, shares a technology with a component of the view, shares a word of its label with
        the hidden one, or is of a kind the view shows in the same spec (another view drawing the same part)."""
        return (candidate.label.casefold() in self.labels
                or not self.technologies.isdisjoint(candidate.technologies)
                or not _words(self.hidden.label).isdisjoint(_words(candidate.label))
                or (candidate.spec == self.spec and candidate.kind in self.kinds))


def _named_elsewhere(node: Node, view: View) -> bool:
    """Whether the view names the node anywhere but under its own icon: in its title or summary, or in the label
    of another node, a group or an edge (so blanking it would give nothing away, or be ambiguous)."""
    texts = [view.title, view.summary or "", *(n.label for n in view.all_nodes() if n.id != node.id),
             *(g.label for g in view.all_groups()), *(e.label or "" for e in view.edges)]
    return any(_mentions(text, node.label) for text in texts)


def missing_questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """For each view of four components or more: one component blanked out (one that an edge reaches and whose
    label the view shows nowhere else). The other choices are labels of components in the spec's other views, then
    of similar systems (not the same system in another era), of the same category; never a label that any
    component in the catalog bearing it could be confused with the hidden one or one shown (see
    Shown.could_be)."""
    others = {s.id for s in catalog.specs if s.arch.name != spec.arch.name}  # another era may rename a part
    related = {other.id for other, _ in catalog.site.related(spec)} & others
    same_domain = {s.id for s in catalog.specs if s.arch.domain == spec.arch.domain} & others
    found = [_missing_question(spec, view, catalog, (related, same_domain, others)) for view in spec.arch.views]
    return [q for q in found if q is not None]


def shown_in(spec: Spec, view: View, node: Node, catalog: QuizCatalog) -> Shown:
    components = [_component(spec, n, catalog.name) for n in view.all_nodes()]
    labels = [n.label for n in view.all_nodes()] + [g.label for g in view.all_groups()]
    return Shown(spec.id, frozenset(label.casefold() for label in labels), _component(spec, node, catalog.name),
                 frozenset(t for c in components for t in c.technologies), frozenset(c.kind for c in components))


def _missing_question(spec: Spec, view: View, catalog: QuizCatalog, circles: tuple[set[str], ...]
                      ) -> Question | None:
    """`circles`: the specs to draw distractors from, nearest first."""
    nodes = view.all_nodes()
    if len(nodes) < 4:
        return None
    ends = _edge_ends(view)
    eligible = [n for n in nodes if n.id in ends and not _named_elsewhere(n, view)]
    if not eligible:
        return None
    rng = _rng(catalog, spec, "missing", view.id)
    node = rng.choice(eligible)
    shown = shown_in(spec, view, node, catalog)
    in_view = {n.id for n in nodes}
    elsewhere = [n.label for other in spec.arch.views if other.id != view.id
                 for n in other.all_nodes() if n.id not in in_view]
    alike = catalog.nodes_by_category.get(_category(spec, node), [])
    pools = [elsewhere, *([c.label for c in alike if c.spec in among] for among in circles)]

    def refused(label: str) -> bool:
        return any(shown.could_be(c) for c in catalog.nodes_by_label.get(label.casefold(), []))

    wrong = _draw(rng, pools, refused, CHOICES - 1)
    if len(wrong) < MIN_CHOICES - 1:
        return None
    choices, answer = _shuffled(rng, node.label, wrong)
    return _make(spec, "missing", f"{view.id}/{node.id}",
                 prompt=f"Which component is hidden in this diagram of {_who(spec)}: {view.title}?",
                 choices=choices, answer=answer, cite=_spec_sources(spec), link=f"{page_href(spec.id)}#view-{view.id}",
                 view=view.id, node=node.id)


def pattern_questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """For each lesson that lists a pattern: which pattern does it illustrate? Distractors are patterns the
    spec uses nowhere, then any the lesson does not list."""
    from archcat.gallery import patterns_of

    patterns = catalog.site.vocab.patterns
    used = set(patterns_of(spec))
    questions = []
    for index, lesson in enumerate(spec.arch.lessons):
        listed = [p for p in lesson.patterns if p in patterns]
        if not listed:
            continue
        rng = _rng(catalog, spec, "pattern", str(index))
        right = rng.choice(listed)
        pools = [[p.name for p in patterns.values() if p.id not in used], [p.name for p in patterns.values()]]
        illustrated = {patterns[p].name for p in listed}
        wrong = _draw(rng, pools, illustrated.__contains__, CHOICES - 1)
        if len(wrong) < MIN_CHOICES - 1:
            continue
        choices, answer = _shuffled(rng, patterns[right].name, wrong)
        questions.append(_make(spec, "pattern", str(index),
                               prompt=f"Which pattern does this lesson from {_who(spec)} illustrate?",
                               choices=choices, answer=answer, cite=_source(spec, lesson.source, lesson.where),
                               link=f"{page_href(spec.id)}#lesson-{index + 1}", detail=(lesson.title, lesson.body),
                               lesson=index, pattern=right))
    return questions


def _figure(value: str) -> str:
    return " ".join(value.casefold().split())


def year_questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """For each key number: which year does it belong to? The other years offered are those of the same figure
    in the company's other eras (a different value), then years close by. Left out when the label or value
    names a year, or when the company gives the same figure for two years."""
    company = [s for s in catalog.specs if s.arch.name == spec.arch.name]
    questions = []
    for index, metric in enumerate(spec.arch.metrics):
        if _YEAR.search(metric.label) or _YEAR.search(metric.value):
            continue
        label, value = metric.label.casefold(), _figure(metric.value)
        same = [m for s in company for m in s.arch.metrics if m.label.casefold() == label and m is not metric]
        if any(_figure(m.value) == value and m.year != metric.year for m in same):
            continue
        rng = _rng(catalog, spec, "year", str(index))
        eras = sorted({m.year for m in same if m.year != metric.year})
        wrong = rng.sample(eras, min(CHOICES - 1, len(eras)))
        if not wrong:  # four years in a row, the right one at a random place among them
            first = metric.year - rng.randrange(CHOICES)
            wrong = [y for y in range(first, first + CHOICES) if y != metric.year]
        else:
            near = [y for d in (1, 2, 3) for y in (metric.year - d, metric.year + d) if y not in wrong]
            wrong += rng.sample(near, CHOICES - 1 - len(wrong))
        years = sorted([metric.year, *wrong])
        questions.append(_make(spec, "year", str(index),
                               prompt=f"In which year did this figure hold for {spec.arch.name}?",
                               choices=tuple(str(y) for y in years), answer=(years.index(metric.year),),
                               cite=_source(spec, metric.source, metric.where),
                               link=f"{page_href(spec.id)}#metrics", detail=(metric.label, metric.value),
                               metric=index))
    return questions


MAKERS = {"technology": technology_questions, "order": order_questions, "missing": missing_questions,
          "pattern": pattern_questions, "year": year_questions}


def questions(spec: Spec, catalog: QuizCatalog) -> list[Question]:
    """Every question the spec supports, kind by kind."""
    return [q for kind in KINDS for q in MAKERS[kind](spec, catalog)]


# ---------------------------------------------------------------------------------------------------------------
# What a quiz page asks
# ---------------------------------------------------------------------------------------------------------------


def _interleave(groups: list[list[Question]]) -> list[Question]:
    mixed = []
    for i in range(max((len(g) for g in groups), default=0)):
        mixed += [g[i] for g in groups if i < len(g)]
    return mixed


def spec_quiz(spec: Spec, catalog: QuizCatalog, pool: list[Question] | None = None) -> list[Question]:
    """An architecture's quiz: up to PER_SPEC questions of each kind, drawn from all it supports, the kinds
    taking turns. The diagram question's drawing names each component's technology under its label, so no
    technology question asks about a component it draws: the diagram is the view that leaves the most of them."""
    pool = questions(spec, catalog) if pool is None else pool
    rng = _rng(catalog, spec, "quiz")
    of_kind = {kind: [q for q in pool if q.kind == kind] for kind in KINDS}
    drawn: set[str] = set()
    if of_kind["missing"]:
        views = {v.id: {n.id for n in v.all_nodes()} for v in spec.arch.views}
        asked = {q.node for q in of_kind["technology"]}
        fewest = min(len(asked & views[q.view]) for q in of_kind["missing"])
        diagram = rng.choice([q for q in of_kind["missing"] if len(asked & views[q.view]) == fewest])
        of_kind["missing"] = [diagram]
        drawn = views[diagram.view]
        of_kind["technology"] = [q for q in of_kind["technology"] if q.node not in drawn]
    groups = []
    for kind in KINDS:
        keep = sorted(rng.sample(range(len(of_kind[kind])), min(PER_SPEC[kind], len(of_kind[kind]))))
        groups.append([of_kind[kind][i] for i in keep])
    return _interleave(groups)


def catalog_quiz(catalog: QuizCatalog, pools: dict[str, list[Question]] | None = None,
                 size: int = CATALOG_QUESTIONS) -> list[Question]:
    """The quiz across the catalog: `size` questions, the domains taking turns (a different system each time
    within a domain) and the kinds taking turns, with at most CATALOG_MISSING diagrams."""
    pools = pools if pools is not None else {s.id: spec_quiz(s, catalog) for s in catalog.specs}
    seed = digest(*(part for s in sorted(catalog.specs, key=lambda s: s.id) for part in (s.id, catalog.content(s))))
    rng = random.Random(int(seed[:16], 16))
    by_domain: dict[str, list[str]] = defaultdict(list)
    for spec in sorted(catalog.specs, key=lambda s: s.id):
        if pools.get(spec.id):
            by_domain[spec.arch.domain or ""].append(spec.id)
    domains = sorted(by_domain)
    rng.shuffle(domains)
    for ids in by_domain.values():
        rng.shuffle(ids)
    picked: list[Question] = []
    taken: set[str] = set()
    turn = 0
    for round_ in range(max((len(ids) for ids in by_domain.values()), default=0)):
        for domain in domains:
            ids = by_domain[domain]
            if round_ >= len(ids) or len(picked) >= size:
                continue
            wanted = [KINDS[(turn + k) % len(KINDS)] for k in range(len(KINDS))]
            if sum(q.kind == "missing" for q in picked) >= CATALOG_MISSING:
                wanted.remove("missing")
            available = [q for q in pools[ids[round_]] if q.id not in taken]
            for kind in wanted:
                found = [q for q in available if q.kind == kind]
                if found:
                    question = rng.choice(found)
                    picked.append(question)
                    taken.add(question.id)
                    turn += 1
                    break
    return picked
