"""The delivery pack reads as the main report does: months by name (Sep 2018), target values to one decimal
place, month axes as categories so no label is cut, and — in a real browser at 1366 × 768 — no table wider
than its box, no page scrolling sideways, and every axis label whole inside its chart."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import Monitoring, monitor
from carebridge.delivery.months import Month
from carebridge.delivery.pack import actions_table, monthly_table, risks_table
from carebridge.delivery.pack_registers import month_name, value
from carebridge.report.delivery import write_delivery_pack
from carebridge.report.delivery_charts import all_charts
from carebridge.report.delivery_terminal import print_fews
from tests.conftest import CHROMIUM, SERVICE_SKIPS, chromium_missing
from tests.delivery.test_pack import ACTION, RISK, THIRDS, example_actuals

MONTH_NAME = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")


@pytest.fixture(scope="module")
def october(stockport_baseline: PlanBaseline) -> Monitoring:
    settings = FewsSettings(loss_threshold=500, basis="cost")
    return monitor(
        stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), settings, [ACTION]
    )


def test_the_pack_tables_name_their_months(october: Monitoring) -> None:
    monthly = monthly_table(october)
    months = [row[1] for row in monthly.rows]
    assert months[:2] == ["Apr 2018", "May 2018"] and months[11] == "Mar 2019"
    assert all(MONTH_NAME.match(str(month)) for month in months)
    action = actions_table([ACTION]).rows[0]
    assert (action[0], action[1]) == ("Dec 2018", "defer investment")


def test_target_values_are_shown_to_one_decimal_place() -> None:
    assert [value(6.0666667), value(0.43333), value(88.0), value(-0.04), value(None)] == [
        "6.1",
        "0.4",
        "88.0",
        "0.0",
        "",
    ]
    assert month_name("2017/18-M12") == "Mar 2018" and month_name("not a month") == "not a month"


def test_month_axes_are_categories_named_in_full(october: Monitoring) -> None:
    for chart in all_charts(october):
        assert chart.layout["xaxis"]["type"] == "category"
        if chart.id.startswith("chart-trajectory"):
            assert chart.data[0]["x"][0] == "Apr 2018" and chart.data[0]["x"][-1] == "Mar 2019"


@pytest.mark.e2e
@pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"])
def test_at_1366_nothing_is_cut(october: Monitoring, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    html, _ = write_delivery_pack(october, "June 2017 business cases", [RISK], THIRDS, tmp_path)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(html.as_uri())
        page.wait_for_selector(".xtick text")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        scrolled = page.evaluate(
            "Array.from(document.querySelectorAll('.table-wrap'))"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label'))"
        )
        ticks = page.evaluate(
            """Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(plot => {
                 const box = plot.getBoundingClientRect();
                 return Array.from(plot.querySelectorAll('.xtick text')).map(t => {
                   const r = t.getBoundingClientRect();
                   return [t.textContent, r.left >= box.left - 0.5 && r.right <= box.right + 0.5];
                 });
               })"""
        )
        browser.close()
    assert widths[0] <= widths[1]
    assert scrolled == []
    months = [text for text, _ in ticks if MONTH_NAME.match(text)]
    assert "Mar 2019" in months and "Apr 2018" in months
    assert [text for text, inside in ticks if not inside] == []


def test_the_risk_register_names_its_schemes_and_days(stockport_baseline: PlanBaseline) -> None:
    risk = SimpleNamespace(
        code="R1", title="Demand not curbed", owner="Board", schemes=("acute_interface", "outpatients")
    )
    risk.review_date = dt.date(2017, 9, 30)
    row = risks_table([risk], stockport_baseline.scheme_name).rows[0]
    assert row[3] == "Acute Interface, Outpatients"
    assert row[-1] == "30 Sep 2017"


def test_the_fews_in_a_pipe_keeps_every_note_whole(october: Monitoring) -> None:
    stream = io.StringIO()
    print_fews(october, "June 2017 business cases", Console(file=stream, width=80))
    printed = stream.getvalue()
    assert "…" not in printed
    words = set(printed.split())
    for indicator in october.fews.indicators:
        assert set(indicator.note.split()) <= words, indicator.note
        assert set(indicator.label.split()) <= words, indicator.label
