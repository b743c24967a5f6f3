"""Loading, checking and running a scenario, and the bridge-year override: the steps every face shares."""

from __future__ import annotations

import pytest

from carebridge.engine import ModelError
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.years import YearError
from carebridge.store.plans import sha256_text
from carebridge.usecases.edits import edit_scheme
from carebridge.usecases.planning import CheckedScenario, check_text, load, load_text, run, with_bridge_year
from tests.conftest import STOCKPORT


def test_a_run_of_the_file_is_the_run_of_its_text(stockport_checked: CheckedScenario) -> None:
    text = STOCKPORT.read_text(encoding="utf-8")
    checked = check_text(text, "stockport.yaml")
    assert checked.sha256 == sha256_text(text) == stockport_checked.sha256  # YAML: the bytes are the text
    system = {"line": "do_something", "org": "system"}
    assert float(checked.results.positions.sel(system).sum()) == pytest.approx(
        float(stockport_checked.results.positions.sel(system).sum())
    )
    assert checked.loaded.scenario.name == stockport_checked.loaded.scenario.name


def test_the_bridge_year_override_draws_the_bridge_of_that_year(stockport_checked: CheckedScenario) -> None:
    results = stockport_checked.results
    assert results.bridge_year != "2019/20"
    drawn = with_bridge_year(results, "2019/20")
    assert drawn.bridge_year == "2019/20"
    assert results.bridge_year != "2019/20"  # the run it came from is unchanged
    assert [step.value for step in drawn.bridge("2019/20")] == [
        step.value for step in results.bridge("2019/20")
    ]


def test_a_bridge_year_outside_the_plan_is_refused_with_the_years_it_has(
    stockport_checked: CheckedScenario,
) -> None:
    with pytest.raises(YearError, match=r"'2030/31' is outside the scenario's years 2016/17 to 2024/25"):
        with_bridge_year(stockport_checked.results, "2030/31")


def test_a_bad_value_is_refused_with_its_line() -> None:
    text = edit_scheme(STOCKPORT.read_text(encoding="utf-8"), "acute_interface", {0: {"2018/19": "lots"}})
    with pytest.raises(ScenarioError) as raised:
        check_text(text, "edited.yaml")
    (problem,) = raised.value.problems
    assert problem.file == "edited.yaml" and problem.line == 85
    assert "schemes[0].effects[0].activity" in str(problem)


def test_an_overdrawn_cell_is_located_at_the_effect_involved() -> None:
    text = edit_scheme(STOCKPORT.read_text(encoding="utf-8"), "acute_interface", {1: {"2018/19": "9999999"}})
    loaded = load_text(text, "overdrawn.yaml")
    with pytest.raises(ModelError) as raised:
        run(loaded)
    assert raised.value.problems
    assert all(problem.file == "overdrawn.yaml" and problem.line for problem in raised.value.problems)


def test_load_reads_the_bundled_example() -> None:
    loaded = load(STOCKPORT)
    assert [o.id for o in loaded.scenario.organisations][:1] == ["smbc"]
