"""numpy inside, xarray at the seams: the engine computes on numpy arrays laid out in a known axis order and
labels each result once.

A module that computes with numpy takes each labelled input's values once, laid out as (*lead, *core) —
``core`` the dimensions it computes over, in its own fixed order, and ``lead`` any others (a Monte Carlo
``draw``), which its arithmetic carries with ``...`` (:func:`ordered`, :func:`laid`) — and builds each output
once (:func:`labelled`, :func:`labelled_dataset`). ``xr.DataArray(data, dims=..., coords=...)`` rebuilds an
index for every coordinate on every call, which costs more than the engine's arithmetic on a scenario's small
arrays; here the index of a dimension's labels is made once per set of labels and shared.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from xarray.indexes import Index

Floats = npt.NDArray[np.float64]
Labels: TypeAlias = "Sequence[object] | npt.NDArray[np.generic] | pd.Index"
"""A dimension's labels: a list of labels (ids, years), an array or an index of them."""
Coordinate: TypeAlias = "Labels | tuple[Sequence[str], Labels] | xr.Variable"
"""A dimension coordinate's labels, or a non-index coordinate as ``(dims, values)`` or a variable."""

DRAW = "draw"
"""The dimension of Monte Carlo draws: first, where an array has it."""


def labelled(
    data: npt.ArrayLike,
    dims: Sequence[str],
    coords: Mapping[Any, Coordinate],
    attrs: Mapping[str, object] | None = None,
) -> xr.DataArray:
    """``xr.DataArray(data, dims=dims, coords=coords, attrs=attrs)``, the same array, built without the
    constructor's per-call work: the index of each dimension coordinate is made once for its labels and
    shared (:func:`_axis`); a non-index coordinate is ``(dims, values)`` or a variable. Raises ``ValueError``
    when the shape of ``data`` does not match ``dims`` and ``coords``."""
    import xarray as xr

    array = np.asarray(data)
    if array.ndim != len(dims):
        raise ValueError(f"data of shape {array.shape} for dimensions {tuple(dims)}")
    variables, indexes = _coordinates(coords, dict(zip(dims, array.shape, strict=True)))
    variable = xr.Variable(list(dims), array, dict(attrs) if attrs else None, fastpath=True)
    return xr.DataArray(variable, coords=variables, indexes=indexes, fastpath=True)


@dataclass(frozen=True)
class Laid:
    """An array not labelled yet: its numpy ``values`` over ``dims`` (a leading ``draw`` among them where it
    has one) and the ``coords`` :func:`labelled` gives it. What the engine's modules pass between them, so
    that an array is labelled only where it is read as one (:meth:`labelled`)."""

    values: Floats
    dims: list[str]
    coords: Mapping[Any, Coordinate]

    def labelled(self) -> xr.DataArray:
        return labelled(self.values, self.dims, self.coords)

    def laid(self, core: Sequence[str], lead: Sequence[str] = ()) -> Floats:
        """The values as (*lead, *core), as :func:`laid` lays out a labelled array."""
        return laid_values(self.values, self.dims, core, lead)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)


def _dims(array: xr.DataArray | Laid) -> tuple[str, ...]:
    return tuple(str(dim) for dim in array.dims)


def _values(array: xr.DataArray | Laid) -> npt.NDArray[Any]:
    return array.values if isinstance(array, Laid) else np.asarray(array.values)


def _has_coord(array: xr.DataArray | Laid, dim: str) -> bool:
    return dim in array.coords


def _coord_values(array: xr.DataArray | Laid, dim: str) -> npt.NDArray[np.generic]:
    if isinstance(array, Laid):
        found = array.coords[dim]
        return np.asarray(found[1] if isinstance(found, tuple) else found)
    return np.asarray(array.coords.variables[dim].values)


class _LabelledOnRead:
    """A field of a frozen dataclass that may hold a :class:`Laid`: labelled on first read, then kept (as
    :class:`~carebridge.engine.results.Results` builds its fields). :func:`unlabelled` reads it as held."""

    def __init__(self, name: str, default: object) -> None:
        self.name = name
        self.default = default

    def __get__(self, holder: object, owner: type | None = None) -> Any:
        if holder is None:
            if self.default is MISSING:
                raise AttributeError(self.name)
            return self.default
        found = holder.__dict__[self.name]
        if type(found) is Laid:
            found = found.labelled()
            holder.__dict__[self.name] = found
        return found

    def __set__(self, holder: object, value: object) -> None:
        holder.__dict__[self.name] = value


Holder = TypeVar("Holder")


def labelled_on_read(cls: type[Holder]) -> type[Holder]:
    """Make each field of the dataclass ``cls`` typed as a labelled array take a :class:`Laid` and label it
    when first read, so that code reading the values (:func:`unlabelled`) never builds xarray objects."""
    for item in fields(cls):  # type: ignore[arg-type]
        if "DataArray" in str(item.type):
            setattr(cls, item.name, _LabelledOnRead(item.name, item.default))
    return cls


def unlabelled(holder: object, name: str) -> Any:
    """The field ``name`` of ``holder`` as held: a :class:`Laid` not labelled yet, the labelled array, or
    None."""
    return holder.__dict__[name]


def replaced(holder: Holder, **changes: object) -> Holder:
    """``dataclasses.replace`` that labels nothing: the fields as held, with ``changes``."""
    given = {item.name: holder.__dict__[item.name] for item in fields(holder) if item.init}  # type: ignore[arg-type]
    return type(holder)(**{**given, **changes})


def labelled_dataset(
    variables: Mapping[Any, tuple[Sequence[str], npt.ArrayLike]], coords: Mapping[Any, Coordinate]
) -> xr.Dataset:
    """A dataset of ``variables`` (name → (dims, data)) labelled by ``coords``: the same as
    ``xr.Dataset({name: (dims, data), …}, coords=coords)``, built as :func:`labelled` builds an array. Raises
    ``ValueError`` when the variables' sizes of a dimension, or its labels, disagree."""
    import xarray as xr

    made: dict[Hashable, xr.Variable] = {}
    sizes: dict[str, int] = {}
    for name, (dims, data) in variables.items():
        array = np.asarray(data)
        if array.ndim != len(dims):
            raise ValueError(f"{name!r}: data of shape {array.shape} for dimensions {tuple(dims)}")
        for dim, size in zip(dims, array.shape, strict=True):
            if sizes.setdefault(dim, size) != size:
                raise ValueError(f"{name!r}: {size} values along {dim!r}, other variables have {sizes[dim]}")
        made[name] = xr.Variable(list(dims), array, fastpath=True)
    labels, indexes = _coordinates(coords, sizes)
    return xr.Dataset._construct_direct({**made, **labels}, set(labels), indexes=indexes)


def ordered(array: xr.DataArray | Laid, dims: Sequence[str]) -> Floats:
    """The values of ``array`` laid out as (…, *dims), the … a leading draw axis where it has one. Raises
    ``ValueError`` when it has any other dimension."""
    core = tuple(dims)
    own = _dims(array)
    extra = [dim for dim in own if dim not in core]
    if (extra and extra != [DRAW]) or len(own) != len(core) + len(extra):
        raise ValueError(f"an array over {own} where {core} (and perhaps {DRAW!r}) was expected")
    values = _values(array)
    if own[len(extra) :] == core:
        return values
    return values.transpose([own.index(dim) for dim in (*extra, *core)])


def lead(data: npt.NDArray[np.generic], core: int) -> list[str]:
    """``[DRAW]`` when ``data`` has a leading draw axis before its ``core`` dimensions, else ``[]``."""
    return [DRAW] * (data.ndim - core)


def lead_dims(arrays: Sequence[xr.DataArray | Laid | None], core: Sequence[str]) -> list[str]:
    """The dimensions of ``arrays`` outside ``core``, each once, in the order they first appear."""
    seen: dict[str, None] = {}
    for array in arrays:
        if array is not None:
            for dim in array.dims:
                if dim not in core:
                    seen[str(dim)] = None
    return list(seen)


def laid(array: xr.DataArray | Laid, core: Sequence[str], lead: Sequence[str] = ()) -> Floats:
    """The values of ``array`` as (*lead, *core): the dimensions of ``lead`` it lacks of length 1 (numpy
    broadcasts them); ``array`` has no dimension outside ``lead`` and ``core``."""
    return laid_values(_values(array), list(_dims(array)), core, lead)


def laid_values(values: Floats, dims: Sequence[str], core: Sequence[str], lead: Sequence[str] = ()) -> Floats:
    """``values`` over ``dims`` as (*lead, *core), as :func:`laid` lays out a labelled array."""
    dims = list(dims)
    order = [dims.index(dim) for dim in lead if dim in dims] + [dims.index(dim) for dim in core]
    if len(order) != len(dims):
        raise ValueError(f"dimensions {dims} are not within {[*lead, *core]}")
    shape = values.shape
    if order != list(range(len(dims))):
        values = values.transpose(order)
    if len(lead) == len(dims) - len(core):
        return values
    sizes = [shape[dims.index(dim)] if dim in dims else 1 for dim in lead]
    return values.reshape(*sizes, *values.shape[len(values.shape) - len(core) :])


def lead_coords(
    arrays: Sequence[xr.DataArray | Laid | None], lead: Sequence[str]
) -> dict[Hashable, Coordinate]:
    """The coordinates of the leading dimensions (a ``draw`` has none), from the first array that has one."""
    coords: dict[Hashable, Coordinate] = {}
    for dim in lead:
        for array in arrays:
            if array is not None and _has_coord(array, dim):
                coords[dim] = _coord_values(array, dim)
                break
    return coords


def lead_sizes(arrays: Sequence[xr.DataArray | Laid | None], lead: Sequence[str]) -> list[int]:
    """The length of each leading dimension."""
    sizes: dict[str, int] = {}
    for array in arrays:
        if array is not None:
            for dim, size in zip(array.dims, array.shape, strict=True):
                sizes.setdefault(str(dim), size)
    return [sizes[dim] for dim in lead]


def coord(array: xr.DataArray | xr.Dataset | Laid, dim: str) -> npt.NDArray[np.generic]:
    """The values of ``array``'s coordinate ``dim``, with their dtype (a pandas index's would be object)."""
    if isinstance(array, Laid):
        return _coord_values(array, dim)
    import xarray as xr

    variables = array.variables if isinstance(array, xr.Dataset) else array.coords.variables
    return np.asarray(variables[dim].values)


def _coordinates(
    coords: Mapping[Any, Coordinate], sizes: Mapping[str, int]
) -> tuple[dict[Hashable, xr.Variable], dict[Hashable, Index]]:
    import xarray as xr

    variables: dict[Hashable, xr.Variable] = {}
    indexes: dict[Hashable, Index] = {}
    for name, value in coords.items():
        if isinstance(value, xr.Variable | tuple):
            variable = value if isinstance(value, xr.Variable) else xr.Variable(value[0], value[1])
            if any(sizes.get(str(d)) != size for d, size in zip(variable.dims, variable.shape, strict=True)):
                raise ValueError(f"{variable.size} labels of {name!r} do not fit the data {dict(sizes)}")
            variables[name] = variable
            continue
        labels = _labels(value)
        if sizes.get(str(name)) != len(labels):
            raise ValueError(f"{len(labels)} labels of {name!r} do not fit the data {dict(sizes)}")
        variable, indexes[name] = _axis(str(name), labels, _kind(value, labels))
        variables[name] = variable.copy(deep=False)
    return variables, indexes


def _labels(labels: Labels) -> tuple[object, ...]:
    return tuple(labels.tolist() if hasattr(labels, "tolist") else labels)


def _kind(given: Labels, labels: tuple[object, ...]) -> str:
    """The dtype of an array or index of labels (keeping the width of its strings), else the type of the
    first label."""
    if hasattr(given, "tolist"):
        return np.asarray(given).dtype.str
    return type(labels[0]).__name__ if labels else ""


@lru_cache(maxsize=4096)
def _axis(name: str, labels: tuple[object, ...], kind: str) -> tuple[xr.Variable, Index]:
    """The coordinate variable and index of dimension ``name`` with ``labels`` (of type or dtype ``kind``):
    made once per set of labels, and never changed (each array gets a shallow copy of the variable, so that a
    change to one array's coordinate attributes reaches no other)."""
    import xarray as xr

    given = np.array(labels, dtype=np.dtype(kind)) if kind.startswith(("<", ">", "|", "=")) else list(labels)
    made = xr.Coordinates({name: given})
    return made.variables[name], made.xindexes[name]
