"""Read the rows of one table sheet into the scenario's plain data (see :mod:`.layout` for where rows go).

Each value is set at its field path with the cell it came from, so that every later problem (schema, meaning,
arithmetic) can name the cell. A row that names a parent no other sheet has, a series that is not one of the
sheet's, or a value both for every year and by year is reported here, with its cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carebridge.scenario.errors import Path, PathPart, did_you_mean, format_value
from carebridge.scenario.excel.builder import Builder, Given
from carebridge.scenario.excel.cells import (
    Cell,
    is_blank,
    join_ids,
    read_number_text,
    read_value_text,
    split_ids,
    whole_number,
)
from carebridge.scenario.excel.grid import BAD, Grid
from carebridge.scenario.excel.header import Header
from carebridge.scenario.excel.layout import EVERY_YEAR, Column, Entry, Items, Listed, Part, Series, Sheet

Identity = tuple[str, ...]
Index = dict[str, dict[Identity, Path | None]]
"""For each sheet, the path of each item by its identity: its parent's ids, then its own id. An item whose row
could not be placed (its problem is reported) has ``None``, so that its own parts are not reported again."""


@dataclass(frozen=True)
class Row:
    """One row of a table: its number, its values by column and where they are."""

    number: int
    values: list[object]
    header: Header
    grid: Grid

    def value(self, header: str) -> object:
        """The value under ``header``; ``None`` when blank, the column is absent, or the cell is reported."""
        column = self.header.columns.get(header)
        value = self.at(column) if column else None
        return None if value is BAD or is_blank(value) else value

    def cell(self, header: str) -> Cell | None:
        column = self.header.columns.get(header)
        return self.grid.cell(self.number, column) if column else None

    def given(self, header: str) -> Given:
        return Given(self.cell(header) or self.first, header)

    @property
    def first(self) -> Cell:
        return self.grid.cell(self.number, 1)

    def at(self, column: int) -> object:
        return _at(self.values, column)


def _at(values: list[object], column: int) -> object:
    return values[column - 1] if column <= len(values) else None


def convert(column: Column, value: object, cell: Cell, builder: Builder) -> tuple[object, bool]:
    """The scenario value of a cell of ``column``, and whether it could be read."""
    if column.kind == "integer":
        return read_number_text(whole_number(value)), True
    if column.kind == "number":
        return read_number_text(value), True
    if column.kind == "ids":
        return split_ids(value), True
    if column.kind == "value":
        read, problem = read_value_text(value)
        if problem:
            builder.problem(cell, problem)
        return read, problem is None
    return value, True


class TableReader:
    """Reads the rows of one sheet into the builder, and records its items' identities in the index."""

    def __init__(self, sheet: Sheet, grid: Grid, header: Header, builder: Builder, index: Index):
        self.sheet, self.grid, self.header, self.builder, self.index = sheet, grid, header, builder, index
        self.index.setdefault(sheet.name, {})
        self._parts: dict[Path, Cell] = {}
        self._keys: dict[Path, Cell] = {}

    def read(self) -> None:
        place = self.sheet.place
        if isinstance(place, Items) and place.required and self.sheet.parent is None:
            self.builder.container(place.path, "list", Given(self.grid.cell(1, 1), self.sheet.name))
        self._report_unheaded()
        for number, values in self.grid.data_rows():
            row = Row(number, values, self.header, self.grid)
            if self._has_values(row):
                self._read_row(row)

    def _has_values(self, row: Row) -> bool:
        columns = [*self.header.columns.values(), *(c for c, _ in self.header.years)]
        if self.header.every_year:
            columns.append(self.header.every_year)
        return any(not is_blank(row.at(column)) for column in columns)

    def _report_unheaded(self) -> None:
        for column in self.header.unheaded:
            rows = (number for number, values in self.grid.data_rows() if not is_blank(_at(values, column)))
            number = next(rows, None)
            if number is not None:
                message = (
                    "a value in a column with no header; give the column a header of this sheet, or clear it"
                )
                self.builder.problem(self.grid.cell(number, column), message)

    # --- where the row goes ----------------------------------------------------------------------------

    def _read_row(self, row: Row) -> None:
        parent = self._parent(row)
        if parent is None:
            self._unplaced(row)
            return
        parent_path, identity = parent
        place = self.sheet.place
        if isinstance(place, Items):
            self._item(row, place, parent_path, identity)
        elif isinstance(place, Entry):
            self._entry(row, place, parent_path, identity)
        elif isinstance(place, Part):
            self._part(row, place, parent_path)
        elif isinstance(place, Listed):
            self._listed(row, place, parent_path)
        else:
            self._series(row, place, parent_path)

    def own_id(self, row: Row) -> str | None:
        """The row's own id (its identity column), as the rows of its parts name it."""
        column = self.sheet.identity_column
        value = row.value(column.header) if column else None
        if value is None or column is None:
            return None
        if column.kind == "ids":
            return join_ids(split_ids(value))
        return str(value).strip()

    def _unplaced(self, row: Row) -> None:
        """Remember the identity of a row that could not be placed, so its parts are not reported too."""
        keys = [row.value(column.header) for column in self.sheet.key_columns]
        own = self.own_id(row) if isinstance(self.sheet.place, Items) else None
        identity = tuple(str(value).strip() for value in (*keys, own) if value is not None)
        if own is not None and len(identity) == len(keys) + 1:
            self.index[self.sheet.name].setdefault(identity, None)

    def _parent(self, row: Row) -> tuple[Path, Identity] | None:
        """The path and identity of the item the row belongs to (the scenario's top for a top-level sheet)."""
        if self.sheet.parent is None:
            return (), ()
        identity: list[str] = []
        known = self.index.get(self.sheet.parent.sheet, {})
        for key in self.sheet.parent.keys:
            value = row.value(key.header)
            cell = row.cell(key.header) or row.first
            if value is None:
                self.builder.problem(
                    cell, f"the {key.header} is blank; expected an id on the {key.ids_from} sheet"
                )
                return None
            identity.append(join_ids(split_ids(value)) if key.kind == "ids" else str(value).strip())
            if self.sheet.parent.by_own_id:
                return self._by_own_id(cell, identity[-1], known)
            if not any(found[: len(identity)] == tuple(identity) for found in known):
                self._unknown_parent(cell, identity, known)
                return None
        path = known[tuple(identity)]
        return None if path is None else (path, tuple(identity))

    def _by_own_id(
        self, cell: Cell, own: str, known: dict[Identity, Path | None]
    ) -> tuple[Path, Identity] | None:
        """The parent whose own id (the last of its identity) is ``own``: the first, if two share it."""
        found = next((identity for identity in known if identity[-1:] == (own,)), None)
        if found is None:
            parent = self.sheet.parent.sheet if self.sheet.parent else ""
            choices = sorted({identity[-1] for identity in known if identity})
            message = f"no row of the {parent} sheet has the id '{own}'"
            self.builder.problem(cell, message + did_you_mean(own, choices))
            return None
        path = known[found]
        return None if path is None else (path, found)

    def _unknown_parent(self, cell: Cell, identity: list[str], known: dict[Identity, Path | None]) -> None:
        parent = self.sheet.parent.sheet if self.sheet.parent else ""
        prefix = tuple(identity[:-1])
        choices = sorted({found[len(prefix)] for found in known if found[: len(prefix)] == prefix})
        owner = f" for '{identity[-2]}'" if len(identity) > 1 else ""
        message = f"no row of the {parent} sheet has the id '{identity[-1]}'{owner}"
        self.builder.problem(cell, message + did_you_mean(identity[-1], choices))

    def _item(self, row: Row, place: Items, parent_path: Path, identity: Identity) -> None:
        items = self.builder.container((*parent_path, *place.path), "list", Given(row.first, self.sheet.name))
        if items is None:
            return
        path = (*parent_path, *place.path, len(items))
        items.append({name: [] if kind == "list" else {} for name, kind in place.init})
        self.builder.mark(path, row.first)
        own_id = self.own_id(row)
        if own_id is not None:
            self.index[self.sheet.name].setdefault((*identity, own_id), path)
        self._columns(row, path)
        self._years(row, path)

    def _entry(self, row: Row, place: Entry, parent_path: Path, identity: Identity) -> None:
        found = whole_number(row.value(place.key.header))
        key: PathPart = found if isinstance(found, str | int) and not isinstance(found, bool) else str(found)
        given = row.given(place.key.header)
        if found is None:
            self.builder.problem(given.cell, f"the {place.key.header} is blank; every row needs one")
            return
        at: Path = (*parent_path, *place.path)
        if place.inner is not None:
            inner = self._inner_key(row, place.inner)
            if inner is None or self.builder.container((*at, key), "map", given) is None:
                return
            at, key, given = (*at, key), inner, row.given(place.inner.header)
        entries = self.builder.container(at, "map", given)
        if entries is None:
            return
        path = (*at, key)
        if key in entries:
            first = self._keys.get(path)
            where = f" (first at {first})" if first else ""
            self.builder.problem(given.cell, f"'{key}' is given twice{where}; give it once")
            return
        self._keys[path] = given.cell
        self.index[self.sheet.name].setdefault((*identity, str(key).strip()), path)
        if place.value is not None:
            value = row.given(place.value.header)
            self.builder.mark(path, value.cell)
            self.builder.set(path, read_number_text(row.value(place.value.header)), value)
        elif not self.sheet.columns:
            self.builder.mark(path, given.cell)
            self._years(row, path, relative=())
        else:
            entries[key] = {}
            self.builder.mark(path, given.cell)
            self._columns(row, path)
            self._years(row, path)
            if place.collapse and list(entries[key]) == [place.collapse]:
                entries[key] = entries[key][place.collapse]

    def _inner_key(self, row: Row, inner: Column) -> PathPart | None:
        found = whole_number(row.value(inner.header))
        if found is None:
            self.builder.problem(
                row.given(inner.header).cell, f"the {inner.header} is blank; every row needs one"
            )
            return None
        return str(found).strip()

    def _listed(self, row: Row, place: Listed, parent_path: Path) -> None:
        """The row's text appended to the list of texts at ``place.path``."""
        given = row.given(place.value.header)
        value = row.value(place.value.header)
        if value is None:
            self.builder.problem(given.cell, f"the {place.value.header} is blank; every row needs one")
            return
        items = self.builder.container((*parent_path, *place.path), "list", given)
        if items is None:
            return
        path = (*parent_path, *place.path, len(items))
        self.builder.mark(path, given.cell)
        items.append(convert(place.value, value, given.cell, self.builder)[0])

    def _part(self, row: Row, place: Part, parent_path: Path) -> None:
        path = (*parent_path, *place.path)
        if path in self._parts:
            message = f"a second row for the same {self.sheet.key_columns[0].header} (the first is at "
            self.builder.problem(row.first, message + f"{self._parts[path]}); give one row for each")
            return
        self._parts[path] = row.first
        part = self.builder.container(path, "map", Given(row.first, self.sheet.name))
        if part is None:
            return
        for name, kind in place.init:
            part.setdefault(name, [] if kind == "list" else {})
        self.builder.mark(path, row.first)
        self._columns(row, path)
        self._years(row, path)

    def _series(self, row: Row, place: Series, parent_path: Path) -> None:
        name = row.value(place.column.header)
        cell = row.cell(place.column.header) or row.first
        if name is None or str(name).strip() not in place.paths:
            self._not_a_choice(cell, place.column.header, name, tuple(place.paths))
            return
        self._years(row, parent_path, relative=place.paths[str(name).strip()])

    def _not_a_choice(self, cell: Cell, header: str, found: object, choices: tuple[str, ...]) -> None:
        hint = did_you_mean(str(found), choices) if found is not None else ""
        expected = f"expected one of {', '.join(choices)}"
        self.builder.problem(cell, f"the {header} is {format_value(found)}; {expected}{hint}")

    # --- values -----------------------------------------------------------------------------------------

    def _columns(self, row: Row, path: Path) -> None:
        for column in self.sheet.columns:
            self._column(row, column, path)
        if self.sheet.switch is not None:
            self._switch(row, path)

    def _switch(self, row: Row, path: Path) -> None:
        """The switched columns, in the sub-map of the item that the switch column names."""
        assert self.sheet.switch is not None
        column, columns = self.sheet.switch.column, self.sheet.switch.columns
        selector = row.value(column.header)
        cell = row.cell(column.header) or row.first
        if selector is None:
            given = ", ".join(c.header for c in columns if row.value(c.header) is not None)
            if given:
                expected = f"expected one of {', '.join(column.choices)}"
                message = f"the {column.header} is blank, so {given} cannot be placed; {expected}"
                self.builder.problem(cell, message)
            return
        if str(selector).strip() not in column.choices:
            self._not_a_choice(cell, column.header, selector, column.choices)
            return
        item = self.builder.get(path)
        item[str(selector).strip()] = {}
        for switched in columns:
            self._column(row, switched, (*path, str(selector).strip()))

    def _column(self, row: Row, column: Column, path: Path) -> None:
        cell = row.cell(column.header)
        if cell is None:
            return
        target = (*path, *column.path)
        self.builder.mark(target, cell)
        value = row.value(column.header)
        if value is None:
            return
        converted, ok = convert(column, value, cell, self.builder)
        if ok:
            self.builder.set(target, converted, Given(cell, column.header))

    def _years(self, row: Row, path: Path, relative: Path | None = None) -> None:
        """Set the row's value by year at ``path`` + ``relative`` (by default the sheet's years path): one
        number for every year, or a map by year."""
        years = self.sheet.years
        if years is None:
            return
        if relative is None:
            relative = years.path
            if years.by_column:
                relative = years.by_value.get(str(row.value(years.by_column)).strip(), years.path)
        target = (*path, *relative)
        every_cell = self._every_year_cell(row)
        self.builder.mark(target, every_cell)
        by_year: dict[str, Any] = {}
        for column, label in self.header.years:
            self.builder.mark((*target, label), self.grid.cell(row.number, column))
            value = row.at(column)
            if value is not BAD and not is_blank(value):
                by_year[label] = read_number_text(value)
        every = row.at(self.header.every_year) if self.header.every_year else None
        if every is BAD or is_blank(every):
            if by_year:
                self.builder.set(
                    target, _word_by_year(by_year, years.word_in_years), Given(every_cell, "years")
                )
        elif by_year:
            message = f"a value in '{EVERY_YEAR}' and values by year; give one number for every year, or "
            self.builder.problem(every_cell, message + "values by year, not both")
        else:
            self.builder.set(target, read_number_text(every), Given(every_cell, EVERY_YEAR))

    def _every_year_cell(self, row: Row) -> Cell:
        column = self.header.every_year or (self.header.years[0][0] if self.header.years else None)
        return self.grid.cell(row.number, column) if column else row.first


def _word_by_year(by_year: dict[str, Any], word: str | None) -> object:
    """``by_year``, or ``{word: true, years: [...]}`` when every year given holds ``word`` (a compensating
    payment of the stranded cost in the years of an agreement)."""
    if word is None or not all(isinstance(v, str) and v.strip().lower() == word for v in by_year.values()):
        return by_year
    return {word: True, "years": list(by_year)}
