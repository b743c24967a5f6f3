"""The efficiency report of a month (``carebridge efficiency status --out``): the page and the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from carebridge.delivery.efficiency import load_programme
from carebridge.delivery.efficiency_status import ReturnFacts, assess
from carebridge.delivery.months import Month
from carebridge.delivery.returns import EfficiencyDelivered, RiskLine
from carebridge.report.efficiency import write_efficiency_report
from tests.efficiency.programme import write_programme


def test_the_report_has_every_table_on_its_page_and_in_its_workbook(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    month = Month(2017, 2)
    delivered = [EfficiencyDelivered("south", Month(2017, m), "south_procure", 20, 20) for m in (1, 2)]
    risks = [RiskLine("north", month, "activity", "risk", "Activity over plan", 10, 20, 40)]
    returns = [ReturnFacts("south", month, dt.date(2017, 7, 20), dt.date(2017, 7, 18))]
    status = assess(programme, month, [], delivered, risks, returns)
    html, workbook = write_efficiency_report(status, tmp_path / "out")
    assert html.name == "efficiency-2017-18-M02.html" and workbook.suffix == ".xlsx"
    page = html.read_text(encoding="utf-8")
    shown = ("FEWS efficiency set", "North Hospital", "South Trust", "Activity over plan", "Monthly returns")
    for words in (*shown, "Schemes by stage of maturity", 'class="banner red"'):
        assert words in page, words
    sheets = load_workbook(workbook).sheetnames
    assert {"FEWS", "Position", "Efficiency", "Stages", "Risks", "Returns"} <= set(sheets)
