"""Run the pipeline: load and validate the catalog, render every view, build the site, swap it in.

Nothing is written until every spec has validated. Each step lives in its own
module; this one only puts them in order:

    catalog.load_catalog -> jobs.run_jobs (graph -> draw) -> deck.build_decks -> anki.build_anki_decks
    -> gallery.build_site -> output.swap_in
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archcat.cache import Cache, Stats, fingerprint
from archcat.catalog import load_catalog
from archcat.diagnostics import BuildFailed, Diagnostic, display_path, errors
from archcat.discover import Project
from archcat.jobs import Progress, plan, run_jobs
from archcat.output import (
    build_lock,
    check_replaceable,
    input_stamp,
    is_up_to_date,
    record_stamp,
    staging_folder,
    swap_in,
)
from archcat.paths import DECK_PICTURES, SITE_FORMATS

if TYPE_CHECKING:
    from archcat.model import Spec


@dataclass
class BuildResult:
    specs: list[Spec]
    written: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    cache: Stats = field(default_factory=Stats)
    up_to_date: bool = False  # nothing the build reads had changed, so nothing was done


def default_cache(project: Project) -> Cache:
    return Cache(project.cache)


def build(project: Project, *, out: Path | None = None, workers: int | None = None,
          progress: Progress | None = None, cache: Cache | None = None, slides: bool = False) -> BuildResult:
    """Validate the whole catalog, render every view, and swap the result into `out`.

    With a cache, views and pages whose inputs did not change are
    reused instead of rebuilt. Pass `Cache(None)` to build everything afresh.
    With `slides`, also write the 16:9 slide exports, a deck and Anki
    flashcards per architecture, linked from its page, and the catalog's
    Anki deck, linked from the index.
    """
    out = out or project.output
    cache = cache if cache is not None else default_cache(project)
    variant = "slides" if slides else ""
    stamp = input_stamp(project, out, variant)
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
    cache.fingerprint = fingerprint(project.template_folder, project.vocabulary)
    with build_lock(out):
        staging = staging_folder(out)
        try:
            jobs = [job for preset in ((None, "slide") if slides else (None,))
                    for theme, formats in SITE_FORMATS.items()
                    for job in plan(specs, themes=(theme,), formats=formats, preset=preset,
                                    deck_pictures=("light",) if slides else (), thumbnails=True)]
            written, failures = run_jobs(jobs, staging, workers=workers, progress=progress, cache=cache)
            if failures:
                raise BuildFailed(failures)
            if slides:
                from archcat.anki import build_anki_decks
                from archcat.deck import build_decks
                from archcat.vocab import load_vocabulary

                written += build_decks(specs, staging)
                # the decks' pictures live in the decks, not beside them
                shutil.rmtree(staging / DECK_PICTURES)
                written = [path for path in written if DECK_PICTURES not in path.relative_to(staging).parts]
                written += build_anki_decks(specs, staging, vocab=load_vocabulary(project))
            from archcat.gallery import build_site

            written += build_site(project, specs, staging, cache=cache, presenter=slides)
            swap_in(staging, out)
            record_stamp(cache, out, stamp)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        cache.prune(out, variant)
    return BuildResult(specs, [out / p.relative_to(staging) for p in written], problems, cache.stats)
