"""``carebridge compare`` with region files: two versions of a region, a region's variants applied to every
place, and the refusals (a region with a scenario, a change no place has), each exit 2 with no traceback;
``carebridge simulate REGION.yaml --spread``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import EXAMPLES

pytestmark = pytest.mark.e2e

TWO_PLACES = EXAMPLES / "two-places"
REGION = TWO_PLACES / "region.yaml"
JUNE = TWO_PLACES / "region-june.yaml"
CAREBRIDGE = str(Path(sys.executable).with_name("carebridge"))


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAREBRIDGE, *args], capture_output=True, text=True, timeout=300)


def refused(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


def test_two_versions_of_a_region_in_the_terminal_csv_and_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = carebridge("compare", str(REGION), str(JUNE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Do-something positions in 2019/20" in done.stdout
    assert "region → region-june" in done.stdout
    table = pd.read_csv(out / "compare.csv")
    last = table[(table["year"] == "2019/20") & (table["line"] == "do_something")].set_index("holder")
    assert last.loc["region", "difference"] == pytest.approx(-300.0)
    assert last.loc["north.ccg", "difference"] == pytest.approx(-230.0)
    assert last.loc["north.ccg", "holder_name"] == "Northvale CCG (Northvale place)"
    assert set(table["kind"]) == {"organisation", "sector", "place", "region"}
    bridge = table[(table["part"] == "bridge") & (table["year"] == "2019/20")].set_index("line")
    assert bridge.loc["region.fund", "difference"] == pytest.approx(-300.0)
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "Vale Hospitals NHS Foundation Trust" in page and "The region&#x27;s bridge" in page
    assert "Vale region, June revision" in page
    assert (out / "compare.xlsx").is_file()


def test_a_region_s_variants_applied_to_every_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = carebridge("compare", str(REGION), "--variant", "frailty_half", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "frailty_half in north: scale schemes.frailty.effects.0.fraction" in done.stdout
    assert "in south" not in done.stdout
    table = pd.read_csv(out / "compare.csv")
    assert set(table["comparison"]) == {"Northvale frailty service delivers half"}
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "Effect of Northvale frailty service delivers half on the region" in page


def test_a_region_and_a_scenario_are_refused_saying_what_each_file_is() -> None:
    for files in ((REGION, TWO_PLACES / "north.yaml"), (TWO_PLACES / "north.yaml", REGION)):
        message = refused(carebridge("compare", *map(str, files)))
        assert f"{REGION}: this is a region (places consolidated)" in message
        assert f"{TWO_PLACES / 'north.yaml'}: this is a scenario" in message


def test_a_change_no_place_has_is_located_in_the_region_file(tmp_path: Path) -> None:
    for name in ("north.yaml", "south.yaml"):
        shutil.copy(TWO_PLACES / name, tmp_path / name)
    text = REGION.read_text(encoding="utf-8")
    text += "  - id: wards\n    name: Virtual wards\n    changes:\n"
    text += "      - {path: schemes.wards.delivery, set: 1}\n"
    (tmp_path / "region.yaml").write_text(text, encoding="utf-8")
    line = len(text.splitlines())
    message = refused(carebridge("compare", str(tmp_path / "region.yaml"), "--out", str(tmp_path / "out")))
    assert f"region.yaml:{line} variants[2].changes[0].path: no place has 'schemes.wards.delivery'" in message
    assert not (tmp_path / "out" / "compare.csv").exists()


def test_unknown_and_missing_variants_and_workers_for_a_scenario_are_refused() -> None:
    assert "--variant: nope not in the region" in refused(carebridge("compare", str(REGION), "-v", "nope"))
    assert "the region has no variants" in refused(carebridge("compare", str(JUNE)))
    scenario = refused(carebridge("compare", str(TWO_PLACES / "north.yaml"), "--workers", "2"))
    assert "--workers and --scheduler run the places of a region" in scenario


def test_simulate_a_region_with_a_spread(tmp_path: Path) -> None:
    out = tmp_path / "sim"
    done = carebridge(
        "simulate", str(REGION), "-n", "200", "--seed", "2", "--spread", "0.2", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out / "region_simulation.csv").set_index(["measure", "year"])["value"]
    assert table["Region, P90", "2019/20"] > table["Region, P10", "2019/20"] + 100
    assert "Spread" in (out / "region_simulation.html").read_text(encoding="utf-8")
    message = refused(carebridge("simulate", str(REGION), "-n", "10", "--spread", "2"))
    assert "--spread must be a fraction from 0 to 1" in message
