"""A field of :class:`~carebridge.engine.results.Results` read as numpy with its labels, without xarray.

A :class:`View` holds an array's values, its dimensions in order, each dimension's labels, its other
coordinates (a pandas-free ``(dims, values)`` each) and its attributes, and reads them as an
``xr.DataArray`` reads: :meth:`View.sel` by label, :meth:`View.isel` by position, :meth:`View.sum` over
dimensions skipping NaN (as xarray's ``sum`` does on floats), :meth:`View.transpose`, :meth:`View.item`.
What it returns is the same number xarray would. A reader that needs nothing else (the report of
``carebridge run``) reads a run through views and never imports xarray or pandas: see
``Results.view``. This module imports numpy only.
"""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import xarray as xr


@dataclass(frozen=True, eq=False)
class View:
    """An array's ``values`` over ``dims``, with each dimension's ``labels`` (in order), its other
    coordinates ``extra`` (name → (dims, values)) and ``attrs``."""

    values: npt.NDArray[Any]
    dims: tuple[str, ...]
    labels: Mapping[str, tuple[Hashable, ...]]
    extra: Mapping[str, tuple[tuple[str, ...], npt.NDArray[Any]]] = field(default_factory=dict)
    attrs: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.values.ndim != len(self.dims):
            raise ValueError(f"values of shape {self.values.shape} for dimensions {self.dims}")
        for dim, size in zip(self.dims, self.values.shape, strict=True):
            if len(self.labels[dim]) != size:
                raise ValueError(f"{len(self.labels[dim])} labels for dimension {dim!r} of size {size}")

    @classmethod
    def of(cls, array: xr.DataArray) -> View:
        """The view of a labelled array (its values are not copied)."""
        labels = {
            str(dim): tuple(array.indexes[dim]) if dim in array.indexes else tuple(range(size))
            for dim, size in array.sizes.items()
        }
        extra = {
            str(name): (tuple(str(dim) for dim in coord.dims), np.asarray(coord.values))
            for name, coord in array.coords.items()
            if name not in array.dims
        }
        return cls(
            np.asarray(array.values), tuple(str(dim) for dim in array.dims), labels, extra, dict(array.attrs)
        )

    @property
    def sizes(self) -> dict[str, int]:
        return dict(zip(self.dims, self.values.shape, strict=True))

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    def coord(self, name: str) -> list[Any]:
        """The labels of dimension ``name``, or the values of the one-dimensional coordinate ``name``."""
        if name in self.labels:
            return list(self.labels[name])
        dims, values = self.extra[name]
        if len(dims) > 1:
            raise ValueError(f"coordinate {name!r} has dimensions {dims}: read it from .extra")
        return list(values.tolist()) if dims else [values.item()]

    def position(self, dim: str, label: Hashable) -> int:
        """Where ``label`` is on ``dim``. Raises ``KeyError`` naming both when it is not there."""
        try:
            return _positions(self.labels[dim])[label]
        except KeyError:
            raise KeyError(f"{label!r} is not a label of dimension {dim!r}") from None

    def sel(self, **by: Hashable | Sequence[Hashable]) -> View:
        """The cells at the labels given by dimension: a single label drops its dimension, a list of labels
        keeps it in the list's order (as ``DataArray.sel``, taking the cells as :meth:`isel` does)."""
        positions: dict[str, int | list[int]] = {}
        for dim, wanted in by.items():
            if dim not in self.labels:
                raise KeyError(f"{dim!r} is not a dimension of this array (it has {self.dims})")
            if _is_many(wanted):
                positions[dim] = [self.position(dim, label) for label in wanted]  # type: ignore[union-attr]
            else:
                positions[dim] = self.position(dim, wanted)
        return self.isel(**positions)

    def isel(self, **by: int | slice | Sequence[int]) -> View:
        """The cells at the positions given by dimension: an int drops its dimension, a slice or a list keeps
        it. The values are taken as xarray takes them (:func:`_indexed`), so a sum that follows adds the
        cells in xarray's order and gives its number to the last bit (numpy adds in memory order)."""
        for dim in by:
            if dim not in self.labels:
                raise KeyError(f"{dim!r} is not a dimension of this array (it has {self.dims})")
        key: list[Any] = []
        dims: list[str] = []
        labels: dict[str, tuple[Hashable, ...]] = {}
        for dim in self.dims:
            wanted: Any = by.get(dim, slice(None))
            own = self.labels[dim]
            if isinstance(wanted, int | np.integer):
                key.append(int(wanted))
                continue
            if isinstance(wanted, slice):
                labels[dim] = own[wanted]
            else:
                wanted = np.asarray(wanted, dtype=np.intp)
                labels[dim] = tuple(own[i] for i in wanted)
            key.append(wanted)
            dims.append(dim)
        taken = dict(zip(self.dims, key, strict=True))
        extra = {
            name: (
                tuple(d for d in coord_dims if d in labels),
                _indexed(values, [taken[d] for d in coord_dims]),
            )
            for name, (coord_dims, values) in self.extra.items()
        }
        return View(_indexed(self.values, key), tuple(dims), labels, extra, self.attrs)

    def sum(self, dim: str | Iterable[str] | None = None) -> View:
        """The sum over ``dim`` (one or several; all when None), NaN skipped and an all-NaN sum 0, as
        xarray sums floats."""
        over = set(self.dims) if dim is None else {dim} if isinstance(dim, str) else set(dim)
        for name in over:
            if name not in self.labels:
                raise KeyError(f"{name!r} is not a dimension of this array (it has {self.dims})")
        axes = tuple(i for i, name in enumerate(self.dims) if name in over)
        summed = np.nansum(self.values, axis=axes) if self.values.dtype.kind == "f" else self.values.sum(axes)
        kept = tuple(name for name in self.dims if name not in over)
        extra = {name: c for name, c in self.extra.items() if not over.intersection(c[0])}
        return View(np.asarray(summed), kept, {name: self.labels[name] for name in kept}, extra)

    def transpose(self, *dims: str) -> View:
        """The same cells with the dimensions in the order given (those not named keep theirs, after)."""
        order = [*dims, *(name for name in self.dims if name not in dims)]
        axes = [self.dims.index(name) for name in order]
        return View(self.values.transpose(axes), tuple(order), self.labels, self.extra, self.attrs)

    def item(self) -> Any:
        """The one value of an array of one cell, as a Python number."""
        return self.values.item()

    def __float__(self) -> float:
        return float(self.values)


def laid_view(
    values: npt.ArrayLike,
    dims: Sequence[str],
    coords: Mapping[Any, object],
    attrs: Mapping[str, object] | None = None,
) -> View:
    """The view of the array :func:`~carebridge.engine.arrays.labelled` would build from ``values`` over
    ``dims`` and ``coords`` (a dimension's labels, or ``(dims, values)`` of another coordinate), with
    ``attrs``: the same labels and coordinates, without building it. A coordinate along a dimension the
    array lacks is not the array's (as a dataset's variable keeps only the coordinates along its own). The
    values are not copied, and cannot be written through the view."""
    array = np.asarray(values).view()  # the run's own numbers, read-only through the view
    array.flags.writeable = False
    own = tuple(str(dim) for dim in dims)
    labels: dict[str, tuple[Hashable, ...]] = {}
    extra: dict[str, tuple[tuple[str, ...], npt.NDArray[Any]]] = {}
    value: Any
    for name, value in coords.items():
        if isinstance(value, tuple):
            along = (value[0],) if isinstance(value[0], str) else tuple(str(dim) for dim in value[0])
            if all(dim in own for dim in along):
                extra[str(name)] = (along, np.asarray(value[1]))
        elif str(name) in own:
            labels[str(name)] = tuple(value.tolist() if hasattr(value, "tolist") else value)
    for dim, size in zip(own, array.shape, strict=True):
        labels.setdefault(dim, tuple(range(size)))
    return View(array, own, labels, extra, dict(attrs) if attrs else {})


def laid_views(
    variables: Mapping[Any, tuple[Sequence[str], npt.ArrayLike]],
    coords: Mapping[Any, object],
    attrs: Mapping[Any, Mapping[str, object]] | None = None,
) -> dict[str, View]:
    """The view of each variable of the dataset :func:`~carebridge.engine.arrays.labelled_dataset` would
    build from ``variables`` and ``coords`` (see :func:`laid_view`), by name, each with its ``attrs``."""
    given = attrs or {}
    return {
        str(name): laid_view(data, dims, coords, given.get(name)) for name, (dims, data) in variables.items()
    }


def field_view(value: object, name: str) -> View | dict[str, View]:
    """The view of a field holding a labelled array, or of each variable of a labelled dataset by name.
    Raises ``KeyError`` naming the field when it holds neither."""
    if value is None or "xarray" not in sys.modules:  # nothing labelled exists without xarray
        raise KeyError(f"{name!r} is not an array of these results")
    import xarray as xr

    if isinstance(value, xr.Dataset):
        return views_of(value)
    if isinstance(value, xr.DataArray):
        return View.of(value)
    raise KeyError(f"{name!r} is not an array of these results")


def views_of(dataset: xr.Dataset) -> dict[str, View]:
    """The view of each variable of a labelled dataset, by name."""
    return {str(name): View.of(variable) for name, variable in dataset.data_vars.items()}


def _is_many(wanted: object) -> bool:
    return isinstance(wanted, list | tuple | np.ndarray)


_POSITIONS: dict[int, tuple[tuple[Hashable, ...], dict[Hashable, int]]] = {}


def _positions(labels: tuple[Hashable, ...]) -> dict[Hashable, int]:
    """Each label's position, made once per tuple of labels (kept while the tuple lives)."""
    found = _POSITIONS.get(id(labels))
    if found is not None and found[0] is labels:
        return found[1]
    made = {label: i for i, label in enumerate(labels)}
    if len(_POSITIONS) > 4096:
        _POSITIONS.clear()
    _POSITIONS[id(labels)] = (labels, made)
    return made


def _indexed(values: npt.NDArray[Any], key: Sequence[Any]) -> npt.NDArray[Any]:
    """``values`` at ``key`` (per axis an int, a slice or an array of positions) indexed as xarray indexes a
    numpy array: ints and slices alone by basic indexing (a view, the memory layout kept), a single array of
    positions among slices as it is, else every part broadcast (xarray's outer indexing)."""
    if all(isinstance(part, int | slice) for part in key):
        return values[(*key, Ellipsis)]
    if sum(not isinstance(part, slice) for part in key) <= 1:
        return np.asarray(values[tuple(key)])
    arrays = sum(not isinstance(part, int) for part in key)
    broadcast: list[npt.NDArray[Any]] = []
    axis = 0
    for part, size in zip(key, values.shape, strict=True):
        if isinstance(part, int):
            broadcast.append(np.array(part).reshape((1,) * arrays))
            continue
        positions = np.arange(*part.indices(size)) if isinstance(part, slice) else part
        broadcast.append(positions.reshape((1,) * axis + (positions.size,) + (1,) * (arrays - axis - 1)))
        axis += 1
    return np.asarray(values[tuple(broadcast)])
