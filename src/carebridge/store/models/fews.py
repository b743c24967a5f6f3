"""The early warning system's agreed settings, the benefits-maximisation actions, and the risk and gain
share agreement of a plan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class FewsThreshold(Audited, Base):
    """RAG thresholds of the three indicator sets (a ratio of achieved to planned below ``amber`` is amber,
    below ``red`` is red) and the forecast loss (£'000 a year) that triggers intervention."""

    __tablename__ = "fews_thresholds"
    __table_args__ = (
        CheckConstraint("basis IN ('tariff', 'cost')", name="basis"),
        CheckConstraint("loss_threshold >= 0", name="loss_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), unique=True)
    mobilisation_amber: Mapped[float] = mapped_column(Float)
    mobilisation_red: Mapped[float] = mapped_column(Float)
    activity_amber: Mapped[float] = mapped_column(Float)
    activity_red: Mapped[float] = mapped_column(Float)
    benefits_amber: Mapped[float] = mapped_column(Float)
    benefits_red: Mapped[float] = mapped_column(Float)
    loss_threshold: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(6))


class BenefitsAction(Audited, Base):
    """A benefits-maximisation action (seed section 6, step 2) and the loss (£'000) it should recover."""

    __tablename__ = "benefits_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    month: Mapped[str] = mapped_column(String(11))
    scheme: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class ShareParty(Audited, Base):
    """A party of the risk and gain share agreement and its shares of the gain and of the residual loss."""

    __tablename__ = "share_parties"
    __table_args__ = (
        UniqueConstraint("plan_id", "party"),
        CheckConstraint("gain_share >= 0 AND gain_share <= 1", name="gain_share"),
        CheckConstraint("risk_share >= 0 AND risk_share <= 1", name="risk_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    party: Mapped[str] = mapped_column(String(100))
    gain_share: Mapped[float] = mapped_column(Float)
    risk_share: Mapped[float] = mapped_column(Float)
