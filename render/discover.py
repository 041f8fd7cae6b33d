"""Find spec files: the catalog folder, or the paths a user names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# The gallery templates bundled with archcat, used unless a project brings its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


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
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def template_folder(self) -> Path:
        """The templates a build uses: the project's own when it has them, else the bundled ones."""
        return self.templates if (self.templates / "base.html").exists() else DEFAULT_TEMPLATES

    @property
    def output(self) -> Path:
        return self.root / "output"


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
