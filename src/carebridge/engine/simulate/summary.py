"""Summaries of per-draw tables: mean, percentiles and probabilities.

For a table ``X[d, …]`` over ``D`` draws: ``mean = Σ_d X[d] / D`` (accumulated in double precision); the
``p``-th percentile is numpy's linear interpolation between order statistics; a probability is the share of
draws in which a condition holds, ``Σ_d 1[condition] / D``.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.arrays import Coordinate, labelled
from carebridge.engine.inputs import DRAW

Floats = npt.NDArray[np.float64]

STAT = "stat"
BLOCK_VALUES = 2**21
"""Values (cells × draws) whose percentiles are computed together (8 MB in single precision): it bounds the
memory a summary needs."""
THREADS = min(2, os.cpu_count() or 1)
"""Threads that sort the blocks of one summary at once."""
PARALLEL_VALUES = 2**19
"""Values (cells × draws) from which a summary's sorting is shared among :data:`THREADS` threads."""
PREFIX = 64
"""Draws of a cell compared first to find cells whose draws are all the same (:func:`_distinct`)."""


def stat_labels(percentiles: Sequence[float]) -> list[str]:
    """``mean`` then ``p10``, ``p50``, … (``p2.5`` for a fractional percentile)."""
    return ["mean", *(f"p{p:g}" for p in percentiles)]


def summarise(table: xr.DataArray, percentiles: Sequence[float]) -> xr.DataArray:
    """The mean and percentiles of ``table`` over its ``draw`` dimension, along a new first dimension
    ``stat`` (labels from :func:`stat_labels`). A table the same in every draw (kept once and read along
    ``draw`` without copying: ``draw``'s stride is 0) is its own mean and every percentile."""
    other = [str(dim) for dim in table.dims if dim != DRAW]
    values = table.variable.transpose(DRAW, *other).values
    draws = values.shape[0]
    out = np.empty((1 + len(percentiles), int(np.prod(values.shape[1:]))))
    if values.strides[0] == 0 and draws > 0:
        out[:] = values[0].reshape(-1)  # the mean of copies of a number is the number (sums of them exact)
    else:
        flat = values.reshape(draws, -1)
        out[0] = np.mean(flat, axis=0, dtype=np.float64)
        if percentiles:
            lowest = flat.min(axis=0)
            same = lowest == flat.max(axis=0)  # a cell the same in every draw: each percentile is its value
            out[1:, same] = lowest[same]  # (even an infinite one, where the interpolation gives NaN)
            varying = np.flatnonzero(~same)  # only these are sorted: often half the cells or fewer
            kept, twin = _distinct(flat, varying)
            out[1:, varying] = _sorted_percentiles(flat, kept, percentiles)[:, twin]
    coords: dict[Hashable, Coordinate] = {
        name: np.asarray(variable.values) if variable.dims == (name,) else variable
        for name, variable in table.coords.variables.items()
        if DRAW not in variable.dims
    }
    coords[STAT] = stat_labels(percentiles)
    return labelled(out.reshape((1 + len(percentiles), *values.shape[1:])), [STAT, *other], coords)


def summarise_all(
    tables: Mapping[str, xr.DataArray], percentiles: Sequence[float]
) -> dict[str, xr.DataArray]:
    """:func:`summarise` of each table, in the order given: the tables on :data:`THREADS` threads at once
    (their sorts and sums run without the interpreter's lock; each table is its own, so the numbers are
    those of one summary after another)."""
    names = list(tables)
    if THREADS < 2 or len(names) < 2:
        return {name: summarise(tables[name], percentiles) for name in names}
    with ThreadPoolExecutor(THREADS, thread_name_prefix="carebridge-summaries") as pool:
        done = list(pool.map(lambda name: summarise(tables[name], percentiles), names))
    return dict(zip(names, done, strict=True))


def _sorted_percentiles(
    flat: npt.NDArray[np.floating[Any]], columns: npt.NDArray[np.intp], percentiles: Sequence[float]
) -> Floats:
    """:func:`_percentiles` of ``columns`` of ``flat`` (draw, cell), (percentile, column): in blocks of at
    most :data:`BLOCK_VALUES` values, sorted on :data:`THREADS` threads at once where there are many (numpy
    sorts without holding the interpreter's lock; each block is its own, so the numbers are the same)."""
    draws = flat.shape[0]
    block_size = max(1, BLOCK_VALUES // draws)
    if columns.size * draws >= PARALLEL_VALUES:  # at least one block a thread
        block_size = min(block_size, -(-columns.size // THREADS))
    starts = range(0, columns.size, block_size)
    found = np.empty((len(percentiles), columns.size))

    def block(start: int) -> None:
        rows = np.ascontiguousarray(flat.T[columns[start : start + block_size]])
        found[:, start : start + block_size] = _percentiles(rows, percentiles)

    if len(starts) > 1 and THREADS > 1:
        with ThreadPoolExecutor(THREADS, thread_name_prefix="carebridge-summary") as pool:
            list(pool.map(block, starts))  # threads of this call (none kept, for a process forked later)
    else:
        for start in starts:
            block(start)
    return found


def _distinct(
    flat: npt.NDArray[np.floating[Any]], columns: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Of ``columns`` of ``flat`` (draw, cell), those whose draws are not those of an earlier one, bit for bit
    (each a sort's work: a table often holds a series twice, as the tariff and cost bases of a saving
    released at once), and for each of ``columns`` the position among them of the one it repeats (itself
    if none). Columns whose first :data:`PREFIX` draws are the same are compared in full, in blocks of draws;
    the rest are distinct."""
    draws = flat.shape[0]
    every = np.arange(columns.size)
    if flat.dtype.itemsize != 4 or not flat.flags.c_contiguous or columns.size < 2:
        return columns, every
    bits = flat.view(np.uint32)  # bits, so that only identical numbers match (not 0 and -0; a NaN its own)
    first: dict[bytes, int] = {}
    repeats = every.copy()
    for position, row in enumerate(np.ascontiguousarray(bits[:PREFIX, columns].T)):
        repeats[position] = first.setdefault(row.tobytes(), position)
    candidates = np.flatnonzero(repeats != every)
    if candidates.size:
        mine, theirs = columns[candidates], columns[repeats[candidates]]
        same = np.ones(candidates.size, dtype=bool)
        step = max(1, BLOCK_VALUES // candidates.size)
        for start in range(PREFIX, draws, step):
            rows = bits[start : start + step]
            same &= (rows[:, mine] == rows[:, theirs]).all(axis=0)
        repeats[candidates[~same]] = candidates[~same]  # alike at first, not after: each its own
    own = repeats == every
    rank = np.cumsum(own) - 1
    return columns[own], rank[repeats]


def _percentiles(block: npt.NDArray[np.floating[Any]], percentiles: Sequence[float]) -> Floats:
    """The ``percentiles`` of each row of ``block`` (cell, draw), (percentile, cell), in double precision:
    numpy's ``percentile`` (method ``linear``) to the last bit, its arithmetic written out so that the rows
    are sorted in place in the precision they are stored in. ``block`` is overwritten."""
    draws = block.shape[1]
    virtual = (draws - 1) * np.true_divide(list(percentiles), 100)
    previous = np.floor(virtual)
    following = previous + 1
    previous[virtual >= draws - 1] = following[virtual >= draws - 1] = -1  # the largest value
    low, high = previous.astype(np.intp), following.astype(np.intp)
    block.sort(axis=1)  # numpy's vectorised sort beats a partition at the few order statistics read here
    below = block[:, low].T.astype(np.float64)
    above = block[:, high].T.astype(np.float64)
    gamma = (virtual - previous)[:, None]
    difference = above - below
    result: Floats = below + difference * gamma
    np.subtract(
        above, difference * (1 - gamma), out=result, where=np.broadcast_to(gamma >= 0.5, result.shape)
    )
    result[:, np.isnan(block[:, -1])] = np.nan  # a NaN sorts last: numpy gives NaN for its row
    same = block[:, 0] == block[:, -1]  # a cell the same in every draw: each percentile is its value
    result[:, same] = block[same, 0]  # (even an infinite one, where the interpolation gives NaN)
    return result


def probability(condition: xr.DataArray) -> xr.DataArray:
    """The share of draws in which ``condition`` holds, for each cell."""
    return condition.mean(DRAW)
