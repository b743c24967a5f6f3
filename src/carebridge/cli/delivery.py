"""Delivery commands: approved plans (``carebridge plan``), actuals (``carebridge actuals``), the early
warning system (``carebridge fews``) and the programme board's pack (``carebridge report delivery``).

Every command works on the store named by ``--db`` or ``CAREBRIDGE_DB`` (default ``carebridge.db`` here),
which is created and migrated on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail

if TYPE_CHECKING:
    from carebridge.delivery.baseline import PlanBaseline
    from carebridge.delivery.monitor import Monitoring
    from carebridge.delivery.spc import SpcOptions
    from carebridge.store import Store
    from carebridge.usecases.delivery import Fews

DB_HELP = (
    "The store: a SQLite file or a postgresql+psycopg:// URL [default: CAREBRIDGE_DB, else carebridge.db]."
)
Db = Annotated[str | None, typer.Option("--db", help=DB_HELP, show_default=False)]
PlanName = Annotated[
    str | None,
    typer.Option(
        "--plan",
        "-p",
        help="Name of the approved plan [default: the only plan in the store].",
        show_default=False,
    ),
]
SpcScreen = Annotated[
    bool,
    typer.Option(
        "--spc-screen/--no-spc-screen",
        help="SPC: leave moving ranges of 3.267 × the mean or more out of the limits (NHSRplotthedots' "
        "default; off by default, as the Making Data Count Excel tool).",
    ),
]
SpcRebase = Annotated[
    list[str] | None,
    typer.Option(
        "--spc-rebase",
        help="SPC: a month that starts a new period of the charts (repeat it).",
        show_default=False,
    ),
]
SpcBaseline = Annotated[
    int | None,
    typer.Option(
        "--spc-baseline",
        min=2,
        help="SPC: fix each period's centre and limits on its first N months.",
        show_default=False,
    ),
]
MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month",
        "-m",
        help="Month monitored, YYYY/YY-Mnn (M01 is April) [default: the latest month with activity].",
        show_default=False,
    ),
]

plan_app = typer.Typer(
    help="Approved plans: immutable, versioned baselines that actuals are compared with.\n\n"
    "Example:\n\n\b\n  carebridge plan approve examples/stockport-2017/scenario.yaml "
    '--name "June 2017 business cases"',
    no_args_is_help=True,
)
actuals_app = typer.Typer(
    help="Actuals: monthly activity by POD and provider, spend, milestones, forecasts and profiles.\n\n"
    "Example:\n\n\b\n  carebridge actuals import examples/stockport-2017/actuals/*.csv "
    '--plan "June 2017 business cases"',
    no_args_is_help=True,
)
fews_app = typer.Typer(
    help="The Financial Early Warning System: print the status of a month and write its report; record "
    "settings and benefits-maximisation actions.\n\n"
    "Example:\n\n  carebridge fews --month 2018/19-M06",
    invoke_without_command=True,
)
app.add_typer(plan_app, name="plan")
app.add_typer(actuals_app, name="actuals")
app.add_typer(fews_app, name="fews")


def _report_app() -> typer.Typer:
    """The ``report`` group: the one another module registered, or a new one."""
    for group in app.registered_groups:
        if group.name == "report" and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(
        help="Reports for boards.\n\nExample:\n\n  carebridge report delivery --month 2018/19-M06",
        no_args_is_help=True,
    )
    app.add_typer(created, name="report")
    return created


report_app = _report_app()


# --- shared -----------------------------------------------------------------------------------------------


def open_store(db: str | None) -> Store:
    from sqlalchemy.exc import OperationalError

    from carebridge.store import Store, StoreConfigError, StoreVersionError
    from carebridge.store.database import database_url, safe_url

    try:
        return Store.open(db)
    except (StoreConfigError, StoreVersionError) as error:
        fail(f"store: {error}")
    except OperationalError as error:
        fail(f"cannot open the store {safe_url(database_url(db))}: {str(error.orig).strip()}")


def resolve_plan(store: Store, name: str | None) -> str:
    """The plan named, or the only one in the store."""
    from carebridge.store.plans import PlanNotFoundError
    from carebridge.usecases.errors import NoPlanError, SeveralPlansError
    from carebridge.usecases.plans import resolve_plan as resolve

    try:
        return resolve(store, name)
    except PlanNotFoundError as error:
        fail(str(error))
    except NoPlanError:
        fail(
            "the store has no approved plan yet; approve one with: "
            "carebridge plan approve SCENARIO --name NAME"
        )
    except SeveralPlansError as error:
        fail(
            "the store has several plans; choose one with --plan: " + ", ".join(f"'{n}'" for n in error.names)
        )


def baseline_of(store: Store, plan: str) -> PlanBaseline:
    from carebridge.store.plans import PlanNotFoundError
    from carebridge.usecases.delivery import baseline

    try:
        return baseline(store, plan)
    except PlanNotFoundError as error:
        fail(str(error))


# --- plan -------------------------------------------------------------------------------------------------


@plan_app.command("approve")
def approve_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)],
    name: Annotated[
        str, typer.Option("--name", "-n", help='Name of the plan, e.g. "June 2017 business cases".')
    ],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who approves: the email they sign in to the web app with, so the app shows the person "
            "[default: CAREBRIDGE_USER, else the login name].",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Approve a scenario: store it and its results as a new immutable version of the plan NAME.

    Runs the scenario and stores its text, its SHA-256 and the run's tables (activity, scheme activity,
    savings, investment, statement, positions), so actuals are compared with the plan as approved. Approving
    a changed scenario under the same name makes a new version; an unchanged one changes nothing.

    Example:

      carebridge plan approve examples/stockport-2017/scenario.yaml --name "June 2017 business cases"
    """
    from carebridge.scenario.errors import ScenarioError
    from carebridge.usecases.planning import check_file
    from carebridge.usecases.plans import approve

    if not name.strip():
        fail('--name: the plan needs a name, e.g. --name "June 2017 business cases"')
    if by is not None and not by.strip():
        fail("--by: give who approves, e.g. --by finance.director@ccg.nhs.uk")
    try:
        checked = check_file(scenario)
    except ScenarioError as error:
        fail(str(error))
    except OSError as error:
        fail(f"{scenario}: cannot be read: {error.strerror or error}")
    store = open_store(db)
    if by is not None:
        store.actor = by.strip()
    with store:
        outcome = approve(store, name, checked)
    version = outcome.version
    if outcome.created:
        typer.echo(
            f"Approved '{version.plan}' version {version.number}: {version.scenario_name} "
            f"(sha256 {version.sha256[:12]}…) in {store.url}"
        )
    else:
        typer.echo(
            f"'{version.plan}' version {version.number} already holds this scenario (sha256 "
            f"{version.sha256[:12]}…); nothing changed"
        )


@plan_app.command("list")
def list_command(db: Db = None) -> None:
    """List the approved plans and their versions.

    Example:

      carebridge plan list
    """
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.usecases.plans import versions as list_versions

    with open_store(db) as store:
        versions = list_versions(store)
    if not versions:
        typer.echo("No approved plans yet. Approve one with: carebridge plan approve SCENARIO --name NAME")
        return
    table = Table(title="Approved plans")
    for column in ("plan", "version", "scenario", "sha256", "approved", "by"):
        table.add_column(column)
    for version in versions:
        table.add_row(
            version.plan,
            str(version.number),
            version.scenario_name,
            version.sha256[:12],
            version.approved_at.strftime("%Y-%m-%d %H:%M UTC"),
            version.approved_by,
        )
    terminal().print(table)


@plan_app.command("share")
def share_command(
    gain: Annotated[
        list[str],
        typer.Option(
            "--gain", "-g", help="PARTY=SHARE of the gain after reinvestment (repeat; 1/3 allowed)."
        ),
    ],
    risk: Annotated[
        list[str] | None,
        typer.Option("--risk", "-r", help="PARTY=SHARE of the residual loss (repeat) [default: as --gain]."),
    ] = None,
    plan: PlanName = None,
    db: Db = None,
) -> None:
    """Record the plan's risk and gain share agreement (spec section 9), read by the delivery report.

    Example:

      carebridge plan share --gain ccg=1/3 --gain smbc=1/3 --gain providers=1/3
    """
    gains = _shares("--gain", gain)
    risks = _shares("--risk", risk) if risk else gains
    parties = list(dict.fromkeys([*gains, *risks]))
    for label, shares in (("--gain", gains), ("--risk", risks)):
        total = sum(shares.values())
        if abs(total - 1) > 1e-6:
            fail(f"{label}: the shares add up to {total:.6g}; they must add up to 1 (write one third as 1/3)")
    from carebridge.usecases.delivery import record_share

    with open_store(db) as store:
        name = resolve_plan(store, plan)
        record_share(store, name, {p: (gains.get(p, 0.0), risks.get(p, 0.0)) for p in parties})
    typer.echo(f"Recorded the risk and gain share of '{name}': " + ", ".join(parties))


def _shares(label: str, items: list[str]) -> dict[str, float]:
    from fractions import Fraction

    shares: dict[str, float] = {}
    for item in items:
        party, _, value = item.partition("=")
        try:
            share = float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            fail(f"{label} {item}: expected PARTY=SHARE, e.g. ccg=1/3 or ccg=0.5")
        if not party.strip() or not 0 <= share <= 1:
            fail(f"{label} {item}: expected PARTY=SHARE with a share from 0 to 1")
        shares[party.strip()] = share
    return shares


# --- actuals ----------------------------------------------------------------------------------------------


@actuals_app.command("template")
def template_command(
    file: Annotated[
        Path, typer.Argument(help="Template to write: FILE.xlsx, or FILE.csv.", show_default=False)
    ],
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan", "-p", help="Fill in the keys (months, PODs, schemes) of this plan.", show_default=False
        ),
    ] = None,
    year: Annotated[
        str | None,
        typer.Option("--year", "-y", help="Financial year of the keys, e.g. 2018/19.", show_default=False),
    ] = None,
    db: Db = None,
) -> None:
    """Write an actuals template to fill in.

    An Excel template has a sheet per table (activity, spend, milestones, forecast, profile) and a README
    sheet describing every column. A CSV template is one file per table (FILE-activity.csv …), or one table
    when FILE is named after it (activity.csv). With --plan and --year the key columns are filled in and
    the values left blank: a blank value is not reported yet and is skipped on import.

    Example:

      carebridge actuals template actuals.xlsx --plan "June 2017 business cases" --year 2018/19
    """
    from carebridge.scenario.years import YearError, parse_year
    from carebridge.store.actuals_files import write_template

    if file.suffix.lower() not in (".xlsx", ".csv"):
        fail(f"{file}: expected a .xlsx or .csv file name")
    if not file.parent.exists():
        fail(f"{file}: the folder {file.parent} does not exist")
    baseline = None
    if plan is not None or year is not None:
        if plan is None or year is None:
            fail("--plan and --year go together: the keys are those of a plan's year")
        try:
            parse_year(year)
        except YearError as error:
            fail(f"--year: {error}")
        with open_store(db) as store:
            baseline = baseline_of(store, resolve_plan(store, plan))
        if year not in baseline.years:
            fail(f"--year {year} is not a year of the plan ({baseline.years[0]} to {baseline.years[-1]})")
    try:
        written = write_template(file, baseline, year)
    except OSError as error:
        fail(f"cannot write {file}: {error.strerror or error}")
    typer.echo("Wrote " + ", ".join(str(path) for path in written))


@actuals_app.command("import")
def import_command(
    files: Annotated[list[Path], typer.Argument(help="CSV or Excel files of actuals.", show_default=False)],
    plan: PlanName = None,
    db: Db = None,
) -> None:
    """Import actuals into an approved plan: each file in one transaction, all or nothing.

    Every row of every file is checked first (months, PODs, providers and schemes of the plan, numbers);
    if any is bad, every problem is listed with its file, row and column and nothing is imported. A row
    whose key (e.g. month, POD and provider) is already in the store replaces its value, and the audit log
    keeps the old and the new; importing the same file again changes nothing.

    Example:

    \b
      carebridge actuals import examples/stockport-2017/actuals/activity-2018-19-M01.csv \\
        --plan "June 2017 business cases"
    """
    from carebridge.store.plans import PlanNotFoundError
    from carebridge.usecases.delivery import ActualsFilesError, import_actuals

    with open_store(db) as store:
        name = resolve_plan(store, plan)
        try:
            imported = import_actuals(store, name, files)
        except (PlanNotFoundError, ActualsFilesError) as error:
            fail(str(error))
        for actuals, outcome in imported:
            kinds = ", ".join(f"{kind} {len(rows)}" for kind, rows in actuals.tables.items())
            if outcome.changed:
                typer.echo(
                    f"{actuals.name}: imported into '{name}' ({kinds} rows): {outcome.inserted} new, "
                    f"{outcome.updated} replaced, {outcome.unchanged} unchanged"
                )
            else:
                again = " (imported before)" if outcome.earlier_imports else ""
                typer.echo(f"{actuals.name}: nothing changed{again}; every row is already in the store")


# --- FEWS -------------------------------------------------------------------------------------------------


@fews_app.callback()
def fews_command(
    ctx: typer.Context,
    month: MonthOption = None,
    plan: PlanName = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the FEWS report (HTML and CSV).")
    ] = Path("out/delivery"),
    db: Db = None,
    spc_screen: SpcScreen = False,
    spc_rebase: SpcRebase = None,
    spc_baseline: SpcBaseline = None,
) -> None:
    """Print the early warning status of a month and write its report.

    Three indicator sets, year to date: mobilisation (milestones done ÷ due), activity deflection (actual
    ÷ planned, by POD) and benefits realisation (realised ÷ planned savings, by scheme), each green, amber
    or red by the plan's thresholds; a fourth, neighbourhood case management (emergency admissions the
    enrolled cohort avoided ÷ planned, by neighbourhood), when the store holds utilisation (carebridge
    neighbourhoods import); the forecast programme loss max(I − B, 0) and whether it triggers
    intervention; the benefits-maximisation actions; SPC signals on monthly activity.

    Example:

      carebridge fews --month 2018/19-M06

      carebridge fews --month 2018/19-M10 --spc-rebase 2018/19-M04 --spc-screen
    """
    if ctx.invoked_subcommand is not None:
        return
    from carebridge.cli.console import terminal
    from carebridge.report.delivery import write_fews
    from carebridge.report.delivery_terminal import print_fews

    with open_store(db) as store:
        status = _fews(store, plan, month, _spc_options(spc_screen, spc_rebase, spc_baseline))
    monitoring = _monitored(status)
    print_fews(monitoring, status.plan, terminal())
    try:
        written = write_fews(monitoring, status.plan, out)
    except OSError as error:
        fail(f"cannot write the FEWS report into {out}: {error.strerror or error}")
    typer.echo("Wrote " + ", ".join(str(path) for path in written))


def _spc_options(screen: bool, rebase: list[str] | None, baseline: int | None) -> SpcOptions:
    """The SPC options of ``--spc-screen``, ``--spc-rebase`` and ``--spc-baseline``; a rebase month that is
    not a month is refused naming the option."""
    from carebridge.delivery.months import Month, MonthError
    from carebridge.delivery.spc import SpcOptions

    months = []
    for text in rebase or []:
        try:
            months.append(Month.parse(text).label)
        except MonthError as error:
            fail(f"--spc-rebase: {error}")
    return SpcOptions(screen_outliers=screen, rebase=tuple(months), baseline=baseline)


def _fews(store: Store, plan: str | None, month: str | None, spc: SpcOptions | None = None) -> Fews:
    """The FEWS of the plan in ``month``, every refusal as the options name it."""
    from carebridge.delivery.months import MonthError
    from carebridge.delivery.trajectory import ProfileError
    from carebridge.usecases.delivery import fews
    from carebridge.usecases.errors import MonthOutsidePlanError

    name = resolve_plan(store, plan)
    try:
        return fews(store, name, month, spc)
    except MonthError as error:
        fail(f"--month: {error}")
    except MonthOutsidePlanError as error:
        fail(f"--month {error}")
    except ProfileError as error:
        fail(f"profile: {error}")


def _monitored(status: Fews) -> Monitoring:
    if status.monitoring is None:
        fail(
            f"plan '{status.plan}' has no activity actuals yet; "
            "import some with: carebridge actuals import FILE"
        )
    return status.monitoring


@fews_app.command("settings")
def settings_command(
    plan: PlanName = None,
    mobilisation: Annotated[
        str | None,
        typer.Option(help="AMBER,RED ratios of milestones done to due, e.g. 0.9,0.75.", show_default=False),
    ] = None,
    activity: Annotated[
        str | None, typer.Option(help="AMBER,RED ratios of actual to planned deflection.", show_default=False)
    ] = None,
    benefits: Annotated[
        str | None, typer.Option(help="AMBER,RED ratios of realised to planned savings.", show_default=False)
    ] = None,
    loss_threshold: Annotated[
        float | None,
        typer.Option(
            "--loss-threshold",
            help="Forecast loss (£'000 a year) that triggers intervention.",
            show_default=False,
        ),
    ] = None,
    basis: Annotated[
        str | None, typer.Option(help="Savings compared: tariff or cost.", show_default=False)
    ] = None,
    db: Db = None,
) -> None:
    """Show or change the plan's FEWS settings: thresholds, the loss that triggers, the basis.

    A ratio of achieved to planned below AMBER is amber and below RED is red. The change is written to
    the audit log.

    Example:

      carebridge fews settings --basis cost --loss-threshold 500 --activity 0.95,0.85
    """
    from dataclasses import replace

    from carebridge.delivery.fews import Thresholds
    from carebridge.usecases.delivery import change_fews_settings, fews_settings

    with open_store(db) as store:
        name = resolve_plan(store, plan)
        settings = fews_settings(store, name)
        changes: dict[str, object] = {}
        for label, value in (("mobilisation", mobilisation), ("activity", activity), ("benefits", benefits)):
            if value is not None:
                changes[label] = _thresholds(f"--{label}", value, Thresholds)
        if loss_threshold is not None:
            if not loss_threshold >= 0:
                fail(f"--loss-threshold {loss_threshold:g}: expected £'000, zero or more")
            changes["loss_threshold"] = loss_threshold
        if basis is not None:
            if basis not in ("tariff", "cost"):
                fail(f"--basis {basis}: expected tariff or cost")
            changes["basis"] = basis
        if changes:
            settings = change_fews_settings(store, name, replace(settings, **changes))  # type: ignore[arg-type]
    typer.echo(f"FEWS settings of '{name}':")
    for label in ("mobilisation", "activity", "benefits"):
        thresholds = settings.thresholds(label)  # type: ignore[arg-type]
        typer.echo(f"  {label}: amber below {thresholds.amber:g}, red below {thresholds.red:g}")
    typer.echo(
        f"  trigger: forecast loss above {settings.loss_threshold:,.0f} (£'000); {settings.basis} basis"
    )


def _thresholds(label: str, value: str, kind: type) -> object:
    try:
        amber, red = (float(part) for part in value.split(","))
        return kind(amber, red)
    except ValueError as error:
        detail = str(error) if "thresholds" in str(error) else "expected AMBER,RED, e.g. 0.95,0.85"
        fail(f"{label} {value}: {detail}")


@fews_app.command("action")
def action_command(
    description: Annotated[str, typer.Argument(help="What is done.", show_default=False)],
    amount: Annotated[float, typer.Option("--amount", "-a", help="Loss it is expected to recover, £'000.")],
    owner: Annotated[str, typer.Option("--owner", help="Organisation or person responsible.")],
    month: Annotated[str, typer.Option("--month", "-m", help="Month it is recorded in, YYYY/YY-Mnn.")],
    category: Annotated[
        str,
        typer.Option(
            help="management_action, defer_investment, change_scope, access_criteria, funding or other."
        ),
    ] = "management_action",
    status: Annotated[str, typer.Option(help="proposed, agreed, done or dropped.")] = "agreed",
    scheme: Annotated[str | None, typer.Option(help="Scheme it acts on.", show_default=False)] = None,
    plan: PlanName = None,
    db: Db = None,
) -> None:
    """Record a benefits-maximisation action (seed section 6, step 2). Agreed and done actions reduce the
    forecast loss to the residual loss that the risk share allocates.

    Example:

      carebridge fews action "Defer outpatient investment" --amount 400 --owner sft --month 2018/19-M09
    """
    from carebridge.delivery.fews import ACTION_CATEGORIES, ACTION_STATUSES, Action
    from carebridge.delivery.months import Month, MonthError
    from carebridge.scenario.errors import did_you_mean
    from carebridge.usecases.delivery import record_action

    try:
        Month.parse(month)
    except MonthError as error:
        fail(f"--month: {error}")
    if category not in ACTION_CATEGORIES:
        fail(
            f"--category {category}: expected one of {', '.join(ACTION_CATEGORIES)}"
            + did_you_mean(category, ACTION_CATEGORIES)
        )
    if status not in ACTION_STATUSES:
        fail(
            f"--status {status}: expected one of {', '.join(ACTION_STATUSES)}"
            + did_you_mean(status, ACTION_STATUSES)
        )
    if not amount >= 0:
        fail(f"--amount {amount:g}: expected £'000, zero or more")
    with open_store(db) as store:
        name = resolve_plan(store, plan)
        if scheme is not None:
            schemes = baseline_of(store, name).scheme_ids
            if scheme not in schemes:
                fail(f"--scheme {scheme}: not a scheme of the plan; expected one of {', '.join(schemes)}")
        number = record_action(
            store, name, Action(month, category, description, owner, amount, status, scheme)
        )
    typer.echo(f"Recorded action {number} in '{name}': {description} ({amount:,.0f} £'000, {status})")


# --- report -----------------------------------------------------------------------------------------------


@report_app.command("delivery")
def delivery_command(
    month: MonthOption = None,
    plan: PlanName = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the pack.")] = Path("out/delivery"),
    db: Db = None,
    spc_screen: SpcScreen = False,
    spc_rebase: SpcRebase = None,
    spc_baseline: SpcBaseline = None,
) -> None:
    """Write the programme board's delivery pack: one self-contained HTML page and one Excel workbook.

    FEWS status, trajectories against actuals with SPC limits, savings realised by scheme, POD, provider
    and organisation, the forecast outturn, the benefits-maximisation actions, the targets against their
    trajectories (alerts, escalations), the risks in the store (heat maps before and after mitigation,
    reviews overdue at the end of the month), the risk and gain share settlement of the forecast and the
    pooled budgets with a budget in the month's year (carebridge pools) and the efficiency programmes of the
    month's year (carebridge efficiency), against the plan's do-something.

    Example:

      carebridge report delivery --month 2018/19-M06 --out out/delivery
    """
    from carebridge.report.delivery import write_delivery_pack
    from carebridge.usecases.delivery import delivery_pack
    from carebridge.usecases.efficiency import efficiency_for_pack
    from carebridge.usecases.pools import pools_for_pack
    from carebridge.usecases.programme import pack_tables

    with open_store(db) as store:
        status = _fews(store, plan, month, _spc_options(spc_screen, spc_rebase, spc_baseline))
        pack = delivery_pack(store, status.plan, _monitored(status))
        programme = pack_tables(store, pack.fews.month.label)
        pools = pools_for_pack(store, pack.fews.month)
        efficiency = efficiency_for_pack(store, pack.fews.month, status.plan)
    try:
        written = write_delivery_pack(
            pack.fews,
            status.plan,
            pack.risks,
            pack.parties,
            out,
            pack.registers,
            programme=programme,
            pools=pools,
            outcomes=pack.outcomes,
            efficiency=efficiency,
        )
    except OSError as error:
        fail(f"cannot write the delivery pack into {out}: {error.strerror or error}")
    typer.echo("Wrote " + ", ".join(str(path) for path in written))
