"""The model: fitted with scikit-learn, scored in DuckDB, evaluated on patients it was not fitted on."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from carebridge.strat.evaluate import auc
from carebridge.strat.model import ModelFileError, load_model, save_model
from carebridge.strat.pipeline import Options, Stratification, StratifyError, stratify


@pytest.fixture(scope="module")
def result(population_file: Path) -> Stratification:
    return stratify(population_file, Options(top=15))


def test_auc_matches_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(3)
    risk = np.round(rng.random(2_000), 2)  # many ties
    outcome = (rng.random(2_000) < risk).astype(int)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE rows AS SELECT * FROM (SELECT unnest($1) AS risk, unnest($2) AS outcome)",
        [risk.tolist(), outcome.tolist()],
    )
    assert auc(con, "SELECT risk, outcome FROM rows") == pytest.approx(
        roc_auc_score(outcome, risk), abs=1e-12
    )


def test_fitted_model_discriminates_and_is_calibrated(result: Stratification) -> None:
    evaluation = result.evaluation
    assert evaluation is not None
    assert 0.9_000 <= evaluation.patients <= 11_000  # the validation half
    assert 0.78 <= evaluation.auc <= 0.9
    assert 0.03 <= evaluation.brier <= 0.1
    calibration = evaluation.calibration
    assert list(calibration["decile"]) == list(range(1, 11))
    assert calibration["mean_predicted"].is_monotonic_increasing
    assert np.all(np.abs(calibration["mean_predicted"] - calibration["observed"]) < 0.08)
    assert result.model.fitted_rows is not None and result.model.fitted_rows < 11_000


def test_brier_score_matches_scikit_learn(population_file: Path, result: Stratification) -> None:
    con = duckdb.connect()
    result.model.bind(con)
    rows = con.execute(
        f"SELECT {result.model.risk_sql()}, CAST(nel_next > 0 AS INTEGER) "
        f"FROM read_parquet('{population_file}') "
        "WHERE hash(CAST(patient_id AS VARCHAR)) % 2 = 1"
    ).fetchnumpy()
    risk, outcome = rows[next(iter(rows))], rows[list(rows)[1]]
    assert result.evaluation is not None
    assert result.evaluation.brier == pytest.approx(brier_score_loss(outcome, risk), rel=1e-9)


def test_cohort_is_the_top_15_percent(result: Stratification) -> None:
    cohort = result.cohort
    assert cohort.population == 20_000
    assert 3_000 <= cohort.patients <= 3_010
    assert cohort.share("nel") > 0.7
    assert cohort.acs_share >= 0.36
    assert result.concentration["percent"].tolist() == [1, 2, 5, 10, 15, 20, 30, 50]
    at_15 = result.concentration.loc[result.concentration["percent"] == 15, "nel"].iloc[0]
    assert at_15 == pytest.approx(cohort.share("nel"), abs=0.01)


def test_need_weighted_rates_average_to_the_borough_rate(result: Stratification) -> None:
    table = result.deprivation
    assert table["expected"].sum() == pytest.approx(table["admissions"].sum())
    overall = 10_000 * table["admissions"].sum() / table["patients"].sum()
    weighted = (table["need_weighted_rate_per_10000"] * table["expected"]).sum() / table["expected"].sum()
    assert weighted == pytest.approx(overall)
    assert len(result.neighbourhoods) == 8


def test_supplied_coefficients_score_the_same(
    population_file: Path, result: Stratification, tmp_path: Path
) -> None:
    save_model(result.model, tmp_path / "model.yaml")
    again = stratify(population_file, Options(top=15, coefficients=tmp_path / "model.yaml"))
    assert again.model.coefficients == pytest.approx(result.model.coefficients)
    assert again.cohort.threshold == pytest.approx(result.cohort.threshold)
    assert again.cohort.patients == result.cohort.patients


def test_threshold_cohort(population_file: Path) -> None:
    result = stratify(population_file, Options(threshold=18.03))
    assert result.cohort.score == pytest.approx(18.03)
    assert result.cohort.rule == "Risk score 18.03 or more"


def test_fit_on_an_earlier_extract(population_file: Path, tmp_path: Path) -> None:
    from carebridge.strat.synth import write_population

    earlier = tmp_path / "earlier.parquet"
    write_population(earlier, 10_000, seed=99)
    result = stratify(population_file, Options(fit_on=earlier))
    assert result.model.source == f"fitted on {earlier}"
    assert result.evaluation is not None and result.evaluation.patients == 20_000


def test_data_without_next_year_needs_a_model(population_file: Path, tmp_path: Path) -> None:
    con = duckdb.connect()
    path = tmp_path / "prior_only.parquet"
    con.execute(
        "COPY (SELECT * EXCLUDE (ae_next, nel_next, nel_acs_next, el_next, op_first_next, op_fu_next, "
        "gp_next, cost_next) "
        f"FROM read_parquet('{population_file}')) TO '{path}' (FORMAT parquet)"
    )
    with pytest.raises(StratifyError, match="give --coefficients FILE"):
        stratify(path, Options())


def test_bad_coefficients_file(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("intercept: one\ncoefficients:\n  age_10y: 0.3\n  care_home: yes\n")
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    assert str(caught.value).splitlines() == [
        "2 problems in the risk model coefficients:",
        f"  - {path}:1 intercept: expected a number; found 'one'",
        f"  - {path}:4 coefficients.care_home: expected a number; found 'yes'",
    ]


def test_the_scoring_expression_is_the_features_sum_as_defined(tmp_path: Path) -> None:
    """The risk as scored (multimorbidity folded into the conditions, scales folded into the coefficients,
    logarithms skipped at 0) is the logistic of the intercept plus each coefficient times its feature as
    ``FEATURES`` defines it, to rounding, for a model with every feature."""
    import pyarrow.parquet as pq

    from carebridge.strat.features import FEATURES
    from carebridge.strat.model import RiskModel
    from carebridge.strat.source import create_patient_view, open_patient_file
    from carebridge.strat.synth import synthetic_patients

    path = tmp_path / "patients.parquet"
    pq.write_table(synthetic_patients(3_000, seed=11), path)
    rng = np.random.default_rng(3)
    model = RiskModel(-2.5, {f.name: float(rng.normal(0, 0.4)) for f in FEATURES}, "test")
    con = duckdb.connect()
    create_patient_view(con, open_patient_file(path))
    model.bind(con)
    plain = " + ".join(f"{model.coefficients[f.name]!r} * ({f.sql})" for f in FEATURES)
    rows = con.execute(
        f"SELECT {model.risk_sql()}, 1.0 / (1.0 + exp(-({model.intercept!r} + {plain}))) FROM patients"
    ).fetchall()
    scored, defined = np.array(rows).T
    assert np.allclose(scored, defined, rtol=1e-12, atol=1e-15)
    assert len({round(value, 6) for value in defined}) > 100
