"""The programme in the store: the programme file as loaded, its gateway returns, milestone and decision
updates, and the files they are imported from (YAML or CSV, every bad entry located, all or nothing).

Plain functions on a SQLAlchemy session (one transaction, through the ORM so the audit log records who, when,
what, old and new value). The rules — which workstreams and months exist, who may record — live in
:mod:`carebridge.delivery.programme_status`; a file is checked in full before anything is written.
"""

from __future__ import annotations

import csv
import io
import pathlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.delivery.programme_status import (
    DecisionRecord,
    MilestoneRecord,
    ReturnRecord,
    Updates,
    UpdatesError,
    update_problems,
)
from carebridge.scenario.errors import Problem
from carebridge.scenario.loader import load_model
from carebridge.scenario.programme import Programme
from carebridge.scenario.pydantic_errors import problems_from_validation
from carebridge.scenario.reading import ReadError, read_text
from carebridge.store.models.programme import DecisionUpdate, GatewayReturn, MilestoneUpdate, ProgrammeRow

CSV_COLUMNS = ("workstream", "month", "progress", "confidence", "assurance")
"""The columns of a CSV file of gateway returns (``note`` may follow)."""
LOWERED = ("progress", "confidence", "assurance")


@dataclass(frozen=True)
class StoredProgramme:
    id: int
    programme: Programme
    at_stake: dict[str, float]
    at_stake_year: str
    source_file: str


@dataclass(frozen=True)
class RecordOutcome:
    inserted: int
    replaced: int
    unchanged: int


# --- the programme ----------------------------------------------------------------------------------------


def save_programme(
    session: Session, programme: Programme, at_stake: dict[str, float], year: str, source_file: str
) -> bool:
    """Store the programme under its name (replacing the one of that name); whether it is new."""
    document = programme.model_dump(mode="json", exclude_none=True)
    stake = {"year": year, "decisions": at_stake} if year else {}
    row = session.scalar(select(ProgrammeRow).where(ProgrammeRow.name == programme.name))
    if row is None:
        session.add(
            ProgrammeRow(name=programme.name, document=document, at_stake=stake, source_file=source_file)
        )
        return True
    if row.document != document:
        row.document = document
    if row.at_stake != stake:
        row.at_stake = stake
    row.source_file = source_file
    return False


def programme_names(session: Session) -> list[str]:
    return list(session.scalars(select(ProgrammeRow.name).order_by(ProgrammeRow.loaded_at, ProgrammeRow.id)))


def read_programme(session: Session, name: str) -> StoredProgramme | None:
    row = session.scalar(select(ProgrammeRow).where(ProgrammeRow.name == name))
    if row is None:
        return None
    programme = Programme.model_validate(row.document, strict=False)
    stake = row.at_stake or {}
    decisions = {str(key): float(value) for key, value in dict(stake.get("decisions", {})).items()}
    return StoredProgramme(row.id, programme, decisions, str(stake.get("year", "")), row.source_file)


# --- returns and updates ----------------------------------------------------------------------------------


def record_updates(session: Session, programme_id: int, updates: Updates, by: str) -> RecordOutcome:
    """Write every entry of ``updates`` (checked already) recorded by ``by``: a new entry is inserted, one for
    the same workstream (or decision) and month replaced when it differs."""
    counts = {"inserted": 0, "replaced": 0, "unchanged": 0}

    def put(model: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
        query = select(model).where(model.programme_id == programme_id)
        for name, value in keys.items():
            query = query.where(getattr(model, name) == value)
        row = session.scalar(query)
        if row is None:
            session.add(model(programme_id=programme_id, recorded_by=by, **keys, **values))
            counts["inserted"] += 1
            return
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            counts["unchanged"] += 1
            return
        for name, value in changed.items():
            setattr(row, name, value)
        row.recorded_by = by
        counts["replaced"] += 1

    for entry in updates.returns:
        put(
            GatewayReturn,
            {"workstream": entry.workstream, "month": entry.month.strip()},
            {
                "progress": entry.progress,
                "confidence": entry.confidence,
                "assurance": entry.assurance,
                "note": entry.note,
            },
        )
    for item in updates.milestones:
        put(
            MilestoneUpdate,
            {"workstream": item.workstream, "months": item.milestone, "month": item.month.strip()},
            {"status": item.status, "note": item.note},
        )
    for change in updates.decisions:
        put(
            DecisionUpdate,
            {"decision": change.decision, "month": change.month.strip()},
            {"status": change.status, "due": change.due, "note": change.note},
        )
    session.flush()
    return RecordOutcome(counts["inserted"], counts["replaced"], counts["unchanged"])


def read_records(
    session: Session, programme_id: int
) -> tuple[list[ReturnRecord], list[MilestoneRecord], list[DecisionRecord]]:
    returns = [
        ReturnRecord(r.workstream, r.month, r.progress, r.confidence, r.assurance, r.note, r.recorded_by)
        for r in session.scalars(select(GatewayReturn).where(GatewayReturn.programme_id == programme_id))
    ]
    milestones = [
        MilestoneRecord(m.workstream, m.months, m.month, m.status, m.note, m.recorded_by)
        for m in session.scalars(select(MilestoneUpdate).where(MilestoneUpdate.programme_id == programme_id))
    ]
    decisions = [
        DecisionRecord(d.decision, d.month, d.status, d.due, d.note, d.recorded_by)
        for d in session.scalars(select(DecisionUpdate).where(DecisionUpdate.programme_id == programme_id))
    ]
    return returns, milestones, decisions


# --- files of updates -------------------------------------------------------------------------------------

Locate = Callable[[Sequence[Problem]], list[Problem]]


def read_updates(path: pathlib.Path) -> tuple[Updates, Locate]:
    """A file of updates: YAML (returns, milestones, decisions) or CSV (gateway returns: workstream, month,
    progress, confidence, assurance, note); and how to locate a problem of its entries. Raises
    :class:`UpdatesError` with every problem of its shape, located."""
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    updates, source = load_model(path, Updates, UpdatesError)
    return updates, source.locate


def _read_csv(path: pathlib.Path) -> tuple[Updates, Locate]:
    file = str(path)
    try:
        text = read_text(path, file, "a CSV file of gateway returns")
    except ReadError as error:
        raise UpdatesError(error.problems) from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in CSV_COLUMNS if column not in header]
    unknown = [column for column in header if column not in (*CSV_COLUMNS, "note")]
    if missing or unknown:
        parts = [
            f"missing {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(unknown)}" if unknown else "",
        ]
        message = f"the header must be {','.join(CSV_COLUMNS)}[,note]; " + "; ".join(p for p in parts if p)
        raise UpdatesError([Problem((), message, file=file, line=1)])
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    for row in reader:
        entry = {key: (value or "").strip() for key, value in row.items() if key is not None}
        if not any(entry.values()):
            continue
        for column in LOWERED:
            entry[column] = entry.get(column, "").lower()
        entry.setdefault("note", "")
        rows.append(entry)
        lines.append(reader.line_num)

    def locate(problems: Sequence[Problem]) -> list[Problem]:
        placed = []
        for problem in problems:
            path_ = problem.path
            if (
                len(path_) >= 2
                and path_[0] == "returns"
                and isinstance(path_[1], int)
                and path_[1] < len(lines)
            ):
                placed.append(Problem(tuple(path_[2:]), problem.message, file=file, line=lines[path_[1]]))
            else:
                placed.append(problem.located(file, problem.line))
        return placed

    data = {"returns": rows}
    try:
        updates = Updates.model_validate(data)
    except ValidationError as error:
        raise UpdatesError(locate(problems_from_validation(error, data, Updates))) from None
    return updates, locate


def checked_updates(path: pathlib.Path, programme: Programme, by: str) -> Updates:
    """The file's updates, checked against the programme and the recorder; :class:`UpdatesError` with every
    problem located (nothing is recorded)."""
    updates, locate = read_updates(path)
    problems = update_problems(programme, updates, by)
    if problems:
        raise UpdatesError(sorted(locate(problems), key=lambda p: p.line or 0))
    return updates
