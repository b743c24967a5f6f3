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


def test_gap_is_positive_when_the_most_deprived_fare_worse() -> None:
    assert st.deprived_gap(69.9, 76.8, higher_is_better=True) == pytest.approx(6.9)
    assert st.deprived_gap(170.0, 91.9, higher_is_better=False) == pytest.approx(78.1)
