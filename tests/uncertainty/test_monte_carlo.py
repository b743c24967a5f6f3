"""Monte Carlo runs: reproducible, equal to deterministic runs draw by draw, summarised consistently."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

import numpy as np
import pytest
import xarray as xr
from scipy import stats

from carebridge.engine import ModelError, run
from carebridge.engine.inputs import DRAW
from carebridge.engine.results import Results
from carebridge.engine.simulate.batch import run_batch
from carebridge.engine.simulate.monte_carlo import ChunkResult, ChunkTask, simulate, simulate_many
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.scenario.distributions import Triangular
from carebridge.scenario.loader import load_scenario_text
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import with_distributions, with_values
from tests.uncertainty.conftest import UNCERTAIN


def test_the_same_seed_gives_the_same_numbers(uncertain_scenario: Scenario) -> None:
    first = simulate(uncertain_scenario, 300, seed=5, chunk_size=100)
    again = simulate(uncertain_scenario, 300, seed=5, chunk_size=100)
    other = simulate(uncertain_scenario, 300, seed=6, chunk_size=100)
    assert np.array_equal(first.samples, again.samples)
    for name, table in first.tables.items():
        assert np.array_equal(table.values, again.tables[name].values, equal_nan=True), name
    assert not np.array_equal(first.samples, other.samples)


class Backwards:
    """Runs the chunks last first, as a cluster may finish them."""

    def run(
        self, function: Callable[[ChunkTask], ChunkResult], tasks: Sequence[ChunkTask]
    ) -> Iterator[tuple[int, ChunkResult]]:
        for index in reversed(range(len(tasks))):
            yield index, function(tasks[index])


def test_the_order_the_chunks_run_in_does_not_matter(uncertain_scenario: Scenario) -> None:
    here = simulate(uncertain_scenario, 250, seed=2, chunk_size=100)
    backwards = simulate(uncertain_scenario, 250, seed=2, chunk_size=100, executor=Backwards())
    assert np.array_equal(here.samples, backwards.samples)
    xr.testing.assert_equal(here.tables["statement"], backwards.tables["statement"])


def _tables(results: Results) -> dict[str, xr.DataArray]:
    return {
        "statement": results.statement,
        "positions": results.positions,
        "savings": results.savings,
        "activity": results.activity.to_array("measure"),
        "scheme_summary": results.scheme_summary.to_array("measure"),
    }


def test_the_vectorised_run_equals_a_deterministic_run_of_each_draw(uncertain_scenario: Scenario) -> None:
    uncertain = Uncertain.of(uncertain_scenario)
    samples = uncertain.draw(seed=11, chunk=0, size=4)
    batch = _tables(run_batch(uncertain_scenario, uncertain, samples))
    for draw, row in enumerate(samples):
        single = _tables(run(with_values(uncertain_scenario, dict(zip(uncertain.names, row, strict=True)))))
        for name, table in single.items():
            drawn = batch[name].isel({DRAW: draw}) if DRAW in batch[name].dims else batch[name]
            xr.testing.assert_allclose(drawn.transpose(*table.dims), table, rtol=1e-10)


def test_every_kind_of_input_reaches_the_results(uncertain_scenario: Scenario) -> None:
    uncertain = Uncertain.of(uncertain_scenario)
    central = uncertain.central()
    moved = []
    for k, name in enumerate(uncertain.names):
        rows = np.vstack([central, central])
        rows[1, k] = uncertain.inputs[k].distribution.quantile(0.95)
        results = run_batch(uncertain_scenario, uncertain, rows)
        if DRAW in results.positions.dims or DRAW in results.activity.to_array().dims:
            moved.append(name)
    assert moved == uncertain.names


def test_zero_width_distributions_give_the_deterministic_run(uncertain_scenario: Scenario) -> None:
    central = with_values(uncertain_scenario, {})
    fixed = with_distributions(
        central,
        {
            name: Triangular(dist="triangular", low=d.central(), mode=d.central(), high=d.central())
            for name, d in central.uncertainty.inputs.items()
        },
    )
    simulation = simulate(fixed, 40, seed=1, chunk_size=15)
    deterministic = run(central)
    for name, table in [("statement", deterministic.statement), ("positions", deterministic.positions)]:
        summary = simulation.summary(name)
        for stat in summary.stat.values:
            computed = summary.sel(stat=stat).drop_vars("stat").transpose(*table.dims)
            np.testing.assert_allclose(computed.values, table.values, rtol=1e-6, atol=1e-3)


def test_percentiles_are_ordered_and_the_mean_is_the_mean(uncertain_scenario: Scenario) -> None:
    simulation = simulate(uncertain_scenario, 500, seed=3, percentiles=(5, 10, 50, 90, 95))
    for name in ("statement", "positions", "scheme_summary", "savings", "provider_savings"):
        summary = simulation.summary(name)
        assert list(summary.stat.values) == ["mean", "p5", "p10", "p50", "p90", "p95"]
        values = summary.values[1:]
        assert np.all(np.diff(values, axis=0) >= -1e-9), name
        mean = simulation.tables[name].astype(float).mean("draw").transpose(*summary.dims[1:])
        np.testing.assert_allclose(summary.sel(stat="mean").values, mean.values, rtol=1e-9)


def test_the_probability_of_balance_is_a_share_of_draws(uncertain_scenario: Scenario) -> None:
    simulation = simulate(uncertain_scenario, 400, seed=4)
    probability = simulation.balance_probability()
    assert float(probability.min()) >= 0 and float(probability.max()) <= 1
    assert 0 < float(probability.sel(org="system", year="2021/22")) < 1
    positions = simulation.tables["positions"].sel(line="do_something")
    for org in probability.org.values:
        for year in probability.year.values:
            count = int((positions.sel(org=org, year=year).values <= 0).sum())
            assert float(probability.sel(org=org, year=year)) == count / 400


def test_the_probability_of_a_net_saving(uncertain_scenario: Scenario) -> None:
    simulation = simulate(uncertain_scenario, 400, seed=4)
    net = simulation.tables["statement"].sel(line="net", basis="cost")
    expected = (net.values < 0).mean(axis=0)
    np.testing.assert_array_equal(simulation.net_saving_probability().sel(basis="cost").values, expected)
    cumulative = (net.values.sum(axis=1) < 0).mean()
    assert float(simulation.cumulative_net_saving_probability().sel(basis="cost")) == cumulative


def test_rank_correlations_are_imposed_and_the_values_kept(uncertain_scenario: Scenario) -> None:
    uncertain = Uncertain.of(uncertain_scenario)
    samples = uncertain.draw(seed=9, chunk=0, size=4000)
    a = uncertain.names.index("schemes.s1.delivery")
    b = uncertain.names.index("pods.ae.activity.growth")
    assert stats.spearmanr(samples[:, a], samples[:, b]).statistic == pytest.approx(0.5, abs=0.05)
    others = [k for k in range(len(uncertain.names)) if k not in (a, b)]
    correlations = np.asarray(np.corrcoef(samples[:, [a, *others]], rowvar=False))[0, 1:]
    assert np.all(np.abs(correlations) < 0.06)


def test_a_sweep_gives_each_scenario_its_own_run(uncertain_scenario: Scenario) -> None:
    other = with_values(uncertain_scenario, {"pods.op.price": 150.0})
    both = simulate_many([uncertain_scenario, other], 120, seed=8, chunk_size=50)
    alone = simulate(other, 120, seed=8, chunk_size=50)
    np.testing.assert_array_equal(both[1].tables["statement"].values, alone.tables["statement"].values)
    assert not np.array_equal(both[0].tables["statement"].values, both[1].tables["statement"].values)


def test_an_input_the_engine_does_not_draw_is_refused() -> None:
    beds = (
        "capacity:\n  beds:\n    - {id: acute, name: Acute beds, length_of_stay: {nel: 5},\n"
        "       occupancy: {dist: uniform, low: 0.8, high: 0.9}}\n"
    )
    scenario = load_scenario_text(UNCERTAIN + beds, "u.yaml").scenario
    with pytest.raises(ModelError) as raised:
        simulate(scenario, 10)
    (problem,) = raised.value.problems
    assert problem.path == ("capacity", "beds", 0, "occupancy")
    assert problem.message.startswith("a Monte Carlo run cannot draw this input yet")


def test_delivery_scales_every_effect_of_the_scheme(uncertain_scenario: Scenario) -> None:
    full = run(with_values(uncertain_scenario, {"schemes.s2.delivery": 1.0}))
    half = run(with_values(uncertain_scenario, {"schemes.s2.delivery": 0.5}))
    removed = full.scheme_activity.reduction.sel(scheme="s2")
    xr.testing.assert_allclose(half.scheme_activity.reduction.sel(scheme="s2"), removed * 0.5)
    direct = full.savings.sel(scheme="s2", source="direct", basis="tariff")
    xr.testing.assert_allclose(half.savings.sel(scheme="s2", source="direct", basis="tariff"), direct * 0.5)


def test_chunks_shrink_to_bound_the_memory_of_a_large_scenario(
    uncertain_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carebridge.engine.simulate import monte_carlo

    assert monte_carlo.auto_chunk_size(uncertain_scenario) == monte_carlo.DEFAULT_CHUNK
    cells = 2 * 6 * 4 * 3 * 2 * 2  # schemes × years × PODs × sources × bases × providers (acute, other)
    monkeypatch.setattr(monte_carlo, "CHUNK_MEMORY", 8 * cells * monte_carlo.WORKING_COPIES * 37)
    assert monte_carlo.auto_chunk_size(uncertain_scenario) == 37
    assert simulate(uncertain_scenario, 80, seed=1).chunk_size == 37


def test_progress_is_reported_for_every_draw(uncertain_scenario: Scenario) -> None:
    done: list[int] = []
    simulate(uncertain_scenario, 250, seed=1, chunk_size=100, progress=done.append)
    assert done == [100, 100, 50]


def bar_starts(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """An event set when a Rich progress bar starts (the real ``Progress.start`` still runs)."""
    from rich.progress import Progress

    started = threading.Event()
    start = Progress.start

    def recording_start(progress: Progress) -> None:
        started.set()
        start(progress)

    monkeypatch.setattr(Progress, "start", recording_start)
    return started


def test_the_progress_bar_shows_once_its_delay_has_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    from carebridge.cli import console as command

    started = bar_starts(monkeypatch)
    monkeypatch.setattr(command, "PROGRESS_DELAY", 0.01)
    with command.progress_bar(10, "Drawing") as advance:
        assert started.wait(timeout=30), "the bar never appeared"
        advance(10)


def test_work_done_before_the_delay_shows_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from carebridge.cli import console as command

    started = bar_starts(monkeypatch)
    monkeypatch.setattr(command, "PROGRESS_DELAY", 3600.0)
    with command.progress_bar(10, "Drawing") as advance:
        advance(10)
    assert not started.is_set()


def test_a_quiet_run_never_shows_the_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from carebridge.cli import console as command

    started = bar_starts(monkeypatch)
    monkeypatch.setattr(command, "PROGRESS_DELAY", 0.0)
    with command.progress_bar(10, "Drawing", quiet=True) as advance:
        advance(10)
    assert not started.wait(timeout=0.2)


def test_spread_adds_a_triangle_around_each_effect_and_price(uncertain_scenario: Scenario) -> None:
    from carebridge.scenario.uncertain import with_spread

    spread = with_spread(uncertain_scenario, 0.1)
    added = set(spread.uncertainty.inputs) - set(uncertain_scenario.uncertainty.inputs)
    assert "pods.op.price" in added and "schemes.s2.effects.2.fraction" in added
    price = spread.uncertainty.inputs["pods.op.price"]
    assert isinstance(price, Triangular)
    assert (price.low, price.mode, price.high) == pytest.approx((90.0, 100.0, 110.0))
    kept = spread.uncertainty.inputs["schemes.s1.delivery"]
    assert kept == uncertain_scenario.uncertainty.inputs["schemes.s1.delivery"]
