"""The programme file: every mistake located by line and field — a scheme or plan line of the scenario in no
workstream or in two, a workstream with no SRO or no owner, a decision with no due month, unknown ids,
months that are not months — and the two example files load."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.scenario.loader import load_scenario
from carebridge.scenario.programme import ProgrammeError, load_programme, workstreams
from carebridge.scenario.schema import Scenario
from tests.conftest import EXAMPLES

STP = EXAMPLES / "staffordshire-stp-2016"
PROGRAMME = (STP / "programme.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(STP / "scenario.yaml").scenario


def problems(tmp_path: Path, text: str, scenario: Scenario | None) -> list[str]:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as raised:
        load_programme(path, scenario)
    return [str(problem) for problem in raised.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_stp_programme_loads_with_15_workstreams_and_5_objectives(scenario: Scenario) -> None:
    programme = load_programme(STP / "programme.yaml", scenario)
    assert len(programme.objectives) == 5
    assert len(workstreams(programme)) == 15
    assert [d.due for d in programme.decisions] == [
        "2016/17-M12", "2017/18-M07", "2017/18-M07", "2017/18-M07", "2017/18-M02",
    ]  # fmt: skip
    first = workstreams(programme)[0]
    assert first.role("sro") == "R Harling"  # the programme's SRO, Appendix B
    assert first.role("clinical_lead") == "Dr Lesley Mountford"


def test_a_plan_line_in_no_workstream_is_named(tmp_path: Path, scenario: Scenario) -> None:
    text = PROGRAMME.replace("lines: [estates]", "lines: []")
    found = problems(tmp_path, text, scenario)
    assert len(found) == 1
    assert "'Estates Strategy' (estates) is in no workstream" in found[0]
    assert found[0].startswith(f"{tmp_path / 'programme.yaml'}:")


def test_a_plan_line_in_two_workstreams_is_located_at_the_second(tmp_path: Path, scenario: Scenario) -> None:
    text = PROGRAMME.replace("lines: [estates]", "lines: [estates, cip]")
    found = problems(tmp_path, text, scenario)
    assert found == [
        f"{tmp_path / 'programme.yaml'}:{line_of(text, 'lines: [estates, cip]')} "
        "objectives[4].programmes[0].workstreams[2].lines[1]: the plan line 'cip' is already in the "
        "workstream '10. CIPs & QIPPs'; each plan line belongs to exactly one workstream"
    ]


def test_an_unknown_plan_line_offers_the_nearest(tmp_path: Path, scenario: Scenario) -> None:
    text = PROGRAMME.replace("lines: [estates]", "lines: [estate]")
    found = problems(tmp_path, text, scenario)
    assert any("the scenario has no plan line 'estate'; did you mean 'estates'?" in p for p in found)


def test_a_workstream_with_no_sro_is_located(tmp_path: Path) -> None:
    text = PROGRAMME.replace("roles: {sro: Rob Courtney Harris, ", "roles: {")
    found = problems(tmp_path, text, None)
    assert len(found) == 2  # both workstreams of the planned care programme
    assert "the workstream '7. Planned Care Reconfiguration' has no SRO" in found[0]
    assert f":{line_of(text, 'id: ws07_planned_care')} " in found[0]


def test_a_decision_with_no_due_month_is_located(tmp_path: Path) -> None:
    text = PROGRAMME.replace("    due: 2017/18-M02        # May '17\n", "")
    found = problems(tmp_path, text, None)
    assert len(found) == 1
    assert "decisions[4]" in found[0] and "due" in found[0]
    assert f":{line_of(text, 'id: control_total_and_ccgs')}" in found[0]


def test_a_due_date_that_is_not_a_month_and_an_unknown_workstream(tmp_path: Path) -> None:
    text = PROGRAMME.replace("due: 2017/18-M02", "due: May 2017").replace(
        "workstream: ws01_control_total", "workstream: ws01_control"
    )
    found = problems(tmp_path, text, None)
    assert any("decisions[4].due: expected a financial month YYYY/YY-Mnn" in p for p in found)
    assert any(
        "no workstream has the id 'ws01_control'; did you mean 'ws01_control_total'?" in p for p in found
    )


def test_a_workstream_with_no_owner_and_a_decision_on_an_unknown_line(
    tmp_path: Path, scenario: Scenario
) -> None:
    text = PROGRAMME.replace("owners: [mark.seaton@stp.example]", "owners: []").replace(
        "depends: [planned_care]", "depends: [planned]"
    )
    found = problems(tmp_path, text, scenario)
    assert sum("has no owner to record its gateway returns" in p for p in found) == 2
    assert any("the scenario has no scheme or plan line 'planned'" in p for p in found)


def test_the_stockport_resourcing_loads_and_a_contract_total_that_disagrees_is_refused(
    tmp_path: Path,
) -> None:
    text = (EXAMPLES / "stockport-2017" / "programme.yaml").read_text(encoding="utf-8")
    assert load_programme(EXAMPLES / "stockport-2017" / "programme.yaml").resourcing is not None
    found = problems(tmp_path, text.replace("amount: 2066", "amount: 2166"), None)
    assert len(found) == 1
    assert "the staffing by contract type adds to 3,552, the staffing by element to 3,452" in found[0]


def test_two_milestones_at_the_same_months_are_refused(tmp_path: Path) -> None:
    text = PROGRAMME.replace(
        '- {months: 18, description: "Jan 18 contract start date - Phase 1"}',
        '- {months: 12, description: "Jan 18 contract start date - Phase 1"}',
    )
    found = problems(tmp_path, text, None)
    assert len(found) == 1
    assert (
        "milestones[2].months: the workstream '6. End of Life' already has a 12-month milestone" in found[0]
    )
