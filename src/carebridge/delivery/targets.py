"""Targets and trajectories: a register of standards, the monthly path to each, alerts and re-sets.

From the Stockport PCT plan (seed ``001_…``, section 10.2) and the Staffordshire & Stoke-on-Trent STP (seed
``002_…``): each target has an owner and an accountable board; its **trajectory** runs month by month from the
baseline to the target value by the target month; performance is monitored against it monthly; "where
outcomes/outputs are not on track … an alert report is provided to the Executive, escalation processes will
be established and a root cause analysis"; and "the planned Trajectories … can only be re-set with Board
Approval".

- **Trajectory.** Linear by default: ``value(k) = baseline + (target − baseline) · k / n`` in month ``k`` of
  ``n`` from the baseline month; or linear between points the user gives. After the target month the target
  value holds.
- **Shortfall.** How far an actual is worse than planned: ``planned − actual`` when higher is better,
  ``actual − planned`` when lower is better (negative when better than planned).
- **Off trajectory.** A month whose shortfall exceeds the tolerance (in the target's unit). An **alert** is
  raised in a month that ends a run of at least ``consecutive_months`` off-trajectory months, or at once when
  the shortfall exceeds ``severe_tolerance``.
- **Re-set.** A new trajectory from a month on, which keeps the months before it as they were and needs an
  :class:`Approval` by the target's accountable board; the result carries the old and new values of every
  month that changed, for the audit log.

Months are financial months ``YYYY/YY-Mnn`` (:mod:`carebridge.delivery.months`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import pathlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from carebridge.delivery.months import Month, MonthError
from carebridge.delivery.risks import Model
from carebridge.scenario.errors import Path, Problem, ScenarioError, TargetRegisterError
from carebridge.scenario.loader import load_model

Direction = Literal["higher_is_better", "lower_is_better"]
Scope = Literal["national", "local"]
NonNegative = Annotated[float, Field(ge=0)]


class TrajectoryPoint(Model):
    """A value the trajectory passes through in a month."""

    month: str = Field(description="A financial month, like `2017/18-M06` (September 2017).")
    value: float


class AlertRule(Model):
    """When being off trajectory raises an alert."""

    tolerance: NonNegative = Field(0.0, description="Shortfall allowed in a month, in the target's unit.")
    consecutive_months: Annotated[int, Field(ge=1)] = Field(
        1, description="Months in a row off trajectory before an alert."
    )
    severe_tolerance: NonNegative | None = Field(
        None, description="A shortfall above this raises an alert in its first month."
    )


class Target(Model):
    """A national or local target, its owner and accountable board, and how its trajectory is drawn."""

    id: str
    name: str
    scope: Scope
    unit: str = Field(description="The unit of the values, e.g. `%`.")
    direction: Direction
    baseline: float | None = Field(None, description="The value in the baseline month, if known.")
    baseline_month: str | None = None
    target: float
    target_month: str
    owner: str
    accountable_board: str
    points: list[TrajectoryPoint] | None = Field(
        None, description="The trajectory's points, when it is not a straight line from the baseline."
    )
    alert: AlertRule = Field(default_factory=AlertRule)
    source: str = Field(description="Where the target comes from: a quotation and its place.")
    note: str | None = None


class TargetRegister(Model):
    name: str
    source: str | None = None
    targets: list[Target]


# --- trajectories ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """The planned value of a target month by month (consecutive months, first to last)."""

    target_id: str
    points: tuple[tuple[Month, float], ...]

    @property
    def start(self) -> Month:
        return self.points[0][0]

    @property
    def end(self) -> Month:
        return self.points[-1][0]

    def planned(self, month: Month) -> float | None:
        """The planned value in ``month``: ``None`` before the start; the last value after the end."""
        if month < self.start:
            return None
        if month > self.end:
            return self.points[-1][1]
        return self.points[month.ordinal - self.start.ordinal][1]


def linear_path(
    start: Month, start_value: float, end: Month, end_value: float
) -> tuple[tuple[Month, float], ...]:
    """Monthly values on the straight line ``start_value + (end_value − start_value) · k / n``, ``k = 0 … n``,
    where ``n`` is the number of months from ``start`` to ``end``; the endpoints are exact."""
    months = end.ordinal - start.ordinal
    if months < 0:
        raise ValueError(f"the end month {end} is before the start month {start}")
    if months == 0:
        return ((start, end_value),)
    step = (end_value - start_value) / months
    inner = tuple((start.shifted(k), start_value + step * k) for k in range(months))
    return (*inner, (end, end_value))


def path_through(points: Sequence[tuple[Month, float]]) -> tuple[tuple[Month, float], ...]:
    """Monthly values linear between consecutive given points (months strictly increasing)."""
    path: list[tuple[Month, float]] = [points[0]]
    for (start, start_value), (end, end_value) in itertools.pairwise(points):
        path.extend(linear_path(start, start_value, end, end_value)[1:])
    return tuple(path)


def trajectory_for(target: Target) -> Trajectory | None:
    """The target's trajectory: through its points when given, else linear from baseline to target;
    ``None`` when it has neither points nor a baseline (a target on the register, not yet profiled)."""
    if target.points:
        points = [(Month.parse(point.month), point.value) for point in target.points]
        return Trajectory(target.id, path_through(points))
    if target.baseline is None or target.baseline_month is None:
        return None
    start, end = Month.parse(target.baseline_month), Month.parse(target.target_month)
    return Trajectory(target.id, linear_path(start, target.baseline, end, target.target))


# --- monitoring against the trajectory -------------------------------------------------------------------


def shortfall(direction: Direction, planned: float, actual: float) -> float:
    """How far ``actual`` is worse than ``planned``: ``planned − actual`` when higher is better, ``actual −
    planned`` when lower is better; negative when better than planned."""
    return planned - actual if direction == "higher_is_better" else actual - planned


@dataclass(frozen=True)
class MonthStatus:
    """A month's actual against the trajectory."""

    month: Month
    planned: float
    actual: float
    shortfall: float
    off_trajectory: bool
    months_off: int
    """How many months in a row, ending this one, have been off trajectory."""


@dataclass(frozen=True)
class TrajectoryAlert:
    """An alert that a target is off trajectory, for the alert report to the executive."""

    target_id: str
    month: Month
    planned: float
    actual: float
    shortfall: float
    months_off: int
    reason: str


def assess(target: Target, trajectory: Trajectory, actuals: Mapping[Month, float]) -> tuple[MonthStatus, ...]:
    """Each month with an actual (from the trajectory's start, in order) against the planned value.

    A month is off trajectory when its shortfall exceeds the tolerance; a month with no actual breaks a run.
    """
    statuses: list[MonthStatus] = []
    previous: MonthStatus | None = None
    for month in sorted(actuals):
        planned = trajectory.planned(month)
        if planned is None:
            continue
        gap = shortfall(target.direction, planned, actuals[month])
        off = gap > target.alert.tolerance
        consecutive = previous is not None and previous.month.shifted(1) == month
        run = (previous.months_off if previous is not None and consecutive else 0) + 1 if off else 0
        previous = MonthStatus(month, planned, actuals[month], gap, off, run)
        statuses.append(previous)
    return tuple(statuses)


def alerts(
    target: Target, trajectory: Trajectory, actuals: Mapping[Month, float]
) -> tuple[TrajectoryAlert, ...]:
    """The alerts of :func:`assess`'s months: a run of ``consecutive_months`` or more off trajectory, or a
    shortfall above ``severe_tolerance``."""
    rule = target.alert
    found: list[TrajectoryAlert] = []
    for status in assess(target, trajectory, actuals):
        severe = rule.severe_tolerance is not None and status.shortfall > rule.severe_tolerance
        if not (severe or status.months_off >= rule.consecutive_months):
            continue
        worse = f"{abs(status.shortfall):.3g} {target.unit} worse than the trajectory"
        if severe:
            reason = f"{worse}, beyond the severe tolerance of {rule.severe_tolerance:g}"
        else:
            reason = f"{worse}, off trajectory for {status.months_off} month(s) in a row"
        found.append(
            TrajectoryAlert(
                target.id,
                status.month,
                status.planned,
                status.actual,
                status.shortfall,
                status.months_off,
                reason,
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Escalation:
    """An off-trajectory alert escalated to the target's accountable board, with its root cause analysis."""

    target_id: str
    month: Month
    raised_on: dt.date
    raised_by: str
    escalated_to: str
    reason: str
    shortfall: float
    root_cause: str | None = None
    actions: tuple[str, ...] = ()


def escalate(
    target: Target,
    alert: TrajectoryAlert,
    *,
    raised_by: str,
    raised_on: dt.date,
    root_cause: str | None = None,
    actions: Sequence[str] = (),
) -> Escalation:
    """Escalate ``alert`` to ``target``'s accountable board."""
    return Escalation(
        target.id,
        alert.month,
        raised_on,
        raised_by,
        target.accountable_board,
        f"{target.name}: {alert.reason}",
        alert.shortfall,
        root_cause,
        tuple(actions),
    )


# --- re-setting a trajectory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    """A board's approval of a trajectory re-set."""

    board: str
    approved_by: str
    decided_on: dt.date
    minute: str | None = None
    """The minute or decision reference."""


@dataclass(frozen=True)
class TrajectoryChange:
    """A month whose planned value a re-set changes (``None``: not planned before, or no longer)."""

    month: Month
    old: float | None
    new: float | None


@dataclass(frozen=True)
class TrajectoryReset:
    """A re-set trajectory and the approval that allows it, for the store to record and audit."""

    target_id: str
    effective_from: Month
    reason: str
    approval: Approval
    old: Trajectory
    new: Trajectory
    changes: tuple[TrajectoryChange, ...]


def reset_trajectory(
    target: Target,
    current: Trajectory,
    *,
    effective_from: Month,
    new_target: float,
    new_target_month: Month,
    reason: str,
    approval: Approval,
    start_value: float | None = None,
) -> TrajectoryReset:
    """Re-set ``current`` from ``effective_from``: months before it are kept; from it the path is linear from
    ``start_value`` (default: the current plan's value that month) to ``new_target`` in ``new_target_month``.

    Raises :class:`ScenarioError` when the approval is not by the target's accountable board, the reason is
    empty, or the months are out of order.
    """
    problems = _reset_problems(target, current, effective_from, new_target_month, reason, approval)
    if problems:
        raise ScenarioError(problems)
    kept = tuple(point for point in current.points if point[0] < effective_from)
    start = current.planned(effective_from) if start_value is None else start_value
    assert start is not None  # effective_from is not before the trajectory's start (checked above)
    new = Trajectory(target.id, (*kept, *linear_path(effective_from, start, new_target_month, new_target)))
    return TrajectoryReset(target.id, effective_from, reason, approval, current, new, _changes(current, new))


def _reset_problems(
    target: Target,
    current: Trajectory,
    effective_from: Month,
    new_target_month: Month,
    reason: str,
    approval: Approval,
) -> list[Problem]:
    problems: list[Problem] = []
    if approval.board != target.accountable_board:
        message = (
            f"the re-set is approved by '{approval.board}'; a trajectory can only be re-set with the "
            f"approval of its accountable board, '{target.accountable_board}'"
        )
        problems.append(Problem(("approval", "board"), message))
    if not reason.strip():
        problems.append(Problem(("reason",), "no reason is given; a re-set must say why"))
    if effective_from < current.start:
        message = f"the re-set starts in {effective_from}, before the trajectory starts ({current.start})"
        problems.append(Problem(("effective_from",), message))
    if new_target_month < effective_from:
        message = f"the new target month {new_target_month} is before the re-set starts ({effective_from})"
        problems.append(Problem(("new_target_month",), message))
    return problems


def _changes(old: Trajectory, new: Trajectory) -> tuple[TrajectoryChange, ...]:
    """Every month, over both trajectories' spans, whose planned value differs."""
    old_values, new_values = dict(old.points), dict(new.points)
    months = sorted(set(old_values) | set(new_values))
    return tuple(
        TrajectoryChange(month, old_values.get(month), new_values.get(month))
        for month in months
        if old_values.get(month) != new_values.get(month)
    )


# --- checking and loading --------------------------------------------------------------------------------


def target_problems(target: Target, path: Path) -> list[Problem]:
    """Months that are not ``YYYY/YY-Mnn``, a baseline without its month (or the other way), a baseline
    after the target month, points out of order or not ending at the target."""
    problems: list[Problem] = []
    start = _month(target.baseline_month, (*path, "baseline_month"), problems)
    end = _month(target.target_month, (*path, "target_month"), problems)
    points = [
        _month(point.month, (*path, "points", index, "month"), problems)
        for index, point in enumerate(target.points or [])
    ]
    if (target.baseline is None) != (target.baseline_month is None):
        message = "give both baseline and baseline_month, or neither"
        problems.append(
            Problem((*path, "baseline" if target.baseline is None else "baseline_month"), message)
        )
    if start is not None and end is not None and end < start:
        message = f"the target month {end} is before the baseline month {start}"
        problems.append(Problem((*path, "target_month"), message))
    return problems + _points_problems(target, path, points, end) + _percent_problems(target, path)


PERCENT_UNITS = ("%", "percent", "per cent")
"""Units that make a target's values percentages, from 0 to 100."""


def _percent_problems(target: Target, path: Path) -> list[Problem]:
    """A percentage target's baseline, target value and points are from 0 to 100, and its tolerances at
    most 100 (a "%" target of 195 is a mistake: a share written as 1.95, or a count)."""
    if target.unit.strip().lower() not in PERCENT_UNITS:
        return []
    values: list[tuple[Path, float | None]] = [
        ((*path, "baseline"), target.baseline),
        ((*path, "target"), target.target),
        *(((*path, "points", at, "value"), point.value) for at, point in enumerate(target.points or [])),
        ((*path, "alert", "tolerance"), target.alert.tolerance),
        ((*path, "alert", "severe_tolerance"), target.alert.severe_tolerance),
    ]
    return [
        Problem(place, f"expected a percentage from 0 to 100 (the unit is '{target.unit}'); found {value:g}")
        for place, value in values
        if value is not None and not 0 <= value <= 100
    ]


def _month(label: str | None, path: Path, problems: list[Problem]) -> Month | None:
    """``label`` as a month, or ``None`` (with a problem added when it is not a month)."""
    if label is None:
        return None
    try:
        return Month.parse(label)
    except MonthError as error:
        problems.append(Problem(path, str(error)))
        return None


def _points_problems(
    target: Target, path: Path, points: Sequence[Month | None], end: Month | None
) -> list[Problem]:
    if not target.points:
        return []
    problems = [
        Problem((*path, "points", index, "month"), f"{month} is not after the point before it ({before})")
        for index, (before, month) in enumerate(itertools.pairwise(points), start=1)
        if before is not None and month is not None and month <= before
    ]
    last, last_value = points[-1], target.points[-1].value
    if last is not None and end is not None and (last != end or last_value != target.target):
        message = (
            f"the last point must be the target, {target.target:g} in {end}; found {last_value:g} in {last}"
        )
        problems.append(Problem((*path, "points", len(points) - 1), message))
    return problems


def register_problems(register: TargetRegister) -> list[Problem]:
    """Every target's problems, and ids used twice."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, target in enumerate(register.targets):
        if target.id in seen:
            problems.append(
                Problem(("targets", index, "id"), f"the id '{target.id}' is used by an earlier target")
            )
        seen.add(target.id)
        problems += target_problems(target, ("targets", index))
    return problems


def load_targets(path: str | pathlib.Path) -> TargetRegister:
    """Read a target register (YAML); raise :class:`TargetRegisterError` listing every problem, located."""
    return load_model(path, TargetRegister, TargetRegisterError, register_problems)[0]
