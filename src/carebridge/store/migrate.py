"""Alembic migrations, shipped in the package and applied on first use.

:func:`upgrade` brings a store to the newest revision inside one transaction (PostgreSQL and SQLite both
roll DDL back), so a store is never left half migrated. On SQLite, foreign keys are switched off while a
migration rebuilds a table (SQLite's own procedure for a change ALTER TABLE cannot make) and every key is
checked before the transaction commits. A store made by a newer CareBridge is refused.
New revisions are written with ``alembic -c src/carebridge/store/migrations/alembic.ini revision
--autogenerate -m "…"`` (the config reads ``CAREBRIDGE_DB``).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreVersionError(RuntimeError):
    """The store was made by a newer CareBridge than this one."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _known(revision: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine) -> bool:
    """Migrate the store to the newest revision; return whether anything was applied."""
    head = head_revision()
    with engine.connect() as connection:
        current = current_revision(connection)
        connection.rollback()
    if current == head:
        return False
    if current is not None and not _known(current):
        raise StoreVersionError(
            f"the store is at revision {current}, which this CareBridge does not know; it was made by a "
            "newer version: upgrade CareBridge"
        )
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a table rebuilt by a migration is dropped: foreign keys are checked once, at the end
            _foreign_keys(connection, on=False)
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left a row whose foreign key points nowhere")
        finally:
            if sqlite:
                _foreign_keys(connection, on=True)
    return True


def _foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch SQLite's foreign keys on or off (only outside a transaction, hence on the driver's connection,
    which begins none by itself: :func:`carebridge.store.database.make_engine`)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
