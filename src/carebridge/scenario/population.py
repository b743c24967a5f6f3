"""Population projections in the ONS sub-national layout, and the age bands rates are given by.

The file is a CSV in either of two layouts (docs/demand.md section 1), told apart by its header: the
**long** one, one row per area, sex, age and year (``area_code, area_name, sex, age, year, persons``), or
the **wide** one ONS publishes, one row per area, component, sex and age group with a column per mid-year
(``AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, 2016, 2017, …``). :func:`read_projection` reads it with
every problem located at the file's line and column; :func:`attach_population` sums the scenario's areas
into ``demography.people`` (by sex and single age, values by financial year) so that the engine never reads
a file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from carebridge.scenario.errors import Problem, did_you_mean
from carebridge.scenario.schema import Scenario
from carebridge.scenario.side_files import SideFiles
from carebridge.scenario.years import YearRange

OLDEST = 90
"""The oldest age: ``90`` means 90 and over, as ONS writes it."""
AGES = OLDEST + 1
SEXES = ("female", "male")
COLUMNS = ("area_code", "sex", "age", "year", "persons")
WIDE_COLUMNS = ("area_code", "sex", "age_group")
"""The columns of the wide layout besides its year columns (``area_name`` and ``component`` optional)."""
TOTALS = {"persons", "all", "all persons", "all ages"}
"""Words of a total row of the wide layout (all sexes, all ages), skipped: the file's ages are summed."""
MAX_FILE_BYTES = 50_000_000

_SEX_WORDS = {
    "female": "female",
    "females": "female",
    "f": "female",
    "2": "female",
    "male": "male",
    "males": "male",
    "m": "male",
    "1": "male",
}
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
    names: Mapping[str, str] = field(default_factory=dict)
    """Each area's name where the file gives one."""
    wide: bool = False
    """Whether the file was in ONS's wide layout (a column per mid-year)."""


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


Cells = dict[tuple[str, int, int, int], tuple[float, int]]
"""People by (area, sex, age, year), with the line each came from."""


def parse_projection(text: str, file: str) -> Projection:
    """The projection in CSV ``text``, long or wide layout; ``file`` names it in messages."""
    rows = csv.reader(io.StringIO(text))
    written = [h.strip() for h in next(rows, [])]
    header = [h.lower() for h in written]
    names: dict[str, str] = {}
    wide = "age_group" in header or ("age" not in header and "year" not in header and _year_columns(header))
    if wide:
        cells, problems = _wide_cells(written, rows, file, names)
    else:
        cells, problems = _long_cells(header, rows, file, names)
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
    return Projection(areas, years, people, {a: names[a] for a in areas if names.get(a)}, bool(wide))


def _year_columns(header: list[str]) -> list[str]:
    return [h for h in header if h.isdigit() and len(h) == 4]


def _long_cells(
    header: list[str], rows: Iterable[list[str]], file: str, names: dict[str, str]
) -> tuple[Cells, list[Problem]]:
    """The cells of the long layout: one row per area, sex, age and year."""
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        found = ", ".join(header) if header else "nothing"
        message = f"missing column {', '.join(missing)}; expected {', '.join(COLUMNS)}; found {found}"
        return {}, [Problem((), message, file, 1)]
    where = {c: header.index(c) for c in COLUMNS}
    problems: list[Problem] = []
    cells: Cells = {}
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
        _put(cells, (area, sex, age, year), persons, "age", file, line, problems)
    return cells, problems


def _put(
    cells: Cells,
    key: tuple[str, int, int, int],
    persons: float | None,
    column: str,
    file: str,
    line: int,
    problems: list[Problem],
) -> None:
    """Record one cell, or a problem at the second row of the same area, sex, age and year."""
    if key in cells:
        area, sex, age, year = key
        first = cells[key][1]
        problems.append(
            Problem(
                (column,),
                f"a second row for {area} {SEXES[sex]} age {_age(age)} in {year} (first on line {first})",
                file,
                line,
            )
        )
        return
    cells[key] = (np.nan if persons is None else persons, line)


def _wide_cells(
    written: list[str], rows: Iterable[list[str]], file: str, names: dict[str, str]
) -> tuple[Cells, list[Problem]]:
    """The cells of ONS's wide layout: a row per area, component, sex and age group, a column per mid-year.
    Rows of another component than ``Population`` and total rows (``All ages``, persons) are skipped.
    ``written`` is the header as the file writes it."""
    header = [h.lower() for h in written]
    missing = [c for c in WIDE_COLUMNS if c not in header]
    problems: list[Problem] = []
    if missing:
        found = ", ".join(written) if written else "nothing"
        message = (
            f"missing column {', '.join(m.upper() for m in missing)}; expected AREA_CODE, AREA_NAME, "
            f"COMPONENT, SEX, AGE_GROUP and a column per mid-year (2016, 2017, …); found {found}"
        )
        return {}, [Problem((), message, file, 1)]
    known = {"area_code", "area_name", "component", "sex", "age_group"}
    years: dict[int, int] = {}
    for position, column in enumerate(written):
        if column.lower() in known:
            continue
        year = int(column) if column.isdigit() and 1900 <= int(column) <= 2200 else None
        if year is None:
            message = (
                f"column {position + 1} '{column}' is not a mid-year; after AREA_CODE, AREA_NAME, COMPONENT, "
                "SEX and AGE_GROUP every column is a calendar year such as 2016"
            )
            problems.append(Problem((column or f"column {position + 1}",), message, file, 1))
        elif year in years.values():
            message = f"column {position + 1} repeats the mid-year {year}"
            problems.append(Problem((column,), message, file, 1))
        else:
            years[position] = year
    if not years and not problems:
        message = "no column of a mid-year; expected a column per year (2016, 2017, …) after AGE_GROUP"
        problems.append(Problem((), message, file, 1))
    if problems:
        return {}, problems
    at = {c: header.index(c) for c in known if c in header}
    cells: Cells = {}
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(Problem((), f"expected {len(header)} columns; found {len(row)}", file, line))
            continue
        if "component" in at and row[at["component"]].strip().lower() not in ("population", ""):
            continue
        area = row[at["area_code"]].strip()
        if not area:
            problems.append(Problem(("AREA_CODE",), "the area code is blank", file, line))
            continue
        if "area_name" in at:
            names.setdefault(area, row[at["area_name"]].strip())
        sex_text, age_text = row[at["sex"]].strip(), row[at["age_group"]].strip()
        if sex_text.lower() in TOTALS or age_text.lower() in TOTALS:
            continue
        sex = _SEX_WORDS.get(sex_text.lower())
        if sex is None:
            message = f"expected female or male (or 2 and 1); found '{sex_text}'"
            problems.append(Problem(("SEX",), message, file, line))
        age = _parse_age(age_text)
        if age is None:
            message = f"expected an age from 0 to 89, or 90 and over (or All ages); found '{age_text}'"
            problems.append(Problem(("AGE_GROUP",), message, file, line))
        for position, year in years.items():
            persons = _persons(row[position], file, line, problems, str(year))
            if sex is not None and age is not None:
                _put(cells, (area, SEXES.index(sex), age, year), persons, "AGE_GROUP", file, line, problems)
    return cells, problems


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


def _persons(
    text: str, file: str, line: int, problems: list[Problem], column: str = "persons"
) -> float | None:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        problems.append(
            Problem((column,), f"expected a number of people; found '{text.strip()}'", file, line)
        )
        return None
    if not np.isfinite(value) or value < 0:
        problems.append(
            Problem((column,), f"a count of people cannot be negative; found {text.strip()}", file, line)
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


def _side_file(
    files: SideFiles, name: str, field: str, what: str, expected: str
) -> tuple[bytes | None, list[Problem]]:
    """The bytes of side file ``name`` (in the scenario's folder or below it, or given with the scenario),
    or the problem at its field."""
    where: tuple[str, ...] = ("demography", field)
    if files.folder is not None:
        relative = Path(name)
        if relative.is_absolute() or not (files.folder / relative).resolve().is_relative_to(
            files.folder.resolve()
        ):
            return None, [
                Problem(where, f"expected a file in the scenario's folder or below it; found '{name}'")
            ]
    data = files.read(name)
    if data is None:
        return None, [Problem(where, files.missing(name, what, expected))]
    if len(data) > MAX_FILE_BYTES:
        return None, [Problem((), f"the file is larger than {MAX_FILE_BYTES:,} bytes", files.shown(name))]
    return data, []


def attach_population(scenario: Scenario, files: SideFiles) -> tuple[Scenario, list[Problem]]:
    """The scenario with ``demography.people`` filled from ``demography.file`` (read from ``files``: the
    scenario file's folder, or the files stored or uploaded with it): the named areas summed, by sex and
    single age, values by financial year; and each POD's ``demographic_rates`` filled from
    ``demography.rates``. Problems are located in the files, or at the scenario's field."""
    demography = scenario.demography
    if demography is None:
        return scenario, []
    if demography.rates is not None:
        scenario, problems = _attach_rates(scenario, files, demography.rates)
        if problems:
            return scenario, problems
    if demography.file is None:
        return scenario, []
    data, problems = _side_file(
        files, demography.file, "file", "population file", "a population projection (CSV, ONS layout)"
    )
    if data is None:
        return scenario, problems
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


RATE_COLUMNS = ("pod", "sex", "band", "rate")
"""The columns of a rates file that a scenario reads (``carebridge base-rates`` writes more)."""


def _attach_rates(scenario: Scenario, files: SideFiles, name: str) -> tuple[Scenario, list[Problem]]:
    """The scenario with the ``demographic_rates`` of each POD the rates file names."""
    data, problems = _side_file(
        files, name, "rates", "rates file", "activity per head (carebridge base-rates)"
    )
    if data is None:
        return scenario, problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return scenario, [Problem((), f"cannot read the rates file: {error}", files.shown(name))]
    rates, _, problems = parse_rates(text, files.shown(name), scenario)
    if problems:
        return scenario, problems
    pods = []
    for pod in scenario.pods:
        if pod.id in rates and pod.activity is not None:
            activity = pod.activity.model_copy(update={"demographic_rates": rates[pod.id]})
            pod = pod.model_copy(update={"activity": activity})
        pods.append(pod)
    return scenario.model_copy(update={"pods": pods}), []


def parse_rates(
    text: str, file: str, scenario: Scenario
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, int], list[Problem]]:
    """Rates by POD, sex and band from CSV ``text``, the first line of each POD, and every problem located at
    the file's line and column: a POD the scenario lacks or whose growth is given otherwise, an unknown sex,
    a band that is none or overlaps another, a rate that is negative, not a number or suppressed."""
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    missing = [c for c in RATE_COLUMNS if c not in header]
    if missing:
        found = ", ".join(header) if header else "nothing"
        message = (
            f"missing column {', '.join(missing)}; expected {', '.join(RATE_COLUMNS)} (as carebridge "
            f"base-rates writes them); found {found}"
        )
        return {}, {}, [Problem((), message, file, 1)]
    at = {c: header.index(c) for c in RATE_COLUMNS}
    pods = {pod.id: pod for pod in scenario.pods}
    rates: dict[str, dict[str, dict[str, float]]] = {}
    first: dict[str, int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    problems: list[Problem] = []
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(Problem((), f"expected {len(header)} columns; found {len(row)}", file, line))
            continue
        pod_id, sex_text = row[at["pod"]].strip(), row[at["sex"]].strip()
        band, rate_text = row[at["band"]].strip(), row[at["rate"]].strip()
        pod = pods.get(pod_id)
        if pod is None:
            hint = did_you_mean(pod_id, list(pods))
            problems.append(Problem(("pod",), f"'{pod_id}' is not a POD of the scenario{hint}", file, line))
            continue
        if pod_id not in first:
            first[pod_id] = line
            other = _growth_given(pod.activity)
            if other:
                message = (
                    f"POD '{pod.name}' has {other} in the scenario; its demographic growth would replace it "
                    "— remove it (non_demographic_growth gives growth beyond the population's)"
                )
                problems.append(Problem(("pod",), message, file, line))
        sex = _SEX_WORDS.get(sex_text.lower())
        if sex is None:
            problems.append(Problem(("sex",), f"expected female or male; found '{sex_text}'", file, line))
        if parse_band(band) is None:
            message = f"'{band}' is not an age band; expected `a-b`, `a+` or one age, from 0 to 90"
            problems.append(Problem(("band",), message, file, line))
        rate = _rate(rate_text, file, line, problems)
        if sex is None or parse_band(band) is None or rate is None:
            continue
        key = (pod_id, sex, band)
        if key in seen:
            message = f"a second rate for POD '{pod.name}', {sex}, {band} (first on line {seen[key]})"
            problems.append(Problem(("band",), message, file, line))
            continue
        seen[key] = line
        by_band = rates.setdefault(pod_id, {}).setdefault(sex, {})
        for problem in band_problems(("band",), [*by_band, band])[-1:]:
            if problem.message.startswith(f"age band '{band}'"):
                message = f"{problem.message} (POD '{pod.name}', {sex})"
                problems.append(Problem(("band",), message, file, line))
        by_band[band] = rate
    if not rates and not problems:
        problems.append(Problem((), "the file has no rates", file, 2))
    return rates, first, problems


def _growth_given(activity: object) -> str | None:
    """What else gives a POD's growth, in words, or None."""
    for field_name, words in (
        ("trajectory", "a trajectory"),
        ("demographic_rates", "demographic_rates"),
        ("population_rates", "population_rates"),
        ("growth", "growth"),
    ):
        if getattr(activity, field_name, None) is not None:
            return words
    return None


def _rate(text: str, file: str, line: int, problems: list[Problem]) -> float | None:
    if text == "*":
        message = (
            "the rate is suppressed (a count below the disclosure threshold); widen the age bands "
            "(carebridge base-rates --bands) or give this POD's demographic_rates in the scenario"
        )
        problems.append(Problem(("rate",), message, file, line))
        return None
    try:
        value = float(text)
    except ValueError:
        message = f"expected activity per head, a number; found '{text}'"
        problems.append(Problem(("rate",), message, file, line))
        return None
    if not np.isfinite(value) or value < 0:
        problems.append(Problem(("rate",), f"activity per head cannot be negative; found {text}", file, line))
        return None
    return value
