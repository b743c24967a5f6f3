"""engine/arrays.py: values laid out for numpy, and outputs built as xarray's constructor builds them."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.arrays import Coordinate, labelled, labelled_dataset, laid, lead_dims

YEARS = ["2016/17", "2017/18", "2018/19"]


def test_labelled_is_the_array_the_constructor_builds() -> None:
    data = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    coords: dict[str, Coordinate] = {
        "line": np.array(["do_nothing", "do_something"], dtype=object),
        "org": ["a", "b", "system"],
        "year": YEARS,
        "org_name": ("org", ["A", "B", "System"]),
    }
    built = labelled(data, ["line", "org", "year"], coords, {"units": "£'000"})
    expected = xr.DataArray(data, dims=["line", "org", "year"], coords=coords, attrs={"units": "£'000"})
    xr.testing.assert_identical(built, expected)
    assert built.line.dtype == object and built.year.dtype == expected.year.dtype
    assert float((built + expected).sel(org="b", year="2017/18", line="do_something")) == 2 * 13.0


def test_labelled_refuses_labels_that_do_not_fit_the_data() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        labelled(np.zeros((2, 3)), ["org", "year"], {"org": ["a", "b", "c"], "year": YEARS})


def test_a_reused_index_is_not_changed_by_a_change_to_one_array() -> None:
    first = labelled(np.zeros(3), ["year"], {"year": YEARS})
    first.year.attrs["note"] = "changed"
    second = labelled(np.ones(3), ["year"], {"year": YEARS})
    assert "note" not in second.year.attrs


def test_labelled_dataset_is_the_dataset_the_constructor_builds() -> None:
    data = {"beds": (["case", "year"], np.ones((2, 3))), "wte": (["year"], np.arange(3.0))}
    coords = {"case": ["do_nothing", "do_something"], "year": YEARS}
    xr.testing.assert_identical(labelled_dataset(data, coords), xr.Dataset(data, coords=coords))


def test_laid_puts_leading_dimensions_first_and_broadcasts_those_missing() -> None:
    array = xr.DataArray(np.arange(6.0).reshape(3, 2), dims=["year", "draw"])
    plain = xr.DataArray(np.arange(3.0), dims=["year"])
    lead = lead_dims([plain, array], ("year",))
    assert lead == ["draw"]
    assert laid(array, ("year",), lead).tolist() == [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    assert laid(plain, ("year",), lead).shape == (1, 3)
    with pytest.raises(ValueError, match="not within"):
        laid(array, ("year",))
