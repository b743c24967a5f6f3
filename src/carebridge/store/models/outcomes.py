"""The outcomes register (its measures kept as the checked definition, as JSON) and the measures' values
imported from CSV. The rules live in ``carebridge.delivery.outcomes``; ``carebridge.store.outcomes`` reads and
writes these tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class OutcomeRegister(Audited, Base):
    """An outcomes register by name: its measures as loaded (``OutcomesRegister`` as a dict)."""

    __tablename__ = "outcome_registers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutcomeValue(Base):
    """A measure's value in a period, breakdown group and (for a standardised rate) age band: counts or a
    value given by its source, and whether it is published, synthetic or local. One audit entry per file."""

    __tablename__ = "outcome_values"
    __table_args__ = (
        UniqueConstraint(
            "register_id", "measure", "period", "breakdown", "grp", "age_band", name="uq_outcome_values_key"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("outcome_registers.id"))
    measure: Mapped[str] = mapped_column(String(100))
    period: Mapped[str] = mapped_column(String(10))
    breakdown: Mapped[str] = mapped_column(String(20))
    grp: Mapped[str] = mapped_column(String(200))
    age_band: Mapped[str] = mapped_column(String(10), default="")
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10), default="local")
