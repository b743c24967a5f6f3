"""Example-based tests of each engine function, with numbers worked by hand (model spec sections 3–7)."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import ModelError, run
from carebridge.engine import activity as activity_model
from carebridge.engine.finance import positions
from carebridge.engine.inputs import compile_inputs
from carebridge.engine.labels import plain
from carebridge.engine.savings import by_provider, cost_release, release_matrix, tariff_saving
from carebridge.engine.schemes import combine_fractions
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.schema import (
    Absolute,
    Activity,
    AvoidGrowth,
    Cohort,
    CostRelease,
    DirectSaving,
    FundingSource,
    Organisation,
    PlanLine,
    Pod,
    Positions,
    PriceUplift,
    ProgrammeInvestment,
    Reduce,
    Scenario,
    Scheme,
    SchemeInvestment,
    Statement,
)
from carebridge.scenario.years import format_year

pytestmark = pytest.mark.unit

YEARS_5 = [format_year(2016 + i) for i in range(5)]  # 2016/17 … 2020/21
STOCKPORT_YEARS = [format_year(2016 + i) for i in range(9)]  # 2016/17 … 2024/25


def by_year(values: list[float], years: list[str] = YEARS_5) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), dims=["year"], coords={"year": years[: len(values)]})


def close(actual: xr.DataArray, expected: xr.DataArray, **tolerance: float) -> None:
    """``assert_allclose`` ignoring dimension order, coordinates left over from selecting one label and the
    labels a run puts on its arrays."""
    actual = plain(actual.drop_vars([n for n, c in actual.coords.items() if c.ndim == 0]))
    expected = plain(expected.drop_vars([n for n, c in expected.coords.items() if c.ndim == 0]))
    xr.testing.assert_allclose(actual.transpose(*expected.dims), expected, **tolerance)


def scenario(**changes: Any) -> Scenario:
    """A small scenario, 2016/17 to 2020/21: one commissioner, one acute trust, A&E with 1,000 attendances a
    year at £100, no growth; ``changes`` replace any top-level field."""
    fields: dict[str, Any] = {
        "format_version": 1,
        "name": "Unit test",
        "base_year": "2016/17",
        "end_year": "2020/21",
        "organisations": [
            Organisation(id="ccg", name="CCG", kind="commissioner"),
            Organisation(id="ft", name="Foundation Trust", kind="acute"),
        ],
        "pods": [ae_pod()],
    }
    fields.update(changes)
    return Scenario(**fields)


def ae_pod(**changes: Any) -> Pod:
    fields: dict[str, Any] = {
        "id": "ae",
        "name": "A&E",
        "unit": "attendance",
        "activity": Activity(base=1000, growth=0.0),
        "price": 100.0,
        "providers": {"ft": 0.75, "other": 0.25},
    }
    fields.update(changes)
    return Pod(**fields)


def do_nothing_of(pod: Pod, **changes: Any) -> xr.DataArray:
    return run(scenario(pods=[pod], **changes)).activity["do_nothing"].sel(pod=pod.id)


# --- overlap rule: combine_fractions ------------------------------------------------------------------------


def fractions(values: dict[str, float]) -> xr.DataArray:
    """Fractions of one kind by scheme, one year, one POD."""
    return xr.DataArray(
        np.array(list(values.values()), dtype=float).reshape(len(values), 1, 1),
        dims=["scheme", "year", "pod"],
        coords={"scheme": list(values), "year": ["2017/18"], "pod": ["ae"]},
    )


def membership(cohort_of: dict[str, str], cohorts: tuple[str, ...] = ("all", "top15")) -> xr.DataArray:
    """The one-hot (scheme, cohort) matrix of the schemes' target cohorts."""
    matrix = np.array([[1.0 if cohort_of[s] == c else 0.0 for c in cohorts] for s in cohort_of])
    return xr.DataArray(
        matrix, dims=["scheme", "cohort"], coords={"scheme": list(cohort_of), "cohort": list(cohorts)}
    )


def per_scheme_of(values: dict[str, float]) -> xr.DataArray:
    return fractions(values)


def per_cohort(values: dict[str, float]) -> xr.DataArray:
    return xr.DataArray(
        np.array(list(values.values()), dtype=float).reshape(len(values), 1, 1),
        dims=["cohort", "year", "pod"],
        coords={"cohort": list(values), "year": ["2017/18"], "pod": ["ae"]},
    )


def test_two_halves_on_one_cohort_combine_to_three_quarters_split_equally() -> None:
    per_scheme, combined = combine_fractions(
        fractions({"a": 0.5, "b": 0.5}), membership({"a": "all", "b": "all"})
    )
    close(per_scheme, per_scheme_of({"a": 0.375, "b": 0.375}))
    close(combined, per_cohort({"all": 0.75, "top15": 0.0}))


def test_combined_fraction_is_attributed_in_proportion_to_each_scheme_fraction() -> None:
    # 1 − 0.8 · 0.7 · 0.5 = 0.72, shared 0.2 : 0.3 : 0.5.
    given = {"a": 0.2, "b": 0.3, "c": 0.5}
    per_scheme, combined = combine_fractions(fractions(given), membership(dict.fromkeys(given, "top15")))
    close(per_scheme, per_scheme_of({"a": 0.144, "b": 0.216, "c": 0.36}))
    close(combined, per_cohort({"all": 0.0, "top15": 0.72}))


def test_a_negative_fraction_adds_to_the_others() -> None:
    per_scheme, combined = combine_fractions(
        fractions({"a": 0.5, "b": -0.2}), membership({"a": "all", "b": "all"})
    )
    close(per_scheme, per_scheme_of({"a": 0.5, "b": -0.2}))
    close(combined, per_cohort({"all": 0.3, "top15": 0.0}))


def test_a_negative_fraction_adds_after_the_positive_ones_overlap() -> None:
    given = {"a": 0.5, "b": 0.5, "c": -0.1}
    per_scheme, combined = combine_fractions(fractions(given), membership(dict.fromkeys(given, "all")))
    close(per_scheme, per_scheme_of({"a": 0.375, "b": 0.375, "c": -0.1}))
    close(combined, per_cohort({"all": 0.65, "top15": 0.0}))


def test_a_scheme_on_another_cohort_does_not_overlap() -> None:
    per_scheme, combined = combine_fractions(
        fractions({"a": 0.5, "b": 0.5}), membership({"a": "all", "b": "top15"})
    )
    close(per_scheme, per_scheme_of({"a": 0.5, "b": 0.5}))
    close(combined, per_cohort({"all": 0.5, "top15": 0.5}))


def test_combine_fractions_does_not_depend_on_the_order_of_the_schemes() -> None:
    given = {"a": 0.2, "b": 0.45, "c": -0.1, "d": 0.6}
    cohorts = {"a": "all", "b": "top15", "c": "top15", "d": "top15"}
    forward = combine_fractions(fractions(given), membership(cohorts))
    backward_given = dict(reversed(list(given.items())))
    backward = combine_fractions(
        fractions(backward_given), membership({s: cohorts[s] for s in backward_given})
    )
    close(backward[0].sel(scheme=list(given)), forward[0])
    close(backward[1], forward[1])


def test_fractions_of_one_remove_everything_and_zeros_remove_nothing() -> None:
    per_scheme, combined = combine_fractions(
        fractions({"a": 1.0, "b": 1.0}), membership({"a": "all", "b": "all"})
    )
    close(per_scheme, per_scheme_of({"a": 0.5, "b": 0.5}))
    close(combined, per_cohort({"all": 1.0, "top15": 0.0}))
    per_scheme, combined = combine_fractions(
        fractions({"a": 0.0, "b": 0.0}), membership({"a": "all", "b": "all"})
    )
    close(per_scheme, per_scheme_of({"a": 0.0, "b": 0.0}))  # no 0 / 0
    close(combined, per_cohort({"all": 0.0, "top15": 0.0}))


def test_overlap_in_a_run_applies_cohort_share_and_basis() -> None:
    """Two schemes removing 50% of a cohort with 40% of A&E: 0.75 · 0.4 · 1,000 = 300, 150 each; a
    third on everyone removing 10% does not overlap with them: 100 more."""
    cohort = Cohort(id="top15", name="Top 15%", shares={"ae": 0.4})
    schemes = [
        Scheme(id="a", name="A", cohort="top15", effects=[Reduce(kind="reduce", pod="ae", fraction=0.5)]),
        Scheme(id="b", name="B", cohort="top15", effects=[Reduce(kind="reduce", pod="ae", fraction=0.5)]),
        Scheme(id="c", name="C", effects=[Reduce(kind="reduce", pod="ae", fraction=0.1)]),
    ]
    results = run(scenario(cohorts=[cohort], schemes=schemes))
    reduction = results.scheme_activity["reduction"].sel(pod="ae", year="2018/19")
    assert reduction.sel(scheme=["a", "b", "c"]).values.tolist() == pytest.approx([-150, -150, -100])
    assert float(results.activity["do_something"].sel(pod="ae", year="2018/19")) == pytest.approx(600)
    assert float(results.activity["deflection_pct"].sel(pod="ae", year="2018/19")) == pytest.approx(-40)


def test_fractions_of_different_kinds_or_bases_add() -> None:
    """The overlap rule applies within a kind (and basis); across them amounts add."""
    pod = ae_pod(activity=Activity(base=1000, growth=0.1))
    schemes = [
        Scheme(id="a", name="A", effects=[Reduce(kind="reduce", pod="ae", fraction=0.2)]),
        Scheme(id="b", name="B", effects=[Reduce(kind="reduce", pod="ae", fraction=0.2, basis="do_nothing")]),
        Scheme(id="c", name="C", effects=[AvoidGrowth(kind="avoid_growth", pod="ae", fraction=0.5)]),
    ]
    results = run(scenario(pods=[pod], schemes=schemes))
    year = "2017/18"  # do-nothing 1,100, growth 100
    assert results.scheme_activity["reduction"].sel(pod="ae", year=year).values.tolist() == pytest.approx(
        [-200, -220, 0]
    )
    assert results.scheme_activity["avoided_growth"].sel(
        pod="ae", year=year
    ).values.tolist() == pytest.approx([0, 0, -50])


def test_avoided_growth_is_zero_where_activity_falls_below_base() -> None:
    pod = ae_pod(activity=Activity(base=1000, trajectory={"2017/18": 1100, "2018/19": 900}))
    schemes = [Scheme(id="a", name="A", effects=[AvoidGrowth(kind="avoid_growth", pod="ae", fraction=0.5)])]
    results = run(scenario(pods=[pod], schemes=schemes))
    close(results.activity["avoided_growth"].sel(pod="ae"), by_year([0, -50, 0, 0, 0]))


# --- cost release -------------------------------------------------------------------------------------------


STOCKPORT_AE_REDUCTIONS = {"2017/18": 18103, "2018/19": 20539, "2019/20": 24440, "2020/21": 23492}
STOCKPORT_AE_PRICES = {"2017/18": 91.90, "2018/19": 92.52, "2019/20": 92.74, "2020/21": 94.25}
STOCKPORT_AE_COST = CostRelease(variable=0.2903, semi_fixed=0.54, fixed=0.1697)  # lags 0, 1, 3 by default


def stockport_ae_tariff() -> xr.DataArray:
    """Tariff-basis A&E deflection saving in £'000, held after 2020/21: 0, 1,663.7, 1,900.3, 2,266.6,
    2,214.1."""
    saving = [0.0] + [STOCKPORT_AE_REDUCTIONS[y] * STOCKPORT_AE_PRICES[y] / 1000 for y in STOCKPORT_AE_PRICES]
    saving += [saving[-1]] * (len(STOCKPORT_YEARS) - len(saving))
    return xr.DataArray(saving, dims=["year"], coords={"year": STOCKPORT_YEARS}).expand_dims(pod=["ae"])


def release_profile(shares: dict[int, float], years: int = len(STOCKPORT_YEARS)) -> xr.DataArray:
    """``w[d] = Σ_j share_j · 1[d ≥ lag_j]`` from ``{lag: share}``, as (pod, lag)."""
    profile = np.zeros(years)
    for lag, share in shares.items():
        profile[lag:] += share
    return xr.DataArray(
        profile[None, :], dims=["pod", "lag"], coords={"pod": ["ae"], "lag": np.arange(years)}
    )


def check_stockport_increments(cost: xr.DataArray) -> None:
    """Stockport Table 7, A&E deflections: 483, 967, 234, 465, 12 in 2017/18 to 2021/22 and 53 in its
    "2022 to 25" column (the sum of 2022/23 to 2024/25: 62 then −9), total 2,214 = the tariff saving."""
    increments = cost.diff("year").values
    assert increments[:5] == pytest.approx([483, 967, 234, 465, 12], abs=1)
    assert increments[5:].sum() == pytest.approx(53, abs=1)
    assert cost.values[-1] == pytest.approx(2214, abs=1)


def test_cost_release_reproduces_the_stockport_ae_deflection_row() -> None:
    tariff = stockport_ae_tariff()
    cost = cost_release(tariff, release_profile({0: 0.2903, 1: 0.54, 3: 0.1697}))
    check_stockport_increments(cost.sel(pod="ae"))
    close(cost.isel(year=slice(-2, None)), tariff.isel(year=slice(-2, None)))  # reconciled by 2023/24


def test_a_run_releases_stockport_ae_reductions_by_the_spec_check() -> None:
    """The same check through a whole run: absolute A&E reductions at the calibrated prices."""
    pod = ae_pod(
        activity=Activity(base=100133, growth=0.0),
        price=STOCKPORT_AE_PRICES,
        cost_release=STOCKPORT_AE_COST,
    )
    schemes = [
        Scheme(
            id="ai",
            name="Acute",
            effects=[Absolute(kind="absolute", pod="ae", activity=STOCKPORT_AE_REDUCTIONS)],
        )
    ]
    results = run(scenario(pods=[pod], schemes=schemes, end_year="2024/25"))
    saving = -results.savings.sel(scheme="ai", pod="ae", source="reduction").sum("provider")
    check_stockport_increments(saving.sel(basis="cost"))
    close(saving.sel(basis="tariff"), stockport_ae_tariff().sel(pod="ae"))


def test_cost_release_of_variable_cost_is_immediate_and_fixed_cost_waits_its_lag() -> None:
    tariff = by_year([0, 10, 30, 30, 30]).expand_dims(pod=["ae"])
    close(cost_release(tariff, release_profile({0: 1.0}, 5)), tariff)
    close(
        cost_release(tariff, release_profile({2: 1.0}, 5)), by_year([0, 0, 0, 10, 30]).expand_dims(pod=["ae"])
    )


def test_cost_release_of_a_fall_in_saving_is_lagged_too() -> None:
    """δ may be negative: a saving that falls from 10 to 4 gives the 6 back over the same profile."""
    tariff = by_year([0, 10, 4, 4, 4]).expand_dims(pod=["ae"])
    cost = cost_release(tariff, release_profile({0: 0.5, 1: 0.5}, 5))
    close(cost, by_year([0, 5, 7, 4, 4]).expand_dims(pod=["ae"]))


def test_release_matrix_holds_the_profile_below_the_diagonal() -> None:
    matrix = release_matrix(release_profile({0: 0.25, 2: 0.75}, 4), by_year([0, 0, 0, 0]).year)
    expected = np.array([[0.25, 0, 0, 0], [0.25, 0.25, 0, 0], [1, 0.25, 0.25, 0], [1, 1, 0.25, 0.25]])
    np.testing.assert_allclose(matrix.sel(pod="ae").values, expected)


def test_avoided_growth_and_immediate_direct_savings_are_released_at_once() -> None:
    """Only reductions and direct savings released by cost structure wait for the lags."""
    pod = ae_pod(activity=Activity(base=1000, growth=0.1), cost_release=CostRelease(variable=0, fixed=1.0))
    money = Pod(
        id="rn",
        name="Residential & nursing",
        unit="placement",
        cost_release=CostRelease(variable=0, fixed=1.0),
    )
    effects = [
        AvoidGrowth(kind="avoid_growth", pod="ae", fraction=0.5),
        Absolute(kind="absolute", pod="ae", activity={"2017/18": 100}),
        DirectSaving(kind="direct_saving", pod="rn", saving={"2017/18": 40}, release="immediate"),
        DirectSaving(kind="direct_saving", pod="rn", saving={"2017/18": 60}),
    ]
    results = run(scenario(pods=[pod, money], schemes=[Scheme(id="a", name="A", effects=effects)]))
    saving = -results.savings.sel(scheme="a").sum("provider")
    cost, tariff = saving.sel(basis="cost"), saving.sel(basis="tariff")
    close(cost.sel(source="avoided_growth"), tariff.sel(source="avoided_growth"))
    close(tariff.sel(source="reduction", pod="ae"), by_year([0, 10, 10, 10, 10]))
    close(cost.sel(source="reduction", pod="ae"), by_year([0, 0, 0, 0, 10]))  # fixed cost, lag 3
    close(tariff.sel(source="direct", pod="rn"), by_year([0, 100, 100, 100, 100]))
    close(cost.sel(source="direct", pod="rn"), by_year([0, 40, 40, 40, 100]))


# --- tariff and providers -----------------------------------------------------------------------------------


def test_tariff_saving_is_activity_times_price_in_thousands() -> None:
    removed = xr.DataArray([[250.0]], dims=["year", "pod"], coords={"year": ["2017/18"], "pod": ["ae"]})
    price = xr.DataArray([[92.52]], dims=["year", "pod"], coords={"year": ["2017/18"], "pod": ["ae"]})
    close(tariff_saving(removed, price), removed * 0.09252)


def test_savings_fall_to_providers_by_their_shares() -> None:
    saving = xr.DataArray([100.0, 40.0], dims=["pod"], coords={"pod": ["ae", "nel"]})
    split = xr.DataArray(
        [[0.78, 0.22], [1.0, 0.0]],
        dims=["pod", "provider"],
        coords={"pod": ["ae", "nel"], "provider": ["ft", "other"]},
    )
    expected = xr.DataArray(
        [[78.0, 22.0], [40.0, 0.0]],
        dims=["pod", "provider"],
        coords={"pod": ["ae", "nel"], "provider": ["ft", "other"]},
    )
    close(by_provider(saving, split), expected)


def test_a_run_splits_savings_by_provider() -> None:
    schemes = [Scheme(id="a", name="A", effects=[Absolute(kind="absolute", pod="ae", activity=100)])]
    saving = run(scenario(schemes=schemes)).savings.sel(
        scheme="a", pod="ae", source="reduction", basis="tariff"
    )
    assert list(saving.provider.values) == ["ft", "other"]
    close(
        saving.sel(year="2018/19"),
        xr.DataArray([-7.5, -2.5], dims=["provider"], coords={"provider": ["ft", "other"]}),
    )


# --- do-nothing activity and prices -------------------------------------------------------------------------


def test_do_nothing_activity_compounds_growth_on_base_unless_a_trajectory_is_given() -> None:
    base = xr.DataArray([100.0, 50.0], dims=["pod"], coords={"pod": ["ae", "nel"]})
    growth = xr.DataArray(
        [[0, 0], [0.1, 0.2], [0.1, 0.2]],
        dims=["year", "pod"],
        coords={"year": YEARS_5[:3], "pod": ["ae", "nel"]},
    )
    trajectory = xr.full_like(growth, np.nan)
    trajectory.loc[{"pod": "nel"}] = [50, 55, 70]
    do_nothing = activity_model.do_nothing_activity(base, trajectory, growth)
    close(do_nothing, growth.copy(data=[[100, 50], [110, 55], [121, 70]]))
    close(activity_model.growth_over_base(do_nothing, base), growth.copy(data=[[0, 0], [10, 5], [21, 20]]))


def test_demographic_and_non_demographic_growth_multiply() -> None:
    pod = ae_pod(activity=Activity(base=1000, growth=0.02, non_demographic_growth=0.01))
    close(do_nothing_of(pod), by_year([1000 * (1.02 * 1.01) ** t for t in range(5)]))


def test_growth_by_year_is_zero_before_its_first_year_and_held_after() -> None:
    pod = ae_pod(activity=Activity(base=1000, growth={"2018/19": 0.03, "2019/20": -0.01}))
    close(do_nothing_of(pod), by_year([1000, 1000, 1030, 1030 * 0.99, 1030 * 0.99 * 0.99]))


def test_a_trajectory_holds_the_base_until_its_first_year_and_its_last_value_after() -> None:
    pod = ae_pod(activity=Activity(base=1000, trajectory={"2018/19": 1100, "2019/20": 1300}))
    close(do_nothing_of(pod), by_year([1000, 1000, 1100, 1300, 1300]))


def test_population_projection_gives_demographic_growth() -> None:
    """Spec section 3, option 3: g_demo[t] = Σ_a pop[t,a]·r[a] / Σ_a pop[t−1,a]·r[a] − 1, then the
    non-demographic rate multiplies."""
    population = {
        "0-64": {"2016/17": 200_000, "2017/18": 201_000, "2018/19": 201_500, "2019/20": 201_000},
        "65+": {"2016/17": 50_000, "2017/18": 52_000, "2018/19": 54_500, "2019/20": 57_000},
    }
    rates = {"0-64": 0.2, "65+": 0.9}
    pod = ae_pod(activity=Activity(base=85_000, population_rates=rates, non_demographic_growth=0.01))
    weighted = [sum(population[band][year] * rate for band, rate in rates.items()) for year in YEARS_5[:4]]
    weighted.append(weighted[-1])  # the population is held after its last year
    expected = [85_000.0]
    for t in range(1, 5):
        expected.append(expected[-1] * (weighted[t] / weighted[t - 1]) * 1.01)
    close(do_nothing_of(pod, population=population), by_year(expected))
    # The same thing in closed form: activity grows with the weighted population.
    assert expected[3] == pytest.approx(85_000 * weighted[3] / weighted[0] * 1.01**3)


def test_price_with_an_annual_uplift() -> None:
    pod = ae_pod(price=PriceUplift(base=100, uplift=0.02))
    price = compile_inputs(scenario(pods=[pod])).prices.price.sel(pod="ae")
    close(price, by_year([100 * 1.02**t for t in range(5)]))
    schemes = [Scheme(id="a", name="A", effects=[Absolute(kind="absolute", pod="ae", activity=1000)])]
    saving = run(scenario(pods=[pod], schemes=schemes)).savings.sel(scheme="a", pod="ae", source="reduction")
    close(-saving.sel(basis="tariff").sum("provider"), by_year([100 * 1.02**t for t in range(5)]))


def test_an_uplift_by_year_starts_after_the_base_year() -> None:
    pod = ae_pod(price=PriceUplift(base=100, uplift={"2018/19": 0.05}))
    price = compile_inputs(scenario(pods=[pod])).prices.price.sel(pod="ae")
    close(price, by_year([100, 100, 105, 110.25, 115.7625]))


def test_a_price_by_year_also_holds_backwards() -> None:
    pod = ae_pod(price={"2018/19": 50, "2020/21": 60})
    price = compile_inputs(scenario(pods=[pod])).prices.price.sel(pod="ae")
    close(price, by_year([50, 50, 50, 50, 60]))


# --- values by year as the engine fills them ----------------------------------------------------------------


def test_scheme_investment_recurrent_is_held_and_non_recurrent_is_one_off() -> None:
    investment = SchemeInvestment(
        recurrent={"2017/18": 50, "2019/20": 70}, non_recurrent={"2017/18": 100, "2019/20": 30}
    )
    results = run(scenario(schemes=[Scheme(id="a", name="A", investment=investment)]))
    close(results.scheme_investment["recurrent"].sel(scheme="a"), by_year([0, 50, 50, 70, 70]))
    close(results.scheme_investment["non_recurrent"].sel(scheme="a"), by_year([0, 100, 0, 30, 0]))
    line = results.statement.sel(basis="tariff", line="Scheme investment")
    close(line, by_year([0, 150, 50, 100, 70]))


def test_programme_investment_funding_and_plan_lines_fill_by_kind() -> None:
    amount = {"2017/18": 10.0, "2019/20": 20.0}
    results = run(
        scenario(
            investments=[
                ProgrammeInvestment(id="r", name="Recurrent", kind="recurrent", amount=amount),
                ProgrammeInvestment(id="n", name="One-off", kind="non_recurrent", amount=amount),
            ],
            funding=[
                FundingSource(id="fr", name="Recurrent fund", kind="recurrent", amount=amount),
                FundingSource(id="fn", name="One-off fund", kind="non_recurrent", amount=amount),
            ],
            positions=Positions(
                do_nothing={"ccg": amount, "ft": 5.0},
                plan_lines=[
                    PlanLine(id="held", name="Held", org="ccg", value=amount),
                    PlanLine(id="once", name="Once", org="ft", value=amount, non_recurrent=True),
                ],
            ),
        )
    )
    held, once = by_year([0, 10, 10, 20, 20]), by_year([0, 10, 0, 20, 0])
    table = results.statement.sel(basis="cost")
    close(table.sel(line="Recurrent"), held)
    close(table.sel(line="One-off"), once)
    close(table.sel(line="Recurrent fund"), -held)
    close(table.sel(line="One-off fund"), -once)
    close(results.positions.sel(line="do_nothing", org="ccg"), held)
    close(results.positions.sel(line="do_nothing", org="ft"), by_year([5] * 5))
    close(results.positions.sel(line="held", org="ccg"), held)
    close(results.positions.sel(line="once", org="ft"), once)


def test_effects_by_year_are_zero_before_their_first_year_and_held_after() -> None:
    schemes = [Scheme(id="a", name="A", effects=[Reduce(kind="reduce", pod="ae", fraction={"2018/19": 0.1})])]
    results = run(scenario(schemes=schemes))
    close(results.activity["reduction"].sel(pod="ae"), by_year([0, 0, -100, -100, -100]))


# --- schemes that take a POD below zero ---------------------------------------------------------------------


def test_schemes_taking_a_pod_below_zero_are_a_model_error_naming_them() -> None:
    schemes = [
        Scheme(id="elsewhere", name="Elsewhere", effects=[Absolute(kind="absolute", pod="nel", activity=10)]),
        Scheme(
            id="big", name="Big", effects=[Absolute(kind="absolute", pod="ae", activity={"2018/19": 1500})]
        ),
    ]
    nel = ae_pod(id="nel", name="Non-elective")
    with pytest.raises(ModelError) as raised:
        run(scenario(pods=[ae_pod(), nel], schemes=schemes))
    error = raised.value
    assert isinstance(error, ScenarioError)
    [problem] = error.problems
    assert problem.path == ("schemes", 1, "effects", 0)
    # The wording may change; what it must say may not: the schemes, the POD, the years and the amount.
    assert "'big'" in problem.message
    assert "elsewhere" not in problem.message
    assert re.search(r"\bae\b", problem.message)
    assert "nel" not in problem.message
    assert "below zero" in problem.message
    assert "2018/19 to 2020/21" in problem.message
    assert "-500" in problem.message
    assert str(error).startswith("1 problem in the scenario:\n  - schemes[1].effects[0]: ")


def test_fractions_removing_more_than_a_cohort_holds_are_a_model_error() -> None:
    """70% of base and 70% of do-nothing activity of a cohort with half of A&E: 700 removed, 500 held."""
    cohort = Cohort(id="top", name="Top", shares={"ae": 0.5})
    schemes = [
        Scheme(
            id="a",
            name="A",
            cohort="top",
            effects=[Reduce(kind="reduce", pod="ae", fraction={"2017/18": 0.7})],
        ),
        Scheme(
            id="b",
            name="B",
            cohort="top",
            effects=[
                AvoidGrowth(kind="avoid_growth", pod="ae", fraction=0.1),
                Reduce(kind="reduce", pod="ae", fraction=0.7, basis="do_nothing"),
            ],
        ),
    ]
    with pytest.raises(ModelError) as raised:
        run(scenario(cohorts=[cohort], schemes=schemes))
    [problem] = raised.value.problems
    kind, scheme_index, field, effect_index = problem.path
    assert (kind, field) == ("schemes", "effects")
    effect = schemes[int(scheme_index)].effects[int(effect_index)]
    assert effect.pod == "ae"
    assert "'a', 'b'" in problem.message
    assert re.search(r"\bae\b", problem.message)
    assert "cohort 'top'" in problem.message
    assert "2017/18 to 2020/21" in problem.message
    assert re.search(r"\b700\b.*\b500\b", problem.message)


def test_a_model_error_lists_years_that_are_not_consecutive() -> None:
    activity = {"2017/18": 1500, "2018/19": 0, "2019/20": 1500}
    schemes = [Scheme(id="big", name="Big", effects=[Absolute(kind="absolute", pod="ae", activity=activity)])]
    with pytest.raises(ModelError) as raised:
        run(scenario(schemes=schemes))
    [problem] = raised.value.problems
    assert "2017/18, 2019/20, 2020/21" in problem.message


def test_schemes_that_fit_exactly_are_not_an_error() -> None:
    schemes = [Scheme(id="all", name="All", effects=[Reduce(kind="reduce", pod="ae", fraction=1.0)])]
    results = run(scenario(schemes=schemes))
    close(results.activity["do_something"].sel(pod="ae"), by_year([0] * 5))


# --- statement, positions, bridge ---------------------------------------------------------------------------


def statement_scenario(savings_from: str | None) -> Scenario:
    schemes = [
        Scheme(
            id="a",
            name="A",
            effects=[Absolute(kind="absolute", pod="ae", activity={"2017/18": 100, "2018/19": 200})],
            investment=SchemeInvestment(recurrent=5),
        )
    ]
    funding = [FundingSource(id="f", name="Fund", kind="non_recurrent", amount={"2016/17": 3})]
    return scenario(schemes=schemes, funding=funding, statement=Statement(savings_from=savings_from))


def test_statement_lists_investment_funding_savings_and_net() -> None:
    table = run(statement_scenario(None)).statement.sel(basis="tariff")
    assert list(table.line.values) == [
        "Scheme investment",
        "total_investment",
        "Fund",
        "savings",
        "total_funding",
        "net",
    ]
    assert list(table.section.values) == [
        "investment",
        "total_investment",
        "funding",
        "funding",
        "total_funding",
        "net",
    ]
    close(table.sel(line="savings"), by_year([0, -10, -20, -20, -20]))
    close(table.sel(line="total_funding"), by_year([-3, -10, -20, -20, -20]))
    close(table.sel(line="net"), by_year([2, -5, -15, -15, -15]))


def test_savings_from_leaves_earlier_savings_out_of_the_statement_only() -> None:
    results = run(statement_scenario("2018/19"))
    for basis in ("tariff", "cost"):
        table = results.statement.sel(basis=basis)
        full = run(statement_scenario(None)).statement.sel(basis=basis)
        window = by_year([0, 0, 1, 1, 1])
        close(table.sel(line="savings"), full.sel(line="savings") * window)
        close(table.sel(line="net"), table.sel(line="total_investment") + table.sel(line="total_funding"))
    # Table 5 (the schemes' benefit) is not windowed.
    close(results.scheme_summary["benefit"].sel(scheme="a", basis="tariff"), by_year([0, -10, -20, -20, -20]))


def test_positions_add_organisation_lines_to_their_organisation_and_everything_to_the_system() -> None:
    gap = xr.DataArray(
        [[10.0, 20.0], [30.0, 40.0]], dims=["org", "year"], coords={"org": ["ccg", "ft"], "year": YEARS_5[:2]}
    )
    lines = xr.DataArray(
        [[-1.0, -2.0], [-5.0, -6.0]],
        dims=["line", "year"],
        coords={"line": ["cip", "theme"], "year": YEARS_5[:2]},
    )
    table = positions(gap, lines, ["ft", None])
    assert list(table.org.values) == ["ccg", "ft", "system"]
    assert list(table.line.values) == ["do_nothing", "cip", "theme", "do_something"]
    something = table.sel(line="do_something")
    close(something.sel(org="ccg"), by_year([10, 20]))
    close(something.sel(org="ft"), by_year([29, 38]))
    close(something.sel(org="system"), by_year([34, 52]))  # 40 + 60 − 1 − 2 … − 5 − 6
    close(
        table.sel(line="theme", org=["ccg", "ft"]), xr.zeros_like(table.sel(line="theme", org=["ccg", "ft"]))
    )


def test_bridge_walks_from_do_nothing_through_each_plan_line() -> None:
    plan = Positions(
        do_nothing={"ccg": 100.0, "ft": 50.0},
        plan_lines=[
            PlanLine(id="qipp", name="QIPP", org="ccg", value=-30.0, kind="saving"),
            PlanLine(id="cip", name="CIP", org="ft", value=-20.0, kind="saving"),
            PlanLine(id="theme", name="Themes", value=-40.0),
        ],
    )
    steps = run(scenario(positions=plan)).bridge("2018/19")
    assert [(s.line, s.name, s.value) for s in steps] == [
        ("do_nothing", "Do-nothing gap", 150.0),
        ("qipp", "QIPP", -30.0),
        ("cip", "CIP", -20.0),
        ("theme", "Themes", -40.0),
        ("do_something", "Do-something position", 60.0),
    ]


def test_plan_lines_from_schemes_take_the_schemes_savings_investment_or_net() -> None:
    from carebridge.scenario.schema import FromSchemes

    schemes = [
        Scheme(
            id="a",
            name="A",
            effects=[Absolute(kind="absolute", pod="ae", activity=100)],
            investment=SchemeInvestment(recurrent=4),
        ),
        Scheme(id="b", name="B", effects=[DirectSaving(kind="direct_saving", pod="ae", saving=1)]),
    ]
    lines = [
        PlanLine(id="saved", name="Saved", from_schemes=FromSchemes(measure="savings")),
        PlanLine(id="spent", name="Spent", from_schemes=FromSchemes(measure="investment", schemes=["a"])),
        PlanLine(id="net_b", name="Net B", from_schemes=FromSchemes(measure="net", schemes=["b"])),
    ]
    table = run(scenario(schemes=schemes, positions=Positions(plan_lines=lines))).positions.sel(org="system")
    close(table.sel(line="saved"), by_year([-11] * 5))
    close(table.sel(line="spent"), by_year([4] * 5))
    close(table.sel(line="net_b"), by_year([-1] * 5))


# --- the bridge year ----------------------------------------------------------------------------------------


def test_last_effect_year_is_the_last_year_savings_or_plan_lines_change() -> None:
    schemes = [
        Scheme(
            id="a",
            name="A",
            effects=[Absolute(kind="absolute", pod="ae", activity={"2017/18": 100, "2018/19": 150})],
        )
    ]
    assert run(scenario(schemes=schemes)).last_effect_year == "2018/19"
    lines = [PlanLine(id="cip", name="CIP", org="ft", value={"2019/20": -5})]
    assert run(scenario(schemes=schemes, positions=Positions(plan_lines=lines))).last_effect_year == "2019/20"


def test_last_effect_year_counts_a_change_in_scheme_investment() -> None:
    schemes = [
        Scheme(
            id="a",
            name="A",
            effects=[Absolute(kind="absolute", pod="ae", activity={"2017/18": 100})],
            investment=SchemeInvestment(recurrent={"2017/18": 10, "2019/20": 20}),
        )
    ]
    assert run(scenario(schemes=schemes)).last_effect_year == "2019/20"


def test_last_effect_year_counts_scheme_effects_that_change_even_if_the_total_does_not() -> None:
    schemes = [
        Scheme(
            id="a",
            name="A",
            effects=[Absolute(kind="absolute", pod="ae", activity={"2017/18": 100, "2019/20": 200})],
        ),
        Scheme(
            id="b",
            name="B",
            effects=[Absolute(kind="absolute", pod="ae", activity={"2017/18": 200, "2019/20": 100})],
        ),
    ]
    assert run(scenario(schemes=schemes)).last_effect_year == "2019/20"


def test_a_scheme_without_investment_adds_no_statement_line() -> None:
    schemes = [
        Scheme(id="a", name="A", effects=[Absolute(kind="absolute", pod="ae", activity=10)]),
        Scheme(
            id="b",
            name="B",
            effects=[Absolute(kind="absolute", pod="ae", activity=5)],
            investment=SchemeInvestment(recurrent=3, line="Business cases"),
        ),
    ]
    statement = run(scenario(schemes=schemes)).statement
    investment_lines = statement.line.values[statement.section.values == "investment"]
    assert list(investment_lines) == ["Business cases"]
