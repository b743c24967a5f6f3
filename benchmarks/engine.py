"""Speed of the engine and the command line on the Stockport example, against the plain arithmetic.

Prints, each beside its goal (issue 20, a 2-core machine) and its baseline:
- the engine time of the Stockport run (``carebridge.engine.run``, median of ``--runs``) — goal 5 ms; its
  baseline the plain Python arithmetic (``benchmarks/plain_engine.py``) timed in the same process, run for
  run beside the engine;
- the plain arithmetic's time, the CPU time of both (of this process: what a busy machine inflates least),
  and the ratio engine / plain of the CPU times — goal 5× or less, a ratio of one run, so ``--check-stable``
  checks it (baseline: about 80× before issue 20);
- ``carebridge run`` end to end, including Python start-up and writing every output (median of 5) — 1.2 s
  (baseline 2.3–3.2 s before issue 20);
- ``carebridge --help`` (median of 5) — 0.2 s.

Before timing, the plain arithmetic's figures are checked against the engine's (do-something activity, the
statement's net, the system's do-something position): a yardstick that gave other figures would not measure
the same work.

Run: ``python benchmarks/engine.py`` (``--runs N`` to change the engine runs). Exit status 0; with
``--check``, 1 when a figure misses its goal; with ``--check-stable``, 1 when the ratio does (``figures.py``
says what ``--json`` adds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import plain_engine
from figures import Figure, add_arguments, finish

if TYPE_CHECKING:
    from carebridge.engine.results import Results
    from carebridge.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
GOALS = {"engine": 0.005, "ratio": 5.0, "run": 1.2, "help": 0.2}
BEFORE = {"ratio": 80.0, "run": 2.75}
"""Issue 20's figures before its work: the engine about 80× the plain arithmetic; ``carebridge run`` 2.3–3.2 s
(the middle of the range)."""


def same_figures(results: Results, plain: plain_engine.PlainResults) -> list[str]:
    """Where the plain arithmetic and the engine disagree (beyond 1e-6) on the headline figures."""
    wrong = []
    for pod, series in plain.do_something.items():
        engine = results.activity.do_something.sel(pod=pod).values.tolist()
        if any(abs(a - b) > 1e-6 * max(1.0, abs(a)) for a, b in zip(engine, series, strict=True)):
            wrong.append(f"do-something activity of {pod}")
    for basis in plain_engine.BASES:
        engine = results.statement.sel(basis=basis, line="net").values.tolist()
        if any(abs(a - b) > 1e-6 for a, b in zip(engine, plain.statement[(basis, "net")], strict=True)):
            wrong.append(f"the statement's net ({basis})")
    engine = results.positions.sel(line="do_something", org=plain_engine.SYSTEM).values.tolist()
    mine = plain.positions[("do_something", plain_engine.SYSTEM)]
    if any(abs(a - b) > 1e-6 for a, b in zip(engine, mine, strict=True)):
        wrong.append("the system's do-something position")
    return wrong


def engine_and_plain(scenario: Scenario, runs: int) -> dict[str, float]:
    """Median seconds of an engine run and of a plain run, timed alternately in this process, by the clock
    (``engine``, ``plain``) and by the CPU time of the process (``engine_cpu``, ``plain_cpu``)."""
    from carebridge.engine import run

    wrong = same_figures(run(scenario), plain_engine.run(scenario))  # also warms both up
    if wrong:
        raise SystemExit("the plain arithmetic does not give the engine's figures: " + ", ".join(wrong))
    times: dict[str, list[float]] = {"engine": [], "plain": [], "engine_cpu": [], "plain_cpu": []}
    for _ in range(runs):
        for name, function in (("engine", run), ("plain", plain_engine.run)):
            start, cpu = time.perf_counter(), time.process_time()
            function(scenario)
            times[name].append(time.perf_counter() - start)
            times[f"{name}_cpu"].append(time.process_time() - cpu)
    return {name: statistics.median(values) for name, values in times.items()}


def command_time(args: list[str], runs: int) -> float:
    """The median wall time of ``runs`` runs of a ``carebridge`` command, after one run not timed. The command
    runs as on a user's machine, where Python keeps the bytecode it compiles (``__pycache__``): without
    ``PYTHONDONTWRITEBYTECODE``, which a sandbox may set, an editable install would compile every module of
    ``src/`` on every run."""
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command, check=True, capture_output=True, env=environment)  # writes the bytecode
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="engine and plain runs (default 50)")
    add_arguments(parser)
    options = parser.parse_args()
    from carebridge.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIO).scenario
    timed = engine_and_plain(scenario, options.runs)
    engine, plain = timed["engine"], timed["plain"]
    with tempfile.TemporaryDirectory() as out:
        run_seconds = command_time(["run", str(SCENARIO), "--out", out, "--quiet"], 5)
    help_seconds = command_time(["--help"], 5)
    figures = [
        Figure(
            "engine",
            f"engine, Stockport run (median of {options.runs})",
            engine * 1000,
            "ms",
            "time",
            GOALS["engine"] * 1000,
            baseline=plain * 1000,
            baseline_note="the plain arithmetic, this run",
        ),
        Figure(
            "plain",
            f"plain Python arithmetic, Stockport (benchmarks/plain_engine.py, median of {options.runs})",
            plain * 1000,
            "ms",
            "time",
        ),
        Figure("engine_cpu", "engine, CPU time of a run", timed["engine_cpu"] * 1000, "ms", "time"),
        Figure("plain_cpu", "plain arithmetic, CPU time of a run", timed["plain_cpu"] * 1000, "ms", "time"),
        Figure(
            "ratio",
            "engine against the plain arithmetic (CPU time), times as long",
            timed["engine_cpu"] / timed["plain_cpu"],
            "×",
            "ratio",
            GOALS["ratio"],
            baseline=BEFORE["ratio"],
            baseline_note="before issue 20",
        ),
        Figure(
            "run",
            "carebridge run end to end (median of 5)",
            run_seconds * 1000,
            "ms",
            "time",
            GOALS["run"] * 1000,
            baseline=BEFORE["run"] * 1000,
            baseline_note="before issue 20 (2.3–3.2 s)",
        ),
        Figure(
            "help", "carebridge --help (median of 5)", help_seconds * 1000, "ms", "time", GOALS["help"] * 1000
        ),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
