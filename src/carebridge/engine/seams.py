"""numpy inside, xarray at the seams: the values of labelled arrays in a known axis order, and back.

A module that computes with numpy takes each labelled input's values once, laid out as (*lead, *core) —
``core`` the dimensions it computes over, in its own fixed order, and ``lead`` any others (a Monte Carlo
``draw``), which its arithmetic carries with ``...`` — and builds each output once as a labelled array.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr
from xarray.core.indexes import Index

Floats = npt.NDArray[np.float64]


def lead_dims(arrays: Sequence[xr.DataArray | None], core: Sequence[str]) -> list[str]:
    """The dimensions of ``arrays`` outside ``core``, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for array in arrays:
        if array is not None:
            for dim in array.dims:
                if dim not in core:
                    seen[str(dim)] = None
    return list(seen)


def laid(array: xr.DataArray, core: Sequence[str], lead: Sequence[str] = ()) -> Floats:
    """The values of ``array`` as (*lead, *core): the dimensions of ``lead`` it lacks of length 1 (numpy
    broadcasts them); ``array`` has no dimension outside ``lead`` and ``core``."""
    dims = [str(dim) for dim in array.dims]
    order = [dims.index(dim) for dim in lead if dim in dims] + [dims.index(dim) for dim in core]
    if len(order) != len(dims):
        raise ValueError(f"dimensions {dims} are not within {[*lead, *core]}")
    values = np.asarray(array.values)
    if order != list(range(len(dims))):
        values = values.transpose(order)
    if len(lead) == len(dims) - len(core):
        return values
    shape = [array.shape[dims.index(dim)] if dim in dims else 1 for dim in lead]
    return values.reshape(*shape, *values.shape[len(values.shape) - len(core) :])


def lead_coords(arrays: Sequence[xr.DataArray | None], lead: Sequence[str]) -> dict[Hashable, Coordinate]:
    """The coordinates of the leading dimensions (a ``draw`` has none), from the first array that has one."""
    coords: dict[Hashable, Coordinate] = {}
    for dim in lead:
        for array in arrays:
            if array is not None and dim in array.coords:
                coords[dim] = np.asarray(array.coords.variables[dim].values)
                break
    return coords


def lead_sizes(arrays: Sequence[xr.DataArray | None], lead: Sequence[str]) -> list[int]:
    """The length of each leading dimension."""
    sizes: dict[str, int] = {}
    for array in arrays:
        if array is not None:
            for dim, size in zip(array.dims, array.shape, strict=True):
                sizes.setdefault(str(dim), size)
    return [sizes[dim] for dim in lead]


def coord(array: xr.DataArray | xr.Dataset, dim: str) -> npt.NDArray[np.generic]:
    """The values of ``array``'s coordinate ``dim``, with their dtype (a pandas index's would be object)."""
    variables = array.variables if isinstance(array, xr.Dataset) else array.coords.variables
    return np.asarray(variables[dim].values)


Labels = Sequence[object] | npt.NDArray[np.generic]
"""A coordinate's values: a list of labels (ids, years) or an array of them."""


def labelled(
    data: npt.NDArray[Any],
    dims: Sequence[str],
    coords: Mapping[Any, Coordinate],
    attrs: Mapping[str, object] | None = None,
) -> xr.DataArray:
    """``xr.DataArray(data, dims=dims, coords=coords)``, the same array, built without the constructor's
    checks and index building, which cost more than the arithmetic of a run: the index of each dimension
    coordinate (a list of labels) is built once for those labels and reused (:func:`_dimension`); a
    non-index coordinate is ``(dims, values)`` or a variable. The shapes are checked."""
    variables, indexes = _coordinates(coords, dict(zip(dims, np.shape(data), strict=True)))
    variable = xr.Variable(list(dims), data, dict(attrs) if attrs else None)
    return xr.DataArray(variable, coords=variables, indexes=indexes, fastpath=True)


def labelled_dataset(
    data_vars: Mapping[Any, tuple[Sequence[str], npt.NDArray[Any]]],
    coords: Mapping[Any, Coordinate],
) -> xr.Dataset:
    """``xr.Dataset(data_vars, coords=coords)`` built as :func:`labelled` builds an array."""
    sizes: dict[str, int] = {}
    data: dict[Hashable, xr.Variable] = {}
    for name, (dims, values) in data_vars.items():
        data[name] = xr.Variable(list(dims), values)
        for dim, size in zip(dims, np.shape(values), strict=True):
            if sizes.setdefault(dim, size) != size:
                raise ValueError(f"{name}: dimension {dim} of length {size}, not {sizes[dim]}")
    variables, indexes = _coordinates(coords, sizes)
    return xr.Dataset._construct_direct({**data, **variables}, set(variables), indexes=indexes)


Coordinate = Labels | tuple[Sequence[str], Labels] | xr.Variable
"""A dimension coordinate's labels, or a non-index coordinate as ``(dims, values)`` or a variable."""


def _coordinates(
    coords: Mapping[Any, Coordinate], sizes: Mapping[str, int]
) -> tuple[dict[Hashable, xr.Variable], dict[Hashable, Index]]:
    variables: dict[Hashable, xr.Variable] = {}
    indexes: dict[Hashable, Index] = {}
    for name, value in coords.items():
        if isinstance(value, xr.Variable):
            variables[name] = value
        elif isinstance(value, tuple):
            variables[name] = xr.Variable(value[0], value[1])
        else:
            values = np.asarray(value)
            index, variable = _dimension(str(name), tuple(values.tolist()), values.dtype.str)
            variables[name] = variable.copy(deep=False)
            indexes[name] = index
    for name, variable in variables.items():
        if any(sizes.get(str(dim)) != size for dim, size in zip(variable.dims, variable.shape, strict=True)):
            raise ValueError(f"coordinate {name} {dict(variable.sizes)} does not fit the data {dict(sizes)}")
    return variables, indexes


@functools.lru_cache(maxsize=512)
def _dimension(name: str, labels: tuple[object, ...], dtype: str) -> tuple[Index, xr.Variable]:
    """The index and the coordinate variable of dimension ``name`` labelled ``labels``, as xarray builds
    them; kept, since the same years, PODs and lines label every array of a run and of the next."""
    built = xr.Coordinates({name: np.array(labels, dtype=np.dtype(dtype))})
    return built.xindexes[name], built.variables[name]
