"""The store: one object that opens a database (migrating it on first use) and hands out sessions whose
changes are all or nothing and written to the audit log."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from carebridge.store.audit import log_session_changes
from carebridge.store.database import database_url, make_engine, safe_url
from carebridge.store.migrate import upgrade

ACTOR_VARIABLE = "CAREBRIDGE_USER"


def current_actor() -> str:
    """Who is making changes: ``CAREBRIDGE_USER``, else the login name."""
    named = os.environ.get(ACTOR_VARIABLE, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers)
        return "unknown"


class Store:
    """A CareBridge store at a URL. Use :meth:`session` for a unit of work: it commits when the block ends
    and rolls everything back when it raises."""

    def __init__(self, engine: Engine, actor: str) -> None:
        self.engine = engine
        self.actor = actor
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "after_flush", log_session_changes)

    @classmethod
    def open(cls, location: str | None = None, actor: str | None = None, migrate: bool = True) -> Store:
        """Open the store at ``location`` (a path or URL; default ``CAREBRIDGE_DB`` or ``carebridge.db``),
        creating and migrating it to the newest revision when needed."""
        engine = make_engine(database_url(location))
        try:
            if migrate:
                upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, actor or current_actor())

    @property
    def url(self) -> str:
        """The URL, password hidden."""
        return safe_url(str(self.engine.url.render_as_string(hide_password=False)))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed at the end of the block, rolled back on an error."""
        with self._sessions(info={"actor": self.actor}) as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
