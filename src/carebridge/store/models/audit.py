"""The audit log: who changed what, when, and the old and the new value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Base, utcnow


class AuditEntry(Base):
    """One change: an insert, update or delete of a field of a row, or an import or approval as a whole."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(60), index=True)
    entity_key: Mapped[str] = mapped_column(String(500))
    field: Mapped[str | None] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text)
    """JSON of the value before the change (none for an insert)."""
    new_value: Mapped[str | None] = mapped_column(Text)
    """JSON of the value after the change (none for a delete)."""
    detail: Mapped[str | None] = mapped_column(Text)
