"""vocab.py: every kind resolves to a real diagrams class with an icon on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcat.graph import icon_file
from archcat.vocab import import_node_class, load_vocabulary, resolve_kind

VOCAB = load_vocabulary()


def test_vocabulary_is_large_enough_and_categorised():
    assert len(VOCAB.kinds) >= 60
    assert {k.category for k in VOCAB.kinds.values()} <= set(VOCAB.categories)
    required = {"users", "mobile", "browser", "dns", "cdn", "load-balancer", "web-server", "service", "worker",
                "queue", "stream", "cache", "database", "object-storage", "search", "redis", "memcached", "mysql",
                "postgresql", "cassandra", "kafka", "hadoop", "nginx", "haproxy", "s3"}
    assert required <= set(VOCAB.kinds)


@pytest.mark.parametrize("name", sorted(VOCAB.kinds))
def test_every_kind_resolves_to_an_icon_file(name: str):
    kind = VOCAB.kinds[name]
    cls = import_node_class(kind.class_path)
    icon = Path(icon_file(cls))
    assert icon.is_file(), icon
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert kind.description


def test_fully_qualified_class_is_accepted():
    resolved, message, _ = resolve_kind("aws.database.Dynamodb", VOCAB, Path("icons"))
    assert message == "" and resolved.class_path == "aws.database.Dynamodb"
    assert resolved.category == "database"


def test_only_diagrams_node_classes_are_accepted():
    for text in ("os.path.join", "generic.os.Linux.x", "diagrams.Diagram.x", "onprem.inmemory.getdiagram"):
        resolved, message, _ = resolve_kind(text, VOCAB, Path("icons"))
        assert resolved is None and message


def test_search_kinds():
    names = [k.name for k in VOCAB.search_kinds("cache")]
    assert {"cache", "redis", "memcached"} <= set(names)
    assert VOCAB.search_kinds("zzzz-nothing") == []


def test_patterns_have_names_and_summaries():
    assert len(VOCAB.patterns) >= 20
    for pattern in VOCAB.patterns.values():
        assert pattern.name and pattern.summary.endswith(".")
    assert {"fan-out-on-write", "cache-aside", "sharding", "read-replicas", "cdn", "message-queue"} <= set(
        VOCAB.patterns)


def test_technology_glossary_is_well_formed():
    from archcat.gallery import safe_url
    from archcat.vocab import TECHNOLOGY_CATEGORIES

    assert len(VOCAB.technologies) >= 100
    seen: dict[str, str] = {}
    for tech in VOCAB.technologies.values():
        assert tech.category in TECHNOLOGY_CATEGORIES, tech.name
        assert tech.summary.endswith(".") and 6 <= len(tech.summary.split()) <= 40, tech.name
        assert tech.url is None or safe_url(tech.url) == tech.url, tech.name
        for name in (tech.name, *tech.aliases):
            assert seen.get(name.lower(), tech.name) == tech.name, f"{name}: {seen[name.lower()]} and {tech.name}"
            seen[name.lower()] = tech.name
            assert "," not in name, "names may not contain the separator"
    names = list(VOCAB.technologies)
    assert names == sorted(names, key=str.lower)


def test_technology_lookup_by_alias():
    assert VOCAB.technology("memcached").name == "Memcached"
    assert VOCAB.technology("Memcached").name == "Memcached"
    assert VOCAB.technology("no such thing") is None


def test_the_bundled_vocabularies_have_no_problems_and_no_cut_descriptions():
    assert VOCAB.problems == ()
    assert VOCAB.kinds["stream"].description == "An ordered, replayable log of events"
    assert VOCAB.kinds["push-notifications"].description == "Mobile push notification services (APNs, FCM)"


def test_a_catalogs_vocabulary_problems_are_located_like_a_specs(tmp_path: Path):
    from archcat.catalog import load_catalog
    from archcat.discover import Project

    project = Project(tmp_path)
    (tmp_path / "architectures").mkdir()
    (tmp_path / "vocabulary").mkdir()
    (tmp_path / "vocabulary" / "technologies.yaml").write_text(
        "Ledgerly:\n"
        "  category: databse\n"
        "  summary: A made-up ledger.\n"
        "Memcached:\n"
        "  category: cache\n"
        "  summary: Already in archcat's own glossary.\n"
        "Tally:\n"
        "  category: database\n"
        "  summary: No full stop\n"
        "  colour: red\n", encoding="utf-8")
    (tmp_path / "vocabulary" / "kinds.yaml").write_text(
        "kinds:\n  ledger: {class: onprem.database.Postgresql, category: database, description: A ledger, kept}\n",
        encoding="utf-8")
    _, problems = load_catalog(project)
    found = [(Path(d.file).name, d.line, d.column, d.message) for d in problems]
    assert ("technologies.yaml", 2, 13, "'databse' is not allowed for 'category'; expected 'client', 'edge', "
            "'network', 'compute', 'messaging', 'cache', 'database', 'storage', 'search', 'analytics', "
            "'coordination', 'observability', 'delivery', 'security', 'external', 'language', 'framework', "
            "'os' or 'protocol'") in found
    assert ("technologies.yaml", 4, 1, "'Memcached' already names the technology 'Memcached'") in found
    assert any(f[1] == 9 and f[3].startswith("'summary'") for f in found), found
    assert ("technologies.yaml", 10, 3, "unknown field 'colour'") in found
    assert ("kinds.yaml", 2, 90, "text 'kept' became a field of its own") in found


def test_a_catalogs_own_entries_are_used_and_an_edit_is_seen_without_a_restart(tmp_path: Path):
    import os

    from archcat.discover import Project

    project = Project(tmp_path)
    (tmp_path / "vocabulary").mkdir()
    glossary = tmp_path / "vocabulary" / "technologies.yaml"
    glossary.write_text("Ledgerly:\n  category: database\n  summary: A made-up ledger.\n", encoding="utf-8")
    vocab = load_vocabulary(project)
    assert vocab.technology("Ledgerly").summary == "A made-up ledger."
    assert vocab.technology("Memcached") is not None  # archcat's own entries stay
    assert load_vocabulary(project) is vocab  # unchanged files: read once
    glossary.write_text("Ledgerly:\n  category: database\n  summary: A made-up order ledger.\n", encoding="utf-8")
    os.utime(glossary, ns=(glossary.stat().st_mtime_ns + 10**9,) * 2)
    assert load_vocabulary(project).technology("Ledgerly").summary == "A made-up order ledger."
