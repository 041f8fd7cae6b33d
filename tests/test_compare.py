"""The compare page's data: the measure classifier, the per-architecture data scripts, and the page's size.

Expected values come from the specs; the labels the classifier is tested on are
real labels of the bundled catalog (the test checks they still are).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from pathlib import Path

import pytest

from archcat import compare
from archcat.catalog import load_catalog
from archcat.discover import Project
from archcat.gallery import environment, make_site, patterns_of, tech_anchor
from archcat.measures import MEASURES, OTHER, measure_of
from archcat.paths import compare_data_href, page_href
from archcat.vocab import load_vocabulary
from tests.conftest import REPO, VALID_SPEC, write_spec

PROJECT = Project(REPO)
SPECS, _ = load_catalog(PROJECT)
VOCAB = load_vocabulary(PROJECT)
SITE = make_site(sorted(SPECS, key=lambda s: (s.arch.name.lower(), s.arch.year, s.id)), VOCAB)
METRICS = {(m.label, m.value) for spec in SPECS for m in spec.arch.metrics}
LABELS = {label for label, _ in METRICS}

# ---------------------------------------------------------------------------------------------------------------
# What a key number measures
# ---------------------------------------------------------------------------------------------------------------

COUNTED = {
    "users": ["Monthly active users", "Registered users", "Concurrent users", "LinkedIn members", "Subscribers",
              "Unique visitors per month", "Daily players", "Users of the social network"],
    "requests": ["Peak request rate", "Requests per second", "API calls", "Timeline read requests",
                 "Peak HTTP requests per second", "HTTPS requests per day"],
    "page-views": ["Page views per month", "Monthly page views", "Page requests per day", "Pages served per second"],
    "storage": ["Raw storage", "Data stored", "User data in Amazon S3", "Warehouse data on Hadoop",
                "Data kept and backed up"],
    "servers": ["Servers", "Web servers / database servers", "EC2 instances", "Cloud nodes", "Server machines",
                "Commodity servers (estimate)"],
    "people": ["Engineers", "Employees", "Staff", "Team size", "Engineering team (developers, testers, operations)",
               "Operations and engineering staff"],
}

# Real labels that name one of the measures' words but are not how big the system is, or name two measures.
NOT_COUNTED = [
    "Servers per operations person",  # a ratio
    "Postgres database servers per data center",  # per unit
    "Servers planned",  # a plan
    "Storage (design)",  # a design figure
    "Users the design aims to handle",
    "Typical request latency",  # a time
    "Expected request rate in the holiday peak",
    "Requests per second one fast server handles easily",  # one part
    "Requests routed on dual-Opteron servers",  # two measures
    "Servers and engineers",
    "A year earlier: visitors, dynamic page views, Hadoop data",
    "Images recognized on a busy day (28 AIR servers)",  # the brackets say how, not what
    "Shards (100,000 users each)",
    "Share of requests that are writes",
    "Storage saved by the 20-day variant TTL",
    "Archive storage added per week",
    "Page-view growth since April 2008",
    "New users in the first 12 hours of the Android release",
    "Database server RAM",
    "Cost of the three servers bought in January 2009",
    "Data processed",  # traffic, not what is kept
    "AWS regions serving users",
    "People searches",
    "Tweets per day",
]


def value_of(label: str) -> str:
    return next(value for lab, value in sorted(METRICS) if lab == label)


@pytest.mark.parametrize("measure", list(COUNTED))
def test_each_measure_is_recognised_in_real_labels(measure):
    assert measure in MEASURES
    for label in COUNTED[measure]:
        assert label in LABELS, f"{label!r} is no longer a label in the catalog"
        assert measure_of(label, value_of(label)) == measure, label


def test_labels_that_are_not_a_size_stay_other():
    for label in NOT_COUNTED:
        assert label in LABELS, f"{label!r} is no longer a label in the catalog"
        assert measure_of(label, value_of(label)) == OTHER, label


def test_storage_needs_an_amount_of_bytes_that_is_not_a_rate():
    assert measure_of("Data stored", "several petabytes") == "storage"
    assert measure_of("Photos stored", "about 470 million") == OTHER  # a count of things, not bytes
    assert measure_of("Data accumulated", "hundreds of gigabytes per day") == OTHER  # a rate
    assert measure_of("Registered users", "12%") == OTHER  # a share, whatever the label says


def test_the_classifier_is_conservative_on_the_whole_catalog():
    """Most numbers stay unaligned, and every measure has several specs to line up."""
    found: dict[str, set[str]] = {}
    for spec in SPECS:
        for m in spec.arch.metrics:
            found.setdefault(measure_of(m.label, m.value), set()).add(spec.id)
    assert set(found) == set(MEASURES) | {OTHER}
    assert all(len(found[measure]) >= 5 for measure in MEASURES)
    counted = sum(1 for spec in SPECS for m in spec.arch.metrics if measure_of(m.label, m.value) != OTHER)
    assert counted < len(METRICS) / 2


# ---------------------------------------------------------------------------------------------------------------
# The data scripts
# ---------------------------------------------------------------------------------------------------------------


def read_script(path: Path) -> dict:
    text = path.read_text(encoding="ascii")
    match = re.fullmatch(rf"{compare.REGISTER}\((.*)\);\n", text, re.S)
    assert match, f"{path} is not one call of {compare.REGISTER}"
    return json.loads(match.group(1))


def test_every_spec_has_a_data_script_that_matches_it(site: Path):
    scripts = sorted(p.name for p in (site / "data" / "compare").iterdir())
    assert scripts == sorted(f"{spec.id}.js" for spec in SPECS)
    names = {p.id: p.name for p in VOCAB.patterns.values()}
    for spec in SPECS:
        arch = spec.arch
        data = read_script(site / compare_data_href(spec.id))
        assert (data["id"], data["name"], data["title"], data["href"]) == (spec.id, arch.name, arch.title,
                                                                           page_href(spec.id))
        assert data["era"] == (arch.era or str(arch.year))
        assert [t for t, _ in data["tech"]] == SITE.by_spec_tech[spec.id]
        assert all(href == f"technologies.html#{tech_anchor(t)}" for t, href in data["tech"])
        assert [p[0] for p in data["patterns"]] == patterns_of(spec)
        assert all(p[1] == names[p[0]] and p[2] == f"patterns.html#p-{p[0]}" for p in data["patterns"])
        sources = {s.id: s for s in arch.sources}
        assert len(data["metrics"]) == len(arch.metrics)
        for shown, m in zip(data["metrics"], arch.metrics, strict=True):
            assert (shown["label"], shown["value"], shown["year"], shown["where"]) == (m.label, m.value, m.year,
                                                                                       m.where or "")
            assert shown["measure"] == measure_of(m.label, m.value)
            cited = data["sources"][shown["source"]]
            assert (cited["title"], cited["url"]) == (sources[m.source].title, sources[m.source].url)
        assert [(lesson["title"], [p[0] for p in lesson["patterns"]]) for lesson in data["lessons"]] == [
            (lesson.title, lesson.patterns) for lesson in arch.lessons]
        assert all(lesson["href"] == f"{page_href(spec.id)}#lesson-{n}"
                   for n, lesson in enumerate(data["lessons"], start=1))
        # A view is named, not drawn: the side shows it in a frame of the architecture page, which has it.
        assert data["views"] == [{"id": v.id, "title": v.title, "summary": v.summary or ""} for v in arch.views]
        page = (site / page_href(spec.id)).read_text(encoding="utf-8")
        assert all(f'<figure class="diagram" data-view="{v.id}">' in page for v in arch.views)


def test_data_scripts_carry_no_drawing_and_stay_small(site: Path):
    """The drawings, and what makes them live, are in the architecture pages compare frames: a data script
    holds text and links only, a few kilobytes however large the spec's diagrams."""
    sizes = {}
    for spec in SPECS:
        text = (site / compare_data_href(spec.id)).read_text(encoding="ascii")
        assert "<svg" not in text and '"nodes"' not in text and '"steps"' not in text, spec.id
        sizes[spec.id] = len(text)
    assert max(sizes.values()) < 12_000, max(sizes.items(), key=lambda item: item[1])


def test_hostile_text_stays_data(project: Project, tmp_path: Path):
    """Spec text reaches the data script as JSON strings (shown with textContent), and the script carries no
    markup: nothing in a spec can add an element or end the script."""
    from archcat.build import build

    payload = "</script><script>alert(1)</script> é"
    text = VALID_SPEC.read_text(encoding="utf-8").replace("name: Shop", f"name: 'Shop {payload}'", 1)
    text = text.replace("label: Users", f"label: 'Users {payload}'", 1)
    write_spec(project, "shop-2020", text.replace("    title: Overview", f"    title: 'View {payload}'", 1))
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    data = read_script(out / compare_data_href("shop-2020"))  # ASCII JSON: non-ASCII text is escaped too
    assert data["name"] == f"Shop {payload}"
    assert data["views"][0]["title"] == f"View {payload}"
    assert "Users" not in json.dumps(data)  # no drawing, and so no component's label


def test_data_scripts_are_deterministic(site: Path, tmp_path: Path):
    spec = next(s for s in SITE.specs if s.id == "twitter-2013")
    again = compare.script(compare.compare_data(spec, SITE))
    assert again.encode("ascii") == (site / compare_data_href(spec.id)).read_bytes()


def test_the_page_inlines_only_the_pickers(site: Path):
    html = (site / "compare.html").read_text(encoding="utf-8")
    assert html.count("<option ") == 2 * len(SPECS)
    assert not any(spec.arch.summary[:60] in html for spec in SPECS)  # details come from the data scripts
    a, b = compare.default_pair(SITE)
    twitter = sorted((s for s in SPECS if s.arch.name == "Twitter"), key=lambda s: s.arch.year)
    assert (a, b) == (twitter[-1].id, twitter[0].id)  # the system with the most eras, newest against oldest


def test_the_page_stays_small_with_a_thousand_architectures():
    copies = [dataclasses.replace(spec, id=f"{spec.id}-{n}") for n in range(10) for spec in SPECS][:1000]
    big = make_site(sorted(copies, key=lambda s: (s.arch.name.lower(), s.arch.year, s.id)), VOCAB)
    html = environment(PROJECT.template_folder, VOCAB).get_template("compare.html").render(
        site=big, root="", vocab=VOCAB, presenter=False, page_id="compare", **compare.page_context(big))
    assert html.count("<option ") == 2 * 1000
    assert len(gzip.compress(html.encode("utf-8"))) < 60_000
