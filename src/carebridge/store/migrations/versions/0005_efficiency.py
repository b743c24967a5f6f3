"""Efficiency programmes and the monthly financial monitoring returns of every partner: the programme's
definition, each return (when it came and when it was due) and its rows of income and expenditure,
efficiency delivered by scheme, and risks and mitigations.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROW_TABLES = ("return_income_expenditure", "return_efficiency", "return_risks")


def _keys(table: str) -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=100), nullable=False),
        sa.Column("month", sa.String(length=11), nullable=False),
    ]


def _row_table(table: str, key: str, columns: list[sa.Column]) -> None:  # type: ignore[type-arg]
    op.create_table(
        table,
        *_keys(table),
        *columns,
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["efficiency_programmes.id"],
            name=op.f(f"fk_{table}_programme_id_efficiency_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["monitoring_returns.id"], name=op.f(f"fk_{table}_return_id_monitoring_returns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(
            "programme_id",
            "organisation",
            "month",
            key,
            name=op.f(f"uq_{table}_programme_id_organisation_month_{key}"),
        ),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_return_id"), ["return_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "efficiency_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("year", sa.String(length=7), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efficiency_programmes")),
        sa.UniqueConstraint("name", name=op.f("uq_efficiency_programmes_name")),
    )
    op.create_table(
        "monitoring_returns",
        *_keys("monitoring_returns"),
        sa.Column("submitted", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["efficiency_programmes.id"],
            name=op.f("fk_monitoring_returns_programme_id_efficiency_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_returns")),
        sa.UniqueConstraint(
            "programme_id",
            "organisation",
            "month",
            name=op.f("uq_monitoring_returns_programme_id_organisation_month"),
        ),
    )
    _row_table(
        "return_income_expenditure",
        "category",
        [
            sa.Column("category", sa.String(length=40), nullable=False),
            sa.Column("plan", sa.Float(), nullable=False),
            sa.Column("actual", sa.Float(), nullable=False),
            sa.Column("forecast", sa.Float(), nullable=True),
        ],
    )
    _row_table(
        "return_efficiency",
        "scheme",
        [
            sa.Column("scheme", sa.String(length=100), nullable=False),
            sa.Column("recurrent", sa.Float(), nullable=False),
            sa.Column("non_recurrent", sa.Float(), nullable=False),
        ],
    )
    _row_table(
        "return_risks",
        "item",
        [
            sa.Column("item", sa.String(length=300), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("best", sa.Float(), nullable=False),
            sa.Column("likely", sa.Float(), nullable=False),
            sa.Column("worst", sa.Float(), nullable=False),
        ],
    )


def downgrade() -> None:
    for table in ROW_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_return_id"))
        op.drop_table(table)
    op.drop_table("monitoring_returns")
    op.drop_table("efficiency_programmes")
