"""One month's monitoring of an approved plan: every comparison the FEWS and the delivery report read.

:func:`monitor` is pure: the plan baseline, the actuals as tables, the month and the agreed settings in; the
trajectory, the activity position, the savings realised, the FEWS status and the SPC charts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

import pandas as pd

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.benefits import (
    ProgrammeForecast,
    activity_position,
    pod_totals,
    programme_forecast,
    realisation_by_provider,
    realised_savings,
)
from carebridge.delivery.fews import Action, FewsSettings, FewsStatus, assess
from carebridge.delivery.months import Month
from carebridge.delivery.spc import Improvement, SpcOptions, XmrChart, xmr
from carebridge.delivery.trajectory import FLAT, Profile, monthly_trajectory, profiles_from_table

ACTUALS_COLUMNS = {
    "activity": ("month", "pod", "provider", "activity"),
    "spend": ("month", "scheme", "spend"),
    "milestones": ("scheme", "milestone", "due", "status", "done"),
    "forecasts": ("month", "pod", "forecast"),
    "profiles": ("pod", "period", "weight"),
}


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame({column: [] for column in ACTUALS_COLUMNS[name]})


@dataclass(frozen=True, eq=False)
class ActualsData:
    """Everything imported for a plan, as tables with the columns of :data:`ACTUALS_COLUMNS`."""

    activity: pd.DataFrame = field(default_factory=lambda: _empty("activity"))
    spend: pd.DataFrame = field(default_factory=lambda: _empty("spend"))
    milestones: pd.DataFrame = field(default_factory=lambda: _empty("milestones"))
    forecasts: pd.DataFrame = field(default_factory=lambda: _empty("forecasts"))
    profiles: pd.DataFrame = field(default_factory=lambda: _empty("profiles"))

    def months(self) -> list[Month]:
        """Every month with activity actuals, in order."""
        return sorted({Month.parse(m) for m in self.activity["month"]})


@dataclass(frozen=True, eq=False)
class Monitoring:
    baseline: PlanBaseline
    month: Month
    profiles: dict[str, Profile]
    trajectory: pd.DataFrame
    actual_totals: pd.DataFrame
    position: pd.DataFrame
    realisation: pd.DataFrame
    savings: pd.DataFrame
    forecast: ProgrammeForecast
    fews: FewsStatus
    spc: dict[str, XmrChart]


def monitor(
    baseline: PlanBaseline,
    actuals: ActualsData,
    as_at: Month,
    settings: FewsSettings,
    actions: Sequence[Action] = (),
    spc: SpcOptions | None = None,
) -> Monitoring:
    """Compare the actuals with the plan as at the end of month ``as_at``; ``spc`` sets the SPC charts'
    screening, rebasing and fixed baseline (:func:`spc_charts`)."""
    year = as_at.year
    profiles = profiles_from_table(actuals.profiles, baseline.activity_pods)
    trajectory = monthly_trajectory(baseline, year, profiles)
    position = activity_position(trajectory, actuals.activity, as_at, actuals.forecasts)
    realisation = realisation_by_provider(baseline, trajectory, actuals.activity, position, as_at)
    savings = realised_savings(baseline, as_at, realisation, profiles)
    forecast = programme_forecast(baseline, savings, actuals.spend, as_at, settings.basis)
    status = assess(baseline, as_at, settings, position, savings, actuals.milestones, forecast, actions)
    totals = pod_totals(actuals.activity)
    return Monitoring(
        baseline=baseline,
        month=as_at,
        profiles=profiles,
        trajectory=trajectory,
        actual_totals=totals,
        position=position,
        realisation=realisation,
        savings=savings,
        forecast=forecast,
        fews=status,
        spc=spc_charts(totals, as_at, profiles, plan_lines(trajectory, declared_improvement(baseline)), spc),
    )


def seasonal_factor(monitoring: Monitoring, pod: str, month: str) -> float:
    """The month's weight against a flat month, ``w[m] / (1/12)``: SPC works on seasonally adjusted activity
    (:func:`~carebridge.delivery.monitor.spc_charts`), so its lines are drawn back in the month's terms."""
    profile = monitoring.profiles.get(pod, FLAT)
    return profile[Month.parse(month).number - 1] / FLAT[0]


@dataclass(frozen=True)
class PlanLine:
    """What the plan says of a POD's activity for SPC: its improvement direction and its target."""

    improvement: Improvement
    target: float
    """The plan's monthly do-something activity in a flat month, ``AS[y,p] / 12``."""


def plan_lines(
    trajectory: pd.DataFrame, declared: Mapping[str, Improvement] | None = None
) -> dict[str, PlanLine]:
    """Each POD's improvement direction: the scenario's (``declared``, the POD's ``improvement``), else the
    plan's of the year: ``decrease`` when the plan deflects activity (do-something below do-nothing),
    ``increase`` when it adds activity, ``neutral`` when it changes nothing; the target is the plan's
    do-something activity of a flat month."""
    lines = {}
    for pod, rows in trajectory.groupby("pod", sort=False):
        deflection = float(rows["planned_deflection"].sum())
        improvement: Improvement = (
            "decrease" if deflection > 0 else "increase" if deflection < 0 else "neutral"
        )
        improvement = (declared or {}).get(str(pod), improvement)
        lines[str(pod)] = PlanLine(improvement, float(rows["do_something"].sum()) / 12)
    return lines


def declared_improvement(baseline: PlanBaseline) -> dict[str, Improvement]:
    """The improvement directions the scenario gives its PODs."""
    return {
        pod.id: cast(Improvement, pod.improvement)
        for pod in baseline.pods
        if pod.improvement in ("increase", "decrease", "neutral")
    }


def spc_charts(
    totals: pd.DataFrame,
    as_at: Month,
    profiles: Mapping[str, Profile] | None = None,
    lines: Mapping[str, PlanLine] | None = None,
    options: SpcOptions | None = None,
    minimum_points: int = 4,
) -> dict[str, XmrChart]:
    """An XmR chart per POD of its monthly activity up to ``as_at`` (every month reported, across years),
    for PODs with at least ``minimum_points`` months.

    Activity is seasonally adjusted by the POD's profile, ``actual[m] · (1/12) / w[m]``, so that a winter
    rise the plan expects is not read as a special cause; with the flat profile it is the activity itself.
    Each POD's improvement direction and target are the plan's (``lines``, :func:`plan_lines`); the other
    options (screening, rebase months, a fixed baseline) are ``options``; a rebase month is used once the
    chart has it and a month after it (a period of one point has no moving range).
    """
    charts = {}
    chosen = profiles or {}
    for pod, rows in totals.groupby("pod", sort=False):
        profile = chosen.get(str(pod), FLAT)
        points = []
        for label, value in zip(rows["month"], rows["activity"], strict=True):
            month = Month.parse(label)
            weight = profile[month.number - 1]
            if month <= as_at and weight > 0:
                points.append((month, float(value) * FLAT[0] / weight))
        points.sort()
        if len(points) >= minimum_points:
            labels = [m.label for m, _ in points]
            line = (lines or {}).get(str(pod))
            settings = replace(
                options or SpcOptions(),
                improvement=line.improvement if line else "neutral",
                target=line.target if line else None,
                rebase=_rebase_points(options.rebase if options else (), labels),
            )
            charts[str(pod)] = xmr([v for _, v in points], labels, options=settings)
    return charts


def _rebase_points(months: Sequence[str], labels: Sequence[str]) -> tuple[str, ...]:
    """The rebase months that start a period of two points or more, after a period of two or more."""
    kept: list[int] = []
    for index in sorted(labels.index(m) for m in set(months) if m in labels):
        if index >= (kept[-1] if kept else 0) + 2 and index <= len(labels) - 2:
            kept.append(index)
    return tuple(labels[i] for i in kept)
