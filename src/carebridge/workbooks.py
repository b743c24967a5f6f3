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

**Cached values.** openpyxl writes a formula with no value; a reader that does not calculate (pandas, a
preview, openpyxl with ``data_only``) then sees an empty cell. :func:`cache_formula_values` writes each
formula's value into a workbook just saved, as Excel does.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from xml.etree import ElementTree

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


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def cache_formula_values(path: Path, values: Mapping[str, Mapping[str, float]]) -> None:
    """Write ``values`` (sheet title → cell such as ``B9`` → number) as the cached values of the formula
    cells of the workbook at ``path``, which openpyxl has just written (each formula followed by an empty
    ``<v/>``). Cells that are not formulas are left alone; the file is replaced in one step."""
    if not values:
        return
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        members = [(member, archive.read(member.filename)) for member in archive.infolist()]
    bodies = {member.filename: body for member, body in members}
    patched: dict[str, bytes] = {}
    for title, cells in values.items():
        part = parts.get(title)
        if part is not None and part in bodies and cells:
            patched[part] = _cache(bodies[part].decode("utf-8"), cells).encode("utf-8")
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".xlsx", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
            for member, body in members:
                out.writestr(member, patched.get(member.filename, body))
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → the name of its XML part in the archive."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    links = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {link.get("Id"): str(link.get("Target")) for link in links.iter(f"{_PACKAGE}Relationship")}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_RELATIONSHIPS}id"))
        if target is not None:
            part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            parts[str(sheet.get("name"))] = part
    return parts


_FORMULA_CELL = re.compile(r'(<c r="([A-Z]+[0-9]+)"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)')


def _cache(xml: str, cells: Mapping[str, float]) -> str:
    def value(match: re.Match[str]) -> str:
        number = cells.get(match.group(2))
        if number is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(3)}<v>{float(number)!r}</v>"

    return _FORMULA_CELL.sub(value, xml)
