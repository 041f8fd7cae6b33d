"""Eras side by side: one company's specs in order of year, and what changed between consecutive ones.

Everything here is computed from the specs: which specs belong to one company
(the same `name`), what each later era added, removed and kept of the earlier
one's components, technologies and patterns, which key numbers measure the
same thing in both (aligned conservatively), and the later era's lessons,
which explain the change. `compare_with` suggests what to compare a spec with.
The gallery writes one timeline page per company with two or more specs,
`eras/<company>.html`, and an index of them, `eras/index.html`.

Components and technologies are those of each spec's first view, the overview
the timeline shows: detail views may draw an older design ("before") that must
not count as part of the era.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from archcat.files import digest
from archcat.gallery import patterns_of
from archcat.model import Lesson, Metric, Node, Spec
from archcat.paths import diagram_path, eras_href
from archcat.vocab import split_technologies

if TYPE_CHECKING:
    from archcat.gallery import Site


# Words naming what a key number counts. Two numbers whose labels differ align when both labels come down to the
# same one of these words once filler, the company's name and what follows a comma are set aside ("Tweets stored
# per day" and "Tweets per day", "LinkedIn members" and "Members"), both count per the same unit of time (or
# neither does), and neither says it is another kind of figure (a peak, a share, a cost, an earlier value...).
MEASURES = frozenset({"user", "member", "subscriber", "visitor", "request", "query", "tweet", "server", "machine",
                      "engineer", "employee", "developer", "storage", "message", "photo"})
CHANGERS = frozenset({"new", "peak", "share", "growth", "saved", "cost", "latency", "time", "lag", "rate", "ratio",
                      "earlier", "before", "ago", "previous", "failure", "percent", "average", "mean"})
NEUTRAL = frozenset({"total", "all", "running", "everything", "worldwide", "stored",
                     "a", "an", "the", "and", "of", "in", "on", "by", "for", "to", "it"})
TIME_UNITS = {"second": "second", "s": "second", "sec": "second", "minute": "minute", "min": "minute",
              "hour": "hour", "day": "day", "daily": "day", "week": "week", "weekly": "week", "month": "month",
              "monthly": "month", "year": "year", "yearly": "year", "annual": "year"}


# ---------------------------------------------------------------------------------------------------------------
# Companies and their eras
# ---------------------------------------------------------------------------------------------------------------


def era_order(spec: Spec) -> tuple[int, str]:
    return spec.arch.year, spec.id


def era_label(spec: Spec) -> str:
    return spec.arch.era or str(spec.arch.year)


def group_by_company(specs: Iterable[Spec]) -> dict[str, list[Spec]]:
    """Every company (spec `name`) with its specs in order of year, then id; companies sorted by name."""
    found: dict[str, list[Spec]] = {}
    for spec in specs:
        found.setdefault(spec.arch.name, []).append(spec)
    return {name: sorted(found[name], key=era_order) for name in sorted(found, key=lambda n: (n.casefold(), n))}


def company_slugs(names: Iterable[str]) -> dict[str, str]:
    """A file name per company: its slug, plus a short digest of the name when two names share a slug."""
    names = sorted(set(names), key=lambda n: (n.casefold(), n))
    plain = {name: re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "company" for name in names}
    counts: dict[str, int] = {}
    for value in plain.values():
        counts[value] = counts.get(value, 0) + 1
    return {name: value if counts[value] == 1 and value != "index" else f"{value}-{digest(name)[:6]}"
            for name, value in plain.items()}


# ---------------------------------------------------------------------------------------------------------------
# What changed between two eras
# ---------------------------------------------------------------------------------------------------------------


def _label_key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class ComponentChanges:
    added: list[Node]  # in the later era's order
    removed: list[Node]  # in the earlier era's order
    kept: list[tuple[Node, Node]]  # (earlier, later), in the earlier era's order


def diff_components(before: list[Node], after: list[Node]) -> ComponentChanges:
    """Match components by id, then the rest by label (ignoring case and spacing), each at most once."""
    pairs: dict[int, int] = {}  # index in before -> index in after
    after_ids = {node.id: i for i, node in enumerate(after)}
    for i, node in enumerate(before):
        j = after_ids.get(node.id)
        if j is not None and j not in pairs.values():
            pairs[i] = j
    for i, node in enumerate(before):
        if i in pairs:
            continue
        for j, other in enumerate(after):
            if j not in pairs.values() and _label_key(other.label) == _label_key(node.label):
                pairs[i] = j
                break
    taken = set(pairs.values())
    return ComponentChanges(
        added=[node for j, node in enumerate(after) if j not in taken],
        removed=[node for i, node in enumerate(before) if i not in pairs],
        kept=[(before[i], after[pairs[i]]) for i in sorted(pairs)],
    )


@dataclass(frozen=True)
class SetChanges:
    added: list[str]
    removed: list[str]
    kept: list[str]


def diff_names(before: Iterable[str], after: Iterable[str]) -> SetChanges:
    """Names only in the later era, only in the earlier one, and in both; each list sorted ignoring case."""
    old, new = set(before), set(after)

    def order(names: set[str]) -> list[str]:
        return sorted(names, key=lambda n: (n.casefold(), n))

    return SetChanges(added=order(new - old), removed=order(old - new), kept=order(old & new))


def _tokens(label: str) -> list[str]:
    """A label's words, lower case, without what is in brackets, each plural made singular."""
    text = re.sub(r"\([^)]*\)", " ", label.casefold())
    words = re.findall(r"[a-z0-9]+", text.replace("/s", " per second "))
    out = []
    for word in words:
        if len(word) > 4 and word.endswith("ies"):
            out.append(word[:-3] + "y")
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            out.append(word[:-1])
        else:
            out.append(word)
    return out


def normalised_label(label: str) -> str:
    """What two labels must share to be the same measure outright: lower case, brackets and punctuation gone."""
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"\([^)]*\)", " ", label.casefold())))


def _rate(words: list[str]) -> str | None:
    """The unit of time a label counts per ("Tweets per day", "Monthly visitors"), if any."""
    for i, word in enumerate(words):
        if word in ("daily", "weekly", "monthly", "yearly", "annual"):
            return TIME_UNITS[word]
        if word in ("per", "a", "every") and i + 1 < len(words) and words[i + 1] in TIME_UNITS:
            return TIME_UNITS[words[i + 1]]
    return None


def _head(label: str, company: str) -> list[str]:
    """The words of a label before its first comma, without the company's name, time units and filler words."""
    skip = set(_tokens(company))
    words = _tokens(label.split(",", 1)[0])
    return [w for w in words if w not in skip and w not in NEUTRAL and w not in TIME_UNITS and w != "per"]


def same_measure(a: Metric, b: Metric, company: str = "") -> str | None:
    """Why two key numbers measure the same thing ("same label", or the measure word they share), or None."""
    if normalised_label(a.label) == normalised_label(b.label):
        return "same label"
    wa, wb = _tokens(a.label), _tokens(b.label)
    if _rate(wa) != _rate(wb) or set(wa) & CHANGERS or set(wb) & CHANGERS:
        return None
    head = _head(a.label, company)
    if len(head) == 1 and head[0] in MEASURES and head == _head(b.label, company):
        return head[0]
    return None


@dataclass(frozen=True)
class MetricMove:
    """One key number in two eras: the earlier and later figure, and why they are taken to be the same measure."""

    before: Metric
    after: Metric
    why: str


def align_metrics(before: list[Metric], after: list[Metric], company: str = "") -> list[MetricMove]:
    """Pairs of key numbers that measure the same thing, each number in at most one pair: identical labels first,
    then shared measure words (see `same_measure`); in the earlier era's order."""
    pairs: dict[int, tuple[int, str]] = {}
    for exact in (True, False):
        for i, old in enumerate(before):
            if i in pairs:
                continue
            for j, new in enumerate(after):
                if j in {p for p, _ in pairs.values()}:
                    continue
                why = same_measure(old, new, company)
                if why and (why == "same label") == exact:
                    pairs[i] = (j, why)
                    break
    return [MetricMove(before[i], after[j], why) for i, (j, why) in sorted(pairs.items())]


@dataclass(frozen=True)
class EraChange:
    """What the later of two consecutive eras changed."""

    before: Spec
    after: Spec
    components: ComponentChanges
    technologies: SetChanges
    patterns: SetChanges  # pattern ids
    metrics: list[MetricMove]
    lessons: list[tuple[int, Lesson]]  # the later era's lessons, numbered from 1 as on its page


def overview_nodes(spec: Spec) -> list[Node]:
    """The components of the overview, once per label: a component drawn twice (in each of two datacenters, say)
    is one component."""
    seen: dict[str, Node] = {}
    for node in spec.arch.views[0].all_nodes():
        seen.setdefault(_label_key(node.label), node)
    return list(seen.values())


def overview_technologies(spec: Spec, canonical: Callable[[str], str] = str) -> list[str]:
    """The technologies named in the overview, by their glossary name when `canonical` knows it."""
    names: list[str] = []
    for node in overview_nodes(spec):
        for text in split_technologies(node.technology):
            name = canonical(text)
            if name not in names:
                names.append(name)
    return names


def diff_eras(before: Spec, after: Spec, canonical: Callable[[str], str] = str) -> EraChange:
    return EraChange(
        before=before, after=after,
        components=diff_components(overview_nodes(before), overview_nodes(after)),
        technologies=diff_names(overview_technologies(before, canonical), overview_technologies(after, canonical)),
        patterns=diff_names(patterns_of(before), patterns_of(after)),
        metrics=align_metrics(list(before.arch.metrics), list(after.arch.metrics), after.arch.name),
        lessons=list(enumerate(after.arch.lessons, start=1)),
    )


@dataclass(frozen=True)
class Company:
    name: str
    slug: str
    eras: list[Spec]  # two or more, in order of year, then id
    changes: list[EraChange]  # between each era and the next

    @property
    def href(self) -> str:
        return eras_href(self.slug)

    @property
    def years(self) -> str:
        first, last = self.eras[0].arch.year, self.eras[-1].arch.year
        return str(first) if first == last else f"{first}\u2013{last}"


def companies(specs: Iterable[Spec], canonical: Callable[[str], str] = str) -> list[Company]:
    """Every company with two or more specs, by name, each with what changed from era to era."""
    groups = {name: eras for name, eras in group_by_company(specs).items() if len(eras) >= 2}
    slugs = company_slugs(groups)
    return [Company(name, slugs[name], eras, [diff_eras(a, b, canonical) for a, b in pairwise(eras)])
            for name, eras in groups.items()]


# ---------------------------------------------------------------------------------------------------------------
# Suggestions for the compare page
# ---------------------------------------------------------------------------------------------------------------


def compare_with(site: Site, spec: Spec, limit: int = 3) -> list[tuple[Spec, str]]:
    """What to compare a spec with: the nearest other era of the same company first (the earlier one on a tie),
    then specs of the same domain, then any, each group in `Site.related`'s order (explicit links, then the most
    shared technologies and patterns); each with `Site.related`'s reason."""
    ranked = site.related(spec, limit=len(site.specs))
    why = {other.id: reason for other, reason in ranked}
    picks: list[Spec] = []
    same = [s for s in site.specs if s.arch.name == spec.arch.name and s.id != spec.id]
    if same:
        picks.append(min(same, key=lambda s: (abs(s.arch.year - spec.arch.year), s.arch.year > spec.arch.year, s.id)))
    domain = spec.arch.domain
    for other, _ in ranked:
        if domain and other.arch.domain == domain and other.arch.name != spec.arch.name and other not in picks:
            picks.append(other)
    for other, _ in ranked:
        if other not in picks:
            picks.append(other)
    out = []
    for other in picks[:limit]:
        reason = why.get(other.id, "")
        if other.arch.name == spec.arch.name and not reason.startswith("another era"):
            reason = "; ".join(part for part in (f"another era of {spec.arch.name}", reason) if part)
        if domain and other.arch.domain == domain and other.arch.name != spec.arch.name:
            reason = f"same domain, {site.vocab.domains[domain].name}; {reason}"
        out.append((other, reason))
    return out


# ---------------------------------------------------------------------------------------------------------------
# The gallery's pages
# ---------------------------------------------------------------------------------------------------------------


def diagram_size(svg: Path) -> tuple[int, int] | None:
    """A drawn SVG's width and height in CSS pixels (from its viewBox), so a lazy image keeps its place."""
    try:
        with svg.open("rb") as handle:
            head = handle.read(2048).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', head)
    if not found:
        return None
    return round(float(found.group(1)) * 4 / 3), round(float(found.group(2)) * 4 / 3)


def template_globals(site: Site, found: list[Company]) -> dict[str, Callable]:
    """What the architecture page's eras block calls: its company's timeline (or None) and the compare list."""
    by_spec = {spec.id: company for company in found for spec in company.eras}
    return {"company_timeline": lambda spec: by_spec.get(spec.id),
            "compare_with": lambda spec: compare_with(site, spec)}


def write_pages(found: list[Company], templates: Path, out: Path, page: Callable[..., None], depends_on: str) -> None:
    """Write each company's timeline and their index through the gallery's `page` writer, after the diagrams are
    drawn into `out` (a catalog whose own templates have no eras.html gets no timeline pages)."""
    if not (templates / "eras.html").is_file() or not (templates / "eras-index.html").is_file():
        return
    page("eras-index.html", eras_href(), depends_on, companies=found, page_id="eras")
    for company in found:
        sizes = {spec.id: diagram_size(diagram_path(out, spec.id, spec.arch.views[0].id, "light", "svg"))
                 for spec in company.eras}
        page("eras.html", company.href, digest(depends_on, repr(sorted(sizes.items()))), company=company,
             sizes=sizes, page_id="eras-company")
