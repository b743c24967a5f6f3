"""Speed of the efficiency returns: a year of returns of 20 organisations × 200 schemes imported.

A year of monthly returns for 20 organisations × 200 schemes is imported into a new store, and the system
view of the last month rendered from the store.

A programme of ``--organisations`` × ``--schemes`` schemes is generated, with a year of returns (income and
expenditure by category, efficiency delivered by scheme, two risks a month) written as three CSV files;
they are read, checked and imported (floor 5 s in all), then the system view of M12 is read from the store,
assessed and rendered as text (floor 300 ms). Run: ``python benchmarks/efficiency.py`` (``--organisations
2 --schemes 5`` for a quick look). Exit status 0; with ``--check``, 1 when a figure is above its floor.
Everything is generated in a temporary folder, never kept.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, add_arguments, finish

IMPORT_FLOOR = 5.0
"""Seconds to import a year of returns of 20 organisations × 200 schemes."""
VIEW_FLOOR = 300.0
"""Milliseconds to render the system view."""
YEAR = "2017/18"
CATEGORIES = ("clinical_income", "other_income", "pay", "drugs", "clinical_supplies", "non_pay", "financing")


def write_programme(path: Path, organisations: int, schemes: int) -> None:
    """A programme: each organisation a CIP line of 10 a scheme more than it identifies."""
    lines = [f"name: Benchmark {organisations} x {schemes}", f"year: {YEAR}", "organisations:"]
    for o in range(organisations):
        lines += [
            f"  - id: org{o:02d}",
            f"    name: Organisation {o:02d}",
            "    do_something: 0",
            f"    lines: [{{id: cip, name: CIP, annual: {schemes * 12 + 120}}}]",
        ]
    lines.append("schemes:")
    for o in range(organisations):
        for s in range(schemes):
            lines.append(
                f"  - {{id: org{o:02d}_s{s:03d}, name: Scheme {s:03d}, organisation: org{o:02d}, line: cip, "
                f"category: pay, stage: identified, owner: Finance, annual: 12}}"
            )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_returns(folder: Path, organisations: int, schemes: int, months: int = 12) -> list[Path]:
    """A year of returns as three CSV files: income and expenditure, efficiency, risks."""
    labels = [f"{YEAR}-M{m:02d}" for m in range(1, months + 1)]
    orgs = [f"org{o:02d}" for o in range(organisations)]
    paths = [folder / "income_expenditure.csv", folder / "efficiency.csv", folder / "risks.csv"]
    with paths[0].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "month", "category", "plan", "actual", "forecast"])
        writer.writerows([o, m, c, 100, 101, 1200] for o in orgs for m in labels for c in CATEGORIES)
    with paths[1].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "month", "scheme", "recurrent", "non_recurrent"])
        writer.writerows(
            [o, m, f"{o}_s{s:03d}", 0.9, 0.1] for o in orgs for m in labels for s in range(schemes)
        )
    with paths[2].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["organisation", "month", "item", "kind", "description", "best", "likely", "worst"])
        for o in orgs:
            for m in labels:
                writer.writerow([o, m, "activity", "risk", "", 10, 20, 40])
                writer.writerow([o, m, "vacancies", "mitigation", "", 15, 10, 0])
    return paths


def measure(folder: Path, organisations: int, schemes: int) -> tuple[float, float, int]:
    """Seconds to read, check and import the year; milliseconds to render the system view; rows."""
    from carebridge.delivery.efficiency import load_programme
    from carebridge.store import Store
    from carebridge.store.efficiency import import_returns, read_returns, save_programme
    from carebridge.usecases.efficiency import status, status_text

    programme_file = folder / "programme.yaml"
    write_programme(programme_file, organisations, schemes)
    files = write_returns(folder, organisations, schemes)
    with Store.open(str(folder / "bench.db"), actor="benchmark") as store:
        programme, definition = load_programme(programme_file)
        save_programme(store, programme, definition, "benchmark")
        start = time.perf_counter()
        rows = 0
        for path in files:
            outcome = import_returns(
                store, programme.name, read_returns(path, programme), dt.date(2018, 5, 1)
            )
            rows += outcome.inserted
        imported = time.perf_counter() - start
        start = time.perf_counter()
        status_text(status(store, programme.name, f"{YEAR}-M12"))
        rendered = (time.perf_counter() - start) * 1000
    return imported, rendered, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20, help="organisations (default 20)")
    parser.add_argument("--schemes", type=int, default=200, help="schemes of each organisation (default 200)")
    add_arguments(parser)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        imported, rendered, rows = measure(Path(folder), options.organisations, options.schemes)
    size = f"{options.organisations} organisations × {options.schemes} schemes, {rows:,} rows"
    figures = [
        Figure("import", f"import a year of returns ({size})", imported, "s", "time", IMPORT_FLOOR),
        Figure("view", "render the system view of M12", rendered, "ms", "time", VIEW_FLOOR),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
