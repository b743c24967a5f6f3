"""The tables of the efficiency report (``carebridge efficiency status --out``), as plain rows: each
organisation's and the system's income and expenditure and efficiency, the schemes by stage, the FEWS
efficiency set, the latest risks and mitigations, and the returns (drawn by
:mod:`carebridge.report.efficiency`)."""

from __future__ import annotations

import math

from carebridge.delivery.efficiency import STAGE_NAMES, stage_table
from carebridge.delivery.efficiency_status import EfficiencyStatus, View
from carebridge.delivery.pack import Cell, PackColumn, PackTable


def _n(value: float | None) -> Cell:
    return None if value is None or math.isnan(value) else value


def _views(status: EfficiencyStatus) -> list[View]:
    return [*status.organisations, status.system]


def position_table(status: EfficiencyStatus) -> PackTable:
    money = [
        "Plan YTD", "Actual YTD", "Variance", "Run rate", "Outturn", "Best", "Likely", "Worst",
        "Do-something", "Likely − plan",
    ]  # fmt: skip
    rows: list[list[Cell]] = [
        [v.label, v.months_reported, _n(v.plan_ytd), _n(v.actual_ytd), _n(v.variance_ytd), _n(v.run_rate),
         _n(v.forecast), _n(v.best), _n(v.likely), _n(v.worst), _n(v.do_something),
         _n(v.against_do_something(v.likely))]
        for v in _views(status)
    ]  # fmt: skip
    return PackTable(
        "efficiency-position",
        "Income and expenditure by organisation and for the system",
        "Position = expenditure − income (a deficit positive); outturn: the latest return's forecast; the "
        "cases: the outturn (else the run rate) plus the latest risks less mitigations; likely − plan: the "
        "likely case less the plan's do-something (above zero, worse than the plan)",
        (PackColumn("Organisation"), PackColumn("Months", "count"), *(PackColumn(m, "money") for m in money)),
        rows,
        note=status.basis,
        sheet="Position",
    )


def efficiency_table(status: EfficiencyStatus) -> PackTable:
    """The plan lines, identified and not, and the year to date; the upper range only when a line has one."""
    views = _views(status)
    ranged = any(v.upper is not None for v in views)
    rows: list[list[Cell]] = [
        [v.label, _n(v.line), *([_n(v.upper)] if ranged else []), _n(v.identified), _n(v.unidentified),
         _n(v.risk_adjusted), _n(v.planned_ytd), _n(v.delivered_ytd), _n(v.recurrent_ytd),
         _n(v.non_recurrent_ytd), _n(v.delivery), _n(v.efficiency_forecast)]
        for v in views
    ]  # fmt: skip
    money = ["Plan line", *(["Upper range"] if ranged else []), "Identified", "Unidentified", "Risk-adjusted",
             "Plan YTD", "Delivered", "Recurrent", "Non-recurrent"]  # fmt: skip
    return PackTable(
        "efficiency-delivery",
        "Efficiency delivered against the phased plan",
        "£'000 saved; unidentified = the plan line less the identified schemes; plan YTD: the phased plan to "
        "the month; delivered (recurrent and not): to the month; delivery = delivered ÷ plan YTD; forecast = "
        "delivery × plan line",
        (
            PackColumn("Organisation"),
            *(PackColumn(m, "money") for m in money),
            PackColumn("Delivery", "ratio"),
            PackColumn("Forecast", "money"),
        ),
        rows,
        sheet="Efficiency",
    )


def stage_pack_table(status: EfficiencyStatus) -> PackTable:
    programme = status.programme
    rows: list[list[Cell]] = [
        [STAGE_NAMES[stage], programme.weight(stage), annual, adjusted]
        for stage, annual, adjusted in stage_table(programme, None)
    ]
    return PackTable(
        "efficiency-stages",
        "Schemes by stage of maturity",
        "Each stage's schemes a year and their value weighted by the stage",
        (
            PackColumn("Stage"),
            PackColumn("Weight", "ratio"),
            PackColumn("Schemes", "money"),
            PackColumn("Risk-adjusted", "money"),
        ),
        rows,
        sheet="Stages",
    )


def indicator_pack_table(status: EfficiencyStatus) -> PackTable:
    rows: list[list[Cell]] = [
        [i.label, _n(i.planned), _n(i.achieved), _n(i.ratio), i.status, i.note] for i in status.indicators
    ]
    return PackTable(
        "efficiency-fews",
        "FEWS efficiency set",
        "Delivery against the phased plan (below the thresholds amber, red); the unidentified gap and the "
        "non-recurrent share (above them)",
        (
            PackColumn("Indicator"),
            PackColumn("Of", "money"),
            PackColumn("Found", "money"),
            PackColumn("Ratio", "ratio"),
            PackColumn("Status", "status"),
            PackColumn("Note"),
        ),
        rows,
        sheet="FEWS",
    )


def risk_pack_table(status: EfficiencyStatus) -> PackTable:
    name = status.programme.organisation_name
    rows: list[list[Cell]] = [
        [name(r.organisation), r.description or r.item, r.kind, r.best, r.likely, r.worst]
        for r in status.risks
    ]
    return PackTable(
        "efficiency-risks",
        "Risks and mitigations of the latest returns",
        "£'000; a risk adds to the position, a mitigation takes from it",
        (
            PackColumn("Organisation"),
            PackColumn("Risk or mitigation"),
            PackColumn("Kind"),
            PackColumn("Best", "money"),
            PackColumn("Likely", "money"),
            PackColumn("Worst", "money"),
        ),
        rows,
        sheet="Risks",
    )


def returns_pack_table(status: EfficiencyStatus) -> PackTable:
    name = status.programme.organisation_name
    ordered = sorted(status.returns, key=lambda f: (f.month, name(f.organisation)))
    rows: list[list[Cell]] = [
        [name(f.organisation), f.month.label, f.due.isoformat(), f.submitted.isoformat(), f.days_late]
        for f in ordered
    ]
    return PackTable(
        "efficiency-returns",
        "Monthly returns",
        f"Due on working day {status.programme.due_working_day} after each month's end (English bank "
        "holidays excluded)",
        (
            PackColumn("Organisation"),
            PackColumn("Month"),
            PackColumn("Due"),
            PackColumn("Submitted"),
            PackColumn("Days late", "count"),
        ),
        rows,
        sheet="Returns",
    )


def efficiency_tables(status: EfficiencyStatus) -> list[PackTable]:
    return [
        indicator_pack_table(status),
        position_table(status),
        efficiency_table(status),
        stage_pack_table(status),
        risk_pack_table(status),
        returns_pack_table(status),
    ]
