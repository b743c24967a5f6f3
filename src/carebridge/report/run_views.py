"""A run's arrays as the report's tables read them: views (numpy with labels, :mod:`carebridge.engine.view`),
each read once for a run and kept while the run lives, so a report's tables ask ``Results.view`` (or
``Appraisal.view``) for an array once, not once per table, and never touch xarray or pandas.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from carebridge.engine.results import Results
from carebridge.engine.view import View

if TYPE_CHECKING:
    from carebridge.engine.appraisal import Appraisal

Owner = TypeVar("Owner")
Found = TypeVar("Found")
_ONCE: dict[tuple[int, str], tuple[weakref.ref[object], object]] = {}
_FIELDS = frozenset(field.name for field in fields(Results))


def once(owner: Owner, what: str, compute: Callable[[Owner], Found]) -> Found:
    """``compute(owner)``, computed once for a run (or an appraisal); forgotten when it is."""
    key = (id(owner), what)
    known = _ONCE.get(key)
    if known is not None and known[0]() is owner:
        return known[1]  # type: ignore[return-value]
    value = compute(owner)
    _ONCE[key] = (weakref.ref(owner), value)
    weakref.finalize(owner, _ONCE.pop, key, None)
    return value


def array(results: Results, name: str) -> View:
    """The array field (or property) ``name`` of the run as a view. Raises ``KeyError`` when it is a
    dataset, or None."""
    found = once(results, f"view {name}", lambda run: run.view(name))
    if not isinstance(found, View):
        raise KeyError(f"{name!r} is a dataset of these results, not an array")
    return found


def dataset(results: Results, name: str) -> dict[str, View]:
    """The dataset field (or property) ``name`` of the run as a view of each variable (none for an empty
    dataset). Raises ``KeyError`` when it is an array, or None."""
    found = once(results, f"view {name}", lambda run: run.view(name))
    if isinstance(found, View):
        raise KeyError(f"{name!r} is an array of these results, not a dataset")
    return found


def absent(results: Results, name: str) -> bool:
    """Whether the run's field ``name`` holds nothing (None, an optional part the scenario does not have),
    known without building it or asking for its view."""
    return name in _FIELDS and results.pending(name) is None and getattr(results, name) is None


def optional_array(results: Results, name: str) -> View | None:
    """:func:`array`, or None when the run has no such array."""
    if absent(results, name):
        return None
    try:
        return array(results, name)
    except KeyError:
        return None


def optional_dataset(results: Results, name: str) -> dict[str, View] | None:
    """:func:`dataset`, or None when the run has no such dataset."""
    if absent(results, name):
        return None
    try:
        return dataset(results, name)
    except KeyError:
        return None


def appraised(appraisal: Appraisal, name: str) -> dict[str, View]:
    """The appraisal's dataset ``name`` (``by_year`` or ``summary``) as a view of each variable."""
    return once(appraisal, f"view {name}", lambda owner: owner.view(name))


def labelled(values: object, dims: Sequence[str], labels: Mapping[str, Sequence[object]]) -> View:
    """A view of numbers worked out from other views, on their labels."""
    return View(np.asarray(values), tuple(dims), {dim: tuple(labels[dim]) for dim in dims})
