"""Compare regions (docs/region.md): two versions of a region file, or each variant of a region applied to
every place against the base. The arithmetic is :func:`carebridge.engine.region_compare.compare_regions`;
the faces draw the tables and write the files.

A region's variants are written in its region file, as a scenario's are (``variants:``, the same changes:
``set``, ``scale``, ``add``, ``remove`` at a path). Each change is applied to **every place whose scenario
has its path** (every part of it; for ``add`` the section holding the list), in the variant's order; a
change that no place has is a problem located at its line of the region file, and so is a change a place
cannot take (with the place's own words). The places a variant does not touch keep the base's run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from carebridge.engine import ModelError
from carebridge.engine.region import Consolidation, place_figures
from carebridge.engine.region_compare import RegionComparison, compare_regions
from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.loader import LoadedScenario
from carebridge.scenario.region import LoadedRegion, RegionError
from carebridge.scenario.schema import Change, Scenario, Variant
from carebridge.scenario.variants import apply_variant
from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError
from carebridge.usecases.planning import load, run
from carebridge.usecases.region import (
    Mode,
    PlaceOutcome,
    Progress,
    RegionRun,
    consolidate_region,
    place_organisations,
    run_region,
    run_tasks,
)


@dataclass(frozen=True)
class ComparedRegion:
    """One comparison: a label, the two consolidations and their difference."""

    label: str
    base: Consolidation
    other: Consolidation
    comparison: RegionComparison


@dataclass(frozen=True)
class RegionComparisons:
    """The base region's run, each comparison with it, the names of the two sides, and the changes each
    variant made in each place (in words, as logged)."""

    base: RegionRun
    items: list[ComparedRegion]
    base_name: str
    other_names: list[str]
    changes: list[str] = field(default_factory=list)


def compare_region_versions(
    base: str | Path,
    other: str | Path,
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RegionComparisons:
    """The region file ``other`` against ``base``, each run once; :class:`RegionError` with every problem of
    both files and of their places, each located in its own file."""
    runs: list[RegionRun] = []
    problems: list[Problem] = []
    for path in (base, other):
        try:
            runs.append(run_region(path, None, mode, workers, scheduler, progress))
        except RegionError as error:
            problems += error.problems
    if problems:
        raise RegionError(problems)
    first, second = runs
    label = f"{Path(base).stem} → {Path(other).stem}"
    compared = ComparedRegion(
        label,
        first.consolidation,
        second.consolidation,
        compare_regions(first.consolidation, second.consolidation),
    )
    return RegionComparisons(first, [compared], first.region.name, [second.region.name])


@dataclass(frozen=True)
class VariedPlaceTask:
    """A place of the region with a variant applied: run from its varied scenario."""

    id: str
    name: str | None
    loaded: LoadedScenario


def run_varied_place(task: VariedPlaceTask) -> PlaceOutcome:
    """Run one varied place: its figures and what the region checks of it, or its problems."""
    try:
        results = run(task.loaded)
    except ModelError as error:
        return PlaceOutcome(task.id, problems=list(error.problems))
    scenario = task.loaded.scenario
    figures = place_figures(task.id, task.name or scenario.name, results)
    return PlaceOutcome(task.id, figures=figures, organisations=place_organisations(task.id, scenario))


def compare_region_variants(
    path: str | Path,
    only: Sequence[str] = (),
    mode: Mode = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> RegionComparisons:
    """Each variant of the region at ``path`` (those named in ``only``, when given), applied to every place
    that has what it changes, against the base.

    Raises :class:`NoVariantsError` when the region has none, :class:`UnknownVariantsError` when ``only``
    names one it lacks, and :class:`RegionError` (located in the region file, or in a place's own file) when
    the region or a place fails, a change names what no place has, or a place cannot take a change."""
    base = run_region(path, None, mode, workers, scheduler, progress)
    region, loaded = base.region, base.loaded
    variants = region.variants
    if not variants:
        raise NoVariantsError()
    unknown = sorted(set(only) - {variant.id for variant in variants})
    if unknown:
        raise UnknownVariantsError(unknown, [variant.id for variant in variants])
    chosen = [(i, variant) for i, variant in enumerate(variants) if not only or variant.id in only]
    places = [(place.id, place.name, load(place.path)) for place in loaded.places]
    problems = _duplicate_ids(variants)
    tasks: list[tuple[int, VariedPlaceTask]] = []
    changes: list[str] = []
    for position, variant in chosen:
        varied, found, logged = vary_places(variant, position, places)
        problems += found
        changes += logged
        tasks += [(position, task) for task in varied]
    if problems:
        raise RegionError(sorted(loaded.source.locate(problems), key=lambda problem: problem.line or 0))
    outcomes = run_tasks(run_varied_place, [task for _, task in tasks], mode, workers, scheduler, progress)
    items = []
    for position, variant in chosen:
        own = {
            task.id: outcome for (at, task), outcome in zip(tasks, outcomes, strict=True) if at == position
        }
        consolidation = _consolidated(loaded, [own.get(o.id, o) for o in base.outcomes], variant)
        items.append(
            ComparedRegion(
                variant.name,
                base.consolidation,
                consolidation,
                compare_regions(base.consolidation, consolidation),
            )
        )
    return RegionComparisons(base, items, "Base", [variant.name for _, variant in chosen], changes)


def _consolidated(loaded: LoadedRegion, outcomes: list[PlaceOutcome], variant: Variant) -> Consolidation:
    try:
        return consolidate_region(loaded, outcomes).consolidation
    except RegionError as error:
        raise RegionError(
            [replace(p, message=f"with variant '{variant.id}': {p.message}") for p in error.problems]
        ) from None


def _duplicate_ids(variants: Sequence[Variant]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, variant in enumerate(variants):
        if variant.id in seen:
            problems.append(
                Problem(("variants", i, "id"), f"the id '{variant.id}' is used by an earlier variant")
            )
        seen.add(variant.id)
    return problems


def vary_places(
    variant: Variant, position: int, places: Sequence[tuple[str, str | None, LoadedScenario]]
) -> tuple[list[VariedPlaceTask], list[Problem], list[str]]:
    """``variant`` (number ``position`` of the region file) applied to every place that has what each change
    changes: a task for each place it changes, the problems (located by the region file's paths) and the
    changes made, in words."""
    at = ("variants", position, "changes")
    held = {place: _full_data(loaded.scenario) for place, _, loaded in places}
    applies = [
        [place for place, _, _ in places if has_path(held[place], change)] for change in variant.changes
    ]
    problems = [
        Problem(
            (*at, number, "path"),
            f"no place has '{change.path}' (the places are {', '.join(place for place, _, _ in places)}); "
            "expected the path of something at least one place's scenario has",
        )
        for number, (change, found) in enumerate(zip(variant.changes, applies, strict=True))
        if not found
    ]
    tasks: list[VariedPlaceTask] = []
    logged: list[str] = []
    for place, name, loaded in places:
        numbers = [number for number, found in enumerate(applies) if place in found]
        if not numbers:
            continue
        own = Variant(
            id=variant.id,
            name=variant.name,
            changes=[variant.changes[number] for number in numbers],
        )
        try:
            done = apply_variant(loaded.scenario.model_copy(update={"variants": [own]}), 0)
        except ScenarioError as error:
            problems += [_in_region(problem, place, position, numbers) for problem in error.problems]
            continue
        logged += [f"{change.variant} in {place}: {str(change).partition(': ')[2]}" for change in done.log]
        tasks.append(VariedPlaceTask(place, name, replace(loaded, scenario=done.scenario)))
    return tasks, problems, logged


def _in_region(problem: Problem, place: str, position: int, numbers: Sequence[int]) -> Problem:
    """A place's problem with a variant, at the variant (or its change) in the region file."""
    path: tuple[Any, ...] = ("variants", position)
    if len(problem.path) >= 4 and problem.path[2] == "changes" and isinstance(problem.path[3], int):
        path = (*path, "changes", numbers[problem.path[3]], *problem.path[4:])
    return Problem(path, f"in place '{place}': {problem.message}")


def _full_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, every field present (its default where not written)."""
    data: dict[str, Any] = scenario.model_dump(mode="python", exclude={"variants"})
    return data


def has_path(data: Any, change: Change) -> bool:
    """Whether a scenario's data (:func:`_full_data`) has what ``change`` changes: every part of its path
    (list items by id or position), a value to scale, and for ``add`` the section that holds the list."""
    parts = change.path.split(".")
    node = data
    for number, part in enumerate(parts):
        last = number == len(parts) - 1
        if isinstance(node, list):
            ids = [i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == part]
            if ids:
                node = node[ids[0]]
            elif part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return last and change.add is not None and isinstance(node, dict)
    return change.scale is None or node is not None
