"""Issue 13: a GDP deflator index of 1e300 stopped an appraisal with "unexpected error: OverflowError". An
index outside 0.001 to 1,000,000 is refused with its line, in a file or in ``appraisal.yaml``."""

from __future__ import annotations

import pytest

from carebridge.scenario.deflators import DeflatorError, parse_deflator

HEAD = "# source: HM Treasury\nyear,index\n2016-17,84.8\n"


@pytest.mark.parametrize(
    ("value", "found"), [("1e300", "1e+300"), ("1e-300", "1e-300"), ("2000000", "2e+06")]
)
def test_an_index_outside_its_range_is_refused_with_its_line(value: str, found: str) -> None:
    with pytest.raises(DeflatorError) as raised:
        parse_deflator(f"{HEAD}2017-18,{value}\n", "deflators.csv")
    assert [str(problem) for problem in raised.value.problems] == [
        f"deflators.csv:4 2017/18: expected an index from 0.001 to 1,000,000; found {found}"
    ]


@pytest.mark.parametrize("value", ["0.001", "1", "100", "1000000"])
def test_an_index_of_any_reference_year_is_accepted(value: str) -> None:
    assert parse_deflator(f"{HEAD}2017-18,{value}\n", "deflators.csv").index["2017/18"] == float(value)
