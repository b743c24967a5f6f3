"""Writing the audit log: every change to the store says who made it, when, what, and the old and new value.

Rows of :class:`~carebridge.store.models.Audited` classes changed through a session are logged by
:func:`log_session_changes`, which runs after each flush: an insert with the new row, an update field by
field with the old and new value, a delete with the old row. Bulk writes (an approval's tables, an import)
call :func:`record` themselves: one entry for the import or approval, and one per value it replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from carebridge.store.models import Audited, AuditEntry
from carebridge.store.models.base import utcnow

UNKNOWN_ACTOR = "unknown"


def to_json(value: Any) -> str | None:
    """A value as the audit log keeps it: JSON text, dates in ISO 8601; ``None`` stays ``None``."""
    if value is None:
        return None
    return json.dumps(value, default=_default, sort_keys=True)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def entry(
    actor: str,
    action: str,
    entity: str,
    key: Any,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    detail: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """One row of the audit log, ready for a bulk insert."""
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_key": key if isinstance(key, str) else (to_json(key) or ""),
        "field": field,
        "old_value": to_json(old),
        "new_value": to_json(new),
        "detail": detail,
    }


def record(connection: Connection, entries: Sequence[Mapping[str, Any]]) -> None:
    """Write ``entries`` (from :func:`entry`) in the connection's transaction."""
    if entries:
        connection.execute(insert(AuditEntry), [dict(e) for e in entries])


def actor_of(session: Session) -> str:
    return str(session.info.get("actor", UNKNOWN_ACTOR))


def log_session_changes(session: Session, _flush_context: UOWTransaction) -> None:
    """After a flush: log every insert, update and delete of an audited row (PKs are known by now)."""
    actor = actor_of(session)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for instance in session.new:
        if isinstance(instance, Audited):
            table, key = _identity(instance)
            rows.append(entry(actor, "insert", table, key, new=_values(instance), at=now))
    for instance in session.dirty:
        if isinstance(instance, Audited) and session.is_modified(instance, include_collections=False):
            table, key = _identity(instance)
            state = inspect(instance)
            for attribute in state.mapper.column_attrs:
                history = state.attrs[attribute.key].history
                if history.has_changes():
                    old = history.deleted[0] if history.deleted else None
                    new = history.added[0] if history.added else None
                    if old != new:
                        rows.append(entry(actor, "update", table, key, attribute.key, old, new, at=now))
    for instance in session.deleted:
        if isinstance(instance, Audited):
            table, key = _identity(instance)
            rows.append(entry(actor, "delete", table, key, old=_values(instance), at=now))
    if rows:
        record(session.connection(), rows)


def _identity(instance: Any) -> tuple[str, Any]:
    state = inspect(instance)
    table = str(state.mapper.local_table.name)
    key = [getattr(instance, column.key) for column in state.mapper.primary_key]
    return table, key[0] if len(key) == 1 else key


def _values(instance: Any) -> dict[str, Any]:
    mapper = inspect(instance).mapper
    excluded = getattr(instance, "__audit_exclude__", ())
    return {
        attribute.key: getattr(instance, attribute.key)
        for attribute in mapper.column_attrs
        if attribute.key not in excluded
    }
