"""The peer's published cases: NHSRplotthedots (the NHS-R Community's R implementation of Making Data Count,
https://github.com/nhs-r-community/NHSRplotthedots), reproduced with its settings.

Sources (repository nhs-r-community/NHSRplotthedots, path @ commit):

- ``tests/testthat/test-ptd_calculate_point_type.R`` @ 8aac3239e90ce9ebeb9c3e61f56c207dfc37b225: the unit-test
  vectors of the shift (``ptd_seven_point_one_side_mean`` with ``ptd_part_of_seven_trend``), trend
  (``ptd_seven_point_trend``) and two-in-three (``ptd_two_in_three`` with ``ptd_part_of_two_in_three``) rules.
  The peer marks the 7th point of a run and then every point of it ("part of"); CareBridge marks the points of
  the run at once, so each case below states the peer's input and the points it ends up marking.
- ``tests/testthat/test-ptd_spc_standard.R`` @ 8aac3239e90ce9ebeb9c3e61f56c207dfc37b225 with its snapshot
  ``tests/testthat/_snaps/ptd_spc_standard.md`` @ ea2177d4ccfed7dc14d8f57d20f1114d9b235295: 20 values of R's
  ``set.seed(123); rnorm(20)``, their mean and limits screened, with the 15th value set to 10 screened and
  not; and the symmetric series whose last two points sit near opposite limits.
- ``tests/testthat/test-ptd_spc.R`` @ 8aac3239e90ce9ebeb9c3e61f56c207dfc37b225 with its snapshot
  ``tests/testthat/_snaps/ptd_spc.md`` @ 174380d653d7a169a76f99deebb9fc21ed5fbbd6: the summary of the same
  values in two facets of 10 (mean, lower and upper limit to 3 significant figures, all common cause).
- ``tests/testthat/test-ptd_calculate_assurance_type.R`` @ 7ed6ae9006d4a5bc8f9839c9eb0afeb34fba4d81: the
  assurance of a target of 4 against three pairs of limits, for each improvement direction.
- ``vignettes/deviations.Rmd`` @ 938abcd81199980da6667f846e747c43b39303cd, "Deviations from Excel defaults":
  the figures' captions for the series 1, 2, 1, 2, 10, 1, … (UPL 4.6, mean 1.94, LPL −0.72 screened, the
  package's default; UPL 6.95, mean 1.94, LPL −3.06 unscreened, as the Making Data Count Excel tool), the 5th
  point a special cause improvement in both.

The peer's settings: its default ``screen_outliers = TRUE`` where its case uses it (CareBridge's default is
the Excel tool's, off) and its default improvement direction ``increase``.
"""

from __future__ import annotations

import pytest

from carebridge.delivery.spc import (
    SpcOptions,
    assurance,
    shift_points,
    trend_slopes,
    two_of_three_points,
    xmr,
)

PEER = SpcOptions(improvement="increase", screen_outliers=True)
"""NHSRplotthedots' defaults (``ptd_spc``: improvement_direction = "increase", screen_outliers = TRUE)."""

RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip
"""R's ``set.seed(123); rnorm(20)`` (8 decimals, as the peer's snapshot prints them)."""


def marks(points: set[int], count: int) -> list[int]:
    return [1 if i in points else 0 for i in range(count)]


@pytest.mark.parametrize(
    ("sides", "marked"),
    [
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),  # peer: 0 0 0 0 0 0 1 1 0, every point of the run part of it
        ([-1] * 8 + [1], [1] * 8 + [0]),
        ([-1] + [1] * 8 + [-1], [0] + [1] * 8 + [0]),
        ([1] + [-1] * 8 + [1], [0] + [1] * 8 + [0]),
    ],
)
def test_ptd_seven_point_one_side_mean(sides: list[int], marked: list[int]) -> None:
    assert marks(shift_points(sides), len(sides)) == marked


@pytest.mark.parametrize(
    ("values", "slopes"),
    [
        ([], []),
        ([1, 2, 3, 4, 5, 6], [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7),  # peer: 0 0 0 0 0 0 1
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),  # peer: 0 0 0 0 0 0 0 1 0
        ([7, 6, 5, 4, 3, 2, 1], [-1] * 7),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
    ],
)
def test_ptd_seven_point_trend(values: list[float], slopes: list[int]) -> None:
    assert trend_slopes(values) == slopes


@pytest.mark.parametrize(
    ("close", "sides", "marked"),
    [
        ([0, 0, 0], [1, 1, 1], [0, 0, 0]),
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # "when points are on opposite sides of the mean": nothing marked
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_ptd_two_in_three(close: list[int], sides: list[int], marked: list[int]) -> None:
    assert marks(two_of_three_points([bool(c) for c in close], sides), len(close)) == marked


def test_ptd_spc_standard_limits_of_rnorm_20() -> None:
    chart = xmr(RNORM_20, options=PEER)
    assert (chart.centre, chart.lower, chart.upper) == pytest.approx(
        (0.1416238, -3.01138, 3.294627), abs=1e-6
    )
    assert [p.direction for p in chart.points] == [0] * 20
    sides = [1 if p.value > p.centre else -1 for p in chart.points]
    assert sides[:15] == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]


def test_ptd_spc_standard_screens_an_outlier_out_of_the_limits() -> None:
    values = [*RNORM_20[:14], 10.0, *RNORM_20[15:]]
    screened = xmr(values, options=PEER)
    plain = xmr(values, options=SpcOptions(improvement="increase", screen_outliers=False))
    assert (screened.centre, screened.lower, screened.upper) == pytest.approx(
        (0.6694159, -2.383666, 3.722497), abs=1e-6
    )
    assert (plain.centre, plain.lower, plain.upper) == pytest.approx(
        (0.6694159, -4.596625, 5.935457), abs=1e-6
    )


def test_ptd_spc_summary_of_two_facets() -> None:
    first, second = xmr(RNORM_20[:10], options=PEER), xmr(RNORM_20[10:], options=PEER)
    assert (first.centre, first.lower, first.upper) == pytest.approx((0.0746, -2.60, 2.75), abs=0.005)
    assert (second.centre, second.lower, second.upper) == pytest.approx((0.209, -3.28, 3.70), abs=0.005)
    assert not first.special_cause and not second.special_cause
    assert first.variation == second.variation == "common_cause"


def test_ptd_spc_summary_with_a_target_of_half_is_hit_and_miss() -> None:
    chart = xmr(RNORM_20, options=SpcOptions(improvement="increase", screen_outliers=True, target=0.5))
    assert chart.assurance == "hit_and_miss"


def test_two_of_three_near_opposite_limits_is_common_cause() -> None:
    """test-ptd_spc_standard.R: "it only reports special cause for 2of3 points close to limits when they are
    on the same side of the mean"."""
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr(values, options=PEER)
    assert [p.variation for p in chart.points[-2:]] == ["common_cause", "common_cause"]


@pytest.mark.parametrize(
    ("improvement", "expected"),
    [
        ("increase", ["fail", "pass", "hit_and_miss"]),
        ("decrease", ["pass", "fail", "hit_and_miss"]),
        ("neutral", [None, None, None]),
    ],
)
def test_ptd_calculate_assurance_type(improvement: str, expected: list[str | None]) -> None:
    limits = [(1.0, 3.0), (5.0, 7.0), (1.0, 5.0)]
    assert [assurance(4.0, improvement, lower, upper) for lower, upper in limits] == expected


DEVIATIONS = [1.0, 2.0, 1.0, 2.0, 10.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0]


@pytest.mark.parametrize(
    ("screen", "upper", "lower"),
    [(True, 4.6, -0.72), (False, 6.95, -3.06)],
    ids=["package default, screened", "Making Data Count Excel tool, unscreened"],
)
def test_deviations_vignette_treatment_of_outlying_points(screen: bool, upper: float, lower: float) -> None:
    chart = xmr(DEVIATIONS, options=SpcOptions(improvement="increase", screen_outliers=screen))
    assert (round(chart.upper, 2), round(chart.centre, 2), round(chart.lower, 2)) == (upper, 1.94, lower)
    kinds = [p.variation for p in chart.points]
    assert kinds == ["common_cause"] * 4 + ["improvement"] + ["common_cause"] * 13
