"""Real columns for what the registers kept elsewhere: a target's alert rule, source and note (kept in the
audit log until now: the latest ``register`` entry of each field), an escalation's root cause (glued to its
reason after ``Root cause:``), and a risk's score after mitigation made optional (``NULL`` when none is
given). Existing rows are migrated: the targets take the latest value of each field from the audit log, the
reasons are split; a risk stored with its score before as its score after keeps it (nothing records whether
a score after was given), so every register reads the same after the upgrade.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROOT_CAUSE = "\nRoot cause: "
"""How revision 0002 glued an escalation's root cause to its reason."""
EXTRAS = ("alert", "source", "note")

targets = sa.table(
    "targets",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("alert", sa.JSON),
    sa.column("source", sa.Text),
    sa.column("note", sa.Text),
)
escalations = sa.table(
    "target_escalations",
    sa.column("id", sa.Integer),
    sa.column("reason", sa.Text),
    sa.column("root_cause", sa.Text),
)
audit_log = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_key", sa.String),
    sa.column("field", sa.String),
    sa.column("new_value", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
        batch_op.add_column(sa.Column("source", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    with op.batch_alter_table("target_escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("root_cause", sa.Text(), nullable=True))
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.alter_column("likelihood_after", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("impact_after", existing_type=sa.Integer(), nullable=True)
    connection = op.get_bind()
    _move_target_extras(connection)
    _split_root_causes(connection)


def _move_target_extras(connection: sa.Connection) -> None:
    """Each target's alert rule, source and note: the latest ``register`` entry of each field."""
    query = (
        sa.select(audit_log.c.entity_key, audit_log.c.field, audit_log.c.new_value)
        .where(audit_log.c.entity == "targets", audit_log.c.action == "register")
        .order_by(audit_log.c.id)
    )
    extras: dict[str, dict[str, Any]] = {}
    for key, name, value in connection.execute(query):
        if name in EXTRAS:
            extras.setdefault(key, {})[name] = None if value is None else json.loads(value)
    for code, values in extras.items():
        row = {
            "alert": values.get("alert") or {},
            "source": values.get("source") or "",
            "note": values.get("note"),
        }
        connection.execute(sa.update(targets).where(targets.c.code == code).values(**row))


def _split_root_causes(connection: sa.Connection) -> None:
    query = sa.select(escalations.c.id, escalations.c.reason).where(
        escalations.c.reason.contains(ROOT_CAUSE, autoescape=True)
    )
    for row_id, glued in connection.execute(query).all():
        reason, _, root_cause = glued.partition(ROOT_CAUSE)
        connection.execute(
            sa.update(escalations)
            .where(escalations.c.id == row_id)
            .values(reason=reason, root_cause=root_cause or None)
        )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(escalations.c.id, escalations.c.reason, escalations.c.root_cause).where(
            escalations.c.root_cause.is_not(None)
        )
    ).all()
    for row_id, reason, root_cause in rows:
        glued = f"{reason}{ROOT_CAUSE}{root_cause}"
        connection.execute(sa.update(escalations).where(escalations.c.id == row_id).values(reason=glued))
    connection.execute(
        sa.text(
            "UPDATE risks SET likelihood_after = likelihood_before, impact_after = impact_before "
            "WHERE likelihood_after IS NULL OR impact_after IS NULL"
        )
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.alter_column("impact_after", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("likelihood_after", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("target_escalations", schema=None) as batch_op:
        batch_op.drop_column("root_cause")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_column("note")
        batch_op.drop_column("source")
        batch_op.drop_column("alert")
