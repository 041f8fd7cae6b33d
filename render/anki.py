"""Anki flashcards: a deck per architecture, and one for the whole catalog, as .apkg packages.

Every card is made from the spec's data; nothing on a card is written here
by hand. Per architecture, in study order:

1. per view, "sketch it from memory": the answer is the drawn diagram and its summary;
2. per flow step, "what happens at step n of <view>?", the diagram (whose arrows carry the step
   numbers) on the question;
3. per component with a technology, "what did <system> (<year>) use for <component>?", the answer
   the technology with its note and the glossary's line on it, the diagram on the answer;
4. per key number, "<label> at <system> in <year>?", the value;
5. per lesson, its title as the question and its body and patterns as the answer;
6. "which patterns does <system> use?".

Every answer says where it comes from: the source a key number or a lesson
cites (title, kind, year and where in it), or, for what the spec does not
cite fact by fact (components, steps, diagrams, patterns), the sources of the
whole spec.

A deck is "archcat::<name> <era>: <title>", a subdeck of "archcat"; the
catalog package holds every architecture's subdeck under that parent. Anki
matches notes on import by their guid, so each note's guid is derived from
the spec id and what the card asks (a component's id, a step's view and
number, a metric's label and year, a lesson's title), never from the answer:
importing an updated deck, or the catalog after a single deck, updates notes
in place instead of adding copies. Deck, note type and note ids are derived
from fixed strings, so they never change between builds either.

Anki updates a note from an import when the incoming note is newer. The time
written into notes, cards and the note type is `SOURCE_DATE_EPOCH` when it is
set (the reproducible-builds convention; `make gallery` sets it to the time of
the last commit) and a fixed date otherwise, so the same input always gives
the same bytes. genanki writes the notes; the package itself (a zip of the
collection and the media) is written here rather than by genanki, whose
writer stamps zip entries with the current time.

Diagrams go in as the self-contained light SVG the build draws for each view
(`diagrams/<id>/<view>-light.svg`), once per package, under a name unique in
Anki's single media folder: `archcat-<id>-<view>.svg`.
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
import sqlite3
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import genanki

from archcat.describe import connection, names, view_title
from archcat.files import source_date, write_atomic
from archcat.model import Architecture, Node, Source, Spec, View
from archcat.paths import anki_catalog_href, anki_catalog_path, anki_href, anki_path, diagram_path
from archcat.vocab import Vocabulary, load_vocabulary, split_technologies

PARENT_DECK = "archcat"


def stable_id(*parts: str) -> int:
    """An id in the range genanki recommends, [2**30, 2**31), derived from fixed strings."""
    seed = hashlib.sha256("\x1f".join(("archcat", *parts)).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(seed[:8], "big") % (1 << 30)


MODEL_ID = stable_id("note type", "card")
CATALOG_DECK_ID = stable_id("deck")


def deck_id(spec_id: str) -> int:
    return stable_id("deck", spec_id)


# --- the note type ----------------------------------------------------------------------

# Anki knows a note type by these names: renaming, adding or removing one makes an import add a second note
# type, and notes already imported would no longer be updated. The templates and CSS may change freely.
FIELDS = ("Question", "Question diagram", "Answer", "Answer diagram", "Source", "Context")

FRONT = """<div class="context">{{Context}}</div>
<div class="question">{{Question}}</div>
{{#Question diagram}}<div class="diagram">{{Question diagram}}</div>{{/Question diagram}}"""

BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Answer diagram}}<div class="diagram">{{Answer diagram}}</div>{{/Answer diagram}}
<div class="source">{{Source}}</div>"""

# Colours are left to Anki (its light and night modes); muted text is the text colour, fainter. The
# diagrams are the light drawings, so they sit on a light panel in night mode too.
CSS = """.card { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.45; text-align: left; max-width: 46em; margin: 0 auto; padding: 0 12px; }
.context { font-size: 0.75em; letter-spacing: 0.02em; opacity: 0.75; margin: 0.5em 0 0.4em; }
.question { font-size: 1.1em; }
.answer { margin-top: 0.4em; }
.answer ul { padding-left: 1.2em; margin: 0.4em 0; }
.value { font-size: 1.4em; font-weight: 700; }
.muted { opacity: 0.75; }
.diagram { margin: 0.8em 0; padding: 6px; background: #fff; border-radius: 8px; text-align: center;
  border: 1px solid rgba(128, 128, 128, 0.35); }
.diagram img { max-width: 100%; height: auto; }
.source { font-size: 0.8em; opacity: 0.85; margin-top: 1em; padding-top: 0.5em;
  border-top: 1px solid rgba(128, 128, 128, 0.35); }
.source ol { margin: 0.2em 0; padding-left: 1.4em; }
hr#answer { border: 0; border-top: 1px solid rgba(128, 128, 128, 0.5); margin: 0.8em 0; }
"""


def note_type() -> genanki.Model:
    return genanki.Model(
        MODEL_ID, "archcat card", fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Card", "qfmt": FRONT, "afmt": BACK}], css=CSS, sort_field_index=0)


# --- the cards ----------------------------------------------------------------------------

KIND_LABELS = {"view": "Diagram", "step": "Request flow", "component": "Technology", "metric": "Key number",
               "lesson": "Lesson", "patterns": "Patterns"}


@dataclass(frozen=True)
class Card:
    """One note: what it asks (its `key`, which its guid comes from), and its fields as HTML."""

    spec_id: str
    kind: str  # a key of KIND_LABELS
    key: tuple[str, ...]
    question: str
    answer: str
    source: str
    context: str
    question_diagram: str = ""  # media file name of a diagram shown with the question
    answer_diagram: str = ""  # ... with the answer
    tags: tuple[str, ...] = ()
    diagram_alt: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def guid(self) -> str:
        return genanki.guid_for("archcat", self.spec_id, self.kind, *self.key)

    def media(self) -> list[str]:
        return [name for name in (self.question_diagram, self.answer_diagram) if name]

    def fields(self) -> list[str]:
        def picture(name: str) -> str:
            if not name:
                return ""
            return f'<img src="{_esc(name)}" alt="{_esc(self.diagram_alt.get(name, ""))}">'

        return [self.question, picture(self.question_diagram), self.answer, picture(self.answer_diagram),
                self.source, self.context]


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _norm(text: str) -> str:
    """A label or title as a key: case and spacing do not make a different question."""
    return " ".join(text.split()).casefold()


def media_name(spec_id: str, view_id: str) -> str:
    """A diagram's file name in Anki's media folder, which all decks share: unique and stable."""
    return f"archcat-{spec_id}-{view_id}.svg"


def _when(arch: Architecture) -> str:
    return arch.era or str(arch.year)


def _link(source: Source) -> str:
    title = _esc(source.title)
    linked = f'<a href="{_esc(source.url)}">{title}</a>' if source.url.startswith(("http://", "https://")) else title
    retro = ", retrospective" if source.retrospective else ""
    return f"{linked} <span class=\"muted\">({_esc(source.kind)}, {source.year}{retro})</span>"


def _cited(arch: Architecture, source_id: str | None, where: str | None) -> str:
    """The source one fact cites, and where in it; the spec's sources when it cites none."""
    source = next((s for s in arch.sources if s.id == source_id), None)
    if source is None:
        return _all_sources(arch)
    return f"Source: {_link(source)}" + (f", {_esc(where)}" if where else "")


def _all_sources(arch: Architecture) -> str:
    items = "".join(f"<li>{_link(s)}</li>" for s in arch.sources)
    return f"Sources of this architecture:<ol>{items}</ol>"


def _patterns_of(arch: Architecture) -> list[str]:
    """The patterns a spec uses: those it lists, then those only its lessons illustrate."""
    found = list(arch.patterns)
    for lesson in arch.lessons:
        found += [p for p in lesson.patterns if p not in found]
    return found


def _pattern_items(vocab: Vocabulary, pattern_ids: Iterable[str]) -> str:
    items = []
    for pid in pattern_ids:
        pattern = vocab.patterns.get(pid)
        items.append(f"<li><b>{_esc(pattern.name)}</b>: {_esc(pattern.summary)}</li>" if pattern
                     else f"<li><b>{_esc(pid)}</b></li>")
    return f"<ul>{''.join(items)}</ul>"


def _technology_answer(node: Node, vocab: Vocabulary) -> str:
    parts = [f'<div class="value">{_esc(node.technology)}</div>']
    if node.count:
        parts.append(f"<p>{node.count:,} machines in this tier.</p>")
    if node.note:
        parts.append(f"<p>{_esc(node.note)}</p>")
    glossary = [(info.name, info.summary) for text in split_technologies(node.technology)
                if (info := vocab.technology(text)) is not None]
    if glossary:
        parts.append("<ul>" + "".join(f"<li><b>{_esc(name)}</b>: {_esc(summary)}</li>" for name, summary in glossary)
                     + "</ul>")
    return "".join(parts)


def spec_cards(spec: Spec, vocab: Vocabulary) -> list[Card]:
    """The cards of one architecture, in study order (see the module's docstring)."""
    arch = spec.arch
    system = f"{arch.name} ({_when(arch)})"
    header = f"{arch.name} {_when(arch)}: {arch.title}"
    everything = _all_sources(arch)
    base_tags = ("archcat", f"archcat::arch::{spec.id}")
    alts = {media_name(spec.id, v.id): view_title(spec, v) for v in arch.views}
    cards: list[Card] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()

    def add(kind: str, key: tuple[str, ...], question: str, answer: str, source: str, *, q_diagram: str = "",
            a_diagram: str = "", tags: Sequence[str] = ()) -> None:
        unique, n = key, 2
        while (kind, unique) in seen:  # two metrics with one label and year, say: both get a card
            unique, n = (*key, str(n)), n + 1
        seen.add((kind, unique))
        context = f"{_esc(header)} &middot; {KIND_LABELS[kind]}"
        cards.append(Card(spec.id, kind, unique, question, answer, source, context, q_diagram, a_diagram,
                          (*base_tags, f"archcat::card::{kind}", *tags), alts))

    for index, view in enumerate(arch.views):
        summary = view.summary or (arch.summary if index == 0 else "")
        add("view", (view.id,),
            f"{_esc(system)}: from memory, sketch the diagram <b>{_esc(view.title)}</b>: its main components and "
            "how they connect.",
            f"<p>{_esc(summary)}</p>" if summary else f"<p>{_esc(view.title)}</p>", everything,
            a_diagram=media_name(spec.id, view.id))
    for view in arch.views:
        edges = {edge.id: i for i, edge in enumerate(view.edges) if edge.id}
        label = names(view)
        for number, step in enumerate(view.flow, start=1):
            answer = f"<p>{_esc(step.text)}</p>"
            if step.edge in edges:
                answer += f'<p class="muted">Arrow {number}: {_esc(connection(view, edges[step.edge], label))}</p>'
            add("step", (view.id, str(number)),
                f"{_esc(system)}, <b>{_esc(view.title)}</b>: what happens at step {number} of {len(view.flow)}?",
                answer, everything, q_diagram=media_name(spec.id, view.id))
    drawn_in = _first_view(arch.views)
    for node in arch.components():
        if node.technology:
            add("component", (node.id,), f"What did {_esc(system)} use for <b>{_esc(node.label)}</b>?",
                _technology_answer(node, vocab), everything, a_diagram=media_name(spec.id, drawn_in[node.id]))
    for metric in arch.metrics:
        add("metric", (_norm(metric.label), str(metric.year)),
            f"Key number: <b>{_esc(metric.label)}</b> at {_esc(arch.name)} in {metric.year}?",
            f'<div class="value">{_esc(metric.value)}</div>', _cited(arch, metric.source, metric.where))
    for lesson in arch.lessons:
        answer = f"<p>{_esc(lesson.body)}</p>"
        if lesson.patterns:
            answer += "<p>Patterns it illustrates:</p>" + _pattern_items(vocab, lesson.patterns)
        add("lesson", (_norm(lesson.title),),
            f"Lesson from {_esc(system)}: <b>{_esc(lesson.title)}</b>. What did they do, why, and at what cost?",
            answer, _cited(arch, lesson.source, lesson.where),
            tags=[f"archcat::pattern::{p}" for p in lesson.patterns])
    patterns = _patterns_of(arch)
    if patterns:
        add("patterns", (), f"Which patterns does {_esc(system)} use?", _pattern_items(vocab, patterns), everything)
    return cards


def _first_view(views: Sequence[View]) -> dict[str, str]:
    """Each node id -> the first view that draws it."""
    found: dict[str, str] = {}
    for view in views:
        for node in view.all_nodes():
            found.setdefault(node.id, view.id)
    return found


# --- decks and packages ------------------------------------------------------------------

def deck_name(spec: Spec) -> str:
    """The subdeck's name; Anki matches decks on import by name. '::' would nest it deeper, so it is
    written with a single colon."""
    arch = spec.arch
    return f"{PARENT_DECK}::" + f"{arch.name} {_when(arch)}: {arch.title}".replace("::", ":")


def _description(spec: Spec, count: int) -> str:
    arch = spec.arch
    return (f"<p><b>{_esc(arch.name)} {_esc(_when(arch))}: {_esc(arch.title)}</b></p><p>{_esc(arch.summary)}</p>"
            f"<p>{count} cards from the archcat spec <code>{_esc(spec.id)}</code>.</p>{_all_sources(arch)}")


def _deck(spec: Spec, vocab: Vocabulary, model: genanki.Model, due: itertools.count
          ) -> tuple[genanki.Deck, list[str]]:
    cards = spec_cards(spec, vocab)
    deck = genanki.Deck(deck_id(spec.id), deck_name(spec), _description(spec, len(cards)))
    media: list[str] = []
    for card in cards:
        plain = html.unescape(card.question.replace("<b>", "").replace("</b>", ""))
        deck.add_note(genanki.Note(model=model, fields=card.fields(), sort_field=plain, tags=list(card.tags),
                                   guid=card.guid, due=next(due)))
        media += [name for name in card.media() if name not in media]
    return deck, media


def _diagrams(specs: Sequence[Spec], images: Path) -> dict[str, bytes]:
    """Every view's light SVG, as drawn into `images`, by its media name."""
    found = {}
    for spec in specs:
        for view in spec.arch.views:
            path = diagram_path(images, spec.id, view.id, "light", "svg")
            if not path.is_file():
                raise FileNotFoundError(f"view '{view.id}' of {spec.id} has no light SVG at {path}; render it first")
            found[media_name(spec.id, view.id)] = path.read_bytes()
    return found


def package_bytes(decks: Sequence[genanki.Deck], media: dict[str, bytes], *, timestamp: int, ids_from: str
                  ) -> bytes:
    """An .apkg: genanki's collection as an SQLite file, the media list and the media files, in a zip whose
    entries carry a fixed date. Note and card ids count up from a start derived from `ids_from`, a little
    before `timestamp` (Anki reads a note's id as when it was added)."""
    start = max(1, timestamp * 1000 - stable_id("ids", ids_from) % 10**9)
    connection_ = sqlite3.connect(":memory:")
    try:
        cursor = connection_.cursor()
        genanki.Package(list(decks)).write_to_db(cursor, timestamp, itertools.count(start))
        # genanki adds the note type once per deck; written back once, and in a stable order.
        (models,) = cursor.execute("SELECT models FROM col").fetchone()
        cursor.execute("UPDATE col SET models = ?", (json.dumps(json.loads(models), sort_keys=True),))
        connection_.commit()
        connection_.execute("VACUUM")
        collection = connection_.serialize()
    finally:
        connection_.close()
    names = sorted(media)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = [("collection.anki2", collection),
                   ("media", json.dumps({str(i): name for i, name in enumerate(names)}).encode("utf-8")),
                   *((str(i), media[name]) for i, name in enumerate(names))]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # as written on Unix, whatever the platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def anki_deck_bytes(spec: Spec, images: Path, *, vocab: Vocabulary | None = None, timestamp: int | None = None
                    ) -> bytes:
    """The .apkg of one architecture, from the light SVGs already rendered under `images`."""
    vocab = vocab or load_vocabulary()
    deck, media = _deck(spec, vocab, note_type(), itertools.count())
    diagrams = _diagrams([spec], images)
    return package_bytes([deck], {name: diagrams[name] for name in media},
                         timestamp=source_date() if timestamp is None else timestamp, ids_from=spec.id)


def anki_catalog_bytes(specs: Sequence[Spec], images: Path, *, vocab: Vocabulary | None = None,
                       timestamp: int | None = None) -> bytes:
    """The .apkg of the whole catalog: every architecture's deck under the parent deck."""
    vocab = vocab or load_vocabulary()
    ordered = sorted(specs, key=lambda s: (s.arch.name.lower(), s.arch.year, s.id))
    parent = genanki.Deck(CATALOG_DECK_ID, PARENT_DECK,
                          f"<p>{len(ordered)} real-world software architectures from archcat, one subdeck each: the "
                          "diagrams, request flows, technologies, key numbers, lessons and patterns, with their "
                          "sources.</p>")
    model, due = note_type(), itertools.count()
    decks, media = [parent], []
    for spec in ordered:
        deck, used = _deck(spec, vocab, model, due)
        decks.append(deck)
        media += used
    diagrams = _diagrams(ordered, images)
    return package_bytes(decks, {name: diagrams[name] for name in media},
                         timestamp=source_date() if timestamp is None else timestamp, ids_from="catalog")


def build_anki_deck(spec: Spec, images: Path, out: Path, *, vocab: Vocabulary | None = None,
                    timestamp: int | None = None) -> Path:
    """Write the deck of `spec` to `out`, atomically."""
    return write_atomic(out, anki_deck_bytes(spec, images, vocab=vocab, timestamp=timestamp))


def build_anki_catalog(specs: Sequence[Spec], images: Path, out: Path, *, vocab: Vocabulary | None = None,
                       timestamp: int | None = None) -> Path:
    return write_atomic(out, anki_catalog_bytes(specs, images, vocab=vocab, timestamp=timestamp))


def build_anki_decks(specs: Sequence[Spec], out: Path, *, vocab: Vocabulary | None = None) -> list[Path]:
    """A deck per architecture and the catalog deck, into `out`, from the light SVGs already drawn there."""
    vocab = vocab or load_vocabulary()
    written = [build_anki_deck(spec, out, anki_path(out, spec.id), vocab=vocab) for spec in specs]
    written.append(build_anki_catalog(specs, out, anki_catalog_path(out), vocab=vocab))
    return written


def template_globals(vocab: Vocabulary) -> dict[str, object]:
    """What the gallery's templates use to link the decks (written by `build --slides`) and say their size."""
    return {"anki_href": anki_href, "anki_catalog_href": anki_catalog_href,
            "anki_card_count": lambda specs: sum(len(spec_cards(spec, vocab)) for spec in specs)}
