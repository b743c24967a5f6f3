"""The programme: the programme file as loaded, monthly gateway returns per workstream, milestone and
decision updates (issue 18).

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RAG = "IN ('green', 'amber', 'red')"


def _recorded() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _keys() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("at_stake", sa.JSON(), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_programmes_name")),
    )
    op.create_table(
        "gateway_returns",
        *_keys(),
        sa.Column("workstream", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
        sa.Column("progress", sa.String(length=5), nullable=False),
        sa.Column("confidence", sa.String(length=5), nullable=False),
        sa.Column("assurance", sa.String(length=5), nullable=False),
        *_recorded(),
        sa.CheckConstraint(f"progress {RAG}", name=op.f("ck_gateway_returns_progress")),
        sa.CheckConstraint(f"confidence {RAG}", name=op.f("ck_gateway_returns_confidence")),
        sa.CheckConstraint(f"assurance {RAG}", name=op.f("ck_gateway_returns_assurance")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_gateway_returns_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_returns")),
        sa.UniqueConstraint(
            "programme_id",
            "workstream",
            "month",
            name=op.f("uq_gateway_returns_programme_id_workstream_month"),
        ),
    )
    op.create_index(op.f("ix_gateway_returns_programme_id"), "gateway_returns", ["programme_id"])
    op.create_table(
        "programme_milestone_updates",
        *_keys(),
        sa.Column("workstream", sa.String(length=100), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
        sa.Column("status", sa.String(length=11), nullable=False),
        *_recorded(),
        sa.CheckConstraint(
            "status IN ('not_started', 'on_track', 'at_risk', 'achieved', 'missed')",
            name=op.f("ck_programme_milestone_updates_status"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_milestone_updates_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_milestone_updates")),
        sa.UniqueConstraint(
            "programme_id",
            "workstream",
            "months",
            "month",
            name=op.f("uq_programme_milestone_updates_programme_id_workstream_months_month"),
        ),
    )
    op.create_index(
        op.f("ix_programme_milestone_updates_programme_id"), "programme_milestone_updates", ["programme_id"]
    )
    op.create_table(
        "programme_decision_updates",
        *_keys(),
        sa.Column("decision", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("due", sa.String(length=11), nullable=True),
        *_recorded(),
        sa.CheckConstraint(
            "status IN ('open', 'taken', 'deferred')", name=op.f("ck_programme_decision_updates_status")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_decision_updates_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_decision_updates")),
        sa.UniqueConstraint(
            "programme_id",
            "decision",
            "month",
            name=op.f("uq_programme_decision_updates_programme_id_decision_month"),
        ),
    )
    op.create_index(
        op.f("ix_programme_decision_updates_programme_id"), "programme_decision_updates", ["programme_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_programme_decision_updates_programme_id"), table_name="programme_decision_updates")
    op.drop_table("programme_decision_updates")
    op.drop_index(
        op.f("ix_programme_milestone_updates_programme_id"), table_name="programme_milestone_updates"
    )
    op.drop_table("programme_milestone_updates")
    op.drop_index(op.f("ix_gateway_returns_programme_id"), table_name="gateway_returns")
    op.drop_table("gateway_returns")
    op.drop_table("programmes")
