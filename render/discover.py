"""Find spec files: the catalog folder, or the paths a user names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archcat.paths import CACHE_DIR
from archcat.paths import TEMPLATES_DIR as DEFAULT_TEMPLATES  # used unless a project brings its own


@dataclass(frozen=True)
class Project:
    """Where a catalog lives: specs, icons, templates and the output folder."""

    root: Path

    @property
    def architectures(self) -> Path:
        return self.root / "architectures"

    @property
    def icons(self) -> Path:
        return self.root / "icons"

    @property
    def vocabulary(self) -> Path:
        """The catalog's own additions to the kinds, patterns, glossary, domains and tags."""
        return self.root / "vocabulary"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def template_folder(self) -> Path:
        """The templates a build uses: the project's own when it has them, else the bundled ones."""
        return self.templates if (self.templates / "base.html").exists() else DEFAULT_TEMPLATES

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def cache(self) -> Path:
        return self.root / CACHE_DIR


def spec_files(project: Project, paths: list[Path] | None = None) -> list[Path]:
    """Every spec to consider, sorted: the named files and folders, or the whole catalog."""
    found: set[Path] = set()
    for path in paths or [project.architectures]:
        if path.is_dir():
            found.update(p for p in path.glob("*.yaml") if p.is_file())
            found.update(p for p in path.glob("*.yml") if p.is_file())
        else:
            found.add(path)
    return sorted(found)
