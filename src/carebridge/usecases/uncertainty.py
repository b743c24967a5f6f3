"""Uncertainty of a plan: a Monte Carlo simulation (one scenario or a sweep) and a one-way sensitivity, with
an optional ``spread`` that makes every scheme effect, unit price and parameter of a plan line's formula
uncertain (triangular, ± the fraction).

A problem the engine finds in a draw is located in the scenario file, as for a deterministic run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import xarray as xr

from carebridge.delivery.risks import RiskRegister
from carebridge.engine.errors import ModelError
from carebridge.engine.simulate.monte_carlo import DEFAULT_PERCENTILES, Executor, Simulation, simulate_many
from carebridge.engine.simulate.risks import Floats, RiskDraws, RiskImpact
from carebridge.engine.simulate.sensitivity import Output, Sensitivity, one_way
from carebridge.scenario.errors import Problem
from carebridge.scenario.loader import LoadedScenario
from carebridge.scenario.schema import Scenario
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


# --- the risk register's pounds in a Monte Carlo run -------------------------------------------------


@dataclass(frozen=True)
class RiskedPositions:
    """A simulation's positions with the risk register's pounds added (:mod:`carebridge.engine.simulate.
    risks`): the risks drawn, the positions with them, and the system's position with and without."""

    impacts: tuple[RiskImpact, ...]
    samples: Floats
    """(draw, risk): each risk's impact in each draw, £'000."""
    positions: xr.DataArray
    """(draw, line, org, year): the simulation's positions with the risks on the do-something line."""
    without: xr.DataArray
    """(stat, year): the system's do-something position without the risks."""
    with_risks: xr.DataArray
    """(stat, year): the same with the risks."""
    draws: RiskDraws
    """The system's position by draw without and with the risks, for the report's charts and table."""


def risk_impacts(register: RiskRegister) -> tuple[RiskImpact, ...]:
    """The register's risks that have pounds (``financial``), each with where it is in the file."""
    return tuple(
        RiskImpact(
            risk.id,
            risk.title,
            risk.financial.org,
            tuple(risk.financial.years),
            risk.financial.best,
            risk.financial.likely,
            risk.financial.worst,
            ("risks", index, "financial"),
        )
        for index, risk in enumerate(register.risks)
        if risk.financial is not None
    )


def add_register_risks(simulation: Simulation, register: RiskRegister) -> RiskedPositions:
    """Draw the pounds of each risk of ``register`` (seeded by the simulation's seed) and add them to the
    holding organisation's do-something position; :class:`RiskRegisterError` (paths in the register) for a
    risk naming an organisation or a year the scenario does not have."""
    return add_risks(simulation, risk_impacts(register))


def add_risks(simulation: Simulation, impacts: Sequence[RiskImpact], source: str = "") -> RiskedPositions:
    """:func:`add_register_risks` for risks already read (from a file or the store); ``source`` says where
    from, in words."""
    from carebridge.engine.finance import SYSTEM
    from carebridge.engine.labels import label_map
    from carebridge.engine.simulate.risks import (
        draw_impacts,
        impact_problems,
        position_draws,
        risk_totals,
        with_risks,
    )
    from carebridge.engine.simulate.summary import summarise
    from carebridge.scenario.errors import RiskRegisterError

    impacts = tuple(impacts)
    positions = simulation.tables["positions"]
    orgs = [str(org) for org in positions.org.values if str(org) != SYSTEM]
    problems = impact_problems(impacts, orgs, simulation.years)
    if problems:
        raise RiskRegisterError(problems)
    samples = draw_impacts(impacts, simulation.draws, simulation.seed)
    risked = with_risks(positions, risk_totals(impacts, samples, orgs, simulation.years))
    without = position_draws(positions.astype("float64"))
    with_them = position_draws(risked)
    names = label_map(positions, "org", "org_name")
    return RiskedPositions(
        impacts,
        samples,
        risked,
        summarise(without, simulation.percentiles),
        summarise(with_them, simulation.percentiles),
        RiskDraws(impacts, samples, without, with_them, names, source),
    )


def impact_problems_for(scenario: Scenario, impacts: Sequence[RiskImpact]) -> list[Problem]:
    """The impacts that name an organisation or a year ``scenario`` does not have, or whose cases are out of
    order (:func:`register_risk_problems` for risks already read)."""
    from carebridge.engine.simulate.risks import impact_problems
    from carebridge.scenario.years import parse_year, year_labels

    years = year_labels(range(parse_year(scenario.base_year), parse_year(scenario.end_year) + 1))
    orgs = [org.id for org in scenario.organisations]
    return impact_problems(impacts, orgs, years)


def register_risk_problems(scenario: Scenario, register: RiskRegister) -> list[Problem]:
    """The register's risks with pounds that name an organisation or a year ``scenario`` does not have, or
    whose best, likely and worst are out of order: each with its path in the register (checked before a
    run, so a bad register costs no draws)."""
    from carebridge.engine.simulate.risks import impact_problems
    from carebridge.scenario.years import parse_year, year_labels

    years = year_labels(range(parse_year(scenario.base_year), parse_year(scenario.end_year) + 1))
    orgs = [org.id for org in scenario.organisations]
    return impact_problems(risk_impacts(register), orgs, years)
