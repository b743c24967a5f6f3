"""Rates and their confidence intervals, and the measures of inequality: pure arithmetic (docs/outcomes.md).

The methods are those of Public Health England's *Technical Guide: Confidence intervals* and *Common public
health statistics and their confidence intervals* (the Fingertips methods):

- **Wilson score** interval for a proportion ``O / n``;
- **Byar's** approximation to the exact Poisson interval for a count, and so for a crude rate ``O / N``;
- the **directly standardised rate** (DSR) by age, with the European Standard Population 2013 weights
  (:data:`ESP2013`, shipped in ``delivery/data/european_standard_population_2013.csv`` with its source), and
  **Dobson's** interval for it;
- the **gap** between the most deprived quintile and the average, and the **slope index of inequality**:
  a least-squares line through the quintiles' values weighted by their population, against each quintile's
  ridit midpoint (its cumulative population share at its middle, most deprived at 0), with its interval from
  the quintiles' own intervals (the SII is linear in them: :func:`slope_index_interval`).

``z`` is 1.959964 (95%) unless given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95% interval."""


@dataclass(frozen=True)
class Estimate:
    """A value and its confidence interval, in the measure's unit (per ``multiplier`` for a rate)."""

    value: float
    lower: float
    upper: float


class StatsError(ValueError):
    """Arithmetic asked of numbers that cannot give it (a zero denominator, a negative count)."""


def _count(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise StatsError(f"{name} is {value}; expected a count of 0 or more")


def wilson(numerator: float, denominator: float, z: float = Z95) -> Estimate:
    """The proportion ``O / n`` and its Wilson score interval::

    (2O + z² ∓ z·√(z² + 4·O·(1 − p))) / (2·(n + z²)),   p = O / n
    """
    _count("the numerator", numerator)
    if denominator <= 0:
        raise StatsError(f"the denominator is {denominator}; a proportion needs a denominator above 0")
    if numerator > denominator:
        raise StatsError(f"the numerator {numerator} is above the denominator {denominator}")
    p = numerator / denominator
    root = z * math.sqrt(z * z + 4 * numerator * (1 - p))
    below = 2 * (denominator + z * z)
    return Estimate(p, (2 * numerator + z * z - root) / below, (2 * numerator + z * z + root) / below)


def byar_count(count: float, z: float = Z95) -> tuple[float, float]:
    """Byar's limits of a Poisson count ``O``::

    lower = O·(1 − 1/(9O) − z/(3√O))³            (0 when O = 0)
    upper = (O + 1)·(1 − 1/(9(O + 1)) + z/(3√(O + 1)))³
    """
    _count("the count", count)
    lower = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * math.sqrt(above))) ** 3
    return max(lower, 0.0), upper


def byar_rate(count: float, population: float, multiplier: float = 100_000, z: float = Z95) -> Estimate:
    """The crude rate ``O / N × multiplier`` and Byar's interval, each limit of the count over ``N``."""
    if population <= 0:
        raise StatsError(f"the population is {population}; a rate needs a population above 0")
    lower, upper = byar_count(count, z)
    scale = multiplier / population
    return Estimate(count * scale, lower * scale, upper * scale)


@dataclass(frozen=True)
class AgeBand:
    """An age band of a standard population and its weight."""

    band: str
    weight: float


def _read_esp2013() -> tuple[AgeBand, ...]:
    text = resources.files("carebridge.delivery").joinpath("data/european_standard_population_2013.csv")
    lines = [line.strip() for line in text.read_text(encoding="utf-8").splitlines()]
    rows = [line.split(",") for line in lines if line and not line.startswith("#")]
    assert rows[0] == ["age_band", "weight"], "the header of the shipped ESP 2013 file"
    return tuple(AgeBand(band, float(weight)) for band, weight in rows[1:])


ESP2013: tuple[AgeBand, ...] = _read_esp2013()
"""The European Standard Population 2013: 19 five-year bands (``0-4`` … ``90+``), 100,000 in all."""
ESP2013_BANDS = tuple(band.band for band in ESP2013)


def dsr(
    counts: Mapping[str, float],
    populations: Mapping[str, float],
    standard: Sequence[AgeBand] = ESP2013,
    multiplier: float = 100_000,
    z: float = Z95,
) -> Estimate:
    """The directly standardised rate over the bands of ``counts`` and its Dobson interval.

    ``DSR = Σ wᵢ·Oᵢ/nᵢ / Σ wᵢ × multiplier`` over the bands given (an under-75 rate gives the bands to
    ``70-74``; the weights are those bands' own). Dobson: with ``O = Σ Oᵢ`` and Byar's limits ``O_L``, ``O_U``
    of ``O``, ``var(DSR) = Σ (wᵢ/nᵢ)²·Oᵢ / (Σ wᵢ)²`` and ``limit = DSR + √(var(DSR)/O)·(O_limit − O)``.
    """
    weights = {band.band: band.weight for band in standard}
    unknown = [band for band in counts if band not in weights]
    if unknown:
        raise StatsError(
            f"age band {unknown[0]!r} is not in the standard population; expected one of "
            + ", ".join(weights)
        )
    if set(counts) != set(populations):
        raise StatsError("the counts and the populations must give the same age bands")
    if not counts:
        raise StatsError("no age bands given")
    total_weight = sum(weights[band] for band in counts)
    rate = 0.0
    variance = 0.0
    for band, count in counts.items():
        _count(f"the count of {band}", count)
        population = populations[band]
        if population <= 0:
            raise StatsError(f"the population of {band} is {population}; expected above 0")
        rate += weights[band] * count / population
        variance += (weights[band] / population) ** 2 * count
    rate /= total_weight
    variance /= total_weight**2
    total = sum(counts.values())
    lower_count, upper_count = byar_count(total, z)
    if total == 0:
        return Estimate(0.0, 0.0, 0.0)
    spread = math.sqrt(variance / total)
    return Estimate(
        rate * multiplier,
        (rate + spread * (lower_count - total)) * multiplier,
        (rate + spread * (upper_count - total)) * multiplier,
    )


# --- inequality ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuintileValue:
    """A measure's value in a deprivation quintile (1 the most deprived) and the quintile's population, with
    the value's 95% interval when known (for the slope index's interval)."""

    quintile: int
    value: float
    population: float
    lower: float | None = None
    upper: float | None = None


def ridit_midpoints(populations: Sequence[float]) -> tuple[float, ...]:
    """Each group's cumulative population share at its middle, the groups in order (most deprived first)."""
    total = sum(populations)
    if total <= 0:
        raise StatsError("the quintiles' population is 0; the slope index needs a population above 0")
    midpoints = []
    before = 0.0
    for population in populations:
        midpoints.append((before + population / 2) / total)
        before += population
    return tuple(midpoints)


def _slope_coefficients(values: Sequence[QuintileValue]) -> tuple[list[QuintileValue], list[float]]:
    """The quintiles in order and the coefficients ``cᵢ = wᵢ(xᵢ − x̄) / Σw(x − x̄)²`` that make the slope
    index a weighted sum of the values, ``SII = Σ cᵢ·yᵢ`` (the weights and midpoints are fixed)."""
    ordered = sorted(values, key=lambda item: item.quintile)
    if len(ordered) < 2:
        raise StatsError("the slope index needs the values of at least two quintiles")
    weights = [item.population for item in ordered]
    if any(weight <= 0 for weight in weights):
        raise StatsError("every quintile needs a population above 0 for the slope index")
    xs = ridit_midpoints(weights)
    total = sum(weights)
    x_mean = sum(w * x for w, x in zip(weights, xs, strict=True)) / total
    spread = sum(w * (x - x_mean) ** 2 for w, x in zip(weights, xs, strict=True))
    return ordered, [w * (x - x_mean) / spread for w, x in zip(weights, xs, strict=True)]


def slope_index(values: Sequence[QuintileValue]) -> float:
    """The slope index of inequality: the slope of the population-weighted least-squares line of the values
    on the ridit midpoints (most deprived at 0, least at 1), so the fitted value of the least deprived end
    less that of the most deprived (``b = Σw(x − x̄)(y − ȳ) / Σw(x − x̄)²``, which is ``Σ cᵢ·yᵢ``)."""
    ordered, coefficients = _slope_coefficients(values)
    return sum(c * item.value for c, item in zip(coefficients, ordered, strict=True))


def slope_index_interval(values: Sequence[QuintileValue], z: float = Z95) -> Estimate | None:
    """The slope index with its confidence interval, by propagating each quintile's sampling error; ``None``
    when a quintile has no interval.

    The slope index is linear in the quintiles' values, ``SII = Σ cᵢ·yᵢ`` with the coefficients fixed by the
    populations, so its variance is ``Σ cᵢ²·var(yᵢ)``. Each value's standard error is read from its 95%
    interval, ``(upperᵢ − lowerᵢ) / (2·z)``, and the interval is ``SII ± z·√Σ cᵢ²·var(yᵢ)``. This is the
    limit of the simulation Public Health England uses (each quintile drawn from a normal distribution with
    its interval, the SII recomputed) — exact here because the statistic is linear — without its random
    seed, so a hand can check it (docs/outcomes.md)."""
    ordered, coefficients = _slope_coefficients(values)
    variance = 0.0
    for c, item in zip(coefficients, ordered, strict=True):
        if item.lower is None or item.upper is None:
            return None
        if item.upper < item.lower:
            raise StatsError(
                f"quintile {item.quintile}: its interval runs from {item.lower} down to {item.upper}"
            )
        variance += c * c * ((item.upper - item.lower) / (2 * Z95)) ** 2
    slope = sum(c * item.value for c, item in zip(coefficients, ordered, strict=True))
    half = z * math.sqrt(variance)
    return Estimate(slope, slope - half, slope + half)


def deprived_gap(most_deprived: float, average: float, higher_is_better: bool) -> float:
    """How much worse the most deprived quintile is than the average (positive when worse): ``average −
    Q1`` when higher is better (life expectancy), ``Q1 − average`` when lower is better (mortality)."""
    return average - most_deprived if higher_is_better else most_deprived - average
