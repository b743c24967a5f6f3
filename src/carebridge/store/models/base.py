"""The declarative base every table of the store shares, and its conventions.

Names of constraints follow one convention so that Alembic migrations name them the same on SQLite and
PostgreSQL. Times are stored in UTC. Money is £'000 and activity is in the POD's unit, as everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


class Audited:
    """Mixin: every insert, update and delete of the class's rows through a session is written to the
    audit log, field by field, with the old and the new value (:mod:`carebridge.store.audit`)."""

    __audited__ = True


def utcnow() -> datetime:
    return datetime.now(UTC)
