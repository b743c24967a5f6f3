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
from carebridge.scenario.excel.layout import Book, Column, Entry, Items, Listed, Part, Series, Sheet


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


def placed(sheet: Sheet, data: Mapping[str, Any], book: Book) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Each item of ``sheet`` in ``data`` with its identity (its parent's ids, then its own id or key)."""
    parents = placed(book.sheet(sheet.parent.sheet), data, book) if sheet.parent else iter([((), data)])
    place = sheet.place
    identity = sheet.identity_column
    for keys, parent in parents:
        if sheet.parent is not None and sheet.parent.by_own_id:
            keys = keys[-1:]
        if isinstance(place, Items):
            for item in get(parent, place.path) or []:
                own = cell_value(identity, get(item, identity.path)) if identity else None
                yield ((*keys, own) if identity else keys), item
        elif isinstance(place, Entry):
            for key, value in (get(parent, place.path) or {}).items():
                if place.inner is None:
                    yield (*keys, key), value
                    continue
                for inner, inner_value in (value or {}).items():
                    yield (*keys, key, inner), inner_value
        elif isinstance(place, Listed):
            for value in get(parent, place.path) or []:
                yield keys, value
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


def sheet_rows(sheet: Sheet, data: Mapping[str, Any], book: Book) -> list[OutRow]:
    """The rows of ``sheet`` for the scenario ``data``."""
    rows = (_row(sheet, identity, item) for identity, item in placed(sheet, data, book))
    return [row for row in rows if row.years is not None or any(v is not None for v in row.cells.values())]


def _row(sheet: Sheet, identity: tuple[Any, ...], item: Any) -> OutRow:
    cells: dict[str, object] = {
        key.header: value for key, value in zip(sheet.key_columns, identity, strict=False)
    }
    place = sheet.place
    if isinstance(place, Series) or (isinstance(place, Entry) and place.value is None and not sheet.columns):
        return OutRow(cells, item)
    if isinstance(place, Entry | Listed) and place.value is not None:
        return OutRow({**cells, place.value.header: cell_value(place.value, item)})
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
