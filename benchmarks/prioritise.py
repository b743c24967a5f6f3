"""Speed of the exact prioritisation: sixty candidates, three years of envelope (``best_combination``).

Sixty candidates are 2^60 combinations, far beyond enumeration; the MILP solver (HiGHS) proves the optimum.
Prints the median time of the exact selection over RUNS seeded problems of that size — floor 5 s on a 2-core
machine (the limit the test suite held before speed moved here) — and the same for the greedy rule, for scale.

Run: ``python benchmarks/prioritise.py`` (``--runs N``); ``--check`` exits 1 when the median misses its floor
(see ``figures.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from figures import Figure, add_arguments, finish

CANDIDATES = 60
YEARS = 3
FLOOR_SECONDS = 5.0


def problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, costs (candidate × year) and a capacity of a third of everything asked for, as the test's."""
    generator = np.random.default_rng(seed)
    values = generator.uniform(0.2, 0.9, CANDIDATES)
    costs = generator.integers(10, 500, (CANDIDATES, YEARS)).astype(float)
    return values, costs, costs.sum(axis=0) / 3


def main() -> int:
    from carebridge.engine.prioritise import best_combination, greedy_fill

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="seeded problems (default 10)")
    add_arguments(parser)
    options = parser.parse_args()
    exact: list[float] = []
    greedy: list[float] = []
    best_combination(*problem(0))  # warm up: imports scipy's solver
    for seed in range(1, options.runs + 1):
        values, costs, capacity = problem(seed)
        start = time.perf_counter()
        best_combination(values, costs, capacity)
        exact.append(time.perf_counter() - start)
        start = time.perf_counter()
        greedy_fill(list(np.argsort(-values / costs.sum(axis=1))), costs, capacity)
        greedy.append(time.perf_counter() - start)
    figures = [
        Figure(
            "exact",
            f"exact selection, {CANDIDATES} candidates (median of {options.runs})",
            statistics.median(exact),
            "s",
            "time",
            FLOOR_SECONDS,
        ),
        Figure(
            "greedy",
            f"greedy rule, same problems (median of {options.runs})",
            statistics.median(greedy) * 1000,
            "ms",
            "time",
        ),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
