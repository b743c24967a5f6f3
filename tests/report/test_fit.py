"""The report's tables fit a 1366 × 768 laptop: headers wrap at their spaces, numbers never do, and a table
of many columns is drawn dense; in a real browser no table is wider than its box."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.report.html_table import DENSE_COLUMNS, formatted_html_table
from carebridge.report.table import Column, FormattedTable, Row
from tests.conftest import CHROMIUM, SERVICE_SKIPS, chromium_missing


def table(columns: int) -> FormattedTable:
    headers = tuple(Column(f"20{15 + i}/{16 + i}") for i in range(columns))
    return FormattedTable("t", "T", "T", "£'000", headers, (Row("A line", (1.0,) * columns),))


def test_a_table_of_many_columns_is_dense() -> None:
    assert formatted_html_table(table(DENSE_COLUMNS + 1)).classes == "dense"
    assert formatted_html_table(table(DENSE_COLUMNS)).classes == ""


@pytest.mark.e2e
@pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"])
def test_no_table_of_the_report_scrolls_at_1366(folder: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto((folder / "report.html").as_uri())
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        scrolled = page.evaluate(
            "Array.from(document.querySelectorAll('.table-wrap'))"
            ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label'))"
        )
        browser.close()
    assert widths[0] <= widths[1]
    assert scrolled == []
