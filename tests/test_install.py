"""A real install: the wheel alone, in a fresh virtual environment, builds a catalog that lives elsewhere.

Nothing of the checkout is importable there: templates, static files and
vocabularies must come from the wheel. The catalog folder is a copy of the
bundled architectures/ plus a vocabulary/ of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
                            check=False)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtual environment with archcat installed from its wheel."""
    base = tmp_path_factory.mktemp("install")
    dist = base / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, REPO)
    wheel = next(dist.glob("archcat-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("archcat/templates/base.html", "archcat/templates/static/style.css",
                   "archcat/templates/static/favicon.svg", "archcat/data/kinds.yaml",
                   "archcat/data/technologies.yaml", "archcat/__main__.py"):
        assert needed in names, f"{needed} is missing from the wheel"
    assert not any(name.startswith(("render/", "tests/", "architectures/")) for name in names)
    env_dir = base / "venv"
    # A fresh environment without pip of its own: this pip installs into it (--python), and skips compiling
    # every dependency's bytecode, which Python does on first import anyway.
    venv.EnvBuilder(with_pip=False, clear=True).create(env_dir)
    run(sys.executable, "-m", "pip", "--python", env_dir / "bin" / "python", "install", "--quiet", "--no-compile",
        wheel)
    return env_dir / "bin"


def test_the_installed_command_builds_a_catalog_outside_the_checkout(installed: Path, tmp_path: Path):
    catalog = tmp_path / "my-catalog"
    shutil.copytree(REPO / "architectures", catalog / "architectures")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ARCHCAT_"))}
    probe = run(installed / "python", "-c", "import archcat, sys; print(archcat.__file__)", cwd=tmp_path, env=env)
    assert str(installed.parent) in probe.stdout and str(REPO) not in probe.stdout
    run(installed / "python", "-m", "archcat", "--version", cwd=catalog, env=env)
    run(installed / "archcat", "validate", "--strict", cwd=catalog, env=env)  # every bundled spec
    # Drawing every view again would repeat the browser tests' whole build: the five Twitter eras, which
    # link only each other, are drawn here by the installed copy alone.
    keep = {"twitter-2008", "twitter-2011", "twitter-2013", "twitter-2014", "twitter-2016"}
    for path in (catalog / "architectures").glob("*.yaml"):
        if path.stem not in keep:
            path.unlink()
    run(installed / "archcat", "build", "-q", cwd=catalog, env=env)
    out = catalog / "output"
    specs = sorted(keep)
    assert sorted(p.stem for p in (out / "architectures").glob("*.html")) == specs
    # the installed package's own style sheet, with the dark drawings' rules the build adds
    assert (out / "assets" / "style.css").read_bytes().startswith(
        (REPO / "templates" / "static" / "style.css").read_bytes() + b"\n/* Drawings in the dark theme")
    assert (out / "diagrams" / "twitter-2013" / "overview-light.svg").is_file()
    assert (out / "diagrams" / "twitter-2013" / "overview-dark.pdf").is_file()
    assert "Twitter" in (out / "index.html").read_text(encoding="utf-8")


def test_a_catalog_of_its_own_adds_glossary_entries_and_tags(installed: Path, tmp_path: Path):
    catalog = tmp_path / "team"
    (catalog / "architectures").mkdir(parents=True)
    (catalog / "vocabulary").mkdir()
    spec = (REPO / "tests" / "fixtures" / "valid" / "shop-2020.yaml").read_text(encoding="utf-8")
    spec = spec.replace("tags: [web]", "tags: [web, internal]").replace(
        "{id: db, label: Orders, kind: postgresql}", "{id: db, label: Orders, kind: postgresql, technology: Ledgerly}")
    (catalog / "architectures" / "shop-2020.yaml").write_text(spec, encoding="utf-8")
    (catalog / "vocabulary" / "tags.yaml").write_text(
        "internal:\n  name: Internal\n  summary: A system only this team's catalog describes.\n", encoding="utf-8")
    (catalog / "vocabulary" / "technologies.yaml").write_text(
        "Ledgerly:\n  category: database\n  summary: The team's own order ledger, a made-up store for this test.\n",
        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "ARCHCAT_"))}
    result = run(installed / "archcat", "validate", cwd=catalog, env=env)
    assert "not in the glossary" not in result.stderr
    run(installed / "archcat", "build", "-q", cwd=catalog, env=env)
    assert "The team&#39;s own order ledger" in (catalog / "output" / "technologies.html").read_text(encoding="utf-8")
