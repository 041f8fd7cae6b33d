"""Interrupted and bounded builds: the previous gallery survives, the cache stays consistent."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from PIL import Image

from archcat.build import build
from archcat.cache import Cache
from archcat.catalog import load_catalog
from archcat.diagnostics import BuildFailed
from archcat.discover import Project
from archcat.draw import MAX_PIXELS, MAX_SIDE
from archcat.model import MAX_NODES
from tests.conftest import REPO, VALID_SPEC, write_spec

CATALOG = sorted((REPO / "architectures").glob("*.yaml"))[:5]


def copy_spec(path: Path, folder: Path) -> None:
    """A catalog spec on its own: its links to specs that are not copied along are dropped."""
    text = re.sub(r"(?m)^related: \[[^\]]*\]\n", "", path.read_text(encoding="utf-8"))
    (folder / path.name).write_text(text, encoding="utf-8")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def catalog_project(tmp_path: Path) -> Project:
    """Five real specs, built once: the 'previous gallery'."""
    project = Project(tmp_path / "proj")
    project.architectures.mkdir(parents=True)
    for path in CATALOG:
        copy_spec(path, project.architectures)
    build(project, workers=2)
    return project


def start_build(project: Project) -> subprocess.Popen[bytes]:
    # A shell without job control starts background commands with SIGINT ignored, and a child inherits
    # that: the build is started with Python's own Ctrl-C handler, as it has in a terminal.
    command = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from archcat.cli import main; sys.exit(main(['build', '-q']))")
    return subprocess.Popen([sys.executable, "-c", command], cwd=project.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def edit_everything(project: Project, n: int) -> None:
    """Change every spec's name, so the next build must render every view again."""
    for path in project.architectures.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["name"] = f"{data['name'].split(' #')[0]} #{n}"[:60]  # drawn in every view's title
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def staging_has_diagrams(project: Project) -> bool:
    return any((p / "diagrams").is_dir() and any((p / "diagrams").iterdir())
               for p in project.root.glob(".output.staging-*"))


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_a_signal_in_the_middle_of_rendering_leaves_the_previous_gallery(catalog_project: Project, sig):
    project = catalog_project
    before = tree(project.output)
    edit_everything(project, 1)
    process = start_build(project)
    deadline = time.monotonic() + 60
    while not staging_has_diagrams(project):
        assert process.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    process.send_signal(sig)
    _, err = process.communicate(timeout=120)
    assert process.returncode != 0
    assert b"Traceback" not in err
    assert tree(project.output) == before, "the previous gallery changed"
    if sig != signal.SIGKILL:
        assert list(project.root.glob(".output.staging-*")) == [], "staging left behind"
        assert b"interrupted" in err
    # The next build cleans up, reuses only intact cache entries, and completes.
    result = build(project, workers=2)
    assert result.cache.corrupt == 0
    assert list(project.root.glob(".output.staging-*")) == []
    fresh = build(project, out=project.root / "fresh", workers=2, cache=Cache(None))
    assert fresh.written
    assert tree(project.output) == tree(project.root / "fresh")


def test_interruptions_at_many_moments(catalog_project: Project):
    """Kill builds at a spread of moments; every time the old gallery stays and the next build is correct."""
    project = catalog_project
    # How long a full re-render takes here, so the kills spread across it.
    edit_everything(project, 99)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "archcat", "build", "-q", "--no-cache"], cwd=project.root, check=True)
    duration = time.monotonic() - start
    survived = 0
    outcomes: list[tuple[float, int, bool]] = []
    for n, fraction in enumerate((0.05, 0.4, 0.75), start=2):
        delay = fraction * duration
        before = tree(project.output)
        edit_everything(project, n)
        process = start_build(project)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL if n % 2 else signal.SIGTERM)
        process.communicate(timeout=120)
        after = tree(project.output)
        fresh = project.root / f"fresh-{n}"
        build(project, out=fresh, workers=2, cache=Cache(None))
        # Either the old gallery, untouched, or the complete new one (the kill came after the swap).
        assert after in (before, tree(fresh))
        if process.returncode != 0 and after == before:
            survived += 1
        outcomes.append((round(delay, 2), process.returncode, after == before))
        assert build(project, workers=2).cache.corrupt == 0
        assert tree(project.output) == tree(fresh)
    assert survived >= 2, (duration, outcomes)


def test_graphviz_time_limit_names_the_spec_and_view(project: Project, monkeypatch):
    import archcat.draw

    monkeypatch.setattr(archcat.draw, "DOT_TIMEOUT_SECONDS", 0.0001)
    with pytest.raises(BuildFailed) as failure:
        build(project, workers=2, cache=Cache(None))
    messages = [d.format() for d in failure.value.diagnostics]
    assert messages and all("shop-2020.yaml:20:" in m and "view 'overview'" in m for m in messages), messages
    assert "Graphviz took longer than" in messages[0]
    assert not project.output.exists()


def test_the_largest_accepted_spec_renders_in_bounded_time_and_memory(project: Project, tmp_path: Path):
    text = VALID_SPEC.read_text(encoding="utf-8")
    head = text[: text.index("views:")]
    nodes = "".join(f"      - {{id: n{i}, label: Node {i}, kind: server, technology: nginx}}\n"
                    for i in range(MAX_NODES))
    edges = "".join(f"      - {{from: n{i}, to: n{(i * 7 + 1) % MAX_NODES}, label: call {i}}}\n"
                    for i in range(MAX_NODES))
    write_spec(project, "shop-2020", head + "views:\n  - id: overview\n    title: Big\n    nodes:\n" + nodes
               + "    edges:\n" + edges)
    assert load_catalog(project)[1] == []
    # A fresh process, so that its peak memory is this render's alone (the PNG is drawn in-process).
    script = (
        "import resource, sys, time\n"
        "from pathlib import Path\n"
        "from archcat.catalog import load_catalog\nfrom archcat.jobs import plan, run_jobs\n"
        "from archcat.discover import Project\n"
        "specs, _ = load_catalog(Project(Path(sys.argv[1])))\n"
        "start = time.monotonic()\n"
        "written, failures = run_jobs(plan(specs, themes=('light',), formats=('png',)), Path(sys.argv[2]), workers=1)\n"
        "elapsed = time.monotonic() - start\n"
        # This process's own peak: VmHWM starts afresh at exec, where ru_maxrss keeps the peak of the test
        # worker it was forked from (a worker that built a whole gallery may already be past the limit).
        "me = int(next(line for line in open('/proc/self/status') if line.startswith('VmHWM:')).split()[1])\n"
        "dot = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(len(written), len(failures), elapsed, me, dot)\n"
    )
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", script, str(project.root), str(out)], capture_output=True,
                            text=True, cwd=REPO, check=True)
    written, failures, elapsed, own_kib, dot_kib = result.stdout.split()
    assert (written, failures) == ("1", "0")
    assert float(elapsed) < 60
    # Linux reports KiB. The 40-megapixel cap keeps the PNG (and the memory it takes) bounded.
    assert int(own_kib) < 1024 * 1024, f"archcat peaked at {int(own_kib) // 1024} MiB"
    assert int(dot_kib) < 1024 * 1024, f"dot peaked at {int(dot_kib) // 1024} MiB"
    with Image.open(out / "diagrams" / "shop-2020" / "overview-light.png") as image:
        assert max(image.size) <= MAX_SIDE and image.width * image.height <= MAX_PIXELS


def test_two_clean_builds_are_byte_identical(tmp_path: Path):
    project = Project(tmp_path / "proj")
    project.architectures.mkdir(parents=True)
    for path in CATALOG[:4]:
        copy_spec(path, project.architectures)
    build(project, out=tmp_path / "a", workers=2, cache=Cache(None))
    build(project, out=tmp_path / "b", workers=1, cache=Cache(None))
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
