"""The stratification's page and terminal tables read as the main report does: headers in people's words, no
ids, blank cells rather than ``<NA>``, the disclosure rule stated once, numbers with separators, names whole
in a pipe 80 columns wide, and the charts' disclosure note never cut."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from rich.console import Console

from carebridge.report.strat import write_report
from carebridge.report.strat_charts import add_note
from carebridge.report.strat_tables import OutputTable, cell_text, output_tables
from carebridge.report.strat_terminal import print_headlines
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.pipeline import Options, Stratification, stratify

RULE = DisclosureRule()


@pytest.fixture(scope="module")
def stratified(population_file: Path) -> Stratification:
    return stratify(population_file, Options(top=15))


@pytest.fixture(scope="module")
def report(stratified: Stratification, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("strat")
    write_report(
        stratified, folder, RULE, ["Data: patients.parquet", "CareBridge 0.1.0, carebridge stratify"]
    )
    return folder


def headers(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", page)]


def test_the_page_has_no_ids_or_missing_markers_and_states_the_rule_once(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    assert "&lt;NA&gt;" not in page and "<NA>" not in page and ">nan<" not in page
    snake = [text for text in headers(page) if re.search(r"[a-z]_[a-z]", text)]
    assert snake == []
    assert {"Neighbourhood", "Patients in the cohort", "Need-weighted admissions per 10,000"} <= set(
        headers(page)
    )
    assert page.count(RULE.statement()) == 1
    assert "max-width: 1180px" in page  # the main report's shell and width
    assert '<p class="rule">' in page and page.index('<p class="rule">') < page.index('id="table-summary"')


def test_numbers_have_separators_and_the_intercept_no_odds_ratio(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    intercept = re.search(r"<tr><th scope=\"row\">Intercept[^<]*</th>(.*?)</tr>", page)
    assert intercept is not None
    assert intercept.group(1).endswith("<td></td>")  # blank, not * (nothing was suppressed)
    assert re.search(r"<td>\d{1,2},\d{3}</td>", page)  # patients by neighbourhood: 2,845
    model = (report / "model.csv").read_text(encoding="utf-8").splitlines()
    assert model[2].startswith("(intercept),") and model[2].split(",")[2] == ""


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (2845, 0, "2,845"),
        (1139.6, 0, "1,140"),
        (9.6, 2, "9.60"),
        (-0.00001, 2, "0.00"),
        (15.0, None, "15"),
        (None, 0, "*"),
        (float("nan"), 1, "*"),
        ("Marple", None, "Marple"),
    ],
)
def test_cell_text(value: object, decimals: int | None, text: str) -> None:
    assert cell_text(value, decimals) == text


def test_a_missing_cell_outside_disclosure_control_is_blank() -> None:
    assert cell_text(None, 3, missing="") == ""


def test_piped_terminal_tables_keep_every_name_whole(stratified: Stratification) -> None:
    stream = io.StringIO()
    tables: list[OutputTable] = output_tables(stratified, RULE)
    print_headlines(tables, RULE, Console(file=stream, width=80))  # what Rich does when stdout is a pipe
    printed = stream.getvalue()
    assert "…" not in printed
    assert max(len(line) for line in printed.splitlines()) <= 80
    words = set(re.findall(r"[\w&'-]+", printed))
    neighbourhoods = next(t for t in tables if t.name == "neighbourhoods").frame["neighbourhood"]
    for name in neighbourhoods:
        assert set(name.split()) <= words, name
    assert not re.search(r"[a-z]_[a-z]", printed)


@pytest.mark.parametrize("width", [5.5, 7.0])
def test_the_disclosure_note_of_a_chart_is_whole_and_inside_the_figure(width: float) -> None:
    figure = Figure(figsize=(width, 5), dpi=110)
    canvas = FigureCanvasAgg(figure)
    note = add_note(figure, RULE)
    canvas.draw()  # type: ignore[no-untyped-call]
    assert note.get_text().replace("\n", " ") == RULE.statement()
    box = note.get_window_extent(canvas.get_renderer())  # type: ignore[no-untyped-call]
    assert box.x0 >= 0 and box.y0 >= 0
    assert box.x1 <= figure.bbox.x1 and box.y1 <= figure.bbox.y1
