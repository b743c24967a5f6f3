"""The plan on a page adds to the bridge exactly, and equals the STP's Solutions table workstream by
workstream; seed 003's resourcing tables come out exactly as printed; the programme's status in a month."""

from __future__ import annotations

import pytest

from carebridge.delivery.programme_pack import (
    objectives_table,
    resourcing_tables,
    rollup_table,
    structure_table,
)
from carebridge.delivery.programme_rollup import Amounts, bridge_difference, rollup
from carebridge.delivery.programme_status import (
    DecisionRecord,
    MilestoneRecord,
    ReturnRecord,
    Updates,
    programme_status,
    update_problems,
)
from carebridge.engine import Results, run
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.programme import Programme, load_programme, workstreams
from tests.conftest import EXAMPLES
from tests.examples.seeds import STP_SEED

STP = EXAMPLES / "staffordshire-stp-2016"
SEED = STP_SEED
YEARS = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]


@pytest.fixture(scope="module")
def stp() -> tuple[Programme, Results]:
    scenario = load_scenario(STP / "scenario.yaml").scenario
    return load_programme(STP / "programme.yaml", scenario), run(scenario)


@pytest.mark.parametrize("year", YEARS)
def test_the_rollup_adds_to_the_bridge_exactly(stp: tuple[Programme, Results], year: str) -> None:
    programme, results = stp
    rolled = rollup(programme, results, year)
    assert bridge_difference(rolled) == pytest.approx(0.0, abs=1e-6)
    objectives = sum((row.amounts for row in rolled.objectives), Amounts())
    programmes = sum((row.amounts for row in rolled.programmes), Amounts())
    assert objectives.net == pytest.approx(rolled.total.amounts.net, abs=1e-6)
    assert programmes.net == pytest.approx(rolled.total.amounts.net, abs=1e-6)


def test_each_workstream_equals_the_solutions_table(stp: tuple[Programme, Results]) -> None:
    """The Solutions table (the bridge's lines, seed signs: savings positive), workstream by workstream, in
    every year; the NHS workstreams add to its total solution value."""
    programme, results = stp
    solutions = SEED["bridge"]["solutions"]
    for index, year in enumerate(YEARS):
        rolled = rollup(programme, results, year)
        by_id = {row.id: row.amounts.net for row in rolled.workstreams}
        for view in workstreams(programme):
            expected = -sum(solutions[line][index] for line in view.workstream.lines if line in solutions)
            social = sum(
                float(results.positions.sel(org="system", year=year, line=line))
                for line in view.workstream.lines
                if line not in solutions
            )
            assert by_id[view.id] - social == pytest.approx(expected, abs=1.0), (view.name, year)
        nhs = sum(by_id[v.id] for v in workstreams(programme) if v.id != "ws14_care_services")
        assert -nhs == pytest.approx(SEED["bridge"]["total_solution_value"][index], abs=2.0)


def test_the_plan_on_a_page_table_prints_the_bridge(stp: tuple[Programme, Results]) -> None:
    programme, results = stp
    table = rollup_table(rollup(programme, results, "2020/21"))
    net = {str(row[0]): float(row[6] or 0.0) for row in table.rows}
    assert net["    10. CIPs & QIPPs"] == pytest.approx(-130447, abs=1)
    bridge = net["Do-something position (the bridge)"] - net["Do-nothing position (the bridge)"]
    assert net["Total"] == pytest.approx(bridge, abs=1e-6)


def test_seed_003_resourcing_is_reproduced_exactly() -> None:
    programme = load_programme(EXAMPLES / "stockport-2017" / "programme.yaml")
    assert programme.resourcing is not None
    partners, staffing, contracts, non_staff = resourcing_tables(programme.resourcing)
    assert partners.rows == [
        ["Stockport CCG", 1255, 600],
        ["Stockport NHS Foundation Trust", 935, 250],
        ["Stockport Metropolitan Borough Council", 1009, 250],
        ["Pennine Care", 25, 0],
        ["Vanguard", None, 150],
        ["Total", 3224, 1250],
    ]
    assert [column.header for column in staffing.columns] == [
        "Element", "Total", "CCG", "Joint Resource Budget", "Others",
    ]  # fmt: skip
    assert staffing.rows[:5] == [
        ["Portfolio Office", 418, 280, 37, 100],
        ["Design, Business Case & Implementation", 1382, 416, 100, 866],
        ["Proactive Care Early Implementation", 1225, 432, 0, 792],
        ["Enabling Workstreams", 428, 99, 116, 213],
        ["Total", 3452, 1228, 253, 1971],
    ]
    # the printed totals are kept; the cells add to one less (rounding in the source), and the table says so
    assert staffing.rows[5] == ["Cells less the printed total", -1, -1, 0, 0]
    assert contracts.rows == [
        ["Existing establishment staff", 2066],
        ["Fixed Term Staff", 1185],
        ["Contractors", 201],
        ["Total", 3452],
    ]
    assert non_staff.rows[4] == ["Confirmed total", 391]
    assert non_staff.rows[-1] == ["Total", 1250]
    assert non_staff.rows[-2][1] == 859


def test_status_overdue_decision_and_a_fall_in_confidence(stp: tuple[Programme, Results]) -> None:
    programme, _ = stp
    returns = [
        ReturnRecord("ws09_urgent_care", "2017/18-M02", "amber", "green", "green"),
        ReturnRecord("ws09_urgent_care", "2017/18-M03", "amber", "red", "amber"),
    ]
    decisions = [DecisionRecord("mcp_scale_and_pace", "2016/17-M12", "taken")]
    milestones = [MilestoneRecord("ws05_epcc", 6, "2016/17-M11", "on_track")]
    status = programme_status(
        programme,
        "2017/18-M03",
        returns,
        milestones,
        decisions,
        {"control_total_and_ccgs": -5222.0},
        "2020/21",
    )
    urgent = next(row for row in status.workstreams if row.view.id == "ws09_urgent_care")
    assert str(urgent.confidence_change) == "fell from green to red in 2017/18-M03"
    assert [d.id for d in status.overdue] == ["control_total_and_ccgs"]  # due May '17, still open in June
    assert status.overdue_at_stake == -5222.0
    epcc = next(m for m in status.milestones if m.workstream == "5. Enhanced Primary, Community Care")
    assert epcc.due == "2016/17-M12" and epcc.overdue  # on track in February, not achieved by March
    earlier = programme_status(programme, "2017/18-M02", returns, milestones, decisions)
    assert not earlier.overdue


def test_updates_for_unknown_workstreams_months_and_by_someone_else(stp: tuple[Programme, Results]) -> None:
    programme, _ = stp
    updates = Updates.model_validate(
        {
            "returns": [
                {"workstream": "ws09_urgent", "month": "2017/18-M01", "progress": "green",
                 "confidence": "green", "assurance": "green"},
                {"workstream": "ws09_urgent_care", "month": "2019/20-M01", "progress": "green",
                 "confidence": "green", "assurance": "green"},
                {"workstream": "ws10_cip_qipp", "month": "2017/18-M01", "progress": "green",
                 "confidence": "green", "assurance": "green"},
            ],
            "decisions": [{"decision": "two_ae", "month": "2017/18-M01", "status": "taken"}],
        }
    )  # fmt: skip
    found = update_problems(programme, updates, "rob.lusuardi@stp.example")
    messages = {(p.path, p.message) for p in found}
    assert (
        ("returns", 0, "workstream"),
        "the programme has no workstream 'ws09_urgent'; did you mean 'ws09_urgent_care'?",
    ) in messages
    assert any(
        p.path == ("returns", 1, "month") and "is not a month of the programme" in p.message for p in found
    )
    assert any(
        p.path == ("returns", 2, "workstream")
        and "is not an owner of the workstream '10. CIPs & QIPPs'" in p.message
        for p in found
    )
    assert any(
        p.path == ("decisions", 0, "decision") and "did you mean 'two_ae_sites'" in p.message for p in found
    )


def test_the_workstreams_with_their_leads_and_money(stp: tuple[Programme, Results]) -> None:
    programme, results = stp
    rolled = rollup(programme, results, "2020/21")
    table = structure_table(programme, rolled.item_names)
    assert len(table.rows) == 15
    urgent = next(row for row in table.rows if row[0] == "9. Simplify Urgent & Emergency Care")
    assert urgent[3:7] == ["Helen Scott South", "Mark Williams", "Rob Lusuardi", "John Sargeant / Wendy Kerr"]
    assert urgent[7] == "Urgent Care; System Reconfiguration"  # the lines' names, not their ids
    assert len(objectives_table(programme).rows) == 5
