"""One cache policy: whatever decides an artefact's bytes is in its key, and pruning keeps what others use.

Each test changes one thing that is not a spec (a module of the package, a
template, a custom icon, a glossary entry), then checks that the cached
rebuild equals a clean build byte for byte, and that the change showed. The
package runs from a scratch copy on PYTHONPATH, so its modules can be edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from archcat.cache import Cache
from archcat.output import MARKER
from archcat.paths import PACKAGE_DIR, TEMPLATES_DIR
from tests.conftest import VALID_SPEC

GLOSSARY = """\
Orderbook:
  category: database
  summary: A made-up order store that exists only in this test catalog.
"""


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    """(a copy of the archcat package to edit, a catalog using a custom icon, a numeric metric and a glossary
    entry of its own)."""
    package = tmp_path / "pkg" / "archcat"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(TEMPLATES_DIR, package / "templates")
    catalog = tmp_path / "catalog"
    (catalog / "architectures").mkdir(parents=True)
    (catalog / "icons").mkdir()
    (catalog / "vocabulary").mkdir()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(catalog / "icons" / "box.png")
    (catalog / "vocabulary" / "technologies.yaml").write_text(GLOSSARY, encoding="utf-8")
    text = VALID_SPEC.read_text(encoding="utf-8")
    text = text.replace("{id: db, label: Orders, kind: postgresql}",
                        "{id: db, label: Orders, kind: icons/box.png, technology: Orderbook}")
    text = text.replace("metrics:\n", "metrics:\n  - {label: Carts, value: 250000, year: 2020, source: blog}\n")
    (catalog / "architectures" / "shop-2020.yaml").write_text(text, encoding="utf-8")
    return package, catalog


def archcat(package: Path, catalog: Path, *args: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(package.parent))
    result = subprocess.run([sys.executable, "-m", "archcat", "build", "-q", "-j", "2", *args], cwd=catalog,
                            env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr + result.stdout
    probe = subprocess.run([sys.executable, "-c", "import archcat; print(archcat.__file__)"], env=env,
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(package)), "the build must run the scratch copy"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MARKER}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rebuilds_like_a_clean_build(package: Path, catalog: Path, change) -> dict[str, bytes]:
    """Build (cached), apply `change`, build again (cached) and afresh; the two must be byte-identical.
    Returns the files the change altered."""
    archcat(package, catalog)
    before = tree(catalog / "output")
    change()
    archcat(package, catalog)
    cached = tree(catalog / "output")
    archcat(package, catalog, "--no-cache", "--out", "clean")
    assert cached == tree(catalog / "clean")
    return {name: data for name, data in cached.items() if before.get(name) != data}


def test_a_change_to_a_model_module_reaches_the_cached_pages(scratch):
    package, catalog = scratch
    old, new = 'return f"{value:,}" if isinstance(value, int)', 'return f"{value:_}" if isinstance(value, int)'
    changed = rebuilds_like_a_clean_build(package, catalog, lambda: edit(package / "model.py", old, new))
    assert b"250_000" in changed["architectures/shop-2020.html"]


def test_a_change_to_a_template_reaches_every_cached_page(scratch):
    package, catalog = scratch
    changed = rebuilds_like_a_clean_build(package, catalog, lambda: edit(
        package / "templates" / "base.html", "</body>", "<!-- edited --></body>"))
    assert {"index.html", "architectures/shop-2020.html", "technologies.html"} <= set(changed)


def test_a_changed_custom_icon_is_drawn_again(scratch):
    package, catalog = scratch
    changed = rebuilds_like_a_clean_build(package, catalog, lambda: Image.new("RGB", (64, 64), (30, 30, 200)).save(
        catalog / "icons" / "box.png"))
    assert {"diagrams/shop-2020/overview-light.pdf", "diagrams/shop-2020/overview-dark.pdf"} <= set(changed)


def test_an_edited_glossary_entry_reaches_the_technology_index(scratch):
    package, catalog = scratch
    changed = rebuilds_like_a_clean_build(package, catalog, lambda: edit(
        catalog / "vocabulary" / "technologies.yaml", "made-up order store", "made-up ledger"))
    assert b"made-up ledger" in changed["technologies.html"]


def test_a_build_elsewhere_or_without_slides_keeps_what_the_main_build_uses(project, tmp_path: Path):
    from archcat.build import build

    cache = project.root / ".archcat-cache"
    build(project, workers=2, slides=True)
    build(project, out=tmp_path / "elsewhere", workers=2)  # another output folder, no slides
    build(project, out=tmp_path / "elsewhere", workers=2, cache=Cache(cache))  # up to date: nothing to do
    shutil.rmtree(cache / "stamps")
    again = build(project, workers=2, slides=True)
    assert again.cache.misses == 0 and again.cache.hits > 0


def test_entries_no_build_uses_any_more_are_pruned(project, tmp_path: Path):
    import json

    from archcat.build import build

    cache = project.root / ".archcat-cache"
    build(project, out=tmp_path / "gone", workers=2)
    first = {p.parent.name for p in cache.rglob("manifest.json")}
    shutil.rmtree(tmp_path / "gone")  # that build's output folder no longer exists
    edit(project.architectures / "shop-2020.yaml", "label: Orders,", "label: Order book,")
    build(project, workers=2)
    on_disk = {p.parent.name for p in cache.rglob("manifest.json")}
    roots = [json.loads(p.read_text(encoding="utf-8")) for p in (cache / "roots").glob("*.json")]
    assert [r["out"] for r in roots] == [str(project.output.resolve())]
    assert on_disk == set(roots[0]["keys"])
    assert first - on_disk, "entries only the vanished build used are gone"
