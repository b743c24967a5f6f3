"""Efficiency programmes and monthly returns in the store: loading a programme, reading a file of returns
(CSV or the Excel template :func:`write_template` writes), importing it, and reading it all back.

**An import is one transaction**, rows matched by their natural key (organisation, month and category,
scheme or item): a new key is inserted, a changed value replaces the old (the audit log keeps both), an
equal one changes nothing, so importing the same file twice writes nothing the second time. Each
organisation's return for a month is recorded when it first comes, with its due date
(:func:`carebridge.delivery.workdays.due_date`) and whether it came late. A process killed half way leaves
the store as it was (``tests/store/test_efficiency_kill.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import bindparam, func, insert, literal, select, update
from sqlalchemy.orm import Session

from carebridge.delivery.actuals import Cell
from carebridge.delivery.actuals_tables import RowProblem
from carebridge.delivery.efficiency import Programme, programme_from_json
from carebridge.delivery.efficiency_status import ReturnFacts
from carebridge.delivery.months import Month
from carebridge.delivery.returns import (
    COLUMNS,
    IE_CATEGORIES,
    RETURN_KINDS,
    EfficiencyDelivered,
    IncomeExpenditure,
    ReturnKind,
    ReturnRecord,
    ReturnsFile,
    ReturnsFileError,
    ReturnTable,
    RiskLine,
    check_returns,
    header_problems,
    kind_of_header,
    kinds_help,
    names,
)
from carebridge.delivery.workdays import due_date
from carebridge.store import audit
from carebridge.store.models import (
    EfficiencyProgramme,
    MonitoringReturn,
    ReturnEfficiency,
    ReturnIncomeExpenditure,
    ReturnRisk,
)
from carebridge.store.store import Store
from carebridge.workbooks import append_row, unsafe_workbook

CHUNK_ROWS = 5_000
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
Progress = Callable[[int, int], None]
MODELS: dict[ReturnKind, Any] = {
    "income_expenditure": ReturnIncomeExpenditure,
    "efficiency": ReturnEfficiency,
    "risks": ReturnRisk,
}
KEY_COLUMN: dict[ReturnKind, str] = {
    "income_expenditure": "category",
    "efficiency": "scheme",
    "risks": "item",
}


class ProgrammeNotFoundError(LookupError):
    """No programme of that name, no programme at all, or several when none is named."""


# --- programmes -------------------------------------------------------------------------------------------


def save_programme(store: Store, programme: Programme, definition: dict[str, Any], sha256: str) -> bool:
    """Store a programme, replacing one of the same name; ``False`` when the same file is there already."""
    with store.session() as session:
        found = session.scalar(select(EfficiencyProgramme).where(EfficiencyProgramme.name == programme.name))
        if found is not None and found.file_sha256 == sha256:
            return False
        detail = f"loaded the efficiency programme '{programme.name}' (sha256 {sha256})"
        if found is None:
            found = EfficiencyProgramme(
                name=programme.name, year=programme.year, definition=definition, file_sha256=sha256
            )
            found.loaded_by = store.actor
            session.add(found)
        else:
            found.year, found.definition, found.file_sha256 = programme.year, definition, sha256
            found.loaded_by, found.loaded_at = store.actor, dt.datetime.now(dt.UTC)
        session.flush()
        entry = audit.entry(store.actor, "load", "efficiency_programmes", found.id, detail=detail)
        audit.record(session.connection(), [entry])
    return True


def programme_names(store: Store) -> list[str]:
    with store.session() as session:
        return list(session.scalars(select(EfficiencyProgramme.name).order_by(EfficiencyProgramme.name)))


def resolve_programme(store: Store, name: str | None) -> str:
    """The programme named, or the only one in the store."""
    known = programme_names(store)
    if name is not None:
        if name not in known:
            listed = ", ".join(f"'{n}'" for n in known) or "none yet"
            raise ProgrammeNotFoundError(f"no efficiency programme '{name}' in the store; it holds {listed}")
        return name
    if not known:
        raise ProgrammeNotFoundError(
            "the store has no efficiency programme yet; load one with: carebridge efficiency load FILE.yaml"
        )
    if len(known) > 1:
        listed = ", ".join(f"'{n}'" for n in known)
        raise ProgrammeNotFoundError(
            f"the store holds several programmes ({listed}); name one with --programme"
        )
    return known[0]


def load_stored(store: Store, name: str) -> tuple[int, Programme]:
    with store.session() as session:
        found = session.scalar(select(EfficiencyProgramme).where(EfficiencyProgramme.name == name))
        if found is None:
            raise ProgrammeNotFoundError(f"no efficiency programme '{name}' in the store")
        return found.id, programme_from_json(found.definition)


# --- reading files ----------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_returns(path: Path, programme: Programme, only: str | None = None) -> ReturnsFile:
    """Read and check a file of returns against the programme (``only``: the one organisation whose rows
    the file may hold); raise :class:`ReturnsFileError` listing every problem."""
    name = str(path)
    if not path.is_file():
        raise ReturnsFileError([RowProblem(name, None, None, "no such file")])
    problems: list[RowProblem] = []
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        tables = list(_excel_tables(path, problems))
    elif suffix in (".csv", ".txt"):
        tables = list(_csv_tables(path, problems))
    else:
        raise ReturnsFileError(
            [RowProblem(name, None, None, f"'{suffix}' files cannot be read; expected .csv or .xlsx")]
        )
    if problems:
        raise ReturnsFileError(problems)
    return check_returns(name, path.name, _sha256(path), tables, programme, problems, only)


def _csv_tables(path: Path, problems: list[RowProblem]) -> Iterator[ReturnTable]:
    name = str(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        problems.append(RowProblem(name, None, None, "is not UTF-8 text; save it as CSV UTF-8"))
        return
    except OSError as error:
        problems.append(RowProblem(name, None, None, f"cannot be read: {error.strerror or error}"))
        return
    try:
        rows = list(csv.reader(lines))
    except csv.Error as error:
        problems.append(RowProblem(name, None, None, f"is not valid CSV: {error}"))
        return
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.append(RowProblem(name, 1, None, "the file has no header row; " + kinds_help()))
        return
    header = [cell.strip().lower() for cell in rows[0]]
    kind = kind_of_header(header)
    if kind is None:
        problems.append(RowProblem(name, 1, None, f"the header row is '{','.join(header)}'; " + kinds_help()))
        return
    found = header_problems(name, None, kind, header)
    if found:
        problems.extend(found)
        return
    yield ReturnTable(kind, None, header, ((n, list[Cell](r)) for n, r in enumerate(rows[1:], 2)))


def _excel_tables(path: Path, problems: list[RowProblem]) -> Iterator[ReturnTable]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    name = str(path)
    unsafe = unsafe_workbook(path)
    if unsafe is not None:
        problems.append(RowProblem(name, None, None, f"is not an Excel workbook that can be read: {unsafe}"))
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError, SyntaxError) as error:
        problems.append(RowProblem(name, None, None, f"is not an Excel workbook that can be read: {error}"))
        return
    try:
        for sheet in workbook.worksheets:
            title = sheet.title.strip().lower()
            rows = [tuple(_cell(c) for c in row) for row in sheet.iter_rows(values_only=True)]
            if title not in RETURN_KINDS:
                if title != "readme" and any(not _blank(c) for row in rows for c in row):
                    reason = f"is not a table of a return, so its rows would be lost; {kinds_help()}"
                    problems.append(RowProblem(name, None, None, reason, sheet.title))
                continue
            kind = cast(ReturnKind, title)
            header = [str(c).strip().lower() if c is not None else "" for c in (rows[0] if rows else ())]
            while header and not header[-1]:
                header.pop()
            if not header:
                continue
            found = header_problems(name, sheet.title, kind, header)
            if found:
                problems.extend(found)
                continue
            yield ReturnTable(kind, sheet.title, header, ((n, list(r)) for n, r in enumerate(rows[1:], 2)))
    finally:
        workbook.close()


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | float | int):
        return value
    return str(value)


def write_template(
    path: Path, programme: Programme, org: str | None = None, month: Month | None = None
) -> list[Path]:
    """A template of the return to fill in: the keys filled (each organisation, or ``org``; the month given,
    the categories and schemes), the amounts blank. Excel: a sheet per table and a README sheet; CSV: a
    file per table beside ``path`` (``NAME-income_expenditure.csv`` …)."""
    orgs = [org] if org else programme.organisation_ids
    label = month.label if month else ""
    rows: dict[ReturnKind, list[list[Cell]]] = {
        "income_expenditure": [[o, label, c, None, None, None] for o in orgs for c in IE_CATEGORIES],
        "efficiency": [[o, label, s.id, None, None] for o in orgs for s in programme.schemes_of(o)],
        "risks": [],
    }
    suffix = path.suffix.lower()
    if suffix == ".csv":
        paths = []
        for kind in RETURN_KINDS:
            target = path.with_name(f"{path.stem}-{kind}.csv")
            with target.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(names(kind))
                writer.writerows(rows[kind])
            paths.append(target)
        return paths
    if suffix not in EXCEL_SUFFIXES:
        raise ValueError(f"cannot write a template to '{path.name}'; expected a .csv or .xlsx file name")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    readme.title = "README"
    append_row(readme, [f"CareBridge monthly financial monitoring return: {programme.name}"])
    readme["A1"].font = Font(bold=True, size=14)
    append_row(readme, ["Fill in the amounts (£'000) and import with: carebridge returns import FILE"])
    append_row(readme, [])
    append_row(readme, ["sheet", "column", "required", "what it holds"])
    for kind in RETURN_KINDS:
        for column, needed, description in COLUMNS[kind]:
            append_row(readme, [kind, column, "yes" if needed else "no", description])
        sheet = workbook.create_sheet(kind)
        append_row(sheet, list(names(kind)))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows[kind]:
            append_row(sheet, row)
    append_row(readme, [])
    for o in orgs:
        append_row(readme, [f"Organisation {o}", programme.organisation_name(o)])
    readme.column_dimensions["D"].width = 90
    workbook.save(path)
    return [path]


# --- importing --------------------------------------------------------------------------------------------


def _row(record: ReturnRecord) -> dict[str, Any]:
    base = {"organisation": record.organisation, "month": record.month.label}
    if isinstance(record, IncomeExpenditure):
        return {
            **base,
            "category": record.category,
            "plan": record.plan,
            "actual": record.actual,
            "forecast": record.forecast,
        }
    if isinstance(record, EfficiencyDelivered):
        return {
            **base,
            "scheme": record.scheme,
            "recurrent": record.recurrent,
            "non_recurrent": record.non_recurrent,
        }
    return {
        **base,
        "item": record.item,
        "kind": record.kind,
        "description": record.description,
        "best": record.best,
        "likely": record.likely,
        "worst": record.worst,
    }


VALUES: dict[ReturnKind, tuple[str, ...]] = {
    "income_expenditure": ("plan", "actual", "forecast"),
    "efficiency": ("recurrent", "non_recurrent"),
    "risks": ("kind", "description", "best", "likely", "worst"),
}


@dataclass
class ReturnsOutcome:
    programme: str
    file_name: str
    rows: int
    inserted: int = 0
    updated: int = 0
    returns: list[ReturnFacts] = field(default_factory=list)
    """The returns the file holds, each with when it came (first) and when it was due."""
    new_returns: int = 0
    names: dict[str, str] = field(default_factory=dict)
    """Organisation id → name, to show people's words."""

    @property
    def changed(self) -> bool:
        return self.inserted + self.updated + self.new_returns > 0


def import_returns(
    store: Store,
    programme_name: str,
    returns: ReturnsFile,
    submitted: dt.date,
    progress: Progress | None = None,
) -> ReturnsOutcome:
    """Import the checked records of a file in one transaction; each return new to the store is recorded as
    submitted on ``submitted`` and flagged late after its due date."""
    outcome = ReturnsOutcome(programme_name, returns.name, returns.row_count)
    with store.session() as session:
        found = session.scalar(select(EfficiencyProgramme).where(EfficiencyProgramme.name == programme_name))
        if found is None:
            raise ProgrammeNotFoundError(f"no efficiency programme '{programme_name}' in the store")
        programme = programme_from_json(found.definition)
        outcome.names = {o.id: o.name for o in programme.organisations}
        existing = {
            (r.organisation, r.month): r
            for r in session.scalars(
                select(MonitoringReturn).where(MonitoringReturn.programme_id == found.id)
            )
        }
        changes = {
            kind: _changes(session, found.id, kind, records) for kind, records in returns.tables.items()
        }
        outcome.inserted = sum(len(c[0]) for c in changes.values())
        outcome.updated = sum(len(c[1]) for c in changes.values())
        new_pairs = [(o, m) for o, m in returns.returns if (o, m.label) not in existing]
        outcome.new_returns = len(new_pairs)
        for org, month in returns.returns:
            stored = existing.get((org, month.label))
            if stored is not None:
                outcome.returns.append(ReturnFacts(org, month, stored.submitted, stored.due))
            else:
                due = due_date(month, programme.due_working_day)
                outcome.returns.append(ReturnFacts(org, month, submitted, due))
        if not outcome.changed:
            return outcome
        connection = session.connection()
        ids: dict[tuple[str, str], int] = {key: r.id for key, r in existing.items()}
        touched = {(r["organisation"], r["month"]) for c in changes.values() for r in c[0]}
        touched |= {(u[1][0], u[1][1]) for c in changes.values() for u in c[1]}
        for facts in outcome.returns:
            key = (facts.organisation, facts.month.label)
            if key in ids:
                if key in touched:
                    existing[key].file_name, existing[key].file_sha256 = returns.name, returns.sha256
                continue
            row = MonitoringReturn(
                programme_id=found.id,
                organisation=key[0],
                month=key[1],
                submitted=facts.submitted,
                due=facts.due,
                late=facts.late,
                file_name=returns.name,
                file_sha256=returns.sha256,
                imported_by=store.actor,
            )
            session.add(row)
            session.flush()
            ids[key] = row.id
        total = outcome.inserted + outcome.updated
        written = 0
        entries: list[dict[str, Any]] = []
        for kind, (inserts, updates) in changes.items():
            model = MODELS[kind]
            for start in range(0, len(inserts), CHUNK_ROWS):
                chunk = inserts[start : start + CHUNK_ROWS]
                connection.execute(
                    insert(model),
                    [
                        {**r, "programme_id": found.id, "return_id": ids[(r["organisation"], r["month"])]}
                        for r in chunk
                    ],
                )
                written += len(chunk)
                if progress is not None:
                    progress(written, total)
            if updates:
                statement = (
                    update(model)
                    .where(model.id == bindparam("row_id"))
                    .values({name: bindparam(f"new_{name}") for name in VALUES[kind]})
                )
                parameters = [
                    {"row_id": row_id, **{f"new_{k}": v for k, v in new.items()}}
                    for row_id, _, _, new in updates
                ]
                connection.execute(statement.execution_options(synchronize_session=False), parameters)
                for _, row_key, old, new in updates:
                    entries += [
                        audit.entry(
                            store.actor,
                            "update",
                            model.__tablename__,
                            [found.id, *row_key],
                            n,
                            old[n],
                            new[n],
                        )
                        for n in VALUES[kind]
                        if old[n] != new[n]
                    ]
                written += len(updates)
                if progress is not None:
                    progress(written, total)
        late = [f for f in outcome.returns if f.late]
        detail = (
            f"imported returns {returns.name} (sha256 {returns.sha256}) into '{programme_name}': "
            f"{outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced, "
            f"{outcome.new_returns} new returns" + (f", {len(late)} late" if late else "")
        )
        entries.append(
            audit.entry(store.actor, "import", "monitoring_returns", programme_name, detail=detail)
        )
        audit.record(connection, entries)
    return outcome


def _changes(
    session: Session, programme_id: int, kind: ReturnKind, records: Sequence[ReturnRecord]
) -> tuple[list[dict[str, Any]], list[tuple[int, tuple[str, ...], dict[str, Any], dict[str, Any]]]]:
    model = MODELS[kind]
    key_column = KEY_COLUMN[kind]
    columns = [
        model.id,
        model.organisation,
        model.month,
        getattr(model, key_column),
        *(getattr(model, n) for n in VALUES[kind]),
    ]
    existing: dict[tuple[str, ...], tuple[int, dict[str, Any]]] = {}
    for found in session.execute(select(*columns).where(model.programme_id == programme_id)):
        values = found._mapping
        key = (values["organisation"], values["month"], values[key_column])
        existing[key] = (values["id"], {n: values[n] for n in VALUES[kind]})
    inserts: list[dict[str, Any]] = []
    updates: list[tuple[int, tuple[str, ...], dict[str, Any], dict[str, Any]]] = []
    for record in records:
        row = _row(record)
        key = (row["organisation"], row["month"], row[key_column])
        new = {n: row[n] for n in VALUES[kind]}
        if key not in existing:
            inserts.append(row)
        elif existing[key][1] != new:
            updates.append((existing[key][0], key, existing[key][1], new))
    return inserts, updates


# --- reading back -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReturns:
    income_expenditure: list[IncomeExpenditure]
    efficiency: list[EfficiencyDelivered]
    risks: list[RiskLine]
    returns: list[ReturnFacts]

    @property
    def months(self) -> list[Month]:
        return sorted({r.month for r in self.returns})


def read_stored(store: Store, programme_name: str, by_scheme: bool = True) -> tuple[Programme, StoredReturns]:
    """The programme and every row of its returns; without ``by_scheme``, the efficiency delivered summed by
    organisation and month (scheme ``""``: all the views need, a row a month instead of a row a scheme)."""
    with store.session() as session:
        found = session.scalar(select(EfficiencyProgramme).where(EfficiencyProgramme.name == programme_name))
        if found is None:
            raise ProgrammeNotFoundError(f"no efficiency programme '{programme_name}' in the store")
        pid = found.id
        programme = programme_from_json(found.definition)
        months: dict[str, Month] = {}

        def month(label: str) -> Month:
            if label not in months:
                months[label] = Month.parse(label)
            return months[label]

        m = ReturnIncomeExpenditure
        ie = [
            IncomeExpenditure(o, month(mo), c, p, a, f)
            for o, mo, c, p, a, f in session.execute(
                select(m.organisation, m.month, m.category, m.plan, m.actual, m.forecast).where(
                    m.programme_id == pid
                )
            )
        ]
        e = ReturnEfficiency
        if by_scheme:
            query = select(e.organisation, e.month, e.scheme, e.recurrent, e.non_recurrent)
        else:
            query = select(
                e.organisation, e.month, literal(""), func.sum(e.recurrent), func.sum(e.non_recurrent)
            ).group_by(e.organisation, e.month)
        delivered = [
            EfficiencyDelivered(o, month(mo), s, float(r), float(n))
            for o, mo, s, r, n in session.execute(query.where(e.programme_id == pid))
        ]
        k = ReturnRisk
        risks = [
            RiskLine(o, month(mo), i, kd, d, b, li, w)
            for o, mo, i, kd, d, b, li, w in session.execute(
                select(k.organisation, k.month, k.item, k.kind, k.description, k.best, k.likely, k.worst)
                .where(k.programme_id == pid)
                .order_by(k.id)
            )
        ]
        r = MonitoringReturn
        facts = [
            ReturnFacts(o, month(mo), s, d)
            for o, mo, s, d in session.execute(
                select(r.organisation, r.month, r.submitted, r.due).where(r.programme_id == pid)
            )
        ]
    return programme, StoredReturns(ie, delivered, risks, facts)
