"""The Insights page in a real browser: accessibility in light and dark, the charts' links and keyboard, colours
that follow the scheme, and phones. Uses the session's gallery and Chromium (see tests/test_gallery_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archcat.insights import domain_technologies, pattern_pairs, technologies_by_era
from tests.conftest import PHONE, assert_no_serious_axe_violations
from tests.test_gallery_browser import SITE, scroll_width, url, visible_cards


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations_on_the_insights_page(site: Path, contexts, scheme: str):
    from axe_playwright_python.sync_playwright import Axe

    tab = contexts(scheme).new_page()
    try:
        tab.goto(url(site, "insights.html"))
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        results = Axe().run(tab)
    finally:
        tab.close()
    assert any(p["id"] == "color-contrast" for p in results.response["passes"])
    assert_no_serious_axe_violations(results, f"insights.html ({scheme})")


def test_a_bar_opens_the_index_on_exactly_its_architectures(site: Path, contexts):
    era = next(bar for chart in technologies_by_era(SITE) for row in chart.rows for bar in row.bars
               if bar.count >= 3)
    domain = domain_technologies(SITE)[0][0].rows[0].bars[0]
    tab = contexts("light").new_page()
    try:
        for bar in (era, domain):
            tab.goto(url(site, "insights.html"))
            link = tab.locator(f'svg a[href="{bar.href}"]')
            assert link.count() == 1
            link.click()
            tab.wait_for_url(re.compile(r"index\.html\?"))
            assert set(visible_cards(tab)) == set(bar.specs)
            assert tab.locator("#count").inner_text().startswith(f"{bar.count} of ")
    finally:
        tab.close()


def test_a_pair_bar_opens_its_list_by_keyboard(site: Path, contexts):
    pair = pattern_pairs(SITE)[2]
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, "insights.html"))
        shown = tab.locator(f"#{pair.anchor} .pair-users li a")
        assert not shown.first.is_visible()
        link = tab.locator(f'svg a[href="#{pair.anchor}"]')
        link.focus()
        assert tab.evaluate("document.activeElement.getAttribute('href')") == f"#{pair.anchor}"
        tab.keyboard.press("Enter")
        tab.wait_for_function("id => location.hash === '#' + id", arg=pair.anchor)
        assert shown.count() == len(pair.specs) and shown.first.is_visible() and shown.last.is_visible()
        assert shown.all_inner_texts() == [f"{s.arch.name} {s.arch.era or s.arch.year}" for s in pair.specs]
        others = tab.locator(".pair:not(:target) .pair-users")
        assert others.count() == len(pattern_pairs(SITE)) - 1 and not any(o.is_visible() for o in others.all())
        tab.locator(f'.pair-head[href="#{pattern_pairs(SITE)[0].anchor}"]').click()  # another pair by its name
        assert not shown.first.is_visible()
        assert tab.locator(f"#{pattern_pairs(SITE)[0].anchor} .pair-users li").first.is_visible()
    finally:
        tab.close()


def test_the_keyboard_moves_through_the_bars_in_order_with_a_visible_focus(site: Path, contexts):
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, "insights.html"))
        expected = tab.eval_on_selector_all("#eras svg.chart-svg:first-of-type a",
                                            "as => as.map(a => a.getAttribute('href'))")
        tab.locator("#eras .chart-intro a").last.focus()  # the last link before the first chart
        seen, rings = [], []
        for _ in expected:
            tab.keyboard.press("Tab")
            seen.append(tab.evaluate("document.activeElement.getAttribute('href')"))
            rings.append(tab.evaluate("""() => { const a = document.activeElement, hit = a.querySelector('.hit');
                return hit ? getComputedStyle(hit).strokeWidth : getComputedStyle(a.querySelector('text'))
                    .textDecorationLine; }"""))
        assert seen == expected and len(expected) > 10
        assert all(ring in ("3px", "underline") for ring in rings), rings
    finally:
        tab.close()


def test_chart_colours_follow_the_colour_scheme(site: Path, contexts):
    colours = {}
    for scheme in ("light", "dark"):
        tab = contexts(scheme).new_page()
        try:
            tab.goto(url(site, "insights.html"))
            colours[scheme] = tab.evaluate("""() => {
                const css = getComputedStyle(document.documentElement);
                const probe = document.createElement('span'); probe.style.color = css.getPropertyValue('--accent');
                document.body.append(probe); const accent = getComputedStyle(probe).color; probe.remove();
                return {bar: getComputedStyle(document.querySelector('svg .bar')).fill, accent,
                        text: getComputedStyle(document.querySelector('svg text.period')).fill,
                        muted: getComputedStyle(document.querySelector('.muted')).color}; }""")
        finally:
            tab.close()
    for scheme in ("light", "dark"):
        assert colours[scheme]["bar"] == colours[scheme]["accent"]
        assert colours[scheme]["text"] == colours[scheme]["muted"]
    assert colours["light"]["bar"] != colours["dark"]["bar"]


def test_on_a_phone_every_chart_fits_its_frame_and_bars_are_finger_sized(site: Path, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "insights.html"))
        assert scroll_width(tab) <= PHONE["width"] + 1
        frames = tab.eval_on_selector_all(".chart-scroll", "fs => fs.map(f => [f.scrollWidth, f.clientWidth])")
        assert all(scroll <= client for scroll, client in frames), frames
        assert len(frames) == len(tab.locator("svg.chart-svg").all()) > 10
        sizes = tab.eval_on_selector_all("svg a .hit", "rs => rs.map(r => r.getBoundingClientRect().height)")
        assert min(sizes) >= 22  # a finger's target: the whole line of a bar
    finally:
        tab.close()
