"""The eras timelines in the built gallery of the bundled catalog: a page per company with two or more specs,
links from every era, the compare suggestions, accessibility in both schemes, phones and the keyboard.

Uses the session gallery and browser (`site` and `contexts` in conftest) and test_gallery_browser's helpers.
"""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path

import pytest

from archcat.eras import companies, compare_with
from tests.conftest import PHONE, assert_no_serious_axe_violations
from tests.test_gallery_browser import BY_ID, SITE, SPECS, label_of, scroll_width, url, wait_image

COMPANIES = companies(SITE.specs, SITE.tech_name)
TWITTER = next(c for c in COMPANIES if c.name == "Twitter")
ERA = "twitter-2013"


@cache
def hrefs(path: Path) -> list[str]:
    """Every link on a page (the gallery writes attributes in double quotes)."""
    return [html.unescape(h) for h in re.findall(r'<a [^>]*?href="([^"]+)"', path.read_text(encoding="utf-8"))]


def test_every_company_with_two_specs_has_a_timeline_that_every_era_links_to(site):
    names = [s.arch.name for s in SPECS]
    expected = {n for n in names if names.count(n) >= 2}
    assert {c.name for c in COMPANIES} == expected and len(expected) >= 10
    index = hrefs(site / "eras" / "index.html")
    assert sorted(p.name for p in (site / "eras").glob("*.html")) == sorted(
        ["index.html", *(f"{c.slug}.html" for c in COMPANIES)])
    for company in COMPANIES:
        page = site / company.href
        links = hrefs(page)
        assert f"../{company.href}" in index
        for spec in company.eras:
            assert f"../architectures/{spec.id}.html" in links, (company.name, spec.id)
            assert f"../{company.href}#era-{spec.id}" in hrefs(site / "architectures" / f"{spec.id}.html"), spec.id
    single = next(s for s in SPECS if names.count(s.arch.name) == 1)
    assert not any(h.startswith("../eras/") and h != "../eras/index.html"
                   for h in hrefs(site / "architectures" / f"{single.id}.html"))


def test_every_architecture_page_suggests_three_comparisons(site):
    for spec in SPECS:
        links = [h for h in hrefs(site / "architectures" / f"{spec.id}.html")
                 if h.startswith(f"../compare.html?a={spec.id}&b=")]
        suggested = [f"../compare.html?a={spec.id}&b={other.id}" for other, _ in compare_with(SITE, spec)]
        assert len(suggested) == 3 and set(suggested) <= set(links), spec.id


def test_timeline_shows_each_era_in_order_with_its_diagram_and_changes(site, contexts):
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, TWITTER.href))
        ids = tab.eval_on_selector_all("section.tl-era", "s => s.map(e => e.id)")
        assert ids == [f"era-{s.id}" for s in TWITTER.eras]
        headings = tab.eval_on_selector_all("section.tl-era > h2", "h => h.map(e => e.textContent)")
        assert [" ".join(h.split()) for h in headings] == [
            f"{s.arch.era or s.arch.year} {s.arch.title}" for s in TWITTER.eras]
        assert tab.locator("section.change").count() == len(TWITTER.eras) - 1
        last = TWITTER.eras[-1]
        image = wait_image(tab, f"#era-{last.id} img")
        assert image["src"].endswith(f"diagrams/{last.id}/{last.arch.views[0].id}-light.svg") and image["w"] > 0
        change = TWITTER.changes[-1]
        shown = tab.eval_on_selector_all(f"#era-{last.id} .change .era-chips.added", "u => u.length")
        assert shown == sum(1 for part in (change.components.added, change.technologies.added,
                                           change.patterns.added) if part)
        lessons = tab.eval_on_selector_all(f"#era-{last.id} .era-lessons a", "a => a.map(e => e.textContent)")
        assert lessons == [lesson.title for lesson in last.arch.lessons]
        # Overviews with little in common are flagged: the specs may draw different parts of the company.
        for step in TWITTER.changes:
            c = step.components
            little = len(c.kept) * 5 < min(len(c.kept) + len(c.removed), len(c.kept) + len(c.added))
            assert tab.locator(f"#era-{step.after.id} .change-note").count() == int(little), step.after.id
        assert any(len(step.components.kept) <= 1 for step in TWITTER.changes)
    finally:
        tab.close()


def test_dark_scheme_shows_the_light_drawing_the_site_stores(site, contexts):
    tab = contexts("dark").new_page()
    try:
        tab.goto(url(site, TWITTER.href))
        first = TWITTER.eras[0]
        image = wait_image(tab, f"#era-{first.id} img")
        assert image["src"].endswith(f"diagrams/{first.id}/{first.arch.views[0].id}-light.svg")
    finally:
        tab.close()


def test_compare_with_link_preselects_both_sides(site, contexts):
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, f"architectures/{ERA}.html"))
        first, _ = compare_with(SITE, BY_ID[ERA])[0]
        link = tab.locator(f'aside.study a[href="../compare.html?a={ERA}&b={first.id}"]')
        assert link.inner_text().strip() == label_of(first)
        link.click()
        tab.wait_for_url("**/compare.html?*")
        assert tab.input_value("#cmp-a") == ERA
        assert tab.input_value("#cmp-b") == first.id
        assert " ".join(tab.locator("#side-a h2").inner_text().split()) == label_of(BY_ID[ERA])
        assert " ".join(tab.locator("#side-b h2").inner_text().split()) == label_of(first)
    finally:
        tab.close()


def test_keyboard_moves_from_the_strip_to_an_era(site, contexts):
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, TWITTER.href))
        target = TWITTER.eras[2]
        for _ in range(40):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.getAttribute('href')") == f"#era-{target.id}":
                break
        else:
            pytest.fail("Tab never reached the era strip")
        tab.keyboard.press("Enter")
        assert tab.evaluate("location.hash") == f"#era-{target.id}"
        top = tab.eval_on_selector(f"#era-{target.id}", "e => e.getBoundingClientRect().top")
        assert 0 <= top < 100
    finally:
        tab.close()


@pytest.mark.parametrize("rel", [TWITTER.href, "eras/index.html", f"architectures/{ERA}.html"])
def test_phone_pages_do_not_scroll_sideways(site, contexts, rel):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, rel))
        assert scroll_width(tab) <= PHONE["width"] + 1
    finally:
        tab.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", [TWITTER.href, "eras/index.html"], ids=["twitter", "index"])
def test_axe_finds_no_serious_violations(site, contexts, scheme, rel):
    from axe_playwright_python.sync_playwright import Axe

    tab = contexts(scheme).new_page()
    try:
        tab.goto(url(site, rel))
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        results = Axe().run(tab)
    finally:
        tab.close()
    assert_no_serious_axe_violations(results, f"{rel} ({scheme})")
    assert any(p["id"] == "color-contrast" for p in results.response["passes"])
