"""Efficiency programmes (each organisation's CIP and QIPP schemes) and the monthly financial monitoring
returns of every partner (:mod:`carebridge.delivery.efficiency`, :mod:`carebridge.delivery.returns`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Base, utcnow

MONTH = String(11)


class EfficiencyProgramme(Base):
    """A programme as loaded: its definition (the checked file, as JSON) and the file's SHA-256."""

    __tablename__ = "efficiency_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[str] = mapped_column(String(7))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(100))


class MonitoringReturn(Base):
    """One organisation's return for one month: when it came (first), when it was due, the last file."""

    __tablename__ = "monitoring_returns"
    __table_args__ = (UniqueConstraint("programme_id", "organisation", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("efficiency_programmes.id"))
    organisation: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(MONTH)
    submitted: Mapped[dt.date] = mapped_column(Date)
    due: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))


class ReturnIncomeExpenditure(Base):
    __tablename__ = "return_income_expenditure"
    __table_args__ = (UniqueConstraint("programme_id", "organisation", "month", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("efficiency_programmes.id"))
    organisation: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(MONTH)
    category: Mapped[str] = mapped_column(String(40))
    plan: Mapped[float] = mapped_column(Float)
    actual: Mapped[float] = mapped_column(Float)
    forecast: Mapped[float | None] = mapped_column(Float)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)


class ReturnEfficiency(Base):
    __tablename__ = "return_efficiency"
    __table_args__ = (UniqueConstraint("programme_id", "organisation", "month", "scheme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("efficiency_programmes.id"))
    organisation: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(MONTH)
    scheme: Mapped[str] = mapped_column(String(100))
    recurrent: Mapped[float] = mapped_column(Float)
    non_recurrent: Mapped[float] = mapped_column(Float)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)


class ReturnRisk(Base):
    __tablename__ = "return_risks"
    __table_args__ = (UniqueConstraint("programme_id", "organisation", "month", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("efficiency_programmes.id"))
    organisation: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(MONTH)
    item: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    best: Mapped[float] = mapped_column(Float)
    likely: Mapped[float] = mapped_column(Float)
    worst: Mapped[float] = mapped_column(Float)
    return_id: Mapped[int] = mapped_column(ForeignKey("monitoring_returns.id"), index=True)
