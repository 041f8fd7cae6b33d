"""The Open data page in a real browser: accessibility in light and dark, its downloads, and phones. Uses the
session's gallery and Chromium (see tests/test_gallery_browser.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcat.dataset import DATA_FOLDER, FILE_NAMES
from tests.conftest import PHONE, assert_no_serious_axe_violations
from tests.test_gallery_browser import scroll_width, url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations_on_the_data_page(site: Path, contexts, scheme: str):
    from axe_playwright_python.sync_playwright import Axe

    tab = contexts(scheme).new_page()
    try:
        tab.goto(url(site, "data.html"))
        assert tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        results = Axe().run(tab)
    finally:
        tab.close()
    assert any(p["id"] == "color-contrast" for p in results.response["passes"])
    assert_no_serious_axe_violations(results, f"data.html ({scheme})")


def test_the_footer_leads_to_the_data_page_and_its_files_download(site: Path, contexts):
    tab = contexts("light").new_page()
    try:
        tab.goto(url(site, "technologies.html"))
        tab.locator("footer a", has_text="Open data").click()
        tab.wait_for_url("**/data.html")
        links = tab.locator(".data-files a[download]")
        assert links.all_inner_texts() == list(FILE_NAMES)
        for link, name in zip(links.all(), FILE_NAMES, strict=True):
            assert link.get_attribute("href") == f"{DATA_FOLDER}/{name}"
            assert (site / DATA_FOLDER / name).stat().st_size > 0
    finally:
        tab.close()


def test_the_data_page_fits_a_phone(site: Path, contexts):
    tab = contexts("light", phone=True).new_page()
    try:
        tab.goto(url(site, "data.html"))
        assert scroll_width(tab) <= PHONE["width"] + 1
        boxes = tab.eval_on_selector_all(".data-files li", "ls => ls.map(l => l.getBoundingClientRect().right)")
        assert len(boxes) == len(FILE_NAMES) and max(boxes) <= PHONE["width"]
    finally:
        tab.close()
