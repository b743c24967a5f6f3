"""Speed of the engine and the command line on the Stockport example.

Prints three figures, each against its floor on a 2-core machine:
- the engine time of the Stockport run (``carebridge.engine.run``, median of 50 runs) — floor 50 ms;
- ``carebridge run`` end to end, including Python start-up and writing every output (median of 5) — 3 s;
- ``carebridge --help`` (median of 5) — 0.5 s.

Run: ``python benchmarks/engine.py`` (``--runs N`` to change the engine runs). Exit status 0; with
``--check``, 1 when a figure is above its floor (``figures.py`` says what ``--check-stable`` and ``--json``
add). Every figure here is an absolute time, so ``--check-stable`` never fails: the engine has no ratio floor
until issue 20's plain baseline exists.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, add_arguments, finish

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
FLOORS = {"engine": 0.050, "run": 3.0, "help": 0.5}


def engine_time(runs: int) -> float:
    from carebridge.engine import run
    from carebridge.scenario.loader import load_scenario

    scenario = load_scenario(SCENARIO).scenario
    run(scenario)  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(scenario)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_time(args: list[str], runs: int) -> float:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="engine runs (default 50)")
    add_arguments(parser)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        figures = [
            Figure(
                "engine",
                f"engine, Stockport run (median of {options.runs})",
                engine_time(options.runs) * 1000,
                "ms",
                "time",
                FLOORS["engine"] * 1000,
            ),
            Figure(
                "run",
                "carebridge run end to end (median of 5)",
                command_time(["run", str(SCENARIO), "--out", out, "--quiet"], 5) * 1000,
                "ms",
                "time",
                FLOORS["run"] * 1000,
            ),
            Figure(
                "help",
                "carebridge --help (median of 5)",
                command_time(["--help"], 5) * 1000,
                "ms",
                "time",
                FLOORS["help"] * 1000,
            ),
        ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
