"""Write the corpus files that cannot carry their own comments — scenario and actuals workbooks, patient files
(CSV and Parquet) — each a small valid file with one thing wrong, and hold what each refusal must say.

Run it after changing a case, and commit what it writes::

    .venv/bin/python -m tests.corpus.generate

The workbooks are built cell by cell (a few sheets, a few kB each), not converted from YAML, so each file
holds only what its case needs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.corpus.runner import CORPUS, Expected

Rows = list[list[Any]]
Sheets = dict[str, Rows]

# --- scenario workbooks -----------------------------------------------------------------------------------

YEARS = ["2016/17", "2017/18", "2018/19", "2019/20"]


def scenario_sheets() -> Sheets:
    """A valid scenario workbook: two organisations, two PODs, a cohort and a scheme."""
    return {
        "Scenario": [
            ["field", "value", "about"],
            ["format_version", 1],
            ["name", "Minimal"],
            ["base_year", "2016/17"],
            ["end_year", "2019/20"],
        ],
        "Organisations": [
            ["id", "name", "kind"],
            ["ccg", "The CCG", "commissioner"],
            ["acute", "The acute trust", "acute"],
        ],
        "PODs": [
            ["id", "name", "unit", "activity_base", "base_price"],
            ["ae", "A&E attendances", "attendance", 1000, None],
            ["nel", "Non-elective spells", "spell", 500, 1500],
        ],
        "PODYears": [
            ["pod", "series", "every year", *YEARS],
            ["ae", "price", 100],
            ["ae", "growth", 0.02],
        ],
        "Providers": [["pod", "provider", "share"], ["ae", "acute", 0.8], ["ae", "other", 0.2]],
        "Cohorts": [["id", "name"], ["frail", "Frail elderly"]],
        "CohortShares": [["cohort", "pod", "share"], ["frail", "ae", 0.3]],
        "Schemes": [["id", "name", "cohort", "owner"], ["redirect", "Redirect A&E", "frail", "ccg"]],
        "Effects": [
            ["scheme", "kind", "pod", "every year", *YEARS],
            ["redirect", "reduce", "ae", None, None, 0.1, 0.2],
        ],
    }


def put(sheet: str, cell: str, value: Any) -> Callable[[Sheets], None]:
    """A change: ``value`` into ``sheet!cell`` (a column letter and a row, as Excel names it)."""
    column = ord(cell[0]) - ord("A")
    row = int(cell[1:]) - 1

    def change(sheets: Sheets) -> None:
        rows = sheets[sheet]
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= column:
            rows[row].append(None)
        rows[row][column] = value

    return change


def drop(sheet: str) -> Callable[[Sheets], None]:
    def change(sheets: Sheets) -> None:
        del sheets[sheet]

    return change


SCENARIO_WORKBOOKS: dict[str, tuple[Callable[[Sheets], None], Expected]] = {
    "price_word.xlsx": (
        put("PODYears", "C2", "lots"),
        Expected(" PODYears!C2 pods[0].price: ", "found 'lots'", why="A price written as a word."),
    ),
    "organisation_kind.xlsx": (
        put("Organisations", "C3", "hospital"),
        Expected(
            " Organisations!C3 organisations[1].kind: ",
            "found 'hospital'",
            why="An organisation kind that is not one of the kinds.",
        ),
    ),
    "year_header.xlsx": (
        put("PODYears", "E1", "2017-18"),
        Expected(
            " PODYears!E1: ",
            "the column header '2017-18' is not a financial year",
            why="A year column headed 2017-18.",
        ),
    ),
    "no_pods_sheet.xlsx": (
        drop("PODs"),
        Expected(
            ": ",
            "the workbook has no PODs sheet",
            why="The PODs sheet, which every scenario needs, is missing.",
        ),
    ),
    "unknown_column.xlsx": (
        put("PODs", "F1", "colour"),
        Expected(" PODs!F1: ", "unknown column 'colour'", why="A column no POD field has."),
    ),
    "unknown_provider.xlsx": (
        put("Providers", "B2", "acuet"),
        Expected(
            " Providers!C2 pods[0].providers.acuet: ",
            "did you mean 'acute'?",
            why="A provider that is not an organisation.",
        ),
    ),
    "provider_shares.xlsx": (
        put("Providers", "C3", 0.3),
        Expected(
            " Providers!B2 pods[0].providers: ",
            "the provider shares add up to 1.1",
            why="Provider shares that add to 1.1.",
        ),
    ),
    "scenario_field.xlsx": (
        put("Scenario", "A3", "nmae"),
        Expected(" Scenario!A3: ", "unknown field 'nmae'", why="A misspelt field of the Scenario sheet."),
    ),
    "negative_activity.xlsx": (
        put("PODs", "D2", -1000),
        Expected(
            " PODs!D2 pods[0].activity.base: ", "activity cannot be negative", why="Activity below zero."
        ),
    ),
    "error_value.xlsx": (
        put("PODs", "D3", "#REF!"),
        Expected(" PODs!D3: ", "the cell shows the error #REF!", why="A cell holding Excel's #REF! error."),
    ),
    "date_as_year.xlsx": (
        put("Scenario", "B4", dt.datetime(2016, 4, 1)),
        Expected(" Scenario!B4: ", "found a date (2016-04-01)", why="A base year typed as a date."),
    ),
    "unknown_effect_pod.xlsx": (
        put("Effects", "C2", "aee"),
        Expected(
            " Effects!C2 schemes[0].effects[0].pod: ",
            "did you mean 'ae'?",
            why="An effect on a POD that does not exist.",
        ),
    ),
    "duplicate_pod.xlsx": (
        put("PODs", "A3", "ae"),
        Expected(" PODs!A3 pods[1].id: ", "duplicate POD id 'ae'", why="Two PODs with one id."),
    ),
    "fraction_word.xlsx": (
        put("Effects", "G2", "20%"),
        Expected(
            " Effects!G2 schemes[0].effects[0].fraction.2018/19: ",
            "expected a number; found '20%'",
            why="A fraction typed as text with a percent sign.",
        ),
    ),
}

# --- actuals workbooks ------------------------------------------------------------------------------------


def actuals_sheets() -> Sheets:
    return {
        "activity": [
            ["month", "pod", "provider", "activity"],
            ["2018/19-M02", "ae", "sft", 5488],
            ["2018/19-M02", "ae", "other", 1548],
        ],
        "spend": [["month", "scheme", "spend"], ["2018/19-M02", "neighbourhood", 1003.0]],
    }


def rename(sheet: str, name: str) -> Callable[[Sheets], None]:
    def change(sheets: Sheets) -> None:
        sheets[name] = sheets.pop(sheet)

    return change


ACTUALS_WORKBOOKS: dict[str, tuple[Callable[[Sheets], None], Expected]] = {
    "renamed_sheet.xlsx": (
        rename("activity", "Activity data"),
        Expected(
            ", sheet Activity data: ", "is not a table of actuals", why="Issue 13 item 6: a renamed sheet."
        ),
    ),
    "activity_word.xlsx": (
        put("activity", "D3", "lots"),
        Expected(
            ", sheet activity, row 3, column activity: ", "found 'lots'", why="Activity written as a word."
        ),
    ),
    "unknown_scheme.xlsx": (
        put("spend", "B2", "neighbourhod"),
        Expected(
            ", sheet spend, row 2, column scheme: ", "did you mean 'neighbourhood'?", why="A misspelt scheme."
        ),
    ),
    "month_as_date.xlsx": (
        put("activity", "A2", dt.datetime(2018, 5, 1)),
        Expected(", sheet activity, row 2, column month: ", "is not a month", why="A month typed as a date."),
    ),
    "spend_header_on_activity.xlsx": (
        put("activity", "D1", "spend"),
        Expected(
            ", sheet activity, row 1, column spend: ",
            "unknown column 'spend'",
            why="The activity sheet headed as another table.",
        ),
    ),
    "nothing_to_import.xlsx": (
        lambda sheets: sheets.update(activity=[sheets["activity"][0]], spend=[sheets["spend"][0]]),
        Expected(": ", "nothing to import", why="Headers and no rows."),
    ),
    "spend_huge.xlsx": (
        put("spend", "C2", 1e300),
        Expected(
            ", sheet spend, row 2, column spend: ",
            "expected spend in £'000 of at most 100,000,000 (£100bn) in size; found 1e+300",
            why="Spend of 1e300 £'000 (it was accepted).",
        ),
    ),
    "duplicate_column.xlsx": (
        put("activity", "E1", "activity"),
        Expected(
            ", sheet activity, row 1, column activity: ",
            "the column 'activity' is given twice in the header (columns D and E)",
            why="A column given twice, not named in its message.",
        ),
    ),
}

# --- patient files ----------------------------------------------------------------------------------------

PATIENTS = 40
EXAMPLE_PATIENTS = CORPUS.parents[1] / "examples" / "synthetic-population" / "patients.parquet"


def patient_rows() -> tuple[list[str], Rows]:
    """The first patients of the bundled synthetic population: a valid file."""
    import duckdb

    relation = duckdb.sql(
        f"SELECT * FROM read_parquet('{EXAMPLE_PATIENTS}') ORDER BY patient_id LIMIT {PATIENTS}"
    )
    assert relation is not None
    return list(relation.columns), [list(row) for row in relation.fetchall()]


def set_value(column: str, row: int, value: Any) -> Callable[[list[str], Rows], None]:
    def change(header: list[str], rows: Rows) -> None:
        rows[row][header.index(column)] = value

    return change


def drop_column(column: str) -> Callable[[list[str], Rows], None]:
    def change(header: list[str], rows: Rows) -> None:
        index = header.index(column)
        del header[index]
        for row in rows:
            del row[index]

    return change


def add_column(column: str, values: Callable[[int], Any]) -> Callable[[list[str], Rows], None]:
    def change(header: list[str], rows: Rows) -> None:
        header.append(column)
        for index, row in enumerate(rows):
            row.append(values(index))

    return change


def nhs_number(index: int) -> str:
    """A 10-digit number with a valid modulus-11 check digit."""
    stem = f"{943476 + index:06d}591"
    total = sum(int(digit) * (10 - position) for position, digit in enumerate(stem))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return stem + str(check) if check != 10 else nhs_number(index + 1000)


PatientChange = Callable[[list[str], Rows], None]
PATIENT_FILES: dict[str, tuple[PatientChange, Expected]] = {
    "age_too_old.csv": (
        set_value("age", 4, 150),
        Expected(
            ", row 5 (line 6), column age: ",
            "found '150'; expected a whole number from 0 to 120",
            why="An age of 150 (row 5 of the data, line 6 of the file).",
        ),
    ),
    "age_word.csv": (
        set_value("age", 2, "forty"),
        Expected(", row 3 (line 4), column age: ", "found 'forty'", why="An age written as a word."),
    ),
    "imd_eleven.csv": (
        set_value("imd_decile", 0, 11),
        Expected(
            ", row 1 (line 2), column imd_decile: ",
            "expected a whole number from 1 to 10",
            why="A deprivation decile of 11.",
        ),
    ),
    "negative_count.csv": (
        set_value("ae_prior", 7, -2),
        Expected(
            ", row 8 (line 9), column ae_prior: ",
            "found '-2'; expected a whole number, 0 or more",
            why="A negative count of A&E attendances.",
        ),
    ),
    "flag_maybe.csv": (
        set_value("ltc_copd", 3, "maybe"),
        Expected(
            ", row 4 (line 5), column ltc_copd: ",
            "found 'maybe'; expected true or false",
            why="A flag that is neither true nor false.",
        ),
    ),
    "frailty_two.csv": (
        set_value("frailty", 5, 2.0),
        Expected(
            ", row 6 (line 7), column frailty: ", "expected a number from 0 to 1", why="A frailty index of 2."
        ),
    ),
    "duplicate_patient.csv": (
        set_value("patient_id", 9, 1),
        Expected(
            ", row 10 (line 11), column patient_id: ",
            "'1' is also on row 1",
            why="A patient key given twice.",
        ),
    ),
    "empty_patient_id.csv": (
        set_value("patient_id", 6, None),
        Expected(
            ", row 7 (line 8), column patient_id: ", "found an empty value", why="A patient with no key."
        ),
    ),
    "no_imd_column.csv": (
        drop_column("imd_decile"),
        Expected(": ", "column 'imd_decile' is missing", why="A required column missing."),
    ),
    "nhs_number_column.csv": (
        add_column("nhs_number", nhs_number),
        Expected(
            ", column nhs_number: ", "its name says it holds an NHS number", why="A column of NHS numbers."
        ),
    ),
    "nhs_numbers_by_value.csv": (
        add_column("ref", nhs_number),
        Expected(
            ", column ref: ",
            "its values look like NHS numbers",
            why="NHS numbers in a column with an innocent name.",
        ),
    ),
    "postcode_column.csv": (
        add_column("home", lambda index: f"SK{index % 9 + 1} {index % 9 + 1}AB"),
        Expected(
            ", column home: ",
            "its values look like UK postcodes",
            why="Postcodes in a column with an innocent name.",
        ),
    ),
    "age_word.parquet": (
        set_value("age", 2, "forty"),
        Expected(", row 3, column age: ", "found 'forty'", why="A Parquet file whose age column is text."),
    ),
    "no_sex_column.parquet": (
        drop_column("sex"),
        Expected(": ", "column 'sex' is missing", why="A Parquet file without the sex column."),
    ),
    "nhs_number_column.parquet": (
        add_column("nhs_no", nhs_number),
        Expected(
            ", column nhs_no: ",
            "its name says it holds an NHS number",
            why="A Parquet file with a column of NHS numbers.",
        ),
    ),
    "negative_count.parquet": (
        set_value("nel_prior", 3, -1),
        Expected(", row 4, column nel_prior: ", "found '-1'", why="A Parquet file with a negative count."),
    ),
}
NOT_DATA: dict[str, tuple[bytes, Expected]] = {
    "patients/not_parquet.parquet": (
        b"patient_id,age\n1,40\n",
        Expected(": ", "cannot be read as PARQUET", why="A CSV file named .parquet."),
    ),
    "scenario-excel/not_a_workbook.xlsx": (
        b"format_version: 1\n",
        Expected(": ", "the file is not an Excel workbook that can be read", why="A YAML file named .xlsx."),
    ),
}

# --- writing ----------------------------------------------------------------------------------------------


def write_workbook(path: Path, sheets: Sheets) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.properties.created = dt.datetime(2017, 1, 1)  # the same bytes each time it is written
    workbook.properties.modified = dt.datetime(2017, 1, 1)
    workbook.save(path)


def write_patients(path: Path, header: list[str], rows: Rows) -> None:
    if path.suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(["" if value is None else value for value in row] for row in rows)
        path.write_text(text.getvalue(), encoding="utf-8")
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {name: [row[index] for row in rows] for index, name in enumerate(header)}
    arrays = {}
    for name, values in columns.items():
        kinds = {type(value) for value in values if value is not None}
        arrays[name] = pa.array([None if v is None else str(v) for v in values] if len(kinds) > 1 else values)
    pq.write_table(pa.table(arrays), path)


EXPECTED: dict[str, Expected] = {
    **{f"scenario-excel/{name}": expected for name, (_, expected) in SCENARIO_WORKBOOKS.items()},
    **{f"actuals/{name}": expected for name, (_, expected) in ACTUALS_WORKBOOKS.items()},
    **{f"patients/{name}": expected for name, (_, expected) in PATIENT_FILES.items()},
    **{name: expected for name, (_, expected) in NOT_DATA.items()},
}
"""What the refusal of each generated file must say, by its path in the corpus (folder/name)."""


def written_paths() -> list[Path]:
    return [
        *(CORPUS / "scenario-excel" / name for name in SCENARIO_WORKBOOKS),
        *(CORPUS / "actuals" / name for name in ACTUALS_WORKBOOKS),
        *(CORPUS / "patients" / name for name in PATIENT_FILES),
        *(CORPUS / name for name in NOT_DATA),
    ]


def main() -> None:
    for folder in ("scenario-excel", "actuals", "patients"):
        (CORPUS / folder).mkdir(exist_ok=True)
    for name, (change, _) in SCENARIO_WORKBOOKS.items():
        sheets = scenario_sheets()
        change(sheets)
        write_workbook(CORPUS / "scenario-excel" / name, sheets)
    for name, (change, _) in ACTUALS_WORKBOOKS.items():
        sheets = actuals_sheets()
        change(sheets)
        write_workbook(CORPUS / "actuals" / name, sheets)
    for name, (patient_change, _) in PATIENT_FILES.items():
        header, rows = patient_rows()
        patient_change(header, rows)
        write_patients(CORPUS / "patients" / name, header, rows)
    for name, (data, _) in NOT_DATA.items():
        (CORPUS / name).write_bytes(data)


if __name__ == "__main__":
    main()
