"""Fixtures of the use-case tests: a real store on each backend (SQLite always, PostgreSQL when
CAREBRIDGE_TEST_POSTGRES_URL names a server, as in tests/store), and the Stockport plan checked once."""

from __future__ import annotations

import pytest

from carebridge.usecases.planning import CheckedScenario, check_file
from tests.conftest import STOCKPORT
from tests.store.backends import store, store_url

__all__ = ["store", "store_url"]


@pytest.fixture(scope="session")
def stockport_checked() -> CheckedScenario:
    return check_file(STOCKPORT)
