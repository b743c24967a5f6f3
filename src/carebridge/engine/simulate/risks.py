"""The pounds of the risk register in a Monte Carlo run: each risk's financial impact drawn per draw and
added to the position of the organisation that holds it.

A risk's impact is three amounts in £'000 — best, likely and worst — on one organisation's position, in each
year it applies; positive is a cost (it worsens the position, a deficit being positive), negative a gain.
It is drawn from the **triangular** distribution with ``low = best``, ``mode = likely``, ``high = worst``
(the distribution ``--spread`` uses; its mean is ``(best + likely + worst) / 3``) by inverse transform of a
uniform draw, so a risk with ``best = likely = worst`` adds exactly its value to every draw. Each risk is
drawn once per draw and the same amount lands in every year it applies (perfectly correlated over its
years); risks are independent of one another and of the scenario's own uncertain inputs. The draws come
from their own generator seeded by the run's seed, so the same seed gives the same numbers.

For each draw ``d``, organisation ``o`` and year ``y``: ``position_with_risks[d, o, y] = position[d, o, y] +
Σ_{risks r held by o, applying in y} impact[d, r]``, on the do-something line (the plan's position); the
system's row gains the sum over its organisations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import xarray as xr

from carebridge.engine.finance import SYSTEM
from carebridge.engine.inputs import DRAW
from carebridge.scenario.errors import Path, Problem, did_you_mean

Floats = npt.NDArray[np.float64]
LINE = "do_something"
"""The position line a risk's impact is added to."""
STREAM = 75_001
"""Mixed into the seed so the risks' draws never repeat the scenario's own."""


@dataclass(frozen=True)
class RiskImpact:
    """A risk's financial impact: best, likely and worst, £'000, on ``org``'s position in ``years``."""

    risk: str
    title: str
    org: str
    years: tuple[str, ...]
    best: float
    likely: float
    worst: float
    path: Path = ()
    """Where the impact is in its file (for located problems)."""


def impact_problems(
    impacts: Sequence[RiskImpact], orgs: Sequence[str], years: Sequence[str]
) -> list[Problem]:
    """An impact naming an organisation or a year the scenario does not have, or whose three amounts are not
    in the order best ≤ likely ≤ worst."""
    problems = []
    for impact in impacts:
        if impact.org not in orgs:
            hint = did_you_mean(impact.org, orgs) or f"; expected one of {', '.join(orgs)}"
            problems.append(
                Problem((*impact.path, "org"), f"the scenario has no organisation '{impact.org}'{hint}")
            )
        for index, year in enumerate(impact.years):
            if year not in years:
                problems.append(
                    Problem(
                        (*impact.path, "years", index),
                        f"the scenario has no year '{year}'; expected one of {', '.join(years)}",
                    )
                )
        if not impact.best <= impact.likely <= impact.worst:
            message = (
                f"best {impact.best:,.6g}, likely {impact.likely:,.6g}, worst {impact.worst:,.6g}: expected "
                "best ≤ likely ≤ worst (a cost positive, so the worst case is the largest)"
            )
            problems.append(Problem((*impact.path, "likely"), message))
    return problems


def triangular(uniform: Floats, low: float, mode: float, high: float) -> Floats:
    """The triangular distribution's inverse CDF at ``uniform``: ``low + √(u (high−low)(mode−low))`` below
    the mode's probability ``(mode−low)/(high−low)``, ``high − √((1−u)(high−low)(high−mode))`` above it; the
    constant ``mode`` when ``low = high``."""
    if high == low:
        return np.full(uniform.shape, mode, dtype=np.float64)
    width = high - low
    cut = (mode - low) / width
    below = low + np.sqrt(uniform * width * (mode - low))
    above = high - np.sqrt((1 - uniform) * width * (high - mode))
    return np.where(uniform < cut, below, above)


def draw_impacts(impacts: Sequence[RiskImpact], draws: int, seed: int) -> Floats:
    """Each risk's impact in each draw, (draw, risk), £'000."""
    generator = np.random.default_rng(np.random.SeedSequence([seed, STREAM]))
    uniform = generator.random((draws, len(impacts)))
    columns = [
        triangular(uniform[:, index], impact.best, impact.likely, impact.worst)
        for index, impact in enumerate(impacts)
    ]
    return np.stack(columns, axis=1) if columns else np.zeros((draws, 0))


def risk_totals(
    impacts: Sequence[RiskImpact], samples: Floats, orgs: Sequence[str], years: Sequence[str]
) -> xr.DataArray:
    """The risks' impact by (draw, org, year), £'000, the system's row the sum of the organisations'."""
    draws = samples.shape[0]
    plain = [org for org in orgs if org != SYSTEM]
    total = np.zeros((draws, len(plain), len(years)))
    for index, impact in enumerate(impacts):
        row = plain.index(impact.org)
        for year in impact.years:
            total[:, row, list(years).index(year)] += samples[:, index]
    table = np.concatenate([total, total.sum(axis=1, keepdims=True)], axis=1)
    return xr.DataArray(
        table, dims=(DRAW, "org", "year"), coords={"org": [*plain, SYSTEM], "year": list(years)}
    )


def with_risks(positions: xr.DataArray, totals: xr.DataArray) -> xr.DataArray:
    """``positions`` (draw, line, org, year) with the risks' ``totals`` added to the do-something line."""
    added = totals.reindex(org=positions.org.values, fill_value=0.0)
    line = xr.DataArray(
        [1.0 if str(name) == LINE else 0.0 for name in positions.line.values],
        dims=("line",),
        coords={"line": positions.line.values},
    )
    return positions.astype(np.float64) + (line * added).transpose(*positions.dims).values


def position_draws(positions: xr.DataArray, org: str = SYSTEM) -> xr.DataArray:
    """The do-something position of ``org`` by (draw, year)."""
    return positions.sel(line=LINE, org=org, drop=True)


@dataclass(frozen=True)
class RiskDraws:
    """What a report shows of the risks in a run: each risk drawn, and the system's do-something position
    by (draw, year) without and with them."""

    impacts: tuple[RiskImpact, ...]
    samples: Floats
    """(draw, risk): each risk's impact in each draw, £'000."""
    without: xr.DataArray
    """(draw, year): the system's do-something position without the risks."""
    with_risks: xr.DataArray
    """(draw, year): the same with them."""
    org_names: Mapping[str, str] = field(default_factory=dict)
    """Organisation id → name, to show people's words."""
    source: str = ""
    """Where the risks came from, in words (a file, or the store's register of a plan)."""

    def org_name(self, org: str) -> str:
        return self.org_names.get(org, org)

    def mean_a_year(self) -> Floats:
        """Each risk's mean impact in one year it applies, £'000 (the triangular's mean)."""
        return self.samples.mean(axis=0) if self.samples.size else np.zeros(len(self.impacts))

    def mean_over_years(self) -> Floats:
        """Each risk's mean impact over every year it applies, £'000."""
        counts = np.array([len(impact.years) for impact in self.impacts], dtype=np.float64)
        return self.mean_a_year() * counts
