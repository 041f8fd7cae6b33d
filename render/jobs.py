"""Render jobs: which view to draw in which theme and formats, its cache key, and running them in parallel."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archcat.cache import Cache
from archcat.diagnostics import Diagnostic, display_path
from archcat.files import real_dir
from archcat.paths import FORMATS, THEMES, deck_picture_path, diagram_path, slide_path, thumbnail_path

if TYPE_CHECKING:
    from archcat.model import Spec

Progress = Callable[[int, int, str], None]  # (done, total, what)


@dataclass(frozen=True)
class Job:
    spec: Spec
    view_id: str
    theme: str
    formats: tuple[str, ...]
    preset: str | None = None  # "slide": the 16:9 presentation export
    step: int | None = None  # slides only: this step of the view's flow highlighted

    def describe(self) -> str:
        return f"{self.spec.id}/{self.view_id} ({self.theme})"


def plan(specs: list[Spec], *, themes: tuple[str, ...] = THEMES, formats: tuple[str, ...] = FORMATS,
         views: set[str] | None = None, preset: str | None = None, step: int | None = None,
         deck_pictures: tuple[str, ...] = (), thumbnails: bool = False) -> list[Job]:
    """One job per view and theme. `deck_pictures` names the themes whose jobs also draw the decks' PNG;
    with `thumbnails`, the light job of each spec's first view also draws the index card's picture."""
    def extra(spec: Spec, view_id: str, theme: str) -> tuple[str, ...]:
        if preset is not None:
            return ()
        return (("deck",) * (theme in deck_pictures)
                + ("thumbnail",) * (thumbnails and theme == "light" and view_id == spec.arch.views[0].id))

    return [Job(spec, view.id, theme, formats + extra(spec, view.id, theme), preset, step)
            for spec in specs for view in spec.arch.views if views is None or view.id in views
            for theme in themes]


def icon_bytes(spec: Spec) -> list[bytes]:
    """The custom icon files a spec draws with, in a stable order: part of every key of its pictures."""
    return [path.read_bytes() for path in sorted({k.icon for k in spec.kinds.values() if k.icon is not None})]


def render_job(job: Job, out: Path, cache: Cache) -> list[Path]:
    from archcat.draw import Target, render
    from archcat.graph import PALETTES, build_dot, description

    view = next(v for v in job.spec.arch.views if v.id == job.view_id)
    if job.preset == "slide":
        from archcat.slides import SLIDE, render_slide

        source = build_dot(job.spec, view, PALETTES[job.theme], font_scale=SLIDE.font_scale)
        name = view.id if job.step is None else f"{view.id}-step-{job.step}"
        targets = [Target(fmt, slide_path(out, job.spec.id, name, job.theme, fmt)) for fmt in job.formats]
        key = cache.key("slide", repr(SLIDE), ",".join(job.formats), source, repr(description(job.spec, view)),
                        str(job.step), *icon_bytes(job.spec))
        named = {t.format: t.path for t in targets}
        _real_folders(targets, out)
        if not cache.fetch(key, named):
            render_slide(job.spec, view.id, job.theme, targets, step=job.step)
            cache.store(key, named)
        return [t.path for t in targets]
    source = build_dot(job.spec, view, PALETTES[job.theme])
    about = description(job.spec, view)
    targets = [Target(fmt, deck_picture_path(out, job.spec.id, view.id, job.theme) if fmt == "deck"
                      else thumbnail_path(out, job.spec.id, view.id) if fmt == "thumbnail"
                      else diagram_path(out, job.spec.id, view.id, job.theme, fmt)) for fmt in job.formats]
    key = cache.key("view", ",".join(t.format for t in targets), source, repr(about), *icon_bytes(job.spec))
    named = {t.format: t.path for t in targets}
    _real_folders(targets, out)
    if not cache.fetch(key, named):
        render(source, targets, transparent=PALETTES[job.theme].background == "transparent", about=about)
        cache.store(key, named)
    return [t.path for t in targets]


def _real_folders(targets: list, out: Path) -> None:
    """The folders a job writes into exist as real folders under `out`: a link planted in an output
    folder (output/diagrams/x pointing elsewhere) is refused, never written through."""
    for folder in sorted({t.path.parent for t in targets}):
        real_dir(folder, out)


def default_workers() -> int:
    """Two threads a core: while one waits for its dot process, the other does the Python part."""
    return 2 * (os.cpu_count() or 1)


def run_jobs(jobs: list[Job], out: Path, *, workers: int | None = None, progress: Progress | None = None,
             cache: Cache | None = None) -> tuple[list[Path], list[Diagnostic]]:
    """Render jobs in parallel (Graphviz does the work, so threads suffice); without a cache, afresh."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    from archcat.draw import DrawError

    if cache is None:
        cache = Cache(None)
    if not cache.fingerprint:
        from archcat.cache import fingerprint
        from archcat.paths import TEMPLATES_DIR

        cache.fingerprint = fingerprint(TEMPLATES_DIR)
    written: list[Path] = []
    problems: list[Diagnostic] = []
    done = 0
    if progress:
        progress(0, len(jobs), "")
    pool = ThreadPoolExecutor(max_workers=workers or default_workers())
    try:
        futures = {pool.submit(render_job, job, out, cache): job for job in jobs}
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
