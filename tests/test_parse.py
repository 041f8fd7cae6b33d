"""parse.py: YAML -> data with 1-based positions; only plain data gets through."""

from __future__ import annotations

import pytest

from archcat.parse import MAX_FILE_BYTES, parse_bytes, parse_text


def test_positions_are_one_based_for_values_and_keys():
    doc, problems = parse_text("name: x\nviews:\n  - id: a\n    nodes: [1, 2]\n", "f.yaml")
    assert problems == []
    assert doc.data == {"name": "x", "views": [{"id": "a", "nodes": [1, 2]}]}
    assert doc.positions[("name",)] == (1, 7)
    assert doc.key_positions[("views", 0, "nodes")] == (4, 5)
    assert doc.positions[("views", 0, "nodes", 1)] == (4, 16)


def test_locate_falls_back_to_the_nearest_ancestor():
    doc, _ = parse_text("a:\n  b: 1\n", "f.yaml")
    assert doc.locate(("a", "b", "missing")) == (2, 6)
    assert doc.locate(("nothing",)) == (1, 1)


def one(text: str) -> tuple[int, int, str]:
    doc, problems = parse_text(text, "f.yaml")
    assert doc is None and len(problems) == 1
    return problems[0].line, problems[0].column, problems[0].message


def test_duplicate_keys_are_rejected_with_both_lines():
    assert one("a: 1\nb: 2\na: 3\n") == (3, 1, "duplicate key 'a' (first given on line 1)")


def test_anchors_and_aliases_are_rejected_before_expansion():
    # A "billion laughs" document is refused from its first anchor, without expanding anything.
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    assert one(bomb)[:2] == (1, 4)
    assert "anchors and aliases" in one(bomb)[2]


def test_custom_tags_are_rejected():
    line, column, message = one("a: !!python/object/apply:os.system ['echo hi']\n")
    assert (line, column) == (1, 4)
    assert message == "YAML tag '!!python/object/apply:os.system' is not supported"


def test_merge_keys_are_rejected():
    assert one("a:\n  <<: {b: 1}\n")[2] == "YAML merge keys (<<) are not supported"


def test_tab_indentation_is_reported_at_its_line():
    assert one("a:\n  b: 1\n\tc: 2\n") == (3, 1, "tab character used for indentation")


def test_syntax_errors_carry_the_parser_position():
    line, _, message = one("a: [1, 2\nb: 3\n")
    assert line == 2
    assert message.startswith("YAML syntax error:")


def test_empty_and_comment_only_files():
    assert one("") == (1, 1, "file is empty")
    assert one("# just a comment\n") == (1, 1, "file is empty")


def test_byte_order_mark_and_bad_utf8_and_size():
    doc, problems = parse_bytes(b"\xef\xbb\xbfa: 1\n", "f.yaml")
    assert doc is None and problems[0].message == "file starts with a byte-order mark"
    doc, problems = parse_bytes(b"a: 1\nb: caf\xe9\n", "f.yaml")
    assert doc is None and (problems[0].line, problems[0].column) == (2, 7)
    assert problems[0].message == "byte 0xe9 is not valid UTF-8"
    doc, problems = parse_bytes(b"a: b\n" * (MAX_FILE_BYTES // 5 + 1), "f.yaml")
    assert doc is None and "the limit is" in problems[0].message


def test_deep_nesting_is_bounded():
    line, _, message = one("a: " + "[" * 100 + "]" * 100 + "\n")
    assert message.startswith("nesting deeper than")
    assert line == 1


def test_scalars_keep_yaml_types():
    doc, _ = parse_text("a: 2013\nb: '2013'\nc: true\nd: 1.5\ne: null\nf: -7\n", "f.yaml")
    assert doc.data == {"a": 2013, "b": "2013", "c": True, "d": 1.5, "e": None, "f": -7}


@pytest.mark.parametrize(("written", "read"), [
    ("100:1", "100:1"),  # YAML 1.1: base 60, 6001
    ("33:40", "33:40"),  # 2020
    ("0700", "0700"),  # octal 448
    ("0x1F", "0x1F"),  # hexadecimal 31
    ("1_000", "1_000"),  # 1000
    ("yes", "yes"), ("off", "off"), ("Y", "Y"),  # booleans
    ("1e3", "1e3"),
])
def test_numbers_and_words_are_read_as_a_person_reads_them(written: str, read: str):
    doc, problems = parse_text(f"value: {written}\n", "f.yaml")
    assert problems == [] and doc.data == {"value": read}
