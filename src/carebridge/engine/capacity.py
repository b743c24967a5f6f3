"""What activity needs: bed days, beds and workforce, for do-nothing and do-something.

``bed days = spells × length of stay``; ``beds = bed days / (days open × occupancy)``;
``WTE = Σ_p activity[p] × WTE per unit[p]``.

Labelled arrays in and out, broadcast by dimension name as xarray does (the result's dimensions in order of
first appearance); inside, one numpy product over the arrays' numbers. Arrays whose shared coordinates differ,
or that carry coordinates off their dimensions, go through xarray's own alignment instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from carebridge.engine.inputs import Floats

if TYPE_CHECKING:
    import xarray as xr


def bed_days(activity: xr.DataArray, length_of_stay: xr.DataArray) -> xr.DataArray:
    """Bed days by bed base: ``Σ_p activity[p] · LOS[bed, p]``."""
    return _summed_product(activity, length_of_stay, "pod")


def beds(days_needed: xr.DataArray, days_open: xr.DataArray, occupancy: xr.DataArray) -> xr.DataArray:
    """Beds at the target occupancy: ``bed days / (days open × occupancy)``."""
    import xarray as xr

    found = _broadcast(days_needed, days_open, occupancy)
    if found is None:
        return days_needed / (days_open * occupancy)
    dims, coords, (days, opened, occupied) = found
    result = days / (opened * occupied)
    if tuple(dims) == days_needed.dims and not days_needed.attrs:  # the bed days' labels: a copy is quickest
        return days_needed.copy(deep=False, data=result)
    return xr.DataArray(result, dims=dims, coords=_coordinates(coords, dims))


def workforce(activity: xr.DataArray, per_unit: xr.DataArray) -> xr.DataArray:
    """WTE by staff group: ``Σ_p activity[p] · WTE per unit[group, p]``."""
    return _summed_product(activity, per_unit, "pod")


def _summed_product(left: xr.DataArray, right: xr.DataArray, dim: str) -> xr.DataArray:
    """``(left · right).sum(dim)`` (a NaN counts 0, as a labelled sum)."""
    import xarray as xr

    found = _broadcast(left, right)
    if found is None:
        return (left * right).sum(dim)
    dims, coords, (a, b) = found
    product = a * b
    axis = dims.index(dim)
    total = np.where(np.isnan(product), 0.0, product).sum(axis=axis)
    kept = [d for d in dims if d != dim]
    return xr.DataArray(total, dims=kept, coords=_coordinates(coords, kept))


Labels: TypeAlias = "dict[str, tuple[xr.Variable, xr.Index]]"
"""A dimension's coordinate and its index, taken from an input (reused, not built again)."""


def _coordinates(labels: Labels, dims: list[str]) -> xr.Coordinates:
    import xarray as xr

    kept = [dim for dim in labels if dim in dims]
    return xr.Coordinates(
        coords={dim: labels[dim][0] for dim in kept}, indexes={dim: labels[dim][1] for dim in kept}
    )


def _broadcast(*arrays: xr.DataArray) -> tuple[list[str], Labels, list[Floats]] | None:
    """The dimensions of ``arrays`` in order of first appearance, their coordinates, and each array's numbers
    with an axis per dimension (length 1 where it has none); None when a labelled alignment is needed."""
    dims = list(dict.fromkeys(str(d) for array in arrays for d in array.dims))
    labels: Labels = {}
    for array in arrays:
        own = array.xindexes
        if len(array.coords) != len(own) or any(name not in array.dims for name in own):
            return None
        for key in array.coords:  # in the array's order of coordinates, as a labelled product keeps them
            name, index = str(key), own[key]
            if name not in labels:
                labels[name] = (array.coords.variables[name], index)
            elif not labels[name][1].equals(index):
                return None
    return dims, labels, [_spread(array, dims) for array in arrays]


def _spread(array: xr.DataArray, dims: list[str]) -> Floats:
    """``array``'s numbers with an axis per dimension of ``dims`` (length 1 where it has none)."""
    own = list(array.dims)
    data = np.asarray(array.values, dtype=np.float64)
    order = [own.index(d) for d in dims if d in own]
    if order != sorted(order):
        data = data.transpose(order)
    return data.reshape([array.sizes[d] if d in own else 1 for d in dims])
