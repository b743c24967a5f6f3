"""Benefits beyond cash (issue 22): valued apart from the cash NPV, never in the plan's money.

By hand, at the Green Book's 3.5% (``D_1 = 0.966184``, ``D_2 = 0.933511``, ``D_3 = 0.901943``): one QALY a
year from 2017/18 (held) at £70,000 is 70 (£'000) a year, PV = 70 (D_1 + D_2 + D_3) = 196.11; a fiscal
benefit of 20 in 2018/19 only is PV = 20 D_2 = 18.67.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest
import xarray as xr

from carebridge.engine import run
from carebridge.engine.appraisal import PROGRAMME, AppraisalParameters, appraise
from carebridge.engine.results import Results
from carebridge.report.appraisal import public_value_tables, summary_table, write_appraisal
from carebridge.report.provenance import Provenance
from carebridge.scenario.convert import convert
from carebridge.scenario.deflators import DeflatorError, parse_deflator, read_deflator
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario, load_scenario_text
from carebridge.scenario.schema import NonCashBenefit, Scenario

pytestmark = pytest.mark.unit
D1, D2, D3 = 1 / 1.035, 1 / 1.035**2, 1 / 1.035**3

SCENARIO = """\
format_version: 1
name: Public value
base_year: 2016/17
end_year: 2019/20
organisations:
  - {id: ccg, name: The CCG, kind: commissioner}
  - {id: council, name: The council, kind: council}
pods:
  - {id: prescribing, name: Prescribing, unit: item}
schemes:
  - id: meds
    name: Medicines optimisation
    owner: ccg
    effects:
      - kind: direct_saving
        pod: prescribing
        saving: {2017/18: 100, 2018/19: 100, 2019/20: 66}
        release: immediate
    investment:
      non_recurrent: {2016/17: 100}
BENEFITS
positions:
  do_nothing: {ccg: 1000}
"""
BENEFITS = """\
    non_cash_benefits:
      - id: falls
        name: Falls avoided
        kind: social
        measure: qalys
        amount: {2017/18: 1}
        value_per_qaly: 70000
        beneficiary: Residents
        note: A QALY valued as the business case states.
      - id: dwp
        name: Fewer benefit claims
        kind: fiscal
        amount: {2018/19: 20, 2019/20: 0}
        beneficiary: Department for Work and Pensions
        payer: council
"""


def results_of(benefits: str) -> Results:
    text = SCENARIO.replace("BENEFITS\n", benefits)
    return run(load_scenario_text(text, "public.yaml").scenario)


@pytest.fixture(scope="module")
def with_benefits() -> Results:
    return results_of(BENEFITS)


def test_benefits_beyond_cash_are_valued_by_hand(with_benefits: Results) -> None:
    appraisal = appraise(with_benefits, AppraisalParameters())
    present = appraisal.public.present_value
    assert float(present.sel(scheme="meds", kind="social")) == pytest.approx(70 * (D1 + D2 + D3))
    assert float(present.sel(scheme="meds", kind="fiscal")) == pytest.approx(20 * D2)
    assert float(present.sel(scheme="meds", kind="economic")) == 0.0
    cash_npv = 100 * D1 + 100 * D2 + 66 * D3 - 100
    programme = appraisal.summary.sel(scheme=PROGRAMME, basis="cost")
    assert float(programme.npv) == pytest.approx(cash_npv)
    assert float(programme.pv_non_cash) == pytest.approx(70 * (D1 + D2 + D3) + 20 * D2)
    assert float(programme.public_value_npv) == pytest.approx(cash_npv + 70 * (D1 + D2 + D3) + 20 * D2)
    lines = {line.name: line for line in appraisal.public.lines}
    assert (lines["Falls avoided"].beneficiary, lines["Falls avoided"].payer) == ("Residents", "The CCG")
    assert (lines["Fewer benefit claims"].beneficiary, lines["Fewer benefit claims"].payer) == (
        "Department for Work and Pensions",
        "The council",
    )


def test_the_cash_appraisal_is_unchanged_by_benefits_beyond_cash(with_benefits: Results) -> None:
    plain = appraise(results_of(""), AppraisalParameters())
    valued = appraise(with_benefits, AppraisalParameters())
    cash = ["pv_benefit", "pv_cost", "npv", "bcr", "roi", "payback", "payback_years"]
    xr.testing.assert_allclose(valued.summary[cash], plain.summary[cash])
    xr.testing.assert_allclose(valued.by_year, plain.by_year)
    assert summary_table(valued) == summary_table(plain)
    assert public_value_tables(plain) == []


def test_the_plans_money_is_unchanged_by_benefits_beyond_cash(stockport_scenario: Scenario) -> None:
    scheme = stockport_scenario.schemes[0]
    benefit = NonCashBenefit(
        id="qalys",
        name="QALYs gained",
        kind="social",
        measure="qalys",
        amount=5.0,
        value_per_qaly=70000.0,
        beneficiary="Residents",
    )
    valued = stockport_scenario.model_copy(
        update={
            "schemes": [
                scheme.model_copy(update={"non_cash_benefits": [benefit]}),
                *stockport_scenario.schemes[1:],
            ]
        }
    )
    plain_run, valued_run = run(stockport_scenario), run(valued)
    assert plain_run.flows is not None  # Stockport's contracts give flows between the partners
    for name in ("positions", "savings", "statement", "scheme_summary", "activity", "scheme_investment"):
        xr.testing.assert_identical(getattr(valued_run, name), getattr(plain_run, name))
    for name in ("flows", "scheme_positions"):
        before, after = getattr(plain_run, name), getattr(valued_run, name)
        assert (before is None) == (after is None)
        if before is not None:
            xr.testing.assert_identical(after, before)
    for year in plain_run.years:
        assert valued_run.bridge(year) == plain_run.bridge(year)
    appraisal = appraise(valued_run, AppraisalParameters())
    assert float(appraisal.public.total.sel(scheme=scheme.id)) > 0


def test_the_report_shows_them_in_their_own_section(with_benefits: Results, tmp_path: Path) -> None:
    appraisal = appraise(with_benefits, AppraisalParameters())
    provenance = Provenance("Public value", "public.yaml", "0" * 64, "test", "2026-01-01T00:00:00")
    written = write_appraisal(with_benefits, appraisal, tmp_path, provenance, "(defaults)")
    assert tmp_path / "appraisal_public_value.csv" in written
    html = (tmp_path / "appraisal.html").read_text(encoding="utf-8")
    section = html.split('<section id="economic-social-value">', 1)[1]
    assert "Public value NPV" in section and "Department for Work and Pensions" in section
    assert "The council" in section
    tables = html.split('<section id="economic-social-value">', 1)[0]
    assert "Department for Work and Pensions" not in tables
    sheets = openpyxl.load_workbook(tmp_path / "appraisal.xlsx").sheetnames
    assert {"Public value", "Who benefits"} <= set(sheets)


def test_a_benefit_beyond_cash_survives_the_excel_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "public.yaml"
    source.write_text(SCENARIO.replace("BENEFITS\n", BENEFITS), encoding="utf-8")
    original = load_scenario(source).scenario
    convert(source, tmp_path / "public.xlsx")
    book = openpyxl.load_workbook(tmp_path / "public.xlsx")
    rows = list(book["NonCashBenefits"].iter_rows(values_only=True))
    assert any("Falls avoided" in row for row in rows)
    assert load_scenario(tmp_path / "public.xlsx").scenario == original
    convert(tmp_path / "public.xlsx", tmp_path / "back.yaml")
    assert load_scenario(tmp_path / "back.yaml").scenario == original


def test_mistakes_in_benefits_beyond_cash_are_located() -> None:
    wrong = """\
    non_cash_benefits:
      - {id: falls, name: Falls avoided, kind: social, measure: qalys, amount: 1, beneficiary: Residents}
      - {id: falls, name: Again, kind: fiscal, amount: 5, value_per_qaly: 1000, beneficiary: DWP}
      - {id: jobs, name: Jobs, kind: economic, amount: {2017-18: 3}, beneficiary: Residents}
      - {id: odd, name: Odd, kind: moral, amount: 1, beneficiary: Residents}
"""
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(SCENARIO.replace("BENEFITS\n", wrong), "public.yaml")
    messages = [str(problem) for problem in raised.value.problems]
    assert messages[-1] == (
        "public.yaml:25 schemes[0].non_cash_benefits[3].kind: expected one of 'fiscal', 'economic', "
        "'social'; found 'moral'"
    )
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(SCENARIO.replace("BENEFITS\n", wrong.rsplit("      - {id: odd", 1)[0]), "p.yaml")
    assert [str(problem) for problem in raised.value.problems] == [
        "p.yaml:22 schemes[0].non_cash_benefits[0].value_per_qaly: missing: expected the £ a QALY is valued "
        "at, for measure qalys (e.g. 70000)",
        "p.yaml:23 schemes[0].non_cash_benefits[1].id: the id 'falls' is given twice in this scheme's "
        "non_cash_benefits",
        "p.yaml:23 schemes[0].non_cash_benefits[1].value_per_qaly: a value per QALY is for measure qalys; "
        "this benefit's amount is in £'000",
        "p.yaml:24 schemes[0].non_cash_benefits[2].amount.2017-18: '2017-18' is not a financial year; "
        "expected YYYY/YY, like '2017/18'",
    ]


# ---- the GDP deflator file -------------------------------------------------------------------------------


def test_a_deflator_file_reads_hm_treasury_years() -> None:
    series = parse_deflator(
        "# source: HM Treasury, GDP deflators\n# release: June 2025\n"
        "year,index\n2016-17,84.8\n2017/18,86.3\n",
        "deflator.csv",
    )
    assert series.index == {"2016/17": 84.8, "2017/18": 86.3}
    assert series.citation == "HM Treasury, GDP deflators, June 2025"


def test_every_mistake_in_a_deflator_file_is_located() -> None:
    text = "# release: soon\nyear,index\n2016-17,84.8\n2017-19,86\n2018-19,-1\n2019-20,x\n2016-17,85\n1,2,3\n"
    with pytest.raises(DeflatorError) as raised:
        parse_deflator(text, "deflator.csv")
    assert [str(problem) for problem in raised.value.problems] == [
        "deflator.csv:4 year: '2017-19' is not a financial year; expected YYYY-YY or YYYY/YY, like 2017-18",
        "deflator.csv:5 2018/19: expected a positive index; found -1",
        "deflator.csv:6 2019/20: expected a number; found 'x'",
        "deflator.csv:7 2016/17: the year is given twice",
        "deflator.csv:8: expected two values, a year and an index; found 3",
        "deflator.csv:1: no '# source: …' line naming where the series comes from (e.g. HM Treasury)",
    ]
    with pytest.raises(DeflatorError) as raised:
        parse_deflator("# source: x\nyear;index\n", "d.csv")
    assert (
        str(raised.value.problems[0]) == "d.csv:2: expected the header line 'year,index'; found 'year;index'"
    )


def test_a_missing_deflator_file_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(DeflatorError) as raised:
        read_deflator(tmp_path / "none.csv")
    assert str(raised.value.problems[0]).startswith(f"{tmp_path / 'none.csv'}: cannot read it:")


def test_the_deflator_file_of_the_parameters_is_read_beside_them(tmp_path: Path) -> None:
    from carebridge.usecases.appraisal import load_deflator

    (tmp_path / "newer.csv").write_text("# source: A newer series\nyear,index\n2016-17,1\n", encoding="utf-8")
    parameters = AppraisalParameters(deflator_file="newer.csv")
    series = load_deflator(parameters, tmp_path / "appraisal.yaml", None)
    assert series.source == "A newer series"
    np.testing.assert_allclose(series.index["2016/17"], 1.0)
