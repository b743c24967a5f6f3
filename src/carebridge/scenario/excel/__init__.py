"""Scenarios as Excel workbooks: a template, reading a workbook with errors located by sheet and cell, and
converting between YAML and Excel.

- :mod:`.layout` and :mod:`.sheets`: the sheets, their columns and where each row goes in the scenario;
  :mod:`.programme_sheets` the same for the programme beside it; :mod:`.books` the two kinds of workbook;
- :mod:`.reader` (with :mod:`.grid`, :mod:`.header`, :mod:`.table`, :mod:`.builder`): a workbook → the plain
  data a YAML file gives, and a :class:`~.reader.WorkbookSourceMap` from field paths to cells;
- :mod:`.writer` (with :mod:`.rows`, :mod:`.instructions`): plain data → a workbook, and the blank template;
- :mod:`.convert` and :mod:`.yaml_text`: YAML ⇄ workbook through the checked scenario.

openpyxl is imported only when a workbook is read or written.
"""

from carebridge.scenario.excel.reader import (
    WORKBOOK_SUFFIXES,
    WorkbookSourceMap,
    read_workbook,
    workbook_kind,
)
from carebridge.scenario.excel.writer import write_programme_template, write_template, write_workbook

__all__ = [
    "WORKBOOK_SUFFIXES",
    "WorkbookSourceMap",
    "read_workbook",
    "workbook_kind",
    "write_programme_template",
    "write_template",
    "write_workbook",
]
