"""cache.py and incremental builds: reuse what did not change, never serve a broken entry."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from archcat.build import build
from archcat.cache import Cache
from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.draw import dot_binary, encode_png, rasterize
from tests.conftest import VALID_SPEC, pages_about_every_spec, write_spec


def forget_stamp(project: Project) -> None:
    """Make the next build go through the cache instead of stopping at 'up to date'."""
    shutil.rmtree(project.root / ".archcat-cache" / "stamps")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def two_specs(project: Project) -> None:
    write_spec(project, "shop-2021", VALID_SPEC.read_text(encoding="utf-8").replace(
        "year: 2020\nsummary", "year: 2021\nsummary"))


def test_warm_build_reuses_everything_and_gives_the_same_bytes(project: Project):
    two_specs(project)
    cold = build(project, workers=2)
    first = tree(project.output)
    assert cold.cache.hits == 0 and cold.cache.misses > 0
    forget_stamp(project)
    warm = build(project, workers=2)
    assert warm.cache.misses == 0 and warm.cache.hits == cold.cache.misses
    assert tree(project.output) == first


def test_editing_one_spec_rebuilds_only_what_depends_on_it(project: Project):
    two_specs(project)
    build(project, workers=2)
    before = tree(project.output)
    path = project.architectures / "shop-2021.yaml"
    text = path.read_text(encoding="utf-8")
    assert "label: Orders," in text
    path.write_text(text.replace("label: Orders,", "label: Order book,"))
    result = build(project, workers=2)
    # shop-2021's one view in two themes, its page and its quiz, the pages showing every spec (the catalog's quiz
    # among them), and the data files.
    assert result.cache.misses == 2 + 2 + pages_about_every_spec(project.output) + 1
    after = tree(project.output)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert all("shop-2020" not in name for name in changed), changed
    assert "diagrams/shop-2021/overview-light.svg" in changed
    assert "architectures/shop-2021.html" in changed


def test_a_comment_changes_no_diagram(project: Project):
    build(project, workers=2)
    path = project.architectures / "shop-2020.yaml"
    path.write_text("# a comment\n" + path.read_text(encoding="utf-8"))
    result = build(project, workers=2)
    # the spec's bytes changed, so its page, the pages about every spec and the data files; not the catalog's quiz,
    # which shows what the specs say rather than their bytes
    assert result.cache.misses == 1 + pages_about_every_spec(project.output) - 1 + 1


def test_corrupt_or_half_written_entries_are_rebuilt_not_served(project: Project):
    build(project, workers=2)
    good = tree(project.output)
    entries = [p for p in (project.root / ".archcat-cache").rglob("manifest.json")]
    assert entries
    svg_entry = next(p.parent for p in entries if (p.parent / "svg").exists())
    (svg_entry / "svg").write_bytes(b"<svg>not what was rendered</svg>")
    page_entry = next(p.parent for p in entries if (p.parent / "page.html").exists())
    (page_entry / "manifest.json").write_text("{not json")
    forget_stamp(project)
    result = build(project, workers=2)
    assert result.cache.corrupt == 2
    assert tree(project.output) == good


def test_no_cache_option_renders_everything(project: Project, tmp_path: Path):
    result = build(project, out=tmp_path / "site", workers=2, cache=Cache(None))
    assert result.cache.hits == 0 and not (project.root / ".archcat-cache").exists()


def test_unused_entries_are_pruned(project: Project):
    two_specs(project)
    build(project, workers=2)
    count = len(list((project.root / ".archcat-cache").rglob("manifest.json")))
    (project.architectures / "shop-2021.yaml").unlink()
    build(project, workers=2)
    assert len(list((project.root / ".archcat-cache").rglob("manifest.json"))) < count


def test_png_encoding_is_lossless_and_smaller_than_graphviz(shop, tmp_path: Path):
    from archcat.graph import PALETTES, build_dot

    source = build_dot(shop, shop.arch.views[0], PALETTES["light"]).encode()
    graphviz_png = subprocess.run([dot_binary(), "-Tpng:cairo", "-Gdpi=144"], input=source, capture_output=True,
                                  check=True).stdout
    pdf = subprocess.run([dot_binary(), "-Tpdf:cairo"], input=source, capture_output=True, check=True).stdout
    for transparent in (False, True):
        raster = rasterize(pdf, [("scale", 2)], transparent=transparent)[0]
        png = encode_png(raster, dpi=144)
        if not transparent:
            assert len(png) < len(graphviz_png)
        (tmp_path / "ours.png").write_bytes(png)
        with Image.open(tmp_path / "ours.png") as image:
            image.load()
            assert image.mode == raster.mode and image.size == (raster.width, raster.height)
            channels = len(raster.mode)
            rows = b"".join(b"\0" + image.tobytes()[y * raster.width * channels:(y + 1) * raster.width * channels]
                            for y in range(raster.height))
            assert rows == raster.rows


def test_catalog_renders_the_same_with_and_without_cache(project: Project, tmp_path: Path):
    two_specs(project)
    build(project, out=tmp_path / "a", workers=2)
    forget_stamp(project)
    build(project, out=tmp_path / "b", workers=2)  # from cache
    build(project, out=tmp_path / "c", workers=2, cache=Cache(None))
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    assert load_catalog(project)[1] == []
    shutil.rmtree(tmp_path / "a")


def test_nothing_changed_means_nothing_is_done(project: Project):
    build(project, workers=2)
    first = tree(project.output)
    result = build(project, workers=2)
    assert result.up_to_date and result.cache.hits == result.cache.misses == 0
    assert tree(project.output) == first


def test_output_changed_by_hand_is_rebuilt(project: Project):
    build(project, workers=2)
    good = tree(project.output)
    page = project.output / "architectures" / "shop-2020.html"
    page.write_text("vandalised", encoding="utf-8")  # a copy: the cache entry it came from is untouched
    result = build(project, workers=2)
    assert not result.up_to_date and result.cache.corrupt == 0 and result.cache.misses == 0
    assert tree(project.output) == good
    (project.output / "index.html").unlink()
    assert not build(project, workers=2).up_to_date
    assert tree(project.output) == good


def test_any_input_change_defeats_the_stamp(project: Project):
    build(project, workers=2)
    (project.root / "icons").mkdir()
    (project.root / "icons" / "new.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert not build(project, workers=2).up_to_date


def test_the_up_to_date_stamp_sees_the_installed_versions():
    from importlib.metadata import version

    from archcat.output import installed_packages

    names = [name.rpartition("/")[2] for name in installed_packages()]
    for package in ("diagrams", "pypdfium2", "deflate", "Jinja2"):
        assert f"{package.lower()}-{version(package)}.dist-info" in [n.lower() for n in names], package


def test_a_no_op_build_loads_neither_the_validator_nor_the_templates(project: Project):
    """What keeps a no-op build fast: it stops after the stamp check, before pydantic, jinja2 or rich load."""
    two_specs(project)
    build(project, workers=2)
    script = ("import sys\n"
              "from archcat.cli import main\n"
              "assert main(['--root', sys.argv[1], 'build', '-q']) == 0\n"
              "print(sorted(m for m in ('pydantic', 'jinja2', 'rich', 'archcat.validate') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", script, str(project.root)], capture_output=True, text=True,
                            check=True)
    assert "up to date" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_damaging_a_cache_entry_leaves_the_published_gallery_as_it_was(project: Project):
    build(project, workers=2)
    published = tree(project.output)
    for manifest in (project.root / ".archcat-cache").rglob("manifest.json"):
        for name in json.loads(manifest.read_text(encoding="utf-8"))["files"]:
            (manifest.parent / name).write_bytes(b"damaged")  # output files are copies, not hard links
    assert tree(project.output) == published
    forget_stamp(project)
    result = build(project, workers=2)
    assert result.cache.corrupt == result.cache.misses > 0  # every damaged entry noticed and rebuilt
    assert tree(project.output) == published

