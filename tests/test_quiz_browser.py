"""The quiz pages in a real browser: answering by keyboard, feedback and sources, the score kept across reloads
and cleared by reset, the catalog quiz's domain filter, accessibility (axe) in light and dark.

Pages are opened from the session's built gallery (file://). Each test uses a
browser context of its own, so answers kept in localStorage never leak from
one test to another. Expected values come from the questions quiz.py makes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archcat.quiz import KINDS, Question, catalog_quiz, spec_quiz
from tests.conftest import DESKTOP, PHONE, assert_no_serious_axe_violations
from tests.test_gallery_browser import SHOTS, url
from tests.test_quiz import BY_ID, CATALOG, VOCAB

SPEC = "twitter-2013"
ARCH_QUIZ = f"quiz/{SPEC}.html"
ASKED = spec_quiz(BY_ID[SPEC], CATALOG)
MIXED = catalog_quiz(CATALOG)


@pytest.fixture
def fresh(browser):
    """fresh(scheme="light", phone=False): a new browser context (empty localStorage) of the run's one Chromium,
    closed after the test."""
    made = []

    def new(scheme: str = "light", phone: bool = False):
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        context = browser.new_context(color_scheme=scheme, **options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context.new_page()

    yield new
    for context in made:
        context.close()


def first_of_each_kind(asked: list[Question]) -> dict[str, Question]:
    found = {kind: next((q for q in asked if q.kind == kind), None) for kind in KINDS}
    assert all(found.values()), f"{SPEC}'s quiz should ask every kind of question: {found}"
    return found  # type: ignore[return-value]


def current_order(tab, q: Question) -> list[int]:
    return [int(v) for v in tab.eval_on_selector_all(f"#q-{q.id} ol.order > li", "ls => ls.map(l => l.dataset.choice)")]


def focused(tab) -> str:
    return tab.evaluate("(document.activeElement.className || '') + ' ' + document.activeElement.textContent.trim()")


def answer_by_keyboard(tab, q: Question, right: bool) -> None:
    """Pick (or order) the answer with the keyboard alone once the first control has focus, then submit."""
    section = f"#q-{q.id}"
    if q.kind == "order":
        n = len(q.choices)
        if right:
            for place in range(n):
                order = current_order(tab, q)
                at = order.index(q.answer[place])
                if at == place:
                    continue
                tab.locator(f"{section} li[data-choice='{q.answer[place]}'] [data-move=up]").focus()
                for _ in range(at - place):
                    tab.keyboard.press("Enter")
                assert "Move up" in focused(tab)  # focus follows the step it moves
            assert current_order(tab, q) == list(q.answer)
        else:
            order = current_order(tab, q)
            swapped = [order[1], order[0], *order[2:]]
            if swapped != list(q.answer):
                tab.locator(f"{section} li[data-choice='{order[0]}'] [data-move=down]").focus()
                tab.keyboard.press("Enter")
                assert current_order(tab, q) == swapped
            assert current_order(tab, q) != list(q.answer)
        tab.locator(f"{section} button.check").focus()
    else:
        target = q.answer[0] if right else next(i for i in range(len(q.choices)) if i != q.answer[0])
        radios = tab.locator(f"{section} input[type=radio]")
        radios.nth(0).focus()
        if target == 0:
            tab.keyboard.press("Space")
        for _ in range(target):
            tab.keyboard.press("ArrowDown")
        assert radios.nth(target).is_checked()
        tab.keyboard.press("Tab")  # a radio group is one stop: the next is its submit button
    assert "check" in focused(tab)
    tab.keyboard.press("Enter")


def expect_feedback(tab, q: Question, right: bool) -> None:
    section = tab.locator(f"#q-{q.id}")
    feedback = section.locator(".feedback")
    assert feedback.get_attribute("aria-live") == "polite"
    verdict = feedback.locator(".verdict").inner_text()
    assert verdict.startswith("Right" if right else "Not quite"), (q.kind, verdict)
    reveal = feedback.locator(".reveal")
    assert reveal.is_visible()
    for cite in q.cite:  # the source, with a link to it (and where in it, for lessons and numbers)
        link = reveal.locator(f'a[href="{cite.url}"]')
        assert link.count() == 1 and link.inner_text() == cite.title
        if cite.where:
            assert cite.where in reveal.inner_text()
    assert reveal.locator(f'a[href="../{q.link}"]').count() == 1  # the architecture page, where the answer is
    if q.kind == "order":
        steps = reveal.locator("ol.right-order > li")
        assert steps.count() == len(q.choices)
        for place, choice in enumerate(q.answer):
            item = steps.nth(place)
            href = f"../architectures/{q.spec}.html#{q.view}/step-{q.steps[choice]}"
            assert item.locator("a").get_attribute("href") == href
            assert q.choices[choice] in item.inner_text()
        assert section.locator("[data-move]:visible").count() == 0  # answered: the steps stay put
    else:
        assert reveal.locator("strong").first.inner_text() == q.right
        labels = section.locator("label.choice")
        assert "is-right" in (labels.nth(q.answer[0]).get_attribute("class") or "")
        assert section.locator("label.is-wrong").count() == (0 if right else 1)
        assert section.locator("input[type=radio]:disabled").count() == len(q.choices)
    if q.kind == "pattern":
        assert reveal.locator(f'a[href="../patterns.html#p-{q.pattern}"]').count() == 1
        assert VOCAB.patterns[q.pattern].summary in reveal.inner_text()


def score(tab) -> str:
    return tab.locator("#quiz-score").inner_text()


def stored(tab, page: str) -> dict:
    return tab.evaluate("k => JSON.parse(localStorage.getItem(k) || 'null')", f"archcat-quiz:{page}") or {}


def test_each_kind_answered_right_and_wrong_by_keyboard_with_score_kept_until_reset(site, fresh):
    tab = fresh()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    requests: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(url(site, ARCH_QUIZ))
    total = len(ASKED)
    kinds = first_of_each_kind(ASKED)
    assert score(tab) == f"{total} questions. Nothing answered yet."
    for q in kinds.values():
        answer_by_keyboard(tab, q, right=True)
        expect_feedback(tab, q, right=True)
        assert tab.evaluate("document.activeElement.getAttribute('aria-disabled')") == "true"  # focus stays put
    assert score(tab) == f"Score: 5 right of 5 answered ({total} questions)."
    assert set(stored(tab, "quiz/twitter-2013")) == {q.id for q in kinds.values()}

    tab.reload()
    assert score(tab) == f"Score: 5 right of 5 answered ({total} questions)."
    for q in kinds.values():
        expect_feedback(tab, q, right=True)
        if q.kind == "order":
            assert current_order(tab, q) == list(q.answer)
    tab.goto(url(site, "quiz/index.html"))  # every quiz page keeps its own answers
    assert score(tab) == f"{len(MIXED)} questions. Nothing answered yet."
    tab.go_back()

    tab.locator("#quiz-reset").focus()
    tab.keyboard.press("Enter")
    assert tab.locator("#quiz-status").inner_text() == "Your answers are cleared."
    assert score(tab) == f"{total} questions. Nothing answered yet."
    assert stored(tab, "quiz/twitter-2013") == {}
    assert tab.locator(".reveal:visible, .verdict:visible").count() == 0
    assert tab.locator("input[type=radio]:checked, input[type=radio]:disabled").count() == 0

    for q in kinds.values():
        answer_by_keyboard(tab, q, right=False)
        expect_feedback(tab, q, right=False)
    assert score(tab) == f"Score: 0 right of 5 answered ({total} questions)."
    tab.reload()
    assert score(tab) == f"Score: 0 right of 5 answered ({total} questions)."
    for q in kinds.values():
        expect_feedback(tab, q, right=False)
    tab.locator("#quiz-reset").click()
    tab.reload()
    assert score(tab) == f"{total} questions. Nothing answered yet."
    assert problems == []
    assert requests and all(r.startswith("file://") for r in requests), requests  # nothing leaves the page


def test_submitting_without_a_choice_asks_for_one_and_counts_nothing(site, fresh):
    tab = fresh()
    tab.goto(url(site, ARCH_QUIZ))
    q = next(q for q in ASKED if q.kind != "order")
    tab.locator(f"#q-{q.id} button.check").focus()
    tab.keyboard.press("Enter")
    assert tab.locator(f"#q-{q.id} .verdict").inner_text() == "Choose an answer first."
    assert not tab.locator(f"#q-{q.id} .reveal").is_visible()
    assert "Nothing answered yet" in score(tab) and stored(tab, "quiz/twitter-2013") == {}


def test_the_catalog_quiz_filters_by_domain(site, fresh):
    tab = fresh()
    tab.goto(url(site, "quiz/index.html"))
    assert tab.locator("section.question:visible").count() == len(MIXED)
    select = tab.locator("#quiz-domain")
    select.focus()
    tab.keyboard.press("ArrowDown")
    domain = select.input_value()
    expected = [q.id for q in MIXED if q.domain == domain]
    assert domain and expected
    shown = tab.eval_on_selector_all("section.question", "s => s.filter(x => !x.hidden).map(x => x.id)")
    assert shown == [f"q-{i}" for i in expected]
    assert tab.locator("#quiz-status").inner_text() == f"Showing {len(expected)} question{'s' * (len(expected) != 1)}."


def test_a_phone_shows_the_quiz_without_sideways_scrolling_and_the_hidden_component_in_view(site, fresh):
    tab = fresh(phone=True)
    tab.goto(url(site, ARCH_QUIZ))
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"] + 1
    diagram = next(q for q in ASKED if q.kind == "missing")
    box = tab.locator(f"#q-{diagram.id} .quiz-diagram")
    box.scroll_into_view_if_needed()
    mark = box.locator(".drawn .blanked")
    outer, inner = box.bounding_box(), mark.bounding_box()
    assert outer and inner
    assert outer["x"] <= inner["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("rel", [ARCH_QUIZ, "quiz/index.html"], ids=["architecture-quiz", "catalog-quiz"])
def test_axe_finds_no_serious_violations_with_answers_shown(site, fresh, scheme, rel):
    """axe on the page with a right and a wrong answer of each kind shown (its marks and colours checked too)."""
    from axe_playwright_python.sync_playwright import Axe

    tab = fresh(scheme)
    tab.goto(url(site, rel))
    assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
    asked = ASKED if rel == ARCH_QUIZ else MIXED
    for n, q in enumerate(asked[:8]):
        if q.kind != "order":
            tab.locator(f"#q-{q.id} input[type=radio]").nth(q.answer[0] if n % 2 else (q.answer[0] + 1) % 2).check()
        tab.locator(f"#q-{q.id} button.check").click()
    results = Axe().run(tab)
    assert_no_serious_axe_violations(results, f"{rel} ({scheme})")
    assert tab.locator(".verdict.not-ok").count() and tab.locator(".verdict.ok").count()


@pytest.mark.skipif(not os.environ.get("ARCHCAT_SCREENSHOTS"),
                    reason="screenshots for a person to look at; set ARCHCAT_SCREENSHOTS=1 to take them")
def test_quiz_screenshots_for_review(site, fresh):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    answered = [q for q in ASKED if q.kind in ("technology", "order")][:2]
    for scheme in ("light", "dark"):
        for phone in (False, True):
            tab = fresh(scheme, phone=phone)
            if not phone:
                tab.set_viewport_size({"width": 1440, "height": 900})
            tab.goto(url(site, ARCH_QUIZ))
            for q in answered:
                tab.locator(f"#q-{q.id} button.check").scroll_into_view_if_needed()
                if q.kind != "order":
                    tab.locator(f"#q-{q.id} input[type=radio]").nth((q.answer[0] + 1) % len(q.choices)).check()
                tab.locator(f"#q-{q.id} button.check").click()
            tab.evaluate("window.scrollTo(0, 0)")
            target = SHOTS / f"quiz-{390 if phone else 1440}-{scheme}.png"
            tab.screenshot(path=str(target), full_page=True)
            shots.append(target)
    assert all(path.stat().st_size > 10_000 for path in shots)
