"""Open a patient file (Parquet or CSV) in DuckDB, in place: nothing is loaded into Python.

``raw_sql`` scans the file as it is, with its 1-based data row number in ``_row`` (Parquet columns keep their
types; CSV columns are read as text so that validation can say which value in which row is wrong).
``create_patient_view`` defines the view ``patients`` over the file, each known column cast to its kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from carebridge.strat.columns import COLUMNS_BY_NAME, Column
from carebridge.strat.errors import DataProblem, PatientDataError

Format = Literal["parquet", "csv"]
SQL_TYPES = {
    "key": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "flag": "BOOLEAN",
    "text": "VARCHAR",
    "sex": "VARCHAR",
}


@dataclass(frozen=True)
class PatientFile:
    """A patient table on disk."""

    path: Path
    format: Format

    @property
    def name(self) -> str:
        return str(self.path)

    def raw_sql(self, row_numbers: bool = True) -> str:
        """A SQL table expression scanning the file as it is, with the data row number in ``_row``.

        Without ``row_numbers`` the scan has no ``_row`` and runs in parallel (for analysis).
        """
        literal = sql_string(str(self.path))
        if self.format == "parquet":
            if not row_numbers:
                return f"read_parquet({literal})"
            return (
                "(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS _row "
                f"FROM read_parquet({literal}, file_row_number = true))"
            )
        scan = f"read_csv({literal}, header = true, all_varchar = true)"
        return f"(SELECT row_number() OVER () AS _row, * FROM {scan})" if row_numbers else scan


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def sql_name(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def open_patient_file(path: Path) -> PatientFile:
    """The patient file at ``path``; refuses a missing file or one that is neither Parquet nor CSV."""
    name = str(path)
    if not path.exists():
        raise PatientDataError([DataProblem(name, "no such file")])
    if not path.is_file():
        raise PatientDataError([DataProblem(name, "is a folder; expected a Parquet or CSV file")])
    suffixes = "".join(path.suffixes[-2:]).lower()
    if path.suffix.lower() in (".parquet", ".pq"):
        return PatientFile(path, "parquet")
    if path.suffix.lower() == ".csv" or suffixes.endswith((".csv.gz", ".csv.zst")):
        return PatientFile(path, "csv")
    raise PatientDataError(
        [DataProblem(name, f"'{path.suffix}' is not a patient file type; expected .parquet or .csv")]
    )


def file_columns(con: duckdb.DuckDBPyConnection, file: PatientFile) -> dict[str, str]:
    """The file's columns and their DuckDB types, in file order (without ``_row``)."""
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {file.raw_sql()}").fetchall()
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise PatientDataError(
            [DataProblem(file.name, f"cannot be read as {file.format.upper()}: {first_line}")]
        ) from None
    return {str(name): str(kind) for name, kind, *_ in rows if name != "_row"}


def cast_expression(column: Column, source_type: str) -> str:
    """The SQL expression turning the file's column into the column's kind."""
    name = sql_name(column.name)
    target = SQL_TYPES[column.kind]
    if column.kind == "sex":
        return f"upper(trim(CAST({name} AS VARCHAR)))"
    if column.kind in ("text", "key"):
        return f"CAST({name} AS VARCHAR)" if source_type != "VARCHAR" else name
    if column.kind == "flag" and source_type == "VARCHAR":
        return f"CAST(lower(trim({name})) AS BOOLEAN)"
    if source_type == target:
        return name
    if column.kind == "integer" and source_type == "VARCHAR":
        return f"CAST(CAST(trim({name}) AS DOUBLE) AS BIGINT)"
    return f"CAST({name} AS {target})"


def create_patient_view(
    con: duckdb.DuckDBPyConnection, file: PatientFile, view: str = "patients"
) -> dict[str, str]:
    """Define ``view`` over the file with every known column cast to its kind; other columns are left out.

    Returns the file's columns and types. Call after :func:`carebridge.strat.validate.validate_patients`.
    """
    types = file_columns(con, file)
    selects = [
        f"{cast_expression(COLUMNS_BY_NAME[name], kind)} AS {sql_name(name)}"
        for name, kind in types.items()
        if name in COLUMNS_BY_NAME
    ]
    scan = file.raw_sql(row_numbers=False)
    con.execute(f"CREATE OR REPLACE VIEW {sql_name(view)} AS SELECT {', '.join(selects)} FROM {scan}")
    return types
