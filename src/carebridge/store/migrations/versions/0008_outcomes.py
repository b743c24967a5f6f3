"""The outcomes register and its values (docs/outcomes.md).

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outcome_registers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_registers")),
        sa.UniqueConstraint("name", name=op.f("uq_outcome_registers_name")),
    )
    op.create_table(
        "outcome_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("breakdown", sa.String(length=20), nullable=False),
        sa.Column("grp", sa.String(length=200), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("lower", sa.Float(), nullable=True),
        sa.Column("upper", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["register_id"],
            ["outcome_registers.id"],
            name=op.f("fk_outcome_values_register_id_outcome_registers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_values")),
        sa.UniqueConstraint(
            "register_id",
            "measure",
            "period",
            "breakdown",
            "grp",
            "age_band",
            name="uq_outcome_values_key",
        ),
    )


def downgrade() -> None:
    op.drop_table("outcome_values")
    op.drop_table("outcome_registers")
