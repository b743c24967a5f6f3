"""Checking monthly actuals of targets, every row, every bad row located (the file is read by
:func:`carebridge.store.actuals_files.read_target_actuals_file`).

The file has a header ``target,month,value`` (any order): the target's id in the register, a financial
month ``YYYY/YY-Mnn`` and the value in the target's unit (a percentage from 0 to 100 when the unit is
``%``). A blank value means not reported yet and the row is skipped. A file with any bad row gives nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carebridge.delivery import targets as tg
from carebridge.delivery.actuals_tables import RowProblem, RowProblemsError
from carebridge.delivery.months import Month, MonthError
from carebridge.scenario.bounds import beyond_bound
from carebridge.scenario.errors import did_you_mean

COLUMNS = ("target", "month", "value")
VALUE_BOUND = "a value of at most 1,000,000,000,000 in size"
"""A target's value is in the target's own unit, so it is bounded as "any other number" of a scenario
(:mod:`carebridge.scenario.bounds`): ``1e300`` is a mistake, not a value."""


@dataclass(frozen=True)
class ActualRow:
    """A checked row of a file of target actuals."""

    row: int
    target: str
    month: Month
    value: float


class TargetActualsError(RowProblemsError):
    """Every problem of a file of target actuals; nothing of it is imported."""

    what = "the target actuals"


@dataclass(frozen=True)
class TargetActualsFile:
    name: str
    sha256: str
    rows: tuple[ActualRow, ...]


def check_target_actuals(
    name: str, lines: Sequence[Sequence[str]], targets: Mapping[str, tg.Target]
) -> tuple[ActualRow, ...]:
    """The checked rows of a CSV file's ``lines`` (its cells, header first) against the register's
    ``targets``; :class:`TargetActualsError` listing every problem."""
    if not lines:
        reason = "the file is empty: it has no header row; expected the header target,month,value"
        raise TargetActualsError([RowProblem(name, None, None, reason)])
    header = [cell.strip().lower() for cell in lines[0]]
    problems = _header_problems(name, header)
    if problems:
        raise TargetActualsError(problems)
    rows: list[ActualRow] = []
    seen: dict[tuple[str, Month], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header) and (
            len(cells) < len(header) or any(c.strip() for c in cells[len(header) :])
        ):
            reason = (
                f"the row has {len(cells)} cells and the header {len(header)} ({','.join(header)}); give "
                "every column, a blank one as an empty cell"
            )
            problems.append(RowProblem(name, number, None, reason))
            continue
        values = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        row = _row(name, number, values, targets, problems)
        if row is None:
            continue
        earlier = seen.setdefault((row.target, row.month), number)
        if earlier != number:
            reason = f"{row.target} in {row.month} is given again (first in row {earlier})"
            problems.append(RowProblem(name, number, "month", reason))
        rows.append(row)
    if not problems and not rows and not any(any(cell.strip() for cell in cells) for cells in lines[1:]):
        reason = "the file has a header row and no rows below it: nothing to import"
        problems.append(RowProblem(name, None, None, reason))
    elif not problems and not rows:
        reason = "no row has a value: nothing to import (a blank value means not reported yet)"
        problems.append(RowProblem(name, None, None, reason))
    if problems:
        raise TargetActualsError(problems)
    return tuple(rows)


def _header_problems(name: str, header: list[str]) -> list[RowProblem]:
    expected = f"; expected {', '.join(COLUMNS)}"
    problems = [
        RowProblem(name, 1, column, f"unknown column '{column}'{did_you_mean(column, COLUMNS) or expected}")
        for column in header
        if column not in COLUMNS
    ]
    problems += [
        RowProblem(name, 1, column, "the column is missing; the header must be target,month,value")
        for column in COLUMNS
        if column not in header
    ]
    return problems


def _row(
    name: str,
    number: int,
    values: dict[str, str],
    targets: Mapping[str, tg.Target],
    problems: list[RowProblem],
) -> ActualRow | None:
    """The checked row, or ``None`` when it is skipped or bad (its problems added)."""
    found = len(problems)
    target = _target(name, number, values.get("target", ""), targets, problems)
    month = _month(name, number, values.get("month", ""), problems)
    text = values.get("value", "")
    if not text:
        return None
    value = _value(name, number, text, target, problems)
    if len(problems) > found or target is None or month is None or value is None:
        return None
    return ActualRow(number, target.id, month, value)


def _target(
    name: str, number: int, code: str, targets: Mapping[str, tg.Target], problems: list[RowProblem]
) -> tg.Target | None:
    if code in targets:
        return targets[code]
    if not code:
        reason = "no target; expected the id of a target in the register"
    else:
        hint = did_you_mean(code, targets) or f"; expected one of {', '.join(targets)}"
        reason = f"no target '{code}' in the register{hint}"
    problems.append(RowProblem(name, number, "target", reason))
    return None


def _month(name: str, number: int, label: str, problems: list[RowProblem]) -> Month | None:
    try:
        return Month.parse(label)
    except MonthError as error:
        problems.append(RowProblem(name, number, "month", str(error)))
        return None


def _value(
    name: str, number: int, text: str, target: tg.Target | None, problems: list[RowProblem]
) -> float | None:
    try:
        value = float(text.replace(",", "").removesuffix("%"))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(RowProblem(name, number, "value", f"expected a number, found '{text}'"))
        return None
    beyond = beyond_bound(value, "number", VALUE_BOUND)
    if beyond is not None:
        problems.append(RowProblem(name, number, "value", beyond))
        return None
    if target is not None and target.unit == "%" and not 0 <= value <= 100:
        problems.append(
            RowProblem(name, number, "value", f"expected a percentage from 0 to 100, found {text}")
        )
        return None
    return value
