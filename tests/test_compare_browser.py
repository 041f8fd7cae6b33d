"""Compare in a real browser: what both use and what only one does, numbers lined up by what they measure, live
diagrams (each a frame of its architecture page in embed mode), the URL, accessibility and phones.

Uses the session's gallery (the `site` fixture) and the browser helpers of
test_gallery_browser; every expected value is computed from the specs.
"""

from __future__ import annotations

import pytest

from archcat.gallery import patterns_of, tech_anchor
from archcat.measures import MEASURES, measure_of
from archcat.vocab import load_vocabulary
from tests import test_gallery_browser as gallery
from tests.conftest import PHONE, assert_no_serious_axe_violations
from tests.test_gallery_browser import BY_ID, SITE, SPECS, label_of, query_of, scale_of, scroll_width, url

# A fresh tab per test, on the session's browser contexts (conftest: one per colour scheme and screen).
page = gallery.page

NAMES = {p.id: p.name for p in load_vocabulary().patterns.values()}


def measures_of(spec_id: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for m in BY_ID[spec_id].arch.metrics:
        found.setdefault(measure_of(m.label, m.value), []).append(m)
    return found


def _unrelated_pair() -> tuple[str, str]:
    """Two specs of different systems and domains, each with several views, sharing a technology and a pattern
    and each having some of its own."""
    for a in SPECS:
        for b in SPECS:
            if a.arch.name == b.arch.name or a.arch.domain == b.arch.domain or a.id >= b.id:
                continue
            ta, tb = set(SITE.by_spec_tech[a.id]), set(SITE.by_spec_tech[b.id])
            pa, pb = set(patterns_of(a)), set(patterns_of(b))
            if (len(a.arch.views) > 1 and len(b.arch.views) > 1 and ta & tb and ta - tb and tb - ta
                    and pa & pb and pa - pb and pb - pa):
                return a.id, b.id
    raise AssertionError("no pair of unrelated specs shares a technology and a pattern")


def _users_pair() -> tuple[str, str]:
    """twitter-2013 and the first other system whose key numbers both count users (and something only one does)."""
    a = "twitter-2013"
    assert "users" in measures_of(a)
    b = next(s.id for s in SPECS if s.arch.name != BY_ID[a].arch.name and "users" in measures_of(s.id)
             and set(measures_of(s.id)) != set(measures_of(a)))
    return a, b


UNRELATED = _unrelated_pair()
USERS = _users_pair()


def ready(tab, a: str, b: str) -> None:
    tab.wait_for_selector("#compare[data-state=ready]")
    assert [tab.input_value("#cmp-a"), tab.input_value("#cmp-b")] == [a, b]
    assert tab.inner_text("#side-a h2").strip() == label_of(BY_ID[a])
    assert tab.inner_text("#side-b h2").strip() == label_of(BY_ID[b])


def test_shared_and_unique_technologies_and_patterns_are_what_the_specs_say(site, page):
    a, b = UNRELATED
    page.goto(url(site, "compare.html"))
    page.select_option("#cmp-a", a)
    page.select_option("#cmp-b", b)
    ready(page, a, b)
    shown = page.evaluate("""() => {
        const out = {};
        for (const kind of ['tech', 'patterns'])
            for (const part of ['a', 'both', 'b'])
                out[kind + '-' + part] = Array.from(document.querySelectorAll(
                    `table.overlap .overlap-${kind} [data-part="${part}"] li a`))
                    .map(x => [x.textContent, x.getAttribute('href')]);
        out.heads = Array.from(document.querySelectorAll('table.overlap thead th')).map(th => th.textContent);
        return out;
    }""")
    ta, tb = SITE.by_spec_tech[a], SITE.by_spec_tech[b]
    for part, expected in (("a", [t for t in ta if t not in tb]), ("both", [t for t in ta if t in tb]),
                           ("b", [t for t in tb if t not in ta])):
        assert shown[f"tech-{part}"] == [[t, f"technologies.html#{tech_anchor(t)}"] for t in expected]
    pa, pb = patterns_of(BY_ID[a]), patterns_of(BY_ID[b])
    for part, expected in (("a", [p for p in pa if p not in pb]), ("both", [p for p in pa if p in pb]),
                           ("b", [p for p in pb if p not in pa])):
        assert shown[f"patterns-{part}"] == [[NAMES[p], f"patterns.html#p-{p}"] for p in expected]
    assert shown["heads"] == [f"Only in {label_of(BY_ID[a])}", "Both", f"Only in {label_of(BY_ID[b])}"]
    technologies = (site / "technologies.html").read_text(encoding="utf-8")
    assert all(f'id="{href.split("#")[1]}"' in technologies for _, href in shown["tech-both"])


def test_key_numbers_are_lined_up_by_what_they_measure(site, page):
    a, b = USERS
    page.goto(url(site, "compare.html", {"a": a, "b": b}))
    ready(page, a, b)
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('table.aligned tbody th.group')).map(th => ({
        name: th.textContent,
        cells: Array.from(th.parentNode.nextElementSibling.cells).map(td => Array.from(td.querySelectorAll('li'))
            .map(li => ({label: li.querySelector('.metric-label').textContent,
                         value: li.querySelector('strong').textContent,
                         cite: li.querySelector('.muted').textContent,
                         links: Array.from(li.querySelectorAll('a')).map(x => x.getAttribute('href'))})))}))""")
    mine, theirs = measures_of(a), measures_of(b)
    both = [key for key in MEASURES if key in mine and key in theirs]
    assert "users" in both
    assert [row["name"] for row in rows] == [MEASURES[key] for key in both]
    for row, key in zip(rows, both, strict=True):
        for cell, spec_id, metrics in ((row["cells"][0], a, mine[key]), (row["cells"][1], b, theirs[key])):
            sources = {s.id: s for s in BY_ID[spec_id].arch.sources}
            assert [(c["label"], c["value"]) for c in cell] == [(m.label, m.value) for m in metrics]
            for c, m in zip(cell, metrics, strict=True):
                assert c["cite"].startswith(f"in {m.year}, per {sources[m.source].title}")
                assert c["links"] == [sources[m.source].url]
                if m.where:
                    assert c["cite"].endswith(f", {m.where}")
    others = page.evaluate("""() => ['a', 'b'].map(side => Array.from(document.querySelectorAll(
        `.other-metrics .metric[data-side="${side}"] dt`)).map(dt => dt.textContent))""")
    for shown, spec_id in zip(others, (a, b), strict=True):
        assert shown == [m.label for m in BY_ID[spec_id].arch.metrics if measure_of(m.label, m.value) not in both]


def frame_selector(side: str, view: str | None = None) -> str:
    """A side's diagram: its frame, once loaded (and showing `view`, when given)."""
    return f"#side-{side} .side-diagram iframe:not(.loading)" + (f'[data-view="{view}"]' if view else "")


def diagram(tab, side: str, view: str | None = None):
    """The live diagram a side shows: the one figure its frame shows, once loaded."""
    tab.wait_for_selector(frame_selector(side, view))
    return tab.frame_locator(frame_selector(side, view)).locator("figure.diagram:visible")


def transform_scale(tab, side: str) -> float:
    return scale_of(diagram(tab, side).locator(".canvas").evaluate("c => c.style.transform"))


def test_diagrams_zoom_step_and_switch_views(site, page):
    a, b = UNRELATED
    page.goto(url(site, "compare.html", {"a": a, "b": b}))
    ready(page, a, b)
    for side, spec_id in (("a", a), ("b", b)):  # each side frames its architecture page, showing its first view
        view = BY_ID[spec_id].arch.views[0]
        frame = page.locator(frame_selector(side))
        page.wait_for_selector(frame_selector(side))
        assert frame.get_attribute("src") == f"architectures/{spec_id}.html?embed={view.id}"
        assert frame.get_attribute("title") == f"{label_of(BY_ID[spec_id])}: {view.title}"
        assert diagram(page, side).get_attribute("data-view") == view.id
        assert diagram(page, side).count() == 1
    before = transform_scale(page, "a")
    diagram(page, "a").locator('[data-zoom="in"]').click()
    assert transform_scale(page, "a") == pytest.approx(before * 1.25, rel=1e-4)
    diagram(page, "b").locator(".viewer").focus()
    other = transform_scale(page, "b")
    page.keyboard.press("-")
    assert transform_scale(page, "b") == pytest.approx(other / 1.25, rel=1e-4)
    assert transform_scale(page, "a") == pytest.approx(before * 1.25, rel=1e-4)  # each side has its own viewer
    diagram(page, "a").locator('[data-zoom="reset"]').click()
    assert transform_scale(page, "a") == pytest.approx(before, rel=1e-4)
    flow = BY_ID[a].arch.views[0].flow
    assert flow
    diagram(page, "a").locator('[data-step="next"]').click()
    assert diagram(page, "a").locator(".step-now").inner_text().strip() == f"Step 1 of {len(flow)}: {flow[0].text}"
    assert query_of(page) == {"a": [a], "b": [b]}  # a step in a frame leaves the page's address alone
    # A component's details, on hover.
    node = BY_ID[a].arch.views[0].all_nodes()[0]
    diagram(page, "a").locator(f"g.node[data-id='node-{node.id}']").hover()
    assert node.label in diagram(page, "a").locator(".node-info").inner_text()
    # Another view: a new frame, without a step in the browser's history.
    history = page.evaluate("history.length")
    second = BY_ID[a].arch.views[1]
    page.select_option("#view-a", "1")
    assert diagram(page, "a", second.id).get_attribute("data-view") == second.id
    assert page.locator("#side-a iframe").count() == 1
    assert diagram(page, "a").locator(f"g.node[data-id='node-{second.all_nodes()[0].id}']").count() == 1
    assert page.inner_text("#side-a .side-view-summary") == (second.summary or "")
    assert page.evaluate("history.length") == history
    assert diagram(page, "b").get_attribute("data-view") == BY_ID[b].arch.views[0].id


def test_the_wheel_scrolls_the_page_over_a_diagram_and_zooms_it_with_ctrl(site, page):
    a, b = UNRELATED
    page.goto(url(site, "compare.html", {"a": a, "b": b}))
    ready(page, a, b)
    viewer = diagram(page, "a").locator(".viewer")
    viewer.scroll_into_view_if_needed()
    fitted = transform_scale(page, "a")
    box = page.locator(frame_selector("a")).bounding_box()
    top = page.evaluate("scrollY")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.mouse.wheel(0, 300)
    page.wait_for_function("y => scrollY !== y", arg=top)  # the frame does not swallow the wheel
    assert transform_scale(page, "a") == pytest.approx(fitted)
    box = page.locator(frame_selector("a")).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    assert transform_scale(page, "a") > fitted


def test_a_phone_swipe_over_a_diagram_scrolls_and_two_fingers_zoom_it(site, contexts):
    a, b = UNRELATED
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "compare.html", {"a": a, "b": b}))
        ready(tab, a, b)
        tab.locator(frame_selector("a")).scroll_into_view_if_needed()
        fitted = transform_scale(tab, "a")
        box = tab.locator(frame_selector("a")).bounding_box()
        start = tab.evaluate("scrollY")
        cdp = tab.context.new_cdp_session(tab)
        gallery.touch_gesture(cdp, [(PHONE["width"] / 2, box["y"] + box["height"] / 3)], [(0, -200)])
        tab.wait_for_function("y => scrollY > y + 100", arg=start)  # a swipe over the diagram scrolls the page
        assert transform_scale(tab, "a") == pytest.approx(fitted)
        # The frame into view (a browser leaves a frame of another origin unpainted while it is out of sight).
        tab.locator(frame_selector("a")).scroll_into_view_if_needed()
        box = diagram(tab, "a").locator(".viewer").bounding_box()
        middle = box["y"] + box["height"] / 2
        gallery.touch_gesture(cdp, [(150, middle), (240, middle)], [(-60, 0), (60, 0)])
        assert transform_scale(tab, "a") > fitted * 1.5  # two fingers spread: the diagram zooms
    finally:
        tab.close()


def test_the_url_keeps_the_pair(site, contexts, page):
    a, b = UNRELATED
    page.goto(url(site, "compare.html", {"a": a, "b": b}))
    ready(page, a, b)
    c = USERS[1]
    page.select_option("#cmp-b", c)
    ready(page, a, c)
    assert query_of(page) == {"a": [a], "b": [c]}
    page.click("#cmp-swap")
    ready(page, c, a)
    assert query_of(page) == {"a": [c], "b": [a]}
    fresh = contexts("light").new_page()
    try:
        fresh.goto(page.url)
        ready(fresh, c, a)
        for side, spec_id in (("a", c), ("b", a)):  # each side frames its own architecture's first view
            assert diagram(fresh, side).get_attribute("data-view") == BY_ID[spec_id].arch.views[0].id
            src = fresh.locator(frame_selector(side)).get_attribute("src")
            assert src == f"architectures/{spec_id}.html?embed={BY_ID[spec_id].arch.views[0].id}"
    finally:
        fresh.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_and_a_phone(site, contexts, scheme):
    """axe on a pair of unrelated systems with view pickers, on a 390-pixel phone: the sides stack."""
    from axe_playwright_python.sync_playwright import Axe

    a, b = UNRELATED
    tab = contexts(scheme, phone=True).new_page()
    try:
        tab.goto(url(site, "compare.html", {"a": a, "b": b}))
        ready(tab, a, b)
        assert scroll_width(tab) <= PHONE["width"] + 1
        first, second = (tab.locator(f"#side-{s}").bounding_box() for s in ("a", "b"))
        assert first and second and second["y"] >= first["y"] + first["height"]
        results = Axe().run(tab)
        # axe in the page does not reach into a frame of another origin (every file:// page is one of its own):
        # each frame is tested on its own.
        frames = []
        for side, spec_id in (("a", a), ("b", b)):
            diagram(tab, side).locator(".viewer").wait_for()
            frame = tab.locator(frame_selector(side)).element_handle().content_frame()
            assert frame and frame.url.endswith(f"architectures/{spec_id}.html?embed={BY_ID[spec_id].arch.views[0].id}")
            assert frame.evaluate("document.scrollingElement.scrollHeight <= innerHeight")  # no scrollbar
            frames.append((spec_id, Axe().run(frame)))
    finally:
        tab.close()
    assert_no_serious_axe_violations(results, f"compare.html ({scheme}, phone)")
    for spec_id, found in frames:
        assert_no_serious_axe_violations(found, f"compare.html's frame of {spec_id} ({scheme}, phone)")


def test_filling_in_a_pair_moves_nothing_already_shown(site, contexts):
    """The sides and blocks appear whole once the pair's data has come: no layout shift on a phone, where the
    sides stack and the footer would otherwise start in view and be pushed down. A side's frame has its size
    from the start, so that nothing below it moves as it loads, in sight or not (the browser reports only shifts
    in sight), and shows nothing until its page has loaded (and hidden all but the diagram)."""
    a, b = UNRELATED
    tab = contexts("light", phone=True).new_page()
    try:
        tab.add_init_script("""if (window === window.top) {
            window.__shifts = [];
            new PerformanceObserver(list => list.getEntries().forEach(e => window.__shifts.push(e.value)))
              .observe({type: "layout-shift", buffered: true});
            window.__frames = [];
            new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(node => {
                if (node.localName !== "iframe") return;
                const seen = {added: getComputedStyle(node).visibility};
                node.addEventListener("load", () => { seen.loaded = getComputedStyle(node).visibility; });
                window.__frames.push(seen);
            }))).observe(document, {childList: true, subtree: true});
            window.__boxes = () => Array.from(document.querySelectorAll(
                "#compare .side-diagram, #compare .compare-block, footer.site")).map(e => {
                    const r = e.getBoundingClientRect();
                    return [r.left, r.top + scrollY, r.width, r.height].map(Math.round);
                });
            new MutationObserver(() => {
                if (!window.__shown && document.querySelector("#compare[data-shown]")) {
                    window.__shown = window.__boxes();
                }
            }).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-shown"]});
        }""")
        tab.goto(url(site, "compare.html", {"a": a, "b": b}))
        ready(tab, a, b)
        for side in ("a", "b"):
            diagram(tab, side).wait_for()
        tab.wait_for_timeout(300)
        shifts = tab.evaluate("window.__shifts")
        frames = tab.evaluate("window.__frames")
        shown, loaded = tab.evaluate("[window.__shown, window.__boxes()]")
        footer = tab.locator("footer.site").bounding_box()
    finally:
        tab.close()
    assert shifts == []
    assert footer and footer["y"] > PHONE["height"]
    assert frames == [{"added": "hidden", "loaded": "visible"}] * 2
    assert len(shown) == 6 and loaded == shown  # two frames, three blocks and the footer, where they first were
