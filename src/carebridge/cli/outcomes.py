"""Outcomes and programme budgets: ``carebridge outcomes load|import|status|benchmark`` (docs/outcomes.md).

The register and its values live in the store named by ``--db`` or ``CAREBRIDGE_DB``; a programme budget is
read from its file each time, and kept in the store for the web app with ``benchmark --save``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.cli.delivery import Db, open_store

if TYPE_CHECKING:
    from carebridge.report.outcomes import TextTable

outcomes_app = typer.Typer(
    help="Outcomes and inequalities (measures, rates with confidence intervals, the deprivation gap, "
    "progress "
    "against target with RAG) and programme budgets benchmarked against peers.\n\n"
    "Example:\n\n  carebridge outcomes load examples/outcomes/register.yaml",
    no_args_is_help=True,
)
app.add_typer(outcomes_app, name="outcomes")

Register = Annotated[
    str | None,
    typer.Option(
        "--register", help="The register's name [default: the only one in the store].", show_default=False
    ),
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Folder to write the HTML page and CSV tables to.", show_default=False),
]


def _print(tables: list[TextTable]) -> None:
    from carebridge.cli.console import terminal
    from carebridge.report.outcomes import rich_of

    console = terminal()
    for table in tables:
        console.print(rich_of(table))


def _write(out: Path, files: dict[str, str]) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out / name).write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"--out: cannot write to {out}: {error.strerror}")
    typer.echo(f"wrote {', '.join(str(out / name) for name in files)}")


@outcomes_app.command("load")
def outcomes_load_command(
    file: Annotated[Path, typer.Argument(help="Outcomes register (YAML).", show_default=False)],
    db: Db = None,
) -> None:
    """Load an outcomes register: each measure's definition, numerator and denominator, period, breakdowns,
    baseline, target trajectory, gap target and the schemes expected to move it.

    Example:

      carebridge outcomes load examples/outcomes/register.yaml
    """
    from carebridge.scenario.errors import InputError
    from carebridge.usecases.outcomes import load_outcomes_register

    with open_store(db) as store:
        try:
            loaded = load_outcomes_register(store, file)
        except InputError as error:
            fail(str(error))
    state = "added" if loaded.added else "changed" if loaded.changed else "unchanged"
    typer.echo(f"{file}: outcomes register {loaded.name!r} {state}, {loaded.measures} measures")


@outcomes_app.command("import")
def outcomes_import_command(
    file: Annotated[Path, typer.Argument(help="CSV file of the measures' values.", show_default=False)],
    register: Register = None,
    db: Db = None,
) -> None:
    """Import the measures' values, all or nothing.

    The CSV file has a header measure,period,breakdown,group and, as the measure needs, age_band, numerator,
    denominator, value, lower, upper, status (published, synthetic or local). Every bad row is listed with
    its row and column and nothing is imported.

    Example:

      carebridge outcomes import examples/outcomes/values.csv
    """
    from carebridge.delivery.outcomes import OutcomeValuesError
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.outcomes import import_outcome_values

    with open_store(db) as store:
        try:
            done = import_outcome_values(store, file, register)
        except OutcomeValuesError as error:
            fail(str(error))
        except RegisterError as error:
            fail("\n".join(f"--register: {p.message}" if p.path else p.message for p in error.problems))
    typer.echo(f"{file}: {done.inserted} new, {done.updated} replaced, {done.unchanged} unchanged")


@outcomes_app.command("status")
def outcomes_status_command(register: Register = None, out: Out = None, db: Db = None) -> None:
    """Each measure against its target with RAG, the gap of the most deprived quintile and the slope index of
    inequality; with --out, the outcomes page (HTML) and the tables as CSV. Counts below 10 are suppressed and
    others rounded to 5.

    Example:

      carebridge outcomes status --out out/outcomes
    """
    from carebridge.report import outcomes as ro
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.outcomes import outcomes_status

    with open_store(db) as store:
        try:
            status = outcomes_status(store, register)
        except RegisterError as error:
            fail("\n".join(f"--register: {p.message}" if p.path else p.message for p in error.problems))
    tables = ro.outcome_tables(
        [
            (m.measure, m.results, m.inequalities, m.progress, m.comparisons, m.variation)
            for m in status.measures
        ]
    )
    _print([table for table in tables if table.id in ro.SUMMARY_TABLES])
    typer.echo(ro.disclosure_statement())
    if out is not None:
        files = {"outcomes.html": ro.outcomes_page(status.register.name, status.register.source, tables)}
        files.update({f"{table.id}.csv": ro.csv_of(table, ro.disclosure_statement()) for table in tables})
        _write(out, files)


@outcomes_app.command("benchmark")
def outcomes_benchmark_command(
    file: Annotated[Path, typer.Argument(help="Programme budget (YAML).", show_default=False)],
    comparator: Annotated[
        str | None,
        typer.Option(
            "--comparator",
            help="peer_average, lower_quartile, best, best_five or reference [default: the file's].",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", help="The plan line from the N largest opportunities.", min=1)
    ] = None,
    realisation: Annotated[
        float,
        typer.Option("--realisation", help="The share of the opportunity realised, 0 to 1.", min=0, max=1),
    ] = 1.0,
    parameter: Annotated[
        str | None,
        typer.Option(
            "--parameter", help="With --top and --emit: the scenario parameter to name the opportunity."
        ),
    ] = None,
    emit: Annotated[
        Path | None,
        typer.Option(
            "--emit", help="With --top and --parameter: write the opportunity as a scenario parameter."
        ),
    ] = None,
    out: Out = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Keep the programme budget in the store (--db) for the web app's programme budgeting page; "
            "one of the same name is replaced.",
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Benchmark a programme budget against its peers: spend per head by category, the variance to the
    comparator as money (the opportunity), outcomes beside spend, and the same after the plan.

    Example:

      carebridge outcomes benchmark examples/outcomes/programme-budget-2005.yaml --save
    """
    from typing import cast

    from carebridge.delivery import programme_budgets as pb
    from carebridge.report import outcomes as ro
    from carebridge.scenario.errors import InputError
    from carebridge.usecases.outcomes import benchmark_programme_budget

    if (parameter is None) != (emit is None) or (emit is not None and top is None):
        fail("--emit: give --emit FILE with --parameter NAME and --top N")
    if parameter is not None and not parameter.isidentifier():
        fail(f"--parameter: {parameter!r}; expected a name of letters, digits and underscores")
    if comparator is not None and comparator not in pb.COMPARATOR_WORDS:
        fail(f"--comparator: {comparator!r}; expected one of {', '.join(pb.COMPARATOR_WORDS)}")
    try:
        result = benchmark_programme_budget(file, cast("pb.Comparator | None", comparator))
    except InputError as error:
        fail(str(error))
    if save:
        from carebridge.usecases.outcomes import keep_programme_budget

        with open_store(db) as store:
            kept = keep_programme_budget(store, file, result.budget)
        state = "added" if kept.added else "changed" if kept.changed else "unchanged"
        typer.echo(f"{file}: programme budget {kept.name!r} {state} in the store")
    tables = ro.programme_tables(result.before, result.after)
    if result.budget.plan:
        tables.append(ro.plan_changes_table(result.budget))
    if result.after is not None:
        tables.append(ro.after_plan_table(result.budget, result.before, result.after))
    lines = ro.conclusions(result.before)
    if top is not None:
        opportunity = result.before.top_opportunity(top)
        line = pb.opportunity_line(result.before, top, realisation)
        lines.append(
            f"Opportunity of the top {top} programmes: {opportunity:,.0f} £'000; "
            f"at {realisation:.0%} realised, "
            f"the plan line is {line:,.0f} £'000."
        )
    _print(tables)
    for text in lines:
        typer.echo(text)
    if emit is not None and parameter is not None and top is not None:
        note = (
            f"the top {top} opportunities of {result.budget.name} against {result.before.comparator} "
            f"(carebridge outcomes benchmark {file.name} --top {top})"
        )
        fragment = ro.parameter_fragment(parameter, result.before.top_opportunity(top), note)
        _write(emit.parent, {emit.name: fragment})
    if out is not None:
        chart = ro.quadrant_chart(result.before)
        page = ro.programme_page(result.budget, tables, lines, [chart] if chart else [])
        files = {"programme-budget.html": page}
        files.update({f"{table.id}.csv": ro.csv_of(table) for table in tables})
        _write(out, files)
