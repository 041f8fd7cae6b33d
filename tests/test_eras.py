"""Eras side by side (render/eras.py): grouping by company, what changed between eras, aligned key numbers,
compare suggestions, and the pages a small scratch catalog gets."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archcat.build import build
from archcat.catalog import load_catalog
from archcat.diagnostics import errors
from archcat.discover import Project
from archcat.eras import (
    companies,
    company_slugs,
    compare_with,
    diff_eras,
    group_by_company,
    normalised_label,
    same_measure,
)
from archcat.gallery import make_site
from archcat.model import Metric
from archcat.vocab import load_vocabulary
from tests.conftest import REPO

COMPANY = "Acme & <Co>"  # markup in a name must stay text on every page


def spec_text(name: str, year: int, nodes: list[str], metrics: list[tuple[str, str, int]], *, patterns: list[str],
              lessons: list[tuple[str, list[str]]]) -> str:
    """A valid spec: `nodes` are "id|label|kind|technology" (technology optional), all in one view, each joined
    to the first by an edge."""
    lines = [f"name: '{name}'", f"title: The {year} design", f"year: {year}",
             f"summary: What ran in {year}.", "sources:",
             f"  - {{id: blog, title: How it works, url: 'https://example.com/a', year: {year}}}"]
    if metrics:
        lines.append("metrics:")
        lines += [f"  - {{label: '{label}', value: '{value}', year: {when}, source: blog}}"
                  for label, value, when in metrics]
    lines.append(f"patterns: [{', '.join(patterns)}]")
    if lessons:
        lines.append("lessons:")
        for title, used in lessons:
            lines += [f"  - title: {title}", "    body: Why they did it and what it cost.",
                      f"    patterns: [{', '.join(used)}]", "    source: blog"]
    lines += ["views:", "  - id: overview", "    title: Overview", "    nodes:"]
    ids = []
    for node in nodes:
        ident, label, kind, *tech = node.split("|")
        ids.append(ident)
        extra = f", technology: '{tech[0]}'" if tech else ""
        lines.append(f"      - {{id: {ident}, label: '{label}', kind: {kind}{extra}}}")
    lines.append("    edges:")
    lines += [f"      - {{id: e{i}, from: {ids[0]}, to: {other}}}" for i, other in enumerate(ids[1:])]
    lines += ["    flow:", "      - {edge: e0, text: A request arrives.}"]
    return "\n".join(lines) + "\n"


SPECS = {
    "acme-2010": spec_text(COMPANY, 2010, [
        "users|Users|users", "web|Web servers|web-server|nginx", "db|Database|mysql|MySQL",
        "cache|Cache|memcached|Memcached",
    ], [("Registered users", "1 million", 2010), ("Requests per second", "500", 2010), ("Engineers", "3", 2010),
        ("Peak requests per second", "900", 2010)],
        patterns=["cache-aside"], lessons=[("Cache the pages", ["cache-aside"])]),
    "acme-2012": spec_text(COMPANY, 2012, [
        "users|Users|users", "web|App servers|web-server|nginx", "store|DATABASE|mysql|MySQL",
        "queue|Queue|rabbitmq|RabbitMQ", "queue2|queue|rabbitmq|RabbitMQ",
    ], [("Requests per day", "40 million", 2012), ("Acme engineers running it all", "9", 2012),
        ("Peak requests per second", "2,000", 2011), ("API requests per second", "700", 2012),
        ("Registered users", "5 million", 2012), ("Registered users (first quarter)", "4 million", 2012)],
        patterns=["message-queue"],
        lessons=[("Queue the slow work", ["message-queue"]), ("Shard the users", ["sharding"])]),
    # A later year, but an id that sorts first: eras go by year, then id.
    "acme-a": spec_text(COMPANY, 2015, [
        "users|Users|users", "web|App servers|web-server|nginx", "store|Database|mysql|MySQL",
    ], [], patterns=["sharding"], lessons=[]),
    "solo-2011": spec_text("Solo", 2011, [
        "users|Users|users", "web|Web servers|web-server|nginx", "db|Database|mysql|MySQL",
    ], [("Registered users", "2 million", 2011)], patterns=["cache-aside"],
        lessons=[("Cache the pages", ["cache-aside"])]),
}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("eras")
    (root / "architectures").mkdir()
    for spec_id, text in SPECS.items():
        (root / "architectures" / f"{spec_id}.yaml").write_text(text, encoding="utf-8")
    return Project(root)


@pytest.fixture(scope="module")
def loaded(scratch: Project):
    specs, problems = load_catalog(scratch)
    assert errors(problems) == []
    return make_site(sorted(specs, key=lambda s: s.id), load_vocabulary(scratch))


def by_id(site, spec_id: str):
    return next(s for s in site.specs if s.id == spec_id)


def test_specs_are_grouped_by_company_in_order_of_year_then_id(loaded):
    groups = group_by_company(loaded.specs)
    assert {name: [s.id for s in specs] for name, specs in groups.items()} == {
        COMPANY: ["acme-2010", "acme-2012", "acme-a"], "Solo": ["solo-2011"]}
    found = companies(loaded.specs, loaded.tech_name)
    assert [(c.name, c.slug, c.href, c.years) for c in found] == [
        (COMPANY, "acme-co", "eras/acme-co.html", "2010\u20132015")]
    assert [(ch.before.id, ch.after.id) for ch in found[0].changes] == [("acme-2010", "acme-2012"),
                                                                        ("acme-2012", "acme-a")]


def test_company_slugs_never_collide():
    slugs = company_slugs(["C++", "C", "C#", "Index", "Stack Overflow"])
    assert slugs["Stack Overflow"] == "stack-overflow" and slugs["C"] != slugs["C++"] != slugs["C#"] != slugs["C"]
    assert len(set(slugs.values())) == 5
    assert slugs["Index"] != "index", "a company page must not overwrite the index of timelines"


def test_diff_of_two_eras(loaded):
    change = diff_eras(by_id(loaded, "acme-2010"), by_id(loaded, "acme-2012"), loaded.tech_name)
    c = change.components
    # Matched by id (users, web: relabelled), then by label ignoring case (Database/DATABASE under a new id);
    # the queue drawn twice under two ids is one component.
    assert [(a.id, b.id) for a, b in c.kept] == [("users", "users"), ("web", "web"), ("db", "store")]
    assert [n.label for n in c.removed] == ["Cache"]
    assert [n.label for n in c.added] == ["Queue"]
    t = change.technologies
    assert (t.added, t.removed, t.kept) == (["RabbitMQ"], ["Memcached"], ["MySQL", "nginx"])
    p = change.patterns  # listed and illustrated by a lesson
    assert (p.added, p.removed, p.kept) == (["message-queue", "sharding"], ["cache-aside"], [])
    assert [(n, lesson.title) for n, lesson in change.lessons] == [(1, "Queue the slow work"), (2, "Shard the users")]


def test_key_numbers_align_only_when_clearly_the_same_measure(loaded):
    change = diff_eras(by_id(loaded, "acme-2010"), by_id(loaded, "acme-2012"), loaded.tech_name)
    moves = [(m.before.label, m.before.value, m.after.label, m.after.value, m.after.year, m.why)
             for m in change.metrics]
    assert moves == [
        ("Registered users", "1 million", "Registered users", "5 million", 2012, "same label"),
        ("Engineers", "3", "Acme engineers running it all", "9", 2012, "engineer"),
        ("Peak requests per second", "900", "Peak requests per second", "2,000", 2011, "same label"),
    ]
    # Not aligned: requests per second and per day; requests and API requests; a peak and a plain count.
    later = diff_eras(by_id(loaded, "acme-2012"), by_id(loaded, "acme-a"), loaded.tech_name)
    assert later.metrics == []


@pytest.mark.parametrize(("a", "b", "why"), [
    ("Tweets stored per day", "Tweets per day", "tweet"),
    ("LinkedIn members", "Members", "member"),
    ("Page views per month", "Page views per month (whole network)", "same label"),
    ("Users", "Registered users / answers", None),
    ("Web servers", "Servers running everything", None),
    ("Monthly unique visitors", "Monthly visitors", None),
    ("Registered users", "Daily active users", None),
    ("Peak tweets per second", "Tweets per second", None),
    ("Tweets per second", "Tweets per day", None),
    ("Page views per month", "Page views per month, three years earlier", None),
    ("New users in the first 12 hours", "Users", None),
    ("Users, three years earlier", "Users", None),
    ("Users, less than two years after launch", "Users", "user"),
])
def test_same_measure(a: str, b: str, why: str | None):
    def metric(label: str) -> Metric:
        return Metric(label=label, value="1", year=2012, source="s")

    company = "LinkedIn" if "LinkedIn" in a else ""
    assert same_measure(metric(a), metric(b), company) == why
    assert same_measure(metric(b), metric(a), company) == why


def test_normalised_label():
    assert normalised_label("API requests (New Relic average)") == "api requests"
    assert normalised_label("Users / answers") == "users answers"


def test_compare_with_puts_the_nearest_era_first_then_the_same_domain(loaded):
    site = loaded
    assert [(s.id, why) for s, why in compare_with(site, by_id(site, "acme-2012"))][:1] == [
        ("acme-2010", f"another era of {COMPANY}; shares MySQL, nginx")]
    solo = [s.id for s, _ in compare_with(site, by_id(site, "solo-2011"))]
    assert len(solo) == 3 and solo[0] == "acme-2010"  # shares nginx, MySQL and cache-aside: the most


@pytest.fixture(scope="module")
def bundled():
    specs, problems = load_catalog(Project(REPO))
    assert errors(problems) == []
    return make_site(specs, load_vocabulary())


def test_compare_with_over_the_bundled_catalog(bundled):
    site, specs = bundled, bundled.specs
    grouped = group_by_company(specs)
    for spec in site.specs:
        picks = compare_with(site, spec)
        ids = [s.id for s, _ in picks]
        assert len(ids) == 3 and len(set(ids)) == 3 and spec.id not in ids, spec.id
        same = [s for s in grouped[spec.arch.name] if s.id != spec.id]
        if same:
            nearest = min(abs(s.arch.year - spec.arch.year) for s in same)
            assert picks[0][0] in same and abs(picks[0][0].arch.year - spec.arch.year) == nearest, spec.id
            rest = picks[1:]
        else:
            rest = picks
        domain = [s for s in site.specs if spec.arch.domain and s.arch.domain == spec.arch.domain
                  and s.arch.name != spec.arch.name]
        ranked_domain = [s for s, _ in site.related(spec, limit=len(site.specs)) if s in domain]
        expected = ranked_domain[:len(rest)]
        assert [s.id for s, _ in rest[:len(expected)]] == [s.id for s in expected], spec.id


def test_every_company_with_two_specs_is_a_timeline_over_the_bundled_catalog(bundled):
    specs = bundled.specs
    found = companies(specs)
    names = {s.arch.name for s in specs}
    assert {c.name for c in found} == {n for n in names if sum(s.arch.name == n for s in specs) >= 2}
    assert len({c.slug for c in found}) == len(found)
    twitter = next(c for c in found if c.name == "Twitter")
    assert [s.id for s in twitter.eras] == sorted((s.id for s in specs if s.arch.name == "Twitter"),
                                                  key=lambda i: (next(s.arch.year for s in specs if s.id == i), i))
    assert len(twitter.changes) == len(twitter.eras) - 1


# ---------------------------------------------------------------------------------------------------------------
# The pages of the scratch catalog
# ---------------------------------------------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.sources: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"] or "")
        if tag == "img":
            self.images.append(found)
        if tag == "source":
            self.sources.append(found)


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


@pytest.fixture(scope="module")
def gallery(scratch: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eras-site") / "site"
    build(scratch, out=out, workers=2)
    return out


def test_timeline_page_of_the_scratch_catalog(gallery: Path, loaded):
    page = gallery / "eras" / "acme-co.html"
    html = page.read_text(encoding="utf-8")
    assert "Acme &amp; &lt;Co&gt;" in html and COMPANY not in html
    links = parsed(page)
    for spec_id in ("acme-2010", "acme-2012", "acme-a"):
        assert f"../architectures/{spec_id}.html" in links.hrefs
        assert (page.parent / f"../architectures/{spec_id}.html").resolve().is_file()
    assert [i["src"] for i in links.images] == [f"../diagrams/{s}/overview-light.svg"
                                                for s in ("acme-2010", "acme-2012", "acme-a")]
    assert links.sources == []  # one drawing in both themes: the light one, the site stores no other
    assert all((page.parent / i["src"]).resolve().is_file() and i["loading"] == "lazy" for i in links.images)
    from archcat.describe import alt_text

    spec = by_id(loaded, "acme-2012")
    assert links.images[1]["alt"] == alt_text(spec, spec.arch.views[0])
    # Lessons link to their anchors on the era's page; numbers cite the spec and source they come from.
    assert "../architectures/acme-2012.html#lesson-2" in links.hrefs
    assert "../architectures/acme-2012.html#s-blog" in links.hrefs
    assert "../compare.html?a=acme-2010&b=acme-2012" in links.hrefs
    for text in ("Queue the slow work", "Shard the users", "(was Web servers)", "5 million", "in 2011"):
        assert text in html
    assert re.search(r"Removed \(1\)</h5>\s*<ul[^>]*><li>Cache</li>", html)
    assert "change-note" not in html  # three of four components kept: one system, before and after


def test_index_of_timelines_and_links_from_each_era(gallery: Path):
    index = parsed(gallery / "eras" / "index.html")
    assert "acme-co.html" in " ".join(index.hrefs) and not any("solo" in h for h in index.hrefs if "eras" in h)
    assert "../eras/index.html" in index.hrefs  # the nav
    for spec_id in ("acme-2010", "acme-2012", "acme-a"):
        hrefs = parsed(gallery / "architectures" / f"{spec_id}.html").hrefs
        assert f"../eras/acme-co.html#era-{spec_id}" in hrefs
        assert any(h.startswith(f"../compare.html?a={spec_id}&b=") for h in hrefs)
    solo = parsed(gallery / "architectures" / "solo-2011.html").hrefs
    assert not any(h.startswith("../eras/acme") for h in solo)
    assert [h for h in solo if h.startswith("../compare.html?a=solo-2011")][:1] == [
        "../compare.html?a=solo-2011&b=acme-2010"]


def test_a_catalog_with_one_spec_per_company_gets_an_empty_index(project: Project, tmp_path: Path):
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    assert sorted(p.name for p in (out / "eras").iterdir()) == ["index.html"]
    assert "No company has two specs" in (out / "eras" / "index.html").read_text(encoding="utf-8")
