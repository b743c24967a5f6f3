"""The tables of a pooled budget as at a month, drawn the same in the terminal, the web app and the delivery
pack: the move from the gross to the affordability basis, the pool's position (plan and spend to date, the
forecast outturn and its variance on both bases), each partner's share of the forecast over- or
underspend, spend by service area and by month. Names are the pool file's words (partners, service areas).
"""

from __future__ import annotations

from carebridge.delivery.pools import PoolStatus
from carebridge.report.numbers import MONEY
from carebridge.report.table import Column, FormattedTable, Row, total


def _title(status: PoolStatus, what: str) -> str:
    return f"{status.pool.name}: {what}, {status.month.label}"


def affordability_table(status: PoolStatus) -> FormattedTable:
    """Each partner's gross contribution, its QIPP and its affordability contribution (seed 003 §5.4)."""
    rows = [Row(row.name, (row.gross, -row.qipp, row.affordability)) for row in status.affordability.rows]
    return FormattedTable(
        id="pool_affordability",
        title=_title(status, f"contributions {status.year}, gross to affordability"),
        short_title="Gross to affordability",
        unit=MONEY,
        columns=(Column("Gross"), Column("QIPP"), Column("Affordability")),
        rows=(*rows, total("Pool", rows, 3)),
        label_header="Partner",
        note="Affordability = gross less QIPP (the savings target on the pooled services).",
    )


def position_table(status: PoolStatus) -> FormattedTable:
    """The pool's position as at the month, on the affordability basis, and the gross forecast variance."""
    variance, gross = status.variance, status.gross_variance
    rows = (
        Row("Budget, gross", (gross.budget,)),
        Row("Budget, affordability", (variance.budget,)),
        Row("Plan to date", (status.plan_ytd,)),
        Row("Spend to date", (status.actual_ytd,)),
        Row("Variance to date (spend − plan)", (status.ytd_variance,), "total"),
        Row("Forecast outturn", (status.forecast,)),
        Row("Forecast variance, affordability basis", (variance.variance,), "total"),
        Row("Forecast variance, gross basis", (gross.variance,)),
    )
    missing = (
        f" No spend imported for {', '.join(m.label for m in status.missing)} (counted as nothing)."
        if status.missing
        else ""
    )
    return FormattedTable(
        id="pool_position",
        title=_title(status, "spend against the pool"),
        short_title="Spend against the pool",
        unit=MONEY,
        columns=(Column(status.month.label),),
        rows=rows,
        label_header="",
        note=(
            f"{status.elapsed:.1%} of the year's budget is planned by the month; forecast = spend to date ÷ "
            f"that share. An overspend positive, an underspend in brackets.{missing}"
        ),
    )


def risk_share_table(status: PoolStatus) -> FormattedTable:
    """Each partner's share of the forecast variance on the affordability basis, under the risk share."""
    variance = status.variance
    names = {c.partner: c.name for c in status.pool.contributions}
    agreed = status.pool.overspend_shares if variance.variance > 0 else status.pool.underspend_shares
    rows = [Row(names.get(line.partner, line.partner), (line.share, line.amount)) for line in variance.lines]
    word = {"overspend": "overspend", "underspend": "underspend", "on_budget": "variance"}[variance.kind]
    return FormattedTable(
        id="pool_risk_share",
        title=_title(status, f"each partner's share of the forecast {word}"),
        short_title="Risk share",
        unit=MONEY,
        columns=(Column("Share", number="percent"), Column(f"Part of the {word}")),
        rows=(*rows, Row("Pool", (None, variance.variance), "total")),
        label_header="Partner",
        note=(
            "Shares as agreed in the pool's risk-share terms."
            if agreed is not None
            else "No risk share agreed: shared in proportion to the affordability contributions."
        ),
    )


def area_table(status: PoolStatus) -> FormattedTable:
    """Spend by service area against the pool table's gross plan (blank where the table is blank)."""
    rows = [Row(row.name, (row.plan, row.plan_ytd, row.actual_ytd, row.forecast)) for row in status.areas]
    return FormattedTable(
        id="pool_areas",
        title=_title(status, "spend by service area"),
        short_title="By service area",
        unit=MONEY,
        columns=(Column("Plan, gross"), Column("Plan to date"), Column("Spend to date"), Column("Forecast")),
        rows=(*rows, total("Pool", rows, 4)),
        label_header="Service area",
        note=(
            "Plan: the pool table's gross amount (before QIPP) for the pool's year, phased; an area the "
            "table leaves blank has no plan."
        ),
    )


def month_table(status: PoolStatus) -> FormattedTable:
    """Each month of the year: plan (the affordability budget phased) and spend, and both to date."""
    rows = [
        Row(row.month.label, (row.plan, row.actual, row.plan_ytd, row.actual_ytd)) for row in status.months
    ]
    return FormattedTable(
        id="pool_months",
        title=_title(status, f"by month, {status.year}"),
        short_title="By month",
        unit=MONEY,
        columns=(Column("Plan"), Column("Spend"), Column("Plan to date"), Column("Spend to date")),
        rows=tuple(rows),
        label_header="Month",
    )


def pool_tables(status: PoolStatus) -> list[FormattedTable]:
    """Every table of a pool as at a month, in the order they are shown."""
    return [
        position_table(status),
        affordability_table(status),
        risk_share_table(status),
        area_table(status),
        month_table(status),
    ]
