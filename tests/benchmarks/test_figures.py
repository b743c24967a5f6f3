"""The benchmarks' verdicts: ``--check`` fails on any missed floor, ``--check-stable`` only on a missed ratio,
memory or error floor (never on an absolute time), and no option never fails."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.benchmarks.figures import load_benchmark_module

figures = load_benchmark_module("figures.py", "benchmark_figures")


def options(*arguments: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    figures.add_arguments(parser)
    return parser.parse_args(list(arguments))


SLOW = figures.Figure("engine", "engine run", 80.0, "ms", "time", 50.0)
FAST = figures.Figure("engine", "engine run", 30.0, "ms", "time", 50.0)
LOW_RATIO = figures.Figure("ratio", "against the loop", 40.0, "×", "ratio", 50.0, higher_is_better=True)
HIGH_RATIO = figures.Figure("ratio", "against the loop", 60.0, "×", "ratio", 50.0, higher_is_better=True)


@pytest.mark.parametrize(
    ("measured", "arguments", "status"),
    [
        ([SLOW, HIGH_RATIO], [], 0),
        ([SLOW, HIGH_RATIO], ["--check"], 1),
        ([SLOW, HIGH_RATIO], ["--check-stable"], 0),
        ([FAST, LOW_RATIO], ["--check-stable"], 1),
        ([FAST, LOW_RATIO], ["--check"], 1),
        ([FAST, HIGH_RATIO], ["--check"], 0),
    ],
)
def test_the_exit_status_follows_the_floors_the_option_checks(
    measured: list[object], arguments: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert figures.finish(measured, options(*arguments)) == status


def test_each_figure_is_printed_beside_its_goal_verdict_and_baseline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain = figures.Figure("plain", "plain arithmetic", 1.2, "ms", "time")
    timed = figures.Figure(
        "engine", "engine run", 4.0, "ms", "time", 5.0, baseline=1.2, baseline_note="the plain arithmetic"
    )
    recorded = figures.Figure("run", "run", 900.0, "ms", "time", 1200.0, baseline=2750.0)
    figures.finish([SLOW, HIGH_RATIO, plain, timed, recorded], options())
    assert capsys.readouterr().out.splitlines() == [
        "engine run: 80.0 ms (goal 50.0 ms: MISSED)",
        "against the loop: 60.0× (goal 50.0×: ok)",
        "plain arithmetic: 1.2 ms",
        "engine run: 4.0 ms (goal 5.0 ms: ok; baseline 1.2 ms, the plain arithmetic)",
        "run: 900.0 ms (goal 1,200.0 ms: ok; baseline 2,750.0 ms)",
    ]


def test_a_figure_made_as_before_baselines_has_none() -> None:
    """The scripts that build a figure without a baseline (positionally, as before) still work."""
    figure = figures.Figure("p95", "p95 latency", 120.0, "ms", "time", 150.0)
    assert figure.baseline is None and figure.baseline_note == "" and figure.ok


def test_an_unmeasured_figure_misses_its_floor() -> None:
    assert not figures.Figure("p95", "p95 latency", float("nan"), "ms", "time", 300.0).ok


def test_the_json_holds_every_figure_with_its_verdict(tmp_path: Path) -> None:
    written = tmp_path / "figures.json"
    figures.finish([SLOW, HIGH_RATIO], options("--json", str(written)))
    rows = json.loads(written.read_text(encoding="utf-8"))
    assert [(row["name"], row["ok"], row["stable"], row["baseline"]) for row in rows] == [
        ("engine", False, False, None),
        ("ratio", True, True, None),
    ]
