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
from carebridge.store.imports import OwnershipError, import_actuals
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


# --- ownership across files (issue 13, item 1) -----------------------------------------------------------

SFT_ROWS = ("2018/19-M01,ae,sft,1894.6", "2018/19-M01,ae,other,534")
CCG_TOTAL = ("2018/19-M01,ae,,8697.6",)


def test_a_total_may_not_replace_the_rows_of_an_organisation_its_importer_does_not_edit(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    sft = write_csv(tmp_path / "sft.csv", HEADER, *SFT_ROWS)
    import_actuals(approved, PLAN, read_actuals(sft, stockport_baseline), editing={"sft"})
    before, rows = counts(approved), stored_actuals(approved, PLAN).activity
    total = write_csv(tmp_path / "ccg-total.csv", HEADER, *CCG_TOTAL)
    with pytest.raises(OwnershipError) as refused:
        import_actuals(approved, PLAN, read_actuals(total, stockport_baseline), editing={"ccg"})
    (problem,) = refused.value.problems
    assert (problem.file, problem.row, problem.column) == ("ccg-total.csv", 2, "provider")
    assert "the total of A&E in 2018/19-M01 would replace the rows by provider of Stockport FT" in str(
        problem
    )
    assert "(from sft.csv)" in str(problem)
    assert counts(approved) == before
    assert stored_actuals(approved, PLAN).activity.equals(rows)


def test_rows_by_provider_may_not_replace_a_total_that_speaks_for_an_organisation_not_edited(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    total = write_csv(tmp_path / "sft-total.csv", HEADER, *CCG_TOTAL)
    import_actuals(approved, PLAN, read_actuals(total, stockport_baseline), editing={"sft"})
    before = counts(approved)
    other = write_csv(tmp_path / "other.csv", HEADER, "2018/19-M01,ae,other,534")
    with pytest.raises(
        OwnershipError, match=r"other.csv, row 2, column provider: A&E in 2018/19-M01 has a total"
    ):
        import_actuals(approved, PLAN, read_actuals(other, stockport_baseline), editing={"ccg"})
    assert counts(approved) == before


def test_a_total_takes_the_place_of_rows_by_provider_its_importer_may_change(
    approved: Store, stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    """The command line (no organisation) and an editor of every provider replace; each removed row is in
    the audit log with its value, and the month's POD then holds the total alone."""
    sft = write_csv(tmp_path / "sft.csv", HEADER, *SFT_ROWS)
    import_actuals(approved, PLAN, read_actuals(sft, stockport_baseline))
    total = write_csv(tmp_path / "total.csv", HEADER, *CCG_TOTAL)
    outcome = import_actuals(approved, PLAN, read_actuals(total, stockport_baseline), editing={"sft"})
    assert (outcome.inserted, outcome.removed) == (1, 2)
    activity = stored_actuals(approved, PLAN).activity
    assert list(activity["provider"]) == ["all"] and list(activity["activity"]) == [8697.6]
    with approved.session() as session:
        removed = session.scalars(select(AuditEntry).where(AuditEntry.action == "delete")).all()
    assert sorted(json.loads(entry.old_value or "0") for entry in removed) == [534, 1894.6]
    again = write_csv(tmp_path / "sft-again.csv", HEADER, *SFT_ROWS)
    back = import_actuals(approved, PLAN, read_actuals(again, stockport_baseline))
    assert (back.inserted, back.removed) == (2, 1)
    assert sorted(stored_actuals(approved, PLAN).activity["provider"]) == ["other", "sft"]
