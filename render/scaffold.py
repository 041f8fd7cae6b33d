"""`archcat new`: a starter spec that validates and renders as it is."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from archcat.diagnostics import BuildFailed, Diagnostic, did_you_mean, display_path
from archcat.discover import Project
from archcat.files import real_dir, write_atomic
from archcat.validate import SPEC_ID

MODELINE = "# yaml-language-server: $schema=../docs/archcat.schema.json\n"
# What `new` writes that must not be published: `validate --strict` warns while any is left.
PLACEHOLDERS = {
    "title": "What this spec describes",
    "summary": "One to three sentences: what the system does and the idea that makes it scale.",
    "source title": "Title of the article or talk",
    "source url": "https://example.com/article",
    "lesson body": "Replace this with a lesson specific to this system, told in a full sentence.",
}

STARTER = """\
# yaml-language-server: $schema=../docs/archcat.schema.json
# A starter spec for {id}. Every field is explained in docs/spec-reference.md.
# Check it with `archcat validate architectures/{id}.yaml` and preview it with
# `archcat render {id} --format png`.

name: {name}                  # company or system
title: What this spec describes
year: {year}                       # the year the described architecture held
summary: >-
  One to three sentences: what the system does and the idea that makes it scale.
domain: social                   # the field it serves, from `archcat domains`
tags: [startup]                  # from `archcat tags`

# Every fact below must come from one of these sources, in your own words.
sources:
  - id: main
    title: Title of the article or talk
    url: https://example.com/article
    year: {year}

metrics:                         # key numbers, each with its year and source
  - {{label: Requests per second, value: "10,000", year: {year}, source: main, where: Stats}}

patterns: [load-balancing, cache-aside]   # ids from `archcat patterns`

lessons:                         # what they did, why, and what it cost
  - title: Cache the hot reads
    body: >-
      Replace this with a lesson specific to this system, told in a full sentence.
    patterns: [cache-aside]
    source: main
    where: Lessons learned       # the section, slide, page or minute that tells it

views:
  - id: overview
    title: Overview
    direction: LR                # LR, TB, RL or BT
    nodes:
      - {{id: users, label: Users, kind: users}}
      - {{id: lb, label: Load balancer, kind: load-balancer, technology: HAProxy}}
    groups:                      # clusters; edges may start or end at a group
      - id: app
        label: Application tier
        nodes:
          - {{id: web, label: Web servers, kind: web-server, technology: nginx, count: 4}}
      - id: data
        label: Data tier
        nodes:
          - {{id: cache, label: Cache, kind: memcached, technology: Memcached}}
          - {{id: db, label: Primary database, kind: mysql, technology: MySQL}}
    edges:                       # give an edge an id when a flow step uses it
      - {{id: request, from: users, to: lb, label: HTTPS}}
      - {{id: route, from: lb, to: app}}
      - {{id: read, from: web, to: cache, label: get}}
      - {{id: miss, from: web, to: db, label: on a miss, style: dashed}}
    flow:                        # numbered steps; each number is drawn on its edge
      - {{edge: request, text: A user's request reaches the load balancer.}}
      - {{edge: route, text: The balancer sends it to any web server.}}
      - {{edge: read, text: The server looks the data up in the cache first.}}
      - {{edge: miss, text: On a miss it reads the database and fills the cache.}}
"""


def _copy_of(project: Project, source: str, spec_id: str, year: int | None) -> str:
    from archcat.validate import read_spec_file

    if not SPEC_ID.match(source) or len(source) > 40:  # an id, never a path: ../../x must not be read
        raise BuildFailed([Diagnostic(source, 1, 1, f"'{source}' is not a spec id",
                                      "give the id of a spec in architectures/, e.g. twitter-2013")])
    path = project.architectures / f"{source}.yaml"
    if not path.is_file() and not path.is_symlink():
        known = sorted(p.stem for p in project.architectures.glob("*.yaml"))
        hint = did_you_mean(source, known) or "run `archcat validate` to list them"
        raise BuildFailed([Diagnostic(source, 1, 1, f"no spec '{source}' to start from", hint)])
    raw, (message, hint) = read_spec_file(path)
    if raw is None or path.is_symlink():
        raise BuildFailed([Diagnostic(display_path(path), 1, 1, message or "spec file is a link",
                                      hint or "copy the spec you start from; archcat does not follow links")])
    text = raw.decode("utf-8", "replace")
    header = (f"# {spec_id}: started from {source}. Every fact, number and source below was true of\n"
              f"# {source}; check each one against this era's sources before publishing.\n")
    if year is not None:
        text = re.sub(r"(?m)^year: *\d+ *$", f"year: {year}", text, count=1)
        text = re.sub(r"(?m)^era: .*\n", "", text, count=1)
    text = re.sub(r"\A# yaml-language-server:.*\n", "", text)
    return MODELINE + header + text


def new_spec(project: Project, spec_id: str, *, force: bool = False, source: str | None = None) -> Path:
    """Write architectures/<spec_id>.yaml and return its path.

    With `source`, the new spec starts as a copy of that spec (a later era of
    the same system, say), with a note to re-check every fact against sources.
    """
    path = project.architectures / f"{spec_id}.yaml"
    if not SPEC_ID.match(spec_id) or len(spec_id) > 40:
        raise BuildFailed([Diagnostic(spec_id, 1, 1, f"'{spec_id}' is not a valid spec id",
                                      "use lowercase letters, digits and dashes, e.g. acme-2024")])
    if (path.exists() or path.is_symlink()) and not force:
        raise BuildFailed([Diagnostic(display_path(path), 1, 1, "file already exists",
                                      "choose another id, or pass --force to overwrite it")])
    name = spec_id.rsplit("-", 1)[0] if spec_id.rsplit("-", 1)[-1].isdigit() else spec_id
    year_part = spec_id.rsplit("-", 1)[-1]
    year = int(year_part) if year_part.isdigit() and 1990 <= int(year_part) <= 2100 else datetime.date.today().year
    if source is not None:
        text = _copy_of(project, source, spec_id, year if year_part.isdigit() else None)
    else:
        text = STARTER.format(id=spec_id, name=name.replace("-", " ").title(), year=year)
    real_dir(project.architectures, project.root)  # the folder itself must not be a link out of the project
    return write_atomic(path, text)
