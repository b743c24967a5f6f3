"""One-way sensitivity: the tornado's ranking and switching values, checked against the arithmetic.

The scenario: a scheme removes ``a`` attendances (uniform 50 to 150) at a price ``p`` (uniform 90 to 110, in
pounds, uniform 95 to 110) for a recurrent investment ``i`` (uniform 6 to 12, £'000). Its net saving (the
statement's net line, a saving negative) in every year from 2017/18 is ``i − a · p / 1000``: 9 − 10.25 = −1.25
at the central values.
"""

from __future__ import annotations

import textwrap

import pytest

from carebridge.engine.simulate.sensitivity import Output, one_way
from carebridge.scenario.loader import load_scenario_text
from carebridge.scenario.schema import Scenario

TEXT = textwrap.dedent(
    """\
    format_version: 1
    name: Switching
    base_year: 2016/17
    end_year: 2019/20
    organisations: [{id: ccg, name: CCG}]
    pods:
      - id: ae
        name: AE
        activity: {base: 1000, growth: 0.0}
        price: {dist: uniform, low: 95, high: 110}
    schemes:
      - id: s1
        name: S1
        owner: ccg
        effects:
          - {kind: absolute, pod: ae, activity: {2017/18: {dist: uniform, low: 50, high: 150}}}
        investment: {recurrent: {2017/18: {dist: uniform, low: 6, high: 12}}}
    positions:
      do_nothing: {ccg: 5}
      plan_lines:
        - {id: programme, name: Programme, from_schemes: {measure: net}}
    """
)
ACTIVITY = "schemes.s1.effects.0.activity.2017/18"
INVESTMENT = "schemes.s1.investment.recurrent.2017/18"
PRICE = "pods.ae.price"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario_text(TEXT, "switching.yaml").scenario


def test_inputs_are_ranked_by_their_swing(scenario: Scenario) -> None:
    result = one_way(scenario)
    assert [swing.name for swing in result.swings] == [ACTIVITY, INVESTMENT, PRICE]
    activity = result.swings[0]
    assert (activity.low, activity.high) == pytest.approx((60, 140))
    assert (activity.output_low, activity.output_high) == pytest.approx((9 - 60 * 0.1025, 9 - 140 * 0.1025))
    assert result.central_output == pytest.approx(-1.25)  # a saving, negative as in every table
    assert result.output_label == "net saving (tariff basis) in 2019/20, £'000, a saving negative"
    assert [swing.label for swing in result.swings] == [
        "S1: AE deflection, 2017/18",
        "S1: recurrent investment, 2017/18",
        "AE unit price",
    ]


def test_switching_values_are_where_the_net_saving_is_zero(scenario: Scenario) -> None:
    result = {swing.name: swing for swing in one_way(scenario).swings}
    assert result[ACTIVITY].switching_value == pytest.approx(9000 / 102.5, rel=1e-9)  # a · 102.5 / 1000 = 9
    assert result[INVESTMENT].switching_value == pytest.approx(10.25, rel=1e-9)
    assert result[PRICE].switching_value is None  # 100 · p / 1000 = 9 needs p = 90, below its range
    assert result[PRICE].range == (95, 110)


def test_a_switching_value_at_the_end_of_the_range_is_found(scenario: Scenario) -> None:
    wider = scenario.model_copy(deep=True)
    price = wider.uncertainty.inputs[PRICE].model_copy(update={"low": 90.0})
    wider = wider.model_copy(
        update={
            "uncertainty": wider.uncertainty.model_copy(
                update={"inputs": {**wider.uncertainty.inputs, PRICE: price}}
            )
        }
    )
    result = {swing.name: swing for swing in one_way(wider).swings}
    assert result[PRICE].switching_value == pytest.approx(90)


def test_a_switching_value_outside_the_range_is_none(scenario: Scenario) -> None:
    result = {swing.name: swing for swing in one_way(scenario, Output(year="2016/17")).swings}
    assert all(swing.switching_value is None for swing in result.values())  # nothing happens in 2016/17


def test_the_output_can_be_a_position_summed_over_the_years(scenario: Scenario) -> None:
    result = one_way(scenario, Output(measure="position", year="all"), switching=False)
    assert result.central_output == pytest.approx(4 * 5 - 3 * 1.25)
    assert result.output_label == (
        "do-something position of the system summed over every year, £'000, a deficit positive"
    )
    assert all(swing.switching_value is None for swing in result.swings)


def test_percentiles_must_be_in_order(scenario: Scenario) -> None:
    with pytest.raises(ValueError, match="expected 0 ≤ low < high ≤ 100"):
        one_way(scenario, low=90, high=10)
