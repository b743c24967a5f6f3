"""Importing actuals and the FEWS of a month, on a real store: the use cases both faces call."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.delivery.months import MonthError
from carebridge.store import Store
from carebridge.usecases.delivery import (
    ActualsFilesError,
    check_actuals,
    delivery_pack,
    fews,
    import_actuals,
    orgs_touched,
)
from carebridge.usecases.errors import MonthOutsidePlanError
from carebridge.usecases.planning import CheckedScenario
from carebridge.usecases.plans import approve
from tests.conftest import EXAMPLES

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
PLAN = "June 2017 business cases"


@pytest.fixture
def approved(store: Store, stockport_checked: CheckedScenario) -> Store:
    approve(store, PLAN, stockport_checked)
    return store


def test_the_fews_before_any_actuals_is_empty(approved: Store) -> None:
    status = fews(approved, PLAN)
    assert status.monitoring is None and status.months == () and status.month is None


def test_the_fews_reads_the_latest_month_once_actuals_are_in(approved: Store) -> None:
    files = [ACTUALS / "activity-2018-19-M01.csv", ACTUALS / "activity-2018-19-M02.csv"]
    imported = import_actuals(approved, PLAN, files)
    assert [actuals.name for actuals, _ in imported] == [path.name for path in files]
    assert all(outcome.inserted > 0 for _, outcome in imported)
    again = import_actuals(approved, PLAN, files)
    assert not any(outcome.changed for _, outcome in again)

    status = fews(approved, PLAN)
    assert status.months == ("2018/19-M01", "2018/19-M02")
    assert status.month == "2018/19-M02"
    assert status.monitoring is not None and str(status.monitoring.month) == "2018/19-M02"
    earlier = fews(approved, PLAN, "2018/19-M01")
    assert earlier.monitoring is not None and str(earlier.monitoring.month) == "2018/19-M01"
    pack = delivery_pack(approved, PLAN, status.monitoring)
    assert pack.fews is status.monitoring and pack.registers.month == status.monitoring.month


def test_a_month_outside_the_plan_or_not_a_month_is_refused(approved: Store) -> None:
    with pytest.raises(MonthOutsidePlanError, match=r"2030/31-M01: 2030/31 is not a year of the plan \("):
        fews(approved, PLAN, "2030/31-M01")
    with pytest.raises(MonthError):
        fews(approved, PLAN, "June")


def test_a_bad_file_imports_nothing_and_every_bad_row_is_listed(approved: Store, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "month,pod,provider,activity\n2018/19-M01,ae,sft,-5\n2018/19-M14,xx,,3\n", encoding="utf-8"
    )
    good = ACTUALS / "activity-2018-19-M01.csv"
    with pytest.raises(ActualsFilesError) as raised:
        import_actuals(approved, PLAN, [good, bad])
    message = str(raised.value)
    assert "bad.csv, row 3, column month" in message and "bad.csv, row 3, column pod" in message
    assert len(raised.value.problems) >= 3
    assert fews(approved, PLAN).monitoring is None  # the good file was not imported either


def test_a_file_touches_the_organisations_whose_rows_it_holds(approved: Store) -> None:
    baseline, (activity, spend) = check_actuals(
        approved, PLAN, [ACTUALS / "activity-2018-19-M01.csv", ACTUALS / "spend.csv"]
    )
    assert orgs_touched(activity, baseline) == {"sft"}  # "other" providers are no partner
    owners = {scheme.owner for scheme in baseline.schemes}
    assert orgs_touched(spend, baseline) <= owners and orgs_touched(spend, baseline)
