"""A Monte Carlo run: every uncertain input drawn ``N`` times and the whole model run for every draw.

The draws are cut into chunks of ``chunk_size`` (the last may be shorter). Chunk ``c`` draws its inputs from
its own seeded generator (:mod:`carebridge.engine.simulate.sampling`), runs them as one vectorised batch
(:mod:`carebridge.engine.simulate.batch`) and returns its per-draw tables; the tables are written into place
by the chunk's first draw. A chunk's numbers depend only on the seed, its index and its size, so the same
seed and chunk size give the same numbers whether the chunks run here one after another or on the workers of
a cluster in any order (:mod:`carebridge.engine.simulate.distributed`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.errors import ModelError
from carebridge.engine.finance import NET, SYSTEM
from carebridge.engine.inputs import DRAW
from carebridge.engine.simulate.batch import STORAGE, draw_tables, run_drawn
from carebridge.engine.simulate.memory import kept_memory, own_pages, populate
from carebridge.engine.simulate.sampling import Uncertain, undrawn_inputs, unread_problems
from carebridge.engine.simulate.summary import probability, summarise, summarise_all
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import input_labels

DEFAULT_CHUNK = 2_000
"""Most draws per chunk."""
CHUNK_MEMORY = 512 * 1024**2
"""Bytes a chunk's batch may take, roughly: with :func:`auto_chunk_size` it bounds a worker's memory."""
WORKING_COPIES = 6
"""Arrays the size of the savings table that a batch holds at once, about (for :func:`auto_chunk_size`)."""
DEFAULT_PERCENTILES = (10.0, 50.0, 90.0)

Floats = npt.NDArray[np.float64]
Progress = Callable[[int], None]
"""Called with the number of draws just finished."""


@dataclass(frozen=True)
class ChunkTask:
    """One chunk of a Monte Carlo run: which scenario, seed, chunk index, first draw and size."""

    scenario: Scenario
    seed: int
    chunk: int
    start: int
    size: int


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's sampled inputs (draw, input), its tables (``draw`` first where the draws differ:
    :func:`~carebridge.engine.simulate.batch.draw_tables`) and the paths of the uncertain inputs it read."""

    samples: Floats
    tables: dict[str, xr.DataArray]
    read: frozenset[Path] = frozenset()


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Draw the chunk's inputs and run them as one batch."""
    uncertain = Uncertain.of(task.scenario)
    samples = uncertain.draw(task.seed, task.chunk, task.size)
    results, read = run_drawn(task.scenario, uncertain, samples, task.start, by_provider=False)
    return ChunkResult(samples, draw_tables(results, by_provider=False), frozenset(read))


def auto_chunk_size(scenario: Scenario) -> int:
    """Draws per chunk for ``scenario``: :data:`DEFAULT_CHUNK`, or fewer where a draw's largest array, the
    savings table (scheme × year × POD × source × basis × provider, 8 bytes a cell), would take the batch
    past :data:`CHUNK_MEMORY`. It depends only on the scenario's size, so a run is the same everywhere."""
    years = int(scenario.end_year[:4]) - int(scenario.base_year[:4]) + 1
    providers = len({org for pod in scenario.pods for org in pod.providers})
    cells = max(1, len(scenario.schemes)) * years * len(scenario.pods) * 3 * 2 * max(1, providers)
    return max(1, min(DEFAULT_CHUNK, CHUNK_MEMORY // (8 * cells * WORKING_COPIES)))


def chunk_tasks(scenario: Scenario, draws: int, seed: int, chunk_size: int) -> list[ChunkTask]:
    """The chunks of a run of ``draws`` draws."""
    starts = range(0, draws, chunk_size)
    return [ChunkTask(scenario, seed, c, s, min(chunk_size, draws - s)) for c, s in enumerate(starts)]


class Executor(Protocol):
    """Runs chunk tasks and yields each result with the position of its task, in any order."""

    def run(
        self, function: Callable[[ChunkTask], ChunkResult], tasks: Sequence[ChunkTask]
    ) -> Iterator[tuple[int, ChunkResult]]: ...


class LocalExecutor:
    """Runs the chunks here, one after another."""

    def run(
        self, function: Callable[[ChunkTask], ChunkResult], tasks: Sequence[ChunkTask]
    ) -> Iterator[tuple[int, ChunkResult]]:
        for index, task in enumerate(tasks):
            yield index, function(task)


@dataclass
class _Store:
    """The tables of the whole run, filled chunk by chunk: a table that no chunk has drawn so far (the same
    in every draw) is kept once and given to the :class:`Simulation` as a read-only view along ``draw``."""

    draws: int
    tables: dict[str, xr.DataArray] = field(default_factory=dict)
    """Tables that differ between draws, (draw, …)."""
    constant: dict[str, xr.DataArray] = field(default_factory=dict)
    """Tables the same in every draw so far, without ``draw``."""
    order: list[str] = field(default_factory=list)
    samples: Floats | None = None
    mapping: list[threading.Thread] = field(default_factory=list)
    """The threads mapping the pages of the arrays made so far (:func:`populate`)."""

    def put(self, start: int, result: ChunkResult) -> None:
        size = result.samples.shape[0]
        made: list[npt.NDArray[Any]] = []
        if self.samples is None:
            self.samples = own_pages((self.draws, result.samples.shape[1]), np.float64)
            self.order = list(result.tables)
            made.append(self.samples)
        for name, table in result.tables.items():
            kept = self.constant.get(name)
            if DRAW not in table.dims and name not in self.tables:
                if kept is None:
                    self.constant[name] = table
                    continue
                if np.array_equal(kept.values, table.values, equal_nan=True):
                    continue
            if name not in self.tables:
                made.append(self._full(name, table).values)
        thread = populate(made)  # mapped beside the chunks still to run, not as each is written
        if thread is not None:
            self.mapping.append(thread)
        self.samples[start : start + size] = result.samples
        for name, table in result.tables.items():
            if name in self.tables:
                self.tables[name].values[start : start + size] = table.values

    def _full(self, name: str, table: xr.DataArray) -> xr.DataArray:
        """The (draw, …) array of table ``name``, made (filled with the table kept so far, if any) when
        it is not there yet."""
        if name not in self.tables:
            dims = [dim for dim in table.dims if dim != DRAW]
            shape = [table.sizes[dim] for dim in dims]
            coords = {k: v for k, v in table.coords.items() if DRAW not in v.dims}
            data = own_pages((self.draws, *shape), STORAGE)
            kept = self.constant.pop(name, None)
            if kept is not None:
                data[...] = kept.values
            self.tables[name] = xr.DataArray(data, dims=[DRAW, *dims], coords=coords)
        return self.tables[name]

    def finished(self) -> dict[str, xr.DataArray]:
        """Every table, (draw, …), in the order the chunks gave them."""
        self.joined()
        tables = dict(self.tables)
        for name, table in self.constant.items():
            along = np.broadcast_to(table.values, (self.draws, *table.shape))
            tables[name] = xr.DataArray(along, dims=[DRAW, *table.dims], coords=table.coords)
        return {name: tables[name] for name in self.order}

    def joined(self) -> None:
        """Wait for the threads mapping pages (none outlives a run)."""
        for thread in self.mapping:
            thread.join()
        self.mapping.clear()


@dataclass(frozen=True)
class Simulation:
    """The per-draw tables of a Monte Carlo run, and the summaries drawn from them.

    Signs are those of a deterministic run and of every table of the tool: savings, funding and activity
    removed negative; a deficit positive. The programme's **net saving** is the statement's net line: a
    programme whose savings and funding exceed its investment has a net saving, below zero.
    """

    scenario: Scenario
    draws: int
    seed: int
    chunk_size: int
    percentiles: tuple[float, ...]
    input_names: list[str]
    samples: Floats
    """(draw, input): the value of each uncertain input in each draw."""
    tables: dict[str, xr.DataArray]
    """Each table of :data:`~carebridge.engine.simulate.batch.TABLES`, ``draw`` first."""

    @property
    def years(self) -> list[str]:
        return [str(year) for year in self.tables["positions"].year.values]

    def summary(self, name: str) -> xr.DataArray:
        """Mean and percentiles of a table, (stat, …)."""
        return summarise(self.tables[name], self.percentiles)

    def summaries(self) -> dict[str, xr.DataArray]:
        """:meth:`summary` of every table, in the order of :attr:`tables` (summarised two at a time)."""
        return summarise_all(self.tables, self.percentiles)

    def system_position(self) -> xr.DataArray:
        """The system's do-something position by draw and year, £'000 (deficit positive)."""
        return self.tables["positions"].sel(line="do_something", org=SYSTEM, drop=True)

    def balance_probability(self) -> xr.DataArray:
        """The probability that each organisation, and the system, is in balance (do-something ≤ 0), by
        (org, year)."""
        return probability(self.tables["positions"].sel(line="do_something", drop=True) <= 0)

    def net_saving(self) -> xr.DataArray:
        """The statement's net line by (draw, basis, year), £'000, signed as the statement: a net saving
        negative, a net cost positive."""
        statement = self.tables["statement"]
        return statement.sel(line=NET, drop=True).drop_vars("section", errors="ignore")

    def net_saving_probability(self) -> xr.DataArray:
        """The probability that the programme makes a net saving (the net line below zero), by (basis,
        year)."""
        return probability(self.net_saving() < 0)

    def cumulative_net_saving_probability(self) -> xr.DataArray:
        """The probability that the net line summed over every year is a saving (below zero), by basis."""
        return probability(self.net_saving().sum("year") < 0)

    def position_summary(self) -> xr.DataArray:
        """Mean and percentiles of the system's do-something position, (stat, year), £'000."""
        return summarise(self.system_position(), self.percentiles)

    def net_saving_summary(self) -> xr.DataArray:
        """Mean and percentiles of the programme's net saving, (stat, basis, year), £'000, a saving
        negative."""
        return summarise(self.net_saving(), self.percentiles)

    def input_labels(self) -> list[str]:
        """Each uncertain input in the scenario's words, in the order of :attr:`input_names`."""
        labels = input_labels(self.scenario, self.input_names)
        return [labels[name] for name in self.input_names]

    def input_summary(self) -> xr.DataArray:
        """Mean and percentiles of each uncertain input's draws, (stat, input)."""
        draws = xr.DataArray(self.samples, dims=(DRAW, "input"), coords={"input": self.input_names})
        return summarise(draws, self.percentiles)


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 1,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Simulation:
    """Draw every uncertain input of ``scenario`` ``draws`` times and run the model for each draw, in chunks
    of ``chunk_size`` draws (default :func:`auto_chunk_size`)."""
    return simulate_many(
        [scenario],
        draws,
        seed,
        percentiles=percentiles,
        chunk_size=chunk_size,
        executor=executor,
        progress=progress,
    )[0]


def simulate_many(
    scenarios: Sequence[Scenario],
    draws: int = 10_000,
    seed: int = 1,
    *,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[Simulation]:
    """A sweep: :func:`simulate` for each scenario, every chunk of every scenario given to ``executor``
    together (so a cluster works on all of them at once). Each scenario's numbers are those of its own run."""
    if draws < 1:
        raise ValueError(f"the number of draws must be at least 1; found {draws}")
    if chunk_size is not None and chunk_size < 1:
        raise ValueError(f"the chunk size must be at least 1; found {chunk_size}")
    owners: list[int] = []
    tasks: list[ChunkTask] = []
    sizes = [chunk_size or auto_chunk_size(scenario) for scenario in scenarios]
    for number, scenario in enumerate(scenarios):
        chunks = chunk_tasks(scenario, draws, seed, sizes[number])
        tasks += chunks
        owners += [number] * len(chunks)
    stores = [_Store(draws) for _ in scenarios]
    uncertain = [Uncertain.of(scenario) for scenario in scenarios]
    checked: dict[int, list[Problem]] = {}
    unread: list[Problem] = []
    try:
        with kept_memory():  # the chunks run here reuse each other's memory (glibc)
            for index, result in (executor or LocalExecutor()).run(run_chunk, tasks):
                owner = owners[index]
                if owner not in checked:  # the inputs a run reads are the same in every chunk
                    checked[owner] = unread_problems(uncertain[owner], result.read)
                    if checked[owner]:
                        unread = _undrawn(scenarios, checked)
                        break
                stores[owner].put(tasks[index].start, result)
                if progress is not None:
                    progress(tasks[index].size)
    except ModelError:
        problems = _undrawn(scenarios, checked)
        if problems:  # an input held at its central value explains a failed draw first
            raise ModelError(problems) from None
        raise
    finally:
        for store in stores:
            store.joined()
    if unread:
        raise ModelError(unread)
    simulations = []
    for number, (scenario, store, size) in enumerate(zip(scenarios, stores, sizes, strict=True)):
        assert store.samples is not None
        simulations.append(
            Simulation(
                scenario=scenario,
                draws=draws,
                seed=seed,
                chunk_size=size,
                percentiles=tuple(float(p) for p in percentiles),
                input_names=uncertain[number].names,
                samples=store.samples,
                tables=store.finished(),
            )
        )
    return simulations


def _undrawn(scenarios: Sequence[Scenario], checked: Mapping[int, list[Problem]]) -> list[Problem]:
    """The uncertain inputs of every scenario that a run does not read: as a chunk of it found them, or by
    :func:`~carebridge.engine.simulate.sampling.undrawn_inputs` for a scenario no chunk has reported."""
    return [
        problem
        for number, scenario in enumerate(scenarios)
        for problem in (checked[number] if number in checked else undrawn_inputs(scenario))
    ]
