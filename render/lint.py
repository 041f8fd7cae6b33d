"""Content checks for the catalog: what a valid spec still lacks to teach well.

These are warnings: `archcat validate` prints them, `--strict` fails on them,
and a test keeps the bundled catalog free of them. Shape and reference errors
(a spec without sources, a metric citing no source, unknown patterns) are
already errors in validate.py and never reach this point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from archcat.diagnostics import Diagnostic, Severity, did_you_mean
from archcat.model import Spec, walk_tree
from archcat.vocab import Vocabulary, split_technologies

MIN_OVERVIEW_NODES = 8
MIN_LESSONS = 3
MIN_LESSON_WORDS = 8
GLOSSARY_HINT = ("add an entry to the catalog's vocabulary/technologies.yaml (its format is in that file's header "
                 "and in CONTRIBUTING.md)")
RETROSPECTIVE_AFTER = 3  # a source this many years after the era it describes looks back on it
SENTENCE = re.compile(r"[.!?)\"']$")


def lint(specs: list[Spec], vocab: Vocabulary) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for spec in specs:
        found.extend(lint_spec(spec, vocab))
    return sorted(found)


def _warn(spec: Spec, path: tuple, message: str, hint: str = "") -> Diagnostic:
    line, column = spec.doc.locate(path)
    from archcat.diagnostics import display_path

    return Diagnostic(display_path(spec.path), line, column, message, hint, Severity.WARNING)


def _node_paths(container: dict[str, Any], path: tuple) -> Iterator[tuple[tuple, dict[str, Any]]]:
    return ((item_path, item) for what, item_path, item, _ in walk_tree(container, path) if what == "node")


def _placeholders(spec: Spec) -> Iterator[Diagnostic]:
    """Text `archcat new` wrote for the contributor to replace."""
    from archcat.scaffold import PLACEHOLDERS

    arch = spec.arch
    found: list[tuple[tuple[str | int, ...], bool]] = [(("title",), arch.title == PLACEHOLDERS["title"]),
             (("summary",), arch.summary == PLACEHOLDERS["summary"])]
    found += [(("sources", i, "title"), s.title == PLACEHOLDERS["source title"]) for i, s in enumerate(arch.sources)]
    found += [(("sources", i, "url"), s.url == PLACEHOLDERS["source url"]) for i, s in enumerate(arch.sources)]
    found += [(("lessons", i, "body"), lesson.body == PLACEHOLDERS["lesson body"])
              for i, lesson in enumerate(arch.lessons)]
    for path, left in found:
        if left:
            yield _warn(spec, path, "placeholder text from `archcat new` is still here",
                        "replace it with what your source says")


def glossary_entry(name: str) -> str:
    """A ready-to-paste glossary entry for a technology the glossary lacks, as far as it is known."""
    from archcat.vocab import TECHNOLOGY_CATEGORIES

    key = name if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ._-]*", name) else '"' + name.replace('"', '\\"') + '"'
    return (f"{key}: {{category: <{' | '.join(TECHNOLOGY_CATEGORIES)}>, "
            f"summary: \"<One sentence, in your own words, on what it is for.>\"}}")


def lint_spec(spec: Spec, vocab: Vocabulary) -> Iterator[Diagnostic]:
    arch = spec.arch
    data = spec.doc.data
    overview = arch.views[0]
    if len(overview.all_nodes()) < MIN_OVERVIEW_NODES:
        yield _warn(spec, ("views", 0), f"overview has {len(overview.all_nodes())} nodes; catalog entries need "
                    f"at least {MIN_OVERVIEW_NODES}", "show the real components a request meets")
    if not overview.flow:
        yield _warn(spec, ("views", 0), "overview has no request flow",
                    "add numbered `flow` steps that explain how a typical request moves")
    if not arch.metrics:
        yield _warn(spec, (), "no key metrics", "add metrics with the year they held and the source that says so")
    if len(arch.lessons) < MIN_LESSONS:
        yield _warn(spec, ("lessons",) if arch.lessons else (), f"{len(arch.lessons)} lesson(s); catalog entries "
                    f"need at least {MIN_LESSONS}", "what did they do, why, and what did it cost?")
    yield from _placeholders(spec)
    for v, view in enumerate(arch.views[:1]):
        for i, step in enumerate(view.flow):
            if step.edge is None:
                yield _warn(spec, ("views", v, "flow", i), f"overview flow step {i + 1} is on no edge",
                            "give it `edge:` with the id of the edge it travels, so its number is drawn there")
    if arch.domain is None:
        yield _warn(spec, (), "no domain", "add `domain:` with a field from `archcat domains`, e.g. social")
    for i, source in enumerate(arch.sources):
        if source.year - arch.year >= RETROSPECTIVE_AFTER and not source.retrospective:
            yield _warn(spec, ("sources", i, "year"), f"source '{source.id}' was published {source.year - arch.year} "
                        f"years after the {arch.year} era it is cited for",
                        "cite a source from the era, or mark this one `retrospective: true` if it looks back on it")
    for i, metric in enumerate(arch.metrics):
        if metric.where is None:
            yield _warn(spec, ("metrics", i), "metric does not say where its source states it",
                        "add `where:` with the section, slide, page or minute, e.g. where: \"Stats\"")
    for i, lesson in enumerate(arch.lessons):
        if lesson.source is None:
            yield _warn(spec, ("lessons", i), "lesson cites no source", "add `source:` with the id of the source "
                        "that tells it, and `where:` in it")
        elif lesson.where is None:
            yield _warn(spec, ("lessons", i), "lesson does not say where its source tells it",
                        "add `where:` with the section, slide, page or minute")
        words = len(lesson.body.split())
        if words < MIN_LESSON_WORDS or not SENTENCE.search(lesson.body):
            yield _warn(spec, ("lessons", i, "body"), "lesson is shorter than a sentence",
                        "say what they did, why, and what it cost, in full sentences")
        if not lesson.patterns:
            yield _warn(spec, ("lessons", i), "lesson names no pattern", "add the patterns it illustrates")
    for v, view in enumerate(data["views"]):
        for path, node in _node_paths(view, ("views", v)):
            resolved = spec.kinds.get(str(node.get("kind", "")).strip())
            if (resolved is not None and resolved.generic and resolved.category != "client"
                    and not (node.get("technology") or node.get("note"))):
                yield _warn(spec, (*path, "kind"), f"node '{node['id']}' has a generic kind but no technology "
                            "or note", "say what ran there (technology) or what it does (note)")
            for name in split_technologies(node.get("technology")):
                if vocab.technologies and vocab.technology(name) is None:
                    hint = did_you_mean(name, vocab.technology_names(), n=2, cutoff=0.7)
                    yield _warn(spec, (*path, "technology"), f"technology '{name}' is not in the glossary",
                                (hint + " " if hint else "") + GLOSSARY_HINT + "; for example: "
                                + glossary_entry(name))
