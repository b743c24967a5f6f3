"""Every number a run gives is a finite number, or the run is an error that names the input behind it.

The scenario's bounds (:mod:`carebridge.scenario.bounds`) keep a validated scenario's numbers far from
overflow, so this should never find anything; it is the last guard, so that no report is written with blank
cells or a total short by what overflowed. A value that is not finite (infinite, or not a number) is
reported once per result array, at its first cell, with the path of the input most specific to that cell
(the scheme, the plan line, the POD or the organisation), which the command line turns into file and line.
The deflection percentage is left out: it is undefined, by design, for a POD whose base activity is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from carebridge.engine.inputs import DRAW
from carebridge.engine.results import Results
from carebridge.scenario.errors import Path, Problem
from carebridge.scenario.schema import Scenario

if TYPE_CHECKING:
    import xarray as xr

UNDEFINED_BY_DESIGN = {"activity.deflection_pct"}

LABELS = {
    "activity": "activity",
    "scheme_activity": "activity moved by a scheme",
    "savings": "savings",
    "scheme_investment": "investment in a scheme",
    "scheme_summary": "the schemes' summary",
    "statement": "the statement",
    "positions": "the positions",
    "plan_gross": "a plan line before double counting",
    "finance": "the do-nothing forecast",
    "expenditure": "the do-nothing expenditure",
    "capacity": "capacity",
}


def non_finite_problems(results: Results, describe_draw: Callable[[int], str] | None = None) -> list[Problem]:
    """A problem for each result array holding a value that is not a finite number.

    The results of many draws at once (a leading ``draw`` dimension, :mod:`carebridge.engine.simulate`) are
    checked the same way, one vectorised pass per array; ``describe_draw`` says in words which draw of the
    batch (by its position) the value is in, and what was drawn in it."""
    problems = []
    for name, array in _arrays(results, [field for field in LABELS if not _all_finite(results, field)]):
        values = np.asarray(array.values)
        if values.dtype.kind not in "fc" or name in UNDEFINED_BY_DESIGN:
            continue
        # the sum is finite when every value is (unless it overflows, then the cells are looked at): one
        # pass with nothing allocated, so the check costs little beside the run
        if np.isfinite(values.sum()):
            continue
        bad = ~np.isfinite(values)
        if not bad.any():
            continue
        first = np.unravel_index(int(np.argmax(bad)), bad.shape)
        cell = {
            str(dim): _coordinate(array, str(dim), int(i)) for dim, i in zip(array.dims, first, strict=True)
        }
        position = cell.pop(DRAW, None)
        draw = None if position is None or describe_draw is None else describe_draw(int(str(position)))
        count = int(bad.sum())
        problems.append(_problem(results.scenario, name, cell, float(values[first]), count, draw))
    return problems


def _coordinate(array: xr.DataArray, dim: str, index: int) -> object:
    """The label of position ``index`` along ``dim`` (the position itself along a dimension without labels,
    such as ``draw``)."""
    if dim not in array.coords:
        return index
    label = array[dim].values[index]
    return label.item() if isinstance(label, np.generic) else label  # an object array holds plain strings


def _all_finite(results: Results, field: str) -> bool:
    """Whether the field ``field`` not labelled yet holds only finite numbers (checked on its numbers, so a
    run's results are labelled only where a value is not finite, to name the cell); False when it is built
    already (its labelled arrays are checked)."""
    pending = results.pending(field)
    if pending is None:
        return False
    # the sum is finite when every value is (unless it overflows, then the cells are looked at): one pass
    # with nothing allocated
    return all(bool(np.isfinite(np.sum(values))) for values in pending.numbers)


def _arrays(results: Results, chosen: list[str]) -> Iterator[tuple[str, xr.DataArray]]:
    for field in chosen:
        value = getattr(results, field)
        if value is None:
            continue
        import xarray as xr

        if isinstance(value, xr.Dataset):
            for variable in value.data_vars:
                yield f"{field}.{variable}", value[variable]
        elif isinstance(value, xr.DataArray):
            yield field, value


def _problem(
    scenario: Scenario, name: str, cell: dict[str, object], value: float, count: int, draw: str | None
) -> Problem:
    path, words = _input_of(scenario, cell)
    field = name.split(".")[0]
    where = ", ".join([*words, str(cell["year"])] if "year" in cell else words)
    found = "infinite" if np.isinf(value) else "not a number"
    more = f" (and {count - 1:,} more cells)" if count > 1 else ""
    drawn = f" in {draw}" if draw is not None else ""
    return Problem(
        path,
        f"the run gives a value that is {found} in {LABELS[field]} ({name}) for {where or 'the plan'}{more}"
        f"{drawn}: "
        "a number here is too large for arithmetic, or a value divides by zero; check the values of this "
        "input and the limits in docs/scenario-format.md",
    )


def _input_of(scenario: Scenario, cell: dict[str, object]) -> tuple[Path, list[str]]:
    """The path of the input most specific to ``cell`` and the cell's coordinates in people's words."""
    words = []
    path: Path | None = None
    schemes = [scheme.id for scheme in scenario.schemes]
    if "scheme" in cell and cell["scheme"] in schemes:
        index = schemes.index(str(cell["scheme"]))
        words.append(f"scheme '{scenario.schemes[index].name}'")
        path = ("schemes", index)
    lines = [line.id for line in scenario.positions.plan_lines]
    line = cell.get("line")
    if line in lines:
        index = lines.index(str(line))
        words.append(f"plan line '{scenario.positions.plan_lines[index].name}'")
        path = path or ("positions", "plan_lines", index)
    elif isinstance(line, str):
        words.append(f"line '{line}'")
    pods = [pod.id for pod in scenario.pods]
    if "pod" in cell and cell["pod"] in pods:
        index = pods.index(str(cell["pod"]))
        words.append(f"POD '{scenario.pods[index].name}'")
        path = path or ("pods", index)
    orgs = [organisation.id for organisation in scenario.organisations]
    if "org" in cell and cell["org"] in orgs:
        index = orgs.index(str(cell["org"]))
        words.append(f"organisation '{scenario.organisations[index].name}'")
        path = path or ("organisations", index)
    if "provider" in cell:
        provider = cell["provider"]
        words.append(
            f"provider '{scenario.organisations[orgs.index(str(provider))].name}'"
            if provider in orgs
            else f"provider {provider}"
        )
    for dim in ("basis", "source", "category"):
        if dim in cell:
            words.append(f"{dim} {cell[dim]}")
    return path or (), words
