"""The one Excel writer of every workbook the reports write (the run report, the appraisal, the
prioritisation, comparisons, the delivery pack): sheet names, cells, tables, facts and records, and how each
sheet prints.

Every value goes through :func:`write_cell`, which writes text as text, always: a scheme name or a risk
title that starts with ``=``, ``+``, ``-`` or ``@`` stays a string (never a live formula). The only formulas
are the totals this module writes itself (:func:`write_formula`, ``=SUM(B6:B9)`` over the cells of the
table, chosen by :mod:`carebridge.report.excel_totals`), saved with their values cached
(:func:`save_workbook`) so a reader that does not calculate sees the same numbers.

**Printing.** Every sheet prints as a board pack (:func:`print_as_pack`): A4 landscape, fitted to the width
of one page (as many pages down as it needs), its header rows repeated on each page, the plan's name in the
header, the scenario's SHA-256 and "Page 3 of 21" in the footer, the print area the table itself. A sheet of
data or checks for analysts (the Inputs, the flow checks, the reconciliation with published figures) comes
after the pack, hidden so that printing the workbook prints the pack alone (:func:`mark_as_data`); the About
sheet lists every sheet and says which are the pack and which are data (:func:`write_contents`).

openpyxl is imported only when a workbook is written, so importing this module stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from weakref import WeakKeyDictionary

from carebridge.report.excel_totals import Sum, line_formulas, total_formulas
from carebridge.report.numbers import NumberKind
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable, Row
from carebridge.workbooks import cache_formula_values, keep_text

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from carebridge.scenario.schema import Scenario

NUMBER_FORMATS: dict[NumberKind, str] = {
    "money": "#,##0;(#,##0)",
    "activity": "#,##0;(#,##0)",
    "percent": "0.0%",
    "count": "#,##0",
    "ratio": "0.00",
}
SHEET_NAME_LENGTH = 31
FIRST_HEADER_ROW = 4
LABEL_WIDTH = (18, 60)
VALUE_WIDTH = 11
FLAG_FILL = "FDE2E1"
FLAG_FONT = "9C0006"
HEADING_FILL = "EEF2F6"
CHECK_TABLES = ("flow_checks", "reconciliation")
"""Tables a run's workbook keeps with the data, after the pack: checks for analysts (computed = expected,
computed against published figures), not a board's reading."""
DATA_TAB = "A6ADB4"
"""The tab colour of a sheet of data, not in the printed pack."""
HEADER_TEXT = 100
"""The most characters of the plan's name printed in a page header (Excel allows 255 in all)."""
SUBTITLE_LINE = 1.15
"""Characters of a merged, wrapped subtitle per unit of column width, to estimate its lines."""

InputLeaf = tuple[str, str | float | bool, bool]
CellValue = str | float | int | bool | None


class ReportedRun(Protocol):
    """What a workbook reads of a run beside its tables: the scenario (the About and Inputs sheets) and the
    years. :class:`~carebridge.engine.Results` is one; so is a :class:`RunFacts`."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def years(self) -> list[str]: ...


@dataclass(frozen=True)
class RunFacts:
    """The scenario and the years of a run and nothing else: what a second process needs to write the run's
    workbook (:mod:`carebridge.cli.workbook_process`), sent without the run's arrays."""

    scenario: Scenario
    years: list[str]


@dataclass(frozen=True)
class PrintSetup:
    """What every printed page of a workbook says: the plan's name (in the header) and where the numbers come
    from (in the footer, e.g. ``Scenario SHA-256 3f2a9c1b7d4e``)."""

    title: str
    source: str = ""

    @classmethod
    def for_provenance(cls, provenance: Provenance) -> PrintSetup:
        return cls(provenance.scenario_name, f"Scenario SHA-256 {provenance.sha256[:12]}")


def new_workbook() -> Workbook:
    """An empty workbook (its default sheet removed)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


@cache
def _style_part(kind: str, settings: tuple[tuple[str, Any], ...]) -> Any:
    """One openpyxl style object (``Font``, ``Alignment``, ``PatternFill``), made once for each settings:
    building them cell by cell was most of the time a workbook took."""
    from openpyxl import styles

    return getattr(styles, kind)(**dict(settings))


def font(**settings: Any) -> Any:
    """``openpyxl.styles.Font(**settings)``, shared by every cell that uses it."""
    return _style_part("Font", tuple(sorted(settings.items())))


def alignment(**settings: Any) -> Any:
    """``openpyxl.styles.Alignment(**settings)``, shared by every cell that uses it."""
    return _style_part("Alignment", tuple(sorted(settings.items())))


def solid_fill(colour: str) -> Any:
    """A solid ``PatternFill`` of ``colour``, shared by every cell that uses it."""
    return _style_part("PatternFill", (("fgColor", colour), ("patternType", "solid")))


@cache
def _rule_above() -> Any:
    """The thin rule above a total line."""
    from openpyxl.styles import Border, Side

    return Border(top=Side(style="thin"))


_CELL_STYLES: WeakKeyDictionary[Any, dict[tuple[object, ...], Any]] = WeakKeyDictionary()
"""Each workbook's styles of the value cells, by what sets them (number format, bold, flag, rule): the first
cell of a kind is styled through openpyxl, the next ones copy its style record (looking a style up in the
workbook hashes it, field by field, for every cell)."""


def write_cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Put ``value`` in a cell: numbers as numbers, text as text, never a formula
    (:func:`carebridge.workbooks.keep_text`)."""
    cell = sheet.cell(row, column)
    cell.value = value
    return keep_text(cell)


def write_formula(sheet: Worksheet, row: int, column: int, formula: str) -> Cell:
    """Put one of this module's own formulas (a total, ``=SUM(B6:B9)``) in a cell; never user text."""
    cell = sheet.cell(row, column)
    cell.value = formula
    cell.data_type = "f"
    return cell


def save_workbook(workbook: Workbook, path: Path) -> Path:
    """Save ``workbook`` to ``path``, each total formula's value cached in the file (what Excel would show
    before it recalculates, and what a reader that does not calculate sees), and Excel told to recalculate
    on opening. Returns ``path``."""
    workbook.calculation.fullCalcOnLoad = True
    values = formula_values(workbook)
    workbook.save(path)
    cache_formula_values(path, values)
    return path


_REFERENCE = re.compile(r"^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


def formula_values(workbook: Workbook) -> dict[str, dict[str, float]]:
    """``sheet title → cell → value`` of every formula this module writes (``=SUM(...)`` of cells and ranges,
    ``=B6-B7``), computed from the cells they name as a spreadsheet would (blank or text counts 0)."""
    values: dict[str, dict[str, float]] = {}
    for sheet in workbook.worksheets:
        done: dict[str, float] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    _evaluate(sheet, cell.coordinate, done)
        if done:
            values[sheet.title] = done
    return values


def _evaluate(sheet: Worksheet, coordinate: str, done: dict[str, float]) -> float:
    if coordinate in done:
        return done[coordinate]
    value = sheet[coordinate].value
    if sheet[coordinate].data_type != "f":
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
    formula = str(value).removeprefix("=")
    if formula.startswith("SUM(") and formula.endswith(")"):
        total = sum(
            _evaluate(sheet, cell, done) for part in formula[4:-1].split(",") for cell in _cells(part)
        )
    else:
        total = sum(
            -_evaluate(sheet, cell, done) if sign == "-" else _evaluate(sheet, cell, done)
            for sign, cell in re.findall(r"([+-]?)([A-Z]+\d+)", formula)
        )
    done[coordinate] = total
    return total


def _cells(reference: str) -> list[str]:
    """The cells of ``B6`` or ``B6:C9``."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    match = _REFERENCE.match(reference.strip())
    if match is None:
        raise ValueError(f"not a cell or range this module writes: {reference!r}")
    first_column, first_row, last_column, last_row = match.groups()
    columns = range(
        column_index_from_string(first_column), column_index_from_string(last_column or first_column) + 1
    )
    rows = range(int(first_row), int(last_row or first_row) + 1)
    return [f"{get_column_letter(column)}{row}" for column in columns for row in rows]


def sum_formula(terms: Sum, reference: Callable[[int], str]) -> str:
    """``=SUM(B6:B9,B12)`` for the cells at ``terms.plus`` (runs of neighbours as ranges), or ``=B6-B7``;
    ``reference(index)`` is the cell of one index."""
    if terms.minus:
        return (
            "="
            + "+".join(reference(i) for i in terms.plus)
            + "".join(f"-{reference(i)}" for i in terms.minus)
        )
    parts: list[str] = []
    run: list[int] = []
    for index in sorted(terms.plus):
        if run and index != run[-1] + 1:
            parts.append(_run(run, reference))
            run = []
        run.append(index)
    if run:
        parts.append(_run(run, reference))
    return f"=SUM({','.join(parts)})"


def _run(run: list[int], reference: Callable[[int], str]) -> str:
    return reference(run[0]) if len(run) == 1 else f"{reference(run[0])}:{reference(run[-1])}"


def sheet_names(titles: Sequence[str], reserved: Sequence[str] = ()) -> list[str]:
    """Excel sheet names for ``titles``: characters Excel refuses (``[]:*?/\\``) become ``-``, at most 31
    characters, unique (case-insensitively, as Excel compares them) with a ``(2)`` suffix when needed."""
    taken = {name.lower() for name in reserved}
    names = []
    for title in titles:
        base = re.sub(r"[\[\]:*?/\\]", "-", title).strip("'") or "Table"
        name = base[:SHEET_NAME_LENGTH]
        count = 1
        while name.lower() in taken:
            count += 1
            suffix = f" ({count})"
            name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def write_facts(
    sheet: Worksheet,
    title: str,
    facts: Sequence[tuple[str, str]],
    widths: tuple[int, int] = (22, 100),
    setup: PrintSetup | None = None,
) -> None:
    """A sheet of facts (an About sheet): the title in bold, then one fact a row, its name in bold, long
    facts wrapped; printed as a page of the pack."""
    from openpyxl.styles import Alignment, Font

    write_cell(sheet, 1, 1, title).font = Font(bold=True, size=13)
    for row, (name, value) in enumerate(facts, start=3):
        label = write_cell(sheet, row, 1, name)
        label.font, label.alignment = Font(bold=True), Alignment(vertical="top")
        lines = _lines(value, widths[1])
        write_cell(sheet, row, 2, value).alignment = Alignment(wrap_text=lines > 1, vertical="top")
        if lines > 1:
            sheet.row_dimensions[row].height = 15 * lines
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = widths
    print_as_pack(sheet, setup)


def write_records(
    sheet: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[CellValue]],
    setup: PrintSetup | None = None,
) -> None:
    """A header row in bold, then one row per record, panes frozen below the header; printed as a page of
    the pack, the header on every page."""
    from openpyxl.styles import Font

    for column, header in enumerate(headers, start=1):
        write_cell(sheet, 1, column, header).font = Font(bold=True)
    for row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            write_cell(sheet, row, column, value)
    sheet.freeze_panes = "B2"
    print_as_pack(sheet, setup, (1, 1))


def print_as_pack(
    sheet: Worksheet, setup: PrintSetup | None, title_rows: tuple[int, int] | None = None
) -> None:
    """Print ``sheet`` as a page of the board pack: A4 landscape, one page wide (as many down as needed),
    ``title_rows`` (first, last) repeated at the top of every page, the plan's name and the sheet's name in
    the header, the source and "Page 3 of 21" in the footer, the print area the cells written."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.25
    if title_rows is not None:
        sheet.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    sheet.print_area = f"A1:{get_column_letter(max(sheet.max_column, 1))}{max(sheet.max_row, 1)}"
    title = _header_text(setup.title if setup else "")
    sheet.oddHeader.left.text = title
    sheet.oddHeader.right.text = "&A"
    sheet.oddFooter.left.text = _header_text(setup.source if setup else "")
    sheet.oddFooter.right.text = "Page &P of &N"


def _header_text(text: str) -> str:
    """Text for a page header or footer: ``&`` doubled (a single one starts a code), at most
    :data:`HEADER_TEXT` characters."""
    short = text if len(text) <= HEADER_TEXT else text[: HEADER_TEXT - 1] + "…"
    return short.replace("&", "&&")


def mark_as_data(sheet: Worksheet) -> None:
    """Make ``sheet`` data for analysts, kept out of the printed pack: hidden (Excel prints only visible
    sheets; unhide it from any tab's menu), its print area one empty cell right of the data (LibreOffice's
    PDF export, which also exports hidden sheets, then prints nothing of it), its tab grey, listed as such on
    the About sheet (:func:`write_contents`)."""
    from openpyxl.utils import get_column_letter

    sheet.sheet_state = "hidden"
    sheet.print_area = f"{get_column_letter(sheet.max_column + 2)}1"
    sheet.sheet_properties.tabColor = DATA_TAB


def is_data_sheet(sheet: Worksheet) -> bool:
    """Whether ``sheet`` is data for analysts (:func:`mark_as_data`), not in the printed pack."""
    return bool(sheet.sheet_state == "hidden")


def write_contents(sheet: Worksheet, first_row: int, holds: dict[str, str] | None = None) -> None:
    """Under the facts of the About sheet: each sheet of the workbook, what it holds (its title, or
    ``holds[name]``), and whether it is in the printed pack or data for analysts."""
    from openpyxl.styles import Font

    workbook = sheet.parent
    write_cell(sheet, first_row, 1, "Sheets").font = Font(bold=True, size=12)
    note = (
        "The pack prints the sheets that are not hidden. The data sheets are hidden: unhide one from any "
        "tab's menu, and clear its print area (Page Layout, Print Area) to print it."
    )
    write_cell(sheet, first_row, 2, note).font = Font(italic=True, color="555555")
    write_cell(sheet, first_row + 1, 1, "Sheet").font = Font(bold=True)
    write_cell(sheet, first_row + 1, 2, "What it holds").font = Font(bold=True)
    write_cell(sheet, first_row + 1, 3, "Printed").font = Font(bold=True)
    for row, other in enumerate(workbook.worksheets, start=first_row + 2):
        title = other.cell(1, 1).value if other is not sheet else "Provenance and this list"
        title = (holds or {}).get(other.title, title)
        write_cell(sheet, row, 1, other.title)
        write_cell(sheet, row, 2, str(title or ""))
        write_cell(sheet, row, 3, "no: data, hidden" if is_data_sheet(other) else "in the pack")
    sheet.column_dimensions["C"].width = 18
    longest = max(len(other.title) for other in workbook.worksheets) + 2
    sheet.column_dimensions["A"].width = max(sheet.column_dimensions["A"].width or 0, longest)


# ---- formatted tables -------------------------------------------------------------------------------------


def add_table_sheets(
    workbook: Any,
    tables: Sequence[FormattedTable],
    reserved: Sequence[str] = (),
    setup: PrintSetup | None = None,
) -> None:
    """One sheet per formatted table, named from its short title (unique, avoiding ``reserved`` names)."""
    names = sheet_names([table.short_title for table in tables], reserved=reserved)
    for table, name in zip(tables, names, strict=True):
        write_table(workbook.create_sheet(name), table, setup)


def write_table(sheet: Worksheet, table: FormattedTable, setup: PrintSetup | None = None) -> None:
    """Title and unit above, header rows (column groups, then years), then the rows, totals as formulas of
    the cells they add up; panes frozen below the header and right of the labels; printed as a page of the
    pack with the header rows on every page."""
    write_cell(sheet, 1, 1, table.title).font = font(bold=True, size=13)
    write_cell(sheet, 2, 1, table.subtitle).font = font(italic=True, color="555555")
    header_row = FIRST_HEADER_ROW + (1 if table.grouped else 0)
    if table.grouped:
        _write_groups(sheet, table)
    write_cell(sheet, header_row, 1, table.label_header).font = font(bold=True)
    for index, column in enumerate(table.columns, start=2):
        cell = write_cell(sheet, header_row, index, column.header)
        cell.font = font(bold=True)
        cell.alignment = alignment(horizontal="right", wrap_text=True)
    widths = (_label_width(table), _table_width(table))
    for offset, row in enumerate(table.rows, start=1):
        _write_row(sheet, table, header_row + offset, row, widths)
    _write_totals(sheet, table, header_row)
    sheet.freeze_panes = f"B{header_row + 1}"
    _set_widths(sheet, table)
    _wrap_title(sheet, table)
    print_as_pack(sheet, setup, (FIRST_HEADER_ROW, header_row))


def _write_totals(sheet: Worksheet, table: FormattedTable, header_row: int) -> None:
    """Each total cell that adds up cells of the table as ``=SUM(...)`` of those cells (the number it
    replaces is the formula's value, :mod:`carebridge.report.excel_totals`)."""
    from openpyxl.utils import get_column_letter

    def down(column: int) -> Callable[[int], str]:
        return lambda index: f"{get_column_letter(column + 2)}{header_row + 1 + index}"

    def across(row: int) -> Callable[[int], str]:
        return lambda index: f"{get_column_letter(index + 2)}{header_row + 1 + row}"

    for (row, column), terms in total_formulas(table).items():
        write_formula(sheet, header_row + 1 + row, column + 2, sum_formula(terms, down(column)))
    for (row, column), terms in line_formulas(table).items():
        write_formula(sheet, header_row + 1 + row, column + 2, sum_formula(terms, across(row)))


def _write_groups(sheet: Worksheet, table: FormattedTable) -> None:
    """One merged, centred cell per run of columns under the same group."""
    for group, first, span in table.column_groups():
        cell = write_cell(sheet, FIRST_HEADER_ROW, first + 2, group)
        cell.font = font(bold=True)
        cell.alignment = alignment(horizontal="center")
        if span > 1:
            sheet.merge_cells(
                start_row=FIRST_HEADER_ROW,
                start_column=first + 2,
                end_row=FIRST_HEADER_ROW,
                end_column=first + span + 1,
            )


def _write_row(
    sheet: Worksheet, table: FormattedTable, excel_row: int, row: Row, widths: tuple[int, int]
) -> None:
    """A line: bold for totals (with a rule above) and headings (shaded); flagged cells red; a label longer
    than its column wrapped onto a second line. ``widths``: the label column's and the whole table's
    (:func:`_label_width`, :func:`_table_width`), worked out once for the table."""
    label_width, table_width = widths
    bold = row.kind in ("total", "heading")
    label = write_cell(sheet, excel_row, 1, row.label)
    label.font = font(bold=bold, italic=row.kind == "heading")
    if row.kind == "heading":
        for column in range(1, len(table.columns) + 2):
            sheet.cell(excel_row, column).fill = solid_fill(HEADING_FILL)
        if len(table.columns) > 0 and len(row.label) > label_width:
            sheet.merge_cells(
                start_row=excel_row, start_column=1, end_row=excel_row, end_column=len(table.columns) + 1
            )
            label.alignment = alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[excel_row].height = 15 * _lines(row.label, table_width)
        return
    if len(row.label) > label_width:
        label.alignment = alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[excel_row].height = 15 * _lines(row.label, label_width)
    ruled = row.kind == "total"
    styles = _CELL_STYLES.setdefault(sheet.parent, {})
    for index, value in enumerate(row.values):
        cell = write_cell(sheet, excel_row, index + 2, value)
        number_format = NUMBER_FORMATS[table.number_kind(row, index)]
        flagged = row.flagged(index)
        key = (number_format, bold, flagged, ruled)
        known = styles.get(key)
        if known is not None:
            cell._style = copy(known)
            continue
        cell.number_format = number_format
        cell.font = font(bold=bold, color=FLAG_FONT if flagged else None)
        if flagged:
            cell.fill = solid_fill(FLAG_FILL)
        if ruled:
            cell.border = _rule_above()
        styles[key] = copy(cell._style)
    if ruled:
        label.border = _rule_above()


def _label_width(table: FormattedTable) -> int:
    """The width of the label column: the longest label of a line (headings may span the table), within
    :data:`LABEL_WIDTH`."""
    labels = [len(row.label) for row in table.rows if row.kind != "heading"]
    longest = max([len(table.label_header), *labels, 0])
    return min(max(longest + 2, LABEL_WIDTH[0]), LABEL_WIDTH[1])


def _value_width(table: FormattedTable, column: int) -> int:
    """Wide enough for the header and the widest number as printed (``(1,234,567)``, ``-20.1%``)."""
    printed = [
        len(_printed(value, table.number_kind(row, column)))
        for row in table.rows
        if (value := row.values[column]) is not None
    ]
    header = table.columns[column].header
    return max([VALUE_WIDTH, min(len(header), 18) + 2, *(length + 3 for length in printed)])


def _printed(value: float, kind: NumberKind) -> str:
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "ratio":
        return f"{value:.2f}"
    text = f"{abs(value):,.0f}"
    return f"({text})" if value < 0 else text


def _table_width(table: FormattedTable) -> int:
    return _label_width(table) + sum(_value_width(table, column) for column in range(len(table.columns)))


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped in ``width`` units of column width (at least one)."""
    return max(1, -(-len(text) // max(1, int(width * SUBTITLE_LINE))))


def _set_widths(sheet: Worksheet, table: FormattedTable) -> None:
    from openpyxl.utils import get_column_letter

    sheet.column_dimensions["A"].width = _label_width(table)
    for index in range(len(table.columns)):
        sheet.column_dimensions[get_column_letter(index + 2)].width = _value_width(table, index)


def _wrap_title(sheet: Worksheet, table: FormattedTable) -> None:
    """The title and the subtitle merged across the table and wrapped when longer than it, so that no text
    runs past the printed page; the row heights set for the lines they take."""
    from openpyxl.styles import Alignment

    width = _table_width(table)
    last = len(table.columns) + 1
    for row, text, line_height, size in ((1, table.title, 18, 13 / 11), (2, table.subtitle, 15, 1.0)):
        lines = _lines(text, int(width / size))
        if lines > 1 and last > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[row].height = line_height * lines


# ---- the workbook of a run --------------------------------------------------------------------------------


def write_excel(
    results: ReportedRun,
    path: Path,
    provenance: Provenance,
    tables: Sequence[FormattedTable],
    warnings: Sequence[str] = (),
) -> Path:
    """The workbook of a run (the report, an appraisal): an About sheet (provenance and the list of sheets),
    a Warnings sheet when the scenario has ``warnings`` (located, as the command line prints them), one
    sheet per table (the printed pack), then the checks (:data:`CHECK_TABLES`) and an Inputs sheet listing
    every input of the scenario, hidden (data for analysts, not printed). Returns ``path``."""
    setup = PrintSetup.for_provenance(provenance)
    workbook = new_workbook()
    about = workbook.create_sheet("About")
    facts = _about(results, provenance)
    if warnings:
        count = len(warnings)
        facts.append(("Warnings", f"{count} about the scenario, on the {WARNINGS_SHEET} sheet: not errors"))
    write_facts(about, "CareBridge report", facts, setup=setup)
    if warnings:
        _write_warnings(workbook.create_sheet(WARNINGS_SHEET), warnings, setup)
    pack = [table for table in tables if table.id not in CHECK_TABLES]
    checks = [table for table in tables if table.id in CHECK_TABLES]
    add_table_sheets(workbook, [*pack, *checks], reserved=("About", WARNINGS_SHEET, "Inputs"), setup=setup)
    inputs = workbook.create_sheet("Inputs")
    _write_inputs(inputs, results, setup)
    printed = 1 + (1 if warnings else 0) + len(pack)
    for sheet in [*workbook.worksheets[printed:]]:
        mark_as_data(sheet)
    holds = {"Inputs": "Every input of the scenario: its value, from the file or a default"}
    if warnings:
        holds[WARNINGS_SHEET] = "What may be a mistake in the scenario but is not an error, located"
    write_contents(about, len(facts) + 4, holds)
    print_as_pack(about, setup)
    return save_workbook(workbook, path)


def _about(results: ReportedRun, provenance: Provenance) -> list[tuple[str, str]]:
    scenario = results.scenario
    return [
        ("Scenario", provenance.scenario_name),
        ("Description", (scenario.description or "").strip()),
        ("Source", scenario.source or ""),
        ("Scenario file", provenance.scenario_file),
        ("SHA-256 of the file", provenance.sha256),
        ("CareBridge version", provenance.carebridge_version),
        ("Generated at", provenance.generated_at),
        ("Years", f"{results.years[0]} to {results.years[-1]}"),
        ("Signs", "Savings, funding and activity removed are negative, in brackets; money in £'000."),
    ]


WARNINGS_SHEET = "Warnings"


def _write_warnings(sheet: Worksheet, warnings: Sequence[str], setup: PrintSetup) -> None:
    """One row per warning about the scenario, located as the command line prints it, wrapped."""
    from openpyxl.styles import Alignment

    header = "Warning about the scenario (not an error: the plan ran as written)"
    write_records(sheet, [header], [(warning,) for warning in warnings], setup)
    width = 120
    sheet.column_dimensions["A"].width = width
    for row, warning in enumerate(warnings, start=2):
        sheet.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 15 * _lines(warning, width)


def _write_inputs(sheet: Worksheet, results: ReportedRun, setup: PrintSetup) -> None:
    """One row per leaf input: its field path, its value, and whether the file gave it or it is a default."""
    rows = [(path, value, "file" if given else "default") for path, value, given in input_leaves(results)]
    write_records(sheet, ["Input", "Value", "Given"], rows, setup)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 10


def input_leaves(results: ReportedRun) -> list[InputLeaf]:
    """Every leaf of the scenario as ``(field path, value, given in the file)``, e.g.
    ``("pods[0].price.2017/18", 91.9, True)``; an empty list or map is one leaf with an empty value."""
    scenario = results.scenario
    given = {path for path, _ in _leaves(scenario.model_dump(mode="json", exclude_unset=True), "")}
    return [
        (path, value, path in given)
        for path, value in _leaves(scenario.model_dump(mode="json", exclude_none=True), "")
    ]


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str | float | bool]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif isinstance(value, bool | int | float | str):
        yield path, value
    else:
        yield path, ""
