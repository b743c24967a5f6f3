"""Money between the partners in the run report (model spec section 13, issue 21): the flows table by year,
the reconciliation of the section's checks, and the bridges from the schemes of each organisation, sector
and the system, in the HTML page and the workbook, every number read from the Results arrays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl.workbook.workbook import Workbook

from carebridge.engine import Results, run
from carebridge.engine.flows import FLOWS, SCHEME_LINES, SECTORS, SYSTEM
from carebridge.engine.view import views_of
from carebridge.report.numbers import format_number
from carebridge.report.plan_charts import all_charts, scheme_bridge_chart
from carebridge.report.plan_tables import (
    FLOW_LABELS,
    SUBTOTAL_FLOW,
    checks_table,
    flow_checks,
    flow_holders,
    flows_between_partners,
    plan_years,
    scheme_bridges,
)
from carebridge.report.table import FormattedTable, Row
from carebridge.scenario.names import sector as sector_of
from carebridge.scenario.schema import Scenario

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def flows_table(results: Results) -> FormattedTable:
    table = flows_between_partners(results)
    assert table is not None
    return table


@pytest.fixture(scope="module")
def bridges_table(results: Results) -> FormattedTable:
    table = scheme_bridges(results)
    assert table is not None
    return table


def year_rows(table: FormattedTable, year: str) -> dict[str, Row]:
    """The rows under a year's (or a holder's) heading, by label."""
    rows: dict[str, Row] = {}
    inside = False
    for row in table.rows:
        if row.kind == "heading":
            inside = row.label == year
        elif inside:
            rows[row.label] = row
    return rows


def flow_sum(results: Results, org: str, flow: str, year: str) -> float:
    flows = results.flows
    assert flows is not None
    chosen = flows.where((flows.org == org) & (flows.flow == flow), 0.0)
    return float(chosen.sel(year=year).sum("entry"))


def test_the_report_has_the_tables(tables: dict[str, FormattedTable]) -> None:
    assert {"flows", "flow_checks", "scheme_bridges"} <= set(tables)


def test_flows_equal_the_results_arrays(results: Results, flows_table: FormattedTable) -> None:
    holders = flow_holders(results)
    assert [column.header for column in flows_table.columns] == [
        *(results.org_label(org) for org in holders),
        "System",
    ]
    assert "Stockport FT" in [column.header for column in flows_table.columns]
    for year in plan_years(results):
        rows = year_rows(flows_table, year)
        for flow in FLOWS:
            values = rows[FLOW_LABELS[flow]].values
            for index, org in enumerate(holders):
                assert values[index] == pytest.approx(flow_sum(results, org, flow, year), abs=TOLERANCE)


def test_the_organisations_sum_to_the_system(results: Results, flows_table: FormattedTable) -> None:
    assert results.scheme_positions is not None
    system = results.scheme_positions.sel(holder=SYSTEM)
    for year in plan_years(results):
        rows = year_rows(flows_table, year)
        for flow in FLOWS:
            *orgs, whole = rows[FLOW_LABELS[flow]].values
            assert whole == pytest.approx(sum(v or 0.0 for v in orgs), abs=TOLERANCE)
            if flow != SUBTOTAL_FLOW:
                expected = float(system.sel(line=f"schemes.{flow}", year=year))
                assert whole == pytest.approx(expected, abs=TOLERANCE)


def test_stranded_cost_is_a_subtotal_never_added_again(results: Results, flows_table: FormattedTable) -> None:
    year = results.bridge_year
    rows = year_rows(flows_table, year)
    stranded = rows[FLOW_LABELS[SUBTOTAL_FLOW]]
    assert "subtotal" in stranded.label and "not added" in stranded.label
    income, cost = rows[FLOW_LABELS["income"]].values, rows[FLOW_LABELS["cost"]].values
    for index, value in enumerate(stranded.values):
        assert value == pytest.approx((income[index] or 0.0) + (cost[index] or 0.0), abs=TOLERANCE)
    # SFT loses more income than the cost it releases: the stranded cost a compensating payment covers
    sft = flow_holders(results).index("sft")
    assert (stranded.values[sft] or 0.0) > 0
    effect = rows[f"Effect on the position, {year}"]
    assert effect.kind == "total"
    added = [rows[FLOW_LABELS[flow]].values for flow in FLOWS if flow != SUBTOTAL_FLOW]
    for index, value in enumerate(effect.values):
        assert value == pytest.approx(sum(row[index] or 0.0 for row in added), abs=TOLERANCE)


def test_the_checks_are_the_results_checks(results: Results) -> None:
    table = flow_checks(results)
    checks = results.flow_checks
    assert table is not None and checks is not None
    years = plan_years(results)
    for check in checks.check.values:
        name = str(checks.sel(check=check).name.values)
        rows = year_rows(table, name)
        for label, variable in (
            ("Computed", "computed"),
            ("Expected", "expected"),
            ("Difference", "difference"),
        ):
            expected = [float(checks[variable].sel(check=check, year=year)) for year in years]
            assert rows[label].values == pytest.approx(expected, abs=TOLERANCE)
        assert not any(rows["Difference"].flags), f"{name} does not hold"


def test_a_check_that_fails_is_flagged(results: Results) -> None:
    """A difference above half a £'000 is flagged (the table reads the difference as given)."""
    checks = results.flow_checks
    assert checks is not None
    broken = checks.assign(difference=checks.difference.where(checks.check != "stranded", 3.0))
    table = checks_table(views_of(broken), plan_years(results))
    name = str(checks.sel(check="stranded").name.values)
    assert all(year_rows(table, name)["Difference"].flags)
    assert not any(year_rows(table, str(checks.sel(check="compensating").name.values))["Difference"].flags)


def test_bridges_from_the_schemes_equal_the_positions(
    results: Results, bridges_table: FormattedTable
) -> None:
    held = results.scheme_positions
    assert held is not None
    years = plan_years(results)
    holders = [str(holder) for holder in held.holder.values]
    assert {"nhs", "social_care", SYSTEM} <= set(holders)
    for holder in holders:
        rows = year_rows(bridges_table, results.org_label(holder))
        assert len(rows) == len(SCHEME_LINES)
        for line in SCHEME_LINES:
            expected = [float(held.sel(line=line, holder=holder, year=year)) for year in years]
            assert rows[results.position_label(line)].values == pytest.approx(expected, abs=TOLERANCE)
        for year_index in range(len(years)):
            start = rows["Do-nothing gap"].values[year_index] or 0.0
            steps = [
                rows[results.position_label(line)].values[year_index] or 0.0
                for line in SCHEME_LINES
                if line
                not in (
                    "schemes.do_nothing",
                    "schemes.position",
                    "schemes.not_explained",
                    "schemes.do_something",
                )
            ]
            position = rows[results.position_label("schemes.position")].values[year_index]
            assert position == pytest.approx(start + sum(steps), abs=TOLERANCE)


def test_sectors_and_organisations_sum_to_the_system(results: Results, bridges_table: FormattedTable) -> None:
    held = results.scheme_positions
    assert held is not None
    organisations = [str(h) for h in held.holder.values if h not in (*SECTORS, SYSTEM)]
    sectors = {org.id: sector_of(org) for org in results.scenario.organisations}
    summed = [line for line in SCHEME_LINES if line not in ("schemes.not_explained", "schemes.do_something")]
    for year in plan_years(results):
        for line in summed:
            label = results.position_label(line)
            column = plan_years(results).index(year)

            def value(holder: str, label: str = label, column: int = column) -> float:
                return year_rows(bridges_table, results.org_label(holder))[label].values[column] or 0.0

            system = value(SYSTEM)
            assert system == pytest.approx(sum(value(org) for org in organisations), abs=TOLERANCE)
            assert system == pytest.approx(value("nhs") + value("social_care"), abs=TOLERANCE)
            for sector in SECTORS:
                members = [org for org in organisations if sectors.get(org) == sector]
                assert value(sector) == pytest.approx(sum(value(org) for org in members), abs=TOLERANCE)


def test_system_and_sector_waterfalls(results: Results) -> None:
    held = results.scheme_positions
    assert held is not None
    ids = [chart.id for chart in all_charts(results, None)]
    for holder in (SYSTEM, *SECTORS):
        assert f"chart-scheme-bridge-{holder}" in ids
        chart = scheme_bridge_chart(results, holder)
        trace = chart.data[0]
        assert trace["type"] == "waterfall"
        values = dict(zip(trace["x"], trace["y"], strict=True))
        for line in SCHEME_LINES:
            expected = float(held.sel(line=line, holder=holder, year=results.bridge_year))
            label = results.position_label(line)
            assert values.get(label, 0.0) == pytest.approx(expected, abs=TOLERANCE)
        assert trace["measure"][0] == "absolute" and trace["measure"][-1] == "total"
        # the steps between the ends add up to the do-something position the chart ends on
        position_at = trace["x"].index(results.position_label("schemes.position"))
        assert trace["y"][position_at] == pytest.approx(sum(trace["y"][:position_at]), abs=TOLERANCE)
        assert trace["y"][-1] == pytest.approx(sum(trace["y"][position_at:-1]), abs=TOLERANCE)


def test_a_sector_with_nothing_has_no_waterfall(example_data: dict[str, Any]) -> None:
    """A plan of NHS organisations only: the social care bridge is zero throughout and not drawn."""
    example_data["organisations"] = [org for org in example_data["organisations"] if org["id"] != "smbc"]
    positions = example_data["positions"]
    positions["do_nothing"] = {org: row for org, row in positions["do_nothing"].items() if org != "smbc"}
    positions["plan_lines"] = [line for line in positions["plan_lines"] if line.get("org") != "smbc"]
    positions.get("do_something", {}).pop("smbc", None)
    results = run(Scenario.model_validate(example_data))
    ids = [chart.id for chart in all_charts(results, None)]
    assert "chart-scheme-bridge-system" in ids and "chart-scheme-bridge-nhs" in ids
    assert "chart-scheme-bridge-social_care" not in ids


def test_the_page_shows_them(folder: Path, results: Results, flows_table: FormattedTable) -> None:
    page = (folder / "report.html").read_text(encoding="utf-8")
    for element in ("table-flows", "table-flow_checks", "table-scheme_bridges"):
        assert f'id="{element}"' in page
    for holder in (SYSTEM, *SECTORS):
        assert f'id="chart-scheme-bridge-{holder}"' in page
    flows = page[page.index('id="table-flows"') : page.index('id="table-flow_checks"')]
    assert "Stockport FT" in flows and "Stranded cost (subtotal" in flows
    payment = year_rows(flows_table, results.bridge_year)[FLOW_LABELS["payment"]].values
    assert format_number(payment[-1], "money") in flows
    assert format_number(payment[-1], "money").startswith("(")  # a saving in brackets


def sheet_rows(workbook: Workbook, name: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def test_the_workbook_holds_them(workbook: Workbook, results: Results, flows_table: FormattedTable) -> None:
    assert {"Flows", "Flow checks", "Bridges from the schemes"} <= set(workbook.sheetnames)
    rows = sheet_rows(workbook, "Flows")
    assert rows[0][0] == "Flows between the partners"
    header = next(row for row in rows if row[0] == "Flow")
    assert list(header[1:]) == [column.header for column in flows_table.columns]
    for year in plan_years(results):
        start = next(i for i, row in enumerate(rows) if row[0] == year)
        written = {row[0]: row[1:] for row in rows[start + 1 : start + len(FLOWS) + 2]}
        for label, row in year_rows(flows_table, year).items():
            assert written[label] == pytest.approx(row.values, abs=TOLERANCE)
    bridges = sheet_rows(workbook, "Bridges from the schemes")
    held = results.scheme_positions
    assert held is not None
    start = next(i for i, row in enumerate(bridges) if row[0] == "System")
    do_something = bridges[start + len(SCHEME_LINES)]
    assert do_something[0] == results.position_label("schemes.do_something")
    expected = [
        float(held.sel(line="schemes.do_something", holder=SYSTEM, year=y)) for y in plan_years(results)
    ]
    assert list(do_something[1:]) == pytest.approx(expected, abs=TOLERANCE)
