"""Driver-based lines (model spec §8): evaluating formulas by year, phasing, realisation, overlap, cohort
restriction and the order of lines — each worked by hand, then hypothesis properties."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings

from carebridge.engine import ModelError, Results, run
from carebridge.engine.drivers import FormulaValueError, evaluate, net_of_overlaps, phase_fractions
from carebridge.scenario.formula import parse_formula
from carebridge.scenario.schema import (
    Activity,
    Cohort,
    Organisation,
    Overlap,
    Parameter,
    Phasing,
    PlanLine,
    Pod,
    Positions,
    Reduce,
    Scenario,
    Scheme,
)
from carebridge.scenario.validate import check
from carebridge.scenario.years import YearRange, format_year

pytestmark = pytest.mark.unit

SPAN = YearRange(2016, 2020)  # 2016/17 … 2020/21
YEARS = SPAN.labels


def series(*values: float) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), dims=["year"], coords={"year": YEARS})


def value_of(text: str, start: int = 0, **names: xr.DataArray | float) -> list[float]:
    """The formula's value by year, with ``x``, ``y``… as given and the line starting in year ``start``."""
    scope: dict[str, xr.DataArray | float] = {"__years__": series(0, 0, 0, 0, 0), "__start__": start}
    scope.update(names)
    result = evaluate(parse_formula(text), scope)
    return [float(v) for v in (series(0, 0, 0, 0, 0) + result).values]


X = series(10, 20, 35, 35, 50)


# --- evaluation, function by function ------------------------------------------------------------------


def test_arithmetic_is_year_by_year_and_a_number_is_every_year() -> None:
    assert value_of("-0.5 * x + 2", x=X) == [-3, -8, -15.5, -15.5, -23]
    assert value_of("x / y - 1", x=X, y=series(5, 10, 7, 5, 25)) == [1, 1, 4, 6, 1]
    assert value_of("x ** 2 / 100", x=X) == [1, 4, 12.25, 12.25, 25]
    assert value_of("+x - -x", x=X) == [20, 40, 70, 70, 100]
    assert value_of("3") == [3, 3, 3, 3, 3]


def test_cumulative_counts_from_the_base_year_by_default() -> None:
    assert value_of("cumulative(x)", x=X) == [10, 30, 65, 100, 150]


def test_cumulative_counts_from_the_lines_start_year() -> None:
    assert value_of("cumulative(x)", start=2, x=X) == [0, 0, 35, 70, 120]


def test_cumulative_of_a_number() -> None:
    assert value_of("cumulative(2)", start=1) == [0, 2, 4, 6, 8]


def test_lag() -> None:
    assert value_of("lag(x, 1)", x=X) == [0, 10, 20, 35, 35]
    assert value_of("lag(x, 2)", x=X) == [0, 0, 10, 20, 35]
    assert value_of("lag(x, 0)", x=X) == X.values.tolist()
    assert value_of("lag(x, 9)", x=X) == [0, 0, 0, 0, 0]
    assert value_of("lag(4, 3)") == [0, 0, 0, 4, 4]


def test_growth_change_and_base() -> None:
    assert value_of("growth(x)", x=X) == [0, 10, 25, 25, 40]
    assert value_of("change(x)", x=X) == [0, 10, 15, 0, 15]
    assert value_of("base(x)", x=X) == [10, 10, 10, 10, 10]


def test_min_max_and_abs() -> None:
    y = series(15, 15, 15, 40, 40)
    assert value_of("min(x, y)", x=X, y=y) == [10, 15, 15, 35, 40]
    assert value_of("max(x, y, 30)", x=X, y=y) == [30, 30, 35, 40, 50]
    assert value_of("min(x, 25)", x=X) == [10, 20, 25, 25, 25]
    assert value_of("abs(x - 30)", x=X) == [20, 10, 5, 5, 20]
    assert value_of("abs(-3)") == [3, 3, 3, 3, 3]


def test_functions_compose() -> None:
    assert value_of("-0.02 * cumulative(growth(x))", start=1, x=X) == pytest.approx(
        [0, -0.2, -0.7, -1.2, -2.0]
    )


def test_division_by_zero_in_any_year_is_an_error() -> None:
    with pytest.raises(FormulaValueError, match="divides by zero"):
        value_of("x / y", x=X, y=series(1, 1, 0, 1, 1))
    with pytest.raises(FormulaValueError, match="divides by zero"):
        value_of("1 / 0")


def test_a_name_without_a_value_is_an_error() -> None:
    with pytest.raises(FormulaValueError, match="has no value for 'z' here"):
        value_of("x + z", x=X)


@pytest.mark.filterwarnings("ignore:Casting complex values to real")
def test_a_negative_number_to_a_fractional_power_is_no_number() -> None:
    with pytest.raises(FormulaValueError):
        value_of("(-1) ** 0.5 * x", x=X)


@pytest.mark.parametrize("text", ["10 ** 400", "0 ** -1"])
def test_float_arithmetic_errors_are_formula_errors(text: str) -> None:
    with pytest.raises(FormulaValueError):
        value_of(text)


# --- phasing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phasing", "expected"),
    [
        (None, [1, 1, 1, 1, 1]),
        (Phasing(), [1, 1, 1, 1, 1]),
        (Phasing(start="2018/19"), [0, 0, 1, 1, 1]),
        (Phasing(profile="step", start="2017/18", years=3), [0, 1, 1, 1, 1]),
        (Phasing(profile="linear", start="2017/18", years=3), [0, 1 / 3, 2 / 3, 1, 1]),
        (Phasing(profile="linear", years=2), [0.5, 1, 1, 1, 1]),
        (Phasing(profile="linear", start="2017/18", years=1), [0, 1, 1, 1, 1]),
        (Phasing(profile="front_loaded", start="2017/18", years=3), [0, 5 / 9, 8 / 9, 1, 1]),
        (Phasing(profile="back_loaded", start="2017/18", years=3), [0, 1 / 9, 4 / 9, 1, 1]),
        (Phasing(profile="linear", start="2019/20", years=4), [0, 0, 0, 0.25, 0.5]),
        (
            Phasing(profile="fractions", fractions={"2017/18": 0.25, "2019/20": 0.75}),
            [0, 0.25, 0.25, 0.75, 0.75],
        ),
        (
            Phasing(profile="fractions", start="2018/19", fractions={"2017/18": 0.25, "2019/20": 1}),
            [0, 0, 0.25, 1, 1],
        ),
    ],
)
def test_phase_fractions_by_profile(phasing: Phasing | None, expected: list[float]) -> None:
    assert phase_fractions(phasing, SPAN).tolist() == pytest.approx(expected)


# --- overlaps ------------------------------------------------------------------------------------------


def overlap(fraction: float | None = None, amount: Any = None) -> Overlap:
    return Overlap(against=["other"], fraction=fraction, amount=amount, reason="Double counted.")


def test_net_of_a_fraction() -> None:
    net = net_of_overlaps(series(0, -100, -200, -200, -200), [overlap(fraction=0.25)], SPAN)
    assert net.values.tolist() == [0, -75, -150, -150, -150]


def test_net_of_an_amount_reduces_the_size_of_savings_and_costs() -> None:
    gross = series(0, -100, -200, 300, 50)
    net = net_of_overlaps(gross, [overlap(amount={"2017/18": 20, "2019/20": 40})], SPAN)
    # sign(gross) · amount: nothing where gross is 0, held amounts from 2017/18.
    assert net.values.tolist() == [0, -80, -180, 260, 10]


def test_several_overlaps_add_their_fractions_and_their_amounts() -> None:
    gross = series(-100, -100, -100, -100, -100)
    net = net_of_overlaps(gross, [overlap(fraction=0.1), overlap(fraction=0.2), overlap(amount=5)], SPAN)
    # −100 · (1 − 0.3) + 5 = −65
    assert net.values.tolist() == pytest.approx([-65] * 5)


def test_no_overlaps_leave_the_line_as_it_is() -> None:
    gross = series(-1, 2, -3, 4, -5)
    assert net_of_overlaps(gross, [], SPAN).values.tolist() == gross.values.tolist()


# --- lines in a run: cohort restriction, order, realisation, errors ------------------------------------


def scenario(lines: list[PlanLine], **changes: Any) -> Scenario:
    """2016/17 to 2020/21: a CCG, an acute trust, A&E of 1,000 growing 10% a year at £100, NEL of 500
    flat at £2,000, and the cohort ``frail`` with 40% of A&E and 60% of NEL; ``changes`` replace top-level
    fields."""
    fields: dict[str, Any] = {
        "format_version": 1,
        "name": "Driver test",
        "base_year": "2016/17",
        "end_year": "2020/21",
        "organisations": [
            Organisation(id="ccg", name="CCG", kind="commissioner"),
            Organisation(id="ft", name="Trust", kind="acute"),
        ],
        "pods": [
            Pod(id="ae", name="A&E", activity=Activity(base=1000, growth=0.1), price=100.0),
            Pod(id="nel", name="NEL", activity=Activity(base=500), price=2000.0),
        ],
        "cohorts": [Cohort(id="frail", name="Frail", shares={"ae": 0.4, "nel": 0.6})],
        "positions": Positions(do_nothing={"ccg": 1000.0}, plan_lines=lines),
    }
    fields.update(changes)
    built = Scenario(**fields)
    assert check(built) == []
    return built


def line_values(results: Results, line: str) -> list[float]:
    return [float(v) for v in results.positions.sel(line=line, org="system").values]


AE = [1000, 1100, 1210, 1331, 1464.1]


def test_a_formula_line_in_a_run() -> None:
    line = PlanLine(id="ae_saving", name="A&E", org="ccg", formula="-activity.ae * price.ae / 1000")
    results = run(scenario([line]))
    assert line_values(results, "ae_saving") == pytest.approx([-a / 10 for a in AE])
    assert results.positions.sel(line="ae_saving", org="ccg").values.tolist() == pytest.approx(
        [-a / 10 for a in AE]
    )


def test_a_cohort_line_sees_the_cohorts_share_of_activity() -> None:
    lines = [
        PlanLine(id="whole", name="Whole", formula="activity.ae + activity.nel"),
        PlanLine(id="cohort", name="Cohort", formula="activity.ae + activity.nel", cohort="frail"),
        PlanLine(id="price", name="Price", formula="price.ae", cohort="frail"),
    ]
    results = run(scenario(lines))
    assert line_values(results, "whole") == pytest.approx([a + 500 for a in AE])
    assert line_values(results, "cohort") == pytest.approx([0.4 * a + 0.6 * 500 for a in AE])
    assert line_values(results, "price") == pytest.approx([100] * 5)  # only activity is restricted


def test_a_cohort_line_sees_the_cohorts_share_of_do_something_activity() -> None:
    scheme = Scheme(id="s", name="S", effects=[Reduce(kind="reduce", pod="nel", fraction=0.1)])
    lines = [PlanLine(id="cohort", name="Cohort", formula="do_something.nel", cohort="frail")]
    results = run(scenario(lines, schemes=[scheme]))
    assert line_values(results, "cohort") == pytest.approx([0.6 * 450] * 5)


def test_do_something_activity_can_be_used_in_a_line() -> None:
    scheme = Scheme(id="s", name="S", effects=[Reduce(kind="reduce", pod="nel", fraction=0.1)])
    line = PlanLine(id="ds", name="DS", formula="do_something.nel")
    assert line_values(run(scenario([line], schemes=[scheme])), "ds") == pytest.approx([450] * 5)


def test_lines_may_use_each_other_in_any_order() -> None:
    lines = [
        PlanLine(id="total", name="Total", formula="line.half + line.base_line"),
        PlanLine(id="half", name="Half", formula="0.5 * line.base_line"),
        PlanLine(id="base_line", name="Base", value={"2017/18": -100.0, "2019/20": -300.0}),
    ]
    results = run(scenario(lines))
    assert line_values(results, "half") == [0, -50, -50, -150, -150]
    assert line_values(results, "total") == [0, -150, -150, -450, -450]


def test_line_names_the_net_value_of_the_other_line() -> None:
    lines = [
        PlanLine(
            id="gross_line",
            name="With overlap",
            formula="-100",
            realisation=0.5,
            overlaps=[Overlap(against=["copy"], fraction=0.2, reason="Double counted.")],
        ),
        PlanLine(id="copy", name="Copy", formula="line.gross_line"),
    ]
    results = run(scenario(lines))
    assert line_values(results, "gross_line") == pytest.approx([-40] * 5)  # −100 · 0.5 · 0.8
    assert line_values(results, "copy") == pytest.approx([-40] * 5)
    assert results.plan_gross is not None
    assert results.plan_gross.sel(line="gross_line").values.tolist() == pytest.approx([-50] * 5)


def test_phasing_realisation_and_overlap_together() -> None:
    line = PlanLine(
        id="los",
        name="Length of stay",
        formula="-cumulative(x)",
        phasing=Phasing(profile="linear", start="2017/18", years=2),
        realisation=0.5,
        overlaps=[Overlap(against=["other"], amount=10, reason="Counted twice.")],
    )
    other = PlanLine(id="other", name="Other", value=-1.0)
    results = run(scenario([line, other], parameters={"x": Parameter(value=100, unit="£'000")}))
    # −cumulative from 2017/18: 0, −100, −200, −300, −400; × phase 0, ½, 1, 1, 1; × 0.5
    gross = [0, -25, -100, -150, -200]
    assert results.plan_gross is not None
    assert results.plan_gross.sel(line="los").values.tolist() == pytest.approx(gross)
    assert line_values(results, "los") == pytest.approx([0, -15, -90, -140, -190])


def test_division_by_zero_names_the_lines_formula() -> None:
    lines = [
        PlanLine(id="fine", name="Fine", value=-1.0),
        PlanLine(id="ratio", name="Ratio", formula="-activity.ae / x"),
    ]
    with pytest.raises(ModelError) as raised:
        run(scenario(lines, parameters={"x": {"2018/19": 2.0}}))
    [problem] = raised.value.problems
    assert problem.path == ("positions", "plan_lines", 1, "formula")
    assert problem.message == "formula '-activity.ae / x' divides by zero"


def test_a_formula_that_gives_no_number_names_the_line() -> None:
    lines = [PlanLine(id="root", name="Root", formula="x ** 0.5")]
    with pytest.raises(ModelError) as raised:
        run(scenario(lines, parameters={"x": {"2016/17": 4.0, "2018/19": -1.0}}))
    [problem] = raised.value.problems
    assert problem.path == ("positions", "plan_lines", 0, "formula")
    assert problem.message == "formula 'x ** 0.5' gives no number in some year (infinite or undefined)"


def test_every_line_that_cannot_be_evaluated_is_reported() -> None:
    lines = [
        PlanLine(id="a", name="A", formula="1 / x"),
        PlanLine(id="b", name="B", formula="2 / x"),
    ]
    with pytest.raises(ModelError) as raised:
        run(scenario(lines, parameters={"x": 0.0}))
    assert [problem.path for problem in raised.value.problems] == [
        ("positions", "plan_lines", 0, "formula"),
        ("positions", "plan_lines", 1, "formula"),
    ]


# --- properties ----------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=25, deadline=None)
LABELS = [format_year(2016 + i) for i in range(6)]  # 2016/17 … 2021/22
SPAN_6 = YearRange(2016, 2021)


@PROPERTY
@given(
    profile=st.sampled_from(["linear", "front_loaded", "back_loaded", "step"]),
    start=st.integers(0, 5),
    years=st.integers(1, 8),
)
def test_phase_fractions_are_in_0_to_1_and_never_fall(profile: Any, start: int, years: int) -> None:
    fractions = phase_fractions(Phasing(profile=profile, start=LABELS[start], years=years), SPAN_6)
    assert np.all(fractions >= 0) and np.all(fractions <= 1)
    assert np.all(np.diff(fractions) >= 0)
    assert np.all(fractions[:start] == 0)
    if start + years - 1 <= 5:
        assert fractions[start + years - 1] == pytest.approx(1.0)  # full effect after `years` years


finite = st.floats(-5000, 5000, allow_nan=False, allow_infinity=False, allow_subnormal=False)


@st.composite
def by_year(draw: st.DrawFn) -> float | dict[str, float]:
    if draw(st.booleans()):
        return draw(finite)
    indices = sorted(draw(st.lists(st.integers(0, 5), min_size=1, max_size=4, unique=True)))
    return {LABELS[i]: draw(finite) for i in indices}


def six_years(lines: list[PlanLine], parameters: dict[str, Any]) -> Scenario:
    return scenario(lines, end_year=LABELS[-1], parameters=parameters)


@PROPERTY
@given(
    x=by_year(),
    profile=st.sampled_from(["linear", "front_loaded", "back_loaded", "step"]),
    start=st.integers(0, 5),
    fraction=st.floats(0, 1),
    amount=by_year(),
)
def test_a_realisation_of_0_gives_a_zero_line(
    x: float | dict[str, float], profile: Any, start: int, fraction: float, amount: float | dict[str, float]
) -> None:
    line = PlanLine(
        id="zero",
        name="Zero",
        formula="-cumulative(x) * 2 + lag(x, 1)",
        phasing=Phasing(profile=profile, start=LABELS[start], years=3),
        realisation=0.0,
        overlaps=[
            Overlap(against=["zero"], fraction=fraction, reason="a"),
            Overlap(against=["zero"], amount=amount, reason="b"),
        ],
    )
    results = run(six_years([line], {"x": x}))
    assert line_values(results, "zero") == [0.0] * 6


@PROPERTY
@given(x=by_year(), phased=st.booleans())
def test_a_formula_of_a_parameter_equals_a_value_line_of_the_same_numbers(
    x: float | dict[str, float], phased: bool
) -> None:
    negated = {year: -v for year, v in x.items()} if isinstance(x, dict) else -x
    lines = [
        PlanLine(
            id="by_formula",
            name="Formula",
            org="ccg",
            formula="-x",
            phasing=Phasing(profile="step") if phased else None,
        ),
        PlanLine(id="by_value", name="Value", org="ccg", value=negated),
    ]
    results = run(six_years(lines, {"x": x}))
    for org in ("ccg", "system"):
        formula = results.positions.sel(line="by_formula", org=org).values
        value = results.positions.sel(line="by_value", org=org).values
        np.testing.assert_allclose(formula, value, atol=1e-9)
