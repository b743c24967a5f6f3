"""Stockport PCT's 2007/08 efficiency plan (seed 001, Figure 11) and its risks (Figure 17), as published."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from carebridge.delivery.efficiency import load_programme
from carebridge.store import Store
from carebridge.usecases.efficiency import import_files, load, status, status_text
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "stockport-pct-2007" / "efficiency"
UPPER = {"icats": 4300, "admission_charging": 500, "ambulatory_care": 1900, "obstetrics_triage": 300,
         "alcohol": 280, "primary_care_dvt": 160, "ae_followups": 130, "care_utilisation": 1500,
         "statins": 2300, "older_people": 2000, "collaborative": 3712}  # fmt: skip
REALISTIC = {"icats": 1250, "admission_charging": 500, "ambulatory_care": 950, "obstetrics_triage": 150,
             "alcohol": 140, "primary_care_dvt": 80, "ae_followups": 65, "care_utilisation": 750,
             "statins": 1150, "older_people": 0, "collaborative": 1856}  # fmt: skip


def test_the_efficiency_plan_reproduces_figure_11() -> None:
    programme, _ = load_programme(FOLDER / "programme.yaml")
    assert {s.id: s.upper for s in programme.schemes} == UPPER
    assert {s.id: s.annual for s in programme.schemes} == REALISTIC
    assert sum(UPPER.values()) == 17082 and sum(REALISTIC.values()) == 6891  # the published totals
    (line,) = programme.lines
    assert (line.annual, line.upper) == (6891, 17082)
    assert programme.unidentified(None) == 0


def test_figure_17_risks_and_benefits(tmp_path: Path) -> None:
    with Store.open(str(tmp_path / "pct.db"), actor="tester") as store:
        load(store, FOLDER / "programme.yaml")
        import_files(store, None, [FOLDER / "risks-2007-08.csv"], dt.date(2007, 5, 17), "pct")
        found = status(store, None, "2007/08-M01")
    risks = [r.likely for r in found.risks if r.kind == "risk"]
    benefits = [r.likely for r in found.risks if r.kind == "mitigation"]
    assert risks == [3500, 1000, 2000, 1000] and benefits == [1000, 1000, 2000, 1000]
    text = status_text(found)
    assert "risks in all: best 7,500, likely 7,500, worst 7,500" in text
    assert "mitigations in all: best 5,000, likely 5,000, worst 5,000" in text
    assert "17,082" in text and "6,891" in text
    assert not found.returns[0].late
