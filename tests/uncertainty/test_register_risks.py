"""The risk register's pounds in a Monte Carlo run (``carebridge simulate --risks``): the arithmetic of
:mod:`carebridge.engine.simulate.risks`, the use case on a real simulation, and the command end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carebridge.delivery.risks import FinancialImpact, Risk, RiskRegister, RiskScore
from carebridge.engine.finance import SYSTEM
from carebridge.engine.simulate.monte_carlo import Simulation, simulate
from carebridge.engine.simulate.risks import RiskImpact, draw_impacts, triangular
from carebridge.scenario.errors import RiskRegisterError
from carebridge.scenario.loader import load_scenario
from carebridge.usecases.uncertainty import add_register_risks, register_risk_problems
from tests.uncertainty.conftest import UNCERTAIN

YEARS = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22"]


def register(*impacts: tuple[str, list[str], float, float, float]) -> RiskRegister:
    risks = [
        Risk(
            id=f"R{index}",
            title=f"Risk {index}",
            description="d",
            owner="Board",
            before=RiskScore(likelihood=3, impact=3),
            financial=FinancialImpact(org=org, years=years, best=best, likely=likely, worst=worst),
        )
        for index, (org, years, best, likely, worst) in enumerate(impacts, start=1)
    ]
    return RiskRegister(name="r", risks=risks)


@pytest.fixture(scope="module")
def simulation(tmp_path_factory: pytest.TempPathFactory) -> Simulation:
    path = tmp_path_factory.mktemp("scenario") / "uncertain.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return simulate(load_scenario(path).scenario, draws=200, seed=4)


def test_zero_impact_risks_change_nothing(simulation: Simulation) -> None:
    risked = add_register_risks(
        simulation, register(("ccg", YEARS, 0, 0, 0), ("acute", ["2018/19"], 0, 0, 0))
    )
    before = simulation.tables["positions"].astype("float64")
    np.testing.assert_array_equal(risked.positions.values, before.values)
    np.testing.assert_array_equal(risked.with_risks.values, risked.without.values)


def test_a_certain_risk_shifts_every_draw_by_exactly_its_value(simulation: Simulation) -> None:
    risked = add_register_risks(simulation, register(("acute", ["2018/19", "2020/21"], 750, 750, 750)))
    before = simulation.tables["positions"].astype("float64")
    shift = risked.positions - before
    for org in (str(o) for o in before.org.values):
        for year in YEARS:
            expected = 750.0 if org in ("acute", SYSTEM) and year in ("2018/19", "2020/21") else 0.0
            cells = shift.sel(line="do_something", org=org, year=year).values
            assert (cells == expected).all(), (org, year)
            assert (shift.sel(line="do_nothing", org=org, year=year).values == 0).all()
    difference = risked.with_risks - risked.without
    assert np.allclose(difference.sel(year="2018/19").values, 750.0)
    assert np.allclose(difference.sel(year="2019/20").values, 0.0)


def test_a_range_is_drawn_triangular_within_its_ends(simulation: Simulation) -> None:
    risked = add_register_risks(simulation, register(("ccg", ["2019/20"], 100, 400, 1000)))
    drawn = risked.samples[:, 0]
    assert drawn.min() >= 100 and drawn.max() <= 1000 and drawn.std() > 0
    many = draw_impacts([RiskImpact("R", "r", "ccg", ("2019/20",), 100, 400, 1000)], 200_000, 1)[:, 0]
    assert many.mean() == pytest.approx(500, rel=0.01)  # (best + likely + worst) / 3
    assert np.median(triangular(np.array([0.0, 0.5, 1.0]), 0, 0.5, 1)) == pytest.approx(0.5)


def test_the_same_seed_draws_the_same_risks(simulation: Simulation) -> None:
    one = add_register_risks(simulation, register(("ccg", ["2019/20"], 0, 10, 50)))
    two = add_register_risks(simulation, register(("ccg", ["2019/20"], 0, 10, 50)))
    np.testing.assert_array_equal(one.samples, two.samples)


def test_an_unknown_organisation_or_year_is_refused_with_its_path(simulation: Simulation) -> None:
    bad = register(("acute", ["2018/19"], 1, 2, 3), ("acutee", ["2030/31"], 5, 2, 3))
    with pytest.raises(RiskRegisterError) as raised:
        add_register_risks(simulation, bad)
    shown = [str(problem) for problem in raised.value.problems]
    assert shown == [
        "risks[1].financial.org: the scenario has no organisation 'acutee'; did you mean 'acute'?",
        "risks[1].financial.years[0]: the scenario has no year '2030/31'; expected one of "
        + ", ".join(YEARS),
        "risks[1].financial.likely: best 5, likely 2, worst 3: expected best ≤ likely ≤ worst (a cost "
        "positive, so the worst case is the largest)",
    ]
    assert register_risk_problems(simulation.scenario, bad) == list(raised.value.problems)


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


RISKS = """\
name: Risks in pounds
risks:
  - id: R1
    title: Demand not curbed
    description: Demand for acute care not curbed
    owner: Board
    before: {likelihood: 4, impact: 5}
    financial: {org: acute, years: [2018/19], best: 500, likely: 500, worst: 500}
"""


@pytest.mark.e2e
def test_simulate_with_risks_writes_the_position_with_and_without(tmp_path: Path) -> None:
    scenario = tmp_path / "uncertain.yaml"
    scenario.write_text(UNCERTAIN, encoding="utf-8")
    risks = tmp_path / "risks.yaml"
    risks.write_text(RISKS, encoding="utf-8")
    done = carebridge(
        "simulate", str(scenario), "-n", "200", "--risks", str(risks), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 0, done.stderr
    assert "with and without the risk register" in done.stdout
    table = pd.read_csv(tmp_path / "o" / "risks.csv")
    assert list(table.columns) == ["year", "stat", "without_risks", "with_risks"]
    shifted = table[table["year"] == "2018/19"]
    assert ((shifted["with_risks"] - shifted["without_risks"]).round(3) == 500).all()
    other = table[table["year"] != "2018/19"]
    assert (other["with_risks"] == other["without_risks"]).all()

    risks.write_text(
        RISKS.replace("org: acute", "org: acut").replace("[2018/19]", "[2031/32]"), encoding="utf-8"
    )
    done = carebridge(
        "simulate", str(scenario), "-n", "50", "--risks", str(risks), "--out", str(tmp_path / "p")
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{risks}:8 risks[0].financial.org: the scenario has no organisation 'acut'" in done.stderr
    assert "risks[0].financial.years[0]: the scenario has no year '2031/32'" in done.stderr
    assert not (tmp_path / "p").exists()
