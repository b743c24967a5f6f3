"""The outcomes register: loading with located errors, the values' rows checked, rates, gaps and RAG."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from carebridge.delivery import outcome_stats as stats
from carebridge.delivery import outcomes as oc

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "outcomes"


@pytest.fixture(scope="module")
def register() -> oc.OutcomesRegister:
    return oc.load_outcomes(EXAMPLE / "register.yaml")


@pytest.fixture(scope="module")
def rows(register: oc.OutcomesRegister) -> tuple[oc.ValueRow, ...]:
    with (EXAMPLE / "values.csv").open(encoding="utf-8") as file:
        return oc.check_values("values.csv", list(csv.reader(file)), register)


def measure(register: oc.OutcomesRegister, name: str) -> oc.Measure:
    return next(m for m in register.measures if m.id == name)


@pytest.mark.parametrize(
    ("label", "end", "pooled"),
    [
        ("2005", 2005, False),
        ("2005/06", 2006, False),
        ("2003-05", 2005, True),
        ("1999/00", 2000, False),
        ("1998-00", 2000, True),
    ],
)
def test_periods(label: str, end: int, pooled: bool) -> None:
    period = oc.parse_period(label)
    assert (period.end, period.pooled) == (end, pooled)


@pytest.mark.parametrize("label", ["2005/07", "2003-04", "05", "2005-2007", "year"])
def test_bad_periods(label: str) -> None:
    with pytest.raises(ValueError, match=r"period|year"):
        oc.parse_period(label)


def test_a_target_before_the_baseline_is_located(tmp_path: Path) -> None:
    text = (EXAMPLE / "register.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "register.yaml"
    bad.write_text(
        text.replace("{period: 2006-08, value: 70.3}", "{period: 2002-04, value: 70.3}"), encoding="utf-8"
    )
    with pytest.raises(oc.OutcomesRegisterError) as caught:
        oc.load_outcomes(bad)
    (problem,) = caught.value.problems
    assert problem.line is not None and problem.file == str(bad)
    assert problem.path == ("measures", 2, "targets", 0, "period")
    assert "not after the baseline 2003-05" in str(problem)


def _check(register: oc.OutcomesRegister, *lines: str) -> tuple[oc.ValueRow, ...]:
    header = "measure,period,breakdown,group,age_band,numerator,denominator,value,status"
    return oc.check_values("bad.csv", [line.split(",") for line in (header, *lines)], register)


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("conceptions_u18,2006/07,quintile,6,,12,1000,,synthetic", "group", "quintile '6'; expected 1"),
        ("conceptions_u18,2006/07,all,all,,12,0,,synthetic", "denominator", "denominator of 0"),
        ("smoking,2006/07,all,all,,120,100,,synthetic", "numerator", "above the denominator"),
        ("cvd_u75,2006/07,all,all,50-54,12,1000,,synthetic", "period", "three pooled years"),
        ("cvd_u75,2004-06,all,all,75-79,12,1000,,synthetic", "age_band", "'75-79'"),
        ("smoking,2006/07,quintile,1,,12,100,,synthetic", "breakdown", "broken down by all"),
        ("obesity,2006/07,all,all,,12,100,,synthetic", "measure", "not a measure"),
        ("le_male,2004-06,quintile,2,,,0,75.0,synthetic", "denominator", "population of 0"),
    ],
)
def test_bad_rows_are_located(register: oc.OutcomesRegister, line: str, column: str, words: str) -> None:
    with pytest.raises(oc.OutcomeValuesError) as caught:
        _check(register, "smoking,2006/07,all,all,,100,500,,synthetic", line)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, column)
    assert words in problem.reason
    assert "nothing was imported" in str(caught.value)


def test_every_bad_row_at_once(register: oc.OutcomesRegister) -> None:
    with pytest.raises(oc.OutcomeValuesError) as caught:
        _check(
            register,
            "smoking,2006/07,all,all,,x,500,,synthetic",
            "conceptions_u18,2006/07,quintile,0,,1,10,,",
        )
    assert [p.row for p in caught.value.problems] == [2, 3]


def test_published_values_are_reproduced(
    register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]
) -> None:
    """Seed 001, lines 492–547: life expectancy 76.8 and 81.3, the most deprived quintile 6.9 and 5.1 years
    below the Stockport average; CVD 91.9 and cancer 122.2 per 100,000 (2003-05)."""
    for name, average, gap in (("le_male", 76.8, 6.9), ("le_female", 81.3, 5.1)):
        (first,) = [
            g
            for g in oc.inequality(measure(register, name), oc.compute(measure(register, name), rows))
            if g.period == "2003-05"
        ]
        assert (first.average, round(first.gap, 1)) == (average, gap)
    for name, value in (("cvd_u75", 91.9), ("cancer_u75", 122.2)):
        results = oc.compute(measure(register, name), rows)
        baseline = next(r for r in results if r.period == "2003-05" and r.breakdown == "all")
        assert (baseline.value, baseline.status) == (value, "published")


def test_targets_and_gap_targets(register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]) -> None:
    cvd = oc.progress(measure(register, "cvd_u75"), rows)
    assert cvd.planned == 70.3  # "to 70.3 by 2008 (3 year average)"
    assert cvd.baseline_gap is not None
    assert cvd.gap_target == pytest.approx(cvd.baseline_gap * 0.6)  # "a 40% reduction in inequalities gap"
    cancer = oc.progress(measure(register, "cancer_u75"), rows)
    assert cancer.baseline_gap is not None
    assert cancer.planned == 101.8 and cancer.gap_target == pytest.approx(cancer.baseline_gap * 0.94)
    male = measure(register, "le_male")
    assert oc.planned(male, "2004-06") == 77.3
    assert oc.planned(male, "2006-08") == pytest.approx(77.3 + (78.6 - 77.3) * 2 / 4)
    assert oc.planned(male, "2002-04") is None


def test_rag(register: oc.OutcomesRegister) -> None:
    cvd = measure(register, "cvd_u75")

    def result(value: float, lower: float, upper: float) -> oc.Result:
        return oc.Result("cvd_u75", "2006-08", "all", "all", value, lower, upper, 500, 1e6, "synthetic")

    assert oc.rag(cvd, result(69.0, 63.0, 75.0), 70.3) == "green"
    assert oc.rag(cvd, result(72.0, 66.0, 78.0), 70.3) == "amber"  # worse, not significantly
    assert oc.rag(cvd, result(80.0, 72.0, 88.0), 70.3) == "red"  # the whole interval is worse


def test_small_counts_are_suppressed(register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]) -> None:
    results = oc.compute(measure(register, "conceptions_u18"), rows)
    fifth = next(r for r in results if r.period == "2005/06" and r.group == "5")
    assert fifth.numerator == 7 and fifth.suppressed
    assert oc.disclosed_count(7) is None
    assert oc.disclosed_count(12) == 10
    assert oc.disclosed_count(13) == 15


def test_the_slope_index_has_its_interval(
    register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]
) -> None:
    """Each period's slope index comes with the interval of its quintiles' own intervals (the closed form of
    outcome_stats.slope_index_interval, which a hand-worked test checks)."""
    male = measure(register, "le_male")
    results = oc.compute(male, rows)
    first = oc.inequality(male, results)[0]
    assert first.period == "2003-05" and first.slope_index is not None
    assert first.slope_lower is not None and first.slope_upper is not None
    assert first.slope_lower < first.slope_index < first.slope_upper
    quintiles = [r for r in results if r.period == "2003-05" and r.breakdown == "quintile"]
    expected = stats.slope_index_interval(
        [
            stats.QuintileValue(int(r.group), r.value or 0, r.denominator or 0, r.lower, r.upper)
            for r in quintiles
        ]
    )
    assert expected is not None
    assert (first.slope_lower, first.slope_upper) == pytest.approx((expected.lower, expected.upper))


def test_a_measure_without_a_target_has_no_rag(
    register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]
) -> None:
    """A source that sets a direction only (seed 004's "reduction in …") gives no trajectory to rate."""
    untargeted = measure(register, "smoking").model_copy(update={"targets": []})
    found = oc.progress(untargeted, rows)
    assert found.latest is not None and found.planned is None and found.rag is None


def test_a_place_or_comparator_needs_its_name(register: oc.OutcomesRegister) -> None:
    smoking = measure(register, "smoking").model_copy(update={"breakdowns": ["all", "place", "comparator"]})
    widened = register.model_copy(update={"measures": [smoking]})
    with pytest.raises(oc.OutcomeValuesError) as caught:
        _check(widened, "smoking,2006/07,comparator,,,,,21.0,published")
    (problem,) = caught.value.problems
    assert problem.column == "group" and "comparator's name" in problem.reason
