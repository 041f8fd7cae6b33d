"""Shared fixtures: the repository, the valid base spec, and scratch projects."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.model import Spec

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID_SPEC = FIXTURES / "valid" / "shop-2020.yaml"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
CHROMIUM_MISSING = ("Chromium is not installed: no `chromium` on PATH. The gallery's browser tests drive Debian's "
                    "Chromium; run `make test` (it installs it) or `sudo apt-get install chromium`.")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gallery of the whole bundled catalog, built once per test run.

    Under pytest-xdist (`make test`) every worker shares the one build: the
    first to ask builds it under a lock, the others wait and reuse it.
    """
    from archcat.build import build

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    out = shared / "catalog-gallery"
    with open(shared / "catalog-gallery.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "index.html").is_file():  # the build puts its output in place in one step
            build(Project(REPO), out=out)
    return out


# One Chromium per test process, shared by every browser test file: Playwright's sync API runs one instance per
# thread, so each file starting its own would fail whenever two of them run in the same process.
@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def contexts(browser):
    """contexts(scheme, phone=False): one browser context per colour scheme and screen, made on first use."""
    made = {}

    def get(scheme: str = "light", phone: bool = False):
        key = (scheme, phone)
        if key not in made:
            if phone:
                options = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
            else:
                options = {"viewport": DESKTOP}
            made[key] = browser.new_context(color_scheme=scheme, **options)
            made[key].set_default_timeout(15_000)
        return made[key]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def repo() -> Project:
    return Project(REPO)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A scratch project holding one valid spec (shop-2020)."""
    (tmp_path / "architectures").mkdir()
    shutil.copy(VALID_SPEC, tmp_path / "architectures" / VALID_SPEC.name)
    return Project(tmp_path)


@pytest.fixture
def shop(project: Project) -> Spec:
    specs, problems = load_catalog(project)
    assert problems == []
    return specs[0]


def write_spec(project: Project, spec_id: str, text: str) -> Path:
    path = project.architectures / f"{spec_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def pages_about_every_spec(out: Path) -> int:
    """The pages that show something of every spec (all but each spec's page and quiz, the catalog quiz included):
    a spec's edit reaches each."""
    return len([page for page in out.rglob("*.html")
                if page.parent.name not in ("architectures", "quiz") or page.name == "index.html"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The 1,000-architecture tests first: their one long build then runs beside the rest of the suite on the
    other workers, instead of starting last and running alone."""
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/test_scale_browser.py")


def assert_no_serious_axe_violations(results, label: str) -> None:
    """Fail on axe's serious and critical violations, naming each rule and the first elements it flags."""
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(
        f"    {n['target']}: {n.get('failureSummary', '')}" for n in v["nodes"][:8]) for v in serious)
    assert serious == [], f"axe on {label}:\n{report}"
