"""Properties of the shift, length-of-stay and workforce effects (docs/effects.md section 5), over random
scenarios of an inpatient POD, a day-case POD and an urgent care setting with a bed base and a workforce."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebridge.engine import ModelError, Results, run
from carebridge.engine.labels import plain
from carebridge.scenario.schema import Scenario

from .settings_scenario import scenario_data

pytestmark = pytest.mark.property

PROPERTY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(schemes: list[dict[str, Any]]) -> Scenario:
    return Scenario.model_validate(scenario_data(schemes))


fractions = st.floats(0.0, 0.45, allow_nan=False)


@st.composite
def new_schemes(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Two to four schemes of shifts (ip → dc, ip → ucc, dc → ucc), lengths of stay and a reduction, which
    together move at most 90% of a POD's activity out of it (more is a scenario the engine refuses: every
    scheme's share of a POD drawn from what the others left)."""
    schemes = []
    moved = {"ip": 0.0, "dc": 0.0}
    for n in range(draw(st.integers(2, 4))):
        effects: list[dict[str, Any]] = []
        if draw(st.booleans()):
            source, target = draw(st.sampled_from([("ip", "dc"), ("ip", "ucc"), ("dc", "ucc")]))
            basis = draw(st.sampled_from(["base", "do_nothing"]))
            fraction = draw(st.floats(0.0, max(0.0, min(0.45, 0.8 - moved[source])), allow_nan=False))
            moved[source] += fraction
            effects.append(
                {"kind": "shift", "pod": source, "to": target, "fraction": fraction, "basis": basis}
            )
        if draw(st.booleans()):
            effect: dict[str, Any] = {"kind": "length_of_stay", "pod": "ip", "fraction": draw(fractions)}
            if draw(st.booleans()):
                effect["bed_day_price"] = 250
            effects.append(effect)
        if draw(st.booleans()):
            reduction = draw(st.floats(0.0, max(0.0, min(0.1, 0.9 - moved["ip"]))))
            moved["ip"] += reduction
            effects.append({"kind": "reduce", "pod": "ip", "fraction": reduction})
        cohort = draw(st.sampled_from(["all", "older"]))
        changes = [{"group": "ward", "agency_to_substantive": draw(st.floats(0.0, 0.5))}] if n == 0 else []
        schemes.append(
            {
                "id": f"s{n}",
                "name": f"Scheme {n}",
                "cohort": cohort,
                "effects": effects,
                "workforce_effects": changes,
            }
        )
    return schemes


def _only(schemes: list[dict[str, Any]], kinds: set[str]) -> list[dict[str, Any]]:
    return [{**s, "effects": [e for e in s["effects"] if e["kind"] in kinds]} for s in schemes]


@PROPERTY
@given(new_schemes())
def test_a_shift_conserves_patients(schemes: list[dict[str, Any]]) -> None:
    """With only shifts, the activity leaving a POD arrives at another: each year's total is the
    do-nothing's."""
    results = run(build(_only(schemes, {"shift"})))
    activity = results.activity
    np.testing.assert_allclose(
        activity.do_something.sum("pod").values, activity.do_nothing.sum("pod").values, rtol=1e-9
    )
    moved = activity.reduction.sum("pod")
    np.testing.assert_allclose(moved.values, 0.0, atol=1e-6)


@PROPERTY
@given(new_schemes())
def test_length_of_stay_changes_bed_days_and_beds_but_not_spells(schemes: list[dict[str, Any]]) -> None:
    with_stays = run(build(schemes))
    without = run(
        build([{**s, "effects": [e for e in s["effects"] if e["kind"] != "length_of_stay"]} for s in schemes])
    )
    xr.testing.assert_allclose(plain(with_stays.activity.do_something), plain(without.activity.do_something))
    shorter = with_stays.capacity.bed_days.sel(case="do_something")
    assert bool((shorter <= without.capacity.bed_days.sel(case="do_something") + 1e-6).all())
    beds = with_stays.capacity.beds.sel(case="do_something")
    np.testing.assert_allclose(beds.values, (shorter / (365 * 0.85)).values, rtol=1e-9)
    has_stay = any(
        e["kind"] == "length_of_stay" and e["fraction"] > 0.01 for s in schemes for e in s["effects"]
    )
    if has_stay:
        assert float(shorter.isel(year=-1).sum()) < float(
            without.capacity.bed_days.sel(case="do_something").isel(year=-1).sum()
        )


def _zeroed(schemes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for s in schemes:
        effects = [
            {**e, "fraction": 0.0} if e["kind"] in ("shift", "length_of_stay") else e for e in s["effects"]
        ]
        changes = [{**c, "agency_to_substantive": 0.0} for c in s["workforce_effects"]]
        out.append({**s, "effects": effects, "workforce_effects": changes})
    return out


def _same(first: Results, second: Results) -> None:
    xr.testing.assert_allclose(plain(first.activity.do_something), plain(second.activity.do_something))
    xr.testing.assert_allclose(plain(first.savings).sum("scheme"), plain(second.savings).sum("scheme"))
    xr.testing.assert_allclose(plain(first.positions), plain(second.positions))
    for name in ("bed_days", "beds", "wte", "staff_wte", "pay"):
        xr.testing.assert_allclose(first.capacity[name], second.capacity[name])


@PROPERTY
@given(new_schemes())
def test_zero_valued_new_effects_change_nothing(schemes: list[dict[str, Any]]) -> None:
    kept = [
        {**s, "effects": [e for e in s["effects"] if e["kind"] == "reduce"], "workforce_effects": []}
        for s in schemes
    ]
    _same(run(build(_zeroed(schemes))), run(build(kept)))


@PROPERTY
@given(new_schemes())
def test_the_order_of_schemes_does_not_matter(schemes: list[dict[str, Any]]) -> None:
    forward, backward = run(build(schemes)), run(build(list(reversed(schemes))))
    _same(forward, backward)
    ids = [s["id"] for s in schemes]
    xr.testing.assert_allclose(
        plain(forward.savings).sel(scheme=ids), plain(backward.savings).sel(scheme=ids)
    )


@pytest.mark.unit
def test_a_shift_saves_the_price_difference() -> None:
    """20% of 10,000 inpatient spells at £3,000 moved to day case at £900: £4,200k a year at tariff."""
    shift = {"kind": "shift", "pod": "ip", "to": "dc", "fraction": 0.2, "basis": "base"}
    results = run(build([{"id": "ortho", "name": "Ortho to day case", "effects": [shift]}]))
    tariff = results.savings.sel(basis="tariff").sum(["pod", "source", "provider", "scheme"])
    assert float(tariff.sel(year="2018/19")) == pytest.approx(-2000 * (3000 - 900) / 1000)
    assert float(results.activity.do_something.sel(pod="dc", year="2018/19")) == pytest.approx(
        4000 * 1.02 + 2000
    )


@pytest.mark.unit
def test_length_of_stay_money_on_a_bed_day_price_and_on_the_cost_structure() -> None:
    """10% shorter stays of 4.5 days on 10,300 spells: 4,635 bed days; at £250, £1,158.75k (in the base year
    the variable 40% of it released at once); on the cost structure a bed day is £3,000 / 4.5."""
    stay = {"kind": "length_of_stay", "pod": "ip", "fraction": 0.1, "bed_day_price": 250}
    results = run(build([{"id": "t2a", "name": "Transfer to assess", "effects": [stay]}]))
    tariff = results.savings.sel(basis="tariff", year="2018/19").sum()
    assert float(tariff) == pytest.approx(-0.1 * 10300 * 4.5 * 250 / 1000)
    cost = results.savings.sel(basis="cost", year="2017/18").sum()
    assert float(cost) == pytest.approx(-0.1 * 10000 * 4.5 * 250 / 1000 * 0.4)  # variable share at once
    plain_stay = {"kind": "length_of_stay", "pod": "ip", "fraction": 0.1}
    spread = run(build([{"id": "t2a", "name": "Transfer to assess", "effects": [plain_stay]}]))
    assert float(spread.savings.sel(basis="tariff", year="2018/19").sum()) == pytest.approx(
        -0.1 * 10300 * 3000 / 1000
    )
    beds = results.capacity.beds.sel(bed_base="acute", year="2018/19")
    assert float(beds.sel(case="do_something")) < float(beds.sel(case="do_nothing"))


@pytest.mark.unit
def test_a_formula_effect_equals_its_number() -> None:
    written = {"kind": "absolute", "pod": "ip", "activity": 300}
    formula = {"kind": "absolute", "pod": "ip", "formula": "enrolled * admission_rate * 0.25"}
    data = scenario_data([{"id": "a", "name": "Case management", "effects": [formula]}])
    data["parameters"] = {"enrolled": 4000, "admission_rate": 0.3}
    first = run(Scenario.model_validate(data))
    second = run(build([{"id": "a", "name": "Case management", "effects": [written]}]))
    _same(first, second)


@pytest.mark.unit
def test_workforce_pay_follows_agency_conversion() -> None:
    """500 WTE at £35,000, 10% agency at a 100% premium: agency spend £3,500k; converting half saves £875k."""
    results = run(
        build(
            [
                {
                    "id": "bank",
                    "name": "Collaborative bank",
                    "workforce_effects": [{"group": "ward", "agency_to_substantive": 0.5}],
                }
            ]
        )
    )
    pay = results.capacity.pay.sel(workforce_group="ward", year="2017/18")
    assert float(pay.sel(case="do_nothing")) == pytest.approx(500 * 35000 * 1.1 / 1000)
    assert float(pay.sel(case="do_nothing") - pay.sel(case="do_something")) == pytest.approx(875)
    assert float(results.capacity.agency_spend.sel(workforce_group="ward", year="2017/18")) == pytest.approx(
        3500
    )


@pytest.mark.unit
def test_one_schemes_shifts_out_of_a_pod_add() -> None:
    """Rescoping: 75% of day cases to the urgent care centre and 25% to inpatients moves them all."""
    effects = [
        {"kind": "shift", "pod": "dc", "to": "ucc", "fraction": 0.75},
        {"kind": "shift", "pod": "dc", "to": "ip", "fraction": 0.25},
    ]
    results = run(build([{"id": "rescope", "name": "Rescope", "effects": effects}]))
    activity = results.activity.sel(year="2018/19")
    assert float(activity.do_something.sel(pod="dc")) == pytest.approx(0.0, abs=1e-9)
    assert float(activity.do_something.sel(pod="ucc")) == pytest.approx(0.75 * 4000 * 1.02)


@pytest.mark.unit
def test_stays_that_would_fall_below_zero_are_an_error_naming_the_schemes() -> None:
    """Everyone's stays 80% shorter and the over-65s' (60% of spells, counted again) 50%: 110%."""
    schemes = [
        {
            "id": "all_wards",
            "name": "All wards",
            "effects": [{"kind": "length_of_stay", "pod": "ip", "fraction": 0.8}],
        },
        {
            "id": "frail",
            "name": "Frail",
            "cohort": "older",
            "effects": [{"kind": "length_of_stay", "pod": "ip", "fraction": 0.5}],
        },
    ]
    with pytest.raises(ModelError) as raised:
        run(build(schemes))
    (problem,) = raised.value.problems
    assert problem.path == ("schemes", 0, "effects", 0, "fraction")
    assert problem.message == (
        "the length-of-stay effects of 'all_wards', 'frail' take the length of stay of POD 'ip' below zero "
        "(their cohorts' shares of it add to more than 1); lower the fractions"
    )


@pytest.mark.unit
def test_an_effect_formula_that_divides_by_zero_is_an_error_naming_the_effect() -> None:
    data = scenario_data(
        [{"id": "a", "name": "A", "effects": [{"kind": "absolute", "pod": "ip", "formula": "100 / none"}]}]
    )
    data["parameters"] = {"none": 0}
    with pytest.raises(ModelError) as raised:
        run(Scenario.model_validate(data))
    (problem,) = raised.value.problems
    assert problem.path == ("schemes", 0, "effects", 0, "formula")
    assert problem.message == "formula '100 / none' divides by zero"
