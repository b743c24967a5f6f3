"""``carebridge run REGION.yaml`` and ``carebridge validate REGION.yaml``: the consolidated tables and page,
each place's own report in its folder, and a refusal that writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.e2e

REGION = EXAMPLES / "two-places" / "region.yaml"
CAREBRIDGE = str(Path(sys.executable).with_name("carebridge"))


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAREBRIDGE, *args], capture_output=True, text=True, timeout=300)


def test_run_writes_the_consolidated_tables_the_page_and_each_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = carebridge("run", str(REGION), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Payments between places eliminated" in done.stdout
    for name in ("region_bridge", "place_bridges", "organisations", "eliminations", "reconciliation"):
        assert (out / f"{name}.csv").is_file()
    page = (out / "region.html").read_text(encoding="utf-8")
    assert "Vale Hospitals NHS Foundation Trust" in page and "Payments between places, eliminated" in page
    assert (out / "places" / "north" / "report.html").is_file()
    assert (out / "places" / "south" / "report.html").is_file()
    bridge = pd.read_csv(out / "region_bridge.csv")
    last = bridge[(bridge["year"] == "2019/20") & (bridge["line"] == "place.do_something")]
    assert last["value"].item() == pytest.approx(2500.0)
    checks = pd.read_csv(out / "reconciliation.csv")
    assert checks[checks["check"] == "difference"]["value"].abs().max() < 1e-6
    assert not [path for path in out.iterdir() if path.name.startswith(".carebridge-")]


def test_validate_checks_every_place() -> None:
    done = carebridge("validate", str(REGION))
    assert done.returncode == 0, done.stderr
    assert "OK — 2 places" in done.stdout and "1 payments between places" in done.stdout


def test_workers_with_a_scenario_is_refused() -> None:
    scenario = EXAMPLES / "two-places" / "north.yaml"
    done = carebridge("run", str(scenario), "--workers", "2")
    assert done.returncode == 2
    assert "--workers and --scheduler run the places of a region" in done.stderr


def test_simulate_a_region_writes_its_percentiles_and_balance(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    region = EXAMPLES / "greater-manchester-2015" / "region.yaml"
    done = carebridge("simulate", str(region), "-n", "200", "--seed", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "over 200 draws" in done.stdout
    table = pd.read_csv(out / "region_simulation.csv")
    assert set(table["measure"]) >= {"Region, P10", "Region, P90", "P(the region balances)"}
    assert (out / "region_simulation.html").is_file() and (out / "place_simulation.csv").is_file()
