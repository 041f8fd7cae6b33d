"""Load a catalog: read and validate every spec, then the checks that span files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from archcat.diagnostics import Diagnostic, display_path, errors
from archcat.discover import Project, spec_files

if TYPE_CHECKING:  # validation pulls in pydantic: loaded only when there is work to do
    from archcat.model import Spec


def load_catalog(project: Project, paths: list[Path] | None = None, *, partial: list[Spec] | None = None
                 ) -> tuple[list[Spec], list[Diagnostic]]:
    """Load and validate specs; return the valid ones and every problem found in any of them
    (the vocabularies' own problems included). Specs whose shape is valid but which have other errors
    are appended to `partial` when given (for their content warnings)."""
    from archcat.validate import load_spec
    from archcat.vocab import load_vocabulary

    vocab = load_vocabulary(project)
    problems = list(vocab.problems)
    specs: list[Spec] = []
    for path in spec_files(project, paths):
        if not path.exists() and not path.is_symlink():  # a link that leads nowhere is read_spec_file's to report
            problems.append(Diagnostic(display_path(path), 1, 1, "no such file"))
            continue
        spec, found = load_spec(path, vocab, project.icons, partial=partial)
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    problems.extend(catalog_checks(project, specs))
    failed = {d.file for d in errors(problems)}
    if partial is not None:
        partial.extend(s for s in specs if display_path(s.path) in failed)
    return [s for s in specs if display_path(s.path) not in failed], sorted(problems)


def catalog_checks(project: Project, specs: list[Spec]) -> list[Diagnostic]:
    """Checks that span files: one id per spec, and `related` ids that exist."""
    from archcat.diagnostics import did_you_mean

    problems: list[Diagnostic] = []
    known = {p.stem for p in spec_files(project)} | {s.id for s in specs}
    by_id: dict[str, Spec] = {}
    for spec in specs:
        file = display_path(spec.path)
        if spec.id in by_id:
            problems.append(Diagnostic(file, 1, 1, f"spec id '{spec.id}' is also used by "
                                       f"{display_path(by_id[spec.id].path)}", "rename one of the files"))
        by_id[spec.id] = spec
        for i, related in enumerate(spec.arch.related):
            if related not in known:
                line, column = spec.doc.locate(("related", i))
                problems.append(Diagnostic(file, line, column, f"related spec '{related}' does not exist",
                                           did_you_mean(related, known)
                                           or "use the file name of another spec, without .yaml"))
    return problems
