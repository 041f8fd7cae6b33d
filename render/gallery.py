"""Validated specs -> static HTML gallery, from the Jinja2 templates in templates/."""

from __future__ import annotations

from pathlib import Path

from render.discover import Project
from render.validate import Spec


def build_site(project: Project, specs: list[Spec], out: Path) -> list[Path]:
    """Write the gallery pages into `out` and return the files written."""
    return []
