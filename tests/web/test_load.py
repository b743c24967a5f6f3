"""The load benchmark runs against a real server and prints its figures (the floor is read by people)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_web_load_benchmark_prints_p95_and_errors() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "web_load.py"), "--users", "5", "--duration", "5"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "p95" in done.stdout
    assert "errors 0" in done.stdout
    print(done.stdout)
