"""The gallery at 1,000 architectures, in Chromium: search, every kind of filter, paging and the address.

A catalog of 1,000 small but complete specs is generated (names, years, domains, tags, technologies and
patterns drawn from the vocabularies with a fixed seed), built for real, and read back with the catalog
loader; every expected value below is computed from those specs.
"""

from __future__ import annotations

import math
import random

import pytest
import yaml

from archcat.build import build
from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.gallery import PAGE_SIZE, decade, make_site, patterns_of
from archcat.vocab import load_vocabulary
from tests.conftest import PHONE
from tests.test_gallery_browser import ALL_PAGES_JS, assert_query, cards_on_page, cards_ready, query_of, url

# One worker builds the catalog and runs every test on it (make test spreads tests with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("scale")

COUNT = 1000
VOCAB = load_vocabulary()
WORDS = ["amber", "basalt", "cobalt", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "jasper"]


def scale_spec(i: int, rng: random.Random) -> dict:
    techs = rng.sample(sorted(VOCAB.technologies), 2)
    pattern = rng.choice(sorted(VOCAB.patterns))
    year = rng.randint(1998, 2024)
    return {
        "name": f"Scale {i:04d}",
        "title": f"System {i:04d} on {techs[0]}",
        "year": year,
        "domain": rng.choice(sorted(VOCAB.domains)),
        # a word shared by a tenth of the catalog, and one that only this spec has
        "summary": f"A {WORDS[i % len(WORDS)]} system, number q{i:04d}x, that serves requests from a cache.",
        "tags": sorted(rng.sample(sorted(VOCAB.tags), 2)),
        "sources": [{"id": "notes", "title": f"Notes on system {i}", "url": f"https://example.com/{i}",
                     "year": year}],
        "metrics": [{"label": "Requests per second", "value": f"{rng.randint(1, 900)},000", "year": year,
                     "source": "notes"}],
        "patterns": [pattern],
        "lessons": [{"title": "Cache what is read most", "body": "Reads outnumber writes, so a cache takes them.",
                     "patterns": [pattern], "source": "notes"}],
        "views": [{"id": "overview", "title": "Overview",
                   "nodes": [{"id": "users", "label": "Users", "kind": "users"},
                             {"id": "app", "label": "App", "kind": "server", "technology": techs[0]},
                             {"id": "db", "label": "Store", "kind": "database", "technology": techs[1]}],
                   # no request flow: a view with one takes a second Graphviz run, and the index shows none
                   "edges": [{"id": "ask", "from": "users", "to": "app"}, {"id": "read", "from": "app", "to": "db"}]}],
    }


@pytest.fixture(scope="module")
def scale(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("scale")
    (root / "architectures").mkdir()
    rng = random.Random(1000)
    for i in range(COUNT):
        text = yaml.safe_dump(scale_spec(i, rng), sort_keys=False, allow_unicode=True)
        (root / "architectures" / f"scale-{i:04d}.yaml").write_text(text, encoding="utf-8")
    project = Project(root)
    specs, problems = load_catalog(project)
    assert problems == [] and len(specs) == COUNT
    build(project, out=root / "site", workers=2)
    return root / "site", specs, make_site(specs, VOCAB)


def in_order(ids: set[str], specs) -> list[str]:
    """The index's order (by name) of the given specs."""
    return [spec.id for spec in specs if spec.id in ids]


def test_paging_through_a_thousand_and_the_page_in_the_address(scale, contexts):
    site, specs, _ = scale
    ordered = [spec.id for spec in specs]
    pages = math.ceil(COUNT / PAGE_SIZE)
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "index.html"))
        assert tab.inner_text("#page-of") == f"Page 1 of {pages}"
        assert tab.inner_text("#count") == f"{COUNT} architectures"
        assert cards_on_page(tab) == ordered[:PAGE_SIZE]  # a phone lays out one page of cards, never the catalog
        cards_ready(tab)
        assert tab.evaluate(ALL_PAGES_JS) == ordered
        tab.click("#next-page")
        tab.click("#next-page")
        assert query_of(tab) == {"page": ["3"]} and cards_on_page(tab) == ordered[2 * PAGE_SIZE:3 * PAGE_SIZE]
        for number in (2, 21, pages, pages + 5):  # a page past the last opens the last
            tab.goto(url(site, "index.html", {"page": str(number)}))
            tab.wait_for_selector("#cards[data-card-text=loaded]:not([aria-busy])", state="attached")
            shown = min(number, pages)
            assert tab.inner_text("#page-of") == f"Page {shown} of {pages}"
            assert cards_on_page(tab) == ordered[(shown - 1) * PAGE_SIZE:shown * PAGE_SIZE]
            assert tab.evaluate("document.querySelectorAll('#cards > li').length") <= PAGE_SIZE
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    finally:
        tab.close()


def test_search_finds_exactly_the_specs_whose_text_has_every_word(scale, page_1000):
    site, specs, catalog = scale
    tab = page_1000
    tab.goto(url(site, "index.html"))
    cases = {
        "q0417x": {"scale-0417"},  # a word only one spec's summary has
        WORDS[3]: {s.id for s in specs if WORDS[3] in s.arch.summary},  # a tenth of the catalog
        f"{WORDS[3]} {VOCAB.domains[specs[5].arch.domain].name.split()[0]}": None,  # two words: both must occur
    }
    for query, given in cases.items():
        tab.fill("#q", query)
        cards_ready(tab)
        expected = given if given is not None else {
            s.id for s in specs if all(w in haystack(s, catalog) for w in query.lower().split())}
        assert tab.evaluate(ALL_PAGES_JS) == in_order(expected, specs), query
        want = f"{COUNT} architectures" if len(expected) == COUNT else f"{len(expected)} of {COUNT} architectures"
        assert tab.inner_text("#count") == want
        assert_query(tab, {"q": [query]})
    assert len(cases[WORDS[3]]) == COUNT // len(WORDS)


def haystack(spec, catalog) -> str:
    """What the index search looks in, once the full text has loaded."""
    arch = spec.arch
    domain = VOCAB.domains[arch.domain].name if arch.domain else ""
    return " ".join([arch.name, arch.title, arch.summary, arch.era or str(arch.year), domain, " ".join(arch.tags),
                     " ".join(catalog.by_spec_tech[spec.id]), " ".join(p.replace("-", " ") for p in patterns_of(spec))]
                    + [f"{lesson.title} {lesson.body}" for lesson in arch.lessons]).lower()


@pytest.fixture
def page_1000(contexts):
    tab = contexts("light").new_page()
    yield tab
    tab.close()


def test_every_kind_of_filter_and_the_address_round_trip(scale, page_1000, contexts):
    site, specs, catalog = scale
    tab = page_1000
    tab.goto(url(site, "index.html"))
    cards_ready(tab)
    spec = next(s for s in specs[100:] if 2010 <= s.arch.year < 2020)  # a decade with hundreds of specs
    tech = catalog.by_spec_tech[spec.id][0]
    choices = {
        "domain": (spec.arch.domain, {s.id for s in specs if s.arch.domain == spec.arch.domain}),
        "tech": (tech, {s.id for s in specs if tech in catalog.by_spec_tech[s.id]}),
        "pattern": (spec.arch.patterns[0], {s.id for s in specs if spec.arch.patterns[0] in patterns_of(s)}),
        "tag": (spec.arch.tags[0], {s.id for s in specs if spec.arch.tags[0] in s.arch.tags}),
        "era": (decade(spec.arch.year), {s.id for s in specs if decade(s.arch.year) == decade(spec.arch.year)}),
    }
    for key, (value, expected) in choices.items():
        tab.select_option(f"#filters [name={key}]", value)
        assert tab.evaluate(ALL_PAGES_JS) == in_order(expected, specs), key
        assert query_of(tab) == {key: [value]}
        tab.select_option(f"#filters [name={key}]", "")
    # a filter, a search and a later page: the address alone brings the same cards back
    era_value, era_ids = choices["era"]
    word = WORDS[int(spec.id.removeprefix("scale-")) % len(WORDS)]
    tab.select_option("#filters [name=era]", era_value)
    tab.fill("#q", word)
    cards_ready(tab)
    expected = in_order({s.id for s in specs if s.id in era_ids and word in haystack(s, catalog)}, specs)
    assert tab.evaluate(ALL_PAGES_JS) == expected and len(expected) > PAGE_SIZE
    tab.click("#next-page")
    address, shown = tab.url, cards_on_page(tab)
    assert shown == expected[PAGE_SIZE:2 * PAGE_SIZE]
    assert query_of(tab) == {"q": [word], "era": [era_value], "page": ["2"]}
    fresh = contexts("dark").new_page()
    try:
        fresh.goto(address)
        fresh.wait_for_selector("#cards[data-card-text=loaded]:not([aria-busy])", state="attached")
        assert cards_on_page(fresh) == shown and fresh.inner_text("#page-of").startswith("Page 2 of ")
        assert fresh.input_value("#q") == word and fresh.input_value("#filters [name=era]") == era_value
    finally:
        fresh.close()


@pytest.mark.parametrize("rel", ["technologies.html", "patterns.html"])
def test_technologies_and_patterns_search_at_a_thousand(scale, page_1000, rel):
    site = scale[0]
    tab = page_1000
    tab.goto(url(site, rel))
    entries = tab.locator(".filterable")
    total = entries.count()
    assert total > 0
    tab.fill("form.list-filter input[name=q]", "cache")
    entries = tab.eval_on_selector_all(".filterable", "els => els.map(e => [!e.hidden, e.dataset.text.toLowerCase()])")
    assert [shown for shown, _ in entries] == ["cache" in text for _, text in entries]
    assert 0 < sum(shown for shown, _ in entries) < total
    assert_query(tab, {"q": ["cache"]})
    height = tab.evaluate("document.documentElement.scrollHeight")
    assert height < 200_000  # entries name a few users and link to their own page, however large the catalog
