"""Regions in the store: add a version of a region (its file's text and the plan each place is), list the
regions, read a region's latest version back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.store import audit
from carebridge.store.models import NamedRegion, Plan, RegionPlace, RegionVersion
from carebridge.store.plans import as_utc
from carebridge.store.store import Store


class RegionMissingError(LookupError):
    """No region with that id."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class StoredPlace:
    """A place of a region: its id in the region file, the plan it is (id and name) and its file's path
    relative to the region file's folder."""

    place: str
    plan_id: int
    plan_name: str
    path: str


@dataclass(frozen=True)
class StoredRegion:
    """The latest version of a region: its text, where it was read from, and its places in order."""

    id: int
    name: str
    number: int
    file: str
    text: str
    sha256: str
    added_at: datetime
    added_by: str
    places: tuple[StoredPlace, ...]


@dataclass(frozen=True)
class RegionAdded:
    """What adding a region did; ``created`` is false when its latest version is the same."""

    region: StoredRegion
    created: bool


def add_region(
    store: Store, name: str, text: str, file: str, sha256: str, places: Sequence[tuple[str, int, str]]
) -> RegionAdded:
    """Store the region file's ``text`` and its places — (place, plan id, path) in the file's order — as a new
    version of region ``name``, unless its latest version holds the same text and plans. One transaction;
    logged in the audit log."""
    name = name.strip()
    if not name:
        raise ValueError("the region needs a name (its region file's name:)")
    with store.session() as session:
        region = session.scalar(select(NamedRegion).where(NamedRegion.name == name))
        if region is None:
            region = NamedRegion(name=name, created_by=store.actor)
            session.add(region)
            session.flush()
        latest = _latest(session, region.id)
        if latest is not None:
            same = [(p.place, p.plan_id, p.path) for p in _places(session, latest.id)]
            if latest.sha256 == sha256 and same == [tuple(place) for place in places]:
                return RegionAdded(_stored(session, region, latest), created=False)
        version = RegionVersion(
            region_id=region.id,
            number=1 if latest is None else latest.number + 1,
            region_file=file,
            region_text=text,
            sha256=sha256,
            added_by=store.actor,
        )
        session.add(version)
        session.flush()
        for position, (place, plan_id, path) in enumerate(places):
            session.add(
                RegionPlace(version_id=version.id, place=place, position=position, plan_id=plan_id, path=path)
            )
        session.flush()
        detail = f"added from {file}; places: " + ", ".join(place for place, _, _ in places)
        audit.record(
            session.connection(),
            [audit.entry(store.actor, "add", "region_versions", [name, version.number], detail=detail)],
        )
        return RegionAdded(_stored(session, region, version), created=True)


def list_regions(store: Store) -> list[StoredRegion]:
    """The latest version of every region, by name."""
    with store.session() as session:
        found = []
        for region in session.scalars(select(NamedRegion).order_by(NamedRegion.name)):
            latest = _latest(session, region.id)
            if latest is not None:
                found.append(_stored(session, region, latest))
        return found


def latest_region(store: Store, region_id: int) -> StoredRegion:
    """The latest version of the region ``region_id``; :class:`RegionMissingError` when there is none."""
    with store.session() as session:
        region = session.get(NamedRegion, region_id)
        latest = _latest(session, region.id) if region is not None else None
        if region is None or latest is None:
            raise RegionMissingError(f"no region with id {region_id}")
        return _stored(session, region, latest)


def _latest(session: Session, region_id: int) -> RegionVersion | None:
    query = (
        select(RegionVersion)
        .where(RegionVersion.region_id == region_id)
        .order_by(RegionVersion.number.desc())
    )
    return session.scalars(query.limit(1)).first()


def _places(session: Session, version_id: int) -> list[RegionPlace]:
    query = select(RegionPlace).where(RegionPlace.version_id == version_id).order_by(RegionPlace.position)
    return list(session.scalars(query))


def _stored(session: Session, region: NamedRegion, version: RegionVersion) -> StoredRegion:
    places = _places(session, version.id)
    names = dict(
        session.execute(select(Plan.id, Plan.name).where(Plan.id.in_([p.plan_id for p in places]))).all()
    )
    return StoredRegion(
        region.id,
        region.name,
        version.number,
        version.region_file,
        version.region_text,
        version.sha256,
        as_utc(version.added_at),
        version.added_by,
        tuple(StoredPlace(p.place, p.plan_id, names[p.plan_id], p.path) for p in places),
    )
