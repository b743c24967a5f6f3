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
import xarray as xr
from xarray.indexes import Index

Floats = npt.NDArray[np.float64]
Labels = Sequence[object] | npt.NDArray[np.generic]


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
        plain = labels.tolist() if isinstance(labels, np.ndarray) else list(labels)
        variable, index = _axis(name, tuple(plain), type(plain[0]).__name__ if plain else "")
        if name not in dims or variable.size != array.shape[list(dims).index(name)]:
            raise ValueError(
                f"{len(plain)} labels of {name!r} for data of shape {array.shape} on {tuple(dims)}"
            )
        variables[name] = variable.copy(deep=False)
        indexes[name] = index
    return xr.DataArray(
        xr.Variable(list(dims), array, fastpath=True), coords=variables, indexes=indexes, fastpath=True
    )


@lru_cache(maxsize=4096)
def _axis(name: str, labels: tuple[object, ...], kind: str) -> tuple[xr.Variable, Index]:
    """The coordinate variable and index of dimension ``name`` with ``labels`` (of type ``kind``): made once
    per set of labels, and never changed (each array gets a shallow copy of the variable)."""
    made = xr.Coordinates({name: list(labels)})
    return made.variables[name], made.xindexes[name]
