"""The programme beside the plan as its own workbook (docs/workbook.md): objectives → priority programmes →
workstreams with their leads, owners, success measures, milestones, the critical decisions, the schemes and
plan lines each workstream carries, and the resourcing tables.

The examples' programme files convert to a workbook and back exactly; ``carebridge programme check`` reads
the workbook as it reads YAML; a bad cell on each sheet gets ``Sheet!B3 field: what was expected``, exit 2
and no traceback; and the sheets look like the scenario workbook's.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import BaseModel

from carebridge.scenario import programme as schema
from carebridge.scenario.convert import convert_programme
from carebridge.scenario.excel import workbook_kind
from carebridge.scenario.excel.layout import Items, Series, Sheet
from carebridge.scenario.excel.programme_sheets import (
    DECISION_STATUSES,
    PROGRAMME,
    PROGRAMME_SHEETS,
    ROLE_NAMES,
)
from carebridge.scenario.programme import ProgrammeError, load_programme
from tests.conftest import EXAMPLES

CARE = str(Path(sys.executable).parent / "carebridge")
STAFFORDSHIRE = EXAMPLES / "staffordshire-stp-2016"
STOCKPORT = EXAMPLES / "stockport-2017"


def care(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CARE, *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd, env=None
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(STAFFORDSHIRE / "programme.yaml", id="staffordshire"),
        pytest.param(STOCKPORT / "programme.yaml", id="stockport-resourcing"),
    ],
)
def test_a_programme_converts_to_a_workbook_and_back_exactly(source: Path, tmp_path: Path) -> None:
    original = load_programme(source)
    convert_programme(source, tmp_path / "programme.xlsx")
    assert workbook_kind(tmp_path / "programme.xlsx") == "programme"
    assert load_programme(tmp_path / "programme.xlsx") == original
    convert_programme(tmp_path / "programme.xlsx", tmp_path / "programme.yaml")
    assert load_programme(tmp_path / "programme.yaml") == original


@pytest.fixture(scope="module")
def staffordshire_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("programme") / "programme.xlsx"
    convert_programme(STAFFORDSHIRE / "programme.yaml", path)
    return path


@pytest.fixture(scope="module")
def stockport_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resourcing") / "programme.xlsx"
    convert_programme(STOCKPORT / "programme.yaml", path)
    return path


def test_the_sheets_hold_the_structure_by_id(staffordshire_workbook: Path) -> None:
    book = openpyxl.load_workbook(staffordshire_workbook)
    workstreams = list(book["Workstreams"].iter_rows(min_row=2, values_only=True))
    assert len(workstreams) == 15
    assert workstreams[1][:3] == ("epcc_programme", "ws03_frailty", "3. Frailty & LTC Pathways")
    headers = [cell.value for cell in book["Workstreams"][1]]
    assert workstreams[1][headers.index("lines")] == "frailty_ltc"
    planned = next(row for row in workstreams if row[1] == "ws07_planned_care")
    assert planned[headers.index("lines")] == "planned_care, prevention, right_care"
    assert planned[headers.index("sro")] is None  # its programme's
    milestones = list(book["Milestones"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert milestones == [
        (
            "ws02_prevention",
            6,
            "Healthy policy framework complete; community capacity building programme live; risk "
            "stratification complete",
        )
    ]
    decision = next(book["Decisions"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert decision[2:5] == ("ws05_epcc", "Health and Care Transformation Board", "2016/17-M12")


def test_programme_check_reads_the_workbook_as_it_reads_yaml(
    staffordshire_workbook: Path, tmp_path: Path
) -> None:
    path = tmp_path / "programme.xlsx"
    shutil.copy(staffordshire_workbook, path)
    from_excel = care("programme", "check", path, "--scenario", STAFFORDSHIRE / "scenario.yaml")
    from_yaml = care("programme", "check", STAFFORDSHIRE / "programme.yaml")
    assert from_excel.returncode == 0, from_excel.stderr
    assert from_excel.stdout.replace(str(path), "FILE") == from_yaml.stdout.replace(
        str(STAFFORDSHIRE / "programme.yaml"), "FILE"
    )
    assert "15 workstreams, 5 critical decisions" in from_excel.stdout
    assert "Every scheme and plan line of the scenario is in one workstream" in from_excel.stdout


def test_programme_resourcing_reads_the_workbook(stockport_workbook: Path) -> None:
    done = care("programme", "resourcing", stockport_workbook)
    assert done.returncode == 0, done.stderr
    assert "3,224" in done.stdout and "3,452" in done.stdout


def test_a_scheme_line_in_no_workstream_is_named_at_its_cell(
    staffordshire_workbook: Path, tmp_path: Path
) -> None:
    path = tmp_path / "programme.xlsx"
    shutil.copy(staffordshire_workbook, path)
    book = openpyxl.load_workbook(path)
    sheet = book["Workstreams"]
    headers = [cell.value for cell in sheet[1]]
    lines = headers.index("lines") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "ws03_frailty")
    sheet.cell(row, lines).value = "frailty_ltcc"
    book.save(path)
    done = care("programme", "check", path, "--scenario", STAFFORDSHIRE / "scenario.yaml")
    assert done.returncode == 2
    letter = openpyxl.utils.get_column_letter(lines)
    assert (
        f"Workstreams!{letter}{row} objectives[1].programmes[0].workstreams[0].lines[0]: the scenario has no "
        "plan line 'frailty_ltcc'; did you mean 'frailty_ltc'?"
    ) in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# --- the commands ------------------------------------------------------------------------------------------


def test_convert_and_template_write_programme_workbooks(tmp_path: Path) -> None:
    done = care("convert", STAFFORDSHIRE / "programme.yaml", "programme.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote programme.xlsx: the programme Transforming health and care")
    done = care("convert", "programme.xlsx", "programme.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_programme(tmp_path / "programme.yaml") == load_programme(STAFFORDSHIRE / "programme.yaml")
    done = care("template", "--programme", "blank.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(tmp_path / "blank.xlsx").sheetnames == [
        "Instructions",
        "Programme",
        *(sheet.name for sheet in PROGRAMME_SHEETS),
    ]
    done = care("programme", "check", "blank.xlsx", cwd=tmp_path)
    assert done.returncode == 2
    assert "blank.xlsx Programme!B2: missing field 'name': expected text" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# --- a bad cell on each sheet ------------------------------------------------------------------------------

Change = Callable[[Any], None]


def _cells(**values: object) -> Change:
    """Set ``Sheet__B3=value`` cells."""

    def change(book: Any) -> None:
        for name, value in values.items():
            sheet, cell = name.split("__")
            book[sheet][cell] = value

    return change


STRUCTURE = [
    (
        _cells(Programme__B4="Oct 2016"),
        "Programme!B4 start: expected a financial month YYYY/YY-Mnn, like 2016/17-M07 (October 2016; M01 is "
        "April); found 'Oct 2016'",
    ),
    (
        _cells(Objectives__B2=None),
        "Objectives!B2 objectives[0]: missing field 'name': expected text",
    ),
    (_cells(ObjectiveSuccess__B2=None), "ObjectiveSuccess!B2: the success is blank; every row needs one"),
    (
        _cells(Programmes__A2="preventon"),
        "Programmes!A2: no row of the Objectives sheet has the id 'preventon'; did you mean 'prevention'?",
    ),
    (
        _cells(Programmes__D2=None),
        "Workstreams!A2 objectives[0].programmes[0].workstreams[0]: the workstream '2. Prevention & "
        "Wellbeing Strategy' has no SRO; give roles: {sro: …} on it or on its programme 'Focused "
        "Prevention programme'",
    ),
    (
        _cells(Workstreams__A2="prevention_programm"),
        "Workstreams!A2: no row of the Programmes sheet has the id 'prevention_programm'; did you mean "
        "'prevention_programme'?",
    ),
    (
        _cells(WorkstreamSuccess__A2="ws03_fraily", WorkstreamSuccess__B2="Fewer falls"),
        "WorkstreamSuccess!A2: no row of the Workstreams sheet has the id 'ws03_fraily'; did you mean "
        "'ws03_frailty'?",
    ),
    (
        _cells(Milestones__B2=7),
        "Milestones!B2 objectives[0].programmes[0].workstreams[0].milestones[0].months: expected one of '6', "
        "'12', '18'; found 7",
    ),
    (
        _cells(Decisions__E2="Oct 17"),
        "Decisions!E2 decisions[0].due: expected a financial month YYYY/YY-Mnn, like 2016/17-M07 (October "
        "2016; M01 is April); found 'Oct 17'",
    ),
    (
        _cells(Decisions__C2="ws05_epc"),
        "Decisions!C2 decisions[0].workstream: no workstream has the id 'ws05_epc'; did you mean "
        "'ws05_epcc'?",
    ),
]

RESOURCING = [
    (
        _cells(Partners__C2="lots"),
        "Partners!C2 resourcing.partners[0].joint_budget: expected a number; found 'lots'",
    ),
    (
        _cells(Staffing__B2=-1),
        "Staffing!B2 resourcing.staffing[0].total: expected a number of at least 0; found -1",
    ),
    (
        _cells(StaffingByFunder__A2="Portfolio Offic"),
        "StaffingByFunder!A2: no row of the Staffing sheet has the id 'Portfolio Offic'; did you mean "
        "'Portfolio Office'?",
    ),
    (
        _cells(StaffingTotals__B2="x"),
        "StaffingTotals!B2 resourcing.staffing_totals.CCG: expected a number; found 'x'",
    ),
    (
        _cells(ContractTypes__B2=2000),
        "ContractTypes!A2 resourcing.contract_types: the staffing by contract type adds to 3,386, the "
        "staffing by element to 3,452; they count the same staff and must agree",
    ),
    (
        _cells(NonStaff__C2="maybe"),
        "NonStaff!C2 resourcing.non_staff[0].confirmed: expected true or false; found 'maybe'",
    ),
]


def _problems(workbook: Path, folder: Path, change: Change) -> list[str]:
    path = folder / "programme.xlsx"
    shutil.copy(workbook, path)
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    with pytest.raises(ProgrammeError) as raised:
        load_programme(path)
    return [str(problem).removeprefix(f"{path} ") for problem in raised.value.problems]


@pytest.mark.parametrize(("change", "expected"), STRUCTURE, ids=[e.split("!")[0] for _, e in STRUCTURE])
def test_a_bad_cell_of_the_structure_is_located(
    change: Change, expected: str, staffordshire_workbook: Path, tmp_path: Path
) -> None:
    assert _problems(staffordshire_workbook, tmp_path, change)[0] == expected


@pytest.mark.parametrize(("change", "expected"), RESOURCING, ids=[e.split("!")[0] for _, e in RESOURCING])
def test_a_bad_cell_of_the_resourcing_is_located(
    change: Change, expected: str, stockport_workbook: Path, tmp_path: Path
) -> None:
    assert _problems(stockport_workbook, tmp_path, change)[0] == expected


def test_a_bad_cell_exits_2_with_no_traceback(stockport_workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "programme.xlsx"
    shutil.copy(stockport_workbook, path)
    book = openpyxl.load_workbook(path)
    book["NonStaff"]["C2"] = "maybe"
    book.save(path)
    done = care("programme", "resourcing", path)
    assert done.returncode == 2
    assert "NonStaff!C2 resourcing.non_staff[0].confirmed: expected true or false" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


# --- how it looks ------------------------------------------------------------------------------------------


def test_the_sheets_look_like_the_scenario_workbooks(staffordshire_workbook: Path) -> None:
    book = openpyxl.load_workbook(staffordshire_workbook)
    assert book["Instructions"]["A1"].value == "CareBridge programme workbook"
    assert book["Programme"].freeze_panes == "A2"
    for sheet in PROGRAMME_SHEETS:
        worksheet = book[sheet.name]
        assert worksheet.freeze_panes == "B2"
        assert f"tbl{sheet.name}" in worksheet.tables
        for cell in worksheet[1]:
            assert cell.font.bold, (sheet.name, cell.value)
            assert cell.comment is not None and cell.comment.text, (sheet.name, cell.value)
    widths = book["Workstreams"].column_dimensions
    assert widths["C"].width == 40  # names, up to the widest
    rules = {
        name: {str(r.sqref).split(":")[0]: r.formula1 for r in book[name].data_validations.dataValidation}
        for name in ("Programmes", "Workstreams", "Milestones", "Decisions", "NonStaff")
    }
    assert rules["Programmes"] == {"A2": "Objectives!$A$2:$A$1001"}
    assert rules["Workstreams"] == {"A2": "Programmes!$B$2:$B$1001"}
    assert rules["Milestones"] == {"A2": "Workstreams!$B$2:$B$1001"}
    assert rules["Decisions"] == {"C2": "Workstreams!$B$2:$B$1001", "F2": '"open,taken,deferred"'}
    assert rules["NonStaff"] == {"C2": '"TRUE,FALSE"'}
    assert book["Decisions"].column_dimensions["E"].number_format == "@"  # a month stays text


# --- the layout covers the programme file ------------------------------------------------------------------

MODELS: dict[str, type[BaseModel]] = {
    "Objectives": schema.Objective,
    "Programmes": schema.PriorityProgramme,
    "Workstreams": schema.Workstream,
    "Milestones": schema.Milestone,
    "Decisions": schema.Decision,
    "Partners": schema.PartnerResources,
    "Staffing": schema.StaffingElement,
    "ContractTypes": schema.ContractType,
    "NonStaff": schema.NonStaffItem,
}


def _path(sheet: Sheet) -> tuple[str | int, ...]:
    assert not isinstance(sheet.place, Series)
    return sheet.place.path


def test_the_layout_has_a_place_for_every_field_of_the_programme_file() -> None:
    """The layout does not import the programme's models (they read it): every field has a column or a sheet,
    and the words agree."""
    assert DECISION_STATUSES == schema.DECISION_STATUSES
    assert set(ROLE_NAMES) == set(schema.ROLE_NAMES) == set(schema.Roles.model_fields)
    top = {column.path[0] for column in PROGRAMME.fields}
    top |= {_path(sheet)[0] for sheet in PROGRAMME_SHEETS if sheet.parent is None}
    assert top == set(schema.Programme.model_fields)
    resourcing = {column.path[1] for column in PROGRAMME.fields if column.path[0] == "resourcing"}
    resourcing |= {_path(sheet)[1] for sheet in PROGRAMME_SHEETS if _path(sheet)[0] == "resourcing"}
    assert resourcing == set(schema.Resourcing.model_fields)
    for name, model in MODELS.items():
        sheet = next(sheet for sheet in PROGRAMME_SHEETS if sheet.name == name)
        assert isinstance(sheet.place, Items)
        covered = {column.path[0] for column in sheet.columns}
        covered |= {
            _path(child)[0] for child in PROGRAMME_SHEETS if child.parent and child.parent.sheet == name
        }
        assert covered == set(model.model_fields), name


def test_programme_check_finds_the_scenario_workbook_beside_the_programme(
    staffordshire_workbook: Path, tmp_path: Path
) -> None:
    shutil.copy(staffordshire_workbook, tmp_path / "programme.xlsx")
    done = care("convert", STAFFORDSHIRE / "scenario.yaml", "scenario.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    done = care("programme", "check", "programme.xlsx", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Every scheme and plan line of the scenario is in one workstream" in done.stdout
