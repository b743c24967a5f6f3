"""The target register (targets, their monthly trajectories and actuals, escalations, approvals of a re-set
trajectory) and the risk register. The rules live in ``carebridge.delivery``; ``carebridge.store.registers``
reads and writes these tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class Target(Audited, Base):
    """A national or local target: unit, baseline, target value and date, owner and accountable board."""

    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint("kind IN ('national', 'local')", name="kind"),
        CheckConstraint("direction IN ('higher', 'lower')", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(10))
    unit: Mapped[str] = mapped_column(String(60))
    direction: Mapped[str] = mapped_column(String(6))
    """Which way is better: ``higher`` (A&E seen in 4 hours) or ``lower`` (delayed transfers)."""
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(200))
    accountable_board: Mapped[str] = mapped_column(String(200))
    alert: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The alert rule (``carebridge.delivery.targets.AlertRule`` as a dict); ``{}`` for the default rule."""
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrajectoryPoint(Audited, Base):
    """A month of a target's trajectory; a re-set trajectory is a new revision."""

    __tablename__ = "target_trajectory"
    __table_args__ = (UniqueConstraint("target_id", "revision", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    month: Mapped[str] = mapped_column(String(11))
    value: Mapped[float] = mapped_column(Float)


class TargetActual(Audited, Base):
    __tablename__ = "target_actuals"
    __table_args__ = (UniqueConstraint("target_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"))
    month: Mapped[str] = mapped_column(String(11))
    value: Mapped[float] = mapped_column(Float)


class Escalation(Audited, Base):
    """An escalation of a target off its trajectory: to which board, why, what is done, and its status."""

    __tablename__ = "target_escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    month: Mapped[str] = mapped_column(String(11))
    board: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    root_cause: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    raised_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column()


class TrajectoryReset(Audited, Base):
    """A request to re-set a target's trajectory (a new revision), and its approval or rejection."""

    __tablename__ = "trajectory_resets"
    __table_args__ = (CheckConstraint("status IN ('requested', 'approved', 'rejected')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), index=True)
    from_revision: Mapped[int] = mapped_column(Integer)
    to_revision: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="requested")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(100))


class Risk(Audited, Base):
    """A risk: likelihood and impact from 1 to 5 before and after mitigation (rating = L × I); the score
    after is ``NULL`` when none is given."""

    __tablename__ = "risks"
    __table_args__ = (
        UniqueConstraint("plan_id", "code"),
        *(
            CheckConstraint(f"{name} BETWEEN 1 AND 5", name=name)
            for name in ("likelihood_before", "impact_before", "likelihood_after", "impact_after")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    likelihood_before: Mapped[int] = mapped_column(Integer)
    impact_before: Mapped[int] = mapped_column(Integer)
    likelihood_after: Mapped[int | None] = mapped_column(Integer)
    impact_after: Mapped[int | None] = mapped_column(Integer)
    mitigations: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    financial_org: Mapped[str | None] = mapped_column(String(100))
    """The organisation whose position the risk's pounds hit (``NULL``: the risk has no pounds; migration
    0009 added these five columns)."""
    financial_years: Mapped[list[str] | None] = mapped_column(JSON)
    """The financial years the pounds apply in, e.g. ``["2018/19", "2019/20"]``."""
    financial_best: Mapped[float | None] = mapped_column(Float)
    """Best case, £'000 (a cost positive)."""
    financial_likely: Mapped[float | None] = mapped_column(Float)
    financial_worst: Mapped[float | None] = mapped_column(Float)


class RiskScheme(Audited, Base):
    """A scheme a risk is linked to."""

    __tablename__ = "risk_schemes"

    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id"), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100), primary_key=True)
