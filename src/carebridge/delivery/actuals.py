"""Actuals: what monitoring imports each month, as typed records, and the checks each row must pass.

Five kinds of table, each with a natural key (a second import of a row with the same key replaces its value):

| kind | columns | key |
|---|---|---|
| ``activity`` | month, pod, provider (optional), activity | month, pod, provider |
| ``spend`` | month, scheme, spend (£'000 invested that month) | month, scheme |
| ``milestones`` | scheme, milestone, due, status, done (month, when done) | scheme, milestone |
| ``forecast`` | month, pod, forecast (the user's full-year outturn, as at the month) | month, pod |
| ``profile`` | pod, month (M01 to M12), weight (a seasonal profile of the POD's year) | pod, month |

An activity row with no provider (or ``all``) is the POD's total; rows per provider are added up when a
month has no total. A row whose value cell is blank is not reported yet and is skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.months import Month, MonthError, parse_period
from carebridge.scenario.bounds import Kind as NumberKind
from carebridge.scenario.bounds import beyond_bound
from carebridge.scenario.errors import did_you_mean

ALL_PROVIDERS = "all"
MILESTONE_STATUSES = ("not_started", "on_track", "at_risk", "late", "done")
Kind = Literal["activity", "spend", "milestones", "forecast", "profile"]
KINDS: tuple[Kind, ...] = ("activity", "spend", "milestones", "forecast", "profile")
Cell: TypeAlias = str | float | int | None


@dataclass(frozen=True)
class ActivityActual:
    month: Month
    pod: str
    provider: str
    activity: float


@dataclass(frozen=True)
class SpendActual:
    month: Month
    scheme: str
    spend: float


@dataclass(frozen=True)
class MilestoneStatus:
    scheme: str
    milestone: str
    due: Month
    status: str
    done: Month | None


@dataclass(frozen=True)
class ActivityForecast:
    month: Month
    pod: str
    forecast: float


@dataclass(frozen=True)
class ProfileWeight:
    pod: str
    period: int
    weight: float


Record: TypeAlias = ActivityActual | SpendActual | MilestoneStatus | ActivityForecast | ProfileWeight


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: str


@dataclass(frozen=True)
class TableSpec:
    kind: Kind
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    value: str
    """The column whose blank means the row is not reported yet."""
    description: str

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


_MONTH_HELP = "financial month YYYY/YY-Mnn: M01 is April, M12 is March (2018/19-M06 is September 2018)"
SPECS: dict[Kind, TableSpec] = {
    "activity": TableSpec(
        "activity",
        (
            Column("month", True, _MONTH_HELP),
            Column("pod", True, "POD id of the approved plan, e.g. ae"),
            Column(
                "provider", False, "provider id (an organisation, or other); blank or 'all' for the total"
            ),
            Column("activity", True, "activity in the month, in the POD's unit (zero or more)"),
        ),
        ("month", "pod", "provider"),
        "activity",
        "Activity by POD (and provider) per month",
    ),
    "spend": TableSpec(
        "spend",
        (
            Column("month", True, _MONTH_HELP),
            Column("scheme", True, "scheme id of the approved plan"),
            Column("spend", True, "investment spent on the scheme in the month, £'000"),
        ),
        ("month", "scheme"),
        "spend",
        "Investment spent per scheme per month",
    ),
    "milestones": TableSpec(
        "milestones",
        (
            Column("scheme", True, "scheme id of the approved plan"),
            Column("milestone", True, "name of the milestone of the mobilisation plan"),
            Column("due", True, "month the milestone is due, YYYY/YY-Mnn"),
            Column("status", True, "one of " + ", ".join(MILESTONE_STATUSES)),
            Column("done", False, "month it was done, YYYY/YY-Mnn (needed when the status is done)"),
        ),
        ("scheme", "milestone"),
        "status",
        "Milestones of the mobilisation and implementation plan and their status",
    ),
    "forecast": TableSpec(
        "forecast",
        (
            Column("month", True, "month the forecast is made in, YYYY/YY-Mnn"),
            Column("pod", True, "POD id of the approved plan"),
            Column("forecast", True, "forecast full-year activity (outturn) of the POD's financial year"),
        ),
        ("month", "pod"),
        "forecast",
        "The user's own full-year forecast of activity; replaces the run rate",
    ),
    "profile": TableSpec(
        "profile",
        (
            Column("pod", True, "POD id of the approved plan"),
            Column("month", True, "month of the year, M01 (April) to M12 (March)"),
            Column("weight", True, "relative weight of the month (zero or more; scaled to sum to 1)"),
        ),
        ("pod", "month"),
        "weight",
        "A seasonal monthly profile per POD (default: flat, one twelfth a month)",
    ),
}


class CellError(ValueError):
    """A cell that does not hold what its column expects (the message says what was expected)."""


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


BOUNDS: dict[str, tuple[NumberKind, str]] = {
    "activity": ("activity", "activity of at most 10,000,000,000 in a month"),
    "spend": ("money", "spend in £'000 of at most 100,000,000 (£100bn) in size"),
    "forecast": ("activity", "a full-year forecast of at most 10,000,000,000"),
    "weight": ("number", "a weight of at most 1,000,000,000,000"),
}
"""The bound of each number column, by the kind of number in :mod:`carebridge.scenario.bounds` (a value far
beyond anything a plan holds is a mistake, such as ``1e300``; docs/delivery.md, "Sizes of numbers")."""


def number(value: Cell, minimum: float | None = None, column: str | None = None) -> float:
    if isinstance(value, bool):
        raise CellError(f"expected a number, found {value!r}")
    try:
        result = float(value.replace(",", "")) if isinstance(value, str) else float(value or 0)
    except ValueError:
        raise CellError(f"expected a number, found '{value}'") from None
    if not math.isfinite(result):
        raise CellError(f"expected a finite number, found '{value}'")
    if minimum is not None and result < minimum:
        raise CellError(f"expected a number {minimum:g} or more, found {result:g}")
    if column in BOUNDS:
        kind, words = BOUNDS[column]
        beyond = beyond_bound(result, kind, words)
        if beyond is not None:
            raise CellError(beyond)
    return result


class RowChecker:
    """Checks the cells of each kind of row against the approved plan and builds the records."""

    def __init__(self, baseline: PlanBaseline) -> None:
        self.baseline = baseline
        self.years = set(baseline.years)
        self.activity_pods = baseline.activity_pods
        self.schemes = baseline.scheme_ids
        self.providers = {pod.id: list(pod.providers) for pod in baseline.pods}

    def build(self, kind: Kind, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        """The record of a row, or ``None`` with ``(column, reason)`` appended to ``problems``."""
        builders: dict[Kind, Callable[[Mapping[str, Cell], list[tuple[str, str]]], Record | None]] = {
            "activity": self._activity,
            "spend": self._spend,
            "milestones": self._milestone,
            "forecast": self._forecast,
            "profile": self._profile,
        }
        return builders[kind](cells, problems)

    def _check(self, column: str, parse: Callable[[], object], problems: list[tuple[str, str]]) -> object:
        try:
            return parse()
        except (CellError, MonthError, KeyError) as error:
            reason = error.args[0] if error.args else str(error)
            problems.append((column, str(reason)))
            return None

    def month(self, value: Cell) -> Month:
        if is_blank(value):
            raise CellError("the month is missing; expected " + _MONTH_HELP)
        month = Month.parse(text(value))
        if month.year not in self.years:
            first, last = min(self.years), max(self.years)
            raise CellError(f"{month.year} is outside the plan's years {first} to {last}")
        return month

    def pod(self, value: Cell) -> str:
        pod = text(value)
        if pod in self.activity_pods:
            return pod
        known = self.activity_pods
        if pod in self.providers:
            raise CellError(f"POD '{pod}' has no activity in the plan; expected one of {', '.join(known)}")
        hint = did_you_mean(pod, known) if pod else ""
        raise CellError(f"unknown POD '{pod}'; expected one of {', '.join(known)}{hint}")

    def scheme(self, value: Cell) -> str:
        scheme = text(value)
        if scheme in self.schemes:
            return scheme
        hint = did_you_mean(scheme, self.schemes) if scheme else ""
        raise CellError(f"unknown scheme '{scheme}'; expected one of {', '.join(self.schemes)}{hint}")

    def _activity(self, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        before = len(problems)
        month = self._check("month", lambda: self.month(cells.get("month")), problems)
        pod = self._check("pod", lambda: self.pod(cells.get("pod")), problems)
        provider = text(cells.get("provider")) or ALL_PROVIDERS
        if isinstance(pod, str) and provider != ALL_PROVIDERS and provider not in self.providers[pod]:
            known = ", ".join([*self.providers[pod], ALL_PROVIDERS])
            hint = did_you_mean(provider, self.providers[pod])
            problems.append(
                ("provider", f"'{provider}' is not a provider of POD '{pod}'; expected one of {known}{hint}")
            )
        value = self._check("activity", lambda: number(cells.get("activity"), 0.0, "activity"), problems)
        if len(problems) > before:
            return None
        assert isinstance(month, Month) and isinstance(pod, str) and isinstance(value, float)
        return ActivityActual(month, pod, provider, value)

    def _spend(self, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        before = len(problems)
        month = self._check("month", lambda: self.month(cells.get("month")), problems)
        scheme = self._check("scheme", lambda: self.scheme(cells.get("scheme")), problems)
        value = self._check("spend", lambda: number(cells.get("spend"), column="spend"), problems)
        if len(problems) > before:
            return None
        assert isinstance(month, Month) and isinstance(scheme, str) and isinstance(value, float)
        return SpendActual(month, scheme, value)

    def _milestone(self, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        before = len(problems)
        scheme = self._check("scheme", lambda: self.scheme(cells.get("scheme")), problems)
        name = text(cells.get("milestone"))
        if not name:
            problems.append(("milestone", "the milestone has no name"))
        due = self._check("due", lambda: self.month(cells.get("due")), problems)
        status = text(cells.get("status")).lower().replace(" ", "_")
        if status not in MILESTONE_STATUSES:
            hint = did_you_mean(status, MILESTONE_STATUSES) if status else ""
            problems.append(
                (
                    "status",
                    f"'{status}' is not a status; expected one of {', '.join(MILESTONE_STATUSES)}{hint}",
                )
            )
        done_cell = cells.get("done")
        done = None if is_blank(done_cell) else self._check("done", lambda: self.month(done_cell), problems)
        if status == "done" and is_blank(done_cell):
            problems.append(("done", "the status is done but the month it was done is missing"))
        if status in MILESTONE_STATUSES and status != "done" and not is_blank(done_cell):
            problems.append(("done", f"a done month is given but the status is '{status}'; expected done"))
        if len(problems) > before:
            return None
        assert isinstance(scheme, str) and isinstance(due, Month)
        return MilestoneStatus(scheme, name, due, status, done if isinstance(done, Month) else None)

    def _forecast(self, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        before = len(problems)
        month = self._check("month", lambda: self.month(cells.get("month")), problems)
        pod = self._check("pod", lambda: self.pod(cells.get("pod")), problems)
        value = self._check("forecast", lambda: number(cells.get("forecast"), 0.0, "forecast"), problems)
        if len(problems) > before:
            return None
        assert isinstance(month, Month) and isinstance(pod, str) and isinstance(value, float)
        return ActivityForecast(month, pod, value)

    def _profile(self, cells: Mapping[str, Cell], problems: list[tuple[str, str]]) -> Record | None:
        before = len(problems)
        pod = self._check("pod", lambda: self.pod(cells.get("pod")), problems)
        period = self._check("month", lambda: parse_period(cells.get("month")), problems)
        value = self._check("weight", lambda: number(cells.get("weight"), 0.0, "weight"), problems)
        if len(problems) > before:
            return None
        assert isinstance(pod, str) and isinstance(period, int) and isinstance(value, float)
        return ProfileWeight(pod, period, value)


def kind_of(record: Record) -> Kind:
    """The kind of table a record comes from."""
    if isinstance(record, ActivityActual):
        return "activity"
    if isinstance(record, SpendActual):
        return "spend"
    if isinstance(record, MilestoneStatus):
        return "milestones"
    if isinstance(record, ActivityForecast):
        return "forecast"
    return "profile"


def natural_key(record: Record) -> tuple[str, ...]:
    """The key that identifies a row in the store (a later import with the same key replaces it)."""
    if isinstance(record, ActivityActual):
        return (record.month.label, record.pod, record.provider)
    if isinstance(record, SpendActual):
        return (record.month.label, record.scheme)
    if isinstance(record, MilestoneStatus):
        return (record.scheme, record.milestone)
    if isinstance(record, ActivityForecast):
        return (record.month.label, record.pod)
    return (record.pod, f"M{record.period:02d}")


def describe_key(kind: Kind, key: tuple[str, ...]) -> str:
    return ", ".join(f"{name} {value}" for name, value in zip(SPECS[kind].key, key, strict=True))
