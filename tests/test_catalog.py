"""The bundled catalog: valid, rich enough to learn from, and renderable."""

from __future__ import annotations

from pathlib import Path

import pytest

from render.build import load_catalog, plan, run_jobs
from render.discover import Project
from tests.conftest import REPO

PROJECT = Project(REPO)
SPECS, PROBLEMS = load_catalog(PROJECT)
IDS = [s.id for s in SPECS]


def test_catalog_validates_without_problems():
    assert [d.format() for d in PROBLEMS] == []


def test_foundation_architectures_are_present():
    assert {"twitter-2013", "instagram-2011", "whatsapp-2014"} <= set(IDS)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec_is_complete_enough_to_learn_from(spec):
    arch = spec.arch
    overview = arch.views[0]
    assert len(overview.all_nodes()) >= 8
    assert len(arch.lessons) >= 3
    assert overview.flow and all(step.edge for step in overview.flow)
    assert arch.metrics and arch.sources
    for view in arch.views:
        for node in view.all_nodes():
            if spec.kinds[node.kind].generic:
                assert node.technology or node.note, f"{view.id}/{node.id} needs a technology or a note"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_related_links_go_both_ways(spec):
    by_id = {s.id: s for s in SPECS}
    for other in spec.arch.related:
        assert spec.id in by_id[other].arch.related or other not in by_id, f"{other} does not link back"


def test_every_view_of_the_catalog_renders(tmp_path: Path):
    written, failures = run_jobs(plan(SPECS, themes=("light",), formats=("svg",)), tmp_path)
    assert failures == []
    assert len(written) == sum(len(s.arch.views) for s in SPECS)
