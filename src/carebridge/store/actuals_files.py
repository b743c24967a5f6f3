"""Reading files of actuals (CSV and Excel) and writing a template to fill in: the file side of
:mod:`carebridge.delivery.actuals_tables`, which checks every row.

A CSV file holds one kind of table, known from its header. An Excel workbook holds one sheet per kind, named
after it; the template's ``README`` sheet is ignored, and any other sheet with something in it is a problem
(its rows would be lost). A file that cannot be read is a located problem like any bad row.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

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
        try:
            header = [cell.strip().lower() for cell in next(reader, [])]
            kind = kind_of_header(str(path), None, header, problems)
            if kind is not None:
                rows = ((reader.line_num, list[Cell](row)) for row in reader)
                yield Table(kind, None, header, 1, rows)
        except UnicodeDecodeError:
            problems.append(RowProblem(str(path), None, None, "is not UTF-8 text; save it as CSV UTF-8"))
        except csv.Error as error:
            problems.append(RowProblem(str(path), reader.line_num, None, f"is not valid CSV: {error}"))


def _excel_tables(path: Path, problems: list[RowProblem]) -> Iterator[Table]:
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
                if kind != README and _has_content(sheet.iter_rows(values_only=True)):
                    reason = (
                        "is not a table of actuals, so its rows would be lost; name each sheet after its "
                        f"table: {', '.join(KINDS)} (a {README.upper()} sheet is ignored)"
                    )
                    problems.append(RowProblem(str(path), None, None, reason, sheet.title))
                continue
            rows = sheet.iter_rows(values_only=True)
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
    rows = check_target_actuals(name, list(csv.reader(text.splitlines())), targets)
    return TargetActualsFile(path.name, hashlib.sha256(data).hexdigest(), rows)
