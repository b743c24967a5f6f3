"""A small efficiency programme for the tests: two providers, a CIP line each, four schemes."""

from __future__ import annotations

from pathlib import Path

PROGRAMME = """\
name: Test system CIP 2017/18
year: 2017/18
organisations:
  - id: north
    name: North Hospital
    do_something: 1000
    lines:
      - {id: cip, name: CIP, annual: 1200}
  - id: south
    name: South Trust
    do_something: -500
    lines:
      - {id: cip, name: CIP, annual: 600}
schemes:
  - id: north_agency
    name: Agency premium
    organisation: north
    line: cip
    category: pay
    stage: fully_developed
    qia: {status: approved, date: "2017-03-01"}
    owner: Director of Workforce
    annual: 600
  - id: north_drugs
    name: Biosimilars
    organisation: north
    line: cip
    category: drugs
    recurrent: false
    stage: plans_in_progress
    owner: Chief Pharmacist
    annual: 300
    phasing: [0, 0, 0, 50, 50, 50, 50, 50, 50, 0, 0, 0]
  - id: north_idea
    name: Estates rationalisation
    organisation: north
    line: cip
    category: estates
    stage: opportunity
    owner: Director of Estates
    annual: 200
  - id: south_procure
    name: Procurement
    organisation: south
    line: cip
    category: non_pay
    stage: delivered
    owner: Director of Finance
    annual: 600
"""


def write_programme(folder: Path, text: str = PROGRAMME) -> Path:
    path = folder / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path
