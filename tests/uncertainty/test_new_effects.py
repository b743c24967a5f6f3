"""Distributions on the numbers of the new effects and the workforce (docs/effects.md): every one is drawn
(none held at its central value), and the vectorised run equals a deterministic run of each draw."""

from __future__ import annotations

import json
from typing import Any

import xarray as xr

from carebridge.engine import run
from carebridge.engine.inputs import DRAW
from carebridge.engine.results import Results
from carebridge.engine.simulate.batch import run_batch
from carebridge.engine.simulate.sampling import Uncertain, undrawn_inputs
from carebridge.scenario.distributions import Triangular
from carebridge.scenario.loader import load_scenario, load_scenario_text
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import input_labels, with_spread, with_values
from tests.conftest import EXAMPLES
from tests.engine.settings_scenario import scenario_data

STP_EFFECTS = EXAMPLES / "staffordshire-stp-2016" / "effects.yaml"


def triangular(low: float, mode: float, high: float) -> dict[str, Any]:
    return {"dist": "triangular", "low": low, "mode": mode, "high": high}


def uncertain_scenario() -> Scenario:
    schemes: list[dict[str, Any]] = [
        {
            "id": "ortho",
            "name": "Orthopaedics to day case",
            "effects": [{"kind": "shift", "pod": "ip", "to": "dc", "fraction": triangular(0.1, 0.2, 0.3)}],
        },
        {
            "id": "t2a",
            "name": "Transfer to assess",
            "cohort": "older",
            "effects": [
                {
                    "kind": "length_of_stay",
                    "pod": "ip",
                    "fraction": triangular(0.05, 0.1, 0.2),
                    "bed_day_price": triangular(200, 250, 300),
                },
                {"kind": "absolute", "pod": "ip", "formula": "enrolled * 0.05"},
            ],
            "workforce_effects": [{"group": "ward", "agency_to_substantive": triangular(0.3, 0.5, 0.8)}],
        },
    ]
    data = scenario_data(schemes)
    data["parameters"] = {"enrolled": triangular(1000, 2000, 3000)}
    data["workforce"][0]["agency_premium"] = triangular(0.5, 1.0, 1.5)
    data["positions"] = {
        "do_nothing": {"trust": 1000},
        "plan_lines": [
            {"id": "agency", "name": "Agency", "org": "trust", "formula": "-workforce.pay_saving"}
        ],
    }
    return load_scenario_text(json.dumps(data), "effects.yaml").scenario


def _tables(results: Results) -> dict[str, xr.DataArray]:
    return {
        "positions": results.positions,
        "savings": results.savings,
        "activity": results.activity.to_array("measure"),
        **{name: results.capacity[name] for name in ("bed_days", "beds", "staff_wte", "pay")},
    }


def test_every_new_number_is_drawn() -> None:
    scenario = uncertain_scenario()
    assert len(Uncertain.of(scenario).names) == 6
    assert undrawn_inputs(scenario) == []


def test_the_vectorised_run_equals_a_deterministic_run_of_each_draw() -> None:
    scenario = uncertain_scenario()
    uncertain = Uncertain.of(scenario)
    samples = uncertain.draw(seed=3, chunk=0, size=3)
    batch = _tables(run_batch(scenario, uncertain, samples))
    assert DRAW in batch["pay"].dims and DRAW in batch["beds"].dims
    for draw, row in enumerate(samples):
        single = _tables(run(with_values(scenario, dict(zip(uncertain.names, row, strict=True)))))
        for name, table in single.items():
            drawn = batch[name].isel({DRAW: draw}) if DRAW in batch[name].dims else batch[name]
            xr.testing.assert_allclose(drawn.transpose(*table.dims), table, rtol=1e-10)


def test_spread_reaches_the_parameters_of_effect_formulas_and_labels_read_as_words() -> None:
    spread = with_spread(load_scenario(STP_EFFECTS).scenario, 0.2)
    assert "parameters.minor_injury_share.value" in spread.uncertainty.inputs
    assert "schemes.planned_stays.effects.0.bed_day_price" in spread.uncertainty.inputs
    labels = input_labels(spread, ["schemes.planned_stays.effects.0.bed_day_price"])
    assert labels["schemes.planned_stays.effects.0.bed_day_price"] == (
        "Planned care length of stay −5%: Acute inpatient spells (UHNM and Burton) price of a bed day"
    )
    names = ["workforce.ward.agency_premium", "schemes.t2a.workforce_effects.0.agency_to_substantive"]
    labels = input_labels(uncertain_scenario(), names)
    assert labels == {
        names[0]: "Ward staff: agency premium",
        names[1]: "Transfer to assess: Ward staff agency WTE converted to substantive",
    }


def demand_scenario() -> Scenario:
    """The numbers of issue 17's demand half and of the baseline workforce, each written as a distribution."""
    schemes: list[dict[str, Any]] = [
        {
            "id": "t2a",
            "name": "Transfer to assess",
            "cohort": "older",
            "effects": [{"kind": "reduce", "pod": "ip", "fraction": 0.1}],
        },
        {
            "id": "frail",
            "name": "Frailty",
            "cohort": "frail",
            "effects": [{"kind": "reduce", "pod": "ip", "fraction": 0.1}],
        },
    ]
    data = scenario_data(schemes)
    years = ("2017/18", "2018/19", "2019/20")
    data["demography"] = {
        "people": {
            sex: {"0-64": triangular(90_000, 100_000, 110_000), "65+": dict.fromkeys(years, 20_000)}
            for sex in ("female", "male")
        }
    }
    data["pods"][0]["activity"] = {
        "base": 10000,
        "demographic_rates": {
            "female": {"0-64": 0.05, "65+": triangular(0.2, 0.3, 0.4)},
            "male": {"65+": 0.3},
        },
        "non_demographic_growth": triangular(0.0, 0.01, 0.02),
    }
    data["cohorts"][0]["headcount"] = {"2017/18": 40_000, "2019/20": triangular(41_000, 42_000, 44_000)}
    data["cohorts"][0]["shares"] = {"dc": 0.6, "ucc": 0.6}
    data["cohorts"][0]["rates"] = {"ip": triangular(0.1, 0.12, 0.14)}
    data["cohorts"].append(
        {
            "id": "frail",
            "name": "Frail",
            "shares": {"ip": 0.2},
            "share_by_year": {"ip": {"2019/20": triangular(0.2, 0.25, 0.3)}},
        }
    )
    data["cohort_overlaps"] = [{"cohorts": ["older", "frail"], "shares": {"ip": triangular(0.05, 0.1, 0.15)}}]
    ward = data["workforce"][0]
    ward.update(
        wte=triangular(450, 500, 550),
        pay_per_wte=triangular(33_000, 35_000, 38_000),
        bank=triangular(0.0, 0.05, 0.1),
        bank_premium=triangular(0.1, 0.2, 0.3),
        agency=triangular(0.05, 0.1, 0.15),
        per_unit={"ip": triangular(0.01, 0.02, 0.03)},
        per_bed={"acute": triangular(1.0, 1.5, 2.0)},
    )
    return load_scenario_text(json.dumps(data), "demand.yaml").scenario


def test_every_number_of_demography_cohorts_and_workforce_is_drawn() -> None:
    scenario = demand_scenario()
    names = Uncertain.of(scenario).names
    assert len(names) == 15
    assert "workforce.ward.per_bed.acute" in names and "demography.people.female.0-64" in names
    assert undrawn_inputs(scenario) == []


def test_spread_reaches_workforce_effects_and_keeps_their_share_within_0_and_1() -> None:
    stp = with_spread(load_scenario(STP_EFFECTS).scenario, 0.2).uncertainty.inputs
    converted = {
        name: (d.low, d.mode, d.high)
        for name, d in stp.items()
        if ".workforce_effects." in name and isinstance(d, Triangular)
    }
    assert len(converted) == sum(".workforce_effects." in name for name in stp), "each is triangular"
    assert converted, "the agency driver's conversion is spread"
    full = next(ends for name, ends in converted.items() if name.endswith("2020/21"))
    assert full == (0.8, 1.0, 1.0)
    assert all(0 <= low <= mode <= high <= 1 for low, mode, high in converted.values())
