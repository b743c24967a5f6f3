"""A pooled budget monitored monthly (:func:`carebridge.delivery.pools.pool_status`): phasing, plan and spend
to date, the run-rate forecast, gross and affordability after QIPP, the risk share of the forecast variance;
the £m reading and the checks of QIPP and phasing."""

from __future__ import annotations

import math
import pathlib

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from carebridge.delivery.months import Month
from carebridge.delivery.pools import (
    Cohort,
    Contribution,
    PoolDefinition,
    Qipp,
    ServiceArea,
    affordability,
    in_thousands,
    load_pool,
    pool_status,
)
from carebridge.scenario.errors import PoolError

YEAR = "2016/17"


def pool(**fields: object) -> PoolDefinition:
    base: dict[str, object] = {
        "name": "Pool",
        "year": YEAR,
        "cohort": Cohort(id="c", name="Cohort"),
        "service_areas": [ServiceArea(id="a", name="Area A"), ServiceArea(id="b", name="Area B")],
        "lines": [],
        "contributions": [
            Contribution(partner="ccg", name="CCG", by_year={YEAR: 9_000}),
            Contribution(partner="la", name="Council", by_year={YEAR: 3_000}),
        ],
        "qipp": [Qipp(partner="ccg", by_year={YEAR: 1_200})],
    }
    return PoolDefinition.model_validate(base | fields)


def month(number: int) -> Month:
    return Month.parse(f"{YEAR}-M{number:02d}")


def test_gross_to_affordability_partner_by_partner() -> None:
    bridge = affordability(pool(), YEAR)
    assert [(r.partner, r.gross, r.qipp, r.affordability) for r in bridge.rows] == [
        ("ccg", 9_000, 1_200, 7_800),
        ("la", 3_000, 0, 3_000),
    ]
    assert (bridge.gross, bridge.qipp, bridge.affordability) == (12_000, 1_200, 10_800)


def test_status_even_phasing_run_rate_and_risk_share() -> None:
    spend = {month(m): {"a": 600.0, "b": 300.0} for m in range(1, 5)}
    status = pool_status(pool(), spend, month(3))
    assert status.elapsed == pytest.approx(0.25)
    assert status.plan_ytd == pytest.approx(2_700)  # 10,800 × 3/12
    assert status.actual_ytd == pytest.approx(2_700)  # M04 is after the month: not counted
    assert status.forecast == pytest.approx(10_800)
    assert status.variance.kind == "on_budget" or status.variance.variance == pytest.approx(0, abs=1e-6)
    assert status.gross_variance.variance == pytest.approx(-1_200)  # under the gross budget by the QIPP
    assert status.months[3].actual is None and status.months[2].actual_ytd == pytest.approx(2_700)
    assert [a.actual_ytd for a in status.areas] == [1_800, 900]
    over = pool_status(pool(), {month(1): {"a": 1_200.0}}, month(1))
    assert over.forecast == pytest.approx(14_400) and over.variance.variance == pytest.approx(3_600)
    parts = {line.partner: line.amount for line in over.variance.lines}
    assert parts == pytest.approx({"ccg": 3_600 * 7_800 / 10_800, "la": 3_600 * 3_000 / 10_800})
    agreed = pool(overspend_shares={"ccg": 0.5, "la": 0.5})
    shared = pool_status(agreed, {month(1): {"a": 1_200.0}}, month(1)).variance
    assert [line.amount for line in shared.lines] == pytest.approx([1_800, 1_800])


def test_a_month_without_spend_counts_as_nothing_and_is_named() -> None:
    status = pool_status(pool(), {month(1): {"a": 900.0}}, month(2))
    assert status.missing == (month(2),)
    assert status.actual_ytd == pytest.approx(900)


def test_phasing_moves_the_plan_and_the_forecast() -> None:
    phasing = [0.05] * 6 + [0.7 / 6] * 6
    status = pool_status(pool(phasing=phasing), {month(m): {"a": 540.0} for m in range(1, 7)}, month(6))
    assert status.elapsed == pytest.approx(0.3)
    assert status.plan_ytd == pytest.approx(10_800 * 0.3)
    assert status.forecast == pytest.approx(3_240 / 0.3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=5_000), min_size=12, max_size=12), st.integers(1, 12))
def test_forecast_parts_add_up_and_the_year_end_forecast_is_the_spend(
    amounts: list[float], upto: int
) -> None:
    spend = {month(m): {"a": amounts[m - 1]} for m in range(1, 13)}
    status = pool_status(pool(), spend, month(upto))
    assert math.fsum(line.amount for line in status.variance.lines) == pytest.approx(
        status.variance.variance, abs=1e-6
    )
    assert status.actual_ytd == pytest.approx(math.fsum(amounts[:upto]))
    if upto == 12:
        assert status.forecast == pytest.approx(math.fsum(amounts))


def test_a_pool_in_millions_is_read_in_thousands() -> None:
    millions = pool(
        unit="£m", contributions=[Contribution(partner="ccg", name="CCG", by_year={YEAR: 1.5})], qipp=[]
    )
    assert in_thousands(millions).contributions[0].by_year[YEAR] == pytest.approx(1_500)
    assert in_thousands(millions).unit == "£'000"


GOOD = """\
name: Test pool
year: 2016/17
cohort: {id: c, name: Cohort}
service_areas: [{id: a, name: Area A}]
lines: []
contributions:
  - {partner: ccg, name: CCG, by_year: {2016/17: 4000}}
"""


def errors(tmp_path: pathlib.Path, text: str) -> list[str]:
    path = tmp_path / "pool.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PoolError) as raised:
        load_pool(path)
    return [str(problem).replace(str(path), "pool.yaml") for problem in raised.value.problems]


def test_qipp_and_phasing_are_checked_with_their_place(tmp_path: pathlib.Path) -> None:
    text = (
        GOOD
        + "qipp:\n  - {partner: cgg, by_year: {2016/17: 10}}\n  - {partner: ccg, by_year: {2016/17: 5000}}\n"
    )
    text += "phasing: [0.5, 0.5]\n"
    assert errors(tmp_path, text) == [
        "pool.yaml:9 qipp[0].partner: 'cgg' is not a contributing partner; did you mean 'ccg'?",
        "pool.yaml:10 qipp[1].by_year.2016/17: the QIPP 5,000 is above the partner's contribution in 2016/17 "
        "(4,000); expected at most its contribution",
        "pool.yaml:11 phasing: expected 12 monthly shares (April to March); found 2",
    ]
