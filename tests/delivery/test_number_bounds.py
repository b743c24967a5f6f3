"""Issue 13: a value of 1e300 in a file of actuals was accepted. Every number of the files monitoring reads is
held to the bounds of a scenario's numbers (docs/scenario-format.md, "Sizes of numbers"), located."""

from __future__ import annotations

import pathlib

import pytest

from carebridge.delivery.actuals import CellError, number
from carebridge.delivery.target_actuals import TargetActualsError, check_target_actuals
from carebridge.delivery.targets import load_targets

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "delivery"


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("activity", "1e300", "expected activity of at most 10,000,000,000 in a month; found 1e+300"),
        ("activity", 2e10, "expected activity of at most 10,000,000,000 in a month; found 2e+10"),
        ("forecast", "1e11", "expected a full-year forecast of at most 10,000,000,000; found 1e+11"),
        ("spend", "-1e300", "expected spend in £'000 of at most 100,000,000 (£100bn) in size; found -1e+300"),
        ("spend", 1.5e8, "expected spend in £'000 of at most 100,000,000 (£100bn) in size; found 1.5e+08"),
        ("weight", "1e13", "expected a weight of at most 1,000,000,000,000; found 1e+13"),
    ],
)
def test_a_number_beyond_its_bound_is_refused(column: str, cell: str | float, message: str) -> None:
    with pytest.raises(CellError) as raised:
        number(cell, column=column)
    assert str(raised.value) == message


@pytest.mark.parametrize(("column", "cell"), [("activity", "1e10"), ("spend", "-1e8"), ("spend", "1003.5")])
def test_a_number_at_its_bound_is_accepted(column: str, cell: str) -> None:
    assert number(cell, column=column) == float(cell)


def test_a_target_value_of_1e300_is_refused_with_its_row_and_column() -> None:
    """A target in a unit other than % (which is held to 0 to 100) is held to the bound of any number."""
    register = load_targets(EXAMPLES / "targets.yaml")
    beds = register.targets[0].model_copy(update={"id": "beds", "unit": "beds"})
    lines = [["target", "month", "value"], ["beds", "2017/18-M01", "12"], ["beds", "2017/18-M02", "1e300"]]
    with pytest.raises(TargetActualsError) as raised:
        check_target_actuals("beds.csv", lines, {"beds": beds})
    assert [str(problem) for problem in raised.value.problems] == [
        "beds.csv, row 3, column value: expected a value of at most 1,000,000,000,000 in size; found 1e+300"
    ]
    assert check_target_actuals("beds.csv", lines[:2], {"beds": beds})[0].value == 12
