"""Issue 13, stratification: mistakes in a patient file or a coefficients file are located, explained
errors (exit 2), never "unexpected error"; supplied coefficients are checked like every other input and are
bound as parameters, never pasted into the SQL that scores patients."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.strat.errors import PatientDataError
from carebridge.strat.features import FEATURES
from carebridge.strat.model import ModelFileError, RiskModel, load_model
from carebridge.strat.pipeline import Options, StratifyError, stratify
from carebridge.strat.source import open_patient_file
from carebridge.strat.synth import synthetic_patients
from carebridge.strat.validate import validate_patients


def patients_csv(path: Path, rows: int, **columns: object) -> Path:
    frame = synthetic_patients(rows, seed=5).to_pandas()
    for name, value in columns.items():
        frame[name] = value
    frame.to_csv(path, index=False)
    return path


def only_problem(path: Path) -> str:
    with pytest.raises(PatientDataError) as caught:
        validate_patients(duckdb.connect(), open_patient_file(path))
    assert len(caught.value.problems) == 1, caught.value
    return str(caught.value.problems[0])


def test_an_empty_patient_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    path.write_bytes(b"")
    assert only_problem(path) == (
        f"{path}: is empty: no header and no rows; expected a header row naming the columns "
        "(docs/patient-data.md), then one row per patient"
    )


def test_a_patient_file_with_only_a_header_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    path.write_text("patient_id,age,sex\n", encoding="utf-8")
    assert only_problem(path).startswith(f"{path}: has a header (patient_id, age, sex) and no rows; expected")


def test_a_missing_sex_column_shows_the_values_accepted(tmp_path: Path) -> None:
    path = tmp_path / "patients.csv"
    synthetic_patients(200, seed=5).to_pandas().drop(columns=["sex"]).to_csv(path, index=False)
    message = only_problem(path)
    assert message == (
        f"{path}: column 'sex' is missing; expected F, M or U — F (female), M (male) or U (not known)"
    )
    assert "f (female)" not in message


def test_three_patients_are_too_few_to_stratify(tmp_path: Path) -> None:
    path = patients_csv(tmp_path / "patients.csv", 3)
    with pytest.raises(StratifyError) as caught:
        stratify(path, Options())
    assert str(caught.value).startswith(f"{path}: has 3 patients; a stratification needs at least 100")


def test_no_admission_next_year_cannot_fit_a_model(tmp_path: Path) -> None:
    path = patients_csv(tmp_path / "patients.csv", 300, nel_next=0, nel_acs_next=0)
    with pytest.raises(StratifyError) as caught:
        stratify(path, Options())
    message = str(caught.value)
    assert message.startswith(f"{path}, column nel_next: in the development half, no patient had an")
    assert "give --coefficients FILE" in message


def test_the_command_says_so_with_exit_2(tmp_path: Path) -> None:
    path = patients_csv(tmp_path / "patients.csv", 300, nel_next=0, nel_acs_next=0)
    result = CliRunner().invoke(app, ["stratify", str(path), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert f"{path}, column nel_next:" in result.stderr
    assert "unexpected error" not in result.stderr


def coefficients(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_a_coefficient_that_is_not_finite_is_refused(tmp_path: Path, value: str) -> None:
    path = coefficients(tmp_path, f"intercept: {value}\ncoefficients:\n  age_10y: {value}\n")
    found = problems(path)
    assert found[0].startswith(f"{path}:1 intercept: expected a finite number")
    assert found[1].startswith(f"{path}:3 coefficients.age_10y: expected a finite number")


def test_a_coefficient_no_model_has_is_refused(tmp_path: Path) -> None:
    path = coefficients(tmp_path, "intercept: -3\ncoefficients:\n  age_10y: 1e6\n  female: 0.1\n")
    assert problems(path) == [
        f"{path}:3 coefficients.age_10y: expected a number from -1,000 to 1,000; found 1e+06"
    ]


def test_unknown_features_are_located_with_a_suggestion(tmp_path: Path) -> None:
    path = coefficients(tmp_path, "intercept: -3\ncoefficients:\n  age_10: 0.3\n")
    assert problems(path) == [
        f"{path}:3 coefficients.age_10: not a feature; did you mean 'age_10y'?; "
        "the features are listed in docs/patient-data.md"
    ]


def test_more_coefficients_than_features_are_refused(tmp_path: Path) -> None:
    lines = "".join(f"  x{index}: 0.1\n" for index in range(len(FEATURES) + 1))
    path = coefficients(tmp_path, f"intercept: -3\ncoefficients:\n{lines}")
    found = problems(path)
    assert len(found) == 1 and found[0].startswith(f"{path}:2 coefficients:"), found


def test_coefficients_are_read_within_the_limits_of_every_yaml_input(tmp_path: Path) -> None:
    path = coefficients(tmp_path, "intercept: 1\nintercept: 2\ncoefficients: {age_10y: 0.3}\n")
    assert problems(path) == [
        f"{path}:2 intercept: duplicate key 'intercept' (first given at line 1); a key may appear only once "
        "in a map"
    ]


def test_the_scoring_sql_binds_the_numbers_as_parameters() -> None:
    model = RiskModel(-2.718281828, {"age_10y": 0.314159265, "female": -0.123456789}, "test")
    sql = model.risk_sql()
    assert "2.718" not in sql and "0.314" not in sql and "0.123" not in sql
    con = duckdb.connect()
    model.bind(con)
    row = con.execute(f"SELECT {model.linear_sql()} FROM (SELECT 50 AS age, 'F' AS sex)").fetchone()
    assert row is not None
    assert row[0] == pytest.approx(-2.718281828 + 0.314159265 * 5 - 0.123456789)
