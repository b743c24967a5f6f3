"""The delivery pack and the FEWS report written in-process: sections, numbers as numbers, the settlement."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import Action, FewsSettings
from carebridge.delivery.monitor import ActualsData, Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.delivery.risks import Risk, RiskScore
from carebridge.delivery.settlement import NO_AGREEMENT, settle_year
from carebridge.report.delivery import write_delivery_pack, write_fews
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import row_of
from carebridge.store.registers import StoredRisk
from tests.conftest import EXAMPLES

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
THIRDS = {"ccg": (1 / 3, 1 / 3), "smbc": (1 / 3, 1 / 3), "providers": (1 / 3, 1 / 3)}
ACTION = Action(
    "2018/19-M09", "defer_investment", "Defer outpatient investment", "sft", 400.0, "agreed", "outpatients"
)
RISK = StoredRisk(
    Risk(
        id="R1",
        title="Failure to curb the demand for acute hospital care",
        description="",
        owner="Programme board",
        before=RiskScore(likelihood=4, impact=5),
        after=RiskScore(likelihood=3, impact=4),
    ),
    None,
    "open",
)


def example_actuals(baseline: PlanBaseline) -> ActualsData:
    """The worked example's files as the store would hand them back."""
    frames: dict[str, list[dict[str, object]]] = {}
    names = {
        "activity": "activity",
        "spend": "spend",
        "milestones": "milestones",
        "forecast": "forecasts",
        "profile": "profiles",
    }
    for path in sorted(ACTUALS.glob("*.csv")):
        for kind, records in read_actuals(path, baseline).tables.items():
            frames.setdefault(names[kind], []).extend(row_of(record) for record in records)
    return ActualsData(**{name: pd.DataFrame(rows) for name, rows in frames.items()})


@pytest.fixture(scope="module")
def january(stockport_baseline: PlanBaseline) -> Monitoring:
    settings = FewsSettings(loss_threshold=500, basis="cost")
    return monitor(
        stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), settings, [ACTION]
    )


def test_the_settlement_follows_the_share_rules_on_the_forecast(january: Monitoring) -> None:
    view = settle_year(january.fews, THIRDS)
    planned, forecast = view.settlements
    assert (planned.basis, planned.outcome) == ("planned", "gain")
    assert planned.gain == pytest.approx(
        january.forecast.planned_benefit - january.forecast.planned_investment
    )
    assert (forecast.basis, forecast.outcome, forecast.stop_loss_breached) == ("forecast", "loss", True)
    assert forecast.loss == pytest.approx(january.fews.forecast.forecast_loss)
    assert forecast.residual_loss == pytest.approx(january.fews.forecast.forecast_loss - 400)
    assert sum(line.risk_share for line in forecast.lines) == pytest.approx(forecast.residual_loss)
    assert settle_year(january.fews, {}).message == NO_AGREEMENT


def test_the_pack_has_every_section_and_the_workbook_keeps_numbers(
    january: Monitoring, tmp_path: Path
) -> None:
    html, workbook = write_delivery_pack(january, "June 2017 business cases", [RISK], THIRDS, tmp_path)
    assert (html.name, workbook.name) == ("delivery-2018-19-M10.html", "delivery-2018-19-M10.xlsx")
    page = html.read_text(encoding="utf-8")
    for section in (
        "FEWS status",
        "Trajectories against actuals",
        "Savings realised",
        "Risk heat map",
        "Risk and gain share settlement, forecast 2018/19",
        "Defer outpatient investment",
    ):
        assert section in page
    assert "http://" not in page.split("<script>")[0] and "<script src=" not in page
    book = load_workbook(workbook)
    sheet = book["Savings by scheme (cost)"]
    header = [cell.value for cell in sheet[4]]
    assert header[:4] == ["Scheme", "Planned full year", "Planned YTD", "Realised YTD"]
    assert isinstance(sheet["B5"].value, float) and sheet["B5"].number_format == "#,##0;(#,##0)"
    assert sheet["E5"].number_format == "0.0%"


def test_without_an_agreement_or_risks_the_pack_says_so(january: Monitoring, tmp_path: Path) -> None:
    html, _ = write_delivery_pack(january, "June 2017 business cases", [], {}, tmp_path)
    page = html.read_text(encoding="utf-8")
    assert "No risk and gain share agreement is configured for this plan" in page
    assert "No risks are recorded in the store for this plan." in page


def test_the_fews_report_is_a_page_and_a_table(january: Monitoring, tmp_path: Path) -> None:
    html, table = write_fews(january, "June 2017 business cases", tmp_path)
    assert "intervention triggered" in html.read_text(encoding="utf-8")
    indicators = pd.read_csv(table)
    assert set(indicators["Set"]) == {
        "Mobilisation and implementation plan",
        "Activity deflection",
        "Benefits realisation plan",
    }
    assert (indicators["Status"] == "red").sum() >= 3
