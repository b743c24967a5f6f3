"""One-way sensitivity: each uncertain input moved alone, the others at their central values.

For each uncertain input ``k`` with low and high percentiles ``x_k(p_low)``, ``x_k(p_high)`` (P10 and P90 by
default), the chosen output ``y`` is computed with ``x_k`` at each end and every other input at its central
value; the inputs are ranked by their **swing** ``|y(high) − y(low)|`` (the tornado). Every evaluation is a
row of one vectorised batch (:func:`~carebridge.engine.simulate.batch.run_batch`).

The **switching value** of an input is the value within its range (:meth:`bounds` of its distribution: its
support, or its 0.1% and 99.9% quantiles where unbounded) at which the output is zero — for the default
output, where the programme's net saving turns into a net cost. It is found by evaluating the output
on a grid across the range, taking the sign change nearest the central value, and refining it by the Illinois
variant of regula falsi, all inputs at once; an input whose output keeps one sign across its range has none
within range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.finance import NET, SYSTEM
from carebridge.engine.flows import SECTORS
from carebridge.engine.inputs import DRAW
from carebridge.engine.labels import label_map, plain
from carebridge.engine.results import Results
from carebridge.engine.simulate.batch import run_batch
from carebridge.engine.simulate.sampling import Uncertain
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import input_labels

Floats = npt.NDArray[np.float64]
ALL_YEARS = "all"

GRID = 9
"""Points across each input's range on which the output is first evaluated."""
ITERATIONS = 60
"""Most refinements of a switching value."""


@dataclass(frozen=True)
class Output:
    """A number of each run, signed as every table of the tool: the programme's **net saving** (the
    statement's net line on a basis, a saving negative) or an organisation's (or the system's) do-something
    position (a deficit positive, a surplus negative); in one year, or summed over every year
    (``year='all'``). The default year is the last."""

    measure: Literal["net_saving", "position"] = "net_saving"
    year: str | None = None
    basis: Literal["tariff", "cost"] = "tariff"
    org: str = SYSTEM

    def series(self, results: Results) -> xr.DataArray:
        """The output by year (and draw)."""
        if self.measure == "net_saving":
            statement = results.statement.sel(basis=self.basis, line=NET, drop=True)
            return statement.drop_vars("section", errors="ignore")
        do_something = results.positions.sel(line="do_something", drop=True)
        if self.org in SECTORS:  # a sector's position: the sum of its organisations' own lines
            sectors = label_map(results.positions, "org", "sector")
            members = [org for org, sector in sectors.items() if sector == self.org and org != SYSTEM]
            return plain(do_something.sel(org=members)).sum("org")
        return do_something.sel(org=self.org, drop=True)

    def of(self, results: Results, draws: int) -> Floats:
        """The output in each of ``draws`` draws."""
        series = self.series(results)
        value = series.sum("year") if self.year == ALL_YEARS else series.sel(year=self.chosen_year(results))
        return np.broadcast_to(np.asarray(value.transpose(...).values, dtype=float), (draws,)).copy()

    def chosen_year(self, results: Results) -> str:
        return self.year if self.year not in (None, ALL_YEARS) else results.years[-1]

    def label(self, years: list[str], org_name: str | None = None) -> str:
        """What the output is, for which year, and which way it runs: ``net saving (tariff basis) in
        2020/21, £'000, a saving negative``. ``org_name`` names the organisation of a position."""
        year = "summed over every year" if self.year == ALL_YEARS else f"in {self.year or years[-1]}"
        if self.measure == "net_saving":
            return f"net saving ({self.basis} basis) {year}, £'000, a saving negative"
        who = "the system" if self.org == SYSTEM else (org_name or self.org)
        who = f"the {who}" if self.org == "nhs" else who
        return f"do-something position of {who} {year}, £'000, a deficit positive"


@dataclass(frozen=True)
class Swing:
    """One input's effect on the output."""

    name: str
    """The input's name (its path in the scenario)."""
    label: str
    """The input in the scenario's words (:func:`~carebridge.scenario.uncertain.input_labels`)."""
    central: float
    low: float
    high: float
    output_low: float
    output_high: float
    range: tuple[float, float]
    switching_value: float | None
    """Where the output is zero, or None: none within ``range``."""

    @property
    def swing(self) -> float:
        return abs(self.output_high - self.output_low)


@dataclass(frozen=True)
class Sensitivity:
    """Each uncertain input's swing, largest first, and the output with every input central."""

    output: Output
    output_label: str
    central_output: float
    low_percentile: float
    high_percentile: float
    swings: list[Swing]


Evaluate = Callable[[Floats], Floats]
Progress = Callable[[int], None]


def one_way(
    scenario: Scenario,
    output: Output | None = None,
    *,
    low: float = 10.0,
    high: float = 90.0,
    switching: bool = True,
    progress: Progress | None = None,
) -> Sensitivity:
    """The one-way sensitivity of ``output`` (default: net saving on the tariff basis in the last year) to
    each uncertain input of ``scenario``, between its ``low`` and ``high`` percentiles."""
    if not 0 <= low < high <= 100:
        raise ValueError(f"expected 0 ≤ low < high ≤ 100; found low {low:g} and high {high:g}")
    chosen = output or Output()
    uncertain = Uncertain.of(scenario)
    if not uncertain.inputs:
        raise ValueError("the scenario has no uncertain input; write a distribution in place of a number")
    central = uncertain.central()
    years: list[str] = []
    org_name: list[str] = []

    def evaluate(rows: Floats) -> Floats:
        results = run_batch(scenario, uncertain, rows)
        years[:] = results.years
        org_name[:] = [results.org_label(chosen.org)]
        if progress is not None:
            progress(rows.shape[0])
        return chosen.of(results, rows.shape[0])

    k = len(uncertain.inputs)
    lows, highs = uncertain.quantiles(low / 100), uncertain.quantiles(high / 100)
    rows = np.tile(central, (2 * k + 1, 1))
    rows[1 + 2 * np.arange(k), np.arange(k)] = lows
    rows[2 + 2 * np.arange(k), np.arange(k)] = highs
    values = evaluate(rows)
    ranges = np.array([item.distribution.bounds() for item in uncertain.inputs])
    switch = switching_values(evaluate, central, ranges) if switching else [None] * k
    labels = input_labels(scenario, uncertain.names)
    swings = [
        Swing(
            name=item.name,
            label=labels[item.name],
            central=float(central[i]),
            low=float(lows[i]),
            high=float(highs[i]),
            output_low=float(values[1 + 2 * i]),
            output_high=float(values[2 + 2 * i]),
            range=(float(ranges[i, 0]), float(ranges[i, 1])),
            switching_value=switch[i],
        )
        for i, item in enumerate(uncertain.inputs)
    ]
    swings.sort(key=lambda swing: -swing.swing)
    output_label = chosen.label(years, org_name[0] if org_name else None)
    return Sensitivity(chosen, output_label, float(values[0]), low, high, swings)


def switching_values(evaluate: Evaluate, central: Floats, ranges: Floats) -> list[float | None]:
    """For each input ``k``, the value in ``ranges[k]`` at which ``evaluate`` (a batch of rows, (row,
    input), to outputs) is zero with every other input central; None where it keeps one sign."""
    k = central.size
    grid = ranges[:, :1] + (ranges[:, 1:] - ranges[:, :1]) * np.linspace(0, 1, GRID)  # (input, point)
    found = evaluate(_rows(central, np.repeat(np.arange(k), GRID), grid.ravel())).reshape(k, GRID)
    result: list[float | None] = [None] * k
    left, right, f_left, f_right, active = [], [], [], [], []
    for i in range(k):
        bracket = _bracket(grid[i], found[i], central[i])
        if bracket is None:
            continue
        a, b, fa, fb = bracket
        if fa == 0 or a == b:
            result[i] = float(a)
        elif fb == 0:
            result[i] = float(b)
        else:
            left.append(a)
            right.append(b)
            f_left.append(fa)
            f_right.append(fb)
            active.append(i)
    if active:
        roots = _illinois(
            evaluate,
            central,
            np.array(active),
            np.array(left),
            np.array(right),
            np.array(f_left),
            np.array(f_right),
            ranges,
        )
        for i, root in zip(active, roots, strict=True):
            result[i] = float(root)
    return result


def _rows(central: Floats, inputs: npt.NDArray[np.intp], values: Floats) -> Floats:
    """Rows of inputs at their central values except input ``inputs[r]`` at ``values[r]`` in row ``r``."""
    rows = np.tile(central, (inputs.size, 1))
    rows[np.arange(inputs.size), inputs] = values
    return rows


def _bracket(xs: Floats, fs: Floats, centre: float) -> tuple[float, float, float, float] | None:
    """The grid interval where ``fs`` changes sign (or is zero) nearest ``centre``, or None."""
    candidates = [
        (abs((xs[g] + xs[g + 1]) / 2 - centre), g)
        for g in range(xs.size - 1)
        if fs[g] == 0 or fs[g] * fs[g + 1] < 0 or (g == xs.size - 2 and fs[g + 1] == 0)
    ]
    if not candidates or np.all(fs == 0):
        return None
    g = min(candidates)[1]
    return float(xs[g]), float(xs[g + 1]), float(fs[g]), float(fs[g + 1])


def _illinois(
    evaluate: Evaluate,
    central: Floats,
    inputs: npt.NDArray[np.intp],
    a: Floats,
    b: Floats,
    fa: Floats,
    fb: Floats,
    ranges: Floats,
) -> Floats:
    """Roots of each bracket ``[a, b]`` (``fa · fb < 0``) by the Illinois method, all brackets at once:
    ``c = b − fb (b − a) / (fb − fa)``; the end whose sign ``f(c)`` shares moves to ``c``, and when the same
    end is kept twice running the other end's value is halved."""
    tolerance = 1e-10 * np.maximum(ranges[inputs, 1] - ranges[inputs, 0], 1e-12)
    side = np.zeros(a.size, dtype=int)
    c = b.copy()
    done = np.zeros(a.size, dtype=bool)
    for _ in range(ITERATIONS):
        c = np.where(done, c, b - fb * (b - a) / (fb - fa))
        open_ = np.flatnonzero(~done)
        fc = np.zeros(a.size)
        fc[open_] = evaluate(_rows(central, inputs[open_], c[open_]))
        same_as_b = fc * fb > 0
        a_new = np.where(same_as_b, a, b)
        fa_new = np.where(same_as_b, fa, fb)
        fa_new = np.where(same_as_b & (side == 1), fa / 2, fa_new)
        b, fb = c.copy(), fc
        a, fa = a_new, fa_new
        side = np.where(same_as_b, 1, -1)
        done |= (fc == 0) | (np.abs(b - a) <= tolerance)
        if done.all():
            break
    return c


def at_draw(array: xr.DataArray, draw: int) -> xr.DataArray:
    return array.isel({DRAW: draw}) if DRAW in array.dims else array
