"""Money between the partners (model spec section 13): each contract type by hand-computed numbers, and the
checks of the section as properties of random scenarios with random contracts."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebridge.engine import flows, run
from carebridge.engine.inputs import compile_inputs
from carebridge.engine.results import Results
from carebridge.engine.run import run_inputs
from carebridge.engine.simulate.values import DrawnValues
from carebridge.scenario.schema import (
    Activity,
    Allocation,
    Contract,
    FundingSource,
    Organisation,
    PlanLine,
    Pod,
    Positions,
    Reduce,
    Scenario,
    Scheme,
    StrandedCompensation,
)
from carebridge.scenario.validate_contracts import check_contracts

from .strategies import contracted_scenarios, run_or_reject

pytestmark = pytest.mark.unit

YEARS = ("2016/17", "2017/18", "2018/19")


def place(
    fraction: float,
    contract: Contract | None = None,
    providers: dict[str, float] | None = None,
    **more: object,
) -> Scenario:
    """A CCG buying A&E (1,000 attendances a year, no growth, £100 each, cost all variable) from an acute
    trust; one scheme removes ``fraction`` of base activity from 2017/18."""
    return Scenario(
        format_version=1,
        name="Worked contract",
        base_year=YEARS[0],
        end_year=YEARS[-1],
        organisations=[
            Organisation(id="ccg", name="The CCG", kind="commissioner"),
            Organisation(id="acute", name="The acute trust", kind="acute"),
        ],
        pods=[
            Pod(
                id="ae",
                name="A&E",
                activity=Activity(base=1000, growth=0.0),
                price=100,
                providers=providers or {"acute": 1.0},
            )
        ],
        schemes=[
            Scheme(
                id="deflect",
                name="Deflect",
                owner="ccg",
                effects=[Reduce(kind="reduce", pod="ae", fraction={YEARS[1]: fraction})],
            )
        ],
        contracts=[contract] if contract else [],
        **more,
    )


def flow(results: Results, org: str, kind: str, year: str = YEARS[1]) -> float:
    table = results.flows
    assert table is not None
    chosen = (table.org == org) & (table.flow == kind)
    return float(table.sel(year=year).where(chosen, 0.0).sum())


def test_tariff_at_rate_1_is_the_default() -> None:
    """5% of 1,000 attendances at £100: V = −£5k; the CCG pays £5k less and the trust loses £5k of income."""
    results = run(place(0.05))
    assert flow(results, "ccg", "payment") == pytest.approx(-5.0)
    assert flow(results, "acute", "income") == pytest.approx(5.0)
    assert flow(results, "acute", "cost") == pytest.approx(-5.0)
    assert flow(results, "acute", "stranded_cost") == pytest.approx(0.0)


def test_threshold_at_50_percent_saves_half_the_tariff_on_the_variance() -> None:
    contract = Contract(id="c", provider="acute", type="threshold", under=0.5, over=0.5)
    results = run(place(0.05, contract))
    assert flow(results, "ccg", "payment") == pytest.approx(-2.5)
    assert flow(results, "acute", "income") == pytest.approx(2.5)
    # the trust sheds £5k of variable cost but loses only £2.5k of income: a gain, stranded cost negative
    assert flow(results, "acute", "stranded_cost") == pytest.approx(-2.5)


def test_beyond_a_tolerance_band_the_change_moves_at_the_beyond_rate() -> None:
    """Band 2% of 1,000 at £100 = £2k at 50%; the other £3k of the £5k fall at 100%: −1 − 3 = −4."""
    contract = Contract(
        id="c", provider="acute", type="threshold", under=0.5, over=0.5, tolerance=0.02, beyond=1.0
    )
    results = run(place(0.05, contract))
    assert flow(results, "ccg", "payment") == pytest.approx(-4.0)
    within = Contract(id="c", provider="acute", type="threshold", under=0.5, over=0.5, tolerance=0.1)
    assert flow(run(place(0.05, within)), "ccg", "payment") == pytest.approx(-2.5)


def test_critical_care_20_under_100_over() -> None:
    """National critical care: a fall is deducted at 20% (the provider keeps 80%: a windfall), a rise paid at
    100%."""
    contract = Contract(id="c", provider="acute", type="threshold", under=0.2, over=1.0)
    fall = run(place(0.05, contract))
    assert flow(fall, "ccg", "payment") == pytest.approx(-1.0)
    assert flow(fall, "acute", "income") + flow(fall, "acute", "cost") == pytest.approx(-4.0)
    rise = run(place(-0.05, contract))
    assert flow(rise, "ccg", "payment") == pytest.approx(5.0)


def test_block_and_aligned() -> None:
    block = run(place(0.05, Contract(id="c", provider="acute", type="block")))
    assert flow(block, "ccg", "payment") == 0.0
    assert flow(block, "acute", "income") == 0.0
    aligned = run(place(0.05, Contract(id="c", provider="acute", type="aligned", variable_share=0.3)))
    assert flow(aligned, "ccg", "payment") == pytest.approx(-1.5)


def test_a_stranded_compensating_payment_makes_the_provider_whole() -> None:
    """Cost all fixed (released after 3 years): the trust loses £5k of income and sheds nothing yet; the CCG
    pays it £5k back."""
    scenario = place(0.05, Contract(id="c", provider="acute", compensating="stranded"))
    pod = scenario.pods[0]
    fixed = pod.cost_release.model_copy(update={"variable": 0.0, "fixed": 1.0})
    results = run(scenario.model_copy(update={"pods": [pod.model_copy(update={"cost_release": fixed})]}))
    assert flow(results, "acute", "stranded_cost") == pytest.approx(5.0)
    assert flow(results, "ccg", "compensating_payment") == pytest.approx(5.0)
    assert flow(results, "acute", "compensating_payment") == pytest.approx(-5.0)
    position = results.scheme_positions
    assert position is not None
    assert float(position.sel(line="schemes.position", holder="acute", year=YEARS[1])) == pytest.approx(0.0)


def test_a_stranded_compensating_payment_limited_to_the_years_of_the_agreement() -> None:
    """The same trust, with the payment agreed for 2017/18 only: in 2018/19 its cost is still stranded (fixed
    cost is released after 3 years) and nobody makes it whole."""
    agreement = StrandedCompensation(stranded=True, years=[YEARS[1]])
    scenario = place(0.05, Contract(id="c", provider="acute", compensating=agreement))
    pod = scenario.pods[0]
    fixed = pod.cost_release.model_copy(update={"variable": 0.0, "fixed": 1.0})
    results = run(scenario.model_copy(update={"pods": [pod.model_copy(update={"cost_release": fixed})]}))
    assert flow(results, "ccg", "compensating_payment", YEARS[1]) == pytest.approx(5.0)
    assert flow(results, "acute", "stranded_cost", YEARS[2]) == pytest.approx(5.0)
    assert flow(results, "ccg", "compensating_payment", YEARS[2]) == pytest.approx(0.0)
    assert flow(results, "acute", "compensating_payment", YEARS[2]) == pytest.approx(0.0)


def test_an_outside_provider_has_no_flows() -> None:
    results = run(place(0.05, providers={"acute": 0.6, "other": 0.4}))
    assert results.flows is not None
    assert "other" not in set(results.flows.org.values)
    assert flow(results, "ccg", "payment") == pytest.approx(-5.0)
    assert flow(results, "acute", "income") == pytest.approx(3.0)


def test_funding_from_an_organisation_of_the_plan() -> None:
    source = FundingSource(id="f", name="Fund", kind="recurrent", amount=7.0, org="acute", funder="ccg")
    results = run(place(0.0, funding=[source]))
    assert flow(results, "acute", "funding") == pytest.approx(-7.0)
    assert flow(results, "ccg", "funding") == pytest.approx(7.0)


def test_a_line_allocated_by_do_nothing_gap() -> None:
    positions = Positions(
        do_nothing={"ccg": 300.0, "acute": 100.0},
        plan_lines=[PlanLine(id="cip", name="CIP", value=-40.0, allocation=Allocation(basis="do_nothing"))],
    )
    results = run(place(0.0, positions=positions))
    lines = results.positions.sel(line="cip", year=YEARS[0])
    assert float(lines.sel(org="ccg")) == pytest.approx(-30.0)
    assert float(lines.sel(org="acute")) == pytest.approx(-10.0)
    assert float(lines.sel(org="system")) == pytest.approx(-40.0)
    something = results.positions.sel(line="do_something", year=YEARS[0])
    assert float(something.sel(org=["ccg", "acute"]).sum()) == pytest.approx(
        float(something.sel(org="system"))
    )


def test_payment_change_broadcasts_over_draws() -> None:
    change = np.array([[-5.0, 5.0]])  # (year, term)
    under = np.array([[0.5, 0.5], [0.2, 0.2]])[:, None, :]  # (draw, 1, term)
    paid = flows.payment_change(
        change, np.full((1, 2), np.inf), under, np.ones((2, 1, 2)), np.ones((2, 1, 2))
    )
    assert paid.shape == (2, 1, 2)
    np.testing.assert_allclose(paid[:, 0, :], [[-2.5, 5.0], [-1.0, 5.0]])


def test_a_marginal_rate_drawn_for_a_monte_carlo_run() -> None:
    """Draws of a threshold's rate on a fall give the payment of each draw, and the checks hold in each."""
    scenario = place(0.05, Contract(id="c", provider="acute", type="threshold", under=0.5, over=1.0))
    rates = np.array([[0.2], [0.5], [1.0]])
    values = DrawnValues([("contracts", 0, "under")], rates)
    with xr.set_options(arithmetic_join="exact"):  # type: ignore[no-untyped-call]
        results = run_inputs(scenario, compile_inputs(scenario, values))
    assert results.flows is not None and results.flow_checks is not None
    payment = results.flows.sel(year=YEARS[1]).where(results.flows.flow == "payment", 0.0).sum("entry")
    np.testing.assert_allclose(payment.values, [-1.0, -2.5, -5.0])
    close(results.flow_checks.difference, 0.0)
    assert results.scheme_positions is not None and "draw" in results.scheme_positions.dims


# --- properties ------------------------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def close(actual: xr.DataArray | np.ndarray | float, expected: xr.DataArray | np.ndarray | float) -> None:
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=1e-9, atol=1e-6)


def by_key(results: Results) -> xr.DataArray:
    """Flows added up by (org, counterparty, pod, flow): two runs compared whatever the row order."""
    table = results.flows
    assert table is not None
    keys = [
        "|".join(parts)
        for parts in zip(
            table.org.values, table.counterparty.values, table.pod.values, table.flow.values, strict=True
        )
    ]
    keyed = table.assign_coords(key=("entry", keys))
    return keyed.groupby("key").sum().sortby("key")


@pytest.mark.property
@PROPERTY
@given(contracted_scenarios())
def test_every_check_of_section_13_holds(scenario: Scenario) -> None:
    assert check_contracts(scenario) == []
    results = run_or_reject(scenario)
    table, checks, held = results.flows, results.flow_checks, results.scheme_positions
    assert table is not None and checks is not None and held is not None
    close(checks.difference, 0.0)
    orgs = [o.id for o in scenario.organisations]
    kinds = table.flow.values
    # each inside provider: income + cost = stranded cost, row by row
    for kind in ("income", "cost", "stranded_cost"):
        assert set(table.org.values[kinds == kind]) <= set(orgs)
    income = table.isel(entry=kinds == "income").values
    cost = table.isel(entry=kinds == "cost").values
    close(income + cost, table.isel(entry=kinds == "stranded_cost").values)
    # payment + income between two inside organisations eliminate
    inside_payment = (kinds == "payment") & np.isin(table.counterparty.values, orgs)
    close(table.isel(entry=inside_payment).values, -income)
    close(table.isel(entry=kinds == "compensating_payment").sum("entry"), 0.0)
    # the system is the sum of its organisations, line by line, and so is the sum of the sectors (but for
    # the typed do-something, which also holds the system lines no organisation holds)
    built = list(flows.SCHEME_LINES[:-2])
    system = held.sel(holder="system", line=built)
    close(system, held.sel(holder=orgs, line=built).sum("holder"))
    close(system, held.sel(holder=["nhs", "social_care"], line=built).sum("holder"))
    loose = [
        line.id for line in scenario.positions.plan_lines if line.org is None and line.allocation is None
    ]
    close(
        held.sel(holder="system", line="schemes.do_something"),
        held.sel(holder=orgs, line="schemes.do_something").sum("holder")
        + results.positions.sel(line=loose, org="system").sum("line"),
    )
    # the bridge of the positions from the schemes adds up
    parts = list(flows.SCHEME_LINES[:-3])
    close(held.sel(line=parts).sum("line"), held.sel(line="schemes.position"))
    close(
        held.sel(line="schemes.position") + held.sel(line="schemes.not_explained"),
        held.sel(line="schemes.do_something"),
    )
    close(
        held.sel(line="schemes.do_something", holder=orgs),
        results.positions.sel(line="do_something", org=orgs).rename(org="holder"),
    )
    # payment + income + cost = cost-basis saving inside + tariff-basis saving outside
    activity = results.savings.sel(source=["avoided_growth", "reduction"]).sum(["scheme", "source", "pod"])
    inside = [p for p in activity.provider.values if p in orgs]
    outside = [p for p in activity.provider.values if p not in orgs]
    expected = activity.sel(basis="cost", provider=inside).sum("provider") + activity.sel(
        basis="tariff", provider=outside
    ).sum("provider")
    moved = table.isel(entry=np.isin(kinds, ["payment", "income", "cost"])).sum("entry")
    close(moved, expected)


def tariff_only(scenario: Scenario) -> Scenario:
    return scenario.model_copy(update={"contracts": []})


@pytest.mark.property
@PROPERTY
@given(contracted_scenarios())
def test_all_tariff_at_rate_1_the_system_saves_cost_inside_and_tariff_outside(scenario: Scenario) -> None:
    results = run_or_reject(tariff_only(scenario))
    table = results.flows
    assert table is not None
    orgs = [o.id for o in scenario.organisations]
    payment = table.isel(entry=table.flow.values == "payment")
    inside = np.isin(payment.counterparty.values, orgs)
    cost = results.savings.sel(basis="cost", source=["avoided_growth", "reduction"]).sum(["scheme", "source"])
    tariff = results.savings.sel(basis="tariff", source=["avoided_growth", "reduction"]).sum(
        ["scheme", "source"]
    )
    outside = [p for p in tariff.provider.values if p not in orgs]
    close(payment.isel(entry=~inside).sum("entry"), tariff.sel(provider=outside).sum(["pod", "provider"]))
    system = table.isel(entry=np.isin(table.flow.values, ["payment", "income", "cost"])).sum("entry")
    inside_orgs = [p for p in cost.provider.values if p in orgs]
    close(
        system,
        cost.sel(provider=inside_orgs).sum(["pod", "provider"])
        + tariff.sel(provider=outside).sum(["pod", "provider"]),
    )


@pytest.mark.property
@PROPERTY
@given(contracted_scenarios(min_schemes=2), st.data())
def test_the_order_of_contracts_and_schemes_does_not_matter(scenario: Scenario, data: st.DataObject) -> None:
    expected = run_or_reject(scenario)
    shuffled = scenario.model_copy(
        update={
            "contracts": data.draw(st.permutations(scenario.contracts), label="contracts"),
            "schemes": data.draw(st.permutations(scenario.schemes), label="schemes"),
        }
    )
    actual = run(shuffled)
    close(by_key(actual), by_key(expected))
    assert actual.scheme_positions is not None and expected.scheme_positions is not None
    close(actual.scheme_positions, expected.scheme_positions)
