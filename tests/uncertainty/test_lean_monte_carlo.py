"""The lean parts of a Monte Carlo run give numpy's and the engine's own numbers: percentiles sorted in
place, the savings tables summed in memory order, tables that do not vary kept once, and the undrawn-inputs
check read from the chunks' own runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import xarray as xr

from carebridge.engine import run
from carebridge.engine.inputs import DRAW
from carebridge.engine.simulate import monte_carlo
from carebridge.engine.simulate.batch import _sum_to
from carebridge.engine.simulate.monte_carlo import simulate
from carebridge.engine.simulate.summary import PREFIX, _percentiles, summarise
from carebridge.scenario.errors import Problem
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import number_paths, scenario_data, spread, with_distributions, with_spread

STOCKPORT = Path(__file__).resolve().parents[2] / "examples" / "stockport-2017" / "scenario.yaml"


@pytest.mark.parametrize("draws", [1, 2, 3, 10, 101, 1000])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_percentiles_are_numpys_to_the_last_bit(draws: int, dtype: type) -> None:
    rng = np.random.default_rng(draws)
    values: npt.NDArray[np.floating[Any]] = (rng.normal(size=(23, draws)) * 1e4).astype(dtype)
    values[3] = 5.0
    if draws > 2:
        values[5, 1] = np.nan  # a row with a NaN gives NaN, as numpy's percentile does
    for wanted in ([10.0, 50.0, 90.0], [0.0, 2.5, 50.0, 97.5, 100.0], [33.3]):
        expected = np.percentile(values.astype(np.float64), wanted, axis=1)
        np.testing.assert_array_equal(_percentiles(values.copy(), wanted), expected)


@pytest.mark.parametrize("draws", [1, 5, PREFIX, 300])
def test_summaries_of_repeated_and_constant_cells_are_numpys(draws: int) -> None:
    """Cells the same in every draw and cells repeating another's draws are not sorted again, and their
    percentiles are still numpy's to the last bit (a zero's sign aside, where draws give both); so are those
    of a cell like another only in its first draws, or but for the sign of a zero."""
    rng = np.random.default_rng(draws)
    values = (rng.normal(size=(draws, 12)) * 1e4).astype(np.float32)
    values[:, 1] = values[:, 0]  # a repeat
    values[:, 2] = 7.0  # the same in every draw
    values[:, 3] = values[:, 0]
    values[-1, 3] += 1  # like the first but for its last draw
    values[:, 4] = np.inf
    values[:, 5] = values[:, 6] = 0.0
    values[:, 6][::2] = -0.0
    values[:, 7] = values[:, 8] = values[:, 9]
    values[0, 8] = np.nan  # a NaN gives NaN; a cell with one is no repeat of one without
    table = xr.DataArray(values.reshape(draws, 3, 4), dims=(DRAW, "a", "b"))
    wanted = [10.0, 50.0, 90.0]
    summary = summarise(table, wanted)
    with np.errstate(invalid="ignore"):  # numpy's interpolation between infinities
        expected = np.percentile(values.astype(np.float64), wanted, axis=0)
    expected[:, 4] = np.inf  # infinite in every draw: numpy's interpolation gives NaN, the summary the value
    np.testing.assert_array_equal(summary.values[1:].reshape(3, 12), expected)


def test_sums_in_memory_order_are_numpys_sums() -> None:
    rng = np.random.default_rng(3)
    dims = ["basis", "draw", "year", "pod", "scheme", "source", "provider"]
    values = rng.normal(size=(2, 5, 3, 4, 3, 3, 2))
    for wanted in (
        ["draw", "scheme", "year", "pod", "basis"],
        ["draw", "basis", "source", "year"],
        ["draw", "basis", "provider", "year"],
    ):
        summed = tuple(k for k, dim in enumerate(dims) if dim not in wanted)
        kept = [dim for dim in dims if dim in wanted]
        expected = values.sum(axis=summed).transpose([kept.index(dim) for dim in wanted])
        np.testing.assert_allclose(_sum_to(values, dims, wanted), expected, rtol=1e-12, atol=1e-12)


def test_a_table_no_input_reaches_is_kept_once_and_read_as_every_draw() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    data = scenario_data(scenario)
    name, path = next(
        (n, p) for n, p in number_paths(data).items() if p[:1] == ("schemes",) and "effects" in p
    )
    node: Any = data
    for part in path:
        node = node[part]
    uncertain = with_distributions(scenario, {name: spread(float(node), 0.2)})
    simulation = simulate(uncertain, 30, seed=3, chunk_size=10)
    positions = simulation.tables["positions"]  # Stockport's positions are typed lines: no draw reaches them
    assert positions.values.strides[0] == 0 and positions.sizes["draw"] == 30
    expected = run(uncertain).positions.transpose("line", "org", "year").values.astype(np.float32)
    for draw in (0, 17, 29):
        np.testing.assert_array_equal(positions.values[draw], expected)
    assert simulation.tables["savings"].values.strides[0] != 0  # the drawn effect reaches the savings


def test_a_simulation_learns_its_undrawn_inputs_from_its_own_chunks(
    uncertain_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    def recorder_run(scenario: Scenario) -> list[Problem]:
        raise AssertionError("a separate recorder run")

    monkeypatch.setattr(monte_carlo, "undrawn_inputs", recorder_run)
    assert simulate(uncertain_scenario, 30, seed=1, chunk_size=10).draws == 30


def test_a_runs_own_pages_hold_what_is_written_and_pickle_as_any_array() -> None:
    import pickle

    from carebridge.engine.simulate.memory import OWN_MAPPING, kept_memory, own_pages

    with kept_memory(), kept_memory():  # nested, as runs in threads may be
        for shape in [(3, 4), (OWN_MAPPING // 4 + 7, 3)]:
            array = own_pages(shape, np.float32)
            assert array.shape == shape and array.dtype == np.float32 and array.flags.writeable
            array[...] = np.arange(array.size, dtype=np.float32).reshape(shape)
            np.testing.assert_array_equal(pickle.loads(pickle.dumps(array)), array)


def test_pages_mapped_beside_the_writes_keep_what_is_written() -> None:
    from carebridge.engine.simulate.memory import OWN_MAPPING, own_pages, populate

    assert populate([np.empty(10)]) is None  # not its own mapping: nothing to map
    shape = (OWN_MAPPING // 2, 5)
    arrays = [own_pages(shape, np.float32) for _ in range(3)]
    thread = populate(arrays)
    for k, array in enumerate(arrays):  # written while the thread maps their pages
        array[...] = k + np.arange(array.size, dtype=np.float32).reshape(shape)
    if thread is not None:
        thread.join()
    for k, array in enumerate(arrays):
        np.testing.assert_array_equal(array, k + np.arange(array.size, dtype=np.float32).reshape(shape))


def test_summaries_on_threads_are_each_tables_own_summary() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    simulation = simulate(with_spread(scenario, 0.2), 300, seed=5, chunk_size=100)
    together = simulation.summaries()
    assert list(together) == list(simulation.tables)
    for name, summary in together.items():
        alone = summarise(simulation.tables[name], simulation.percentiles)
        assert summary.dims == alone.dims
        np.testing.assert_array_equal(summary.values, alone.values)
