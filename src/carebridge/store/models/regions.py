"""Regions of places (docs/region.md) as the web app knows them: a named region, and its versions — each the
region file's text as added and, for each of its places, the plan in the store that the place is. Versions
are immutable, as plan versions are; a place's figures are always its plan's current scenario."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow

REGION_APPEND_ONLY = ("region_versions", "region_places")
"""Tables whose rows are never updated or deleted once written (triggers refuse it, revision 0004)."""


class NamedRegion(Audited, Base):
    """A named region, e.g. "Vale region"; each ``carebridge region add`` of a changed file adds a version."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))


class RegionVersion(Audited, Base):
    """One version of a region: the region file's text, where it was read from and its SHA-256."""

    __tablename__ = "region_versions"
    __audit_exclude__ = ("region_text",)
    """Kept in the row itself, which never changes; the audit log keeps its SHA-256."""
    __table_args__ = (UniqueConstraint("region_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    region_file: Mapped[str] = mapped_column(String(1000))
    region_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str] = mapped_column(String(100))


class RegionPlace(Base):
    """A place of a region version: its id in the region file, the plan it is, and its file's path relative to
    the region file's folder (as the region file lists it)."""

    __tablename__ = "region_places"

    version_id: Mapped[int] = mapped_column(ForeignKey("region_versions.id"), primary_key=True)
    place: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
