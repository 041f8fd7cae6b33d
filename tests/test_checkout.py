"""A hostile checkout: links, escape sequences, huge or damaged inputs and interrupted swaps.

A catalog is something people clone from strangers and build. Each test here
plants one thing such a checkout could hold and checks that archcat refuses it
with a located error (or draws it correctly), within bounded time and memory,
and that nothing outside the project is read or written. Each failed before
the fix it pins.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from archcat.build import build
from archcat.cache import Cache
from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.files import Refused
from tests.conftest import VALID_SPEC, write_spec

BASE = VALID_SPEC.read_text(encoding="utf-8")
ESC = "\x1b"


def cli(project: Project, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHCAT_")}
    return subprocess.run([sys.executable, "-m", "archcat", *args], cwd=project.root, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def outside(tmp_path: Path) -> Path:
    """A folder beside the project with a file in it that must never change or go."""
    folder = tmp_path / "home"
    folder.mkdir(exist_ok=True)
    (folder / "precious.txt").write_text("keep me", encoding="utf-8")
    (folder / "ab").mkdir(exist_ok=True)
    (folder / "ab" / "precious.txt").write_text("keep me too", encoding="utf-8")
    return folder


def untouched(folder: Path) -> bool:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "ab", "ab/precious.txt", "precious.txt"] and (folder / "precious.txt").read_text() == "keep me"


# --- links planted in a checkout ----------------------------------------------------------------------


@pytest.fixture
def proj(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    (root / "architectures").mkdir(parents=True)
    (root / "architectures" / VALID_SPEC.name).write_text(BASE, encoding="utf-8")
    return Project(root)


def test_a_link_in_place_of_the_cache_folder_is_refused_and_nothing_outside_is_written_or_pruned(proj, tmp_path):
    home = outside(tmp_path)
    (proj.root / ".archcat-cache").symlink_to(home)
    result = cli(proj, "build", "-q")
    assert result.returncode == 1 and "is a link" in result.stderr and ".archcat-cache" in result.stderr
    assert untouched(home)


def test_a_link_in_place_of_a_cache_fan_out_folder_is_neither_written_through_nor_pruned(proj, tmp_path):
    home = outside(tmp_path)
    build(proj, workers=2)
    store = proj.root / ".archcat-cache" / "v2"
    bucket = next(p for p in store.iterdir() if p.is_dir())
    for entry in bucket.iterdir():
        import shutil

        shutil.rmtree(entry)
    bucket.rmdir()
    bucket.symlink_to(home / "ab")  # a fan-out folder the next build needs
    shutil.rmtree(proj.root / ".archcat-cache" / "stamps")
    with pytest.raises(Refused):
        build(proj, workers=2)
    assert untouched(home)
    Cache(proj.root / ".archcat-cache").prune(proj.output)  # pruning removes the link itself, not its target
    assert not bucket.is_symlink() and untouched(home)


def test_a_link_in_place_of_the_lock_file_is_refused_and_its_target_kept(proj, tmp_path):
    home = outside(tmp_path)
    (proj.root / ".output.lock").symlink_to(home / "precious.txt")
    result = cli(proj, "build", "-q")
    assert result.returncode == 1 and "lock file is a link" in result.stderr
    assert untouched(home)


def test_new_never_writes_through_a_planted_file_and_from_takes_only_a_spec_id(proj, tmp_path):
    home = outside(tmp_path)
    (proj.architectures / "acme-2024.yaml.tmp").symlink_to(home / "precious.txt")
    (proj.architectures / ".acme-2024.yaml.tmp").symlink_to(home / "precious.txt")
    assert cli(proj, "new", "acme-2024").returncode == 0
    assert untouched(home)
    (home.parent / "secret-2020.yaml").write_text(BASE.replace("name: Shop", "name: Secret"), encoding="utf-8")
    result = cli(proj, "new", "copy-2021", "--from", "../../secret-2020")
    assert result.returncode == 1 and "is not a spec id" in result.stderr
    (proj.architectures / "linked-2020.yaml").symlink_to(home.parent / "secret-2020.yaml")
    result = cli(proj, "new", "copy-2022", "--from", "linked-2020")
    assert result.returncode == 1 and not (proj.architectures / "copy-2022.yaml").exists()
    assert "Secret" not in "".join(p.read_text() for p in proj.architectures.glob("copy-*.yaml"))


def test_render_never_writes_through_a_link_planted_in_the_output_folder(proj, tmp_path):
    home = outside(tmp_path)
    (proj.output / "diagrams").mkdir(parents=True)
    (proj.output / ".archcat-output").write_text("", encoding="utf-8")
    (proj.output / "diagrams" / "shop-2020").symlink_to(home / "ab")
    result = cli(proj, "render", "shop-2020", "--format", "dot")
    assert result.returncode == 1 and "is a link" in result.stderr
    result = cli(proj, "render", "shop-2020", "--format", "svg")
    assert result.returncode == 1 and "is a link" in result.stderr
    assert untouched(home)


def test_an_icons_folder_that_is_a_link_is_refused_at_the_kind(proj, tmp_path):
    home = outside(tmp_path)
    Image.new("RGB", (32, 32), (1, 2, 3)).save(home / "ab" / "leak.png")
    (proj.root / "icons").symlink_to(home / "ab")
    write_spec(proj, "shop-2020", BASE.replace("kind: redis}", "kind: icons/leak.png}"))
    specs, problems = load_catalog(proj)
    assert specs == [] and [(d.line, d.column) for d in problems] == [(33, 45)]
    assert "goes through a link" in problems[0].message


@pytest.mark.parametrize("where", ["architectures/huge-2020.yaml", "templates/base.html", "icons/huge.png"])
def test_a_link_to_a_huge_file_is_never_read(proj, tmp_path, where):
    huge = tmp_path / "sparse.bin"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB, all holes: reading it whole would take 3 GB of memory
    target = proj.root / where
    target.parent.mkdir(exist_ok=True)
    if where.startswith("templates"):
        for name in ("index.html", "architecture.html"):
            (target.parent / name).write_text("x", encoding="utf-8")
    target.symlink_to(huge)
    result = cli(proj, "build", "-q", timeout=120)
    assert result.returncode == 1, result.stdout
    assert "link" in result.stderr and "Traceback" not in result.stderr


# --- text reaching the terminal -----------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), [
    ("kind: redis}", 'kind: "re\\e[2Jdis"}'),  # an escape sequence in a kind
    ("{id: cache,", '{id: "ca\\e[31mche",'),  # and in an id
    ("label: Cache,", 'colour\\e[8m: x, label: Cache,'),  # in an unknown key
    ("kind: redis}", 'kind: "x\\n\\u2713 1 spec(s) valid\\e[8m"}'),  # a new line that forges a success line
])
def test_spec_text_reaches_the_terminal_only_as_visible_escapes(proj, old, new):
    write_spec(proj, "shop-2020", BASE.replace(old, new))
    result = cli(proj, "validate")
    assert result.returncode == 1
    assert ESC not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert all(re.match(r"architectures/shop-2020\.yaml:\d+:\d+: (error|warning): |    hint: |\d+ error\(s\)", line)
               for line in lines), lines
    assert "spec(s) valid" not in result.stdout


def test_an_escape_sequence_in_a_file_name_is_shown_escaped(proj):
    (proj.architectures / f"bad{ESC}[2J-2020.yaml").write_text(BASE, encoding="utf-8")
    result = cli(proj, "validate")
    assert result.returncode == 1 and ESC not in result.stderr and "\\x1b" in result.stderr


# --- bounded time and memory ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000, "a: " + "[" * 50_000 + "\n", "- " * 100_000 + "x\n",
                                  "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60))])
def test_deep_nesting_is_refused_at_the_first_level_too_many(proj, text):
    (proj.architectures / "deep-2020.yaml").write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = cli(proj, "validate", "architectures/deep-2020.yaml")
    assert time.monotonic() - start < 30
    assert result.returncode == 1 and "nesting deeper than 32 levels" in result.stderr
    assert "internal error" not in result.stderr


def test_thousands_of_near_miss_references_validate_in_bounded_time(proj):
    ids = [f"service-{i:03d}-with-a-long-name-for-it" for i in range(390)]  # under the 400-node limit
    nodes = "\n".join(f"      - {{id: {ident}, label: N, kind: service, note: x}}" for ident in ids)
    edges = "\n".join(f"      - {{from: {ids[i % 390]}, to: {ids[(i * 7) % 390][:-1]}x}}" for i in range(1850))
    views = f"views:\n  - id: overview\n    title: O\n    nodes:\n{nodes}\n    edges:\n{edges}\n"
    text = BASE.split("views:")[0] + views
    write_spec(proj, "wide-2020", text)
    start = time.monotonic()
    result = cli(proj, "validate", "architectures/wide-2020.yaml", timeout=120)
    assert time.monotonic() - start < 60  # a guard against a hang, not a speed target
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert result.stderr.count("edge to '") == 1850  # every dangling end is reported ...
    assert result.stderr.count("did you mean") == 50  # ... but only the first 50 are compared with every id


def test_an_integer_over_thirty_digits_is_a_located_error(proj):
    write_spec(proj, "shop-2020", BASE.replace('value: "10,000"', "value: " + "9" * 5000))
    result = cli(proj, "validate")
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "shop-2020.yaml:12:36: error: number is 5,000 characters long; the limit is 30" in result.stderr


@pytest.mark.parametrize(("old", "new", "where"), [
    ("url: https://example.com/shop", 'url: "https://example.com/sh\\x07op"', "9:10"),
    ('value: "10,000"', 'value: "10\\x07000"', "12:36"),
    ('value: "10,000"', 'value: "10\\ud800000"', "12:36"),
])
def test_control_characters_in_urls_and_metric_values_are_refused(proj, old, new, where):
    write_spec(proj, "shop-2020", BASE.replace(old, new))
    result = cli(proj, "validate")
    assert result.returncode == 1 and f"shop-2020.yaml:{where}: error: " in result.stderr
    assert "internal error" not in result.stderr


def test_a_link_loop_a_bad_job_count_and_a_bad_port_are_errors_not_crashes(proj):
    (proj.architectures / "loop-2020.yaml").symlink_to(proj.architectures / "loop-2020.yaml")
    result = cli(proj, "validate", "architectures/loop-2020.yaml")
    assert result.returncode == 1 and "loops back on itself" in result.stderr
    (proj.architectures / "loop-2020.yaml").unlink()
    for args in (("build", "-j", "-1"), ("serve", "--port", "99999")):
        result = cli(proj, *args)
        assert result.returncode == 2 and "internal error" not in result.stderr, args


@pytest.mark.parametrize("damage", ["truncated", "text-after-signature", "enormous"])
def test_a_broken_custom_icon_is_refused_at_its_kind(proj, damage):
    (proj.root / "icons").mkdir()
    icon = proj.root / "icons" / "box.png"
    if damage == "enormous":
        Image.new("1", (20000, 20000)).save(icon, optimize=True)  # a few dozen KB, 400 megapixels
    else:
        Image.new("RGB", (64, 64), (200, 10, 10)).save(icon)
        data = icon.read_bytes()
        icon.write_bytes(data[:60] if damage == "truncated" else data[:8] + b"not a png at all")
    write_spec(proj, "shop-2020", BASE.replace("kind: redis}", "kind: icons/box.png}"))
    specs, problems = load_catalog(proj)
    assert specs == [] and [(d.line, d.column) for d in problems] == [(33, 45)]
    assert problems[0].message.startswith("icon file 'icons/box.png' ")


# --- line numbers as an editor counts them -------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_yaml_only_line_breaks_are_refused_at_the_line_an_editor_shows(proj, separator):
    write_spec(proj, "shop-2020", BASE.replace("title: A small web shop", f"title: A small{separator}web shop"))
    result = cli(proj, "validate")
    assert result.returncode == 1
    assert f"shop-2020.yaml:2:15: error: character U+{ord(separator):04X} is a line break to YAML" in result.stderr


def test_a_file_with_lone_carriage_returns_gets_the_right_line_numbers(proj):
    write_spec(proj, "shop-2020", BASE.replace("kind: redis}", "kind: reddis}").replace("\n", "\r"))
    result = cli(proj, "validate")
    assert "shop-2020.yaml:33:45: error: unknown kind 'reddis'" in result.stderr


# --- the output folder ---------------------------------------------------------------------------------


def test_the_swap_leaves_a_complete_gallery_at_every_instant(proj, monkeypatch):
    from archcat import output

    build(proj, workers=2)
    before = (proj.output / "index.html").read_bytes()
    write_spec(proj, "shop-2020", BASE.replace("name: Shop", "name: Shop two"))
    renames: list[tuple] = []
    real_rename = os.rename

    def watching(a, b):  # the old two-rename swap moved output/ away before moving the new one in
        renames.append((a, b))
        return real_rename(a, b)

    monkeypatch.setattr(output.os, "rename", watching)
    build(proj, workers=2)
    assert not any(Path(a) == proj.output for a, _ in renames), "output/ was renamed away: a kill then loses it"
    assert (proj.output / "index.html").read_bytes() != before


def test_a_kill_between_the_fallback_renames_is_repaired_by_the_next_build(proj):
    import shutil

    build(proj, workers=2)
    parked = proj.root / ".output.old-killed"
    parked.mkdir()
    shutil.move(str(proj.output), parked / "tree")  # where a kill between the two renames leaves it
    assert not proj.output.exists()
    from archcat.output import build_lock

    with build_lock(proj.output):
        pass
    assert (proj.output / "index.html").is_file() and not parked.exists()


def test_the_workflow_archcat_prints_works_new_render_build(tmp_path):
    project = Project(tmp_path / "fresh")
    project.root.mkdir()
    assert cli(project, "new", "acme-2024").returncode == 0
    assert cli(project, "render", "acme-2024", "--format", "png").returncode == 0
    result = cli(project, "build", "-q")
    assert result.returncode == 0, result.stderr
    assert (project.output / "architectures" / "acme-2024.html").is_file()


def test_anchors_on_a_page_are_unique(proj, tmp_path):
    text = BASE.replace("technology: nginx, count: 4", "technology: 'C, C#, C++', count: 4")
    view = text[text.index("  - id: overview"):].replace("id: overview", "id: overview-h", 1)
    write_spec(proj, "shop-2020", text + view)
    from archcat.vocab import load_vocabulary

    missing = [name for name in ("C", "C#", "C++") if load_vocabulary().technology(name) is None]
    (proj.root / "vocabulary").mkdir()
    (proj.root / "vocabulary" / "technologies.yaml").write_text("".join(
        f"'{name}':\n  category: language\n  summary: A language named {name}.\n" for name in missing),
        encoding="utf-8")
    build(proj, out=tmp_path / "site", workers=2)
    for page in ("architectures/shop-2020.html", "technologies.html", "patterns.html"):
        ids = re.findall(r'(?<![\w-])id="([^"]+)"', (tmp_path / "site" / page).read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), (page, sorted({i for i in ids if ids.count(i) > 1}))
    techs = (tmp_path / "site" / "technologies.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<section class="tech filterable" id="([^"]+)"', techs)
    assert len(anchors) == len(set(anchors)) and "t-c" in anchors
    for anchor in anchors:  # each technology's own page is named by its anchor, so none overwrites another
        assert (tmp_path / "site" / "technologies" / f"{anchor}.html").is_file(), anchor


def test_an_empty_path_and_an_unreadable_icon_are_located_errors(proj):
    result = cli(proj, "validate", "")
    assert result.returncode == 1 and "an empty path was given" in result.stderr
    (proj.root / "icons" / "box.png").mkdir(parents=True)  # not a file: cannot be read as one
    write_spec(proj, "shop-2020", BASE.replace("kind: redis}", "kind: icons/box.png}"))
    result = cli(proj, "build", "-q")
    assert result.returncode == 1 and "shop-2020.yaml:33:45: error: icon file 'icons/box.png'" in result.stderr


def test_a_cloned_catalogs_templates_run_sandboxed(proj, tmp_path):
    templates = proj.root / "templates"
    (templates / "static").mkdir(parents=True)
    marker = tmp_path / "pwned"
    payload = ("{{ ''.__class__.__mro__[1].__subclasses__() }}"
               f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}")
    for name in ("base.html", "index.html", "architecture.html", "technologies.html", "patterns.html",
                 "compare.html"):
        (templates / name).write_text(payload, encoding="utf-8")
    result = cli(proj, "build", "-q")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not marker.exists()


def test_a_tag_on_a_key_is_refused():
    from archcat.parse import parse_text

    doc, problems = parse_text("!custom name: Shop\n", "f.yaml")
    assert doc is None and [(d.line, d.column, d.message) for d in problems] == [
        (1, 1, "YAML tag '!custom' is not supported")]
