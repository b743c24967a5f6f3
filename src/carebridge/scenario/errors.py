"""Input problems with their place: file, line, field path, what was found and what was expected.

Every loader and checker collects :class:`Problem` objects and raises one :class:`InputError` holding all of
them, so that a user sees every mistake at once. Each kind of file has its own subclass, whose message names
the kind (``3 problems in the risk register:``): :class:`ScenarioError` for scenarios, and one for each
register and parameter file the tool reads. Messages are part of the interface and are tested.

A value found in the input is shown at most :data:`MAX_SHOWN_CHARACTERS` long (the middle elided), and a
message at most :data:`MAX_MESSAGE_CHARACTERS`, so that a pasted megabyte never becomes megabytes of
messages; an error shows at most :data:`MAX_SHOWN_PROBLEMS` problems and says how many more there are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

PathPart = str | int
Path = tuple[PathPart, ...]

MAX_SHOWN_CHARACTERS = 80
"""The longest value (text, a key, a path part) shown in a message; a longer one is elided in the middle."""

MAX_MESSAGE_CHARACTERS = 1000
"""The longest message of one problem; the middle of a longer one is elided."""

MAX_SHOWN_PROBLEMS = 200
"""The most problems an error lists; it says how many more it found."""

_NEAR_LENGTH = 100
"""No did-you-mean is looked for a found text longer than this: nothing that long is a near miss."""


def shorten(text: str, limit: int = MAX_SHOWN_CHARACTERS) -> str:
    """``text`` with its middle elided when it is longer than ``limit``, saying how long it was.

    >>> shorten("a" * 1000, 30)
    'aaaaaaaaaaaaa…aaaaaa (1,000 characters)'
    """
    if len(text) <= limit:
        return text
    tail = max(limit // 5, 1)
    head = max(limit - tail - 11, 1)
    return f"{text[:head]}…{text[-tail:]} ({len(text):,} characters)"


def format_path(path: Sequence[PathPart]) -> str:
    """``('schemes', 2, 'effects', 0, 'pod')`` → ``'schemes[2].effects[0].pod'``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = shorten(str(part))
            out += f".{text}" if out else text
    return out


def did_you_mean(found: str, choices: Iterable[str]) -> str:
    """Return ``"; did you mean 'x'?"`` for the nearest choice, or ``""`` when none is near.

    A choice is near when it shares most of its characters with ``found`` in order (difflib's ratio of at
    least 0.6) and at least two of them, so that a one-letter id is not offered for any text containing
    that letter.

    >>> did_you_mean("neighbourhod", ["neighbourhood", "acute"])
    "; did you mean 'neighbourhood'?"
    >>> did_you_mean("гg", ["g", "ae"])
    ''
    """
    text = str(found)
    if len(text) > _NEAR_LENGTH:
        return ""
    near = [
        choice
        for choice in difflib.get_close_matches(text, [str(c) for c in choices], n=3, cutoff=0.6)
        if _shared(text, choice) >= 2
    ]
    return f"; did you mean '{shorten(near[0])}'?" if near else ""


def _shared(found: str, choice: str) -> int:
    """How many characters ``found`` and ``choice`` have in common, in order."""
    matcher = difflib.SequenceMatcher(None, found, choice)
    return sum(block.size for block in matcher.get_matching_blocks())


def id_example(found: str) -> str:
    """An id like ``found`` that follows the id rule (lower-case letters, digits and underscores, starting
    with a letter), or ``""`` when the rule leaves too little of ``found`` for the example to be like it.

    >>> [id_example(text) for text in ("A&E attendances", "2017 cohort", "гg", "Ωmega")]
    ['a_e_attendances', 'id_2017_cohort', '', 'mega']
    """
    example = re.sub(r"[^a-z0-9]+", "_", found.lower()).strip("_")
    if not example or not example[0].isalpha():
        example = f"id_{example}".rstrip("_")
    kept = sum(character.isascii() and character.isalnum() for character in found)
    letters = sum(character.isalnum() for character in found)
    return shorten(example) if kept * 2 > letters else ""


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
        return f"'{shorten(value)}'" if value else "empty text ''"
    if isinstance(value, int):
        return (
            str(value)
            if abs(value) < 10**MAX_SHOWN_CHARACTERS
            else f"a number of {len(str(abs(value))):,} digits"
        )
    if isinstance(value, float):
        return f"{value:.12g}"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list | tuple):
        return "a list"
    return shorten(repr(value))


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
        message = shorten(_LONG_RUN.sub(_shorten_run, self.message), MAX_MESSAGE_CHARACTERS)
        return f"{head}: {message}" if head else message


_LONG_RUN = re.compile(r"[^\s'\"]{200,}")
"""A run of text without spaces too long for any word or id: a pasted value, shown shortened."""


def _shorten_run(match: re.Match[str]) -> str:
    return shorten(match.group(0))


class InputError(Exception):
    """An input file that cannot be used, with every problem found. Each kind of file has a subclass."""

    kind: ClassVar[str] = "input"
    """What the file is, for the head of the message: ``3 problems in the <kind>:``."""
    expected: ClassVar[str] = "a map"
    """What the top level of the file should be, for a file that is not a map."""
    document: ClassVar[str] = ""
    """What the file should be, for a file that cannot be read (``expected`` when empty)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the {self.kind}:"
        shown = [f"  - {p}" for p in self.problems[:MAX_SHOWN_PROBLEMS]]
        if count > MAX_SHOWN_PROBLEMS:
            shown.append(f"  … and {count - MAX_SHOWN_PROBLEMS:,} more")
        return "\n".join([head, *shown])


class ScenarioError(InputError):
    """A scenario that cannot be used, with every problem found."""

    kind = "scenario"
    expected = "a scenario map with format_version, name, base_year, end_year, organisations and pods"
    document = "a scenario file"


class RiskRegisterError(InputError):
    """A risk register that cannot be used."""

    kind = "risk register"
    expected = "a risk register with name, bands and risks"


class TargetRegisterError(InputError):
    """A target register that cannot be used."""

    kind = "target register"
    expected = "a target register with name and targets"


class PoolError(InputError):
    """A pooled budget's definition that cannot be used."""

    kind = "pool definition"
    expected = "a pool with name, year, cohort, service_areas and lines"


class AppraisalParametersError(InputError):
    """Appraisal parameters (``appraisal.yaml``) that cannot be used."""

    kind = "appraisal parameters"
    expected = "appraisal parameters (discount_rates, …)"


class CandidatesError(InputError):
    """A candidates file (``candidates.yaml``) that cannot be used."""

    kind = "candidates file"
    expected = "a candidates file with name, envelope and candidates"
