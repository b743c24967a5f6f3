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

xarray itself is imported only where a labelled array is built (issue 20: ``carebridge run`` never builds
one), so :func:`defer_dask_arrays` applies the above when xarray is imported, or at once if it is.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Final

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
        from xarray.namedarray import pycompat

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
    """Let xarray build arrays without importing ``dask.array`` or ``dask.base`` (see the module's note), now
    if xarray is imported, else when it is; nothing for what xarray no longer has (dask's record already
    made, no such cache, no such check)."""
    if "xarray" in sys.modules:
        _defer()
    elif not any(isinstance(finder, _AfterXarray) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterXarray())


class _AfterXarray:
    """A finder that leaves xarray's import to the others and calls :func:`_defer` once it has run."""

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != "xarray":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        loader = spec.loader if spec is not None else None
        if loader is not None and hasattr(loader, "exec_module"):
            run = loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run(module)
                _defer()

            loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _defer() -> None:
    from xarray.namedarray import pycompat, utils

    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if isinstance(cache, dict) and DASK not in cache and hasattr(pycompat, "DuckArrayModule"):
        cache[DASK] = _DeferredDask()
    check = getattr(utils, "is_dask_collection", None)
    if callable(check) and not hasattr(check, "__wrapped__"):
        utils.is_dask_collection = _dask_collection_check(check)  # type: ignore[assignment]
