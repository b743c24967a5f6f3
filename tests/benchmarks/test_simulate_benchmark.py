"""The Monte Carlo benchmark measures its figures, each beside its goal (issue 20): 10,000 draws in 0.6 s,
100,000 in 6 s and 1 GB, and the vectorised draws at least 1,000 times faster than a loop of deterministic
runs timed in the same run (the ratio ``--check-stable`` checks). Until the engine's numpy core lands the
ratio is missed, so this test asserts that each figure is measured against its goal and that the memory
goal holds; ``python benchmarks/simulate.py --check`` judges them on a quiet machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import assert_floor, run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_the_simulate_benchmark_measures_the_draws_against_the_loop(tmp_path: Path) -> None:
    figures = run_benchmark("simulate.py", ["--skip-100k"], tmp_path, check_stable=False)
    assert_floor(figures, "memory_10k")
    assert figures["seconds_10k"]["floor"] == 0.6 and figures["seconds_10k"]["baseline"] is not None
    assert figures["ratio"]["floor"] == 1000.0 and figures["ratio"]["higher_is_better"]
    loop, vectorised = figures["loop_ms_per_draw"]["value"], figures["vectorised_us_per_draw"]["value"]
    assert figures["vectorised_us_per_draw"]["baseline"] == pytest.approx(loop * 1000)
    assert figures["ratio"]["value"] == pytest.approx(loop * 1000 / vectorised)
    summaries = figures["summaries_us_per_draw"]
    assert 0 < summaries["value"] < vectorised and summaries["baseline"] == pytest.approx(loop)
