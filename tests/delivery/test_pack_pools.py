"""The pooled budgets in the delivery pack: a section at the end of the page and a sheet per table in the
workbook, numbers as numbers; no section when no pool has a budget in the pack's year."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.delivery.pools import PoolStatus, check_pool_spend, load_pool, pool_status
from carebridge.report.delivery import write_delivery_pack
from tests.conftest import EXAMPLES
from tests.delivery.test_pack import RISK, THIRDS, example_actuals

POOLS = EXAMPLES / "stockport-2017" / "pools"


@pytest.fixture(scope="module")
def status() -> PoolStatus:
    pool = load_pool(POOLS / "pool-65-plus-2016-17.yaml")
    lines = list(csv.reader((POOLS / "spend-2016-17.csv").read_text(encoding="utf-8").splitlines()))
    spend: dict[Month, dict[str, float]] = {}
    for row in check_pool_spend("spend.csv", lines, {"age_65_plus": pool}):
        spend.setdefault(row.month, {})[row.service_area] = row.spend
    return pool_status(pool, spend, Month.parse("2016/17-M06"))


def test_the_pack_ends_with_the_pooled_budgets(
    stockport_baseline: PlanBaseline, status: PoolStatus, tmp_path: Path
) -> None:
    january = monitor(
        stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), FewsSettings(), []
    )
    html, workbook = write_delivery_pack(january, "Plan", [RISK], THIRDS, tmp_path, pools=[status])
    page = html.read_text(encoding="utf-8")
    assert page.index("Pooled budgets") > page.index("Risk and gain share settlement")
    assert "Pooled budget: Stockport pooled budget for people aged 65+, as at Sep 2016 (2016/17-M06)" in page
    assert "Stockport Metropolitan Borough Council" in page and "no risk share agreed" in page
    book = load_workbook(workbook, data_only=True)
    sheet = book["Pool age_65_plus"]
    values = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(5, sheet.max_row + 1)}
    assert values["Forecast variance, affordability basis"] == pytest.approx(3_670)
    assert values["Budget, affordability (gross less QIPP)"] == pytest.approx(144_200)
    assert values["Spend to date"] == 73_935 and sheet["B9"].number_format == "#,##0;(#,##0)"
    share = book["Pool share age_65_plus"]
    assert share["B5"].value == pytest.approx(118_000 / 144_200) and share["B5"].number_format == "0.0%"
    html, _ = write_delivery_pack(january, "Plan", [RISK], THIRDS, tmp_path / "none")
    assert "Pooled budgets" not in html.read_text(encoding="utf-8")
