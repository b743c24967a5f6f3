"""One stratification: check the file, get a model, score everyone, choose the cohort, and tabulate.

The steps, all in one DuckDB connection over the file in place:

1. validate the patient file (:mod:`carebridge.strat.validate`) and define the view ``patients``;
2. the model: supplied coefficients; or fitted on another file (``fit_on``: e.g. last year's extract, then
   evaluated on this one — a temporal validation); or fitted on this file's development half (patients whose
   key hashes even) and evaluated on the other half — which needs the ``_next`` columns;
3. the view ``scored`` adds ``risk`` to every patient (one SQL expression from the coefficients, each bound
   as a parameter, never pasted into the SQL);
4. the cohort (top x% or a score threshold), its activity against everyone's, the concentration curve and
   table, the breakdowns and the distribution of scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from carebridge.strat.breakdown import NEED_CELL, breakdown
from carebridge.strat.cohort import (
    Cohort,
    cohort_and_curve,
    concentration_table,
    measures_in,
)
from carebridge.strat.columns import NEXT_COLUMNS
from carebridge.strat.database import connection
from carebridge.strat.evaluate import Evaluation, evaluate
from carebridge.strat.model import MAX_FIT_ROWS, FitError, RiskModel, fit_model, load_model
from carebridge.strat.source import create_patient_view, open_patient_file
from carebridge.strat.validate import validate_patients

Year = Literal["prior", "next"]
MIN_PATIENTS = 100
"""The fewest patients a file may hold to be stratified."""
DEVELOPMENT = "hash(CAST(patient_id AS VARCHAR)) % 2 = 0"
VALIDATION = "hash(CAST(patient_id AS VARCHAR)) % 2 = 1"


class StratifyError(Exception):
    """Options that cannot work with the data given (the message says why and what to do)."""


@dataclass(frozen=True)
class Options:
    top: float | None = 15.0
    """Cohort: the top ``top`` per cent by risk (ignored when ``threshold`` is given)."""
    threshold: float | None = None
    """Cohort: everyone with a score (100 × risk) at or above this."""
    year: Year = "prior"
    """The year whose activity the cohort's shares, the concentration and the breakdowns count."""
    coefficients: Path | None = None
    fit_on: Path | None = None
    max_fit_rows: int = MAX_FIT_ROWS


@dataclass(frozen=True)
class Stratification:
    file: str
    patients: int
    year: Year
    model: RiskModel
    evaluation: Evaluation | None
    cohort: Cohort
    curve: pd.DataFrame
    concentration: pd.DataFrame
    neighbourhoods: pd.DataFrame
    deprivation: pd.DataFrame
    distribution: pd.DataFrame
    """bin (score from bin to bin + 1), patients."""


def has_next(columns: set[str]) -> bool:
    return "nel_next" in columns


def _fitted(
    con: duckdb.DuckDBPyConnection, relation: str, where: str, options: Options, file: str, rows: str = ""
) -> RiskModel:
    """The model fitted on ``relation``; :class:`StratifyError` naming ``file`` when it cannot be."""
    try:
        return fit_model(con, relation, where, max_rows=options.max_fit_rows)
    except FitError as error:
        place = f"{file}, column {error.column}" if error.column else file
        raise StratifyError(f"{place}: {rows}{error.reason}") from None


def choose_model(
    con: duckdb.DuckDBPyConnection, columns: set[str], options: Options, file: str = "the patient file"
) -> tuple[RiskModel, str | None, str]:
    """The model, the rows of ``patients`` to evaluate it on (None: cannot) and how it was evaluated."""
    if options.coefficients is not None:
        model = load_model(options.coefficients)
        rows = "TRUE" if has_next(columns) else None
        return model, rows, "every patient (the model was supplied)"
    if options.fit_on is not None:
        training = open_patient_file(options.fit_on)
        checked = validate_patients(con, training)
        if not has_next(set(checked.columns)):
            raise StratifyError(
                f"{options.fit_on}: has no nel_next column, so a model cannot be fitted on it"
            )
        create_patient_view(con, training, "training")
        model = _fitted(con, "training", "TRUE", options, training.name)
        model = RiskModel(
            model.intercept, model.coefficients, f"fitted on {options.fit_on}", model.fitted_rows, model.notes
        )
        rows = "TRUE" if has_next(columns) else None
        return model, rows, f"every patient (the model was fitted on {options.fit_on})"
    if not has_next(columns):
        raise StratifyError(
            "the data has no next-year columns (nel_next and the rest), so no model can be fitted on it: "
            "give --coefficients FILE (a fitted or published model) or --fit-on FILE (an earlier extract)"
        )
    model = _fitted(con, "patients", DEVELOPMENT, options, file, "in the development half, ")
    model = RiskModel(
        model.intercept,
        model.coefficients,
        "fitted on the development half of the data (patients whose key hashes even)",
        model.fitted_rows,
        model.notes,
    )
    return model, VALIDATION, "the validation half (patients whose key hashes odd), not used in fitting"


def score_patients(con: duckdb.DuckDBPyConnection, model: RiskModel, year: str, measures: list[str]) -> None:
    """Score every patient once into the temporary table ``scored`` (risk and the year's activity: a narrow
    table, so the cohort and concentration read memory, not the file), in file order — unsorted: the
    concentration curve ranks patients by a histogram of risk, and the top's threshold is read from it
    (:func:`~carebridge.strat.cohort.cohort_and_curve`)."""
    activity = ", ".join(
        f"CAST({m}_{year} AS {'DOUBLE' if m == 'cost' else 'INTEGER'}) AS {m}_{year}" for m in measures
    )
    con.execute("SET preserve_insertion_order = true")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE scored AS SELECT {model.risk_sql()} AS risk, {activity} FROM patients"
    )


def define_scored_people(con: duckdb.DuckDBPyConnection, model: RiskModel) -> None:
    """The view ``scored_people``: every column of ``patients``, the risk and the need cell (for the
    breakdowns)."""
    con.execute(
        "CREATE OR REPLACE VIEW scored_people AS "
        f"SELECT *, {model.risk_sql()} AS risk, {NEED_CELL} FROM patients"
    )


def score_distribution(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT CAST(least(floor(risk * 100), 99) AS INTEGER) AS bin, count(*) AS patients "
        "FROM scored GROUP BY bin ORDER BY bin"
    ).df()


def stratify(path: Path, options: Options, con: duckdb.DuckDBPyConnection | None = None) -> Stratification:
    """Run every step on the patient file at ``path``, on ``con`` or a connection of its own."""
    if con is None:
        with connection() as own:
            return stratify(path, options, own)
    file = open_patient_file(path)
    checked = validate_patients(con, file)
    if checked.patients < MIN_PATIENTS:
        raise StratifyError(
            f"{file.name}: has {checked.patients:,} patient{'s' if checked.patients != 1 else ''}; a "
            f"stratification needs at least {MIN_PATIENTS}: fewer cannot fit or evaluate a model, and "
            "disclosure control would suppress every count"
        )
    columns = set(checked.columns)
    if options.year == "next" and not has_next(columns):
        raise StratifyError("--year next: the data has no next-year columns; use the prior year")
    missing_next = [c for c in NEXT_COLUMNS if c not in columns and c != "cost_next"]
    if options.year == "next" and missing_next:
        raise StratifyError(f"--year next: the data lacks {', '.join(missing_next)}")
    create_patient_view(con, file)
    model, evaluation_rows, evaluated_on = choose_model(con, columns, options, file.name)
    model.bind(con)
    evaluation = (
        evaluate(con, "patients", model.risk_sql(), evaluation_rows, evaluated_on)
        if evaluation_rows is not None
        else None
    )
    measures = measures_in(columns, options.year)
    score_patients(con, model, options.year, measures)
    define_scored_people(con, model)
    if options.threshold is not None:
        rule = f"Risk score {options.threshold:g} or more"
        cohort, curve = cohort_and_curve(
            con, "scored", options.year, measures, rule, threshold=options.threshold / 100
        )
    else:
        top = 15.0 if options.top is None else options.top
        if not 0 < top <= 100:
            raise StratifyError(f"--top {top:g}: expected a percentage above 0 and at most 100")
        rule = f"Top {top:g}% by predicted risk"
        cohort, curve = cohort_and_curve(con, "scored", options.year, measures, rule, top=top)
    threshold = cohort.threshold
    return Stratification(
        file=str(path),
        patients=checked.patients,
        year=options.year,
        model=model,
        evaluation=evaluation,
        cohort=cohort,
        curve=curve,
        concentration=concentration_table(curve),
        neighbourhoods=breakdown(con, "scored_people", threshold, options.year, "neighbourhood"),
        deprivation=breakdown(con, "scored_people", threshold, options.year, "imd_decile"),
        distribution=score_distribution(con),
    )
