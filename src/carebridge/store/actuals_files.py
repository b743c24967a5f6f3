"""Reading files of actuals (CSV and Excel) and writing a template to fill in: the file side of
:mod:`carebridge.delivery.actuals_tables`, which checks every row.

A CSV file holds one kind of table, known from its header. An Excel workbook holds one sheet per kind, named
after it; the template's ``README`` sheet is ignored, and any other sheet with something in it is a problem
(its rows would be lost). A file that cannot be read is a located problem like any bad row. The template's
text (ids of PODs, schemes and providers) is written as text, never a formula
(:func:`carebridge.workbooks.append_row`).
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from carebridge.delivery.actuals import ALL_PROVIDERS, KINDS, SPECS, Cell, Kind, TableSpec
from carebridge.delivery.actuals_tables import (
    ActualsFile,
    ActualsFileError,
    RowProblem,
    Table,
    check_actuals,
    kind_of_header,
    template_rows,
)
from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.target_actuals import (
    TargetActualsError,
    TargetActualsFile,
    check_target_actuals,
)
from carebridge.delivery.targets import Target
from carebridge.workbooks import append_row, unsafe_workbook

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
README = "readme"
"""The one sheet of a workbook of actuals that is not a table (the template's notes)."""


def read_actuals(path: Path, baseline: PlanBaseline) -> ActualsFile:
    """Read and check ``path`` against the approved plan; raise :class:`ActualsFileError` listing every
    problem."""
    if not path.is_file():
        raise ActualsFileError([RowProblem(str(path), None, None, "no such file")])
    problems: list[RowProblem] = []
    workbook = path.suffix.lower() in EXCEL_SUFFIXES
    tables = _tables(path, problems)
    return check_actuals(str(path), path.name, _sha256(path), tables, baseline, problems, workbook=workbook)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _tables(path: Path, problems: list[RowProblem]) -> Iterator[Table]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        yield from _excel_tables(path, problems)
    elif suffix in (".csv", ".txt"):
        yield from _csv_tables(path, problems)
    else:
        reason = f"'{suffix}' files cannot be read; expected .csv or .xlsx"
        problems.append(RowProblem(str(path), None, None, reason))


def _csv_tables(path: Path, problems: list[RowProblem]) -> Iterator[Table]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        problems.append(RowProblem(str(path), None, None, f"cannot be read: {error.strerror or error}"))
        return
    with handle:
        reader = csv.reader(handle)
        header: list[str] = []
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
            kind = kind_of_header(str(path), None, header, problems)
            if kind is not None:
                yield Table(kind, None, header, 1, _csv_rows(path, reader, header, problems))
        except UnicodeDecodeError:
            problems.append(RowProblem(str(path), None, None, "is not UTF-8 text; save it as CSV UTF-8"))
        except csv.Error as error:
            problems.append(_csv_problem(path, reader.line_num, header, error))


def _csv_rows(
    path: Path, reader: Any, header: list[str], problems: list[RowProblem]
) -> Iterator[tuple[int, list[Cell]]]:
    """The rows after the header, each with its line; a line that is not CSV ends them with its problem
    (the rows are read as they are checked, so the problem is caught here, where the line is known)."""
    try:
        for row in reader:
            yield reader.line_num, list[Cell](row)
    except UnicodeDecodeError:
        problems.append(RowProblem(str(path), None, None, "is not UTF-8 text; save it as CSV UTF-8"))
    except csv.Error as error:
        problems.append(_csv_problem(path, reader.line_num, header, error))


def _csv_problem(path: Path, line: int, header: list[str], error: csv.Error) -> RowProblem:
    """A line that is not CSV; a field above the CSV reader's limit is named by its column."""
    limit = csv.field_size_limit()
    if "field limit" not in str(error):
        return RowProblem(str(path), line, None, f"is not valid CSV: {error}")
    index = _long_field(path, line, limit)
    column = None if index is None else header[index] if index < len(header) else f"{index + 1}"
    reason = f"a value is longer than {limit:,} characters; no value of a table of actuals is that long"
    return RowProblem(str(path), line, column, reason)


def _long_field(path: Path, line: int, limit: int) -> int | None:
    """The index of the first field longer than ``limit`` on the ``line``-th line of the file (fields split
    at commas outside quotes), or ``None`` when it cannot be told (a value running over lines)."""
    try:
        with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
            text = next(itertools.islice(handle, line - 1, None), "")
    except OSError:
        return None
    index, length, quoted = 0, 0, False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character == "," and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > limit:
            return index
    return None


def _excel_tables(path: Path, problems: list[RowProblem]) -> Iterator[Table]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    unsafe = unsafe_workbook(path)
    if unsafe is not None:
        problems.append(
            RowProblem(str(path), None, None, f"is not an Excel workbook that can be read: {unsafe}")
        )
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, BadZipFile, KeyError, ValueError, SyntaxError) as error:
        problems.append(RowProblem(str(path), None, None, _unreadable(error)))
        return
    try:
        for sheet in workbook.worksheets:
            kind = sheet.title.strip().lower()
            rows = _sheet_rows(path, sheet, problems)
            if kind not in KINDS:
                if kind != README and _has_content(rows):
                    reason = (
                        "is not a table of actuals, so its rows would be lost; name each sheet after its "
                        f"table: {', '.join(KINDS)} (a {README.upper()} sheet is ignored)"
                    )
                    problems.append(RowProblem(str(path), None, None, reason, sheet.title))
                continue
            header = [str(cell).strip().lower() if cell is not None else "" for cell in next(rows, ())]
            while header and not header[-1]:
                header.pop()
            if not header:
                continue
            checked = kind_of_header(str(path), sheet.title, header, problems, expected=kind)
            if checked is not None:
                numbered = ((index, list[Cell](_cell(c) for c in row)) for index, row in enumerate(rows, 2))
                yield Table(checked, sheet.title, header, 1, numbered)
    finally:
        workbook.close()


def _sheet_rows(path: Path, sheet: Any, problems: list[RowProblem]) -> Iterator[tuple[object, ...]]:
    """The sheet's rows; a sheet whose XML cannot be read (read only, it is parsed as its rows are read)
    ends them, with a problem naming the sheet."""
    from zipfile import BadZipFile

    try:
        yield from sheet.iter_rows(values_only=True)
    except (BadZipFile, KeyError, ValueError, SyntaxError, EOFError) as error:
        problems.append(RowProblem(str(path), None, None, _unreadable(error), sheet.title))


def _unreadable(error: BaseException | str) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"is not an Excel workbook that can be read: {text}"


def _has_content(rows: Iterable[tuple[object, ...]]) -> bool:
    return any(value is not None and str(value).strip() for row in rows for value in row)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | float | int):
        return value
    return str(value)


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
            append_row(readme, [kind, column.name, "yes" if column.required else "no", column.description])
        sheet = workbook.create_sheet(kind)
        sheet.append(spec.names)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in template_rows(kind, baseline, year):
            append_row(sheet, row)
        for letter, width in zip("ABCDE", (14, 22, 14, 14, 14), strict=False):
            sheet.column_dimensions[letter].width = width
    readme.column_dimensions["B"].width = 14
    readme.column_dimensions["D"].width = 90
    if baseline is not None:
        readme.append([])
        append_row(readme, ["PODs with activity", ", ".join(baseline.activity_pods)])
        append_row(readme, ["Schemes", ", ".join(baseline.scheme_ids)])
        for pod in baseline.pods:
            if pod.has_activity:
                append_row(readme, [f"Providers of {pod.id}", ", ".join([*pod.providers, ALL_PROVIDERS])])
    workbook.save(path)
    return path


def read_target_actuals_file(path: Path, targets: Mapping[str, Target]) -> TargetActualsFile:
    """Read and check a CSV file of target actuals against the register's ``targets``; raise
    :class:`TargetActualsError` listing every problem."""
    name = str(path)
    if path.suffix.lower() != ".csv":
        raise TargetActualsError([RowProblem(name, None, None, "expected a .csv file of target,month,value")])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TargetActualsError([RowProblem(name, None, None, "no such file")]) from None
    except OSError as error:
        raise TargetActualsError(
            [RowProblem(name, None, None, f"cannot be read: {error.strerror}")]
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        raise TargetActualsError([RowProblem(name, None, None, reason)]) from None
    reader = csv.reader(text.splitlines())
    try:
        lines = list(reader)
    except csv.Error as error:
        raise TargetActualsError([_csv_problem(path, reader.line_num, [], error)]) from None
    rows = check_target_actuals(name, lines, targets)
    return TargetActualsFile(path.name, hashlib.sha256(data).hexdigest(), rows)
