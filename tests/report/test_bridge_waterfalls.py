"""Each organisation's bridge waterfall (the PNG and the page's chart) reconciles to the bridge table: its
steps add up from the do-nothing gap to the do-something position, allocated system lines included (issue 21).

The Staffordshire STP allocates every system line to the organisations, so without the allocated lines an
organisation's chart would jump from do-nothing to do-something; Stockport's organisations have lines of
their own and system lines that are not allocated (which stay in the system's chart only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from carebridge.engine import Results, run
from carebridge.engine.finance import SYSTEM
from carebridge.report.plan_charts import organisation_bridge_chart, waterfall
from carebridge.report.plan_tables import do_something_position, organisation_bridges, organisations
from carebridge.report.png import bar_chain, bridge_figure, bridge_png
from carebridge.report.table import FormattedTable
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES

STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"


@pytest.fixture(scope="module")
def stp() -> Results:
    return run(load_scenario(STP).scenario)


def column(table: FormattedTable, results: Results, org: str) -> dict[str, float]:
    """The bridge table's column for ``org``: each row's value by label, blank cells left out."""
    index = [c.header for c in table.columns].index(results.org_label(org))
    cells = {row.label: row.values[index] for row in table.rows}
    return {label: value for label, value in cells.items() if value is not None}


def check_chain(results: Results, org: str) -> None:
    names, values = waterfall(results, org, results.bridge_year)
    table = column(organisation_bridges(results), results, org)
    assert dict(zip(names, values, strict=True)) == pytest.approx(table)
    *steps, (bottom, height) = bar_chain(values)
    last_bottom, last_height = steps[-1]
    assert last_bottom + last_height == pytest.approx(table["Do-something position"], abs=1e-6)
    assert (bottom, height) == pytest.approx((0.0, table["Do-something position"]))
    trace = organisation_bridge_chart(results, org).data[0]
    assert trace["y"][0] + sum(trace["y"][1:-1]) == pytest.approx(trace["y"][-1], abs=1e-6)


def test_every_stp_organisations_chart_has_its_allocated_lines_and_reconciles(stp: Results) -> None:
    for org in organisations(stp):
        check_chain(stp, org)
    names, values = waterfall(stp, "uhnm", stp.bridge_year)
    steps = dict(zip(names[1:-1], values[1:-1], strict=True))
    assert round(steps["CIP/Workforce"]) == -61469  # README: 47.1% of CIP's (130,447) in 2020/21
    assert len(steps) > 5


def test_an_organisation_with_no_share_of_a_line_still_shows_it_as_zero(stp: Results) -> None:
    _, values = waterfall(stp, "rwt", stp.bridge_year)
    assert values[0] == pytest.approx(values[-1])  # RWT shares no line: its £6m deficit stays
    assert all(value == pytest.approx(0.0) for value in values[1:-1])


def test_stockport_system_lines_that_are_not_allocated_stay_with_the_system(results: Results) -> None:
    for org in [*organisations(results), SYSTEM]:
        check_chain(results, org)
    names, _ = waterfall(results, "ccg", results.bridge_year)
    assert "Stockport CCG savings programme" in names
    assert "Stockport Together Saving" not in names


def test_the_png_is_drawn_for_an_allocated_organisation(stp: Results, tmp_path: Path) -> None:
    path = bridge_png(stp, "uhnm", tmp_path / "bridge-uhnm.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_the_do_something_table_adds_up_when_lines_are_allocated(stp: Results) -> None:
    """Each organisation's do-something holds its share of the allocated lines, so the table lists only the
    system lines that are not allocated (none in the STP): its rows add up to its Total."""
    *rows, total = do_something_position(stp).rows
    assert total.label == "Total"
    assert len(rows) == len(organisations(stp))
    for year, value in enumerate(total.values):
        assert sum(row.values[year] or 0.0 for row in rows) == pytest.approx(value)


@pytest.mark.parametrize("org", [SYSTEM, "rwt", "uhnm"])
def test_every_bar_name_is_whole_and_inside_the_png(stp: Results, org: str) -> None:
    """The STP's longest line ("Stoke-on-Trent CC budget consultation proposals (not quantified)") and its
    organisations' names ("RWT (Cannock)") are drawn whole: each tick label reads as the name and lies inside
    the figure; the values over the bars stay under the title."""
    figure = bridge_figure(stp, org)
    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]
    figure.draw(renderer)
    names, _ = waterfall(stp, org, stp.bridge_year)
    axes = figure.axes[0]
    labels = axes.get_xticklabels()
    assert [" ".join(label.get_text().split()) for label in labels] == names
    inside = figure.bbox
    for label in [*labels, axes.title]:
        box = label.get_window_extent(renderer)
        assert box.x0 >= inside.x0 and box.x1 <= inside.x1 and box.y0 >= inside.y0, label.get_text()
    top = axes.get_window_extent(renderer).y1
    for value in axes.texts:
        assert value.get_window_extent(renderer).y1 <= top, value.get_text()
    assert stp.org_label("rwt") == "RWT (Cannock)"
