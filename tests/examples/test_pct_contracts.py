"""Stockport PCT 2007/08 contracts (README "Contracts: who banks a saving"): every flow recomputed by hand.

The numbers below are worked out from the seed's inputs (Figure 11: 1,290 emergency spells for £1,900k;
Figure 20: the Stockport FT / South Manchester FT split; section 2.4's rates) and the README's assumptions,
with the formulas of model spec section 13, not read back from the engine.
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

PCT_DIR = EXAMPLES / "stockport-pct-2007"
SCENARIO = PCT_DIR / "contracts.yaml"
README = PCT_DIR / "README.md"
SECTION = "## Contracts: who banks a saving"

SPELLS = 1290.0
PRICE = {"2007/08": 1472.87, "2008/09": 1509.69}
PLAN = 30000.0
SFT, UHSM = 0.874, 0.126
TOLERANCE = 0.02
EMERGENCY_VARIABLE, EMERGENCY_SEMI = 0.17, 0.57
BED_DAYS_FALL, BED_DAY_PRICE = 150.0, 1000.0
CC_VARIABLE, CC_SEMI = 0.3, 0.4


def emergency_sft_payment(year: str) -> float:
    """Local terms: 50% inside the 2% band, 100% beyond it (a fall, so negative)."""
    fall, band = SPELLS * SFT, TOLERANCE * PLAN * SFT
    return -(band * 0.5 + (fall - band) * 1.0) * PRICE[year] / 1000


def emergency_cost(share: float, year: str) -> float:
    """Variable cost released in the year; semi-fixed one year later, at the price of the year it arose."""
    fall = SPELLS * share
    if year == "2007/08":
        return -EMERGENCY_VARIABLE * fall * PRICE["2007/08"] / 1000
    return -(EMERGENCY_VARIABLE * PRICE["2008/09"] + EMERGENCY_SEMI * PRICE["2007/08"]) * fall / 1000


def cc_cost(year: str) -> float:
    share = CC_VARIABLE if year == "2007/08" else CC_VARIABLE + CC_SEMI
    return -share * BED_DAYS_FALL * BED_DAY_PRICE / 1000


def expected_flows(year: str) -> dict[tuple[str, str, str, str], float]:
    """(org, counterparty, pod, flow) -> £'000, deficit positive."""
    sft_pay = emergency_sft_payment(year)
    uhsm_pay = -0.5 * SPELLS * UHSM * PRICE[year] / 1000
    cc_regional = -0.5 * BED_DAYS_FALL * BED_DAY_PRICE / 1000
    cc_national = -0.2 * BED_DAYS_FALL * BED_DAY_PRICE / 1000
    flows = {
        ("pct", "sft", "emergency", "payment"): sft_pay,
        ("pct", "uhsm", "emergency", "payment"): uhsm_pay,
        ("pct", "sft", "critical_care", "payment"): cc_regional,
        ("pct", "uhsm", "critical_care", "payment"): cc_national,
        ("sft", "pct", "emergency", "income"): -sft_pay,
        ("uhsm", "pct", "emergency", "income"): -uhsm_pay,
        ("sft", "pct", "critical_care", "income"): -cc_regional,
        ("uhsm", "pct", "critical_care", "income"): -cc_national,
        ("sft", "pct", "emergency", "cost"): emergency_cost(SFT, year),
        ("uhsm", "pct", "emergency", "cost"): emergency_cost(UHSM, year),
        ("sft", "pct", "critical_care", "cost"): cc_cost(year),
        ("uhsm", "pct", "critical_care", "cost"): cc_cost(year),
    }
    for org in ("sft", "uhsm"):
        for pod in ("emergency", "critical_care"):
            flows[(org, "pct", pod, "stranded_cost")] = (
                flows[(org, "pct", pod, "income")] + flows[(org, "pct", pod, "cost")]
            )
    return flows


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pct-contracts")
    done = subprocess.run(
        [sys.executable, "-m", "carebridge", "run", str(SCENARIO), "--out", str(folder), "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return folder


def read_flows(out: Path) -> dict[tuple[str, str, str, str, str], float]:
    with (out / "flows.csv").open(newline="") as handle:
        return {
            (row["year"], row["org"], row["counterparty"], row["pod"], row["flow"]): float(row["value"])
            for row in csv.DictReader(handle)
        }


def read_positions(out: Path) -> dict[tuple[str, str, str], float]:
    with (out / "positions.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    return {(line, holder, year): float(value) for line, holder, year, value in rows[1:]}


@pytest.mark.parametrize("year", ["2007/08", "2008/09"])
def test_every_flow_matches_the_hand_computation(out: Path, year: str) -> None:
    got = {key[1:]: value for key, value in read_flows(out).items() if key[0] == year and value != 0}
    want = expected_flows(year)
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=0.01), key


def test_the_readme_figures(out: Path) -> None:
    flows = read_flows(out)
    assert flows[("2007/08", "pct", "sft", "emergency", "payment")] == pytest.approx(-1274.4, abs=0.05)
    assert flows[("2007/08", "sft", "pct", "emergency", "stranded_cost")] == pytest.approx(992.1, abs=0.05)
    assert flows[("2008/09", "uhsm", "pct", "emergency", "stranded_cost")] == pytest.approx(-55.5, abs=0.05)


def test_local_terms_bank_more_than_the_national_threshold() -> None:
    national = -0.5 * SPELLS * SFT * PRICE["2007/08"] / 1000
    assert emergency_sft_payment("2007/08") < national  # the PCT pays less under its local deal


def test_the_national_critical_care_framework_gives_the_provider_a_windfall(out: Path) -> None:
    flows = read_flows(out)
    for year in ("2007/08", "2008/09"):
        national = flows[(year, "uhsm", "pct", "critical_care", "stranded_cost")]
        regional = flows[(year, "sft", "pct", "critical_care", "stranded_cost")]
        assert national < 0, "the provider gains when activity falls under 20/100"
        assert national == pytest.approx(regional - 0.3 * BED_DAYS_FALL, abs=0.01)
    assert flows[("2007/08", "sft", "pct", "critical_care", "stranded_cost")] > 0  # 50/50: not in year 1


def test_positions_from_the_schemes_and_the_system(out: Path) -> None:
    positions = read_positions(out)
    for year in ("2007/08", "2008/09"):
        flows = expected_flows(year)
        for org in ("pct", "sft", "uhsm"):
            want = sum(v for (o, _, _, flow), v in flows.items() if o == org and flow != "stranded_cost")
            assert positions[("schemes.position", org, year)] == pytest.approx(want, abs=0.01)
        cost = sum(v for (_, _, _, flow), v in flows.items() if flow == "cost")
        assert positions[("schemes.position", "system", year)] == pytest.approx(cost, abs=0.01)
    assert positions[("schemes.position", "pct", "2007/08")] == pytest.approx(-1499.1, abs=0.05)
    assert positions[("schemes.position", "system", "2007/08")] == pytest.approx(-413.0, abs=0.05)


def test_every_check_of_section_13_holds(out: Path) -> None:
    with (out / "flow_checks.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    assert all(abs(float(row["difference"])) < 1e-6 for row in rows)


def readme_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    following = section.find("\n## ", len(SECTION))
    section = section if following < 0 else section[:following]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_every_readme_command_runs(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 2
    root = EXAMPLES.parent
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "carebridge"
        words = [str(tmp_path / "out") if word.startswith("out/") else word for word in words[1:]]
        done = subprocess.run(
            [sys.executable, "-m", "carebridge", *words],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{command}: {done.stderr}"
