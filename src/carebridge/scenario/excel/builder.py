"""Plain scenario data built up cell by cell, remembering the cell each value came from.

Every value is set at a field path (``('pods', 0, 'price', 'base')``); the builder creates the maps on the
way, records the cell of each path for the source map, and reports a value given twice (a base price on PODs
and a price by year on PODYears) instead of letting the second one win.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from carebridge.scenario.errors import Path, Problem, format_path
from carebridge.scenario.excel.cells import Cell, normalise_path


@dataclass(frozen=True)
class Given:
    """Where a value was given: its cell and the header of its column."""

    cell: Cell
    header: str

    def __str__(self) -> str:
        return f"{self.cell} ({self.header})"


@dataclass
class Builder:
    """The scenario's plain data, the cell of each field path, and the problems found on the way."""

    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[Path, Cell] = field(default_factory=dict)
    problems: list[tuple[Cell | None, Problem]] = field(default_factory=list)
    _leaves: dict[Path, Given] = field(default_factory=dict)

    def problem(self, cell: Cell | None, message: str, path: Path = ()) -> None:
        self.problems.append((cell, Problem(path, message, cell=str(cell) if cell else None)))

    def mark(self, path: Path, cell: Cell) -> None:
        """Record that ``path`` is at ``cell``, unless an earlier cell holds it."""
        self.cells.setdefault(normalise_path(path), cell)

    def get(self, path: Path) -> Any:
        node: Any = self.data
        for part in path:
            if isinstance(node, list):
                if not (isinstance(part, int) and 0 <= part < len(node)):
                    return None
            elif not (isinstance(node, dict) and part in node):
                return None
            node = node[part]
        return node

    def container(self, path: Path, kind: Literal["list", "map"], given: Given) -> Any:
        """The list or map at ``path``, made (with the maps on the way) if it is not there yet; ``None`` if a
        value is already there."""
        found = self.get(path)
        if isinstance(found, list if kind == "list" else dict) and normalise_path(path) not in self._leaves:
            return found
        parent = self._parent_of(path, given)
        if parent is None:
            return None
        if path[-1] in parent:
            self._given_twice(path, given)
            return None
        parent[path[-1]] = [] if kind == "list" else {}
        self.mark(path, given.cell)
        return parent[path[-1]]

    def set(self, path: Path, value: Any, given: Given) -> bool:
        """Set the value at ``path``; report it (and return ``False``) if the path has a value already."""
        parent = self._parent_of(path, given)
        if parent is None:
            return False
        if path[-1] in parent:
            self._given_twice(path, given)
            return False
        parent[path[-1]] = value
        self._leaves[normalise_path(path)] = given
        self.mark(path, given.cell)
        return True

    def _parent_of(self, path: Path, given: Given) -> Any:
        """The map or list holding ``path``'s last part, making the maps on the way."""
        node: Any = self.data
        for depth, part in enumerate(path[:-1]):
            if normalise_path(path[: depth + 1]) in self._leaves:
                self._given_twice(path[: depth + 1], given)
                return None
            if isinstance(node, list) and isinstance(part, int):
                node = node[part]
                continue
            if part not in node:
                node[part] = {}
            node = node[part]
        return node

    def _given_twice(self, path: Path, given: Given) -> None:
        key = normalise_path(path)
        first = self._leaves.get(key) or next(
            (other for at, other in self._leaves.items() if at[: len(key)] == key), None
        )
        where = f": first at {first}, then here" if first else ""
        message = f"{format_path(path)} is given twice{where}; give it once"
        self.problem(given.cell, message)
