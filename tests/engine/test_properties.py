"""Properties of the engine that hold for every valid scenario (model spec sections 3–7).

The scenarios come from :mod:`tests.engine.strategies`; ``max_examples`` is kept modest so that the file
runs in well under 30 seconds. Run with ``--hypothesis-show-statistics`` to see how many examples ran.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from carebridge.engine import ModelError, Results, run
from carebridge.engine.labels import plain
from carebridge.scenario.schema import (
    Absolute,
    AvoidGrowth,
    DirectSaving,
    Effect,
    PriceUplift,
    Reduce,
    Scenario,
    Scheme,
)
from carebridge.scenario.years import Fill, YearRange

from .strategies import overlapping_reductions, run_or_reject, scenarios, settling_scenarios

pytestmark = pytest.mark.property

PROPERTY = settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ATOL = 1e-6
RTOL = 1e-9


def _without_scalar_coords(array: xr.DataArray) -> xr.DataArray:
    """Drop coordinates left over from ``sel`` of one label, which differ between the two sides, and the
    labels a run puts on its arrays."""
    return plain(array.drop_vars([name for name, coord in array.coords.items() if coord.ndim == 0]))


def close(actual: xr.DataArray, expected: xr.DataArray | float) -> None:
    """``assert_allclose`` after putting ``actual``'s dimensions in ``expected``'s order."""
    actual = _without_scalar_coords(actual)
    if isinstance(expected, xr.DataArray):
        expected = _without_scalar_coords(expected)
        actual, expected = xr.align(actual, expected, join="exact")
        actual = actual.transpose(*expected.dims)
    else:
        expected = xr.full_like(actual, expected)
    xr.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)


def span(scenario: Scenario) -> YearRange:
    return YearRange.from_labels(scenario.base_year, scenario.end_year)


def expected_prices(scenario: Scenario) -> xr.DataArray:
    """Unit price ``P[t,p]`` in £ from the scenario, written out independently of the engine."""
    years = span(scenario)
    columns = []
    for pod in scenario.pods:
        if isinstance(pod.price, PriceUplift):
            uplift = years.expand(pod.price.uplift)
            price = [pod.price.base]
            for rate in uplift[1:]:
                price.append(price[-1] * (1 + rate))
            columns.append(price)
        else:
            columns.append(list(years.expand(pod.price, Fill.PRICE)))
    return xr.DataArray(
        np.array(columns).T.reshape(len(years), len(scenario.pods)),
        dims=["year", "pod"],
        coords={"year": years.labels, "pod": [p.id for p in scenario.pods]},
    )


def with_schemes(scenario: Scenario, schemes: Sequence[Scheme]) -> Scenario:
    return scenario.model_copy(update={"schemes": list(schemes)})


def assert_same_statement(actual: xr.DataArray, expected: xr.DataArray) -> None:
    """Same statement lines with the same values; line order may differ (it follows first appearance)."""
    assert set(actual.line.values) == set(expected.line.values)
    close(actual.sel(line=expected.line.values), expected)


def assert_same_results(actual: Results, expected: Results, schemes: Sequence[str] | None = None) -> None:
    """Two runs give the same numbers; per-scheme arrays are compared for ``schemes`` (default all)."""
    chosen = list(expected.savings.scheme.values) if schemes is None else list(schemes)
    for name in ("do_nothing", "avoided_growth", "reduction", "do_something"):
        close(actual.activity[name], expected.activity[name])
    for name in ("avoided_growth", "reduction"):
        close(
            actual.scheme_activity[name].sel(scheme=chosen), expected.scheme_activity[name].sel(scheme=chosen)
        )
    close(actual.savings.sel(scheme=chosen), expected.savings.sel(scheme=chosen))
    close(actual.savings.sum("scheme"), expected.savings.sum("scheme"))
    for name in ("investment", "benefit", "net"):
        close(
            actual.scheme_summary[name].sel(scheme=chosen), expected.scheme_summary[name].sel(scheme=chosen)
        )
    close(actual.positions, expected.positions)


# --- the generated scenarios run ----------------------------------------------------------------------------


def test_most_generated_scenarios_run() -> None:
    """The strategies are built to stay within every cell, so (almost) every example reaches the checks."""
    outcomes: list[bool] = []

    @settings(
        max_examples=30,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(scenarios())
    def collect(scenario: Scenario) -> None:
        try:
            run(scenario)
        except ModelError:
            outcomes.append(False)
        else:
            outcomes.append(True)

    collect()
    assert len(outcomes) >= 25
    assert sum(outcomes) / len(outcomes) >= 0.95


# --- organisations and providers sum to the whole -----------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_organisations_sum_to_the_system(scenario: Scenario) -> None:
    """Every position line: organisation columns plus system-level plan lines equal the system column."""
    results = run_or_reject(scenario)
    positions = results.positions
    orgs = [o.id for o in scenario.organisations]
    system_lines = [line.id for line in scenario.positions.plan_lines if line.org is None]
    system_level = positions.sel(line=system_lines, org="system").sum("line")
    for line in positions.line.values:
        organisations = positions.sel(line=line, org=orgs).sum("org")
        system = positions.sel(line=line, org="system")
        if line == "do_something":
            close(organisations + system_level, system)
        elif line in system_lines:
            close(organisations, 0.0)
        else:
            close(organisations, system)
    for org in orgs:
        own = [line.id for line in scenario.positions.plan_lines if line.org == org]
        expected = positions.sel(line="do_nothing", org=org) + positions.sel(line=own, org=org).sum("line")
        close(positions.sel(line="do_something", org=org), expected)


@PROPERTY
@given(scenarios(min_schemes=1))
def test_savings_by_provider_sum_to_the_savings(scenario: Scenario) -> None:
    """Savings split by provider add up to the savings of the same scenario with every POD's provider
    `other`, and each provider's part is the POD's saving times its provider share."""
    results = run_or_reject(scenario)
    unsplit = scenario.model_copy(
        update={"pods": [pod.model_copy(update={"providers": {"other": 1.0}}) for pod in scenario.pods]}
    )
    reference = run(unsplit)
    assert list(reference.savings.provider.values) == ["other"]
    total = reference.savings.sum("provider")
    close(results.savings.sum("provider"), total)
    for pod in scenario.pods:
        for provider in results.savings.provider.values:
            share = pod.providers.get(str(provider), 0.0)
            close(results.savings.sel(pod=pod.id, provider=provider), total.sel(pod=pod.id) * share)


def expected_do_nothing(scenario: Scenario) -> xr.DataArray:
    """Do-nothing activity by spec section 3, written out year by year independently of the engine."""
    years = span(scenario)
    population = {band: years.expand(value) for band, value in (scenario.population or {}).items()}
    columns = []
    pods = [pod for pod in scenario.pods if pod.activity is not None]
    for pod in pods:
        model = pod.activity
        assert model is not None
        if model.trajectory is not None:
            given = years.expand(model.trajectory)
            first = min(years.index(year) for year in model.trajectory)
            columns.append([model.base if t < first else given[t] for t in range(len(years))])
            continue
        demographic = years.expand(model.growth)
        if model.population_rates:
            weighted = [
                sum(population[b][t] * r for b, r in model.population_rates.items())
                for t in range(len(years))
            ]
            demographic = np.array([0.0, *(weighted[t] / weighted[t - 1] - 1 for t in range(1, len(years)))])
        non_demographic = years.expand(model.non_demographic_growth)
        activity = [model.base]
        for t in range(1, len(years)):
            activity.append(activity[-1] * (1 + demographic[t]) * (1 + non_demographic[t]))
        columns.append(activity)
    return xr.DataArray(
        np.array(columns).T.reshape(len(years), len(pods)),
        dims=["year", "pod"],
        coords={"year": years.labels, "pod": [p.id for p in pods]},
    )


@PROPERTY
@given(scenarios(max_schemes=0))
def test_do_nothing_activity_follows_its_model(scenario: Scenario) -> None:
    """AD[t,p] is the trajectory (base until its first year, held after its last), or base activity grown
    by (1 + g_demo)(1 + g_nondemo) each year, g_demo from the rate or the population projection."""
    results = run_or_reject(scenario)
    close(results.activity["do_nothing"], expected_do_nothing(scenario))
    close(results.activity["do_something"], results.activity["do_nothing"])


# --- order, empty schemes and zero effects change nothing ---------------------------------------------------


@PROPERTY
@given(st.data())
def test_order_of_schemes_and_effects_does_not_matter(data: st.DataObject) -> None:
    """Reversing or permuting the schemes, and the effects within each scheme, gives the same results (the
    overlap rule does not depend on order); per-scheme arrays are compared by scheme id."""
    scenario = data.draw(scenarios(min_schemes=2), label="scenario")
    if data.draw(st.booleans(), label="reverse"):
        order = list(reversed(scenario.schemes))
        event("schemes reversed")
    else:
        order = data.draw(st.permutations(list(scenario.schemes)), label="scheme order")
        event("schemes permuted")
    shuffled = [
        scheme.model_copy(
            update={"effects": data.draw(st.permutations(scheme.effects), label=f"{scheme.id} effects")}
        )
        for scheme in order
    ]
    expected = run_or_reject(scenario)
    actual = run(with_schemes(scenario, shuffled))
    assert_same_results(actual, expected)
    assert_same_statement(actual.statement, expected.statement)


@PROPERTY
@given(st.data())
def test_a_scheme_without_effects_changes_nothing(data: st.DataObject) -> None:
    """Adding a scheme with no effects and no investment leaves activity, savings, statement and positions."""
    scenario = data.draw(scenarios(), label="scenario")
    empty = Scheme(
        id="empty",
        name="A scheme with no effects",
        cohort=data.draw(st.sampled_from(["all", *(c.id for c in scenario.cohorts)]), label="cohort"),
        owner=data.draw(st.none() | st.sampled_from([o.id for o in scenario.organisations]), label="owner"),
    )
    where = data.draw(st.integers(0, len(scenario.schemes)), label="position")
    schemes = [*scenario.schemes[:where], empty, *scenario.schemes[where:]]
    expected = run_or_reject(scenario)
    actual = run(with_schemes(scenario, schemes))
    assert_same_results(actual, expected)
    close(actual.savings.sel(scheme="empty"), 0.0)
    close(actual.scheme_activity["reduction"].sel(scheme="empty"), 0.0)
    # The statement keeps every line with its values; the empty scheme may only add a line of zeros (its
    # default line, `Scheme investment`, when no other scheme uses it).
    close(actual.statement.sel(line=expected.statement.line.values), expected.statement)
    extra = sorted(set(actual.statement.line.values) - set(expected.statement.line.values))
    assert extra in ([], ["Scheme investment"])
    close(actual.statement.sel(line=extra), 0.0)


@st.composite
def zero_effects(draw: st.DrawFn, scenario: Scenario) -> list[Effect]:
    """Effects of every kind whose values are 0 (as a scalar or a map by year)."""
    labels = YearRange.from_labels(scenario.base_year, scenario.end_year).labels
    activity_pods = [p.id for p in scenario.pods if p.activity is not None]
    all_pods = [p.id for p in scenario.pods]
    zero = st.just(0.0) | st.lists(st.sampled_from(labels), min_size=1, unique=True).map(
        lambda years: dict.fromkeys(years, 0.0)
    )
    candidates: list[st.SearchStrategy[Effect]] = [
        st.builds(
            AvoidGrowth, kind=st.just("avoid_growth"), pod=st.sampled_from(activity_pods), fraction=zero
        ),
        st.builds(
            Reduce,
            kind=st.just("reduce"),
            pod=st.sampled_from(activity_pods),
            fraction=zero,
            basis=st.sampled_from(["base", "do_nothing"]),
        ),
        st.builds(
            Absolute,
            kind=st.just("absolute"),
            pod=st.sampled_from(activity_pods),
            activity=zero,
            counts_as=st.sampled_from(["reduction", "avoided_growth"]),
        ),
        st.builds(
            DirectSaving,
            kind=st.just("direct_saving"),
            pod=st.sampled_from(all_pods),
            saving=zero,
            release=st.sampled_from(["cost_structure", "immediate"]),
        ),
    ]
    return draw(st.lists(st.one_of(candidates), min_size=1, max_size=6))


@PROPERTY
@given(st.data())
def test_zero_valued_effects_change_nothing(data: st.DataObject) -> None:
    """Effects of fraction 0, activity 0 or saving 0, added to existing schemes, change no number."""
    scenario = data.draw(scenarios(min_schemes=1), label="scenario")
    schemes = list(scenario.schemes)
    for effect in data.draw(zero_effects(scenario), label="zero effects"):
        i = data.draw(st.integers(0, len(schemes) - 1), label="scheme")
        at = data.draw(st.integers(0, len(schemes[i].effects)), label="at")
        effects = [*schemes[i].effects[:at], effect, *schemes[i].effects[at:]]
        schemes[i] = schemes[i].model_copy(update={"effects": effects})
    expected = run_or_reject(scenario)
    actual = run(with_schemes(scenario, schemes))
    assert_same_results(actual, expected)
    close(actual.statement, expected.statement)


# --- cost release, overlap, tariff --------------------------------------------------------------------------


@PROPERTY
@given(settling_scenarios())
def test_cost_basis_reaches_tariff_basis_after_the_largest_lag(case: tuple[Scenario, int]) -> None:
    """Once nothing changes after year L, the cost-basis saving equals the tariff-basis saving from year
    L + max(lag) on, for every scheme, POD, source and provider; before then it may differ."""
    scenario, last_change = case
    results = run_or_reject(scenario)
    tariff = results.savings.sel(basis="tariff")
    cost = results.savings.sel(basis="cost")
    # Tariff savings really are constant after the last change.
    settled = tariff.isel(year=slice(last_change, None))
    close(settled, settled.isel(year=0).broadcast_like(settled))
    for pod in scenario.pods:
        lags = pod.cost_release.lags
        largest_lag = max(lags.variable, lags.semi_fixed, lags.fixed)
        later = slice(last_change + largest_lag, None)
        close(cost.sel(pod=pod.id).isel(year=later), tariff.sel(pod=pod.id).isel(year=later))
    if not np.allclose(cost.values, tariff.values):
        event("cost basis lags tariff basis before it settles")
    # Avoided growth is released in full at once (no cost base was built for it).
    close(cost.sel(source="avoided_growth"), tariff.sel(source="avoided_growth"))


@PROPERTY
@given(overlapping_reductions())
def test_overlapping_reductions_never_remove_more_than_the_cell_holds(scenario: Scenario) -> None:
    """Positive `reduce` fractions ≤ 1 of one basis on one cohort and POD combine as 1 − Π(1 − f): they
    remove at most the cohort's share of the activity, each scheme gets f_k / Σ f_j of the combined
    amount, and do-something activity stays ≥ 0. Such scenarios never raise ModelError."""
    results = run(scenario)
    years = span(scenario)
    reductions = [effect for s in scenario.schemes for effect in s.effects if isinstance(effect, Reduce)]
    assert len(reductions) == len(scenario.schemes)
    fractions = np.array([years.expand(effect.fraction) for effect in reductions])
    share = scenario.cohorts[0].shares["pod"] if scenario.cohorts else 1.0
    activity = results.activity["do_nothing"].sel(pod="pod")
    base = scenario.pods[0].activity
    assert base is not None
    if reductions[0].basis == "base":
        activity = xr.full_like(activity, base.base)
    removed = -results.scheme_activity["reduction"].sel(pod="pod")  # (scheme, year)
    combined = 1 - np.prod(1 - fractions, axis=0)
    total = fractions.sum(axis=0)
    proportion = np.divide(fractions, total, out=np.zeros_like(fractions), where=total > 0)
    expected = (
        xr.DataArray(combined * proportion, dims=["scheme", "year"], coords=removed.coords) * share * activity
    )
    close(removed, expected)
    assert bool((removed.sum("scheme") <= share * activity * (1 + 1e-12) + 1e-9).all())
    assert bool((results.activity["do_something"] >= -1e-9).all())


@PROPERTY
@given(scenarios(min_schemes=1))
def test_tariff_saving_is_activity_removed_times_price(scenario: Scenario) -> None:
    """ST[k,t,p] = (activity removed)[k,t,p] · P[t,p] / 1000 for avoided growth and reductions, and the
    direct savings as given; per scheme, POD and year. Activity removed adds up to the POD totals."""
    results = run_or_reject(scenario)
    tariff = results.savings.sel(basis="tariff").sum("provider")
    price = expected_prices(scenario)
    activity_pods = [p.id for p in scenario.pods if p.activity is not None]
    for source, measure in (("avoided_growth", "avoided_growth"), ("reduction", "reduction")):
        removed = results.scheme_activity[measure]  # negative: activity removed, activity PODs only
        assert list(removed.pod.values) == activity_pods
        close(tariff.sel(source=source, pod=activity_pods), removed * price.sel(pod=activity_pods) / 1000)
        close(removed.sum("scheme"), results.activity[measure])
        # PODs without an activity model (money only) have no activity to remove, so no such saving.
        close(tariff.sel(source=source).drop_sel(pod=activity_pods), 0.0)
    years = span(scenario)
    direct = np.zeros((len(scenario.schemes), len(years), len(scenario.pods)))
    pods = [p.id for p in scenario.pods]
    for i, scheme in enumerate(scenario.schemes):
        for effect in scheme.effects:
            if isinstance(effect, DirectSaving):
                direct[i, :, pods.index(effect.pod)] -= years.expand(effect.saving)
    close(
        tariff.sel(source="direct"),
        xr.DataArray(direct, dims=["scheme", "year", "pod"], coords=tariff.sel(source="direct").coords),
    )
    activity = results.activity
    close(
        activity["do_something"], activity["do_nothing"] + activity["avoided_growth"] + activity["reduction"]
    )


# --- statement and bridge -----------------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_statement_totals_are_the_sums_of_their_lines(scenario: Scenario) -> None:
    """net = total investment + total funding; each total is the sum of its section's lines; investment is
    the schemes' plus the programme's; funding lines are the sources (negative), then the savings line."""
    results = run_or_reject(scenario)
    table = results.statement
    section = table.section
    investment = table.isel(line=(section == "investment").values)
    funding = table.isel(line=(section == "funding").values)
    total_investment = table.sel(line="total_investment")
    total_funding = table.sel(line="total_funding")
    close(table.sel(line="net"), total_investment + total_funding)
    close(total_investment, investment.sum("line"))
    close(total_funding, funding.sum("line"))

    years = span(scenario)
    invested = np.zeros(len(years))
    for scheme in scenario.schemes:
        if scheme.investment is not None:
            invested += years.expand(scheme.investment.recurrent)
            invested += years.expand(scheme.investment.non_recurrent, Fill.ONE_OFF)
    for item in scenario.investments:
        invested += years.expand(item.amount, Fill.ONE_OFF if item.kind == "non_recurrent" else Fill.HELD)
    by_year = xr.DataArray(invested, dims=["year"], coords={"year": years.labels})
    close(total_investment, by_year.broadcast_like(total_investment))
    for source in scenario.funding:
        fill = Fill.ONE_OFF if source.kind == "non_recurrent" else Fill.HELD
        amount = xr.DataArray(
            -years.expand(source.amount, fill), dims=["year"], coords={"year": years.labels}
        )
        close(table.sel(line=source.name), amount.broadcast_like(total_funding))
    window = np.ones(len(years))
    if scenario.statement.savings_from:
        window[: years.index(scenario.statement.savings_from)] = 0.0
    savings = results.savings.sum(["scheme", "pod", "source", "provider"]) * xr.DataArray(
        window, dims=["year"], coords={"year": years.labels}
    )
    close(table.sel(line="savings"), savings)
    assert list(funding.line.values) == [*(f.name for f in scenario.funding), "savings"]


@PROPERTY
@given(scenarios(), st.data())
def test_bridge_steps_add_up_to_do_something(scenario: Scenario, data: st.DataObject) -> None:
    """The system bridge: do-nothing gap plus each plan line, in order, is the do-something position (in
    every year for the positions table; step by step for the bridge year and one other year)."""
    results = run_or_reject(scenario)
    plan = [line.id for line in scenario.positions.plan_lines]
    system = results.positions.sel(org="system")
    close(system.sel(line=["do_nothing", *plan]).sum("line"), system.sel(line="do_something"))
    for year in {results.bridge_year, data.draw(st.sampled_from(results.years), label="year")}:
        steps = results.bridge(year)
        assert [step.line for step in steps] == ["do_nothing", *plan, "do_something"]
        running = sum(step.value for step in steps[:-1])
        assert running == pytest.approx(steps[-1].value, rel=1e-12, abs=1e-6)
        assert steps[0].value == pytest.approx(
            float(results.positions.sel(line="do_nothing", org="system", year=year))
        )


@PROPERTY
@given(scenarios())
def test_plan_lines_from_schemes_are_the_schemes_totals(scenario: Scenario) -> None:
    """A `from_schemes` plan line is the sum over its schemes of the measure (savings negative)."""
    results = run_or_reject(scenario)
    summary = results.scheme_summary
    for line in scenario.positions.plan_lines:
        if line.from_schemes is None:
            continue
        spec = line.from_schemes
        chosen = spec.schemes if spec.schemes else list(summary.scheme.values)
        measure = {"savings": "benefit", "investment": "investment", "net": "net"}[spec.measure]
        values = summary[measure].sel(scheme=chosen).sum("scheme")
        if "basis" in values.dims:
            values = values.sel(basis=spec.basis, drop=True)
        close(results.positions.sel(line=line.id, org="system", drop=True), values)
