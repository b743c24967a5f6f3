"""Uncertainty of a plan: a Monte Carlo simulation (one scenario or a sweep) and a one-way sensitivity, with
an optional ``spread`` that makes every scheme effect, unit price and parameter of a plan line's formula
uncertain (triangular, ± the fraction).

A problem the engine finds in a draw is located in the scenario file, as for a deterministic run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from carebridge.engine.errors import ModelError
from carebridge.engine.simulate.monte_carlo import DEFAULT_PERCENTILES, Executor, Simulation, simulate_many
from carebridge.engine.simulate.sensitivity import Output, Sensitivity, one_way
from carebridge.scenario.loader import LoadedScenario
from carebridge.usecases.errors import SpreadError

Progress = Callable[[int], None]


def with_spread(loaded: LoadedScenario, fraction: float | None) -> LoadedScenario:
    """The scenario with its effects and prices made uncertain by ``fraction`` (0.2 for ±20%); unchanged
    when ``fraction`` is None. :class:`SpreadError` outside 0 to 1."""
    if fraction is None:
        return loaded
    if not 0 <= fraction < 1:
        raise SpreadError(f"must be a fraction from 0 to 1, like 0.2 for ±20%; found {fraction:g}")
    from carebridge.scenario.uncertain import with_spread as spread_scenario

    return replace(loaded, scenario=spread_scenario(loaded.scenario, fraction))


def simulate(
    scenarios: Sequence[LoadedScenario],
    draws: int,
    seed: int = 1,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[Simulation]:
    """``draws`` seeded draws of every uncertain input of each scenario (several: a sweep), each run
    through the whole model; :class:`ModelError` located in the scenario files."""
    try:
        return simulate_many(
            [item.scenario for item in scenarios],
            draws,
            seed,
            percentiles=percentiles,
            chunk_size=chunk_size,
            executor=executor,
            progress=progress,
        )
    except ModelError as error:
        located = [p for item in scenarios for p in item.source.locate(error.problems)]
        raise ModelError(located[: len(error.problems)]) from None


def sensitivity(
    loaded: LoadedScenario,
    output: Output | None = None,
    *,
    low: float = 10.0,
    high: float = 90.0,
    switching: bool = True,
    progress: Progress | None = None,
) -> Sensitivity:
    """Each uncertain input at its ``low`` and ``high`` percentile, the others central: the tornado and,
    with ``switching``, each input's switching value; :class:`ModelError` located in the scenario file."""
    try:
        return one_way(loaded.scenario, output, low=low, high=high, switching=switching, progress=progress)
    except ModelError as error:
        raise ModelError(loaded.source.locate(error.problems)) from None
