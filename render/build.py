"""Run the pipeline: gather and validate every spec, then render, then swap in.

Nothing is written until every spec has validated. Rendering goes to a
staging folder that replaces `output/` only when the whole build succeeded,
so a failed or interrupted build leaves the previous gallery as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from render.cache import Cache, Stats, digest
from render.diagnostics import BuildFailed, Diagnostic, display_path, errors
from render.discover import Project, spec_files

if TYPE_CHECKING:  # validation pulls in pydantic: loaded only when a build has work to do
    from render.validate import Spec

FORMATS = ("png", "svg", "pdf")
CACHE_DIR = ".archcat-cache"
THEME_NAMES = ("light", "dark")

Progress = Callable[[int, int, str], None]  # (done, total, what)


def load_catalog(project: Project, paths: list[Path] | None = None) -> tuple[list[Spec], list[Diagnostic]]:
    """Load and validate specs; return the valid ones and every problem found in any of them."""
    from render.validate import load_spec
    from render.vocab import load_vocabulary

    vocab = load_vocabulary()
    specs: list[Spec] = []
    problems: list[Diagnostic] = []
    files = spec_files(project, paths)
    for path in files:
        if not path.exists():
            problems.append(Diagnostic(display_path(path), 1, 1, "no such file"))
            continue
        spec, found = load_spec(path, vocab, project.icons)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    problems.extend(_catalog_checks(project, specs))
    failed = {d.file for d in errors(problems)}
    return [s for s in specs if display_path(s.path) not in failed], sorted(problems)


def _catalog_checks(project: Project, specs: list[Spec]) -> list[Diagnostic]:
    """Checks that span files: one id per spec, and `related` ids that exist."""
    problems: list[Diagnostic] = []
    known = {p.stem for p in spec_files(project)} | {s.id for s in specs}
    by_id: dict[str, Spec] = {}
    for spec in specs:
        file = display_path(spec.path)
        if spec.id in by_id:
            problems.append(Diagnostic(file, 1, 1, f"spec id '{spec.id}' is also used by "
                                       f"{display_path(by_id[spec.id].path)}", "rename one of the files"))
        by_id[spec.id] = spec
        for related in spec.arch.related:
            if related not in known:
                line = _line_of(spec, "related:")
                problems.append(Diagnostic(file, line, 1, f"related spec '{related}' does not exist",
                                           "use the file name of another spec, without .yaml"))
    return problems


def _line_of(spec: Spec, needle: str) -> int:
    for number, line in enumerate(spec.source_bytes.decode("utf-8").splitlines(), start=1):
        if line.startswith(needle):
            return number
    return 1


def thumbnail_path(out: Path, spec_id: str, theme: str) -> Path:
    return out / "thumbs" / f"{spec_id}-{theme}.png"


def diagram_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    """The stable location of one rendered view: diagrams/<spec>/<view>-<theme>.<format>."""
    return out / "diagrams" / spec_id / f"{view_id}-{theme}.{fmt}"


@dataclass(frozen=True)
class Job:
    spec: Spec
    view_id: str
    theme: str
    formats: tuple[str, ...]
    thumbnail: bool = False  # also write the index card thumbnail (overview views only)
    preset: str | None = None  # "slide": the 16:9 presentation export

    def describe(self) -> str:
        return f"{self.spec.id}/{self.view_id} ({self.theme})"


def renderer_fingerprint() -> str:
    """What besides the DOT text decides the files: our drawing code and the tools' versions."""
    import diagrams

    from render import __version__
    from render.draw import graphviz_version

    here = Path(__file__).parent
    code = b"".join((here / name).read_bytes() for name in ("graph.py", "draw.py", "slides.py"))
    return digest(__version__, getattr(diagrams, "__version__", "0.25.1"), graphviz_version(), code,
                  *tool_versions())


def tool_versions() -> list[str]:
    """The libraries that write image bytes: a new release may draw or compress differently."""
    from importlib.metadata import version

    return [f"{name} {version(name)}" for name in ("pypdfium2", "deflate", "cairosvg")]


def render_job(job: Job, out: Path, cache: Cache | None = None, fingerprint: str = "") -> list[Path]:
    from render.draw import Target, render
    from render.graph import THEMES, build_dot

    view = next(v for v in job.spec.arch.views if v.id == job.view_id)
    if job.preset == "slide":
        return _slide_job(job, out, cache, fingerprint)
    source = build_dot(job.spec, view, THEMES[job.theme])
    targets = [Target(fmt, diagram_path(out, job.spec.id, view.id, job.theme, fmt)) for fmt in job.formats]
    if view is job.spec.arch.views[0] and "png" in job.formats and job.thumbnail:
        targets.append(Target("thumb", thumbnail_path(out, job.spec.id, job.theme)))
    icons = sorted({str(k.icon) for k in job.spec.kinds.values() if k.icon is not None})
    key = digest("render", fingerprint, ",".join(t.format for t in targets), source,
                 *(Path(icon).read_bytes() for icon in icons))
    named = {t.format: t.path for t in targets}
    if cache is not None and cache.fetch(key, named):
        return [t.path for t in targets]
    render(source, targets, transparent=THEMES[job.theme].background == "transparent")
    if cache is not None:
        cache.store(key, named)
    return [t.path for t in targets]


def plan(specs: list[Spec], *, themes: tuple[str, ...] = THEME_NAMES, formats: tuple[str, ...] = FORMATS,
         views: set[str] | None = None, thumbnails: bool = False, preset: str | None = None) -> list[Job]:
    return [Job(spec, view.id, theme, formats, thumbnails and preset is None, preset)
            for spec in specs for view in spec.arch.views if views is None or view.id in views
            for theme in themes]


def build_decks(specs: list[Spec], out: Path) -> list[Path]:
    """A PowerPoint deck per architecture, from the light PNGs already rendered into `out`."""
    from render.deck import build_deck, deck_path

    return [build_deck(spec, out, deck_path(out, spec.id, "light")) for spec in specs]


def _slide_job(job: Job, out: Path, cache: Cache | None, fingerprint: str) -> list[Path]:
    from render.draw import Target
    from render.graph import THEMES, build_dot
    from render.slides import SLIDE, render_slide, slide_path

    view = next(v for v in job.spec.arch.views if v.id == job.view_id)
    source = build_dot(job.spec, view, THEMES[job.theme], font_scale=SLIDE.font_scale)
    targets = [Target(fmt, slide_path(out, job.spec.id, view.id, job.theme, fmt)) for fmt in job.formats]
    key = digest("slide", fingerprint, repr(SLIDE), ",".join(job.formats), source)
    named = {t.format: t.path for t in targets}
    if cache is None or not cache.fetch(key, named):
        render_slide(job.spec, view.id, job.theme, targets)
        if cache is not None:
            cache.store(key, named)
    return [t.path for t in targets]


def run_jobs(jobs: list[Job], out: Path, *, workers: int | None = None, progress: Progress | None = None,
             cache: Cache | None = None) -> tuple[list[Path], list[Diagnostic]]:
    """Render jobs in parallel (Graphviz does the work, so threads suffice)."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from render.draw import DrawError

    written: list[Path] = []
    problems: list[Diagnostic] = []
    # Two threads a core: while one waits for its dot process, the other does the Python part.
    workers = workers or 2 * (os.cpu_count() or 1)
    fingerprint = renderer_fingerprint() if jobs else ""
    done = 0
    if progress:
        progress(0, len(jobs), "")
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        futures = {pool.submit(render_job, job, out, cache, fingerprint): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                written.extend(future.result())
            except DrawError as exc:
                index = [v.id for v in job.spec.arch.views].index(job.view_id)
                line, column = job.spec.doc.locate(("views", index, "id"))
                problems.append(Diagnostic(display_path(job.spec.path), line, column,
                                           f"view '{job.view_id}' ({job.theme}) could not be drawn: {exc}",
                                           "simplify the view, or report the spec if it is small"))
            done += 1
            if progress:
                progress(done, len(jobs), job.describe())
    finally:
        # On an interruption, drop the queued renders and wait only for the running ones.
        pool.shutdown(wait=True, cancel_futures=True)
    return sorted(written), sorted(problems)


@dataclass
class BuildResult:
    specs: list[Spec]
    written: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    cache: Stats = field(default_factory=Stats)
    up_to_date: bool = False  # nothing the build reads had changed, so nothing was done


def default_cache(project: Project) -> Cache:
    return Cache(project.root / CACHE_DIR)


def build(project: Project, *, out: Path | None = None, workers: int | None = None,
          progress: Progress | None = None, cache: Cache | None = None, slides: bool = False) -> BuildResult:
    """Validate the whole catalog, render every view, and swap the result into `out`.

    With a cache, views, thumbnails and pages whose inputs did not change are
    reused instead of rebuilt. Pass `Cache(None)` to build everything afresh.
    With `slides`, also write the 16:9 slide exports and a deck per
    architecture, linked from its page.
    """
    out = out or project.output
    cache = cache if cache is not None else default_cache(project)
    stamp = input_stamp(project, out) + ("+slides" if slides else "")
    if is_up_to_date(cache, out, stamp):
        return BuildResult([], up_to_date=True)
    specs, problems = load_catalog(project)
    if errors(problems):
        raise BuildFailed(problems)
    if not specs:
        raise BuildFailed([Diagnostic(display_path(project.architectures), 1, 1, "no specs found",
                                      "run `archcat new ID` to start one")])
    check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        try:
            jobs = plan(specs, thumbnails=True)
            if slides:
                jobs += plan(specs, preset="slide")
            written, failures = run_jobs(jobs, staging, workers=workers, progress=progress, cache=cache)
            if failures:
                raise BuildFailed(failures)
            from render.gallery import build_site

            if slides:
                written += build_decks(specs, staging)
            written += build_site(project, specs, staging, cache=cache, presenter=slides)
            swap_in(staging, out)
            record_stamp(cache, out, stamp)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        cache.prune()
    return BuildResult(specs, [out / p.relative_to(staging) for p in written], problems, cache.stats)


@contextmanager
def build_lock(out: Path):
    """One build at a time per output folder; clears what a killed build left behind."""
    import fcntl

    lock_path = out.parent / f".{out.name}.lock"
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        for leftover in out.parent.glob(f".{out.name}.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        for leftover in out.parent.glob(f".{out.name}.old-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


MARKER = ".archcat-output"


def input_stamp(project: Project, out: Path) -> str:
    """A digest of everything a build reads: specs, icons, templates, our code and data, tool versions."""
    from render.draw import graphviz_version

    templates = project.template_folder
    parts: list[bytes | str] = [str(out), graphviz_version(), *installed_packages()]
    for folder in (project.architectures, project.icons, templates, Path(__file__).parent):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


DRAWING_PACKAGES = ("diagrams", "jinja2", "pypdfium2", "deflate", "cairosvg", "pptx")


def installed_packages() -> list[str]:
    """Name and version of every package installed beside the ones a build uses, from folder listings.

    Any install or upgrade there changes this, which only costs a build that
    finds its renders in the cache; reading each package's metadata would cost
    a no-op build more than everything else it does.
    """
    from importlib.util import find_spec

    folders = set()
    for name in DRAWING_PACKAGES:
        found = find_spec(name)
        if found is not None and found.origin is not None:
            folders.add(Path(found.origin).parent.parent)
    return sorted(f"{folder}/{name}" for folder in folders for name in os.listdir(folder)
                  if name.endswith(".dist-info"))


def output_listing(out: Path) -> dict[str, list[int]]:
    """Size and modification time of every file in the output, to notice files changed by hand."""
    listing: dict[str, list[int]] = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != MARKER:
            info = path.stat()
            listing[path.relative_to(out).as_posix()] = [info.st_size, info.st_mtime_ns]
    return listing


def _stamp_file(cache: Cache, out: Path) -> Path:
    assert cache.root is not None
    return cache.root / "stamps" / f"{digest(str(out.resolve()))[:24]}.json"


def is_up_to_date(cache: Cache, out: Path, stamp: str) -> bool:
    """True when the last build into `out` read exactly these inputs and its files are untouched."""
    import json

    if cache.root is None:
        return False
    try:
        recorded = json.loads(_stamp_file(cache, out).read_text(encoding="utf-8"))
        return recorded.get("inputs") == stamp and recorded.get("files") == output_listing(out)
    except (OSError, ValueError, AttributeError):
        return False


def record_stamp(cache: Cache, out: Path, stamp: str) -> None:
    import json

    if cache.root is None:
        return
    path = _stamp_file(cache, out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"inputs": stamp, "files": output_listing(out)}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that archcat did not write (and is not empty)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise BuildFailed([Diagnostic(display_path(out), 1, 1, "output folder has files archcat did not write",
                                      "choose an empty or new folder with --out")])


def swap_in(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames; the old tree is removed afterwards."""
    (staging / MARKER).write_text("This folder is written by `archcat build` and replaced on every build.\n",
                                  encoding="utf-8")
    staging.chmod(0o755)
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "tree")
    os.rename(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
