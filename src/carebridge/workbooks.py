"""The rules of every workbook CareBridge writes or reads: text written stays text, and a workbook read holds
no XML that could expand or reach outside it.

A module of its own, outside the layers, so that every reader and writer may use it: the reports
(:mod:`carebridge.report.excel`), the scenario workbook (:mod:`carebridge.scenario.excel`) and the files of
actuals (:mod:`carebridge.store.actuals_files`). Nothing here imports openpyxl, so importing it stays cheap.

**Writing.** openpyxl turns a string that starts with ``=`` into a formula; a spreadsheet that imports a file
also reads ``+``, ``-``, ``@``, a tab or a carriage return at the start of a cell as the start of a formula. A
scheme name, a POD id or a risk title is user text: written here, it is a string cell, and one that starts
like a formula also gets Excel's quote prefix (shown as typed, never evaluated).

**Reading.** A workbook is a zip of XML parts. Excel never writes a document type declaration in them, so
a part that declares one (``<!DOCTYPE``, with its ``<!ENTITY`` definitions: an entity, an external entity
or an "entity bomb" that expands to gigabytes) is refused before openpyxl parses anything, as is a workbook
whose parts unpack to more than :data:`MAX_UNPACKED_BYTES` (a zip bomb).
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel (or a spreadsheet importing the file) read a cell's text as a formula."""

MAX_UNPACKED_BYTES = 200_000_000
"""The most a workbook read may unpack to: 200 MB (a large plan's workbook unpacks to a few MB)."""

PROLOG_BYTES = 8192
"""How much of each XML part is looked at for a document type declaration (it must come before the root
element, so at the start)."""


def keep_text(cell: Cell) -> Cell:
    """Make ``cell``'s string value a string cell, never a formula (other values are left as they are)."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """``sheet.append(values)``, every text value kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        keep_text(cell)


def unsafe_workbook(path: Path) -> str | None:
    """Why the workbook at ``path`` may not be parsed (a part with a document type declaration, or too much
    to unpack), or ``None`` when it may (also when it is not a zip at all: openpyxl then says so)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_UNPACKED_BYTES:
                return (
                    f"the workbook unpacks to {unpacked / 1e6:,.0f} MB; the largest read is "
                    f"{MAX_UNPACKED_BYTES / 1e6:,.0f} MB"
                )
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as stream:
                        head = _text(stream.read(PROLOG_BYTES))
                    if "<!DOCTYPE" in head or "<!ENTITY" in head:
                        return (
                            f"its part {member.filename} declares XML entities (<!DOCTYPE …>), which Excel "
                            "never writes and which are refused (they can expand without limit or read other "
                            "files); save the workbook again from Excel"
                        )
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error):
        return None
    return None


def _text(head: bytes) -> str:
    """The start of an XML part as text, whether UTF-8 or UTF-16."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    if head[:1] == b"\x00" or head[1:2] == b"\x00":
        return head.decode("utf-16-be" if head[:1] == b"\x00" else "utf-16-le", "replace")
    return head.decode("utf-8", "replace")
