"""The risk register's pounds from the store in a Monte Carlo run (``carebridge simulate
--risks-from-store``): the same draws as the register's file, the position with and without
the risks in simulation.html, each risk's contribution; a stored risk the scenario cannot hold named by its
code, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.uncertainty.conftest import UNCERTAIN

RISKS = """\
name: Risks in pounds
risks:
  - id: R1
    title: Demand not curbed
    description: Demand for acute care not curbed
    owner: Board
    before: {likelihood: 4, impact: 5}
    financial: {org: acute, years: [2018/19, 2019/20], best: 100, likely: 400, worst: 1000}
  - id: R2
    title: Care home fees rise
    description: Fees rise faster than planned
    owner: Board
    before: {likelihood: 3, impact: 3}
    financial: {org: ccg, years: [2020/21], best: 250, likely: 250, worst: 250}
"""
NO_POUNDS = """\
name: Risks without pounds
risks:
  - id: R1
    title: Demand not curbed
    description: Demand for acute care not curbed
    owner: Board
    before: {likelihood: 4, impact: 5}
"""


def carebridge(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.mark.e2e
def test_simulate_takes_the_plans_risks_from_the_store(tmp_path: Path) -> None:
    (tmp_path / "uncertain.yaml").write_text(UNCERTAIN, encoding="utf-8")
    (tmp_path / "risks.yaml").write_text(RISKS, encoding="utf-8")
    (tmp_path / "plain.yaml").write_text(NO_POUNDS, encoding="utf-8")
    db = ["--db", str(tmp_path / "store.db")]
    done = carebridge("plan", "approve", "uncertain.yaml", "--name", "Place", *db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    done = carebridge(
        "simulate", "uncertain.yaml", "-n", "200", "--risks-from-store", "Place", *db, cwd=tmp_path
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--risks-from-store: no risk of plan 'Place' or of no plan in the store has pounds" in done.stderr
    assert "carebridge risks load FILE.yaml --plan 'Place'" in done.stderr

    assert carebridge("risks", "load", "risks.yaml", "--plan", "Place", *db, cwd=tmp_path).returncode == 0
    run = ["simulate", "uncertain.yaml", "-n", "200", "--seed", "3"]
    done = carebridge(*run, "--risks-from-store", "Place", *db, "--out", "stored", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "with and without the risk register" in done.stdout
    done = carebridge(*run, "--risks", "risks.yaml", "--out", "file", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stored = pd.read_csv(tmp_path / "stored" / "risks.csv")
    pd.testing.assert_frame_equal(stored, pd.read_csv(tmp_path / "file" / "risks.csv"))
    certain = stored[stored["year"] == "2020/21"]
    assert ((certain["with_risks"] - certain["without_risks"]).round(6) == 250).all()

    contributions = pd.read_csv(tmp_path / "stored" / "risk_contributions.csv")
    assert list(contributions["risk"]) == ["R1", "R2"]
    assert list(contributions["organisation"]) == ["Acute FT", "CCG"]  # names, never ids
    r1, r2 = contributions.to_dict("records")
    assert 100 <= r1["mean_a_year"] <= 1000 and r1["mean_a_year"] == pytest.approx(500, rel=0.1)
    assert r1["mean_over_years"] == pytest.approx(2 * r1["mean_a_year"])
    assert r2["mean_over_years"] == 250
    assert r1["share_of_total"] + r2["share_of_total"] == pytest.approx(1)

    page = (tmp_path / "stored" / "simulation.html").read_text(encoding="utf-8")
    assert 'id="chart-fan-risks"' in page and 'id="chart-histogram-risks"' in page
    assert 'id="table-risk-contributions"' in page and 'id="table-risk-position"' in page
    assert "R1: Demand not curbed" in page and "the store&#x27;s risk register of plan Place" in page
    record = json.loads((tmp_path / "stored" / "simulation.json").read_text(encoding="utf-8"))
    assert record["risks"]["risks"] == ["R1", "R2"]
    assert "risk_contributions.csv" in record["files"]

    bad = RISKS.replace("org: acute", "org: acutee").replace("R1", "R9")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    done = carebridge("risks", "load", "bad.yaml", "--plan", "Place", *db, cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "bad.yaml:8 risks[0].financial.org: the scenario has no organisation 'acutee'" in done.stderr
    assert carebridge("risks", "load", "bad.yaml", *db, cwd=tmp_path).returncode == 0  # of no plan: unchecked
    done = carebridge(*run, "--risks-from-store", "Place", *db, "--out", "bad", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        "risk R9.financial.org: the scenario has no organisation 'acutee'; did you mean 'acute'?"
        in done.stderr
    )
    assert not (tmp_path / "bad").exists()
    done = carebridge(*run, "--risks", "risks.yaml", "--risks-from-store", "Place", *db, cwd=tmp_path)
    assert done.returncode == 2 and "not both" in done.stderr
