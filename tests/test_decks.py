"""deck.py: a PowerPoint deck per architecture that opens in LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from render.build import build, load_catalog, plan, run_jobs
from render.deck import build_deck, deck_path
from render.discover import Project
from tests.conftest import REPO

SPECS = {s.id: s for s in load_catalog(Project(REPO), [REPO / "architectures" / "twitter-2013.yaml",
                                                         REPO / "architectures" / "whatsapp-2014.yaml"])[0]}


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("decks")
    _, failures = run_jobs(plan(list(SPECS.values()), themes=("light", "dark"), formats=("png",)), out)
    assert failures == []
    return {f"{spec_id}-{theme}": build_deck(spec, out, deck_path(out, spec_id, theme), theme=theme)
            for spec_id, spec in SPECS.items() for theme in ("light", "dark")}


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


@pytest.mark.parametrize("name", ["twitter-2013-light", "whatsapp-2014-dark"])
def test_deck_structure(decks: dict[str, Path], name: str):
    spec = SPECS[name.rsplit("-", 1)[0]]
    deck = Presentation(str(decks[name]))
    slides = list(deck.slides)
    assert abs(deck.slide_width / deck.slide_height - 16 / 9) < 0.01
    texts = [slide_text(s) for s in slides]
    assert spec.arch.name in texts[0]
    shown = "\n".join(texts[:2])  # the numbers are on the title slide or on the next one
    assert all(m.value in shown for m in spec.arch.metrics)
    view_slides = [s for s in slides if any(shape.shape_type == 13 for shape in s.shapes)]  # pictures
    assert len(view_slides) == len(spec.arch.views)
    for slide, view in zip(view_slides, spec.arch.views, strict=True):
        assert view.title in slide_text(slide)
        notes = slide.notes_slide.notes_text_frame.text
        positions = [notes.index(f"{n}. {step.text}") for n, step in enumerate(view.flow, start=1)]
        assert positions == sorted(positions)
        picture = next(shape for shape in slide.shapes if shape.shape_type == 13)
        assert picture.left >= 0 and picture.top >= 0
        assert picture.left + picture.width <= deck.slide_width and picture.top + picture.height <= deck.slide_height
    lessons = "\n".join(t for t in texts if re.search(r"^Lesson \d+ of \d+$", t, re.MULTILINE))
    assert all(lesson.title in lessons for lesson in spec.arch.lessons)
    links = {run.hyperlink.address for s in slides if slide_text(s).startswith("Sources")
             for shape in s.shapes if shape.has_text_frame
             for para in shape.text_frame.paragraphs for run in para.runs if run.hyperlink.address}
    assert links == {s.url for s in spec.arch.sources}


def test_picture_keeps_the_diagram_aspect_ratio(decks: dict[str, Path], tmp_path: Path):
    spec = SPECS["twitter-2013"]
    deck = Presentation(str(decks["twitter-2013-light"]))
    slide = next(s for s in deck.slides if any(shape.shape_type == 13 for shape in s.shapes))
    picture = next(shape for shape in slide.shapes if shape.shape_type == 13)
    png = decks["twitter-2013-light"].parent.parent / "diagrams" / spec.id / f"{spec.arch.views[0].id}-light.png"
    with Image.open(png) as image:
        expected = image.width / image.height
    assert abs(Emu(picture.width) / Emu(picture.height) - expected) / expected < 0.01


def test_deck_opens_in_libreoffice(decks: dict[str, Path], tmp_path: Path):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is not installed; `make test` installs libreoffice-impress"
    assert shutil.which("pdfinfo"), "poppler-utils is not installed; `make test` installs it"
    source = decks["twitter-2013-light"]
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / (source.stem + ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == len(Presentation(str(source)).slides)


def test_cli_deck_and_slides_build(tmp_path: Path):
    from render.cli import main

    project = Project(tmp_path / "proj")
    project.architectures.mkdir(parents=True)
    shutil.copy(REPO / "architectures" / "bitly-2014.yaml", project.architectures)
    assert main(["--root", str(project.root), "deck", "bitly-2014", "--theme", "dark"]) == 0
    assert (project.output / "decks" / "bitly-2014-dark.pptx").is_file()
    result = build(project, out=tmp_path / "site", slides=True)
    site = tmp_path / "site"
    page = (site / "architectures" / "bitly-2014.html").read_text(encoding="utf-8")
    for href in re.findall(r'href="\.\./((?:slides|decks)/[^"]+)"', page):
        assert (site / href).is_file(), href
    assert "decks/bitly-2014-light.pptx" in page and "slides/bitly-2014/overview-dark.png" in page
    assert result.written
