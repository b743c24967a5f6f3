"""Input problems with their place: file, line, field path, what was found and what was expected.

Every loader and checker collects :class:`Problem` objects and raises one :class:`ScenarioError` holding all
of them, so that a user sees every mistake at once. Messages are part of the interface and are tested.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

PathPart = str | int
Path = tuple[PathPart, ...]


def format_path(path: Sequence[PathPart]) -> str:
    """``('schemes', 2, 'effects', 0, 'pod')`` → ``'schemes[2].effects[0].pod'``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(found: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the nearest choice, or ``""`` when none is near."""
    near = difflib.get_close_matches(str(found), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{near[0]}'?" if near else ""


def format_value(value: object) -> str:
    """How a value found in the input is shown in a message.

    >>> [format_value(v) for v in ("abc", 2017, 0.1 + 0.2, True, None, {"a": 1}, [1])]
    ["'abc'", '2017', '0.3', 'true', 'nothing (an empty value)', 'a map', 'a list']
    """
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if value else "empty text ''"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.12g}"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input."""

    path: Path
    message: str
    file: str | None = None
    line: int | None = None
    cell: str | None = None
    """Where in a workbook, ``Sheet!B3``, for a scenario read from Excel (then ``line`` is ``None``)."""

    def located(self, file: str | None, line: int | None) -> Problem:
        return replace(self, file=file, line=line)

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        if self.cell:
            where = f"{where} {self.cell}" if where else self.cell
        field = format_path(self.path)
        head = " ".join(part for part in (where, field) if part)
        return f"{head}: {self.message}" if head else self.message


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the scenario:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])
