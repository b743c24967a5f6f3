"""The programme in the store: the programme file as loaded (with the savings each critical decision puts at
stake in the plan's bridge year), and its monthly gateway returns, milestone updates and decision updates.
The rules live in :mod:`carebridge.delivery.programme_status`; :mod:`carebridge.store.programme` reads and
writes these tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow

RAG_CHECK = "IN ('green', 'amber', 'red')"


class ProgrammeRow(Audited, Base):
    """A programme file as loaded: its name, the file's content and the savings at stake by decision."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The programme file's content (``carebridge.scenario.programme.Programme`` as a dict)."""
    at_stake: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The net money (£'000) of the schemes and plan lines each critical decision depends on, in ``year``:
    ``{"year": "2020/21", "decisions": {id: amount}}``; ``{}`` when loaded without a scenario."""
    source_file: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class GatewayReturn(Audited, Base):
    """A workstream's monthly gateway return: progress against plan, delivery confidence, assurance level."""

    __tablename__ = "gateway_returns"
    __table_args__ = (
        UniqueConstraint("programme_id", "workstream", "month"),
        CheckConstraint(f"progress {RAG_CHECK}", name="progress"),
        CheckConstraint(f"confidence {RAG_CHECK}", name="confidence"),
        CheckConstraint(f"assurance {RAG_CHECK}", name="assurance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    workstream: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(11))
    progress: Mapped[str] = mapped_column(String(5))
    confidence: Mapped[str] = mapped_column(String(5))
    assurance: Mapped[str] = mapped_column(String(5))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class MilestoneUpdate(Audited, Base):
    """A month's status of a workstream's milestone (6, 12 or 18 months)."""

    __tablename__ = "programme_milestone_updates"
    __table_args__ = (
        UniqueConstraint("programme_id", "workstream", "months", "month"),
        CheckConstraint(
            "status IN ('not_started', 'on_track', 'at_risk', 'achieved', 'missed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    workstream: Mapped[str] = mapped_column(String(100))
    months: Mapped[int] = mapped_column(Integer)
    month: Mapped[str] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(11))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionUpdate(Audited, Base):
    """A month's status of a critical decision, and its due month when moved."""

    __tablename__ = "programme_decision_updates"
    __table_args__ = (
        UniqueConstraint("programme_id", "decision", "month"),
        CheckConstraint("status IN ('open', 'taken', 'deferred')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(100))
    month: Mapped[str] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(8))
    due: Mapped[str | None] = mapped_column(String(11))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
