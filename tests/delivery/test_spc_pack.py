"""Making Data Count's icons where a board reads SPC: the delivery pack (HTML icons with their words, the
workbook's SPC sheet as coloured words), the terminal, and each POD's improvement direction from the plan."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import Monitoring, monitor, plan_lines
from carebridge.delivery.months import Month
from carebridge.delivery.register_status import RegisterView, target_status
from carebridge.delivery.spc import SpcOptions
from carebridge.delivery.targets import trajectory_for
from carebridge.report.delivery import write_delivery_pack
from carebridge.report.delivery_terminal import print_fews
from carebridge.report.spc_icons import assurance_svg, variation_svg
from tests.delivery.test_pack import example_actuals
from tests.delivery.test_spc_targets import FALLING, TARGETS, actuals

SETTINGS = FewsSettings(loss_threshold=500, basis="cost")


@pytest.fixture(scope="module")
def january(stockport_baseline: PlanBaseline) -> Monitoring:
    return monitor(stockport_baseline, example_actuals(stockport_baseline), Month(2018, 10), SETTINGS)


def test_each_pod_improves_in_the_direction_of_its_plan(january: Monitoring) -> None:
    lines = plan_lines(january.trajectory)
    assert {pod: line.improvement for pod, line in lines.items()} == dict.fromkeys(
        ("ae", "el", "nel", "op"), "decrease"
    )
    ae = january.trajectory[january.trajectory["pod"] == "ae"]
    assert lines["ae"].target == pytest.approx(ae["do_something"].sum() / 12)
    assert january.spc["ae"].options.improvement == "decrease"


def test_activity_above_plan_is_a_concern_that_consistently_fails(january: Monitoring) -> None:
    chart = january.spc["ae"]
    assert (chart.variation, chart.assurance) == ("concern_high", "fail")
    assert january.spc["el"].variation == "common_cause"


def test_the_pack_shows_the_variation_and_assurance_icons_with_their_words(
    january: Monitoring, tmp_path: Path
) -> None:
    html, workbook = write_delivery_pack(january, "June 2017 business cases", [], {}, tmp_path)
    page = html.read_text(encoding="utf-8")
    table = page[page.index('id="table-spc-icons"') :]
    table = table[: table.index("</table>")]
    assert table.count("<svg") == 2 * len(january.spc)
    assert 'data-icon="concern_high"' in table and 'data-icon="fail"' in table
    assert 'aria-label="Special cause variation: concern, higher values"' in table
    assert "Concern (high)" in table and "Consistently fails" in table and "Common cause" in table
    assert "above the upper process limit" in table
    sheet = load_workbook(workbook)["SPC"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5)}
    ae = rows[january.baseline.pod_name("ae")]
    header = [cell.value for cell in sheet[4]]
    variation, assurance = ae[header.index("Variation")], ae[header.index("Assurance")]
    assert (variation.value, assurance.value) == ("Concern (high)", "Consistently fails")
    assert variation.fill.fgColor.rgb.endswith("FEF0D4")
    assert ae[header.index("Improvement")].value == "lower is better"


def test_the_terminal_says_which_way_a_special_cause_goes(january: Monitoring) -> None:
    console = Console(record=True, width=200)
    print_fews(january, "June 2017 business cases", console)
    text = console.export_text()
    assert "Special cause variation: concern, higher values (above the upper process limit)" in text
    assert "higher than the centre line" not in text


def test_spc_options_reach_the_charts(stockport_baseline: PlanBaseline) -> None:
    actuals = example_actuals(stockport_baseline)
    rebased = monitor(
        stockport_baseline,
        actuals,
        Month(2018, 10),
        SETTINGS,
        spc=SpcOptions(rebase=("2018/19-M05",), baseline=3),
    )
    chart = rebased.spc["ae"]
    assert [period.baseline for period in chart.periods] == [3, 3]
    assert chart.points[4].label == "2018/19-M05" and chart.points[4].period == 1


@pytest.mark.parametrize(
    "key",
    [
        "common_cause",
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neutral_high",
        "neutral_low",
    ],
)
def test_every_variation_icon_is_svg_named_in_words(key: str) -> None:
    svg = variation_svg(key)
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>" in svg


@pytest.mark.parametrize("key", ["pass", "fail", "hit_and_miss"])
def test_every_assurance_icon_is_svg_named_in_words(key: str) -> None:
    assert "<title>Assurance: " in assurance_svg(key)


def test_the_pack_shows_each_targets_icons(january: Monitoring, tmp_path: Path) -> None:
    target = TARGETS["ae_4_hours_stockport"]
    status = target_status(target, trajectory_for(target), actuals(FALLING), Month.parse("2016/17-M12"))
    registers = RegisterView(Month.parse("2016/17-M12"), [status])
    html, workbook = write_delivery_pack(january, "June 2017 business cases", [], {}, tmp_path, registers)
    page = html.read_text(encoding="utf-8")
    table = page[page.index('id="table-targets-spc"') :]
    table = table[: table.index("</table>")]
    assert escape(target.name) in table and 'data-icon="fail"' in table and "Consistently fails" in table
    sheet = load_workbook(workbook)["Targets"]
    header = [cell.value for cell in sheet[4]]
    assert sheet.cell(5, header.index("SPC assurance") + 1).value == "Consistently fails"
