"""The money between the partners as use cases: flows scheme by scheme (the steps add up to each holder's
flows of the whole plan), and contract and allocation edits of a scenario's text (the rest of the file kept;
problems handed to the field they are about)."""

from __future__ import annotations

import numpy as np
import pytest

from carebridge.engine import Results
from carebridge.scenario.errors import Problem
from carebridge.scenario.loader import load_scenario_text
from carebridge.usecases import contract_edits as ce
from carebridge.usecases.partners import NO_SCHEME, holder_flows, scheme_steps
from tests.conftest import STOCKPORT


def test_the_steps_of_the_schemes_add_up_to_each_holders_flows(stockport: Results) -> None:
    steps = scheme_steps(stockport)
    assert list(steps.values.step.values) == [NO_SCHEME, *(s.id for s in stockport.scenario.schemes)]
    assert steps.names["neighbourhood"] == "Neighbourhood"
    total = steps.values.sum("step")
    np.testing.assert_allclose(total.values, holder_flows(stockport).values, atol=1e-6)
    by_org = steps.values.sel(holder=["smbc", "ccg", "sft", "pennine"]).sum("holder")
    np.testing.assert_allclose(by_org.values, steps.values.sel(holder="system").values, atol=1e-6)
    # The Neighbourhood scheme (owned by the CCG, acting on PODs the CCG pays for) moves the CCG.
    assert float(steps.values.sel(step="neighbourhood", holder="ccg", year="2020/21")) < -1000


def test_a_scheme_that_delivers_nothing_has_no_step(stockport: Results) -> None:
    schemes = [
        s.model_copy(update={"delivery": 0.0, "investment": None}) if s.id == "outpatients" else s
        for s in stockport.scenario.schemes
    ]
    from carebridge.engine import run

    results = run(stockport.scenario.model_copy(update={"schemes": schemes}))
    steps = scheme_steps(results)
    assert np.abs(steps.values.sel(step="outpatients").values).max() < 1e-9


TEXT = STOCKPORT.read_text(encoding="utf-8")


def test_a_contract_is_rewritten_in_place_with_the_rest_of_the_file_kept() -> None:
    fields = ce.contract_fields(TEXT, "ccg_sft")
    assert fields.payer == "ccg" and fields.pods == ("ae", "nel", "el", "op")
    assert fields.compensating == "stranded" and fields.rates == {"rate": "1"}
    assert fields.stranded_years == ("2017/18", "2018/19")
    changed = ce.ContractFields(
        **{**fields.__dict__, "type": "threshold", "rates": {"rate": "1", "under": "0.5", "over": "1"}}
    )
    text, index = ce.set_contract(TEXT, "ccg_sft", changed)
    assert index == 0
    assert (
        "    type: threshold\n    under: 0.5\n    over: 1\n"
        "    compensating: {stranded: true, years: [2017/18, 2018/19]}\n"
    ) in text
    assert "rate: 1" not in text  # only the rates of the chosen type are written
    assert "# The CCG–SFT contract (seed 000, section 5)" in text
    scenario = load_scenario_text(text, "edited").scenario
    assert scenario.contracts[0].under == 0.5


def test_a_new_contract_gets_a_fresh_id_and_removing_the_last_drops_the_list() -> None:
    fields = ce.ContractFields(payer="ccg", provider="sft", pods=("ae",), type="block")
    text, index = ce.set_contract(TEXT, None, fields)
    assert index == 1 and "  - id: ccg_sft_2\n" in text
    emptied = ce.remove_contract(ce.remove_contract(text, "ccg_sft_2"), "ccg_sft")
    assert "contracts:" not in emptied
    text, index = ce.set_contract(emptied, None, fields)
    assert index == 0 and "contracts:\n  - id: ccg_sft\n" in text
    with pytest.raises(ce.ContractMissingError):
        ce.remove_contract(TEXT, "nothing")


def test_an_allocation_is_set_and_cleared() -> None:
    text, index = ce.set_allocation(
        TEXT, "gm_themes", ce.AllocationFields("shares", {"ccg": "0.25", "sft": "0.75"})
    )
    assert index == 5 and "allocation: {shares: {ccg: 0.25, sft: 0.75}}" in text
    assert ce.allocation_fields(text, "gm_themes") == ce.AllocationFields(
        "shares", {"ccg": "0.25", "sft": "0.75"}
    )
    cleared, _ = ce.set_allocation(text, "gm_themes", ce.AllocationFields())
    assert "allocation: {" not in cleared
    assert load_scenario_text(cleared, "cleared").scenario.positions.plan_lines[5].allocation is None


def test_problems_are_handed_to_their_fields() -> None:
    problems = [
        Problem(("contracts", 0, "rate"), "bad rate", "plan", 3),
        Problem(("contracts", 0, "compensating", "2018/19"), "negative", "plan", 4),
        Problem(("contracts", 0), "a second contract", "plan", 2),
        Problem(("contracts", 1, "rate"), "another contract's", "plan", 9),
    ]
    found = ce.field_problems(problems, ("contracts", 0))
    assert found == {
        "rate": ["plan:3 contracts[0].rate: bad rate"],
        "compensating.2018/19": ["plan:4 contracts[0].compensating.2018/19: negative"],
        "": ["plan:2 contracts[0]: a second contract"],
    }
