"""Neighbourhood case management: each neighbourhoods file as loaded (its definition, as JSON) and the monthly
utilisation of its enrolled cohort and comparison group, counts exact. The arithmetic lives in
:mod:`carebridge.delivery.neighbourhoods`; :mod:`carebridge.store.neighbourhoods` reads and writes these
tables, and every count leaves the tool under disclosure control."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow


class NeighbourhoodSet(Audited, Base):
    """A neighbourhoods file by its name: the checked file as a dict (``NeighbourhoodsFile``)."""

    __tablename__ = "neighbourhood_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[str] = mapped_column(Text, default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class NeighbourhoodUtilisation(Base):
    """One month of one group's (enrolled or comparison) patients and emergency admissions in one
    neighbourhood. One audit entry per file imported."""

    __tablename__ = "neighbourhood_utilisation"
    __table_args__ = (UniqueConstraint("set_id", "month", "neighbourhood", "grp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood_sets.id"))
    month: Mapped[str] = mapped_column(String(11))
    neighbourhood: Mapped[str] = mapped_column(String(300))
    grp: Mapped[str] = mapped_column(String(20))
    patients: Mapped[int] = mapped_column(Integer)
    admissions: Mapped[int] = mapped_column(Integer)
