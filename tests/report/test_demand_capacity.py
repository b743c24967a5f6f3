"""The report of demand, capacity and the workforce (docs/demand.md, docs/effects.md): the do-nothing growth
split into demographic and non-demographic, cohorts over time and their intersections, beds and WTE
do-nothing against do-something by organisation and year, and the scenario's warnings on the page and in the
workbook."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.engine import Results, run
from carebridge.report.excel import formula_values
from carebridge.report.plan import PlanReport, headline_tables, print_headlines, write_report
from carebridge.report.plan_tables import (
    all_tables,
    capacity,
    cohorts_over_time,
    growth_split,
    plan_years,
    workforce,
)
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable, Row
from carebridge.scenario.loader import load_scenario

EXAMPLES = Path(__file__).parents[2] / "examples"
DEMAND = EXAMPLES / "stockport-2017" / "demand.yaml"
STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"
STP_EFFECTS = EXAMPLES / "staffordshire-stp-2016" / "effects.yaml"
WHEN = datetime(2017, 6, 30, 12, 0, tzinfo=UTC)


@cache
def results_of(path: Path) -> Results:
    return run(load_scenario(path).scenario)


def rows_under(table: FormattedTable, title: str) -> dict[str, Row]:
    """The rows under heading ``title``, by label, to the next heading."""
    found: dict[str, Row] = {}
    inside = False
    for row in table.rows:
        if row.kind == "heading":
            if inside:
                break
            inside = row.label == title
        elif inside:
            found[row.label] = row
    assert found, f"no heading {title!r} in {table.id}"
    return found


def numbers(row: Row) -> list[float]:
    """A row's values, every one a number."""
    assert all(value is not None for value in row.values), row.label
    return [float(value or 0.0) for value in row.values]


def headings(table: FormattedTable) -> list[str]:
    return [row.label for row in table.rows if row.kind == "heading"]


# ---- the do-nothing growth split -----------------------------------------------------------------------


def test_the_growth_split_adds_to_the_do_nothing_exactly() -> None:
    results = results_of(DEMAND)
    table = growth_split(results)
    assert table is not None
    years = [column.header for column in table.columns]
    assert years == plan_years(results)
    rows = rows_under(table, "Non Elective (spells)")
    base, demographic, other = (
        numbers(rows[label])
        for label in ("Base-year activity, 2016/17", "Demographic growth", "Non-demographic growth")
    )
    total = rows["Do-nothing activity"]
    assert total.kind == "total"
    activity = results.activity.sel(pod="nel")
    for i, year in enumerate(years):
        assert base[i] + demographic[i] + other[i] == pytest.approx(numbers(total)[i], rel=1e-12, abs=1e-9)
        assert numbers(total)[i] == float(activity.do_nothing.sel(year=year))
        assert demographic[i] == float(activity.demographic_growth.sel(year=year))
        assert other[i] == float(activity.non_demographic_growth.sel(year=year))
    assert demographic[-1] > 0 and other[-1] > 0  # Non Elective's growth has both parts
    percent = rows_under(table, "Non Elective (spells)")
    assert numbers(percent["Demographic growth, % of the base year"])[-1] == pytest.approx(
        demographic[-1] / base[-1]
    )
    # a POD whose growth is a trajectory: all of it non-demographic
    ae = rows_under(table, "A&E (attendances)")
    assert set(numbers(ae["Demographic growth"])) == {0.0}


def test_every_pod_added_gives_stockports_12_6_percent_with_both_parts() -> None:
    """Seed 000: "demographic pressure from an ageing population driving activity growth (+12.6%)" by
    2020/21, Table 10's activity of every POD added."""
    table = growth_split(results_of(DEMAND))
    assert table is not None
    years = [column.header for column in table.columns]
    added = rows_under(table, "All these PODs, their units added")
    at = years.index("2020/21")
    assert numbers(added["Growth, % of the base year"])[at] == pytest.approx(0.126, abs=0.0005)
    assert numbers(added["Demographic growth"])[at] > 0
    assert numbers(added["Non-demographic growth"])[at] > 0
    pods = [name for name in headings(table) if name != "All these PODs, their units added"]
    parts = [rows_under(table, name)["Do-nothing activity"] for name in pods]
    assert numbers(added["Do-nothing activity"]) == pytest.approx(
        [sum(values) for values in zip(*(numbers(row) for row in parts), strict=True)]
    )
    for i in range(len(years)):
        lines = ("Base-year activity, 2016/17", "Demographic growth", "Non-demographic growth")
        assert sum(numbers(added[line])[i] for line in lines) == pytest.approx(
            numbers(added["Do-nothing activity"])[i], rel=1e-12
        )


def test_the_growth_split_is_only_where_population_drives_growth() -> None:
    assert growth_split(results_of(STOCKPORT)) is None
    assert "growth_split" not in {table.id for table in all_tables(results_of(STOCKPORT), None)}


def test_the_terminal_shows_the_split_of_the_pods_with_a_demographic_part() -> None:
    results = results_of(DEMAND)
    shown = [table for table in headline_tables(results) if table.id == "growth_split"]
    assert len(shown) == 1
    assert headings(shown[0]) == ["Non Elective (spells)"]
    console = Console(width=200, record=True)
    print_headlines(results, console)
    text = console.export_text()
    assert "Do-nothing activity growth: demographic and non-demographic" in text
    assert "Non-demographic growth" in text
    assert not [table for table in headline_tables(results_of(STOCKPORT)) if table.id == "growth_split"]


# ---- cohorts over time --------------------------------------------------------------------------------


def test_the_65_plus_cohort_grows_from_its_headcount_and_its_share_rises() -> None:
    results = results_of(DEMAND)
    table = cohorts_over_time(results)
    assert table is not None
    years = [column.header for column in table.columns]
    over65 = rows_under(table, "People aged 65 and over")
    people = dict(zip(years, numbers(over65["Headcount (people)"]), strict=True))
    assert people["2020/21"] == pytest.approx(61000)
    assert people["2016/17"] == pytest.approx(55700 + (61000 - 55700) * 2 / 6)  # 57,467, docs/demand.md §4
    share = numbers(over65["Non Elective: share of the POD's activity"])
    assert share[0] == pytest.approx(0.55)
    assert share[years.index("2020/21")] > share[0]
    held = numbers(over65["Non Elective: activity in the cohort, do-nothing"])
    do_nothing = results.activity.do_nothing.sel(pod="nel")
    for i, year in enumerate(years):
        assert held[i] == pytest.approx(share[i] * float(do_nothing.sel(year=year)))
    assert "55,700 in 2014/15" in table.note


def test_the_declared_intersection_is_shown_by_name() -> None:
    table = cohorts_over_time(results_of(DEMAND))
    assert table is not None
    both = rows_under(
        table, "Both 'Top 15% at risk of admission' and 'People aged 65 and over' (declared intersection)"
    )
    share = numbers(both["Non Elective: share of the POD's activity"])
    assert share == pytest.approx([0.45] * len(table.columns))
    assert "A&E: activity in both, do-nothing" in both
    assert headings(table)[:2] == ["Top 15% at risk of admission", "People aged 65 and over"]


def test_no_cohort_table_without_cohorts_that_change_or_overlap() -> None:
    assert cohorts_over_time(results_of(STOCKPORT)) is None


# ---- beds and WTE, do-nothing against do-something -----------------------------------------------------


def test_the_stp_beds_and_wte_fall_below_the_do_nothing() -> None:
    results = results_of(STP_EFFECTS)
    beds = capacity(results)
    assert beds is not None
    assert headings(beds) == ["Acute beds", "Do-nothing activity above the base year"]
    acute = rows_under(beds, "Acute beds")
    assert numbers(acute["Beds, do-nothing"])[-1] == pytest.approx(267.1, abs=0.05)  # the change column
    assert numbers(acute["Beds, do-something"])[-1] == pytest.approx(192.0, abs=0.05)
    staff = workforce(results)
    assert staff is not None
    assert headings(staff) == [
        "Additional consultants",
        "Additional other staff",
        "Provider staff (five NHS providers)",
        "All organisations and staff groups",
    ]
    every = rows_under(staff, "All organisations and staff groups")
    assert numbers(every["WTE, do-nothing"])[-1] == pytest.approx(1302.5, abs=0.05)
    assert numbers(every["WTE, do-something"])[-1] == pytest.approx(948.3, abs=0.05)
    provider = rows_under(staff, "Provider staff (five NHS providers)")
    assert numbers(provider["Pay cost, do-something less do-nothing"])[-2] == pytest.approx(-22000, abs=1)
    assert numbers(provider["Agency spend, do-nothing"])[0] == pytest.approx(44000, abs=1)
    assert "Agency spend, do-nothing" not in rows_under(staff, "Additional consultants")


def test_stockport_transfer_to_assess_beds_by_year() -> None:
    table = capacity(results_of(STOCKPORT))
    assert table is not None
    rows = rows_under(table, "Emergency beds (Stepping Hill)")
    years = [column.header for column in table.columns]
    last = years.index("2020/21")
    assert numbers(rows["Beds, do-nothing"])[last] == pytest.approx(747.5, abs=0.05)
    assert numbers(rows["Beds, do-something"])[last] == pytest.approx(500.5, abs=0.05)
    less = numbers(rows["Beds, do-something less do-nothing"])[last]
    something, nothing = numbers(rows["Beds, do-something"]), numbers(rows["Beds, do-nothing"])
    assert less == pytest.approx(something[last] - nothing[last])


def test_the_workforce_is_shown_by_organisation_in_its_name() -> None:
    scenario = load_scenario(STP_EFFECTS).scenario
    groups = [
        group.model_copy(update={"org": org})
        for group, org in zip(scenario.workforce, ("uhnm", "uhnm", "bhft"), strict=True)
    ]
    results = run(scenario.model_copy(update={"workforce": groups}))
    table = workforce(results)
    assert table is not None
    uhnm, bhft = results.org_label("uhnm"), results.org_label("bhft")
    assert uhnm != "uhnm" and bhft != "bhft"
    assert headings(table) == [
        f"{uhnm}: Additional consultants",
        f"{uhnm}: Additional other staff",
        f"{uhnm}: all staff groups",
        f"{bhft}: Provider staff (five NHS providers)",
        "All organisations and staff groups",
    ]
    together = numbers(rows_under(table, f"{uhnm}: all staff groups")["WTE, do-something"])
    one = numbers(rows_under(table, f"{uhnm}: Additional consultants")["WTE, do-something"])
    two = numbers(rows_under(table, f"{uhnm}: Additional other staff")["WTE, do-something"])
    assert together == pytest.approx(tuple(a + b for a, b in zip(one, two, strict=True)))


def test_no_capacity_label_is_an_id() -> None:
    results = results_of(STP_EFFECTS)
    scenario = results.scenario
    ids = {bed.id for bed in scenario.capacity.beds} | {group.id for group in scenario.workforce}
    for table in (capacity(results), workforce(results)):
        assert table is not None
        for row in table.rows:
            named = not any(row.label.startswith(f"{ident}:") or row.label == ident for ident in ids)
            assert named, row.label


# ---- warnings on the page and in the workbook, and the new tables in both ------------------------------


def test_warnings_and_the_new_tables_reach_the_page_and_the_workbook(tmp_path: Path) -> None:
    results = results_of(DEMAND)
    warning = "demand.yaml:170 schemes[5].cohort: cohorts 'A <b>' and 'B' both have schemes on POD 'X'"
    report = PlanReport(results, None, (warning,))
    write_report(report, tmp_path, Provenance.for_file(DEMAND, results.scenario.name, now=WHEN))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<section id="warnings"' in page
    assert "cohorts &#x27;A &lt;b&gt;&#x27;" in page
    assert page.index('id="warnings"') < page.index('id="summary"')
    for ident in ("growth_split", "cohorts_over_time"):
        assert f'id="table-{ident}"' in page
    book = load_workbook(tmp_path / "report.xlsx")
    assert book["Warnings"].sheet_state == "visible"
    assert book["Warnings"]["A2"].value == warning
    about = [str(row[1]) for row in book["About"].iter_rows(values_only=True) if row[0] == "Warnings"]
    assert any("on the Warnings sheet" in fact for fact in about)  # the fact, and the sheet in the list
    assert book["Inputs"].sheet_state == "hidden"
    split = book["Demographic growth split"]
    values = formula_values(book)["Demographic growth split"]
    total_row = next(  # A&E's, the first POD's
        row[0].row for row in split.iter_rows(min_col=1, max_col=1) if row[0].value == "Do-nothing activity"
    )
    assert str(split.cell(total_row, 3).value).startswith("=SUM(")
    cell = split.cell(total_row, 3).coordinate
    assert values[cell] == pytest.approx(float(results.activity.do_nothing.sel(pod="ae", year="2017/18")))


def test_a_page_without_warnings_has_no_warnings_section(tmp_path: Path) -> None:
    results = results_of(STP_EFFECTS)
    write_report(PlanReport(results, None), tmp_path, Provenance.for_file(STP_EFFECTS, "STP", now=WHEN))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="warnings"' not in page
    assert 'id="table-workforce"' in page and 'id="table-capacity"' in page
    assert "Warnings" not in load_workbook(tmp_path / "report.xlsx").sheetnames


def test_carebridge_run_puts_the_scenarios_warnings_in_the_report(tmp_path: Path) -> None:
    text = DEMAND.read_text(encoding="utf-8")
    start = text.index("cohort_overlaps:")
    end = text.index("demography:")
    source = tmp_path / "demand.yaml"
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    shutil.copy(DEMAND.parent / "population-two-las.csv", tmp_path)
    out = tmp_path / "out"
    outcome = CliRunner().invoke(app, ["run", str(source), "--out", str(out), "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "no declared intersection" in page
    assert "demand.yaml:" in page
    assert "no declared intersection" in str(load_workbook(out / "report.xlsx")["Warnings"]["A2"].value)


def test_a_place_of_a_region_puts_its_scenarios_warnings_in_its_own_report(tmp_path: Path) -> None:
    from carebridge.usecases.region import PlaceTask, run_place

    text = DEMAND.read_text(encoding="utf-8")
    source = tmp_path / "demand.yaml"
    source.write_text(text[: text.index("cohort_overlaps:")] + text[text.index("demography:") :], "utf-8")
    shutil.copy(DEMAND.parent / "population-two-las.csv", tmp_path)
    outcome = run_place(PlaceTask("stockport", "Stockport", str(source), str(tmp_path / "out")))
    assert not outcome.problems
    assert "no declared intersection" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
