"""The target and risk registers as the terminal and the delivery pack show them: each target's status in a
month against its trajectory, its alerts and escalations, the risks and the reviews that are overdue. Pure:
:mod:`carebridge.store.registers` reads the store, :mod:`carebridge.delivery.pack_registers` lays the
view out as tables.

A target's **status** in a month is read from its latest actual up to that month (from the trajectory's
start): ``on trajectory``, ``off trajectory`` (the shortfall exceeds the tolerance), ``alert`` (the month
raises an alert by the target's rule, :func:`carebridge.delivery.targets.alerts`), ``not reported`` (no actual
yet) or ``no trajectory`` (no baseline or points yet). Reviews are overdue when the review date is before the
last day of the month reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from carebridge.delivery import risks as rk
from carebridge.delivery import targets as tg
from carebridge.delivery.months import Month
from carebridge.delivery.spc import Improvement, SpcOptions, XmrChart, xmr

State = Literal["no trajectory", "not reported", "on trajectory", "off trajectory", "alert"]
RAG: dict[State, str] = {
    "no trajectory": "none",
    "not reported": "none",
    "on trajectory": "green",
    "off trajectory": "amber",
    "alert": "red",
}


@dataclass(frozen=True)
class TargetStatus:
    """A target against its trajectory, read from its latest actual up to the month asked about."""

    target: tg.Target
    trajectory: tg.Trajectory | None
    as_at: Month
    month: Month | None
    """The month of the latest actual used (``None``: none yet)."""
    planned: float | None
    actual: float | None
    shortfall: float | None
    months_off: int
    alert: tg.TrajectoryAlert | None
    state: State
    spc: XmrChart | None = None
    """The XmR chart of the actuals up to the month (:func:`target_spc`), None with fewer than 4."""

    @property
    def rag(self) -> str:
        return RAG[self.state]


def target_status(
    target: tg.Target, trajectory: tg.Trajectory | None, actuals: Mapping[Month, float], as_at: Month
) -> TargetStatus:
    """``target``'s status as at ``as_at`` from its ``actuals`` (months after ``as_at`` are ignored)."""
    known = {month: value for month, value in actuals.items() if month <= as_at}
    spc = target_spc(target, known)
    if trajectory is None:
        return TargetStatus(target, None, as_at, None, None, None, None, 0, None, "no trajectory", spc)
    statuses = tg.assess(target, trajectory, known)
    if not statuses:
        planned = trajectory.planned(as_at)
        return TargetStatus(
            target, trajectory, as_at, None, planned, None, None, 0, None, "not reported", spc
        )
    last = statuses[-1]
    alert = next((a for a in tg.alerts(target, trajectory, known) if a.month == last.month), None)
    state: State = "alert" if alert else "off trajectory" if last.off_trajectory else "on trajectory"
    return TargetStatus(
        target,
        trajectory,
        as_at,
        last.month,
        last.planned,
        last.actual,
        last.shortfall,
        last.months_off,
        alert,
        state,
        spc,
    )


IMPROVEMENT: dict[tg.Direction, Improvement] = {"higher_is_better": "increase", "lower_is_better": "decrease"}
"""A target's direction is Making Data Count's improvement direction."""


def target_spc(target: tg.Target, actuals: Mapping[Month, float], minimum_points: int = 4) -> XmrChart | None:
    """The XmR chart of a target's monthly actuals (:mod:`carebridge.delivery.spc`), its improvement
    direction the target's ``direction`` and its assurance against the target value; None with fewer than
    ``minimum_points`` months reported."""
    months = sorted(actuals)
    if len(months) < minimum_points:
        return None
    options = SpcOptions(improvement=IMPROVEMENT[target.direction], target=target.target)
    return xmr([actuals[m] for m in months], [m.label for m in months], options=options)


@dataclass(frozen=True)
class EscalationRecord:
    """An escalation as stored: the target, the month, the board it went to, why and what is done."""

    id: int
    target: str
    month: str
    board: str
    reason: str
    root_cause: str | None
    actions: tuple[str, ...]
    status: str
    raised_at: dt.datetime
    raised_by: str


@dataclass(frozen=True)
class RegisterView:
    """What the delivery pack shows of the registers in a month."""

    month: Month
    statuses: Sequence[TargetStatus] = ()
    escalations: Sequence[EscalationRecord] = ()
    risks: Sequence[rk.Risk] = ()
    bands: Sequence[rk.RatingBand] = field(default_factory=lambda: list(rk.DEFAULT_BANDS))

    @property
    def review_day(self) -> dt.date:
        """The last day of the month: a review date before it is overdue."""
        return last_day(self.month)

    @property
    def alerts(self) -> list[tg.TrajectoryAlert]:
        return [status.alert for status in self.statuses if status.alert is not None]

    @property
    def overdue(self) -> list[rk.Risk]:
        return rk.overdue_risks(self.risks, self.review_day)


def first_day(month: Month) -> dt.date:
    """The calendar date a financial month starts: 2018/19-M06 → 2018-09-01, 2018/19-M10 → 2019-01-01."""
    calendar_month = (month.number + 2) % 12 + 1
    return dt.date(month.start_year + (1 if month.number >= 10 else 0), calendar_month, 1)


def last_day(month: Month) -> dt.date:
    return first_day(month.shifted(1)) - dt.timedelta(days=1)


def month_of(day: dt.date) -> Month:
    """The financial month a calendar date falls in."""
    return Month(day.year if day.month >= 4 else day.year - 1, (day.month - 4) % 12 + 1)


def number(value: float | None) -> str:
    """A value in a target's unit as the sources print it: one decimal place (88.6%, 6.1 days), blank when
    missing."""
    return "" if value is None else f"{value:,.1f}"
