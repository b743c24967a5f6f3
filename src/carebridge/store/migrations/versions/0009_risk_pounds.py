"""A risk's pounds in the store: the organisation whose position it hits, the years it applies in, and its
best, likely and worst case in £'000 (``carebridge simulate --risks-from-store`` draws them triangular).
Every column may be ``NULL``: a risk without pounds, and every risk stored before this revision.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("financial_org", "financial_years", "financial_best", "financial_likely", "financial_worst")


def upgrade() -> None:
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("financial_org", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("financial_years", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("financial_best", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("financial_likely", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("financial_worst", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("risks", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
