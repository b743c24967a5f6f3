"""Breakdowns by neighbourhood and deprivation decile, with need-weighted emergency admission rates.

For each group (a neighbourhood, or a deprivation decile): patients, the cohort's patients and share, the
emergency admissions of the year, the crude rate per 10,000 and the **need-weighted** rate per 10,000 —
indirect standardisation for need: each patient is expected to have the admission rate of everyone in the
borough in the same need cell (5-year age band × sex × number of long-term conditions: 0, 1, 2, 3 or more);
``expected`` is the group's sum of those rates and

    need-weighted rate = observed / expected × (borough admissions / borough patients) × 10,000.

A group whose people need more care has more expected admissions, so its need-weighted rate is lower than
its crude rate; what is left is the variation need does not explain (Stockport: 612 to 876 per 10,000).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from carebridge.strat.columns import LTC_COLUMNS

CONDITION_COUNT = " + ".join(f"CAST({column} AS INTEGER)" for column in LTC_COLUMNS)
NEED_CELL = (
    "CAST(least(age // 5, 18) AS TINYINT) AS need_age, sex AS need_sex, "
    f"CAST(least({CONDITION_COUNT}, 3) AS TINYINT) AS need_conditions"
)
"""The need cell of a patient, as SQL over the patient view (the scored table carries its columns)."""
GROUPS = {"neighbourhood": "neighbourhood", "imd_decile": "imd_decile"}


def breakdown(
    con: duckdb.DuckDBPyConnection, relation: str, threshold: float, year: str, by: str
) -> pd.DataFrame:
    """The breakdown of the scored patients by ``by`` (``neighbourhood`` or ``imd_decile``).

    ``relation`` has ``risk``, the year's ``nel_<year>``, the group column and the need cell's columns
    (``need_age``, ``need_sex``, ``need_conditions``: :data:`NEED_CELL`)."""
    group = GROUPS[by]
    admissions = f"nel_{year}"
    frame = con.execute(
        f"""
        WITH people AS (
            SELECT {group} AS grp, risk, {admissions} AS admissions, need_age, need_sex, need_conditions
            FROM {relation}
        ), cells AS (
            SELECT need_age, need_sex, need_conditions, avg(admissions) AS cell_rate FROM people GROUP BY ALL
        ), overall AS (SELECT sum(admissions) / count(*) AS rate FROM people)
        SELECT grp AS {group}, count(*) AS patients,
               count(*) FILTER (WHERE risk >= {threshold!r}) AS cohort_patients,
               sum(admissions) AS admissions, sum(cell_rate) AS expected,
               any_value(overall.rate) AS borough_rate
        FROM people JOIN cells USING (need_age, need_sex, need_conditions), overall
        GROUP BY grp ORDER BY grp
        """
    ).df()
    frame["cohort_percent"] = 100 * frame["cohort_patients"] / frame["patients"]
    frame["rate_per_10000"] = 10_000 * frame["admissions"] / frame["patients"]
    frame["need_weighted_rate_per_10000"] = (
        10_000 * frame["admissions"] / frame["expected"] * frame["borough_rate"]
    )
    return frame.drop(columns=["borough_rate"])
