"""Pooled budgets under Section 75: ``carebridge pools`` (load, import, status).

Every command works on the store named by ``--db`` or ``CAREBRIDGE_DB``. Changes are audited under
``CAREBRIDGE_USER`` (else the login name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, echo_import, fail
from carebridge.cli.delivery import Db, open_store

pools_app = typer.Typer(
    help="Pooled budgets (Section 75): each pool's partners' contributions by year, inclusion rules and "
    "cohort, QIPP (gross to affordability), risk share; monthly spend against the pool.\n\n"
    "Example:\n\n  carebridge pools load examples/stockport-2017/pools/pool-65-plus-2016-17.yaml",
    no_args_is_help=True,
)
app.add_typer(pools_app, name="pools")


@pools_app.command("load")
def pools_load_command(
    files: Annotated[list[Path], typer.Argument(help="Pool definition(s) (YAML).", show_default=False)],
    db: Db = None,
) -> None:
    """Load pooled budgets: each pool's cohort, service lines and the inclusion rules that decide them,
    the partners' contributions by year (£'000, or £m converted), their QIPP and the risk-share terms.

    A pool is kept under its id (else the file's name); loading it again with changes replaces its
    definition (old and new in the audit log) and keeps its spend. Every problem of every file is listed,
    located, and nothing is loaded.

    Example:

      carebridge pools load examples/stockport-2017/pools/pool-65-plus-2016-17.yaml
    """
    from carebridge.delivery.pools import PoolDefinition, in_thousands, pool_problems
    from carebridge.scenario.errors import PoolError
    from carebridge.scenario.loader import load_model
    from carebridge.usecases.pools import load_pools

    read: list[tuple[PoolDefinition, Path]] = []
    problems: list[str] = []
    for file in files:
        try:
            read.append((in_thousands(load_model(file, PoolDefinition, PoolError, pool_problems)[0]), file))
        except PoolError as error:
            problems += [f"  - {problem}" for problem in error.problems]
    if problems:
        count = len(problems)
        fail("\n".join([f"{count} problem{'s' if count != 1 else ''}; nothing was loaded:", *problems]))
    with open_store(db) as store:
        outcomes = load_pools(store, read)
    for outcome, (pool, file) in zip(outcomes, read, strict=True):
        typer.echo(f"{file}: pool '{pool.name}' {outcome.what}")


@pools_app.command("import")
def pools_import_command(
    file: Annotated[
        Path, typer.Argument(help="CSV file: pool,month,service_area,spend (£'000).", show_default=False)
    ],
    db: Db = None,
) -> None:
    """Import monthly spend of the pools, all or nothing.

    The CSV file has a header pool,month,service_area,spend: the pool's id, a month YYYY/YY-Mnn (M01 is
    April), a service area of the pool and the spend in £'000 (zero or more). Every bad row is listed with
    its row and column and nothing is imported. A value already stored is replaced (old and new in the audit
    log); importing the same file again changes nothing.

    Example:

      carebridge pools import examples/stockport-2017/pools/spend-2016-17.csv
    """
    from carebridge.delivery.pools import PoolSpendError
    from carebridge.usecases.pools import NoPoolsError, import_spend

    with open_store(db) as store:
        try:
            outcome = import_spend(store, file)
        except NoPoolsError as error:
            fail(str(error))
        except PoolSpendError as error:
            fail(str(error))
    echo_import(file, outcome)


@pools_app.command("status")
def pools_status_command(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            "-m",
            help="As at this month, YYYY/YY-Mnn [default: the latest with spend].",
            show_default=False,
        ),
    ] = None,
    pool: Annotated[
        str | None, typer.Option("--pool", help="Only this pool (its id) [default: every pool].")
    ] = None,
    db: Db = None,
) -> None:
    """Each pool as at a month: its budget gross and after QIPP (affordability), plan and spend to date,
    the forecast outturn and its variance, each partner's share of the forecast over- or underspend, and
    spend by service area and by month (£'000; an overspend positive, an underspend in brackets).

    Example:

      carebridge pools status --month 2016/17-M06
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.months import MonthError
    from carebridge.report.pools import pool_tables
    from carebridge.report.terminal import rich_table
    from carebridge.usecases.pools import UnknownPoolError, pools_status

    with open_store(db) as store:
        try:
            found = pools_status(store, month, pool)
        except MonthError as error:
            fail(f"--month: {error}")
        except UnknownPoolError as error:
            fail(f"--pool: {error}")
    if not found.pools:
        typer.echo("No pools yet; load one with: carebridge pools load FILE.yaml")
        return
    if found.month is None:
        typer.echo("No spend yet; import some with: carebridge pools import SPEND.csv, or give --month")
        return
    console = terminal()
    for stored, status in found.pools:
        if status is None:
            typer.echo(f"{stored.definition.name}: no contributions in {found.month.year}")
            continue
        for table in pool_tables(status):
            console.print(rich_table(table))
            if table.note:
                console.print(table.note, style="dim")
