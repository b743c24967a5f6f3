"""A View reads a run's fields as xarray reads them: every field of a real run, each operation the report
uses, the same numbers and labels."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.results import LAZY, Results
from carebridge.engine.run import run
from carebridge.engine.view import View
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES


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
