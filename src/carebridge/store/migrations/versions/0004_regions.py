"""Regions of places for the web app: a named region, its immutable versions (the region file's text) and
the plan each of its places is. Versions and their places are append-only, as plan versions are.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("region_versions", "region_places")


def upgrade() -> None:
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "region_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("region_file", sa.String(length=1000), nullable=False),
        sa.Column("region_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_region_versions_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_versions")),
        sa.UniqueConstraint("region_id", "number", name=op.f("uq_region_versions_region_id_number")),
    )
    with op.batch_alter_table("region_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_versions_region_id"), ["region_id"], unique=False)
    op.create_table(
        "region_places",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_region_places_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["version_id"], ["region_versions.id"], name=op.f("fk_region_places_version_id_region_versions")
        ),
        sa.PrimaryKeyConstraint("version_id", "place", name=op.f("pk_region_places")),
    )
    with op.batch_alter_table("region_places", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_places_plan_id"), ["plan_id"], unique=False)
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
    with op.batch_alter_table("region_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_places_plan_id"))
    op.drop_table("region_places")
    with op.batch_alter_table("region_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_versions_region_id"))
    op.drop_table("region_versions")
    op.drop_table("regions")
