"""Approving plans, choosing one, and a plan's draft: edited, checked by the loader, approved."""

from __future__ import annotations

import pytest

from carebridge.scenario.errors import ScenarioError
from carebridge.store import Store
from carebridge.store.plans import PlanNotFoundError
from carebridge.usecases.edits import DraftRejectedError, edit_value, editables, effect_forms, owner_of
from carebridge.usecases.errors import NoPlanError, SeveralPlansError
from carebridge.usecases.planning import CheckedScenario, check_text
from carebridge.usecases.plans import (
    PlanMissingError,
    approve,
    approve_draft,
    list_plans,
    resolve_plan,
    stored_scenario,
    versions,
)

PLAN = "June 2017 business cases"


def test_approving_twice_makes_one_version(store: Store, stockport_checked: CheckedScenario) -> None:
    first = approve(store, PLAN, stockport_checked)
    again = approve(store, PLAN, stockport_checked)
    assert first.created and not again.created
    assert [(v.plan, v.number, v.sha256) for v in versions(store)] == [(PLAN, 1, stockport_checked.sha256)]


def test_the_only_plan_is_chosen_and_several_must_be_named(
    store: Store, stockport_checked: CheckedScenario
) -> None:
    with pytest.raises(NoPlanError):
        resolve_plan(store, None)
    approve(store, PLAN, stockport_checked)
    assert resolve_plan(store, None) == PLAN
    approve(store, "Another plan", stockport_checked)
    with pytest.raises(SeveralPlansError) as raised:
        resolve_plan(store, None)
    assert raised.value.names == ("Another plan", PLAN)
    with pytest.raises(PlanNotFoundError, match="did you mean"):
        resolve_plan(store, "June 2017 business case")


def test_an_edit_is_checked_kept_as_the_draft_and_approved(
    store: Store, stockport_checked: CheckedScenario
) -> None:
    approve(store, PLAN, stockport_checked)
    (row,) = list_plans(store)
    stored = stored_scenario(store, row.id)
    assert stored.source == "version 1" and not stored.is_draft
    checked = check_text(stored.text, PLAN)
    forms = effect_forms(stored.text, checked, "schemes", "acute_interface")
    assert [form.pod for form in forms] == ["ae", "ae", "nel"]
    assert forms[1].values[1].year == "2018/19" and forms[1].values[1].value == "20539"

    edited = edit_value(store, stored, "schemes", "acute_interface", {1: {"2018/19": "10000"}})
    draft = stored_scenario(store, row.id)
    assert draft.is_draft and draft.text == edited.text and draft.approved_text == stored.text
    cell = {"scheme": "acute_interface", "year": "2018/19", "pod": "ae"}
    before = float(stockport_checked.results.scheme_activity["reduction"].sel(cell).sum())
    after = float(edited.results.scheme_activity["reduction"].sel(cell).sum())
    assert abs(after) == pytest.approx(10000) and abs(before) == pytest.approx(20539)  # the run is the edit's

    approval = approve_draft(store, draft, edited, f"{PLAN} (draft)")
    assert approval.created and approval.version.number == 2
    assert stored_scenario(store, row.id).source == "version 2"


def test_a_bad_edit_is_refused_with_its_line_and_nothing_is_kept(
    store: Store, stockport_checked: CheckedScenario
) -> None:
    approve(store, PLAN, stockport_checked)
    stored = stored_scenario(store, list_plans(store)[0].id)
    with pytest.raises(DraftRejectedError) as raised:
        edit_value(store, stored, "schemes", "acute_interface", {0: {"2018/19": "lots"}})
    assert isinstance(raised.value, ScenarioError)
    assert "lots" in raised.value.text
    (problem,) = raised.value.problems
    assert problem.file == f"{PLAN} (draft)" and problem.line == 85
    assert stored_scenario(store, stored.plan_id).source == "version 1"
    with pytest.raises(KeyError):
        edit_value(store, stored, "schemes", "no_such_scheme", {0: {"2018/19": "1"}})


def test_who_owns_what_may_be_edited(stockport_checked: CheckedScenario) -> None:
    scenario = stockport_checked.loaded.scenario
    assert owner_of(scenario, "schemes", "acute_interface").owner == "sft"
    assert {item.id for item in editables(scenario, "lines")} == {
        line.id for line in scenario.positions.plan_lines
    }
    with pytest.raises(KeyError):
        owner_of(scenario, "nonsense", "acute_interface")


def test_a_plan_that_is_not_there_is_missing(store: Store) -> None:
    with pytest.raises(PlanMissingError, match="no plan with id 7"):
        stored_scenario(store, 7)
