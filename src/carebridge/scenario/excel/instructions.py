"""The Instructions sheet: how to fill in a scenario workbook, the conventions, and what each sheet holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from carebridge.scenario.excel.layout import EVERY_YEAR, Book
from carebridge.scenario.excel.sheets import REQUIRED_SHEETS

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

TITLE = "CareBridge scenario workbook"

GUIDANCE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "What this is",
        (
            "This workbook is a CareBridge scenario, the same as a scenario.yaml file: "
            "`carebridge validate FILE.xlsx` checks it and lists every problem with its sheet and cell "
            "(e.g. Effects!C4); `carebridge run FILE.xlsx` runs it; `carebridge convert FILE.xlsx "
            "scenario.yaml` turns it into YAML (docs/scenario-format.md documents every field).",
            f"The {', '.join(REQUIRED_SHEETS[:-1])} and {REQUIRED_SHEETS[-1]} sheets are needed; the other "
            "sheets may be left empty. "
            "Sheets with other names are ignored, so you may add your own workings.",
        ),
    ),
    (
        "How to fill it in",
        (
            "Each sheet is a table: the first row is the header (keep the headers as they are); "
            "one row per item below it. Hover over a header to read what the column holds and its "
            "default.",
            "A blank cell takes the default. The Scenario sheet has one field per row: fill in the value "
            "column.",
            "Ids are lower-case letters, digits and underscores, starting with a letter: ae, nel, ccg, "
            "top15.",
            "A sheet of parts of an item starts with the id of the item they belong to: an Effects row names "
            "its scheme, a Providers row its POD, an ExpenditureYears row its organisation and category. "
            "Rows of one item are read in order (the order of a scheme's effects).",
            "Drop-down lists offer the words a column allows and the ids of the other sheets "
            "(other, system and all may also be typed).",
            "Several ids in one cell are separated by commas: sft, ccg.",
            "Files the scenario names (the population file on Demography, benchmark files) are found from "
            "the workbook's folder: keep them beside it or below it.",
            "Formulas are fine: CareBridge reads the values Excel computed when the workbook was saved.",
        ),
    ),
    (
        "Years",
        (
            "Financial years run from 1 April to 31 March and are written YYYY/YY as text: 2017/18. "
            "Format a cell as Text before typing a year, so that Excel does not turn it into a date.",
            f"Values by year run across: one number in the '{EVERY_YEAR}' column means the same every "
            "year; otherwise fill the year columns (not both). Add a year by adding a column headed like "
            "2026/27.",
            "Years left blank are filled: a recurrent value (savings, investment, gaps, fractions) is 0 "
            "before the first year given and held from each year given; one-off amounts (non-recurrent "
            "investment, "
            "one-off funding, capital) are 0 in years left blank; a price holds backwards too.",
        ),
    ),
    (
        "Units and signs",
        (
            "Money is in £'000; unit prices in £; activity in the POD's unit; fractions as decimals "
            "(0.02 = 2%).",
            "Effects, funding and investment are written as positive amounts: a fraction of 0.2 removes 20%, "
            "a saving of 700 saves £700k, funding of 5,294 funds £5,294k.",
            "Position lines (do-nothing gaps and plan lines) are written as the sources print them: a "
            "deficit or a cost positive, a saving negative.",
        ),
    ),
)


def write_instructions(worksheet: Worksheet, book: Book) -> None:
    """Fill ``worksheet`` with the book's title, its guidance and the list of its sheets."""
    from openpyxl.styles import Alignment, Font

    worksheet.append([book.title])
    worksheet.cell(1, 1).font = Font(bold=True, size=14)
    for heading, paragraphs in book.guidance:
        worksheet.append([])
        worksheet.append([heading])
        worksheet.cell(worksheet.max_row, 1).font = Font(bold=True)
        for paragraph in paragraphs:
            worksheet.append([None, paragraph])
    worksheet.append([])
    worksheet.append(["The sheets"])
    worksheet.cell(worksheet.max_row, 1).font = Font(bold=True)
    for sheet_name, about in [
        (book.fields.name, book.fields.about),
        *((sheet.name, sheet.about) for sheet in book.sheets),
    ]:
        worksheet.append([sheet_name, about])
    for row in worksheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    worksheet.column_dimensions["A"].width = 20
    worksheet.column_dimensions["B"].width = 110
