"""Planning commands: ``carebridge run`` and ``carebridge validate``."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail, load, run_scenario
from carebridge.cli.kinds import is_region

if TYPE_CHECKING:
    from carebridge.engine.results import Results
    from carebridge.report.provenance import Provenance


@app.command("validate")
def validate_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file: YAML, or an Excel workbook (.xlsx).", show_default=False)
    ],
) -> None:
    """Check a scenario file and report every problem at once (exit code 2 if there are any).

    Checks the shape and types of every field, ids and references, year labels and ranges, shares that must
    sum to 1, signs and ranges of numbers, and that the schemes never remove more activity than a cell holds.

    Example:

      carebridge validate examples/stockport-2017/scenario.yaml
    """
    if is_region(scenario):
        from carebridge.cli.region import validate_region

        validate_region(scenario)
        return
    loaded = load(scenario)
    _warn(loaded.warnings)
    run_scenario(loaded)
    counts = loaded.scenario
    typer.echo(
        f"{scenario}: OK — {len(counts.organisations)} organisations, {len(counts.pods)} PODs, "
        f"{len(counts.schemes)} schemes, {counts.base_year} to {counts.end_year}"
    )


@app.command("run")
def run_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file: YAML, or an Excel workbook (.xlsx).", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the report and tables [default: out/<scenario folder>]."
        ),
    ] = None,
    bridge_year: Annotated[
        str | None,
        typer.Option(
            "--bridge-year",
            "-y",
            help="Year of the bridge waterfall, e.g. 2020/21 [default: the scenario's report.bridge_year, "
            "else the last year the plan changes].",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the headline tables.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", help="A region: run its places on a local dask cluster.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="A region: run its places on the dask scheduler.")
    ] = None,
) -> None:
    """Run a scenario: print the headline tables and write the report into a folder.

    Writes report.html (self-contained, with charts), report.xlsx (one sheet per table, and the inputs),
    tidy CSV tables (activity, scheme_activity, savings, statement, positions) and run.json (provenance).
    Money in £'000; savings, funding and activity removed are negative, printed in brackets.

    A region file (docs/region.md) runs its places in parallel and writes the consolidated tables and
    region.html, with each place's report in places/<place>/.

    Example:

      carebridge run examples/stockport-2017/scenario.yaml --out out/stockport --bridge-year 2019/20
    """
    if is_region(scenario):
        from carebridge.cli.region import run_region_command

        run_region_command(scenario, out, bridge_year, quiet, workers, scheduler)
        return
    if workers is not None or scheduler is not None:
        fail("--workers and --scheduler run the places of a region; this is a scenario (one place)")
    from carebridge.cli.workbook_process import WorkbookProcess
    from carebridge.report.plan import PlanReport, write_report
    from carebridge.usecases.appraisal import default_appraisal

    with WorkbookProcess() as workbook:  # a child with these modules writes the workbook, where it can
        loaded = load(scenario)
        _warn(loaded.warnings)
        results = run_scenario(loaded)
        if bridge_year is not None:
            results = _with_bridge_year(results, bridge_year)
        folder = out if out is not None else Path("out") / (scenario.resolve().parent.name or scenario.stem)
        appraisal = default_appraisal(results)
        report = PlanReport(results, appraisal, tuple(str(warning) for warning in loaded.warnings))
        provenance = provenance_of(scenario, loaded.scenario.name)
        headlines: list[str] = []

        def make_headlines() -> None:  # while the second process finishes the workbook
            if not quiet:
                headlines.append(rendered_headlines(results))

        try:
            written = _write_atomically(
                folder,
                lambda staging: write_report(report, staging, provenance, workbook.start, make_headlines),
            )
        except OSError as error:
            fail(f"cannot write the report into {folder}: {error.strerror or error}")
    for text in headlines:  # printed once the report is written, as the tables were
        typer.echo(text, nl=False)
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written))


def rendered_headlines(results: Results) -> str:
    """The headline tables of a run as the terminal shows them
    (:func:`~carebridge.report.plan.print_headlines` on this command's console), rendered, not printed."""
    from carebridge.cli.console import terminal
    from carebridge.report.plan import print_headlines

    console = terminal()
    with console.capture() as captured:
        print_headlines(results, console)
    return captured.get()


def provenance_of(scenario: Path, name: str) -> Provenance:
    """Where a report comes from: the scenario file, its hash, this version, now."""
    from carebridge.report.provenance import Provenance

    return Provenance.for_file(scenario, name)


def _with_bridge_year(results: Results, year: str) -> Results:
    """The run with its report's bridge year set (``--bridge-year``)."""
    from carebridge.scenario.years import YearError
    from carebridge.usecases.planning import with_bridge_year

    try:
        return with_bridge_year(results, year)
    except YearError as error:
        fail(f"--bridge-year: {error}")


def _write_atomically(folder: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Write into a staging folder beside ``folder``, then move each file into place.

    A run that fails while writing leaves the earlier outputs in ``folder`` as they were.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".carebridge-", dir=folder))
    try:
        written = write(staging)
        moved = []
        for path in written:
            target = folder / path.name
            path.replace(target)
            moved.append(target)
        return moved
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _warn(warnings: tuple[object, ...]) -> None:
    """Print what may be a mistake but is not an error (docs/demand.md §5), located, on standard error."""
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
