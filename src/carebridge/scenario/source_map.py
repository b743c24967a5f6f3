"""Where each part of an input file is: :class:`SourceMap` gives a problem's field path its line (or, for a
workbook, :class:`carebridge.scenario.excel.WorkbookSourceMap` its sheet and cell). Below both the YAML loader
and the Excel reader, so neither imports the other for it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from carebridge.scenario.errors import PathPart, Problem
from carebridge.scenario.reading import Lines


@dataclass(frozen=True)
class SourceMap:
    """Where each part of an input file is: the file's name and the lines of its maps and lists."""

    file: str
    tree: Lines | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the deepest node of ``path`` that exists in the file.

        A map entry is placed at its key, a list item at the item. The top level itself has no line, so a path
        whose first part is missing gives ``None``.
        """
        node, line = self.tree, None
        for part in path:
            if node is None:
                break
            entries = node.entries
            if isinstance(entries, dict):
                found = _key_in(entries, part)
                if not found:
                    break
                line, node = entries[found[0]]
            elif isinstance(part, int) and 0 <= part < len(entries):
                line, node = entries[part]
            else:
                break
        return line

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems with this file and the line of their path filled in where they have none."""
        return [
            problem.located(problem.file or self.file, problem.line or self.line_of(problem.path))
            for problem in problems
        ]


def _key_in(entries: dict[Any, Any], part: PathPart) -> tuple[Any, ...]:
    """The key of ``entries`` that ``part`` names, as a 1-tuple, or ``()`` when there is none.

    A key is also named by its text, so that the path part ``'2017'`` finds a key written ``2017``.
    """
    if part in entries:
        return (part,)
    return next(((key,) for key in entries if str(key) == str(part)), ())
