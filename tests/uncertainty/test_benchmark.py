"""The Monte Carlo benchmark runs and prints its figures (the floors are read by people, not asserted)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_simulate_benchmark_prints_each_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "simulate.py"), "--skip-100k"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for label in ("10,000 draws:", "peak memory", "times faster"):
        assert label in done.stdout
    print(done.stdout)
