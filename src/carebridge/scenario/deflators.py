"""The GDP deflator series an appraisal turns cash into real terms with, read from a small CSV file.

The Green Book values costs and benefits in real terms, "base year prices … the first year of the proposal",
removing general inflation with HM Treasury's *GDP deflators at market prices, and money GDP* (Green Book
2022, section 5 and Annex A6). CareBridge ships that series as ``data/gdp_deflators.csv`` beside this module;
a newer release replaces it by pointing at another file of the same shape (``--deflator FILE`` on
``carebridge appraise``, or ``deflator_file:`` in ``appraisal.yaml``)::

    # source: HM Treasury, GDP deflators at market prices, and money GDP
    # release: March 2024 (Spring Budget 2024)
    # published: 2024-03-12
    year,index
    2016-17,84.8
    2017-18,86.3

Header lines are ``# key: value`` (``source``, ``release`` and ``published`` are shown in the report; any
other key is kept as a note); years are financial years written as HM Treasury writes them (``2016-17``)
or as CareBridge does (``2016/17``); the index is a positive number (any reference year). Every problem is
reported with its file and line.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from functools import cache

from carebridge.scenario.errors import InputError, Problem
from carebridge.scenario.years import YearError, format_year, parse_year

SHIPPED_DEFLATOR = pathlib.Path(__file__).parent / "data" / "gdp_deflators.csv"
"""The series CareBridge ships: HM Treasury's GDP deflators at market prices (see the file's header)."""
MAX_DEFLATOR_BYTES = 1_000_000
"""The largest deflator file read: a century of years is a few kilobytes."""


class DeflatorError(InputError):
    """A GDP deflator file that cannot be used."""

    kind = "GDP deflator file"
    expected = "a CSV file with a header line 'year,index' and one line per financial year"


@dataclass(frozen=True)
class GdpDeflator:
    """A GDP deflator index by financial year (``'2016/17'``), with where it comes from."""

    index: dict[str, float]
    source: str
    release: str = ""
    published: str = ""
    file: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def citation(self) -> str:
        """``HM Treasury, GDP deflators at market prices, and money GDP, March 2024 (Spring Budget 2024),
        published 2024-03-12`` — the words a report prints."""
        parts = [self.source, self.release, f"published {self.published}" if self.published else ""]
        return ", ".join(part for part in parts if part)


def read_deflator(path: str | pathlib.Path) -> GdpDeflator:
    """Read a GDP deflator file; raise :class:`DeflatorError` naming every problem with its file and line."""
    name = str(path)
    try:
        size = pathlib.Path(path).stat().st_size
        if size > MAX_DEFLATOR_BYTES:
            message = f"the file is {size:,} bytes; expected at most {MAX_DEFLATOR_BYTES:,}"
            raise DeflatorError([Problem((), message, file=name)])
        text = pathlib.Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DeflatorError([Problem((), f"cannot read it: {reason}", file=name)]) from None
    return parse_deflator(text, name)


def parse_deflator(text: str, file: str) -> GdpDeflator:
    """The series in ``text`` (the contents of ``file``); see the module's docstring for the shape."""
    facts: dict[str, str] = {}
    notes: list[str] = []
    index: dict[str, float] = {}
    problems: list[Problem] = []
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            if key.strip() in ("source", "release", "published") and value.strip():
                facts[key.strip()] = value.strip()
            elif line[1:].strip():
                notes.append(line[1:].strip())
            continue
        cells = [cell.strip() for cell in line.split(",")]
        if not header_seen:
            header_seen = True
            if [cell.lower() for cell in cells] != ["year", "index"]:
                found = ",".join(cells)
                message = f"expected the header line 'year,index'; found '{found}'"
                problems.append(Problem((), message, file=file, line=number))
            continue
        problems += _row_problems(cells, index, file, number)
    if not header_seen:
        problems.append(Problem((), "no header line 'year,index' and no years", file=file))
    elif not index and not problems:
        problems.append(Problem((), "no years after the header line 'year,index'", file=file))
    if "source" not in facts:
        message = "no '# source: …' line naming where the series comes from (e.g. HM Treasury)"
        problems.append(Problem((), message, file=file, line=1))
    if problems:
        raise DeflatorError(problems)
    return GdpDeflator(
        index, facts["source"], facts.get("release", ""), facts.get("published", ""), file, tuple(notes)
    )


SMALLEST_INDEX = 1e-3
LARGEST_INDEX = 1e6
"""The range of a deflator index: an index of any reference year (100, or 1) is far inside it, and the
ratio of two indices stays far from overflow (an index of 1e300 stopped an appraisal with an overflow)."""


def index_beyond(level: float) -> str | None:
    """What is wrong with a positive deflator index outside its range (``expected …; found …``); ``None``
    when it is within it."""
    if SMALLEST_INDEX <= level <= LARGEST_INDEX:
        return None
    return f"expected an index from {SMALLEST_INDEX:g} to {LARGEST_INDEX:,.0f}; found {level:,.6g}"


def _row_problems(cells: list[str], index: dict[str, float], file: str, number: int) -> list[Problem]:
    """Problems with one ``year,index`` line; a good one is added to ``index``."""
    if len(cells) != 2:
        message = f"expected two values, a year and an index; found {len(cells)}"
        return [Problem((), message, file=file, line=number)]
    label, value = cells
    try:
        year = format_year(parse_year(label.replace("-", "/")))
    except YearError:
        message = f"'{label}' is not a financial year; expected YYYY-YY or YYYY/YY, like 2017-18"
        return [Problem(("year",), message, file=file, line=number)]
    try:
        level = float(value)
    except ValueError:
        return [Problem((year,), f"expected a number; found '{value}'", file=file, line=number)]
    if not level > 0 or level == float("inf"):
        return [Problem((year,), f"expected a positive index; found {value}", file=file, line=number)]
    beyond = index_beyond(level)
    if beyond is not None:
        return [Problem((year,), beyond, file=file, line=number)]
    if year in index:
        return [Problem((year,), "the year is given twice", file=file, line=number)]
    index[year] = level
    return []


@cache
def shipped_deflator() -> GdpDeflator:
    """The series CareBridge ships (:data:`SHIPPED_DEFLATOR`), read once; its file named
    ``gdp_deflators.csv (shipped)``."""
    series = read_deflator(SHIPPED_DEFLATOR)
    return GdpDeflator(
        series.index,
        series.source,
        series.release,
        series.published,
        f"{SHIPPED_DEFLATOR.name} (shipped)",
        series.notes,
    )
