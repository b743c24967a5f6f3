"""The confidence intervals and inequality measures of docs/outcomes.md, against published values and, where a
closed form exists, scipy."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sp

from carebridge.delivery import outcome_stats as st


@pytest.mark.parametrize(
    ("numerator", "denominator", "lower", "upper"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17:857
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_reproduces_newcombes_table(
    numerator: int, denominator: int, lower: float, upper: float
) -> None:
    estimate = st.wilson(numerator, denominator)
    assert estimate.value == pytest.approx(numerator / denominator)
    assert round(estimate.lower, 4) == lower
    assert round(estimate.upper, 4) == upper


def test_wilson_is_the_score_test_inverted() -> None:
    """The Wilson limits are where the score statistic |p̂ − π| / √(π(1 − π)/n) equals z (scipy's normal)."""
    z = sp.norm.ppf(0.975)
    estimate = st.wilson(37, 120, z)
    for limit in (estimate.lower, estimate.upper):
        assert abs(37 / 120 - limit) / math.sqrt(limit * (1 - limit) / 120) == pytest.approx(z)


@pytest.mark.parametrize("count", [10, 25, 100, 1000])
def test_byar_is_close_to_the_exact_poisson_interval(count: int) -> None:
    """Byar's approximation against the exact (chi-square) limits scipy computes."""
    lower, upper = st.byar_count(count)
    assert lower == pytest.approx(sp.chi2.ppf(0.025, 2 * count) / 2, rel=2e-3)
    assert upper == pytest.approx(sp.chi2.ppf(0.975, 2 * count + 2) / 2, rel=2e-3)


def test_byar_rate_worked_example() -> None:
    """100 deaths in 100,000: the rate 100 per 100,000 and Byar's limits 81.36 and 121.63, worked from the
    formula by hand (the exact Poisson limits are 81.36 and 121.63 too: the test above)."""
    estimate = st.byar_rate(100, 100_000)
    assert (round(estimate.value, 2), round(estimate.lower, 2), round(estimate.upper, 2)) == (
        100.0,
        81.36,
        121.63,
    )


def test_byar_at_zero_has_a_lower_limit_of_zero() -> None:
    lower, upper = st.byar_count(0)
    assert lower == 0
    assert upper == pytest.approx(3.689, abs=0.03)  # the exact upper limit of 0 events is 3.689


def test_a_zero_denominator_is_refused() -> None:
    with pytest.raises(st.StatsError, match="above 0"):
        st.byar_rate(3, 0)
    with pytest.raises(st.StatsError, match="above 0"):
        st.wilson(3, 0)


def test_the_esp2013_sums_to_100000_in_19_bands() -> None:
    assert len(st.ESP2013) == 19
    assert sum(band.weight for band in st.ESP2013) == 100_000
    assert st.ESP2013_BANDS[0] == "0-4" and st.ESP2013_BANDS[-1] == "90+"


def test_dsr_and_dobson_worked_by_hand() -> None:
    """Two bands, 0-4 (weight 5,000) and 5-9 (5,500): 10 deaths in 1,000 and 30 in 2,000."""
    estimate = st.dsr({"0-4": 10, "5-9": 30}, {"0-4": 1000, "5-9": 2000})
    rate = (5000 * 10 / 1000 + 5500 * 30 / 2000) / 10500  # 0.0126190…
    variance = ((5000 / 1000) ** 2 * 10 + (5500 / 2000) ** 2 * 30) / 10500**2
    z = 1.959963984540054
    lower_count = 40 * (1 - 1 / 360 - z / (3 * math.sqrt(40))) ** 3
    upper_count = 41 * (1 - 1 / 369 + z / (3 * math.sqrt(41))) ** 3
    assert estimate.value == pytest.approx(1261.9048, abs=1e-4)
    assert estimate.lower == pytest.approx((rate + math.sqrt(variance / 40) * (lower_count - 40)) * 1e5)
    assert estimate.upper == pytest.approx((rate + math.sqrt(variance / 40) * (upper_count - 40)) * 1e5)
    assert round(estimate.lower, 1) == 886.2  # 0.0126190 − 3.2884e-4 × 11.4268
    assert round(estimate.upper, 1) == 1737.7  # 0.0126190 + 3.2884e-4 × 14.471


def test_dsr_of_one_band_is_the_crude_rate_with_byars_interval() -> None:
    dsr = st.dsr({"70-74": 57}, {"70-74": 9100})
    crude = st.byar_rate(57, 9100)
    assert (dsr.value, dsr.lower, dsr.upper) == pytest.approx((crude.value, crude.lower, crude.upper))


def test_dsr_refuses_a_band_outside_the_standard() -> None:
    with pytest.raises(st.StatsError, match="not in the standard population"):
        st.dsr({"75+": 3}, {"75+": 100})


def test_slope_index_of_a_straight_line() -> None:
    """Equal fifths, the value rising 2 a quintile: midpoints 0.1 … 0.9, so the slope is 2 / 0.2 = 10."""
    values = [st.QuintileValue(q, 70 + 2 * q, 1000) for q in range(1, 6)]
    assert st.slope_index(values) == pytest.approx(10)


def test_slope_index_is_weighted_least_squares() -> None:
    populations = [1200.0, 900.0, 1000.0, 1500.0, 800.0]
    ys = [69.9, 74.6, 76.4, 78.4, 79.7]
    xs = st.ridit_midpoints(populations)
    slope = np.polyfit(xs, ys, 1, w=np.sqrt(populations))[0]
    values = [
        st.QuintileValue(q, y, n) for q, (y, n) in enumerate(zip(ys, populations, strict=True), start=1)
    ]
    assert st.slope_index(values) == pytest.approx(slope)


def test_slope_index_interval_by_hand() -> None:
    """Equal fifths (1,000 each) at midpoints 0.1, 0.3, 0.5, 0.7, 0.9: x̄ = 0.5, Σw(x − x̄)² = 1000 × 0.4 = 400,
    so the coefficients cᵢ = 1000(xᵢ − 0.5)/400 are −1, −0.5, 0, 0.5, 1 and SII = −72 − 37 + 0 + 39 + 80 = 10.
    Each interval is ±z, a standard error of 1: var = 1 + 0.25 + 0 + 0.25 + 1 = 2.5, so the interval is
    10 ± 1.959964 × √2.5 = 10 ± 3.0990, 6.9010 to 13.0990."""
    values = [
        st.QuintileValue(q, 70 + 2 * q, 1000, 70 + 2 * q - st.Z95, 70 + 2 * q + st.Z95) for q in range(1, 6)
    ]
    found = st.slope_index_interval(values)
    assert found is not None
    assert found.value == pytest.approx(10)
    assert (found.lower, found.upper) == pytest.approx((6.9010, 13.0990), abs=1e-4)
    assert found.value == pytest.approx(st.slope_index(values))


def test_slope_index_interval_only_widens_with_the_quintiles_error() -> None:
    """The middle quintile's coefficient is 0 with equal fifths: widening its interval changes nothing;
    widening the most deprived's does."""
    base = [st.QuintileValue(q, 70 + 2 * q, 1000, 69 + 2 * q, 71 + 2 * q) for q in range(1, 6)]
    middle = [*base[:2], st.QuintileValue(3, 76, 1000, 66, 86), *base[3:]]
    first = [st.QuintileValue(1, 72, 1000, 62, 82), *base[1:]]
    a, b, c = (st.slope_index_interval(v) for v in (base, middle, first))
    assert a is not None and b is not None and c is not None
    assert (b.lower, b.upper) == pytest.approx((a.lower, a.upper))
    assert c.upper - c.lower > a.upper - a.lower


def test_slope_index_interval_is_the_limit_of_the_simulation() -> None:
    """Unequal quintiles: drawing each quintile's value from a normal distribution with its interval and
    recomputing the slope (PHE's method) gives, over 200,000 seeded draws, the closed form's interval."""
    populations = np.array([1200.0, 900.0, 1000.0, 1500.0, 800.0])
    ys = np.array([69.9, 74.6, 76.4, 78.4, 79.7])
    half = np.array([0.9, 0.7, 0.8, 0.6, 1.1])
    values = [
        st.QuintileValue(q, float(y), float(n), float(y - h), float(y + h))
        for q, (y, n, h) in enumerate(zip(ys, populations, half, strict=True), start=1)
    ]
    found = st.slope_index_interval(values)
    assert found is not None
    xs = np.array(st.ridit_midpoints(list(populations)))
    weights = populations / populations.sum()
    centred = xs - weights @ xs
    coefficients = weights * centred / (weights @ centred**2)
    draws = np.random.default_rng(2013).normal(ys, half / st.Z95, size=(200_000, 5)) @ coefficients
    low, high = np.quantile(draws, [0.025, 0.975])
    assert (found.lower, found.upper) == pytest.approx((low, high), abs=0.05)


def test_slope_index_interval_needs_every_quintiles_interval() -> None:
    values = [st.QuintileValue(q, 70 + 2 * q, 1000) for q in range(1, 6)]
    assert st.slope_index_interval(values) is None


def test_gap_is_positive_when_the_most_deprived_fare_worse() -> None:
    assert st.deprived_gap(69.9, 76.8, higher_is_better=True) == pytest.approx(6.9)
    assert st.deprived_gap(170.0, 91.9, higher_is_better=False) == pytest.approx(78.1)
