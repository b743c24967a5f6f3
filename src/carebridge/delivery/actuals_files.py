"""Reading actuals from CSV and Excel files, checking every row, and writing a template to fill in.

A CSV file holds one kind of table, known from its header (``activity``, ``spend``, ``milestones``,
``forecast`` or ``profile``: see :mod:`carebridge.delivery.actuals`). An Excel workbook holds one sheet per
kind, named after it; other sheets (such as the template's ``README``) are ignored. Every bad row of every
table is reported at once with its file, sheet, row and column; a file with any bad row gives no records.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from carebridge.delivery.actuals import (
    ALL_PROVIDERS,
    KINDS,
    SPECS,
    ActivityActual,
    Cell,
    Kind,
    Record,
    RowChecker,
    TableSpec,
    describe_key,
    is_blank,
    natural_key,
)
from carebridge.delivery.baseline import PlanBaseline
from carebridge.scenario.errors import did_you_mean

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
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


class ActualsFileError(ValueError):
    """Every problem found in an actuals file; nothing of the file is imported."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        shown = [f"  - {problem}" for problem in self.problems[:MAX_PROBLEMS_SHOWN]]
        more = len(self.problems) - MAX_PROBLEMS_SHOWN
        if more > 0:
            shown.append(f"  … and {more} more")
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the actuals; nothing was imported:"
        super().__init__("\n".join([header, *shown]))


@dataclass(frozen=True)
class ActualsFile:
    """The checked records of a file, by kind, and the file's name and SHA-256."""

    name: str
    sha256: str
    tables: Mapping[Kind, list[Record]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(len(records) for records in self.tables.values())


@dataclass
class _Table:
    kind: Kind
    sheet: str | None
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Cell]]]


def read_actuals(path: Path, baseline: PlanBaseline) -> ActualsFile:
    """Read and check ``path`` against the approved plan; raise :class:`ActualsFileError` listing every
    problem."""
    if not path.is_file():
        raise ActualsFileError([RowProblem(str(path), None, None, "no such file")])
    digest = _sha256(path)
    name = str(path)
    problems: list[RowProblem] = []
    tables: dict[Kind, list[Record]] = {}
    checker = RowChecker(baseline)
    found = False
    for table in _tables(path, problems):
        found = True
        records = _check_table(name, table, checker, problems)
        if records:
            tables.setdefault(table.kind, []).extend(records)
    if not problems and not found:
        problems.append(RowProblem(name, None, None, "no table of actuals found; " + _kinds_help(path)))
    elif not problems and not tables:
        reason = "no row has a value: nothing to import (a blank value means not reported yet)"
        problems.append(RowProblem(name, None, None, reason))
    if problems:
        raise ActualsFileError(problems)
    return ActualsFile(path.name, digest, tables)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _kinds_help(path: Path) -> str:
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return "expected sheets named " + ", ".join(KINDS)
    return "expected a header row such as " + " | ".join(",".join(SPECS[kind].names) for kind in KINDS)


def _tables(path: Path, problems: list[RowProblem]) -> Iterator[_Table]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        yield from _excel_tables(path, problems)
    elif suffix in (".csv", ".txt"):
        yield from _csv_tables(path, problems)
    else:
        reason = f"'{suffix}' files cannot be read; expected .csv or .xlsx"
        problems.append(RowProblem(str(path), None, None, reason))


def _csv_tables(path: Path, problems: list[RowProblem]) -> Iterator[_Table]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        problems.append(RowProblem(str(path), None, None, f"cannot be read: {error.strerror or error}"))
        return
    with handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
            kind = _kind_of_header(str(path), None, header, problems)
            if kind is not None:
                rows = ((reader.line_num, list[Cell](row)) for row in reader)
                yield _Table(kind, None, header, 1, rows)
        except UnicodeDecodeError:
            problems.append(RowProblem(str(path), None, None, "is not UTF-8 text; save it as CSV UTF-8"))
        except csv.Error as error:
            problems.append(RowProblem(str(path), reader.line_num, None, f"is not valid CSV: {error}"))


def _excel_tables(path: Path, problems: list[RowProblem]) -> Iterator[_Table]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError) as error:
        problems.append(
            RowProblem(str(path), None, None, f"is not an Excel workbook that can be read: {error}")
        )
        return
    try:
        for sheet in workbook.worksheets:
            kind = sheet.title.strip().lower()
            if kind not in KINDS:
                continue
            rows = sheet.iter_rows(values_only=True)
            header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
            while header and not header[-1]:
                header.pop()
            if not header:
                continue
            checked = _kind_of_header(str(path), sheet.title, header, problems, expected=kind)
            if checked is not None:
                numbered = ((index, list[Cell](_cell(c) for c in row)) for index, row in enumerate(rows, 2))
                yield _Table(checked, sheet.title, header, 1, numbered)
    finally:
        workbook.close()


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | float | int):
        return value
    return str(value)


def _kind_of_header(
    file: str, sheet: str | None, header: list[str], problems: list[RowProblem], expected: Kind | None = None
) -> Kind | None:
    """The kind of table a header row names; every problem with it otherwise."""
    candidates = [expected] if expected else [kind for kind in KINDS if SPECS[kind].value in header]
    if expected is None and "month" in header and "weight" in header:
        candidates = ["profile"]
    if len(candidates) != 1:
        found = ",".join(header) if header else "an empty first row"
        reason = f"the header row is '{found}'; " + _kinds_help(Path(file))
        problems.append(RowProblem(file, 1, None, reason, sheet))
        return None
    kind = candidates[0]
    spec = SPECS[kind]
    bad = False
    for name in header:
        if name and name not in spec.names:
            reason = f"unknown column '{name}' in a {kind} table; expected {', '.join(spec.names)}"
            problems.append(RowProblem(file, 1, name, reason + did_you_mean(name, spec.names), sheet))
            bad = True
    for name in spec.required:
        if name not in header:
            problems.append(RowProblem(file, 1, name, f"the {kind} table has no column '{name}'", sheet))
            bad = True
    if len(set(header) - {""}) != len([name for name in header if name]):
        problems.append(RowProblem(file, 1, None, "a column name appears twice in the header", sheet))
        bad = True
    return None if bad else kind


def _check_table(file: str, table: _Table, checker: RowChecker, problems: list[RowProblem]) -> list[Record]:
    spec = SPECS[table.kind]
    records: list[Record] = []
    seen: dict[tuple[str, ...], int] = {}
    totals: dict[tuple[str, str], tuple[bool, int]] = {}
    for row_number, cells in table.rows:
        values = dict(zip(table.header, cells, strict=False))
        if all(is_blank(value) for value in values.values()):
            continue
        if len(cells) > len(table.header) and any(not is_blank(c) for c in cells[len(table.header) :]):
            problems.append(
                RowProblem(file, row_number, None, "the row has more cells than the header", table.sheet)
            )
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
        records.append(record)
    return records


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


def write_template(path: Path, baseline: PlanBaseline | None = None, year: str | None = None) -> list[Path]:
    """Write an empty actuals template. Excel: one sheet per kind and a README sheet; CSV: one file per kind
    beside ``path`` (``NAME-activity.csv`` …), unless ``path`` is named after a kind (``activity.csv``).
    Given a plan and a year, the key columns are filled in for that year and the values left blank."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return [_write_excel_template(path, baseline, year)]
    if suffix != ".csv":
        raise ValueError(f"cannot write a template to '{path.name}'; expected a .csv or .xlsx file name")
    if path.stem in KINDS:
        kinds: Sequence[Kind] = [path.stem]
        paths = [path]
    else:
        kinds = KINDS
        paths = [path.with_name(f"{path.stem}-{kind}.csv") for kind in KINDS]
    for kind, target in zip(kinds, paths, strict=True):
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(SPECS[kind].names)
            writer.writerows(template_rows(kind, baseline, year))
    return paths


def _write_excel_template(path: Path, baseline: PlanBaseline | None, year: str | None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    readme = workbook.active
    readme.title = "README"
    readme.append(["CareBridge actuals template"])
    readme["A1"].font = Font(bold=True, size=14)
    readme.append(["Fill in the sheets you need and import with: carebridge actuals import FILE --plan NAME"])
    readme.append(["A row whose value is blank is not reported yet and is skipped."])
    readme.append([])
    readme.append(["sheet", "column", "required", "what it holds"])
    for cell in readme[5]:
        cell.font = Font(bold=True)
    for kind in KINDS:
        spec: TableSpec = SPECS[kind]
        for column in spec.columns:
            readme.append([kind, column.name, "yes" if column.required else "no", column.description])
        sheet = workbook.create_sheet(kind)
        sheet.append(spec.names)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in template_rows(kind, baseline, year):
            sheet.append(row)
        for letter, width in zip("ABCDE", (14, 22, 14, 14, 14), strict=False):
            sheet.column_dimensions[letter].width = width
    readme.column_dimensions["B"].width = 14
    readme.column_dimensions["D"].width = 90
    if baseline is not None:
        readme.append([])
        readme.append(["PODs with activity", ", ".join(baseline.activity_pods)])
        readme.append(["Schemes", ", ".join(baseline.scheme_ids)])
        for pod in baseline.pods:
            if pod.has_activity:
                readme.append([f"Providers of {pod.id}", ", ".join([*pod.providers, ALL_PROVIDERS])])
    workbook.save(path)
    return path
