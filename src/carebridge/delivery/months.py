"""Financial months, written ``YYYY/YY-Mnn``: month 1 is April and month 12 is March.

``2018/19-M06`` is September 2018. Monitoring counts year to date from month 1 of the financial year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from carebridge.scenario.years import YearError, format_year, parse_year

MONTHS_IN_YEAR = 12
CALENDAR_NAMES = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
_MONTH = re.compile(r"^(\d{4}/\d{2})-M(\d{2})$")
_PERIOD = re.compile(r"^M(\d{2})$")


class MonthError(ValueError):
    """A month label that is not ``YYYY/YY-Mnn`` with nn from 01 to 12."""


@total_ordering
@dataclass(frozen=True)
class Month:
    """A financial month: the start year of its financial year and its number, 1 (April) to 12 (March)."""

    start_year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= MONTHS_IN_YEAR:
            raise MonthError(f"month number {self.number} is outside 1 to 12")

    @classmethod
    def parse(cls, label: object) -> Month:
        """``'2018/19-M06'`` → Month(2018, 6). Raises :class:`MonthError` saying what was expected."""
        text = str(label).strip() if isinstance(label, str) else None
        match = _MONTH.match(text or "")
        if text is None or match is None:
            raise MonthError(
                f"{label!r} is not a month; expected YYYY/YY-Mnn, like '2018/19-M06' (September)"
            )
        try:
            start = parse_year(match.group(1))
        except YearError as error:
            raise MonthError(f"{label!r}: {error}") from None
        number = int(match.group(2))
        if not 1 <= number <= MONTHS_IN_YEAR:
            raise MonthError(f"{label!r}: the month number must be M01 (April) to M12 (March)")
        return cls(start, number)

    @property
    def year(self) -> str:
        """The financial year label, e.g. ``'2018/19'``."""
        return format_year(self.start_year)

    @property
    def label(self) -> str:
        return f"{self.year}-M{self.number:02d}"

    @property
    def calendar_name(self) -> str:
        """``'Sep 2018'`` for 2018/19-M06."""
        calendar_year = self.start_year if self.number <= 9 else self.start_year + 1
        return f"{CALENDAR_NAMES[self.number - 1]} {calendar_year}"

    @property
    def ordinal(self) -> int:
        """A count of months that orders months across years."""
        return self.start_year * MONTHS_IN_YEAR + self.number - 1

    def shifted(self, months: int) -> Month:
        ordinal = self.ordinal + months
        return Month(ordinal // MONTHS_IN_YEAR, ordinal % MONTHS_IN_YEAR + 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return self.ordinal < other.ordinal

    def __str__(self) -> str:
        return self.label


def months_of_year(year: str) -> list[Month]:
    """The twelve months of a financial year, April to March."""
    start = parse_year(year)
    return [Month(start, number) for number in range(1, MONTHS_IN_YEAR + 1)]


def parse_period(label: object) -> int:
    """A month of any year, ``'M01'`` to ``'M12'`` (or 1 to 12), as its number."""
    if isinstance(label, int) and not isinstance(label, bool) and 1 <= label <= MONTHS_IN_YEAR:
        return label
    match = _PERIOD.match(str(label).strip())
    if match is None or not 1 <= int(match.group(1)) <= MONTHS_IN_YEAR:
        raise MonthError(f"{label!r} is not a month of the year; expected M01 (April) to M12 (March)")
    return int(match.group(1))
