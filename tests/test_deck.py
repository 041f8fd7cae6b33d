"""deck.py: decks built from real renders, read back with python-pptx, and opened in headless LibreOffice."""

from __future__ import annotations

import html
import io
import posixpath
import re
import shutil
import subprocess
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Inches

from archcat.build import build
from archcat.catalog import load_catalog
from archcat.deck import build_deck, deck_bytes, deck_presentation
from archcat.diagnostics import errors
from archcat.discover import Project
from archcat.jobs import plan, run_jobs
from archcat.model import Spec
from archcat.paths import deck_path, deck_picture_path
from tests.conftest import REPO

# twitter-2013 has three views; dropbox-2016 six long lessons and eight sources.
SPEC_IDS = ("twitter-2013", "dropbox-2016")
THEMES = ("light", "dark")
CASES = [(spec_id, theme) for spec_id in SPEC_IDS for theme in THEMES]
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MAKE_TEST = "`make test` installs it (Debian packages libreoffice-impress and poppler-utils)"


def clean(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def specs() -> dict[str, Spec]:
    project = Project(REPO)
    found, problems = load_catalog(project, [project.architectures / f"{spec_id}.yaml" for spec_id in SPEC_IDS])
    assert errors(problems) == []
    return {spec.id: spec for spec in found}


@pytest.fixture(scope="module")
def images(specs: dict[str, Spec], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("images")
    _, failures = run_jobs(plan(list(specs.values()), themes=THEMES, formats=("svg",), deck_pictures=THEMES), out)
    assert failures == []
    return out


@pytest.fixture(scope="module")
def decks(specs: dict[str, Spec], images: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("decks")
    return {(spec_id, theme): build_deck(specs[spec_id], images, deck_path(out, spec_id, theme), theme=theme)
            for spec_id, theme in CASES}


def title_of(slide) -> str:
    return slide.shapes.title.text_frame.text


def texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def runs(slide):
    for shape in slide.shapes:
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    yield shape, run


def sections(prs, spec: Spec) -> dict[str, list]:
    """The deck's slides by role, checking that the roles come in the expected order."""
    slides = list(prs.slides)
    views = len(spec.arch.views)
    # Key numbers that do not fit beside the summary get the slide after the title.
    numbers = slides[1:2] if len(slides) > 1 and title_of(slides[1]) == "Key numbers" else []
    first_view = 1 + len(numbers)
    drawn = [s for s in slides if any(shape.name.startswith("Diagram: ") for shape in s.shapes)]
    steps = [s for s in drawn if any(re.search(r" \(step \d+/\d+\)$", shape.name) for shape in s.shapes)]
    diagrams = [s for s in drawn if s not in steps]
    assert slides[first_view:first_view + len(drawn)] == drawn  # each view, then the steps of its flow
    assert len(diagrams) == views
    lessons = [s for s in slides if any(shape.name == "Lesson number" for shape in s.shapes)]
    sources = [s for s in slides if re.fullmatch(r"Sources( \(\d+/\d+\))?", title_of(s))]
    return {"title": slides[:1], "numbers": numbers, "views": diagrams, "steps": steps, "drawn": drawn,
            "lessons": lessons, "sources": sources, "all": slides}


def test_deck_path_is_stable():
    assert deck_path(Path("output"), "twitter-2013", "dark") == Path("output/decks/twitter-2013-dark.pptx")


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_slides_come_in_order(decks, specs, spec_id: str, theme: str):
    spec = specs[spec_id]
    prs = Presentation(str(decks[spec_id, theme]))
    assert (prs.slide_width, prs.slide_height) == (SLIDE_W, SLIDE_H)
    parts = sections(prs, spec)
    lesson_slides, source_slides = len(parts["lessons"]), len(parts["sources"])
    head = 1 + len(parts["numbers"]) + len(parts["drawn"])
    assert len(parts["all"]) == head + lesson_slides + source_slides
    assert [title_of(s) for s in parts["views"]] == [v.title for v in spec.arch.views]
    assert parts["all"][head:] == parts["lessons"] + parts["sources"]
    assert source_slides >= 1  # one, or two for many long ones (how many depends on the installed font's widths)
    assert lesson_slides == len(spec.arch.lessons)  # one lesson a slide
    assert [title_of(s) for s in parts["lessons"]] == [clean(lesson.title) for lesson in spec.arch.lessons]


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_the_request_flow_is_a_build_one_slide_per_step(decks, specs, spec_id: str, theme: str):
    from archcat.deck import PALETTES as DECK_PALETTES

    spec = specs[spec_id]
    parts = sections(Presentation(str(decks[spec_id, theme])), spec)
    drawn = iter(parts["drawn"])
    for view in spec.arch.views:
        view_slide = next(drawn)
        assert title_of(view_slide) == clean(view.title)
        picture = next(s for s in view_slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        for number, step in enumerate(view.flow, start=1):
            slide = next(drawn)
            assert title_of(slide) == clean(view.title)
            assert any(shape.name.endswith(f"(step {number}/{len(view.flow)})") for shape in slide.shapes)
            assert slide.notes_slide.notes_text_frame.text == f"Step {number} of {len(view.flow)}: {clean(step.text)}"
            assert f"{number}. {clean(step.text)}"[:40] in "\n".join(texts(slide))
            same = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
            assert same.image.sha1 == picture.image.sha1 and (same.left, same.top) == (picture.left, picture.top)
            traces = [s for s in slide.shapes if s.name == f"Step {number} highlight"]
            assert len(traces) == (1 if step.edge else 0)
            if traces:
                trace = traces[0]
                assert str(trace.line.color.rgb) == DECK_PALETTES[theme].accent.lstrip("#").upper()
                # The traced edge lies on the picture.
                assert picture.left - 2 <= trace.left and trace.left + trace.width <= picture.left + picture.width + 2
                assert picture.top - 2 <= trace.top and trace.top + trace.height <= picture.top + picture.height + 2
    assert next(drawn, None) is None


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_title_slide_has_the_name_and_key_numbers(decks, specs, spec_id: str, theme: str):
    arch = specs[spec_id].arch
    prs = Presentation(str(decks[spec_id, theme]))
    slide = prs.slides[0]
    assert title_of(slide) == arch.name
    text = "\n".join(texts(slide))
    for expected in (arch.era or str(arch.year), arch.title, clean(arch.summary)):
        assert expected in text
    numbers = sections(prs, specs[spec_id])["numbers"]
    if numbers:  # they did not fit beside the summary: every one is on the next slide instead
        text = "\n".join(texts(numbers[0]))
    for metric in arch.metrics:
        assert metric.value in text
        assert f"{metric.label} ({metric.year})" in text


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_view_slides_fit_the_diagram_and_keep_its_shape(decks, specs, images, spec_id: str, theme: str):
    spec = specs[spec_id]
    parts = sections(Presentation(str(decks[spec_id, theme])), spec)
    for slide, view in zip(parts["views"], spec.arch.views, strict=True):
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = pictures[0]
        png = deck_picture_path(images, spec.id, view.id, theme)
        assert picture.image.blob == png.read_bytes()  # the theme's own render
        with Image.open(png) as drawn:  # a palette of 256 colours at most: a third of the bytes
            assert drawn.mode == "P" and drawn.info["dpi"] == pytest.approx((144, 144), abs=0.01)
        assert picture.left >= 0 and picture.left + picture.width <= SLIDE_W
        assert picture.top >= 0 and picture.top + picture.height <= SLIDE_H
        title = slide.shapes.title
        assert picture.top >= title.top + title.height  # below the title, not over it
        assert abs(picture.left + picture.width / 2 - SLIDE_W / 2) <= Emu(Inches(0.01))  # centred
        with Image.open(png) as image:
            expected = image.width / image.height
        assert abs(picture.width / picture.height - expected) / expected < 0.01
        caption = next(s for s in slide.shapes if s.name == "Caption")
        assert caption.text_frame.text.strip()
        assert caption.top >= picture.top + picture.height


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_notes_number_the_request_flow(decks, specs, spec_id: str, theme: str):
    spec = specs[spec_id]
    parts = sections(Presentation(str(decks[spec_id, theme])), spec)
    for slide, view in zip(parts["views"], spec.arch.views, strict=True):
        assert slide.has_notes_slide
        lines = slide.notes_slide.notes_text_frame.text.splitlines()
        numbered = [line for line in lines if re.match(r"\d+\. ", line)]
        assert view.flow
        assert numbered == [f"{n}. {clean(step.text)}" for n, step in enumerate(view.flow, start=1)]


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_every_lesson_has_its_own_slide(decks, specs, spec_id: str, theme: str):
    from archcat.vocab import load_vocabulary

    spec = specs[spec_id]
    names = {p.id: p.name for p in load_vocabulary().patterns.values()}
    sources = {source.id: source for source in spec.arch.sources}
    parts = sections(Presentation(str(decks[spec_id, theme])), spec)
    count = len(spec.arch.lessons)
    for number, (slide, lesson) in enumerate(zip(parts["lessons"], spec.arch.lessons, strict=True), start=1):
        shown = texts(slide)
        assert f"Lesson {number} of {count}" in shown
        assert clean(lesson.body) in shown
        if lesson.patterns:
            assert "Patterns: " + ", ".join(names[p] for p in lesson.patterns) in shown
        body = next(shape for shape in slide.shapes if shape.name == "Lesson")
        sizes = {run.font.size.pt for paragraph in body.text_frame.paragraphs for run in paragraph.runs}
        assert len(sizes) == 1 and 12 <= sizes.pop() <= 24
        notes = slide.notes_slide.notes_text_frame.text
        assert clean(lesson.body) in notes
        if lesson.source:
            assert sources[lesson.source].url in notes


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_sources_are_numbered_with_their_links(decks, specs, spec_id: str, theme: str):
    spec = specs[spec_id]
    parts = sections(Presentation(str(decks[spec_id, theme])), spec)
    links = [run.hyperlink.address for slide in parts["sources"] for _, run in runs(slide) if run.hyperlink.address]
    assert links == [source.url for source in spec.arch.sources]
    text = "\n".join(t for slide in parts["sources"] for t in texts(slide))
    for number, source in enumerate(spec.arch.sources, start=1):
        assert f"{number}. {clean(source.title)}  ({source.year}, {source.kind})" in text
        assert source.url.split("://", 1)[1] in text  # shown without its scheme


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_text_is_large_enough_for_a_room_and_on_the_slide(decks, specs, spec_id: str, theme: str):
    prs = Presentation(str(decks[spec_id, theme]))
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= SLIDE_W, shape.name
            assert shape.top >= 0 and shape.top + shape.height <= SLIDE_H, shape.name
        for shape, run in runs(slide):
            if not run.text.strip():
                continue
            minimum = 32 if shape == slide.shapes.title else 18
            assert run.font.size is not None and run.font.size.pt >= minimum, (title_of(slide), run.text[:40])


def luminance(rgb) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_theme_colours(decks, spec_id: str, theme: str):
    prs = Presentation(str(decks[spec_id, theme]))
    dark = theme == "dark"
    for slide in prs.slides:
        background = luminance(slide.background.fill.fore_color.rgb)
        assert background < 0.15 if dark else background > 0.95
        for _, run in runs(slide):  # the metric cards' fill is close to the background
            if not run.text.strip():
                continue
            text = luminance(run.font.color.rgb)
            assert abs(text - background) > 0.45, (theme, run.text[:40])


def test_build_replaces_the_deck_atomically(specs, images, tmp_path: Path):
    spec = specs["twitter-2013"]
    out = deck_path(tmp_path, spec.id, "light")
    out.parent.mkdir(parents=True)
    out.write_bytes(b"old deck")
    assert build_deck(spec, images, out) == out
    assert len(Presentation(str(out)).slides) > 1
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
    # A failure (here: a view not rendered) leaves the previous deck and no temporary file.
    previous = out.read_bytes()
    with pytest.raises(FileNotFoundError, match="overview"):
        build_deck(spec, tmp_path / "no-renders", out)
    with pytest.raises(ValueError, match="theme"):
        build_deck(spec, images, out, theme="sepia")
    assert out.read_bytes() == previous
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word LibreOffice drew, page by page, as (x0, y0, x1, y1, text) in points."""
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True,
                            timeout=60).stdout
    pages = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", layout, re.S):
        pages.append([(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in
                      re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                                 page)])
    return pages


def test_decks_open_in_libreoffice(decks, tmp_path: Path):
    """Headless LibreOffice converts the decks to PDF: one page per slide, no text outside its box."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail(f"LibreOffice (soffice) is not installed; {MAKE_TEST}")
    for tool in ("pdfinfo", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} (poppler-utils) is not installed; {MAKE_TEST}")
    out = tmp_path / "pdf"
    # One deck of each spec, one in each theme: LibreOffice takes seconds a deck.
    chosen = [decks[SPEC_IDS[0], THEMES[0]], decks[SPEC_IDS[1], THEMES[1]]]
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                             "--convert-to", "pdf", "--outdir", str(out), *map(str, chosen)],
                            check=False, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    for deck in chosen:
        pdf = out / f"{deck.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice wrote no PDF for {deck.name}: {result.stdout} {result.stderr}"
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=60).stdout
        prs = Presentation(str(deck))
        slides = list(prs.slides)
        assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == len(slides)
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        assert abs(float(size.group(1)) / float(size.group(2)) - 16 / 9) < 0.01
        for number, (slide, words) in enumerate(zip(slides, pdf_words(pdf), strict=True), start=1):
            boxes = [(s.left / 12700, s.top / 12700, (s.left + s.width) / 12700, (s.top + s.height) / 12700)
                     for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()]
            assert words, f"{deck.name} page {number} has no text"
            for x0, y0, x1, y1, word in words:
                # pdftotext's word boxes span the font's whole ascent and descent, taller than a line:
                # a word belongs to a box when it is inside it across and its middle is inside it down.
                assert any(x0 >= bx0 - 2 and x1 <= bx1 + 2 and by0 <= (y0 + y1) / 2 <= by1
                           and y1 <= by1 + 0.3 * (y1 - y0)
                           for bx0, by0, bx1, by1 in boxes), f"{deck.name} page {number}: '{word}' outside its box"


def test_cli_deck_and_slides_build(tmp_path: Path):
    """`archcat deck` writes a deck, and `build --slides` links every slide export and deck from the page."""
    from archcat.cli import main

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
    assert "decks/bitly-2014-light.pptx" in page and 'data-name="slide-overview-dark.png"' in page
    assert not list(site.rglob(".deck-pictures")) and not list(project.output.rglob(".deck-pictures"))
    assert result.written


# --- the .pptx package ----------------------------------------------------------------

CONTENT_TYPES = "[Content_Types].xml"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def package_problems(members: dict[str, bytes]) -> list[str]:
    """What keeps a package (zip member name -> bytes) from being valid OOXML, as far as references go:
    a part without a content type, a content type or relationship pointing at no part, a relationships
    file for no part, an `r:` reference (`r:id`, `r:embed` ...) that its part's relationships lack, or a
    part that no chain of relationships from the package reaches."""
    problems: list[str] = []
    parts = {f"/{name}" for name in members if name != CONTENT_TYPES}
    if CONTENT_TYPES not in members:
        return [f"no {CONTENT_TYPES}"]
    types = etree.fromstring(members[CONTENT_TYPES])
    # Part names and extensions compare ignoring case.
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in types.iter(f"{_TYPES}Default")}
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in types.iter(f"{_TYPES}Override")}
    for part in sorted(parts):
        content_type = overrides.get(part.lower(), defaults.get(part.rsplit(".", 1)[-1].lower()))
        if not content_type:
            problems.append(f"{part} has no content type")
        elif content_type == "application/xml":  # the catch-all for .xml: every part of a deck has its own type
            problems.append(f"{part} has only the generic XML content type")
    problems += [f"a content type names {name}, which is not in the package"
                 for name in sorted(set(overrides) - {part.lower() for part in parts})]
    ids: dict[str, set[str]] = {}  # source part ("/" for the package) -> its relationship ids
    targets: dict[str, set[str]] = {}  # source part -> the parts it relates to
    for rels in sorted(part for part in parts if part.endswith(".rels")):
        folder, name = rels.rsplit("/_rels/", 1)
        source = f"{folder}/{name.removesuffix('.rels')}" if name != ".rels" else "/"
        if source != "/" and source not in parts:
            problems.append(f"{rels} holds the relationships of {source}, which is not in the package")
        ids[source], targets[source] = set(), set()
        for rel in etree.fromstring(members[rels[1:]]).iter(f"{_RELS}Relationship"):
            ids[source].add(rel.get("Id", ""))
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            target = posixpath.normpath(target if target.startswith("/") else posixpath.join(folder or "/", target))
            targets[source].add(target)
            if target not in parts:
                problems.append(f"{rels}: {rel.get('Id')} points at {target}, which is not in the package")
    for part in sorted(parts):
        if part.endswith(".xml"):
            for element in etree.fromstring(members[part[1:]]).iter():
                for attribute, value in element.attrib.items():
                    if attribute.startswith(_R) and value not in ids.get(part, set()):
                        problems.append(f"{part}: r:{attribute.removeprefix(_R)}={value} has no relationship")
    reached, todo = {"/"}, ["/"]
    while todo:
        for target in targets.get(todo.pop(), set()) - reached:
            reached.add(target)
            todo.append(target)
    problems += [f"nothing relates to {part}" for part in sorted(parts)
                 if not part.endswith(".rels") and part not in reached]
    return problems


def zip_members(deck: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(deck) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_every_part_has_a_content_type_and_every_relationship_resolves(decks, spec_id: str, theme: str):
    assert package_problems(zip_members(decks[spec_id, theme])) == []


def _drop_first(pattern: str) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        del members[next(name for name in members if re.fullmatch(pattern, name))]
    return change


def _replace(name: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    def change(members: dict[str, bytes]) -> None:
        assert old in members[name]
        members[name] = members[name].replace(old, new, 1)
    return change


@pytest.mark.parametrize(("change", "problem"), [
    (_drop_first(r"ppt/slideLayouts/slideLayout\d+\.xml"), "which is not in the package"),
    (_replace(CONTENT_TYPES, b'PartName="/ppt/presentation.xml"', b'PartName="/ppt/other.xml"'),
     "/ppt/presentation.xml has only the generic XML content type"),
    (_replace("ppt/slides/_rels/slide2.xml.rels", b'Id="rId2"', b'Id="rId99"'), "has no relationship"),
    (_replace("ppt/slideMasters/slideMaster1.xml", b"<p:sldLayoutIdLst>", b'<p:sldLayoutIdLst><p:sldLayoutId '
              b'id="2147483700" r:id="rId40"/>'), "r:id=rId40 has no relationship"),
    (lambda members: members.update({"ppt/media/unused.png": b"\x89PNG"}), "nothing relates to /ppt/media/unused.png"),
    (lambda members: members.update({"ppt/media/unused.webp": b"RIFF"}), "/ppt/media/unused.webp has no content type"),
])
def test_the_package_check_finds_what_breaks_a_package(decks, change: Callable[[dict[str, bytes]], None],
                                                      problem: str):
    members = zip_members(decks["twitter-2013", "light"])
    change(members)
    assert any(problem in found for found in package_problems(members)), package_problems(members)


@pytest.mark.parametrize(("spec_id", "theme"), [CASES[0], CASES[-1]])
def test_the_written_deck_reopens_with_every_slide_and_note(specs, images, spec_id: str, theme: str):
    """What python-pptx reads back from the file is what was put in the presentation before it was trimmed
    and written: the same slides, shapes, text, links, pictures and notes."""

    def contents(prs) -> list:
        return [(slide.slide_layout.name,
                 [(shape.name, shape.shape_type, shape.left, shape.top, shape.width, shape.height,
                   shape.text_frame.text if shape.has_text_frame else None,
                   shape.image.sha1 if shape.shape_type == MSO_SHAPE_TYPE.PICTURE else None)
                  for shape in slide.shapes],
                 [run.hyperlink.address for _, run in runs(slide)],
                 slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else None)
                for slide in prs.slides]

    prs = deck_presentation(specs[spec_id], images, theme=theme)
    made, title = contents(prs), prs.core_properties.title
    reopened = Presentation(io.BytesIO(deck_bytes(prs)))
    assert contents(reopened) == made
    assert reopened.core_properties.title == title
    parts = sections(reopened, specs[spec_id])
    assert sum(notes is not None for *_, notes in made) == len(parts["drawn"]) + len(parts["lessons"])


@pytest.mark.parametrize(("spec_id", "theme"), CASES)
def test_no_unused_layouts_or_template_leftovers(decks, spec_id: str, theme: str):
    """Of python-pptx's template, only what the slides use stays: the one layout they are based on, no thumbnail
    of an empty slide, no printer settings."""
    deck = decks[spec_id, theme]
    prs = Presentation(str(deck))
    layouts = [layout for master in prs.slide_masters for layout in master.slide_layouts]
    assert [layout.name for layout in layouts] == ["Title Only"]
    assert {slide.slide_layout.part.partname for slide in prs.slides} == {layouts[0].part.partname}
    members = zip_members(deck)
    # No layout left in the file that the master does not list.
    assert [name for name in members if "slideLayout" in name] == [
        layouts[0].part.partname.lstrip("/"), layouts[0].part.partname.rels_uri.lstrip("/")]
    assert [name for name in members if name.startswith(("docProps/thumbnail", "ppt/printerSettings/"))] == []
    rels = b"".join(blob for name, blob in members.items() if name.endswith(".rels"))
    for reltype in (RT.THUMBNAIL, RT.PRINTER_SETTINGS):
        assert reltype.encode() not in rels
    types = members[CONTENT_TYPES]
    assert b"slideLayout" in types and b"printerSettings" not in types and b"jpeg" not in types


def test_the_deck_says_what_it_is_and_when_it_was_made(decks, specs, monkeypatch: pytest.MonkeyPatch):
    """Its properties name the architecture and archcat, and the time SOURCE_DATE_EPOCH gives (the last commit's
    under `make gallery`), none of the template's; its slide size is 16:9, not the template's 4:3 label."""
    from datetime import UTC, datetime

    from archcat.files import source_date

    spec_id, theme = CASES[0]
    prs = Presentation(str(decks[spec_id, theme]))
    props = prs.core_properties
    arch = specs[spec_id].arch
    assert props.title == f"{arch.name}: {arch.title}"
    assert props.author == props.last_modified_by == "archcat"
    assert props.created == props.modified == datetime.fromtimestamp(source_date(), UTC).replace(tzinfo=None)
    assert prs.slide_width * 9 == pytest.approx(prs.slide_height * 16, rel=1e-3)
    assert b'type="screen4x3"' not in zip_members(decks[spec_id, theme])["ppt/presentation.xml"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert source_date() == 1700000000


@pytest.mark.parametrize("case", [CASES[0], CASES[-1]])
def test_decks_are_the_same_bytes_every_time(specs, images, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             case: tuple[str, str]):
    """The same spec gives the same file, whenever it is built: no member carries the time it was written."""
    spec_id, theme = case
    first = build_deck(specs[spec_id], images, tmp_path / "first.pptx", theme=theme).read_bytes()
    later = time.time() + 400 * 86400
    monkeypatch.setattr(time, "time", lambda: later)  # a build more than a year later
    second = build_deck(specs[spec_id], images, tmp_path / "second.pptx", theme=theme).read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_every_member_is_deflated_at_the_strongest_level(decks):
    for deck in decks.values():
        with zipfile.ZipFile(deck) as archive:
            for info in archive.infolist():
                squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as in a zip
                strongest = squeeze.compress(archive.read(info)) + squeeze.flush()
                assert (info.compress_type, info.compress_size) == (zipfile.ZIP_DEFLATED, len(strongest)), info.filename
