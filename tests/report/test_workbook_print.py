"""Issue 14, print and size: the run's workbook and the delivery pack print as a board pack (A4 landscape,
one page wide, header rows on every page, the plan's name in the header, the scenario's SHA-256 and the page
numbers in the footer), data sheets stay out of the pack, and totals are formulas whose values are the tool's
numbers — recomputed here from the cells they name, and by LibreOffice when it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from carebridge.delivery.pack import PackColumn, PackTable
from carebridge.report.delivery_excel import write_workbook
from carebridge.report.excel import CHECK_TABLES, sheet_names
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable

MONEY_FORMAT = "#,##0;(#,##0)"
PAGES = 25
"""The most pages the Stockport workbook may print (it printed 67 before issue 14)."""
DATA_SHEETS = {"Flow checks", "Reconciliation", "Inputs"}
REFERENCE = re.compile(r"([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?")


@pytest.fixture(scope="module")
def formulas(folder: Path) -> Workbook:
    """The run's workbook as written: formulas, not their cached values."""
    return load_workbook(folder / "report.xlsx")


def table_sheets(tables: dict[str, FormattedTable]) -> dict[str, FormattedTable]:
    """Sheet name → the table it shows (named as the writer names them)."""
    ordered = [t for t in tables.values() if t.id not in CHECK_TABLES]
    ordered += [t for t in tables.values() if t.id in CHECK_TABLES]
    names = sheet_names([t.short_title for t in ordered], reserved=("About", "Inputs"))
    return dict(zip(names, ordered, strict=True))


def header_row(table: FormattedTable) -> int:
    return 5 if table.grouped else 4


def cells(reference: str) -> list[str]:
    match = REFERENCE.fullmatch(reference)
    assert match is not None, reference
    first, top, last, bottom = match.groups()
    columns = range(column_index_from_string(first), column_index_from_string(last or first) + 1)
    return [f"{get_column_letter(c)}{r}" for c in columns for r in range(int(top), int(bottom or top) + 1)]


def recompute(sheet: Worksheet, coordinate: str) -> float:
    """A cell's value as a spreadsheet computes it: a number as it is, blank or text 0, a total from the
    cells it names (``=SUM(B6:B9,B12)``, ``=B6-B7``)."""
    value = sheet[coordinate].value
    if sheet[coordinate].data_type != "f":
        return float(value) if isinstance(value, int | float) else 0.0
    formula = str(value)
    if formula.startswith("=SUM("):
        return sum(recompute(sheet, c) for part in formula[5:-1].split(",") for c in cells(part))
    terms = re.findall(r"([=+-])([A-Z]+[0-9]+)", formula)
    assert "".join(sign + ref for sign, ref in terms) == formula, formula
    return sum(-recompute(sheet, ref) if sign == "-" else recompute(sheet, ref) for sign, ref in terms)


def tool_value(table: FormattedTable, sheet: Worksheet, row: int, column: int) -> float | None:
    """The table's own number behind the cell at ``row``, ``column`` of its sheet."""
    return table.rows[row - header_row(table) - 1].values[column - 2]


def total_cells(book: Workbook, tables: dict[str, FormattedTable]) -> list[tuple[str, str, FormattedTable]]:
    found: list[tuple[str, str, FormattedTable]] = []
    for name, table in table_sheets(tables).items():
        for line in book[name].iter_rows():
            found.extend((name, cell.coordinate, table) for cell in line if cell.data_type == "f")
    return found


# ---- page setup -------------------------------------------------------------------------------------------


def test_every_sheet_prints_as_a_page_of_the_pack(
    formulas: Workbook, tables: dict[str, FormattedTable], provenance: Provenance
) -> None:
    by_sheet = table_sheets(tables)
    for sheet in formulas.worksheets:
        setup = sheet.page_setup
        where = sheet.title
        assert setup.orientation == "landscape", where
        assert str(setup.paperSize) == sheet.PAPERSIZE_A4, where
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
        assert sheet.oddHeader.left.text == provenance.scenario_name, where
        assert sheet.oddHeader.right.text == "&A", where
        assert sheet.oddFooter.left.text == f"Scenario SHA-256 {provenance.sha256[:12]}", where
        assert sheet.oddFooter.right.text == "Page &P of &N", where
        assert sheet.print_area, where
        if where in by_sheet:
            table = by_sheet[where]
            assert sheet.print_title_rows == f"$4:${header_row(table)}", where
            assert sheet.freeze_panes == f"B{header_row(table) + 1}", where
            if where not in DATA_SHEETS:
                last = f"{get_column_letter(len(table.columns) + 1)}{header_row(table) + len(table.rows)}"
                assert sheet.print_area == f"'{where}'!$A$1:${last[0]}${last[1:]}", where


def test_data_and_checks_come_after_the_pack_hidden_and_listed(formulas: Workbook) -> None:
    names = formulas.sheetnames
    hidden = [sheet.title for sheet in formulas.worksheets if sheet.sheet_state == "hidden"]
    assert set(hidden) == DATA_SHEETS
    assert names[-len(hidden) :] == hidden and names[-1] == "Inputs"
    about = formulas["About"]
    listed = {row[0]: row[2] for row in about.iter_rows(values_only=True) if row[0] in names and row[2]}
    assert set(listed) == set(names)
    for name, printed in listed.items():
        assert printed.startswith("no: data") == (name in DATA_SHEETS), name


def test_widths_fit_the_labels_and_the_numbers(formulas: Workbook, tables: dict[str, FormattedTable]) -> None:
    for name, table in table_sheets(tables).items():
        sheet = formulas[name]
        label_width = sheet.column_dimensions["A"].width
        for offset, row in enumerate(table.rows, start=header_row(table) + 1):
            if row.kind != "heading" and len(row.label) + 2 > label_width:
                assert sheet.cell(offset, 1).alignment.wrap_text, (name, row.label)
        for column in range(len(table.columns)):
            width = sheet.column_dimensions[get_column_letter(column + 2)].width
            widest = max((abs(v) for r in table.rows if (v := r.values[column]) is not None), default=0.0)
            assert width >= len(f"({widest:,.0f})") + 1, (name, column)


# ---- totals -----------------------------------------------------------------------------------------------


def test_totals_are_formulas_whose_values_are_the_tools_numbers(
    formulas: Workbook, workbook: Workbook, tables: dict[str, FormattedTable]
) -> None:
    found = total_cells(formulas, tables)
    assert len(found) > 200
    for name, coordinate, table in found:
        sheet = formulas[name]
        cell = sheet[coordinate]
        expected = tool_value(table, sheet, cell.row, cell.column)
        assert expected is not None, (name, coordinate)
        assert recompute(sheet, coordinate) == pytest.approx(expected, abs=1e-6), (
            name,
            coordinate,
            cell.value,
        )
        assert workbook[name][coordinate].value == pytest.approx(expected, abs=1e-6), (name, coordinate)
        assert cell.number_format == table_format(table, cell.row, cell.column)


def table_format(table: FormattedTable, row: int, column: int) -> str:
    from carebridge.report.excel import NUMBER_FORMATS

    line = table.rows[row - header_row(table) - 1]
    return NUMBER_FORMATS[table.number_kind(line, column - 2)]


def test_the_statement_adds_up_in_the_sheet(formulas: Workbook, tables: dict[str, FormattedTable]) -> None:
    sheet = formulas["Statement (tariff)"]
    labels = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    total, funding, net = labels["Total investment"], labels["Total funding"], labels["Total net saving"]
    assert sheet.cell(total, 6).value == f"=SUM(F5:F{total - 1})"
    assert sheet.cell(net, 6).value == f"=SUM(F{total},F{funding})"
    assert sheet.cell(net, 6).number_format == MONEY_FORMAT
    gap = formulas["Do-nothing gap"]
    assert [gap.cell(gap.max_row, column).value for column in (2, 6)] == [
        f"=SUM(B5:B{gap.max_row - 1})",
        f"=SUM(F5:F{gap.max_row - 1})",
    ]
    bridge = formulas["Bridge 2020-21"]
    assert bridge.cell(bridge.max_row, 2).value == f"=SUM(B5:B{bridge.max_row - 1})"


def test_a_total_that_is_no_sum_stays_a_number(formulas: Workbook) -> None:
    sheet = formulas["Cost release by year"]
    cumulative = next(row for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value == "Cumulative")
    assert all(sheet.cell(cumulative, column).data_type == "n" for column in range(2, 10))


# ---- the delivery pack ------------------------------------------------------------------------------------


def test_the_delivery_pack_prints_and_adds_up(tmp_path: Path) -> None:
    table = PackTable(
        "savings",
        "Savings realised by scheme, cost basis (2018/19)",
        "£'000, a saving negative. " * 12,
        (
            PackColumn("Scheme"),
            PackColumn("Planned full year", "money"),
            PackColumn("Realised ÷ planned", "ratio"),
        ),
        [["Acute & Interface", -1200.5, 0.9], ["=Neighbourhood", -800.25, 1.1], ["Total", -2000.75, 0.98]],
        sheet="Savings by scheme",
    )
    about = [
        ("Plan", "June 2017 & business cases"),
        ("Scenario", "Stockport"),
        ("Month", "2018/19-M10 (Jan)"),
    ]
    path = write_workbook(tmp_path / "pack.xlsx", about, [table])
    book = load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.oddHeader.left.text == "Delivery pack: June 2017 && business cases — 2018/19-M10 (Jan)"
        assert sheet.oddFooter.right.text == "Page &P of &N"
    sheet = book["Savings by scheme"]
    assert sheet.print_title_rows == "$4:$4" and sheet.freeze_panes == "B5"
    assert sheet["B7"].value == "=SUM(B5:B6)" and sheet["B7"].number_format == MONEY_FORMAT
    assert sheet["C7"].value == pytest.approx(0.98)
    assert sheet["A6"].value == "=Neighbourhood" and sheet["A6"].data_type == "s"
    assert "A2:C2" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert load_workbook(path, data_only=True)["Savings by scheme"]["B7"].value == pytest.approx(-2000.75)


# ---- LibreOffice: pages and recalculation -----------------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc to run this test"
        )
    return found


def convert(source: Path, kind: str, out: Path) -> Path:
    """``source`` converted by LibreOffice headless to ``kind`` (pdf, xlsx) in ``out``."""
    profile = out / "profile"
    done = subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            kind,
            "--outdir",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    converted = out / f"{source.stem}.{kind}"
    assert converted.exists(), done.stderr
    return converted


def pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))


@pytest.mark.slow
def test_the_stockport_workbook_prints_in_at_most_25_pages(folder: Path, tmp_path: Path) -> None:
    pdf = convert(folder / "report.xlsx", "pdf", tmp_path)
    assert 0 < pages(pdf) <= PAGES


@pytest.mark.slow
def test_libreoffice_computes_the_totals_to_the_tools_numbers(
    folder: Path, tables: dict[str, FormattedTable], tmp_path: Path
) -> None:
    book = load_workbook(folder / "report.xlsx")
    found = total_cells(book, tables)
    for sheet in book.worksheets:
        sheet.sheet_state = "visible"
    book.save(tmp_path / "uncached.xlsx")  # openpyxl drops the cached values: LibreOffice must compute them
    computed = load_workbook(convert(tmp_path / "uncached.xlsx", "xlsx", tmp_path / "out"), data_only=True)
    for name, coordinate, table in found:
        cell = book[name][coordinate]
        expected = tool_value(table, book[name], cell.row, cell.column)
        assert computed[name][coordinate].value == pytest.approx(expected, abs=1e-6), (name, coordinate)
