"""``carebridge run REGION.yaml`` and ``carebridge validate REGION.yaml``: a region of places
(docs/region.md).

``run`` and ``validate`` send a region file here (:mod:`carebridge.cli.kinds` tells it by its fields). The
places run in parallel — a local pool of processes by default, a dask cluster with ``--workers N`` or
``--scheduler ADDRESS`` — with a progress bar after a second; each place's report is written into
``places/<place>/`` and the consolidated tables and ``region.html`` beside them, all through a staging folder
so a region that fails writes nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from carebridge.cli.app import fail
from carebridge.cli.console import progress_bar

if TYPE_CHECKING:
    from carebridge.usecases.region import Mode, RegionRun

PLACES_FOLDER = "places"


def _mode(workers: int | None, scheduler: str | None) -> Mode:
    if workers is not None and scheduler is not None:
        fail("give --workers (a local cluster) or --scheduler (a running one), not both")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1; found {workers}")
    return "dask" if workers is not None or scheduler is not None else "local"


def _run(
    region: Path, places_out: Path | None, workers: int | None, scheduler: str | None, quiet: bool
) -> RegionRun:
    from carebridge.scenario.region import RegionError, load_region_file
    from carebridge.usecases.region import run_region

    mode = _mode(workers, scheduler)
    try:
        count = len(load_region_file(region)[0].places)
    except RegionError as error:
        fail(str(error))
    try:
        with progress_bar(count, "Places", quiet) as advance:
            return run_region(region, places_out, mode, workers, scheduler, advance)
    except RegionError as error:
        fail(str(error))
    except OSError as error:
        fail(f"--scheduler {scheduler}: cannot reach the scheduler ({error})")


def validate_region(region: Path) -> None:
    """Check a region file and every place: every problem at once, exit 2 when there are any."""
    done = _run(region, None, None, None, quiet=True)
    consolidation = done.consolidation
    typer.echo(
        f"{region}: OK — {len(consolidation.places)} places, {len(consolidation.orgs) - 1} organisations, "
        f"{len(consolidation.eliminations)} payments between places, {consolidation.years[0]} to "
        f"{consolidation.years[-1]}"
    )


def run_region_command(
    region: Path,
    out: Path | None,
    bridge_year: str | None,
    quiet: bool,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Run a region: each place's report in ``places/<place>/``, the consolidated tables and region.html."""
    from carebridge.report.provenance import Provenance
    from carebridge.report.region import write_region_report

    folder = out if out is not None else Path("out") / (region.resolve().parent.name or region.stem)
    try:
        with _staging(folder) as staging:
            done = _run(region, staging / PLACES_FOLDER, workers, scheduler, quiet)
            consolidation = done.consolidation
            year = bridge_year or done.region.report.bridge_year or consolidation.years[-1]
            if year not in consolidation.years:
                fail(
                    f"--bridge-year: '{year}' is outside the region's years {consolidation.years[0]} to "
                    f"{consolidation.years[-1]}"
                )
            provenance = Provenance.for_file(region, done.region.name)
            facts = [
                ("Region file", provenance.scenario_file),
                ("SHA-256", provenance.sha256),
                ("CareBridge", provenance.carebridge_version),
                ("Generated", provenance.generated_at),
            ]
            description = done.region.description or ""
            written = write_region_report(done.region.name, description, consolidation, year, staging, facts)
            _move(staging, folder)
    except OSError as error:
        fail(f"cannot write the region's report into {folder}: {error.strerror or error}")
    if not quiet:
        _headline(done)
    places = len(consolidation.places)
    typer.echo(
        f"Wrote {len(written)} files to {folder}: "
        + ", ".join(path.name for path in written)
        + f"; and each place's report in {folder / PLACES_FOLDER}/ ({places} places)"
    )


def _headline(done: RegionRun) -> None:
    from rich.console import Console

    from carebridge.report.region import reconciliation_table, region_bridge_table
    from carebridge.report.terminal import rich_table

    console = Console()
    for table in (region_bridge_table(done.consolidation), reconciliation_table(done.consolidation)):
        console.print(rich_table(table))


@contextmanager
def _staging(folder: Path) -> Iterator[Path]:
    """A staging folder inside ``folder``, removed afterwards whatever happens."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".carebridge-", dir=folder))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move(staging: Path, folder: Path) -> list[Path]:
    """Every file and folder of ``staging`` into ``folder``, a folder of an earlier run replaced whole."""
    moved = []
    for path in sorted(staging.iterdir()):
        target = folder / path.name
        if path.is_dir() and target.is_dir():
            shutil.rmtree(target)
        path.replace(target)
        moved.append(target)
    return moved


def simulate_region_command(
    region: Path,
    out: Path | None,
    draws: int,
    seed: int,
    wanted: list[float],
    chunk_size: int | None,
    workers: int | None,
    scheduler: str | None,
    quiet: bool,
    *,
    spread: float | None = None,
) -> None:
    """Monte Carlo across the region's places, aligned draws; the region's percentiles and P(balance). With
    ``spread``, every place's effects and prices are made uncertain where the place has no distribution."""
    from carebridge.engine import ModelError
    from carebridge.report.provenance import Provenance
    from carebridge.report.region import simulation_table, write_region_simulation
    from carebridge.scenario.region import RegionError
    from carebridge.usecases.errors import SpreadError
    from carebridge.usecases.region_simulation import simulate_region

    mode = _mode(workers, scheduler)
    if draws < 1:
        fail(f"--draws must be at least 1; found {draws}")
    folder = (
        out if out is not None else Path("out") / (region.resolve().parent.name or region.stem) / "simulation"
    )
    try:
        with progress_bar(1, "Places", quiet) as advance:
            done = simulate_region(region, draws, seed, chunk_size, mode, workers, scheduler, spread=spread)
            advance(1)
    except (RegionError, ModelError) as error:
        fail(str(error))
    except SpreadError as error:
        fail(f"--spread {error}")
    except OSError as error:
        fail(f"--scheduler {scheduler}: cannot reach the scheduler ({error})")
    table = simulation_table(
        done.years,
        wanted,
        done.region_percentiles(wanted),
        done.sum_of_place_percentiles(wanted),
        done.balance_probability(),
        done.draws,
    )
    provenance = Provenance.for_file(region, done.name)
    facts = [
        ("Region file", provenance.scenario_file),
        ("SHA-256", provenance.sha256),
        ("Draws", f"{done.draws:,}"),
        ("Seed", str(seed)),
        *([("Spread", f"±{spread:g} where a place has no distribution")] if spread is not None else []),
        ("Generated", provenance.generated_at),
    ]
    import numpy as np

    place_rows = np.stack([np.percentile(place, wanted, axis=0) for place in done.place_positions])
    try:
        with _staging(folder) as staging:
            written = write_region_simulation(
                done.name, table, done.places, place_rows, wanted, staging, facts
            )
            _move(staging, folder)
    except OSError as error:
        fail(f"cannot write into {folder}: {error.strerror or error}")
    if not quiet:
        from rich.console import Console

        from carebridge.report.terminal import rich_table

        Console().print(rich_table(table))
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(path.name for path in written))
