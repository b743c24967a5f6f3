"""The target and risk registers through the use cases: status of each target in a month, risks as at."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from carebridge.delivery.months import Month, MonthError
from carebridge.delivery.risks import load_risk_register
from carebridge.delivery.target_actuals import TargetActualsError
from carebridge.delivery.targets import load_targets as read_target_register
from carebridge.store import Store
from carebridge.usecases.errors import NoTargetsError
from carebridge.usecases.registers import (
    escalate,
    import_target_actuals,
    list_risks,
    load_risks,
    load_targets,
    risks_as_at,
    status_of_targets,
)
from tests.conftest import EXAMPLES

DELIVERY = EXAMPLES / "delivery"
AE = "ae_4_hours_stockport"


def _actuals(folder: Path) -> Path:
    path = folder / "ae.csv"
    rows = [f"{AE},2016/17-M{m:02d},{v}" for m, v in ((9, 80), (10, 79), (11, 78), (12, 77))]
    path.write_text("target,month,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_no_targets_yet(store: Store, tmp_path: Path) -> None:
    found = status_of_targets(store)
    assert found.count == 0 and found.rows == () and found.month is None
    with pytest.raises(NoTargetsError):
        import_target_actuals(store, _actuals(tmp_path))


def test_each_target_against_its_trajectory_in_a_month(store: Store, tmp_path: Path) -> None:
    load_targets(store, read_target_register(DELIVERY / "targets.yaml"), "targets.yaml")
    unreported = status_of_targets(store, default=Month.parse("2016/17-M12"))
    assert unreported.month == Month.parse("2016/17-M12") and unreported.months == ()
    assert all(row.status.state in ("not reported", "no trajectory") for row in unreported.rows)

    outcome = import_target_actuals(store, _actuals(tmp_path))
    assert outcome.inserted == 4
    found = status_of_targets(store)
    assert found.month == Month.parse("2016/17-M12")
    assert [str(m) for m in found.months] == ["2016/17-M09", "2016/17-M10", "2016/17-M11", "2016/17-M12"]
    (ae,) = [row for row in found.rows if row.stored.code == AE]
    assert ae.status.state == "alert" and ae.status.rag == "red"  # falling away from 80% towards 95%
    assert ae.actuals[Month.parse("2016/17-M10")] == 79.0

    escalation = escalate(
        store, AE, Month.parse("2016/17-M12"), "Delayed discharges", ["Discharge to assess"]
    )
    assert escalation.created
    (ae,) = [row for row in status_of_targets(store).rows if row.stored.code == AE]
    assert [e.month for e in ae.escalations] == ["2016/17-M12"]

    earlier = status_of_targets(store, "2016/17-M10")
    assert earlier.month == Month.parse("2016/17-M10")
    with pytest.raises(MonthError):
        status_of_targets(store, "June")


def test_a_bad_file_of_target_actuals_is_refused(store: Store, tmp_path: Path) -> None:
    load_targets(store, read_target_register(DELIVERY / "targets.yaml"), "targets.yaml")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"target,month,value\n{AE},May 2017,80\n", encoding="utf-8")
    with pytest.raises(TargetActualsError, match=r"bad\.csv"):
        import_target_actuals(store, bad)


def test_risks_as_at_a_month_say_which_reviews_are_overdue(store: Store) -> None:
    load_risks(store, load_risk_register(DELIVERY / "risks.yaml"), None, "risks.yaml")
    risks = list_risks(store)
    assert risks
    late = risks_as_at(store, None, "2030/31-M01", dt.date(2020, 1, 1))
    assert late.review_day == dt.date(2030, 4, 30)
    assert {risk.id for risk in late.overdue} == {risk.id for risk in late.risks if risk.review_date}
    early = risks_as_at(store, None, None, dt.date(2000, 4, 15))
    assert str(early.month) == "2000/01-M01" and early.overdue == ()
