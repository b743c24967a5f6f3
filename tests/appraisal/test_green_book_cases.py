"""Issue 22's appraisal cases, each computed by hand from HM Treasury's Green Book (2022).

Discount factors ``D_t = (1 + r)^−t`` (Annex A6): at the standard 3.5%, ``D_1 = 0.966184``,
``D_2 = 0.933511``, ``D_3 = 0.901943``; at the health rate, 1.5%, ``D_1 = 0.985222``, ``D_2 = 0.970662``,
``D_3 = 0.956317``. Values in real terms are "base year prices … the first year of the proposal": cash
``X_t`` becomes ``X_t × P_base / P_t`` for the GDP deflator ``P``.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from carebridge.engine import run
from carebridge.engine.appraisal import (
    HEALTH_RATES,
    NEVER,
    PROGRAMME,
    Appraisal,
    AppraisalParameters,
    appraise,
    check_parameters,
    cumulative_discounted_net,
    discount_factors,
    inflation_carried,
    payback_index,
    started,
)
from carebridge.engine.results import Results
from carebridge.report.appraisal import summary_table, write_appraisal
from carebridge.report.html_table import render_table
from carebridge.report.provenance import Provenance
from carebridge.scenario.deflators import GdpDeflator, shipped_deflator
from carebridge.scenario.loader import load_scenario_text

pytestmark = pytest.mark.unit
YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]
D1, D2, D3 = 1 / 1.035, 1 / 1.035**2, 1 / 1.035**3

SCENARIO = """\
format_version: 1
name: Green Book cases
base_year: 2016/17
end_year: 2019/20
organisations:
  - {{id: ccg, name: The CCG, kind: commissioner}}
pods:
  - {{id: prescribing, name: Prescribing, unit: item}}
  - {{id: ae, name: A&E attendances, unit: attendance, activity: {{base: 1000}}, price: {price}}}
schemes:
  - id: meds
    name: Medicines optimisation
    owner: ccg
    effects:
      - {{kind: direct_saving, pod: prescribing, saving: {saving}, release: immediate}}
    investment:
      non_recurrent: {investment}
{line}positions:
  do_nothing: {{ccg: 1000}}
"""
ISSUE_SAVING = "{2017/18: 100, 2018/19: 100, 2019/20: 66}"
"""Issue 22's programme example: 100 invested in year 0, PV benefit 249.5, NPV 149.5, BCR 2.49."""


def scenario_results(
    saving: str = ISSUE_SAVING,
    investment: str = "{2016/17: 100}",
    line: str | None = None,
    price: str = "100",
) -> Results:
    text = SCENARIO.format(
        saving=saving,
        investment=investment,
        line=f"      line: {line}\n" if line else "",
        price=price,
    )
    return run(load_scenario_text(text, "cases.yaml").scenario)


def by_year(values: list[float]) -> xr.DataArray:
    return xr.DataArray(np.array(values, dtype=float), coords={"year": YEARS[: len(values)]})


# ---- 1. payback counts from the first year of investment -------------------------------------------------


def test_payback_is_not_before_the_investment() -> None:
    # Saving 30 a year from 2016/17, 100 invested in 2018/19. Cumulative discounted net benefit:
    # 2016/17: 30; 2017/18: 30 + 30 D1 = 58.99; 2018/19: 58.99 − 70 D2 = −6.36;
    # 2019/20: −6.36 + 30 D3 = 20.70, the first year at or after the investment with N_t ≥ 0.
    benefit, cost = by_year([30, 30, 30, 30]), by_year([0, 0, 100, 0])
    factors = xr.DataArray(discount_factors(4), coords={"year": YEARS})
    cumulative = cumulative_discounted_net(benefit, cost, factors)
    expected = [30, 30 + 30 * D1, 30 + 30 * D1 - 70 * D2, 30 + 30 * D1 - 70 * D2 + 30 * D3]
    np.testing.assert_allclose(cumulative, expected)
    assert expected[2] == pytest.approx(-6.36, abs=0.005)
    assert int(payback_index(cumulative, started(benefit, cost))) == 3  # 2019/20, not 2016/17


def test_payback_years_count_from_the_investment_in_a_run() -> None:
    results = scenario_results(saving="30", investment="{2018/19: 100}")
    appraisal = appraise(results, AppraisalParameters())
    for basis in ("tariff", "cost"):
        assert appraisal.payback_year("meds", basis) == "2019/20"
        assert int(appraisal.summary.payback_years.sel(scheme="meds", basis=basis)) == 1
    cumulative = appraisal.by_year.cumulative_net.sel(scheme="meds", basis="cost")
    assert float(cumulative.sel(year="2018/19")) == pytest.approx(-6.36, abs=0.005)
    table = summary_table(appraisal)
    payback = [c.header for c in table.columns].index("Payback (years)")
    assert table.rows[0].values[payback] == 1


def test_a_scheme_without_investment_pays_back_from_its_first_benefit() -> None:
    benefit, cost = by_year([0, 10, 10, 10]), by_year([0, 0, 0, 0])
    assert [bool(b) for b in started(benefit, cost)] == [False, True, True, True]
    losing = (by_year([0, 0, 10, 10]), by_year([0, 50, 0, 0]))
    factors = xr.DataArray(discount_factors(4), coords={"year": YEARS})
    assert int(payback_index(cumulative_discounted_net(*losing, factors), started(*losing))) == NEVER


# ---- 2. the programme counts a scheme's investment once --------------------------------------------------


def test_programme_counts_a_scheme_without_a_line_once() -> None:
    # One scheme: 100 invested in 2016/17 (year 0); saves 100, 100 and 66 in years 1 to 3.
    # PV benefit = 100 D1 + 100 D2 + 66 D3 = 249.50; PV cost = 100; NPV = 149.50; BCR = 2.49.
    appraisal = appraise(scenario_results(), AppraisalParameters())
    programme = appraisal.summary.sel(scheme=PROGRAMME, basis="cost")
    pv_benefit = 100 * D1 + 100 * D2 + 66 * D3
    assert float(programme.pv_benefit) == pytest.approx(pv_benefit)
    assert float(programme.pv_cost) == pytest.approx(100.0)
    assert float(programme.npv) == pytest.approx(pv_benefit - 100)
    assert float(programme.npv) == pytest.approx(149.5, abs=0.01)
    assert float(programme.bcr) == pytest.approx(2.495, abs=0.001)


def test_a_scheme_without_a_line_is_appraised_as_the_same_scheme_with_one() -> None:
    without = appraise(scenario_results(), AppraisalParameters())
    named = appraise(scenario_results(line="Medicines investment"), AppraisalParameters())
    default = appraise(scenario_results(line="Scheme investment"), AppraisalParameters())
    xr.testing.assert_allclose(without.summary, named.summary)
    xr.testing.assert_allclose(without.by_year, named.by_year)
    xr.testing.assert_allclose(without.summary, default.summary)


# ---- 3. BCR is a ratio in every output -------------------------------------------------------------------


@pytest.fixture(scope="module")
def issue_appraisal() -> tuple[Results, Appraisal]:
    results = scenario_results()
    return results, appraise(results, AppraisalParameters())


def test_bcr_is_a_ratio_in_the_tables_and_the_page(issue_appraisal: tuple[Results, Appraisal]) -> None:
    _, appraisal = issue_appraisal
    table = summary_table(appraisal)
    bcr = [c.header for c in table.columns].index("BCR")
    assert table.number_kind(table.rows[-1], bcr) == "ratio"
    html = render_table(table)
    assert ">2.49<" in html and "249.5%" not in html


def test_bcr_is_a_ratio_in_the_csv_and_the_workbook(
    issue_appraisal: tuple[Results, Appraisal], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    results, appraisal = issue_appraisal
    provenance = Provenance("Green Book cases", "cases.yaml", "0" * 64, "test", "2026-01-01T00:00:00")
    write_appraisal(results, appraisal, tmp_path, provenance, "(defaults)")
    with (tmp_path / "appraisal.csv").open() as file:
        rows = {(row["scheme"], row["basis"]): row for row in csv.DictReader(file)}
    assert float(rows[(PROGRAMME, "cost")]["bcr"]) == pytest.approx(2.495, abs=0.001)
    assert rows[(PROGRAMME, "cost")]["payback_years"] == "2"
    sheet = load_workbook(tmp_path / "appraisal.xlsx")["Appraisal"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "BCR"]
    assert cells, "no BCR column in the Appraisal sheet"
    column = cells[0].column
    values = [sheet.cell(row, column) for row in range(cells[0].row + 1, sheet.max_row + 1)]
    numbers = [cell for cell in values if isinstance(cell.value, float)]
    assert numbers and all(cell.number_format == "0.00" for cell in numbers)
    assert numbers[0].value == pytest.approx(2.495, abs=0.001)


def test_bcr_is_a_ratio_in_the_terminal(tmp_path: Path) -> None:
    scenario = tmp_path / "cases.yaml"
    scenario.write_text(
        SCENARIO.format(saving=ISSUE_SAVING, investment="{2016/17: 100}", line="", price="100"),
        encoding="utf-8",
    )
    done = carebridge("appraise", str(scenario), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "2.49" in done.stdout and "249.5%" not in done.stdout


# ---- 4. real terms and the named discount schedules ------------------------------------------------------


def test_health_schedule_is_table_8s_health_rate() -> None:
    bands = [(band.start, band.rate) for band in HEALTH_RATES]
    assert bands == [(0, 0.015), (31, 0.0129), (76, 0.0107), (126, 0.0086), (201, 0.0064), (301, 0.0043)]
    factors = discount_factors(40, HEALTH_RATES)
    np.testing.assert_allclose(factors[1:4], [0.985222, 0.970662, 0.956317], atol=1e-6)
    assert factors[31] == pytest.approx(1.015**-30 / 1.0129, rel=1e-12)


def test_appraisal_at_the_health_rate() -> None:
    appraisal = appraise(scenario_results(), AppraisalParameters(discount="health"))
    pv_benefit = 100 / 1.015 + 100 / 1.015**2 + 66 / 1.015**3
    programme = appraisal.summary.sel(scheme=PROGRAMME, basis="cost")
    assert float(programme.pv_benefit) == pytest.approx(pv_benefit)
    assert float(programme.npv) == pytest.approx(pv_benefit - 100)
    assert "discount rate for health (1.5%" in appraisal.parameters.schedule_name


def test_discount_schedule_and_bands_together_are_a_located_problem() -> None:
    parameters = AppraisalParameters.model_validate(
        {"discount": "health", "discount_rates": [{"from": 0, "rate": 0.02}]}
    )
    messages = [str(p) for p in check_parameters(parameters, YEARS, ["meds"])]
    assert messages == [
        "discount: give a named schedule (discount: standard or health) or discount_rates, not both"
    ]


def test_the_shipped_deflator_names_its_source() -> None:
    series = shipped_deflator()
    assert series.source == "HM Treasury, GDP deflators at market prices, and money GDP"
    assert series.release and series.published
    assert {"2015/16", "2016/17", "2020/21", "2028/29"} <= set(series.index)
    assert series.file == "gdp_deflators.csv (shipped)"


def test_cash_values_are_deflated_to_the_first_year_of_the_proposal() -> None:
    # A price uplift carries inflation, so the money is in cash terms: each year's saving is multiplied by
    # k_t = P_2016/17 / P_t. With an index of 100, 102, 104.04 and 110: k = 1, 1/1.02, 1/1.0404, 1/1.1.
    results = scenario_results(price="{base: 100, uplift: 0.02}")
    assert inflation_carried(results.scenario) == ["price uplift of A&E attendances"]
    index = {"2016/17": 100.0, "2017/18": 102.0, "2018/19": 104.04, "2019/20": 110.0}
    series = GdpDeflator(index, "A test series", file="test.csv")
    appraisal = appraise(results, AppraisalParameters(), series)
    benefit = appraisal.by_year.benefit.sel(scheme="meds", basis="cost")
    np.testing.assert_allclose(benefit, [0, 100 / 1.02, 100 / 1.0404, 66 / 1.1])
    pv = 100 / 1.02 * D1 + 100 / 1.0404 * D2 + 66 / 1.1 * D3
    assert float(appraisal.summary.pv_benefit.sel(scheme="meds", basis="cost")) == pytest.approx(pv)
    assert appraisal.prices.nominal
    assert appraisal.prices.words == (
        "Real terms: cash values (price uplift of A&E attendances) deflated to 2016/17 prices with the GDP "
        "deflator (A test series)"
    )


def test_values_without_inflation_are_taken_as_real() -> None:
    appraisal = appraise(scenario_results(), AppraisalParameters(), shipped_deflator())
    assert not appraisal.prices.nominal
    assert float(appraisal.by_year.price_factor.sum()) == 4.0
    assert appraisal.prices.words == (
        "Real terms: values taken as at 2016/17 prices (no price uplift or inflation)"
    )
    forced = appraise(scenario_results(), AppraisalParameters(prices="nominal"), shipped_deflator())
    index = shipped_deflator().index
    expected = [index["2016/17"] / index[year] for year in YEARS]
    np.testing.assert_allclose(forced.by_year.price_factor, expected)


# ---- the command line ------------------------------------------------------------------------------------


def carebridge(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.e2e
def test_discount_health_and_a_misspelt_schedule(tmp_path: Path) -> None:
    scenario = tmp_path / "cases.yaml"
    scenario.write_text(
        SCENARIO.format(saving=ISSUE_SAVING, investment="{2016/17: 100}", line="", price="100"),
        encoding="utf-8",
    )
    done = carebridge("appraise", str(scenario), "--discount", "health", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out" / "appraisal.csv").open() as file:
        rows = {(row["scheme"], row["basis"]): row for row in csv.DictReader(file)}
    pv_benefit = 100 / 1.015 + 100 / 1.015**2 + 66 / 1.015**3
    assert float(rows[(PROGRAMME, "cost")]["pv_benefit"]) == pytest.approx(pv_benefit)
    assert "discount rate for health" in " ".join(done.stdout.split())
    wrong = carebridge("appraise", str(scenario), "--discount", "helth", "--out", str(tmp_path / "x"))
    assert wrong.returncode == 2
    assert "--discount: 'helth' is not a discount rate schedule; did you mean 'health'?" in wrong.stderr
    assert "Traceback" not in wrong.stderr


@pytest.mark.e2e
def test_a_deflator_file_short_of_years_is_a_located_error(tmp_path: Path) -> None:
    scenario = tmp_path / "cases.yaml"
    scenario.write_text(
        SCENARIO.format(
            saving=ISSUE_SAVING, investment="{2016/17: 100}", line="", price="{base: 100, uplift: 0.02}"
        ),
        encoding="utf-8",
    )
    deflator = tmp_path / "deflator.csv"
    deflator.write_text("# source: A test series\nyear,index\n2016-17,100\n2017-18,102\n", encoding="utf-8")
    done = carebridge("appraise", str(scenario), "--deflator", str(deflator), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert (
        f"{deflator}: no index for 2018/19, 2019/20; the series runs 2016/17 to 2017/18: give a newer file"
        in done.stderr
    )
    assert "Traceback" not in done.stderr
