"""Statistical process control on monthly activity: an XmR chart and the rules that tell a real change from
noise, following NHS England's "Making Data Count" (MDC) as the NHS-R Community's NHSRplotthedots implements
it (https://github.com/nhs-r-community/NHSRplotthedots: ``R/ptd_spc_standard.R`` for the limits,
``R/ptd_calculate_point_type.R`` for the rules, ``R/ptd_calculate_assurance_type.R`` for assurance;
``tests/delivery/test_spc_peer.py`` reproduces its published cases).

For values ``x_1 … x_n``, split into periods at the rebase points (one period when there are none), each
period with a baseline of its first ``b`` points (all of them by default):

    centre    x̄ = mean of the baseline
    MR_i      = |x_i − x_{i−1}| within the period (none for its first point); M̄R = mean of the baseline's
                moving ranges, leaving out, when screening, those of 3.267 · M̄R or more (then M̄R again)
    limits    x̄ ± 2.66 · M̄R          (2.66 = 3 / d2, d2 = 1.128 for ranges of two points)
    2σ lines  x̄ ± (2/3) · 2.66 · M̄R  (two thirds of the way from the centre to each limit)

Special-cause rules, each point marked by every rule it is part of, applied within its period:

- ``outside``: a point above the upper or below the lower limit;
- ``trend``: 7 or more consecutive points each higher (or each lower) than the one before — 6 rises or 6 falls
  in a row; a point equal to the one before breaks it;
- ``two_of_three``: two or three of three consecutive points between a 2σ line and its limit (a point outside
  the limits is ``outside``, not counted here), all three on the same side of the centre; the points near the
  limit are marked;
- ``shift``: 7 or more consecutive points on the same side of the centre line; a point on the line breaks it.

A point's direction comes from its first rule in that order: outside, 2 of 3 and shift by the side of the
centre line, a trend by its slope (``increasing``/``decreasing``, not the side most of its points sit on).
With an improvement direction (``increase``, ``decrease`` or ``neutral``) a special-cause point is an
improvement or a concern (neutral: neither, just high or low); the chart's *variation* is its last point's,
as MDC's variation icon shows. With a target, *assurance* compares it with the last period's limits: a target
beyond the limits on the good side always passes, on the bad side always fails, between them hit and miss.

Options, as MDC and NHSRplotthedots have them: ``screen_outliers`` (NHSRplotthedots screens by default; the
MDC Excel tool does not, and neither does CareBridge unless asked, so its limits match the Excel tool's),
``rebase`` (labels of the points that start a new period), ``baseline`` (fix the centre and limits on the
first n points of each period) and ``improvement``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, get_args

LIMIT_FACTOR = 2.66
TWO_SIGMA_FACTOR = 2 * LIMIT_FACTOR / 3
SCREEN_FACTOR = 3.267
D2 = 1.128
RUN_LENGTH = 7
TREND_LENGTH = 7
SIGNALS = ("outside", "trend", "two_of_three", "shift")
"""The rules in the order that gives a point its direction (NHSRplotthedots' order)."""

Improvement = Literal["increase", "decrease", "neutral"]
IMPROVEMENTS: tuple[str, ...] = get_args(Improvement)
Variation = Literal["common_cause", "improvement", "concern", "neutral"]
Assurance = Literal["pass", "fail", "hit_and_miss"]

VARIATION_ICONS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause variation: improvement, higher values",
    "improvement_low": "Special cause variation: improvement, lower values",
    "concern_high": "Special cause variation: concern, higher values",
    "concern_low": "Special cause variation: concern, lower values",
    "neutral_high": "Special cause variation: higher values, neither improvement nor concern",
    "neutral_low": "Special cause variation: lower values, neither improvement nor concern",
}
"""MDC's variation icons, by key, with the words that say what each shows."""

ASSURANCE_ICONS: dict[str, str] = {
    "pass": "Assurance: consistently passes the target",
    "fail": "Assurance: consistently fails the target",
    "hit_and_miss": "Assurance: hit and miss, the target lies between the process limits",
}
"""MDC's assurance icons, by key, with their words."""

VARIATION_TEXT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
}
"""Short words for each variation icon, as a table cell shows them."""

ASSURANCE_TEXT = {"pass": "Consistently passes", "fail": "Consistently fails", "hit_and_miss": "Hit and miss"}
"""Short words for each assurance icon."""


class SpcError(ValueError):
    """Options or values an XmR chart cannot be drawn from; the message says which and what was expected."""


@dataclass(frozen=True)
class SpcOptions:
    """How a chart is drawn (module docstring)."""

    improvement: Improvement = "neutral"
    screen_outliers: bool = False
    rebase: tuple[str, ...] = ()
    baseline: int | None = None
    target: float | None = None


@dataclass(frozen=True)
class SpcPoint:
    label: str
    value: float
    moving_range: float | None
    signals: tuple[str, ...]
    centre: float = math.nan
    lower: float = math.nan
    upper: float = math.nan
    period: int = 0
    direction: int = 0
    """+1 higher (above the centre, or an increasing trend), −1 lower, 0 no special cause."""
    variation: Variation = "common_cause"

    @property
    def reason(self) -> str:
        """The rule that sets the point's direction, in words (empty for common cause)."""
        if not self.signals:
            return ""
        side = "above" if self.direction > 0 else "below"
        return {
            "outside": f"{side} the {'upper' if self.direction > 0 else 'lower'} process limit",
            "trend": f"7-point trend, {'increasing' if self.direction > 0 else 'decreasing'}",
            "two_of_three": f"2 of 3 points near the {'upper' if self.direction > 0 else 'lower'} limit",
            "shift": f"7 points in a row {side} the centre line",
        }[self.signals[0]]


@dataclass(frozen=True)
class SpcPeriod:
    """One period between rebase points: its points ``first`` to ``last`` (indices) and its lines."""

    first: int
    last: int
    centre: float
    mean_moving_range: float
    baseline: int
    screened: tuple[str, ...]
    """Labels of the points whose moving range was left out by screening."""

    @property
    def upper(self) -> float:
        return self.centre + LIMIT_FACTOR * self.mean_moving_range

    @property
    def lower(self) -> float:
        return self.centre - LIMIT_FACTOR * self.mean_moving_range


@dataclass(frozen=True)
class XmrChart:
    points: tuple[SpcPoint, ...]
    periods: tuple[SpcPeriod, ...]
    options: SpcOptions = SpcOptions()

    @property
    def current(self) -> SpcPeriod:
        return self.periods[-1]

    @property
    def centre(self) -> float:
        return self.current.centre

    @property
    def mean_moving_range(self) -> float:
        return self.current.mean_moving_range

    @property
    def upper(self) -> float:
        return self.current.upper

    @property
    def lower(self) -> float:
        return self.current.lower

    @property
    def baseline(self) -> int:
        return self.current.baseline

    @property
    def sigma(self) -> float:
        """One sigma, a third of the distance from the centre to a limit: ``2.66 · M̄R / 3``."""
        return LIMIT_FACTOR * self.mean_moving_range / 3

    @property
    def signals(self) -> set[str]:
        return {signal for point in self.points for signal in point.signals}

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)

    @property
    def variation(self) -> str:
        """The key of MDC's variation icon (:data:`VARIATION_ICONS`): the last point's variation."""
        last = self.points[-1]
        if last.variation == "common_cause":
            return "common_cause"
        return f"{last.variation}_{'high' if last.direction > 0 else 'low'}"

    @property
    def assurance(self) -> str | None:
        """The key of MDC's assurance icon (:data:`ASSURANCE_ICONS`), None with no target or a neutral
        improvement direction."""
        return assurance(self.options.target, self.options.improvement, self.lower, self.upper)

    def summary(self) -> str:
        """The chart in words: the variation of the last point and why."""
        last = self.points[-1]
        words = VARIATION_ICONS[self.variation]
        return f"{words} ({last.reason})" if last.signals else words


def assurance(target: float | None, improvement: str, lower: float, upper: float) -> Assurance | None:
    """MDC's assurance of a target against the process limits (NHSRplotthedots'
    ``ptd_calculate_assurance_type``): a target above the upper limit always fails when higher is better
    (always passes when lower is), below the lower limit the other way round, between them hit and miss."""
    if target is None or improvement == "neutral":
        return None
    increasing = improvement == "increase"
    if target > upper:
        return "fail" if increasing else "pass"
    if target < lower:
        return "pass" if increasing else "fail"
    return "hit_and_miss"


def xmr(
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    baseline: int | None = None,
    options: SpcOptions | None = None,
) -> XmrChart:
    """The XmR chart of ``values`` with its signals (module docstring); ``baseline`` replaces the options'.
    Each period needs two points or more."""
    chosen = options or SpcOptions()
    if baseline is not None:
        chosen = replace(chosen, baseline=baseline)
    count = len(values)
    if count < 2:
        raise SpcError(f"an XmR chart needs at least 2 points; got {count}")
    names = list(labels) if labels is not None else [str(i + 1) for i in range(count)]
    if len(names) != count:
        raise SpcError(f"{len(names)} labels for {count} values")
    _check(chosen, names)
    starts = sorted({0, *(names.index(label) for label in chosen.rebase)})
    bounds = list(zip(starts, [*starts[1:], count], strict=True))
    periods: list[SpcPeriod] = []
    points: list[SpcPoint] = []
    for number, (first, end) in enumerate(bounds):
        if end - first < 2:
            raise SpcError(
                f"the period starting at {names[first]} has {end - first} point; each period between "
                "rebase points needs at least 2"
            )
        period = _period(values, names, first, end, chosen)
        periods.append(period)
        points.extend(_points(values, names, period, number, chosen.improvement))
    return XmrChart(tuple(points), tuple(periods), chosen)


def _check(options: SpcOptions, names: Sequence[str]) -> None:
    if options.improvement not in IMPROVEMENTS:
        raise SpcError(
            f"improvement direction {options.improvement!r}: expected one of {', '.join(IMPROVEMENTS)}"
        )
    if options.baseline is not None and options.baseline < 2:
        raise SpcError(f"the baseline must be 2 points or more; got {options.baseline}")
    for label in options.rebase:
        if label not in names:
            raise SpcError(
                f"rebase at {label!r}: no such point (the first is {names[0]}, the last {names[-1]})"
            )


def _period(
    values: Sequence[float], names: Sequence[str], first: int, end: int, options: SpcOptions
) -> SpcPeriod:
    """The centre and mean moving range of the points ``first`` to ``end − 1`` from their baseline."""
    size = min(end - first, options.baseline or end - first)
    fixed = [float(v) for v in values[first : first + size]]
    centre = math.fsum(fixed) / size
    ranges = [abs(fixed[i] - fixed[i - 1]) for i in range(1, size)]
    mean_range = math.fsum(ranges) / len(ranges)
    screened: tuple[str, ...] = ()
    if options.screen_outliers and mean_range > 0:
        kept = [r for r in ranges if r < SCREEN_FACTOR * mean_range]
        screened = tuple(
            names[first + 1 + i] for i, r in enumerate(ranges) if r >= SCREEN_FACTOR * mean_range
        )
        mean_range = math.fsum(kept) / len(kept)
    return SpcPeriod(first, end - 1, centre, mean_range, size, screened)


def _points(
    values: Sequence[float], names: Sequence[str], period: SpcPeriod, number: int, improvement: str
) -> list[SpcPoint]:
    """The points of one period with the rules applied to them alone."""
    mine = [float(v) for v in values[period.first : period.last + 1]]
    centre, upper, lower = period.centre, period.upper, period.lower
    near = TWO_SIGMA_FACTOR * period.mean_moving_range
    sides = [_side(v, centre) for v in mine]
    outside = [v > upper or v < lower for v in mine]
    close = [not out and abs(v - centre) > near for v, out in zip(mine, outside, strict=True)]
    trend = trend_slopes(mine)
    shifted = shift_points(sides)
    two_of_three = two_of_three_points(close, sides)
    points = []
    for i, value in enumerate(mine):
        flags = {
            "outside": outside[i],
            "trend": trend[i] != 0,
            "two_of_three": i in two_of_three,
            "shift": i in shifted,
        }
        signals = tuple(s for s in SIGNALS if flags[s])
        direction = (trend[i] if signals[0] == "trend" else sides[i]) if signals else 0
        index = period.first + i
        points.append(
            SpcPoint(
                names[index],
                value,
                abs(value - mine[i - 1]) if i else None,
                signals,
                centre,
                lower,
                upper,
                number,
                direction,
                _variation(direction, improvement),
            )
        )
    return points


def _variation(direction: int, improvement: str) -> Variation:
    if direction == 0:
        return "common_cause"
    if improvement == "neutral":
        return "neutral"
    good = 1 if improvement == "increase" else -1
    return "improvement" if direction == good else "concern"


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


def shift_points(sides: Sequence[int]) -> set[int]:
    """Indices of the points in a run of :data:`RUN_LENGTH` or more on one side of the centre line (``sides``:
    +1 above, −1 below, 0 on the line, which breaks a run)."""
    return {i for run in _runs(sides) if len(run) >= RUN_LENGTH for i in run}


def _runs(sides: Sequence[int]) -> list[list[int]]:
    """Index runs of consecutive points on the same (non-zero) side."""
    runs: list[list[int]] = []
    for i, side in enumerate(sides):
        if side == 0:
            runs.append([])
        elif runs and runs[-1] and sides[runs[-1][-1]] == side:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [run for run in runs if run]


def trend_slopes(values: Sequence[float]) -> list[int]:
    """+1 or −1 for each point in a run of :data:`TREND_LENGTH` or more, each strictly higher (lower) than the
    one before; a point that ends one trend and starts the next takes the later one's slope, as
    NHSRplotthedots reads the slope to the right of a point inside a trend."""
    slopes = [0] * len(values)
    start = 0
    direction = 0
    for i in range(1, len(values) + 1):
        step = _side(values[i], values[i - 1]) if i < len(values) else 0
        if step != 0 and step == direction:
            continue
        if direction != 0 and i - start >= TREND_LENGTH:
            for j in range(start, i):
                slopes[j] = direction
        start, direction = (i - 1, step) if step != 0 else (i, 0)
    return slopes


def two_of_three_points(close: Sequence[bool], sides: Sequence[int]) -> set[int]:
    """Points near a limit in a window of three with two or more near it, all three on one side."""
    marked: set[int] = set()
    for start in range(len(close) - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and abs(sum(sides[i] for i in window)) == 3:
            marked.update(i for i in window if close[i])
    return marked
