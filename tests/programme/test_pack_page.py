"""The delivery pack gains the programme oversight report: its last page and its last sheets, the rest of the
pack as it was; and the oversight report on its own (HTML and workbook)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.delivery.pack import PackTable
from carebridge.delivery.programme_pack import oversight_tables
from carebridge.delivery.programme_status import (
    DecisionRecord,
    MilestoneRecord,
    ReturnRecord,
    programme_status,
)
from carebridge.engine import Results
from carebridge.report.delivery import write_delivery_pack
from carebridge.report.programme import write_programme_report
from carebridge.scenario.programme import load_programme
from carebridge.store.programme import read_updates
from tests.conftest import EXAMPLES
from tests.delivery.test_pack import ACTION, THIRDS, example_actuals

STP = EXAMPLES / "staffordshire-stp-2016"


@pytest.fixture(scope="module")
def tables() -> list[PackTable]:
    programme = load_programme(STP / "programme.yaml")
    returns: list[ReturnRecord] = []
    milestones: list[MilestoneRecord] = []
    decisions: list[DecisionRecord] = []
    for path in sorted((STP / "gateway").iterdir()):
        updates, _ = read_updates(path)
        returns += [
            ReturnRecord(r.workstream, r.month, r.progress, r.confidence, r.assurance, r.note)
            for r in updates.returns
        ]
        milestones += [
            MilestoneRecord(m.workstream, m.milestone, m.month, m.status) for m in updates.milestones
        ]
        decisions += [DecisionRecord(d.decision, d.month, d.status, d.due, d.note) for d in updates.decisions]
    status = programme_status(programme, "2017/18-M06", returns, milestones, decisions)
    return oversight_tables(status)


@pytest.fixture(scope="module")
def month(stockport: Results) -> Monitoring:
    baseline = PlanBaseline.from_results(stockport)
    settings = FewsSettings(loss_threshold=500, basis="cost")
    return monitor(baseline, example_actuals(baseline), Month(2018, 10), settings, [ACTION])


def test_the_pack_ends_with_the_programme_oversight(
    month: Monitoring, tables: list[PackTable], tmp_path: Path
) -> None:
    html, workbook = write_delivery_pack(month, "Plan", [], THIRDS, tmp_path, programme=tables)
    page = html.read_text(encoding="utf-8")
    sections = page.split('<section id="')
    assert sections[-1].startswith('programme"><h2>Programme oversight</h2>')
    assert "Gateway assurance by workstream and month, to 2017/18-M06" in sections[-1]
    assert "9. Simplify Urgent &amp; Emergency Care" in sections[-1]
    book = load_workbook(workbook)
    assert book.sheetnames[-4:] == ["Latest returns", "Gateway by month", "Critical decisions", "Milestones"]
    grid = book["Gateway by month"]
    assert [cell.value for cell in grid[4]][:3] == ["Workstream", "Area", "2016/17-M07"]
    plain, _ = write_delivery_pack(month, "Plan", [], THIRDS, tmp_path / "plain")
    assert 'id="programme"' not in plain.read_text(encoding="utf-8")


def test_the_oversight_report_on_its_own(tables: list[PackTable], tmp_path: Path) -> None:
    html, workbook = write_programme_report("The STP", "2017/18-M06", tables, tmp_path)
    assert html.name == "programme-2017-18-M06.html"
    page = html.read_text(encoding="utf-8")
    assert "Programme oversight 2017/18-M06: The STP" in page
    assert "fell from amber to red in 2017/18-M04" in page
    assert load_workbook(workbook).sheetnames[-1] == "Milestones"
