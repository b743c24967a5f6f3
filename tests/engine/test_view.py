"""A View reads a run's fields as xarray reads them: every field of a real run, each operation the report
uses, the same numbers and labels."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.results import LAZY, Results
from carebridge.engine.run import run
from carebridge.engine.view import View
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES, ROOT


@pytest.fixture(scope="module")
def results() -> Results:
    return run(load_scenario(EXAMPLES / "stockport-2017" / "scenario.yaml").scenario)


def _same(view: View, array: xr.DataArray) -> None:
    assert view.dims == tuple(array.dims)
    for dim in array.dims:
        assert view.coord(str(dim)) == list(array.indexes[dim])
    np.testing.assert_array_equal(view.values, array.values)


def _arrays(results: Results) -> list[tuple[str, View, xr.DataArray]]:
    found = []
    for name in LAZY:
        value = getattr(results, name)
        if value is None:
            continue
        views = results.view(name)
        if isinstance(value, xr.Dataset):
            assert isinstance(views, dict)
            found += [(f"{name}.{var}", views[str(var)], value[var]) for var in value.data_vars]
        else:
            assert isinstance(views, View)
            found.append((name, views, value))
    return found


def test_every_field_reads_the_same(results: Results) -> None:
    arrays = _arrays(results)
    assert len(arrays) > 10
    for _name, view, array in arrays:
        _same(view, array)
        for coord, (dims, values) in view.extra.items():
            assert dims == tuple(array.coords[coord].dims)
            np.testing.assert_array_equal(values, array.coords[coord].values)


def test_sel_sum_transpose_as_xarray(results: Results) -> None:
    for _name, view, array in _arrays(results):
        if view.values.dtype.kind != "f" or not view.dims:
            continue
        first = view.dims[0]
        labels = view.coord(first)
        _same(view.sel(**{first: labels[-1]}), array.sel({first: labels[-1]}))
        _same(view.sel(**{first: labels[::-1]}), array.sel({first: labels[::-1]}))
        if len(view.dims) > 1:
            last = view.dims[-1]
            pick = {first: labels[:1], last: view.coord(last)[::-1]}
            _same(view.sel(**pick), array.sel(pick))
            _same(view.transpose(last), array.transpose(last, ...))
        for dim in view.dims:
            _same(view.sum(dim), array.sum(dim))
        assert view.sum().item() == pytest.approx(float(array.sum()), rel=1e-12, abs=1e-12)


def test_nan_sums_as_xarray() -> None:
    array = xr.DataArray(
        [[1.0, np.nan], [np.nan, np.nan]], dims=("a", "b"), coords={"a": ["x", "y"], "b": [1, 2]}
    )
    _same(View.of(array).sum("b"), array.sum("b"))


def test_wrong_label_names_it(results: Results) -> None:
    view = results.view("positions")
    assert isinstance(view, View)
    with pytest.raises(KeyError, match="'nowhere' is not a label of dimension 'org'"):
        view.sel(org="nowhere")
    with pytest.raises(KeyError, match="'place' is not a dimension"):
        view.sel(place="x")


def test_appraisal_views_read_the_same(results: Results) -> None:
    from carebridge.usecases.appraisal import default_appraisal

    appraisal = default_appraisal(results)
    assert appraisal is not None
    for name in ("by_year", "summary"):
        views = appraisal.view(name)
        dataset = getattr(appraisal, name)
        assert sorted(views) == sorted(str(var) for var in dataset.data_vars)
        for var, view in views.items():
            _same(view, dataset[var])


# ---- views made from a run's numbers, before its fields are built ---------------------------------------

FLOW_FIELDS = ("flows", "scheme_positions", "flow_checks")


def _scenarios() -> list[Path]:
    """Every runnable scenario of the examples and tests, as the engine's reference check finds them."""
    found = []
    for pattern in ("examples/**/*.yaml", "tests/**/*.yaml"):
        for path in sorted(ROOT.glob(pattern)):
            text = path.read_text(encoding="utf-8", errors="replace")
            if "schemes:" in text or "pods:" in text:
                found.append(path)
    return found


def _runnable() -> list[Path]:
    runnable = []
    for path in _scenarios():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run(load_scenario(path).scenario)
        except Exception:  # not a runnable scenario (a file of mistakes, a fragment)
            continue
        runnable.append(path)
    return runnable


RUNNABLE = _runnable()


def _same_as_built(view: View, array: xr.DataArray, where: str) -> None:
    assert view.dims == tuple(str(dim) for dim in array.dims), where
    for dim, size in array.sizes.items():
        expected = list(array.indexes[dim]) if dim in array.indexes else list(range(size))
        assert view.coord(str(dim)) == expected, f"{where}: labels of {dim}"
    assert view.values.dtype == array.values.dtype, where
    np.testing.assert_array_equal(view.values, array.values, err_msg=where)
    others = {str(name) for name in array.coords if name not in array.dims}
    assert set(view.extra) == others, where
    for name, (dims, values) in view.extra.items():
        assert dims == tuple(str(dim) for dim in array.coords[name].dims), f"{where}: {name}"
        np.testing.assert_array_equal(values, array.coords[name].values, err_msg=f"{where}: {name}")
    assert dict(view.attrs) == dict(array.attrs), where


def test_there_are_scenarios_to_check() -> None:
    assert len(RUNNABLE) >= 20


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_view_made_before_its_field_is_built_reads_as_the_field(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = run(load_scenario(path).scenario)
    views = {}
    for name in (*LAZY, *FLOW_FIELDS):
        if name in LAZY and fresh.__dict__[name] is None:
            continue
        held = fresh.pending(name) if name in LAZY else None
        pending = held is not None and held.view is not None  # a field with a native view
        if name in FLOW_FIELDS and fresh.plan_flows is None:
            continue
        views[name] = fresh.view(name)
        if pending:
            assert fresh.pending(name) is not None, f"{name}: its view built the field"
    for name, found in views.items():
        value = getattr(fresh, name)
        if isinstance(value, xr.Dataset):
            assert isinstance(found, dict)
            assert list(found) == [str(var) for var in value.data_vars], name
            for var in value.data_vars:
                _same_as_built(found[str(var)], value[var], f"{path.name}: {name}.{var}")
        else:
            assert isinstance(found, View)
            _same_as_built(found, value, f"{path.name}: {name}")
