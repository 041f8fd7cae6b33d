"""`archcat serve`: the live-preview server, its reload script, its error banner and its refusals.

The browser test drives Debian's Chromium (installed by `make test`) against a
real server, real builds and the real file watcher on a scratch project; it
fails, it does not skip, when Chromium is missing. The other tests drive
`ReloadServer` with small fake builders, with no browser. Every wait is
bounded, and every server is closed by its fixture.
"""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archcat.diagnostics import BuildFailed, Diagnostic, display_path
from archcat.discover import Project
from archcat.serve import STATE_PATH, ReloadServer, start
from tests.conftest import VALID_SPEC

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
CHROMIUM_MISSING = ("Chromium is not installed: no `chromium` on PATH. The live-preview test drives Debian's "
                    "Chromium; run `make test` (it installs it) or `sudo apt-get install chromium`.")
RELOAD_TIMEOUT_MS = 30_000
SCENARIO_TIMEOUT = 180.0
TITLE = "A small web shop"


def get(url: str, timeout: float = 10) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode("utf-8")


def raw_get(server: ReloadServer, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A GET sent as written: no client-side normalisation of `..` or percent escapes."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"{server.host}:{server.port}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.02)


def run_in_own_thread(scenario: Callable[[], None], timeout: float = SCENARIO_TIMEOUT) -> None:
    """Run a Playwright scenario on a thread of its own and re-raise its failure here.

    The gallery's browser tests keep a session-wide sync Playwright on the main thread, and a second
    sync Playwright cannot start on a thread that already has one; on a fresh thread it can.
    """
    failures: list[BaseException] = []

    def run() -> None:
        try:
            scenario()
        except BaseException as exc:
            failures.append(exc)

    thread = threading.Thread(target=run, name="playwright-scenario", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"the browser scenario did not finish within {timeout} s")
    if failures:
        raise failures[0]


# ---------------------------------------------------------------------------------------------------------------
# The real server on a scratch project, in a real browser
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[ReloadServer, Path, list[str]]]:
    """`archcat serve` on a scratch project holding shop-2020, on a free loopback port; closed afterwards."""
    (tmp_path / "architectures").mkdir()
    spec = tmp_path / "architectures" / VALID_SPEC.name
    shutil.copy(VALID_SPEC, spec)
    logs: list[str] = []
    server = start(Project(tmp_path), port=0, log=logs.append)
    try:
        yield server, spec, logs
    finally:
        server.close()


def test_chromium_is_installed():
    assert shutil.which("chromium"), CHROMIUM_MISSING


def test_saving_reloads_the_page_and_errors_show_on_it(live):
    server, spec, logs = live
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    assert server.port != 0 and server.host == "127.0.0.1"
    assert (spec.parent.parent / ".archcat-serve" / "index.html").is_file()
    page_url = f"{server.url}architectures/shop-2020.html"
    original = spec.read_text(encoding="utf-8")
    timings: dict[str, float] = {}

    def scenario() -> None:
        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(RELOAD_TIMEOUT_MS)
                heading = page.locator("h1")
                banner = page.locator("#archcat-build-error")
                page.goto(page_url)
                expect(heading).to_contain_text(TITLE)
                expect(banner).to_have_count(0)
                page.evaluate("window.__notReloaded = true")

                # Save a new title: the open page reloads by itself and shows it.
                started = time.monotonic()
                spec.write_text(original.replace(TITLE, "A fast web shop"), encoding="utf-8")
                expect(heading).to_contain_text("A fast web shop", timeout=RELOAD_TIMEOUT_MS)
                timings["reload"] = time.monotonic() - started
                assert page.evaluate("window.__notReloaded") is None
                page.evaluate("window.__notReloaded = true")

                # Save a broken spec: the banner names file and line; the last good page stays.
                broken = original.replace(TITLE, "A fast web shop").replace("\nyear: 2020\n", "\nyear: soon\n")
                line = broken.splitlines().index("year: soon") + 1
                spec.write_text(broken, encoding="utf-8")
                expect(banner).to_have_attribute("role", "alert", timeout=RELOAD_TIMEOUT_MS)
                expect(banner).to_contain_text(f"{display_path(spec)}:{line}:")
                expect(banner).to_contain_text("whole number")
                assert page.evaluate("window.__notReloaded") is True, "a failed build must not reload the page"
                expect(heading).to_contain_text("A fast web shop")
                status, html = get(page_url)
                assert status == 200 and "A fast web shop" in html, "the server must keep serving the last good site"
                assert any(f"{display_path(spec)}:{line}:" in entry for entry in logs), logs

                # Dismiss hides the banner; fixing the spec reloads the page with no banner.
                page.get_by_role("button", name="Dismiss the build error").click()
                expect(banner).to_have_count(0)
                spec.write_text(original.replace(TITLE, "A fixed web shop"), encoding="utf-8")
                expect(heading).to_contain_text("A fixed web shop", timeout=RELOAD_TIMEOUT_MS)
                assert page.evaluate("window.__notReloaded") is None
                expect(banner).to_have_count(0)
                assert server.state.ok and server.state.error == ""
            finally:
                browser.close()

    run_in_own_thread(scenario)
    assert timings["reload"] < RELOAD_TIMEOUT_MS / 1000


# ---------------------------------------------------------------------------------------------------------------
# ReloadServer with fake builders, no browser
# ---------------------------------------------------------------------------------------------------------------

PAGE = "<!doctype html>\n<html><head><title>t</title></head><body><h1>Hello</h1></body></html>\n"


@dataclass
class Fake:
    server: ReloadServer
    site: Path
    calls: list[float] = field(default_factory=list)  # when the builder ran
    logs: list[str] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)  # what the next builds raise, in order


def test_content_warnings_show_in_the_terminal_and_on_the_page_with_the_site_built(live):
    server, _spec, logs = live
    state = server.state
    assert state.ok and state.build == 1
    assert "shop-2020.yaml:1:1: warning: no domain" in state.warnings  # what `archcat validate` prints
    assert any("warning: no domain" in entry for entry in logs)
    answer = json.loads(get(f"{server.url}{STATE_PATH.lstrip('/')}?since=-1")[1])
    assert "warning: no domain" in answer["warnings"]
    page = get(server.url + "index.html")[1]
    assert "archcat-build-warnings" in page  # the script that shows them is on every page


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[Fake]:
    """A ReloadServer on a free port whose builder writes a tiny site, or raises what the test queues."""
    site = tmp_path / "site"
    calls: list[float] = []
    logs: list[str] = []
    failures: list[Exception] = []

    def builder() -> object:
        calls.append(time.monotonic())
        if failures:
            raise failures.pop(0)
        (site / "sub").mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text(PAGE, encoding="utf-8")
        (site / "sub" / "page.html").write_text(PAGE.replace("Hello", "Sub"), encoding="utf-8")
        (site / "style.css").write_text("body{color:red}</body>", encoding="utf-8")
        return None

    server = ReloadServer(site, builder, port=0, log=logs.append, debounce=0.1)
    try:
        server.rebuild()
        server.start()
        yield Fake(server, site, calls, logs, failures)
    finally:
        server.close()


def test_reload_script_is_added_to_responses_only(fake):
    server, site = fake.server, fake.site
    on_disk = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    for path in ("", "index.html", "sub/page.html", "index.html?tech=nginx#x"):
        status, html = get(server.url + path)
        assert status == 200
        assert html.count("data-archcat-reload") == 1, path
        assert html.index("data-archcat-reload") < html.rindex("</body>"), "the script goes before </body>"
    status, css = get(server.url + "style.css")
    assert status == 200 and css == "body{color:red}</body>", "only .html pages get the script"
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == on_disk
    assert not any(b"archcat-reload" in data for data in on_disk.values())


def test_paths_outside_the_served_folder_are_refused(fake, tmp_path: Path):
    server, site = fake.server, fake.site
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    (site / "link.txt").symlink_to(secret)
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
                 "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%2e%2e%5csecret.txt",
                 "/link.txt", "/%00", "/%ff%fe"):
        status, body = raw_get(server, path)
        assert status in (400, 403), (path, status)
        assert b"TOP SECRET" not in body, path
    assert raw_get(server, "/style.css")[0] == 200
    assert raw_get(server, "/sub/../index.html")[0] == 403, "no `..` at all, even when it stays inside"
    assert raw_get(server, "/index.html", host="attacker.example")[0] == 403, "DNS rebinding: loopback Host only"
    assert raw_get(server, "/index.html", host="localhost:1")[0] == 200


def test_only_loopback_addresses_unless_allowed(tmp_path: Path):
    for host in ("0.0.0.0", "192.168.1.20", "example.com", "::"):
        with pytest.raises(ValueError, match="loopback"):
            ReloadServer(tmp_path, lambda: None, host=host, port=0)
    server = ReloadServer(tmp_path, lambda: None, host="localhost", port=0)
    server.close()


def test_failed_and_crashing_builds_keep_the_last_good_site(fake):
    server, logs = fake.server, fake.logs
    first = server.state
    assert first.ok and first.build == 1
    fake.failures += [BuildFailed([Diagnostic("architectures/x.yaml", 4, 2, "bad thing", "fix it")]),
                      RuntimeError("boom")]

    server.request_rebuild()
    wait_until(lambda: not server.state.ok)
    state = server.state
    assert state.build == 1 and "architectures/x.yaml:4:2: error: bad thing" in state.error
    assert any("architectures/x.yaml:4:2: error: bad thing" in entry for entry in logs)
    assert get(server.url + "index.html")[0] == 200

    # A held long-poll answers as soon as the state changes.
    answer: dict[str, object] = {}
    poller = threading.Thread(target=lambda: answer.update(json.loads(get(
        f"{server.url}{STATE_PATH.lstrip('/')}?since={state.version}", timeout=20)[1])))
    poller.start()
    time.sleep(0.5)
    assert poller.is_alive() and not answer, "the long-poll must be held while nothing changes"
    server.request_rebuild()
    poller.join(20)
    assert not poller.is_alive()
    assert answer["ok"] is False and "RuntimeError: boom" in str(answer["error"])
    assert any("RuntimeError: boom" in entry for entry in logs)
    assert get(server.url + "index.html")[0] == 200, "a crashing builder must not take the server down"

    server.request_rebuild()
    wait_until(lambda: server.state.ok)
    assert server.state.build == 2 and server.state.error == ""
    assert len(fake.calls) == 4


def test_saves_in_a_burst_make_one_build(fake):
    server, calls = fake.server, fake.calls
    server.debounce = 0.5  # well above the gaps below, even on a loaded machine
    before = len(calls)
    for _ in range(10):
        server.request_rebuild()
        time.sleep(0.01)
    wait_until(lambda: server.state.build == 2)
    time.sleep(0.7)
    assert len(calls) == before + 1
