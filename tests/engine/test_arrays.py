"""engine/arrays.py: labelled arrays built from shared indexes are the arrays xarray's constructors build."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.arrays import DRAW, labelled, labelled_dataset, ordered

YEARS = ["2016/17", "2017/18", "2018/19"]
PODS = ["ae", "nel", "op"]


def test_labelled_array_is_the_array_xarray_builds() -> None:
    data = np.arange(9.0).reshape(3, 3)
    built = labelled(data, ["year", "pod"], {"year": YEARS, "pod": np.array(PODS)})
    xr.testing.assert_identical(
        built, xr.DataArray(data, dims=["year", "pod"], coords={"year": YEARS, "pod": PODS})
    )
    lags = labelled(np.ones((3, 2)), ["pod", "lag"], {"pod": PODS, "lag": [0, 1]})
    assert lags.lag.dtype == np.int64


def test_a_draw_axis_needs_no_labels() -> None:
    built = labelled(np.zeros((4, 3)), [DRAW, "pod"], {"pod": PODS})
    assert built.dims == (DRAW, "pod") and DRAW not in built.coords


def test_arrays_do_not_share_their_coordinates_attributes() -> None:
    first = labelled(np.zeros(3), ["pod"], {"pod": PODS})
    first.pod.attrs["note"] = "changed"
    assert "note" not in labelled(np.zeros(3), ["pod"], {"pod": PODS}).pod.attrs


def test_labels_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="labels of 'pod'"):
        labelled(np.zeros((3, 2)), ["year", "pod"], {"year": YEARS, "pod": PODS})
    with pytest.raises(ValueError, match="dimensions"):
        labelled(np.zeros(3), ["year", "pod"], {"year": YEARS})


def test_labelled_dataset_is_the_dataset_xarray_builds() -> None:
    by_year = np.arange(9.0).reshape(3, 3)
    variables = {
        "do_nothing": (("year", "pod"), by_year),
        "split": (("pod", "year"), by_year.T),
        "drawn": ((DRAW, "year"), np.ones((5, 3))),
    }
    expected = xr.Dataset(variables, coords={"year": YEARS, "pod": PODS})
    built = labelled_dataset(variables, {"year": YEARS, "pod": PODS})
    xr.testing.assert_identical(built, expected)
    assert dict(built.sizes) == dict(expected.sizes)
    with pytest.raises(ValueError, match="values along 'year'"):
        labelled_dataset({"a": (("year",), np.zeros(3)), "b": (("year",), np.zeros(2))}, {})


def test_ordered_lays_out_the_values_with_a_leading_draw() -> None:
    array = xr.DataArray(np.arange(24.0).reshape(3, 2, 4), dims=["pod", DRAW, "year"])
    values = ordered(array, ("year", "pod"))
    assert values.shape == (2, 4, 3)
    assert values[1, 2, 0] == array.isel({DRAW: 1, "year": 2, "pod": 0}).item()
    with pytest.raises(ValueError, match="expected"):
        ordered(array.rename(draw="case"), ("year", "pod"))
