"""Many runs at once: the deterministic engine on inputs with a leading ``draw`` dimension.

:func:`run_batch` compiles the scenario with the sampled values in place of its uncertain inputs
(:class:`~carebridge.engine.simulate.values.DrawnValues`) and calls the same
:func:`~carebridge.engine.run.run_inputs` as a deterministic run; xarray broadcasts every step along ``draw``.
:func:`draw_tables` keeps, per draw, the output tables a simulation summarises.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.errors import ModelError
from carebridge.engine.finite import non_finite_problems
from carebridge.engine.inputs import DRAW, compile_inputs
from carebridge.engine.results import Results
from carebridge.engine.run import run_inputs
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.engine.simulate.values import DrawnValues
from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Scenario

Floats = npt.NDArray[np.float64]

TABLES = (
    "activity",
    "scheme_activity",
    "savings",
    "source_savings",
    "provider_savings",
    "scheme_summary",
    "statement",
    "positions",
)
"""The tables kept per draw: the output tables of a run, with the savings table (scheme, year, pod, source,
basis, provider) kept as three smaller ones to bound memory: ``savings`` by scheme and POD (over sources and
providers), ``source_savings`` by source and ``provider_savings`` by provider (each over schemes and PODs)."""

STORAGE = np.float32
"""Tables are kept per draw in single precision (7 significant figures: to the pound on £100m); means are
accumulated in double precision."""


def run_batch(
    scenario: Scenario, uncertain: Uncertain, samples: Floats, first_draw: int | None = None
) -> Results:
    """The results of every row of ``samples`` (draw, input) at once, with a ``draw`` dimension wherever the
    draws differ. Raises :class:`~carebridge.engine.errors.ModelError` when any draw overdraws a cell, or
    when a drawn input or a value of the results is not a finite number (:mod:`carebridge.engine.finite`),
    naming the draw (``first_draw`` is the number of the batch's first draw, from 0; ``None`` when the rows
    are not random draws, as in a sensitivity analysis) and the values drawn in it."""

    def describe(position: int) -> str:
        drawn = ", ".join(
            f"{item.name} {samples[position, k]:,.6g}" for k, item in enumerate(uncertain.inputs[:_SHOWN])
        )
        more = f" and {len(uncertain.inputs) - _SHOWN:,} more" if len(uncertain.inputs) > _SHOWN else ""
        if first_draw is None:
            return f"a run of the sensitivity analysis (the uncertain inputs at: {drawn}{more})"
        draw = first_draw + position + 1
        return f"draw {draw:,} of the simulation (the uncertain inputs drawn: {drawn}{more})"

    problems = _undrawable(uncertain, samples, describe)
    if problems:
        raise ModelError(problems)
    values = DrawnValues([item.path for item in uncertain.inputs], samples)
    with xr.set_options(arithmetic_join="exact"):  # type: ignore[no-untyped-call]
        results = run_inputs(scenario, compile_inputs(scenario, values))
    problems = non_finite_problems(results, describe)
    if problems:
        raise ModelError(problems)
    return results


_SHOWN = 8
"""Uncertain inputs whose drawn values a message lists."""


def _undrawable(uncertain: Uncertain, samples: Floats, describe: Callable[[int], str]) -> list[Problem]:
    """A problem for each uncertain input with a drawn value that is not a finite number, at its path."""
    if np.isfinite(samples.sum()):
        return []
    problems = []
    for k, item in enumerate(uncertain.inputs):
        bad = ~np.isfinite(samples[:, k])
        if bad.any():
            position = int(np.argmax(bad))
            found = "infinite" if np.isinf(samples[position, k]) else "not a number"
            problems.append(
                Problem(
                    item.path,
                    f"the uncertain input '{item.name}' draws a value that is {found} in "
                    f"{describe(position)}: its distribution reaches beyond arithmetic; narrow it",
                )
            )
    return problems


def draw_tables(results: Results, draws: int) -> dict[str, xr.DataArray]:
    """The tables of :data:`TABLES`, each with ``draw`` first and ``draws`` long, in :data:`STORAGE`."""
    tables = {
        "activity": results.activity.to_array("measure"),
        "scheme_activity": results.scheme_activity.to_array("measure"),
        **_savings_tables(results.savings),
        "scheme_summary": results.scheme_summary.to_array("measure"),
        "statement": results.statement,
        "positions": results.positions,
    }
    return {name: _with_draws(table, draws, TABLE_DIMS[name]) for name, table in tables.items()}


def _savings_tables(savings: xr.DataArray) -> dict[str, xr.DataArray]:
    """``savings``, ``source_savings`` and ``provider_savings`` from the whole savings table.

    The table is laid out (…, basis, year, scheme, pod, source, provider) and each sum over trailing axes is a
    product with a vector of ones, which is much faster than numpy's sum over short axes."""
    lead = [DRAW] if DRAW in savings.dims else []
    order = (*lead, "basis", "year", "scheme", "pod", "source", "provider")
    values = np.ascontiguousarray(savings.transpose(*order).values)
    *outer, schemes, pods, sources, provider_count = values.shape
    by_source = values @ np.ones(provider_count)  # (…, scheme, pod, source)
    cells = by_source.reshape(*outer, schemes * pods, sources)
    by_provider = values.reshape(*outer, schemes * pods * sources, provider_count)
    coords = {name: savings.coords[name].values for name in order if name != DRAW}

    def table(data: Floats, dims: tuple[str, ...]) -> xr.DataArray:
        return xr.DataArray(data, dims=[*lead, *dims], coords={d: coords[d] for d in dims})

    return {
        "savings": table(by_source @ np.ones(sources), ("basis", "year", "scheme", "pod")),
        "source_savings": table(np.ones(schemes * pods) @ cells, ("basis", "year", "source")),
        "provider_savings": table(
            np.ones(schemes * pods * sources) @ by_provider, ("basis", "year", "provider")
        ),
    }


TABLE_DIMS = {
    "activity": ("measure", "year", "pod"),
    "scheme_activity": ("measure", "scheme", "year", "pod"),
    "savings": ("scheme", "year", "pod", "basis"),
    "source_savings": ("basis", "source", "year"),
    "provider_savings": ("basis", "provider", "year"),
    "scheme_summary": ("measure", "scheme", "year", "basis"),
    "statement": ("basis", "line", "year"),
    "positions": ("line", "org", "year"),
}
"""The dimensions of each table after ``draw``."""


def _with_draws(table: xr.DataArray, draws: int, dims: tuple[str, ...]) -> xr.DataArray:
    if DRAW not in table.dims:
        table = table.expand_dims({DRAW: draws})
    table = table.transpose(DRAW, *dims)
    return table.copy(data=np.ascontiguousarray(table.values, dtype=STORAGE))
