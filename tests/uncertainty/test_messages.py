"""Every problem with a distribution or a correlation says where it is: file, line and field path."""

from __future__ import annotations

import textwrap

import pytest

from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario_text

HEAD = textwrap.dedent(
    """\
    format_version: 1
    name: t
    base_year: 2016/17
    end_year: 2019/20
    organisations: [{id: ccg, name: CCG}]
    pods:
      - id: ae
        name: AE
        activity: {base: 1000, growth: 0.02}
        price: 100
    schemes:
      - id: s1
        name: S1
        effects:
    """
)


def problems(effect: str, tail: str = "") -> list[str]:
    text = HEAD + f"      - {effect}\n" + tail
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, "plan.yaml")
    return [str(problem) for problem in raised.value.problems]


FRACTION = "{kind: reduce, pod: ae, fraction: %s}"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "{dist: triangle, low: 0.1, mode: 0.2, high: 0.3}",
            "plan.yaml:15 schemes[0].effects[0].fraction.dist: 'triangle' is not a distribution; "
            "did you mean 'triangular'?",
        ),
        (
            "{dist: gamma, shape: 2}",
            "plan.yaml:15 schemes[0].effects[0].fraction.dist: 'gamma' is not a distribution; expected one "
            "of 'triangular', 'pert', 'normal', 'lognormal', 'uniform', 'choice'",
        ),
        (
            "{dist: triangular, low: 0.3, mode: 0.2, high: 0.4}",
            "plan.yaml:15 schemes[0].effects[0].fraction.mode: mode 0.2 is below low 0.3; expected "
            "low ≤ mode ≤ high",
        ),
        (
            "{dist: pert, low: 0.1, mode: 0.5, high: 0.4}",
            "plan.yaml:15 schemes[0].effects[0].fraction.mode: mode 0.5 is above high 0.4; expected "
            "low ≤ mode ≤ high",
        ),
        (
            "{dist: triangular, low: 0.1, high: 0.3}",
            "plan.yaml:15 schemes[0].effects[0].fraction: a triangular distribution needs low, mode and "
            "high; mode is missing",
        ),
        (
            "{dist: normal, mean: 0.2, sd: -0.1}",
            "plan.yaml:15 schemes[0].effects[0].fraction.sd: sd must be zero or more; found -0.1",
        ),
        (
            "{dist: normal, mean: 0.2, sd: 0.1, lo: 0}",
            "plan.yaml:15 schemes[0].effects[0].fraction.lo: 'lo' is not a parameter of a normal "
            "distribution; did you mean 'low'?",
        ),
        (
            "{dist: uniform, low: 0.1, high: abc}",
            "plan.yaml:15 schemes[0].effects[0].fraction.high: high must be a number; found 'abc'",
        ),
        (
            "{dist: uniform, low: 0.5, high: 0.1}",
            "plan.yaml:15 schemes[0].effects[0].fraction.low: low 0.5 is above high 0.1; expected low ≤ high",
        ),
        (
            "{dist: lognormal, mean: -1, sd: 0.1}",
            "plan.yaml:15 schemes[0].effects[0].fraction.mean: a lognormal mean must be positive (its values "
            "are); found -1",
        ),
        (
            "{dist: choice, values: [0.1, 0.2], weights: [1]}",
            "plan.yaml:15 schemes[0].effects[0].fraction.weights: give one weight per value: 2 values, "
            "1 weights",
        ),
        (
            "{dist: triangular, low: 0.5, mode: 0.9, high: 1.4}",
            "plan.yaml:15 schemes[0].effects[0].fraction: at the high end of its distribution, a fraction "
            "must be between -1 and 1 (0.2 means 20%); found 1.4",
        ),
    ],
)
def test_a_bad_distribution_is_reported_where_it_is(written: str, message: str) -> None:
    assert problems(FRACTION % written) == [message]


def test_a_distribution_in_one_year_of_a_map_is_located_at_that_year() -> None:
    found = problems(FRACTION % "{2017/18: 0.1, 2018/19: {dist: uniform, low: 0.3}}")
    assert found == [
        "plan.yaml:15 schemes[0].effects[0].fraction.2018/19: a uniform distribution needs low and high; "
        "high is missing"
    ]


def test_a_share_that_must_add_up_cannot_be_uncertain() -> None:
    text = HEAD.replace("price: 100", "price: 100\n    providers: {ccg: {dist: uniform, low: 0.9, high: 1}}")
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text + "      - " + FRACTION % "0.1" + "\n", "plan.yaml")
    assert str(raised.value.problems[0]) == (
        "plan.yaml:11 pods[0].providers.ccg: a distribution cannot stand here: provider shares must add up "
        "to 1; give a number"
    )


CORRELATED = FRACTION % "{dist: uniform, low: 0.1, high: 0.2}"


def test_a_correlation_that_names_no_uncertain_input() -> None:
    names = "[schemes.s1.effects.0.fractoin, pods.ae.price]"
    tail = f"uncertainty:\n  correlations:\n    - {{inputs: {names}, rank: 2}}\n"
    assert problems(CORRELATED, tail) == [
        "plan.yaml:18 uncertainty.correlations[0].inputs[0]: 'schemes.s1.effects.0.fractoin' is not an "
        "uncertain input; did you mean 'schemes.s1.effects.0.fraction'?",
        "plan.yaml:18 uncertainty.correlations[0].inputs[1]: 'pods.ae.price' is not an uncertain input; the "
        "uncertain inputs are 'schemes.s1.effects.0.fraction'",
        "plan.yaml:18 uncertainty.correlations[0].rank: a rank correlation must be between -1 and 1; found 2",
    ]


def test_correlations_that_contradict_each_other() -> None:
    uniform = "{dist: uniform, low: 0, high: 0.1}"
    growth = f"pods:\n  - id: ae\n    name: AE\n    activity: {{base: 1000, growth: {uniform}}}"
    text = HEAD.replace(
        "pods:\n  - id: ae\n    name: AE\n    activity: {base: 1000, growth: 0.02}", growth
    ).replace("price: 100", "price: {dist: uniform, low: 90, high: 110}")
    tail = textwrap.dedent(
        """\
        uncertainty:
          correlations:
            - {inputs: [pods.ae.price, pods.ae.activity.growth], rank: 0.9}
            - {inputs: [pods.ae.price, schemes.s1.effects.0.fraction], rank: 0.9}
            - {inputs: [pods.ae.activity.growth, schemes.s1.effects.0.fraction], rank: -0.9}
        """
    )
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text + "      - " + CORRELATED + "\n" + tail, "plan.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "plan.yaml:17 uncertainty.correlations: the rank correlations contradict each other (together they "
        "are not a valid correlation matrix); weaken some of them"
    ]


def test_inputs_are_not_written_by_hand() -> None:
    tail = "uncertainty:\n  inputs: {}\n"
    assert problems(FRACTION % "0.1", tail) == [
        "plan.yaml:17 uncertainty.inputs: inputs is filled from the distributions written in place of "
        "numbers; write `fraction: {dist: triangular, low: 0.1, mode: 0.2, high: 0.3}` where the number "
        "goes instead"
    ]


def test_a_negative_delivery_multiplier() -> None:
    text = HEAD.replace("    name: S1\n", "    name: S1\n    delivery: -0.5\n")
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text + "      - " + FRACTION % "0.1" + "\n", "plan.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "plan.yaml:14 schemes[0].delivery: delivery must be zero or more (1 delivers as planned, 0.8 "
        "delivers 80%); found -0.5"
    ]


def test_a_valid_distribution_loads_with_its_central_value_in_place() -> None:
    text = HEAD + "      - " + FRACTION % "{dist: pert, low: 0.1, mode: 0.15, high: 0.3}" + "\n"
    scenario = load_scenario_text(text, "plan.yaml").scenario
    effect = scenario.schemes[0].effects[0]
    assert effect.fraction == 0.15  # type: ignore[union-attr]
    assert list(scenario.uncertainty.inputs) == ["schemes.s1.effects.0.fraction"]
