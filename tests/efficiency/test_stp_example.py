"""The Staffordshire STP's efficiency example: its CIP lines are the bridge's, its returns (written by the
example's script) come on the due dates the README gives, and the FEWS efficiency set goes amber then red."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from carebridge.delivery.efficiency import load_programme
from carebridge.delivery.months import Month
from carebridge.delivery.workdays import due_date
from carebridge.engine import run
from carebridge.scenario.loader import load_scenario
from carebridge.store import Store
from carebridge.usecases.efficiency import import_files, load, status
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "staffordshire-stp-2016" / "efficiency"
IMPORT = re.compile(r"returns import \S+/(2017-18-M(\d\d)(-\w+)?\.xlsx)( --org \w+)? --submitted (\S+)")


def test_each_provider_s_cip_line_is_the_bridge_s() -> None:
    programme, _ = load_programme(FOLDER / "programme.yaml")
    results = run(load_scenario(FOLDER.parent / "scenario.yaml").scenario)
    cip = results.positions.sel(line="cip", year="2017/18")
    for line in programme.lines:
        assert line.annual == pytest.approx(-float(cip.sel(org=line.organisation)), abs=0.05)
    assert sum(line.annual for line in programme.lines) == pytest.approx(31397, abs=0.05)


def test_the_year_of_returns_goes_amber_then_red_with_one_late_return(tmp_path: Path) -> None:
    folder = tmp_path / "efficiency"
    folder.mkdir()
    for name in ("programme.yaml", "make_returns.py"):
        (folder / name).write_text((FOLDER / name).read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([sys.executable, str(folder / "make_returns.py")], check=True, capture_output=True)
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    imports = IMPORT.findall(readme)
    assert len(imports) == 13
    statuses: dict[int, str] = {}
    with Store.open(str(tmp_path / "e.db"), actor="tester") as store:
        load(store, folder / "programme.yaml")
        for file, month, late, _, submitted in imports:
            day = dt.date.fromisoformat(submitted)
            assert (day == due_date(Month(2017, int(month)))) == (not late), file
            import_files(store, None, [folder / "returns" / file], day)
            statuses[int(month)] = status(store, None, f"2017/18-M{month}").status
        final = status(store, None)
    assert [statuses[m] for m in (1, 2, 3, 4, 5)] == ["green", "green", "green", "amber", "red"]
    late = [(f.organisation, f.month.number, f.days_late) for f in final.returns if f.late]
    assert late == [("bhft", 6, 3)]
    uhnm = final.organisations[0]
    assert uhnm.item == "uhnm" and round(uhnm.delivered_ytd) == 10197 and round(uhnm.planned_ytd) == 14795
    assert round(final.system.unidentified, 1) == 364.3
    assert final.status_of("system") == "red"
