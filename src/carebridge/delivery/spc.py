"""Statistical process control on monthly activity: an XmR chart and the rules that tell a real change from
noise (the rules of NHS England's "Making Data Count", with the run length the brief asks for).

For values ``x_1 … x_n`` with a baseline of the first ``b`` points (all of them by default):

    centre    x̄ = mean of the baseline
    MR_i      = |x_i − x_{i−1}|, and M̄R = mean of the baseline's moving ranges
    limits    x̄ ± 2.66 · M̄R          (2.66 = 3 / d2, d2 = 1.128 for ranges of two points)
    σ̂        = M̄R / 1.128

Special-cause signals, each marking the points that make it:

- ``outside``: a point above the upper or below the lower limit;
- ``shift``: a run of ``run_length`` (default 8) or more points on the same side of the centre line (a point
  on the line breaks the run);
- ``trend``: ``trend_length`` (default 6) or more points each higher (or each lower) than the one before;
- ``two_of_three``: two of three consecutive points beyond 2σ̂ on the same side.

Anything else is common-cause variation: noise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LIMIT_FACTOR = 2.66
D2 = 1.128
RUN_LENGTH = 8
TREND_LENGTH = 6
SIGNALS = ("outside", "shift", "trend", "two_of_three")


@dataclass(frozen=True)
class SpcPoint:
    label: str
    value: float
    moving_range: float | None
    signals: tuple[str, ...]


@dataclass(frozen=True)
class XmrChart:
    centre: float
    mean_moving_range: float
    upper: float
    lower: float
    baseline: int
    points: tuple[SpcPoint, ...]

    @property
    def sigma(self) -> float:
        return self.mean_moving_range / D2

    @property
    def signals(self) -> set[str]:
        return {signal for point in self.points for signal in point.signals}

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)

    def direction(self) -> str | None:
        """``higher`` or ``lower`` when the signalling points lie mostly above or below the centre."""
        flagged = [point.value - self.centre for point in self.points if point.signals]
        if not flagged:
            return None
        return "higher" if sum(1 if d > 0 else -1 for d in flagged) >= 0 else "lower"


def xmr(
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    baseline: int | None = None,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
) -> XmrChart:
    """The XmR chart of ``values`` with its signals (module docstring). Needs two points or more."""
    count = len(values)
    if count < 2:
        raise ValueError(f"an XmR chart needs at least 2 points; got {count}")
    chosen = count if baseline is None else baseline
    if not 2 <= chosen <= count:
        raise ValueError(f"the baseline must be 2 to {count} points; got {chosen}")
    names = list(labels) if labels is not None else [str(i + 1) for i in range(count)]
    if len(names) != count:
        raise ValueError(f"{len(names)} labels for {count} values")
    centre = math.fsum(values[:chosen]) / chosen
    ranges = [abs(values[i] - values[i - 1]) for i in range(1, count)]
    mean_range = math.fsum(ranges[: chosen - 1]) / (chosen - 1)
    upper, lower = centre + LIMIT_FACTOR * mean_range, centre - LIMIT_FACTOR * mean_range
    flags: list[set[str]] = [set() for _ in values]
    for i, value in enumerate(values):
        if value > upper or value < lower:
            flags[i].add("outside")
    for run in _runs([_side(v, centre) for v in values]):
        if len(run) >= run_length:
            for i in run:
                flags[i].add("shift")
    for run in _trends(values):
        if len(run) >= trend_length:
            for i in run:
                flags[i].add("trend")
    sigma = mean_range / D2
    for i in _two_of_three(values, centre, sigma):
        flags[i].add("two_of_three")
    points = tuple(
        SpcPoint(
            names[i],
            float(values[i]),
            ranges[i - 1] if i else None,
            tuple(s for s in SIGNALS if s in flags[i]),
        )
        for i in range(count)
    )
    return XmrChart(centre, mean_range, upper, lower, chosen, points)


def _side(value: float, centre: float) -> int:
    return (value > centre) - (value < centre)


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


def _trends(values: Sequence[float]) -> list[list[int]]:
    """Index runs of points each strictly higher (or lower) than the one before, the first point included."""
    runs: list[list[int]] = []
    current: list[int] = [0]
    direction = 0
    for i in range(1, len(values)):
        step = _side(values[i], values[i - 1])
        if step != 0 and step == direction:
            current.append(i)
        else:
            runs.append(current)
            current = [i - 1, i] if step != 0 else [i]
            direction = step
    runs.append(current)
    return runs


def _two_of_three(values: Sequence[float], centre: float, sigma: float) -> set[int]:
    marked: set[int] = set()
    if sigma <= 0:
        return marked
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        for side in (1, -1):
            beyond = [i for i in window if side * (values[i] - centre) > 2 * sigma]
            if len(beyond) >= 2:
                marked.update(beyond)
    return marked
