"""The scenario workbook knows the demand sections of docs/demand.md: the population (a file, or people by
sex and age band), a POD's demographic rates by sex and age band, and cohort overlaps with their shares.

Round trips YAML → workbook → YAML give the same loaded scenario and the same run for every example that
uses these sections or the new effects and workforce; a bad cell on each new sheet gets the located message
``Sheet!B3 field: what was expected``; and the sheets look as a finance user expects.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xarray as xr

from carebridge.engine import run
from carebridge.engine.results import Results
from carebridge.scenario.convert import convert
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario
from tests.conftest import EXAMPLES

CARE = str(Path(sys.executable).parent / "carebridge")
STOCKPORT = EXAMPLES / "stockport-2017"
STAFFORDSHIRE = EXAMPLES / "staffordshire-stp-2016"

DEMAND = """\
format_version: 1
name: Demand
base_year: 2016/17
end_year: 2019/20
organisations:
  - {id: ccg, name: The CCG, kind: commissioner}
  - {id: acute, name: The acute trust, kind: acute}
pods:
  - id: ae
    name: A&E attendances
    unit: attendance
    activity:
      base: 1000
      demographic_rates:
        female: {0-64: 0.2, 65+: 0.5}
        male: {0-64: 0.25, 65+: 0.6}
    price: 100
    providers: {acute: 1}
  - id: nel
    name: Non-elective spells
    unit: spell
    activity: {base: 500, growth: 0.01}
    price: 1500
    providers: {acute: 1}
cohorts:
  - {id: frail, name: Frail elderly, shares: {ae: 0.3, nel: 0.4}}
  - id: over65
    name: People aged 65 and over
    shares: {ae: 0.35, nel: 0.5}
    headcount: {2016/17: 100, 2019/20: 120}
cohort_overlaps:
  - {cohorts: [frail, over65], shares: {ae: 0.2, nel: 0.3}, note: Assumed}
demography:
  people:
    female: {0-64: {2016/17: 1000, 2017/18: 1010, 2018/19: 1020, 2019/20: 1030}, 65+: 300}
    male: {0-64: 900, 65+: {2016/17: 250, 2019/20: 280}}
schemes:
  - id: redirect
    name: Redirect A&E
    cohort: frail
    effects:
      - {kind: reduce, pod: ae, fraction: 0.1}
  - id: admissions
    name: Fewer admissions
    cohort: over65
    effects:
      - {kind: reduce, pod: nel, fraction: 0.1}
      - {kind: reduce, pod: ae, fraction: 0.05}
"""

NEW_SHEETS = ("Demography", "DemographyPeople", "DemographicRates", "CohortOverlaps", "CohortOverlapShares")


def assert_same_run(found: Results, expected: Results) -> None:
    """Every array of the two runs equal to 1e-9 (relative), whatever the results hold."""
    names = [
        item.name
        for item in dataclasses.fields(expected)
        if isinstance(getattr(expected, item.name), xr.DataArray | xr.Dataset)
    ]
    assert {"positions", "savings", "activity"} <= set(names)
    for name in names:
        xr.testing.assert_allclose(getattr(found, name), getattr(expected, name), rtol=1e-9, atol=1e-9)


SOURCES = {
    "stockport-demand": STOCKPORT / "demand.yaml",
    "stockport-demand-from-patients": STOCKPORT / "demand-from-patients.yaml",
    "stockport": STOCKPORT / "scenario.yaml",
    "staffordshire-effects": STAFFORDSHIRE / "effects.yaml",
    "staffordshire": STAFFORDSHIRE / "scenario.yaml",
}
ROUND_TRIPS = [pytest.param(path, id=name) for name, path in SOURCES.items()]


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_yaml_to_a_workbook_and_back_gives_the_same_scenario_and_run(source: Path, tmp_path: Path) -> None:
    original = load_scenario(source).scenario
    converted = convert(source, tmp_path / "plan.xlsx")
    from_excel = load_scenario(tmp_path / "plan.xlsx").scenario
    for benchmark, written in zip(original.benchmarks, from_excel.benchmarks, strict=True):
        # a benchmark file is named relative to the workbook's folder: the same file
        assert (tmp_path / written.file).resolve() == (source.parent / benchmark.file).resolve()
    from_excel = from_excel.model_copy(update={"benchmarks": original.benchmarks})
    assert from_excel == original
    convert(tmp_path / "plan.xlsx", tmp_path / "plan.yaml")
    from_yaml = load_scenario(tmp_path / "plan.yaml").scenario
    assert from_yaml.model_copy(update={"benchmarks": original.benchmarks}) == original
    assert_same_run(run(from_excel), run(original))
    if original.demography is not None:
        # the population and rates files are not below the workbook's folder: copied beside it, named so
        named = [name for name in (original.demography.file, original.demography.rates) if name is not None]
        assert converted.copied == tuple(tmp_path / Path(name).name for name in named)
        assert from_excel.demography is not None
        assert [from_excel.demography.file, from_excel.demography.rates] == [
            None if name is None else Path(name).name
            for name in (original.demography.file, original.demography.rates)
        ]


def test_the_examples_use_every_new_part() -> None:
    """The round trips above cover each section the issue names: population, rates, overlaps, cohorts by
    year and headcount, shift, length of stay, formula effects, workforce."""
    scenarios = [load_scenario(path).scenario for path in SOURCES.values()]
    assert any(s.demography is not None and s.demography.file for s in scenarios)
    assert any(s.cohort_overlaps for s in scenarios)
    assert any(p.activity and p.activity.demographic_rates for s in scenarios for p in s.pods)
    assert any(c.headcount for s in scenarios for c in s.cohorts)
    kinds = {effect.kind for s in scenarios for scheme in s.schemes for effect in scheme.effects}
    assert {"shift", "length_of_stay"} <= kinds
    assert any(getattr(e, "formula", None) for s in scenarios for sc in s.schemes for e in sc.effects)
    assert any(s.workforce for s in scenarios)


def test_people_inline_rates_and_overlaps_round_trip(tmp_path: Path) -> None:
    (tmp_path / "demand.yaml").write_text(DEMAND, encoding="utf-8")
    original = load_scenario(tmp_path / "demand.yaml").scenario
    convert(tmp_path / "demand.yaml", tmp_path / "demand.xlsx")
    book = openpyxl.load_workbook(tmp_path / "demand.xlsx")
    assert list(book["DemographyPeople"].iter_rows(min_row=2, values_only=True)) == [
        ("female", "0-64", None, 1000, 1010, 1020, 1030),
        ("female", "65+", 300, None, None, None, None),
        ("male", "0-64", 900, None, None, None, None),
        ("male", "65+", None, 250, None, None, 280),
    ]
    assert list(book["DemographicRates"].iter_rows(min_row=2, values_only=True)) == [
        ("ae", "female", "0-64", 0.2),
        ("ae", "female", "65+", 0.5),
        ("ae", "male", "0-64", 0.25),
        ("ae", "male", "65+", 0.6),
    ]
    assert list(book["CohortOverlaps"].iter_rows(min_row=2, values_only=True)) == [
        ("frail, over65", "Assumed")
    ]
    assert list(book["CohortOverlapShares"].iter_rows(min_row=2, values_only=True)) == [
        ("frail, over65", "ae", 0.2),
        ("frail, over65", "nel", 0.3),
    ]
    assert list(book["Demography"].iter_rows(min_row=2, values_only=True)) == []
    assert load_scenario(tmp_path / "demand.xlsx").scenario == original
    convert(tmp_path / "demand.xlsx", tmp_path / "back.yaml")
    assert load_scenario(tmp_path / "back.yaml").scenario == original
    assert_same_run(run(load_scenario(tmp_path / "demand.xlsx").scenario), run(original))


def test_a_population_file_below_the_workbook_is_named_relative_to_it(tmp_path: Path) -> None:
    shutil.copy(STOCKPORT / "demand.yaml", tmp_path / "demand.yaml")
    (tmp_path / "data").mkdir()
    shutil.copy(STOCKPORT / "population-two-las.csv", tmp_path / "data" / "people.csv")
    text = (tmp_path / "demand.yaml").read_text(encoding="utf-8")
    (tmp_path / "demand.yaml").write_text(
        text.replace("file: population-two-las.csv", "file: data/people.csv"), encoding="utf-8"
    )
    converted = convert(tmp_path / "demand.yaml", tmp_path / "demand.xlsx")
    assert converted.copied == ()
    book = openpyxl.load_workbook(tmp_path / "demand.xlsx")
    assert list(book["Demography"].iter_rows(min_row=2, values_only=True)) == [
        ("data/people.csv", "E08000007", None)
    ]
    assert (
        load_scenario(tmp_path / "demand.xlsx").scenario == load_scenario(tmp_path / "demand.yaml").scenario
    )


def test_a_different_population_file_in_the_way_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "population-two-las.csv").write_text("not the same file\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        convert(STOCKPORT / "demand.yaml", tmp_path / "demand.xlsx")
    (problem,) = raised.value.problems
    assert "is there already and differs" in str(problem)
    assert "demography.file" in str(problem)
    assert (tmp_path / "population-two-las.csv").read_text(encoding="utf-8") == "not the same file\n"


# --- a bad cell on each new sheet -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demand_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demand")
    (folder / "demand.yaml").write_text(DEMAND, encoding="utf-8")
    convert(folder / "demand.yaml", folder / "demand.xlsx")
    return folder / "demand.xlsx"


Change = Callable[[Any], None]


def problems_after(workbook: Path, folder: Path, change: Change) -> list[str]:
    path = folder / "plan.xlsx"
    shutil.copy(workbook, path)
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    return [str(problem).removeprefix(f"{path} ") for problem in raised.value.problems]


def _cells(**values: object) -> Change:
    """Set ``Sheet__B3=value`` cells."""

    def change(book: Any) -> None:
        for name, value in values.items():
            sheet, cell = name.split("__")
            book[sheet][cell] = value

    return change


BAD_CELLS = [
    pytest.param(
        _cells(Demography__A2="people.csv"),
        "Demography!A2 demography: give a population file or the people inline (people), not both",
        id="Demography",
    ),
    pytest.param(
        _cells(DemographyPeople__A3="fmale"),
        "DemographyPeople!A3 demography.people.fmale: 'fmale' is not a sex of the population; expected "
        "female or male; did you mean 'female'?",
        id="DemographyPeople-sex",
    ),
    pytest.param(
        _cells(DemographyPeople__D2=-5),
        "DemographyPeople!D2 demography.people.female.0-64.2016/17: a count of people cannot be negative",
        id="DemographyPeople-count",
    ),
    pytest.param(
        _cells(DemographicRates__D2="lots"),
        "DemographicRates!D2 pods[0].activity.demographic_rates.female.0-64: expected a number; found 'lots'",
        id="DemographicRates",
    ),
    pytest.param(
        _cells(DemographicRates__C3=None),
        "DemographicRates!C3: the band is blank; every row needs one",
        id="DemographicRates-blank-band",
    ),
    pytest.param(
        _cells(CohortOverlaps__A2="frail", CohortOverlapShares__A2="frail", CohortOverlapShares__A3="frail"),
        "CohortOverlaps!A2 cohort_overlaps[0].cohorts: expected two different cohorts; found 1 (frail)",
        id="CohortOverlaps",
    ),
    pytest.param(
        _cells(CohortOverlapShares__C2=0.9),
        "CohortOverlapShares!C2 cohort_overlaps[0].shares.ae: the intersection (0.9 of POD 'A&E "
        "attendances') is larger than cohort 'Frail elderly''s share (0.3); it cannot hold more than "
        "either cohort",
        id="CohortOverlapShares",
    ),
    pytest.param(
        _cells(CohortOverlapShares__A3="frail,over66"),
        "CohortOverlapShares!A3: no row of the CohortOverlaps sheet has the id 'frail, over66'; did you mean "
        "'frail, over65'?",
        id="CohortOverlapShares-pair",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD_CELLS)
def test_a_bad_cell_on_a_new_sheet_is_located(
    change: Change, expected: str, demand_workbook: Path, tmp_path: Path
) -> None:
    assert problems_after(demand_workbook, tmp_path, change)[0] == expected


def test_a_pair_of_cohorts_is_read_however_it_is_spaced(demand_workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    shutil.copy(demand_workbook, path)
    book = openpyxl.load_workbook(path)
    book["CohortOverlapShares"]["A2"] = "frail,over65"
    book["CohortOverlaps"]["A2"] = " frail ,  over65"
    book.save(path)
    overlap = load_scenario(path).scenario.cohort_overlaps[0]
    assert overlap.cohorts == ["frail", "over65"]
    assert overlap.shares == {"ae": 0.2, "nel": 0.3}


def test_a_bad_cell_exits_2_with_its_cell_and_no_traceback(demand_workbook: Path, tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    shutil.copy(demand_workbook, path)
    book = openpyxl.load_workbook(path)
    book["DemographicRates"]["D2"] = "lots"
    book.save(path)
    done = subprocess.run([CARE, "validate", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "DemographicRates!D2" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr + done.stdout


# --- how the sheets look ------------------------------------------------------------------------------------


def test_the_new_sheets_look_like_the_others(demand_workbook: Path) -> None:
    book = openpyxl.load_workbook(demand_workbook)
    names = book.sheetnames
    assert names.index("Population") < names.index("Demography") < names.index("DemographicRates")
    assert names.index("CohortRates") < names.index("CohortOverlaps") < names.index("CohortOverlapShares")
    for name in NEW_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "B2"
        assert f"tbl{name}" in sheet.tables
        for cell in sheet[1]:
            assert cell.font.bold, (name, cell.value)
            assert cell.comment is not None and cell.comment.text, (name, cell.value)
        assert all((sheet.column_dimensions[c].width or 0) >= 10 for c in "AB")
    validated = {
        name: {
            str(rule.sqref).split(":")[0]: rule.formula1
            for rule in book[name].data_validations.dataValidation
        }
        for name in NEW_SHEETS
    }
    assert validated["DemographyPeople"] == {"A2": '"female,male"'}
    assert validated["DemographicRates"] == {"A2": "PODs!$A$2:$A$1001", "B2": '"female,male"'}
    assert validated["CohortOverlapShares"] == {
        "A2": "CohortOverlaps!$A$2:$A$1001",
        "B2": "PODs!$A$2:$A$1001",
    }
    assert "Age band" in book["DemographicRates"]["C1"].comment.text
    # an age band like 5-9 stays text: Excel would take it for a date
    assert book["DemographicRates"].column_dimensions["C"].number_format == "@"
    assert book["DemographyPeople"].column_dimensions["B"].number_format == "@"


def test_the_command_line_names_files_from_where_the_workbook_lands(tmp_path: Path) -> None:
    """``carebridge convert`` writes through a staging folder: the files a scenario names are named from the
    folder the workbook ends up in (a population file copied there, a benchmark file relative to it)."""
    (tmp_path / "out").mkdir()

    def care(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CARE, *map(str, args)], capture_output=True, text=True, check=False, cwd=tmp_path
        )

    done = care("convert", STOCKPORT / "demand.yaml", "out/demand.xlsx")
    assert done.returncode == 0, done.stderr
    assert "Copied a file the scenario names beside it: out/population-two-las.csv" in done.stdout
    assert care("validate", "out/demand.xlsx").returncode == 0
    done = care("convert", STAFFORDSHIRE / "scenario.yaml", "out/stp.xlsx")
    assert done.returncode == 0, done.stderr
    validated = care("validate", "out/stp.xlsx")
    assert validated.returncode == 0, validated.stderr
