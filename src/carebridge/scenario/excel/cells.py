"""Cells of a scenario workbook: where they are, and how their values turn into scenario values and back."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from carebridge.scenario.distributions import is_distribution
from carebridge.scenario.errors import Path, format_value

YEAR_LABEL = re.compile(r"^\d{4}/\d{2}$")
"""A year label as valid plain data has it (:func:`~carebridge.scenario.years.parse_year` checks it fully)."""

EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")


@dataclass(frozen=True, order=True)
class Cell:
    """A cell: the sheet's position in the layout (for ordering), the sheet's name, its row and column."""

    order: int
    sheet: str
    row: int
    column: int

    def __str__(self) -> str:
        return f"{self.sheet}!{column_letter(self.column)}{self.row}"


def column_letter(column: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """``A`` → 1, ``AA`` → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def normalise_path(path: Path) -> Path:
    """A path as the source map keys it: list indices as ints, every other part as text."""
    return tuple(part if isinstance(part, int) and not isinstance(part, bool) else str(part) for part in path)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_problem(value: object) -> str | None:
    """What is wrong with a cell's value whatever its column, or ``None``: a date, or an Excel error."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        shown = value.date().isoformat() if isinstance(value, dt.datetime) else str(value)
        return (
            f"found a date ({shown}); Excel turns text such as 2011/12 into a date: format the cell as Text "
            "and type the value again"
        )
    if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
        return f"the cell shows the error {value.strip()}; expected a value"
    return None


def split_ids(value: object) -> object:
    """Ids separated by commas → a list of ids; any other value is left for the schema to report."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [value]


def join_ids(value: object) -> str:
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def read_value_text(value: object) -> tuple[object, str | None]:
    """A cell of any value: text is read as YAML (``{2019/20: 0.02}``, ``[a, b]``, ``abc``). Returns the
    value and a problem, if the text is not YAML."""
    if not isinstance(value, str):
        return value, None
    try:
        loaded = YAML(typ="safe", pure=True).load(value)
    except YAMLError as error:
        reason = str(getattr(error, "problem", None) or error).strip()
        return (
            None,
            f"{format_value(value)} is not a YAML value ({reason}); expected e.g. 0.5 or {{2019/20: 0.02}}",
        )
    return _plain(loaded), None


def write_value_text(value: object) -> object:
    """How a value of any type is written in a cell: numbers and TRUE/FALSE as they are, the rest as YAML on
    one line, keys in their order and whole numbers without ``.0``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    yaml = YAML(typ="rt")
    yaml.default_flow_style = True
    yaml.width = 1_000_000
    stream = io.StringIO()
    yaml.dump(_whole_numbers(value), stream)
    return stream.getvalue().strip().removesuffix("...").strip()


def _whole_numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return whole_number(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def is_years_value(value: object) -> bool:
    """Whether ``value`` is a value by year: a number (or a word such as ``activity``, or a distribution)
    or a map by year."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | str) or is_distribution(value):
        return True
    return isinstance(value, dict) and all(isinstance(k, str) and YEAR_LABEL.match(k) for k in value)


def read_number_text(value: object) -> object:
    """A number cell's value: text written as a distribution, ``{dist: triangular, low: 1, mode: 2,
    high: 3}``, becomes that distribution; anything else is left for the schema to check."""
    if isinstance(value, str) and value.strip().startswith("{"):
        read, problem = read_value_text(value)
        if problem is None and is_distribution(read):
            return read
    return value


def write_cell(value: object) -> object:
    """A value as a cell holds it: maps and lists (a distribution) as YAML text, the rest as it is."""
    return write_value_text(value) if isinstance(value, dict | list) else value


def whole_number(value: object) -> object:
    """A float with no fraction as an int (Excel keeps every number as a float), anything else as it is."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
