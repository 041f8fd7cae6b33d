"""Catalog insights without a browser: the counts against the specs (recounted here another way, and exactly on
a scratch catalog of three specs), the SVG, and where every bar leads."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from html.parser import HTMLParser
from itertools import combinations
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from archcat.catalog import load_catalog
from archcat.diagnostics import errors
from archcat.discover import Project
from archcat.gallery import make_site
from archcat.insights import (
    DOMAIN_TOP,
    ERA_FAMILIES,
    ERA_TOP,
    PAIRS_TOP,
    domain_technologies,
    fit,
    insights,
    pattern_pairs,
    technologies_by_era,
    text_width,
)
from archcat.vocab import load_vocabulary
from tests.conftest import REPO, VALID_SPEC, write_spec

SPECS, _ = load_catalog(Project(REPO))
VOCAB = load_vocabulary()
SITE = make_site(SPECS, VOCAB)
SVG = "{http://www.w3.org/2000/svg}"


def runs(spec, name: str) -> bool:
    """Whether any component of the spec names the technology (or one of its aliases), read off the nodes."""
    wanted = {name, *VOCAB.technology(name).aliases} if VOCAB.technology(name) else {name}
    return any(part.strip() in wanted for view in spec.arch.views for node in view.all_nodes()
               for part in (node.technology or "").split(","))


def decade_of(year: int) -> str:
    return f"{year - year % 10}s"


def patterns_used(spec) -> set[str]:
    return set(spec.arch.patterns).union(*(set(lesson.patterns) for lesson in spec.arch.lessons))


# ---------------------------------------------------------------------------------------------------------------
# The counts, recounted from the bundled catalog
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["MySQL", "Kafka", "Memcached", "Java"])
def test_era_bars_recount_the_specs(name: str):
    rows = {row.name: (chart, row) for chart in technologies_by_era(SITE) for row in chart.rows}
    chart, row = rows[name]
    assert chart.columns, "the bundled catalog has decades to chart"
    for column, bar in zip(chart.columns, row.bars, strict=True):
        in_decade = [s for s in SPECS if decade_of(s.arch.year) == column.name]
        users = {s.id for s in in_decade if runs(s, name)}
        assert (bar.count, bar.scale, set(bar.specs)) == (len(users), len(in_decade), users)
        assert bar.href == (f"index.html?tech={name}&era={column.name}" if users else None)


def test_era_charts_hold_each_familys_most_used_technologies():
    charts = technologies_by_era(SITE)
    assert [c.title for c in charts] == [title for title, _ in ERA_FAMILIES]
    users = Counter(name for spec in SPECS for name in SITE.by_spec_tech[spec.id])
    for chart, (_, categories) in zip(charts, ERA_FAMILIES, strict=True):
        names = [row.name for row in chart.rows]
        family = {n for n in users if VOCAB.technology(n) and VOCAB.technology(n).category in categories}
        assert set(names) <= family and len(names) == min(ERA_TOP, len(family))
        assert [users[n] for n in names] == sorted((users[n] for n in names), reverse=True)
        assert min(users[n] for n in names) >= max((users[n] for n in family - set(names)), default=0)
    # decades holding fewer than 5% of the catalog are left out, and said so
    counts = Counter(decade_of(s.arch.year) for s in SPECS)
    shown = [c.name for c in charts[0].columns]
    assert shown == sorted(d for d, n in counts.items() if n >= 0.05 * len(SPECS))


def test_pattern_pairs_recount_the_specs():
    together: Counter[frozenset[str]] = Counter()
    for spec in SPECS:
        for a, b in combinations(sorted(patterns_used(spec)), 2):
            together[frozenset((a, b))] += 1
    pairs = pattern_pairs(SITE)
    assert len(pairs) == PAIRS_TOP
    for pair in pairs:
        both = {s.id for s in SPECS if {pair.a, pair.b} <= patterns_used(s)}
        assert {s.id for s in pair.specs} == both and len(both) == together[frozenset((pair.a, pair.b))]
    counts = [len(p.specs) for p in pairs]
    assert counts == sorted(counts, reverse=True)
    shown = {frozenset((p.a, p.b)) for p in pairs}
    assert max(n for key, n in together.items() if key not in shown) <= counts[-1]


def test_domain_bars_recount_the_specs():
    charts, left_out = domain_technologies(SITE)
    by_domain = defaultdict(list)
    for spec in SPECS:
        by_domain[spec.arch.domain].append(spec)
    assert len(charts) + len(left_out) == len(by_domain)
    for chart in charts:
        domain = chart.id.removeprefix("domain-")
        specs = by_domain[domain]
        for row in chart.rows:
            users = {s.id for s in specs if runs(s, row.name)}
            bar = row.bars[0]
            assert (bar.count, bar.scale, set(bar.specs)) == (len(users), len(specs), users)
            assert bar.href == f"index.html?domain={domain}&tech={row.name.replace(' ', '+')}"
        best = Counter(name for s in specs for name in SITE.by_spec_tech[s.id])
        top = sorted((n for n in best if best[n] >= 2), key=lambda n: (-best[n], n.lower()))[:DOMAIN_TOP]
        assert [row.name for row in chart.rows] == top
    for name, n in left_out:
        domain = next(d for d, t in VOCAB.domains.items() if t.name == name)
        counts = Counter(t for s in by_domain[domain] for t in SITE.by_spec_tech[s.id])
        assert n == len(by_domain[domain]) and max(counts.values(), default=0) < 2


# ---------------------------------------------------------------------------------------------------------------
# A scratch catalog of three specs: every number known in advance
# ---------------------------------------------------------------------------------------------------------------


def scratch_spec(year: int, domain: str, *, cache: str, db: str, web: str, patterns: list[str]) -> str:
    text = VALID_SPEC.read_text(encoding="utf-8")
    for old, new in (("year: 2020\n", f"year: {year}\ndomain: {domain}\n"),
                     ("patterns: [cache-aside]\nlessons", f"patterns: [{', '.join(patterns)}]\nlessons"),
                     ("    patterns: [cache-aside]\n", f"    patterns: [{patterns[0]}]\n"),
                     ("kind: redis}", f"kind: redis, technology: '{cache}'}}"),
                     ("kind: postgresql}", f"kind: mysql, technology: '{db}'}}"),
                     ("technology: nginx,", f"technology: '{web}',")):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def scratch(project: Project):
    (project.architectures / VALID_SPEC.name).unlink()
    write_spec(project, "alpha-2008", scratch_spec(2008, "social", cache="Memcached", db="MySQL", web="nginx",
                                                   patterns=["cache-aside", "sharding"]))
    write_spec(project, "beta-2012", scratch_spec(2012, "social", cache="Memcached", db="MySQL, Kafka",
                                                  web="nginx, Java",
                                                  patterns=["cache-aside", "sharding", "replication"]))
    write_spec(project, "gamma-2013", scratch_spec(2013, "video", cache="Redis", db="PostgreSQL, FooDB",
                                                   web="nginx, Java", patterns=["sharding", "replication"]))
    specs, problems = load_catalog(project)
    assert errors(problems) == [] and len(specs) == 3
    return make_site(specs, load_vocabulary(project))


def bars(chart) -> dict[str, list[tuple[int, int]]]:
    return {row.name: [(b.count, b.scale) for b in row.bars] for row in chart.rows}


def test_scratch_catalog_eras(scratch):
    charts = {c.title: c for c in technologies_by_era(scratch)}
    assert [c.name for c in charts["Caches"].columns] == ["2000s", "2010s"]
    assert [c.note for c in charts["Caches"].columns] == ["1 architecture", "2 architectures"]
    # FooDB is in no glossary: it takes the category of its node's kind (mysql: database).
    assert bars(charts["Databases and storage"]) == {"MySQL": [(1, 1), (1, 2)], "FooDB": [(0, 1), (1, 2)],
                                                     "PostgreSQL": [(0, 1), (1, 2)]}
    assert bars(charts["Queues and streams"]) == {"Kafka": [(0, 1), (1, 2)]}
    assert bars(charts["Caches"]) == {"Memcached": [(1, 1), (1, 2)], "Redis": [(0, 1), (1, 2)]}
    assert bars(charts["Languages and runtimes"]) == {"Java": [(0, 1), (2, 2)]}
    java = charts["Languages and runtimes"].rows[0]
    assert [b.href for b in java.bars] == [None, "index.html?tech=Java&era=2010s"]
    assert java.bars[1].specs == ("beta-2012", "gamma-2013")
    assert java.href == "technologies.html#t-java"
    assert "Java: 0 of 1 in the 2000s, 2 of 2 in the 2010s" in charts["Languages and runtimes"].description


def test_scratch_catalog_pairs_and_domains(scratch):
    pairs = pattern_pairs(scratch)
    # cache-aside + replication has one user only (beta): not a pair worth charting.
    assert [(p.a, p.b, [s.id for s in p.specs]) for p in pairs] == [
        ("cache-aside", "sharding", ["alpha-2008", "beta-2012"]),
        ("replication", "sharding", ["beta-2012", "gamma-2013"])]
    charts, left_out = domain_technologies(scratch)
    assert [c.title for c in charts] == ["Social networks"]
    assert bars(charts[0]) == {"Memcached": [(2, 2)], "MySQL": [(2, 2)], "nginx": [(2, 2)]}
    assert charts[0].rows[2].bars[0].href == "index.html?domain=social&tech=nginx"
    assert left_out == [("Video and live streaming", 1)]


def test_scratch_catalog_page_model(scratch):
    page = insights(scratch, root="../")
    assert page.periods_left_out == []
    assert page.pairs is not None and page.pairs.chart.rows[0].bars[0].href == "#pair-cache-aside--sharding"
    assert page.domains[0].chart.rows[0].bars[0].href == "../index.html?domain=social&tech=Memcached"
    ET.fromstring(str(page.pairs.svg))


# ---------------------------------------------------------------------------------------------------------------
# The page as built: SVG well-formed and accessible, every link leads somewhere real
# ---------------------------------------------------------------------------------------------------------------


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.options: dict[str, set[str]] = defaultdict(set)
        self._select = ""

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"])
        if tag == "select":
            self._select = found.get("name", "")
        elif tag == "option" and self._select and found.get("value"):
            self.options[self._select].add(found["value"])


def parsed(path: Path) -> Ids:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def charts_in(site: Path) -> list[ET.Element]:
    html = (site / "insights.html").read_text(encoding="utf-8")
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_every_chart_is_well_formed_svg_with_a_title_and_a_description(site: Path):
    charts = charts_in(site)
    assert len(charts) == len(technologies_by_era(SITE)) + 1 + len(domain_technologies(SITE)[0])
    for svg in charts:
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "group"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and len(desc.text or "") > 40
        assert svg.get("aria-labelledby") == title.get("id") and svg.get("aria-describedby") == desc.get("id")
        links = svg.findall(f".//{SVG}a")
        assert links
        for link in links:
            assert link.get("href")
            assert link.get("class") == "row-name" or link.get("aria-label")


def matching(filters: dict[str, str]) -> set[str]:
    """The architectures the index shows for these filters, from the spec data."""
    found = set()
    for spec in SPECS:
        if "tech" in filters and filters["tech"] not in SITE.by_spec_tech[spec.id]:
            continue
        if "era" in filters and decade_of(spec.arch.year) != filters["era"]:
            continue
        if "domain" in filters and spec.arch.domain != filters["domain"]:
            continue
        found.add(spec.id)
    return found


def test_every_bar_link_resolves_to_the_architectures_behind_it(site: Path):
    index, page, glossary = parsed(site / "index.html"), parsed(site / "insights.html"), parsed(
        site / "technologies.html")
    html = (site / "insights.html").read_text(encoding="utf-8")
    checked = Counter()
    for svg in charts_in(site):
        for link in svg.iter(f"{SVG}a"):
            href = link.get("href")
            parts = urlsplit(href)
            said = link.get("aria-label") or ""
            count = int(m.group(1)) if (m := re.search(r": (\d+)", said)) else None
            if parts.path == "index.html":
                filters = {k: v[0] for k, v in parse_qs(parts.query).items()}
                assert set(filters) <= {"tech", "era", "domain"}
                for key, value in filters.items():
                    assert value in index.options[key], (href, key)  # the index can select it
                assert len(matching(filters)) == count > 0, href
                checked["index"] += 1
            elif parts.path == "technologies.html":
                assert parts.fragment in glossary.ids, href
                checked["glossary"] += 1
            else:
                assert not parts.path and parts.fragment in page.ids, href
                block = html[html.index(f'id="{parts.fragment}"'):]
                block = block[:block.index("</li>\n")]
                assert block.count('href="architectures/') == count > 1, href
                checked["pairs"] += 1
    assert checked["pairs"] == PAIRS_TOP
    assert checked["glossary"] == sum(len(c.rows) for c in technologies_by_era(SITE))
    assert checked["index"] > 100


def test_labels_are_shortened_to_their_room_only_when_needed():
    assert fit("MySQL", 100) == "MySQL"
    short = fit("Functional partitioning + Horizontal scaling", 150)
    assert short.endswith("…") and text_width(short) <= 150 < text_width(short[:-1] + "xx…")
    assert text_width("WWW") > text_width("iii")


def test_the_page_links_from_the_nav_and_builds_the_same_bytes_twice(site: Path, tmp_path: Path):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="insights.html">Insights</a>' in html
    from archcat.gallery import environment

    env = environment(REPO / "templates", VOCAB)
    again = env.get_template("insights.html").render(site=SITE, root="", vocab=VOCAB, presenter=False,
                                                     page_id="insights", insights=insights(SITE))
    assert again == (site / "insights.html").read_text(encoding="utf-8")


def test_names_from_specs_reach_the_svg_as_text_only(project: Project):
    hostile = "<script>alert(1)</script> & 'q'"
    text = scratch_spec(2012, "social", cache="Redis", db="HOSTILE", web="nginx", patterns=["cache-aside"])
    write_spec(project, "shop-2020", text.replace("'HOSTILE'", f'"{hostile}"'))
    specs, problems = load_catalog(project)
    assert errors(problems) == []
    page = insights(make_site(specs, load_vocabulary(project)))
    svg = str(page.eras[0].svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert any(hostile in (t.text or "") for t in ET.fromstring(svg).iter(f"{SVG}text"))
