"""The files a plan version's scenario names beside itself (a population projection, programme budget files),
kept with the version so that the stored scenario is read again from the store alone. Append-only, as plan
versions are (revision 0010)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Base

PLAN_FILES_APPEND_ONLY = ("plan_files",)
"""Tables whose rows are never updated or deleted once written (triggers refuse it, revision 0010)."""


class PlanFile(Base):
    """A side file of a plan version: the name the scenario writes (``../outcomes/rightcare-2016.yaml``), its
    bytes, their size and SHA-256."""

    __tablename__ = "plan_files"

    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(1000), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
