"""Every message of the plan-level checks (``validate_plan``: parameters, finance, formulas, driver-based
lines, capacity) and the year checks of the new fields, located: ``plan.yaml:<line> <path>: <message>``.

Like ``test_loader_errors.py``, each test changes one thing in the minimal scenario and asserts the full text.
"""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from carebridge.scenario import schema
from carebridge.scenario.loader import load_scenario_text
from carebridge.scenario.schema import Parameter
from tests.scenario.test_loader_errors import FILE, at, minimal, problems
from tests.scenario.test_worked_example import REFERENCE, _documented_fields

VALUE_LINE = "      value: -300\n"
"""The QIPP line of the minimal scenario: the last line of the file, to be swapped for a formula."""

ACUTE = "    kind: acute\n"
FINANCE = """\
    kind: acute
    finance:
      income: 1000
      income_growth: 0.01
      expenditure:
        - id: pay
          base: 700
          inflation: 0.02
        - id: non_pay
          base: 350
          demand_growth: activity
      items:
        - id: cnst
          name: CNST
          amount: 20
"""
"""Finance for the acute trust of the minimal scenario (swapped in for ``ACUTE``)."""

NAMES_HINT = (
    "; a formula can use parameters, activity.<pod>, price.<pod>, income.<org>, expenditure.<org>, "
    "expenditure.<org>.<category>, gap.<org>, line.<id>, savings.tariff and savings.cost"
)
NOT_FORMULA = "applies to a formula line; this line has no formula"


def formula_line(*lines: str, then: str = "") -> tuple[str, str]:
    """A change that turns the minimal scenario's QIPP line into a formula line with these fields, followed
    by the plan lines ``then``."""
    return VALUE_LINE, "".join(f"      {line}\n" for line in lines) + then


def plan_line(line_id: str, formula: str, *lines: str) -> str:
    """Another plan line, with a formula and these fields."""
    fields = "".join(f"      {line}\n" for line in lines)
    return f"    - id: {line_id}\n      name: Line {line_id}\n      formula: {formula}\n{fields}"


def with_finance(old: str = "", new: str = "") -> tuple[str, str]:
    """A change that gives the acute trust ``FINANCE``, with ``old`` replaced by ``new`` in it."""
    finance = FINANCE.replace(old, new) if old else FINANCE
    assert not old or FINANCE.count(old) == 1
    return ACUTE, finance


def test_the_plan_level_inputs_load_when_they_are_right() -> None:
    text = minimal(
        with_finance("          amount: 20\n", "          formula: 0.01 * expenditure.providers.pay\n"),
        formula_line(
            "formula: -opportunity * cumulative(expenditure.nhs) / 1000 + 0 * line.other",
            "phasing: {profile: linear, start: 2017/18, years: 2}",
            "realisation: 0.5",
            "cohort: frail",
            "overlaps:",
            "  - against: [other]",
            "    fraction: 0.1",
            "    reason: Counted in the other line too.",
            then=plan_line(
                "other", "-activity.ae * price.ae / 1000 + gap.system * 0 + savings.cost + income.acute * 0"
            ),
        ),
        append="parameters:\n  opportunity:\n    value: 0.02\n    unit: fraction\n"
        "capacity:\n  beds:\n    - id: medical\n      name: Medical\n      length_of_stay: {nel: 6}\n",
    )
    scenario = load_scenario_text(text, FILE).scenario
    assert scenario.parameters["opportunity"] == Parameter(value=0.02, unit="fraction")
    assert [line.id for line in scenario.positions.plan_lines] == ["qipp", "other"]


# --- formulas --------------------------------------------------------------------------------------------


def test_an_unknown_name_with_did_you_mean_and_its_column() -> None:
    text = minimal(with_finance(), formula_line("formula: -0.02 * cumulative(expenditure.acutee)"))
    assert problems(text) == [
        at(
            text,
            "formula: -0.02",
            "positions.plan_lines[0].formula: formula '-0.02 * cumulative(expenditure.acutee)', "
            "at column 20: 'expenditure.acutee' is not a named input; did you mean 'expenditure.acute'?",
        )
    ]


def test_an_unknown_name_without_a_near_match_lists_the_kinds_of_name() -> None:
    text = minimal(formula_line("formula: -zzz * 2"))
    assert problems(text) == [
        at(
            text,
            "formula: -zzz",
            "positions.plan_lines[0].formula: formula '-zzz * 2', at column 2: "
            f"'zzz' is not a named input{NAMES_HINT}",
        )
    ]


def test_income_and_expenditure_names_exist_only_with_finance() -> None:
    text = minimal(formula_line("formula: -0.02 * expenditure.providers"))
    assert problems(text) == [
        at(
            text,
            "formula: -0.02",
            "positions.plan_lines[0].formula: formula '-0.02 * expenditure.providers', at column 9: "
            f"'expenditure.providers' is not a named input{NAMES_HINT}",
        )
    ]


def test_every_unknown_name_of_a_formula_is_reported() -> None:
    text = minimal(formula_line("formula: -activity.aee * price.aee"))
    formula = "formula '-activity.aee * price.aee'"
    assert problems(text) == [
        at(
            text,
            "formula: -activity",
            f"positions.plan_lines[0].formula: {formula}, at column 2: 'activity.aee' is not a named input; "
            "did you mean 'activity.ae'?",
        ),
        at(
            text,
            "formula: -activity",
            f"positions.plan_lines[0].formula: {formula}, at column 17: 'price.aee' is not a named input; "
            "did you mean 'price.ae'?",
        ),
    ]


def test_a_formula_that_cannot_be_read_gives_its_column_from_1() -> None:
    text = minimal(formula_line("formula: -0.02 * (activity.ae"))
    assert problems(text) == [
        at(
            text,
            "formula: -0.02",
            "positions.plan_lines[0].formula: formula '-0.02 * (activity.ae', at column 9: "
            "cannot read the formula: '(' was never closed",
        )
    ]


def test_a_formula_with_what_is_not_allowed() -> None:
    text = minimal(formula_line("formula: -activity.ae * 0.5 if activity.ae else 0"))
    assert problems(text) == [
        at(
            text,
            "formula: -activity",
            "positions.plan_lines[0].formula: formula '-activity.ae * 0.5 if activity.ae else 0', "
            "at column 1: 'if … else' is not allowed in a formula; use numbers, names, + - * / ** and the "
            "functions cumulative, lag, growth, change, base, min, max, abs",
        )
    ]


def test_lag_with_a_fraction_of_a_year() -> None:
    text = minimal(formula_line("formula: lag(activity.ae, 0.5)"))
    assert problems(text) == [
        at(
            text,
            "formula: lag",
            "positions.plan_lines[0].formula: formula 'lag(activity.ae, 0.5)', at column 18: "
            "lag(x, n) needs a whole number of years n ≥ 0",
        )
    ]


def test_a_finance_item_cannot_use_the_names_of_plan_lines() -> None:
    text = minimal(with_finance("          amount: 20\n", "          formula: 0.01 * gap.ccg\n"))
    assert problems(text) == [
        at(
            text,
            "formula: 0.01",
            "organisations[1].finance.items[0].formula: formula '0.01 * gap.ccg', at column 8: "
            "'gap.ccg' is not a named input; a finance item's formula can use parameters, activity.<pod>, "
            "price.<pod>, income.<org> and expenditure.<org> (or .<category>)",
        )
    ]


def test_a_finance_items_hint_does_not_offer_names_it_cannot_use() -> None:
    text = minimal(with_finance("          amount: 20\n", "          formula: 0.01 * gap.ccg\n"))
    [problem] = problems(text)
    assert "gap.<org>" not in problem and "line.<id>" not in problem


def test_a_line_with_value_and_formula() -> None:
    text = minimal((VALUE_LINE, VALUE_LINE + "      formula: -activity.ae\n"))
    assert problems(text) == [
        at(
            text,
            "- id: qipp",
            "positions.plan_lines[0]: give exactly one of value, from_schemes and formula; "
            "found value and formula",
        )
    ]


# --- formula lines: phasing, realisation, cohort, overlaps, circles --------------------------------------


def test_formula_only_fields_on_a_value_line() -> None:
    text = minimal(
        (
            VALUE_LINE,
            VALUE_LINE
            + "      phasing: {profile: linear, years: 2}\n"
            + "      realisation: 0.5\n"
            + "      cohort: frail\n"
            + "      overlaps:\n"
            + "        - against: [qipp]\n          fraction: 0.1\n          reason: Double counted.\n",
        )
    )
    assert problems(text) == [
        at(text, "phasing:", f"positions.plan_lines[0].phasing: phasing {NOT_FORMULA}"),
        at(text, "realisation:", f"positions.plan_lines[0].realisation: realisation {NOT_FORMULA}"),
        at(text, "cohort: frail\n      overlaps", f"positions.plan_lines[0].cohort: cohort {NOT_FORMULA}"),
        at(text, "overlaps:", f"positions.plan_lines[0].overlaps: overlaps {NOT_FORMULA}"),
    ]


@pytest.mark.parametrize("realisation", ["1.5", "-0.1"])
def test_realisation_outside_0_to_1(realisation: str) -> None:
    text = minimal(formula_line("formula: -activity.ae", f"realisation: {realisation}"))
    assert problems(text) == [
        at(
            text,
            "realisation:",
            "positions.plan_lines[0].realisation: a realisation factor must be between 0 and 1 "
            f"(0.5 realises half); found {float(realisation):g}",
        )
    ]


def test_an_unknown_cohort() -> None:
    text = minimal(formula_line("formula: -activity.ae", "cohort: xyz"))
    assert problems(text) == [
        at(text, "cohort: xyz", "positions.plan_lines[0].cohort: 'xyz' is not a cohort")
    ]


def test_an_unknown_cohort_when_no_cohorts_are_defined() -> None:
    text = minimal(
        ("cohort: frail\n    owner", "owner"),
        ("cohorts:\n  - id: frail\n    name: Frail elderly\n    shares:\n      ae: 0.3\n", ""),
        formula_line("formula: -activity.ae", "cohort: frail"),
    )
    assert problems(text) == [
        at(
            text,
            "cohort: frail",
            "positions.plan_lines[0].cohort: 'frail' is not a cohort; no cohorts are defined",
        )
    ]


def test_an_unknown_cohort_with_did_you_mean() -> None:
    text = minimal(formula_line("formula: -activity.ae", "cohort: fral"))
    assert problems(text) == [
        at(
            text,
            "cohort: fral",
            "positions.plan_lines[0].cohort: 'fral' is not a cohort; did you mean 'frail'?",
        )
    ]


def test_profile_fractions_needs_its_fractions() -> None:
    text = minimal(formula_line("formula: -activity.ae", "phasing: {profile: fractions}"))
    assert problems(text) == [
        at(
            text,
            "phasing:",
            "positions.plan_lines[0].phasing.fractions: profile 'fractions' needs the fractions by year",
        )
    ]


def test_phasing_fractions_outside_0_to_1() -> None:
    text = minimal(
        formula_line(
            "formula: -activity.ae", "phasing:", "  profile: fractions", "  fractions: {2017/18: 1.5}"
        )
    )
    assert len(problems(text)) == 1


def test_an_overlap_against_an_unknown_line_and_with_both_or_neither_deduction() -> None:
    text = minimal(
        formula_line(
            "formula: -activity.ae",
            "overlaps:",
            "  - against: [qip]",
            "    fraction: 0.1",
            "    amount: 5",
            "    reason: Both.",
            "  - reason: Neither.",
            "    against: [qipp]",
            "  - against: [qipp]",
            "    fraction: 1.5",
            "    reason: Too much.",
        )
    )
    overlaps = "positions.plan_lines[0].overlaps"
    assert problems(text) == [
        at(
            text,
            "- against: [qip]",
            f"{overlaps}[0].against[0]: 'qip' is not a plan line; did you mean 'qipp'?",
        ),
        at(
            text,
            "- against: [qip]",
            f"{overlaps}[0]: give exactly one of fraction and amount; found fraction and amount",
        ),
        at(
            text,
            "- reason: Neither",
            f"{overlaps}[1]: give exactly one of fraction and amount; found neither",
        ),
        at(text, "fraction: 1.5", f"{overlaps}[2].fraction: a fraction must be between 0 and 1; found 1.5"),
    ]


def test_lines_that_refer_to_each_other_in_a_circle() -> None:
    text = minimal(
        formula_line("formula: line.b", then=plan_line("b", "2 * line.qipp") + plan_line("c", "line.c + 1"))
    )
    assert problems(text) == [
        at(
            text,
            "formula: line.b",
            "positions.plan_lines[0].formula: the formulas of these lines refer to each other in a circle: "
            "qipp → b → qipp",
        ),
        at(
            text,
            "formula: line.c",
            "positions.plan_lines[2].formula: the formulas of these lines refer to each other in a circle: "
            "c → c",
        ),
    ]


def test_lines_may_refer_to_later_lines_without_a_circle() -> None:
    text = minimal(formula_line("formula: 2 * line.b", then=plan_line("b", "-activity.ae")))
    assert load_scenario_text(text, FILE).scenario.positions.plan_lines[0].formula == "2 * line.b"


# --- finance ---------------------------------------------------------------------------------------------


def test_finance_and_a_given_gap_for_the_same_organisation() -> None:
    text = minimal(with_finance(), ("    ccg: 1000\n", "    ccg: 1000\n    acute: 500\n"))
    assert problems(text) == [
        at(
            text,
            "acute: 500",
            "positions.do_nothing.acute: organisation 'acute' has finance, which gives its do-nothing gap; "
            "give the gap here or the finance, not both",
        )
    ]


def test_bad_demand_pods() -> None:
    text = minimal(
        with_finance(
            "          demand_growth: activity\n",
            "          demand_growth: activity\n          demand_pods: [aee, prescribing, nel]\n",
        )
    )
    category = "organisations[1].finance.expenditure[1]"
    assert problems(text) == [
        at(
            text,
            "demand_pods:",
            f"{category}.demand_pods[0]: 'aee' is not a POD with activity; did you mean 'ae'?",
        ),
        at(
            text,
            "demand_pods:",
            f"{category}.demand_pods[1]: 'prescribing' is not a POD with activity; "
            "expected a POD with activity",
        ),
    ]


def test_demand_pods_without_activity_demand_growth() -> None:
    text = minimal(
        with_finance(
            "          inflation: 0.02\n", "          inflation: 0.02\n          demand_pods: [ae]\n"
        )
    )
    assert problems(text) == [
        at(
            text,
            "demand_pods:",
            "organisations[1].finance.expenditure[0].demand_pods: "
            "demand_pods is used only when demand_growth is 'activity'",
        )
    ]


def test_a_finance_item_with_both_amount_and_formula_or_neither() -> None:
    text = minimal(
        with_finance(
            "          amount: 20\n",
            "          amount: 20\n          formula: activity.ae\n"
            "        - id: empty\n          name: Empty\n",
        )
    )
    assert problems(text) == [
        at(
            text,
            "- id: cnst",
            "organisations[1].finance.items[0]: give exactly one of amount and formula; "
            "found amount and formula",
        ),
        at(
            text,
            "- id: empty",
            "organisations[1].finance.items[1]: give exactly one of amount and formula; found neither",
        ),
    ]


def test_negative_income_and_expenditure() -> None:
    text = minimal(with_finance("      income: 1000\n", "      income: -1\n"), ("base: 700", "base: -700"))
    assert problems(text) == [
        at(text, "income: -1", "organisations[1].finance.income: income cannot be negative; found -1"),
        at(
            text,
            "base: -700",
            "organisations[1].finance.expenditure[0].base: expenditure cannot be negative; found -700",
        ),
    ]


def test_duplicate_expenditure_category() -> None:
    text = minimal(with_finance("        - id: non_pay\n", "        - id: pay\n"))
    assert problems(text) == [
        at(
            text,
            "- id: pay\n          base: 350",
            "organisations[1].finance.expenditure[1].id: duplicate expenditure category id 'pay'; "
            "first defined at organisations[1].finance.expenditure[0]",
        )
    ]


# --- capacity and parameters -----------------------------------------------------------------------------

CAPACITY = """\
capacity:
  beds:
    - id: medical
      name: Medical beds
      length_of_stay:
        nel: 6
        prescribing: 1
        nell: 2
      occupancy: 0
    - id: surgical
      name: Surgical beds
      length_of_stay: {nel: 3}
      occupancy: 1.2
  workforce:
    - id: nurses
      name: Nurses
      per_unit: {aee: 0.001}
"""


def test_capacity_pods_without_activity_and_occupancy_out_of_range() -> None:
    text = minimal(append=CAPACITY)
    occupancy = "occupancy must be above 0 and at most 1 (0.85 = 85%)"
    assert problems(text) == [
        at(
            text,
            "prescribing: 1",
            "capacity.beds[0].length_of_stay.prescribing: 'prescribing' is not a POD with activity; "
            "expected a POD with activity",
        ),
        at(
            text,
            "nell: 2",
            "capacity.beds[0].length_of_stay.nell: 'nell' is not a POD with activity; did you mean 'nel'?",
        ),
        at(text, "occupancy: 0\n", f"capacity.beds[0].occupancy: {occupancy}; found 0"),
        at(text, "occupancy: 1.2", f"capacity.beds[1].occupancy: {occupancy}; found 1.2"),
        at(
            text,
            "per_unit:",
            "capacity.workforce[0].per_unit.aee: 'aee' is not a POD with activity; did you mean 'ae'?",
        ),
    ]


def test_a_bed_base_open_no_days() -> None:
    text = minimal(
        append="capacity:\n  beds:\n    - id: medical\n      name: Medical\n      days: 0\n"
        "      length_of_stay: {nel: 6}\n"
    )
    assert len(problems(text)) == 1


def test_bad_parameter_names() -> None:
    text = minimal(append="parameters:\n  Opportunity: 2\n  opportunity: 3\n  2x: 1\n")
    rule = "expected lower-case letters, digits and underscores, starting with a letter"
    assert problems(text) == [
        at(
            text,
            "Opportunity: 2",
            f"parameters.Opportunity: 'Opportunity' is not a valid parameter name; {rule}",
        ),
        at(text, "2x: 1", f"parameters.2x: '2x' is not a valid parameter name; {rule}"),
    ]


def test_a_parameter_named_like_a_keyword() -> None:
    text = minimal(append="parameters:\n  lambda: 2\n")
    assert len(problems(text)) == 1


def test_a_parameter_written_with_value_alone() -> None:
    text = minimal(formula_line("formula: -x"), append="parameters:\n  x:\n    value: 2\n")
    assert load_scenario_text(text, FILE).scenario.parameters["x"] == Parameter(value=2)


def test_a_parameter_by_year() -> None:
    text = minimal(formula_line("formula: -x"), append="parameters:\n  x: {2017/18: 1, 2018/19: 2}\n")
    assert load_scenario_text(text, FILE).scenario.parameters["x"] == {"2017/18": 1, "2018/19": 2}


def test_an_organisation_with_finance_named_like_a_group() -> None:
    text = minimal(
        with_finance(), ("  - id: acute\n", "  - id: nhs\n"), ("      acute: 0.8\n", "      nhs: 0.8\n")
    )
    assert any("organisations[1].id" in problem for problem in problems(text))


# --- years of the new fields ---------------------------------------------------------------------------


def test_years_of_phasing_finance_items_fractions_and_length_of_stay() -> None:
    text = minimal(
        with_finance("          amount: 20\n", "          amount: 20\n          start: 2030/31\n"),
        formula_line(
            "formula: -activity.ae",
            "phasing:",
            "  profile: fractions",
            "  start: 2017-18",
            "  fractions: {2017/18: 0.5, 2018-19: 1}",
        ),
        append="capacity:\n  beds:\n    - id: medical\n      name: Medical\n      length_of_stay:\n"
        "        nel: {2017/18: 5, 2017: 4}\n",
    )
    assert problems(text) == [
        at(
            text,
            "start: 2030/31",
            "organisations[1].finance.items[0].start: '2030/31' is outside the scenario's years "
            "2016/17 to 2019/20",
        ),
        at(
            text,
            "start: 2017-18",
            "positions.plan_lines[0].phasing.start: '2017-18' is not a financial year; "
            "expected YYYY/YY, like '2017/18'",
        ),
        at(
            text,
            "fractions: {",
            "positions.plan_lines[0].phasing.fractions.2018-19: '2018-19' is not a financial year; "
            "expected YYYY/YY, like '2017/18'",
        ),
        at(
            text,
            "nel: {2017/18: 5",
            "capacity.beds[0].length_of_stay.nel.2017: 2017 is not a financial year; "
            "expected YYYY/YY, like '2016/17' or '2017/18' (a single year is ambiguous)",
        ),
    ]


def test_years_of_finance_rates_parameters_and_overlap_amounts() -> None:
    text = minimal(
        with_finance("      income_growth: 0.01\n", "      income_growth: {2021/22: 0.01}\n"),
        formula_line(
            "formula: -x",
            "overlaps:",
            "  - against: [qipp]",
            "    amount: {2016: 5}",
            "    reason: Double counted.",
        ),
        append="parameters:\n  x: {2017-18: 1}\n",
    )
    assert problems(text) == [
        at(
            text,
            "income_growth:",
            "organisations[1].finance.income_growth.2021/22: '2021/22' is outside the scenario's years "
            "2016/17 to 2019/20",
        ),
        at(
            text,
            "amount: {2016",
            "positions.plan_lines[0].overlaps[0].amount.2016: 2016 is not a financial year; "
            "expected YYYY/YY, like '2016/17' or '2017/18' (a single year is ambiguous)",
        ),
        at(
            text,
            "x: {2017-18",
            "parameters.x.2017-18: '2017-18' is not a financial year; expected YYYY/YY, like '2017/18'",
        ),
    ]


def test_capital_years_and_references() -> None:
    text = minimal(
        append="capital:\n  - id: hub\n    name: Hub\n    org: cgg\n    enables: [nothing]\n"
        "    amount: {2030/31: 5, 2017-18: 3}\n"
    )
    assert len(problems(text)) == 4


# --- the reference documents the new models -----------------------------------------------------------

PLAN_MODELS: list[type[BaseModel]] = [
    schema.OrgFinance,
    schema.ExpenditureCategory,
    schema.FinanceItem,
    schema.Parameter,
    schema.Phasing,
    schema.Overlap,
    schema.CapitalScheme,
    schema.Capacity,
    schema.BedBase,
    schema.StaffGroup,
    schema.Variant,
    schema.Change,
]


@pytest.mark.parametrize("model", PLAN_MODELS, ids=lambda model: model.__name__)
def test_the_reference_documents_every_field_of_the_plan_models(model: type[BaseModel]) -> None:
    page = REFERENCE.read_text(encoding="utf-8")
    assert f"### `{model.__name__}`\n" in page
    assert sorted(_documented_fields(page, model)) == sorted(model.model_fields)


def test_the_reference_lists_every_formula_function() -> None:
    from carebridge.scenario.formula import FUNCTIONS

    page = REFERENCE.read_text(encoding="utf-8")
    section = page.split("## Formulas\n", 1)[1]
    documented = re.findall(r"^\| `(\w+)\(", section, re.MULTILINE)
    assert documented == list(FUNCTIONS)
