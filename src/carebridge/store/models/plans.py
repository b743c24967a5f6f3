"""Approved plans and their versions: immutable baselines, each with the scenario text, its SHA-256 and the
run's tables, enough to compare actuals with the plan without running it again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carebridge.store.models.base import Audited, Base, utcnow

IMMUTABLE_TABLES = (
    "plan_versions",
    "plan_activity",
    "plan_scheme_activity",
    "plan_savings",
    "plan_investment",
)
"""Tables whose rows are never updated or deleted once written (the store refuses, in SQL and in Python)."""


class Plan(Audited, Base):
    """A named plan, e.g. "June 2017 business cases"; each approval adds a version."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", viewonly=True
    )


class PlanVersion(Audited, Base):
    """One approval of a plan: the scenario as approved and what its run produced."""

    __tablename__ = "plan_versions"
    __audit_exclude__ = ("scenario_text", "reference", "documents")
    """Kept in the row itself, which never changes; the audit log keeps the SHA-256 of the scenario."""
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    scenario_name: Mapped[str] = mapped_column(String(300))
    scenario_file: Mapped[str] = mapped_column(String(1000))
    scenario_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    carebridge_version: Mapped[str] = mapped_column(String(40))
    approved_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str] = mapped_column(String(100))
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Years, PODs (names, units, provider shares), schemes, organisations."""
    documents: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The run's statement and positions tables, as lists of records."""
    plan: Mapped[Plan] = relationship(back_populates="versions")


class PlanActivity(Base):
    __tablename__ = "plan_activity"

    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), primary_key=True)
    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    pod: Mapped[str] = mapped_column(String(100), primary_key=True)
    do_nothing: Mapped[float] = mapped_column(Float)
    avoided_growth: Mapped[float] = mapped_column(Float)
    reduction: Mapped[float] = mapped_column(Float)
    do_something: Mapped[float] = mapped_column(Float)


class PlanSchemeActivity(Base):
    __tablename__ = "plan_scheme_activity"

    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    pod: Mapped[str] = mapped_column(String(100), primary_key=True)
    avoided_growth: Mapped[float] = mapped_column(Float)
    reduction: Mapped[float] = mapped_column(Float)


class PlanSaving(Base):
    __tablename__ = "plan_savings"

    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    pod: Mapped[str] = mapped_column(String(100), primary_key=True)
    provider: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    basis: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class PlanInvestment(Base):
    __tablename__ = "plan_investment"

    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[str] = mapped_column(String(7), primary_key=True)
    recurrent: Mapped[float] = mapped_column(Float)
    non_recurrent: Mapped[float] = mapped_column(Float)
