"""Results label their fields on first access: a run builds no labelled array it is not asked for, and a
field reads the same whether built lazily, after pickling or after ``dataclasses.replace``."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import run
from carebridge.engine.finite import non_finite_problems
from carebridge.engine.results import LAZY, Pending, Results
from carebridge.scenario.loader import load_scenario

STOCKPORT = Path(__file__).parents[2] / "examples" / "stockport-2017" / "scenario.yaml"


@pytest.fixture(scope="module")
def results() -> Results:
    return run(load_scenario(STOCKPORT).scenario)


def _fresh() -> Results:
    return run(load_scenario(STOCKPORT).scenario)


def test_a_run_leaves_its_labelled_fields_to_be_built() -> None:
    fresh = _fresh()
    assert [name for name in LAZY if fresh.pending(name) is not None] == [
        name
        for name in LAZY
        # Stockport has no finance, and its cohorts' shares do not change
        if name not in ("finance", "expenditure", "cohort_share", "cohort_headcount")
    ]
    statement = fresh.statement
    assert isinstance(statement, xr.DataArray)
    assert fresh.pending("statement") is None
    assert fresh.statement is statement  # built once, then kept
    assert fresh.pending("savings") is not None


def test_a_field_built_lazily_reads_as_one_built_at_once(results: Results) -> None:
    fresh = _fresh()
    eager = {name: getattr(fresh, name) for name in LAZY}
    for name in LAZY:
        value = getattr(results, name)
        if value is None:
            assert eager[name] is None
            continue
        xr.testing.assert_identical(value, eager[name])
        assert list(value.coords) == list(eager[name].coords), name
    assert results.activity.deflection_pct.attrs["units"] == "%"
    assert results.savings.attrs["units"] == "£'000"
    assert results.capacity.beds.attrs["units"] == "beds"
    assert results.positions.dims == ("line", "org", "year")
    assert "line_name" in results.positions.coords
    assert "section" in results.statement.coords


def test_pickling_builds_every_field() -> None:
    fresh = _fresh()
    again = pickle.loads(pickle.dumps(fresh))
    assert all(again.pending(name) is None for name in LAZY)
    xr.testing.assert_identical(again.savings, fresh.savings)
    xr.testing.assert_identical(again.scheme_summary, fresh.scheme_summary)
    assert again.bridge(again.bridge_year) == fresh.bridge(fresh.bridge_year)


def test_replace_keeps_every_field() -> None:
    fresh = _fresh()
    moved = dataclasses.replace(fresh, years=list(fresh.years))
    assert type(moved) is Results
    xr.testing.assert_identical(moved.positions, fresh.positions)
    xr.testing.assert_identical(moved.capacity, fresh.capacity)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fresh.savings = fresh.savings  # type: ignore[misc]


def test_a_field_not_finite_is_labelled_to_name_its_cell(results: Results) -> None:
    values = np.array(results.positions.values)
    values[1, 0, 2] = np.inf
    broken = results.positions.copy(data=values)
    lazy = Results.lazily(
        {
            **{item.name: getattr(results, item.name) for item in dataclasses.fields(Results)},
            "positions": Pending(lambda: broken, (values,)),
        }
    )
    problems = non_finite_problems(lazy)
    assert len(problems) == 1
    plan_line = results.scenario.positions.plan_lines[0]
    assert str(broken.line.values[1]) == plan_line.id
    assert "infinite in the positions (positions)" in problems[0].message
    assert f"plan line '{plan_line.name}'" in problems[0].message
    assert str(broken.year.values[2]) in problems[0].message
    assert problems[0].path == ("positions", "plan_lines", 0)
    assert lazy.pending("positions") is None  # built to name the cell


def test_a_field_without_a_default_must_be_given(results: Results) -> None:
    with pytest.raises(TypeError, match="activity"):
        Results.lazily({"scenario": results.scenario, "years": results.years})


def test_a_plain_field_cannot_be_pending(results: Results) -> None:
    given = {item.name: getattr(results, item.name) for item in dataclasses.fields(Results)}
    with pytest.raises(TypeError, match="plan_line_orgs"):
        Results.lazily({**given, "plan_line_orgs": Pending(dict)})
