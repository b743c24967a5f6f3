"""The written report: Excel workbook, self-contained HTML page, terminal headlines, run.json."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook
from rich.console import Console

from carebridge.engine import Results, run
from carebridge.report.excel import sheet_names
from carebridge.report.plan import PlanReport, print_headlines, write_report
from carebridge.report.plan_tables import all_tables
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable
from carebridge.scenario.schema import Scenario
from tests.examples.seeds import STOCKPORT_SEED

MONEY_FORMAT = "#,##0;(#,##0)"


@pytest.fixture(scope="module")
def page(folder: Path) -> str:
    return (folder / "report.html").read_text(encoding="utf-8")


def test_write_report_lists_its_files(folder: Path) -> None:
    run = json.loads((folder / "run.json").read_text())
    assert run["files"] == [
        "activity.csv",
        "scheme_activity.csv",
        "savings.csv",
        "statement.csv",
        "positions.csv",
        "flows.csv",
        "flow_checks.csv",
        "report.xlsx",
        "report.html",
        "bridge-system.png",
        "bridge-smbc.png",
        "bridge-ccg.png",
        "bridge-sft.png",
        "bridge-pennine.png",
        "run.json",
    ]
    assert all((folder / name).is_file() for name in run["files"])
    assert run["generated_at"] == "2017-06-30T12:00:00+00:00"
    assert len(run["sha256"]) == 64


# ---- Excel ------------------------------------------------------------------------------------------------


def row_of(sheet: object, label: str) -> int:
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):  # type: ignore[attr-defined]
        if cell.value == label:
            return int(cell.row)
    raise AssertionError(f"no row {label!r}")


def test_workbook_has_a_sheet_per_table(workbook: Workbook, tables: dict[str, FormattedTable]) -> None:
    names = workbook.sheetnames
    assert names[0] == "About" and names[-1] == "Inputs"
    assert len(names) == len(tables) + 2 == len(set(names))
    assert all(len(name) <= 31 for name in names)
    assert "Bridge 2020-21" in names


def test_statement_sheet_formats(workbook: Workbook) -> None:
    sheet = workbook["Statement (tariff)"]
    assert sheet["A1"].value == "Investment and funding (including savings) statement, tariff basis"
    assert "£'000" in sheet["A2"].value
    assert sheet.freeze_panes == "B5"
    net = row_of(sheet, "Total net saving")
    seed = STOCKPORT_SEED["table_6_tariff_statement"]["net"][-1]
    assert sheet.cell(net, 6).value == pytest.approx(seed, abs=1)
    assert sheet.cell(net, 6).number_format == MONEY_FORMAT
    assert sheet.cell(net, 1).font.b and sheet.cell(net, 6).font.b
    assert not sheet.cell(row_of(sheet, "SRG"), 3).font.b
    assert sheet.cell(row_of(sheet, "Source of investment funding"), 1).font.b
    assert sheet.column_dimensions["A"].width > 40


def test_activity_sheet_has_grouped_headers_and_percentages(workbook: Workbook) -> None:
    sheet = workbook["Activity and deflection"]
    assert sheet.freeze_panes == "B6"
    assert sheet["C4"].value == "Do-nothing activity"
    ae = row_of(sheet, "A&E")
    assert sheet.cell(ae, 2).number_format == MONEY_FORMAT
    assert sheet.cell(ae, 7).number_format == "0.0%"
    assert sheet.cell(ae, 7).value == pytest.approx(-0.201, abs=0.0006)


def test_reconciliation_sheet_marks_differences(workbook: Workbook) -> None:
    sheet = workbook["Reconciliation"]
    difference = row_of(sheet, "Difference")
    assert sheet.cell(difference, 3).value == pytest.approx(700)
    assert sheet.cell(difference, 3).fill.fgColor.rgb.endswith("FDE2E1")
    assert sheet.cell(difference, 2).fill.fill_type is None


def test_inputs_and_about_sheets(workbook: Workbook, provenance: Provenance) -> None:
    inputs = {row[0]: row[1:] for row in workbook["Inputs"].iter_rows(min_row=2, values_only=True)}
    assert inputs["pods[0].price.2017/18"] == (pytest.approx(91.9), "file")
    assert inputs["pods[0].cost_release.lags.semi_fixed"] == (1, "default")
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(min_row=3, values_only=True)}
    assert about["SHA-256 of the file"] == provenance.sha256
    assert about["Scenario"] == "Stockport Together summary economic case 2017"


@given(st.lists(st.text(min_size=1, max_size=40), max_size=12))
def test_sheet_names_are_valid_and_unique(titles: list[str]) -> None:
    names = sheet_names(titles, reserved=("About", "Inputs"))
    assert len(names) == len(titles)
    assert len({name.lower() for name in [*names, "about", "inputs"]}) == len(names) + 2
    for name in names:
        assert 0 < len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)


# ---- HTML -------------------------------------------------------------------------------------------------


def test_page_is_self_contained(page: str) -> None:
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"<(script|img|iframe)\b[^>]*\bsrc\s*=", page, re.I)
    assert "<link" not in page
    assert page.count("<script>") == page.count("</script>") == 2
    assert "plotly.js v" in page


def test_page_draws_the_charts(page: str) -> None:
    for chart in (
        "chart-bridge",
        "chart-positions",
        "chart-activity",
        "chart-savings-tariff",
        "chart-savings-cost",
    ):
        assert f'Plotly.newPlot("{chart}"' in page
    assert '"type":"waterfall"' in page


def test_page_has_every_table(page: str, tables: dict[str, FormattedTable]) -> None:
    for table in tables.values():
        assert f"<caption>{table.title.replace('&', '&amp;')}<small>" in page
    assert '<th scope="col">2016/17</th>' in page
    assert '<th scope="row">Total net saving</th>' in page
    assert "<td>(26,674)</td>" in page
    assert "<td>-20.1%</td>" in page
    assert '<td class="flag" title="above tolerance">700</td>' in page
    assert '<tr class="total"><th scope="row">Total</th>' in page


def test_report_imports_stay_light() -> None:
    code = (
        "import sys, carebridge.report.html, carebridge.report.excel, carebridge.report.plan; "
        "print(sorted(m for m in ('openpyxl', 'plotly') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---- terminal ---------------------------------------------------------------------------------------------


def test_terminal_headlines(results: Results) -> None:
    console = Console(record=True, width=120)
    print_headlines(results, console)
    styled = console.export_text(styles=True, clear=False)
    text = console.export_text()
    assert "Do-nothing financial gap by organisation (£'000)" in text
    assert "156,784" in text
    assert "(26,674)" in text and "(22,423)" in text
    assert "(45,470)" in text
    assert "System financial bridge, 2020/21" in text
    bold_total = re.search(r"\x1b\[1m[│ ]*Total\b", styled)
    assert bold_total is not None


def test_a_plan_without_schemes_or_published_figures(
    tmp_path: Path, provenance: Provenance, example_data: dict[str, Any]
) -> None:
    for key in ("schemes", "published", "report", "investments", "funding", "statement", "cohorts"):
        example_data.pop(key)
    plain = run(Scenario.model_validate(example_data))
    ids = [table.id for table in all_tables(plain, None)]
    assert "scheme_summary_tariff" not in ids and "reconciliation" not in ids
    assert "statement_tariff" in ids
    write_report(PlanReport(plain, None), tmp_path, provenance)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "chart-savings-tariff" not in page and "chart-bridge" in page


def test_the_report_reads_the_appraisal_it_is_given(
    report: PlanReport, provenance: Provenance, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The appraisal is computed once, by whoever assembles the run: writing the report never runs it."""
    import carebridge.engine.appraisal

    def refuse(*_: object) -> None:
        raise AssertionError("the report ran the appraisal")

    monkeypatch.setattr(carebridge.engine.appraisal, "appraise", refuse)
    write_report(report, tmp_path, provenance)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Green Book appraisal by scheme" in page and "chart-appraisal-cost" in page
