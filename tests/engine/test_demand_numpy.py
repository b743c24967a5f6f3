"""Demand's numpy path (issue 17, docs/demand.md §7): people by age read once per population and years, the
workforce and the cohorts' shares labelled only when read, the cohorts' checks read by position.

Each test compares with what the labels or the general path give, so that a shortcut that changed a number, a
label or an error would fail here."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import ModelError, run
from carebridge.engine.inputs import InputValues, as_written, compile_inputs, kept_for
from carebridge.engine.results import LAZY
from carebridge.engine.run import run_inputs
from carebridge.scenario.errors import Path as InputPath
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import (
    Activity,
    Cohort,
    CohortOverlap,
    Demography,
    Organisation,
    Pod,
    Scenario,
)

DEMAND = Path(__file__).parents[2] / "examples" / "stockport-2017" / "demand.yaml"
YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]
RATES = {"female": {"0-64": 0.07, "65+": 0.3}, "male": {"0-64": 0.065, "65+": 0.32}}


class _Written(InputValues):
    """The numbers as written, read one by one (the path of a Monte Carlo run), not as a table."""

    def number(self, path: InputPath, value: float) -> float:
        return value


def _scenario(
    people: dict[str, Any] | None,
    cohorts: list[Cohort] | None = None,
    overlaps: list[CohortOverlap] | None = None,
) -> Scenario:
    return Scenario(
        format_version=1,
        name="Demand",
        base_year=YEARS[0],
        end_year=YEARS[-1],
        organisations=[Organisation(id="ccg", name="The CCG", kind="commissioner")],
        pods=[
            Pod(
                id="nel",
                name="Non Elective",
                unit="spell",
                activity=Activity(base=40_000, demographic_rates=RATES, non_demographic_growth=0.01),
                price=1500.0,
            )
        ],
        cohorts=cohorts or [],
        cohort_overlaps=overlaps or [],
        demography=Demography(people=people) if people is not None else None,
    )


def _people(older: float) -> dict[str, Any]:
    """People by single age 0 to 90+ and sex, by year; the over-65s growing by ``older`` a year."""
    by_sex: dict[str, Any] = {}
    for sex in ("female", "male"):
        ages: dict[str, Any] = {}
        for age in range(91):
            label = "90+" if age == 90 else str(age)
            growth = older if age >= 65 else 0.0
            ages[label] = {year: 1000.0 * (1 + growth) ** t for t, year in enumerate(YEARS)}
        by_sex[sex] = ages
    return by_sex


@pytest.mark.unit
def test_people_read_once_give_each_population_its_own_growth() -> None:
    """Two populations with the same ages and years but other numbers: each its own demographic growth, and
    the same scenario run again gives the same numbers (the people are kept per population, not per label)."""
    slow, fast = _scenario(_people(0.01)), _scenario(_people(0.05))
    first = run(slow).activity["demographic_growth"].values
    other = run(fast).activity["demographic_growth"].values
    assert (other[..., 1:] > first[..., 1:]).all()
    np.testing.assert_array_equal(run(slow).activity["demographic_growth"].values, first)


@pytest.mark.unit
def test_the_rate_as_written_is_the_rate_read_number_by_number() -> None:
    """The demographic rate kept per population and rates equals, to the last bit, the rate of the general
    path (every number read through the run's values, as a simulation reads them)."""
    scenario = _scenario(_people(0.03))
    kept = compile_inputs(scenario).activity.demographic
    read = compile_inputs(scenario, _Written()).activity.demographic
    assert kept is not None and read is not None
    np.testing.assert_array_equal(kept, read)
    assert kept.shape == (len(YEARS), 1)


@pytest.mark.unit
def test_what_is_kept_for_a_scenario_is_made_once_for_that_scenario_and_read_only() -> None:
    """``kept_for`` makes a thing once for each scenario object and key, never for another scenario with the
    same numbers (a copy may be changed), and makes the arrays it keeps read-only."""
    made: list[int] = []

    def make() -> dict[str, Any]:
        made.append(1)
        return {"table": np.zeros(3), "rows": [np.ones(2)]}

    scenario = _scenario(None)
    first = kept_for(scenario, "test", make)
    assert kept_for(scenario, "test", make) is first and len(made) == 1
    assert kept_for(scenario.model_copy(), "test", make) is not first and len(made) == 2
    assert not first["table"].flags.writeable and not first["rows"][0].flags.writeable
    assert as_written(InputValues()) and not as_written(_Written())


@pytest.mark.unit
def test_the_regions_as_written_are_the_regions_read_number_by_number(demand: Scenario) -> None:
    """The cohorts' shares by year and the regions, kept per scenario, equal to the last bit those of the
    general path, are shared by the runs of the scenario and cannot be written to."""
    kept = compile_inputs(demand).effects
    read = compile_inputs(demand, _Written()).effects
    for name in ("cohort_share_by_year", "cohort_headcount", "region_member", "region_share"):
        mine, theirs = getattr(kept, name), getattr(read, name)
        assert mine is not None and theirs is not None
        np.testing.assert_array_equal(np.asarray(mine), np.asarray(theirs))
    again = compile_inputs(demand).effects
    assert again.region_share is kept.region_share
    assert kept.region_share is not None and not kept.region_share.flags.writeable


@pytest.mark.unit
@pytest.mark.parametrize(
    "example",
    ["staffordshire-stp-2016/effects.yaml", "stockport-2017/scenario.yaml", "stockport-2017/demand.yaml"],
)
def test_what_runs_keep_for_a_scenario_is_what_the_general_path_gives(example: str) -> None:
    """What runs keep for a scenario as written (engine/inputs.py ``kept_for``) — shifts, lengths of stay,
    effects given as formulas of parameters, the workforce, the overlap rule on the cohorts' regions, the
    growth from the people, the cohorts' checks — gives to the last bit what the general path gives (every
    number read through the run's values, as a simulation reads them), run after run."""
    scenario = load_scenario(Path(__file__).parents[2] / "examples" / example).scenario
    general = run_inputs(scenario, compile_inputs(scenario, _Written()))
    for results in (run(scenario), run(scenario)):
        for name in LAZY:
            mine, theirs = getattr(results, name), getattr(general, name)
            if isinstance(theirs, xr.DataArray | xr.Dataset):
                xr.testing.assert_identical(mine, theirs)
            else:
                assert mine == theirs, name


@pytest.mark.unit
def test_an_intersection_above_a_cohorts_share_in_a_later_year_is_an_error() -> None:
    """The check of the cohorts reads their shares by position: the 65+ share falls below its declared
    intersection in 2018/19, and the error names the cohort, the POD and the year."""
    cohorts = [
        Cohort(id="top15", name="Top 15% at risk", shares={"nel": 0.79}),
        Cohort(
            id="over65",
            name="People aged 65 and over",
            shares={"nel": 0.55},
            share_by_year={"nel": {"2018/19": 0.3}},
        ),
    ]
    overlaps = [CohortOverlap(cohorts=["top15", "over65"], shares={"nel": 0.45})]
    with pytest.raises(ModelError) as error:
        run(_scenario(None, cohorts, overlaps))
    assert (
        "the intersections of cohort 'People aged 65 and over' on POD 'Non Elective' are larger than its "
        "share in 2018/19 (30.0%)"
    ) in str(error.value)


@pytest.fixture(scope="module")
def demand() -> Scenario:
    return load_scenario(DEMAND).scenario


@pytest.mark.unit
def test_the_cohorts_shares_are_labelled_when_read(demand: Scenario) -> None:
    results = run(demand)
    assert results.pending("cohort_share") is not None
    assert results.pending("cohort_headcount") is not None
    share = results.cohort_share
    assert isinstance(share, xr.DataArray)
    assert share.dims == ("cohort", "year", "pod")
    assert list(share.cohort.values) == ["all", "top15", "over65"]
    assert results.pending("cohort_share") is None and results.cohort_share is share
    heads = results.cohort_headcount
    assert heads is not None and heads.dims == ("cohort", "year")
    assert float(heads.sel(cohort="over65", year="2020/21")) == pytest.approx(61_000)
    again = pickle.loads(pickle.dumps(run(demand)))
    xr.testing.assert_identical(again.cohort_share, share)
    xr.testing.assert_identical(again.cohort_headcount, heads)


@pytest.mark.unit
def test_the_workforce_is_labelled_with_the_capacity_when_read() -> None:
    """A scenario with a workforce: the capacity holds the staff groups' WTE, pay and agency spend, with their
    names and units, built on first read."""
    scenario = load_scenario(
        Path(__file__).parents[2] / "examples" / "staffordshire-stp-2016" / "effects.yaml"
    ).scenario
    assert scenario.workforce
    results = run(scenario)
    assert results.pending("capacity") is not None
    capacity = results.capacity
    for name, unit in (("staff_wte", "WTE"), ("pay", "£'000"), ("agency_spend", "£'000")):
        assert capacity[name].attrs["units"] == unit
    assert capacity["staff_wte"].dims == ("case", "workforce_group", "year")
    assert capacity["agency_spend"].dims == ("workforce_group", "year")
    names = dict(
        zip(
            capacity["workforce_group"].values.tolist(),
            capacity["workforce_group_name"].values.tolist(),
            strict=True,
        )
    )
    assert names == {group.id: group.name for group in scenario.workforce}
    xr.testing.assert_identical(pickle.loads(pickle.dumps(run(scenario))).capacity, capacity)
