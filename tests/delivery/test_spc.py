"""Statistical process control: XmR limits and the rules that flag a special cause."""

from __future__ import annotations

import pytest

from carebridge.delivery.spc import xmr

STABLE = [10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0]


def test_limits_are_the_mean_plus_and_minus_2_66_mean_moving_ranges() -> None:
    chart = xmr([10.0, 12.0, 11.0, 14.0])
    assert chart.centre == pytest.approx(11.75)
    assert chart.mean_moving_range == pytest.approx((2 + 1 + 3) / 3)
    assert chart.upper == pytest.approx(11.75 + 2.66 * 2)
    assert chart.lower == pytest.approx(11.75 - 2.66 * 2)


def test_noise_raises_no_signal() -> None:
    assert not xmr(STABLE).special_cause


def test_a_point_outside_the_limits() -> None:
    chart = xmr([*STABLE[:11], 30.0], baseline=11)
    assert chart.points[-1].signals == ("outside",)
    assert chart.direction() == "higher"


def test_a_run_of_eight_on_one_side_is_a_shift() -> None:
    values = [11.0, 12.0, 10.0, 12.5, 11.5, 12.0, 11.6, 12.4, 11.8, 12.2, 11.9, 12.1, 8.0, 8.5]
    chart = xmr(values, baseline=4)  # centre 11.375
    flagged = [p.label for p in chart.points if "shift" in p.signals]
    assert flagged == [str(i) for i in range(4, 13)]


def test_seven_on_one_side_is_not_a_shift() -> None:
    values = [11.0, 12.0, 10.0, 12.5, 11.5, 12.0, 11.6, 12.4, 11.8, 12.2, 8.0]
    assert "shift" not in xmr(values, baseline=4).signals


def test_six_points_each_higher_than_the_last_is_a_trend() -> None:
    values = [10.0, 11.0, 10.5, 10.6, 10.8, 11.1, 11.3, 11.6, 10.9]
    chart = xmr(values, baseline=3)
    assert [p.label for p in chart.points if "trend" in p.signals] == ["3", "4", "5", "6", "7", "8"]


def test_two_of_three_beyond_two_sigma() -> None:
    values = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 12.5, 12.6, 10.5]
    chart = xmr(values, baseline=6)  # centre 10.5, sigma 1 / 1.128
    assert [p.label for p in chart.points if "two_of_three" in p.signals] == ["7", "8"]


def test_too_few_points_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 2 points"):
        xmr([1.0])
