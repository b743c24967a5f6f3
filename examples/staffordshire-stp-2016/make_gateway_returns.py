"""Write a year of SYNTHETIC monthly gateway returns for the STP's programme (examples/staffordshire-stp-2016/
programme.yaml): October 2016 to September 2017, one return a month for each of the 15 workstreams, with the
milestone and decision updates of that year.

The seed (002_e78593e28c141faf.txt, line 1219) describes the gateway process — "an agreed monthly status in 3
key areas: Progress against plan, delivery confidence, programme assurance level" — but publishes no
returns, so these are made up, by rule, with no randomness: every workstream is green, except

- 9. Simplify Urgent & Emergency Care, whose delivery confidence falls: green to December 2016, amber from
  January 2017 ("Timeline has been revised to meet consultation process but requires further realignment
  with EPCC priorities", Appendix D), red from July 2017; its progress turns amber with it;
- 6. End of Life and 8. Cancer, amber on progress until the NHSE procurement decision (a "5 month delay",
  Appendix C), green from March 2017.

The decision on the MCP's scale and pace is taken in March 2017 (due then); the control total decision (due
May 2017) stays open, so it is overdue from June 2017. Each priority programme's returns are one file,
recorded by its programme director (an owner); the urgent care programme's are a CSV with its updates beside.

Run from anywhere: python examples/staffordshire-stp-2016/make_gateway_returns.py [FOLDER] (default: the
gateway folder beside this script).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "gateway"
MONTHS = [f"2016/17-M{n:02d}" for n in range(7, 13)] + [f"2017/18-M{n:02d}" for n in range(1, 7)]
PROGRAMMES = {
    "prevention_programme": ["ws02_prevention"],
    "epcc_programme": [
        "ws03_frailty",
        "ws04_community_hospitals",
        "ws05_epcc",
        "ws06_end_of_life",
        "ws13_mental_health",
        "ws14_care_services",
    ],
    "planned_care_programme": ["ws07_planned_care", "ws08_cancer"],
    "urgent_care_programme": ["ws09_urgent_care"],
    "reduce_cost_programme": [
        "ws01_control_total",
        "ws10_cip_qipp",
        "ws11_estates",
        "ws12_workforce",
        "ws15_governance",
    ],
}


def status(workstream: str, month: str) -> dict[str, str]:
    """The return of a workstream in a month, by the rules in the module's docstring."""
    index = MONTHS.index(month)
    progress = confidence = assurance = "green"
    note = ""
    if workstream == "ws09_urgent_care":
        if index >= 9:  # July 2017
            progress, confidence, assurance = "amber", "red", "amber"
            note = "Consultation timeline slipped again; implementation from Spring 2018 at risk"
        elif index >= 3:  # January 2017
            progress, confidence = "amber", "amber"
            note = "Timeline revised to meet the consultation process; realignment with EPCC needed"
    if workstream in ("ws06_end_of_life", "ws08_cancer") and index < 5:  # to February 2017
        progress = "amber"
        note = "On hold awaiting the NHSE decision: a 5 month delay to the timeline"
    return {"progress": progress, "confidence": confidence, "assurance": assurance, "note": note}


def returns(workstreams: list[str]) -> list[dict[str, str]]:
    return [{"workstream": w, "month": m, **status(w, m)} for m in MONTHS for w in workstreams]


MILESTONES = [  # (workstream, months, month recorded, status)
    ("ws02_prevention", 6, "2016/17-M12", "achieved"),
    ("ws04_community_hospitals", 6, "2016/17-M12", "achieved"),
    ("ws04_community_hospitals", 12, "2017/18-M02", "achieved"),
    ("ws05_epcc", 6, "2016/17-M12", "achieved"),
    ("ws06_end_of_life", 6, "2016/17-M12", "at_risk"),
    ("ws08_cancer", 6, "2016/17-M12", "achieved"),
    ("ws09_urgent_care", 18, "2017/18-M04", "at_risk"),
]
DECISIONS = [  # (decision, owning programme, month, status, note)
    ("mcp_scale_and_pace", "epcc_programme", "2016/17-M12", "taken", "MCP operating model agreed"),
    ("control_total_and_ccgs", "reduce_cost_programme", "2017/18-M02", "open", "Awaiting the regulators"),
]


def main(out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for programme, workstreams in PROGRAMMES.items():
        milestones = [
            {"workstream": w, "milestone": months, "month": month, "status": state}
            for w, months, month, state in MILESTONES
            if w in workstreams
        ]
        decisions = [
            {"decision": d, "month": month, "status": state, "note": note}
            for d, owner, month, state, note in DECISIONS
            if owner == programme
        ]
        if programme == "urgent_care_programme":
            with (out / "urgent-care-returns.csv").open("w", newline="", encoding="utf-8") as handle:
                fields = ["workstream", "month", "progress", "confidence", "assurance", "note"]
                writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(returns(workstreams))
            body = {"milestones": milestones}
            name = "urgent-care-updates.yaml"
        else:
            body = {"returns": returns(workstreams), "milestones": milestones, "decisions": decisions}
            name = f"{programme.removesuffix('_programme').replace('_', '-')}.yaml"
        body = {key: value for key, value in body.items() if value}
        text = "# SYNTHETIC gateway returns, written by make_gateway_returns.py (see its docstring).\n"
        text += yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
        (out / name).write_text(text, encoding="utf-8")
    print(f"Wrote the gateway returns of {len(MONTHS)} months into {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
