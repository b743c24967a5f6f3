"""xarray without ``dask.array`` until a dask array is met.

The first array xarray builds asks whether its data is a dask array, and to answer it imports ``dask.array``
(and with it SciPy): a third of a second and more at the start of every run, for a plan that never touches
dask. :func:`defer_dask_arrays` answers the question without the import while ``dask.array`` is not loaded
(nothing can be a dask array then) and exactly as xarray would once it is, so a Monte Carlo run on a dask
cluster, which imports ``dask.array`` itself, sees no difference. It fills xarray's own cache of the modules
it checks (``xarray.namedarray.pycompat``), which is private: when that cache is not there any more, it does
nothing and xarray imports ``dask.array`` as before.

The same first array also asks whether its data is a dask *collection*, and to answer that xarray imports
``dask.base`` (dask itself, its widgets with Jinja2, psutil): a tenth of a second more. Dask's own answer
is false for anything without a ``__dask_graph__`` attribute, so :func:`defer_dask_arrays` also gives
xarray's check that first test, made without dask, and asks dask only about the rest — the same answer in
every case.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Final

from xarray.namedarray import pycompat, utils

DASK: Final = "dask"
DASK_ARRAY: Final = "dask.array"


class _DaskArrayCheck(type):
    """``isinstance(x, DaskArray)`` without importing dask: false while ``dask.array`` is not imported."""

    def __instancecheck__(cls, instance: object) -> bool:
        arrays = sys.modules.get(DASK_ARRAY)
        return arrays is not None and isinstance(instance, arrays.Array)

    def __subclasscheck__(cls, subclass: type) -> bool:
        arrays = sys.modules.get(DASK_ARRAY)
        return arrays is not None and issubclass(subclass, arrays.Array)


class DaskArray(metaclass=_DaskArrayCheck):
    """Stands for ``dask.array.Array`` in xarray's checks."""


class _DeferredDask:
    """xarray's record of dask (``DuckArrayModule``): the array type as :class:`DaskArray`, the rest read
    from the real record, made (and dask imported) only when asked for."""

    type = (DaskArray,)

    def __init__(self) -> None:
        self._record: Any = None

    def _real(self) -> Any:
        if self._record is None:
            self._record = pycompat.DuckArrayModule(DASK)
        return self._record

    @property
    def module(self) -> Any:
        return self._real().module

    @property
    def version(self) -> Any:
        return self._real().version

    @property
    def available(self) -> bool:
        return bool(self._real().available)


def _dask_collection_check(check: Callable[[object], bool]) -> Callable[[object], bool]:
    """xarray's ``is_dask_collection`` answering false without dask for what has no ``__dask_graph__``
    (as dask itself does), and as before for the rest."""

    def is_dask_collection(x: object) -> bool:
        return hasattr(x, "__dask_graph__") and check(x)

    is_dask_collection.__wrapped__ = check  # type: ignore[attr-defined]
    return is_dask_collection


def defer_dask_arrays() -> None:
    """Let xarray build arrays without importing ``dask.array`` or ``dask.base`` (see the module's note);
    nothing for what xarray no longer has (dask's record already made, no such cache, no such check)."""
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if isinstance(cache, dict) and DASK not in cache and hasattr(pycompat, "DuckArrayModule"):
        cache[DASK] = _DeferredDask()
    check = getattr(utils, "is_dask_collection", None)
    if callable(check) and not hasattr(check, "__wrapped__"):
        utils.is_dask_collection = _dask_collection_check(check)  # type: ignore[assignment]
