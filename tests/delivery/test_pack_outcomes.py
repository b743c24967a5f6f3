"""The delivery pack gains the outcomes registers' table, at the end, on the page and in the workbook."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from carebridge.delivery import outcomes as oc
from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.delivery.pack_outcomes import outcomes_table
from carebridge.report.delivery import write_delivery_pack
from tests.conftest import EXAMPLES
from tests.delivery.test_pack import example_actuals

FOLDER = EXAMPLES / "outcomes"


def test_the_pack_ends_with_the_outcomes(stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    register = oc.load_outcomes(FOLDER / "register.yaml")
    with (FOLDER / "values.csv").open(encoding="utf-8") as file:
        rows = oc.check_values("values.csv", list(csv.reader(file)), register)
    table = outcomes_table(register.name, [(m, oc.progress(m, rows)) for m in register.measures])
    assert [row[0] for row in table.rows][:2] == [
        "Life expectancy at birth, men",
        "Life expectancy at birth, women",
    ]
    cvd = next(row for row in table.rows if row[0] == "Circulatory disease mortality under 75")
    assert cvd[5] == "70.3" and cvd[6] in ("green", "amber", "red")
    monitoring = monitor(
        stockport_baseline,
        example_actuals(stockport_baseline),
        Month(2018, 10),
        FewsSettings(loss_threshold=500, basis="cost"),
        [],
    )
    html, workbook = write_delivery_pack(
        monitoring, "June 2017 business cases", [], {}, tmp_path, outcomes=[table]
    )
    page = html.read_text(encoding="utf-8")
    assert page.index("Risk and gain share settlement") < page.index("Outcomes and inequalities")
    assert "Cancer mortality under 75" in page
    assert "Outcomes" in load_workbook(workbook).sheetnames


def test_without_a_register_the_pack_is_as_before(stockport_baseline: PlanBaseline, tmp_path: Path) -> None:
    monitoring = monitor(
        stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), FewsSettings(), []
    )
    html, _ = write_delivery_pack(monitoring, "June 2017 business cases", [], {}, tmp_path, outcomes=())
    assert "Outcomes and inequalities" not in html.read_text(encoding="utf-8")
