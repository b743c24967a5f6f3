"""The target and risk registers: ``carebridge targets`` (load, actuals, status, escalate, reset) and
``carebridge risks`` (load, list, heatmap, review).

Every command works on the store named by ``--db`` or ``CAREBRIDGE_DB``. Changes are audited under the name
given with ``--by`` (else ``CAREBRIDGE_USER`` or the login name).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from carebridge.cli.app import app, echo_import, fail
from carebridge.cli.delivery import Db, open_store

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterator, Sequence

    from pydantic import BaseModel
    from rich.table import Table

    from carebridge.delivery.months import Month
    from carebridge.delivery.register_status import TargetStatus
    from carebridge.delivery.risks import HeatMap, Risk, Stage
    from carebridge.delivery.spc import XmrChart
    from carebridge.scenario.errors import InputError, Problem
    from carebridge.scenario.source_map import SourceMap
    from carebridge.store import Store
    from carebridge.store.registers import LoadOutcome, RegisterError

ModelT = TypeVar("ModelT", bound="BaseModel")

targets_app = typer.Typer(
    help="The target register: national and local targets, their monthly trajectories and actuals, alerts "
    "when off trajectory, escalations, and re-sets approved by the accountable board.\n\n"
    "Example:\n\n  carebridge targets load examples/delivery/targets.yaml",
    no_args_is_help=True,
)
risks_app = typer.Typer(
    help="The risk register: likelihood and impact 1–5 before and after mitigation, the heat map, reviews."
    "\n\nExample:\n\n  carebridge risks load examples/delivery/risks.yaml",
    no_args_is_help=True,
)
app.add_typer(targets_app, name="targets")
app.add_typer(risks_app, name="risks")

By = Annotated[str, typer.Option("--by", help="Who makes the change (written to the audit log).")]
RiskPlan = Annotated[
    str | None,
    typer.Option(
        "--plan", "-p", help="The approved plan the risks belong to [default: no plan].", show_default=False
    ),
]


NO_TARGETS = "the store has no targets yet; load a register first: carebridge targets load FILE.yaml"

# --- shared -----------------------------------------------------------------------------------------------


def _store(db: str | None, by: str | None = None) -> Store:
    """The store, its changes audited under ``by`` when given."""
    if by is not None and not by.strip():
        fail("--by: give the name of who makes the change")
    store = open_store(db)
    if by is not None:
        store.actor = by.strip()
    return store


def _month(label: str, option: str) -> Month:
    from carebridge.delivery.months import Month, MonthError

    try:
        return Month.parse(label)
    except MonthError as error:
        fail(f"{option}: {error}")


def _refused(error: RegisterError, options: dict[tuple[str, ...], str] | None = None) -> str:
    """The problems of ``error``, each named by the option it is about."""
    lines = []
    for problem in error.problems:
        option = (options or {}).get(tuple(str(part) for part in problem.path))
        lines.append(f"{option}: {problem.message}" if option else str(problem))
    return "\n".join(lines)


def _problems(file: Path, problems: Sequence[Problem], verb: str) -> str:
    count = len(problems)
    head = f"{count} problem{'s' if count != 1 else ''} in {file}; nothing was {verb}:"
    return "\n".join([head, *(f"  - {problem}" for problem in problems)])


def _plan_id(store: Store, plan: str | None) -> int | None:
    from carebridge.cli.delivery import resolve_plan
    from carebridge.store.plans import plan_id

    return None if plan is None else plan_id(store, resolve_plan(store, plan))


def _outcome(kind: str, outcome: LoadOutcome) -> Iterator[str]:
    parts = [
        f"{len(outcome.added)} added",
        f"{len(outcome.changed)} changed",
        f"{len(outcome.unchanged)} unchanged",
    ]
    yield f"{kind}: " + ", ".join(parts) + ("" if outcome.added or outcome.changed else "; nothing changed")
    if outcome.kept:
        yield f"  kept, not in the file: {', '.join(outcome.kept)}"
    yield from (f"  note: {note}" for note in outcome.notes)


# --- targets ----------------------------------------------------------------------------------------------


def _read_register(
    file: Path, model: type[ModelT], what: type[InputError], check: Callable[[ModelT], list[Problem]]
) -> tuple[ModelT, SourceMap]:
    """The register in ``file`` and where its parts are; every problem at once (exit 2) when it has any."""
    from carebridge.scenario.errors import InputError
    from carebridge.scenario.loader import load_model

    try:
        return load_model(file, model, what, check)
    except InputError as error:
        fail(_problems(file, error.problems, "loaded"))


@targets_app.command("load")
def targets_load_command(
    file: Annotated[Path, typer.Argument(help="Target register (YAML).", show_default=False)],
    db: Db = None,
) -> None:
    """Load a target register: each target's scope (national or local), unit, baseline, target value and
    month, owner, accountable board, alert rule and trajectory.

    New targets are added; changed fields are changed (old and new in the audit log); the trajectory of a
    target already stored only changes through an approved re-set (carebridge targets reset).

    Example:

      carebridge targets load examples/delivery/targets.yaml
    """
    from carebridge.delivery.targets import TargetRegister, register_problems
    from carebridge.scenario.errors import TargetRegisterError
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.registers import load_targets

    register, source = _read_register(file, TargetRegister, TargetRegisterError, register_problems)
    with _store(db) as store:
        try:
            outcome = load_targets(store, register, str(file))
        except RegisterError as error:
            fail(_problems(file, source.locate(error.problems), "loaded"))
    for line in _outcome(f"{file}: targets", outcome):
        typer.echo(line)


@targets_app.command("actuals")
def targets_actuals_command(
    file: Annotated[Path, typer.Argument(help="CSV file: target,month,value.", show_default=False)],
    db: Db = None,
) -> None:
    """Import monthly actuals of targets, all or nothing.

    The CSV file has a header target,month,value: the target's id, a month YYYY/YY-Mnn (M01 is April) and
    the value in the target's unit; a blank value is not reported yet. Every bad row is listed with its row
    and column and nothing is imported. A value already stored is replaced (old and new in the audit log);
    importing the same file again changes nothing.

    Example:

      carebridge targets actuals examples/delivery/target-actuals-2017-18.csv
    """
    from carebridge.delivery.target_actuals import TargetActualsError
    from carebridge.usecases.errors import NoTargetsError
    from carebridge.usecases.registers import import_target_actuals

    with _store(db) as store:
        try:
            outcome = import_target_actuals(store, file)
        except NoTargetsError:
            fail(NO_TARGETS)
        except TargetActualsError as error:
            fail(str(error))
    echo_import(file, outcome)


@targets_app.command("status")
def targets_status_command(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            "-m",
            help="Month, YYYY/YY-Mnn [default: the latest month with an actual].",
            show_default=False,
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Print each target against its trajectory in a month, and the alerts of the targets off trajectory.

    A target is off trajectory when its latest actual is worse than planned by more than its tolerance; an
    alert is raised after its rule's number of months in a row off trajectory, or at once for a severe
    shortfall. Escalate an alert with carebridge targets escalate.

    Example:

      carebridge targets status --month 2017/18-M03
    """
    from carebridge.cli.console import terminal
    from carebridge.delivery.months import MonthError
    from carebridge.usecases.registers import status_of_targets

    with _store(db) as store:
        try:
            found = status_of_targets(store, month)
        except MonthError as error:
            fail(f"--month: {error}")
    if not found.count:
        fail(NO_TARGETS)
    if found.month is None:
        typer.echo("No target actuals yet; import some with: carebridge targets actuals FILE.csv")
        return
    statuses = [row.status for row in found.rows]
    escalated = {(e.target, e.month) for row in found.rows for e in row.escalations}
    terminal().print(_status_table(statuses, found.month))
    _print_alerts(statuses, escalated)


def _status_table(statuses: Sequence[TargetStatus], as_at: Month) -> Table:
    from rich.table import Table

    from carebridge.delivery.register_status import number

    table = Table(title=f"Targets as at {as_at.label} ({as_at.calendar_name})", title_justify="left")
    columns = ("target", "board", "month", "planned", "actual", "shortfall", "status", "target value")
    for column in (*columns, "variation", "assurance"):
        justify = "right" if column in ("planned", "actual", "shortfall") else "left"
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    styles = {"red": "bold red", "amber": "yellow", "green": "green", "none": "dim"}
    for status in statuses:
        target = status.target
        state = status.state.upper() if status.state == "alert" else status.state
        if status.months_off > 1:
            state += f" ({status.months_off} months)"
        table.add_row(
            target.name,
            target.accountable_board,
            status.month.calendar_name if status.month else "",
            number(status.planned),
            number(status.actual),
            number(status.shortfall),
            f"[{styles[status.rag]}]{state}[/]",
            f"{target.target:g}{target.unit} by {target.target_month}",
            *_spc_words(status.spc),
        )
    return table


def _spc_words(chart: XmrChart | None) -> tuple[str, str]:
    """Making Data Count's variation and assurance of a target's XmR chart, in words (blank with under four
    actuals, or no target to assure against)."""
    from carebridge.delivery.spc import ASSURANCE_TEXT, VARIATION_TEXT

    if chart is None:
        return "", ""
    return VARIATION_TEXT[chart.variation], ASSURANCE_TEXT[chart.assurance] if chart.assurance else ""


def _print_alerts(statuses: Sequence[TargetStatus], escalated: set[tuple[str, str]]) -> None:
    alerts = [status.alert for status in statuses if status.alert is not None]
    boards = {status.target.id: status.target.accountable_board for status in statuses}
    if not alerts:
        typer.echo("No alerts: no target is off trajectory enough to raise one.")
        return
    typer.echo(f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}:")
    for alert in alerts:
        typer.echo(f"  ALERT {alert.target_id} {alert.month}: {alert.reason}")
        if (alert.target_id, alert.month.label) in escalated:
            typer.echo(f"    escalated to {boards[alert.target_id]}")
        else:
            typer.echo(
                f"    escalate to {boards[alert.target_id]}: carebridge targets escalate {alert.target_id} "
                f'--month {alert.month} --by NAME --root-cause "…" --action "…"'
            )


@targets_app.command("escalate")
def targets_escalate_command(
    target: Annotated[str, typer.Argument(help="Id of the target.", show_default=False)],
    month: Annotated[str, typer.Option("--month", "-m", help="Month off trajectory, YYYY/YY-Mnn.")],
    by: By,
    root_cause: Annotated[str, typer.Option("--root-cause", help="The root cause analysis, in a sentence.")],
    action: Annotated[list[str], typer.Option("--action", help="What is being done (repeat for several).")],
    db: Db = None,
) -> None:
    """Escalate a target off trajectory to its accountable board, with its root cause and actions.

    The month must have an actual worse than the trajectory by more than the target's tolerance. The record
    (target, month, board, reason, root cause, actions, who and when) is kept and shown in the delivery pack;
    the same escalation again changes nothing.

    Example:

    \b
      carebridge targets escalate ae_4_hours_stockport --month 2017/18-M03 --by "J. Smith" \\
        --root-cause "Delayed discharges fill the beds" --action "Discharge to assess from July"
    """
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.registers import escalate

    as_at = _month(month, "--month")
    if not root_cause.strip():
        fail(
            '--root-cause: give the root cause analysis, e.g. --root-cause "Delayed discharges fill the beds"'
        )
    actions = [text.strip() for text in action if text.strip()]
    if not actions:
        fail('--action: say what is being done, e.g. --action "Discharge to assess from July"')
    with _store(db, by) as store:
        try:
            outcome = escalate(store, target, as_at, root_cause.strip(), actions)
        except RegisterError as error:
            fail(_refused(error))
    record = outcome.record
    if outcome.created:
        typer.echo(f"Escalated {target} ({record.month}) to {record.board}: {record.reason}")
    else:
        typer.echo(f"{target} ({record.month}) was already escalated to {record.board}; nothing changed")


RESET_OPTIONS = {
    ("approval",): "--board",
    ("approval", "board"): "--board",
    ("reason",): "--reason",
    ("effective_from",): "--from",
    ("new_target_month",): "--to",
}


@targets_app.command("reset")
def targets_reset_command(
    target: Annotated[str, typer.Argument(help="Id of the target.", show_default=False)],
    start: Annotated[str, typer.Option("--from", help="First month of the new trajectory, YYYY/YY-Mnn.")],
    value: Annotated[float, typer.Option("--value", help="The new target value, in the target's unit.")],
    by: By,
    reason: Annotated[str, typer.Option("--reason", help="Why the trajectory is re-set.")],
    board: Annotated[
        str | None,
        typer.Option(
            "--board", help="The board approving: the target's accountable board.", show_default=False
        ),
    ] = None,
    minute: Annotated[
        str | None,
        typer.Option(
            "--minute", help="The minute or decision reference of the approval.", show_default=False
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(
            "--to", help="Month the new value is reached [default: the target's month].", show_default=False
        ),
    ] = None,
    db: Db = None,
) -> None:
    """Re-set a target's trajectory from a month, with the approval of its accountable board.

    Months before --from keep their planned values; from it the trajectory runs straight from the value it
    had that month to --value in --to. Without --board naming the target's accountable board, and the
    minute of its decision, the re-set is refused. The new trajectory is a new revision; the audit log
    keeps the approval and the old and new value of every month that changed.

    Example:

    \b
      carebridge targets reset ae_4_hours_stockport --from 2017/18-M07 --value 92 --by "J. Smith" \\
        --board "Stockport A&E Delivery Board" --minute "ADB/2017/41" --reason "Winter bed closures"
    """
    import datetime as dt

    from carebridge.delivery.targets import Approval
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.registers import reset_trajectory

    effective_from = _month(start, "--from")
    new_target_month = _month(end, "--to") if end is not None else None
    approval = None
    if board is not None:
        if not (minute or "").strip():
            fail("--minute: give the minute or decision reference of the board's approval")
        approval = Approval(board.strip(), by.strip(), dt.date.today(), (minute or "").strip())
    with _store(db, by) as store:
        try:
            outcome = reset_trajectory(
                store,
                target,
                effective_from=effective_from,
                new_target=value,
                new_target_month=new_target_month,
                reason=reason.strip(),
                approval=approval,
            )
        except RegisterError as error:
            fail(f"the trajectory of '{target}' was not re-set:\n" + _refused(error, RESET_OPTIONS))
    if outcome.reset_id is None:
        typer.echo(f"The trajectory of {target} already runs that way; nothing changed")
        return
    changes = outcome.reset.changes
    typer.echo(
        f"Re-set the trajectory of {target} from {effective_from} (revision {outcome.from_revision} → "
        f"{outcome.to_revision}), approved by {board} (minute {minute}): {len(changes)} months changed"
    )
    for change in changes[:3]:
        typer.echo(f"  {change.month}: {_value(change.old)} → {_value(change.new)}")
    if len(changes) > 3:
        typer.echo(f"  … and {len(changes) - 3} more (all in the audit log)")


def _value(value: float | None) -> str:
    return "none" if value is None else f"{value:.4g}"


# --- risks ------------------------------------------------------------------------------------------------


@risks_app.command("load")
def risks_load_command(
    file: Annotated[Path, typer.Argument(help="Risk register (YAML).", show_default=False)],
    plan: RiskPlan = None,
    db: Db = None,
) -> None:
    """Load a risk register: each risk's description, owner, linked schemes, likelihood and impact before
    and after mitigation, mitigations and review date.

    New risks are added and changed fields changed (old and new in the audit log). Once a risk has been
    reviewed (carebridge risks review) its scores change only by review: loading again keeps them.

    Example:

      carebridge risks load examples/delivery/risks.yaml
    """
    from carebridge.cli.delivery import resolve_plan
    from carebridge.delivery.risks import RiskRegister, register_problems
    from carebridge.scenario.errors import RiskRegisterError
    from carebridge.usecases.registers import check_risk_schemes, load_risks

    register, source = _read_register(file, RiskRegister, RiskRegisterError, register_problems)
    with _store(db) as store:
        if plan is not None:
            try:
                check_risk_schemes(store, register, resolve_plan(store, plan))
            except RiskRegisterError as error:
                fail(_problems(file, source.locate(error.problems), "loaded"))
        outcome = load_risks(store, register, _plan_id(store, plan), str(file))
    for line in _outcome(f"{file}: risks", outcome):
        typer.echo(line)


@risks_app.command("list")
def risks_list_command(
    plan: Annotated[
        str | None,
        typer.Option("--plan", "-p", help="Only the risks of this plan and of no plan.", show_default=False),
    ] = None,
    db: Db = None,
) -> None:
    """List the risks, highest rating after mitigation first, with their bands and review dates (and their
    pounds, best / likely / worst in £'000, when the register gives them).

    Example:

      carebridge risks list
    """
    import datetime as dt

    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.usecases.registers import list_risks

    with _store(db) as store:
        stored = list_risks(store, _plan_id(store, plan), every=plan is None)
    if not stored:
        typer.echo("No risks yet; load a register with: carebridge risks load FILE.yaml")
        return
    today = dt.date.today()
    table = Table(title="Risk register", title_justify="left")
    pounds = any(item.risk.financial is not None for item in stored)
    for column in ("risk", "title", "owner", "schemes", "before", "after", "review"):
        table.add_column(column)
    if pounds:  # the register's pounds, as `simulate --risks-from-store` draws them
        table.add_column("£'000 best / likely / worst", justify="right")
    for item in sorted(stored, key=lambda s: (-_rating(s.risk, "after"), s.risk.id)):
        risk = item.risk
        review = str(risk.review_date or "")
        if risk.review_date is not None and risk.review_date < today:
            review += " [red]overdue[/]"
        cells = [
            risk.id,
            risk.title,
            risk.owner,
            ", ".join(risk.schemes),
            _scored(risk, "before"),
            _scored(risk, "after"),
            review,
        ]
        if pounds:
            money = risk.financial
            cells.append(
                "" if money is None else f"{money.best:,.0f} / {money.likely:,.0f} / {money.worst:,.0f}"
            )
        table.add_row(*cells)
    terminal().print(table)


def _rating(risk: Risk, stage: Stage) -> int:
    score = risk.score(stage)
    return 0 if score is None else score.rating


def _scored(risk: Risk, stage: Stage) -> str:
    from carebridge.delivery.risks import band_of

    score = risk.score(stage)
    if score is None:
        return ""
    return f"{score.likelihood}×{score.impact} = {score.rating} {band_of(score.rating).name}"


@risks_app.command("heatmap")
def risks_heatmap_command(
    after: Annotated[
        bool, typer.Option("--after/--before", help="Scores after or before mitigation.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the heat map as a PNG here.", show_default=False)
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option("--plan", "-p", help="Only the risks of this plan and of no plan.", show_default=False),
    ] = None,
    db: Db = None,
) -> None:
    """Print the 5 × 5 counts of risks by likelihood and impact, and write the heat map as a PNG.

    Example:

      carebridge risks heatmap --after --out heatmap.png
    """
    from carebridge.delivery.risks import heat_map
    from carebridge.report.delivery_png import heat_map_png
    from carebridge.usecases.registers import list_risks

    if out is not None and out.suffix.lower() != ".png":
        fail(f"--out {out}: expected a .png file name")
    if out is not None and not out.parent.is_dir():
        fail(f"--out {out}: the folder {out.parent} does not exist")
    with _store(db) as store:
        risks = [item.risk for item in list_risks(store, _plan_id(store, plan), every=plan is None)]
    counts = heat_map(risks, "after" if after else "before")
    _print_heat_map(counts)
    if out is not None:
        try:
            out.write_bytes(heat_map_png(counts))
        except OSError as error:
            fail(f"cannot write {out}: {error.strerror or error}")
        typer.echo(f"Wrote {out}")


def _print_heat_map(counts: HeatMap) -> None:
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.delivery.risks import SCORES, band_of

    words = "before" if counts.stage == "before" else "after"
    table = Table(title=f"Risks {words} mitigation ({counts.total}): likelihood up, impact across")
    table.add_column("")
    styles = {"low": "green", "moderate": "yellow", "high": "dark_orange", "extreme": "bold red"}
    for impact in SCORES:
        table.add_column(f"impact {impact}", justify="right")
    for likelihood in reversed(SCORES):
        cells = [
            f"[{styles.get(band_of(likelihood * impact).name, '')}]{counts.count(likelihood, impact)}[/]"
            for impact in SCORES
        ]
        table.add_row(f"likelihood {likelihood}", *cells)
    terminal().print(table)


@risks_app.command("review")
def risks_review_command(
    risk: Annotated[str, typer.Argument(help="Id of the risk, e.g. R1.", show_default=False)],
    likelihood: Annotated[int, typer.Option("--likelihood", "-l", help="1 rare … 5 almost certain.")],
    impact: Annotated[int, typer.Option("--impact", "-i", help="1 negligible … 5 catastrophic.")],
    by: By,
    after: Annotated[
        bool, typer.Option("--after/--before", help="Score after or before mitigation.")
    ] = False,
    next_review: Annotated[
        str | None,
        typer.Option("--next-review", help="Date of the next review, YYYY-MM-DD.", show_default=False),
    ] = None,
    plan: RiskPlan = None,
    db: Db = None,
) -> None:
    """Review a risk: score its likelihood and impact again, before (default) or after mitigation.

    The change is written to the audit log with the old and the new score, under --by. A rating after
    mitigation above the rating before is refused.

    Example:

      carebridge risks review R3 --likelihood 2 --impact 3 --after --by "J. Smith" --next-review 2018-03-31
    """
    from carebridge.delivery.risks import RiskScore
    from carebridge.store.registers import RegisterError
    from carebridge.usecases.registers import review

    for option, score in (("--likelihood", likelihood), ("--impact", impact)):
        if not 1 <= score <= 5:
            fail(f"{option} {score}: expected a score from 1 to 5")
    review_day = _date(next_review, "--next-review") if next_review is not None else None
    stage: Stage = "after" if after else "before"
    with _store(db, by) as store:
        plan_id = _plan_id(store, plan)
        try:
            outcome = review(
                store, risk, stage, RiskScore(likelihood=likelihood, impact=impact), plan_id, review_day
            )
        except RegisterError as error:
            fail(_refused(error, {("--likelihood",): "--likelihood/--impact"}))
    old, new = outcome.old, outcome.new
    was = "none" if old is None else f"{old.likelihood}×{old.impact} = {old.rating}"
    change = (
        f"{was} → {new.likelihood}×{new.impact} = {new.rating}"
        if outcome.changed
        else f"unchanged at {new.likelihood}×{new.impact} = {new.rating}"
    )
    due = f"; next review {outcome.review_date}" if outcome.review_date else ""
    typer.echo(f"Reviewed {risk} ({stage} mitigation): {change}{due}")


def _date(text: str, option: str) -> dt.date:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{option} {text}: expected a date YYYY-MM-DD, e.g. 2018-03-31")
