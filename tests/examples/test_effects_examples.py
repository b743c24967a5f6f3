"""The examples' effects (docs/effects.md): the STP's solutions as effects (``effects.yaml`` beside the
published scenario) and Stockport's Transfer to Assess as a length-of-stay effect."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import xarray as xr

from carebridge.engine import Results, run
from carebridge.report.plan_tables import capacity, workforce
from carebridge.scenario.convert import convert
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import LengthOfStay, Scenario
from tests.conftest import EXAMPLES

STP_EFFECTS = EXAMPLES / "staffordshire-stp-2016" / "effects.yaml"
STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"
FIRST, LAST = "2015/16", "2020/21"


@cache
def stp() -> Results:
    return run(load_scenario(STP_EFFECTS).scenario)


def _added(results: Results, name: str, case: str) -> float:
    """The capacity of ``case`` in 2020/21 above the do-nothing of 2015/16."""
    values = (
        results.capacity[name]
        .sel(case=case)
        .sum([d for d in results.capacity[name].dims if d not in ("case", "year")])
    )
    return float(values.sel(year=LAST) - results.capacity[name].sel(case="do_nothing", year=FIRST).sum())


def test_the_stp_do_nothing_needs_267_beds_and_1302_wte() -> None:
    results = stp()
    assert _added(results, "beds", "do_nothing") == pytest.approx(267, abs=0.5)
    staff = results.capacity.staff_wte.sel(workforce_group=["consultants", "ward_staff"])
    added = staff.sel(case="do_nothing", year=LAST) - staff.sel(case="do_nothing", year=FIRST)
    assert float(added.sum()) == pytest.approx(1302, abs=1)
    assert float(added.sel(workforce_group="consultants")) == pytest.approx(59, abs=0.5)


def test_the_stp_effects_take_beds_and_wte_below_the_do_nothing() -> None:
    results = stp()
    beds = _added(results, "beds", "do_something")
    staff = results.capacity.staff_wte.sel(workforce_group=["consultants", "ward_staff"])
    wte = float((staff.sel(case="do_something", year=LAST) - staff.sel(case="do_nothing", year=FIRST)).sum())
    assert beds == pytest.approx(192.0, abs=0.5)
    assert wte == pytest.approx(948.3, abs=0.5)


def test_the_agency_driver_gives_22_0m_from_the_workforce_inputs() -> None:
    results = stp()
    line = results.positions.sel(line="workforce", org="system")
    assert float(line.sel(year=LAST)) == pytest.approx(-22000, abs=1)
    assert float(results.capacity.agency_spend.sel(workforce_group="provider_staff", year=FIRST)) == (
        pytest.approx(44000, abs=1)
    )
    pay = results.capacity.pay.sel(workforce_group="provider_staff", year=FIRST, case="do_nothing")
    assert float(pay) == pytest.approx(642900, abs=1)


def test_the_effects_beside_the_typed_lines() -> None:
    """Planned Care from three effects is 11,567 against the typed 14,944; Urgent Care 4,140 against 4,252
    (README, "The solutions as effects", says why)."""
    savings = stp().savings.sel(basis="tariff", year=LAST)
    by_group = savings.groupby("scheme_group").sum(...)
    assert float(by_group.sel(scheme_group="Planned Care")) == pytest.approx(-11567, abs=1)
    assert float(by_group.sel(scheme_group="Urgent Care")) == pytest.approx(-4140, abs=1)
    shifted = stp().activity.sel(year=LAST)
    assert float(shifted.do_something.sel(pod="ucc")) == pytest.approx(0.2 * 250000 * 1.02**5, rel=1e-9)


def _without_stays(scenario: Scenario) -> Scenario:
    schemes = [
        scheme.model_copy(update={"effects": [e for e in scheme.effects if not isinstance(e, LengthOfStay)]})
        for scheme in scenario.schemes
    ]
    return scenario.model_copy(update={"schemes": schemes})


def test_stockport_transfer_to_assess_frees_beds_and_counts_no_money_twice() -> None:
    scenario = load_scenario(STOCKPORT).scenario
    results = run(scenario)
    beds = results.capacity.beds.sel(bed_base="emergency", year="2020/21")
    assert float(beds.sel(case="do_something")) < float(beds.sel(case="do_nothing")) - 100
    without = run(_without_stays(scenario))
    assert float(abs(results.savings - without.savings).max()) == 0.0
    assert float(abs(results.positions - without.positions).max()) == 0.0
    free = without.capacity.beds.sel(bed_base="emergency", year="2020/21", case="do_something")
    assert float(beds.sel(case="do_something")) == pytest.approx(float(free) * (1 - 0.2 * 0.5))


def test_the_effects_scenario_goes_through_the_workbook_unchanged(tmp_path: Path) -> None:
    """The new effect kinds, formulas and the workforce have their places on the workbook's sheets."""
    book = tmp_path / "effects.xlsx"
    convert(STP_EFFECTS, book)
    again = load_scenario(book).scenario
    assert again == load_scenario(STP_EFFECTS).scenario
    xr.testing.assert_equal(run(again).positions, stp().positions)


def test_the_report_shows_beds_and_wte_do_nothing_against_do_something() -> None:
    beds, staff = capacity(stp()), workforce(stp())
    assert beds is not None and staff is not None
    labels = [row.label for row in staff.rows]
    for name in ("Provider staff (five NHS providers)", "Additional consultants", "Additional other staff"):
        assert name in labels  # a heading, each group's lines under it
    for case in ("do-nothing", "do-something"):
        assert f"WTE, {case}" in labels
        assert f"Pay cost, {case}" in labels
    assert "Acute beds" in [row.label for row in beds.rows]
    assert "Beds, do-something" in [row.label for row in beds.rows]


def test_a_bed_day_price_by_year_goes_through_the_workbook(tmp_path: Path) -> None:
    text = STP_EFFECTS.read_text(encoding="utf-8")
    source = tmp_path / "by-year.yaml"
    source.write_text(text.replace("bed_day_price: 225", "bed_day_price: {2017/18: 225, 2019/20: 240}"))
    book = tmp_path / "by-year.xlsx"
    convert(source, book)
    stays = load_scenario(book).scenario.schemes[2].effects[0]
    assert isinstance(stays, LengthOfStay)
    assert stays.bed_day_price == {"2017/18": 225, "2019/20": 240}
