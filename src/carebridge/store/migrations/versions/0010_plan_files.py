"""The side files of a plan version (a population projection, programme budget files): their names, bytes,
sizes and SHA-256, kept with the version so that its scenario is read again from the store alone.
Append-only, as plan versions are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("plan_files",)


def upgrade() -> None:
    op.create_table(
        "plan_files",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["plan_versions.id"], name=op.f("fk_plan_files_version_id_plan_versions")
        ),
        sa.PrimaryKeyConstraint("version_id", "name", name=op.f("pk_plan_files")),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    """As revision 0001's for plan versions; on PostgreSQL its function ``carebridge_append_only``."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION carebridge_append_only()"
            )
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table}: rows are never changed or deleted (append-only)'); END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{event}")
    op.drop_table("plan_files")
