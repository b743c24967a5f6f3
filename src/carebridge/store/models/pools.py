"""Pooled budgets under Section 75: each pool (its definition as loaded, in £'000), the partners'
contributions by year on the gross and affordability bases, its service lines as the inclusion rules decided
them, and the pool's monthly spend by service area. The arithmetic lives in
:mod:`carebridge.delivery.pools`; :mod:`carebridge.store.pools` reads and writes these tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class Pool(Audited, Base):
    """A pooled budget: its id, name, cohort, the year of its pool table and its whole definition."""

    __tablename__ = "pools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    cohort: Mapped[str] = mapped_column(String(300))
    """The cohort's name, e.g. "People aged 65 and over"."""
    year: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(Text, default="")
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The :class:`carebridge.delivery.pools.PoolDefinition` as loaded, amounts in £'000."""
    file: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PoolContribution(Audited, Base):
    """A partner's contribution to a pool in a year, £'000: gross, its QIPP, and so its affordability."""

    __tablename__ = "pool_contributions"
    __table_args__ = (UniqueConstraint("pool_id", "partner", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"))
    partner: Mapped[str] = mapped_column(String(100))
    partner_name: Mapped[str] = mapped_column(String(300))
    year: Mapped[str] = mapped_column(String(7))
    gross: Mapped[float] = mapped_column(Float)
    qipp: Mapped[float] = mapped_column(Float, default=0.0)


class PoolLine(Audited, Base):
    """A service line of a pool: the rule that decided it, in or out, and the amount pooled, £'000."""

    __tablename__ = "pool_lines"
    __table_args__ = (UniqueConstraint("pool_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"))
    line: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    service_area: Mapped[str | None] = mapped_column(String(100))
    included: Mapped[bool] = mapped_column(Boolean)
    rule: Mapped[str] = mapped_column(String(60))
    amount: Mapped[float | None] = mapped_column(Float)


class PoolSpend(Audited, Base):
    """A month's spend of a pool on a service area, £'000, and the file it came from."""

    __tablename__ = "pool_spend"
    __table_args__ = (UniqueConstraint("pool_id", "month", "service_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"))
    month: Mapped[str] = mapped_column(String(11))
    service_area: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float)
    file: Mapped[str] = mapped_column(Text)
