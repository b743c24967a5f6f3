"""The shapes a scenario workbook is built from: columns, where a sheet's rows go, and values by year.

A sheet is a table with one header row. Each row is placed in the scenario's plain data (the same dicts and
lists a YAML file gives) by its :data:`Place`:

- :class:`Items`: an item of a list (organisations, PODs, a scheme's effects, …);
- :class:`Entry`: an entry of a map keyed by a column (a POD's providers, the do-nothing gaps, parameters, …);
- :class:`Part`: the one map of its parent that the row fills in (an organisation's finance, a phasing);
- :class:`Series`: one value by year of its parent, chosen by name (a POD's ``trajectory``, ``growth``, …);
- :class:`Listed`: one text of a list of texts (a workstream's success measures).

A sheet with a ``parent`` starts with key columns naming the parent item (``org``, ``pod``, ``scheme``); the
parent is found by those ids on the parent sheet. A sheet with ``years`` ends with an ``every year`` column
(one number for every year) and one column per financial year, ``YYYY/YY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from pydantic import BaseModel

from carebridge.scenario.errors import Path

ColumnKind = Literal["text", "year", "label", "number", "integer", "flag", "ids", "value"]
"""What a column holds: text; a year written as text; text Excel must not turn into a date (an age band
``5-9``, a month ``2016/17-M07``), written as text; a number; a whole number; TRUE or FALSE; ids separated
by commas; any value (a number, or text read as YAML: ``{2019/20: 0.02}``)."""

EVERY_YEAR = "every year"
"""Header of the column holding one number for every year."""


@dataclass(frozen=True)
class Column:
    """A column: its header, where its value goes in the row's item, and what it holds."""

    header: str
    path: Path = ()
    kind: ColumnKind = "text"
    about: str = ""
    """What the column holds; empty to take the schema field's description."""
    choices: tuple[str, ...] = ()
    """The words allowed (a drop-down list)."""
    ids_from: str | None = None
    """The sheet whose ids the column names (a drop-down list of them)."""


@dataclass(frozen=True)
class Items:
    """The row is an item of the list at ``path`` in the parent item (or the scenario)."""

    path: Path
    required: bool = False
    """The list is given (perhaps empty) whenever the sheet is there: a required section of the scenario."""
    init: tuple[tuple[str, Literal["list", "map"]], ...] = ()
    """Fields each new item starts with, empty: required collections that other sheets fill in."""
    identity: str = "id"
    """The header of the column that names the item to the sheets of its parts (``id``; a Staffing row's
    ``element``, a cohort overlap's ``cohorts``)."""


@dataclass(frozen=True)
class Entry:
    """The row is the entry, keyed by ``key``, of the map at ``path`` in the parent item (or the scenario)."""

    path: Path
    key: Column
    value: Column | None = None
    """The column whose value is the entry itself (a share, a rate); otherwise the entry is a map, or, for a
    sheet with years, the value by year."""
    collapse: str | None = None
    """A field that, alone in the entry, stands for it: a parameter with only a ``value`` is that value."""
    inner: Column | None = None
    """A second key: the entry is in the map keyed by ``key``, then by ``inner`` (people by sex, then by age
    band)."""


@dataclass(frozen=True)
class Part:
    """The row fills in the map at ``path`` in its parent item; one row per parent."""

    path: Path
    init: tuple[tuple[str, Literal["list", "map"]], ...] = ()


@dataclass(frozen=True)
class Series:
    """The row gives the value by year of its parent named in column ``column`` (one of ``paths``)."""

    column: Column
    paths: dict[str, Path]


@dataclass(frozen=True)
class Listed:
    """The row's value in column ``value`` is an item of the list of texts at ``path`` in its parent."""

    path: Path
    value: Column


Place: TypeAlias = Items | Entry | Part | Series | Listed


@dataclass(frozen=True)
class Years:
    """Where a row's value by year goes in its item: ``path``, or by the row's ``by_column`` value."""

    path: Path = ()
    about: str = ""
    by_column: str | None = None
    by_value: dict[str, Path] = field(default_factory=dict)
    word_in_years: str | None = None
    """A word a row may write in the cells of some years instead of numbers (a contract's ``stranded``): the
    value is then ``{<word>: true, years: [those years]}``; in ``every year``, the word itself."""


@dataclass(frozen=True)
class Switch:
    """A column naming which sub-map of the item the ``columns`` go in (a published figure's selector)."""

    column: Column
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Parent:
    """The sheet whose item a row belongs to, named by the ids in ``keys`` (that sheet's identity)."""

    sheet: str
    keys: tuple[Column, ...]
    by_own_id: bool = False
    """The parent is named by its own id alone (one key column), its ids being unique across its sheet: a
    Milestones row names its workstream, not the workstream's objective and programme too."""


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook."""

    name: str
    about: str
    place: Place
    columns: tuple[Column, ...] = ()
    parent: Parent | None = None
    years: Years | None = None
    switch: Switch | None = None
    model: type[BaseModel] | None = None
    """The schema model of the row's item, whose field descriptions document the columns."""

    @property
    def key_columns(self) -> tuple[Column, ...]:
        """The columns that say where the row goes: the parent's ids, then the entry key or series name."""
        keys = self.parent.keys if self.parent else ()
        if isinstance(self.place, Entry):
            inner = (self.place.inner,) if self.place.inner else ()
            return (*keys, self.place.key, *inner)
        if isinstance(self.place, Series):
            return (*keys, self.place.column)
        return keys

    @property
    def value_columns(self) -> tuple[Column, ...]:
        """The columns that hold the item's own values, in sheet order."""
        value = self.place.value if isinstance(self.place, Entry | Listed) else None
        switched = (self.switch.column, *self.switch.columns) if self.switch else ()
        return (*((value,) if value else ()), *self.columns, *switched)

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.key_columns, *self.value_columns)

    @property
    def id_header(self) -> str | None:
        """The header of the column that identifies an item of this sheet to other sheets."""
        if isinstance(self.place, Entry):
            return self.place.key.header
        if isinstance(self.place, Items) and any(c.header == self.place.identity for c in self.columns):
            return self.place.identity
        return None

    @property
    def identity_column(self) -> Column | None:
        """The column of :attr:`id_header` among the item's own columns."""
        return next((column for column in self.columns if column.header == self.id_header), None)


@dataclass(frozen=True)
class FieldsSheet:
    """A sheet of single fields, one per row: ``field``, ``value`` and ``about`` columns."""

    name: str
    about: str
    fields: tuple[Column, ...]
    """Each field's header is the name in the ``field`` column and its path is from the scenario's top."""
    model: type[BaseModel] | None = None
    """The schema model of the file's top, whose field descriptions document the fields."""


@dataclass(frozen=True)
class Book:
    """A kind of workbook: its sheet of single fields, its table sheets (parents before children), the
    sheets it needs, and the title of its Instructions sheet."""

    title: str
    kind: str
    """What the workbook holds, in words: ``scenario``, ``programme``."""
    fields: FieldsSheet
    sheets: tuple[Sheet, ...]
    required: tuple[str, ...]
    guidance: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """The Instructions sheet's sections: a heading and its paragraphs."""
    instructions: str = "Instructions"
    template: str = "carebridge template"
    """The command that writes a blank workbook of this kind."""

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (self.fields.name, *(sheet.name for sheet in self.sheets))

    def sheet(self, name: str) -> Sheet:
        return next(sheet for sheet in self.sheets if sheet.name == name)
