"""``Cells``, the tables' look-up of a labelled array's cells, reads what a selection reads."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import Results
from carebridge.engine.view import View
from carebridge.report.table import Cells, series


def test_every_cell_of_the_positions_is_the_selection(results: Results) -> None:
    positions = results.positions
    cells = Cells(positions)
    for line in positions.line.values:
        for org in positions.org.values:
            for year in results.years:
                assert cells(line=line, org=org, year=year) == float(
                    positions.sel(line=line, org=org, year=year)
                )
    years = results.years[1:4]
    assert cells.series(years, line="do_nothing", org="ccg") == tuple(
        float(v) for v in positions.sel(line="do_nothing", org="ccg", year=years).values
    )


def test_a_label_not_on_the_array_or_a_missing_one_is_an_error() -> None:
    array = xr.DataArray(
        np.zeros((2, 3)), dims=("org", "year"), coords={"org": ["a", "b"], "year": ["1", "2", "3"]}
    )
    with pytest.raises(KeyError):
        Cells(array)(org="c", year="1")
    with pytest.raises(KeyError):
        Cells(array)(org="a")


def test_minus_zero_reads_as_zero_and_series_keeps_the_years_order() -> None:
    array = xr.DataArray([-0.0, 2.0, 3.0], dims="year", coords={"year": ["2017/18", "2018/19", "2019/20"]})
    values = series(array, ["2019/20", "2017/18"])
    assert values == (3.0, 0.0) and math.copysign(1.0, values[1]) == 1.0
    with pytest.raises(KeyError):
        series(array, ["2030/31"])


def test_a_view_reads_as_its_labelled_array(results: Results) -> None:
    """The tables read views (numpy with labels): every cell and series the same as of the array."""
    view = results.view("positions")
    assert isinstance(view, View)
    by_view, by_array = Cells(view), Cells(results.positions)
    for line in view.labels["line"]:
        for org in view.labels["org"]:
            assert by_view.series(results.years, line=line, org=org) == by_array.series(
                results.years, line=line, org=org
            )
    do_nothing = view.sel(line="do_nothing", org="system")
    assert series(do_nothing, results.years[::-1]) == series(
        results.positions.sel(line="do_nothing", org="system"), results.years[::-1]
    )
    with pytest.raises(KeyError):
        by_view.series(results.years, line="do_nothing")
    with pytest.raises(KeyError):
        by_view.series(results.years, line="do_nothing", org="nowhere")
