"""Where the store lives and how to connect: a SQLite file by default, PostgreSQL through a URL.

``CAREBRIDGE_DB`` names the store: a path (``carebridge.db`` in the working folder when unset) or a URL such
as ``postgresql+psycopg://user:password@host/carebridge`` (``postgresql://`` means the same). SQLite runs in
WAL mode with foreign keys on and ``synchronous=FULL``, and every transaction begins explicitly, so a write is
all or nothing even when the process is killed half way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENVIRONMENT_VARIABLE = "CAREBRIDGE_DB"
DEFAULT_FILE = "carebridge.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


class StoreConfigError(ValueError):
    """A store location that cannot be used; the message says what was expected."""


def database_url(location: str | None = None) -> str:
    """The SQLAlchemy URL of the store: ``location``, else ``CAREBRIDGE_DB``, else ``carebridge.db`` here."""
    value = (location or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_FILE).strip()
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if value.startswith(prefix):
            value = "postgresql+psycopg://" + value[len(prefix) :]
    try:
        url = make_url(value)
    except ArgumentError:
        raise StoreConfigError(
            f"'{value}' is not a database URL; expected a file path such as carebridge.db, or "
            "postgresql+psycopg://user:password@host/database"
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreConfigError(
            f"the store must be SQLite or PostgreSQL; '{url.get_backend_name()}' is not supported"
        )
    return value


def safe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the store relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).parent
            if not folder.is_dir():
                raise StoreConfigError(
                    f"cannot create the store {database}: the folder {folder} does not exist"
                )
            _check_sqlite_file(Path(database))
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


def _check_sqlite_file(path: Path) -> None:
    """Refuse, before connecting (so the file is left as it is), a path that is a folder or a file that is
    not a SQLite database: a text file or a picture named by mistake. A missing or empty file becomes a
    new store."""
    if path.is_dir():
        raise StoreConfigError(f"{path} is a folder; expected a store file such as carebridge.db")
    try:
        with path.open("rb") as stream:
            head = stream.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreConfigError(f"cannot read the store {path}: {error.strerror or error}") from None
    if head and head != SQLITE_HEADER:
        raise StoreConfigError(
            f"{path} is not a CareBridge store: the file is not a SQLite database (it was left as it is); "
            "name the store file, or a new file to create one"
        )


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions are begun explicitly in _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")
