"""Build-speed benchmark: archcat against the plain approach and the Graphviz floor, in one run.

Measures, on this machine and side by side:
  1. plain:  one Python script per architecture written directly against `diagrams`
             (what a user would write without archcat), run one after another,
             for the same views, themes and formats;
  2. cold:   `archcat build` with an empty cache;
  3. warm:   `archcat build` again with nothing changed, and after editing one spec;
  4. floor:  the CPU time of `dot` alone writing the same files (PNG at 144 dpi, SVG and
             PDF; one run per view and theme), and of the part archcat still asks of
             dot (SVG and PDF: archcat draws the PNGs from the PDF);
  5. scale:  synthetic catalogs of generated specs of realistic size, cold and warm.
It prints the ratios, the gallery's size, and the index page's transfer size
before any image loads. Run it with `make bench` (or `python bench/run.py`).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archcat.catalog import load_catalog  # noqa: E402
from archcat.discover import Project  # noqa: E402
from archcat.draw import PNG_DPI, dot_binary  # noqa: E402
from archcat.graph import PALETTES, build_dot  # noqa: E402
from archcat.jobs import plan  # noqa: E402
from archcat.model import Spec  # noqa: E402

ARCHCAT = [sys.executable, "-m", "archcat"]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the command and all its children) of one command."""
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start, children_cpu() - cpu


# --- 1. the plain approach -------------------------------------------------------

def _plain_node(spec: Spec, node, indent: str, body: list[str]) -> None:
    cls = (spec.kinds[node.kind].class_path or "generic.blank.Blank").rpartition(".")[2]
    label = node.label + (f"\\n{node.technology}" if node.technology else "")
    body.append(f"{indent}n_{node.id.replace('-', '_')} = {cls}({label!r})")


def _plain_group(spec: Spec, group, indent: str, body: list[str], first: dict[str, str]) -> str | None:
    body.append(f"{indent}with Cluster({group.label!r}):")
    anchor = None
    for node in group.nodes:
        _plain_node(spec, node, indent + "    ", body)
        anchor = anchor or node.id
    for child in group.groups:
        inner = _plain_group(spec, child, indent + "    ", body, first)
        anchor = anchor or inner
    first[group.id] = anchor or ""
    return anchor


def plain_script(spec: Spec, out: Path) -> str:
    """A script a user might write by hand for one architecture: every view, both themes, three formats."""
    imports: dict[str, set[str]] = {}
    for resolved in spec.kinds.values():
        module, _, name = (resolved.class_path or "generic.blank.Blank").rpartition(".")
        imports.setdefault(module, set()).add(name)
    lines = ["from diagrams import Cluster, Diagram, Edge"]
    lines += [f"from diagrams.{m} import {', '.join(sorted(n))}" for m, n in sorted(imports.items())]
    lines.append("")
    for theme_name, theme in PALETTES.items():
        for view in spec.arch.views:
            filename = out / f"{spec.id}-{view.id}-{theme_name}"
            attrs = {"bgcolor": theme.background, "fontcolor": theme.text, "dpi": str(PNG_DPI)}
            lines.append(f"with Diagram({spec.arch.name + ': ' + view.title!r}, filename={str(filename)!r}, "
                         f"show=False, direction={view.direction!r}, outformat=['png', 'svg', 'pdf'], "
                         f"graph_attr={attrs!r}):")
            body: list[str] = []
            first: dict[str, str] = {}
            for node in view.nodes:
                _plain_node(spec, node, "    ", body)
            for group in view.groups:
                _plain_group(spec, group, "    ", body, first)
            for edge in view.edges:
                a = first.get(edge.from_, edge.from_).replace("-", "_")
                b = first.get(edge.to, edge.to).replace("-", "_")
                attrs = ", ".join(f"{k}={v!r}" for k, v in (("label", edge.label), ("style", edge.style)) if v)
                body.append(f"    n_{a} >> Edge({attrs}) >> n_{b}")
            lines += body
            lines.append("")
    return "\n".join(lines)


def run_plain(specs: list[Spec], work: Path) -> tuple[float, float]:
    scripts = work / "plain"
    out = work / "plain-out"
    scripts.mkdir()
    out.mkdir()
    paths = []
    for spec in specs:
        path = scripts / f"{spec.id.replace('-', '_')}.py"
        path.write_text(plain_script(spec, out), encoding="utf-8")
        paths.append(path)
    wall = cpu = 0.0
    for path in paths:
        w, c = timed([sys.executable, str(path)], scripts)
        wall += w
        cpu += c
    return wall, cpu


# --- 4. the Graphviz floor ---------------------------------------------------------

def dot_floor_slides(specs: list[Spec], work: Path) -> float:
    """CPU seconds of `dot` alone for what `build --slides` adds: each view and theme drawn again with the
    slide's larger type, to SVG and PDF, and in the light theme also to a PNG as wide as the decks'
    pictures (3840 pixels). Decks and flashcards are made from those pictures: no more Graphviz work."""
    from archcat.slides import SLIDE

    floor = work / "floor-slides"
    floor.mkdir()
    cpu = 0.0
    for job in plan(specs):
        view = next(v for v in job.spec.arch.views if v.id == job.view_id)
        source = build_dot(job.spec, view, PALETTES[job.theme], font_scale=SLIDE.font_scale).encode("utf-8")
        stem = floor / f"{job.spec.id}-{job.view_id}-{job.theme}"
        command = [dot_binary(), "-Tsvg", f"-o{stem}.svg", "-Tpdf:cairo", f"-o{stem}.pdf"]
        before = children_cpu()
        if job.theme == "light":
            laid_out = subprocess.run([dot_binary(), "-Tsvg"], input=source, capture_output=True, check=True).stdout
            width_pt = float(laid_out.split(b'width="', 1)[1].split(b"pt", 1)[0])
            command += ["-Tpng:cairo", f"-o{stem}.png", f"-Gdpi={SLIDE.width * SLIDE.png_scale / width_pt * 72:.1f}"]
        subprocess.run(command, input=source, check=True)
        cpu += children_cpu() - before
    return cpu


def dot_floor(specs: list[Spec], work: Path, *, archcat_formats: bool = False) -> float:
    """CPU seconds of `dot` alone for the same renders: one run per view and theme.

    By default dot writes all three files itself (PNG at 144 dpi, SVG, PDF):
    what Graphviz costs to produce them. With `archcat_formats`, dot writes
    only what the gallery stores (paths.SITE_FORMATS: the light SVG and both
    PDFs; the PNGs and the dark SVG are made from them).
    """
    from archcat.paths import SITE_FORMATS

    floor = work / ("floor-archcat" if archcat_formats else "floor")
    floor.mkdir()
    cpu = 0.0
    for job in plan(specs):
        view = next(v for v in job.spec.arch.views if v.id == job.view_id)
        source = build_dot(job.spec, view, PALETTES[job.theme]).encode("utf-8")
        stem = floor / f"{job.spec.id}-{job.view_id}-{job.theme}"
        formats = SITE_FORMATS[job.theme] if archcat_formats else ("svg", "pdf", "png")
        command = [dot_binary()]
        for fmt in formats:
            command += {"svg": ["-Tsvg", f"-o{stem}.svg"], "pdf": ["-Tpdf:cairo", f"-o{stem}.pdf"],
                        "png": ["-Tpng:cairo", f"-o{stem}.png", f"-Gdpi={PNG_DPI}"]}[fmt]
        before = children_cpu()
        subprocess.run(command, input=source, check=True)
        cpu += children_cpu() - before
    return cpu


# --- 5. synthetic catalogs -----------------------------------------------------------

def synthesize(real: list[Path], target: Path, count: int, seed: int = 7) -> None:
    """`count` specs of realistic size: real specs with new names and titles, so every DOT differs."""
    import yaml

    rng = random.Random(seed)
    (target / "architectures").mkdir(parents=True)
    originals = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in real]
    for i in range(count):
        data = dict(originals[i % len(originals)])
        data["name"] = f"S{i:04d} {data['name']}"[:60]
        data["title"] = f"v{rng.randint(0, 10**6)} {data['title']}"[:120]
        data.pop("related", None)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        (target / "architectures" / f"synthetic-{i:04d}.yaml").write_text(text, encoding="utf-8")


def build_twice(project_root: Path) -> tuple[float, float, float]:
    cold, cold_cpu = timed([*ARCHCAT, "--root", str(project_root), "build", "-q"], project_root)
    warm, _ = timed([*ARCHCAT, "--root", str(project_root), "build", "-q"], project_root)
    return cold, cold_cpu, warm


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=int, nargs="*", default=[250, 1000],
                        help="sizes of the synthetic catalogs (default: 250 1000)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    specs, problems = load_catalog(Project(REPO))
    if problems:
        print("the bundled catalog has problems; run archcat validate", file=sys.stderr)
        return 1
    jobs = plan(specs)
    print(f"machine: {cores} cores; catalog: {len(specs)} specs, {len(jobs)} renders "
          f"(views x 2 themes), 3 formats each")
    with tempfile.TemporaryDirectory(prefix="archcat-bench-") as tmp:
        work = Path(tmp)
        project = work / "catalog"
        (project / "architectures").mkdir(parents=True)
        for spec in specs:
            shutil.copy(spec.path, project / "architectures" / spec.path.name)

        plain_wall, plain_cpu = run_plain(specs, work)
        print(f"  plain scripts done: {plain_wall:.1f} s", flush=True)
        floor_cpu = dot_floor(specs, work)
        vector_cpu = dot_floor(specs, work, archcat_formats=True)
        print(f"  dot floor done: {floor_cpu:.1f} s CPU ({vector_cpu:.1f} s for what the site stores)", flush=True)
        slides_floor_cpu = dot_floor_slides(specs, work)
        print(f"  dot floor for the slide exports done: {slides_floor_cpu:.1f} s CPU", flush=True)
        with_slides = work / "catalog-slides"
        shutil.copytree(project, with_slides)
        cold_slides, cold_slides_cpu = timed([*ARCHCAT, "--root", str(with_slides), "build", "-q", "--slides"],
                                             with_slides)
        print(f"  cold build with slides and decks done: {cold_slides:.1f} s", flush=True)
        shutil.rmtree(with_slides)
        cold, cold_cpu = timed([*ARCHCAT, "--root", str(project), "build", "-q"], project)
        warm, _ = timed([*ARCHCAT, "--root", str(project), "build", "-q"], project)
        edited = project / "architectures" / specs[0].path.name
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
        touched, _ = timed([*ARCHCAT, "--root", str(project), "build", "-q"], project)

        out = project / "output"
        gallery_bytes = size_of(out)
        gallery_files = sum(1 for p in out.rglob("*") if p.is_file())
        index = sum((out / name).stat().st_size for name in ("index.html", "assets/style.css", "assets/gallery.js"))
        index_gz = sum(len(gzip.compress((out / name).read_bytes(), 9))
                       for name in ("index.html", "assets/style.css", "assets/gallery.js"))

        scale = []
        for count in args.synthetic:
            root = work / f"synthetic-{count}"
            synthesize([s.path for s in specs], root, count)
            s_cold, s_cpu, s_warm = build_twice(root)
            scale.append((count, s_cold, s_cpu, s_warm))
            print(f"  synthetic {count}: cold {s_cold:.1f} s, warm {s_warm:.2f} s", flush=True)
            shutil.rmtree(root)

    floor_wall = floor_cpu / cores
    slides_floor = floor_cpu + slides_floor_cpu
    slides_floor_wall = slides_floor / cores
    print(textwrap.dedent(f"""
        bundled catalog                       wall s     CPU s
          plain diagrams scripts, serial     {plain_wall:8.2f}  {plain_cpu:8.2f}
          dot alone (the floor)                   -   {floor_cpu:8.2f}   (/ {cores} cores = {floor_wall:.2f} s)
            of which what the site stores         -   {vector_cpu:8.2f}   (what archcat asks of dot)
          archcat build, cold                {cold:8.2f}  {cold_cpu:8.2f}
          dot alone, with the slides              -   {slides_floor:8.2f}   (/ {cores} = {slides_floor_wall:.1f} s)
          archcat build --slides, cold       {cold_slides:8.2f}  {cold_slides_cpu:8.2f}   (slides, decks, flashcards)
          archcat build, warm, no change     {warm:8.2f}
          archcat build, one spec edited     {touched:8.2f}

        ratios
          plain / cold                        {plain_wall / cold:6.2f}x   (target >= 2)
          cold / (dot floor / cores)          {cold / floor_wall:6.2f}x   (target <= 1.25)
          cold --slides / (its floor / cores) {cold_slides / slides_floor_wall:6.2f}x
          cold / (dot's SVG+PDF part / cores) {cold / (vector_cpu / cores):6.2f}x
          warm / cold                         {100 * warm / cold:6.2f}%   (target < 2%)
          one edit / cold                     {100 * touched / cold:6.2f}%

        gallery: {gallery_bytes / 1e6:.1f} MB in {gallery_files} files
        index page before images: {index / 1024:.1f} KiB ({index_gz / 1024:.1f} KiB gzipped): html, css, js
        """).rstrip())
    if scale:
        print("\nsynthetic catalogs                 cold s   cold s/spec   warm s   warm/cold")
        for count, s_cold, _s_cpu, s_warm in scale:
            print(f"  {count:5d} specs                  {s_cold:8.1f}   {s_cold / count:10.3f}   {s_warm:6.2f}"
                  f"   {100 * s_warm / s_cold:6.2f}%")
        if len(scale) >= 2:
            (n1, c1, *_), (n2, c2, *_) = scale[0], scale[-1]
            print(f"  cost per spec at {n2} vs at {n1}: {(c2 / n2) / (c1 / n1):.2f}x (1.00 = linear)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
