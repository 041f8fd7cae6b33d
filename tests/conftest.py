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


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the whole run, for every module of browser tests: playwright's sync API can be started
    only once at a time in a process, so the modules share this one rather than each launching its own."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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
