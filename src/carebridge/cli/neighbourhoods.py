"""Neighbourhood commands: ``carebridge neighbourhoods check|cohort|effect|utilisation``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail

if TYPE_CHECKING:
    import pandas as pd

    from carebridge.strat.disclosure import DisclosureRule
    from carebridge.strat.neighbourhoods import NeighbourhoodsFile

neighbourhoods_app = typer.Typer(
    help="Neighbourhood teams: the cohort in each neighbourhood (from the stratification, by practice), "
    "enrolment capped by the case managers' and matrons' caseload, the scheme's effect as a scenario "
    "fragment, and the enrolled cohort's utilisation against a comparison group in the FEWS.\n\n"
    "Example:\n\n"
    "  carebridge neighbourhoods check examples/stockport-2017/neighbourhoods/neighbourhoods.yaml",
    no_args_is_help=True,
)
app.add_typer(neighbourhoods_app, name="neighbourhoods")

FileArgument = Annotated[Path, typer.Argument(help="The neighbourhoods file (YAML).", show_default=False)]
DataArgument = Annotated[Path, typer.Argument(help="Patient file (Parquet or CSV).", show_default=False)]
SuppressBelow = Annotated[int, typer.Option("--suppress-below", help="Suppress counts below this.")]
RoundTo = Annotated[int, typer.Option("--round-to", help="Round other counts to the nearest this.")]
UtilisationArgument = Annotated[
    Path,
    typer.Argument(
        help="Monthly utilisation (CSV: month, neighbourhood, group, patients, admissions).",
        show_default=False,
    ),
]


def _load(path: Path) -> NeighbourhoodsFile:
    from carebridge.strat.neighbourhoods import NeighbourhoodsError, load_neighbourhoods

    try:
        return load_neighbourhoods(path)[0]
    except NeighbourhoodsError as error:
        fail(str(error))


def _rule(suppress_below: int, round_to: int) -> DisclosureRule:
    from carebridge.strat.disclosure import DisclosureRule

    try:
        return DisclosureRule(suppress_below, round_to)
    except ValueError as error:
        fail(f"--suppress-below/--round-to: {error}")


@dataclass(frozen=True)
class _Cohorts:
    plan: NeighbourhoodsFile
    cohorts: pd.DataFrame
    enrolled: pd.DataFrame
    effect: pd.DataFrame
    patients: int


def _cohorts(path: Path, data: Path) -> _Cohorts:
    """Stratify ``data`` (the file's top x%), roll its practices up to neighbourhoods, enrol, and compute."""
    import duckdb

    from carebridge.strat.errors import PatientDataError
    from carebridge.strat.model import ModelFileError
    from carebridge.strat.neighbourhood_cohort import (
        enrolment,
        neighbourhood_cohorts,
        practice_counts,
        scheme_effect,
    )
    from carebridge.strat.neighbourhoods import NeighbourhoodsError, load_neighbourhoods, practice_problems
    from carebridge.strat.pipeline import Options, StratifyError, stratify

    try:
        plan, source = load_neighbourhoods(path)
    except NeighbourhoodsError as error:
        fail(str(error))
    con = duckdb.connect()
    try:
        result = stratify(data, Options(top=plan.cohort_top), con)
    except (PatientDataError, StratifyError, ModelFileError) as error:
        fail(str(error))
    columns = {str(row[0]) for row in con.execute("DESCRIBE patients").fetchall()}
    if "practice" not in columns:
        fail(f"{data}: the patient table has no practice column, so neighbourhoods cannot be formed")
    measures = sorted({effect.measure for effect in plan.scheme.effects})
    missing = [m for m in measures if f"{m}_{result.year}" not in columns]
    if missing:
        fail(f"{data}: the patient table has no {', '.join(f'{m}_{result.year}' for m in missing)} column")
    practices = practice_counts(con, result.cohort.threshold, result.year, measures)
    try:
        practice_problems(plan, source, practices["practice"].tolist())
    except NeighbourhoodsError as error:
        fail(str(error))
    cohorts = neighbourhood_cohorts(plan, practices, measures)
    enrolled = enrolment(plan, cohorts)
    totals = {m: float(practices[f"{m}_total"].fillna(0).sum()) for m in measures}
    return _Cohorts(plan, cohorts, enrolled, scheme_effect(plan, cohorts, enrolled, totals), result.patients)


@neighbourhoods_app.command("check")
def check_command(file: FileArgument) -> None:
    """Check a neighbourhoods file: every problem located (file:line, field), exit 2 on any.

    Example:

      carebridge neighbourhoods check examples/stockport-2017/neighbourhoods/neighbourhoods.yaml
    """
    plan = _load(file)
    practices = sum(len(n.practices) for n in plan.neighbourhoods)
    capacity = sum(plan.capacity(n) for n in plan.neighbourhoods)
    typer.echo(
        f"{file}: {plan.name}: {len(plan.neighbourhoods)} neighbourhoods, {practices} practices, "
        f"capacity {capacity:,.0f} patients at once ({plan.scheme.name} scheme)"
    )


@neighbourhoods_app.command("cohort")
def cohort_command(
    file: FileArgument,
    data: DataArgument,
    suppress_below: SuppressBelow = 10,
    round_to: RoundTo = 5,
    monthly: Annotated[
        bool,
        typer.Option("--monthly", help="Also print the enrolment month by month of each trajectory."),
    ] = False,
) -> None:
    """The registered population and the cohort of each neighbourhood, and enrolment by year capped by the
    teams' capacity (WTE × caseload per WTE); a neighbourhood with a monthly trajectory (ramp or series) has
    the year's months annualised (the mean enrolled at each month's end). Counts under disclosure control.

    Example:

    \b
      carebridge neighbourhoods cohort examples/stockport-2017/neighbourhoods/neighbourhoods.yaml \\
        examples/synthetic-population/patients.parquet --monthly
    """
    from carebridge.cli.console import terminal
    from carebridge.report.neighbourhoods import (
        cohort_table,
        enrolment_table,
        monthly_enrolment_table,
        print_tables,
    )
    from carebridge.strat.neighbourhood_cohort import monthly_enrolment

    rule = _rule(suppress_below, round_to)
    found = _cohorts(file, data)
    tables = [cohort_table(found.cohorts, rule), enrolment_table(found.enrolled, rule)]
    if monthly:
        months = monthly_enrolment(found.plan, found.cohorts)
        if months.empty:
            fail(f"{file}: no neighbourhood has a monthly trajectory (trajectory: ramp or monthly)")
        tables.append(monthly_enrolment_table(months, rule))
    print_tables(terminal(), tables, rule)


@neighbourhoods_app.command("effect")
def effect_command(
    file: FileArgument,
    data: DataArgument,
    emit: Annotated[
        Path | None,
        typer.Option("--emit", help="Write the scheme's effects as a scenario fragment (YAML) to this file."),
    ] = None,
    suppress_below: SuppressBelow = 10,
    round_to: RoundTo = 5,
) -> None:
    """The scheme's effect, enrolled × rate × deflection from each neighbourhood's cohort, by POD and year;
    with --emit, as the scheme's `effects:` (reduce fractions of base-year activity) to paste into a scenario.

    Example:

    \b
      carebridge neighbourhoods effect examples/stockport-2017/neighbourhoods/neighbourhoods.yaml \\
        examples/synthetic-population/patients.parquet --emit effects.yaml
    """
    from carebridge.cli.console import terminal
    from carebridge.report.neighbourhoods import effect_table, print_tables
    from carebridge.strat.neighbourhood_cohort import effect_fragment

    rule = _rule(suppress_below, round_to)
    found = _cohorts(file, data)
    print_tables(terminal(), [effect_table(found.effect, found.plan.scheme.name, rule)], rule)
    if emit is not None:
        provenance = [
            f"Neighbourhoods: {file}; patients: {data}; cohort: the top {found.plan.cohort_top:g}% by "
            "predicted risk (carebridge neighbourhoods effect)"
        ]
        try:
            emit.write_text(effect_fragment(found.plan, found.effect, rule, provenance), encoding="utf-8")
        except OSError as error:
            fail(f"--emit {emit}: cannot write it: {error.strerror or error}")
        typer.echo(f"Wrote the {found.plan.scheme.name} scheme's effects to {emit}")


@neighbourhoods_app.command("utilisation")
def utilisation_command(
    file: FileArgument,
    utilisation: UtilisationArgument,
    month: Annotated[
        str | None,
        typer.Option(
            "--month", help="The month the FEWS is assessed at, e.g. 2018/19-M12 [default: the last]."
        ),
    ] = None,
    suppress_below: SuppressBelow = 10,
    round_to: RoundTo = 5,
    monthly: Annotated[bool, typer.Option("--monthly", help="Also print every month's rates.")] = False,
) -> None:
    """The enrolled cohort's emergency admissions against a comparison group, month by month, and the FEWS's
    neighbourhood set: each neighbourhood's reduction to date against the scheme's planned deflection.

    Example:

    \b
      carebridge neighbourhoods utilisation examples/stockport-2017/neighbourhoods/neighbourhoods.yaml \\
        examples/stockport-2017/neighbourhoods/utilisation.csv --month 2018/19-M12
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.fews import SET_TITLES, FewsSettings, worst
    from carebridge.delivery.months import Month
    from carebridge.delivery.neighbourhoods import monthly_utilisation, utilisation_indicators
    from carebridge.report.neighbourhoods import indicator_table, print_tables, utilisation_table
    from carebridge.strat.neighbourhoods import NeighbourhoodsError, read_utilisation
    from carebridge.usecases.neighbourhoods import planned_deflection

    rule = _rule(suppress_below, round_to)
    plan = _load(file)
    planned = planned_deflection(plan)
    if planned is None:
        fail(f"{file}: the scheme has no effect on nel (emergency admissions), which utilisation measures")
    names = [n.name for n in plan.neighbourhoods]
    try:
        rows = read_utilisation(utilisation, names)
    except NeighbourhoodsError as error:
        fail(str(error))
    if not rows:
        fail(f"{utilisation}: has no rows of utilisation")
    table = monthly_utilisation(rows, names)
    try:
        as_at = Month.parse(month) if month is not None else max(Month.parse(m) for m in table["month"])
    except ValueError as error:
        fail(f"--month {month}: {error}")
    indicators = utilisation_indicators(
        table, names, planned, as_at, FewsSettings().thresholds("neighbourhoods"), rule
    )
    status = worst(indicator.status for indicator in indicators)
    tables = [utilisation_table(table, rule)] if monthly else []
    title = f"FEWS: {SET_TITLES['neighbourhoods']}, {as_at.label} year to date: {status.upper()}"
    tables.append(indicator_table(title, indicators))
    print_tables(terminal(), tables, rule)


@neighbourhoods_app.command("import")
def import_command(
    file: FileArgument,
    utilisation: UtilisationArgument,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The store: a SQLite file or a postgresql+psycopg:// URL [default: CAREBRIDGE_DB, else "
            "carebridge.db].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import the neighbourhoods file and its monthly utilisation into the store, all or nothing: the FEWS
    (carebridge fews, the delivery pack, the web app) then shows the neighbourhood set.

    Every row is checked first (months, neighbourhoods of the file, groups, whole numbers); if any is bad,
    every problem is listed with its file, line and column and nothing is imported. A row whose month,
    neighbourhood and group are already in the store replaces its counts, and the audit log records the
    file; importing the same file again changes nothing. Counts are kept exact and leave the tool under
    disclosure control (below 10 suppressed, others rounded to 5).

    Example:

    \b
      carebridge neighbourhoods import examples/stockport-2017/neighbourhoods/neighbourhoods.yaml \\
        examples/stockport-2017/neighbourhoods/utilisation.csv
    """
    from carebridge.cli.app import echo_import
    from carebridge.cli.delivery import open_store
    from carebridge.strat.neighbourhoods import NeighbourhoodsError
    from carebridge.usecases.neighbourhoods import import_utilisation

    with open_store(db) as store:
        try:
            outcome = import_utilisation(store, file, utilisation)
        except NeighbourhoodsError as error:
            fail(str(error))
    if outcome.added:
        typer.echo(f"{file}: {outcome.name} added to the store")
    elif outcome.definition_changed:
        typer.echo(f"{file}: {outcome.name} replaced in the store")
    echo_import(utilisation, outcome)
