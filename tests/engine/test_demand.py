"""Demand (docs/demand.md): demographic growth by age and sex, its split, cohorts over time and overlapping.

Properties (hypothesis): a declared intersection of 0 gives the disjoint figures to the last bit; the results
do not depend on the order of the schemes, the cohorts or the declarations; a population that does not change
gives no demographic growth. Examples: the overlap rule on an intersection, by hand; a cohort share from a
headcount; the errors of an intersection and of removals beyond a cohort.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from carebridge.engine import ModelError, Results, run
from carebridge.engine.inputs import compile_inputs
from carebridge.engine.run import run_inputs
from carebridge.scenario import validate
from carebridge.scenario.schema import (
    Activity,
    Cohort,
    CohortOverlap,
    Demography,
    Organisation,
    Pod,
    Reduce,
    Scenario,
    Scheme,
)

from .strategies import run_or_reject, scenarios

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _arrays(results: Results) -> dict[str, np.ndarray]:
    """The activity of a run, in total and by scheme, as plain arrays by name."""
    found = {str(name): results.activity[name].values for name in results.activity.data_vars}
    for name in results.scheme_activity.data_vars:
        found[f"scheme_{name}"] = results.scheme_activity[name].values
    return found


def _legacy(scenario: Scenario) -> dict[str, np.ndarray]:
    """The run with cohorts as the specification's §4 had them: disjoint, constant shares (no regions)."""
    inputs = compile_inputs(scenario)
    effects = replace(inputs.effects, region_share=None, region_member=None, cohort_share_by_year=None)
    with xr.set_options(arithmetic_join="exact"):  # type: ignore[no-untyped-call]
        results = run_inputs(scenario, replace(inputs, effects=effects))
    return _arrays(results)


def _figures(scenario: Scenario) -> dict[str, np.ndarray]:
    return _arrays(run(scenario))


def _with_zero_overlaps(scenario: Scenario) -> Scenario:
    pairs = combinations([c.id for c in scenario.cohorts], 2)
    pods = [p.id for p in scenario.pods if p.activity is not None]
    overlaps = [CohortOverlap(cohorts=[a, b], shares=dict.fromkeys(pods, 0.0)) for a, b in pairs]
    return scenario.model_copy(update={"cohort_overlaps": overlaps})


@pytest.mark.property
@SETTINGS
@given(scenarios(min_schemes=1))
def test_a_declared_intersection_of_0_gives_the_disjoint_figures_exactly(scenario: Scenario) -> None:
    run_or_reject(scenario)
    declared = _with_zero_overlaps(scenario)
    assert validate.check(declared) == validate.check(scenario)  # the declaration adds no problem
    expected, found = _legacy(scenario), _figures(declared)
    undeclared = _figures(scenario)
    for name, values in expected.items():
        np.testing.assert_array_equal(found[name], values, err_msg=name)
        np.testing.assert_array_equal(undeclared[name], values, err_msg=name)


def _overlapping(scenario: Scenario, fraction: float) -> Scenario:
    """``scenario`` with every pair of cohorts sharing ``fraction`` of the smaller cohort's share."""
    overlaps = []
    for a, b in combinations(scenario.cohorts, 2):
        common = {
            pod: fraction * min(a.shares[pod], b.shares[pod]) / 2 for pod in a.shares if pod in b.shares
        }
        if common:
            overlaps.append(CohortOverlap(cohorts=[a.id, b.id], shares=common))
    return scenario.model_copy(update={"cohort_overlaps": overlaps})


@pytest.mark.property
@SETTINGS
@given(scenarios(min_schemes=2), st.floats(0, 1))
def test_results_do_not_depend_on_the_order_of_schemes_cohorts_or_overlaps(
    scenario: Scenario, fraction: float
) -> None:
    run_or_reject(scenario)
    forward = _overlapping(scenario, fraction)
    backward = forward.model_copy(
        update={
            "schemes": list(reversed(forward.schemes)),
            "cohorts": list(reversed(forward.cohorts)),
            "cohort_overlaps": [
                o.model_copy(update={"cohorts": list(reversed(o.cohorts))})
                for o in reversed(forward.cohort_overlaps)
            ],
        }
    )
    try:
        first = run(forward)
    except ModelError:
        with pytest.raises(ModelError):
            run(backward)
        return
    second = run(backward)
    for name in ("do_nothing", "avoided_growth", "reduction", "do_something"):
        np.testing.assert_allclose(
            second.activity[name].values, first.activity[name].values, rtol=1e-12, atol=1e-9
        )
    for name in ("avoided_growth", "reduction"):
        np.testing.assert_allclose(
            second.scheme_activity[name].sel(scheme=first.scheme_activity.scheme).values,
            first.scheme_activity[name].values,
            rtol=1e-12,
            atol=1e-9,
        )


# --- demographic growth by age and sex ----------------------------------------------------------------------

YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]


def _scenario(
    activity: Activity,
    people: dict[str, Any] | None = None,
    cohorts: list[Cohort] | None = None,
    schemes: list[Scheme] | None = None,
    overlaps: list[CohortOverlap] | None = None,
) -> Scenario:
    return Scenario(
        format_version=1,
        name="Demand",
        base_year=YEARS[0],
        end_year=YEARS[-1],
        organisations=[Organisation(id="ccg", name="The CCG", kind="commissioner")],
        pods=[Pod(id="nel", name="Non Elective", unit="spell", activity=activity, price=1500.0)],
        cohorts=cohorts or [],
        schemes=schemes or [],
        cohort_overlaps=overlaps or [],
        demography=Demography(people=people) if people is not None else None,
    )


RATES = {"female": {"0-64": 0.07, "65+": 0.3}, "male": {"0-64": 0.065, "65+": 0.32}}


@pytest.mark.property
@SETTINGS
@given(
    st.lists(st.floats(0, 1e6), min_size=4, max_size=4),
    st.floats(-0.05, 0.05),
)
def test_a_population_that_does_not_change_gives_no_demographic_growth(
    people: list[float], non_demographic: float
) -> None:
    constant = {
        "female": {"0-64": people[0], "65+": people[1]},
        "male": {"0-64": people[2], "65+": people[3]},
    }
    activity = Activity(base=40_000, demographic_rates=RATES, non_demographic_growth=non_demographic)
    results = run(_scenario(activity, constant))
    assert (results.activity["demographic_growth"].values == 0).all()
    growth = results.activity["do_nothing"] - 40_000
    np.testing.assert_array_equal(results.activity["non_demographic_growth"].values, growth.values)


@pytest.mark.unit
def test_demographic_growth_weights_each_age_and_sex_by_its_rate() -> None:
    """``g_demo[t] = Σ r·pop[t] / Σ r·pop[t−1] − 1`` over sex and band; the split adds up to the growth."""
    people = {
        "female": {"0-64": 100_000.0, "65-79": {"2016/17": 20_000, "2017/18": 22_000}, "80+": 5_000.0},
        "male": {"0-64": 98_000.0, "65-79": {"2016/17": 18_000, "2017/18": 19_000}, "80+": 3_000.0},
    }
    rates = {"female": {"0-64": 0.05, "65+": 0.4}, "male": {"0-64": 0.05, "65+": 0.5}}
    activity = Activity(base=40_000, demographic_rates=rates, non_demographic_growth=0.01)
    results = run(_scenario(activity, people))
    before = 0.05 * 100_000 + 0.4 * 25_000 + 0.05 * 98_000 + 0.5 * 21_000
    after = 0.05 * 100_000 + 0.4 * 27_000 + 0.05 * 98_000 + 0.5 * 22_000
    nel = results.activity.sel(pod="nel")
    assert float(nel["do_nothing"].sel(year="2017/18")) == pytest.approx(40_000 * after / before * 1.01)
    assert float(nel["demographic_growth"].sel(year="2017/18")) == pytest.approx(
        40_000 * (after / before - 1)
    )
    split = nel["demographic_growth"] + nel["non_demographic_growth"]
    np.testing.assert_allclose(split.values, (nel["do_nothing"] - 40_000).values)


# --- cohorts over time and overlapping ----------------------------------------------------------------------


def _two_cohorts(intersection: float | None, fraction: float = 0.5) -> Scenario:
    cohorts = [
        Cohort(id="top15", name="Top 15% at risk", shares={"nel": 0.79}),
        Cohort(id="over65", name="People aged 65 and over", shares={"nel": 0.55}),
    ]
    schemes = [
        Scheme(
            id=f"s_{c.id}",
            name=f"Scheme for {c.name}",
            cohort=c.id,
            effects=[Reduce(kind="reduce", pod="nel", fraction=fraction)],
        )
        for c in cohorts
    ]
    overlaps = (
        []
        if intersection is None
        else [CohortOverlap(cohorts=["top15", "over65"], shares={"nel": intersection})]
    )
    return _scenario(Activity(base=10_000, growth=0.0), cohorts=cohorts, schemes=schemes, overlaps=overlaps)


@pytest.mark.unit
def test_two_halves_on_overlapping_cohorts_combine_on_their_intersection() -> None:
    """docs/demand.md §5: 0.5·0.34 + 0.5·0.10 + (1 − 0.5·0.5)·0.45 = 55.75% of the POD, not 67%."""
    disjoint = run(_two_cohorts(None)).activity["reduction"].sel(pod="nel", year="2017/18")
    assert float(disjoint) == pytest.approx(-0.67 * 10_000)
    overlapping = run(_two_cohorts(0.45))
    assert float(overlapping.activity["reduction"].sel(pod="nel", year="2017/18")) == pytest.approx(-5_575)
    by_scheme = overlapping.scheme_activity["reduction"].sel(pod="nel", year="2017/18")
    assert float(by_scheme.sel(scheme="s_top15")) == pytest.approx(-(0.5 * 0.34 + 0.375 * 0.45) * 10_000)
    assert float(by_scheme.sel(scheme="s_over65")) == pytest.approx(-(0.5 * 0.10 + 0.375 * 0.45) * 10_000)


@pytest.mark.unit
def test_cohorts_on_one_pod_without_a_declared_intersection_are_warned_about() -> None:
    warnings = validate.warnings(_two_cohorts(None))
    assert [str(w) for w in warnings] == [
        "schemes[1].cohort: cohorts 'Top 15% at risk' and 'People aged 65 and over' both have schemes on POD "
        "'Non Elective' but no declared intersection; they are taken as disjoint — declare cohort_overlaps "
        "(0 if they are)"
    ]
    assert validate.warnings(_two_cohorts(0.0)) == []


@pytest.mark.unit
def test_an_intersection_larger_than_a_cohort_is_an_error_at_its_share() -> None:
    problems = validate.check(_two_cohorts(0.6))
    assert [str(p) for p in problems] == [
        "cohort_overlaps[0].shares.nel: the intersection (0.6 of POD 'Non Elective') is larger than cohort "
        "'People aged 65 and over''s share (0.55); it cannot hold more than either cohort"
    ]


@pytest.mark.unit
def test_removals_beyond_a_cohort_remain_an_error_naming_the_schemes() -> None:
    """Reductions of the base year's activity on a POD that falls take more than the cohort holds."""
    scenario = _two_cohorts(0.45, fraction=0.95)
    falling = scenario.pods[0].model_copy(update={"activity": Activity(base=10_000, growth=-0.3)})
    with pytest.raises(ModelError) as error:
        run(scenario.model_copy(update={"pods": [falling]}))
    message = str(error.value)
    assert (
        "the effects of schemes 's_top15', 's_over65' remove more of POD 'nel' than cohort 'top15'" in message
    )


@pytest.mark.unit
def test_a_cohort_share_follows_its_headcount() -> None:
    """55,700 in 2014/15 and 61,000 in 2020/21, linear between: the share rises with the headcount over the
    POD's demographic index (1 here: growth alone is non-demographic)."""
    cohort = Cohort(
        id="over65",
        name="People aged 65 and over",
        shares={"nel": 0.55},
        headcount={"2014/15": 55_700, "2020/21": 61_000},
    )
    scenario = _scenario(Activity(base=10_000, growth=0.02), cohorts=[cohort])
    share = compile_inputs(scenario).effects.cohort_share_by_year
    assert share is not None
    heads = np.array([55_700 + (61_000 - 55_700) * (y - 2014) / 6 for y in (2016, 2017, 2018, 2019)])
    np.testing.assert_allclose(
        share.labelled().sel(cohort="over65", pod="nel").values, 0.55 * heads / heads[0]
    )


@pytest.mark.unit
def test_a_cohort_share_above_1_is_an_error_naming_the_cohort() -> None:
    cohort = Cohort(
        id="over65",
        name="People aged 65 and over",
        shares={"nel": 0.9},
        headcount={"2016/17": 100, "2019/20": 200},
    )
    with pytest.raises(ModelError) as error:
        run(_scenario(Activity(base=10_000, growth=0.0), cohorts=[cohort]))
    assert "cohorts[0].headcount: cohort 'People aged 65 and over' would have 120.0%" in str(error.value)
