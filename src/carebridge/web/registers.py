"""The target and risk registers in the web app: each target against its trajectory in a month (status,
alert, escalations) with a chart of trajectory and actuals, and the risks with their heat maps before and
after mitigation and the reviews that are overdue. Read-only; cached until anything in the store changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup

from carebridge.delivery import risks as rk
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import (
    EscalationRecord,
    TargetStatus,
    last_day,
    month_of,
    target_status,
)
from carebridge.report.chart import FONT, PALETTE, Chart
from carebridge.report.delivery_page import risk_heat_map
from carebridge.store import Store
from carebridge.store.registers import (
    StoredTarget,
    read_escalations,
    read_register_risks,
    read_target_actuals,
    read_targets,
)
from carebridge.web.cache import Memo, store_generation


@dataclass(frozen=True)
class TargetRow:
    status: TargetStatus
    chart: Chart
    escalations: tuple[EscalationRecord, ...]


@dataclass(frozen=True)
class TargetsView:
    month: str
    months: tuple[str, ...]
    """The months with target actuals, for the choice of month."""
    rows: tuple[TargetRow, ...]


@dataclass(frozen=True)
class RisksView:
    month: str
    review_day: dt.date
    risks: tuple[rk.Risk, ...]
    before: Markup
    after: Markup
    overdue: tuple[rk.Risk, ...]


TARGET_VIEWS: Memo[TargetsView] = Memo()
RISK_VIEWS: Memo[RisksView] = Memo()


def _chosen(month: str | None, months: list[Month], today: dt.date | None = None) -> Month:
    """``month``, else the latest with an actual, else this month."""
    if month:
        return Month.parse(month)
    return max(months) if months else month_of(today or dt.date.today())


def trajectory_chart(stored: StoredTarget, actuals: dict[Month, float], as_at: Month) -> Chart:
    """The target's trajectory (planned, month by month) and its actuals up to ``as_at``."""
    target = stored.target
    data: list[dict[str, object]] = []
    if stored.trajectory is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [month.label for month, _ in stored.trajectory.points],
                "y": [value for _, value in stored.trajectory.points],
                "name": "Trajectory",
                "line": {"color": PALETTE[0], "width": 2},
            }
        )
    shown = sorted((month, value) for month, value in actuals.items() if month <= as_at)
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [month.label for month, _ in shown],
            "y": [value for _, value in shown],
            "name": "Actual",
            "line": {"color": PALETTE[1], "width": 2},
        }
    )
    title = f"{target.name}: trajectory and actuals ({target.unit})"
    layout = {
        "title": {"text": title},
        "font": FONT,
        "height": 320,
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "yaxis": {"title": {"text": target.unit}},
        "xaxis": {"type": "category"},
        "legend": {"orientation": "h", "y": -0.25},
        "plot_bgcolor": "#ffffff",
    }
    description = (
        f"{target.name}: the planned trajectory month by month and {len(shown)} monthly actuals "
        f"up to {as_at}; "
        f"target {target.target:g} {target.unit} by {target.target_month}."
    )
    return Chart(f"chart-target-{target.id}", title, description, data, layout)


def targets(store: Store, month: str | None) -> TargetsView:
    """:func:`targets_now`, cached until anything in the store changes."""
    key = (str(store.engine.url), month, dt.date.today(), store_generation(store))
    return TARGET_VIEWS.get(key, lambda: targets_now(store, month))


def targets_now(store: Store, month: str | None) -> TargetsView:
    with store.session() as session:
        stored = read_targets(session)
        actuals = read_target_actuals(session)
        escalations = read_escalations(session)
    months = sorted({m for values in actuals.values() for m in values})
    as_at = _chosen(month, months)
    rows = []
    for item in stored:
        own = actuals.get(item.code, {})
        rows.append(
            TargetRow(
                target_status(item.target, item.trajectory, own, as_at),
                trajectory_chart(item, own, as_at),
                tuple(e for e in escalations if e.target == item.code),
            )
        )
    return TargetsView(as_at.label, tuple(m.label for m in months), tuple(rows))


def risks(store: Store, plan_id: int, month: str | None) -> RisksView:
    """:func:`risks_now`, cached until anything in the store changes."""
    key = (str(store.engine.url), plan_id, month, dt.date.today(), store_generation(store))
    return RISK_VIEWS.get(key, lambda: risks_now(store, plan_id, month))


def risks_now(store: Store, plan_id: int, month: str | None, today: dt.date | None = None) -> RisksView:
    """The risks of the plan and of no plan; reviews dated before the last day of ``month`` (default: this
    month) are overdue."""
    with store.session() as session:
        found = tuple(stored.risk for stored in read_register_risks(session, plan_id))
    as_at = _chosen(month, [], today)
    review_day = last_day(as_at)
    return RisksView(
        as_at.label,
        review_day,
        found,
        Markup(risk_heat_map(rk.heat_map(found, "before"))),
        Markup(risk_heat_map(rk.heat_map(found, "after"))),
        tuple(rk.overdue_risks(found, review_day)),
    )
