"""The engine, prioritisation, demand and region benchmarks measure every figure they name, each with its goal
(issue 20) that ``--check`` enforces. These tests assert that each figure was measured and compared with its
goal, never a time (speed is the benchmark's to judge, on a quiet machine: ``python benchmarks/engine.py
--check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import assert_floor, run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_the_engine_benchmark_measures_the_run_against_the_plain_arithmetic(tmp_path: Path) -> None:
    """The engine beside the plain arithmetic timed in the same process, the ratio of their CPU times (goal
    5×: a ratio, which ``--check-stable`` checks; missed until the engine's numpy core lands, so not
    asserted here), the command and its help."""
    figures = run_benchmark("engine.py", ["--runs", "20"], tmp_path, check_stable=False)
    assert set(figures) == {"engine", "plain", "engine_cpu", "plain_cpu", "ratio", "run", "help"}
    assert figures["engine"]["floor"] == 5.0 and figures["run"]["floor"] == 1200.0
    assert figures["help"]["floor"] == 200.0
    assert figures["ratio"]["floor"] == 5.0 and figures["ratio"]["kind"] == "ratio"
    assert not figures["ratio"]["higher_is_better"]
    for row in figures.values():
        assert row["value"] > 0
    assert figures["engine"]["baseline"] == figures["plain"]["value"]
    cpu = figures["engine_cpu"]["value"] / figures["plain_cpu"]["value"]
    assert figures["ratio"]["value"] == pytest.approx(cpu)
    assert figures["ratio"]["ok"] == (figures["ratio"]["value"] <= 5.0)
    # a whole run of the command includes at least one run of the engine
    assert figures["run"]["value"] > figures["engine"]["value"]


def test_the_region_benchmark_simulates_the_places_on_dask(tmp_path: Path) -> None:
    """A small region (two places, 50 draws) to check the script; the goal is for 40 × 1,000."""
    figures = run_benchmark("region.py", ["--places", "2", "--draws", "50"], tmp_path)
    assert figures["simulate"]["floor"] == 60.0 and figures["simulate"]["baseline"] > 0
    assert_floor(figures, "memory")
    assert figures["consolidate"]["value"] > 0 and figures["arithmetic"]["value"] > 0


def test_the_prioritisation_benchmark_times_the_exact_selection(tmp_path: Path) -> None:
    figures = run_benchmark("prioritise.py", ["--runs", "3"], tmp_path)
    assert figures["exact"]["floor"] == 5.0
    assert figures["exact"]["value"] > 0 and figures["greedy"]["value"] > 0


def test_the_demand_benchmark_measures_population_and_new_effects_against_the_plain_run(
    tmp_path: Path,
) -> None:
    """Issue 17: Stockport with people by age × sex and the new effects against the plain run's engine
    time (a ratio of one run, floor 1.2×), and 10,000 Monte Carlo draws with them (floor 3 s). The ratio is
    missed until the engine's numpy core (issue 20) lands, so this test asserts that each figure is measured
    and compared with its floor; ``python benchmarks/demand.py --check`` judges them."""
    figures = run_benchmark("demand.py", ["--runs", "20"], tmp_path, check_stable=False)
    assert figures["ratio"]["floor"] == 1.2 and figures["seconds_draws"]["floor"] == 3.0
    assert figures["plain"]["value"] > 0 and figures["demand"]["value"] > 0
    assert figures["ratio"]["value"] > 0 and figures["seconds_draws"]["value"] > 0
    first = figures["first_demand"]
    assert first["value"] > 0 and first["baseline"] > 0 and figures["first_ratio"]["floor"] is None
    assert figures["first_ratio"]["value"] == pytest.approx(first["value"] / first["baseline"])
