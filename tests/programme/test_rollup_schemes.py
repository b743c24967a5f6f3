"""The roll-up of a plan whose money comes from its schemes: Stockport with its Stockport Together Saving
computed from the schemes (``from_schemes``) rather than typed. Each scheme's part goes to the scheme's
workstream, each scheme's activity too, and the workstreams still add to the bridge exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.delivery.programme_rollup import bridge_difference, rollup
from carebridge.engine import run
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.programme import ProgrammeError, load_programme
from tests.conftest import STOCKPORT

TYPED = "    - {id: st_saving, name: Stockport Together Saving, kind: saving,\n"
PROGRAMME = """
name: Stockport Together (a test's structure)
start: 2017/18-M01
end: 2018/19-M12
objectives:
  - id: care
    name: Care closer to home
    programmes:
      - id: together
        name: Stockport Together
        roles: {sro: A. Person}
        owners: [a.person@example.org]
        workstreams:
          - id: neighbourhoods
            name: Neighbourhoods
            schemes: [neighbourhood, intermediate_care]
            lines: [st_saving]
          - id: hospital
            name: Acute Interface and Outpatients
            schemes: [acute_interface, outpatients]
          - id: organisations
            name: The organisations' own savings programmes
            lines: [smbc_savings, ccg_savings, sft_savings, pennine_savings, gm_themes, st_investment]
"""


@pytest.fixture(scope="module")
def from_schemes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = STOCKPORT.read_text(encoding="utf-8")
    start = text.index(TYPED)
    end = text.index("\n", text.index("value:", start))
    line = TYPED.rstrip("\n") + " from_schemes: {measure: savings}}"
    folder = tmp_path_factory.mktemp("stockport")
    (folder / "scenario.yaml").write_text(text[:start] + line + text[end:], encoding="utf-8")
    (folder / "programme.yaml").write_text(PROGRAMME, encoding="utf-8")
    return folder


def test_schemes_carry_their_savings_and_activity_to_their_workstreams(from_schemes: Path) -> None:
    scenario = load_scenario(from_schemes / "scenario.yaml").scenario
    programme = load_programme(from_schemes / "programme.yaml", scenario)
    results = run(scenario)
    for year in ("2018/19", "2020/21"):
        rolled = rollup(programme, results, year)
        assert bridge_difference(rolled) == pytest.approx(0.0, abs=1e-6)
        rows = {row.id: row.amounts for row in rolled.workstreams}
        benefit = results.scheme_summary["benefit"].sel(basis="tariff", year=year)
        hospital = float(benefit.sel(scheme=["acute_interface", "outpatients"]).sum())
        assert hospital < 0
        assert rows["hospital"].savings == pytest.approx(hospital)
        # the line is the schemes' sum: its own workstream keeps nothing of the hospital schemes' part
        line = float(results.positions.sel(org="system", year=year, line="st_saving"))
        assert rows["neighbourhoods"].savings == pytest.approx(line - hospital)
        change = results.scheme_activity.avoided_growth + results.scheme_activity.reduction
        total = float(change.sel(year=year).sum())
        rolled_activity = sum(v for row in rolled.workstreams for v in row.amounts.activity.values())
        assert rolled_activity == pytest.approx(total)
        assert rows["hospital"].activity  # by POD name
        assert all(not pod.islower() for pod in rows["hospital"].activity)  # names, not ids


def test_a_scheme_in_no_workstream_is_named(from_schemes: Path, tmp_path: Path) -> None:
    scenario = load_scenario(from_schemes / "scenario.yaml").scenario
    bad = tmp_path / "programme.yaml"
    bad.write_text(PROGRAMME.replace("[acute_interface, outpatients]", "[acute_interface]"), encoding="utf-8")
    with pytest.raises(ProgrammeError) as raised:
        load_programme(bad, scenario)
    assert [problem.message for problem in raised.value.problems] == [
        "the scenario's scheme 'Outpatients' (outpatients) is in no workstream; each scheme belongs to "
        "exactly one workstream"
    ]
