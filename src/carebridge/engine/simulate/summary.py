"""Summaries of per-draw tables: mean, percentiles and probabilities.

For a table ``X[d, …]`` over ``D`` draws: ``mean = Σ_d X[d] / D`` (accumulated in double precision); the
``p``-th percentile is numpy's linear interpolation between order statistics; a probability is the share of
draws in which a condition holds, ``Σ_d 1[condition] / D``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from carebridge.engine.inputs import DRAW

STAT = "stat"
BLOCK_VALUES = 2**21
"""Values (cells × draws) whose percentiles are computed together: 16 MB in double precision, which bounds
the memory a summary needs."""


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
        for start in range(0, varies.size, block_size):
            columns = varies[start : start + block_size]
            block = np.ascontiguousarray(flat[:, columns].T, dtype=np.float64)  # (cell, draw)
            out[1:, columns] = np.percentile(block, list(percentiles), axis=1)
    other = [dim for dim in ordered.dims if dim != DRAW]
    coords = {name: coord for name, coord in ordered.coords.items() if DRAW not in coord.dims}
    return xr.DataArray(
        out.reshape((1 + len(percentiles), *values.shape[1:])),
        dims=[STAT, *other],
        coords={**coords, STAT: stat_labels(percentiles)},
    )


def probability(condition: xr.DataArray) -> xr.DataArray:
    """The share of draws in which ``condition`` holds, for each cell."""
    return condition.mean(DRAW)
