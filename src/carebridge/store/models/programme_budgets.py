"""Programme budgets kept for the web app: a benchmark file as loaded and checked, with the plan's changes by
programme resolved (a ``plan_from`` scenario run once, at load), as JSON. The rules and the arithmetic live
in ``carebridge.scenario.benchmarks`` and ``carebridge.delivery.programme_budgets``;
``carebridge.store.outcomes`` reads and writes this table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class StoredProgrammeBudget(Audited, Base):
    """A programme budget by name: its areas, spend, outcomes and the plan's changes (``ProgrammeBudget`` as a
    dict), the file it came from and that file's SHA-256."""

    __tablename__ = "programme_budgets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
