"""numpy inside, xarray at the seams: the values of labelled arrays in a known axis order, and back.

A module that computes with numpy takes each labelled input's values once, laid out as (*lead, *core) —
``core`` the dimensions it computes over, in its own fixed order, and ``lead`` any others (a Monte Carlo
``draw``), which its arithmetic carries with ``...`` — and builds each output once as a labelled array.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import numpy.typing as npt
import xarray as xr

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


def lead_coords(arrays: Sequence[xr.DataArray | None], lead: Sequence[str]) -> dict[Hashable, object]:
    """The coordinates of the leading dimensions (a ``draw`` has none), from the first array that has one."""
    coords: dict[Hashable, object] = {}
    for dim in lead:
        for array in arrays:
            if array is not None and dim in array.coords:
                coords[dim] = array.coords[dim].variable
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
