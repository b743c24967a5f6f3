"""The load benchmark runs against a real server: every request answered without error (its floor that does
not depend on how busy the machine is). The p95 latency is printed for people (``python
benchmarks/web_load.py --check`` on a quiet machine: p95 ≤ 150 ms at 50 users for 60 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import assert_floor, run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]


def test_the_web_load_benchmark_answers_every_request(tmp_path: Path) -> None:
    figures = run_benchmark("web_load.py", ["--users", "5", "--duration", "5"], tmp_path)
    assert figures["requests"]["value"] > 0, "the simulated users made no request"
    assert_floor(figures, "errors")
    assert figures["p95"]["floor"] == 150.0 and figures["p95"]["value"] > 0
