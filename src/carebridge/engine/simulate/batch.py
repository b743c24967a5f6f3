"""Many runs at once: the deterministic engine on inputs with a leading ``draw`` dimension.

:func:`run_batch` compiles the scenario with the sampled values in place of its uncertain inputs
(:class:`~carebridge.engine.simulate.values.DrawnValues`) and calls the same
:func:`~carebridge.engine.run.run_inputs` as a deterministic run; xarray broadcasts every step along ``draw``.
:func:`draw_tables` keeps, per draw, the output tables a simulation summarises.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.arrays import Coordinate, coord, labelled, ordered
from carebridge.engine.errors import ModelError
from carebridge.engine.finite import non_finite_problems
from carebridge.engine.inputs import DRAW, compile_inputs
from carebridge.engine.results import Results
from carebridge.engine.run import run_inputs
from carebridge.engine.savings import BASES, SOURCES, by_pod_values, laid_by_source, source_totals
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.engine.simulate.values import DrawnValues
from carebridge.scenario.errors import Path, Problem
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
    return run_drawn(scenario, uncertain, samples, first_draw)[0]


def run_drawn(
    scenario: Scenario,
    uncertain: Uncertain,
    samples: Floats,
    first_draw: int | None = None,
    *,
    by_provider: bool = True,
) -> tuple[Results, set[Path]]:
    """:func:`run_batch`, and the paths of the uncertain inputs that the compile and the run read (an input
    not among them is held at its central value: :func:`~carebridge.engine.simulate.sampling.unread_problems`
    says so). With ``by_provider=False`` the results' savings are summed over providers (what
    :func:`draw_tables` reads; the whole table is the largest array of a run)."""

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
        results = run_inputs(scenario, compile_inputs(scenario, values), by_provider=by_provider)
    problems = non_finite_problems(results, describe)
    if problems:
        raise ModelError(problems)
    return results, values.read


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


def draw_tables(results: Results, *, by_provider: bool = True) -> dict[str, xr.DataArray]:
    """The tables of :data:`TABLES` in :data:`STORAGE`, dimensions as :data:`TABLE_DIMS`, each with ``draw``
    first where its values differ between draws and without it where they do not (a table no uncertain input
    reaches is kept once, not once a draw). ``by_provider=False``: the run's savings are summed over providers
    (:func:`run_drawn`), and are read as it computed them (:func:`_savings_of`)."""
    measured = {
        name: _measures(getattr(results, name), TABLE_DIMS[name][1:])
        for name in ("activity", "scheme_activity", "scheme_summary")
    }
    tables = {
        "activity": measured["activity"],
        "scheme_activity": measured["scheme_activity"],
        **_savings_of(results, by_provider),
        "scheme_summary": measured["scheme_summary"],
        "statement": results.statement,
        "positions": results.positions,
    }
    return {name: _stored(table, TABLE_DIMS[name]) for name, table in tables.items()}


def _savings_of(results: Results, by_provider: bool) -> dict[str, xr.DataArray]:
    """``savings``, ``source_savings`` and ``provider_savings`` of ``results``. From a run whose savings are
    summed over providers (``by_provider=False``) and not built yet, they are read from the savings as the
    run computed them, positive and unlabelled (the field's numbers,
    :class:`~carebridge.engine.results.Pending`), and only the sums are negated and labelled, not the whole
    table."""
    pending = None if by_provider else results.pending("savings")
    if pending is not None and results.provider_split is not None:
        sources: Floats = np.asarray(pending.numbers[0], dtype=np.float64)
        split = results.provider_split
        scenario = results.scenario
        coords: dict[str, Coordinate] = {
            "scheme": [scheme.id for scheme in scenario.schemes],
            "year": results.years,
            "pod": [pod.id for pod in scenario.pods],
            "source": list(SOURCES),
            "basis": list(BASES),
            "provider": coord(split, "provider"),
        }
        shares = ordered(split, ("pod", "provider"))
        return _source_sums(sources, -1.0, coords, shares, pending.sums, STORAGE)
    if "provider" in results.savings.dims:
        return _savings_tables(results.savings)
    return _source_tables(results.savings, results.provider_split)


def _savings_tables(savings: xr.DataArray) -> dict[str, xr.DataArray]:
    """``savings``, ``source_savings`` and ``provider_savings`` from the whole savings table (scheme, year,
    pod, source, basis, provider), without copying it: each is a sum over some of its axes taken in the
    order they lie in memory (:func:`_sum_to`)."""
    values = savings.values
    order = sorted(range(values.ndim), key=lambda axis: -values.strides[axis])
    laid = values.transpose(order)
    dims = [str(savings.dims[axis]) for axis in order]
    if not laid.flags.c_contiguous:
        laid = np.ascontiguousarray(laid)
    lead = [DRAW] if DRAW in savings.dims else []
    coords = {str(name): savings.coords[name].values for name in savings.dims if name != DRAW}

    def table(wanted: tuple[str, ...]) -> xr.DataArray:
        data = _sum_to(laid, dims, [*lead, *wanted])
        return xr.DataArray(data, dims=[*lead, *wanted], coords={d: coords[d] for d in wanted})

    return {
        "savings": table(TABLE_DIMS["savings"]),
        "source_savings": table(TABLE_DIMS["source_savings"]),
        "provider_savings": table(TABLE_DIMS["provider_savings"]),
    }


def _source_tables(savings: xr.DataArray, split: xr.DataArray | None) -> dict[str, xr.DataArray]:
    """The tables of :func:`_savings_tables` from the savings summed over providers (…, scheme, year, pod,
    source, basis) and the providers' shares of each POD, ``split`` (pod, provider); each table laid out as
    the savings lie in memory (:func:`~carebridge.engine.savings.laid_by_source`), :func:`_stored` puts it
    in order."""
    assert split is not None
    coords = {str(name): coord(savings, str(name)) for name in savings.dims if name != DRAW}
    coords["provider"] = coord(split, "provider")
    values = ordered(savings, ("scheme", "year", "pod", "source", "basis"))
    return _source_sums(values, 1.0, coords, ordered(split, ("pod", "provider")))


def _source_sums(
    values: Floats,
    sign: float,
    coords: Mapping[str, Coordinate],
    shares: Floats,
    sums: Mapping[str, npt.NDArray[np.generic]] | None = None,
    storage: npt.DTypeLike = np.float64,
) -> dict[str, xr.DataArray]:
    """:func:`_source_tables` of the savings ``values`` (…, scheme, year, pod, source, basis) times ``sign``
    (−1 for the savings as the run computes them, positive), with the providers' ``shares`` (pod, provider)
    and the labels ``coords``: each sum taken of ``values`` and then multiplied by ``sign`` (exact). The sums
    over sources the run computed for itself (``sums``, :attr:`~carebridge.engine.results.Pending.sums`:
    ``totals`` and ``by_pod``) are read as they are, not computed again; the ``savings`` table is written
    in ``storage`` (:data:`STORAGE` for a chunk's tables), as :func:`_stored` lays it out."""
    lead = [DRAW] if values.ndim == 6 else []
    held = shares.sum(axis=-1)  # the share of each POD the providers hold
    laid = laid_by_source(values)  # (…, source, basis, scheme, year, pod)
    kept = {name: np.asarray(sum_, dtype=np.float64) for name, sum_ in (sums or {}).items()}  # no copy
    total = kept["totals"] if "totals" in kept else source_totals(values)  # (…, basis, scheme, year, pod)
    activity = total.sum(axis=-3)  # (…, basis, year, pod)
    sources = np.einsum("...kyp,p->...y", laid, held)  # (…, source, basis, year)
    by_pod = kept["by_pod"] if "by_pod" in kept else by_pod_values(total, shares)
    providers = np.einsum("...byp,po->...boy", activity, shares)

    def table(data: Floats, dims: tuple[str, ...]) -> xr.DataArray:
        if sign != 1:
            np.multiply(data, sign, out=data)
        return labelled(data, [*lead, *dims], {d: coords[d] for d in dims})

    savings = TABLE_DIMS["savings"]  # laid out as stored, the sign taken on the way: the run's sums stay
    by_scheme = np.empty((*by_pod.shape[:-4], *by_pod.shape[-3:], by_pod.shape[-4]), storage)
    np.multiply(by_pod, sign, out=np.moveaxis(by_scheme, -1, -4), casting="same_kind")
    return {
        "savings": labelled(by_scheme, [*lead, *savings], {d: coords[d] for d in savings}),
        "source_savings": table(sources, ("source", "basis", "year")),
        "provider_savings": table(providers, TABLE_DIMS["provider_savings"]),
    }


def _sum_to(values: Floats, dims: list[str], wanted: list[str]) -> Floats:
    """``values`` (C-contiguous, ``dims`` in memory order) summed over every dimension not ``wanted``, laid
    out as ``wanted``. Neighbouring summed axes are merged, and each summed axis is reduced by a product
    with a vector of ones (a batch of them for an axis in the middle), which is much faster than numpy's
    sum over a short axis."""
    shape: list[int] = []
    names: list[str | None] = []
    for name, size in zip(dims, values.shape, strict=True):
        if name in wanted:
            shape.append(size)
            names.append(name)
        elif names and names[-1] is None:
            shape[-1] *= size
        else:
            shape.append(size)
            names.append(None)
    data = values.reshape(shape)
    summed = [axis for axis, name in enumerate(names) if name is None]
    for done, at in enumerate(summed):  # the outermost first: it shrinks the array the most
        axis = at - done
        before, size, after = data.shape[:axis], data.shape[axis], data.shape[axis + 1 :]
        if after:  # (outer, size, inner): a row of ones times each (size, inner) matrix
            rows = data.reshape(int(np.prod(before)), size, int(np.prod(after)))
            data = (np.ones(size) @ rows).reshape(*before, *after)
        else:
            data = data @ np.ones(size)
    kept = [name for name in names if name is not None]
    result: Floats = data.transpose([kept.index(name) for name in wanted])
    return result


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


def _measures(data: xr.Dataset, dims: tuple[str, ...]) -> xr.DataArray:
    """``data.to_array("measure")`` laid out (draw, measure, *dims) (without ``draw`` where no variable has
    it) in :data:`STORAGE`: each variable written once into place."""
    names = list(data.data_vars)
    drawn = [DRAW] if any(DRAW in data[name].dims for name in names) else []
    every = [*drawn, *dims]
    out = np.empty([data.sizes[dim] for dim in drawn] + [len(names)] + [data.sizes[d] for d in dims], STORAGE)
    for k, name in enumerate(names):
        variable = data[name].variable
        present = [dim for dim in every if dim in variable.dims]
        values = variable.transpose(*present).values
        shape = [data.sizes[dim] if dim in variable.dims else 1 for dim in every]
        out[(slice(None),) * len(drawn) + (k,)] = values.reshape(shape)
    return labelled(out, [*drawn, "measure", *dims], {**_coords(data), "measure": names})


def _coords(data: xr.DataArray | xr.Dataset) -> dict[Hashable, Coordinate]:
    """The coordinates of ``data`` for :func:`~carebridge.engine.arrays.labelled`: a dimension's labels as
    an array (its index made once for them and shared), any other coordinate as its variable."""
    return {
        name: np.asarray(variable.values) if variable.dims == (name,) else variable
        for name, variable in data.coords.variables.items()
    }


def _stored(table: xr.DataArray, dims: tuple[str, ...]) -> xr.DataArray:
    """``table`` laid out ``(draw, *dims)`` (or ``dims`` when it has no draw) in :data:`STORAGE`."""
    order = [DRAW, *dims] if DRAW in table.dims else list(dims)
    values = np.ascontiguousarray(table.variable.transpose(*order).values, dtype=STORAGE)
    return labelled(values, order, _coords(table), table.attrs)
