"""The store migrates itself on first use; its migrations create exactly the tables the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from carebridge.store import Store, StoreVersionError
from carebridge.store.migrate import head_revision, upgrade
from carebridge.store.models import Base


def test_first_use_creates_every_table_at_the_newest_revision(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert {"targets", "target_trajectory", "target_escalations", "trajectory_resets", "risks"} <= tables
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_again_applies_nothing(store_url: str) -> None:
    with Store.open(store_url) as first:
        assert upgrade(first.engine) is False


def test_a_store_from_a_newer_carebridge_is_refused(store: Store, store_url: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreVersionError, match="newer version"):
        Store.open(store_url)
