"""``carebridge programme``: the programme beside the plan — check it against the scenario, the plan on a
page, load it into the store, import gateway returns and updates (by a workstream's owners only), the
programme oversight report for a month, and the programme's resourcing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.cli.delivery import Db, open_store

if TYPE_CHECKING:
    from carebridge.usecases.programme import CheckedProgramme

programme_app = typer.Typer(
    help="The programme that delivers the plan: objectives, priority programmes and workstreams with their "
    "leads, success measures, milestones and critical decisions; monthly gateway returns (progress, "
    "confidence, assurance); the programme's resourcing.\n\nExample:\n\n"
    "  carebridge programme check examples/staffordshire-stp-2016/programme.yaml",
    no_args_is_help=True,
)
return_app = typer.Typer(
    help="Gateway returns and updates of milestones and decisions.", no_args_is_help=True
)
app.add_typer(programme_app, name="programme")
programme_app.add_typer(return_app, name="return")

ProgrammeFile = Annotated[Path, typer.Argument(help="Programme file (YAML).", show_default=False)]
ScenarioOption = Annotated[
    Path | None,
    typer.Option(
        "--scenario",
        "-s",
        help="The scenario the programme delivers "
        "[default: scenario.yaml or scenario.xlsx beside the programme file].",
        show_default=False,
    ),
]
NameOption = Annotated[
    str | None,
    typer.Option(
        "--programme", help="The programme's name [default: the only one in the store].", show_default=False
    ),
]


def _checked(file: Path, scenario: Path | None) -> CheckedProgramme:
    from carebridge.engine import ModelError
    from carebridge.scenario.errors import InputError
    from carebridge.scenario.programme import ProgrammeError
    from carebridge.usecases.programme import check_programme, scenario_of

    try:
        return check_programme(file, scenario_of(file, scenario))
    except ProgrammeError as error:
        fail(_wrong_kind(file) or str(error))
    except (InputError, ModelError) as error:
        fail(str(error))


def _wrong_kind(file: Path) -> str | None:
    """What the file is, when it is another kind of CareBridge file than a programme."""
    from carebridge.cli.kinds import PROGRAMME, wrong_kind

    return wrong_kind(file, PROGRAMME)


@programme_app.command("check")
def check_command(file: ProgrammeFile, scenario: ScenarioOption = None) -> None:
    """Check a programme file: every workstream has an SRO and an owner, every decision a due month, and every
    scheme and plan line of the scenario is in exactly one workstream.

    Example:

      carebridge programme check examples/staffordshire-stp-2016/programme.yaml
    """
    from carebridge.scenario.programme import workstreams

    checked = _checked(file, scenario)
    programme = checked.programme
    views = workstreams(programme)
    typer.echo(
        f"{file}: {programme.name}: {len(programme.objectives)} objectives, "
        f"{sum(len(o.programmes) for o in programme.objectives)} programmes, {len(views)} workstreams, "
        f"{len(programme.decisions)} critical decisions"
        + ("; resourcing given" if programme.resourcing is not None else "")
    )
    rolled = checked.rollup()
    if rolled is not None:
        typer.echo(
            f"Every scheme and plan line of the scenario is in one workstream; in {rolled.year} they add to "
            f"{rolled.total.amounts.net:,.0f} £'000, the bridge from "
            f"{rolled.do_nothing:,.0f} to {rolled.do_something:,.0f}."
        )


@programme_app.command("rollup")
def rollup_command(
    file: ProgrammeFile,
    scenario: ScenarioOption = None,
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Year [default: the bridge year].", show_default=False)
    ] = None,
) -> None:
    """The plan on a page: savings, investment and funding by objective, programme and workstream, adding to
    the bridge; each workstream's leads, money and success in 2020/21; the activity its schemes remove.

    Example:

      carebridge programme rollup examples/staffordshire-stp-2016/programme.yaml --year 2020/21
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.programme_pack import (
        activity_rollup_table,
        objectives_table,
        rollup_table,
        structure_table,
    )
    from carebridge.delivery.programme_rollup import bridge_difference
    from carebridge.report.programme import print_tables
    from carebridge.usecases.programme import scenario_of

    if scenario_of(file, scenario) is None:
        fail(
            "--scenario: give the scenario the programme delivers "
            "(there is no scenario.yaml or scenario.xlsx beside the programme file)"
        )
    checked = _checked(file, scenario)
    if checked.results is None:
        fail(f"{file}: the programme has no objectives and workstreams to roll the plan up by")
    if year is not None and year not in checked.results.years:
        fail(f"--year {year}: not a year of the scenario; expected one of {', '.join(checked.results.years)}")
    rolled = checked.rollup(year)
    assert rolled is not None
    tables = [
        rollup_table(rolled),
        objectives_table(checked.programme),
        structure_table(checked.programme, rolled.item_names),
    ]
    if any(row.amounts.activity for row in rolled.workstreams):
        tables.append(activity_rollup_table(rolled))
    print_tables(tables, terminal())
    typer.echo(f"Do-nothing + the workstreams − do-something = {bridge_difference(rolled):.6f} £'000")


@programme_app.command("load")
def load_command(file: ProgrammeFile, scenario: ScenarioOption = None, db: Db = None) -> None:
    """Load a programme file into the store (checked first), replacing the programme of the same name; the
    savings each critical decision puts at stake are taken from the scenario's bridge year.

    Example:

      carebridge programme load examples/staffordshire-stp-2016/programme.yaml
    """
    from carebridge.engine import ModelError
    from carebridge.scenario.errors import InputError
    from carebridge.usecases.programme import load_into_store, scenario_of

    with open_store(db) as store:
        try:
            programme, new, year = load_into_store(store, file, scenario_of(file, scenario))
        except (InputError, ModelError) as error:
            fail(str(error))
    stake = f"; savings at stake from {year}" if year else ""
    typer.echo(f"{file}: programme '{programme.name}' {'loaded' if new else 'replaced'}{stake}")


@return_app.command("import")
def return_import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="Gateway returns: CSV (workstream,month,progress,confidence,assurance,note) or YAML "
            "(returns, milestones, decisions).",
            show_default=False,
        ),
    ],
    by: Annotated[
        str,
        typer.Option(
            "--by", help="Who records them: an owner of each workstream (the email they sign in with)."
        ),
    ],
    programme: NameOption = None,
    db: Db = None,
) -> None:
    """Record monthly gateway returns — progress against plan, delivery confidence and assurance level, each
    green, amber or red — and milestone and decision updates, all or nothing.

    Only a workstream's owners may record it. Every bad entry is listed with its line and nothing is
    recorded; an entry already stored for the same workstream and month is replaced (old and new in the
    audit log).

    Example:

    \b
      carebridge programme return import examples/staffordshire-stp-2016/gateway/urgent-care-returns.csv \\
        --by rob.lusuardi@stp.example
    """
    from carebridge.delivery.programme_status import UpdatesError
    from carebridge.usecases.programme import ProgrammeChoiceError, import_updates

    if not by.strip():
        fail("--by: give the email of who records the returns")
    with open_store(db) as store:
        try:
            name, outcome = import_updates(store, file, by, programme)
        except ProgrammeChoiceError as error:
            fail(str(error))
        except UpdatesError as error:
            fail(str(error))
    typer.echo(
        f"{file}: '{name}': {outcome.inserted} new, {outcome.replaced} replaced, "
        f"{outcome.unchanged} unchanged"
    )


@programme_app.command("status")
def status_command(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            "-m",
            help="Month, YYYY/YY-Mnn [default: the latest with a return].",
            show_default=False,
        ),
    ] = None,
    programme: NameOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Also write the report (HTML and Excel) into this folder.", show_default=False
        ),
    ] = None,
    db: Db = None,
) -> None:
    """The programme oversight report: each workstream's latest gateway return, progress, confidence and
    assurance by month, the critical decisions (overdue ones and the savings that depend on them) and the
    milestones.

    Example:

      carebridge programme status --month 2017/18-M06
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.programme_pack import oversight_tables
    from carebridge.report.programme import print_tables, write_programme_report
    from carebridge.usecases.programme import ProgrammeChoiceError, ProgrammeMonthError, status_in

    with open_store(db) as store:
        try:
            status = status_in(store, month, programme)
        except (ProgrammeChoiceError, ProgrammeMonthError) as error:
            fail(str(error))
    if status is None:
        typer.echo(
            "No gateway returns yet; import some with: carebridge programme return import FILE --by EMAIL"
        )
        return
    tables = oversight_tables(status)
    print_tables(tables, terminal())
    overdue = status.overdue
    if overdue:
        typer.echo(
            f"{len(overdue)} overdue decision{'s' if len(overdue) != 1 else ''}; savings at stake "
            f"{-status.overdue_at_stake:,.0f} £'000"
            + (f" in {status.at_stake_year}" if status.at_stake_year else "")
            + ": "
            + "; ".join(d.name for d in overdue)
        )
    else:
        typer.echo("No critical decision is overdue.")
    if out is not None:
        try:
            written = write_programme_report(status.programme.name, status.month, tables, out)
        except OSError as error:
            fail(f"--out: cannot write the report into {out}: {error.strerror or error}")
        typer.echo("Wrote " + ", ".join(str(path) for path in written))


@programme_app.command("resourcing")
def resourcing_command(file: ProgrammeFile) -> None:
    """The programme's resourcing: by partner, staffing by element and funder, by contract type, and non-staff
    costs (confirmed, and with the costs still to be agreed).

    Example:

      carebridge programme resourcing examples/stockport-2017/programme.yaml
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.programme_pack import resourcing_tables
    from carebridge.report.programme import print_tables
    from carebridge.scenario.errors import InputError
    from carebridge.scenario.programme import load_programme

    try:
        programme = load_programme(file)
    except InputError as error:
        fail(_wrong_kind(file) or str(error))
    if programme.resourcing is None:
        fail(f"{file}: the programme gives no resourcing (a resourcing: map with partners, staffing, …)")
    print_tables(resourcing_tables(programme.resourcing), terminal())
