"""``carebridge simulate`` and ``carebridge sensitivity`` end to end, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import STOCKPORT
from tests.uncertainty.conftest import UNCERTAIN

pytestmark = pytest.mark.e2e


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "uncertain.yaml"
    path.write_text(UNCERTAIN, encoding="utf-8")
    return path


def test_simulate_writes_the_report_and_prints_the_headlines(scenario_file: Path, tmp_path: Path) -> None:
    done = carebridge("simulate", str(scenario_file), "-n", "800", "--seed", "3", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Probability of balance" in done.stdout
    assert "Net saving" in done.stdout and "P(net saving)" in done.stdout
    assert "a saving, a surplus or funding negative, in brackets" in done.stdout  # the signs, said once
    assert "positive a saving" not in done.stdout
    names = {path.name for path in tmp_path.iterdir()}
    assert {"simulation.html", "simulation.json", "balance.csv", "net_saving.csv", "inputs.csv"} <= names
    assert {f"summary_{t}.csv" for t in ("statement", "positions", "activity", "savings")} <= names
    page = (tmp_path / "simulation.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in page and "chart-histogram" in page and "chart-fan-position" in page
    assert "<script src" not in page  # self-contained
    record = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert (record["draws"], record["seed"]) == (800, 3)
    balance = pd.read_csv(tmp_path / "balance.csv")
    assert list(balance.columns) == ["org", "year", "probability_in_balance"]
    assert balance["probability_in_balance"].between(0, 1).all()
    statement = pd.read_csv(tmp_path / "summary_statement.csv")
    assert list(statement.columns) == ["basis", "line", "year", "mean", "p10", "p50", "p90"]


def test_the_same_seed_writes_the_same_numbers(scenario_file: Path, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        done = carebridge("simulate", str(scenario_file), "-n", "300", "--out", str(tmp_path / folder), "-q")
        assert done.returncode == 0, done.stderr
    first = (tmp_path / "a" / "summary_positions.csv").read_text(encoding="utf-8")
    assert first == (tmp_path / "b" / "summary_positions.csv").read_text(encoding="utf-8")


def test_sensitivity_writes_the_tornado(scenario_file: Path, tmp_path: Path) -> None:
    done = carebridge("sensitivity", str(scenario_file), "--basis", "cost", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "One-way sensitivity" in done.stdout
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert list(table["rank"]) == list(range(1, len(table) + 1))
    assert table["swing"].is_monotonic_decreasing
    labels = dict(zip(table["input"], table["label"], strict=True))  # the path kept, the words beside it
    assert labels["schemes.s1.delivery"] == "Scheme one: delivery"
    assert labels["schemes.s2.effects.1.saving.2018/19"] == "Scheme two: Prescribing saving, 2018/19"
    page = (tmp_path / "sensitivity.html").read_text(encoding="utf-8")
    assert "chart-tornado" in page and "Scheme one: delivery" in page
    assert "schemes.s1.delivery" not in page and "schemes.s1.delivery" not in done.stdout
    assert "Tornado: net saving (cost basis) in 2021/22" in page and "a saving negative" in page


def test_sensitivity_of_a_position_names_the_organisation(scenario_file: Path, tmp_path: Path) -> None:
    done = carebridge(
        "sensitivity",
        str(scenario_file),
        "--output",
        "position",
        "--org",
        "acute",
        "--year",
        "2018/19",
        "--no-switching",
        "--out",
        str(tmp_path),
        "-q",
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "sensitivity.html").read_text(encoding="utf-8")
    assert "do-something position of Acute FT in 2018/19" in page and "a deficit positive" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "--draws must be at least 1; found 0"),
        (["--percentiles", "10,x"], "--percentiles: '10,x' is not a list of numbers; expected e.g. 10,50,90"),
        (["--workers", "2", "--scheduler", "tcp://localhost:1"], "give --workers (a local cluster) or"),
    ],
)
def test_simulate_refuses_bad_options(scenario_file: Path, args: list[str], message: str) -> None:
    done = carebridge("simulate", str(scenario_file), *args)
    assert done.returncode == 2
    assert message in done.stderr


def test_simulate_needs_an_uncertain_input() -> None:
    done = carebridge("simulate", str(STOCKPORT), "-n", "10")
    assert done.returncode == 2
    assert "no input is uncertain; write a distribution in place of a number" in done.stderr


def test_a_bad_distribution_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(UNCERTAIN.replace("dist: lognormal, mean: 100", "dist: lognormal, mean: -100"), "utf-8")
    done = carebridge("simulate", str(path), "-n", "10")
    assert done.returncode == 2
    line = next(n for n, text in enumerate(UNCERTAIN.splitlines(), 1) if "lognormal, mean: 100" in text)
    where = f"bad.yaml:{line} schemes[0].investment.recurrent.2017/18.mean"
    assert f"{where}: a lognormal mean must be positive (its values are); found -100" in done.stderr


def test_sensitivity_refuses_an_unknown_organisation(scenario_file: Path) -> None:
    done = carebridge("sensitivity", str(scenario_file), "--output", "position", "--org", "acut")
    assert done.returncode == 2
    assert (
        "--org: 'acut' is not an organisation or a sector (nhs, social_care); did you mean 'acute'?"
        in done.stderr
    )


def test_sensitivity_of_the_stps_nhs_position_finds_the_cip_switching_value(tmp_path: Path) -> None:
    """The STP's bridge is the NHS's: its position in 2020/21 (a surplus of 1,419) balances while CIPs stay
    above 1.98% of provider expenditure (the example's README says so)."""
    stp = STOCKPORT.parents[1] / "staffordshire-stp-2016" / "scenario.yaml"
    done = carebridge("sensitivity", str(stp), "--spread", "0.2", "--org", "nhs", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "do-something position of the NHS in 2020/21" in done.stdout and "central (1,419)" in done.stdout
    cip = next(line for line in done.stdout.splitlines() if "cip rate" in line)
    assert "0.01978" in cip
    rightcare = next(line for line in done.stdout.splitlines() if "rightcare" in line)
    assert "52,110" in rightcare


def test_help_has_an_example() -> None:
    for command in ("simulate", "sensitivity"):
        done = carebridge(command, "--help")
        assert done.returncode == 0
        assert "Example:" in done.stdout


def test_spread_makes_every_effect_and_price_uncertain(tmp_path: Path) -> None:
    done = carebridge(
        "simulate", str(STOCKPORT), "-n", "200", "--spread", "0.2", "--out", str(tmp_path), "-q"
    )
    assert done.returncode == 0, done.stderr
    inputs = pd.read_csv(tmp_path / "inputs.csv")
    assert set(inputs["distribution"]) == {"triangular"}
    assert inputs["input"].str.startswith(("schemes.", "pods.", "parameters.t2a_")).all()
    assert "pods.ae.price.2017/18" in set(inputs["input"])
    assert "A&E unit price, 2017/18" in set(inputs["label"])
    assert "Neighbourhood: Non Elective deflection, 2020/21" in set(inputs["label"])
    done = carebridge("simulate", str(STOCKPORT), "--spread", "1.5")
    assert done.returncode == 2
    assert "--spread must be a fraction from 0 to 1, like 0.2 for ±20%; found 1.5" in done.stderr
