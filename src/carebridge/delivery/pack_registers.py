"""The target and risk registers in the delivery pack: the targets against their trajectories, the alerts
and escalations, the heat maps before and after mitigation (as accessible HTML, and as tables for the
workbook) and the overdue reviews, from a :class:`~carebridge.delivery.register_status.RegisterView`."""

from __future__ import annotations

from carebridge.delivery import risks as rk
from carebridge.delivery.months import Month
from carebridge.delivery.pack import Cell, PackColumn, PackTable
from carebridge.delivery.register_status import RegisterView
from carebridge.delivery.spc import ASSURANCE_TEXT, VARIATION_TEXT


def month_name(label: str) -> str:
    """A financial month as a board reads it: ``Sep 2018`` for ``2018/19-M06`` (as given when it is not
    a month)."""
    try:
        return Month.parse(label).calendar_name
    except ValueError:
        return label


def value(number: float | None) -> str:
    """A value in a target's unit to one decimal place, as the national returns publish them (``87.9``);
    blank when missing."""
    return "" if number is None else f"{number:,.1f}".replace("-0.0", "0.0")


def targets_table(view: RegisterView) -> PackTable:
    rows: list[list[Cell]] = [
        [
            status.target.name,
            status.target.scope,
            status.target.accountable_board,
            status.month.calendar_name if status.month else "",
            value(status.planned),
            value(status.actual),
            value(status.shortfall),
            status.months_off,
            status.rag,
            status.state,
            f"{status.target.target:g}{status.target.unit} by {month_name(status.target.target_month)}",
            VARIATION_TEXT[status.spc.variation] if status.spc else "",
            ASSURANCE_TEXT[status.spc.assurance] if status.spc and status.spc.assurance else "",
        ]
        for status in view.statuses
    ]
    return PackTable(
        "targets",
        f"Targets against their trajectories, as at {view.month.calendar_name} ({view.month.label})",
        "Each target's latest actual up to the month against its trajectory, in the target's unit; "
        "shortfall: how far worse than planned (negative: better); red: an alert (months off trajectory "
        "in a row, or a severe shortfall), amber: off trajectory, green: on trajectory; SPC: Making Data "
        "Count's variation of the latest month and assurance against the target value (4 months or more)",
        (
            PackColumn("Target"),
            PackColumn("Scope"),
            PackColumn("Accountable board"),
            PackColumn("Month"),
            PackColumn("Planned"),
            PackColumn("Actual"),
            PackColumn("Shortfall"),
            PackColumn("Months off", "count"),
            PackColumn("RAG", "status"),
            PackColumn("Status"),
            PackColumn("Target value"),
            PackColumn("SPC variation", "variation"),
            PackColumn("SPC assurance", "assurance"),
        ),
        rows,
        sheet="Targets",
        note="" if rows else "No targets are recorded in the store.",
    )


def alerts_table(view: RegisterView) -> PackTable:
    names = {status.target.id: status.target for status in view.statuses}
    rows: list[list[Cell]] = [
        [names[a.target_id].name, a.month.calendar_name, names[a.target_id].accountable_board, a.reason]
        for a in view.alerts
    ]
    return PackTable(
        "target-alerts",
        "Alerts: targets off trajectory",
        "For the alert report to the executive; each is escalated to the target's accountable board with a "
        "root cause analysis (carebridge targets escalate)",
        (PackColumn("Target"), PackColumn("Month"), PackColumn("Escalate to"), PackColumn("Why")),
        rows,
        sheet="Target alerts",
        note="" if rows else "No target is off trajectory enough to raise an alert.",
    )


def escalations_table(view: RegisterView) -> PackTable:
    rows: list[list[Cell]] = [
        [
            e.target,
            month_name(e.month),
            e.board,
            e.reason,
            e.root_cause or "",
            "; ".join(e.actions),
            e.status,
            f"{e.raised_at:%Y-%m-%d} {e.raised_by}",
        ]
        for e in view.escalations
    ]
    return PackTable(
        "target-escalations",
        "Escalations to accountable boards",
        "Every escalation recorded, oldest first",
        (
            PackColumn("Target"),
            PackColumn("Month"),
            PackColumn("Board"),
            PackColumn("Reason"),
            PackColumn("Root cause"),
            PackColumn("Actions"),
            PackColumn("Status"),
            PackColumn("Raised"),
        ),
        rows,
        sheet="Escalations",
        note="" if rows else "No escalations are recorded.",
    )


def heat_map_table(view: RegisterView, stage: rk.Stage) -> PackTable:
    """The 5 × 5 counts as a table (likelihood 5 at the top), for the workbook."""
    counts = rk.heat_map(view.risks, stage)
    rows: list[list[Cell]] = [
        [f"Likelihood {likelihood}", *(counts.count(likelihood, impact) for impact in rk.SCORES)]
        for likelihood in reversed(rk.SCORES)
    ]
    words = "before" if stage == "before" else "after"
    return PackTable(
        f"heat-map-{words}",
        f"Risk heat map {words} mitigation",
        "Number of risks in each cell of the 5 × 5 matrix; rating = likelihood × impact",
        (PackColumn("Likelihood"), *(PackColumn(f"Impact {impact}", "count") for impact in rk.SCORES)),
        rows,
        sheet=f"Heat map {words}",
    )


def overdue_table(view: RegisterView) -> PackTable:
    rows: list[list[Cell]] = [
        [
            risk.id,
            risk.title,
            risk.owner,
            f"{risk.review_date:%d %b %Y}",
            (view.review_day - risk.review_date).days,
        ]
        for risk in view.overdue
        if risk.review_date is not None
    ]
    return PackTable(
        "risk-reviews-overdue",
        f"Risk reviews overdue at {view.review_day:%d %B %Y}",
        "Risks whose review date is before the last day of the month reported",
        (
            PackColumn("Risk"),
            PackColumn("Title"),
            PackColumn("Owner"),
            PackColumn("Review due"),
            PackColumn("Days overdue", "count"),
        ),
        rows,
        sheet="Risk reviews overdue",
        note="" if rows else "No risk review is overdue.",
    )
