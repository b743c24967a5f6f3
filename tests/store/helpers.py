"""Helpers shared by the store and delivery tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, text

from carebridge.delivery.baseline import PlanBaseline
from carebridge.store import Store
from carebridge.store.models import AuditEntry, ImportBatch
from carebridge.store.plans import Approval, approve, sha256_text
from tests.conftest import STOCKPORT

PLAN = "June 2017 business cases"
COUNTED_TABLES = (
    "plans",
    "plan_versions",
    "plan_savings",
    "imports",
    "actual_activity",
    "actual_spend",
    "milestones",
    "activity_forecasts",
    "monthly_profiles",
    "audit_log",
)


def approve_stockport(store: Store, baseline: PlanBaseline, name: str = PLAN) -> Approval:
    scenario_text = STOCKPORT.read_text(encoding="utf-8")
    return approve(store, name, scenario_text, str(STOCKPORT), baseline, sha256_text(scenario_text))


def counts(store: Store) -> dict[str, int]:
    """Rows in each table that a write could change."""
    with store.engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
            for table in COUNTED_TABLES
        }


def audit_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def import_count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(ImportBatch)) or 0)


def write_csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path
