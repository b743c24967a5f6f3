"""The engine and prioritisation benchmarks measure every figure they name, each with a floor that ``--check``
enforces. Their figures are absolute times, so these tests assert that each was measured, never its value
(speed is the benchmark's to judge, on a quiet machine: ``python benchmarks/engine.py --check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_the_engine_benchmark_measures_the_run_the_command_and_its_help(tmp_path: Path) -> None:
    figures = run_benchmark("engine.py", ["--runs", "20"], tmp_path)
    assert set(figures) == {"engine", "run", "help"}
    for row in figures.values():
        assert row["kind"] == "time" and row["floor"] is not None
        assert row["value"] > 0
    # a whole run of the command includes at least one run of the engine
    assert figures["run"]["value"] > figures["engine"]["value"]


def test_the_prioritisation_benchmark_times_the_exact_selection(tmp_path: Path) -> None:
    figures = run_benchmark("prioritise.py", ["--runs", "3"], tmp_path)
    assert figures["exact"]["floor"] == 5.0
    assert figures["exact"]["value"] > 0 and figures["greedy"]["value"] > 0


def test_the_stratification_benchmark_is_three_times_plain_pandas_on_a_million(tmp_path: Path) -> None:
    """``benchmarks/stratify.py --check-stable`` (run_benchmark): fails when DuckDB is not 3× the plain pandas
    steps timed in the same run, or when the two do not choose the same cohort (issue 20)."""
    figures = run_benchmark("stratify.py", ["--sizes", "1000000"], tmp_path, timeout=1800)
    assert figures["ratio_pandas_1000000"]["floor"] == 3.0
    assert figures["ratio_pandas_1000000"]["ok"]
