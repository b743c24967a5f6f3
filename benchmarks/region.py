"""Speed and memory of a region: 40 generated copies of the Stockport place, consolidated and simulated.

Writes 40 copies of the Stockport example into a temporary folder, each scheme's delivery made uncertain
(triangular 0.6 / 0.9 / 1.0, so that every place has inputs to draw), and a region file listing them with
Stockport FT shared by all. Prints:

- the consolidation of the 40 places: each loaded and run (in a local pool of 2 processes) and the region
  consolidated, no report written (goal 5 s on 2 cores), and the consolidation arithmetic alone;
- 40 places × 1,000 aligned draws on a local dask cluster of 2 workers — goal 60 s (issue 20); its baseline
  the same draws of one place in this process, times the places (what 40 separate simulations would take);
- the peak memory of this process, and of the largest process it started (a pool process or a dask
  worker), in GB (goal 2 GB).

Run: ``python benchmarks/region.py`` (``--places N``, ``--draws N`` to change the sizes). Exit status 0;
with ``--check``, 1 when a figure misses its goal (``figures.py`` says what ``--check-stable`` and
``--json`` add).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, add_arguments, finish

ROOT = Path(__file__).resolve().parents[1]
STOCKPORT = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
FLOORS = {"consolidate": 5.0, "simulate": 60.0, "memory": 2.0}
DELIVERY = "\n    delivery: {dist: triangular, low: 0.6, mode: 0.9, high: 1.0}\n    effects:\n"


def write_region(folder: Path, places: int) -> Path:
    """``places`` copies of Stockport and a region file listing them; returns the region file."""
    text = STOCKPORT.read_text(encoding="utf-8").replace("\n    effects:\n", DELIVERY)
    listed = []
    for number in range(1, places + 1):
        name = f"stockport_{number:02d}"
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        listed.append(f"  - id: {name}\n    scenario: {name}.yaml\n")
    region = folder / "region.yaml"
    region.write_text(
        "format_version: 1\nname: Forty Stockports\nplaces:\n"
        + "".join(listed)
        + "shared_organisations:\n  - id: sft\n    kind: acute\n",
        encoding="utf-8",
    )
    return region


def peak_gb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024**2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=40)
    parser.add_argument("--draws", type=int, default=1000)
    add_arguments(parser)
    options = parser.parse_args()

    from carebridge.engine.region import consolidate
    from carebridge.usecases.region import run_region
    from carebridge.usecases.region_simulation import simulate_region

    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one"
        one.mkdir()
        start = time.perf_counter()
        simulate_region(write_region(one, 1), options.draws, seed=1, mode="serial")
        one_place = time.perf_counter() - start
        region = write_region(Path(folder), options.places)
        start = time.perf_counter()
        done = run_region(region, mode="local", workers=2)
        consolidated = time.perf_counter() - start
        figures = [outcome.figures for outcome in done.outcomes if outcome.figures is not None]
        start = time.perf_counter()
        consolidate(figures, {"sft": ""})
        arithmetic = time.perf_counter() - start
        start = time.perf_counter()
        simulated = simulate_region(region, options.draws, seed=1, mode="dask", workers=2)
        simulating = time.perf_counter() - start
    assert simulated.totals.shape[0] == options.draws
    places, draws = options.places, options.draws
    result = [
        Figure(
            "consolidate",
            f"{places} places loaded, run (2 processes) and consolidated",
            consolidated,
            "s",
            "time",
            FLOORS["consolidate"],
        ),
        Figure("arithmetic", f"{places} places: the consolidation alone", arithmetic * 1000, "ms", "time"),
        Figure(
            "simulate",
            f"{places} places × {draws:,} aligned draws on 2 dask workers",
            simulating,
            "s",
            "time",
            FLOORS["simulate"],
            baseline=one_place * places,
            baseline_note=f"one place's {draws:,} draws in this process, this run, × {places}",
        ),
        Figure(
            "memory",
            "peak memory, this process",
            peak_gb(resource.RUSAGE_SELF),
            "GB",
            "memory",
            FLOORS["memory"],
        ),
        Figure(
            "worker_memory",
            "peak memory, the largest process started (pool process or dask worker)",
            peak_gb(resource.RUSAGE_CHILDREN),
            "GB",
            "memory",
            FLOORS["memory"],
        ),
    ]
    return finish(result, options)


if __name__ == "__main__":
    sys.exit(main())
