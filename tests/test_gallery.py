"""gallery.py without a browser: pages, links, escaping, indexes, alt text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archcat.build import build
from archcat.catalog import load_catalog
from archcat.describe import alt_text
from archcat.discover import Project
from archcat.gallery import first_sentence, make_site, safe_url
from archcat.vocab import load_vocabulary, split_technologies
from tests.conftest import VALID_SPEC, write_spec

PAYLOAD = "<script>alert(1)</script>"


def test_safe_url_allows_only_http_and_https():
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_url("http://example.com") == "http://example.com"
    for bad in ("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.com", "ftp://x.org", "", None):
        assert safe_url(bad) is None


def test_alt_text_names_components_and_connections(shop):
    text = alt_text(shop, shop.arch.views[0])
    assert text.startswith("Diagram of Shop 2020, Overview. Components: Users; Load balancer; Web servers (nginx, 4 ")
    assert "Users to Load balancer (HTTPS)" in text and "Load balancer to App tier" in text


@pytest.fixture
def hostile_site(project: Project, tmp_path: Path) -> Path:
    text = VALID_SPEC.read_text(encoding="utf-8")
    for field in ("name: Shop", "title: A small web shop", "label: Users", "label: App tier"):
        key, value = field.split(": ", 1)
        text = text.replace(field, f"{key}: '{value} {PAYLOAD}'", 1)
    text = text.replace("summary: A shop with", "summary: \"<img src=x onerror=alert(1)> {{ 7*7 }}\" #")
    text = text.replace("body: They cached", f"body: '{PAYLOAD} They cached")
    text = text.replace("to one.\n", "to one.'\n", 1)
    write_spec(project, "shop-2020", text)
    _, problems = load_catalog(project)
    assert problems == []
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    return out


def test_no_text_reaches_html_unescaped(hostile_site: Path):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 6  # index, all, technologies, patterns, compare, the architecture, and more
    assert (hostile_site / "architectures" / "shop-2020.html") in pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert PAYLOAD not in html, page
        assert "<img src=x" not in html, page
    page = (hostile_site / "architectures" / "shop-2020.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page, "template syntax in a spec must stay literal text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = (hostile_site / "index.html").read_text(encoding="utf-8")
    # In the embedded JSON, angle brackets are escaped for a script context.
    assert "\\u003cscript\\u003e" in index


def test_diagram_svgs_keep_hostile_labels_inert(hostile_site: Path):
    svg = (hostile_site / "diagrams" / "shop-2020" / "overview-light.svg").read_text(encoding="utf-8")
    assert PAYLOAD not in svg and "&lt;script&gt;" in svg


def test_only_http_sources_become_links(project: Project, tmp_path: Path):
    # The model refuses other schemes outright; the template filter is the second line of defence.
    write_spec(project, "shop-2020", VALID_SPEC.read_text(encoding="utf-8").replace(
        "url: https://example.com/shop", "url: javascript:alert(1)"))
    _, problems = load_catalog(project)
    assert problems and problems[0].message.startswith("'url': expected an http:// or https:// address")


def test_build_writes_every_page_and_asset(project: Project, tmp_path: Path):
    out = tmp_path / "site"
    result = build(project, out=out, workers=2)
    names = {p.relative_to(out).as_posix() for p in result.written}
    assert {"index.html", "architectures/shop-2020.html", "technologies.html", "patterns.html", "compare.html",
            "assets/style.css", "assets/gallery.js", "diagrams/shop-2020/overview-light.svg",
            "diagrams/shop-2020/overview-dark.pdf"} <= names
    # PNGs are drawn in the reader's browser from the SVG (the index card shows the SVG itself): none stored
    assert not [name for name in names if name.endswith(".png") and not name.startswith("assets/icons/")]
    assert not list(out.glob("thumbs")) and not list(out.rglob("*.pptx"))


def test_technology_index_links_to_the_exact_component():
    specs, _ = load_catalog(Project(Path(__file__).resolve().parent.parent))
    site = make_site(specs, load_vocabulary())
    redis = site.technologies["Redis"]
    assert {u.spec.id for u in redis.usages} >= {"twitter-2013", "instagram-2011"}
    for usage in redis.usages:
        assert "Redis" in [site.tech_name(t) for t in split_technologies(usage.node.technology)]
    twitter = next(s for s in specs if s.id == "twitter-2013")
    related = [other.id for other, _ in site.related(twitter)]
    linked = {s.id for s in specs if s.id in twitter.arch.related or twitter.id in s.arch.related}
    explicit = [r for r in related if r in linked]
    assert "twitter-2008" in explicit and related[:len(explicit)] == explicit  # linked eras come first


def test_page_says_where_each_fact_is_stated_and_which_sources_look_back(project: Project, tmp_path: Path):
    text = VALID_SPEC.read_text(encoding="utf-8").replace("tags: [web]", "domain: e-commerce\ntags: [web]")
    text = text.replace("source: blog}", "source: blog, where: slide 14}")
    text = text.replace("    source: blog\n", "    source: blog\n    where: '31:20'\n", 1)
    text = text.replace("    year: 2020\n", "    year: 2024\n    retrospective: true\n", 1)
    write_spec(project, "shop-2020", text)
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    page = (out / "architectures" / "shop-2020.html").read_text(encoding="utf-8")
    assert '<a href="#s-blog">source 1</a>, slide 14</span></dd>' in page
    assert '<a href="#s-blog">source 1</a>, 31:20</span>' in page
    assert 'title="Written 4 years after the era this page draws, looking back on it">retrospective</span>' in page
    assert '<a href="../index.html?domain=e-commerce">E-commerce and marketplaces</a>' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<option value="e-commerce">E-commerce and marketplaces (1)</option>' in index


def test_index_details_a_fast_first_view_needs(project: Project, tmp_path: Path):
    for n in range(5):
        write_spec(project, f"shop-{2020 + n}", VALID_SPEC.read_text(encoding="utf-8").replace(
            "year: 2020\nsummary", f"year: {2020 + n}\nsummary"))
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">' in index  # no 404 for /favicon.ico
    assert (out / "assets" / "favicon.svg").read_bytes().startswith(b"<svg")
    images = re.findall(r"<img src=\"diagrams/shop-[^\"]+/overview-thumbnail\.webp\"[^>]*>", index)
    assert len(images) == 5
    assert all("fetchpriority" in img and "lazy" not in img for img in images[:3])  # the first row at once
    assert all('loading="lazy"' in img for img in images[3:])
    assert '<a href="?tag=web">web</a>' in index  # a card's tag filters the index


def test_patterns_are_listed_by_name():
    specs, _ = load_catalog(Project(Path(__file__).resolve().parent.parent))
    from archcat.gallery import environment

    vocab = load_vocabulary()
    site = make_site(specs, vocab)
    html = environment(Path(__file__).resolve().parent.parent / "templates", vocab).get_template(
        "patterns.html").render(site=site, root="", vocab=vocab, presenter=False, page_id="patterns")
    names = re.findall(r'<h2 id="p-[a-z0-9-]+--h">([^<]+)</h2>', html)
    assert names and names == sorted(names, key=str.lower)


def test_failure_impact_of_a_known_architecture():
    """Twitter 2013: the Timeline Service carries the read steps, and the tweet and user services hang off it
    alone; the home timeline cache stays reachable through the fanout."""
    from archcat.gallery import failure_impact
    from tests.conftest import REPO

    project = Project(REPO)
    specs, _ = load_catalog(project, [project.architectures / "twitter-2013.yaml"])
    impact = failure_impact(specs[0].arch.views[0])
    assert impact["timelinesvc"] == {"steps": [6, 7, 8], "cut": ["tweetypie", "gizmoduck"]}
    assert impact["writeapi"] == {"steps": [2, 3], "cut": ["graph", "fanout", "ingester", "pushcompute"]}
    assert impact["redis"] == {"steps": [5, 7], "cut": []}



def test_index_carries_a_compact_search_index_and_loads_long_text_later(project: Project, tmp_path: Path):
    import json

    from archcat.gallery import PAGE_SIZE

    for n in range(PAGE_SIZE + 2):  # more specs than a page of cards
        write_spec(project, f"shop-{2000 + n}", VALID_SPEC.read_text(encoding="utf-8").replace(
            "year: 2020\nsummary", f"year: {2000 + n}\nsummary"))
    out = tmp_path / "site"
    build(project, out=out, workers=2)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<li class="card" data-id=') == PAGE_SIZE  # the first page; the script draws the rest
    data = json.loads(re.search(r'<script type="application/json" id="index-data">(.*?)</script>', index, re.S)[1])
    assert data["page"] == PAGE_SIZE and len(data["items"]) == PAGE_SIZE + 2
    spec = load_catalog(project)[0][0]
    row = next(item for item in data["items"] if item[0] == spec.id)
    assert row[1:5] == [spec.arch.name, spec.arch.era or str(spec.arch.year), spec.arch.year, spec.arch.title]
    assert [data["tags"][i] for i in row[6]] == list(spec.arch.tags)
    lesson = spec.arch.lessons[0]
    assert lesson.body not in index  # long text waits for the first search
    text = (out / "data" / "search-text.js").read_text(encoding="utf-8")
    assert text.startswith("archcatSearchText(") and json.loads(text[18:-3])[spec.id].endswith(lesson.body)
    # the sentence under each card's title: the first page's cards carry theirs, the script loads the others'
    sentences = (out / "data" / "card-text.js").read_text(encoding="utf-8")
    assert sentences.startswith("archcatCardText(") and sentences.endswith(");\n")
    sentences = json.loads(sentences[len("archcatCardText("):-3])
    assert set(sentences) == {row[0] for row in data["items"]}
    assert sentences[spec.id] == first_sentence(spec.arch.summary)
    assert sentences[spec.id] not in json.dumps(data, ensure_ascii=False)  # not in the index's own data
    assert "Every architecture, A to Z" in (out / "all.html").read_text(encoding="utf-8")
