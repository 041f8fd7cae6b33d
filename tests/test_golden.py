"""What archcat draws and writes for fixed inputs equals the reviewed golden files (see tests/golden.py)."""

from __future__ import annotations

import difflib

import pytest

from tests.golden import GOLDEN, current

MADE = current()


def test_every_golden_file_is_made_and_none_is_stale():
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(MADE), "run `make golden` and review the diff"


@pytest.mark.parametrize("name", sorted(MADE))
def test_output_equals_its_golden_file(name: str):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    if MADE[name] != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), MADE[name].splitlines(True),
                                            f"golden/{name}", "now", n=2))
        pytest.fail(f"{name} changed; if that is intended, run `make golden` and commit the result:\n{diff[:4000]}")
