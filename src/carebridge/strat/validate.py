"""Check a patient file against the schema of :mod:`carebridge.strat.columns`, reporting every problem at
once.

In order, all collected before anything is raised:

0. a file with no rows (or no header): one problem, nothing else;
1. direct identifiers, by column name or by values (:mod:`carebridge.strat.identifiers`): refused;
2. required columns that are missing (with a suggestion for a near miss);
3. every value of every known column: its kind (a whole number, a number, a flag, F/M/U), its range, and
   that a required column has no empty values; ``patient_id`` unique; ``nel_acs_<year>`` not more than
   ``nel_<year>``. Each problem gives the first rows (with the file's line for a CSV) and how many more.

All of it runs as SQL over the file in place: one scan counts every kind of bad value, and one query per
kind found fetches example rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from carebridge.scenario.errors import did_you_mean
from carebridge.strat.columns import PATIENT_COLUMNS, YEARS, Column
from carebridge.strat.errors import DataProblem, PatientDataError
from carebridge.strat.identifiers import find_identifiers
from carebridge.strat.source import PatientFile, file_columns, sql_name

EXAMPLES = 3
"""Rows shown for each kind of bad value."""
IDENTIFIER_SAMPLE = 2000
"""Rows whose values are looked at for direct identifiers."""


@dataclass(frozen=True)
class Check:
    """A kind of bad value: the SQL condition that finds it, and what to say."""

    column: str
    condition: str
    expected: str
    shown: str
    """SQL expression of the value shown in a message."""


@dataclass(frozen=True)
class CheckedFile:
    """A patient file that passed: its columns and types, and how many patients it holds."""

    file: PatientFile
    columns: dict[str, str]
    patients: int


def value_checks(column: Column) -> list[Check]:
    """The checks of one column's values (the SQL reads the file's column as it is typed in the file)."""
    name = sql_name(column.name)
    text = f"trim(CAST({name} AS VARCHAR))"
    checks = []
    if column.required and not column.nullable:
        checks.append(Check(column.name, f"({name} IS NULL OR {text} = '')", column.expected, "NULL"))
    present = f"{name} IS NOT NULL AND {text} <> ''"
    number = f"TRY_CAST({text} AS DOUBLE)"
    if column.kind in ("integer", "number"):
        bad = f"{number} IS NULL OR NOT isfinite({number})"
        if column.kind == "integer":
            bad += f" OR {number} <> floor({number})"
        if column.minimum is not None:
            bad += f" OR {number} < {column.minimum}"
        if column.maximum is not None:
            bad += f" OR {number} > {column.maximum}"
        checks.append(Check(column.name, f"({present} AND ({bad}))", column.expected, text))
    elif column.kind == "flag":
        bad = f"TRY_CAST(lower({text}) AS BOOLEAN) IS NULL"
        checks.append(Check(column.name, f"({present} AND {bad})", column.expected, text))
    elif column.kind == "sex":
        bad = f"upper({text}) NOT IN ('F', 'M', 'U')"
        checks.append(Check(column.name, f"({present} AND {bad})", column.expected, text))
    return checks


def acs_checks(present: set[str]) -> list[Check]:
    """Ambulatory-care-sensitive admissions are some of the emergency admissions, never more."""
    checks = []
    for year in YEARS:
        acs, nel = f"nel_acs_{year}", f"nel_{year}"
        if {acs, nel} <= present:
            as_number = "TRY_CAST(trim(CAST({} AS VARCHAR)) AS DOUBLE)"
            condition = f"({as_number.format(acs)} > {as_number.format(nel)})"
            shown = f"CAST({acs} AS VARCHAR) || ' with ' || CAST({nel} AS VARCHAR) || ' in {nel}'"
            checks.append(Check(acs, condition, f"no more than {nel}", shown))
    return checks


def _located(file: PatientFile, row: int, column: str, message: str) -> DataProblem:
    line = row + 1 if file.format == "csv" else None
    return DataProblem(file.name, message, column=column, row=row, line=line)


def _found(value: object) -> str:
    return "an empty value" if value is None or value == "NULL" else f"'{value}'"


def run_checks(con: duckdb.DuckDBPyConnection, file: PatientFile, checks: list[Check]) -> list[DataProblem]:
    """Count every check's bad rows in one scan; fetch example rows of those that found any."""
    if not checks:
        return []
    raw = file.raw_sql()
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {check.condition})" for check in checks)
        + f" FROM {raw}"
    ).fetchone()
    assert counts is not None
    problems = []
    for check, count in zip(checks, counts, strict=True):
        if not count:
            continue
        rows = con.execute(
            f"SELECT _row, {check.shown} FROM {raw} WHERE {check.condition} ORDER BY _row LIMIT {EXAMPLES}"
        ).fetchall()
        for row, value in rows:
            problems.append(
                _located(file, int(row), check.column, f"found {_found(value)}; expected {check.expected}")
            )
        if count > len(rows):
            more = count - len(rows)
            problems.append(
                DataProblem(
                    file.name,
                    f"{more:,} more row{'s' if more > 1 else ''} with the same problem; "
                    f"expected {check.expected}",
                    column=check.column,
                )
            )
    return problems


def duplicate_keys(con: duckdb.DuckDBPyConnection, file: PatientFile) -> list[DataProblem]:
    """Each patient key that appears more than once (the first few), with the rows it is on."""
    rows = con.execute(
        "SELECT CAST(patient_id AS VARCHAR) AS key, list(_row ORDER BY _row)[:3], count(*) "
        f"FROM {file.raw_sql()} "
        "WHERE patient_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1 ORDER BY min(_row) LIMIT 3"
    ).fetchall()
    return [
        _located(
            file,
            int(rows_of_key[1]),
            "patient_id",
            f"'{key}' is also on row {rows_of_key[0]}"
            + (f" ({count} rows in all)" if count > 2 else "")
            + "; expected each patient once",
        )
        for key, rows_of_key, count in rows
    ]


def identifier_problems(
    con: duckdb.DuckDBPyConnection, file: PatientFile, names: list[str]
) -> list[DataProblem]:
    """A problem for every column that looks like a direct identifier."""
    quoted = ", ".join(sql_name(name) for name in names)
    cursor = con.execute(f"SELECT {quoted} FROM {file.raw_sql(row_numbers=False)} LIMIT {IDENTIFIER_SAMPLE}")
    rows = cursor.fetchall()
    sample = {name: [row[index] for row in rows] for index, name in enumerate(names)}
    return [
        DataProblem(file.name, identifier.message(), column=identifier.column)
        for identifier in find_identifiers(names, sample)
    ]


EXPECTED_FILE = "expected a header row naming the columns (docs/patient-data.md), then one row per patient"


def _is_empty(file: PatientFile) -> bool:
    """A file with nothing in it (a CSV of only blank lines too), which DuckDB cannot describe."""
    try:
        if file.path.stat().st_size == 0:
            return True
        if file.format != "csv" or file.path.suffix.lower() != ".csv":
            return False
        with file.path.open("rb") as stream:
            return not stream.read(4096).strip(b"\xef\xbb\xbf \t\r\n,") and file.path.stat().st_size <= 4096
    except OSError:
        return False


def _shown_columns(names: list[str]) -> str:
    shown = ", ".join(names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def validate_patients(con: duckdb.DuckDBPyConnection, file: PatientFile) -> CheckedFile:
    """Check the file; raise :class:`PatientDataError` with every problem, or return what was checked."""
    if _is_empty(file):
        raise PatientDataError([DataProblem(file.name, f"is empty: no header and no rows; {EXPECTED_FILE}")])
    columns = file_columns(con, file)
    names = list(columns)
    count_row = con.execute(f"SELECT count(*) FROM {file.raw_sql(row_numbers=False)}").fetchone()
    patients = int(count_row[0]) if count_row else 0
    if patients == 0:
        found = f"a header ({_shown_columns(names)}) and no rows" if names else "no header and no rows"
        raise PatientDataError([DataProblem(file.name, f"has {found}; {EXPECTED_FILE}")])
    problems = identifier_problems(con, file, names)
    known = {column.name for column in PATIENT_COLUMNS}
    unknown = [name for name in names if name not in known]
    for column in PATIENT_COLUMNS:
        if column.required and column.name not in columns:
            hint = did_you_mean(column.name, unknown)
            problems.append(
                DataProblem(
                    file.name,
                    f"column '{column.name}' is missing{hint}; expected {column.expected} — "
                    f"{column.description.rstrip('.')}",
                )
            )
    checks = [check for column in PATIENT_COLUMNS if column.name in columns for check in value_checks(column)]
    checks.extend(acs_checks(set(columns)))
    problems.extend(run_checks(con, file, checks))
    if "patient_id" in columns:
        problems.extend(duplicate_keys(con, file))
    if problems:
        raise PatientDataError(problems)
    return CheckedFile(file, columns, patients)
