"""Issue 13: the check that every value of a run is a finite number ran on the deterministic run only; a
Monte Carlo run (and a sensitivity analysis) checks every batch of draws the same way, naming the input and
the draw. The scenarios here skip validation (whose bounds keep a validated scenario from overflowing), as a
caller of the engine could."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

from carebridge.engine.errors import ModelError
from carebridge.engine.simulate.batch import run_batch
from carebridge.engine.simulate.monte_carlo import simulate
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.engine.simulate.sensitivity import one_way
from carebridge.scenario.distributions import AnyDistribution, Normal, Uniform
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import with_distributions
from tests.scenario.test_loader_errors import minimal


def drawn_price(distribution: AnyDistribution) -> Scenario:
    """The minimal scenario, unvalidated, with the price of A&E drawn from ``distribution``."""
    data: Any = YAML(typ="safe").load(minimal())
    return with_distributions(Scenario.model_validate(data), {"pods.ae.price": distribution})


def huge_price() -> Scenario:
    return drawn_price(Uniform(dist="uniform", low=100, high=1e308))


def messages(error: ModelError) -> list[str]:
    return [f"{problem.path}: {problem.message}" for problem in error.problems]


def test_a_draw_whose_results_overflow_stops_the_simulation_naming_the_input_and_the_draw() -> None:
    """A price drawn up to 1e308 overflows when multiplied by activity: before, the tables held inf and nan
    and the summaries were blank or wrong, with no error."""
    scenario = huge_price()
    with pytest.raises(ModelError) as raised:
        simulate(scenario, 40, seed=3, chunk_size=20)
    found = messages(raised.value)
    savings = next(message for message in found if "in savings" in message)
    assert savings.startswith("('schemes', 0): the run gives a value that is ")
    assert "for scheme 'Redirect A&E', POD 'A&E attendances'" in savings
    assert " in draw 1 of the simulation (the uncertain inputs drawn: pods.ae.price " in savings


def test_the_draw_is_numbered_from_the_first_draw_of_its_chunk() -> None:
    scenario = huge_price()
    uncertain = Uncertain.of(scenario)
    samples = np.array([[100.0], [200.0], [1e308]])
    with pytest.raises(ModelError) as raised:
        run_batch(scenario, uncertain, samples, first_draw=40)
    assert all(" in draw 43 of the simulation " in message for message in messages(raised.value))
    assert "pods.ae.price 1e+308" in messages(raised.value)[0]


def test_a_drawn_value_that_is_not_finite_names_the_uncertain_input() -> None:
    scenario = drawn_price(Normal(dist="normal", mean_=100, sd=1e308))
    with pytest.raises(ModelError) as raised:
        simulate(scenario, 20, seed=1, chunk_size=20)
    (message,) = messages(raised.value)
    assert message.startswith(
        "('pods', 0, 'price'): the uncertain input 'pods.ae.price' draws a value that is "
    )
    assert "infinite in draw " in message and "its distribution reaches beyond arithmetic" in message


def test_a_sensitivity_analysis_checks_its_runs_too() -> None:
    scenario = huge_price()
    with pytest.raises(ModelError) as raised:
        one_way(scenario, switching=False)
    assert any(
        "in a run of the sensitivity analysis (the uncertain inputs at: " in m for m in messages(raised.value)
    )


def test_finite_draws_pass_the_check() -> None:
    scenario = drawn_price(Uniform(dist="uniform", low=90, high=110))
    simulation = simulate(scenario, 30, seed=1, chunk_size=10)
    assert all(np.isfinite(table.values).all() for table in simulation.tables.values())
