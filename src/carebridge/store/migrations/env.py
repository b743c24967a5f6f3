"""Alembic environment: runs on the connection CareBridge passes in, or on ``CAREBRIDGE_DB``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from carebridge.store.database import database_url, make_engine
from carebridge.store.models import Base

target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        run_on(given)
        return
    engine = make_engine(database_url())
    with engine.begin() as connection:
        run_on(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("CareBridge migrations run online only: set CAREBRIDGE_DB and run alembic upgrade head")
run_online()
