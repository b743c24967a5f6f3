"""Checking the tables of a file of actuals, every row, with no file in hand: the readers
(:mod:`carebridge.store.actuals_files`) hand over each table's header and rows of cells.

A CSV file holds one kind of table, known from its header (``activity``, ``spend``, ``milestones``,
``forecast`` or ``profile``: see :mod:`carebridge.delivery.actuals`). An Excel workbook holds one sheet per
kind, named after it. Every bad row of every table is reported at once with its file, sheet, row and column;
a file with any bad row gives no records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from carebridge.delivery.actuals import (
    ALL_PROVIDERS,
    KINDS,
    SPECS,
    ActivityActual,
    Cell,
    Kind,
    ProfileWeight,
    Record,
    RowChecker,
    describe_key,
    is_blank,
    kind_of,
    natural_key,
)
from carebridge.delivery.baseline import PlanBaseline
from carebridge.scenario.errors import did_you_mean

MAX_PROBLEMS_SHOWN = 200


@dataclass(frozen=True)
class RowProblem:
    """One bad row: where it is (file, sheet, row, column) and what is wrong."""

    file: str
    row: int | None
    column: str | None
    reason: str
    sheet: str | None = None

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet:
            place.append(f"sheet {self.sheet}")
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column:
            place.append(f"column {self.column}")
        return f"{', '.join(place)}: {self.reason}"


class RowProblemsError(ValueError):
    """Every problem found in a file of rows, each located; nothing of the file is imported. A subclass
    names what the file holds in :attr:`what`."""

    what = "the file"

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        super().__init__(problems_message(self.problems, self.what))


class ActualsFileError(RowProblemsError):
    """Every problem found in an actuals file; nothing of the file is imported."""

    what = "the actuals"


def problems_message(problems: Sequence[object], what: str) -> str:
    """``N problems in WHAT; nothing was imported:`` and the first :data:`MAX_PROBLEMS_SHOWN` problems."""
    shown = [f"  - {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN]]
    more = len(problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        shown.append(f"  … and {more} more")
    count = len(problems)
    header = f"{count} problem{'s' if count != 1 else ''} in {what}; nothing was imported:"
    return "\n".join([header, *shown])


@dataclass(frozen=True)
class ActualsFile:
    """The checked records of a file, by kind, and the file's name and SHA-256."""

    name: str
    sha256: str
    tables: Mapping[Kind, list[Record]] = field(default_factory=dict)
    places: Mapping[tuple[Kind, tuple[str, ...]], tuple[str | None, int]] = field(default_factory=dict)
    """(kind, natural key) → (sheet, row) of each record in the file."""

    @property
    def row_count(self) -> int:
        return sum(len(records) for records in self.tables.values())

    def place(self, record: Record) -> tuple[str | None, int | None]:
        """The sheet (``None`` in a CSV file) and the row of ``record`` in the file."""
        found = self.places.get((kind_of(record), natural_key(record)))
        return (None, None) if found is None else found


@dataclass
class Table:
    """A table as a reader found it: its kind, sheet (``None`` in a CSV file), header and numbered rows."""

    kind: Kind
    sheet: str | None
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Cell]]]


def check_actuals(
    name: str,
    file_name: str,
    sha256: str,
    tables: Iterable[Table],
    baseline: PlanBaseline,
    problems: list[RowProblem],
    *,
    workbook: bool,
) -> ActualsFile:
    """Check every row of ``tables`` against the approved plan; raise :class:`ActualsFileError` listing every
    problem. ``name`` places the problems (the path as given), ``file_name`` names the file in the store;
    a reader may add its own problems to ``problems`` while ``tables`` is read."""
    tables_found: dict[Kind, list[Record]] = {}
    places: dict[tuple[Kind, tuple[str, ...]], tuple[str | None, int]] = {}
    checker = RowChecker(baseline)
    found = False
    filled = [0]
    for table in tables:
        found = True
        for row_number, record in _check_table(name, table, checker, problems, filled):
            tables_found.setdefault(table.kind, []).append(record)
            places[(table.kind, natural_key(record))] = (table.sheet, row_number)
    if not problems and not found:
        problems.append(RowProblem(name, None, None, "no table of actuals found; " + kinds_help(workbook)))
    elif not problems and not filled[0]:
        where = "each sheet has its header row and" if workbook else "the file has a header row and"
        problems.append(RowProblem(name, None, None, f"{where} no rows below it: nothing to import"))
    elif not problems and not tables_found:
        reason = "no row has a value: nothing to import (a blank value means not reported yet)"
        problems.append(RowProblem(name, None, None, reason))
    if problems:
        raise ActualsFileError(problems)
    return ActualsFile(file_name, sha256, tables_found, places)


def kinds_help(workbook: bool) -> str:
    """What a file of actuals is expected to hold: sheets named after the kinds, or a header row."""
    if workbook:
        return "expected sheets named " + ", ".join(KINDS)
    return "expected a header row such as " + " | ".join(",".join(SPECS[kind].names) for kind in KINDS)


def kind_of_header(
    file: str, sheet: str | None, header: list[str], problems: list[RowProblem], expected: Kind | None = None
) -> Kind | None:
    """The kind of table a header row names; every problem with it otherwise."""
    candidates = [expected] if expected else [kind for kind in KINDS if SPECS[kind].value in header]
    if expected is None and "month" in header and "weight" in header:
        candidates = ["profile"]
    if not any(header) and sheet is None:
        reason = "the file has no header row (it is empty, or its first row is); " + kinds_help(
            workbook=False
        )
        problems.append(RowProblem(file, 1, None, reason, sheet))
        return None
    if len(candidates) != 1:
        found = ",".join(header) if header else "an empty first row"
        reason = f"the header row is '{found}'; " + kinds_help(workbook=sheet is not None)
        problems.append(RowProblem(file, 1, None, reason, sheet))
        return None
    kind = candidates[0]
    spec = SPECS[kind]
    bad = False
    for name in header:
        if name and name not in spec.names:
            article = "an" if kind[0] in "aeiou" else "a"
            reason = f"unknown column '{name}' in {article} {kind} table; expected {', '.join(spec.names)}"
            problems.append(RowProblem(file, 1, name, reason + did_you_mean(name, spec.names), sheet))
            bad = True
    for name in spec.required:
        if name not in header:
            problems.append(RowProblem(file, 1, name, f"the {kind} table has no column '{name}'", sheet))
            bad = True
    for name, positions in _repeated(header).items():
        where = " and ".join(_column_label(position, sheet) for position in positions)
        reason = f"the column '{name}' is given twice in the header (columns {where}); give it once"
        problems.append(RowProblem(file, 1, name, reason, sheet))
        bad = True
    return None if bad else kind


def _repeated(header: list[str]) -> dict[str, list[int]]:
    """Each column name given more than once, with its positions (from 0)."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header):
        if name:
            positions.setdefault(name, []).append(position)
    return {name: found for name, found in positions.items() if len(found) > 1}


def _column_label(position: int, sheet: str | None) -> str:
    """A column as people see it: its letter in a sheet (A, B, …, AA), its number in a CSV file (1, 2, …)."""
    if sheet is None:
        return str(position + 1)
    letters, number = "", position + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _check_table(
    file: str, table: Table, checker: RowChecker, problems: list[RowProblem], filled: list[int]
) -> list[tuple[int, Record]]:
    """The records of a table's good rows with their row numbers; a problem for each bad one. ``filled[0]``
    counts the rows with anything in them."""
    spec = SPECS[table.kind]
    records: list[tuple[int, Record]] = []
    seen: dict[tuple[str, ...], int] = {}
    totals: dict[tuple[str, str], tuple[bool, int]] = {}
    for row_number, cells in table.rows:
        values = dict(zip(table.header, cells, strict=False))
        if all(is_blank(value) for value in values.values()) and all(is_blank(cell) for cell in cells):
            continue
        filled[0] += 1
        if len(cells) > len(table.header) and any(not is_blank(c) for c in cells[len(table.header) :]):
            problems.append(
                RowProblem(file, row_number, None, "the row has more cells than the header", table.sheet)
            )
            continue
        if len(cells) < len(table.header):
            reason = (
                f"the row has {len(cells)} cells and the header {len(table.header)} "
                f"({','.join(table.header)}); give every column, a blank one as an empty cell"
            )
            problems.append(RowProblem(file, row_number, None, reason, table.sheet))
            continue
        if is_blank(values.get(spec.value)):
            continue  # not reported yet
        found: list[tuple[str, str]] = []
        record = checker.build(table.kind, values, found)
        problems.extend(RowProblem(file, row_number, column, reason, table.sheet) for column, reason in found)
        if record is None:
            continue
        key = natural_key(record)
        if key in seen:
            reason = f"repeats row {seen[key]} ({describe_key(table.kind, key)}); give each key once"
            problems.append(RowProblem(file, row_number, None, reason, table.sheet))
            continue
        seen[key] = row_number
        if isinstance(record, ActivityActual) and not _total_and_split_apart(record, row_number, totals):
            other = totals[(record.month.label, record.pod)][1]
            reason = (
                f"POD {record.pod} in {record.month.label} has a total row and rows by provider "
                f"(row {other}); "
                "give either the total or the providers"
            )
            problems.append(RowProblem(file, row_number, "provider", reason, table.sheet))
            continue
        records.append((row_number, record))
    if table.kind == "profile":
        problems.extend(_whole_profiles(file, table.sheet, records))
    return records


def _whole_profiles(file: str, sheet: str | None, records: list[tuple[int, Record]]) -> Iterator[RowProblem]:
    """A problem at the first row of each POD whose profile cannot spread a year: a month without a weight,
    or weights adding up to zero (found now, not at the first month's monitoring)."""
    by_pod: dict[str, list[tuple[int, ProfileWeight]]] = {}
    for row_number, record in records:
        if isinstance(record, ProfileWeight):
            by_pod.setdefault(record.pod, []).append((row_number, record))
    for pod, rows in by_pod.items():
        first = min(row_number for row_number, _ in rows)
        missing = sorted(set(range(1, 13)) - {weight.period for _, weight in rows})
        if missing:
            months = ", ".join(f"M{n:02d}" for n in missing)
            reason = f"the profile of POD {pod} has no weight for {months}; give all twelve months"
            yield RowProblem(file, first, "month", reason, sheet)
        elif sum(weight.weight for _, weight in rows) <= 0:
            reason = f"the profile of POD {pod} has weights adding up to 0; give some month a weight above 0"
            yield RowProblem(file, first, "weight", reason, sheet)


def _total_and_split_apart(
    record: ActivityActual, row_number: int, totals: dict[tuple[str, str], tuple[bool, int]]
) -> bool:
    """Whether a month's POD has either a total row or provider rows so far, not both."""
    key = (record.month.label, record.pod)
    is_total = record.provider == ALL_PROVIDERS
    if key not in totals:
        totals[key] = (is_total, row_number)
        return True
    return totals[key][0] == is_total and not is_total


def template_rows(kind: Kind, baseline: PlanBaseline | None, year: str | None) -> list[list[Cell]]:
    """Rows to pre-fill a template with: the keys of the plan's year, values left blank."""
    if baseline is None or year is None:
        return []
    from carebridge.delivery.months import months_of_year

    months = months_of_year(year)
    if kind == "activity":
        return [[m.label, pod, "", None] for m in months for pod in baseline.activity_pods]
    if kind == "spend":
        return [[m.label, scheme, None] for m in months for scheme in baseline.scheme_ids]
    if kind == "forecast":
        return []
    if kind == "profile":
        return [[pod, f"M{n:02d}", None] for pod in baseline.activity_pods for n in range(1, 13)]
    return [[scheme, "", None, None, None] for scheme in baseline.scheme_ids]
