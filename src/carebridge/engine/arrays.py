"""Labelled arrays made cheaply: the engine computes on numpy arrays and labels each result once.

``xr.DataArray(data, dims=..., coords=...)`` rebuilds an index for every coordinate on every call, which costs
more than the engine's arithmetic on a scenario's small arrays. :func:`labelled_array` builds the same array
from an index made once per set of labels.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr
from xarray.indexes import Index

Floats = npt.NDArray[np.float64]
Labels = Sequence[object] | npt.NDArray[np.generic] | pd.Index

DRAW = "draw"
"""The dimension of Monte Carlo draws: first, where an array has it."""


def labelled_array(data: npt.ArrayLike, dims: Sequence[str], coords: Mapping[str, Labels]) -> xr.DataArray:
    """``data`` as a labelled array over ``dims``, each dimension named in ``coords`` labelled by its labels.

    The same as ``xr.DataArray(data, dims=dims, coords=coords)``, without its per-call work: the index of a
    dimension's labels is built once (:func:`_axis`) and shared, so that the engine's arrays cost microseconds
    each to label. Raises ``ValueError`` when the shape of ``data`` does not match ``dims`` and ``coords``."""
    array = np.asarray(data)
    if array.ndim != len(dims):
        raise ValueError(f"data of shape {array.shape} for dimensions {tuple(dims)}")
    variables: dict[str, xr.Variable] = {}
    indexes: dict[Hashable, Index] = {}
    for name, labels in coords.items():
        variable, index = _labels(name, labels)
        if name not in dims or variable.size != array.shape[list(dims).index(name)]:
            raise ValueError(
                f"{variable.size} labels of {name!r} for data of shape {array.shape} on {tuple(dims)}"
            )
        variables[name] = variable.copy(deep=False)
        indexes[name] = index
    return xr.DataArray(
        xr.Variable(list(dims), array, fastpath=True), coords=variables, indexes=indexes, fastpath=True
    )


def labelled_dataset(
    variables: Mapping[str, tuple[Sequence[str], npt.ArrayLike]], coords: Mapping[str, Labels]
) -> xr.Dataset:
    """A dataset of ``variables`` (name → (dims, data)) labelled by ``coords``: the same as
    ``xr.Dataset({name: (dims, data), …}, coords=coords)``, without its per-call alignment and checks. Raises
    ``ValueError`` when the variables' sizes of a dimension, or its labels, disagree."""
    made: dict[Hashable, xr.Variable] = {}
    sizes: dict[Hashable, int] = {}
    for name, (dims, data) in variables.items():
        array = np.asarray(data)
        if array.ndim != len(dims):
            raise ValueError(f"{name!r}: data of shape {array.shape} for dimensions {tuple(dims)}")
        for dim, size in zip(dims, array.shape, strict=True):
            if sizes.setdefault(dim, size) != size:
                raise ValueError(f"{name!r}: {size} values along {dim!r}, other variables have {sizes[dim]}")
        made[name] = xr.Variable(list(dims), array, fastpath=True)
    indexes: dict[Hashable, Index] = {}
    for name, labels in coords.items():
        variable, index = _labels(name, labels)
        if sizes.setdefault(name, variable.size) != variable.size:
            raise ValueError(f"{variable.size} labels of {name!r} for {sizes[name]} values")
        made[name] = variable.copy(deep=False)
        indexes[name] = index
    return xr.Dataset._construct_direct(made, set(coords), dims=sizes, indexes=indexes)


def ordered(array: xr.DataArray, dims: Sequence[str]) -> Floats:
    """The values of ``array`` laid out as (…, *dims), the … a leading draw axis where it has one. Raises
    ``ValueError`` when it has any other dimension."""
    core = tuple(dims)
    extra = [dim for dim in array.dims if dim not in core]
    if (extra and extra != [DRAW]) or len(array.dims) != len(core) + len(extra):
        raise ValueError(f"an array over {array.dims} where {core} (and perhaps {DRAW!r}) was expected")
    if array.dims[len(extra) :] == core:
        return np.asarray(array.values)
    return np.asarray(array.transpose(*extra, *core).values)


def lead(data: npt.NDArray[np.generic], core: int) -> list[str]:
    """``[DRAW]`` when ``data`` has a leading draw axis before its ``core`` dimensions, else ``[]``."""
    return [DRAW] * (data.ndim - core)


def _labels(name: str, labels: Labels) -> tuple[xr.Variable, Index]:
    if isinstance(labels, np.ndarray):  # keeps its dtype (the width of its strings)
        return _axis(name, tuple(labels.tolist()), labels.dtype.str)
    plain = list(labels)
    return _axis(name, tuple(plain), type(plain[0]).__name__ if plain else "")


@lru_cache(maxsize=4096)
def _axis(name: str, labels: tuple[object, ...], kind: str) -> tuple[xr.Variable, Index]:
    """The coordinate variable and index of dimension ``name`` with ``labels`` (of type or dtype ``kind``):
    made once per set of labels, and never changed (each array gets a shallow copy of the variable)."""
    given = np.array(labels, dtype=np.dtype(kind)) if kind.startswith(("<", ">", "|", "=")) else list(labels)
    made = xr.Coordinates({name: given})
    return made.variables[name], made.xindexes[name]
