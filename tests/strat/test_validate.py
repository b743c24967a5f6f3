"""Validation of the patient file: every problem at once, each with its file, row (CSV line) and column."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carebridge.strat.errors import PatientDataError
from carebridge.strat.identifiers import identifier_by_name, identifier_by_values, is_nhs_number
from carebridge.strat.source import open_patient_file
from carebridge.strat.synth import synthetic_patients
from carebridge.strat.validate import validate_patients
from tests.strat.conftest import write_csv


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PatientDataError) as caught:
        validate_patients(duckdb.connect(), open_patient_file(path))
    return [str(problem) for problem in caught.value.problems]


def small() -> pa.Table:
    return synthetic_patients(200, seed=5)


def replace_column(table: pa.Table, name: str, values: Sequence[object]) -> pa.Table:
    index = table.column_names.index(name)
    return table.set_column(index, name, pa.array(values))


def test_a_good_file_passes(population_file: Path) -> None:
    checked = validate_patients(duckdb.connect(), open_patient_file(population_file))
    assert checked.patients == 20_000
    assert "nel_next" in checked.columns


def test_csv_values_are_located_by_row_line_and_column(tmp_path: Path) -> None:
    frame = small().to_pandas()
    frame["age"] = frame["age"].astype(object)
    frame.loc[4, "age"] = "abc"
    frame.loc[149, "age"] = 130
    frame["sex"] = frame["sex"].astype(object)
    frame.loc[9, "sex"] = "X"
    frame.loc[19, "imd_decile"] = 0
    frame.to_csv(tmp_path / "patients.csv", index=False)
    found = problems_of(tmp_path / "patients.csv")
    name = tmp_path / "patients.csv"
    assert found == [
        f"{name}, row 5 (line 6), column age: found 'abc'; expected a whole number from 0 to 120",
        f"{name}, row 150 (line 151), column age: found '130'; expected a whole number from 0 to 120",
        f"{name}, row 10 (line 11), column sex: found 'X'; expected F, M or U",
        f"{name}, row 20 (line 21), column imd_decile: found '0'; expected a whole number from 1 to 10",
    ]


def test_parquet_rows_are_numbered_from_one(tmp_path: Path) -> None:
    table = small()
    counts = table["nel_prior"].to_pylist()
    acs = table["nel_acs_prior"].to_pylist()
    counts[2], acs[2] = 1, 3
    table = replace_column(replace_column(table, "nel_prior", counts), "nel_acs_prior", acs)
    frailty = table["frailty"].to_pylist()
    frailty[7] = 1.5
    table = replace_column(table, "frailty", frailty)
    pq.write_table(table, tmp_path / "patients.parquet")
    assert problems_of(tmp_path / "patients.parquet") == [
        f"{tmp_path / 'patients.parquet'}, row 8, column frailty: found '1.5'; expected a number from 0 to 1",
        f"{tmp_path / 'patients.parquet'}, row 3, column nel_acs_prior: found '3 with 1 in nel_prior'; "
        "expected no more than nel_prior",
    ]


def test_many_bad_rows_show_three_and_count_the_rest(tmp_path: Path) -> None:
    frame = small().to_pandas()
    frame["ae_prior"] = -1
    frame.to_csv(tmp_path / "p.csv", index=False)
    found = problems_of(tmp_path / "p.csv")
    assert len(found) == 4
    assert (
        found[3] == f"{tmp_path / 'p.csv'}, column ae_prior: 197 more rows with the same problem; "
        "expected a whole number, 0 or more"
    )


def test_missing_columns_and_empty_values_and_duplicate_keys(tmp_path: Path) -> None:
    frame = small().to_pandas().rename(columns={"imd_decile": "imd_decil"}).drop(columns=["ltc_copd"])
    frame["practice"] = frame["practice"].astype(object)
    frame.loc[3, "practice"] = None
    frame.loc[10, "patient_id"] = frame.loc[2, "patient_id"]
    frame.to_csv(tmp_path / "p.csv", index=False)
    found = problems_of(tmp_path / "p.csv")
    name = tmp_path / "p.csv"
    assert (
        f"{name}: column 'imd_decile' is missing; did you mean 'imd_decil'?; "
        "expected a whole number from 1 to 10 — Index of Multiple Deprivation decile: 1 most deprived"
        in found
    )
    assert any(p.startswith(f"{name}: column 'ltc_copd' is missing") for p in found)
    assert f"{name}, row 4 (line 5), column practice: found an empty value; expected text" in found
    assert (
        f"{name}, row 11 (line 12), column patient_id: '3' is also on row 3; expected each patient once"
        in found
    )


def test_a_file_of_another_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "patients.xlsx"
    path.write_text("x")
    with pytest.raises(
        PatientDataError, match=r"'\.xlsx' is not a patient file type; expected \.parquet or \.csv"
    ):
        open_patient_file(path)


@pytest.mark.parametrize(
    ("column", "what"),
    [
        ("NHS Number", "an NHS number"),
        ("nhs_no", "an NHS number"),
        ("surname", "a name"),
        ("Forename", "a name"),
        ("patient_name", "a name"),
        ("DOB", "a date of birth"),
        ("date_of_birth", "a date of birth"),
        ("address_line_1", "an address"),
        ("Post Code", "a postcode"),
        ("postcode", "a postcode"),
    ],
)
def test_identifiers_by_name(column: str, what: str) -> None:
    assert identifier_by_name(column) == what


@pytest.mark.parametrize(
    "column", ["practice", "neighbourhood", "age", "imd_decile", "ltc_dementia", "patient_id"]
)
def test_schema_columns_are_not_identifiers(column: str) -> None:
    assert identifier_by_name(column) is None


def test_nhs_number_check_digit() -> None:
    assert is_nhs_number("943 476 5919")
    assert is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")
    assert not is_nhs_number("12345")


def test_identifiers_by_values() -> None:
    assert identifier_by_values(["943 476 5919", "4010232137", None]) == "NHS numbers"
    assert identifier_by_values(["SK1 3XE", "M13 9PL", "SW1A 1AA"]) == "UK postcodes"
    assert identifier_by_values(["1950-03-02", "1987-11-30"]) == "dates of birth"
    assert identifier_by_values([1, 2, 3, 4]) is None
    assert identifier_by_values(["P01", "P02"]) is None


def test_a_file_with_identifiers_is_refused_naming_the_columns(tmp_path: Path) -> None:
    frame = small().to_pandas()
    frame["ref"] = ["9434765919"] * len(frame)  # looks like NHS numbers by value
    frame["home"] = ["SK1 3XE"] * len(frame)  # postcodes by value
    frame["forename"] = ["Ann"] * len(frame)  # a name by column name
    write_csv(pa.Table.from_pandas(frame), tmp_path / "p.csv")
    found = problems_of(tmp_path / "p.csv")
    refusal = (
        "a direct identifier; CareBridge takes pseudonymised data only: remove the column, "
        "or replace it with a pseudonymous key"
    )
    name = tmp_path / "p.csv"
    assert found == [
        f"{name}, column ref: its values look like NHS numbers, {refusal}",
        f"{name}, column home: its values look like UK postcodes, {refusal}",
        f"{name}, column forename: its name says it holds a name, {refusal}",
    ]


def test_patient_keys_that_are_nhs_numbers_are_refused(tmp_path: Path) -> None:
    table = small()
    keys = [str(9434765919 + 0) for _ in range(table.num_rows)]
    table = replace_column(table, "patient_id", keys)
    pq.write_table(table, tmp_path / "p.parquet")
    found = problems_of(tmp_path / "p.parquet")
    assert found[0].startswith(
        f"{tmp_path / 'p.parquet'}, column patient_id: its values look like NHS numbers"
    )
