"""Importing actuals: one transaction per file, every bad row reported, a second import of a file a no-op."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from carebridge.delivery.actuals_tables import ActualsFileError
from carebridge.delivery.baseline import PlanBaseline
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import import_actuals
from carebridge.store.models import AuditEntry
from carebridge.store.monitoring import read_actuals as stored_actuals
from tests.store.helpers import PLAN, approve_stockport, audit_count, counts, import_count, write_csv

HEADER = "month,pod,provider,activity"
GOOD = ("2018/19-M01,ae,sft,5340", "2018/19-M01,ae,other,1506", "2018/19-M01,nel,,2890")


@pytest.fixture
def approved(store: Store, stockport_baseline: PlanBaseline) -> Store:
    approve_stockport(store, stockport_baseline)
    return store


def test_a_file_imports_its_rows(approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m01.csv", HEADER, *GOOD)
    outcome = import_actuals(approved, PLAN, read_actuals(path, stockport_baseline))
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (3, 0, 0)
    activity = stored_actuals(approved, PLAN).activity
    assert sorted(activity["provider"]) == ["all", "other", "sft"]
    assert float(activity.loc[activity["pod"] == "nel", "activity"].iloc[0]) == 2890.0


def test_the_same_file_twice_changes_nothing_the_second_time(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "m01.csv", HEADER, *GOOD)
    import_actuals(approved, PLAN, read_actuals(path, stockport_baseline))
    before = counts(approved)
    again = import_actuals(approved, PLAN, read_actuals(path, stockport_baseline))
    assert not again.changed and again.unchanged == 3
    assert len(again.earlier_imports) == 1
    assert counts(approved) == before


def test_a_changed_value_replaces_the_old_and_the_audit_log_keeps_both(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    import_actuals(
        approved, PLAN, read_actuals(write_csv(tmp_path / "a.csv", HEADER, *GOOD), stockport_baseline)
    )
    corrected = write_csv(tmp_path / "b.csv", HEADER, "2018/19-M01,ae,sft,5400", *GOOD[1:])
    outcome = import_actuals(approved, PLAN, read_actuals(corrected, stockport_baseline))
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (0, 1, 2)
    with approved.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
        assert (entry.entity, entry.field, entry.actor) == ("actual_activity", "activity", "tester")
        assert (json.loads(entry.old_value or ""), json.loads(entry.new_value or "")) == (5340.0, 5400.0)
        assert json.loads(entry.entity_key)[1:] == ["2018/19-M01", "ae", "sft"]


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    import_actuals(
        approved, PLAN, read_actuals(write_csv(tmp_path / "ok.csv", HEADER, *GOOD), stockport_baseline)
    )
    before = counts(approved)
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        "2018/19-M02,ae,sft,5100",
        "2018/19-M13,ae,sft,5100",
        "2018/19-M02,a&e,sft,5100",
        "2018/19-M02,nel,stockport,abc",
        "2018/19-M02,ae,sft,5200",
    )
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(bad, stockport_baseline)
    messages = [str(problem).replace(f"{tmp_path}/", "") for problem in raised.value.problems]
    assert messages == [
        "bad.csv, row 3, column month: '2018/19-M13': the month number must be M01 (April) to M12 (March)",
        "bad.csv, row 4, column pod: unknown POD 'a&e'; expected one of ae, nel, el, op; did you mean 'ae'?",
        "bad.csv, row 5, column provider: 'stockport' is not a provider of POD 'nel'; expected one of sft, "
        "other, all",
        "bad.csv, row 5, column activity: expected a number, found 'abc'",
        "bad.csv, row 6: repeats row 2 (month 2018/19-M02, pod ae, provider sft); give each key once",
    ]
    assert "nothing was imported" in str(raised.value)
    assert counts(approved) == before


def test_an_excel_workbook_imports_every_sheet_in_one_transaction(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    workbook = Workbook()
    readme = workbook.active
    readme.title = "README"
    activity = workbook.create_sheet("activity")
    activity.append(["month", "pod", "provider", "activity"])
    activity.append(["2018/19-M01", "ae", None, 6846])
    milestones = workbook.create_sheet("milestones")
    milestones.append(["scheme", "milestone", "due", "status", "done"])
    milestones.append(["outpatients", "Advice and guidance", "2018/19-M02", "done", "2018/19-M02"])
    milestones.append(["outpatients", "Virtual clinics", "2018/19-M05", "late", None])
    spend = workbook.create_sheet("spend")
    spend.append(["month", "scheme", "spend"])
    spend.append(["2018/19-M01", "neighbourhood", 1008.8])
    path = tmp_path / "actuals.xlsx"
    workbook.save(path)
    outcome = import_actuals(approved, PLAN, read_actuals(path, stockport_baseline))
    assert outcome.inserted == 4 and import_count(approved) == 1
    data = stored_actuals(approved, PLAN)
    assert len(data.activity) == 1 and len(data.milestones) == 2 and len(data.spend) == 1


def test_a_bad_sheet_stops_the_good_sheets_of_the_workbook(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    workbook = Workbook()
    activity = workbook.active
    activity.title = "activity"
    activity.append(["month", "pod", "provider", "activity"])
    activity.append(["2018/19-M01", "ae", None, 6846])
    milestones = workbook.create_sheet("milestones")
    milestones.append(["scheme", "milestone", "due", "status", "done"])
    milestones.append(["outpatient", "Virtual clinics", "2018/19-M05", "finished", None])
    path = tmp_path / "actuals.xlsx"
    workbook.save(path)
    before = audit_count(approved)
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(path, stockport_baseline)
    assert [str(p).replace(f"{tmp_path}/", "") for p in raised.value.problems] == [
        "actuals.xlsx, sheet milestones, row 2, column scheme: unknown scheme 'outpatient'; expected one of "
        "acute_interface, intermediate_care, neighbourhood, outpatients; did you mean 'outpatients'?",
        "actuals.xlsx, sheet milestones, row 2, column status: 'finished' is not a status; expected one of "
        "not_started, on_track, at_risk, late, done",
    ]
    assert audit_count(approved) == before
