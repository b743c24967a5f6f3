"""``View.sel`` takes cells as ``DataArray.sel`` takes them, so a sum after it adds in xarray's order: on
every field of a real run (and the flows between the partners), a single label, a list, both, and labels on
several dimensions give the same cells, labels and coordinates as xarray, and the sums over what is left
equal xarray's to the last bit (numpy adds in memory order: taking the cells into another layout would part
from xarray's sums in the last digit on the savings, which the engine lays out transposed)."""

from __future__ import annotations

from collections.abc import Hashable, Iterator

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


def arrays(results: Results) -> Iterator[tuple[str, xr.DataArray]]:
    """Every labelled array of the run: the fields, each variable of a dataset, the flows and the positions
    from the schemes."""
    for name in (*LAZY, "flows", "scheme_positions"):
        value = getattr(results, name)
        if isinstance(value, xr.Dataset):
            yield from ((f"{name}.{var}", value[var]) for var in value.data_vars)
        elif isinstance(value, xr.DataArray):
            yield name, value


def selections(array: xr.DataArray) -> Iterator[dict[str, Hashable | list[Hashable]]]:
    """A label of each dimension alone; two labels (backwards) of each; a label of the first dimension with
    a list of the last; lists on two dimensions; a label of each of two dimensions."""
    dims = [str(dim) for dim in array.dims if dim in array.indexes]
    labels = {dim: list(array.indexes[dim]) for dim in dims}
    for dim in dims:
        yield {dim: labels[dim][-1]}
        yield {dim: labels[dim][:2][::-1]}
    if len(dims) > 1:
        first, last = dims[0], dims[-1]
        yield {first: labels[first][0], last: labels[last][-2:]}
        yield {first: labels[first][-2:], last: labels[last][:2]}
        yield {first: labels[first][-1], last: labels[last][0]}


def same(view: View, array: xr.DataArray) -> None:
    assert view.dims == tuple(str(dim) for dim in array.dims)
    for dim in view.dims:
        own = array.indexes[dim] if dim in array.indexes else range(array.sizes[dim])
        assert list(view.labels[dim]) == list(own)
    np.testing.assert_array_equal(view.values, array.values)
    for name, (dims, values) in view.extra.items():
        assert dims == tuple(array.coords[name].dims)
        np.testing.assert_array_equal(values, array.coords[name].values)


def test_sel_takes_what_xarray_takes_and_sums_as_xarray(results: Results) -> None:
    checked = 0
    for name, array in arrays(results):
        view = View.of(array)
        for by in selections(array):
            chosen, expected = view.sel(**by), array.sel(by)
            same(chosen, expected)
            if chosen.values.dtype.kind == "f" and chosen.dims:
                summed, expected_sum = chosen.sum(chosen.dims[1:]), expected.sum(expected.dims[1:])
                assert summed.values.tolist() == expected_sum.values.tolist(), (name, by)
                checked += 1
    assert checked > 100


def test_the_savings_by_basis_sum_as_xarray(results: Results) -> None:
    """The case that asked for xarray's way of taking cells: the tariff-basis savings by year, the engine's
    layout kept."""
    savings = results.savings
    expected = savings.sel(basis="tariff").sum(["scheme", "pod", "source", "provider"]).values.tolist()
    chosen = View.of(savings).sel(basis="tariff").sum(["scheme", "pod", "source", "provider"])
    assert chosen.values.tolist() == expected


def test_an_unknown_label_or_dimension_is_named(results: Results) -> None:
    view = results.view("positions")
    assert isinstance(view, View)
    with pytest.raises(KeyError, match="'nowhere' is not a label of dimension 'org'"):
        view.sel(org="nowhere")
    with pytest.raises(KeyError, match="'place' is not a dimension"):
        view.sel(place="x")
