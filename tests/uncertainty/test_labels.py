"""Uncertain inputs in people's words: each path named from the scenario's own names (schemes, PODs,
organisations, cohorts, plan lines) and its year, never an id; and the fan chart's bands only where the draws
differ."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from carebridge.engine.simulate.sensitivity import Output, Sensitivity, Swing
from carebridge.report.simulation import fan_chart, first_varying, tornado_chart
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import input_label, input_labels, with_spread
from tests.conftest import EXAMPLES

STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"
STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"


def test_every_kind_of_input_is_named_in_the_scenarios_words(uncertain_scenario: Scenario) -> None:
    labels = input_labels(uncertain_scenario, uncertain_scenario.uncertainty.inputs)
    assert labels == {
        "organisations.acute.finance.income": "Acute FT: income",
        "organisations.acute.finance.expenditure.pay.inflation": "Acute FT: pay expenditure inflation",
        "organisations.acute.finance.items.pressure.amount.2018/19": "Acute FT: Pressure, 2018/19",
        "pods.ae.activity.base": "A&E activity in the base year",
        "pods.ae.activity.growth": "A&E activity growth",
        "pods.ae.price.base": "A&E unit price in the base year",
        "pods.nel.activity.trajectory.2018/19": "Non-elective activity, 2018/19",
        "pods.nel.price.2018/19": "Non-elective unit price, 2018/19",
        "pods.op.activity.population_rates.old": "Outpatients activity per person aged old",
        "cohorts.frail.shares.ae": "Frail: share of A&E",
        "population.young.2018/19": "Population aged young, 2018/19",
        "parameters.rate": "Driver line: rate",
        "schemes.s1.delivery": "Scheme one: delivery",
        "schemes.s1.effects.0.fraction.2017/18": "Scheme one: A&E share deflected, 2017/18",
        "schemes.s1.investment.recurrent.2017/18": "Scheme one: recurrent investment, 2017/18",
        "schemes.s2.effects.0.activity.2017/18": "Scheme two: Non-elective deflection, 2017/18",
        "schemes.s2.effects.1.saving.2018/19": "Scheme two: Prescribing saving, 2018/19",
        "investments.fund.amount.2016/17": "Transformation fund (investment), 2016/17",
        "funding.grant.amount.2017/18": "Grant (funding), 2017/18",
        "positions.do_nothing.ccg.2018/19": "CCG: do-nothing gap, 2018/19",
        "positions.plan_lines.cip.value.2017/18": "CIP, 2017/18",
    }


def test_the_examples_spread_inputs_have_names_and_no_ids() -> None:
    stockport = with_spread(load_scenario(STOCKPORT).scenario, 0.2)
    labels = input_labels(stockport, stockport.uncertainty.inputs)
    assert labels["schemes.neighbourhood.effects.2.activity.2020/21"] == (
        "Neighbourhood: Non Elective deflection, 2020/21"
    )
    assert labels["schemes.neighbourhood.effects.0.activity.2020/21"] == (
        "Neighbourhood: Non Elective growth avoided, 2020/21"
    )
    assert labels["pods.nel.price.2020/21"] == "Non Elective unit price, 2020/21"
    assert len(set(labels.values())) == len(labels)
    ids = ("acute_interface", "intermediate_care", "neighbourhood", "nel", "sft", "ccg", "smbc", "effects")
    assert not [label for label in labels.values() if any(i in label.split() for i in ids)]
    stp = with_spread(load_scenario(STP).scenario, 0.2)
    assert input_label(stp, "parameters.cip_rate.value") == "CIP/Workforce: cip rate"
    assert input_label(stp, "parameters.community_bed_cost.value.2020/21") == (
        "Community Hospitals: community bed cost, 2020/21"
    )


def test_labels_that_would_repeat_say_which_effect(uncertain_scenario: Scenario) -> None:
    data = uncertain_scenario.model_dump(by_alias=True)
    twin = dict(data["schemes"][1]["effects"][0])
    data["schemes"][1]["effects"].append(twin)
    scenario = Scenario.model_validate(data)
    names = ["schemes.s2.effects.0.activity.2017/18", "schemes.s2.effects.3.activity.2017/18"]
    assert list(input_labels(scenario, names).values()) == [
        "Scheme two: Non-elective deflection (effect 1), 2017/18",
        "Scheme two: Non-elective deflection (effect 4), 2017/18",
    ]
    assert input_label(scenario, "not.an.input") == "not.an.input"


def _series(values: list[list[float]]) -> xr.DataArray:
    years = ["2016/17", "2017/18", "2018/19"][: len(values[0])]
    return xr.DataArray(np.array(values), dims=("draw", "year"), coords={"year": years})


def test_the_fan_has_bands_only_from_the_first_year_the_draws_differ() -> None:
    draws = [[5.0, 10.0 + d, 20.0 + 2 * d] for d in range(11)]  # 2016/17 the same in every draw
    chart = fan_chart(_series(draws), (10, 25, 50, 75, 90), "fan", "Position", "£'000")
    bands = [trace for trace in chart.data if trace.get("fill") == "tonexty"]
    assert [band["name"] for band in bands] == ["P10 to P90", "P25 to P75"]
    edges = [trace for trace in chart.data if "fill" not in trace and trace.get("showlegend") is False]
    assert all(trace["x"] == ["2017/18", "2018/19"] for trace in [*bands, *edges])
    assert bands[0]["y"] == pytest.approx([19.0, 38.0])  # P90 of 10..20 and of 20..40
    assert edges[0]["y"] == pytest.approx([11.0, 22.0])  # P10
    median = next(trace for trace in chart.data if trace.get("name") == "Median")
    assert median["x"] == ["2016/17", "2017/18", "2018/19"]
    assert "from 2017/18" in chart.description


def test_a_series_the_same_in_every_draw_has_no_band() -> None:
    chart = fan_chart(_series([[5.0, 6.0]] * 4), (10, 25, 50, 75, 90), "fan", "Position", "£'000")
    assert not [trace for trace in chart.data if trace.get("fill")]
    assert "no band" in chart.description
    assert first_varying(np.array([[1.0, 2.0], [1.0, 2.0]])) is None


def test_the_tornado_shows_labels_and_leaves_out_inputs_that_do_not_move_it() -> None:
    def swing(name: str, label: str, low: float, high: float) -> Swing:
        return Swing(name, label, 1.0, 0.5, 1.5, low, high, (0.0, 2.0), None)

    result = Sensitivity(
        Output(year="2020/21"),
        "net saving (tariff basis) in 2020/21, £'000, a saving negative",
        -100.0,
        10.0,
        90.0,
        [
            swing("schemes.a.effects.0.activity.2020/21", "A: A&E deflection, 2020/21", -80.0, -130.0),
            swing("pods.ae.price.2019/20", "A&E unit price, 2019/20", -100.0, -100.0),
        ],
    )
    chart = tornado_chart(result)
    assert chart.data[0]["y"] == ["A: A&E deflection, 2020/21"]
    assert chart.data[0]["x"] == [20.0] and chart.data[1]["x"] == [-30.0]  # from the central (100)
    assert "Tornado: net saving (tariff basis) in 2020/21" in chart.title
    assert "1 of the 2 inputs do not move it" in chart.description
