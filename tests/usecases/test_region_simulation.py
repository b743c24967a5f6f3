"""Monte Carlo across a region's places (usecases/region_simulation.py): the draws of every place aligned, a
correlation across places imposed, the region's percentiles those of the regional totals, and the same
numbers however the places ran."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from carebridge.engine.simulate.region import PlaceChunk, region_inputs, run_place_chunk
from carebridge.scenario.loader import load_scenario
from carebridge.usecases.region_simulation import simulate_region
from tests.conftest import EXAMPLES

TWO_PLACES = EXAMPLES / "two-places"
UNCERTAIN = {
    "north.yaml": ("2019/20: 0.10", "2019/20: {dist: triangular, low: 0.05, mode: 0.10, high: 0.15}"),
    "south.yaml": ("2019/20: 0.10", "2019/20: {dist: triangular, low: 0.05, mode: 0.10, high: 0.15}"),
}
NORTH = "north: schemes.frailty.effects.0.fraction.2019/20"
SOUTH = "south: schemes.home_first.effects.0.fraction.2019/20"


def region(tmp_path: Path, rank: float) -> Path:
    for name, (old, new) in UNCERTAIN.items():
        text = (TWO_PLACES / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(old, new), encoding="utf-8")
    text = (TWO_PLACES / "region.yaml").read_text(encoding="utf-8")
    correlation = f"uncertainty:\n  correlations:\n    - inputs: ['{NORTH}', '{SOUTH}']\n      rank: {rank}\n"
    (tmp_path / "region.yaml").write_text(text + correlation, encoding="utf-8")
    return tmp_path / "region.yaml"


def test_the_regional_percentiles_are_those_of_the_regional_totals(tmp_path: Path) -> None:
    done = simulate_region(region(tmp_path, 0.0), 400, seed=3, chunk_size=150, mode="serial")
    last = done.years.index("2019/20")
    totals = done.place_positions.sum(axis=0) + done.lines
    eliminated = done.totals - totals  # Southdale's payments to the trust, added back draw by draw
    assert (eliminated[:, last] > 0).all()
    np.testing.assert_allclose(done.region_percentiles([50])[0], np.percentile(done.totals, 50, axis=0))
    wide = done.sum_of_place_percentiles([10, 90])
    narrow = done.region_percentiles([10, 90])
    assert wide[1, last] - wide[0, last] > narrow[1, last] - narrow[0, last]
    assert 0.0 <= done.balance_probability()[last] <= 1.0


def test_a_correlation_across_places_is_imposed_on_their_draws(tmp_path: Path) -> None:
    done = simulate_region(region(tmp_path, 0.9), 600, seed=5, mode="serial")
    last = done.years.index("2019/20")
    rank = stats.spearmanr(done.place_positions[0, :, last], done.place_positions[1, :, last])[0]
    assert rank > 0.8
    against = simulate_region(region(tmp_path, -0.9), 600, seed=5, mode="serial")
    assert stats.spearmanr(against.place_positions[0, :, last], against.place_positions[1, :, last])[0] < -0.8


def test_the_same_numbers_serially_in_a_pool_and_on_dask(tmp_path: Path) -> None:
    path = region(tmp_path, 0.5)
    serial = simulate_region(path, 300, seed=7, chunk_size=100, mode="serial")
    local = simulate_region(path, 300, seed=7, chunk_size=100, mode="local", workers=2)
    np.testing.assert_array_equal(serial.totals, local.totals)
    pytest.importorskip("dask.distributed")
    dask = simulate_region(path, 300, seed=7, chunk_size=100, mode="dask", workers=1)
    np.testing.assert_array_equal(serial.totals, dask.totals)


def test_a_place_draws_the_same_whichever_places_run_beside_it(tmp_path: Path) -> None:
    """Draw i of a place is one column of the region's table: running one place's task alone gives its part
    of the region's run."""
    path = region(tmp_path, 0.0)
    north = load_scenario(tmp_path / "north.yaml").scenario
    south = load_scenario(tmp_path / "south.yaml").scenario
    inputs = region_inputs([("north", north), ("south", south)], [(NORTH, SOUTH, 0.0)])
    alone = run_place_chunk(PlaceChunk(1, south, inputs, 11, 0, 0, 50))
    done = simulate_region(path, 50, seed=11, mode="serial")
    np.testing.assert_allclose(done.place_positions[1], alone.position)


def test_correlations_that_cannot_hold_together_are_refused_at_their_line(tmp_path: Path) -> None:
    from carebridge.scenario.region import RegionError

    with pytest.raises(RegionError) as raised:
        simulate_region(region(tmp_path, 1.0), 10, mode="serial")
    assert f"{tmp_path / 'region.yaml'}:" in str(raised.value)
    assert "uncertainty.correlations: these correlations cannot hold together" in str(raised.value)


def test_a_spread_widens_the_region_and_keeps_each_place_s_own_distributions(tmp_path: Path) -> None:
    """``spread`` makes every effect and price of every place uncertain where the place wrote no
    distribution: the regional P10 to P90 widens, and a distribution a place wrote is still its own."""
    from carebridge.scenario.region import load_region_file
    from carebridge.usecases.region_simulation import load_places

    path = region(tmp_path, 0.0)
    plain = simulate_region(path, 400, seed=3, mode="serial")
    spread = simulate_region(path, 400, seed=3, mode="serial", spread=0.3)
    narrow, wide = plain.region_percentiles([10, 90]), spread.region_percentiles([10, 90])
    before = plain.years.index("2018/19")  # no place wrote a distribution for 2018/19
    assert narrow[1, before] - narrow[0, before] == pytest.approx(0.0, abs=1e-6)
    assert wide[1, before] - wide[0, before] > 100.0
    last = plain.years.index("2019/20")
    assert wide[1, last] - wide[0, last] > narrow[1, last] - narrow[0, last]
    loaded, _ = load_region_file(path)
    [(_, _, north), _], problems = load_places(loaded)
    [(_, _, spread_north), _], _ = load_places(loaded, 0.3)
    own = NORTH.partition(": ")[2]
    assert not problems
    assert spread_north.uncertainty.inputs[own] == north.uncertainty.inputs[own]
    added = set(spread_north.uncertainty.inputs) - set(north.uncertainty.inputs)
    assert "pods.nel.price" in {name.rpartition(".")[0] for name in added} | added


def test_a_spread_that_is_not_a_fraction_is_refused(tmp_path: Path) -> None:
    from carebridge.usecases.errors import SpreadError

    with pytest.raises(SpreadError, match="must be a fraction from 0 to 1"):
        simulate_region(region(tmp_path, 0.0), 10, mode="serial", spread=1.5)
