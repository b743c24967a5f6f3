"""The pooled budgets in the delivery pack, as plain rows (:class:`~carebridge.delivery.pack.PackTable`):
for each pool with a budget in the pack's year, its position as at the month (budget gross and after QIPP,
plan and spend to date, forecast outturn and variance), the move from the gross to the affordability basis,
each partner's share of the forecast over- or underspend, and spend by service area."""

from __future__ import annotations

from carebridge.delivery.pack import Cell, PackColumn, PackTable
from carebridge.delivery.pools import PoolStatus


def _where(status: PoolStatus) -> str:
    return f"{status.pool.name}, as at {status.month.calendar_name} ({status.month.label})"


def pool_position_table(status: PoolStatus) -> PackTable:
    variance, gross = status.variance, status.gross_variance
    rows: list[list[Cell]] = [
        ["Budget, gross (partners' contributions)", gross.budget],
        ["QIPP", -status.affordability.qipp],
        ["Budget, affordability (gross less QIPP)", variance.budget],
        ["Plan to date", status.plan_ytd],
        ["Spend to date", status.actual_ytd],
        ["Variance to date (spend − plan)", status.ytd_variance],
        ["Forecast outturn", status.forecast],
        ["Forecast variance, affordability basis", variance.variance],
        ["Forecast variance, gross basis", gross.variance],
    ]
    missing = ", ".join(m.label for m in status.missing)
    return PackTable(
        "pool-position",
        f"Pooled budget: {_where(status)}",
        f"Cohort: {status.pool.cohort.name}. £'000; an overspend positive, an underspend in brackets. "
        f"Forecast: spend to date ÷ the share of the year's budget planned by the month "
        f"({status.elapsed:.1%})",
        (PackColumn("Line"), PackColumn("£'000", "money")),
        rows,
        note=f"No spend imported for {missing} (counted as nothing)." if missing else "",
        sheet=f"Pool {status.pool.id or status.pool.cohort.id}",
    )


def pool_affordability_table(status: PoolStatus) -> PackTable:
    bridge = status.affordability
    rows: list[list[Cell]] = [[r.name, r.gross, -r.qipp, r.affordability] for r in bridge.rows]
    rows.append(["Pool", bridge.gross, -bridge.qipp, bridge.affordability])
    return PackTable(
        "pool-affordability",
        f"Gross to affordability, {status.year}: {status.pool.name}",
        "Each partner's contribution before QIPP (gross), its QIPP and after it (the affordability basis), "
        "£'000",
        (
            PackColumn("Partner"),
            PackColumn("Gross", "money"),
            PackColumn("QIPP", "money"),
            PackColumn("Affordability", "money"),
        ),
        rows,
        sheet=f"Pool QIPP {status.pool.id or status.pool.cohort.id}",
    )


def pool_risk_share_table(status: PoolStatus) -> PackTable:
    variance = status.variance
    names = {c.partner: c.name for c in status.pool.contributions}
    agreed = status.pool.overspend_shares if variance.variance > 0 else status.pool.underspend_shares
    rows: list[list[Cell]] = [
        [names.get(line.partner, line.partner), line.share, line.amount] for line in variance.lines
    ]
    rows.append(["Pool", None, variance.variance])
    return PackTable(
        "pool-risk-share",
        f"Risk share of the forecast {variance.kind.replace('_', ' ')}: {_where(status)}",
        "Each partner's share and part of the forecast variance against the affordability budget, £'000; "
        + (
            "shares as agreed"
            if agreed is not None
            else "no risk share agreed: by affordability contributions"
        ),
        (PackColumn("Partner"), PackColumn("Share", "ratio"), PackColumn("Part", "money")),
        rows,
        sheet=f"Pool share {status.pool.id or status.pool.cohort.id}",
    )


def pool_area_table(status: PoolStatus) -> PackTable:
    rows: list[list[Cell]] = [[a.name, a.plan, a.plan_ytd, a.actual_ytd, a.forecast] for a in status.areas]
    return PackTable(
        "pool-areas",
        f"Pool spend by service area: {_where(status)}",
        "Plan: the pool table's gross amount (before QIPP) for the pool's year, phased (blank where the "
        "table is blank); spend to date and its run-rate forecast, £'000",
        (
            PackColumn("Service area"),
            PackColumn("Plan, gross", "money"),
            PackColumn("Plan to date", "money"),
            PackColumn("Spend to date", "money"),
            PackColumn("Forecast", "money"),
        ),
        rows,
        sheet=f"Pool areas {status.pool.id or status.pool.cohort.id}",
    )


def pool_pack_tables(status: PoolStatus) -> list[PackTable]:
    """A pool's tables in the pack, in the order shown."""
    return [
        pool_position_table(status),
        pool_affordability_table(status),
        pool_risk_share_table(status),
        pool_area_table(status),
    ]
