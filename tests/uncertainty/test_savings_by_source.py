"""A simulation reads the savings summed over providers and never the flows: the tables it keeps are those of
the whole savings table, and a run's flows are computed when first read, then pickle as computed."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import xarray as xr

from carebridge.engine import run
from carebridge.engine.flows import PlanFlows
from carebridge.engine.inputs import compile_inputs
from carebridge.engine.run import run_inputs
from carebridge.engine.simulate.batch import (
    _savings_tables,
    _source_tables,
    draw_tables,
    run_batch,
    run_drawn,
)
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario

STOCKPORT = Path(__file__).resolve().parents[2] / "examples" / "stockport-2017" / "scenario.yaml"


def test_summed_savings_give_the_whole_tables_sums(uncertain_scenario: Scenario) -> None:
    uncertain = Uncertain.of(uncertain_scenario)
    samples = uncertain.draw(4, 0, 30)
    whole = run_batch(uncertain_scenario, uncertain, samples)
    assert "provider" in whole.savings.dims
    summed, _ = run_drawn(uncertain_scenario, uncertain, samples, by_provider=False)
    assert "provider" not in summed.savings.dims
    np.testing.assert_allclose(
        summed.savings.values,
        whole.savings.sum("provider").transpose(*summed.savings.dims).values,
        rtol=1e-12,
    )
    expected = _savings_tables(whole.savings)
    found = _source_tables(summed.savings, summed.provider_split)
    for name, table in expected.items():
        got = found[name].transpose(*table.dims)
        assert got.dims == table.dims and got.sizes["draw"] == 30
        for dim in table.dims[1:]:
            np.testing.assert_array_equal(got[dim].values, table[dim].values)
        np.testing.assert_allclose(got.values, table.values, rtol=1e-12, atol=1e-9, err_msg=name)
    np.testing.assert_array_equal(summed.statement.values, whole.statement.values)


def test_a_chunks_tables_read_from_the_runs_numbers_are_those_of_its_labelled_savings(
    uncertain_scenario: Scenario,
) -> None:
    uncertain = Uncertain.of(uncertain_scenario)
    summed, _ = run_drawn(uncertain_scenario, uncertain, uncertain.draw(4, 0, 30), by_provider=False)
    read = draw_tables(summed, by_provider=False)  # before the savings are built: from the run's numbers
    assert summed.pending("savings") is not None
    assert "provider" not in summed.savings.dims  # built now: the tables are taken from the field
    built = draw_tables(summed, by_provider=False)
    for name in ("savings", "source_savings", "provider_savings"):
        xr.testing.assert_identical(read[name], built[name])


def test_a_pod_the_providers_hold_in_part_keeps_its_share_in_every_sum() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    pods = [
        pod.model_copy(update={"providers": {org: share / 2 for org, share in pod.providers.items()}})
        for pod in scenario.pods
    ]
    halved = scenario.model_copy(update={"pods": pods})
    inputs = compile_inputs(halved)
    whole = run_inputs(halved, inputs)
    summed = run_inputs(halved, inputs, by_provider=False)
    expected = _savings_tables(whole.savings)
    found = _source_tables(summed.savings, summed.provider_split)
    for name, table in expected.items():
        np.testing.assert_allclose(found[name].transpose(*table.dims).values, table.values, atol=1e-9)
    np.testing.assert_allclose(
        summed.scheme_summary["benefit"].values,
        whole.savings.sum(["pod", "source", "provider"])
        .transpose(*summed.scheme_summary["benefit"].dims)
        .values,
        atol=1e-9,
    )


def test_flows_are_computed_when_first_read_and_pickle_as_computed() -> None:
    results = run(load_scenario(STOCKPORT).scenario)
    assert results.pending("plan_flows") is not None
    flows = results.plan_flows
    assert isinstance(flows, PlanFlows) and results.pending("plan_flows") is None
    assert results.plan_flows is flows
    again = pickle.loads(pickle.dumps(results))
    assert type(again.plan_flows) is PlanFlows
    np.testing.assert_array_equal(again.plan_flows.positions, flows.positions)
    assert again.flows is not None and results.flows is not None
    np.testing.assert_array_equal(again.flows.values, results.flows.values)
    assert again.plan_flows.holders == flows.holders and again.plan_flows.years == flows.years


def test_a_plan_without_schemes_simulates_with_savings_of_zero() -> None:
    """The STP's plan is typed lines only: its savings tables have no scheme and every sum is 0."""
    from carebridge.engine.simulate.monte_carlo import simulate
    from carebridge.scenario.uncertain import with_spread

    stp = load_scenario(STOCKPORT.parents[1] / "staffordshire-stp-2016" / "scenario.yaml").scenario
    assert not stp.schemes
    simulation = simulate(with_spread(stp, 0.2), 40, seed=3)
    for name in ("source_savings", "provider_savings"):
        table = simulation.tables[name]
        assert table.sizes["draw"] == 40 and not np.asarray(table.values).any()
