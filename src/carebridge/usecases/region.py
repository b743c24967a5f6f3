"""Run a region: every place's scenario loaded, run (and its own report written) in parallel, checked
together, and consolidated (:mod:`carebridge.engine.region`).

Places run one task each: in this process (``serial``), in a local pool of processes (the default,
:mod:`concurrent.futures`), or on dask.distributed (a local cluster of ``workers``, or the scheduler at
``scheduler``). A task returns the place's figures — a few small arrays — never its whole run, and the region
puts them back in the order of the region file, so the numbers are those of a serial run however the places
ran. A place that fails returns its own located problems and the others still run: the region's error lists
every problem of the region file and of every place at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar

from carebridge.engine import ModelError
from carebridge.engine.region import Consolidation, PlaceFigures, RegionLineValues, consolidate, place_figures
from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.region import (
    LoadedRegion,
    PlaceFile,
    PlaceOrganisations,
    Region,
    RegionError,
    load_region_file,
    place_problems,
)
from carebridge.scenario.schema import Scenario
from carebridge.scenario.years import Fill, YearRange
from carebridge.usecases.planning import load, run

Mode = Literal["serial", "local", "dask"]
Task = TypeVar("Task")
Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class PlaceTask:
    """One place to run: its id, the name the region gives it, its file, and the folder for its own report
    (None: no report)."""

    id: str
    name: str | None
    path: str
    out: str | None = None


@dataclass(frozen=True)
class PlaceOutcome:
    """What a place's task returns: its figures and what the region checks of it, or its problems."""

    id: str
    problems: list[Problem] = field(default_factory=list)
    figures: PlaceFigures | None = None
    organisations: PlaceOrganisations | None = None
    written: list[str] = field(default_factory=list)


def run_place(task: PlaceTask) -> PlaceOutcome:
    """Load and run one place, and write its report when asked: a plain function of plain data, run in
    this process, a process of a pool or a dask worker alike."""
    try:
        loaded = load(task.path)
        results = run(loaded)
    except (ScenarioError, ModelError) as error:
        return PlaceOutcome(task.id, problems=list(error.problems))
    scenario = loaded.scenario
    name = task.name or scenario.name
    figures = place_figures(task.id, name, results)
    organisations = place_organisations(task.id, scenario)
    written: list[str] = []
    if task.out is not None:
        from carebridge.report.plan import PlanReport, write_report
        from carebridge.report.provenance import Provenance
        from carebridge.usecases.appraisal import default_appraisal

        warnings = tuple(str(warning) for warning in loaded.warnings)
        report = PlanReport(results, default_appraisal(results), warnings)
        provenance = Provenance.for_file(Path(task.path), scenario.name)
        written = [str(path) for path in write_report(report, Path(task.out), provenance)]
    return PlaceOutcome(task.id, figures=figures, organisations=organisations, written=written)


def place_organisations(place: str, scenario: Scenario) -> PlaceOrganisations:
    """What the region's checks need of a place's scenario."""
    return PlaceOrganisations(
        id=place,
        base_year=scenario.base_year,
        end_year=scenario.end_year,
        kinds={org.id: org.kind for org in scenario.organisations},
        uncertain=frozenset(scenario.uncertainty.inputs),
        outside_pods=frozenset(pod.id for pod in scenario.pods if pod.providers.get("other", 0.0) > 0),
    )


def region_lines(region: Region, years: YearRange) -> list[RegionLineValues]:
    """The region's lines by year, with their shares."""
    return [
        RegionLineValues(
            line.id,
            line.name,
            years.expand(line.value, Fill.ONE_OFF if line.non_recurrent else Fill.HELD),
            dict(line.allocation.shares) if line.allocation is not None else None,
        )
        for line in region.lines
    ]


def paid_from(region: Region) -> dict[tuple[str, str], str]:
    """(place, POD) → the shared organisation the place pays from outside for that POD."""
    return {
        (paid.place, pod): org.id
        for org in region.shared_organisations
        for paid in org.paid_from
        for pod in paid.pods
    }


@dataclass(frozen=True)
class RegionRun:
    """A region run: the region as read, each place's outcome (in the region file's order) and the
    consolidation."""

    loaded: LoadedRegion
    outcomes: list[PlaceOutcome]
    consolidation: Consolidation

    @property
    def region(self) -> Region:
        return self.loaded.region


Progress = Callable[[int], None]


def run_region(
    path: str | Path,
    places_out: Path | None = None,
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RegionRun:
    """Read the region file at ``path``, run every place (writing each place's report into
    ``places_out/<place>`` when given) and consolidate them; :class:`RegionError` lists every problem of the
    region file and of its places, each located in its own file."""
    loaded, problems = load_region_file(path)
    tasks = [_task(place, places_out) for place in loaded.places]
    outcomes = run_places(tasks, mode, workers, scheduler, progress)
    return consolidate_region(loaded, outcomes, problems)


def consolidate_region(
    loaded: LoadedRegion, outcomes: Sequence[PlaceOutcome], problems: Sequence[Problem] = ()
) -> RegionRun:
    """The region of places already run; :class:`RegionError` with every problem, the region file's first
    and then each place's."""
    found = list(problems)
    for outcome in outcomes:
        found.extend(outcome.problems)
    ready = [outcome.organisations for outcome in outcomes if outcome.organisations is not None]
    region_found = place_problems(loaded, ready)
    if found or region_found:
        own = sorted([*problems, *region_found], key=lambda problem: problem.line or 0)
        raise RegionError([*own, *(p for outcome in outcomes for p in outcome.problems)])
    figures = [outcome.figures for outcome in outcomes if outcome.figures is not None]
    region = loaded.region
    shared = {org.id: org.name or "" for org in region.shared_organisations}
    years = YearRange.from_labels(figures[0].years[0], figures[0].years[-1])
    lines = region_lines(region, years)
    return RegionRun(loaded, list(outcomes), consolidate(figures, shared, lines, paid_from(region)))


def _task(place: PlaceFile, places_out: Path | None) -> PlaceTask:
    out = str(places_out / place.id) if places_out is not None else None
    return PlaceTask(place.id, place.name, str(place.path), out)


def run_places(
    tasks: Sequence[PlaceTask],
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[PlaceOutcome]:
    """Every task's outcome, in the order of ``tasks``, however they ran."""
    return run_tasks(run_place, tasks, mode, workers, scheduler, progress)


def run_tasks(
    function: Callable[[Task], Outcome],
    tasks: Sequence[Task],
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """``function`` of every task, in the order of ``tasks``: here (``serial``, or ``local`` with one task),
    in a local pool of processes (``local``), or on dask (``dask``: the scheduler at ``scheduler``, or a local
    cluster of ``workers``)."""
    done = progress or (lambda _: None)
    results: dict[int, Outcome] = {}
    for index, outcome in _completed(function, tasks, mode, workers, scheduler):
        results[index] = outcome
        done(1)
    return [results[index] for index in range(len(tasks))]


def _completed(
    function: Callable[[Task], Outcome],
    tasks: Sequence[Task],
    mode: Mode,
    workers: int | None,
    scheduler: str | None,
) -> Iterator[tuple[int, Outcome]]:
    if mode == "serial" or (mode == "local" and len(tasks) <= 1):
        for index, task in enumerate(tasks):
            yield index, function(task)
    elif mode == "local":
        size = max(1, min(len(tasks), workers or os.cpu_count() or 1))
        with ProcessPoolExecutor(max_workers=size) as pool:
            futures = {pool.submit(function, task): index for index, task in enumerate(tasks)}
            for future in as_completed(futures):
                yield futures[future], future.result()
    else:
        from carebridge.engine.simulate.distributed import dask_executor

        with dask_executor(scheduler=scheduler, workers=workers) as executor:
            yield from executor.run(function, tasks)
