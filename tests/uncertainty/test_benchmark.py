"""The Monte Carlo benchmark measures its figures and meets its ratio and memory floors: vectorised draws at
least 50 times faster than a loop of deterministic runs timed in the same run, and 10,000 draws within 1.5 GB.
Its absolute times are printed for people (``python benchmarks/simulate.py --check`` on a quiet machine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import assert_floor, run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_the_simulate_benchmark_meets_its_ratio_and_memory_floors(tmp_path: Path) -> None:
    figures = run_benchmark("simulate.py", ["--skip-100k"], tmp_path)
    assert_floor(figures, "ratio")
    assert_floor(figures, "memory_10k")
    assert figures["seconds_10k"]["floor"] == 3.0
    assert figures["ratio"]["floor"] == 50.0
