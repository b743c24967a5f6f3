"""Persistence behind one interface: approved plan versions, actuals, FEWS settings and actions, registers
and the audit log, in a SQLite file by default or PostgreSQL through a URL (``CAREBRIDGE_DB``).

Open a store with :meth:`Store.open`; it migrates itself (Alembic) on first use. Writes go through
:mod:`carebridge.store.plans`, :mod:`carebridge.store.imports` and :mod:`carebridge.store.fews`, each one
transaction, each change written to the audit log.
"""

from carebridge.store.database import StoreConfigError, database_url
from carebridge.store.migrate import StoreVersionError
from carebridge.store.store import Store, current_actor

__all__ = ["Store", "StoreConfigError", "StoreVersionError", "current_actor", "database_url"]
