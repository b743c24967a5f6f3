"""The efficiency programmes in the programme board's delivery pack (``carebridge report delivery``): a
section of the page and sheets of the workbook with each organisation's and the system's position, efficiency
and FEWS efficiency set, against the do-something of the approved plan where it holds the organisation, else
the figure typed in the programme file, the page saying which."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.efficiency import load_programme
from carebridge.delivery.efficiency_status import PlanPositions, ReturnFacts, assess
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.delivery.returns import EfficiencyDelivered, IncomeExpenditure, RiskLine
from carebridge.engine import Results
from carebridge.report.delivery import write_delivery_pack
from carebridge.report.tidy import plan_documents
from carebridge.store import Store
from carebridge.store.plans import approve, scenario_file_text
from carebridge.usecases.delivery import import_actuals
from carebridge.usecases.efficiency import efficiency_for_pack, import_files, load, status
from tests.conftest import EXAMPLES, STOCKPORT
from tests.delivery.test_pack import THIRDS, example_actuals
from tests.efficiency.programme import PROGRAMME, write_programme

PLAN = "June 2017 business cases"
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
STOCKPORT_PROGRAMME = (
    PROGRAMME.replace("2017/18", "2018/19")
    .replace("North Hospital", "Stockport FT")
    .replace("id: north", "id: sft")
    .replace("organisation: north", "organisation: sft")
    .replace("north_", "sft_")
)
"""The test programme in Stockport's 2018/19: Stockport FT is an organisation of the approved plan (its
do-something 24,400), South Trust is not (the figure typed, −500)."""
IE = """organisation,month,category,plan,actual,forecast
sft,2018/19-M01,clinical_income,1000,1000,12000
sft,2018/19-M01,pay,1100,1150,13600
south,2018/19-M01,clinical_income,900,900,10800
south,2018/19-M01,pay,850,850,10200
"""
DELIVERED = """organisation,month,scheme,recurrent,non_recurrent
sft,2018/19-M01,sft_agency,40,0
south,2018/19-M01,south_procure,50,0
"""
RISKS = """organisation,month,item,kind,description,best,likely,worst
sft,2018/19-M01,activity,risk,Activity over plan,100,200,400
"""


def cells(sheet: Worksheet) -> dict[str, list[object]]:
    """Each row of a pack sheet by its first cell (the header on row 4)."""
    return {
        str(row[0]): list(row[1:])
        for row in sheet.iter_rows(min_row=5, values_only=True)
        if row and row[0] is not None
    }


@pytest.fixture(scope="module")
def january(stockport: Results) -> Monitoring:
    baseline = PlanBaseline.from_results(stockport)
    return monitor(baseline, example_actuals(baseline), Month(2018, 10), FewsSettings(), [])


def test_the_pack_shows_each_organisation_and_the_system(january: Monitoring, tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    month = Month(2017, 2)
    ie = [
        IncomeExpenditure("north", Month(2017, m), category, plan, actual, None)
        for m in (1, 2)
        for category, plan, actual in (("clinical_income", 1000, 1000), ("pay", 1100, 1150))
    ]
    delivered = [EfficiencyDelivered("south", Month(2017, m), "south_procure", 20, 30) for m in (1, 2)]
    risks = [RiskLine("north", month, "activity", "risk", "Activity over plan", 10, 20, 40)]
    returns = [ReturnFacts("south", month, dt.date(2017, 7, 20), dt.date(2017, 7, 18))]
    efficiency = assess(programme, month, ie, delivered, risks, returns, PlanPositions("The plan", 3, {}))
    html, workbook = write_delivery_pack(january, "Plan", [], THIRDS, tmp_path, efficiency=[efficiency])
    page = html.read_text(encoding="utf-8")
    section = page.split('<section id="efficiency">')[1].split("</section>")[0]
    assert "<h2>Efficiency programmes</h2>" in section
    assert "FEWS efficiency set: Test system CIP 2017/18, as at May 2017 (2017/18-M02)" in section
    assert "North Hospital" in section and "South Trust" in section and "System" in section
    assert "Activity over plan" in section and "South Trust 2017/18-M02, 2 days" in section
    assert "Do-something: against the figure typed in &#x27;programme.yaml&#x27;" in section
    # North: position 100 a month planned, 150 actual; run rate 1,800; likely 1,800 + 20
    assert "1,800" in section and "1,820" in section
    book = load_workbook(workbook, data_only=True)
    assert {"Efficiency FEWS", "Efficiency position", "Efficiency delivered", "Efficiency risks"} <= set(
        book.sheetnames
    )
    position = cells(book["Efficiency position"])
    assert position["North Hospital"][:5] == [2, 200, 300, 100, 1800]
    assert position["North Hospital"][7] == 1820 and position["North Hospital"][9] == 1000
    assert position["System"][2] == 300 and position["System"][9] == 500
    delivery = cells(book["Efficiency delivered"])
    # South: plan line 600, all identified; 100 delivered, 40 recurrent and 60 not
    assert delivery["South Trust"][:3] == [600, 600, 0]
    assert delivery["South Trust"][5:8] == [100, 40, 60]
    assert delivery["System"][2] == 300  # North's unidentified gap: 1,200 less 900 identified
    # each risk in its words (the return's description), never its item code
    assert cells(book["Efficiency risks"])["North Hospital"] == ["Activity over plan", "risk", 10, 20, 40]
    fews = cells(book["Efficiency FEWS"])
    assert fews["South Trust: delivery against the phased plan"][:4] == [100, 100, 1, "green"]
    assert fews["South Trust: share non-recurrent"][2:4] == [pytest.approx(0.6), "red"]
    assert fews["System: unidentified gap"][:4] == [1800, 300, pytest.approx(1 / 6), "amber"]
    plain, book_plain = write_delivery_pack(january, "Plan", [], THIRDS, tmp_path / "plain")
    assert 'id="efficiency"' not in plain.read_text(encoding="utf-8")
    assert "Efficiency position" not in load_workbook(book_plain, read_only=True).sheetnames


def run_cli(db: Path, *args: str) -> tuple[int, str]:
    environment = {"CAREBRIDGE_DB": str(db), "CAREBRIDGE_USER": "finance.lead", "COLUMNS": "200"}
    done = CliRunner(env=environment).invoke(app, list(args))
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


@pytest.fixture(scope="module")
def stockport_store(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Path:
    """The Stockport plan approved (with its positions), a year of its activity, the test programme in
    Stockport's 2018/19 and a return of its two organisations."""
    folder = tmp_path_factory.mktemp("effpack")
    db = folder / "carebridge.db"
    with Store.open(str(db), actor="tests") as store:
        text, sha = scenario_file_text(STOCKPORT)
        baseline = PlanBaseline.from_results(stockport, plan_documents(stockport))
        approve(store, PLAN, text, str(STOCKPORT), baseline, sha)
        import_actuals(store, PLAN, sorted(ACTUALS.glob("activity-2018-19-M*.csv")))
        load(store, write_programme(folder, STOCKPORT_PROGRAMME))
        files = []
        for name, content in (("ie.csv", IE), ("delivered.csv", DELIVERED), ("risks.csv", RISKS)):
            files.append(folder / name)
            files[-1].write_text(content, encoding="utf-8")
        import_files(store, None, files, dt.date(2018, 5, 17))
    return db


def test_the_positions_are_against_the_approved_plan_where_it_holds_the_organisation(
    stockport_store: Path,
) -> None:
    with Store.open(str(stockport_store), actor="tests") as store:
        found = status(store, None)
        for_pack = efficiency_for_pack(store, Month(2018, 10), PLAN)
        other_year = efficiency_for_pack(store, Month(2017, 10), PLAN)
    sft, south = found.organisations
    assert sft.label == "Stockport FT" and sft.do_something == 24_400  # the plan's, not the 1,000 typed
    assert south.do_something == -500 and found.system.do_something == 23_900
    assert found.basis == (
        f"Do-something: against the approved plan '{PLAN}', version 1 for Stockport FT; "
        "against the figure typed in 'programme.yaml' for South Trust"
    )
    assert [s.as_at for s in for_pack] == [Month(2018, 10)] and other_year == ()
    assert for_pack[0].organisations[0].do_something == 24_400


def test_the_delivery_pack_command_adds_the_efficiency_programme(
    stockport_store: Path, tmp_path: Path
) -> None:
    code, output = run_cli(stockport_store, "efficiency", "status")
    assert code == 0, output
    assert f"against the approved plan '{PLAN}', version 1 for Stockport FT" in output
    out = tmp_path / "pack"
    code, output = run_cli(stockport_store, "report", "delivery", "--month", "2018/19-M10", "--out", str(out))
    assert code == 0, output
    page = (out / "delivery-2018-19-M10.html").read_text(encoding="utf-8")
    section = page.split('<section id="efficiency">')[1].split("</section>")[0]
    assert "Test system CIP 2018/19, as at Jan 2019 (2018/19-M10)" in section
    assert "Stockport FT" in section and "South Trust" in section
    assert f"against the approved plan &#x27;{PLAN}&#x27;, version 1 for Stockport FT" in section
    book = load_workbook(out / "delivery-2018-19-M10.xlsx", data_only=True)
    position = cells(book["Efficiency position"])
    # Stockport FT: expenditure 1,150 less income 1,000 in April; forecast 13,600 − 12,000; likely + 200
    assert position["Stockport FT"][:3] == [1, 100, 150]
    assert position["Stockport FT"][5] == 1600 and position["Stockport FT"][7] == 1800
    assert position["Stockport FT"][9:] == [24_400, 1800 - 24_400]
    assert position["South Trust"][9] == -500
    code, output = run_cli(stockport_store, "efficiency", "status", "--plan", "No such plan")
    assert code == 2 and "no plan called 'No such plan'" in output and "Traceback" not in output


def test_the_view_says_which_do_something_it_is_against(tmp_path: Path) -> None:
    programme, _ = load_programme(write_programme(tmp_path))
    every = PlanPositions("The plan", 2, {"north": 900.0, "south": -400.0})
    found = assess(programme, Month(2017, 1), [], [], [], [], every)
    assert found.basis == "Do-something: against the approved plan 'The plan', version 2"
    assert [v.do_something for v in found.organisations] == [900, -400] and found.system.do_something == 500
    typed = assess(programme, Month(2017, 1), [], [], [], [], None, ("Plan A", "Plan B"))
    assert typed.basis == (
        "Do-something: against the figure typed in 'programme.yaml' "
        "(approved plans holding 2017/18: 'Plan A', 'Plan B'; name one with --plan)"
    )
    assert [v.do_something for v in typed.organisations] == [1000, -500]
