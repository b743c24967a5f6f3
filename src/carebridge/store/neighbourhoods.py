"""Neighbourhood case management in the store: a neighbourhoods file and its monthly utilisation imported
together in one transaction (the file checked first, every bad row located, nothing imported when any is
bad), and read back for the FEWS. Counts are kept exact; disclosure control is applied on the way out
(:mod:`carebridge.delivery.neighbourhoods`)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.store import audit
from carebridge.store.models import NeighbourhoodSet, NeighbourhoodUtilisation
from carebridge.strat.neighbourhoods import NeighbourhoodsFile, UtilisationRow


@dataclass(frozen=True)
class UtilisationImport:
    """What importing a file of utilisation did: the neighbourhoods file added or changed, rows new,
    replaced and left as they were."""

    name: str
    added: bool
    definition_changed: bool
    inserted: int
    updated: int
    unchanged: int

    @property
    def changed(self) -> bool:
        return self.definition_changed or bool(self.inserted or self.updated)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_utilisation(
    session: Session,
    plan: NeighbourhoodsFile,
    file: str,
    rows: Sequence[UtilisationRow],
    utilisation_file: str,
    sha256: str,
) -> UtilisationImport:
    """Add the neighbourhoods file (or replace the definition of the one of its name), then insert new rows,
    replace changed ones and leave equal ones alone; one audit entry for the file of utilisation."""
    definition = plan.model_dump(mode="json")
    found = session.scalars(select(NeighbourhoodSet).where(NeighbourhoodSet.name == plan.name)).first()
    added = found is None
    if found is None:
        found = NeighbourhoodSet(name=plan.name, definition=definition, file=file)
        session.add(found)
        session.flush()
        definition_changed = True
    else:
        definition_changed = found.definition != definition
        if definition_changed:
            found.definition = definition
            found.file = file
    existing = {
        (u.month, u.neighbourhood, u.grp): u
        for u in session.scalars(
            select(NeighbourhoodUtilisation).where(NeighbourhoodUtilisation.set_id == found.id)
        )
    }
    inserted = updated = 0
    for row in rows:
        stored = existing.get((row.month, row.neighbourhood, row.group))
        if stored is None:
            session.add(
                NeighbourhoodUtilisation(
                    set_id=found.id,
                    month=row.month,
                    neighbourhood=row.neighbourhood,
                    grp=row.group,
                    patients=row.patients,
                    admissions=row.admissions,
                )
            )
            inserted += 1
        elif (stored.patients, stored.admissions) != (row.patients, row.admissions):
            stored.patients, stored.admissions = row.patients, row.admissions
            updated += 1
    outcome = UtilisationImport(
        plan.name, added, definition_changed, inserted, updated, len(rows) - inserted - updated
    )
    if inserted or updated:
        detail = f"sha256 {sha256}; {inserted} new, {updated} replaced, {outcome.unchanged} unchanged"
        actor = audit.actor_of(session)
        entry = audit.entry(actor, "import", "neighbourhood_utilisation", utilisation_file, detail=detail)
        audit.record(session.connection(), [entry])
    return outcome


@dataclass(frozen=True)
class StoredNeighbourhoods:
    """A neighbourhoods file in the store and every month of its utilisation (counts exact)."""

    plan: NeighbourhoodsFile
    rows: tuple[UtilisationRow, ...]


def read_neighbourhoods(session: Session) -> list[StoredNeighbourhoods]:
    """Every neighbourhoods file in the store, by name, with its utilisation in the order imported."""
    out = []
    for found in session.scalars(select(NeighbourhoodSet).order_by(NeighbourhoodSet.name)):
        query = (
            select(NeighbourhoodUtilisation)
            .where(NeighbourhoodUtilisation.set_id == found.id)
            .order_by(NeighbourhoodUtilisation.id)
        )
        rows = tuple(
            UtilisationRow(u.month, u.neighbourhood, u.grp, u.patients, u.admissions)
            for u in session.scalars(query)
        )
        out.append(StoredNeighbourhoods(NeighbourhoodsFile.model_validate(found.definition), rows))
    return out
