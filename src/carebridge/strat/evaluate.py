"""How good the model is on patients it was not fitted on: discrimination, calibration and Brier score.

All computed in DuckDB over the evaluation rows (``risk`` the prediction, ``outcome`` 1 when the patient had
an emergency admission in the next 12 months):

- **c-statistic (AUC)**: the chance that a patient who was admitted scored higher than one who was not, ties
  counting a half: ``Σ_s pos_s·(neg_below_s + neg_s/2) / (P·N)`` over distinct scores ``s``;
- **Brier score**: ``mean((risk − outcome)²)``;
- **calibration by decile**: patients in ten equal groups by predicted risk; in each, the mean predicted risk
  against the share admitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd


@dataclass(frozen=True)
class Evaluation:
    """The model's performance on the evaluation patients."""

    patients: int
    admitted: int
    auc: float
    brier: float
    calibration: pd.DataFrame
    """decile, patients, admitted, mean_predicted, observed."""
    description: str


def evaluation_sql(relation: str, risk_sql: str, where: str) -> str:
    return (
        f"SELECT {risk_sql} AS risk, CAST(nel_next > 0 AS INTEGER) AS outcome FROM {relation} "
        f"WHERE ({where}) AND nel_next IS NOT NULL"
    )


def auc(con: duckdb.DuckDBPyConnection, rows: str) -> float:
    """The c-statistic of ``rows`` (columns ``risk`` and ``outcome``), ties counting a half."""
    result = con.execute(
        f"""
        WITH scores AS (
            SELECT risk, sum(outcome) AS pos, count(*) - sum(outcome) AS neg FROM ({rows}) GROUP BY risk
        ), below AS (
            SELECT pos, neg,
                   coalesce(sum(neg) OVER (ORDER BY risk ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                       AS neg_below
            FROM scores
        )
        SELECT sum(pos * (neg_below + neg / 2.0)) / (sum(pos) * sum(neg)) FROM below
        """
    ).fetchone()
    return float(result[0]) if result and result[0] is not None else float("nan")


def evaluate(
    con: duckdb.DuckDBPyConnection, relation: str, risk_sql: str, where: str, description: str
) -> Evaluation:
    """Evaluate the model on the rows of ``relation`` selected by ``where``."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE evaluation_rows AS {evaluation_sql(relation, risk_sql, where)}"
    )
    totals = con.execute(
        "SELECT count(*), coalesce(sum(outcome), 0), avg((risk - outcome) ^ 2) FROM evaluation_rows"
    ).fetchone()
    patients, admitted, brier = (
        (int(totals[0]), int(totals[1]), float(totals[2] or "nan")) if totals else (0, 0, 0.0)
    )
    calibration = con.execute(
        """
        SELECT decile, count(*) AS patients, sum(outcome) AS admitted, avg(risk) AS mean_predicted,
               avg(outcome) AS observed
        FROM (SELECT risk, outcome, ntile(10) OVER (ORDER BY risk) AS decile FROM evaluation_rows)
        GROUP BY decile ORDER BY decile
        """
    ).df()
    area = (
        auc(con, "SELECT risk, outcome FROM evaluation_rows")
        if admitted and admitted < patients
        else float("nan")
    )
    con.execute("DROP TABLE evaluation_rows")
    return Evaluation(patients, admitted, area, brier, calibration, description)
