"""The target and risk registers in the web app: each target against its trajectory in a month (status,
alert, escalations) with a chart of trajectory and actuals, and the risks with their heat maps before and
after mitigation and the reviews that are overdue. Read-only; cached until anything in the store changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from carebridge.delivery import risks as rk
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import EscalationRecord, TargetStatus, month_of
from carebridge.report.chart import FONT, PALETTE, Chart
from carebridge.report.delivery_page import risk_heat_map
from carebridge.report.spc_icons import chart_icons
from carebridge.store import Store
from carebridge.store.registers import StoredTarget
from carebridge.usecases.registers import risks_as_at, status_of_targets
from carebridge.web.memo import Memo, store_generation


@dataclass(frozen=True)
class TargetRow:
    status: TargetStatus
    chart: Chart | None
    """The trajectory and the actuals (None when the target has neither: no empty chart is drawn)."""
    escalations: tuple[EscalationRecord, ...]
    spc: Markup = field(default_factory=Markup)
    """Making Data Count's variation and assurance icons with their words (empty before 4 months)."""


@dataclass(frozen=True)
class TargetsView:
    month: str
    months: tuple[str, ...]
    """The months with target actuals, for the choice of month."""
    rows: tuple[TargetRow, ...]
    names: dict[str, str] = field(default_factory=dict)
    """Each month's name (``Oct 2018``) by its label."""


@dataclass(frozen=True)
class HeatCell:
    """A cell of a heat map: its likelihood, impact, rating, band (name and colour) and the titles of the
    risks in it."""

    likelihood: int
    impact: int
    rating: int
    band: str
    colour: str
    titles: tuple[str, ...]


@dataclass(frozen=True)
class HeatMapView:
    """A heat map as the risks page draws it: its stage in words and its rows, likelihood 5 first."""

    stage: str
    words: str
    rows: tuple[tuple[int, tuple[HeatCell, ...]], ...]


def heat_map_view(risks: tuple[rk.Risk, ...], stage: rk.Stage) -> HeatMapView:
    """The 5 × 5 heat map of ``risks`` scored ``stage``, each cell naming its risks by title."""
    found: dict[tuple[int, int], list[str]] = {}
    for risk in risks:
        score = risk.score(stage)
        if score is not None:
            found.setdefault((score.likelihood, score.impact), []).append(risk.title)
    rows = []
    for likelihood in reversed(rk.SCORES):
        cells = []
        for impact in rk.SCORES:
            band = rk.band_of(likelihood * impact, rk.DEFAULT_BANDS)
            titles = tuple(found.get((likelihood, impact), ()))
            cells.append(HeatCell(likelihood, impact, likelihood * impact, band.name, band.colour, titles))
        rows.append((likelihood, tuple(cells)))
    words = "before mitigation" if stage == "before" else "after mitigation"
    return HeatMapView(stage, words, tuple(rows))


@dataclass(frozen=True)
class RisksView:
    month: str
    review_day: dt.date
    risks: tuple[rk.Risk, ...]
    before: Markup
    after: Markup
    overdue: tuple[rk.Risk, ...]
    maps: tuple[HeatMapView, ...] = ()
    """The heat maps before and after mitigation, each cell naming its risks."""
    month_name: str = ""
    """The month by name (``Oct 2018``)."""


def _month_name(month: object) -> str:
    """A month by name (``Oct 2018``), whether given as a :class:`Month` or its label."""
    try:
        return (month if isinstance(month, Month) else Month.parse(str(month))).calendar_name
    except ValueError:
        return str(month)


def trajectory_chart(stored: StoredTarget, actuals: dict[Month, float], as_at: Month) -> Chart | None:
    """The target's trajectory (planned, month by month) and its actuals up to ``as_at``; None when it has
    neither a trajectory nor an actual by then (no empty chart)."""
    target = stored.target
    if (stored.trajectory is None or not stored.trajectory.points) and not any(
        not as_at < month for month in actuals
    ):
        return None
    data: list[dict[str, object]] = []
    if stored.trajectory is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": [month.calendar_name for month, _ in stored.trajectory.points],
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
            "x": [month.calendar_name for month, _ in shown],
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
        f"up to {as_at.calendar_name}; "
        f"target {target.target:g} {target.unit} by {_month_name(target.target_month)}."
    )
    return Chart(f"chart-target-{target.id}", title, description, data, layout)


def targets(memo: Memo[TargetsView], store: Store, month: str | None) -> TargetsView:
    """:func:`targets_now`, cached until anything in the store changes."""
    key = (str(store.engine.url), month, dt.date.today(), store_generation(store))
    return memo.get(key, lambda: targets_now(store, month))


def targets_now(store: Store, month: str | None, today: dt.date | None = None) -> TargetsView:
    """Each target as at ``month``, else the latest month with an actual, else this month."""
    found = status_of_targets(store, month, default=month_of(today or dt.date.today()))
    as_at: Month = found.month or month_of(today or dt.date.today())
    rows = tuple(
        TargetRow(
            row.status,
            trajectory_chart(row.stored, row.actuals, as_at),
            row.escalations,
            Markup(chart_icons(row.status.spc)) if row.status.spc else Markup(""),
        )
        for row in found.rows
    )
    return TargetsView(
        as_at.label,
        tuple(m.label for m in found.months),
        rows,
        {m.label: m.calendar_name for m in (*found.months, as_at)},
    )


def risks(memo: Memo[RisksView], store: Store, plan_id: int, month: str | None) -> RisksView:
    """:func:`risks_now`, cached until anything in the store changes."""
    key = (str(store.engine.url), plan_id, month, dt.date.today(), store_generation(store))
    return memo.get(key, lambda: risks_now(store, plan_id, month))


def risks_now(store: Store, plan_id: int, month: str | None, today: dt.date | None = None) -> RisksView:
    """The risks of the plan and of no plan; reviews dated before the last day of ``month`` (default: this
    month) are overdue."""
    found = risks_as_at(store, plan_id, month, today or dt.date.today())
    return RisksView(
        found.month.label,
        found.review_day,
        found.risks,
        Markup(risk_heat_map(rk.heat_map(found.risks, "before"))),
        Markup(risk_heat_map(rk.heat_map(found.risks, "after"))),
        found.overdue,
        tuple(heat_map_view(tuple(found.risks), stage) for stage in ("before", "after")),
        found.month.calendar_name,
    )
