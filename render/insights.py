"""Catalog insights: charts of what the catalog's architectures run and use, computed when the gallery is built.

Three charts, each drawn as inline SVG (no script; colours from the page's
CSS custom properties, so they follow light and dark mode), each with a title
and a text description that carries its numbers, and each bar a link to the
architectures behind it:

1. technologies by era: for a few families of technology, the share of each
   decade's architectures that run each of the family's most used
   technologies. A technology's family is its glossary category; one missing
   from the glossary takes the category of the node kinds it is drawn with.
   Decades are the gallery's eras, so a bar opens the index filtered by that
   technology and that era.
2. patterns used together: the pairs of patterns the most architectures use
   both of; a bar leads to the list of those architectures on the page.
3. technologies per domain: the technologies most of a domain's architectures
   run; a bar opens the index filtered by that domain and technology.

The counting functions are pure functions of the site (specs and vocabulary);
the drawing functions are pure functions of what they count.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations
from urllib.parse import urlencode

from markupsafe import Markup, escape

from archcat.gallery import Site, decade, patterns_of, tech_anchor
from archcat.model import Spec

# The technology families of the first chart: a heading and the glossary (or node kind) categories it covers.
ERA_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Databases and storage", ("database", "storage")),
    ("Queues and streams", ("messaging",)),
    ("Caches", ("cache",)),
    ("Languages and runtimes", ("language",)),
)
ERA_TOP = 8  # technologies per family
ERA_MIN_SHARE = 0.05  # a decade with fewer architectures than this share of the catalog is left out
PAIRS_TOP = 15
DOMAIN_TOP = 5
DOMAIN_MIN_USERS = 2  # a technology is charted for a domain when at least this many of its architectures run it


def label(spec: Spec) -> str:
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}"


def plural(n: int, word: str = "architecture") -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def index_href(root: str, **filters: str) -> str:
    """The index filtered as the gallery's script reads its address (see gallery.js, initIndex)."""
    return f"{root}index.html?{urlencode(filters)}"


def technology_category(site: Site, name: str) -> str:
    """A technology's category: its glossary category, else the most common category of the node kinds it is
    drawn with (ties by name), else ""."""
    entry = site.technologies[name]
    if entry.info is not None:
        return entry.info.category
    kinds = Counter(u.spec.kinds[u.node.kind].category for u in entry.usages if u.node.kind in u.spec.kinds)
    return min(kinds, key=lambda c: (-kinds[c], c)) if kinds else ""


# ---------------------------------------------------------------------------------------------------------------
# What the charts count
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One bar: `count` architectures out of `scale` (the bar's full length), and where they are listed."""

    count: int
    scale: int
    href: str | None
    text: str  # what the bar says, in words, for assistive technology and the tooltip
    specs: tuple[str, ...]  # ids of the architectures behind it


@dataclass(frozen=True)
class Row:
    name: str
    bars: tuple[Bar, ...]
    href: str | None = None  # where the name itself leads, if anywhere


@dataclass(frozen=True)
class Column:
    name: str
    note: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


def periods(site: Site) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The decades charted and those left out for holding too few architectures, each with its count."""
    counts = Counter(decade(spec.arch.year) for spec in site.specs)
    least = math.ceil(ERA_MIN_SHARE * len(site.specs))
    kept = [(d, n) for d, n in sorted(counts.items()) if n >= least]
    return kept, [(d, n) for d, n in sorted(counts.items()) if n < least]


def technologies_by_era(site: Site, root: str = "") -> list[Chart]:
    """Chart 1: one chart per family; a row per technology, a bar per decade."""
    kept, _ = periods(site)
    users = {name: [s for s in site.specs if name in site.by_spec_tech[s.id]] for name in site.technologies}
    charts = []
    for number, (title, categories) in enumerate(ERA_FAMILIES, start=1):
        names = [n for n in site.technologies if technology_category(site, n) in categories]
        names.sort(key=lambda n: (-len(users[n]), n.lower(), n))
        rows = []
        for name in names[:ERA_TOP]:
            bars = []
            for period, total in kept:
                ids = tuple(sorted(s.id for s in users[name] if decade(s.arch.year) == period))
                bars.append(Bar(len(ids), total, index_href(root, tech=name, era=period) if ids else None,
                                f"{name} in the {period}: {len(ids)} of {plural(total)}", ids))
            rows.append(Row(name, tuple(bars), f"{root}technologies.html#{tech_anchor(name)}"))
        if not rows or not kept:
            continue
        said = "; ".join(f"{row.name}: " + ", ".join(f"{b.count} of {b.scale} in the {p}"
                                                     for b, (p, _) in zip(row.bars, kept, strict=True))
                         for row in rows)
        description = (f"How many of each decade's architectures run each of the {len(rows)} most used "
                       f"technologies of the categories {' and '.join(categories)}. {said}.")
        charts.append(Chart(f"era-{number}", title, description,
                            tuple(Column(p, plural(n)) for p, n in kept), tuple(rows)))
    return charts


@dataclass(frozen=True)
class Pair:
    a: str  # pattern ids, in order of their display names
    b: str
    specs: tuple[Spec, ...]

    @property
    def anchor(self) -> str:
        return f"pair-{self.a}--{self.b}"


def pattern_pairs(site: Site, top: int = PAIRS_TOP) -> list[Pair]:
    """The pairs of patterns the most architectures use both of (a pattern counts when the spec lists it or a
    lesson illustrates it, as on the patterns page); ties by the patterns' names. Pairs of one user are left
    out: they say nothing about patterns going together."""
    names = {p.id: p.name for p in site.vocab.patterns.values()}
    together: dict[tuple[str, str], list[Spec]] = defaultdict(list)
    for spec in sorted(site.specs, key=lambda s: (label(s).casefold(), s.id)):
        used = sorted(patterns_of(spec), key=lambda p: ((names.get(p) or p).lower(), p))
        for a, b in combinations(used, 2):
            together[(a, b)].append(spec)
    ranked = sorted(together.items(), key=lambda kv: (-len(kv[1]), names.get(kv[0][0], "").lower(),
                                                       names.get(kv[0][1], "").lower(), kv[0]))
    return [Pair(a, b, tuple(specs)) for (a, b), specs in ranked[:top] if len(specs) >= 2]


def pairs_chart(site: Site, pairs: list[Pair]) -> Chart:
    names = {p.id: p.name for p in site.vocab.patterns.values()}
    most = max((len(p.specs) for p in pairs), default=1)
    rows = []
    for pair in pairs:
        both = f"{names[pair.a]} and {names[pair.b]}"
        rows.append(Row(f"{names[pair.a]} + {names[pair.b]}", (Bar(
            len(pair.specs), most, f"#{pair.anchor}", f"{both}: {plural(len(pair.specs))} use both",
            tuple(s.id for s in pair.specs)),)))
    said = "; ".join(f"{row.name}: {row.bars[0].count}" for row in rows)
    description = (f"The {len(rows)} pairs of patterns used together by the most architectures, out of "
                   f"{len(site.specs)}; a pattern counts when the spec lists it or one of its lessons illustrates "
                   f"it, and ties are in order of name. {said}.")
    return Chart("pairs", "Patterns used together", description, (), tuple(rows))


def domain_technologies(site: Site, root: str = "") -> tuple[list[Chart], list[tuple[str, int]]]:
    """Chart 3: per domain (most architectures first), the technologies the most of its architectures run,
    at least DOMAIN_MIN_USERS of them; and the domains where no technology is run by that many."""
    by_domain: dict[str, list[Spec]] = defaultdict(list)
    for spec in site.specs:
        if spec.arch.domain:
            by_domain[spec.arch.domain].append(spec)
    charts, left_out = [], []
    ordered = sorted(by_domain.items(), key=lambda kv: (-len(kv[1]), site.vocab.domains[kv[0]].name.lower()))
    for domain, specs in ordered:
        name = site.vocab.domains[domain].name
        runs: dict[str, list[str]] = defaultdict(list)
        for spec in specs:
            for tech in site.by_spec_tech[spec.id]:
                runs[tech].append(spec.id)
        best = sorted((t for t in runs if len(runs[t]) >= DOMAIN_MIN_USERS),
                      key=lambda t: (-len(runs[t]), t.lower(), t))[:DOMAIN_TOP]
        if not best:
            left_out.append((name, len(specs)))
            continue
        rows = tuple(Row(t, (Bar(len(runs[t]), len(specs), index_href(root, domain=domain, tech=t),
                                 f"{t}: {len(runs[t])} of the {plural(len(specs))} in {name}",
                                 tuple(sorted(runs[t]))),)) for t in best)
        said = "; ".join(f"{row.name}: {row.bars[0].count}" for row in rows)
        description = (f"The technologies run by the most of the {plural(len(specs))} in {name}, "
                       f"each by at least {DOMAIN_MIN_USERS}; ties in order of name. {said}.")
        charts.append(Chart(f"domain-{domain}", name, description, (Column(name, plural(len(specs))),), rows))
    return charts, left_out


# ---------------------------------------------------------------------------------------------------------------
# Drawing: static SVG, sized in CSS pixels, styled by insights.css
# ---------------------------------------------------------------------------------------------------------------

WIDTH = 320  # fits a phone's screen inside the page's and the chart frame's margins
FONT = 13  # px; labels
LABEL_WIDTH = 150  # the name column of a chart with one bar per row
LINE = 24  # the height of one bar's line: its link's target is the whole line
BAR = 12
COUNT_WIDTH = 30  # room for a count after its bar
RATIO_WIDTH = 60  # room for "30 of 87" after a bar
PERIOD_WIDTH = 46  # room for "2010s" before a bar
NAME_LINE = 18  # the line a name takes above its bars


# Glyph advances in ems of DejaVu Sans, the widest of the fonts the page asks for: text measured with them
# fits in any of those fonts. Lower-case letters one by one; the rest by kind.
_ADVANCE = dict(zip("abcdefghijklmnopqrstuvwxyz", (
    .613, .635, .550, .635, .615, .352, .635, .634, .278, .278, .579, .278, .974,
    .634, .612, .635, .635, .411, .521, .392, .634, .592, .818, .592, .592, .525), strict=True))


def advance(char: str) -> float:
    if char in _ADVANCE:
        return _ADVANCE[char]
    if char.isupper():
        return .70
    if char.isdigit():
        return .636
    return .32 if char in " .,:;'!|()[]/" else .84


def text_width(text: str, size: float = FONT) -> float:
    """How wide `text` is drawn at `size` pixels, never underestimated by much for the page's fonts."""
    return 1.03 * size * sum(advance(c) for c in text)


def fit(text: str, width: float) -> str:
    """The text, shortened with an ellipsis to fit `width` pixels at the label size."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _svg(chart: Chart, height: int, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" role="group" aria-labelledby="{chart.id}-t" '
            f'aria-describedby="{chart.id}-d"><title id="{chart.id}-t">{escape(chart.title)}</title>'
            f'<desc id="{chart.id}-d">{escape(chart.description)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _text(css: str, x: float, y: float, text: str, width: float | None = None) -> str:
    """A line of text whose middle is at `y`, shortened to `width` pixels when given."""
    shown = fit(text, width) if width is not None else text
    return f'<text class="{css}" x="{x:g}" y="{y:g}" dy=".35em">{escape(shown)}</text>'


def _bar(bar: Bar, y: float, x: float, track: float, said: str, *, extra: str = "",
         hit: tuple[float, float] | None = None) -> str:
    """One line holding a bar on its track, from `x`, `track` pixels long, with `said` after it, and `extra`
    (a label) before it. When the bar has somewhere to go, the whole line is its link (or the band `hit`,
    its top and height)."""
    top = y + (LINE - BAR) / 2
    length = max(3.0, track * bar.count / bar.scale) if bar.count and bar.scale else 0.0
    parts = [extra, f'<rect class="track" x="{x:g}" y="{top:g}" width="{track:g}" height="{BAR}" rx="3"/>']
    if length:
        parts.append(f'<rect class="bar" x="{x:g}" y="{top:g}" width="{length:.1f}" height="{BAR}" rx="3"/>')
    parts.append(_text("count", x + track + 6, y + LINE / 2, said))
    if bar.href is None:
        return f'<g class="line empty">{"".join(parts)}</g>'
    hit_top, hit_height = hit or (y + 1, LINE - 2)
    return (f'<a class="line" href="{escape(bar.href)}" aria-label="{escape(bar.text)}">'
            f'<title>{escape(bar.text)}</title><rect class="hit" x="0" y="{hit_top:g}" width="{WIDTH}" '
            f'height="{hit_height:g}" rx="4"/>{"".join(parts)}</a>')


def draw_grouped(chart: Chart) -> Markup:
    """A block per row: its name (a link when the row has one), then a line per column holding the column's
    name, the bar and "count of scale"."""
    block = NAME_LINE + LINE * len(chart.columns) + 8
    body = []
    track = WIDTH - PERIOD_WIDTH - RATIO_WIDTH - 6
    for r, row in enumerate(chart.rows):
        y = r * block
        name = _text("name", 0, y + NAME_LINE / 2 + 2, row.name, WIDTH)
        body.append(f'<a class="row-name" href="{escape(row.href)}">{name}</a>' if row.href else name)
        for c, (column, bar) in enumerate(zip(chart.columns, row.bars, strict=True)):
            body.append(_bar(bar, y + NAME_LINE + c * LINE, PERIOD_WIDTH, track, f"{bar.count} of {bar.scale}",
                             extra=_text("period", 0, y + NAME_LINE + c * LINE + LINE / 2, column.name)))
    return _svg(chart, block * len(chart.rows), body)


def draw_bars(chart: Chart) -> Markup:
    """A line per row: its name, its bar and its count; the whole line is the link."""
    body = []
    track = WIDTH - LABEL_WIDTH - COUNT_WIDTH - 6
    for r, row in enumerate(chart.rows):
        y = r * LINE
        body.append(_bar(row.bars[0], y, LABEL_WIDTH, track, str(row.bars[0].count),
                         extra=_text("label", 0, y + LINE / 2, row.name, LABEL_WIDTH - 8)))
    return _svg(chart, LINE * len(chart.rows) + 2, body)


def draw_list(chart: Chart) -> Markup:
    """A line per row's name and one for its bar and count under it; the two lines are the link."""
    block = NAME_LINE + LINE + 6
    body = []
    track = WIDTH - COUNT_WIDTH - 6
    for r, row in enumerate(chart.rows):
        y = r * block
        body.append(_bar(row.bars[0], y + NAME_LINE, 0, track, str(row.bars[0].count),
                         extra=_text("label", 0, y + NAME_LINE / 2 + 2, row.name, WIDTH),
                         hit=(y + 1, NAME_LINE + LINE - 2)))
    return _svg(chart, block * len(chart.rows), body)


# ---------------------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    chart: Chart
    svg: Markup


@dataclass(frozen=True)
class Insights:
    eras: list[Drawn]
    periods_left_out: list[tuple[str, int]]
    pairs: Drawn | None
    pair_lists: list[Pair]
    domains: list[Drawn]
    domains_left_out: list[tuple[str, int]]
    min_share: float
    domain_min_users: int


def insights(site: Site, root: str = "") -> Insights:
    """Everything templates/insights.html shows, for a page `root` below the gallery's root."""
    _, left_out = periods(site)
    pairs = pattern_pairs(site)
    together = pairs_chart(site, pairs) if pairs else None
    domains, domains_left_out = domain_technologies(site, root)
    return Insights(
        eras=[Drawn(c, draw_grouped(c)) for c in technologies_by_era(site, root)],
        periods_left_out=left_out,
        pairs=Drawn(together, draw_list(together)) if together else None,
        pair_lists=pairs,
        domains=[Drawn(c, draw_bars(c)) for c in domains],
        domains_left_out=domains_left_out,
        min_share=ERA_MIN_SHARE,
        domain_min_users=DOMAIN_MIN_USERS,
    )
