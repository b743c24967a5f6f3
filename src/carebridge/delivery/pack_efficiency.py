"""The efficiency programmes in the delivery pack, as plain rows (``PackTable``):
for each programme of the pack's year, as at the pack's month (docs/efficiency.md), its FEWS efficiency set,
each organisation's and the system's income and expenditure (plan and actual to date, run rate, forecast
outturn, best, likely and worst, against the plan's do-something), its efficiency delivered against the phased
plan (recurrent and in total) with the unidentified gap, and the risks and mitigations of the latest returns.

The tables are those of the efficiency report (:mod:`carebridge.delivery.efficiency_pack`), titled with the
programme and the month, on sheets of their own beside the pack's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from carebridge.delivery.efficiency_pack import (
    efficiency_table,
    indicator_pack_table,
    position_table,
    risk_pack_table,
)
from carebridge.delivery.efficiency_status import EfficiencyStatus
from carebridge.delivery.pack import PackTable

SHEETS = {
    "efficiency-fews": "Efficiency FEWS",
    "efficiency-position": "Efficiency position",
    "efficiency-delivery": "Efficiency delivered",
    "efficiency-risks": "Efficiency risks",
}
"""Each table's sheet in the pack's workbook (the pack has a FEWS and a risks sheet of its own)."""


def _where(status: EfficiencyStatus) -> str:
    return f"{status.programme.name}, as at {status.as_at.calendar_name} ({status.as_at.label})"


def _late(status: EfficiencyStatus) -> str:
    """The returns that came late to the month, in words."""
    name = status.programme.organisation_name
    late = sorted((f for f in status.returns if f.late), key=lambda f: (f.month, name(f.organisation)))
    if not late:
        return f"{len(status.returns)} returns to the month, none late."
    listed = "; ".join(f"{name(f.organisation)} {f.month.label}, {f.days_late} days" for f in late)
    return f"{len(status.returns)} returns to the month, {len(late)} late: {listed}."


def efficiency_pack_tables(status: EfficiencyStatus, index: int = 0) -> list[PackTable]:
    """A programme's tables in the pack, in the order shown; ``index``: the programme's place among those of
    the pack (the tables' ids and sheets of a second one are numbered)."""
    suffix = "" if index == 0 else f" {index + 1}"
    chosen = [
        replace(indicator_pack_table(status), note=_late(status)),
        position_table(status),
        efficiency_table(status),
        risk_pack_table(status),
    ]
    return [
        replace(
            table,
            id=table.id if index == 0 else f"{table.id}-{index + 1}",
            title=f"{table.title}: {_where(status)}",
            sheet=SHEETS[table.id] + suffix,
        )
        for table in chosen
    ]


def efficiency_section_tables(statuses: Sequence[EfficiencyStatus]) -> list[PackTable]:
    """Every programme's tables, one programme after another."""
    return [table for index, status in enumerate(statuses) for table in efficiency_pack_tables(status, index)]
