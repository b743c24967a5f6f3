"""The outcomes register in the store: loading a register, importing a CSV file of its values (one
transaction; every bad row located, nothing imported when any row is bad), and reading both back.
The rules live in :mod:`carebridge.delivery.outcomes`."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.delivery import outcomes as oc
from carebridge.delivery import programme_budgets as pb
from carebridge.delivery.actuals_tables import RowProblem
from carebridge.store import audit
from carebridge.store.models import OutcomeRegister, OutcomeValue, StoredProgrammeBudget
from carebridge.store.registers import RegisterError, refuse


@dataclass(frozen=True)
class RegisterLoad:
    name: str
    added: bool
    changed: bool
    measures: int


@dataclass(frozen=True)
class ValuesImport:
    register: str
    inserted: int
    updated: int
    unchanged: int


def save_register(session: Session, register: oc.OutcomesRegister, file: str) -> RegisterLoad:
    """Add the register, or replace the definition of the one of the same name."""
    definition = register.model_dump(mode="json")
    row = session.scalars(select(OutcomeRegister).where(OutcomeRegister.name == register.name)).first()
    if row is None:
        session.add(OutcomeRegister(name=register.name, definition=definition, file=file))
        return RegisterLoad(register.name, True, True, len(register.measures))
    changed = row.definition != definition
    if changed:
        row.definition = definition
        row.file = file
    return RegisterLoad(register.name, False, changed, len(register.measures))


def register_names(session: Session) -> list[str]:
    return list(session.scalars(select(OutcomeRegister.name).order_by(OutcomeRegister.name)))


def read_register(session: Session, name: str | None) -> oc.OutcomesRegister:
    """The register named ``name`` (the only one when ``None``); :class:`RegisterError` naming the choices."""
    names = register_names(session)
    if not names:
        raise refuse(
            "the store has no outcomes register yet; load one first: carebridge outcomes load FILE.yaml"
        )
    if name is None:
        if len(names) > 1:
            raise refuse(
                f"the store holds {len(names)} outcomes registers; name one: {', '.join(names)}",
                ("register",),
            )
        name = names[0]
    row = session.scalars(select(OutcomeRegister).where(OutcomeRegister.name == name)).first()
    if row is None:
        raise refuse(f"no outcomes register {name!r}; the store holds {', '.join(names)}", ("register",))
    return oc.OutcomesRegister.model_validate(row.definition)


def read_values_file(path: Path, register: oc.OutcomesRegister) -> tuple[tuple[oc.ValueRow, ...], str]:
    """The checked rows of a CSV file of outcome values and its SHA-256; :class:`OutcomeValuesError` listing
    every bad row."""
    name = str(path)
    if path.suffix.lower() != ".csv":
        raise oc.OutcomeValuesError([RowProblem(name, None, None, "expected a .csv file of outcome values")])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise oc.OutcomeValuesError([RowProblem(name, None, None, "no such file")]) from None
    except OSError as error:
        raise oc.OutcomeValuesError(
            [RowProblem(name, None, None, f"cannot be read: {error.strerror}")]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        raise oc.OutcomeValuesError([RowProblem(name, None, None, reason)]) from None
    reader = csv.reader(text.splitlines())
    try:
        lines = list(reader)
    except csv.Error as error:
        raise oc.OutcomeValuesError([RowProblem(name, reader.line_num, None, f"not CSV: {error}")]) from None
    return oc.check_values(name, lines, register), hashlib.sha256(data).hexdigest()


_FIELDS = ("numerator", "denominator", "value", "lower", "upper", "status")


def save_values(
    session: Session, register: str, rows: tuple[oc.ValueRow, ...], file: str, sha256: str
) -> ValuesImport:
    """Insert new values, replace changed ones, leave equal ones alone; one audit entry for the file."""
    register_id = session.scalars(select(OutcomeRegister.id).where(OutcomeRegister.name == register)).first()
    if register_id is None:
        raise refuse(f"no outcomes register {register!r}")
    existing = {
        (v.measure, v.period, v.breakdown, v.grp, v.age_band): v
        for v in session.scalars(select(OutcomeValue).where(OutcomeValue.register_id == register_id))
    }
    inserted = updated = 0
    for row in rows:
        values: dict[str, Any] = {field: getattr(row, field) for field in _FIELDS}
        found = existing.get((row.measure, row.period, row.breakdown, row.group, row.age_band))
        if found is None:
            session.add(
                OutcomeValue(
                    register_id=register_id,
                    measure=row.measure,
                    period=row.period,
                    breakdown=row.breakdown,
                    grp=row.group,
                    age_band=row.age_band,
                    **values,
                )
            )
            inserted += 1
        elif any(getattr(found, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(found, field, value)
            updated += 1
    outcome = ValuesImport(register, inserted, updated, len(rows) - inserted - updated)
    if inserted or updated:
        detail = f"sha256 {sha256}; {inserted} new, {updated} replaced, {outcome.unchanged} unchanged"
        audit.record(
            session.connection(),
            [audit.entry(audit.actor_of(session), "import", "outcome_values", file, detail=detail)],
        )
    return outcome


def read_values(session: Session, register: str) -> tuple[oc.ValueRow, ...]:
    """Every stored value of the register, as the rows they were imported from."""
    query = (
        select(OutcomeValue)
        .join(OutcomeRegister, OutcomeRegister.id == OutcomeValue.register_id)
        .where(OutcomeRegister.name == register)
        .order_by(OutcomeValue.id)
    )
    return tuple(
        oc.ValueRow(
            0,
            v.measure,
            v.period,
            v.breakdown,
            v.grp,
            v.age_band,
            v.numerator,
            v.denominator,
            v.value,
            v.lower,
            v.upper,
            v.status,
        )
        for v in session.scalars(query)
    )


# --- programme budgets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLoad:
    name: str
    added: bool
    changed: bool


def save_budget(session: Session, budget: pb.ProgrammeBudget, file: str, sha256: str) -> BudgetLoad:
    """Keep the programme budget — its plan's changes already resolved, so ``plan_from`` is not kept — or
    replace the one of the same name (each change audited)."""
    resolved = budget.model_copy(update={"plan_from": None})
    definition = resolved.model_dump(mode="json")
    row = session.scalars(
        select(StoredProgrammeBudget).where(StoredProgrammeBudget.name == budget.name)
    ).first()
    if row is None:
        session.add(StoredProgrammeBudget(name=budget.name, definition=definition, file=file, sha256=sha256))
        return BudgetLoad(budget.name, True, True)
    changed = row.definition != definition
    if changed:
        row.definition = definition
        row.file = file
        row.sha256 = sha256
    return BudgetLoad(budget.name, False, changed)


def budget_names(session: Session) -> list[str]:
    return list(session.scalars(select(StoredProgrammeBudget.name).order_by(StoredProgrammeBudget.name)))


def read_budget(session: Session, name: str | None) -> pb.ProgrammeBudget:
    """The programme budget named ``name`` (the first by name when ``None``); :class:`RegisterError` naming
    the choices."""
    names = budget_names(session)
    if not names:
        raise refuse(
            "the store has no programme budget yet; keep one with: carebridge outcomes benchmark FILE.yaml "
            "--save"
        )
    chosen = names[0] if name is None else name
    row = session.scalars(select(StoredProgrammeBudget).where(StoredProgrammeBudget.name == chosen)).first()
    if row is None:
        raise refuse(f"no programme budget {chosen!r}; the store holds {', '.join(names)}", ("budget",))
    return pb.ProgrammeBudget.model_validate_json(json.dumps(row.definition))


__all__ = [
    "BudgetLoad",
    "RegisterError",
    "RegisterLoad",
    "ValuesImport",
    "budget_names",
    "read_budget",
    "read_register",
    "read_values",
    "read_values_file",
    "register_names",
    "save_budget",
    "save_register",
    "save_values",
]
