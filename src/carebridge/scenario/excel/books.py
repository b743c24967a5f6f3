"""The kinds of workbook CareBridge reads and writes: the scenario (:mod:`.sheets`) and the programme
beside it (:mod:`.programme_sheets`), each a :class:`~.layout.Book` of sheets."""

from __future__ import annotations

from carebridge.scenario.excel.instructions import GUIDANCE, TITLE
from carebridge.scenario.excel.layout import Book
from carebridge.scenario.excel.programme_sheets import (
    PROGRAMME,
    PROGRAMME_GUIDANCE,
    PROGRAMME_SHEETS,
    PROGRAMME_TITLE,
)
from carebridge.scenario.excel.sheets import REQUIRED_SHEETS, SCENARIO, SHEETS

SCENARIO_BOOK = Book(TITLE, "scenario", SCENARIO, SHEETS, REQUIRED_SHEETS, GUIDANCE)
PROGRAMME_BOOK = Book(
    PROGRAMME_TITLE,
    "programme",
    PROGRAMME,
    PROGRAMME_SHEETS,
    (PROGRAMME.name,),
    PROGRAMME_GUIDANCE,
    template="carebridge template --programme",
)
