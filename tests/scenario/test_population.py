"""The population file in the ONS layout (docs/demand.md §1): read, summed over areas, and every mistake
located at the file's line and column — or at the scenario's field — with exit 2 and no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.population import AGES, ProjectionError, parse_band, parse_projection

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stockport-2017"
CARE = [str(Path(sys.executable).parent / "carebridge")]
HEADER = "area_code,area_name,sex,age,year,persons\n"


def _rows(areas: tuple[str, ...] = ("E08000007",), years: tuple[int, ...] = (2016, 2017)) -> list[str]:
    return [
        f"{area},Place,{sex},{'90+' if age == 90 else age},{year},{100 + age}\n"
        for area in areas
        for sex in ("female", "male")
        for year in years
        for age in range(AGES)
    ]


def _problems(text: str) -> list[str]:
    with pytest.raises(ProjectionError) as error:
        parse_projection(text, "pop.csv")
    return [str(p) for p in error.value.problems]


def test_the_file_is_read_by_area_sex_age_and_year() -> None:
    projection = parse_projection(HEADER + "".join(_rows(("E1", "E2"))), "pop.csv")
    assert projection.areas == ["E1", "E2"]
    assert projection.years == [2016, 2017]
    assert projection.people.shape == (2, 2, 91, 2)
    assert projection.people[1, 1, 90, 0] == 190


def test_a_missing_age_is_located_at_its_group() -> None:
    rows = _rows()
    del rows[45]  # female age 45, 2016
    assert _problems(HEADER + "".join(rows)) == [
        "pop.csv:2 age: E08000007 (Place) female 2016 is missing 1 of the 91 ages: 45"
    ]


def test_a_negative_count_is_located_at_its_line_and_column() -> None:
    rows = _rows()
    rows[3] = "E08000007,Place,female,3,2016,-5\n"
    assert _problems(HEADER + "".join(rows)) == [
        "pop.csv:5 persons: a count of people cannot be negative; found -5"
    ]


def test_a_duplicate_row_is_located_at_the_second() -> None:
    rows = _rows()
    rows.append(rows[0])
    assert _problems(HEADER + "".join(rows)) == [
        f"pop.csv:{len(rows) + 1} age: a second row for E08000007 female age 0 in 2016 (first on line 2)"
    ]


def test_an_unknown_sex_age_or_year_and_a_missing_column_are_located() -> None:
    rows = _rows()
    rows[0] = "E08000007,Place,persons,0,2016,100\n"
    rows[1] = "E08000007,Place,female,ninety,2016,100\n"
    found = _problems(HEADER + "".join(rows))
    assert found[:2] == [
        "pop.csv:2 sex: expected female or male; found 'persons'",
        "pop.csv:3 age: expected an age from 0 to 89, or 90+ (90 and over); found 'ninety'",
    ]
    assert _problems("area_code,sex,age,persons\n") == [
        "pop.csv:1: missing column year; expected area_code, sex, age, year, persons; found area_code, sex, "
        "age, persons"
    ]


def test_age_bands() -> None:
    assert parse_band("0-64") == (0, 64)
    assert parse_band("65+") == (65, 90)
    assert parse_band("17") == (17, 17)
    assert parse_band("64-0") is None
    assert parse_band("91+") is None


def _copy_example(tmp_path: Path) -> Path:
    for name in ("demand.yaml", "population-two-las.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return tmp_path / "demand.yaml"


def test_the_example_sums_its_area_by_sex_and_age(tmp_path: Path) -> None:
    loaded = load_scenario(_copy_example(tmp_path))
    demography = loaded.scenario.demography
    assert demography is not None and demography.people is not None
    assert sorted(demography.people) == ["female", "male"]
    assert len(demography.people["female"]) == 91
    old = 0.0
    for sex in demography.people.values():
        for age, values in sex.items():
            assert isinstance(values, dict)
            if age == "90+" or int(age) >= 65:
                old += float(values["2020/21"])
    assert old == pytest.approx(61_000, abs=10)  # seed 000: 61,000 people over 65 by 2020


def test_an_unknown_area_is_an_error_at_the_scenario_s_area(tmp_path: Path) -> None:
    scenario = _copy_example(tmp_path)
    text = scenario.read_text().replace("areas: [E08000007]", "areas: [E08000007, E09999999]")
    scenario.write_text(text)
    with pytest.raises(ScenarioError) as error:
        load_scenario(scenario)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "E09999999" in row)
    assert str(error.value.problems[0]) == (
        f"{scenario}:{line} demography.areas[1]: area 'E09999999' is not in the population file; it holds "
        "E08000007, E08000008"
    )


def test_the_command_reports_a_bad_population_file_with_exit_2(tmp_path: Path) -> None:
    scenario = _copy_example(tmp_path)
    population = tmp_path / "population-two-las.csv"
    lines = population.read_text().splitlines(keepends=True)
    lines[10] = lines[10].rsplit(",", 1)[0] + ",-3\n"
    population.write_text("".join(lines))
    done = subprocess.run([*CARE, "validate", str(scenario)], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert f"{population}:11 persons: a count of people cannot be negative; found -3" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_population_file_outside_the_scenario_s_folder_is_refused(tmp_path: Path) -> None:
    scenario = _copy_example(tmp_path)
    scenario.write_text(scenario.read_text().replace("file: population-two-las.csv", "file: ../pop.csv"))
    with pytest.raises(ScenarioError) as error:
        load_scenario(scenario)
    assert "expected a file in the scenario's folder or below it; found '../pop.csv'" in str(error.value)


def test_the_example_population_file_is_what_its_generator_writes() -> None:
    sys.path.insert(0, str(EXAMPLE))
    try:
        import make_population  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLE))
    assert (EXAMPLE / "population-two-las.csv").read_text() == make_population.text()


def test_simulate_draws_the_new_numbers_and_names_them_in_words(tmp_path: Path) -> None:
    scenario = _copy_example(tmp_path)
    text = scenario.read_text()
    text = text.replace(
        "shares: {ae: 0.25, nel: 0.45}", "shares: {ae: 0.25, nel: {dist: uniform, low: 0.4, high: 0.5}}"
    )
    text = text.replace(
        "headcount: {2014/15: 55700, 2020/21: 61000}",
        "headcount: {2014/15: 55700, 2020/21: {dist: uniform, low: 60000, high: 62000}}",
    )
    text = text.replace("female: {0-64: 0.07,", "female: {0-64: {dist: uniform, low: 0.06, high: 0.08},")
    scenario.write_text(text)
    out = tmp_path / "out"
    done = subprocess.run(
        [*CARE, "simulate", str(scenario), "--draws", "40", "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    labels = (out / "inputs.csv").read_text()
    assert "Top 15% at risk of admission and People aged 65 and over: shared share of Non Elective" in labels
    assert "People aged 65 and over: headcount, 2020/21" in labels
    assert "Non Elective activity per female person aged 0-64" in labels


def test_converting_to_a_workbook_keeps_the_demand_inputs(tmp_path: Path) -> None:
    """The workbook has sheets for them (Demography, DemographicRates, CohortOverlaps: docs/workbook.md)."""
    scenario = _copy_example(tmp_path)
    done = subprocess.run(
        [*CARE, "convert", str(scenario), str(tmp_path / "demand.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert load_scenario(tmp_path / "demand.xlsx").scenario == load_scenario(scenario).scenario
