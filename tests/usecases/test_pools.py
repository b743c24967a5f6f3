"""Pooled budgets through the use cases on a real store: load the Stockport pools, import a year of monthly
spend (all or nothing, idempotent), and each pool's status as at a month."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from carebridge.delivery.months import Month, MonthError
from carebridge.delivery.pools import PoolSpendError, load_pool
from carebridge.store import Store
from carebridge.store.models import PoolContribution, PoolLine, PoolSpend
from carebridge.usecases.pools import (
    NoPoolsError,
    UnknownPoolError,
    import_spend,
    list_pools,
    load_pools,
    pools_status,
)
from tests.conftest import EXAMPLES

POOLS = EXAMPLES / "stockport-2017" / "pools"
SPEND = POOLS / "spend-2016-17.csv"


def _load(store: Store) -> None:
    files = [POOLS / "pool-2015-16.yaml", POOLS / "pool-65-plus-2016-17.yaml"]
    load_pools(store, [(load_pool(path), path) for path in files])


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_the_pools_are_held_with_contributions_lines_and_rules(store: Store) -> None:
    with pytest.raises(NoPoolsError):
        import_spend(store, SPEND)
    _load(store)
    stored = {pool.code: pool for pool in list_pools(store)}
    assert list(stored) == ["existing_pool_2015_16", "age_65_plus"]
    assert stored["age_65_plus"].definition.cohort.name == "People aged 65 and over"
    with store.session() as session:
        ccg = session.scalars(select(PoolContribution).where(PoolContribution.partner == "ccg")).all()
        assert sorted((row.year, row.gross, row.qipp) for row in ccg) == [
            ("2015/16", 24_802.0, 0.0),
            ("2016/17", 122_000.0, 4_000.0),
        ]
        lines = {row.line: (row.included, row.rule, row.amount) for row in session.scalars(select(PoolLine))}
    assert lines["non_elective"] == (True, "payment_by_results", 29_100.0)
    assert lines["gms_pms"] == (False, "gp_contract_without_delegation", 0.0)
    again = load_pools(store, [(load_pool(POOLS / "pool-65-plus-2016-17.yaml"), POOLS / "x.yaml")])
    assert [outcome.what for outcome in again] == ["unchanged"]


def test_spend_imports_once_and_the_status_follows(store: Store) -> None:
    _load(store)
    first = import_spend(store, SPEND)
    assert (first.inserted, first.updated, first.unchanged) == (96, 0, 0)
    second = import_spend(store, SPEND)
    assert not second.changed and second.unchanged == 96
    assert _count(store, PoolSpend) == 96
    found = pools_status(store, "2016/17-M06", "age_65_plus")
    assert found.month == Month.parse("2016/17-M06")
    [(stored, status)] = found.pools
    assert status is not None and stored.code == "age_65_plus"
    assert status.affordability.gross == pytest.approx(148_200)
    assert status.affordability.affordability == pytest.approx(144_200)
    assert status.plan_ytd == pytest.approx(72_100)
    assert status.actual_ytd == pytest.approx(73_935)
    assert status.forecast == pytest.approx(147_870)
    assert status.variance.variance == pytest.approx(3_670)
    assert status.gross_variance.variance == pytest.approx(-330)
    parts = {line.partner: line.amount for line in status.variance.lines}
    assert parts["ccg"] == pytest.approx(3_670 * 118_000 / 144_200)
    latest = pools_status(store)
    assert latest.month == Month.parse("2016/17-M12")
    assert {s.code: st is None for s, st in latest.pools} == {
        "existing_pool_2015_16": True,  # no contributions in 2016/17
        "age_65_plus": False,
    }


def test_a_bad_file_imports_nothing_and_names_each_bad_row(store: Store, tmp_path: Path) -> None:
    _load(store)
    bad = tmp_path / "spend.csv"
    bad.write_text(
        "pool,month,service_area,spend\n"
        "age_65_plus,2016/17-M01,non_elective,2425\n"
        "age_65_plus_,2016/17-M01,ae,267\n"
        "age_65_plus,2016/17-M13,ae,267\n"
        "age_65_plus,2017/18-M01,ae,267\n"
        "age_65_plus,2016/17-M01,planed,2742\n"
        "age_65_plus,2016/17-M01,community,-5\n"
        "age_65_plus,2016/17-M01,chc_fnc,lots\n"
        "age_65_plus,2016/17-M01,non_elective,2425\n",
        encoding="utf-8",
    )
    with pytest.raises(PoolSpendError) as raised:
        import_spend(store, bad)
    shown = [
        str(problem).replace(str(bad), "f").replace(", row", " row") for problem in raised.value.problems
    ]
    assert shown == [
        "f row 3, column pool: no pool 'age_65_plus_' in the store; did you mean 'age_65_plus'?",
        "f row 4, column month: " + str(_month_error("2016/17-M13")),
        "f row 5, column month: the pool has no contributions in 2017/18; expected a month of 2016/17",
        "f row 6, column service_area: the pool has no service area 'planed'; did you mean 'planned'?",
        "f row 7, column spend: expected a spend of zero or more (£'000); found -5 (a refund is netted "
        "off the month)",
        "f row 8, column spend: expected an amount in £'000; found 'lots'",
        "f row 9, column service_area: age_65_plus, non_elective in 2016/17-M01 is given again (first "
        "in row 2)",
    ]
    assert _count(store, PoolSpend) == 0


def _month_error(label: str) -> MonthError:
    try:
        Month.parse(label)
    except MonthError as error:
        return error
    raise AssertionError(label)


def test_an_unknown_pool_or_month_is_refused(store: Store) -> None:
    _load(store)
    with pytest.raises(UnknownPoolError, match="no pool 'age65' in the store; did you mean 'age_65_plus'"):
        pools_status(store, "2016/17-M06", "age65")
    with pytest.raises(MonthError):
        pools_status(store, "June")
