"""Chunks run on a dask.distributed cluster give the numbers of a local run with the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from carebridge.engine.simulate.distributed import dask_executor
from carebridge.engine.simulate.monte_carlo import simulate, simulate_many
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import with_values


def _assert_same(scenario: Scenario, processes: bool) -> None:
    local = simulate(scenario, 600, seed=21, chunk_size=150)
    with dask_executor(workers=2, processes=processes) as executor:
        cluster = simulate(scenario, 600, seed=21, chunk_size=150, executor=executor)
    np.testing.assert_array_equal(local.samples, cluster.samples)
    for name, table in local.tables.items():
        np.testing.assert_array_equal(table.values, cluster.tables[name].values, err_msg=name)


def test_a_local_cluster_of_threads_gives_the_local_numbers(uncertain_scenario: Scenario) -> None:
    _assert_same(uncertain_scenario, processes=False)


@pytest.mark.slow
def test_a_local_cluster_of_processes_gives_the_local_numbers(uncertain_scenario: Scenario) -> None:
    _assert_same(uncertain_scenario, processes=True)


def test_a_sweep_runs_on_the_cluster(uncertain_scenario: Scenario) -> None:
    scenarios = [uncertain_scenario, with_values(uncertain_scenario, {"pods.op.price": 150.0})]
    local = simulate_many(scenarios, 200, seed=3, chunk_size=80)
    with dask_executor(workers=2, processes=False) as executor:
        cluster = simulate_many(scenarios, 200, seed=3, chunk_size=80, executor=executor)
    for here, there in zip(local, cluster, strict=True):
        np.testing.assert_array_equal(here.tables["positions"].values, there.tables["positions"].values)


def test_a_running_scheduler_is_reached_by_its_address(uncertain_scenario: Scenario) -> None:
    from dask.distributed import LocalCluster

    local = simulate(uncertain_scenario, 200, seed=5, chunk_size=100)
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, dask_executor(scheduler=cluster.scheduler_address) as executor:
        remote = simulate(uncertain_scenario, 200, seed=5, chunk_size=100, executor=executor)
    np.testing.assert_array_equal(local.tables["statement"].values, remote.tables["statement"].values)
