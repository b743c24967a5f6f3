"""What a new user meets first: a file of the wrong kind is named for what it is; ``--spread`` reaches a plan
typed as plan lines (the STP's), whose sensitivity is ranked by its position, not by a net benefit of 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.cli.kinds import CANDIDATES, SCENARIO, kind_of, wrong_kind
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.uncertain import with_spread
from tests.cli.test_cli import carebridge
from tests.conftest import EXAMPLES, STOCKPORT

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
CANDIDATES_FILE = EXAMPLES / "stockport-pct-2007" / "candidates.yaml"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (STOCKPORT, "a scenario"),
        (CANDIDATES_FILE, "a candidates file"),
        (EXAMPLES / "delivery" / "targets.yaml", "a target register"),
        (EXAMPLES / "delivery" / "risks.yaml", "a risk register"),
        (EXAMPLES / "stockport-2017" / "appraisal-optimism-bias.yaml", "appraisal parameters"),
        (EXAMPLES / "delivery" / "pools" / "pool-2015-16.yaml", "a pooled budget"),
    ],
)
def test_each_example_file_is_told_apart(path: Path, expected: str) -> None:
    found = kind_of(path)
    assert found is not None and found.name.startswith(expected)


def test_a_file_of_no_known_kind_gets_no_guess(tmp_path: Path) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text("colour: blue\n", encoding="utf-8")
    assert kind_of(odd) is None and wrong_kind(odd, SCENARIO) is None
    assert kind_of(tmp_path / "missing.yaml") is None


@pytest.mark.e2e
def test_appraise_given_candidates_says_what_the_file_is() -> None:
    done = carebridge("appraise", str(CANDIDATES_FILE), "--out", "out/never")
    assert done.returncode == 2
    assert done.stderr.strip() == wrong_kind(CANDIDATES_FILE, SCENARIO)
    assert "this is a candidates file" in done.stderr and "read by carebridge prioritise" in done.stderr
    assert "Expected a scenario" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.e2e
def test_prioritise_given_a_scenario_says_what_the_file_is(tmp_path: Path) -> None:
    done = carebridge("prioritise", str(STOCKPORT), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip() == wrong_kind(STOCKPORT, CANDIDATES)
    assert "this is a scenario" in done.stderr and "Expected a candidates file" in done.stderr


def test_spread_reaches_the_drivers_of_plan_line_formulas() -> None:
    scenario = load_scenario(STP).scenario
    assert not scenario.uncertainty.inputs  # the seed gives point figures
    spread = with_spread(scenario, 0.2).uncertainty.inputs
    assert "parameters.cip_rate.value" in spread
    assert "parameters.community_bed_cost.value.2020/21" in spread
    cip = spread["parameters.cip_rate.value"]
    assert (cip.low, cip.mode, cip.high) == pytest.approx((0.016, 0.02, 0.024))  # type: ignore[union-attr]
    # used only by a variant's formula, not by a plan line of the plan itself
    assert not any(name.startswith("parameters.chc_") for name in spread)
    assert "parameters.years_from_base.value.2020/21" not in spread


def test_spread_reaches_effects_prices_and_only_the_parameters_of_effect_formulas() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    names = with_spread(scenario, 0.2).uncertainty.inputs
    parameters = {name.split(".")[1] for name in names if name.startswith("parameters.")}
    assert names and all(name.startswith(("schemes.", "pods.", "parameters.")) for name in names)
    assert parameters == {"t2a_eligible_share", "t2a_stay_reduction", "t2a_rollout"}  # Transfer to Assess


@pytest.mark.e2e
@pytest.mark.slow
def test_the_stp_simulates_and_its_sensitivity_ranks_its_drivers_by_position(tmp_path: Path) -> None:
    simulated = carebridge(
        "simulate", str(STP), "-n", "200", "--spread", "0.2", "--out", str(tmp_path / "mc"), "-q"
    )
    assert simulated.returncode == 0, simulated.stderr
    assert (tmp_path / "mc" / "summary_savings.csv").read_text(encoding="utf-8").startswith("scheme,")
    swung = carebridge(
        "sensitivity", str(STP), "--spread", "0.2", "--no-switching", "--out", str(tmp_path / "s"), "-q"
    )
    assert swung.returncode == 0, swung.stderr
    rows = (tmp_path / "s" / "sensitivity.csv").read_text(encoding="utf-8").splitlines()
    assert "parameters.cip_rate.value" in rows[1]  # the CIP rate moves the position most
