"""The rows each sheet holds for a scenario's plain data: the reverse of :mod:`.table`.

:func:`sheet_rows` walks the data the way :class:`~.table.TableReader` builds it, so that a scenario written
to a workbook and read back is the same scenario.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from carebridge.scenario.errors import Path
from carebridge.scenario.excel.cells import is_years_value, join_ids, write_value_text
from carebridge.scenario.excel.layout import Column, Entry, Items, Part, Series, Sheet
from carebridge.scenario.excel.sheets import SHEETS

_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


@dataclass(frozen=True)
class OutRow:
    """A row to write: a cell value by header, and the value by year (a number, a word or a map by year)."""

    cells: dict[str, object]
    years: object = None


def get(item: Any, path: Path) -> Any:
    """The value at ``path`` in nested maps, or ``None`` when any part is missing."""
    for part in path:
        if not isinstance(item, Mapping) or part not in item:
            return None
        item = item[part]
    return item


def cell_value(column: Column, value: Any) -> object:
    """How a scenario value is written in a cell of ``column``."""
    if value is None:
        return None
    if column.kind == "ids":
        return join_ids(value)
    if column.kind == "value":
        return write_value_text(value)
    return value


def placed(sheet: Sheet, data: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Each item of ``sheet`` in ``data`` with its identity (its parent's ids, then its own id or key)."""
    parents = placed(_BY_NAME[sheet.parent.sheet], data) if sheet.parent else iter([((), data)])
    place = sheet.place
    for keys, parent in parents:
        if isinstance(place, Items):
            for item in get(parent, place.path) or []:
                yield ((*keys, item.get("id")) if sheet.id_header else keys), item
        elif isinstance(place, Entry):
            for key, value in (get(parent, place.path) or {}).items():
                yield (*keys, key), value
        elif isinstance(place, Part):
            part = get(parent, place.path)
            if part is not None:
                yield keys, part
        else:
            yield from _series(place, keys, parent)


def _series(place: Series, keys: tuple[Any, ...], parent: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for name, path in place.paths.items():
        value = get(parent, path)
        if value is not None and is_years_value(value):
            yield (*keys, name), value


def sheet_rows(sheet: Sheet, data: Mapping[str, Any]) -> list[OutRow]:
    """The rows of ``sheet`` for the scenario ``data``."""
    return [_row(sheet, identity, item) for identity, item in placed(sheet, data)]


def _row(sheet: Sheet, identity: tuple[Any, ...], item: Any) -> OutRow:
    cells: dict[str, object] = {
        key.header: value for key, value in zip(sheet.key_columns, identity, strict=False)
    }
    place = sheet.place
    if isinstance(place, Series) or (isinstance(place, Entry) and place.value is None and not sheet.columns):
        return OutRow(cells, item)
    if isinstance(place, Entry) and place.value is not None:
        return OutRow({**cells, place.value.header: item})
    if (
        isinstance(place, Entry)
        and place.collapse
        and not (isinstance(item, Mapping) and place.collapse in item)
    ):
        item = {place.collapse: item}
    for column in sheet.columns:
        cells[column.header] = cell_value(column, get(item, column.path))
    if sheet.switch is not None:
        selector = next(
            (name for name in sheet.switch.column.choices if isinstance(item.get(name), Mapping)), None
        )
        cells[sheet.switch.column.header] = selector
        for column in sheet.switch.columns:
            cells[column.header] = cell_value(
                column, get(item, (selector, *column.path)) if selector else None
            )
    return OutRow(cells, _years(sheet, item))


def _years(sheet: Sheet, item: Any) -> object:
    if sheet.years is None:
        return None
    path = sheet.years.path
    if sheet.years.by_column:
        path = sheet.years.by_value.get(str(item.get(sheet.years.by_column)), path)
    value = get(item, path)
    word = sheet.years.word_in_years
    if word is not None and isinstance(value, Mapping) and value.get(word) is True:
        years = value.get("years")
        return word if years is None else dict.fromkeys(years, word)
    return value
