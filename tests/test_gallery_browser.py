"""The built gallery in a real browser: search, filters, pages, links, compare, accessibility, phones, keyboard.

The bundled catalog is built once per session into a temporary folder and the
pages are opened from disk (file://), as a learner opens a downloaded gallery.
Every expected result is computed from the spec data, never hard-coded.
Chromium is Debian's (/usr/bin/chromium, installed by `make test`); without it
these tests fail, they do not skip. Screenshots for a human look go to
/tmp/gallery-shots/.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.gallery import PAGE_SIZE, decade, first_sentence, make_site, patterns_of
from archcat.paths import FORMATS, SITE_FORMATS, THEMES, thumbnail_href
from archcat.vocab import load_vocabulary
from tests.conftest import CHROMIUM_MISSING, DESKTOP, PHONE, REPO, assert_no_serious_axe_violations

PROJECT = Project(REPO)
SPECS, _PROBLEMS = load_catalog(PROJECT)
SITE = make_site(SPECS, load_vocabulary())
BY_ID = {spec.id: spec for spec in SPECS}
TOTAL = len(SPECS)
FOUNDATIONS = ("twitter-2013", "instagram-2011", "whatsapp-2014")
PAGES = ("index.html", "architectures/twitter-2013.html", "technologies.html", "patterns.html", "compare.html")

SHOTS = Path("/tmp/gallery-shots")

# ---------------------------------------------------------------------------------------------------------------
# What the catalog data says the gallery must show
# ---------------------------------------------------------------------------------------------------------------


def searchable(spec) -> str:
    """The text the index search looks in: name, title, summary, era, domain, tags, technologies, patterns,
    lessons."""
    arch = spec.arch
    domain = SITE.vocab.domains[arch.domain].name if arch.domain else ""
    parts = [arch.name, arch.title, arch.summary, arch.era or str(arch.year), domain, " ".join(arch.tags),
             " ".join(SITE.by_spec_tech[spec.id]), " ".join(p.replace("-", " ") for p in patterns_of(spec))]
    parts += [f"{lesson.title} {lesson.body}" for lesson in arch.lessons]
    return " ".join(parts).lower()


def search_expected(query: str) -> set[str]:
    """Cards that must stay visible: every word of the query occurs in the spec's searchable text."""
    words = query.lower().split()
    return {spec.id for spec in SPECS if all(word in searchable(spec) for word in words)}


def tech_users(name: str) -> set[str]:
    return {spec.id for spec in SPECS if name in SITE.by_spec_tech[spec.id]}


def pattern_declarers(pattern: str) -> set[str]:
    """Specs that use a pattern: listed at the top or illustrated by a lesson."""
    return {s.id for s in SPECS if pattern in patterns_of(s)}


def _tech_query() -> str:
    """A one-word technology used by several specs, but well under all of them."""
    counts = {name: len(tech_users(name)) for name in SITE.technologies if re.fullmatch(r"[A-Za-z]+", name)}
    candidates = [name for name, n in counts.items() if 2 <= n < TOTAL / 3]
    return max(candidates, key=lambda name: (counts[name], name))


def _lesson_word() -> tuple[str, str]:
    """A word found in one spec's lesson text and nowhere else in any spec's searchable text."""
    found = []
    for spec in SPECS:
        lesson_text = " ".join(f"{lesson.title} {lesson.body}" for lesson in spec.arch.lessons).lower()
        for word in set(re.findall(r"[a-z]{8,}", lesson_text)):
            elsewhere = searchable(spec).replace(lesson_text, " ")
            if word not in elsewhere and all(word not in searchable(o) for o in SPECS if o.id != spec.id):
                found.append((word, spec.id))
    assert found, "no lesson word unique to one spec"
    return min(found, key=lambda item: (-len(item[0]), item[0]))


TECH_QUERY = _tech_query()
LESSON_WORD, LESSON_SPEC = _lesson_word()


def _combined_filters() -> tuple[str, str, set[str]]:
    """A technology and a pattern whose intersection is smaller than either, but not empty."""
    best = None
    for name in SITE.technologies:
        users = tech_users(name)
        for pattern_id in sorted({p for spec in SPECS for p in spec.arch.patterns}):
            declared = pattern_declarers(pattern_id)
            both = users & declared
            if 2 <= len(both) < min(len(users), len(declared)):
                key = (len(both), -len(users) - len(declared), name, pattern_id)
                if best is None or key > best[0]:
                    best = (key, name, pattern_id, both)
    assert best is not None
    return best[1], best[2], best[3]


def best_partner(spec_id: str, exclude: tuple[str, ...] = ()) -> str:
    """The other spec sharing the most technologies with spec_id (but not all of them)."""
    mine = set(SITE.by_spec_tech[spec_id])
    scored = [(len(mine & set(SITE.by_spec_tech[o.id])), o.id) for o in SPECS
              if o.id != spec_id and o.id not in exclude and set(SITE.by_spec_tech[o.id]) != mine]
    return max(scored, key=lambda item: (item[0], item[1]))[1]


def label_of(spec) -> str:
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}"


# ---------------------------------------------------------------------------------------------------------------
# Fixtures: one build, one browser, a few contexts (the first three in conftest, shared by every browser test)
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def page(contexts):
    tab = contexts("light").new_page()
    yield tab
    tab.close()


def url(site: Path, rel: str, query: dict[str, str] | None = None) -> str:
    return (site / rel).as_uri() + ("?" + urlencode(query) if query else "")


# The ids of the cards a learner can see on every page of results, in display order: it turns the pages
# with the pager's buttons and comes back to the page it started on.
ALL_PAGES_JS = """() => {
    const shown = () => Array.from(document.querySelectorAll('#cards > li.card'))
        .filter(c => !c.hidden && c.getClientRects().length > 0).map(c => c.dataset.id);
    const next = document.getElementById('next-page'), prev = document.getElementById('prev-page');
    const out = shown();
    let turns = 0;
    while (!next.disabled) { next.click(); turns += 1; out.push(...shown()); }
    while (turns-- > 0) prev.click();
    return out;
}"""


AFTER_NEXT_FRAME_JS = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"


def cards_ready(page) -> None:
    """Wait until the script can draw any page of cards at once: the results of the last key typed (drawn
    a frame after the key), the sentences under the cards' titles (which load as a reader enters the form)
    and any text a search asked for have arrived."""
    page.evaluate(AFTER_NEXT_FRAME_JS)
    if page.get_attribute("#cards", "data-card-text") != "loaded":
        page.dispatch_event("#filters", "focusin")
    page.wait_for_selector("#cards[data-card-text=loaded]:not([aria-busy])", state="attached")


def visible_cards(page) -> list[str]:
    """Ids of the index cards a learner can see, across the pages of results, in display order."""
    cards_ready(page)
    return page.evaluate(ALL_PAGES_JS)


def count_text(page) -> str:
    return page.locator("#count").inner_text().strip()


def expected_count(n: int) -> str:
    return f"{TOTAL} architectures" if n == TOTAL else f"{n} of {TOTAL} architectures"


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(page.evaluate("location.search").lstrip("?"))


def assert_query(page, expected: dict[str, list[str]], timeout: float = 3.0) -> None:
    """The address comes to hold `expected`: typing in a search box writes it once the reader pauses."""
    deadline = time.monotonic() + timeout
    while (got := query_of(page)) != expected and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert got == expected


def wait_image(page, selector: str) -> dict:
    """Wait until the image has loaded; return its currentSrc, alt and natural size."""
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function("s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth; }",
                           arg=selector)
    return page.eval_on_selector(selector, "i => ({src: i.currentSrc || i.src, alt: i.alt, w: i.naturalWidth})")


def scale_of(transform: str) -> float:
    match = re.search(r"scale\(([-\d.e+]+)\)", transform)
    assert match, f"no scale in transform {transform!r}"
    return float(match.group(1))


def test_chromium_is_installed():
    assert shutil.which("chromium"), CHROMIUM_MISSING


# ---------------------------------------------------------------------------------------------------------------
# 1. Index
# ---------------------------------------------------------------------------------------------------------------


def test_index_lists_every_architecture(site, page):
    page.goto(url(site, "index.html"))
    cards = page.locator("#cards > li.card")
    assert cards.count() == min(TOTAL, PAGE_SIZE)  # a page of cards at a time
    pages = -(-TOTAL // PAGE_SIZE)
    assert page.locator("#page-of").inner_text() == f"Page 1 of {pages}"
    every = visible_cards(page)
    assert sorted(every) == sorted(BY_ID) and len(every) == TOTAL
    assert count_text(page) == expected_count(TOTAL)
    links = []
    for number in range(1, pages + 1):  # the page in the address opens at that page; cards built on the
        page.goto(url(site, "index.html", {"page": str(number)}))  # page equal the ones the server wrote
        assert page.locator("#page-of").inner_text() == f"Page {number} of {pages}"
        if number > 1:  # built by the script, once the sentences under their titles have loaded
            page.wait_for_selector("#cards[data-card-text=loaded]:not([aria-busy])", state="attached")
        links += page.eval_on_selector_all("#cards > li.card", """cards => cards.map(c => ({id: c.dataset.id,
            href: c.querySelector('h2 a').getAttribute('href'), text: c.querySelector('h2 a').textContent,
            thumb: c.querySelector('img').getAttribute('src'), tags: c.querySelector('.tags').textContent,
            summary: c.querySelector('.card-summary').textContent}))""")
    assert [link["id"] for link in links] == every
    for link in links:
        spec = BY_ID[link["id"]]
        assert link["href"] == f"architectures/{spec.id}.html"
        assert (site / link["href"]).is_file(), link
        assert " ".join(link["text"].split()) == label_of(spec)
        assert link["thumb"] == thumbnail_href(spec.id, spec.arch.views[0].id)
        assert link["summary"] == first_sentence(spec.arch.summary)
        domain = SITE.vocab.domains[spec.arch.domain].name if spec.arch.domain else ""
        assert link["tags"] == domain + "".join(spec.arch.tags)


def test_index_thumbnails_keep_their_frame(site, page):
    page.goto(url(site, "index.html"))
    settle_images(page)
    sizes = page.eval_on_selector_all("#cards .thumb", """links => links.map(a => {
        const box = a.getBoundingClientRect();
        return [a.parentNode.dataset.id, Math.round(box.width), Math.round(box.height)]; })""")
    assert len(sizes) == min(TOTAL, 24)
    stretched = {spec_id: f"{w}x{h}" for spec_id, w, h in sizes if abs(h - w * 9 / 16) > 2}
    assert stretched == {}


def test_index_thumbnails_are_sharp_on_a_phone(site, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "index.html"))
        settle_images(tab)
        shown = tab.eval_on_selector_all("#cards img", """images => images.map(i => {
            const box = i.getBoundingClientRect();  // the frame; the picture is fitted inside it
            return [i.closest('li').dataset.id, i.currentSrc,
                    Math.max(i.naturalWidth / box.width, i.naturalHeight / box.height)]; })""")
        ratio = tab.evaluate("devicePixelRatio")
        assert ratio >= 2 and len(shown) == min(TOTAL, PAGE_SIZE)
        assert all(src.endswith(thumbnail_href(spec_id, BY_ID[spec_id].arch.views[0].id)) for spec_id, src, _ in shown)
        blurry = {spec_id: round(pixels, 2) for spec_id, _, pixels in shown if pixels < ratio}
        assert blurry == {}  # at least a picture's pixel for each of the screen's
    finally:
        tab.close()


# ---------------------------------------------------------------------------------------------------------------
# 2. Search
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["erlang", TECH_QUERY, LESSON_WORD], ids=["erlang", "technology", "lesson-word"])
def test_search_narrows_to_matching_specs(site, page, query):
    expected = search_expected(query)
    assert 0 < len(expected) < TOTAL, f"{query!r} does not narrow the catalog; pick another query"
    if query == LESSON_WORD:
        assert expected == {LESSON_SPEC}
    page.goto(url(site, "index.html"))
    page.fill("#q", query)
    assert set(visible_cards(page)) == expected
    assert count_text(page) == expected_count(len(expected))
    assert page.locator("#empty").is_hidden()
    assert_query(page, {"q": [query]})


def test_search_with_no_match_shows_the_empty_message(site, page):
    page.goto(url(site, "index.html"))
    assert page.locator("#empty").is_hidden()
    page.fill("#q", "zqxjv nothing matches this")
    assert visible_cards(page) == []
    assert count_text(page) == expected_count(0)
    assert page.locator("#empty").is_visible()
    assert page.locator("#clear-filters-2").is_visible()
    page.fill("#q", "")  # emptying the box by hand shows everything again
    assert len(visible_cards(page)) == TOTAL
    assert count_text(page) == expected_count(TOTAL)
    assert page.locator("#empty").is_hidden()
    assert_query(page, {})


COUNT_ADDRESS_WRITES_JS = """() => {
    window.__writes = [];
    const replace = history.replaceState.bind(history);
    history.replaceState = (data, unused, address) => {
        window.__writes.push(address);
        replace(data, unused, address);
    };
}"""


def cards_on_page(tab) -> list[str]:
    return tab.eval_on_selector_all("#cards > li.card", "cards => cards.map(c => c.dataset.id)")


def search_ready(tab) -> None:
    """The text a search reads (loaded when the search box first takes focus) and the cards' sentences are in."""
    tab.focus("#q")
    cards_ready(tab)
    tab.wait_for_selector("#cards[data-search-text=loaded]", state="attached")


@pytest.fixture
def clocked(browser):
    """A phone's page whose timers and frames run only when the test lets time pass (after `pause_at`), in a
    context of its own: the clock is the context's, and the shared contexts must keep real time."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15_000)
    context.clock.install(time=0)
    yield context.new_page()
    context.close()


def test_typing_shows_results_a_frame_later_and_writes_the_address_once_the_reader_pauses(site, clocked):
    expected = [spec.id for spec in SPECS if spec.id in search_expected("erlang")]
    assert 0 < len(expected) <= PAGE_SIZE
    tab = clocked
    tab.goto(url(site, "index.html"))
    search_ready(tab)
    tab.clock.pause_at(60_000)  # from here the page's timers and frames run only when the test lets time pass
    tab.evaluate(COUNT_ADDRESS_WRITES_JS)
    before = cards_on_page(tab)
    tab.locator("#q").press_sequentially("erlang")
    assert tab.input_value("#q") == "erlang" and cards_on_page(tab) == before  # the letters first
    tab.clock.run_for(100)  # the next frame, then the results
    assert cards_on_page(tab) == expected
    assert tab.evaluate("window.__writes") == [] and query_of(tab) == {}
    tab.clock.run_for(250)  # still typing, as far as the page can tell
    tab.locator("#q").press("Backspace")
    tab.clock.run_for(300)
    assert tab.evaluate("window.__writes") == []
    tab.clock.run_for(200)  # a pause of 400 ms
    assert len(tab.evaluate("window.__writes")) == 1 and query_of(tab) == {"q": ["erlan"]}
    tab.select_option("#sort", "old")  # a choice in a list is written at once
    assert query_of(tab) == {"q": ["erlan"], "sort": ["old"]}


def test_a_click_right_after_typing_keeps_the_search_in_the_address(site, clocked):
    tab = clocked
    tab.goto(url(site, "index.html"))
    search_ready(tab)
    tab.clock.pause_at(60_000)
    tab.locator("#q").press_sequentially("erlang")
    tab.clock.run_for(100)
    assert query_of(tab) == {}  # not written yet: the reader may still be typing
    first = cards_on_page(tab)[0]
    tab.click(f'#cards > li[data-id="{first}"] h2 a')  # the click writes it before the page is left
    tab.wait_for_url(f"**/architectures/{first}.html")
    tab.go_back()
    tab.wait_for_selector("#cards > li.card")
    assert query_of(tab) == {"q": ["erlang"]}
    assert tab.input_value("#q") == "erlang" and first in cards_on_page(tab)


def test_each_key_of_a_search_typed_forward_and_back_finds_what_its_words_find(site, page):
    """The index keeps recent answers and narrows a search that adds to the last: typing on, adding a word,
    backspacing, and a filter chosen midway each give exactly the cards the words and filter select."""
    page.goto(url(site, "index.html"))
    search_ready(page)
    era = decade(BY_ID["whatsapp-2014"].arch.year)
    steps = [*"mysql", " ", *"shard", "\b" * 6, "\b" * 5, *"erlang", "era", "\b" * 3, *"lang"]
    typed, in_era = "", False
    for step in steps:
        if step == "era":
            page.select_option("#f-era", era)
            in_era = True
        elif step.startswith("\b"):
            for _ in step:
                page.keyboard.press("Backspace")
            typed = typed[:-len(step)]
        else:
            page.keyboard.type(step)
            typed += step
        expected = search_expected(typed)
        if in_era:
            expected = {i for i in expected if decade(BY_ID[i].arch.year) == era}
        assert page.input_value("#q") == typed
        assert set(visible_cards(page)) == expected, typed


def test_clear_buttons_restore_every_card(site, page):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url(site, "index.html"))
    page.fill("#q", "zqxjv nothing matches this")
    page.click("#clear-filters-2")  # "Clear the filters", inside the empty message
    assert (len(visible_cards(page)), errors) == (TOTAL, [])
    assert page.locator("#empty").is_hidden()
    page.fill("#q", "erlang")
    page.select_option("#f-era", decade(BY_ID["whatsapp-2014"].arch.year))
    assert len(visible_cards(page)) < TOTAL
    page.click("#clear-filters")  # "Clear", in the filter bar
    assert (len(visible_cards(page)), errors) == (TOTAL, [])
    assert count_text(page) == expected_count(TOTAL)
    assert page.input_value("#q") == ""
    assert page.input_value("#f-era") == ""
    assert_query(page, {})
    assert page.evaluate("document.activeElement.id") == "q"


# ---------------------------------------------------------------------------------------------------------------
# 3. Filters
# ---------------------------------------------------------------------------------------------------------------

ALL_OPTIONS_JS = """sel => {
    const select = document.getElementById(sel);
    const visible = """ + ALL_PAGES_JS + """;
    const out = [];
    for (const option of Array.from(select.options)) {
        if (!option.value) continue;
        select.value = option.value;
        select.dispatchEvent(new Event('change', {bubbles: true}));
        out.push({value: option.value, label: option.textContent.trim(), visible: visible(),
                  count: document.getElementById('count').textContent.trim(), search: location.search});
    }
    select.value = '';
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return out;
}"""

FILTERS = {
    # select id, query key, the option values expected, the specs that have a value
    "technology": ("f-tech", "tech", set(SITE.technologies), tech_users),
    "pattern": ("f-pattern", "pattern", {p for spec in SPECS for p in spec.arch.patterns}
                | {p for spec in SPECS for lesson in spec.arch.lessons for p in lesson.patterns}, pattern_declarers),
    "domain": ("f-domain", "domain", {spec.arch.domain for spec in SPECS if spec.arch.domain},
               lambda d: {s.id for s in SPECS if s.arch.domain == d}),
    "tag": ("f-tag", "tag", {t for spec in SPECS for t in spec.arch.tags},
            lambda tag: {s.id for s in SPECS if tag in s.arch.tags}),
    "era": ("f-era", "era", {decade(spec.arch.year) for spec in SPECS},
            lambda d: {s.id for s in SPECS if decade(s.arch.year) == d}),
}


@pytest.mark.parametrize("kind", list(FILTERS))
def test_each_filter_narrows_to_exactly_the_specs_that_have_it(site, page, kind):
    select, key, values, having = FILTERS[kind]
    page.goto(url(site, "index.html"))
    cards_ready(page)
    results = page.evaluate(ALL_OPTIONS_JS, select)
    assert {r["value"] for r in results} == values
    wrong = {}
    for result in results:
        expected = having(result["value"])
        if set(result["visible"]) != expected or result["count"] != expected_count(len(expected)):
            wrong[result["value"]] = {"shown": sorted(result["visible"]), "expected": sorted(expected),
                                      "count": result["count"]}
        assert parse_qs(result["search"].lstrip("?")) == {key: [result["value"]]}
    assert wrong == {}
    assert len(visible_cards(page)) == TOTAL  # back to "Any"


def test_pattern_filter_agrees_with_its_option_count_and_the_patterns_page(site, page):
    page.goto(url(site, "index.html"))
    cards_ready(page)
    results = page.evaluate(ALL_OPTIONS_JS, "f-pattern")
    wrong = {}
    for result in results:
        users = {s.id for s in SITE.pattern_users(result["value"])}
        promised = int(re.search(r"\((\d+)\)$", result["label"]).group(1))
        if set(result["visible"]) != users or len(result["visible"]) != promised:
            wrong[result["label"]] = {"shown": len(result["visible"]),
                                      "missing": sorted(users - set(result["visible"]))}
    assert wrong == {}


def test_two_filters_give_the_intersection_and_the_url_keeps_them(site, contexts, page):
    tech, pattern, both = _combined_filters()
    page.goto(url(site, "index.html"))
    page.select_option("#f-tech", tech)
    assert set(visible_cards(page)) == tech_users(tech)
    page.select_option("#f-pattern", pattern)
    assert set(visible_cards(page)) == both
    assert count_text(page) == expected_count(len(both))
    assert query_of(page) == {"tech": [tech], "pattern": [pattern]}

    fresh = contexts("light").new_page()
    try:
        fresh.goto(url(site, "index.html", {"tech": tech, "pattern": pattern}))
        assert fresh.input_value("#f-tech") == tech
        assert fresh.input_value("#f-pattern") == pattern
        assert set(visible_cards(fresh)) == both
        assert count_text(fresh) == expected_count(len(both))
    finally:
        fresh.close()


# ---------------------------------------------------------------------------------------------------------------
# 4. Sorting
# ---------------------------------------------------------------------------------------------------------------


def test_sort_by_era_orders_cards_by_year(site, page):
    page.goto(url(site, "index.html"))
    default = visible_cards(page)
    names = [BY_ID[i].arch.name.casefold() for i in default]
    assert names == sorted(names), "default order is by name"

    page.select_option("#sort", "old")
    oldest = visible_cards(page)
    assert sorted(oldest) == sorted(BY_ID)
    years = [BY_ID[i].arch.year for i in oldest]
    assert years == sorted(years)
    assert query_of(page) == {"sort": ["old"]}

    page.select_option("#sort", "new")
    newest = visible_cards(page)
    assert sorted(newest) == sorted(BY_ID)
    years = [BY_ID[i].arch.year for i in newest]
    assert years == sorted(years, reverse=True)
    assert years[0] > years[-1]

    page.fill("#q", "erlang")  # sorting keeps the filter, filtering keeps the sort
    assert set(visible_cards(page)) == search_expected("erlang")
    years = [BY_ID[i].arch.year for i in visible_cards(page)]
    assert years == sorted(years, reverse=True)


# ---------------------------------------------------------------------------------------------------------------
# 5. Architecture pages
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec_id", FOUNDATIONS)
def test_architecture_page_shows_the_spec(site, page, spec_id):
    spec = BY_ID[spec_id]
    arch = spec.arch
    first = arch.views[0]
    page.goto(url(site, f"architectures/{spec_id}.html"))
    assert " ".join(page.locator("h1").inner_text().split()) == f"{label_of(spec)}: {arch.title}"

    for view in arch.views:
        # The diagram is on the page itself, with the spec's ids, and a text equivalent beside it.
        drawing = page.locator(f"#view-{view.id} .drawn svg.drawing")
        assert drawing.is_visible()
        drawn = set(drawing.evaluate("s => Array.from(s.querySelectorAll('g.node[data-id]')).map(g => g.dataset.id)"))
        assert {f"node-{n.id}" for n in view.all_nodes()} <= drawn
        caption = page.locator(f"#view-{view.id} figcaption").inner_text()
        assert caption.startswith(f"Diagram of {arch.name}")
        missing = [n.label for n in view.all_nodes() if n.label not in caption]
        assert missing == [], f"alt text of {view.id} does not name {missing}"

    steps = page.locator(f"#view-{first.id} .flow ol > li")
    assert steps.count() == len(first.flow) > 0
    assert [" ".join(t.split()) for t in steps.all_inner_texts()] == [" ".join(s.text.split()) for s in first.flow]

    assert page.locator("#metrics .metric").count() == len(arch.metrics)
    assert page.locator("#lessons section.lesson").count() == len(arch.lessons)
    assert page.locator("#sources ol.sources > li").count() == len(arch.sources)
    rows = page.eval_on_selector_all("table.components tbody tr", "rows => rows.map(r => r.id)")
    assert rows == [f"c-{node.id}" for node in arch.components()]

    # zoom buttons change the diagram's transform
    image = page.locator(f"#view-{first.id} .viewer .canvas")
    tools = page.locator(f"#view-{first.id} .viewer-tools")
    fitted = image.evaluate("i => i.style.transform")
    tools.locator("[data-zoom=in]").click()
    zoomed = image.evaluate("i => i.style.transform")
    # The browser writes the transform with six significant digits.
    assert scale_of(zoomed) == pytest.approx(scale_of(fitted) * 1.25, rel=1e-5)
    tools.locator("[data-zoom=out]").click()
    tools.locator("[data-zoom=out]").click()
    assert scale_of(image.evaluate("i => i.style.transform")) < scale_of(fitted)
    tools.locator("[data-zoom=reset]").click()
    assert image.evaluate("i => i.style.transform") == fitted

    # every view x theme x format can be downloaded: the light SVG and both PDFs stored, the rest made
    # by the browser from the light SVG (PNGs drawn, the dark SVG recoloured)
    hrefs = page.eval_on_selector_all("a[download]", "links => links.map(a => a.getAttribute('href'))")
    expected = {f"../diagrams/{spec_id}/{view.id}-{theme}.{fmt}"
                for view in arch.views for theme in THEMES for fmt in SITE_FORMATS[theme]}
    assert set(hrefs) == expected
    made = page.eval_on_selector_all("button.made-here", """bs => bs.filter(b => !b.hidden).map(
        b => [b.dataset.name, b.dataset.svg, b.dataset.format, b.dataset.recolour || null])""")
    assert sorted(map(tuple, made)) == sorted(
        (f"{view.id}-{theme}.{fmt}", f"../diagrams/{spec_id}/{view.id}-light.svg", fmt,
         "dark" if theme == "dark" else None)
        for view in arch.views for theme in THEMES for fmt in FORMATS if fmt not in SITE_FORMATS[theme])
    for href in hrefs:
        target = (site / "architectures" / href).resolve()
        assert target.is_file() and target.stat().st_size > 0, href

    # a tag leads to the index filtered by it
    tag = arch.tags[0]
    with page.expect_navigation():
        page.locator("header.page-head .tags a", has_text=tag).first.click()
    assert page.input_value("#f-tag") == tag
    assert set(visible_cards(page)) == {s.id for s in SPECS if tag in s.arch.tags}


# ---------------------------------------------------------------------------------------------------------------
# 5b. Live diagrams: flow playback, components, what breaks, phones, no script
# ---------------------------------------------------------------------------------------------------------------

TWITTER = "twitter-2013"


def current_step(tab, view_id: str) -> dict:
    """The step the page marks as current: its list item, its edge in the diagram on screen, the text shown."""
    return tab.evaluate("""v => {
        const figure = document.querySelector(`figure[data-view="${v}"]`);
        const item = document.querySelector(`#view-${v} .flow li[aria-current="step"]`);
        const edges = Array.from(figure.querySelectorAll('svg.drawing g.edge[aria-current="step"]'))
            .filter(e => e.getClientRects().length);
        const ends = Array.from(figure.querySelectorAll('svg.drawing g.node.on')).filter(e => e.getClientRects().length)
            .map(e => e.dataset.id);
        const frame = figure.querySelector('.viewer').getBoundingClientRect();
        const box = edges.length ? edges[0].getBoundingClientRect() : null;
        return {item: item ? item.id : null, edges: edges.map(e => e.dataset.id), ends: ends.sort(),
                now: figure.querySelector('.step-now').textContent,
                visible: !!box && box.right > frame.left && box.left < frame.right && box.bottom > frame.top
                         && box.top < frame.bottom};
    }""", view_id)


def expect_step(tab, view, n: int) -> None:
    step = view.flow[n - 1]
    edge = next(e for e in view.edges if e.id == step.edge)
    found = current_step(tab, view.id)
    assert found["item"] == f"{view.id}/step-{n}"
    assert found["edges"] == [edge.id]  # the spec's edge id, on the edge drawn in the theme on screen
    assert {f"node-{edge.from_}", f"node-{edge.to}"} <= set(found["ends"]) | {"badge--" + edge.id}
    assert found["now"] == f"Step {n} of {len(view.flow)}: {step.text}"
    assert found["visible"]


def test_flow_steps_with_buttons_keys_links_and_addresses(site, page):
    view = BY_ID[TWITTER].arch.views[0]
    page.goto(url(site, f"architectures/{TWITTER}.html"))
    tools = page.locator(f"#view-{view.id} .viewer-tools")
    tools.locator("[data-step=next]").click()
    expect_step(page, view, 1)
    assert page.evaluate("location.hash") == f"#{view.id}/step-1"
    page.locator(f"#view-{view.id} .viewer").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect_step(page, view, 3)
    page.keyboard.press("ArrowLeft")
    expect_step(page, view, 2)
    page.locator(f"#view-{view.id} .flow li").nth(6).locator("a").click()
    expect_step(page, view, 7)
    tools.locator("[data-step=prev]").click()
    expect_step(page, view, 6)
    # Play starts at the next step and can be paused.
    tools.locator("[data-step=play]").click()
    assert tools.locator("[data-step=play]").get_attribute("aria-pressed") == "true"
    expect_step(page, view, 7)
    tools.locator("[data-step=play]").click()
    assert tools.locator("[data-step=play]").get_attribute("aria-pressed") == "false"
    # An address opens the page at a step, in any view.
    second = BY_ID[TWITTER].arch.views[1]
    page.goto(url(site, f"architectures/{TWITTER}.html") + f"#{second.id}/step-2")
    page.wait_for_function("() => document.querySelector('.flow li[aria-current=step]')")
    expect_step(page, second, 2)
    assert page.locator("[aria-current=step]").count() >= 2  # the list item and the edge


def test_what_breaks_names_a_single_step_in_the_singular(site, page):
    from archcat.gallery import failure_impact

    view = BY_ID[TWITTER].arch.views[0]
    assert failure_impact(view)["tweetypie"]["steps"] == [8]
    page.goto(url(site, f"architectures/{TWITTER}.html"))
    page.locator(f"#view-{view.id} .drawn g.node[data-id='node-tweetypie']").focus()
    page.keyboard.press("Enter")
    text = " ".join(page.locator(f"#view-{view.id} .node-info").inner_text().split())
    assert "step 8 of this flow passes through it" in text and "steps 8" not in text


def test_component_details_and_what_breaks_if_it_fails(site, page):
    from archcat.gallery import failure_impact

    spec = BY_ID[TWITTER]
    view = spec.arch.views[0]
    expected = failure_impact(view)["timelinesvc"]
    page.goto(url(site, f"architectures/{TWITTER}.html"))
    node = page.locator(f"#view-{view.id} .drawn g.node[data-id='node-timelinesvc']")
    node.focus()
    info = page.locator(f"#view-{view.id} .node-info")
    assert info.is_visible() and "Timeline Service" in info.inner_text()
    page.keyboard.press("Enter")
    text = " ".join(info.inner_text().split())
    assert "If Timeline Service fails" in text
    assert "steps 6, 7, 8 of this flow pass through it" in text and expected["steps"] == [6, 7, 8]
    labels = {n.id: n.label for n in view.all_nodes()}
    assert "only reachable through it: " + ", ".join(labels[c] for c in expected["cut"]) in text
    cut = page.eval_on_selector_all(f"#view-{view.id} .drawn g.node.cut", "gs => gs.map(g => g.dataset.id)")
    assert sorted(cut) == sorted(f"node-{c}" for c in expected["cut"])
    through = page.eval_on_selector_all(f"#view-{view.id} .flow li.through", "ls => ls.map(l => l.id)")
    assert through == [f"{view.id}/step-{n}" for n in expected["steps"]]
    # Every component is reachable from the keyboard.
    focusable = page.eval_on_selector_all(f"#view-{view.id} .drawn g.node[tabindex='0']",
                                          "gs => gs.map(g => g.dataset.id)")
    assert sorted(focusable) == sorted(f"node-{n.id}" for n in view.all_nodes())
    # Escape lets go; then details follow the pointer and link the technology index.
    page.keyboard.press("Escape")
    assert page.locator(f"#view-{view.id} .drawn g.node.cut").count() == 0
    page.locator(f"#view-{view.id} .drawn g.node[data-id='node-redis']").hover()
    link = info.locator("a").first
    assert link.get_attribute("href").startswith("../technologies.html#t-")


def test_the_wheel_scrolls_the_page_and_zooms_only_with_ctrl(site, page):
    page.goto(url(site, f"architectures/{TWITTER}.html"))
    viewer = page.locator(".viewer").first
    viewer.scroll_into_view_if_needed()
    box = viewer.bounding_box()
    canvas = page.locator(".viewer .canvas").first
    before = canvas.evaluate("c => c.style.transform")
    top = page.evaluate("scrollY")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("y => scrollY !== y", arg=top)
    assert canvas.evaluate("c => c.style.transform") == before
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    assert scale_of(canvas.evaluate("c => c.style.transform")) > scale_of(before)


def touch_gesture(cdp, starts: list[tuple[float, float]], moves: list[tuple[float, float]], steps: int = 10) -> None:
    """Fingers put down at `starts`, each moved by its (dx, dy) in `steps` steps, then lifted: real touch input."""
    def points(k: int) -> list[dict]:
        return [{"x": x + dx * k / steps, "y": y + dy * k / steps, "id": i + 1}
                for i, ((x, y), (dx, dy)) in enumerate(zip(starts, moves, strict=True))]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(0)})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(k)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_phone_swipe_scrolls_pinch_zooms_and_zoom_survives_resize(site, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, f"architectures/{TWITTER}.html"))
        viewer = tab.locator(".viewer").first
        canvas = tab.locator(".viewer .canvas").first
        assert viewer.evaluate("v => getComputedStyle(v).touchAction") == "pan-y"
        viewer.scroll_into_view_if_needed()
        start = tab.evaluate("scrollY")
        fitted = canvas.evaluate("c => c.style.transform")
        box = viewer.bounding_box()
        cdp = tab.context.new_cdp_session(tab)
        touch_gesture(cdp, [(PHONE["width"] / 2, box["y"] + box["height"] / 2)], [(0, -200)])
        tab.wait_for_function("y => scrollY > y + 100", arg=start)  # a swipe over the diagram scrolls the page
        assert canvas.evaluate("c => c.style.transform") == fitted  # and leaves the diagram where it was
        viewer.scroll_into_view_if_needed()
        box = viewer.bounding_box()
        middle = box["y"] + box["height"] / 2
        touch_gesture(cdp, [(150, middle), (240, middle)], [(-60, 0), (60, 0)])
        zoomed = scale_of(canvas.evaluate("c => c.style.transform"))
        assert zoomed > scale_of(fitted) * 1.5  # two fingers spread: the diagram zooms
        tab.set_viewport_size({"width": PHONE["width"], "height": PHONE["height"] - 60})  # the address bar
        tab.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        assert scale_of(canvas.evaluate("c => c.style.transform")) == pytest.approx(zoomed)
        # The step's text sits right under the diagram.
        tab.locator(".viewer-tools [data-step=next]").first.click()
        box = viewer.bounding_box()
        now = tab.locator(".step-now").first.bounding_box()
        assert 0 <= now["y"] - (box["y"] + box["height"]) < 40
    finally:
        tab.close()


def rgb(colour: str) -> str:
    """A colour as the browser computes it: "#1f2933" -> "rgb(31, 41, 51)"."""
    if colour == "transparent":
        return "rgba(0, 0, 0, 0)"
    if not colour.startswith("#"):
        return colour
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_page_draws_each_view_once_in_the_colours_of_the_reader_s_theme(site, browser, scheme):
    """The page holds the light drawing; in the dark theme the style sheet paints every shape as
    `svg.recolour` paints the dark drawing, plate behind each label included."""
    from lxml import etree

    from archcat.graph import PALETTES, dark_from_light
    from archcat.paths import diagram_href
    from archcat.svg import parse, recolour

    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
    tab = context.new_page()
    try:
        tab.goto(url(site, f"architectures/{TWITTER}.html"))
        for view in BY_ID[TWITTER].arch.views:
            assert tab.locator(f"#view-{view.id} svg.drawing").count() == 1
            light = (site / diagram_href(TWITTER, view.id, "light", "svg")).read_bytes()
            drawn = recolour(light, dark_from_light()) if scheme == "dark" else light
            expected = [[rgb(e.get(p)) if e.get(p) is not None else None for p in ("fill", "stroke")]
                        for e in parse(drawn).iter(etree.Element) if "fill" in e.attrib or "stroke" in e.attrib]
            shown = tab.locator(f"#view-{view.id} svg.drawing").evaluate(
                """s => Array.from(s.querySelectorAll("[fill], [stroke]")).map(e => ["fill", "stroke"].map(
                     p => e.hasAttribute(p) ? getComputedStyle(e)[p] : null))""")
            assert shown == expected
            assert len({tuple(pair) for pair in expected}) > 5
        if scheme == "dark":  # the plates behind the labels are there, and light
            assert tab.locator("svg.drawing g.node path").first.evaluate("p => getComputedStyle(p).fill") == \
                rgb(PALETTES["dark"].node_plate)
    finally:
        context.close()


def test_without_script_the_whole_diagram_shows_and_the_flow_is_a_list(site, browser):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP, color_scheme="dark")
    tab = context.new_page()
    try:
        view = BY_ID[TWITTER].arch.views[0]
        tab.goto(url(site, f"architectures/{TWITTER}.html"))
        drawing = tab.locator(f"#view-{view.id} .drawn svg.drawing")
        frame = tab.locator(f"#view-{view.id} .viewer").bounding_box()
        shown = drawing.bounding_box()
        assert shown["width"] > 600 and shown["height"] <= frame["height"] + 1  # not cropped
        assert tab.locator(f"#view-{view.id} .flow li").count() == len(view.flow)
        assert not tab.locator(f"#view-{view.id} [data-step=next]").is_visible()  # controls need the script
        full = tab.locator(f"#view-{view.id} .viewer-tools a:visible")
        assert full.count() == 1 and full.get_attribute("href").endswith(f"{view.id}-light.svg")
    finally:
        context.close()


def test_embeds_point_at_the_drawing_the_site_hosts(site, contexts):
    """An embed links the light SVG, the one the site stores, whatever the reader's theme."""
    tab = contexts("dark").new_page()
    try:
        tab.goto(url(site, f"architectures/{TWITTER}.html"))
        view = BY_ID[TWITTER].arch.views[0]
        tab.locator(f"#view-{view.id} details.downloads > summary").click()
        tab.locator(f"#view-{view.id} [data-copy=markdown]").click()
        status = tab.locator(f"#view-{view.id} .copied")
        tab.wait_for_function("e => e.textContent.length > 0", arg=status.element_handle())
        assert f"{view.id}-light.svg" in status.inner_text() and "-dark." not in status.inner_text()
    finally:
        tab.close()


def test_the_dark_svg_is_the_light_one_recoloured_in_the_browser(site, served, contexts):
    """The site stores no dark SVG: the page makes it from the light one with the build's colour map, the
    same drawing `svg.recolour` (and so Graphviz, see test_draw) makes."""
    from lxml import etree

    from archcat.graph import dark_from_light
    from archcat.svg import recolour

    tab = contexts("light").new_page()
    try:
        tab.goto(served + f"architectures/{TWITTER}.html")
        change = dark_from_light()
        for view in BY_ID[TWITTER].arch.views:
            assert not (site / "diagrams" / TWITTER / f"{view.id}-dark.svg").exists()
            tab.locator(f"#view-{view.id} details.downloads > summary").click()
            with tab.expect_download() as download:
                tab.locator(f"#view-{view.id} button.made-here[data-name='{view.id}-dark.svg']").click()
            assert download.value.suggested_filename == f"{view.id}-dark.svg"
            made = Path(download.value.path()).read_bytes()
            assert made.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n<svg")
            light = (site / "diagrams" / TWITTER / f"{view.id}-light.svg").read_bytes()
            expected = recolour(light, change)
            assert made != light
            assert etree.tostring(etree.fromstring(made), method="c14n") == \
                etree.tostring(etree.fromstring(expected), method="c14n")
            status = tab.locator(f"#view-{view.id} .png-status")
            assert status.inner_text() == f"Saved {view.id}-dark.svg."
    finally:
        tab.close()


@pytest.fixture(scope="module")
def served(site):
    """The gallery over HTTP on a loopback port, as a published site is read."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("theme", THEMES)
def test_png_downloads_are_drawn_in_the_browser_at_the_rendered_size(site, served, contexts, theme):
    """The gallery stores no PNG: the page draws one from the view's SVG at the size and density
    `archcat render` writes, and it shows the same picture as the PDF beside it."""
    import io
    import struct

    from PIL import Image, ImageChops, ImageStat

    from archcat.draw import rasterize

    tab = contexts("light").new_page()
    try:
        tab.goto(served + f"architectures/{TWITTER}.html")
        view = BY_ID[TWITTER].arch.views[0]
        tab.locator(f"#view-{view.id} details.downloads > summary").click()
        button = tab.locator(f"#view-{view.id} button.made-here[data-name='{view.id}-{theme}.png']")
        width, height = (int(button.get_attribute(f"data-{side}")) for side in ("width", "height"))
        with tab.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == f"{view.id}-{theme}.png"
        data = Path(download.value.path()).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and data[37:41] == b"pHYs"
        assert struct.unpack(">II", data[16:24]) == (width, height)
        assert struct.unpack(">IIB", data[41:50]) == (5669, 5669, 1)  # 144 dpi, in pixels per metre
        drawn = Image.open(io.BytesIO(data)).convert("RGB")
        pdf = (site / "diagrams" / TWITTER / f"{view.id}-{theme}.pdf").read_bytes()
        [raster] = rasterize(pdf, [("scale", 2)])
        reference = Image.frombytes("RGB", (raster.width, raster.height), b"".join(
            raster.rows[y * (raster.width * 3 + 1) + 1:(y + 1) * (raster.width * 3 + 1)] for y in range(raster.height)))
        assert reference.size == drawn.size  # the size `archcat render` draws
        small = (drawn.width // 8, drawn.height // 8)  # the same picture, up to font smoothing
        difference = ImageChops.difference(drawn.resize(small), reference.resize(small)).convert("L")
        assert ImageStat.Stat(difference).mean[0] < 4
        assert tab.locator(f"#view-{view.id} .png-status").inner_text().startswith("Saved")
    finally:
        tab.close()


def test_png_download_from_disk_says_how_to_get_it(site, page):
    page.goto(url(site, f"architectures/{TWITTER}.html"))
    view = BY_ID[TWITTER].arch.views[0]
    page.locator(f"#view-{view.id} details.downloads > summary").click()
    page.locator(f"#view-{view.id} button.made-here").first.click()
    status = page.locator(f"#view-{view.id} .png-status")
    page.wait_for_function("e => e.textContent.indexOf('archcat serve') !== -1", arg=status.element_handle())


# ---------------------------------------------------------------------------------------------------------------
# 5c. Embed mode: architectures/<id>.html?embed=<view>, the diagram compare shows in a frame
# ---------------------------------------------------------------------------------------------------------------

FRAME = {"width": 600, "height": 520}  # about a side of compare on a desktop


def shown_parts(tab) -> dict:
    """Which parts of the page a learner can see (rendered, with a size), and where the figure and its parts lie."""
    return tab.evaluate("""() => {
        const seen = s => Array.from(document.querySelectorAll(s)).filter(e => e.getClientRects().length
            && e.getBoundingClientRect().width > 0 && getComputedStyle(e).visibility !== 'hidden');
        const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
        const figures = seen('figure.diagram');
        const figure = figures[0];
        return {figures: figures.map(f => f.dataset.view),
                others: seen('header.site, footer.site, h1, h2, h3, .flow, details.downloads, #components, #sources')
                    .map(e => e.id || e.tagName.toLowerCase() + '.' + e.className),
                figure: figure ? box(figure) : null,
                viewer: figure ? box(figure.querySelector('.viewer')) : null,
                tools: figure ? box(figure.querySelector('.viewer-tools')) : null,
                scroll: [document.scrollingElement.scrollWidth, document.scrollingElement.scrollHeight],
                window: [innerWidth, innerHeight]};
    }""")


@pytest.mark.parametrize("size", [FRAME, PHONE], ids=["frame", "phone"])
def test_embed_mode_shows_only_the_view_filling_the_window(site, contexts, size):
    spec = BY_ID[TWITTER]
    view = spec.arch.views[1]  # not the first, which a page shows first anyway
    tab = contexts("light").new_page()
    try:
        figure = tab.locator(f"figure.diagram[data-view='{view.id}']")
        tab.set_viewport_size(size)
        address = url(site, f"architectures/{TWITTER}.html") + f"?embed={view.id}"
        tab.goto(address)
        parts = shown_parts(tab)
        assert parts["figures"] == [view.id]
        assert parts["others"] == []  # no header, footer, headings, flow list, downloads or other sections
        width, height = parts["window"]
        assert parts["scroll"] == [width, height]  # nothing to scroll: no scrollbar in a frame
        left, top, right, bottom = parts["figure"]
        assert (left, top) == (0, 0) and (right, bottom) == (width, height)
        tools = parts["tools"]
        assert tools[3] <= height and tools[2] <= width  # the toolbar whole, at the bottom
        viewer = parts["viewer"]
        assert viewer[3] <= tools[1] and viewer[3] - viewer[1] > height - (tools[3] - tools[1]) - 40  # fills the rest
        # The drawing is fitted to that viewer: whole, and touching two of its sides.
        drawing = figure.locator("svg.drawing").bounding_box()
        assert drawing["x"] >= viewer[0] - 1 and drawing["x"] + drawing["width"] <= viewer[2] + 1
        assert drawing["y"] >= viewer[1] - 1 and drawing["y"] + drawing["height"] <= viewer[3] + 1
        assert (drawing["width"] > viewer[2] - viewer[0] - 4) or (drawing["height"] > viewer[3] - viewer[1] - 4)
        # The viewer is live: it zooms and steps through the flow, and the frame's address stays as it was.
        canvas = figure.locator(".canvas")
        fitted = scale_of(canvas.evaluate("c => c.style.transform"))
        figure.locator("[data-zoom=in]").click()
        assert scale_of(canvas.evaluate("c => c.style.transform")) == pytest.approx(fitted * 1.25, rel=1e-4)
        figure.locator("[data-step=next]").click()
        assert figure.locator(".step-now").inner_text() == f"Step 1 of {len(view.flow)}: {view.flow[0].text}"
        assert tab.evaluate("location.href") == address
        assert shown_parts(tab)["scroll"] == [width, height]
        # A component's details show over the diagram, without moving the toolbar, and leave the component reached
        # by the keyboard, or picked, in sight.
        info = figure.locator(".node-info")
        for node in view.all_nodes():
            figure.locator(f"g.node[data-id='node-{node.id}']").focus()
            for picked in (False, True):
                if picked:
                    tab.keyboard.press("Enter")
                    assert f"If {node.label} fails" in info.inner_text()
                assert info.is_visible() and node.label in info.inner_text()
                seen = tab.evaluate("""([id, v]) => {
                    const box = e => {
                        const r = e.getBoundingClientRect();
                        return [r.left, r.top, r.right, r.bottom];
                    };
                    const figure = document.querySelector(`figure[data-view="${v}"]`);
                    return {node: box(figure.querySelector(`g.node[data-id="node-${id}"]`)),
                            info: box(figure.querySelector('.node-info')),
                            viewer: box(figure.querySelector('.viewer'))};
                }""", [node.id, view.id])
                (left, top, right, bottom), cover, frame = seen["node"], seen["info"], seen["viewer"]
                assert frame[0] <= left and right <= frame[2] and frame[1] <= top and bottom <= frame[3], node.id
                assert bottom <= cover[1] or top >= cover[3], node.id  # above the details, or below them
            tab.keyboard.press("Escape")
        assert shown_parts(tab)["tools"] == tools
        assert shown_parts(tab)["scroll"] == [width, height]
    finally:
        tab.close()


def test_a_link_in_an_embedded_view_opens_in_the_top_window(site, contexts, tmp_path):
    """A page that frames a view, as compare does: "Open full size" and a component's technology link take the
    whole window there, not the small frame."""
    view = BY_ID[TWITTER].arch.views[0]
    frame_src = url(site, f"architectures/{TWITTER}.html") + f"?embed={view.id}"
    host = tmp_path / "host.html"
    host.write_text(f'<!doctype html><title>host</title><iframe src="{frame_src}" title="diagram" '
                    f'style="width:600px;height:520px"></iframe>', encoding="utf-8")
    tab = contexts("light").new_page()
    try:
        for link in ("full", "technology"):
            tab.goto(host.as_uri())
            frame = tab.frame_locator("iframe")
            if link == "full":
                target = frame.get_by_role("link", name="Open full size")
                expected = (site / "diagrams" / TWITTER / f"{view.id}-light.svg").as_uri()
            else:
                shown = frame.locator(f"figure.diagram[data-view='{view.id}']")
                shown.locator("g.node[data-id='node-redis']").focus()
                target = shown.locator(".node-info a").first
                expected = (site / "technologies.html").as_uri() + "#" + target.get_attribute("href").split("#")[1]
            with tab.expect_navigation():
                target.click()
            assert tab.url == expected
            assert len(tab.frames) == 1  # the host page is gone: the link took the top window
    finally:
        tab.close()


@pytest.mark.parametrize("wanted", ["no-such-view", "{first}--h", ""])
def test_an_unknown_embed_id_shows_the_whole_page(site, contexts, wanted):
    """An id that names no view (even one that names another element of the page: view-<id>--h is the view's
    heading) leaves the page whole."""
    spec = BY_ID[TWITTER]
    tab = contexts("light").new_page()
    try:
        wanted = wanted.format(first=spec.arch.views[0].id)
        assert wanted not in {v.id for v in spec.arch.views}
        tab.goto(url(site, f"architectures/{TWITTER}.html") + f"?embed={wanted}")
        parts = shown_parts(tab)
        assert parts["figures"] == [v.id for v in spec.arch.views]
        assert {"header.site", "footer.site", "components", "sources"} <= set(parts["others"])
        assert tab.locator("html").get_attribute("class") in (None, "")
        tab.locator("[data-step=next]").first.click()  # and it behaves as the page: the step's address kept
        assert tab.evaluate("location.hash") == f"#{spec.arch.views[0].id}/step-1"
        assert tab.locator("button.made-here").first.get_attribute("hidden") is None
    finally:
        tab.close()


# ---------------------------------------------------------------------------------------------------------------
# 6. Links and ids, without the browser
# ---------------------------------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.urls: list[tuple[int, str, str]] = []  # line, attribute, value

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.append(value)
            elif name in ("href", "src", "data-svg"):  # data-svg: the SVG a download is made from
                self.urls.append((self.getpos()[0], name, value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        self.urls.append((self.getpos()[0], name, candidate.split()[0]))


def parse_site(site: Path) -> dict[Path, PageParser]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        pages[path.resolve()] = parser
    return pages


def test_every_internal_link_and_image_resolves(site):
    pages = parse_site(site)
    root = site.resolve()
    named = {"index.html", "all.html", "technologies.html", "patterns.html", "compare.html", "data.html",
             "insights.html"}
    named |= {f"architectures/{spec.id}.html" for spec in SPECS}
    assert named <= {p.relative_to(root).as_posix() for p in pages}
    broken: list[str] = []
    checked = cross_fragments = 0
    for path, parser in pages.items():
        ids = set(parser.ids)
        for line, attr, value in parser.urls:
            where = f"{path.relative_to(root)}:{line} {attr}={value!r}"
            parts = urlsplit(value)
            if parts.scheme in ("http", "https", "mailto", "data"):
                continue
            if parts.scheme or parts.netloc:
                broken.append(f"{where}: not a relative link")
                continue
            checked += 1
            if not parts.path:
                if parts.fragment and unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: no element with that id on the page")
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(root):
                broken.append(f"{where}: points outside the gallery")
            elif not target.is_file():
                broken.append(f"{where}: no such file")
            elif parts.fragment:
                cross_fragments += 1
                if target not in pages:
                    broken.append(f"{where}: fragment into a non-HTML file")
                elif unquote(parts.fragment) not in pages[target].ids:
                    broken.append(f"{where}: {target.relative_to(root)} has no id {parts.fragment!r}")
    assert broken == []
    usages = sum(len(entry.usages) for entry in SITE.technologies.values())
    assert cross_fragments >= usages  # every technology usage links to its component row
    assert checked > 50 * TOTAL


def test_ids_are_unique_on_every_page(site):
    duplicates = {}
    for path, parser in parse_site(site).items():
        repeated = sorted(i for i, n in Counter(parser.ids).items() if n > 1)
        if repeated:
            duplicates[str(path.relative_to(site.resolve()))] = repeated
    assert duplicates == {}


# ---------------------------------------------------------------------------------------------------------------
# 7. Compare
# ---------------------------------------------------------------------------------------------------------------


def side(page, name: str) -> dict:
    """What a side of compare shows, once both sides' data has come: its heading, its technologies and patterns
    (those only it has, and those both have), how many of its key numbers are shown, and its diagram."""
    page.wait_for_selector("#compare[data-state=ready]")
    return page.evaluate("""name => {
        const s = document.getElementById('side-' + name);
        const cells = (kind, part) => Array.from(document.querySelectorAll(
            `table.overlap .overlap-${kind} [data-part="${part}"] li`)).map(li => li.textContent);
        return {heading: s.querySelector('h2').textContent.trim(), href: s.querySelector('h2 a').getAttribute('href'),
            title: s.querySelector('.side-title').textContent,
            tech: cells('tech', name), shared_tech: cells('tech', 'both'),
            patterns: cells('patterns', name), shared_patterns: cells('patterns', 'both'),
            metrics: document.querySelectorAll(`[data-side="${name}"]:is(.metric-line, .metric)`).length,
            frames: Array.from(s.querySelectorAll('.side-diagram iframe')).map(f => f.getAttribute('src'))};
    }""", name)


def framed(page, name: str):
    """The figure a side of compare shows in its frame (the architecture page in embed mode), once loaded."""
    selector = f"#side-{name} .side-diagram iframe:not(.loading)"
    page.wait_for_selector(selector)
    return page.frame_locator(selector).locator("figure.diagram:visible")


def check_compare(site, page, a: str, b: str) -> None:
    names = {p.id: p.name for p in load_vocabulary().patterns.values()}
    for name, me, other in (("a", a, b), ("b", b, a)):
        spec, them = BY_ID[me], BY_ID[other]
        shown = side(page, name)
        assert " ".join(shown["heading"].split()) == label_of(spec)
        assert shown["href"] == f"architectures/{me}.html"
        assert shown["title"] == spec.arch.title
        assert shown["metrics"] == len(spec.arch.metrics)
        mine, theirs = SITE.by_spec_tech[me], set(SITE.by_spec_tech[other])
        assert shown["tech"] == [t for t in mine if t not in theirs]
        assert set(shown["shared_tech"]) == set(mine) & theirs
        mine_p, theirs_p = patterns_of(spec), set(patterns_of(them))
        assert shown["patterns"] == [names[p] for p in mine_p if p not in theirs_p]
        assert set(shown["shared_patterns"]) == {names[p] for p in set(mine_p) & theirs_p}
        assert shown["frames"] == [f"architectures/{me}.html?embed={spec.arch.views[0].id}"]
        figure = framed(page, name)  # the overview, live, drawn once
        assert figure.get_attribute("data-view") == spec.arch.views[0].id
        assert figure.locator(".canvas svg.drawing").count() == 1
        assert figure.locator("figcaption").text_content().startswith(f"Diagram of {spec.arch.name}")


def test_compare_two_architectures(site, contexts, page):
    a = "twitter-2013"
    b = best_partner(a)
    shared = set(SITE.by_spec_tech[a]) & set(SITE.by_spec_tech[b])
    assert shared, "pick a pair that shares technologies"
    page.goto(url(site, "compare.html"))
    page.select_option("#cmp-a", a)
    page.select_option("#cmp-b", b)
    check_compare(site, page, a, b)
    assert page.locator('table.overlap .overlap-tech [data-part="both"] li').count() == len(shared)
    assert query_of(page) == {"a": [a], "b": [b]}

    c = "instagram-2011"
    d = best_partner(c, exclude=(a, b))
    assert set(SITE.by_spec_tech[c]) & set(SITE.by_spec_tech[d]), "pick a pair that shares technologies"
    fresh = contexts("light").new_page()
    try:
        fresh.goto(url(site, "compare.html", {"a": c, "b": d}))
        assert fresh.input_value("#cmp-a") == c
        assert fresh.input_value("#cmp-b") == d
        check_compare(site, fresh, c, d)
    finally:
        fresh.close()


def test_compare_never_compares_an_architecture_with_itself(site, page):
    page.goto(url(site, "compare.html", {"a": "twitter-2013", "b": "twitter-2013"}))
    assert page.input_value("#cmp-a") == "twitter-2013"
    assert page.input_value("#cmp-b") not in ("", "twitter-2013")
    assert page.locator("#cmp-b option[value='twitter-2013']").is_disabled()
    other = page.input_value("#cmp-b")
    assert page.locator(f"#cmp-a option[value='{other}']").is_disabled()
    assert query_of(page) == {"a": ["twitter-2013"], "b": [other]}


def test_technology_letters_are_finger_sized(site, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "technologies.html"))
        sizes = tab.eval_on_selector_all(".letters a", "as => as.map(a => [a.offsetWidth, a.offsetHeight])")
        assert len(sizes) > 10 and min(min(w, h) for w, h in sizes) >= 44
        assert scroll_width(tab) <= PHONE["width"] + 1
    finally:
        tab.close()


def _entry_text(entry) -> str:
    info = entry.info
    return " ".join([entry.name] + ([info.category, info.summary, " ".join(info.alternatives)] if info else [])).lower()


@pytest.mark.parametrize("rel", ["technologies.html", "patterns.html"])
def test_technologies_and_patterns_can_be_searched(site, page, rel):
    """A word narrows the entries to those whose name, kind, summary or alternatives hold it; the address
    keeps it; each entry names a few users and links to its own page, which lists every one."""
    if rel == "technologies.html":
        texts = {entry.anchor: _entry_text(entry) for entry in SITE.technologies.values()}
        word = "queue"
    else:
        texts = {f"p-{pid}": f"{pattern.name} {pattern.summary}".lower()
                 for pid, pattern in SITE.vocab.patterns.items() if SITE.pattern_users(pid)}
        word = "cache"
    expected = {anchor for anchor, text in texts.items() if word in text}
    assert 0 < len(expected) < len(texts)
    page.goto(url(site, rel))
    shown = ("() => Array.from(document.querySelectorAll('.filterable'))"
             ".filter(e => e.getClientRects().length).map(e => e.id)")
    assert set(page.evaluate(shown)) == set(texts)
    page.fill("#q", word)
    assert set(page.evaluate(shown)) == expected
    assert page.locator("[data-count]").inner_text().startswith(f"{len(expected)} of {len(texts)} ")
    assert_query(page, {"q": [word]})
    page.fill("#q", "zqxjv")
    assert page.evaluate(shown) == [] and page.locator("[data-empty]").is_visible()
    page.goto(url(site, rel, {"q": word}))  # the address opens the same search
    assert set(page.evaluate(shown)) == expected


def test_a_technology_page_lists_every_component_that_runs_it(site):
    from archcat.gallery import LIST_SHOWN, tech_page

    busiest = max(SITE.technologies.values(), key=lambda entry: (len(entry.specs), entry.name))
    assert len(busiest.specs) > LIST_SHOWN  # the overview names a few, the technology's page every one
    page = (site / tech_page(busiest)).read_text(encoding="utf-8")
    for usage in busiest.usages:
        assert f'href="../architectures/{usage.spec.id}.html#c-{usage.node.id}"' in page
    overview = (site / "technologies.html").read_text(encoding="utf-8")
    section = overview[overview.index(f'id="{busiest.anchor}"'):]
    section = section[:section.index("</section>")]
    assert f"and {len(busiest.specs) - LIST_SHOWN} more" in section
    assert section.count('href="architectures/') == LIST_SHOWN


# ---------------------------------------------------------------------------------------------------------------
# 8. No console errors
# ---------------------------------------------------------------------------------------------------------------


def test_no_console_or_page_errors_on_any_kind_of_page(site, contexts):
    tab = contexts("light").new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(f"{tab.url}: console.{m.type}: {m.text}")
           if m.type in ("error", "assert") else None)
    tab.on("pageerror", lambda e: problems.append(f"{tab.url}: page error: {e}"))
    # A lazy image still loading when the test moves on is aborted by the navigation (net::ERR_ABORTED):
    # that is the test leaving, not a fault; a missing file fails otherwise (and has its own test).
    tab.on("requestfailed", lambda r: problems.append(f"{tab.url}: failed to load {r.url}: {r.failure}")
           if "ERR_ABORTED" not in (r.failure or "") else None)
    # The pages' script is the same everywhere; what differs is the data. One architecture per domain, and the
    # one with the most views, stand for the rest (every page's links and images have their own test).
    domains = {s.arch.domain for s in SPECS}
    sample = {min((s for s in SPECS if s.arch.domain == d), key=lambda s: s.id).id for d in domains}
    sample.add(max(SPECS, key=lambda s: (len(s.arch.views), s.id)).id)
    rels = ["index.html", *(f"architectures/{i}.html" for i in sorted(sample)), "technologies.html",
            "patterns.html", "compare.html"]
    try:
        for rel in rels:
            # Scripts have run by DOMContentLoaded; images are checked by their own test.
            tab.goto(url(site, rel), wait_until="domcontentloaded")
            tab.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))")
        assert tab.locator("#side-a h2 a").inner_text().strip()  # the last page's script really ran
    finally:
        tab.close()
    assert problems == []


# ---------------------------------------------------------------------------------------------------------------
# 9. axe-core
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", PAGES, ids=[p.removesuffix(".html").replace("architectures/", "") for p in PAGES])
def test_axe_finds_no_serious_violations(site, contexts, scheme, rel):
    from axe_playwright_python.sync_playwright import Axe

    tab = contexts(scheme).new_page()
    try:
        tab.goto(url(site, rel))
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        frames = []
        if rel == "compare.html":  # and each side's frame: axe in the page does not reach into another origin's
            tab.wait_for_selector("#compare[data-state=ready]")
            for name in ("a", "b"):
                framed(tab, name).wait_for()
                frames.append(tab.locator(f"#side-{name} iframe").element_handle().content_frame())
        if rel == "technologies.html" and scheme == "dark":
            # The longest page: in dark mode only what the scheme changes (colours), on its first entries.
            results = Axe().run(tab, context={"include": [["header"], ["main > *:nth-child(-n+4)"],
                                                            ["#tech-list > section:nth-child(-n+3)"]]},
                                options={"runOnly": ["color-contrast", "link-in-text-block"]})
            assert any(p["id"] == "color-contrast" and len(p["nodes"]) > 50 for p in results.response["passes"])
        else:
            results = Axe().run(tab)
        in_frames = [(frame.url, Axe().run(frame)) for frame in frames]
    finally:
        tab.close()
    assert_no_serious_axe_violations(results, f"{rel} ({scheme})")
    for address, found in in_frames:
        assert_no_serious_axe_violations(found, f"{address} in {rel} ({scheme})")


# ---------------------------------------------------------------------------------------------------------------
# 10. Phones
# ---------------------------------------------------------------------------------------------------------------


def scroll_width(tab) -> int:
    return tab.evaluate("document.scrollingElement.scrollWidth")


def test_phone_index_does_not_scroll_sideways_and_filters_work(site, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "index.html"))
        assert tab.evaluate("innerWidth") == PHONE["width"]
        assert scroll_width(tab) <= PHONE["width"] + 1
        assert tab.locator("#q").is_visible()
        for select in ("#f-tech", "#f-pattern", "#f-tag", "#f-era", "#sort"):
            box = tab.locator(select).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, select
        tab.locator("#q").tap()
        tab.keyboard.type("erlang")
        assert set(visible_cards(tab)) == search_expected("erlang")
        tab.select_option("#f-tag", "mobile")
        assert set(visible_cards(tab)) == search_expected("erlang") & {s.id for s in SPECS if "mobile" in s.arch.tags}
        assert scroll_width(tab) <= PHONE["width"] + 1
    finally:
        tab.close()


@pytest.mark.parametrize("spec_id", ["twitter-2013", "salesforce-2013"])
def test_phone_architecture_page_does_not_scroll_sideways(site, contexts, spec_id):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, f"architectures/{spec_id}.html"))
        assert tab.locator(f"#view-{BY_ID[spec_id].arch.views[0].id} svg.drawing").first.is_visible()
        assert scroll_width(tab) <= PHONE["width"] + 1
    finally:
        tab.close()


@pytest.mark.parametrize("spec_id", ["twitter-2013", "salesforce-2013"])
def test_phone_downloads_table_fits_the_screen(site, contexts, spec_id):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, f"architectures/{spec_id}.html"))
        for summary in tab.locator("details.downloads > summary").all():
            summary.scroll_into_view_if_needed()
            summary.tap()
        assert tab.locator("details.downloads[open]").count() == len(BY_ID[spec_id].arch.views)
        assert scroll_width(tab) <= PHONE["width"] + 1
    finally:
        tab.close()


# ---------------------------------------------------------------------------------------------------------------
# 11. Keyboard
# ---------------------------------------------------------------------------------------------------------------


def test_keyboard_reaches_search_and_selects_and_filters(site, page):
    page.goto(url(site, "index.html"))
    order = []
    for _ in range(20):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if order[-1] == "clear-filters":
            break
    assert order[0] == "Skip to content"
    controls = ["q", "f-domain", "f-tech", "f-pattern", "f-tag", "f-era", "sort", "clear-filters"]
    assert order[order.index("q"):] == controls, order
    for _ in controls[1:]:
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(TECH_QUERY)
    assert set(visible_cards(page)) == search_expected(TECH_QUERY)
    page.keyboard.press("Enter")  # submitting the form must not reload or clear it
    assert page.input_value("#q") == TECH_QUERY
    assert set(visible_cards(page)) == search_expected(TECH_QUERY)
    for _ in range(controls.index("f-era") - controls.index("q")):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-era"
    page.keyboard.press("ArrowDown")
    era = page.input_value("#f-era")
    assert era
    assert set(visible_cards(page)) == search_expected(TECH_QUERY) & {
        s.id for s in SPECS if decade(s.arch.year) == era}


# ---------------------------------------------------------------------------------------------------------------
# Screenshots for a human look (not committed)
# ---------------------------------------------------------------------------------------------------------------


def settle_images(tab) -> None:
    """Scroll through the page so lazy images load, then back to the top."""
    height = tab.evaluate("document.scrollingElement.scrollHeight")
    for y in range(0, height, 700):
        tab.evaluate(f"window.scrollTo(0, {y})")
        tab.wait_for_timeout(30)
    tab.wait_for_function("() => Array.from(document.images).every(i => i.hidden || i.complete)")
    tab.evaluate("window.scrollTo(0, 0)")


@pytest.mark.skipif(not os.environ.get("ARCHCAT_SCREENSHOTS"),
                    reason="screenshots for a person to look at; set ARCHCAT_SCREENSHOTS=1 to take them")
def test_screenshots_for_review(site, contexts):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots = []
    for scheme in ("light", "dark"):
        for name, rel, full in (("index", "index.html", True),
                                ("architecture", "architectures/twitter-2013.html", True),
                                ("compare", "compare.html", False),
                                ("technologies", "technologies.html", False)):
            tab = contexts(scheme).new_page()
            try:
                tab.goto(url(site, rel))
                if full:
                    settle_images(tab)
                else:
                    tab.wait_for_function("() => Array.from(document.images).every(i => i.hidden || i.complete)")
                target = SHOTS / f"{name}-{scheme}.png"
                tab.screenshot(path=str(target), full_page=full)
                shots.append(target)
            finally:
                tab.close()
    for name, rel in (("phone-index", "index.html"), ("phone-architecture", "architectures/whatsapp-2014.html")):
        tab = contexts("light", phone=True).new_page()
        try:
            tab.goto(url(site, rel))
            settle_images(tab)
            target = SHOTS / f"{name}.png"
            tab.screenshot(path=str(target), full_page=name == "phone-architecture")
            shots.append(target)
        finally:
            tab.close()
    assert all(path.stat().st_size > 10_000 for path in shots)
