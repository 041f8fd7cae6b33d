"""Where things live: archcat's own files, and the layout of a built gallery.

Every output path is defined here and nowhere else, so the renderer, the
gallery, the slide and deck writers and the tests agree on one layout:

    index.html, technologies.html, patterns.html, compare.html
    architectures/<spec>.html                  one page per spec
    eras/index.html, eras/<company>.html       timelines of companies with two or more specs
    diagrams/<spec>/<view>-<theme>.<format>    every view as SVG and PDF (stable, for embedding)
    diagrams/<spec>/<view>-thumbnail.webp      the first view, small, for the index's cards
    slides/<spec>/<view>-<theme>.<format>      16:9 slide exports (build --slides)
    decks/<spec>-<theme>.pptx                  PowerPoint decks (build --slides)
    decks/<spec>.apkg, decks/archcat_catalog.apkg   Anki flashcards: per spec, and the whole catalog
    quiz/<spec>.html, quiz/index.html          a quiz per spec, and one across the catalog
    data/compare/<spec>.js                     what compare.html shows of a spec, loaded when picked
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

FORMATS = ("png", "svg", "pdf")  # what every view is offered as
# What the gallery stores of every view, and of every slide, by theme. The rest is made in the reader's browser
# from the light SVG, as `archcat render` writes it: the PNGs, drawn at the same size (stored, they were more
# than half of the site's bytes), and the dark SVGs, the light ones recoloured (see svg.recolour: a third).
SITE_FORMATS = {"light": ("svg", "pdf"), "dark": ("pdf",)}
THEMES = ("light", "dark")  # the gallery's themes; slides also have "transparent"
SLIDE_THEMES = ("light", "dark", "transparent")
CACHE_DIR = ".archcat-cache"  # inside the catalog folder
MAX_SPEC_BYTES = 256 * 1024  # the size limit of one spec file


def diagram_href(spec_id: str, view_id: str, theme: str, fmt: str) -> str:
    """The stable location of one rendered view, relative to the gallery root."""
    return f"diagrams/{spec_id}/{view_id}-{theme}.{fmt}"


def thumbnail_href(spec_id: str, view_id: str) -> str:
    """A view's small picture for the index's cards (light, WebP: see draw.encode_thumbnail)."""
    return f"diagrams/{spec_id}/{view_id}-thumbnail.webp"


def slide_href(spec_id: str, view_id: str, theme: str, fmt: str) -> str:
    return f"slides/{spec_id}/{view_id}-{theme}.{fmt}"


def deck_href(spec_id: str, theme: str = "light") -> str:
    return f"decks/{spec_id}-{theme}.pptx"


def page_href(spec_id: str) -> str:
    return f"architectures/{spec_id}.html"


def eras_href(company_slug: str = "index") -> str:
    """A company's timeline of eras, or (by default) the index of them."""
    return f"eras/{company_slug}.html"


def quiz_href(spec_id: str | None) -> str:
    """A spec's quiz page, or with None the catalog's."""
    return f"quiz/{spec_id or 'index'}.html"


def compare_data_href(spec_id: str) -> str:
    """The script that gives compare.html one spec's details (see archcat.compare)."""
    return f"data/compare/{spec_id}.js"


def diagram_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    return out / diagram_href(spec_id, view_id, theme, fmt)


def thumbnail_path(out: Path, spec_id: str, view_id: str) -> Path:
    return out / thumbnail_href(spec_id, view_id)


def deck_picture_path(out: Path, spec_id: str, view_id: str, theme: str) -> Path:
    """A view's picture for decks (a PNG with a palette), kept under `out` only until the decks are written."""
    return out / DECK_PICTURES / spec_id / f"{view_id}-{theme}.png"


DECK_PICTURES = ".deck-pictures"


def slide_path(out: Path, spec_id: str, view_id: str, theme: str, fmt: str) -> Path:
    return out / slide_href(spec_id, view_id, theme, fmt)


def deck_path(out: Path, spec_id: str, theme: str) -> Path:
    return out / deck_href(spec_id, theme)


# Not a spec id (those are lower-case words joined by hyphens), so it never clashes with one.
ANKI_CATALOG = "archcat_catalog"


def anki_href(spec_id: str) -> str:
    return f"decks/{spec_id}.apkg"


def anki_catalog_href() -> str:
    return f"decks/{ANKI_CATALOG}.apkg"


def anki_path(out: Path, spec_id: str) -> Path:
    return out / anki_href(spec_id)


def anki_catalog_path(out: Path) -> Path:
    return out / anki_catalog_href()
