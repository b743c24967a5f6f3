"""The store every case of the corpus starts from: a copy of it per case."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.engine import Results
from tests.conftest import EXAMPLES
from tests.web.conftest import PLAN, seed_store

ACTUALS_M01 = EXAMPLES / "stockport-2017" / "actuals" / "activity-2018-19-M01.csv"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Path:
    """A store with the Stockport plan approved, its users, the example registers and a month of actuals."""
    path = tmp_path_factory.mktemp("corpus") / "carebridge.db"
    seed_store(path, stockport).close()
    db = ["--db", str(path)]
    for args in (
        ["targets", "load", str(EXAMPLES / "delivery" / "targets.yaml"), *db],
        ["risks", "load", str(EXAMPLES / "delivery" / "risks.yaml"), "--plan", PLAN, *db],
        ["actuals", "import", str(ACTUALS_M01), "--plan", PLAN, *db],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
    return path
