"""The efficiency programme: loading and its located errors, the unidentified gap, the risk-adjusted value,
the phased plan; the views of the returns and the FEWS efficiency set."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from carebridge.delivery.efficiency import EfficiencyError, load_programme, programme_from_json, stage_table
from carebridge.delivery.efficiency_status import ReturnFacts, assess
from carebridge.delivery.months import Month
from carebridge.delivery.returns import EfficiencyDelivered, IncomeExpenditure, RiskLine
from carebridge.delivery.workdays import due_date
from tests.efficiency.programme import PROGRAMME, write_programme


def test_a_programme_loads_and_reads_back_the_same_from_its_json(tmp_path: Path) -> None:
    programme, definition = load_programme(write_programme(tmp_path))
    assert programme_from_json(definition) == programme
    assert programme.organisation_name("north") == "North Hospital"
    # North: line 1,200; identified 600 + 300 (the opportunity does not count): gap 300. South: none.
    assert programme.identified("north") == 900
    assert programme.unidentified("north") == 300
    assert programme.unidentified(None) == 300
    # risk-adjusted by the default weights: 600 × 0.9 + 300 × 0.5 + 200 × 0.1 = 710; south 600 × 1.
    assert programme.risk_adjusted("north") == pytest.approx(710)
    assert {s: v for s, _, v in stage_table(programme, None)}["delivered"] == 600


def test_the_phased_plan_to_a_month(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    # to M04 (July): agency flat 4 × 50 = 200; biosimilars 50 in July; the gap of 300 flat: 100.
    assert programme.planned_to("north", Month(2017, 4)) == pytest.approx(350)
    assert programme.planned_to("north", Month(2017, 12)) == pytest.approx(1200)
    assert programme.planned_to("south", Month(2017, 6)) == pytest.approx(300)


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [
        (
            "    phasing: [0, 0, 0, 50, 50, 50, 50, 50, 50, 0, 0, 0]",
            "    phasing: [0, 0, 0, 50, 50, 50, 50, 50, 0, 0, 0, 0]",
            "schemes[1].phasing",
            "adds up to 250.0 but the annual value is 300.0",
        ),
        (
            "    organisation: south\n",
            "    organisation: sowth\n",
            "schemes[3].organisation",
            "unknown organisation 'sowth'",
        ),
        (
            "    line: cip\n    category: non_pay",
            "    line: qipp\n    category: non_pay",
            "schemes[3].line",
            "unknown plan line 'qipp'",
        ),
        ("    stage: delivered", "    stage: done", "schemes[3].stage", "delivered"),
        ("  - id: north_idea", "  - id: north_drugs", "schemes[2].id", "given twice"),
        ('date: "2017-03-01"', 'date: "2017-02-30"', "schemes[0].qia.date", "not a date"),
    ],
)
def test_a_bad_programme_is_a_located_error(
    tmp_path: Path, old: str, new: str, where: str, words: str
) -> None:
    assert old in PROGRAMME
    path = write_programme(tmp_path, PROGRAMME.replace(old, new, 1))
    with pytest.raises(EfficiencyError) as raised:
        load_programme(path)
    message = str(raised.value)
    line = PROGRAMME[: PROGRAMME.index(old)].count("\n") + 1
    assert f"programme.yaml:{line} {where}" in message and words in message, message


def ie(
    org: str, month: int, plan_exp: float, actual_exp: float, forecast: float | None = None
) -> list[IncomeExpenditure]:
    m = Month(2017, month)
    return [
        IncomeExpenditure(org, m, "clinical_income", 1000, 1000, 12000 if forecast is not None else None),
        IncomeExpenditure(org, m, "pay", plan_exp, actual_exp, forecast),
    ]


def test_views_of_an_organisation_and_the_system(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    rows = [
        *ie("north", 1, 1100, 1150),
        *ie("north", 2, 1100, 1150, forecast=13600),
        *ie("south", 1, 950, 950),
    ]
    delivered = [
        EfficiencyDelivered("north", Month(2017, 1), "north_agency", 50, 0),
        EfficiencyDelivered("north", Month(2017, 2), "north_agency", 30, 20),
        EfficiencyDelivered("south", Month(2017, 1), "south_procure", 50, 0),
    ]
    risks = [
        RiskLine("north", Month(2017, 2), "ccg", "risk", "", 100, 200, 400),
        RiskLine("north", Month(2017, 2), "vacancies", "mitigation", "", 150, 100, 0),
        RiskLine("north", Month(2017, 1), "old", "risk", "", 999, 999, 999),
    ]
    late = ReturnFacts(
        "south", Month(2017, 1), due_date(Month(2017, 1)).replace(day=18), due_date(Month(2017, 1))
    )
    status = assess(programme, Month(2017, 2), rows, delivered, risks, [late])
    north, south = status.organisations
    assert (north.plan_ytd, north.actual_ytd, north.variance_ytd) == (200, 300, 100)
    assert north.run_rate == 1800 and north.forecast == 1600 and north.outturn == 1600
    # the latest month's risks only: best 1600 + 100 − 150, likely + 200 − 100, worst + 400 − 0
    assert (north.best, north.likely, north.worst) == (1550, 1700, 2000)
    assert north.against_do_something(north.likely) == 700
    assert math.isnan(south.forecast) and south.outturn == -600
    assert north.delivered_ytd == 100 and north.non_recurrent_ytd == 20
    assert north.planned_ytd == pytest.approx(150)  # agency 100 + gap 300 × 2/12
    assert south.late_returns == ("2017/18-M01",)
    system = status.system
    assert system.plan_ytd == north.plan_ytd + south.plan_ytd
    assert system.outturn == north.outturn + south.outturn
    assert system.do_something == 500 and system.unidentified == 300
    assert system.delivered_ytd == 150


def test_the_fews_efficiency_set_goes_amber_then_red(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    on_plan = [EfficiencyDelivered("south", Month(2017, m), "south_procure", 50, 0) for m in (1, 2)]
    green = assess(programme, Month(2017, 2), [], on_plan, [], [])
    assert green.status_of("south") == "green"
    short = [EfficiencyDelivered("south", Month(2017, m), "south_procure", 45, 0) for m in (1, 2)]
    assert assess(programme, Month(2017, 2), [], short, [], []).status_of("south") == "amber"
    shorter = [EfficiencyDelivered("south", Month(2017, m), "south_procure", 20, 20) for m in (1, 2)]
    red = assess(programme, Month(2017, 2), [], shorter, [], [])
    assert red.status_of("south") == "red"
    # north has a gap of 300 of 1,200 (25%): above the 20% red ceiling
    gap = next(i for i in red.indicators if i.item == "north:unidentified")
    assert gap.ratio == pytest.approx(0.25) and gap.status == "red"
    share = next(i for i in red.indicators if i.item == "south:non_recurrent")
    assert share.ratio == pytest.approx(0.5) and share.status == "amber"
