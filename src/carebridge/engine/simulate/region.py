"""Monte Carlo across the places of a region, with the draws of every place aligned.

Every place's uncertain inputs are drawn together, as the columns of one table: chunk ``c`` of a run seeded
``s`` draws one uniform number per input of every place from the chunk's generator
(:func:`~carebridge.engine.simulate.sampling.chunk_generator`), imposes the rank correlations — each
place's own and the region's across places (a shared demand shock) — by Iman–Conover on the whole table, and
each place then takes its own columns through its own distributions. Draw ``i`` of every place is therefore
the same state of the world, and a percentile of the region is a percentile of the regional totals, draw by
draw, not a sum of the places' percentiles.

A task is one place and one chunk: it draws the chunk's whole table (cheap) and runs only its place, so tasks
run anywhere — this process, a pool, a dask worker — and give the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from carebridge.engine.finance import SYSTEM
from carebridge.engine.flows import SCHEME_LINES
from carebridge.engine.simulate.batch import run_batch
from carebridge.engine.simulate.sampling import Uncertain, chunk_generator, iman_conover
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import correlation_matrix

Floats = npt.NDArray[np.float64]

SEPARATOR = ": "
"""Between a place's id and an input's name: ``north: schemes.frailty.delivery``."""


@dataclass(frozen=True)
class RegionInputs:
    """Every place's uncertain inputs side by side: each place's columns and the correlated columns."""

    places: tuple[str, ...]
    columns: tuple[tuple[int, int], ...]
    """Each place's first column and the column after its last."""
    correlated: tuple[int, ...]
    correlation: Floats

    @property
    def width(self) -> int:
        return self.columns[-1][1] if self.columns else 0


def region_inputs(
    places: Sequence[tuple[str, Scenario]], correlations: Sequence[tuple[str, str, float]] = ()
) -> RegionInputs:
    """The table of the region's inputs: each place's uncertain inputs in its own order, named
    ``<place>: <input>``; each place's own correlations and ``correlations`` across places (named so)."""
    names: list[str] = []
    columns = []
    pairs: list[tuple[str, str, float]] = []
    for place, scenario in places:
        uncertain = Uncertain.of(scenario)
        start = len(names)
        names += [f"{place}{SEPARATOR}{name}" for name in uncertain.names]
        columns.append((start, len(names)))
        pairs += [
            (f"{place}{SEPARATOR}{c.inputs[0]}", f"{place}{SEPARATOR}{c.inputs[1]}", c.rank)
            for c in scenario.uncertainty.correlations
        ]
    pairs += [(_name(a), _name(b), rank) for a, b, rank in correlations]
    correlated, matrix = correlation_matrix(pairs)
    position = {name: i for i, name in enumerate(names)}
    return RegionInputs(
        tuple(place for place, _ in places),
        tuple(columns),
        tuple(position[name] for name in correlated),
        matrix,
    )


def _name(text: str) -> str:
    place, _, name = text.partition(":")
    return f"{place.strip()}{SEPARATOR}{name.strip()}"


def joint_uniforms(inputs: RegionInputs, seed: int, chunk: int, size: int) -> Floats:
    """Chunk ``chunk``'s uniform numbers for every input of every place, (draw, input), correlated."""
    generator = chunk_generator(seed, chunk)
    uniform = generator.random((size, inputs.width))
    if len(inputs.correlated) > 1 and size > 2:
        block = uniform[:, list(inputs.correlated)]
        uniform[:, list(inputs.correlated)] = iman_conover(block, inputs.correlation, generator)
    return uniform


@dataclass(frozen=True)
class PlaceChunk:
    """One place's part of one chunk: the place (its position in ``inputs``), its scenario, the draws."""

    place: int
    scenario: Scenario
    inputs: RegionInputs
    seed: int
    chunk: int
    start: int
    size: int


@dataclass(frozen=True)
class PlaceDraws:
    """A place's do-something position from the schemes (draw, year) and its payments to providers outside
    it by POD (draw, year), £'000, deficit positive."""

    position: Floats
    outside: Mapping[str, Floats]


def run_place_chunk(task: PlaceChunk) -> PlaceDraws:
    """Draw the chunk's table, take the place's columns through its distributions, run the place."""
    uniform = joint_uniforms(task.inputs, task.seed, task.chunk, task.size)
    first, _ = task.inputs.columns[task.place]
    uncertain = Uncertain.of(task.scenario)
    samples = np.empty((task.size, len(uncertain.inputs)))
    for k, item in enumerate(uncertain.inputs):
        samples[:, k] = item.distribution.ppf(uniform[:, first + k])
    results = run_batch(task.scenario, uncertain, samples)
    flows = results.plan_flows
    assert flows is not None
    years = len(results.years)
    system = flows.holders.index(SYSTEM)
    position = np.broadcast_to(
        flows.positions[..., SCHEME_LINES.index("schemes.position"), system, :], (task.size, years)
    ).copy()
    loose = [
        line.id
        for line in task.scenario.positions.plan_lines
        if line.org is None and line.allocation is None and line.from_schemes is None
    ]
    if loose:
        typed = results.positions.sel(org=SYSTEM, line=loose).sum("line")
        position += np.broadcast_to(np.asarray(typed.transpose(..., "year").values), (task.size, years))
    inside = {org.id for org in task.scenario.organisations}
    outside: dict[str, Floats] = {}
    table = flows.table
    for entry, (provider, pod, flow) in enumerate(
        zip(table.counterparty, table.pod, table.flow, strict=True)
    ):
        if flow == "payment" and provider not in inside:
            values = np.broadcast_to(table.values[..., entry], (task.size, years))
            outside[pod] = outside.get(pod, np.zeros((task.size, years))) + values
    return PlaceDraws(position, outside)


def region_totals(
    places: Sequence[str],
    draws: Sequence[PlaceDraws],
    paid_from: Mapping[tuple[str, str], str],
    lines: Floats,
) -> Floats:
    """The region's do-something position, draw by draw, (draw, year): the places' positions, less the
    payments between places (``paid_from``: (place, POD) → the shared organisation paid), plus the region
    lines (year,)."""
    total = np.zeros_like(draws[0].position)
    for place, drawn in zip(places, draws, strict=True):
        total += drawn.position
        for pod, values in drawn.outside.items():
            if (place, pod) in paid_from:
                total -= values
    return total + lines


def percentiles(values: Floats, wanted: Sequence[float]) -> Floats:
    """The percentiles ``wanted`` (0–100) of ``values`` (draw, year), (percentile, year)."""
    return np.percentile(values, list(wanted), axis=0)


def balance_probability(values: Floats) -> Floats:
    """The share of draws in which the position is in balance or surplus (≤ 0, deficit positive), (year,)."""
    result: Floats = (values <= 1e-9).mean(axis=0)
    return result
