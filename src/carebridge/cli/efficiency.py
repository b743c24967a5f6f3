"""Efficiency programmes (``carebridge efficiency``: load, status) and the monthly financial monitoring
returns (``carebridge returns``: template, import).

Every command works on the store named by ``--db`` or ``CAREBRIDGE_DB``. A bad file is a located error
(file, sheet, row, column or file:line, field), exit 2, and nothing of it is stored.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.cli.delivery import Db, open_store

efficiency_app = typer.Typer(
    help="Efficiency programmes: each organisation's CIP and QIPP schemes, their stage, phasing and the "
    "unidentified gap; the organisation and system views of a month and the FEWS efficiency set.\n\n"
    "Example:\n\n  carebridge efficiency load examples/staffordshire-stp-2016/efficiency/programme.yaml",
    no_args_is_help=True,
)
returns_app = typer.Typer(
    help="Monthly financial monitoring returns: write the template, import each organisation's return "
    "(CSV or Excel); a return after its due date (the 12th working day after the month's end) is flagged "
    "late.\n\nExample:\n\n  carebridge returns template return.xlsx --org uhnm --month 2017/18-M01",
    no_args_is_help=True,
)
app.add_typer(efficiency_app, name="efficiency")
app.add_typer(returns_app, name="returns")

ProgrammeName = Annotated[
    str | None,
    typer.Option(
        "--programme", help="Name of the programme [default: the only one in the store].", show_default=False
    ),
]
AgainstPlan = Annotated[
    str | None,
    typer.Option(
        "--plan",
        "-p",
        help="The approved plan whose do-something positions the forecasts are against [default: the only "
        "approved plan holding the programme's year; else the figures typed in the programme].",
        show_default=False,
    ),
]
Org = Annotated[
    str | None,
    typer.Option("--org", help="The one organisation the file is the return of.", show_default=False),
]


def _refusals() -> tuple[type[Exception], ...]:
    """What a command refuses with a message and exit 2: a bad programme or file of returns (every problem
    located), no such programme, an unknown organisation or month, a template that cannot be written."""
    from carebridge.delivery.efficiency import EfficiencyError
    from carebridge.delivery.returns import ReturnsFileError
    from carebridge.store.efficiency import ProgrammeNotFoundError
    from carebridge.store.plans import PlanNotFoundError

    return (EfficiencyError, ReturnsFileError, ProgrammeNotFoundError, PlanNotFoundError, ValueError)


@efficiency_app.command("load")
def load_command(
    file: Annotated[Path, typer.Argument(help="The programme (YAML).", show_default=False)],
    db: Db = None,
) -> None:
    """Load (or replace) an efficiency programme: organisations, plan lines and schemes.

    Example:

      carebridge efficiency load examples/staffordshire-stp-2016/efficiency/programme.yaml
    """
    from carebridge.usecases.efficiency import load

    with open_store(db) as store:
        try:
            programme, changed = load(store, file)
        except _refusals() as error:
            fail(str(error))
    gap = programme.unidentified(None)
    verb = "loaded" if changed else "already in the store, unchanged:"
    typer.echo(
        f"{verb} '{programme.name}' ({programme.year}): {len(programme.organisations)} organisations, "
        f"{len(programme.schemes)} schemes, plan lines {sum(line.annual for line in programme.lines):,.0f}, "
        f"unidentified {gap:,.0f} (£'000)"
    )


@efficiency_app.command("status")
def status_command(
    month: Annotated[
        str | None,
        typer.Option("--month", "-m", help="Month monitored, YYYY/YY-Mnn [default: the latest returned]."),
    ] = None,
    programme: ProgrammeName = None,
    plan: AgainstPlan = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the report (HTML and Excel) to this folder.", show_default=False
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Print each organisation's view and the system's: income and expenditure, efficiency against the
    phased plan, the unidentified gap, best/likely/worst against the do-something of the approved plan
    (else the figure typed in the programme), the FEWS efficiency set and the late returns.

    Example:

      carebridge efficiency status --month 2017/18-M01
    """
    from carebridge.usecases.efficiency import status, status_text

    with open_store(db) as store:
        try:
            found = status(store, programme, month, plan)
        except _refusals() as error:
            fail(str(error))
    typer.echo(status_text(found))
    if out is not None:
        from carebridge.report.efficiency import write_efficiency_report

        try:
            written = write_efficiency_report(found, out)
        except OSError as error:
            fail(f"--out: cannot write to {out}: {error.strerror or error}")
        for path in written:
            typer.echo(f"wrote {path}")


@returns_app.command("template")
def template_command(
    file: Annotated[Path, typer.Argument(help="The template to write (.xlsx, or .csv: a file per table).")],
    org: Org = None,
    month: Annotated[str | None, typer.Option("--month", "-m", help="The month, YYYY/YY-Mnn.")] = None,
    programme: ProgrammeName = None,
    db: Db = None,
) -> None:
    """Write a return's template, the keys filled in and the amounts blank.

    Example:

      carebridge returns template uhnm-return.xlsx --org uhnm --month 2017/18-M01
    """
    from carebridge.usecases.efficiency import template

    with open_store(db) as store:
        try:
            written = template(store, programme, file, org, month)
        except _refusals() as error:
            fail(str(error))
    for path in written:
        typer.echo(f"wrote {path}")


@returns_app.command("import")
def import_command(
    files: Annotated[
        list[Path], typer.Argument(help="Files of returns (.csv or .xlsx).", show_default=False)
    ],
    org: Org = None,
    submitted: Annotated[
        str | None,
        typer.Option("--submitted", help="The day the return came, YYYY-MM-DD [default: today]."),
    ] = None,
    programme: ProgrammeName = None,
    db: Db = None,
) -> None:
    """Import returns: every row checked first (nothing imported when any is bad), one transaction a file;
    the same file twice changes nothing; a return after its due date is flagged late.

    Example:

      carebridge returns import examples/staffordshire-stp-2016/efficiency/uhnm-2017-18-M01.csv --org uhnm
    """
    from carebridge.usecases.efficiency import import_files

    try:
        day = dt.date.fromisoformat(submitted) if submitted else dt.date.today()
    except ValueError:
        fail(f"--submitted: '{submitted}' is not a date; expected YYYY-MM-DD")
    with open_store(db) as store:
        try:
            outcomes = import_files(store, programme, files, day, org)
        except _refusals() as error:
            fail(str(error))
    for outcome in outcomes:
        if not outcome.changed:
            typer.echo(f"{outcome.file_name}: {outcome.rows} rows, nothing changed (imported before)")
            continue
        typer.echo(
            f"{outcome.file_name}: {outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced"
        )
        for facts in outcome.returns:
            if facts.late:
                who = outcome.names.get(facts.organisation, facts.organisation)
                typer.echo(
                    f"  late: {who} {facts.month.label} came {facts.submitted.isoformat()}, "
                    f"due {facts.due.isoformat()} ({facts.days_late} days late)"
                )
