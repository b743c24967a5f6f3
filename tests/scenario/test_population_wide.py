"""ONS's wide layout of a population projection (docs/demand.md §1): a column per mid-year, SEX and AGE_GROUP
as ONS writes them, told apart from the long layout by its header; every mistake located at the file's line
and column — the year's column for a count — with exit 2 and no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import load_scenario
from carebridge.scenario.population import ProjectionError, parse_projection, read_projection

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stockport-2017"
WIDE = EXAMPLE / "population-two-las-ons.csv"
CARE = [str(Path(sys.executable).parent / "carebridge")]
HEADER = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2016,2017\n"


def _rows(sexes: tuple[str, str] = ("2", "1")) -> list[str]:
    rows = []
    for sex in sexes:
        for age in range(91):
            label = "90 and over" if age == 90 else str(age)
            rows.append(f"E08000007,Stockport,Population,{sex},{label},{100 + age},{101 + age}\n")
        rows.append(f"E08000007,Stockport,Population,{sex},All ages,99999,99999\n")
    return rows


def _problems(text: str) -> list[str]:
    with pytest.raises(ProjectionError) as error:
        parse_projection(text, "pop.csv")
    return [str(p) for p in error.value.problems]


def test_the_wide_example_holds_the_people_of_the_long_one() -> None:
    wide, long = read_projection(WIDE), read_projection(EXAMPLE / "population-two-las.csv")
    assert wide.wide and not long.wide
    assert wide.areas == long.areas == ["E08000007", "E08000008"]
    assert wide.years == long.years == list(range(2014, 2026))
    assert np.array_equal(wide.people, long.people)
    assert wide.names == {"E08000007": "Stockport", "E08000008": "Tameside"}


def test_ons_codes_for_sex_and_age_and_total_rows_are_read() -> None:
    projection = parse_projection(HEADER + "".join(_rows()), "pop.csv")
    assert projection.people.shape == (1, 2, 91, 2)
    assert projection.people[0, 0, 90, 1] == 191  # female (2), 90 and over, 2017; All ages skipped
    words = parse_projection(HEADER + "".join(_rows(("female", "male"))), "pop.csv")
    assert np.array_equal(words.people, projection.people)


def test_rows_of_other_components_and_of_persons_are_skipped() -> None:
    extra = [
        "E08000007,Stockport,Births,2,0,5,5\n",
        "E08000007,Stockport,Population,persons,0,200,200\n",
    ]
    projection = parse_projection(HEADER + "".join(_rows() + extra), "pop.csv")
    assert projection.people[0, 0, 0, 0] == 100


def test_a_missing_age_is_located_at_its_group() -> None:
    rows = _rows()
    del rows[45]  # female age 45
    found = _problems(HEADER + "".join(rows))
    assert found == [
        "pop.csv:2 age: E08000007 (Stockport) female 2016 is missing 1 of the 91 ages: 45",
        "pop.csv:2 age: E08000007 (Stockport) female 2017 is missing 1 of the 91 ages: 45",
    ]


def test_a_negative_or_bad_count_is_located_at_its_line_and_year_column() -> None:
    rows = _rows()
    rows[3] = "E08000007,Stockport,Population,2,3,103,-5\n"
    rows[4] = "E08000007,Stockport,Population,2,4,lots,104\n"
    assert _problems(HEADER + "".join(rows)) == [
        "pop.csv:5 2017: a count of people cannot be negative; found -5",
        "pop.csv:6 2016: expected a number of people; found 'lots'",
    ]


def test_bad_year_columns_are_located_in_the_header() -> None:
    bad = "AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP,2016,Y2017,2016\n"
    assert _problems(bad + "".join(_rows())) == [
        "pop.csv:1 Y2017: column 7 'Y2017' is not a mid-year; after AREA_CODE, AREA_NAME, COMPONENT, SEX and "
        "AGE_GROUP every column is a calendar year such as 2016",
        "pop.csv:1 2016: column 8 repeats the mid-year 2016",
    ]
    assert _problems("AREA_CODE,AREA_NAME,COMPONENT,SEX,AGE_GROUP\n") == [
        "pop.csv:1: no column of a mid-year; expected a column per year (2016, 2017, …) after AGE_GROUP"
    ]
    assert _problems("AREA_CODE,AGE_GROUP,2016\n")[0].startswith("pop.csv:1: missing column SEX; expected")


def test_an_unknown_sex_or_age_group_is_located() -> None:
    rows = _rows()
    rows[0] = "E08000007,Stockport,Population,3,0,100,101\n"
    rows[1] = "E08000007,Stockport,Population,2,91,100,101\n"
    found = _problems(HEADER + "".join(rows))
    assert found[:2] == [
        "pop.csv:2 SEX: expected female or male (or 2 and 1); found '3'",
        "pop.csv:3 AGE_GROUP: expected an age from 0 to 89, or 90 and over (or All ages); found '91'",
    ]


def _scenario_on_the_wide_file(tmp_path: Path, areas: str) -> Path:
    for name in ("demand.yaml", "population-two-las-ons.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    scenario = tmp_path / "demand.yaml"
    text = scenario.read_text().replace("file: population-two-las.csv", "file: population-two-las-ons.csv")
    scenario.write_text(text.replace("areas: [E08000007]", f"areas: {areas}"))
    return scenario


def test_a_scenario_reads_the_wide_file_as_the_long_one(tmp_path: Path) -> None:
    wide = load_scenario(_scenario_on_the_wide_file(tmp_path, "[E08000007]")).scenario
    shutil.copy(EXAMPLE / "population-two-las.csv", tmp_path / "population-two-las.csv")
    long = load_scenario(EXAMPLE / "demand.yaml").scenario
    assert wide.demography is not None and long.demography is not None
    assert wide.demography.people == long.demography.people


def test_an_unknown_area_is_an_error_at_the_scenario_s_area(tmp_path: Path) -> None:
    scenario = _scenario_on_the_wide_file(tmp_path, "[E08000007, E09999999]")
    with pytest.raises(ScenarioError) as error:
        load_scenario(scenario)
    line = next(n for n, row in enumerate(scenario.read_text().splitlines(), 1) if "E09999999" in row)
    assert str(error.value.problems[0]) == (
        f"{scenario}:{line} demography.areas[1]: area 'E09999999' is not in the population file; it holds "
        "E08000007, E08000008"
    )


def test_the_commands_report_a_bad_wide_file_with_exit_2(tmp_path: Path) -> None:
    scenario = _scenario_on_the_wide_file(tmp_path, "[E08000007]")
    population = tmp_path / "population-two-las-ons.csv"
    lines = population.read_text().splitlines(keepends=True)
    lines[10] = lines[10].rsplit(",", 1)[0] + ",-3\n"
    population.write_text("".join(lines))
    expected = f"{population}:11 2025: a count of people cannot be negative; found -3"
    for command in (["validate", str(scenario)], ["population", str(population)]):
        done = subprocess.run([*CARE, *command], capture_output=True, text=True, check=False)
        assert done.returncode == 2, done.stdout
        assert expected in done.stderr
        assert "Traceback" not in done.stderr


def test_the_population_command_shows_each_area_by_its_name() -> None:
    done = subprocess.run(
        [*CARE, "population", str(WIDE), "--area", "E08000007"], capture_output=True, text=True, check=True
    )
    assert "wide (a column per mid-year) layout" in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("Stockport (E08000007)"))
    assert row.split()[-2:] == ["55,699", "65,803"]  # 65 and over, 2014 and 2025 (seed 000: 55,700 in 2014)
    unknown = subprocess.run([*CARE, "population", str(WIDE), "--area", "E1"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "--area E1: not an area of" in unknown.stderr


def test_the_wide_example_file_is_what_its_generator_writes() -> None:
    sys.path.insert(0, str(EXAMPLE))
    try:
        import make_population  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(EXAMPLE))
    assert WIDE.read_text() == make_population.wide_text()
