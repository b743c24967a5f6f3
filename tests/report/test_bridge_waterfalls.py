"""Each organisation's bridge waterfall (the PNG and the page's chart) reconciles to the bridge table: its
steps add up from the do-nothing gap to the do-something position, allocated system lines included (issue 21).

The Staffordshire STP allocates every system line to the organisations, so without the allocated lines an
organisation's chart would jump from do-nothing to do-something; Stockport's organisations have lines of
their own and system lines that are not allocated (which stay in the system's chart only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from carebridge.engine import Results, run
from carebridge.engine.finance import SYSTEM
from carebridge.report.chart import END, FALL, RISE
from carebridge.report.plan_charts import organisation_bridge_chart, waterfall
from carebridge.report.plan_tables import do_something_position, organisation_bridges, organisations
from carebridge.report.png import bar_chain, bridge_figure, bridge_png, render, tick_values
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
    organisations' names ("RWT (Cannock)") are drawn whole: each name under its bar reads as the name and lies
    inside the image, as do the title and the axis; the values over the bars stay inside the plot area."""
    drawing = bridge_figure(stp, org)
    names, _ = waterfall(stp, org, stp.bridge_year)
    assert [" ".join(label.text.split()) for label in drawing.names] == names
    for text in drawing.texts():
        assert text.box.inside(drawing.image), text.text
    for value in drawing.values:
        assert value.box.top >= drawing.plot.top, value.text
    for label in drawing.names:
        assert label.box.top >= drawing.plot.bottom, label.text
    assert f"Financial bridge, {stp.org_label(org)}, " in drawing.title.text
    assert stp.org_label("rwt") == "RWT (Cannock)"


def test_the_png_shows_each_bar_in_its_colour(results: Results, tmp_path: Path) -> None:
    """The image is a real PNG of the drawing's size, and the middle of each bar that has a height is painted
    in the bridge's colours: the two positions in one, a saving in another, a cost in a third."""
    drawing = bridge_figure(results, SYSTEM)
    path = tmp_path / "bridge-system.png"
    path.write_bytes(render(drawing))
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (drawing.width, drawing.height)
        pixels = image.convert("RGB")
        _, values = waterfall(results, SYSTEM, results.bridge_year)
        for index, (bar, value) in enumerate(zip(drawing.bars, values, strict=True)):
            if bar.box.bottom - bar.box.top < 4:
                continue
            middle = (round((bar.box.left + bar.box.right) / 2), round((bar.box.top + bar.box.bottom) / 2))
            colour = END if index in (0, len(values) - 1) else FALL if value < 0 else RISE
            red, green, blue = pixels.getpixel(middle)  # type: ignore[misc]
            assert f"#{red:02x}{green:02x}{blue:02x}" == colour, (index, value)
        corner = pixels.getpixel((1, 1))
        assert corner == (255, 255, 255)


def test_the_y_axis_ticks_are_round_and_cover_the_bars() -> None:
    assert tick_values(0.0, 169_000.0) == [0.0, 25_000.0, 50_000.0, 75_000.0, 100_000.0, 125_000.0, 150_000.0]
    assert tick_values(-1_200.0, 6_500.0) == [
        -1_000.0,
        0.0,
        1_000.0,
        2_000.0,
        3_000.0,
        4_000.0,
        5_000.0,
        6_000.0,
    ]
    ticks = tick_values(0.0, 1.0)
    assert ticks[0] == 0.0 and ticks[-1] == 1.0 and len(ticks) <= 9
