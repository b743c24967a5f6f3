"""Neighbourhood case management: the neighbourhoods files and the monthly utilisation of the enrolled cohort
against a comparison group (docs/neighbourhoods.md).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "neighbourhood_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhood_sets")),
        sa.UniqueConstraint("name", name=op.f("uq_neighbourhood_sets_name")),
    )
    op.create_table(
        "neighbourhood_utilisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
        sa.Column("neighbourhood", sa.String(length=300), nullable=False),
        sa.Column("grp", sa.String(length=20), nullable=False),
        sa.Column("patients", sa.Integer(), nullable=False),
        sa.Column("admissions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["neighbourhood_sets.id"],
            name=op.f("fk_neighbourhood_utilisation_set_id_neighbourhood_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhood_utilisation")),
        sa.UniqueConstraint(
            "set_id",
            "month",
            "neighbourhood",
            "grp",
            name=op.f("uq_neighbourhood_utilisation_set_id_month_neighbourhood_grp"),
        ),
    )


def downgrade() -> None:
    op.drop_table("neighbourhood_utilisation")
    op.drop_table("neighbourhood_sets")
