"""The synthetic population has the properties the generator promises (on 50,000 patients)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carebridge.strat.columns import PATIENT_COLUMNS
from carebridge.strat.population import TABLE12_COUNTS, TABLE12_POPULATION
from carebridge.strat.synth import generate_chunks, write_population


def column(table: pa.Table, name: str) -> np.ndarray:
    return np.asarray(table[name].to_numpy(zero_copy_only=False))


def test_every_schema_column_is_written(population_50k: pa.Table) -> None:
    assert [c.name for c in PATIENT_COLUMNS] == [n for n in population_50k.column_names if n != "true_risk"]


def test_age_structure_of_an_english_borough(population_50k: pa.Table) -> None:
    age = column(population_50k, "age")
    assert 0.18 <= np.mean(age >= 65) <= 0.215
    assert 0.055 <= np.mean(age < 5) <= 0.065
    assert 0.022 <= np.mean(age >= 85) <= 0.03
    female = column(population_50k, "sex") == "F"
    assert 0.49 <= female.mean() <= 0.52
    assert female[age >= 85].mean() > 0.6


def test_table12_prevalence_and_its_age_gradient(population_50k: pa.Table) -> None:
    age = column(population_50k, "age")
    flags = {c: column(population_50k, f"ltc_{c}") for c in TABLE12_COUNTS}
    conditions = np.sum(list(flags.values()), axis=0)
    assert conditions.mean() > 0
    assert 0.25 <= np.mean(conditions >= 1) <= 0.31  # 27%
    assert 0.13 <= np.mean(conditions >= 2) <= 0.17  # 15%
    assert np.mean(conditions[age < 5] >= 1) <= 0.04  # 2%
    assert 0.44 <= np.mean(conditions[(age >= 60) & (age < 65)] >= 1) <= 0.56  # half by 60
    assert 0.84 <= np.mean(conditions[age >= 85] >= 1) <= 0.92  # 88%
    for condition, count in TABLE12_COUNTS.items():
        assert flags[condition].mean() == pytest.approx(count / TABLE12_POPULATION, rel=0.1), condition


def test_deprivation_gradient(population_50k: pa.Table) -> None:
    decile = column(population_50k, "imd_decile")
    copd = column(population_50k, "ltc_copd")
    admissions = column(population_50k, "nel_prior")
    assert copd[decile <= 3].mean() > copd[decile >= 8].mean()
    assert admissions[decile <= 3].mean() > 1.5 * admissions[decile >= 8].mean()


def test_top_15_percent_by_true_risk_carry_stockports_shares(population_50k: pa.Table) -> None:
    risk = column(population_50k, "true_risk")
    top = risk >= np.quantile(risk, 0.85)
    targets = {"ae": 0.50, "nel": 0.79, "op_first": 0.51, "op_fu": 0.70}
    for measure, target in targets.items():
        values = column(population_50k, f"{measure}_prior").astype(float)
        assert values[top].sum() / values.sum() == pytest.approx(target, abs=0.035), measure
    acs = column(population_50k, "nel_acs_prior")[top].sum() / column(population_50k, "nel_prior")[top].sum()
    assert acs >= 0.36


def test_same_seed_same_population_and_chunks_are_bounded(tmp_path: Path) -> None:
    first = pa.concat_tables(generate_chunks(3_000, seed=2, chunk=1_000))
    again = pa.concat_tables(generate_chunks(3_000, seed=2, chunk=1_000))
    assert first.equals(again)
    assert [t.num_rows for t in generate_chunks(2_500, seed=2, chunk=1_000)] == [1_000, 1_000, 500]
    path = tmp_path / "p.parquet"
    assert write_population(path, 2_500, seed=2, chunk=1_000) == 2_500
    metadata = pq.ParquetFile(path).metadata
    assert metadata.num_rows == 2_500
    assert metadata.num_row_groups == 3
    assert pq.read_table(path)["patient_id"].to_pylist() == list(range(1, 2_501))
