"""Actuals imported month by month, each row keyed by its natural key within a plan, and the imports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Base, utcnow

MONTH = String(11)  # 2018/19-M06


class ImportBatch(Base):
    """One import of a file: who, when, the file and its SHA-256, and how many rows it added or changed."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    kinds: Mapped[str] = mapped_column(String(100))
    rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))


class ActivityActualRow(Base):
    __tablename__ = "actual_activity"
    __table_args__ = (UniqueConstraint("plan_id", "month", "pod", "provider"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    month: Mapped[str] = mapped_column(MONTH)
    pod: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(100))
    activity: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)


class SpendActualRow(Base):
    __tablename__ = "actual_spend"
    __table_args__ = (UniqueConstraint("plan_id", "month", "scheme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    month: Mapped[str] = mapped_column(MONTH)
    scheme: Mapped[str] = mapped_column(String(100))
    spend: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)


class MilestoneRow(Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("plan_id", "scheme", "milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    scheme: Mapped[str] = mapped_column(String(100))
    milestone: Mapped[str] = mapped_column(String(300))
    due: Mapped[str] = mapped_column(MONTH)
    status: Mapped[str] = mapped_column(String(20))
    done: Mapped[str | None] = mapped_column(MONTH)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)


class ForecastRow(Base):
    __tablename__ = "activity_forecasts"
    __table_args__ = (UniqueConstraint("plan_id", "month", "pod"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    month: Mapped[str] = mapped_column(MONTH)
    pod: Mapped[str] = mapped_column(String(100))
    forecast: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)


class ProfileRow(Base):
    __tablename__ = "monthly_profiles"
    __table_args__ = (UniqueConstraint("plan_id", "pod", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    pod: Mapped[str] = mapped_column(String(100))
    period: Mapped[int] = mapped_column(Integer)
    weight: Mapped[float] = mapped_column(Float)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
