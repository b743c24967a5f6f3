"""Speed and memory of risk stratification on synthetic populations of 1M and 10M patients.

For each size: generate the population into a temporary folder (chunk-wise, bounded memory), fit the model
once on a 200,000-patient sample (timed apart), then time the steps the floors are about, in a fresh
process so that its peak memory is its own:

- **scoring**: the risk of every patient (one SQL expression from the coefficients);
- **cohort and concentration**: the top-15% threshold, the cohort's activity against everyone's, and the
  concentration curve (1,000 groups) and table (DuckDB reads the threshold from the curve's histogram and sums
  the cohort and the curve in the same passes; pandas in its own way, below);
- **emitting**: the cohort's ``cohorts:`` fragment.

Prints rows per second, the peak resident memory of the process (``ru_maxrss``), and at every size of 1M
patients or more the ratio of a plain pandas implementation of the same steps to the DuckDB one, timed in the
same run. Each engine's steps run ``--repeat`` times (3 by default) in its fresh process and the fastest run
counts, as usual for timings; each engine's first run, which also starts what the process keeps (DuckDB's
database, pandas' and pyarrow's pools), is printed beside it. Floors on a 2-core machine (issue 20): 1M ≤ 6 s,
10M ≤ 5 s, peak memory ≤ 2 GB at 10M, DuckDB ≥ 3× faster than pandas at 1M and at 10M.

Run: ``python benchmarks/stratify.py`` (``--sizes 1000000 10000000`` by default); with ``--check``, exit 1
when a figure misses its floor (``--check-stable``: only the ratio and memory floors; see ``figures.py``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from figures import Figure, add_arguments, finish

FLOORS_SECONDS = {1_000_000: 6.0, 10_000_000: 5.0}
FLOOR_MEMORY_GB = 2.0
RATIO_FROM = 1_000_000
"""The smallest population the ratio's floor applies to (below it, fixed costs weigh more)."""
FLOOR_RATIO = 3.0
TOP = 15.0
STEPS = ("scoring", "cohort and concentration", "emitting")


def peak_memory_gb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def duckdb_steps(path: Path, model_path: Path) -> dict[str, float]:
    """Time scoring, cohort, concentration and emitting with DuckDB over the file in place, on a connection
    of the stratification's own, as ``stratify`` makes it (the process's database is started by the first
    run: ``carebridge.strat.database``)."""
    from carebridge.strat.cohort import cohort_and_curve, concentration_table
    from carebridge.strat.database import connection
    from carebridge.strat.disclosure import DisclosureRule
    from carebridge.strat.emit import DEFAULT_POD_MAP, cohort_fragment
    from carebridge.strat.model import load_model
    from carebridge.strat.pipeline import score_patients
    from carebridge.strat.source import create_patient_view, open_patient_file

    times: dict[str, float] = {}
    model = load_model(model_path)  # as pandas_steps: the coefficients file is read before the clock starts
    start = time.perf_counter()
    with connection() as con:
        create_patient_view(con, open_patient_file(path))
        model.bind(con)
        measures = ["ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp", "cost"]
        score_patients(con, model, "prior", measures)
        times["scoring"] = time.perf_counter() - start
        start = time.perf_counter()
        cohort, curve = cohort_and_curve(con, "scored", "prior", measures, f"Top {TOP:g}%", top=TOP)
        concentration_table(curve)
        times["cohort and concentration"] = time.perf_counter() - start
    start = time.perf_counter()
    cohort_fragment(cohort, "top15", "Top 15%", DEFAULT_POD_MAP, DisclosureRule(), ["benchmark"])
    times["emitting"] = time.perf_counter() - start
    times["nel_share"] = cohort.share("nel")
    return times


def pandas_steps(path: Path, model_path: Path) -> dict[str, float]:
    """The same steps in plain pandas: read the columns, score with numpy, sort, cumulate, sum."""
    import numpy as np
    import pandas as pd

    from carebridge.strat.columns import LTC_COLUMNS
    from carebridge.strat.model import load_model

    model = load_model(model_path)
    start = time.perf_counter()
    frame = pd.read_parquet(path)
    ltc = frame[list(LTC_COLUMNS)].astype(float)
    age = frame["age"].astype(float)
    features: dict[str, Any] = {
        "infant": (age < 2).astype(float),
        "age_10y": age / 10,
        "age_over_45_10y": (age - 45).clip(lower=0) / 10,
        "age_over_75_10y": (age - 75).clip(lower=0) / 10,
        "female": (frame["sex"].astype(str) == "F").astype(float),
        "deprivation": (5.5 - frame["imd_decile"].astype(float)) / 4.5,
        **{column: ltc[column] for column in LTC_COLUMNS},
        "conditions_after_first": (ltc.sum(axis=1) - 1).clip(lower=0),
        "frailty": frame["frailty"].astype(float).fillna(0),
        "care_home": frame["care_home"].astype(float),
        **{
            f"log_{m}_prior": np.log1p(frame[f"{m}_prior"].astype(float))
            for m in ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp")
        },
    }
    linear = pd.Series(model.intercept, index=frame.index)
    for name, coefficient in model.coefficients.items():
        linear = linear + coefficient * features[name]
    frame["risk"] = 1 / (1 + np.exp(-linear))
    threshold = frame["risk"].quantile(1 - TOP / 100, interpolation="lower")
    measures = ["ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp", "cost"]
    columns = [f"{m}_prior" for m in measures]
    in_cohort = frame["risk"] >= threshold
    shares = frame.loc[in_cohort, columns].sum() / frame[columns].sum()
    ranked = frame.sort_values("risk", ascending=False)
    ranked["group"] = np.arange(len(ranked)) * 1000 // len(ranked)
    grouped = ranked.groupby("group")[columns].sum().cumsum()
    curve = grouped / grouped.iloc[-1]
    _ = {pod: round(float(shares[f"{pod}_prior"]), 4) for pod in ("ae", "nel", "el", "op_first", "op_fu")}
    _ = curve.iloc[[9, 19, 49, 99, 149, 199, 299, 499]]
    return {"total": time.perf_counter() - start, "nel_share": float(shares["nel_prior"])}


def worker(path: Path, model_path: Path, engine: str, repeat: int) -> None:
    """The fastest of ``repeat`` runs of one engine's steps (by total), the first run's total apart (the
    process's first: imports, DuckDB started, caches cold), and the process's peak memory."""
    steps = duckdb_steps if engine == "duckdb" else pandas_steps
    runs = [steps(path, model_path) for _ in range(repeat)]
    times = min(runs, key=total_of)
    times["first"] = total_of(runs[0])
    times["peak_gb"] = peak_memory_gb()
    print(json.dumps(times))


def total_of(run: dict[str, float]) -> float:
    return run.get("total", sum(run.get(step, 0.0) for step in STEPS))


def in_fresh_process(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def generate(path: Path, patients: int) -> dict[str, float]:
    from carebridge.strat.synth import write_population

    start = time.perf_counter()
    write_population(path, patients, seed=1)
    return {"seconds": time.perf_counter() - start, "peak_gb": peak_memory_gb()}


def fit(path: Path, model_path: Path) -> float:
    import duckdb

    from carebridge.strat.model import fit_model, save_model
    from carebridge.strat.source import create_patient_view, open_patient_file

    start = time.perf_counter()
    con = duckdb.connect()
    create_patient_view(con, open_patient_file(path))
    save_model(fit_model(con, "patients"), model_path)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    add_arguments(parser)
    parser.add_argument(
        "--repeat", type=int, default=3, metavar="N", help="time each engine N times, keep the fastest (3)"
    )
    parser.add_argument("--worker", nargs=3, metavar=("FILE", "MODEL", "ENGINE"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, metavar=("FILE", "PATIENTS"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        worker(Path(options.worker[0]), Path(options.worker[1]), options.worker[2], options.repeat)
        return 0
    if options.generate:
        print(json.dumps(generate(Path(options.generate[0]), int(options.generate[1]))))
        return 0
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        model_path = Path(folder) / "model.yaml"
        for size in options.sizes:
            path = Path(folder) / f"patients-{size}.parquet"
            made = in_fresh_process("--generate", str(path), str(size))
            print(
                f"{size:,} patients: generated in {made['seconds']:.1f} s "
                f"({size / made['seconds']:,.0f} rows/s, peak {made['peak_gb']:.2f} GB), "
                f"file {path.stat().st_size / 1e6:,.0f} MB"
            )
            fit_seconds = fit(path, model_path)
            print(f"  model fitted on a sample of 200,000 in {fit_seconds:.1f} s (not in the total)")
            times = in_fresh_process(
                "--worker", str(path), str(model_path), "duckdb", "--repeat", str(options.repeat)
            )
            total = sum(times[step] for step in STEPS)
            print(
                "  DuckDB steps: "
                + ", ".join(f"{step} {times[step]:.2f} s" for step in STEPS)
                + f" (the process's first run: {times['first']:.2f} s)"
            )
            print(f"  cohort's share of emergency admissions {times['nel_share']:.1%}")
            figures += [
                Figure(
                    f"seconds_{size}",
                    f"{size:,} patients: stratify, DuckDB",
                    total,
                    "s",
                    "time",
                    FLOORS_SECONDS.get(size),
                ),
                Figure(
                    f"rows_per_second_{size}", f"{size:,} patients: rows per second", size / total, "", "time"
                ),
                Figure(
                    f"memory_{size}",
                    f"{size:,} patients: peak memory (ru_maxrss of the process)",
                    times["peak_gb"],
                    "GB",
                    "memory",
                    FLOOR_MEMORY_GB if size >= 10_000_000 else None,
                ),
            ]
            plain = in_fresh_process(
                "--worker", str(path), str(model_path), "pandas", "--repeat", str(options.repeat)
            )
            print(
                f"  plain pandas, same steps: {plain['total']:.2f} s, peak {plain['peak_gb']:.2f} GB "
                f"(the process's first run: {plain['first']:.2f} s)"
            )
            if abs(plain["nel_share"] - times["nel_share"]) > 1e-9:
                # both chose the same cohort, or one of them is timing something else
                raise SystemExit(
                    f"{size:,} patients: the cohort's share of emergency admissions is "
                    f"{times['nel_share']:.6%} by DuckDB and {plain['nel_share']:.6%} by pandas; the two "
                    "must choose the same cohort"
                )
            figures.append(
                Figure(
                    f"ratio_pandas_{size}",
                    f"{size:,} patients: DuckDB against plain pandas, times faster",
                    plain["total"] / total,
                    "×",
                    "ratio",
                    FLOOR_RATIO if size >= RATIO_FROM else None,
                    higher_is_better=True,
                )
            )
            path.unlink()
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
