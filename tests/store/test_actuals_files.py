"""Reading actuals files: every problem located by file, sheet, row and column; templates that read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from carebridge.delivery.actuals import ActivityActual, MilestoneStatus
from carebridge.delivery.actuals_tables import ActualsFileError
from carebridge.delivery.baseline import PlanBaseline
from carebridge.store.actuals_files import read_actuals, write_template


def problems(path: Path, baseline: PlanBaseline) -> list[str]:
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(path, baseline)
    return [str(problem).replace(f"{path.parent}/", "") for problem in raised.value.problems]


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_header_names_the_table_and_every_column_is_checked(
    stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    path = write(tmp_path / "a.csv", "month,pod,providr,activity", "2018/19-M01,ae,,1")
    assert problems(path, stockport_baseline) == [
        "a.csv, row 1, column providr: unknown column 'providr' in an activity table; expected month, pod, "
        "provider, activity; did you mean 'provider'?"
    ]
    path = write(tmp_path / "b.csv", "month,scheme", "2018/19-M01,outpatients")
    assert problems(path, stockport_baseline)[0].startswith(
        "b.csv, row 1: the header row is 'month,scheme'; "
    )


def test_milestone_status_and_done_month_must_agree(stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    path = write(
        tmp_path / "m.csv",
        "scheme,milestone,due,status,done",
        "outpatients,A,2018/19-M01,done,",
        "outpatients,B,2018/19-M02,late,2018/19-M03",
        "outpatients,C,2018/19-M02,on track,",
    )
    assert problems(path, stockport_baseline) == [
        "m.csv, row 2, column done: the status is done but the month it was done is missing",
        "m.csv, row 3, column done: a done month is given but the status is 'late'; expected done",
    ]


def test_blank_values_are_not_reported_yet_and_totals_do_not_mix_with_providers(
    stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "a.csv",
        "month,pod,provider,activity",
        "2018/19-M01,ae,,6800",
        "2018/19-M02,ae,,",
        "2018/19-M01,op,sft,15000",
        "2018/19-M01,op,,24000",
    )
    assert problems(path, stockport_baseline) == [
        "a.csv, row 5, column provider: POD op in 2018/19-M01 has a total row and rows by provider (row 4); "
        "give either the total or the providers"
    ]
    read = read_actuals(write(tmp_path / "b.csv", *path.read_text().splitlines()[:4]), stockport_baseline)
    activity = read.tables["activity"]
    assert all(isinstance(record, ActivityActual) for record in activity)
    assert [(r.pod, r.provider) for r in activity if isinstance(r, ActivityActual)] == [
        ("ae", "all"),
        ("op", "sft"),
    ]


def test_an_excel_template_with_the_plans_keys_reads_back_once_filled(
    stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    path = tmp_path / "actuals.xlsx"
    write_template(path, stockport_baseline, "2018/19")
    workbook = load_workbook(path)
    activity = workbook["activity"]
    assert activity.max_row == 1 + 12 * 4
    activity["D2"] = 6846
    milestones = workbook["milestones"]
    milestones["B2"], milestones["C2"], milestones["D2"], milestones["E2"] = (
        "Go live",
        "2018/19-M03",
        "done",
        "2018/19-M02",
    )
    workbook.save(path)
    read = read_actuals(path, stockport_baseline)
    activity_read = [r for r in read.tables["activity"] if isinstance(r, ActivityActual)]
    assert [(r.month.label, r.pod, r.provider, r.activity) for r in activity_read] == [
        ("2018/19-M01", "ae", "all", 6846.0)
    ]
    milestone = read.tables["milestones"][0]
    assert isinstance(milestone, MilestoneStatus) and milestone.scheme == "acute_interface"
    assert set(read.tables) == {"activity", "milestones"}


def test_csv_templates_are_one_file_per_table(tmp_path: Path) -> None:
    written = write_template(tmp_path / "june.csv")
    assert [p.name for p in written] == [
        "june-activity.csv",
        "june-spend.csv",
        "june-milestones.csv",
        "june-forecast.csv",
        "june-profile.csv",
    ]
    assert write_template(tmp_path / "spend.csv") == [tmp_path / "spend.csv"]
    assert (tmp_path / "spend.csv").read_text(encoding="utf-8") == "month,scheme,spend\n"


# --- nothing lost silently (issue 13, item 6) ------------------------------------------------------------


def test_a_row_cut_short_is_an_error_naming_its_row(stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.csv",
        "month,pod,provider,activity",
        "2018/19-M01,ae,sft,1894.6",
        "2018/19-M01,nel",
        "2018/19-M01,el,,",
    )
    assert problems(path, stockport_baseline) == [
        "a.csv, row 3: the row has 2 cells and the header 4 (month,pod,provider,activity); give every "
        "column, a blank one as an empty cell"
    ]


def test_a_sheet_not_named_after_a_table_is_an_error_naming_the_sheet(
    stockport_baseline: PlanBaseline, tmp_path: Path
) -> None:
    workbook = Workbook()
    readme = workbook.active
    readme.title = "README"
    readme.append(["notes the import ignores"])
    renamed = workbook.create_sheet("Activity data")
    renamed.append(["month", "pod", "provider", "activity"])
    renamed.append(["2018/19-M01", "ae", "sft", 1894.6])
    spend = workbook.create_sheet("spend")
    spend.append(["month", "scheme", "spend"])
    spend.append(["2018/19-M01", "outpatients", 10])
    path = tmp_path / "actuals.xlsx"
    workbook.save(path)
    assert problems(path, stockport_baseline) == [
        "actuals.xlsx, sheet Activity data: is not a table of actuals, so its rows would be lost; name each "
        "sheet after its table: activity, spend, milestones, forecast, profile (a README sheet is ignored)"
    ]


def test_a_file_with_nothing_to_import_is_an_error(stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", "month,pod,provider,activity", "2018/19-M01,ae,sft,")
    assert problems(path, stockport_baseline) == [
        "a.csv: no row has a value: nothing to import (a blank value means not reported yet)"
    ]
