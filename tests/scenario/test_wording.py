"""Issue 13 item 11, the wording of messages: a field's description keeps the case of an acronym or a proper
word; a financial year written as a number is asked for as a financial year."""

from __future__ import annotations

import pytest

from carebridge.scenario.pydantic_errors import _sentence_fragment
from tests.scenario.test_loader_errors import at, minimal, problems


def test_a_missing_pod_is_described_with_pod_in_capitals() -> None:
    """It said "missing field 'pod': expected text — pOD the effect acts on"."""
    text = minimal(("      - kind: reduce\n        pod: ae\n", "      - kind: reduce\n"))
    assert problems(text) == [
        at(
            text,
            "- kind: reduce",
            "schemes[0].effects[0]: missing field 'pod': expected text — POD the effect acts on",
        )
    ]


@pytest.mark.parametrize(
    ("description", "fragment"),
    [
        ("POD the effect acts on.", "POD the effect acts on"),
        ("PODs the scheme moves activity from.", "PODs the scheme moves activity from"),
        ("NHS organisation that pays.", "NHS organisation that pays"),
        ("GDP deflator series.", "GDP deflator series"),
        ("The line's whole spend a year.", "the line's whole spend a year"),
        ("Name shown in reports.", "name shown in reports"),
        ("A fraction of the POD.", "a fraction of the POD"),
        ("Do-nothing position.", "do-nothing position"),
        ("Excel workbook to read.", "Excel workbook to read"),
        ("Monte Carlo draws.", "Monte Carlo draws"),
        ("£'000 a year.", "£'000 a year"),
    ],
)
def test_only_an_ordinary_first_word_is_lower_cased(description: str, fragment: str) -> None:
    assert _sentence_fragment(description) == fragment


def test_a_base_year_written_as_a_number_asks_for_a_financial_year() -> None:
    text = minimal(("base_year: 2016/17\n", "base_year: 2016\n"))
    assert problems(text) == [
        at(text, "base_year: 2016", "base_year: expected the first year, like '2016/17'; found 2016")
    ]
