"""The fast concentration curve (a fine histogram of risk, and a rank for each patient only in the bins a
group boundary cuts) gives what the window ``ntile`` over every patient gives — patients with the same risk
in file order —: the same cohort, patient for patient, and the same curve and table to 1e-9, on populations
whose size 1,000 divides, does not divide, and exceeds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from carebridge.strat.cohort import (
    CURVE_GROUPS,
    cohort_and_curve,
    concentration_curve,
    concentration_table,
    select_cohort,
    top_rank,
)
from carebridge.strat.pipeline import Options, Stratification, stratify
from carebridge.strat.synth import synthetic_patients


def reference_curve(con: duckdb.DuckDBPyConnection, stratification: Stratification) -> pd.DataFrame:
    """The curve by the window ``ntile`` over every scored patient (the same risk: in file order)."""
    year = stratification.year
    measures = [m for m in stratification.cohort.counts() if m != "op"]
    activity = ", ".join(
        f"CAST({m}_{year} AS {'DOUBLE' if m == 'cost' else 'INTEGER'}) AS {m}_{year}" for m in measures
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE reference AS SELECT {stratification.model.risk_sql()} AS risk, "
        f"{activity} FROM patients"
    )
    sums = ", ".join(f"sum({m}_{year}) AS {m}" for m in measures)
    grouped = con.execute(
        f"""
        SELECT grp, count(*) AS patients, min(risk) AS min_risk, {sums}
        FROM (SELECT *, ntile({CURVE_GROUPS}) OVER (ORDER BY risk DESC, rowid) AS grp FROM reference)
        GROUP BY grp ORDER BY grp
        """
    ).df()
    curve = pd.DataFrame({"percent": 100.0 * grouped["grp"] / CURVE_GROUPS})
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


@pytest.mark.parametrize(("patients", "year"), [(20_000, "prior"), (12_345, "next"), (640, "prior")])
def test_the_cohort_and_the_concentration_are_those_of_the_ntile_over_unsorted_patients(
    tmp_path: Path, patients: int, year: str
) -> None:
    path = tmp_path / "patients.parquet"
    pq.write_table(synthetic_patients(patients, seed=5), path)
    con = duckdb.connect()
    result = stratify(path, Options(top=15.0, year="next" if year == "next" else "prior"), con)

    expected = reference_curve(con, result)
    assert len(result.curve) == min(patients, CURVE_GROUPS) + 1
    pd.testing.assert_frame_equal(result.curve, expected, check_exact=False, rtol=1e-9, atol=1e-9)
    pd.testing.assert_frame_equal(
        result.concentration, concentration_table(expected), check_exact=False, rtol=1e-9, atol=1e-9
    )

    # the same patients in the cohort: every patient at or above the threshold, over the unsorted scores
    members = {
        row[0]
        for row in con.execute(
            f"SELECT patient_id FROM scored_people WHERE risk >= {result.cohort.threshold!r}"
        ).fetchall()
    }
    reference_members = {
        row[0]
        for row in con.execute(
            f"SELECT patient_id FROM patients WHERE {result.model.risk_sql()} >= "
            "(SELECT quantile_disc(risk, 0.85) FROM reference)"
        ).fetchall()
    }
    assert members == reference_members and len(members) == result.cohort.patients
    measures = [m for m in result.cohort.counts() if m != "op"]
    again = select_cohort(con, "reference", result.cohort.threshold, year, measures, result.cohort.rule)
    pd.testing.assert_frame_equal(result.cohort.activity, again.activity)
    # the cohort's and everyone's activity as filtered sums beside plain ones
    at = result.cohort.threshold
    sums = ", ".join(f"sum({m}_{year}) FILTER (WHERE risk >= {at!r}), sum({m}_{year})" for m in measures)
    row = con.execute(f"SELECT {sums} FROM reference").fetchone()
    assert row is not None
    counts = result.cohort.counts()
    for index, measure in enumerate(measures):
        assert counts[measure] == pytest.approx((row[2 * index], row[2 * index + 1]), rel=1e-12)


def test_patients_with_the_same_risk_are_split_between_groups_in_file_order(tmp_path: Path) -> None:
    """30 patients in 7 groups where ties straddle every boundary: each group holds the patients
    ``ntile`` over (risk, then file order) gives it, with their own activity."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE scored AS "
        "SELECT risk, nel_prior FROM (SELECT unnest($1) AS risk, unnest($2) AS nel_prior)",
        [[0.5] * 10 + [0.25] * 12 + [0.75] * 8, list(range(30))],
    )
    curve = concentration_curve(con, "scored", "prior", ["nel"], groups=7)
    reference = con.execute(
        "SELECT grp, sum(nel_prior) FROM (SELECT *, ntile(7) OVER (ORDER BY risk DESC, rowid) AS grp "
        "FROM scored) GROUP BY grp ORDER BY grp"
    ).fetchall()
    cumulative = np.cumsum([total for _, total in reference]) / sum(range(30))
    assert curve["nel"].tolist()[1:] == pytest.approx(cumulative.tolist(), abs=1e-12)
    assert curve["patients"].tolist() == [0, 5, 10, 14, 18, 22, 26, 30]


@pytest.mark.parametrize(
    "risks",
    [
        [0.3] * 2_500,  # one risk: every patient in one bin, cut by every boundary
        [0.0, 1.0, 1e-300, 1e-13, 0.999999] * 300 + [0.02 + i / 1e5 for i in range(1_700)],
    ],
    ids=["all-the-same", "extremes"],
)
def test_every_group_holds_the_patients_of_the_ntile_over_risk_then_file_order(risks: list[float]) -> None:
    con = duckdb.connect()
    activity = [(index * 7919) % 13 for index in range(len(risks))]
    con.execute(
        "CREATE TABLE scored AS "
        "SELECT risk, nel_prior FROM (SELECT unnest($1) AS risk, unnest($2) AS nel_prior)",
        [risks, activity],
    )
    curve = concentration_curve(con, "scored", "prior", ["nel"])
    reference = con.execute(
        f"SELECT grp, count(*), sum(nel_prior), min(risk) FROM (SELECT *, ntile({CURVE_GROUPS}) OVER "
        "(ORDER BY risk DESC, rowid) AS grp FROM scored) GROUP BY grp ORDER BY grp"
    ).fetchall()
    assert curve["patients"].tolist()[1:] == np.cumsum([row[1] for row in reference]).tolist()
    expected = np.cumsum([row[2] for row in reference]) / sum(activity)
    assert curve["nel"].tolist()[1:] == pytest.approx(expected.tolist(), abs=1e-12)
    assert curve["min_score"].tolist()[1:] == pytest.approx(
        (100 * np.minimum.accumulate([row[3] for row in reference])).tolist(), abs=1e-12
    )


@pytest.mark.parametrize(
    ("risks", "threshold"),
    [
        ([0.5] * 10 + [0.25] * 12 + [0.75] * 8, 0.5),  # ties at the threshold and across every boundary
        ([0.3] * 2_500, 0.3),  # one risk: everyone in the cohort, every patient in a cut bin
        ([0.0, 1.0, 1e-300, 1e-13, 0.999999] * 300 + [0.02 + i / 1e5 for i in range(1_700)], 0.025),
    ],
    ids=["ties", "all-the-same", "extremes"],
)
def test_the_cohort_summed_in_the_curves_passes_is_the_cohort_of_its_own_pass(
    risks: list[float], threshold: float
) -> None:
    """``cohort_and_curve`` splits each group's sums at the threshold: the same cohort as ``select_cohort``
    (patients exactly, activity to 1e-12) and the same curve as ``concentration_curve``."""
    con = duckdb.connect()
    activity = [(index * 7919) % 13 for index in range(len(risks))]
    cost = [None if index % 7 == 3 else index * 0.37 for index in range(len(risks))]  # cost may be empty
    con.execute(
        "CREATE TABLE scored AS SELECT risk, nel_prior, cost_prior "
        "FROM (SELECT unnest($1) AS risk, unnest($2) AS nel_prior, unnest($3) AS cost_prior)",
        [risks, activity, cost],
    )
    measures = ["nel", "cost"]
    for groups in (7, CURVE_GROUPS):
        cohort, curve = cohort_and_curve(
            con, "scored", "prior", measures, "rule", threshold=threshold, groups=groups
        )
        alone = select_cohort(con, "scored", threshold, "prior", measures, "rule")
        assert (cohort.patients, cohort.population) == (alone.patients, alone.population)
        assert cohort.patients == sum(risk >= threshold for risk in risks)
        for measure, (inside, total) in alone.counts().items():
            assert cohort.counts()[measure] == pytest.approx((inside, total), rel=1e-12)
        expected = concentration_curve(con, "scored", "prior", measures, groups)
        pd.testing.assert_frame_equal(curve, expected, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "risks",
    [
        [0.5] * 10 + [0.25] * 12 + [0.75] * 8,
        [0.3] * 2_500,
        [0.0, 1.0, 1e-300, 1e-13, 0.999999] * 300 + [0.02 + i / 1e5 for i in range(1_700)],
        [(index * 7919 % 1009) / 1009 for index in range(2_000)],
        [0.4],
    ],
    ids=["ties", "all-the-same", "extremes", "spread", "one"],
)
@pytest.mark.parametrize("top", [15.0, 0.1, 2.5, 33.3, 50.0, 99.99, 100.0])
def test_the_top_threshold_read_from_the_histogram_is_duckdbs_quantile(
    risks: list[float], top: float
) -> None:
    """The top x%'s threshold, read from the curve's histogram and one bin, is the risk
    ``quantile_disc(risk, 1 − x/100)`` selects; the cohort is everyone at or above it."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE scored AS "
        "SELECT risk, nel_prior FROM (SELECT unnest($1) AS risk, unnest($2) AS nel_prior)",
        [risks, [index % 5 for index in range(len(risks))]],
    )
    cohort, _ = cohort_and_curve(con, "scored", "prior", ["nel"], "rule", top=top)
    expected = con.execute(f"SELECT quantile_disc(risk, {1 - top / 100!r}) FROM scored").fetchall()[0][0]
    assert cohort.threshold == expected
    assert cohort.patients == sum(risk >= expected for risk in risks)
    assert cohort.patients >= len(risks) * top / 100 - 1e-9


def test_top_rank_is_exact_where_the_top_is_a_whole_number_of_patients() -> None:
    """15% of 100 patients is 15 whole patients: the threshold is the 16th from the top (``quantile_disc``'s
    choice, index ⌈85⌉ − 1 = 84 from the lowest), however 0.85 rounds in binary."""
    assert top_rank(100, 15.0) == 15
    assert top_rank(20, 5.0) == 1
    assert top_rank(1, 15.0) == 0
    assert top_rank(1_000_000, 15.0) == 150_000
    assert top_rank(7, 100.0) == 6


def test_the_cohort_is_given_by_a_threshold_or_a_top_not_both() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE scored AS SELECT 0.5 AS risk, 1 AS nel_prior")
    with pytest.raises(ValueError, match="not both or neither"):
        cohort_and_curve(con, "scored", "prior", ["nel"], "rule", threshold=0.5, top=15.0)
    with pytest.raises(ValueError, match="not both or neither"):
        cohort_and_curve(con, "scored", "prior", ["nel"], "rule")


@pytest.mark.parametrize("lowest", [1e-300, 1e-12, 0.0154, 0.4, 1.0])
def test_every_risk_lies_within_the_bounds_of_its_bin(lowest: float) -> None:
    """The risks a bin may hold, from the bins' definition (widened for rounding), hold every risk DuckDB
    puts in it — what tells the bins wholly above a given threshold from those that may straddle it: risks
    spread over every bin, and those at the bins' edges."""
    from carebridge.strat.cohort import BINS, _bin_bounds, _bin_sql, _span

    floor, span = _span(lowest)
    edges = np.exp(np.arange(0, BINS + 1, 97) * span / BINS + np.log(floor))
    risks = np.concatenate(
        [[0.0, lowest, 1.0], np.geomspace(max(lowest, 1e-300), 1.0, 20_000), edges, np.nextafter(edges, 0)]
    )
    risks = risks[(risks >= 0) & (risks <= 1)]
    con = duckdb.connect()
    con.execute("CREATE TABLE scored AS SELECT unnest($1) AS risk", [risks.tolist()])
    rows = con.execute(f"SELECT risk, {_bin_sql(lowest)} FROM scored").fetchnumpy()
    bins = np.asarray(rows[next(name for name in rows if name != "risk")], dtype=np.int64)
    low, high = _bin_bounds(lowest, bins)
    assert ((low <= rows["risk"]) & (rows["risk"] <= high)).all()
    assert bins.min() >= 0 and bins.max() <= BINS


def test_no_patients_make_an_empty_cohort_and_a_curve_of_its_origin() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE scored (risk DOUBLE, nel_prior INTEGER)")
    top, _ = cohort_and_curve(con, "scored", "prior", ["nel"], "rule", top=15.0)
    given, curve = cohort_and_curve(con, "scored", "prior", ["nel"], "rule", threshold=0.2)
    assert (top.patients, top.population, top.threshold) == (0, 0, 0.0)
    assert (given.patients, given.population, given.threshold, len(curve)) == (0, 0, 0.2, 1)
