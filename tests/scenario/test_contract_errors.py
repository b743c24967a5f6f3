"""Every message about payers, contracts and allocations (model spec section 13), with its file and line.

Like ``test_loader_errors``: start from the minimal scenario, add contracts or change one thing, and
assert the located text ``file:line path: message``.
"""

from __future__ import annotations

import pytest

from carebridge.engine import ModelError, run
from carebridge.scenario.loader import load_scenario_text
from carebridge.scenario.schema import StrandedCompensation
from tests.scenario.test_loader_errors import FILE, at, minimal, problems

CONTRACT = """contracts:
  - id: ccg_acute
    provider: acute
    pods: [ae]
{extra}"""


def with_contract(extra: str, *changes: tuple[str, str]) -> str:
    return minimal(*changes, append=CONTRACT.format(extra=extra))


def test_contracts_and_allocations_load() -> None:
    text = with_contract(
        "    type: threshold\n    under: 0.5\n    over: 1\n    tolerance: 0.05\n    compensating: stranded\n",
        (
            "      value: -300\n",
            "      value: -300\n    - {id: cip, name: CIP, value: -10, allocation: {basis: do_nothing}}\n",
        ),
    )
    scenario = load_scenario_text(text, FILE).scenario
    assert scenario.contracts[0].type == "threshold"
    assert scenario.contracts[0].compensating == "stranded"
    assert scenario.positions.plan_lines[1].allocation is not None


def test_a_payer_that_is_not_an_organisation() -> None:
    text = with_contract("    payer: cgg\n")
    assert problems(text) == [
        at(text, "payer: cgg", "contracts[0].payer: 'cgg' is not an organisation; did you mean 'ccg'?")
    ]


def test_a_provider_that_is_not_an_organisation() -> None:
    text = minimal(append=CONTRACT.format(extra="").replace("provider: acute", "provider: acut"))
    assert problems(text) == [
        at(
            text,
            "provider: acut",
            "contracts[0].provider: 'acut' is not an organisation; did you mean 'acute'?",
        )
    ]


def test_a_contract_with_other_providers() -> None:
    text = minimal(append=CONTRACT.format(extra="").replace("provider: acute", "provider: other"))
    assert problems(text) == [
        at(
            text,
            "provider: other",
            "contracts[0].provider: 'other' is not an organisation: a contract is with a provider of the "
            "plan "
            "(outside providers are paid at tariff); expected one of the organisations' ids",
        )
    ]


def test_a_pod_payer_that_is_not_an_organisation() -> None:
    text = minimal(("    unit: item\n", "    unit: item\n    payer: counsil\n"))
    assert problems(text) == [
        at(
            text,
            "payer: counsil",
            "pods[2].payer: 'counsil' is not an organisation; expected one of 'ccg', 'acute'",
        )
    ]


@pytest.mark.parametrize(
    ("extra", "field", "found"),
    [
        ("    rate: 1.6\n", "rate", "1.6"),
        ("    rate: -0.1\n", "rate", "-0.1"),
        ("    type: threshold\n    under: 2\n    over: 1\n", "under", "2"),
        ("    type: aligned\n    variable_share: 1.75\n", "variable_share", "1.75"),
    ],
)
def test_a_rate_outside_0_to_1_5(extra: str, field: str, found: str) -> None:
    text = with_contract(extra)
    assert problems(text) == [
        at(
            text,
            f"{field}: {found}",
            f"contracts[0].{field}: a rate must be between 0 and 1.5 (0.5 pays half the tariff on the change "
            "in "
            f"activity); found {found}",
        )
    ]


def test_a_tolerance_outside_0_to_1() -> None:
    text = with_contract("    type: threshold\n    under: 0.5\n    over: 1\n    tolerance: 1.2\n")
    assert problems(text) == [
        at(
            text,
            "tolerance: 1.2",
            "contracts[0].tolerance: a tolerance must be between 0 and 1 (0.05 is a band of 5% of the "
            "contract's do-nothing activity); found 1.2",
        )
    ]


def test_two_contracts_for_one_payer_provider_and_pod() -> None:
    text = with_contract("  - id: second\n    provider: acute\n    type: block\n")
    assert problems(text) == [
        at(
            text,
            "- id: second",
            "contracts[1]: a second contract between 'ccg' and 'acute' for POD 'ae' (first at contracts[0]); "
            "expected one contract for each payer, provider and POD",
        )
    ]


def test_a_rate_of_another_type() -> None:
    text = with_contract("    type: block\n    rate: 0.5\n")
    assert problems(text) == [
        at(
            text,
            "rate: 0.5",
            "contracts[0].rate: 'rate' is for tariff contracts; this is a block contract (it takes no rate)",
        )
    ]


def test_a_threshold_contract_without_its_rates() -> None:
    text = with_contract("    type: threshold\n    over: 1\n")
    assert problems(text) == [
        at(text, "- id: ccg_acute", "contracts[0].under: a threshold contract needs under too")
    ]


def test_a_pod_the_provider_does_not_provide() -> None:
    text = minimal(append=CONTRACT.format(extra="").replace("pods: [ae]", "pods: [ae, nel]"))
    assert problems(text) == [
        at(
            text,
            "pods: [ae, nel]",
            "contracts[0].pods[1]: 'acute' does not provide POD 'nel'; expected a POD with 'acute' among its "
            "providers (it has 'other')",
        )
    ]


def test_a_pod_paid_for_by_another_organisation() -> None:
    text = with_contract("    payer: acute\n")
    assert problems(text) == [
        at(
            text,
            "pods: [ae]",
            "contracts[0].pods[0]: POD 'ae' is paid for by 'ccg', not 'acute'; set the POD's payer, or leave "
            "the contract's payer out",
        )
    ]


def test_a_negative_compensating_payment() -> None:
    text = with_contract("    compensating: {2017/18: -5}\n")
    assert problems(text) == [
        at(
            text,
            "compensating:",
            "contracts[0].compensating.2017/18: a compensating payment is written as a positive amount (from "
            "payer to provider); found -5",
        )
    ]


def test_a_compensating_payment_in_a_year_outside_the_scenario() -> None:
    text = with_contract("    compensating: {2030/31: 5}\n")
    (problem,) = problems(text)
    assert problem.startswith(at(text, "compensating:", "contracts[0].compensating.2030/31: "))


def test_a_stranded_compensating_payment_limited_to_years_loads() -> None:
    text = with_contract("    compensating: {stranded: true, years: [2017/18, 2018/19]}\n")
    (contract,) = load_scenario_text(text, FILE).scenario.contracts
    assert isinstance(contract.compensating, StrandedCompensation)
    assert contract.compensating.years == ["2017/18", "2018/19"]


def test_a_stranded_compensating_payment_in_a_year_outside_the_scenario() -> None:
    text = with_contract("    compensating: {stranded: true, years: [2017/18, 2030/31]}\n")
    (problem,) = problems(text)
    assert problem.startswith(at(text, "compensating:", "contracts[0].compensating.years[1]: '2030/31' is "))


def test_a_stranded_compensating_payment_with_a_year_twice() -> None:
    text = with_contract("    compensating:\n      stranded: true\n      years: [2017/18, 2017/18]\n")
    assert problems(text) == [
        at(
            text,
            "years: [2017/18, 2017/18]",
            "contracts[0].compensating.years[1]: '2017/18' is listed twice; give each year once",
        )
    ]


def test_a_stranded_compensating_payment_with_no_years() -> None:
    text = with_contract("    compensating:\n      stranded: true\n      years: []\n")
    assert problems(text) == [
        at(
            text,
            "years: []",
            "contracts[0].compensating.years: give the years the agreement covers, like [2017/18, 2018/19]; "
            "found none",
        )
    ]


def test_a_misspelt_field_of_a_stranded_compensating_payment() -> None:
    text = with_contract("    compensating:\n      stranded: true\n      yeras: [2017/18]\n")
    (problem,) = problems(text)
    assert problem.startswith(at(text, "yeras:", "contracts[0].compensating.yeras: "))


LINE = "      value: -300\n"


def allocated(allocation: str) -> str:
    return minimal(
        (LINE, f"{LINE}    - id: cip\n      name: CIP\n      value: -10\n      allocation: {allocation}\n")
    )


def test_allocation_shares_not_summing_to_1() -> None:
    text = allocated("{shares: {ccg: 0.5, acute: 0.4}}")
    assert problems(text) == [
        at(
            text,
            "allocation:",
            "positions.plan_lines[1].allocation.shares: the allocation shares add up to 0.9; expected 1",
        )
    ]


def test_allocation_share_not_an_organisation() -> None:
    text = allocated("{shares: {ccg: 0.5, acutte: 0.5}}")
    assert problems(text) == [
        at(
            text,
            "allocation:",
            "positions.plan_lines[1].allocation.shares.acutte: 'acutte' is not an "
            "organisation; did you mean 'acute'?",
        )
    ]


def test_allocation_with_both_shares_and_basis() -> None:
    text = allocated("{shares: {ccg: 1}, basis: income}")
    assert problems(text) == [
        at(
            text,
            "allocation:",
            "positions.plan_lines[1].allocation: give exactly one of shares and basis; found "
            "shares and basis",
        )
    ]


def test_allocation_of_an_organisations_line() -> None:
    text = minimal((LINE, f"{LINE}      allocation: {{basis: do_nothing}}\n"))
    assert problems(text) == [
        at(
            text,
            "allocation:",
            "positions.plan_lines[0].allocation: only a system-level line is allocated; "
            "this line belongs to 'ccg' (leave out org, or allocation)",
        )
    ]


def test_an_allocation_basis_that_is_zero_in_a_year_is_located() -> None:
    text = allocated("{basis: income}")
    loaded = load_scenario_text(text, FILE)
    with pytest.raises(ModelError) as raised:
        run(loaded.scenario)
    assert [str(p) for p in loaded.source.locate(raised.value.problems)] == [
        at(
            text,
            "allocation:",
            "positions.plan_lines[1].allocation.basis: the allocation basis 'income' adds up to 0 over the "
            "line's organisations in 2016/17, 2017/18, 2018/19, 2019/20; expected a basis that is not 0 in "
            "any "
            "year (give the organisations finance, or fixed shares)",
        )
    ]
