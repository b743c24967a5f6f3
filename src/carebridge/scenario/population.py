"""Population projections in the ONS sub-national layout, and the age bands rates are given by.

The file is a long CSV, one row per area, sex, age and year: ``area_code, area_name, sex, age, year,
persons`` (docs/demand.md section 1). :func:`read_projection` reads it with every problem located at the
file's line and column; :func:`attach_population` sums the scenario's areas into ``demography.people`` (by
sex and single age, values by financial year) so that the engine never reads a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from carebridge.scenario.errors import Problem
from carebridge.scenario.schema import Scenario
from carebridge.scenario.side_files import SideFiles
from carebridge.scenario.years import YearRange

OLDEST = 90
"""The oldest age: ``90`` means 90 and over, as ONS writes it."""
AGES = OLDEST + 1
SEXES = ("female", "male")
COLUMNS = ("area_code", "sex", "age", "year", "persons")
MAX_FILE_BYTES = 50_000_000

_SEX_WORDS = {"female": "female", "f": "female", "2": "female", "male": "male", "m": "male", "1": "male"}
_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:(\+)|-\s*(\d{1,3}))?\s*$")


def parse_band(label: str) -> tuple[int, int] | None:
    """The ages of a band written ``a-b``, ``a+`` or ``a`` (0 to 90, 90 meaning 90 and over), or None."""
    match = _BAND.match(label)
    if match is None:
        return None
    low = int(match.group(1))
    high = OLDEST if match.group(2) else int(match.group(3)) if match.group(3) else low
    if low > high or high > OLDEST:
        return None
    return low, high


def band_problems(path: tuple[str | int, ...], labels: Iterable[str]) -> list[Problem]:
    """Problems of the age bands of one set of rates: a label that is no band, bands that overlap."""
    problems: list[Problem] = []
    seen: list[tuple[str, tuple[int, int]]] = []
    for label in labels:
        ages = parse_band(label)
        if ages is None:
            problems.append(
                Problem(
                    (*path, label),
                    f"'{label}' is not an age band; expected `a-b`, `a+` or one age, from 0 to 90 "
                    "(90 is 90 and over), e.g. `0-64` or `65+`",
                )
            )
            continue
        for other, (low, high) in seen:
            if ages[0] <= high and low <= ages[1]:
                problems.append(
                    Problem(
                        (*path, label), f"age band '{label}' overlaps '{other}'; a person would count twice"
                    )
                )
        seen.append((label, ages))
    return problems


@dataclass(frozen=True)
class Projection:
    """People by area, sex (``SEXES``), single age (0 to 90) and mid-year."""

    areas: list[str]
    years: list[int]
    people: npt.NDArray[np.float64]  # (area, sex, age, year)


class ProjectionError(Exception):
    """A population file with problems, each located at its line and column."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_projection(path: Path) -> Projection:
    """Read the ONS-layout file at ``path``; raise :class:`ProjectionError` listing every problem."""
    name = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ProjectionError([Problem((), f"the file is larger than {MAX_FILE_BYTES:,} bytes", name)])
        data = path.read_bytes()
    except OSError as error:
        raise ProjectionError([Problem((), f"cannot read the population file: {error}", name)]) from None
    return parse_projection_bytes(data, name)


def parse_projection_bytes(data: bytes, file: str) -> Projection:
    """The projection in the CSV file's bytes ``data`` (UTF-8); ``file`` names it in messages."""
    if len(data) > MAX_FILE_BYTES:
        raise ProjectionError([Problem((), f"the file is larger than {MAX_FILE_BYTES:,} bytes", file)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProjectionError([Problem((), f"cannot read the population file: {error}", file)]) from None
    return parse_projection(text, file)


def parse_projection(text: str, file: str) -> Projection:
    """The projection in CSV ``text``; ``file`` names it in messages."""
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        found = ", ".join(header) if header else "nothing"
        message = f"missing column {', '.join(missing)}; expected {', '.join(COLUMNS)}; found {found}"
        raise ProjectionError([Problem((), message, file, 1)])
    where = {c: header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    cells: dict[tuple[str, int, int, int], tuple[float, int]] = {}
    names: dict[str, str] = {}
    name_at = header.index("area_name") if "area_name" in header else None
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(Problem((), f"expected {len(header)} columns; found {len(row)}", file, line))
            continue
        area = row[where["area_code"]].strip()
        if not area:
            problems.append(Problem(("area_code",), "the area code is blank", file, line))
            continue
        if name_at is not None:
            names.setdefault(area, row[name_at].strip())
        key = _row_key(row, where, file, line, problems)
        persons = _persons(row[where["persons"]], file, line, problems)
        if key is None:
            continue
        sex, age, year = key
        if (area, sex, age, year) in cells:
            first = cells[(area, sex, age, year)][1]
            problems.append(
                Problem(
                    ("age",),
                    f"a second row for {area} {SEXES[sex]} age {_age(age)} in {year} (first on line {first})",
                    file,
                    line,
                )
            )
            continue
        cells[(area, sex, age, year)] = (np.nan if persons is None else persons, line)
    if not cells and not problems:
        problems.append(Problem((), "the file has no rows of people", file, 2))
    areas = list(dict.fromkeys(key[0] for key in cells))
    years = sorted({key[3] for key in cells})
    problems += _gaps(cells, areas, years, file, names)
    if problems:
        raise ProjectionError(problems)
    people = np.zeros((len(areas), len(SEXES), AGES, len(years)))
    area_index = {a: i for i, a in enumerate(areas)}
    year_index = {y: i for i, y in enumerate(years)}
    for (area, sex, age, year), (persons, _) in cells.items():
        people[area_index[area], sex, age, year_index[year]] = persons
    return Projection(areas, years, people)


def _row_key(
    row: list[str], where: Mapping[str, int], file: str, line: int, problems: list[Problem]
) -> tuple[int, int, int] | None:
    sex_text = row[where["sex"]].strip()
    sex = _SEX_WORDS.get(sex_text.lower())
    if sex is None:
        problems.append(Problem(("sex",), f"expected female or male; found '{sex_text}'", file, line))
    age_text = row[where["age"]].strip()
    age = _parse_age(age_text)
    if age is None:
        message = f"expected an age from 0 to 89, or 90+ (90 and over); found '{age_text}'"
        problems.append(Problem(("age",), message, file, line))
    year_text = row[where["year"]].strip()
    year = int(year_text) if year_text.isdigit() and 1900 <= int(year_text) <= 2200 else None
    if year is None:
        message = f"expected a mid-year, a calendar year such as 2016; found '{year_text}'"
        problems.append(Problem(("year",), message, file, line))
    if sex is None or age is None or year is None:
        return None
    return SEXES.index(sex), age, year


def _parse_age(text: str) -> int | None:
    lowered = text.lower().replace(" ", "")
    if lowered in ("90+", "90andover", "90plus"):
        return OLDEST
    if lowered.isdigit() and int(lowered) < OLDEST:
        return int(lowered)
    return None


def _persons(text: str, file: str, line: int, problems: list[Problem]) -> float | None:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        problems.append(
            Problem(("persons",), f"expected a number of people; found '{text.strip()}'", file, line)
        )
        return None
    if not np.isfinite(value) or value < 0:
        problems.append(
            Problem(("persons",), f"a count of people cannot be negative; found {text.strip()}", file, line)
        )
        return None
    return value


def _age(age: int) -> str:
    return "90+" if age == OLDEST else str(age)


def _gaps(
    cells: Mapping[tuple[str, int, int, int], tuple[float, int]],
    areas: list[str],
    years: list[int],
    file: str,
    names: Mapping[str, str],
) -> list[Problem]:
    """A problem for every (area, sex, year) without all 91 ages, and every area without a year or sex."""
    problems: list[Problem] = []
    ages_of: dict[tuple[str, int, int], set[int]] = {}
    first_line: dict[tuple[str, int, int], int] = {}
    for (area, sex, age, year), (_, line) in cells.items():
        ages_of.setdefault((area, sex, year), set()).add(age)
        first_line[(area, sex, year)] = min(first_line.get((area, sex, year), line), line)
    for area in areas:
        label = f"{area} ({names[area]})" if names.get(area) else area
        for sex in range(len(SEXES)):
            for year in years:
                got = ages_of.get((area, sex, year))
                if got is None:
                    problems.append(Problem(("year",), f"{label} has no {SEXES[sex]} rows for {year}", file))
                    continue
                lost = [a for a in range(AGES) if a not in got]
                if lost:
                    shown = ", ".join(_age(a) for a in lost[:8]) + (" …" if len(lost) > 8 else "")
                    problems.append(
                        Problem(
                            ("age",),
                            f"{label} {SEXES[sex]} {year} is missing {len(lost)} of the 91 ages: {shown}",
                            file,
                            first_line[(area, sex, year)],
                        )
                    )
    return problems


def attach_population(scenario: Scenario, files: SideFiles) -> tuple[Scenario, list[Problem]]:
    """The scenario with ``demography.people`` filled from ``demography.file`` (read from ``files``: the
    scenario file's folder, or the files stored or uploaded with it): the named areas summed, by sex and
    single age, values by financial year. Problems are located in the population file, or at the scenario's
    field."""
    demography = scenario.demography
    if demography is None or demography.file is None:
        return scenario, []
    if files.folder is not None:
        relative = Path(demography.file)
        if relative.is_absolute() or not (files.folder / relative).resolve().is_relative_to(
            files.folder.resolve()
        ):
            message = f"expected a file in the scenario's folder or below it; found '{demography.file}'"
            return scenario, [Problem(("demography", "file"), message)]
    data = files.read(demography.file)
    if data is None:
        message = files.missing(
            demography.file, "population file", "a population projection (CSV, ONS layout)"
        )
        return scenario, [Problem(("demography", "file"), message)]
    try:
        projection = parse_projection_bytes(data, files.shown(demography.file))
    except ProjectionError as error:
        return scenario, error.problems
    chosen = demography.areas if demography.areas is not None else projection.areas
    problems = [
        Problem(("demography", "areas", i), _unknown_area(area, projection.areas))
        for i, area in enumerate(chosen)
        if area not in projection.areas
    ]
    span = YearRange.from_labels(scenario.base_year, scenario.end_year)
    wanted = [int(label[:4]) for label in span.labels]
    lacking = [y for y in wanted if y not in projection.years]
    if lacking:
        given = f"{projection.years[0]} to {projection.years[-1]}"
        problems.append(
            Problem(
                ("demography", "file"),
                f"the population file has mid-years {given}; the scenario needs {wanted[0]} to {wanted[-1]} "
                f"(a mid-year Y is the financial year Y/Y+1); missing {', '.join(map(str, lacking))}",
            )
        )
    if problems:
        return scenario, problems
    rows = [projection.areas.index(area) for area in chosen]
    columns = [projection.years.index(y) for y in wanted]
    summed = projection.people[rows].sum(axis=0)[:, :, columns]  # (sex, age, year)
    labels = list(span.labels)
    people: dict[str, dict[str, float | dict[object, float]]] = {
        sex: {
            _age(age): {labels[t]: float(summed[s, age, t]) for t in range(len(labels))}
            for age in range(AGES)
        }
        for s, sex in enumerate(SEXES)
    }
    filled = demography.model_copy(update={"people": people})
    return scenario.model_copy(update={"demography": filled}), []


def _unknown_area(area: str, known: list[str]) -> str:
    shown = ", ".join(known[:6]) + (" …" if len(known) > 6 else "")
    return f"area '{area}' is not in the population file; it holds {shown}"
