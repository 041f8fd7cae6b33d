"""The `archcat` command: argument parsing, output and exit codes only."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from archcat import __version__
from archcat.diagnostics import BuildFailed, Diagnostic, Severity, did_you_mean, errors, visible

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _port(text: str) -> int:
    """An argparse type: a TCP port number."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 0 (any free port) and 65535, got {value}")
    return value


def _console(stderr: bool = False):
    from rich.console import Console

    # Text as written: no emoji codes (a location such as file:100: is not ":100:"), no guessed highlighting.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def _done(message: str) -> None:
    """A success line. Rich (slow to import) only colours the mark, so it is loaded only for a terminal."""
    if sys.stdout.isatty():
        _console().print(f"[green]\u2713[/green] {_escape(visible(message))}")
    else:
        print(f"\u2713 {visible(message)}", flush=True)


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    if not diagnostics:
        return
    console = _console(stderr=True)
    for d in sorted(diagnostics):
        color = "red" if d.severity is Severity.ERROR else "yellow"
        console.print(f"[bold]{_escape(d.file)}:{d.line}:{d.column}:[/bold] [{color}]{d.severity.value}:[/{color}] "
                      f"{_escape(d.message)}")
        if d.hint:
            console.print(f"    [dim]hint:[/dim] {_escape(d.hint)}")
    n_err = len(errors(diagnostics))
    n_warn = len(diagnostics) - n_err
    if diagnostics:
        files = len({d.file for d in diagnostics})
        console.print(f"[bold]{n_err} error(s), {n_warn} warning(s) in {files} file(s)[/bold]")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _project(args: argparse.Namespace):
    from archcat.discover import Project

    return Project(Path(args.root).resolve())


# --- commands ---------------------------------------------------------------------

def cmd_validate(args: argparse.Namespace) -> int:
    from archcat.catalog import load_catalog

    project = _project(args)
    if any(not p.strip() for p in args.paths):
        raise BuildFailed([Diagnostic("''", 1, 1, "an empty path was given", "name spec files or folders")])
    paths = [Path(p) for p in args.paths] or None
    partial: list = []  # specs with errors whose content can still be checked
    specs, problems = load_catalog(project, paths, partial=partial)
    if not specs and not partial and not problems:
        where = ", ".join(args.paths) if args.paths else str(project.architectures)
        raise BuildFailed([Diagnostic(where, 1, 1, "no spec files found (*.yaml)",
                                      "name spec files or folders, or run `archcat new ID` to start one")])
    if not args.no_lint:
        from archcat.lint import lint
        from archcat.vocab import load_vocabulary

        problems = sorted(problems + lint([*specs, *partial], load_vocabulary(project)))
    print_diagnostics(problems)
    failed = errors(problems) or (args.strict and problems)
    if not failed:
        _done(f"{len(specs)} spec(s) valid")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _progress_bar(enabled: bool) -> tuple[Callable[[int, int, str], None], Callable[[], None]]:
    if not enabled:
        return (lambda done, total, what: None), (lambda: None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]Rendering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("[dim]{task.description}"), console=_console(stderr=True), transient=False)
    task = bar.add_task("", total=None)
    bar.start()

    def update(done: int, total: int, what: str) -> None:
        bar.update(task, completed=done, total=total, description=what)

    return update, bar.stop


def cmd_build(args: argparse.Namespace) -> int:
    from archcat.build import build

    project = _project(args)
    out = Path(args.out).resolve() if args.out else None
    from archcat.cache import Cache

    cache = Cache(None) if args.no_cache else Cache(Path(args.cache_dir).resolve()) if args.cache_dir else None
    update, stop = _progress_bar(not args.quiet)
    try:
        result = build(project, out=out, workers=args.jobs, progress=update, cache=cache, slides=args.slides)
    finally:
        stop()
    print_diagnostics(result.warnings)
    target = out or project.output
    if result.up_to_date:
        _done(f"{target} is up to date: no spec, icon, template or tool changed")
        return EXIT_OK
    reused = f", {result.cache.hits} reused from cache" if result.cache.hits else ""
    corrupt = f", {result.cache.corrupt} corrupt cache entries rebuilt" if result.cache.corrupt else ""
    _done(f"built {len(result.specs)} architecture(s), "
          f"{len(result.written)} file(s) in {target} ({result.cache.misses} rendered{reused}{corrupt})")
    return EXIT_OK


def _one_spec(project, spec_id: str):
    """The validated spec with this id, or a located error that suggests the closest id."""
    from archcat.catalog import load_catalog
    from archcat.discover import spec_files

    matches = [p for p in spec_files(project) if p.stem == spec_id]
    if not matches:
        hint = (did_you_mean(spec_id, sorted(p.stem for p in spec_files(project)))
                or "run `archcat validate` to list the catalog")
        raise BuildFailed([Diagnostic(spec_id, 1, 1, f"no spec with id '{spec_id}' in {project.architectures}",
                                      hint)])
    specs, problems = load_catalog(project, matches)
    if errors(problems) or not specs:
        raise BuildFailed(problems)
    return specs[0]


def _render_folder(project, args: argparse.Namespace) -> Path:
    """Where `render` and `deck` write: the folder the user named, or the project's output/, claimed as
    archcat's (marked) so that a later `build` may replace it."""
    if args.out:
        return Path(args.out).resolve()
    from archcat.output import claim

    return claim(project.output)


def cmd_render(args: argparse.Namespace) -> int:
    from archcat.jobs import plan, run_jobs

    project = _project(args)
    spec = _one_spec(project, args.id)
    views = set(args.view) if args.view else None
    if views and not views <= {v.id for v in spec.arch.views}:
        unknown = ", ".join(sorted(views - {v.id for v in spec.arch.views}))
        raise BuildFailed([Diagnostic(str(spec.path), 1, 1, f"no view {unknown} in '{spec.id}'",
                                      "views: " + ", ".join(v.id for v in spec.arch.views))])
    out = _render_folder(project, args)
    formats = tuple(args.format or ["png", "svg", "pdf"])
    themes = tuple(args.theme or ["light"])
    if args.step is not None and args.preset != "slide":
        raise BuildFailed([Diagnostic(args.id, 1, 1, "--step highlights a step on a slide export",
                                      "add --preset slide")])
    if args.preset == "slide":
        if "dot" in formats:
            raise BuildFailed([Diagnostic(args.id, 1, 1, "--preset slide writes png, svg and pdf, not dot")])
        if args.step is not None:
            for view in spec.arch.views:
                if (views is None or view.id in views) and not 1 <= args.step <= len(view.flow):
                    raise BuildFailed([Diagnostic(str(spec.path), 1, 1,
                                                  f"view '{view.id}' has {len(view.flow)} flow step(s), no step "
                                                  f"{args.step}", "choose a view with --view")])
        written, failures = run_jobs(plan([spec], themes=themes, formats=formats, views=views, preset="slide",
                                          step=args.step), out, workers=args.jobs)
        if failures:
            raise BuildFailed(failures)
        for path in written:
            _console().print(_escape(visible(str(path))))
        return EXIT_OK
    if "dot" in formats:
        from archcat.files import real_dir, write_atomic
        from archcat.graph import PALETTES, build_dot
        from archcat.paths import diagram_path

        for view in spec.arch.views:
            if views is None or view.id in views:
                for theme in themes:
                    path = diagram_path(out, spec.id, view.id, theme, "dot")
                    real_dir(path.parent, out)
                    write_atomic(path, build_dot(spec, view, PALETTES[theme]))
                    _console().print(_escape(visible(str(path))))
        formats = tuple(f for f in formats if f != "dot")
    if formats:
        written, failures = run_jobs(plan([spec], themes=themes, formats=formats, views=views), out,
                                     workers=args.jobs)
        if failures:
            raise BuildFailed(failures)
        for path in written:
            _console().print(_escape(visible(str(path))))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from archcat.scaffold import new_spec

    path = new_spec(_project(args), args.id, force=args.force, source=args.source)
    shown = _escape(visible(str(path)))
    _console().print(f"[green]\u2713[/green] wrote {shown}\n  next: edit it, then run "
                     f"`archcat validate {shown}` and `archcat render {args.id}`")
    return EXIT_OK


def cmd_kinds(args: argparse.Namespace) -> int:
    from rich.table import Table

    from archcat.vocab import load_vocabulary

    vocab = load_vocabulary()
    if args.all:
        from archcat.vocab import diagrams_classes

        needle = (args.text or "").lower()
        by_class = {k.class_path: k.name for k in vocab.kinds.values()}
        classes = [c for c in diagrams_classes() if needle in c.lower()]
        if not classes:
            _console(stderr=True).print(f"no diagrams class matches '{_escape(visible(args.text or ''))}'")
            return EXIT_PROBLEMS
        table = Table("kind: value to write", "short kind", box=None, pad_edge=False)
        for class_path in classes:
            table.add_row(class_path, by_class.get(class_path, ""))
        _console().print(table)
        return EXIT_OK
    found = vocab.search_kinds(args.text or "")
    if not found:
        hint = did_you_mean((args.text or "").lower(), vocab.kinds, n=3)
        _console(stderr=True).print(f"no kind matches '{_escape(visible(args.text))}'" + (f"; {hint}" if hint else ""))
        return EXIT_PROBLEMS
    table = Table("kind", "category", "description", "diagrams class", box=None, pad_edge=False)
    for kind in found:
        table.add_row(kind.name, kind.category, kind.description, kind.class_path)
    _console().print(table)
    return EXIT_OK


def cmd_patterns(args: argparse.Namespace) -> int:
    from rich.table import Table

    from archcat.vocab import load_vocabulary

    needle = (args.text or "").lower()
    found = [p for p in load_vocabulary().patterns.values()
             if needle in p.id or needle in p.name.lower() or needle in p.summary.lower()]
    if not found:
        _console(stderr=True).print(f"no pattern matches '{_escape(visible(args.text))}'")
        return EXIT_PROBLEMS
    table = Table("pattern", "name", "summary", box=None, pad_edge=False)
    for p in found:
        table.add_row(p.id, p.name, p.summary)
    _console().print(table)
    return EXIT_OK


def cmd_terms(args: argparse.Namespace) -> int:
    """`archcat domains` and `archcat tags`: list or search a controlled list."""
    from rich.table import Table

    from archcat.vocab import load_vocabulary

    terms = getattr(load_vocabulary(), args.vocabulary)
    needle = (args.text or "").lower()
    found = [t for t in terms.values() if needle in t.id or needle in t.name.lower() or needle in t.summary.lower()]
    what = args.vocabulary.removesuffix("s")
    if not found:
        _console(stderr=True).print(f"no {what} matches '{_escape(visible(args.text))}'")
        return EXIT_PROBLEMS
    table = Table(what, "name", "meaning", box=None, pad_edge=False)
    for t in found:
        table.add_row(t.id, t.name, t.summary)
    _console().print(table)
    return EXIT_OK


def cmd_deck(args: argparse.Namespace) -> int:
    import shutil

    from archcat.jobs import plan, run_jobs

    if args.all and not args.anki:
        args.parser.error("--all writes the Anki deck of the whole catalog; add --anki")
    if args.anki and args.theme:
        args.parser.error("--theme sets slide colours; Anki decks follow Anki's own light and night modes")
    if args.all == bool(args.id):
        args.parser.error("name one spec ID, or --all for the whole catalog" if not args.all
                          else "give a spec ID or --all, not both")
    project = _project(args)
    if args.anki:
        return _anki_deck(project, args)
    from archcat.deck import build_deck
    from archcat.paths import DECK_PICTURES, deck_path

    theme = args.theme or "light"
    spec = _one_spec(project, args.id)
    out = _render_folder(project, args)
    pictures = out / DECK_PICTURES
    try:
        _, failures = run_jobs(plan([spec], themes=(theme,), formats=("svg",), deck_pictures=(theme,)),
                               out, workers=args.jobs)
        if failures:
            raise BuildFailed(failures)
        path = build_deck(spec, out, deck_path(out, spec.id, theme), theme=theme)
    finally:
        shutil.rmtree(pictures, ignore_errors=True)  # they live on in the deck
    _console().print(_escape(visible(str(path))))
    return EXIT_OK


def _anki_deck(project, args: argparse.Namespace) -> int:
    """`archcat deck --anki ID` and `archcat deck --anki --all`: Anki packages from the light SVGs."""
    from archcat.anki import build_anki_catalog, build_anki_deck
    from archcat.jobs import plan, run_jobs
    from archcat.paths import anki_catalog_path, anki_path
    from archcat.vocab import load_vocabulary

    if args.all:
        from archcat.catalog import load_catalog

        specs, problems = load_catalog(project)
        if errors(problems) or not specs:
            raise BuildFailed(problems or [Diagnostic(str(project.architectures), 1, 1, "no specs found",
                                                      "run `archcat new ID` to start one")])
    else:
        specs = [_one_spec(project, args.id)]
    out = _render_folder(project, args)
    _, failures = run_jobs(plan(specs, themes=("light",), formats=("svg",)), out, workers=args.jobs)
    if failures:
        raise BuildFailed(failures)
    vocab = load_vocabulary(project)
    if args.all:
        path = build_anki_catalog(specs, out, anki_catalog_path(out), vocab=vocab)
    else:
        path = build_anki_deck(specs[0], out, anki_path(out, specs[0].id), vocab=vocab)
    _console().print(_escape(visible(str(path))))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from archcat.serve import serve

    try:
        serve(_project(args), host=args.host, port=args.port, out=Path(args.out).resolve() if args.out else None,
              open_browser=args.open)
    except ValueError as exc:  # a host that is not loopback
        raise BuildFailed([Diagnostic("serve", 1, 1, str(exc), "use 127.0.0.1 or localhost")]) from exc
    except OSError as exc:  # the port is taken
        raise BuildFailed([Diagnostic("serve", 1, 1, f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
                                      "choose another --port")]) from exc
    return EXIT_OK


def cmd_lsp(args: argparse.Namespace) -> int:
    from archcat.lsp import serve_stdio

    serve_stdio()
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from archcat.schema import schema_text

    text = schema_text()
    if args.output:
        from archcat.files import write_atomic

        path = write_atomic(Path(args.output), text)
        _console(stderr=True).print(f"[green]\u2713[/green] wrote {path}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


# --- parser -----------------------------------------------------------------------

def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="DIR", help="output folder (default: output/)")
    p.add_argument("-j", "--jobs", type=_positive, metavar="N", help="parallel renders (default: two per core)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archcat",
        description="Validate architecture specs, render their diagrams and build the gallery.",
        epilog="Run `archcat COMMAND --help` for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"archcat {__version__}")
    parser.add_argument("--root", default=os.environ.get("ARCHCAT_ROOT", "."), metavar="DIR",
                        help="project folder holding architectures/ and icons/ (default: current folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("build", help="validate everything and build diagrams and gallery into output/",
                       description="Validate every spec, render every view in every theme and format, "
                                   "and build the gallery. The previous output stays until the build succeeds.")
    _output_options(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--no-cache", action="store_true", help="render everything afresh and leave the cache alone")
    p.add_argument("--slides", action="store_true",
                   help="also write 16:9 slide exports (light and dark) and a PowerPoint deck per architecture, "
                        "linked from its page")
    p.add_argument("--cache-dir", metavar="DIR", help="where rendered files are cached (default: .archcat-cache/)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("render", help="render the views of one spec",
                       description="Render one spec's views. Files go to OUT/diagrams/ID/VIEW-THEME.FORMAT, "
                                   "or OUT/slides/ID/VIEW-THEME.FORMAT with --preset slide.")
    p.add_argument("id", help="spec id (its file name without .yaml)")
    p.add_argument("--format", action="append", choices=["png", "svg", "pdf", "dot"],
                   help="output format; repeat for several (default: png, svg and pdf)")
    p.add_argument("--theme", action="append", choices=["light", "dark", "transparent"],
                   help="colour theme; repeat for several (default: light)")
    p.add_argument("--preset", choices=["slide"],
                   help="slide: a 16:9 image for a 1920x1080 slide, diagram fitted with margins and larger fonts; "
                        "PNG at 2x (3840x2160), self-contained SVG, vector PDF")
    p.add_argument("--view", action="append", metavar="VIEW", help="only this view; repeat for several")
    p.add_argument("--step", type=_positive, metavar="N",
                   help="with --preset slide: step N of the view's request flow highlighted, written as "
                        "VIEW-step-N-THEME.FORMAT")
    _output_options(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("validate", help="check specs and report every problem with its line",
                       description="Check specs: errors in shape and references, then content warnings "
                                   "(too few nodes or lessons, no metrics, technologies missing from the "
                                   "glossary). With no PATHS, checks the whole catalog.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="spec files or folders")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--no-lint", action="store_true",
                   help="skip the content checks (lessons, metrics, glossary); report only errors")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("new", help="write a starter spec that validates and renders as is")
    p.add_argument("id", help="spec id, e.g. acme-2024")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--from", dest="source", metavar="ID2", help="start from a copy of spec ID2 (e.g. an earlier era)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("kinds", help="list or search the node kinds")
    p.add_argument("text", nargs="?", help="search the names, categories and descriptions")
    p.add_argument("--all", action="store_true",
                   help="search every class of the diagrams package too (any of them is a valid kind)")
    p.set_defaults(func=cmd_kinds)

    p = sub.add_parser("patterns", help="list or search the pattern vocabulary")
    p.add_argument("text", nargs="?", help="search the ids, names and summaries")
    p.set_defaults(func=cmd_patterns)

    for name, what in (("domains", "the fields a spec's `domain` may name"), ("tags", "the tags a spec may carry")):
        p = sub.add_parser(name, help=f"list or search {what}")
        p.add_argument("text", nargs="?", help="search the ids, names and meanings")
        p.set_defaults(func=cmd_terms, vocabulary=name)

    from archcat.paths import anki_catalog_href

    p = sub.add_parser("deck", help="write a PowerPoint deck, or Anki flashcards, of one architecture",
                       description="Write OUT/decks/ID-THEME.pptx: a title slide with the key numbers, a slide per "
                                   "view with its request flow as speaker notes, a slide per lesson, and the sources. "
                                   "With --anki, write OUT/decks/ID.apkg instead: Anki flashcards made from the spec "
                                   "(diagrams, flow steps, technologies, key numbers, lessons, patterns), each answer "
                                   "with its source; re-importing an updated deck updates its cards.")
    p.add_argument("id", nargs="?", help="spec id")
    p.add_argument("--theme", choices=["light", "dark"], help="slide colours (default: light)")
    p.add_argument("--anki", action="store_true",
                   help="write Anki flashcards (.apkg) instead of slides: OUT/decks/ID.apkg")
    p.add_argument("--all", action="store_true",
                   help="with --anki: one deck of the whole catalog, a subdeck per architecture, as "
                        f"OUT/{anki_catalog_href()}")
    _output_options(p)
    p.set_defaults(func=cmd_deck, parser=p)

    p = sub.add_parser("lsp", help="run the language server an editor talks to over stdio",
                       description="Speak the Language Server Protocol on stdin and stdout: diagnostics as you "
                                   "type (every error and warning `archcat validate` gives), completion of kinds, "
                                   "technologies, patterns, domains, tags and ids, hover and go to definition. "
                                   "See CONTRIBUTING.md for VS Code, Neovim and Helix.")
    p.set_defaults(func=cmd_lsp)

    p = sub.add_parser("serve", help="preview the gallery on localhost, rebuilding and reloading on every save",
                       description="Build, serve the gallery on a loopback address, and rebuild what changed when "
                                   "a spec, icon, template or vocabulary is saved; open pages reload themselves, "
                                   "and build errors show on the page and here while the last good site stays up.")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8000, help="port, 0 for any free one (default: 8000)")
    p.add_argument("--out", metavar="DIR", help="where the preview is built (default: .archcat-serve/)")
    p.add_argument("--open", action="store_true", help="open the gallery in a browser")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("schema", help="print the JSON Schema of the spec format")
    p.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of standard output")
    p.set_defaults(func=cmd_schema)
    return parser


def _stop_on_sigterm() -> None:
    """Let SIGTERM unwind like Ctrl-C, so staging folders are removed and the output is left as it was."""
    import signal
    import threading

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    _stop_on_sigterm()
    try:
        return args.func(args)
    except BuildFailed as exc:
        print_diagnostics(exc.diagnostics)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        _console(stderr=True).print("interrupted; the previous output was left as it was")
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last line of defence: a message, never a traceback
        from archcat.draw import DrawError

        if os.environ.get("ARCHCAT_DEBUG"):
            raise
        kind = "error" if isinstance(exc, DrawError | OSError) else "internal error"
        _console(stderr=True).print(f"[red]archcat: {kind}:[/red] {_escape(visible(str(exc)))}"
                                    + ("" if kind == "error" else " (set ARCHCAT_DEBUG=1 for details)"))
        return EXIT_PROBLEMS
