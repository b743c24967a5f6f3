"""Monte Carlo across a region's places, the draws of every place aligned
(:mod:`carebridge.engine.simulate.region`): each place with its own distributions, the named correlations
across places, and the region's percentiles taken of the regional totals, draw by draw.

Tasks are (place, chunk) pairs, run here, in a local pool or on dask (:func:`run_tasks`); each draws its
chunk's whole table of inputs from the chunk's own generator, so the numbers are those of a serial run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from carebridge.engine.simulate.region import (
    PlaceChunk,
    PlaceDraws,
    balance_probability,
    percentiles,
    region_inputs,
    region_totals,
    run_place_chunk,
)
from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.region import LoadedRegion, RegionError, load_region_file, place_problems
from carebridge.scenario.schema import Scenario
from carebridge.scenario.years import YearRange
from carebridge.usecases.planning import load
from carebridge.usecases.region import Mode, Progress, paid_from, place_organisations, region_lines, run_tasks
from carebridge.usecases.uncertainty import with_spread

Floats = npt.NDArray[np.float64]

DEFAULT_CHUNK = 1000
"""Draws of a place run together (bounds a task's memory)."""


@dataclass(frozen=True)
class RegionSimulation:
    """The region's position draw by draw, and each place's."""

    name: str
    years: tuple[str, ...]
    places: tuple[str, ...]
    place_names: tuple[str, ...]
    seed: int
    totals: Floats
    """(draw, year): the region's do-something position, £'000, deficit positive."""
    place_positions: Floats
    """(place, draw, year): each place's do-something position from the schemes."""
    lines: Floats
    """(year,): the region lines added up."""

    @property
    def draws(self) -> int:
        return int(self.totals.shape[0])

    def region_percentiles(self, wanted: Sequence[float]) -> Floats:
        """Percentiles of the regional totals, (percentile, year)."""
        return percentiles(self.totals, wanted)

    def sum_of_place_percentiles(self, wanted: Sequence[float]) -> Floats:
        """The places' own percentiles added up, with the region lines, (percentile, year): what the region's
        percentiles are *not* (the places' low ends do not all happen in one draw)."""
        summed: Floats = np.stack([percentiles(place, wanted) for place in self.place_positions]).sum(axis=0)
        return summed + self.lines

    def balance_probability(self) -> Floats:
        """P(the region balances), (year,)."""
        return balance_probability(self.totals)


def simulate_region(
    path: str | Path,
    draws: int,
    seed: int = 1,
    chunk_size: int | None = None,
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    *,
    spread: float | None = None,
) -> RegionSimulation:
    """Run ``draws`` aligned draws of every place of the region at ``path``; :class:`RegionError` lists every
    problem of the region file and of its places. ``spread`` (0.2 for ±20%) makes every scheme effect, unit
    price and parameter of a plan line's formula of every place uncertain, where the place has not written
    a distribution of its own (:func:`carebridge.usecases.uncertainty.with_spread`); :class:`SpreadError`
    outside 0 to 1."""
    loaded, problems = load_region_file(path)
    scenarios, found = load_places(loaded, spread)
    found = [*problems, *found]
    own = place_problems(loaded, [place_organisations(place, scenario) for place, _, scenario in scenarios])
    if found or own:
        raise RegionError([*sorted([*problems, *own], key=lambda p: p.line or 0), *found[len(problems) :]])
    region = loaded.region
    correlations = [(c.inputs[0], c.inputs[1], c.rank) for c in region.uncertainty.correlations]
    inputs = region_inputs([(place, scenario) for place, _, scenario in scenarios], correlations)
    size = max(1, min(chunk_size or DEFAULT_CHUNK, draws))
    starts = list(range(0, draws, size))
    tasks = [
        PlaceChunk(p, scenario, inputs, seed, c, start, min(size, draws - start))
        for p, (_, _, scenario) in enumerate(scenarios)
        for c, start in enumerate(starts)
    ]
    outcomes = run_tasks(run_place_chunk, tasks, mode, workers, scheduler, progress)
    per_place = [_joined(outcomes[p * len(starts) : (p + 1) * len(starts)]) for p in range(len(scenarios))]
    first = scenarios[0][2]
    years = YearRange.from_labels(first.base_year, first.end_year)
    lines = sum((line.values for line in region_lines(region, years)), np.zeros(len(years)))
    ids = [place for place, _, _ in scenarios]
    totals = region_totals(ids, per_place, paid_from(region), lines)
    return RegionSimulation(
        name=region.name,
        years=tuple(years.labels),
        places=tuple(ids),
        place_names=tuple(name for _, name, _ in scenarios),
        seed=seed,
        totals=totals,
        place_positions=np.stack([drawn.position for drawn in per_place]),
        lines=lines,
    )


def load_places(
    loaded: LoadedRegion, spread: float | None = None
) -> tuple[list[tuple[str, str, Scenario]], list[Problem]]:
    """Every place's scenario that loads, as (id, name, scenario), with ``spread`` applied to each
    (:func:`carebridge.usecases.uncertainty.with_spread`: a place's own distributions are kept), and the
    problems of those that do not load, each in its own file."""
    found: list[Problem] = []
    scenarios: list[tuple[str, str, Scenario]] = []
    for place in loaded.places:
        try:
            scenario = with_spread(load(place.path), spread).scenario
        except ScenarioError as error:
            found += error.problems
            continue
        scenarios.append((place.id, place.name or scenario.name, scenario))
    return scenarios, found


def _joined(chunks: Sequence[PlaceDraws]) -> PlaceDraws:
    """A place's chunks, in order, as one."""
    pods = {pod for chunk in chunks for pod in chunk.outside}
    return PlaceDraws(
        np.concatenate([chunk.position for chunk in chunks]),
        {pod: np.concatenate([chunk.outside[pod] for chunk in chunks]) for pod in sorted(pods)},
    )
