"""A monthly financial monitoring return sent as JSON (the web app's API): its tables checked as a file's
rows are (:func:`carebridge.delivery.returns.check_returns`, the same rules as ``carebridge returns import``
and the web form), every bad row located as ``efficiency[2].recurrent``, then imported in one transaction.

The body is an object with up to three lists, one per table of a return — ``income_expenditure``,
``efficiency``, ``risks`` — each row an object of the table's columns (:data:`carebridge.delivery.returns.
COLUMNS`); a row without ``organisation`` is the organisation's the return is sent for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from carebridge.delivery.actuals import Cell
from carebridge.delivery.actuals_tables import RowProblem
from carebridge.delivery.returns import (
    RETURN_KINDS,
    ReturnsFile,
    ReturnsFileError,
    ReturnTable,
    check_returns,
    names,
)
from carebridge.store import Store
from carebridge.store.efficiency import ReturnsOutcome, import_returns, read_stored, resolve_programme
from carebridge.usecases.efficiency import organisation_of

BODY = "request body"
"""The 'file' a JSON return's problems are in."""


@dataclass(frozen=True)
class JsonProblem:
    """A problem of a JSON return, located by table, row (from 0) and column: ``efficiency[2].recurrent``."""

    table: str | None
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        place = self.table or BODY
        if self.row is not None:
            place += f"[{self.row}]"
        if self.column:
            place += f".{self.column}"
        return f"{place}: {self.reason}"


class JsonReturnError(ValueError):
    """Every problem of a JSON return; nothing of it is imported."""

    def __init__(self, problems: list[JsonProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the return; nothing was imported")


def _shape_problems(body: object) -> list[JsonProblem]:
    if not isinstance(body, Mapping):
        return [JsonProblem(None, None, None, "expected an object with the lists " + ", ".join(RETURN_KINDS))]
    problems = [
        JsonProblem(str(key), None, None, f"is not a table of a return; expected {', '.join(RETURN_KINDS)}")
        for key in body
        if key not in RETURN_KINDS
    ]
    for kind in RETURN_KINDS:
        rows = body.get(kind, [])
        if not isinstance(rows, list):
            problems.append(JsonProblem(kind, None, None, "expected a list of rows"))
            continue
        columns = names(kind)
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                problems.append(JsonProblem(kind, index, None, "expected an object of " + ", ".join(columns)))
                continue
            for key, value in row.items():
                if key not in columns:
                    reason = f"is not a column of {kind}; expected {', '.join(columns)}"
                    problems.append(JsonProblem(kind, index, str(key), reason))
                elif (value is not None and not isinstance(value, str | int | float)) or isinstance(
                    value, bool
                ):
                    reason = "expected a number or text"
                    problems.append(JsonProblem(kind, index, str(key), reason))
    if not problems and not any(body.get(kind) for kind in RETURN_KINDS):
        problems.append(JsonProblem(None, None, None, "the return has no rows: nothing to import"))
    return problems


def _tables(body: Mapping[str, Any], org: str) -> list[ReturnTable]:
    tables = []
    for kind in RETURN_KINDS:
        rows = body.get(kind) or []
        if not rows:
            continue
        header = names(kind)
        numbered = [
            (index, [_cell({"organisation": org, **row}.get(column)) for column in header])
            for index, row in enumerate(rows)
        ]
        tables.append(ReturnTable(kind, kind, header, iter(numbered)))
    return tables


def _cell(value: object) -> Cell:
    return value if value is None or isinstance(value, str | int | float) else str(value)


def _located(problem: RowProblem) -> JsonProblem:
    return JsonProblem(problem.sheet, problem.row, problem.column, problem.reason)


def check_json_return(store: Store, programme: str | None, org: str, body: object, raw: bytes) -> ReturnsFile:
    """The checked records of a JSON return of ``org`` (every row must be ``org``'s);
    :class:`JsonReturnError` with every problem located; :class:`UseCaseError` for an unknown organisation,
    :class:`ProgrammeNotFoundError` for no or an unknown programme."""
    checked = read_stored(store, resolve_programme(store, programme))[0]
    organisation_of(checked, org)
    problems = _shape_problems(body)
    if problems:
        raise JsonReturnError(problems)
    assert isinstance(body, Mapping)
    sha256 = hashlib.sha256(raw).hexdigest()
    found: list[RowProblem] = []
    try:
        return check_returns(BODY, "return.json", sha256, _tables(body, org), checked, found, org)
    except ReturnsFileError as error:
        raise JsonReturnError([_located(problem) for problem in error.problems]) from None


def import_json_return(
    store: Store, programme: str | None, org: str, body: object, raw: bytes, submitted: dt.date
) -> ReturnsOutcome:
    """Check a JSON return of ``org`` (:func:`check_json_return`) and import it in one transaction, as a
    file is: the same return again changes nothing."""
    checked = check_json_return(store, programme, org, body, raw)
    return import_returns(store, resolve_programme(store, programme), checked, submitted)
