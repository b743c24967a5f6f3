"""The benchmark scripts run and print their figures (the floors are read by people, not asserted here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_engine_benchmark_prints_each_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "engine.py"), "--runs", "20"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for label in ("engine, Stockport run", "carebridge run end to end", "carebridge --help"):
        assert label in done.stdout
    print(done.stdout)
