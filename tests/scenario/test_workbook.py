"""Excel scenarios: the template, conversion round trips that give identical runs, every message a workbook
can give with its sheet and cell, and the commands end to end.

Workbooks are real ``.xlsx`` files written and read with openpyxl. Error tests start from ``BASE`` (a small
valid scenario) converted to a workbook, change cells as a user would, and assert the full located text
``Sheet!B3 path: message``. Cells are named through :func:`at`, by sheet, header and row.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import openpyxl
import pytest
import xarray as xr
from pydantic import BaseModel

from carebridge.engine import run
from carebridge.scenario.convert import convert
from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.excel import WorkbookSourceMap, write_template
from carebridge.scenario.excel.cells import column_letter
from carebridge.scenario.excel.layout import Entry, Items, Part, Series
from carebridge.scenario.excel.sheets import SCENARIO, SHEETS
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.schema import Scenario
from tests.conftest import EXAMPLES, ROOT, STOCKPORT

STAFFORDSHIRE = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"
WORKED_EXAMPLE = ROOT / "tests" / "scenario" / "fixtures" / "worked_example.yaml"
TABLE_SHEETS = [sheet.name for sheet in SHEETS]
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
BASE_YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]

BASE = """\
format_version: 1
name: Base
base_year: 2016/17
end_year: 2019/20
organisations:
  - {id: ccg, name: The CCG, kind: commissioner}
  - {id: acute, name: The acute trust, kind: acute}
pods:
  - id: ae
    name: A&E attendances
    unit: attendance
    activity: {base: 1000, growth: 0.02}
    price: 100
    providers: {acute: 0.8, other: 0.2}
  - id: nel
    name: Non-elective spells
    unit: spell
    activity: {base: 500, trajectory: {2017/18: 510, 2018/19: 520}}
    price: {base: 1500, uplift: 0.01}
    providers: {acute: 1}
  - {id: prescribing, name: Prescribing, unit: item}
cohorts:
  - {id: frail, name: Frail elderly, shares: {ae: 0.3, nel: 0.4}}
schemes:
  - id: redirect
    name: Redirect A&E
    cohort: frail
    owner: ccg
    effects:
      - {kind: reduce, pod: ae, fraction: {2017/18: 0.1, 2018/19: 0.2}}
      - {kind: direct_saving, pod: prescribing, saving: 50}
    investment: {recurrent: 50, non_recurrent: {2017/18: 20}}
funding:
  - {id: fund, name: Transformation fund, kind: non_recurrent, amount: {2017/18: 70}}
positions:
  do_nothing: {ccg: 1000, acute: {2017/18: 500, 2018/19: 900}}
  plan_lines:
    - {id: qipp, name: QIPP, org: ccg, kind: saving, value: -300}
published:
  - {source: Table 1, values: {2017/18: 1000}, position: {line: do_nothing, org: ccg}}
"""


# --- helpers -----------------------------------------------------------------------------------------------


def headers(book: Any, sheet: str) -> list[Any]:
    return [cell.value for cell in book[sheet][1]]


def at(sheet: str, header: str, row: int) -> str:
    """The cell ``Sheet!B3`` of ``header`` on ``sheet`` in row ``row``, in a workbook of ``BASE``'s years."""
    layout = BY_NAME[sheet]
    names = [column.header for column in layout.all_columns] + (
        ["every year", *BASE_YEARS] if layout.years else []
    )
    return f"{sheet}!{column_letter(names.index(header) + 1)}{row}"


def set_cell(book: Any, sheet: str, header: str, row: int, value: object) -> None:
    book[sheet][at(sheet, header, row).split("!")[1]] = value


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    return [
        str(problem).removeprefix(f"{path} ").removeprefix(f"{path}: ") for problem in raised.value.problems
    ]


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    convert(folder / "base.yaml", folder / "base.xlsx")
    return folder / "base.xlsx"


@pytest.fixture
def edit(base_workbook: Path, tmp_path: Path) -> Callable[[Callable[[Any], None]], Path]:
    """Copy the base workbook, change it with ``change(book)`` and save it as ``plan.xlsx``."""

    def edited(change: Callable[[Any], None]) -> Path:
        path = tmp_path / "plan.xlsx"
        shutil.copy(base_workbook, path)
        book = openpyxl.load_workbook(path)
        change(book)
        book.save(path)
        return path

    return edited


Edit = Callable[[Callable[[Any], None]], Path]


# --- the template ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("template") / "plan.xlsx"
    write_template(path, "2025/26", "2029/30")
    return openpyxl.load_workbook(path)


def test_the_template_has_instructions_scenario_and_a_sheet_per_section(template: Any) -> None:
    assert template.sheetnames == ["Instructions", "Scenario", *TABLE_SHEETS]
    for name in ("Organisations", "PODs", "Cohorts", "Schemes", "Effects", "Investments", "Funding"):
        assert name in template.sheetnames
    for name in ("DoNothing", "PlanLines", "Parameters", "Expenditure", "Published", "Beds", "Correlations"):
        assert name in template.sheetnames


def test_every_table_sheet_is_a_named_table_with_years_across(template: Any) -> None:
    years = ["2025/26", "2026/27", "2027/28", "2028/29", "2029/30"]
    for sheet in SHEETS:
        worksheet = template[sheet.name]
        assert list(worksheet.tables) == [f"tbl{sheet.name}"]
        expected = [column.header for column in sheet.all_columns]
        expected += ["every year", *years] if sheet.years else []
        assert headers(template, sheet.name) == expected
        assert worksheet.tables[f"tbl{sheet.name}"].ref.startswith("A1:")
    assert headers(template, "Effects")[:3] == ["scheme", "kind", "pod"]
    assert list(template["Scenario"].tables) == ["tblScenario"]


def test_the_scenario_sheet_lists_every_field_with_the_years_filled_in(template: Any) -> None:
    rows = {row[0]: row[1:] for row in template["Scenario"].iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [column.header for column in SCENARIO.fields]
    assert rows["format_version"][0] == 1
    assert rows["base_year"][0] == "2025/26"
    assert rows["end_year"][0] == "2029/30"
    assert rows["name"][0] is None
    assert "First year" in rows["base_year"][1]


def test_drop_down_lists_offer_words_and_the_ids_of_other_sheets(template: Any) -> None:
    def rule(sheet: str, header: str) -> Any:
        letter = at(sheet, header, 2).split("!")[1][:-1]
        found = [
            dv for dv in template[sheet].data_validations.dataValidation if str(dv.sqref).startswith(letter)
        ]
        assert len(found) == 1, (sheet, header)
        return found[0]

    kinds = rule("Effects", "kind")
    assert kinds.formula1 == '"avoid_growth,reduce,absolute,direct_saving,shift,length_of_stay"'
    assert kinds.errorStyle in (None, "stop")
    pods = rule("Effects", "pod")
    assert pods.formula1 == "PODs!$A$2:$A$1001"
    assert pods.errorStyle == "warning"
    assert rule("Effects", "scheme").formula1 == "Schemes!$A$2:$A$1001"
    assert rule("Providers", "provider").formula1 == "Organisations!$A$2:$A$1001"
    assert rule("ExpenditureYears", "category").formula1 == "Expenditure!$B$2:$B$1001"
    assert rule("Organisations", "kind").formula1.startswith('"commissioner,council,acute')
    assert rule("PlanLines", "non_recurrent").formula1 == '"TRUE,FALSE"'
    assert (
        rule("PODYears", "series").formula1 == '"price,price_uplift,trajectory,growth,non_demographic_growth"'
    )


def test_every_header_has_a_note_saying_what_it_holds(template: Any) -> None:
    for sheet in SHEETS:
        for cell in template[sheet.name][1]:
            assert cell.comment is not None and cell.comment.text, (sheet.name, cell.value)
    pods = {cell.value: cell.comment.text for cell in template["PODs"][1]}
    assert "base year" in pods["activity_base"]
    assert "Default: 0." in pods["variable_lag"]
    assert "One of: attendance" not in pods["unit"]
    effects = {cell.value: cell.comment.text for cell in template["Effects"][1]}
    assert "One of: base, do_nothing." in effects["basis"]
    assert "every year" in effects["every year"]


def test_year_cells_of_the_scenario_sheet_are_text(template: Any) -> None:
    assert template["Scenario"]["B6"].number_format == "@"
    start = at("FinanceItems", "start", 2).split("!")[1][:-1]
    assert template["FinanceItems"].column_dimensions[start].number_format == "@"


def test_the_instructions_explain_years_and_signs(template: Any) -> None:
    text = " ".join(
        str(value) for row in template["Instructions"].iter_rows(values_only=True) for value in row
    )
    for phrase in ("YYYY/YY", "2017/18", "every year", "a saving negative", "£'000", "Effects"):
        assert phrase in text


def test_a_blank_template_names_the_field_to_fill_in(tmp_path: Path) -> None:
    path = write_template(tmp_path / "plan.xlsx", "2025/26", "2029/30")
    assert problems(path) == ["Scenario!B3: missing field 'name': expected the scenario's name (text)"]


# --- conversion round trips --------------------------------------------------------------------------------


ROUND_TRIPS = [
    pytest.param(STOCKPORT, id="stockport"),
    pytest.param(STAFFORDSHIRE, id="staffordshire"),
    pytest.param(WORKED_EXAMPLE, id="worked-example"),
]


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_yaml_to_excel_and_back_gives_the_same_scenario_and_the_same_run(
    source: Path, tmp_path: Path
) -> None:
    original = load_scenario(source).scenario
    convert(source, tmp_path / "plan.xlsx")
    from_excel = load_scenario(tmp_path / "plan.xlsx").scenario
    for benchmark, written in zip(original.benchmarks, from_excel.benchmarks, strict=True):
        # a benchmark file is written relative to the workbook's folder: the same file
        assert (tmp_path / written.file).resolve() == (source.parent / benchmark.file).resolve()
    from_excel = from_excel.model_copy(update={"benchmarks": original.benchmarks})
    assert from_excel == original
    convert(tmp_path / "plan.xlsx", tmp_path / "plan.yaml")
    from_yaml = load_scenario(tmp_path / "plan.yaml").scenario
    assert from_yaml.model_copy(update={"benchmarks": original.benchmarks}) == original
    expected, found = run(original), run(from_excel)
    for name in ("positions", "savings", "statement", "activity"):
        xr.testing.assert_allclose(getattr(found, name), getattr(expected, name))


def test_distributions_and_correlations_survive_the_round_trip(tmp_path: Path) -> None:
    text = BASE.replace("price: 100\n", "price: {2016/17: {dist: pert, low: 90, mode: 100, high: 120}}\n")
    text = text.replace("saving: 50}", "saving: {dist: triangular, low: 40, mode: 50, high: 70}}")
    text = text.replace(
        "    owner: ccg\n", "    owner: ccg\n    delivery: {dist: uniform, low: 0.8, high: 1}\n"
    )
    correlation = "{inputs: [schemes.redirect.delivery, pods.ae.price.2016/17], rank: 0.4}"
    text += f"uncertainty:\n  correlations:\n    - {correlation}\n"
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    original = load_scenario(tmp_path / "plan.yaml").scenario
    assert len(original.uncertainty.inputs) == 3
    convert(tmp_path / "plan.yaml", tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert book["Schemes"][at("Schemes", "delivery", 2)[-2:]].value == "{dist: uniform, low: 0.8, high: 1}"
    assert load_scenario(tmp_path / "plan.xlsx").scenario == original
    convert(tmp_path / "plan.xlsx", tmp_path / "back.yaml")
    written = (tmp_path / "back.yaml").read_text(encoding="utf-8")
    assert "saving: {dist: triangular, low: 40, mode: 50, high: 70}" in written
    assert "inputs: {" not in written
    assert load_scenario(tmp_path / "back.yaml").scenario == original


@pytest.mark.parametrize(
    ("compensating", "cells"),
    [
        ("{stranded: true, years: [2017/18, 2018/19]}", [None, None, "stranded", "stranded", None]),
        ("stranded", ["stranded", None, None, None, None]),
        ("{2017/18: 5}", [None, None, 5, None, None]),
    ],
)
def test_a_compensating_payment_survives_the_round_trip(
    compensating: str, cells: list[object], tmp_path: Path
) -> None:
    """A stranded-cost payment limited to the years of an agreement is `stranded` in those years' cells."""
    contract = (
        "contracts:\n  - {id: ccg_acute, payer: ccg, provider: acute, pods: [ae], "
        f"compensating: {compensating}}}\n"
    )
    (tmp_path / "plan.yaml").write_text(BASE + contract, encoding="utf-8")
    original = load_scenario(tmp_path / "plan.yaml").scenario
    convert(tmp_path / "plan.yaml", tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    sheet = book["Contracts"]
    row = [sheet[at("Contracts", header, 2).split("!")[1]].value for header in ["every year", *BASE_YEARS]]
    assert row == cells
    assert load_scenario(tmp_path / "plan.xlsx").scenario == original
    convert(tmp_path / "plan.xlsx", tmp_path / "back.yaml")
    assert load_scenario(tmp_path / "back.yaml").scenario == original


def test_the_yaml_written_is_readable(tmp_path: Path) -> None:
    convert(STOCKPORT, tmp_path / "plan.xlsx")
    convert(tmp_path / "plan.xlsx", tmp_path / "plan.yaml")
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Converted from plan.xlsx by carebridge convert")
    assert "\nformat_version: 1\nname: Stockport Together" in text
    assert "\n  - {id: smbc, name: Stockport MBC, kind: council}\n" in text
    assert "      trajectory: {2017/18: 102136, 2018/19: 104383, 2019/20: 106470, 2020/21: 108706}\n" in text
    assert "\n      - kind: absolute\n        pod: ae\n" in text
    assert "description: >\n  The do-nothing gap" in text
    assert "\n\npods:\n" in text
    assert max(len(line) for line in text.splitlines()) <= 120


def test_the_scenario_sheet_and_the_tables_hold_what_the_yaml_says(base_workbook: Path) -> None:
    book = openpyxl.load_workbook(base_workbook)
    assert list(book["PODYears"].iter_rows(min_row=2, values_only=True)) == [
        ("ae", "price", 100, None, None, None, None),
        ("ae", "growth", 0.02, None, None, None, None),
        ("nel", "price_uplift", 0.01, None, None, None, None),
        ("nel", "trajectory", None, None, 510, 520, None),
    ]
    assert headers(book, "PODYears")[2:] == ["every year", "2016/17", "2017/18", "2018/19", "2019/20"]
    effects = list(book["Effects"].iter_rows(min_row=2, max_col=3, values_only=True))
    assert effects == [("redirect", "reduce", "ae"), ("redirect", "direct_saving", "prescribing")]
    providers = list(book["Providers"].iter_rows(min_row=2, values_only=True))
    assert providers == [("ae", "acute", 0.8), ("ae", "other", 0.2), ("nel", "acute", 1)]


def test_a_workbook_is_read_whatever_the_case_of_its_sheet_names(edit: Edit) -> None:
    def rename(book: Any) -> None:
        book["PODs"].title = "renamed"
        book["renamed"].title = "pods"
        book.create_sheet("My workings")["A1"] = "anything"

    assert load_scenario(edit(rename)).scenario.pods[0].id == "ae"


# --- the layout covers the schema --------------------------------------------------------------------------


def _schema_leaves(annotation: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every leaf of the schema: lists of items are ``[]``, maps by id ``{}``; a map by year is a leaf."""
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            yield from _schema_leaves(field.annotation, (*path, name))
    elif origin is Annotated:
        yield from _schema_leaves(get_args(annotation)[0], path)
    elif origin in (Union, types.UnionType):
        for option in get_args(annotation):
            if option is not type(None):
                yield from _schema_leaves(option, path)
    elif origin is list and _is_model(get_args(annotation)[0]):
        yield from _schema_leaves(get_args(annotation)[0], (*path, "[]"))
    elif origin is dict and get_args(annotation)[0] is str:
        yield from _schema_leaves(get_args(annotation)[1], (*path, "{}"))
    else:
        yield path


def _is_model(annotation: Any) -> bool:
    options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    return any(isinstance(option, type) and issubclass(option, BaseModel) for option in options) or bool(
        get_args(annotation) and _is_model(get_args(annotation)[0])
    )


def _layout_paths() -> set[tuple[str, ...]]:
    """Every path the layout places a value at, lists of items as ``[]`` and maps by id as ``{}``."""
    bases: dict[str, tuple[str, ...]] = {}
    covered = {_text_path(column.path) for column in SCENARIO.fields}
    for sheet in SHEETS:
        base = bases[sheet.parent.sheet] if sheet.parent else ()
        place = sheet.place
        if isinstance(place, Series):
            covered |= {(*base, *_text_path(path)) for path in place.paths.values()}
            continue
        assert isinstance(place, Items | Entry | Part)
        marker = (
            ("[]",)
            if isinstance(place, Items)
            else ("{}",) * (2 if place.inner else 1)
            if isinstance(place, Entry)
            else ()
        )
        own = (*base, *_text_path(place.path), *marker)
        bases[sheet.name] = own
        if isinstance(place, Entry):
            covered.add(own)
        paths = [column.path for column in sheet.columns]
        if sheet.years:
            paths += [sheet.years.path, *sheet.years.by_value.values()]
            if sheet.years.word_in_years:
                paths += [(*sheet.years.path, sheet.years.word_in_years), (*sheet.years.path, "years")]
        if sheet.switch:
            paths += [(choice,) for choice in sheet.switch.column.choices]
            paths += [
                (choice, *c.path) for choice in sheet.switch.column.choices for c in sheet.switch.columns
            ]
        covered |= {(*own, *_text_path(path)) for path in paths}
    return covered


def _text_path(path: tuple[str | int, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in path)


def test_the_layout_has_a_place_for_every_field_of_the_schema() -> None:
    leaves = set(_schema_leaves(Scenario, ()))
    filled_by_the_loader = {leaf for leaf in leaves if leaf[:2] == ("uncertainty", "inputs")}
    missing = {"/".join(leaf) for leaf in leaves - _layout_paths() - filled_by_the_loader}
    assert not missing, f"fields with no column in the workbook: {sorted(missing)}"


def test_the_source_map_names_the_cell_of_a_problem_found_by_the_engine(base_workbook: Path) -> None:
    loaded = load_scenario(base_workbook)
    assert isinstance(loaded.source, WorkbookSourceMap)
    problem = Problem(("schemes", 0, "effects", 1), "removes more than the cell holds")
    (located,) = loaded.source.locate([problem])
    assert (
        str(located) == f"{base_workbook} Effects!A3 schemes[0].effects[1]: removes more than the cell holds"
    )
    fraction = Problem(("schemes", 0, "effects", 0, "fraction", "2018/19"), "too big")
    assert loaded.source.locate([fraction])[0].cell == at("Effects", "2018/19", 2)


# --- messages: the scenario's meaning, located by cell -----------------------------------------------------


def test_a_misspelt_pod_names_its_cell_and_the_nearest_pod(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Effects", "pod", 2, "nell"))
    assert problems(path) == [
        f"{at('Effects', 'pod', 2)} schemes[0].effects[0].pod: 'nell' is not a POD; did you mean 'nel'?"
    ]


def test_a_number_where_text_is_expected(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Organisations", "name", 2, 2020))
    assert problems(path) == [
        f"{at('Organisations', 'name', 2)} organisations[0].name: expected text; found 2020"
    ]


def test_text_where_a_number_is_expected(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "PODs", "activity_base", 3, "lots"))
    assert problems(path) == [
        f"{at('PODs', 'activity_base', 3)} pods[1].activity.base: expected a number; found 'lots'"
    ]


def test_a_missing_id_names_the_blank_cell(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Funding", "id", 2, None))
    assert problems(path) == [f"{at('Funding', 'id', 2)} funding[0]: missing field 'id': expected text"]


def test_a_value_by_year_names_its_year_cell(edit: Edit) -> None:
    def change(book: Any) -> None:
        set_cell(book, "Effects", "2018/19", 2, 1.5)

    path = edit(change)
    (problem,) = problems(path)
    assert problem.startswith(f"{at('Effects', '2018/19', 2)} ")
    assert "schemes[0].effects[0].fraction.2018/19" in problem


# --- messages: the workbook's own structure ----------------------------------------------------------------


def test_a_missing_sheet(edit: Edit) -> None:
    def change(book: Any) -> None:
        del book["PODs"]
        del book["PODYears"], book["Providers"], book["PopulationRates"], book["CohortShares"]

    assert problems(edit(change)) == [
        "the workbook has no PODs sheet; a scenario workbook needs the sheets Scenario, Organisations and "
        "PODs (carebridge template writes one)"
    ]


def test_rows_of_a_sheet_whose_parent_sheet_is_missing(edit: Edit) -> None:
    def change(book: Any) -> None:
        del book["Schemes"]

    assert problems(edit(change)) == [
        "Effects!A1: the rows of the Effects sheet belong to rows of the Schemes sheet, which is missing or "
        "cannot be read",
        "SchemeInvestment!A1: the rows of the SchemeInvestment sheet belong to rows of the Schemes sheet, "
        "which is missing or cannot be read",
    ]


def test_a_sheet_named_almost_like_one_of_carebridges(edit: Edit) -> None:
    path = edit(lambda book: setattr(book["Funding"], "title", "Fundng"))
    assert problems(path) == [
        "Fundng!A1: the sheet 'Fundng' is not one CareBridge reads; did you mean 'Funding'? "
        "(other sheets are ignored)"
    ]


def test_an_unknown_column(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Organisations", "kind", 1, "knd"))
    assert problems(path) == [
        f"{at('Organisations', 'kind', 1)}: unknown column 'knd' (the Organisations sheet has id, name, "
        "kind, sector); did you mean 'kind'?"
    ]


def test_a_year_header_that_is_not_a_financial_year(edit: Edit) -> None:
    def change(book: Any) -> None:
        set_cell(book, "Effects", "2017/18", 1, "2017-18")
        set_cell(book, "Funding", "2018/19", 1, 2018)
        set_cell(book, "DoNothing", "2019/20", 1, "2019/21")

    assert problems(edit(change)) == [
        f"{at('Effects', '2017/18', 1)}: the column header '2017-18' is not a financial year; expected "
        "YYYY/YY, like '2017/18'",
        f"{at('Funding', '2018/19', 1)}: the column header 2018 is not a financial year; expected text "
        "like '2017/18'",
        f"{at('DoNothing', '2019/20', 1)}: the column header '2019/21' is not a financial year; the year "
        "after 2019 is written '2019/20'",
    ]


def test_a_year_header_excel_turned_into_a_date(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Funding", "2017/18", 1, dt.datetime(2011, 12, 1)))
    assert problems(path) == [
        f"{at('Funding', '2017/18', 1)}: found a date (2011-12-01); Excel turns text such as 2011/12 into a "
        "date: format the cell as Text and type the value again"
    ]


def test_a_year_column_on_a_sheet_without_values_by_year(edit: Edit) -> None:
    path = edit(lambda book: book["Organisations"].cell(1, 5, "2017/18"))
    assert problems(path) == [
        "Organisations!E1: the Organisations sheet has no values by year; remove the column '2017/18'"
    ]


def test_a_column_given_twice(edit: Edit) -> None:
    path = edit(lambda book: book["Organisations"].cell(1, 5, "name"))
    assert problems(path) == [
        "Organisations!E1: the column 'name' is given twice (first at Organisations!B1); give it once"
    ]


def test_a_value_in_a_column_with_no_header(edit: Edit) -> None:
    path = edit(lambda book: book["Organisations"].cell(3, 6, "stray"))
    assert problems(path) == [
        "Organisations!F3: a value in a column with no header; give the column a header of this sheet, or "
        "clear it"
    ]


def test_a_value_for_every_year_and_by_year(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Effects", "every year", 2, 0.1))
    assert problems(path) == [
        f"{at('Effects', 'every year', 2)}: a value in 'every year' and values by year; give one number for "
        "every year, or values by year, not both"
    ]


def test_a_row_for_an_item_no_sheet_has(edit: Edit) -> None:
    def change(book: Any) -> None:
        set_cell(book, "Providers", "pod", 3, "nell")
        set_cell(book, "Effects", "scheme", 3, None)

    assert problems(edit(change)) == [
        "Providers!A3: no row of the PODs sheet has the id 'nell'; did you mean 'nel'?",
        "Effects!A3: the scheme is blank; expected an id on the Schemes sheet",
    ]


def test_an_unknown_series(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "PODYears", "series", 4, "trajectry"))
    assert problems(path) == [
        "PODYears!B4: the series is 'trajectry'; expected one of price, price_uplift, trajectory, growth, "
        "non_demographic_growth; did you mean 'trajectory'?"
    ]


def test_a_value_given_twice(edit: Edit) -> None:
    def change(book: Any) -> None:
        book["PODYears"].append(["nel", "price", 1600])
        book["Providers"].append(["ae", "acute", 0.5])

    assert problems(edit(change)) == [
        f"PODYears!C6: pods[1].price is given twice: first at {at('PODs', 'base_price', 3)} (base_price), "
        "then here; give it once",
        "Providers!B5: 'acute' is given twice (first at Providers!B2); give it once",
    ]


def test_a_second_row_for_the_same_part(edit: Edit) -> None:
    def change(book: Any) -> None:
        book["Finance"].append(["ccg", 100])
        book["Finance"].append(["ccg", 200])
        book["Expenditure"].append(["ccg", "pay", "Pay", 100])

    assert problems(edit(change)) == [
        "Finance!A3: a second row for the same org (the first is at Finance!A2); give one row for each"
    ]


def test_the_scenario_sheet_unknown_and_repeated_fields(edit: Edit) -> None:
    def change(book: Any) -> None:
        book["Scenario"].append(["nam", "x"])
        book["Scenario"].append(["source", "y"])
        book["Scenario"].append([None, "z"])

    fields = ", ".join(column.header for column in SCENARIO.fields)
    assert problems(edit(change)) == [
        f"Scenario!A13: unknown field 'nam' (the Scenario sheet has {fields}); did you mean 'name'?",
        "Scenario!A14: the field 'source' is given twice (first at Scenario!A5); give it once",
        "Scenario!A15: the field is blank; say which field the value is",
    ]


def test_a_published_selector_that_is_not_one(edit: Edit) -> None:
    path = edit(lambda book: set_cell(book, "Published", "selector", 2, "postion"))
    assert problems(path) == [
        f"{at('Published', 'selector', 2)}: the selector is 'postion'; expected one of position, statement, "
        "savings, investment, activity; did you mean 'position'?"
    ]


def test_text_that_is_not_yaml_in_a_change(edit: Edit) -> None:
    def change(book: Any) -> None:
        book["Variants"].append(["low", "Low growth"])
        book["Changes"].append(["low", "pods.ae.price", "{2017/18: [1"])

    assert problems(edit(change)) == [
        "Changes!C2: '{2017/18: [1' is not a YAML value (expected ',' or ']', but got '<stream end>'); "
        "expected e.g. 0.5 or {2019/20: 0.02}"
    ]


def test_dates_excel_errors_and_formulas_with_no_value(edit: Edit) -> None:
    def change(book: Any) -> None:
        set_cell(book, "Cohorts", "description", 2, dt.date(2016, 4, 1))
        set_cell(book, "Funding", "name", 2, "#REF!")
        set_cell(book, "Organisations", "name", 3, "=UPPER(A3)")

    assert problems(edit(change)) == [
        "Organisations!B3: the formula =UPPER(A3) has no value Excel computed; open the workbook in Excel "
        "(or LibreOffice) and save it, so that its values are stored",
        f"{at('Cohorts', 'description', 2)}: found a date (2016-04-01); Excel turns text such as 2011/12 "
        "into a date: format the cell as Text and type the value again",
        f"{at('Funding', 'name', 2)}: the cell shows the error #REF!; expected a value",
    ]


def test_every_structure_problem_at_once_in_workbook_order(edit: Edit) -> None:
    def change(book: Any) -> None:
        set_cell(book, "Providers", "pod", 2, "aee")
        set_cell(book, "Organisations", "kind", 1, "type")
        book["Scenario"].append(["nam", "x"])

    found = problems(edit(change))
    assert [problem.split(":")[0] for problem in found] == [
        "Scenario!A13",
        "Organisations!C1",
        "Providers!A2",
    ]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"not a zip")
    (problem,) = problems(path)
    assert problem.startswith("the file is not an Excel workbook that can be read (")
    assert problem.endswith("); expected a scenario workbook (.xlsx) saved by Excel")


def test_a_workbook_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "missing.xlsx"
    assert problems(path) == ["the file does not exist; expected a scenario workbook (.xlsx)"]


# --- the commands ------------------------------------------------------------------------------------------


def carebridge(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.e2e
def test_template_then_validate_names_the_cell_to_fill_in(tmp_path: Path) -> None:
    made = carebridge(
        "template", "plan.xlsx", "--base-year", "2024/25", "--end-year", "2027/28", cwd=tmp_path
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout == "Wrote plan.xlsx: a blank scenario workbook, 2024/25 to 2027/28\n"
    checked = carebridge("validate", "plan.xlsx", cwd=tmp_path)
    assert checked.returncode == 2
    assert checked.stderr == (
        "1 problem in the scenario:\n"
        "  - plan.xlsx Scenario!B3: missing field 'name': expected the scenario's name (text)\n"
    )
    again = carebridge("template", "plan.xlsx", cwd=tmp_path)
    assert (again.returncode, again.stderr) == (2, "plan.xlsx exists; give --force to replace it\n")
    bad_year = carebridge("template", "other.xlsx", "--base-year", "2024-25", cwd=tmp_path)
    assert bad_year.returncode == 2
    assert "'2024-25' is not a financial year" in bad_year.stderr
    assert "Traceback" not in bad_year.stderr


@pytest.mark.e2e
def test_convert_validate_and_run_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    to_excel = carebridge("convert", "base.yaml", "plan.xlsx", cwd=tmp_path)
    assert to_excel.returncode == 0, to_excel.stderr
    assert to_excel.stdout == (
        "Wrote plan.xlsx: Base — 2 organisations, 3 PODs, 1 schemes, 2016/17 to 2019/20\n"
    )
    checked = carebridge("validate", "plan.xlsx", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("plan.xlsx: OK")
    ran = carebridge("run", "plan.xlsx", "--out", "out", "--quiet", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert (tmp_path / "out" / "positions.csv").exists()
    back = carebridge("convert", "plan.xlsx", "plan.yaml", cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    assert load_scenario(tmp_path / "plan.yaml").scenario == load_scenario(tmp_path / "base.yaml").scenario


@pytest.mark.e2e
def test_user_mistakes_exit_2_with_a_message(tmp_path: Path, edit: Edit) -> None:
    broken = edit(lambda book: set_cell(book, "Effects", "pod", 2, "nell"))
    failed = carebridge("validate", str(broken))
    assert failed.returncode == 2
    assert failed.stderr == (
        "1 problem in the scenario:\n"
        f"  - {broken} {at('Effects', 'pod', 2)} schemes[0].effects[0].pod: 'nell' is not a POD; did you "
        "mean 'nel'?\n"
    )
    same = carebridge("convert", str(broken), str(tmp_path / "copy.xlsx"))
    assert same.returncode == 2
    assert (
        same.stderr
        == f"{tmp_path / 'copy.xlsx'}: a workbook converts to YAML; the file name must end in .yaml or .yml\n"
    )
    not_valid = carebridge("convert", str(broken), str(tmp_path / "plan.yaml"))
    assert not_valid.returncode == 2
    assert "'nell' is not a POD" in not_valid.stderr
    assert not (tmp_path / "plan.yaml").exists()


@pytest.mark.e2e
def test_every_command_help_has_an_example() -> None:
    for command in ("template", "convert"):
        helped = carebridge(command, "--help")
        assert helped.returncode == 0
        assert "Example:" in helped.stdout
        assert f"carebridge {command} " in helped.stdout
