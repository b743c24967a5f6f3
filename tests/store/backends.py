"""The store backends every store test runs on: SQLite always; PostgreSQL when CAREBRIDGE_TEST_POSTGRES_URL
names a server (``.ci/run`` starts one), each test in a schema of its own that is dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carebridge.store import Store
from carebridge.store.database import database_url
from tests.conftest import POSTGRES_VARIABLE, skip_for_missing

BACKENDS = ["sqlite", "postgresql"]


def postgres_base() -> str | None:
    value = os.environ.get(POSTGRES_VARIABLE, "").strip()
    return database_url(value) if value else None


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL (or SQLite path) of an empty store on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "carebridge.db")
        return
    base = postgres_base()
    if base is None:
        skip_for_missing("PostgreSQL")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store.open(store_url, actor="tester")
    try:
        yield opened
    finally:
        opened.close()
