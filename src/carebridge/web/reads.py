"""A read every request makes, run on a pooled connection of the database's own driver.

SQLAlchemy's ``Connection`` costs about eight times a small query itself on SQLite (the explicit ``BEGIN``
the store's engine issues, events, a result object): for the session read every request makes, that was a
tenth of the server's CPU per request. :class:`Read` keeps the statement SQLAlchemy built, compiled once per
dialect, and runs it on the pool's DBAPI connection, converting each value as the column's type would (a
SQLite ``DATETIME`` text to a ``datetime``); the pool rolls the connection back when it is returned.

On SQLite such a read is run on the event loop itself (:func:`on_the_loop`): it reads a local file, which
in WAL mode never waits for a writer, in tens of microseconds, less than a hop to a worker thread and back
costs. On PostgreSQL it is a round trip to a server, run in a worker thread as every other query is.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

Row = tuple[Any, ...]


def on_the_loop(engine: Engine) -> bool:
    """Whether a :class:`Read` on ``engine`` is run on the event loop rather than in a worker thread."""
    return engine.dialect.name == "sqlite"


class Read:
    """A ``SELECT`` built once, run with bound values on the engine's pooled driver connection."""

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[SQLCompiler, list[Any]]] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect) -> tuple[SQLCompiler, list[Any]]:
        with self._lock:
            found = self._compiled.get(dialect.name)
            if found is None:  # the converters: each column type's result processor (None: as read)
                compiled = self.statement.compile(dialect=dialect)
                assert isinstance(compiled, SQLCompiler)
                converters = [
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in self.statement.selected_columns
                ]
                found = self._compiled[dialect.name] = (compiled, converters)
            return found

    def rows(self, engine: Engine, values: Mapping[str, Any]) -> list[Row]:
        """Every row of the statement with ``values`` bound, each value as SQLAlchemy would return it."""
        compiled, converters = self._for(engine.dialect)
        bound = compiled.construct_params(dict(values))
        parameters: Any = (
            tuple(bound[name] for name in compiled.positiontup or ()) if engine.dialect.positional else bound
        )
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(compiled.string, parameters)
                fetched = cursor.fetchall()
            finally:
                cursor.close()
        finally:
            connection.close()  # back to the pool, which rolls it back
        return [
            tuple(
                value if convert is None else convert(value)
                for value, convert in zip(row, converters, strict=True)
            )
            for row in fetched
        ]
