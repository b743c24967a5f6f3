"""The efficiency benchmark (issue 16): a year of monthly returns of 20 organisations × 200 schemes imported
in 5 s or less and the system view rendered in 300 ms or less. Run with ``--check``, so a figure above its
floor fails the test: it times the machine, so it is marked ``benchmark`` and run on a quiet machine alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.benchmarks.figures import assert_floor, run_benchmark

pytestmark = [pytest.mark.slow, pytest.mark.benchmark]

ROWS = 20 * 12 * (7 + 200 + 2)
"""A month of each organisation: seven income and expenditure categories, 200 schemes, two risks."""


def test_the_efficiency_benchmark_imports_a_year_and_renders_the_system_view(tmp_path: Path) -> None:
    figures = run_benchmark("efficiency.py", ["--check"], tmp_path)
    assert set(figures) == {"import", "view"}
    assert figures["import"]["floor"] == 5.0 and figures["view"]["floor"] == 300.0
    assert f"20 organisations × 200 schemes, {ROWS:,} rows" in figures["import"]["label"]
    assert_floor(figures, "import")
    assert_floor(figures, "view")
