"""Where things live: archcat's own files, and the layout of a built gallery.

Every output path is defined here and nowhere else, so the renderer, the
gallery, the slide and deck writers and the tests agree on one layout:

    index.html, technologies.html, patterns.html, compare.html
    architectures/<spec>.html                  one page per spec
    diagrams/<spec>/<view>-<theme>.<format>    every view (stable, for embedding)
    thumbs/<spec>-<theme>.png                  index card thumbnails
    slides/<spec>/<view>-<theme>.<format>      16:9 slide exports (build --slides)
    decks/<spec>-<theme>.pptx                  PowerPoint decks (build --slides)
    quiz/<spec>.html, quiz/index.html          a quiz per spec, and one across the catalog
    assets/                                    style sheet and script
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _bundled_templates() -> Path:
    """The gallery templates: shipped inside the package, or beside it in a source checkout."""
    packaged = PACKAGE_DIR / "templates"
    return packaged if (packaged / "base.html").is_file() else PACKAGE_DIR.parent / "templates"


TEMPLATES_DIR = _bundled_templates()

FORMATS = ("png", "svg", "pdf")  # what every view is written as
THEMES = ("light", "dark")  # the gallery's themes; slides also have "transparent"
SLIDE_THEMES = ("light", "dark", "transparent")
CACHE_DIR = ".archcat-cache"  # inside the catalog folder
MAX_SPEC_BYTES = 256 * 1024  # the size limit of one spec file


def diagram_href(spec_id: str, view_id: str, theme: str, fmt: str) -> str:
    """The stable location of one rendered view, relative to the gallery root."""
    return f"diagrams/{spec_id}/{view_id}-{theme}.{fmt}"


def thumbnail_href(spec_id: str, theme: str) -> str:
    return f"thumbs/{spec_id}-{theme}.png"


def slide_href(spec_id: str, view_id: str, theme: str, fmt: str) -> str:
    return f"slides/{spec_id}/{view_id}-{theme}.{fmt}"


def deck_href(spec_id: str, theme: str = "light") -> str:
    return f"decks/{spec_id}-{theme}.pptx"


def page_href(spec_id: str) -> str:
    return f"architectures/{spec_id}.html"


def quiz_href(spec_id: str | None) -> str:
    """A spec's quiz page, or with None the catalog's."""
    return f"quiz/{spec_id or 'index'}.html"


def diagram_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    return out / diagram_href(spec_id, view_id, theme, fmt)


def thumbnail_path(out: Path, spec_id: str, theme: str) -> Path:
    return out / thumbnail_href(spec_id, theme)


def slide_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    return out / slide_href(spec_id, view_id, theme, fmt)


def deck_path(out: Path, spec_id: str, theme: str) -> Path:
    return out / deck_href(spec_id, theme)
