"""The board pack of a run (report.html): the executive summary's figures are the tidy tables' figures, for
the Stockport example and the STP example; the page stays under 1.5 MB with plotly.js inlined; a chart that
is all zero is left out with its note; the summary shows names, never ids; provenance comes last; captions
cite only the plan's own document."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from carebridge.engine import Results, run
from carebridge.engine.appraisal import AppraisalParameters, appraise
from carebridge.report.chart import Chart, is_blank
from carebridge.report.html import run_page
from carebridge.report.plan import PlanReport, write_report
from carebridge.report.plan_summary import millions
from carebridge.report.provenance import Provenance
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from tests.conftest import EXAMPLES

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
MAX_BYTES = 1_500_000


class Tables(HTMLParser):
    """The tables of a piece of HTML by id: each row as the text of its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.current = self.tables.setdefault((dict(attrs).get("id") or "").removeprefix("table-"), [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.current is not None and self.cell is not None:
            self.current[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def number(text: str) -> float:
    """A printed £'000 figure as a number: ``(1,263)`` is -1263."""
    negative = text.startswith("(")
    value = float(text.strip("()").replace(",", ""))
    return -value if negative else value


def section(page: str, ident: str) -> str:
    found = re.search(rf'<section id="{ident}".*?</section>', page, re.S)
    assert found is not None, ident
    return found.group(0)


def summary_tables(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(section(page, "summary"))
    return {ident: rows[1:] for ident, rows in parser.tables.items()}  # without the header row


def positions_csv(folder: Path) -> dict[tuple[str, str, str], float]:
    with (folder / "positions.csv").open(encoding="utf-8") as handle:
        return {(r["line"], r["org"], r["year"]): float(r["value"]) for r in csv.DictReader(handle)}


def savings_csv(folder: Path, year: str) -> dict[tuple[str, str], float]:
    sums: dict[tuple[str, str], float] = defaultdict(float)
    with (folder / "savings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["year"] == year:
                sums[(row["scheme"], row["basis"])] += float(row["value"])
    return sums


def check_summary(results: Results, folder: Path) -> str:
    """Every figure of the summary of ``folder/report.html`` against ``positions.csv`` and ``savings.csv``;
    returns the summary's HTML."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    year = results.bridge_year
    cells = positions_csv(folder)
    tables = summary_tables(page)
    orgs = [str(org) for org in results.positions.org.values if org != "system"]

    rows = {row[0]: row[1:] for row in tables["summary-positions"]}
    assert list(rows) == [*(results.org_label(org) for org in orgs), "System"]
    for org in [*orgs, "system"]:
        gap, plan, residual = (number(text) for text in rows[results.org_label(org)])
        assert gap == round(cells[("do_nothing", org, year)])
        assert residual == round(cells[("do_something", org, year)])
        assert abs(plan - (cells[("do_something", org, year)] - cells[("do_nothing", org, year)])) <= 1

    bridge = [(name, number(value)) for name, value in tables["summary-bridge"]]
    lines = [str(line) for line in results.positions.line.values if line in results.plan_line_orgs]
    moving = [line for line in lines if abs(cells[(line, "system", year)]) >= 0.5]
    assert [name for name, _ in bridge] == [
        "Do-nothing gap",
        *(results.position_label(line) for line in moving),
        "Do-something position",
    ]
    wanted = [cells[(line, "system", year)] for line in ["do_nothing", *moving, "do_something"]]
    assert [value for _, value in bridge] == [round(value) for value in wanted]

    gap, residual = cells[("do_nothing", "system", year)], cells[("do_something", "system", year)]
    tiles = dict(re.findall(r'data-figure="(\w+)"><dt>[^<]*</dt><dd>([^<]*)</dd>', section(page, "summary")))
    assert unescape(tiles["gap"]) == millions(gap)
    assert unescape(tiles["residual"]) == millions(residual)
    assert unescape(tiles["plan"]) == millions(residual - gap)
    assert tiles["closed"] == f"{1 - residual / gap:.0%}"
    summary = unescape(section(page, "summary"))
    assert (
        f"The plan closes {1 - residual / gap:.0%} of the {year} do-nothing gap of {millions(gap)}" in summary
    )
    assert f"{millions(residual)} remains" in summary
    return summary


# ---- the Stockport example --------------------------------------------------------------------------------


def test_stockport_summary_equals_the_tidy_tables(results: Results, folder: Path) -> None:
    summary = check_summary(results, folder)
    assert "The plan closes 87% of the 2020/21 do-nothing gap of £156.8m; £20.5m remains." in summary
    savings = savings_csv(folder, "2020/21")
    schemes = {results.scheme_label(scheme): scheme for scheme in results.schemes}
    rows = summary_tables((folder / "report.html").read_text(encoding="utf-8"))["summary-schemes"]
    assert [row[0] for row in rows][:2] == ["Neighbourhood", "Outpatients"]
    for name, tariff, cost in rows:
        assert number(tariff) == round(savings[(schemes[name], "tariff")])
        assert number(cost) == round(savings[(schemes[name], "cost")])


def test_the_summary_names_and_never_ids(results: Results, folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", section(page, "summary"))
    ids = [
        *(str(org) for org in results.positions.org.values if org != "system"),
        *results.schemes,
        *results.plan_line_orgs,
    ]
    assert "sft" in ids and "acute_interface" in ids
    for ident in ids:
        assert not re.search(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text), ident
    assert "Acute Interface" in text and "Stockport FT" in text


def test_the_page_opens_with_the_summary_and_ends_with_provenance(
    folder: Path, provenance: Provenance
) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    main = page[page.index("<main>") :]
    assert main.index('id="summary"') < main.index('id="charts"') < main.index('id="provenance"')
    assert provenance.sha256 not in page[: page.index("<main>")]
    assert provenance.sha256 in section(page, "provenance")
    assert "seed 000" not in page


def test_stockport_report_stays_small_and_offline(folder: Path) -> None:
    page = folder / "report.html"
    assert page.stat().st_size <= MAX_BYTES
    text = page.read_text(encoding="utf-8")
    assert "plotly.js v4" in text and "plotly.js-finance-dist-min" in text
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", text)
    assert "@media print" in text and "size: A4 landscape" in text


def test_captions_cite_only_the_plans_own_document(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Layout of Stockport Table 1." in page
    assert "Layout of STP" not in page and "Layout of the STP" not in page


def test_no_caption_names_optimism_bias_that_is_off(folder: Path) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "optimism bias" not in page.lower()


# ---- a chart that is all zero -----------------------------------------------------------------------------


def test_a_chart_all_zero_is_left_out_with_a_note(
    example_data: dict[str, Any], provenance: Provenance, tmp_path: Path
) -> None:
    """Pennine Care with no gap and no plan: its bridge would be three empty bars."""
    data = example_data
    data["positions"]["do_nothing"]["pennine"] = 0
    plain = run(Scenario.model_validate(data))
    write_report(PlanReport(plain, None), tmp_path, provenance)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'Plotly.newPlot("chart-bridge-pennine"' not in page
    assert (
        "Financial bridge of Pennine Care, 2020/21 (£&#x27;000): every value is zero, so it is not drawn."
        in page
    )
    assert 'Plotly.newPlot("chart-bridge-sft"' in page
    assert 'href="#chart-bridge-pennine"' not in page


def test_is_blank_reads_the_values_a_chart_draws(results: Results, provenance: Provenance) -> None:
    zero = Chart("chart-zero", "Nothing", "All zero.", [{"type": "bar", "x": ["a"], "y": [0.0, None]}])
    flat = Chart("chart-hist", "Spread", "One value.", [{"type": "histogram", "x": [0.0, 0.0]}])
    some = Chart("chart-some", "Something", "Not zero.", [{"type": "scatter", "x": [0], "y": [0.0, -3.0]}])
    assert is_blank(zero) and is_blank(flat) and not is_blank(some)
    page = run_page(results, provenance, [], [zero, some])
    assert 'Plotly.newPlot("chart-some"' in page and 'Plotly.newPlot("chart-zero"' not in page
    assert "Nothing: every value is zero, so it is not drawn." in page


# ---- the STP example --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stp_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Results, Path]:
    scenario = load_scenario(STP).scenario
    results = run(scenario)
    out = tmp_path_factory.mktemp("stp")
    when = datetime(2016, 10, 21, 12, 0, tzinfo=UTC)
    report = PlanReport(results, appraise(results, AppraisalParameters()) if results.schemes else None)
    write_report(report, out, Provenance.for_file(STP, scenario.name, now=when))
    return results, out


def test_stp_summary_equals_the_tidy_tables(stp_report: tuple[Results, Path]) -> None:
    results, folder = stp_report
    summary = check_summary(results, folder)
    assert "The plan closes 79% of the 2020/21 do-nothing gap of £548.4m; £114.6m remains." in summary
    assert "Largest schemes" not in summary  # the STP has plan lines, no schemes
    assert "7 Day Working" in summary  # a sensitivity the scenario names
    assert "RWT (Cannock) has no plan in 2020/21" in summary


def test_stp_report_stays_small_and_cites_no_stockport_table(stp_report: tuple[Results, Path]) -> None:
    _, folder = stp_report
    page = folder / "report.html"
    assert page.stat().st_size <= MAX_BYTES
    text = page.read_text(encoding="utf-8")
    assert "Layout of Stockport" not in text
    assert "Layout of the STP&#x27;s" in text
