"""Pooled budgets under Section 75: each pool's definition, its partners' contributions by year (gross and
QIPP), its service lines as the inclusion rules decided them, and its monthly spend by service area.

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pools",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("cohort", sa.String(length=300), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pools")),
        sa.UniqueConstraint("code", name=op.f("uq_pools_code")),
    )
    op.create_table(
        "pool_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=100), nullable=False),
        sa.Column("partner_name", sa.String(length=300), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("gross", sa.Float(), nullable=False),
        sa.Column("qipp", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], name=op.f("fk_pool_contributions_pool_id_pools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_contributions")),
        sa.UniqueConstraint(
            "pool_id", "partner", "year", name=op.f("uq_pool_contributions_pool_id_partner_year")
        ),
    )
    op.create_table(
        "pool_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("service_area", sa.String(length=100), nullable=True),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], name=op.f("fk_pool_lines_pool_id_pools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_lines")),
        sa.UniqueConstraint("pool_id", "line", name=op.f("uq_pool_lines_pool_id_line")),
    )
    op.create_table(
        "pool_spend",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
        sa.Column("service_area", sa.String(length=100), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["pool_id"], ["pools.id"], name=op.f("fk_pool_spend_pool_id_pools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_spend")),
        sa.UniqueConstraint(
            "pool_id", "month", "service_area", name=op.f("uq_pool_spend_pool_id_month_service_area")
        ),
    )


def downgrade() -> None:
    op.drop_table("pool_spend")
    op.drop_table("pool_lines")
    op.drop_table("pool_contributions")
    op.drop_table("pools")
