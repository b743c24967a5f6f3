"""Summaries of per-draw tables: mean, percentiles and probabilities.

For a table ``X[d, …]`` over ``D`` draws: ``mean = Σ_d X[d] / D`` (accumulated in double precision); the
``p``-th percentile is numpy's linear interpolation between order statistics; a probability is the share of
draws in which a condition holds, ``Σ_d 1[condition] / D``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.inputs import DRAW

Floats = npt.NDArray[np.float64]

STAT = "stat"
BLOCK_VALUES = 2**21
"""Values (cells × draws) whose percentiles are computed together (8 MB in single precision): it bounds the
memory a summary needs."""


def stat_labels(percentiles: Sequence[float]) -> list[str]:
    """``mean`` then ``p10``, ``p50``, … (``p2.5`` for a fractional percentile)."""
    return ["mean", *(f"p{p:g}" for p in percentiles)]


def summarise(table: xr.DataArray, percentiles: Sequence[float]) -> xr.DataArray:
    """The mean and percentiles of ``table`` over its ``draw`` dimension, along a new first dimension
    ``stat`` (labels from :func:`stat_labels`)."""
    ordered = table.transpose(DRAW, ...)
    values = ordered.values
    draws = values.shape[0]
    flat = values.reshape(draws, -1)
    out = np.empty((1 + len(percentiles), flat.shape[1]))
    out[0] = np.mean(flat, axis=0, dtype=np.float64)
    if percentiles:
        varies = np.flatnonzero(flat.min(axis=0) != flat.max(axis=0))
        out[1:] = flat[0]  # every percentile of a cell that is the same in every draw
        block_size = max(1, BLOCK_VALUES // draws)
        every = varies.size == flat.shape[1]  # then a block is a slice, not a gather
        for start in range(0, varies.size, block_size):
            columns = slice(start, start + block_size) if every else varies[start : start + block_size]
            out[1:, columns] = _percentiles(np.ascontiguousarray(flat[:, columns].T), percentiles)
    other = [dim for dim in ordered.dims if dim != DRAW]
    coords = {name: coord for name, coord in ordered.coords.items() if DRAW not in coord.dims}
    return xr.DataArray(
        out.reshape((1 + len(percentiles), *values.shape[1:])),
        dims=[STAT, *other],
        coords={**coords, STAT: stat_labels(percentiles)},
    )


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
    return result


def probability(condition: xr.DataArray) -> xr.DataArray:
    """The share of draws in which ``condition`` holds, for each cell."""
    return condition.mean(DRAW)
