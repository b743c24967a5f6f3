"""Issue 13 item 4: user text written to a workbook stays text. A scheme name, a description or a risk title
that starts with ``=``, ``+``, ``-`` or ``@`` must never become a live formula in any workbook written."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from carebridge.delivery.pack import risks_table
from carebridge.engine import run
from carebridge.engine.appraisal import AppraisalParameters, appraise
from carebridge.report.appraisal import write_appraisal
from carebridge.report.delivery_excel import write_workbook
from carebridge.report.plan import PlanReport, write_report
from carebridge.report.provenance import Provenance
from carebridge.scenario.schema import Scenario

FORMULAS = ('=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1:A2)")


REFERENCE = r"[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?"
TOTAL = re.compile(rf"^=SUM\({REFERENCE}(?:,{REFERENCE})*\)$|^=[A-Z]+[0-9]+(?:[+-][A-Z]+[0-9]+)+$")
"""The only formulas a workbook holds: its own totals, sums and differences of its cells."""


def formula_cells(path: Path) -> list[str]:
    """Every cell of the workbook at ``path`` that a spreadsheet would evaluate, other than the workbook's
    own totals (``=SUM(B6:B9)``, ``=B6-B7``)."""
    book = load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" and not TOTAL.match(str(cell.value))
    ]


def text_cells(path: Path) -> dict[str, str]:
    """Every string cell of the workbook, by ``Sheet!A1``."""
    book = load_workbook(path)
    return {
        f"{sheet.title}!{cell.coordinate}": cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def test_names_that_look_like_formulas_stay_text_in_the_report_and_the_appraisal(
    tmp_path: Path, provenance: Provenance, example_data: dict[str, Any]
) -> None:
    example_data["description"] = FORMULAS[3]
    for index, scheme in enumerate(example_data["schemes"]):
        scheme["name"] = FORMULAS[index % 3]
        scheme.pop("group", None)
    results = run(Scenario.model_validate(example_data))
    appraisal = appraise(results, AppraisalParameters())
    write_report(PlanReport(results, appraisal), tmp_path / "report", provenance)
    written = write_appraisal(results, appraisal, tmp_path / "appraisal", provenance, "defaults")
    for workbook in (tmp_path / "report" / "report.xlsx", *(p for p in written if p.suffix == ".xlsx")):
        assert formula_cells(workbook) == []
        shown = set(text_cells(workbook).values())
        assert set(FORMULAS[:3]) <= shown, workbook.name
    cells = text_cells(tmp_path / "report" / "report.xlsx")
    assert any(key.startswith("Appraisal!A") and value == FORMULAS[0] for key, value in cells.items())
    assert any(key.startswith("Inputs!B") and value == FORMULAS[0] for key, value in cells.items())
    assert FORMULAS[3] in cells.values()


@dataclass(frozen=True)
class Risk:
    code: str
    title: str
    owner: str
    schemes: tuple[str, ...] = ()
    likelihood_before: int = 4
    impact_before: int = 5
    rating_before: int = 20
    likelihood_after: int = 3
    impact_after: int = 4
    rating_after: int = 12
    review_date: str = ""


@pytest.mark.parametrize("title", FORMULAS)
def test_a_risk_title_that_looks_like_a_formula_stays_text_in_the_delivery_pack(
    tmp_path: Path, title: str
) -> None:
    path = write_workbook(
        tmp_path / "pack.xlsx",
        [("Plan", "=1+1"), ("Month", "2018/19-M06")],
        [risks_table([Risk("R1", title, "-Board", ("acute",))])],
    )
    assert formula_cells(path) == []
    cells = text_cells(path)
    assert cells["Risks!B5"] == title
    assert cells["Risks!C5"] == "-Board"
    assert cells["About!B2"] == "=1+1"
