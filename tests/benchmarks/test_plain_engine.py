"""The yardstick of the engine benchmark, ``benchmarks/plain_engine.py``, gives the engine's figures to 1e-6
for everything it covers: do-something activity by year and POD, savings by scheme, year, POD, source, basis
and provider, the scheme summary, the statement and the positions — on the Stockport example, and on
Stockport with fraction effects that overlap (the overlap rule), growth rates and plan lines from the
schemes. Not a benchmark: it times nothing."""

from __future__ import annotations

from typing import Any

import pytest

from carebridge.engine import run
from carebridge.engine.results import Results
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import scenario_data
from tests.benchmarks.figures import load_benchmark_module
from tests.conftest import ROOT

STOCKPORT = ROOT / "examples" / "stockport-2017" / "scenario.yaml"


plain_engine = load_benchmark_module("plain_engine.py", "plain_engine")


def close(engine: float, plain: float) -> bool:
    return abs(engine - plain) <= 1e-6


def differences(results: Results, plain: Any) -> list[str]:
    """Every cell where the engine and the plain arithmetic differ by more than 1e-6 (in the cell's unit:
    activity, £'000)."""
    found: list[str] = []
    years = results.years
    assert plain.years == years

    def check(what: str, engine_values: list[float], plain_values: list[float]) -> None:
        for year, a, b in zip(years, engine_values, plain_values, strict=True):
            if not close(a, b):
                found.append(f"{what} {year}: engine {a!r}, plain {b!r}")

    activity = results.activity
    assert sorted(str(p) for p in activity.pod.values) == sorted(plain.do_something)
    for measure in ("do_nothing", "avoided_growth", "reduction", "do_something"):
        for pod, series in getattr(plain, measure).items():
            check(f"{measure} {pod}", activity[measure].sel(pod=pod).values.tolist(), series)
    savings = results.savings.transpose("scheme", "pod", "source", "basis", "provider", "year")
    cells = {
        (str(k), str(p), str(s), str(b), str(o)): savings.values[i, j, m, q, r].tolist()
        for i, k in enumerate(savings.scheme.values)
        for j, p in enumerate(savings.pod.values)
        for m, s in enumerate(savings.source.values)
        for q, b in enumerate(savings.basis.values)
        for r, o in enumerate(savings.provider.values)
    }
    assert set(plain.savings) <= set(cells)
    zero = [0.0] * len(years)
    for key, series in cells.items():
        check(f"saving {key}", series, plain.savings.get(key, zero))
    summary = results.scheme_summary
    for (scheme, basis), series in plain.benefit.items():
        check(
            f"benefit {scheme} {basis}",
            summary.benefit.sel(scheme=scheme, basis=basis).values.tolist(),
            series,
        )
    for scheme, series in plain.investment.items():
        check(f"investment {scheme}", summary.investment.sel(scheme=scheme).values.tolist(), series)
    statement = results.statement.transpose("basis", "line", "year")
    engine_lines = {(str(b), str(line)) for b in statement.basis.values for line in statement.line.values}
    assert engine_lines == set(plain.statement), sorted(engine_lines ^ set(plain.statement))
    for (basis, line), series in plain.statement.items():
        check(f"statement {basis} {line}", statement.sel(basis=basis, line=line).values.tolist(), series)
    positions = results.positions.transpose("line", "org", "year")
    engine_cells = {(str(line), str(org)) for line in positions.line.values for org in positions.org.values}
    assert engine_cells == set(plain.positions), sorted(engine_cells ^ set(plain.positions))
    for (line, org), series in plain.positions.items():
        check(f"position {line} {org}", positions.sel(line=line, org=org).values.tolist(), series)
    capacity = results.capacity
    engine_capacity = {
        (str(measure), str(case), str(item))
        for measure in capacity.data_vars
        for case in capacity[measure].case.values
        for item in capacity[measure][capacity[measure].dims[-1]].values
    }
    assert engine_capacity == set(plain.capacity), sorted(engine_capacity ^ set(plain.capacity))
    for (measure, case, item), series in plain.capacity.items():
        array = capacity[measure]
        one = array.sel(case=case, **{str(array.dims[-1]): item}).transpose("year")
        check(f"{measure} {case} {item}", one.values.tolist(), series)
    return found


def overlapping_stockport() -> Scenario:
    """Stockport with two schemes whose fractions overlap on the top 15% (avoided growth and reductions on
    both bases, an increase, a length-of-stay effect valued at the price spread over the stay), a POD grown
    by rates, bed days priced, two bed bases, and plan lines computed from the schemes."""
    data = scenario_data(load_scenario(STOCKPORT).scenario)
    data["pods"].append(
        {
            "id": "community",
            "name": "Community",
            "unit": "contact",
            "activity": {
                "base": 50000,
                "growth": {"2017/18": 0.03, "2019/20": 0.02},
                "non_demographic_growth": 0.01,
            },
            "price": {"base": 60.0, "uplift": 0.015},
            "providers": {"sft": 0.5, "pennine": 0.3, "other": 0.2},
            "cost_release": {"variable": 0.5, "semi_fixed": 0.3, "fixed": 0.2, "lags": {"semi_fixed": 2}},
        }
    )
    data["cohorts"][0]["shares"]["community"] = 0.4
    stay = data["schemes"][1]["effects"][2]
    assert stay["kind"] == "length_of_stay"
    stay["bed_day_price"] = {"2018/19": 250.0}  # Stockport prices its bed days at 0
    data["capacity"]["beds"].append(
        {"id": "step_down", "name": "Step-down beds", "length_of_stay": {"nel": 1.5}}
    )
    data["schemes"] += [
        {
            "id": "frailty",
            "name": "Frailty",
            "owner": "sft",
            "cohort": "top15",
            "delivery": 0.9,
            "effects": [
                {"kind": "avoid_growth", "pod": "nel", "fraction": {"2017/18": 0.2, "2019/20": 0.4}},
                {"kind": "reduce", "pod": "ae", "fraction": 0.05},
                {"kind": "reduce", "pod": "community", "basis": "do_nothing", "fraction": {"2018/19": 0.1}},
                {"kind": "direct_saving", "pod": "community", "saving": {"2018/19": 150}},
                {"kind": "length_of_stay", "pod": "nel", "fraction": {"2019/20": 0.05}},
            ],
            "investment": {"recurrent": 400, "non_recurrent": {"2017/18": 250}},
        },
        {
            "id": "falls",
            "name": "Falls",
            "owner": "ccg",
            "cohort": "top15",
            "effects": [
                {"kind": "avoid_growth", "pod": "nel", "fraction": 0.3},
                {"kind": "reduce", "pod": "ae", "fraction": {"2018/19": 0.08}},
                {"kind": "reduce", "pod": "community", "basis": "do_nothing", "fraction": -0.02},
            ],
        },
    ]
    data["positions"]["plan_lines"] += [
        {
            "id": "frailty_net",
            "name": "Frailty and falls, net",
            "org": "sft",
            "from_schemes": {"measure": "net", "basis": "cost", "schemes": ["frailty", "falls"]},
        },
        {"id": "one_off", "name": "One-off", "org": "ccg", "non_recurrent": True, "value": {"2018/19": -500}},
    ]
    return Scenario.model_validate(data)


def test_the_plain_arithmetic_gives_the_engines_figures_on_stockport() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    assert not differences(run(scenario), plain_engine.run(scenario))


def test_the_plain_arithmetic_gives_the_engines_figures_with_overlapping_fractions() -> None:
    scenario = overlapping_stockport()
    results = run(scenario)
    plain = plain_engine.run(scenario)
    assert not differences(results, plain)
    # the overlap rule is at work: the two schemes' avoided growth is less than the sum of their own
    avoided = results.scheme_activity.avoided_growth.sel(pod="nel", year="2019/20")
    assert float(avoided.sel(scheme="frailty")) < 0 and float(avoided.sel(scheme="falls")) < 0
    # and the bed days the length-of-stay effects save have money
    reduction = results.savings.sel(pod="nel", source="reduction", basis="tariff", year="2020/21")
    for scheme in ("frailty", "intermediate_care"):
        assert float(reduction.sel(scheme=scheme).sum()) < 0


def test_the_comparison_finds_a_difference() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    plain = plain_engine.run(scenario)
    plain.savings[("neighbourhood", "nel", "reduction", "cost", "sft")][4] += 0.01
    plain.positions[("do_something", "system")][2] -= 1e-3
    found = differences(run(scenario), plain)
    assert len(found) == 2 and "saving" in found[0] and "position do_something system" in found[1]


def test_a_feature_the_plain_arithmetic_leaves_out_is_named() -> None:
    data = scenario_data(load_scenario(STOCKPORT).scenario)
    data["schemes"][0]["effects"].append({"kind": "shift", "pod": "el", "to": "op", "fraction": 0.05})
    with pytest.raises(NotImplementedError, match="shift"):
        plain_engine.run(Scenario.model_validate(data))
