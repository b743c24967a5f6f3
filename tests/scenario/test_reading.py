"""Parsing a YAML input once, within limits: plain data, the line of each part, and located refusals."""

from __future__ import annotations

import pytest

from carebridge.scenario.errors import InputError, RiskRegisterError, did_you_mean, format_value, shorten
from carebridge.scenario.reading import MAX_ALIAS_VALUES, MAX_DEPTH, ReadError, parse

FILE = "in.yaml"


def problems(text: str) -> list[str]:
    with pytest.raises(ReadError) as raised:
        parse(text, FILE)
    return [str(problem) for problem in raised.value.problems]


def test_yaml_1_2_types_and_dates_as_text() -> None:
    text = "a: yes\nb: 1_000\nc: 0x1F\nd: .inf\ne: ~\nf: 2017-09-30\ng: '12'\nh: True\ni: 1e3\n"
    assert parse(text, FILE).data == {
        "a": "yes",
        "b": 1000,
        "c": 31,
        "d": float("inf"),
        "e": None,
        "f": "2017-09-30",
        "g": "12",
        "h": True,
        "i": 1000.0,
    }


def test_a_date_that_does_not_exist_stays_text_for_the_model_to_refuse() -> None:
    assert parse("review_date: 2017-02-30\n", FILE).data == {"review_date": "2017-02-30"}


def test_anchors_aliases_and_merge_keys_keep_their_lines() -> None:
    text = "base: &base\n  x: 1\n  y: 2\nother:\n  <<: *base\n  y: 3\nagain: *base\n"
    parsed = parse(text, FILE)
    assert parsed.data == {"base": {"x": 1, "y": 2}, "other": {"y": 3, "x": 1}, "again": {"x": 1, "y": 2}}
    assert parsed.lines is not None and isinstance(parsed.lines.entries, dict)
    line, other = parsed.lines.entries["other"]
    assert line == 4 and other is not None and isinstance(other.entries, dict)
    assert other.entries["y"][0] == 6 and other.entries["x"][0] == 2  # merged from the anchor's line


def test_duplicate_keys_are_located_and_all_reported() -> None:
    assert problems("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n") == [
        "in.yaml:4 b.c: duplicate key 'c' (first given at line 3); a key may appear only once in a map",
        "in.yaml:5 a: duplicate key 'a' (first given at line 1); a key may appear only once in a map",
    ]


def test_aliases_count_every_value_they_repeat() -> None:
    ten = "[" + ", ".join(["1"] * 9) + "]"
    allowed = MAX_ALIAS_VALUES // 10  # each alias repeats the list and its 9 values
    text = f"a: &a {ten}\nb: [" + ", ".join(["*a"] * allowed) + "]\n"
    assert len(parse(text, FILE).data["b"]) == allowed
    text = f"a: &a {ten}\nb: [" + ", ".join(["*a"] * (allowed + 1)) + "]\n"
    assert problems(text) == [
        f"in.yaml:2 b[{allowed}]: aliases (*name) repeat more than {MAX_ALIAS_VALUES:,} values in this file; "
        "write the values out, or use fewer aliases"
    ]


def test_nesting_is_refused_at_the_limit_in_block_and_flow_style() -> None:
    block = (
        "".join("  " * level + f"k{level}:\n" for level in range(MAX_DEPTH + 1))
        + "  " * (MAX_DEPTH + 1)
        + "v\n"
    )
    [message] = problems(block)
    assert message.startswith(f"in.yaml:{MAX_DEPTH + 1} k0.k1.")
    assert message.endswith(
        f"maps and lists are nested more than {MAX_DEPTH} deep; no input needs so many levels"
    )
    assert problems("a: " + "[" * 5000 + "]" * 5000 + "\n")[0].startswith("in.yaml:1")


def test_a_long_whole_number_and_a_second_document() -> None:
    assert problems("a: 1\nb: " + "7" * 40 + "\n") == [
        "in.yaml:2 b: a whole number of 40 digits; no number may have more than 30"
    ]
    assert problems("a: 1\n---\nb: 2\n") == [
        "in.yaml:2: a second document (after ---); a file holds one document"
    ]


def test_long_values_are_elided_in_messages_and_errors_name_their_kind() -> None:
    assert format_value("x" * 1000) == f"'{shorten('x' * 1000)}'"
    assert shorten("x" * 1000).endswith("(1,000 characters)") and len(shorten("x" * 1000)) < 100
    error = RiskRegisterError([])
    assert isinstance(error, InputError) and str(error) == "0 problems in the risk register:"


@pytest.mark.parametrize(
    ("found", "choices", "hint"),
    [
        ("гg", ["g", "ae"], ""),  # issue 13 item 11: no suggestion that shares one letter
        ("nell", ["nel", "ae"], "; did you mean 'nel'?"),
        ("x" * 1_000_000, ["x"], ""),
    ],
)
def test_did_you_mean_suggests_only_close_matches(found: str, choices: list[str], hint: str) -> None:
    assert did_you_mean(found, choices) == hint
