"""Shared fixtures: small synthetic populations written to real files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carebridge.strat.synth import synthetic_patients


@pytest.fixture(scope="session")
def population_50k() -> pa.Table:
    """50,000 synthetic patients with the generator's true risk."""
    return synthetic_patients(50_000, seed=7, truth=True)


@pytest.fixture(scope="session")
def population_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 synthetic patients as Parquet."""
    path = tmp_path_factory.mktemp("population") / "patients.parquet"
    pq.write_table(synthetic_patients(20_000, seed=11), path)
    return path


def write_csv(table: pa.Table, path: Path) -> Path:
    """``table`` as CSV, flags as true/false and empty cells for missing values."""
    table.to_pandas().to_csv(path, index=False)
    return path
