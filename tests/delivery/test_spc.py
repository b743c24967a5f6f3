"""Statistical process control: XmR limits and the rules that flag a special cause, as Making Data Count and
NHSRplotthedots state them (docs/delivery.md; the peer's own cases are in test_spc_peer.py).

Most charts here fix the centre and limits on a baseline of two points, ``[10, 12]``: centre 11, mean moving
range 2, limits 11 ± 5.32, the 2σ lines 11 ± 3.5467 (two thirds of the way to the limits).
"""

from __future__ import annotations

import pytest

from carebridge.delivery.spc import SpcError, SpcOptions, assurance, xmr

STABLE = [10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0]


def flagged(values: list[float], signal: str, **options: object) -> list[str]:
    chart = xmr(values, baseline=2, options=SpcOptions(**options))  # type: ignore[arg-type]
    return [p.label for p in chart.points if signal in p.signals]


def test_limits_are_the_mean_plus_and_minus_2_66_mean_moving_ranges() -> None:
    chart = xmr([10.0, 12.0, 11.0, 14.0])
    assert chart.centre == pytest.approx(11.75)
    assert chart.mean_moving_range == pytest.approx((2 + 1 + 3) / 3)
    assert chart.upper == pytest.approx(11.75 + 2.66 * 2)
    assert chart.lower == pytest.approx(11.75 - 2.66 * 2)


def test_noise_raises_no_signal() -> None:
    chart = xmr(STABLE)
    assert not chart.special_cause
    assert chart.variation == "common_cause"


def test_a_point_outside_the_limits() -> None:
    chart = xmr([*STABLE[:11], 30.0], baseline=11)
    assert chart.points[-1].signals == ("outside",)
    assert chart.points[-1].reason == "above the upper process limit"
    assert chart.variation == "neutral_high"


def test_a_run_of_seven_on_one_side_is_a_shift() -> None:
    values = [10.0, 12.0, 11.5, 12.5, 11.2, 12.1, 11.9, 12.3, 9.0]
    assert flagged(values, "shift") == ["2", "3", "4", "5", "6", "7", "8"]


def test_six_on_one_side_is_not_a_shift() -> None:
    assert flagged([10.0, 12.0, 11.5, 12.5, 11.2, 12.1, 11.9, 9.0], "shift") == []


def test_a_point_on_the_centre_line_breaks_a_run() -> None:
    values = [10.0, 12.0, 11.5, 12.5, 11.0, 12.1, 11.9, 12.3, 11.5, 9.0]
    assert flagged(values, "shift") == []


def test_seven_points_with_six_rises_are_a_trend() -> None:
    values = [10.0, 12.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 11.5, 10.9]
    assert flagged(values, "trend") == ["3", "4", "5", "6", "7", "8", "9"]


def test_six_points_with_five_rises_are_not_a_trend() -> None:
    assert flagged([10.0, 12.0, 10.1, 10.2, 10.3, 10.4, 10.5, 11.5, 10.9], "trend") == []


def test_a_tie_breaks_a_trend() -> None:
    values = [10.0, 12.0, 10.5, 10.7, 10.9, 10.9, 11.1, 11.3, 11.5, 11.7]
    assert flagged(values, "trend") == []


def test_a_falling_trend_above_the_centre_is_reported_as_decreasing() -> None:
    values = [12.0, 10.0, 13.0, 12.8, 12.6, 12.4, 12.2, 12.0, 11.8]
    chart = xmr(values, baseline=2)
    last = chart.points[-1]
    assert last.signals == ("trend", "shift")
    assert last.reason == "7-point trend, decreasing"
    assert chart.variation == "neutral_low"
    assert xmr(values, baseline=2, options=SpcOptions(improvement="decrease")).variation == "improvement_low"
    assert xmr(values, baseline=2, options=SpcOptions(improvement="increase")).variation == "concern_low"


def test_two_of_three_near_a_limit_on_one_side() -> None:
    assert flagged([10.0, 12.0, 15.0, 11.5, 15.0], "two_of_three") == ["3", "5"]


def test_two_of_three_needs_all_three_on_the_same_side_of_the_centre() -> None:
    assert flagged([10.0, 12.0, 15.0, 10.5, 15.0], "two_of_three") == []


def test_the_two_sigma_line_is_two_thirds_of_the_way_to_the_limit() -> None:
    """2/3 × 2.66 × M̄R = 3.54667 from the centre, not 2 × M̄R / 1.128 = 3.54610: a point 3.5464 above is
    inside it."""
    chart = xmr([10.0, 12.0, 14.5464, 14.5464], baseline=2)
    assert chart.centre + 2 * chart.sigma == pytest.approx(11 + 2 * 2.66 * 2 / 3)
    assert not chart.special_cause
    assert flagged([10.0, 12.0, 14.5468, 14.5468], "two_of_three") == ["3", "4"]


def test_a_point_outside_the_limits_does_not_count_towards_two_of_three() -> None:
    chart = xmr([10.0, 12.0, 17.0, 15.0], baseline=2)
    assert [p.signals for p in chart.points[2:]] == [("outside",), ()]


def test_screening_leaves_out_moving_ranges_of_3_267_times_the_mean_or_more() -> None:
    values = [1.0, 2.0, 1.0, 2.0, 10.0, 1.0, 2.0, 1.0, 2.0, 1.0]
    plain = xmr(values)
    screened = xmr(values, options=SpcOptions(screen_outliers=True))
    assert plain.mean_moving_range == pytest.approx(24 / 9)  # 1, 1, 1, 8, 9, 1, 1, 1, 1
    assert screened.mean_moving_range == pytest.approx(15 / 8)  # 9 ≥ 3.267 × 24/9 = 8.71 left out
    assert screened.current.screened == ("6",)
    assert screened.centre == plain.centre


def test_rebasing_starts_a_new_period_with_its_own_centre_and_limits() -> None:
    values = [10.0, 12.0, 11.0, 13.0, 20.0, 22.0, 21.0, 23.0]
    labels = ["a", "b", "c", "d", "e", "f", "g", "h"]
    chart = xmr(values, labels, options=SpcOptions(rebase=("e",)))
    assert [(p.first, p.last, p.centre) for p in chart.periods] == [(0, 3, 11.5), (4, 7, 21.5)]
    assert chart.points[4].moving_range is None
    assert chart.points[4].centre == 21.5
    assert chart.centre == 21.5
    assert not chart.special_cause
    assert xmr(values, labels).points[-1].signals == ("outside",)  # one period: 23 above 22.96


def test_a_fixed_baseline_sets_the_lines_from_the_first_points_of_each_period() -> None:
    values = [10.0, 12.0, 11.0, 13.0, 20.0, 30.0, 40.0, 10.0, 12.0]
    chart = xmr(values, options=SpcOptions(baseline=4, rebase=("6",)))
    assert [p.centre for p in chart.periods] == [11.5, 23.0]
    assert chart.periods[1].baseline == 4


def test_improvement_direction_names_special_cause_improvement_or_concern() -> None:
    values = [*STABLE[:11], 30.0]
    assert (
        xmr(values, baseline=11, options=SpcOptions(improvement="increase")).variation == "improvement_high"
    )
    assert xmr(values, baseline=11, options=SpcOptions(improvement="decrease")).variation == "concern_high"
    low = [*STABLE[:11], -5.0]
    assert xmr(low, baseline=11, options=SpcOptions(improvement="increase")).variation == "concern_low"
    assert xmr(low, baseline=11, options=SpcOptions(improvement="decrease")).variation == "improvement_low"


def test_assurance_compares_the_target_with_the_process_limits() -> None:
    chart = xmr(STABLE, options=SpcOptions(improvement="increase", target=30.0))
    assert chart.assurance == "fail"
    assert assurance(30.0, "decrease", chart.lower, chart.upper) == "pass"
    assert assurance(11.0, "decrease", chart.lower, chart.upper) == "hit_and_miss"
    assert assurance(11.0, "neutral", chart.lower, chart.upper) is None
    assert assurance(None, "increase", chart.lower, chart.upper) is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            SpcOptions(improvement="up"),  # type: ignore[arg-type]
            "improvement direction 'up': expected one of increase, decrease, neutral",
        ),
        (SpcOptions(baseline=1), "the baseline must be 2 points or more; got 1"),
        (SpcOptions(rebase=("9",)), "rebase at '9': no such point"),
        (SpcOptions(rebase=("4",)), "the period starting at 4 has 1 point"),
    ],
)
def test_bad_options_are_refused_saying_what_was_expected(options: SpcOptions, message: str) -> None:
    with pytest.raises(SpcError, match=message):
        xmr([1.0, 2.0, 3.0, 4.0], options=options)


def test_too_few_points_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least 2 points"):
        xmr([1.0])
