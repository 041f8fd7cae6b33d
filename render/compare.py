"""The compare page's data: the two pickers' list, and one small script per architecture.

compare.html holds only what its pickers need (each spec's id, name, era and
domain), so it stays small however many architectures the catalog has. What
a side shows comes from `data/compare/<spec>.js` (see paths.compare_data_href),
which the page adds as a `<script src>` when a learner picks that spec: a
script tag works from file://, where fetch() of a local file does not. The
script calls `archcatCompare({...})` with the spec's name and title, its views
(id, title and summary), its technologies and patterns, its key numbers with
the measure each one counts (see measures.measure_of) and its sources, and its
lessons. It carries no drawing: a side shows a view as a frame of the
architecture page in its embed mode, `architectures/<spec>.html?embed=<view>`,
which shows only that view's live diagram (the page's script and style sheet
do it), so the drawing and what makes it live are stored once, in that page.
Written as ASCII JSON with sorted keys: the same spec gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from archcat.files import real_dir, write_atomic
from archcat.measures import MEASURES, measure_of
from archcat.model import Spec
from archcat.paths import compare_data_href, page_href

if TYPE_CHECKING:
    from archcat.gallery import Site

REGISTER = "archcatCompare"  # the function each data script calls, defined by the page's script


def label(spec: Spec) -> str:
    """How the pickers name a spec: "Twitter 2013"."""
    return f"{spec.arch.name} {spec.arch.era or spec.arch.year}"


def picker_groups(site: Site) -> list[tuple[str, list[tuple[str, str]]]]:
    """The pickers' options grouped by domain: (domain name, [(spec id, label)]), domains by name (specs without
    a domain last), specs in the site's order (by name, then year)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for spec in site.specs:
        domain = site.vocab.domains[spec.arch.domain].name if spec.arch.domain else ""
        groups.setdefault(domain, []).append((spec.id, label(spec)))
    order = sorted(groups, key=lambda name: (name == "", name.lower()))
    return [(name or "Other", groups[name]) for name in order]


def default_pair(site: Site) -> tuple[str, str]:
    """What compare shows before a learner picks: the newest and the oldest era of the system with the most eras
    in the catalog (how one system changed), or the first two specs when no system has two."""
    eras: dict[str, list[Spec]] = {}
    for spec in site.specs:
        eras.setdefault(spec.arch.name, []).append(spec)
    most = max(eras.values(), key=len) if eras else []
    if len(most) >= 2:
        ordered = sorted(most, key=lambda s: (s.arch.year, s.id))
        return ordered[-1].id, ordered[0].id
    ids = [spec.id for spec in site.specs] or [""]
    return ids[0], ids[-1] if len(ids) < 2 else ids[1]


def page_context(site: Site) -> dict:
    """What compare.html is rendered with."""
    a, b = default_pair(site)
    return {"pickers": picker_groups(site), "default": {"a": a, "b": b},
            "measures": [[key, name] for key, name in MEASURES.items()],
            "page_pattern": page_href("{id}"), "data_pattern": compare_data_href("{id}")}


def compare_data(spec: Spec, site: Site) -> dict:
    """Everything compare.html shows of one spec (see the module's docstring); links are relative to the page."""
    from archcat.gallery import patterns_of, safe_url, tech_anchor

    arch = spec.arch
    names = {p.id: p.name for p in site.vocab.patterns.values()}

    def pattern(ident: str) -> list[str]:
        return [ident, names.get(ident, ident), f"patterns.html#p-{ident}"]

    cited = {m.source for m in arch.metrics}
    views = [{"id": view.id, "title": view.title, "summary": view.summary or ""} for view in arch.views]
    return {
        "id": spec.id, "name": arch.name, "era": arch.era or str(arch.year), "year": arch.year,
        "title": arch.title, "summary": arch.summary, "href": page_href(spec.id),
        "domain": site.vocab.domains[arch.domain].name if arch.domain else "",
        "tech": [[name, f"technologies.html#{tech_anchor(name)}"] for name in site.by_spec_tech[spec.id]],
        "patterns": [pattern(p) for p in patterns_of(spec)],
        "metrics": [{"label": m.label, "value": m.value, "year": m.year, "measure": measure_of(m.label, m.value),
                     "source": m.source, "where": m.where or ""} for m in arch.metrics],
        "sources": {s.id: {"title": s.title, "url": safe_url(s.url) or "", "kind": s.kind, "year": s.year}
                    for s in arch.sources if s.id in cited},
        "lessons": [{"title": lesson.title, "href": f"{page_href(spec.id)}#lesson-{n}",
                     "patterns": [pattern(p) for p in lesson.patterns]}
                    for n, lesson in enumerate(arch.lessons, start=1)],
        "views": views,
    }


def script(data: dict) -> str:
    """A data script: one call of the page's registration function (ASCII JSON is valid JavaScript)."""
    return f"{REGISTER}({json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(',', ':'))});\n"


def write_compare_data(site: Site, out: Path) -> list[Path]:
    """Write every spec's data script under `out`; return the paths."""
    written = []
    for spec in site.specs:
        target = out / compare_data_href(spec.id)
        real_dir(target.parent, out)  # refuses a link on the way
        write_atomic(target, script(compare_data(spec, site)))
        written.append(target)
    return written
