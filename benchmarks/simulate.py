"""Speed and memory of a Monte Carlo run on the Stockport example with every scheme effect, price and growth
uncertain.

The scenario is built in code from ``examples/stockport-2017/scenario.yaml``: every number of every scheme
effect and every unit price becomes a triangular distribution from 80% to 120% of its value (mode the value),
and the do-nothing growth of every POD (its trajectory above the base year; Stockport gives trajectories, not
growth rates) from 80% to 120% of the growth.

Prints, each in a fresh process so that peak memory is the case's own, beside its goal (issue 20, a 2-core
machine) and its baseline:
- 10,000 draws — goal 0.6 s (baseline 1.6–2.6 s before issue 20), and 1.5 GB peak memory;
- 100,000 draws in chunks — goals 6 s and 1 GB peak memory;
- draws per second, and the speed per draw against a plain loop calling the deterministic engine once per
  draw, timed on 200 draws in the same run (the baseline) — goal 1,000 times faster (258× before issue 20);
- the share of a draw that the summaries take (the mean and percentiles of every table, exact: a sort of each
  distinct series of draws), beside the whole draw that 1,000× the loop leaves (docs/speed.md: the summaries
  alone take more).

Run: ``python benchmarks/simulate.py`` (``--check`` exits 1 when a figure misses its goal; ``--check-stable``
only for the ratio and memory goals; see ``figures.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from figures import Figure, add_arguments, finish

if TYPE_CHECKING:
    from carebridge.scenario.distributions import AnyDistribution
    from carebridge.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
FLOORS = {"seconds_10k": 0.6, "memory_10k": 1.5, "seconds_100k": 6.0, "memory_100k": 1.0, "ratio": 1000.0}
BEFORE = {"seconds_10k": 2.1, "ratio": 258.0}
"""Issue 20's figures before its work: 10,000 draws in 1.6–2.6 s (the middle), 258× the loop."""


def uncertain_stockport(fraction: float = 0.2) -> Scenario:
    """The Stockport scenario with every effect, price and growth uncertain (±``fraction``, triangular)."""
    from carebridge.scenario.distributions import Triangular
    from carebridge.scenario.loader import load_scenario
    from carebridge.scenario.uncertain import number_paths, scenario_data, spread, with_distributions

    scenario = load_scenario(SCENARIO).scenario
    data = scenario_data(scenario)
    distributions: dict[str, AnyDistribution] = {}
    for name, path in number_paths(data).items():
        node: Any = data
        for part in path:
            node = node[part]
        value = float(node)
        if (path[0] == "schemes" and path[2] == "effects") or (path[0] == "pods" and path[2] == "price"):
            distributions[name] = spread(value, fraction)
        elif path[0] == "pods" and path[2:4] == ("activity", "trajectory"):
            base = float(data["pods"][path[1]]["activity"]["base"])
            growth = spread(value - base, fraction)
            distributions[name] = Triangular(
                dist="triangular", low=base + growth.low, mode=value, high=base + growth.high
            )
    return with_distributions(scenario, distributions)


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def case(name: str) -> dict[str, float]:
    """One measurement, in this process."""
    from carebridge.engine.simulate.monte_carlo import simulate

    scenario = uncertain_stockport()
    if name == "loop":
        from carebridge.engine import run
        from carebridge.engine.simulate.sampling import Uncertain
        from carebridge.scenario.uncertain import with_values

        uncertain = Uncertain.of(scenario)
        samples = uncertain.draw(1, 0, 200)
        start, cpu = time.perf_counter(), time.process_time()
        for row in samples:
            run(with_values(scenario, dict(zip(uncertain.names, row, strict=True))))
        return {
            "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu,
            "draws": 200,
        }
    draws = {"10k": 10_000, "100k": 100_000}[name]
    simulate(scenario, 200, seed=2)  # warm up: imports and caches
    start, cpu = time.perf_counter(), time.process_time()
    result = simulate(scenario, draws, seed=1)
    summarising = time.perf_counter()
    result.summaries()
    summaries = time.perf_counter() - summarising
    result.balance_probability()
    result.net_saving_probability()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "draws": draws,
        "peak_gb": peak_gb(),
        "inputs": len(result.input_names),
        "summaries_seconds": summaries,
    }


def measure(name: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["10k", "100k", "loop"], help=argparse.SUPPRESS)
    parser.add_argument("--skip-100k", action="store_true", help="leave out the 100,000-draw case")
    add_arguments(parser)
    options = parser.parse_args()
    if options.case:
        print(json.dumps(case(options.case)))
        return 0
    ten = measure("10k")
    loop = measure("loop")
    hundred = None if options.skip_100k else measure("100k")
    per_draw = ten["seconds"] / ten["draws"]
    loop_per_draw = loop["seconds"] / loop["draws"]
    print(f"uncertain inputs: {int(ten['inputs'])}")
    figures = [
        Figure(
            "seconds_10k",
            "10,000 draws",
            ten["seconds"],
            "s",
            "time",
            FLOORS["seconds_10k"],
            baseline=BEFORE["seconds_10k"],
            baseline_note="before issue 20 (1.6–2.6 s)",
        ),
        Figure(
            "draws_per_second_10k",
            "10,000 draws: draws per second",
            ten["draws"] / ten["seconds"],
            "",
            "time",
        ),
        Figure(
            "memory_10k", "10,000 draws: peak memory", ten["peak_gb"], "GB", "memory", FLOORS["memory_10k"]
        ),
    ]
    if hundred is not None:
        figures += [
            Figure(
                "seconds_100k",
                "100,000 draws in chunks",
                hundred["seconds"],
                "s",
                "time",
                FLOORS["seconds_100k"],
            ),
            Figure(
                "memory_100k",
                "100,000 draws: peak memory",
                hundred["peak_gb"],
                "GB",
                "memory",
                FLOORS["memory_100k"],
            ),
        ]
    figures += [
        Figure(
            "loop_ms_per_draw",
            "plain loop of deterministic runs, a draw (200 draws)",
            loop_per_draw * 1000,
            "ms",
            "time",
        ),
        Figure(
            "vectorised_us_per_draw",
            "vectorised, a draw",
            per_draw * 1e6,
            "µs",
            "time",
            baseline=loop_per_draw * 1e6,
            baseline_note="the loop of deterministic runs, this run",
        ),
        Figure(
            "summaries_us_per_draw",
            "of which the summaries (mean and percentiles of every table), a draw",
            ten["summaries_seconds"] / ten["draws"] * 1e6,
            "µs",
            "time",
            baseline=loop_per_draw * 1e6 / FLOORS["ratio"],
            baseline_note="a whole draw at the ratio's goal: the loop's draw / 1,000",
        ),
        Figure(
            "ratio",
            "vectorised draws against the plain loop, times faster",
            loop_per_draw / per_draw,
            "×",
            "ratio",
            FLOORS["ratio"],
            higher_is_better=True,
            baseline=BEFORE["ratio"],
            baseline_note="before issue 20",
        ),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
