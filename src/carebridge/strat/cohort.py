"""The cohort and the concentration of activity in it, computed in DuckDB over the scored patients.

``relation`` is a table expression with a ``risk`` column (the predicted chance, 0 to 1) and the activity
columns of :mod:`carebridge.strat.columns`. Scores are shown as ``100 × risk`` (Stockport's Combined
Predictive Model cut-off was a score of 18.03).

- **Top x%**: the threshold is the risk of the patient at rank ``⌈N·x/100⌉`` from the top
  (``quantile_disc(risk, 1 − x/100)``); the cohort is everyone at or above it, so ties at the threshold are
  all in (the cohort can be a few patients larger than x%).
- **Concentration**: patients in 1,000 equal groups by risk, highest first (``ntile``'s groups: when 1,000
  does not divide the number of patients, the first groups hold one patient more); the share of each
  measure's activity held by the top ``k`` groups, for every ``k`` — the concentration (Lorenz) curve. The
  scored table is stored highest risk first, so a patient's group follows from the row's place (``rowid``)
  by arithmetic: one pass that sums into 1,000 groups, no sort (a window ``ntile`` sorted every patient
  again, the slowest step at 10 million: docs/patient-data.md, Speed).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from carebridge.strat.columns import MEASURE_NAMES

MEASURES = ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp", "cost")
"""What the cohort's activity is summed over, when the file has it (``op`` = first + follow-up is added)."""
LABELS = {**MEASURE_NAMES, "op": "Outpatient appointments (first and follow-up)", "cost": "Cost (£)"}
CURVE_GROUPS = 1000
TABLE_TOPS = (1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0)


@dataclass(frozen=True)
class Cohort:
    """The patients at or above a risk threshold, and their share of each measure's activity."""

    rule: str
    threshold: float
    """Risk (0 to 1); the score is 100 × this."""
    patients: int
    population: int
    activity: pd.DataFrame
    """measure, label, cohort, total, share (one row per measure, with ``op``)."""

    @property
    def score(self) -> float:
        return 100 * self.threshold

    @property
    def percent(self) -> float:
        return 100 * self.patients / self.population if self.population else 0.0

    def counts(self) -> dict[str, tuple[float, float]]:
        """Each measure's (cohort, everyone) activity."""
        return {
            str(measure): (float(inside), float(total))
            for measure, inside, total in zip(
                self.activity["measure"].tolist(),
                self.activity["cohort"].tolist(),
                self.activity["total"].tolist(),
                strict=True,
            )
        }

    def share(self, measure: str) -> float:
        inside, total = self.counts().get(measure, (0.0, 0.0))
        return inside / total if total else float("nan")

    @property
    def acs_share(self) -> float:
        """Share of the cohort's emergency admissions that were sensitive to ambulatory care."""
        counts = self.counts()
        if "nel_acs" not in counts or not counts["nel"][0]:
            return float("nan")
        return counts["nel_acs"][0] / counts["nel"][0]


def measures_in(columns: set[str], year: str) -> list[str]:
    """The measures whose column for ``year`` is in the file."""
    return [measure for measure in MEASURES if f"{measure}_{year}" in columns]


def threshold_for_top(con: duckdb.DuckDBPyConnection, relation: str, top_percent: float) -> float:
    """The risk of the patient at rank ``⌈N·top/100⌉`` from the top."""
    row = con.execute(f"SELECT quantile_disc(risk, {1 - top_percent / 100!r}) FROM {relation}").fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


def select_cohort(
    con: duckdb.DuckDBPyConnection, relation: str, threshold: float, year: str, measures: list[str], rule: str
) -> Cohort:
    """The cohort at ``risk ≥ threshold`` and its activity in ``year`` against everyone's."""
    sums = ", ".join(
        f"sum({m}_{year}) FILTER (WHERE risk >= {threshold!r}), sum({m}_{year})" for m in measures
    )
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE risk >= {threshold!r}), count(*), {sums} FROM {relation}"
    ).fetchone()
    if row is None:
        raise ValueError("no patients")
    values = [float(v or 0) for v in row[2:]]
    cohort = dict(zip(measures, values[0::2], strict=True))
    total = dict(zip(measures, values[1::2], strict=True))
    if "op_first" in cohort and "op_fu" in cohort:
        cohort["op"], total["op"] = cohort["op_first"] + cohort["op_fu"], total["op_first"] + total["op_fu"]
    activity = pd.DataFrame(
        {
            "measure": list(cohort),
            "label": [LABELS[m] for m in cohort],
            "cohort": list(cohort.values()),
            "total": [total[m] for m in cohort],
        }
    )
    activity["share"] = activity["cohort"] / activity["total"].where(activity["total"] > 0)
    return Cohort(rule, threshold, int(row[0]), int(row[1]), activity)


def concentration_curve(
    con: duckdb.DuckDBPyConnection, relation: str, year: str, measures: list[str], groups: int = CURVE_GROUPS
) -> pd.DataFrame:
    """Cumulative share of each measure held by the top ``percent`` of patients by risk.

    ``relation`` is a table stored highest risk first (``scored``: :func:`~carebridge.strat.pipeline.
    score_patients`); row ``i`` (``rowid``, from 0) is in the group ``ntile(groups) OVER (ORDER BY risk
    DESC)`` would give it. One row per group boundary (``percent`` = 100·k/groups), plus the origin; columns
    ``percent``, ``patients`` (cumulative), ``min_score`` (the lowest score in the top k groups) and one per
    measure.
    """
    sums = ", ".join(f"sum({m}_{year}) AS {m}" for m in measures)
    counted = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    size, large = divmod(int(counted[0]) if counted else 0, groups)
    edge = large * (size + 1)
    group = (
        f"CASE WHEN rowid < {edge} THEN 1 + rowid // {size + 1} "
        f"ELSE 1 + {large} + (rowid - {edge}) // {max(size, 1)} END"
    )
    grouped = con.execute(
        f"""
        SELECT {group} AS grp, count(*) AS patients, min(risk) AS min_risk, {sums}
        FROM {relation} GROUP BY grp ORDER BY grp
        """
    ).df()
    curve = pd.DataFrame({"percent": 100.0 * grouped["grp"] / groups})
    curve["patients"] = grouped["patients"].cumsum()
    curve["min_score"] = 100 * grouped["min_risk"].cummin()
    for m in measures:
        values = grouped[m].astype(float).fillna(0)
        curve[m] = values.cumsum() / values.sum() if values.sum() else 0.0
    if "op_first" in measures and "op_fu" in measures:
        op = grouped["op_first"].astype(float).fillna(0) + grouped["op_fu"].astype(float).fillna(0)
        curve["op"] = op.cumsum() / op.sum() if op.sum() else 0.0
    origin = pd.DataFrame([dict.fromkeys(curve.columns, 0.0)])
    origin["min_score"] = 100.0
    return pd.concat([origin, curve], ignore_index=True)


def concentration_table(curve: pd.DataFrame, tops: tuple[float, ...] = TABLE_TOPS) -> pd.DataFrame:
    """The curve at the given top percentages (the nearest group boundary at or below each)."""
    rows = []
    for top in tops:
        at = curve.loc[curve["percent"] <= top + 1e-9].iloc[-1]
        rows.append(at)
    return pd.DataFrame(rows).reset_index(drop=True)
