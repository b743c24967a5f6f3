"""Working days and the due date of a monthly return: the Nth working day after the month's end.

The Staffordshire STP's partners submit their monitoring return "on the 12th working day following each
month-end" (seed 002, line 569): :data:`DEFAULT_DUE_WORKING_DAY`, which a programme may change. A working day
is Monday to Friday and not a bank holiday of England and Wales, computed here, never downloaded:

- New Year's Day (1 January; a Saturday or Sunday moves it to the Monday after);
- Good Friday and Easter Monday (Easter Sunday by the anonymous Gregorian algorithm, Meeus/Jones/Butcher);
- the early May bank holiday (first Monday of May), the spring bank holiday (last Monday of May) and the
  summer bank holiday (last Monday of August);
- Christmas Day and Boxing Day (a Saturday or Sunday moves each to the next weekday not already a holiday:
  Christmas on a Saturday gives Monday 27 and Tuesday 28 December; on a Sunday, Boxing Day is Monday 26 and
  Christmas is kept on Tuesday 27).

Royal proclamations moved or added days in some years; :data:`MOVED` and :data:`ADDED` list them
(gov.uk/bank-holidays and the proclamations of each year).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from carebridge.delivery.months import Month

DEFAULT_DUE_WORKING_DAY = 12
MOVED: dict[dt.date, dt.date] = {
    dt.date(1995, 5, 1): dt.date(1995, 5, 8),  # VE Day 50th anniversary
    dt.date(2002, 5, 27): dt.date(2002, 6, 4),  # Golden Jubilee
    dt.date(2012, 5, 28): dt.date(2012, 6, 4),  # Diamond Jubilee
    dt.date(2020, 5, 4): dt.date(2020, 5, 8),  # VE Day 75th anniversary
    dt.date(2022, 5, 30): dt.date(2022, 6, 2),  # Platinum Jubilee
}
"""A bank holiday the rules give (key) moved by proclamation to another day (value)."""
ADDED: frozenset[dt.date] = frozenset(
    {
        dt.date(1999, 12, 31),  # the millennium
        dt.date(2002, 6, 3),  # Golden Jubilee
        dt.date(2011, 4, 29),  # royal wedding
        dt.date(2012, 6, 5),  # Diamond Jubilee
        dt.date(2022, 6, 3),  # Platinum Jubilee
        dt.date(2022, 9, 19),  # state funeral of Queen Elizabeth II
        dt.date(2023, 5, 8),  # coronation of King Charles III
    }
)
"""Bank holidays added for one year by proclamation."""


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm: Meeus, Jones, Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _first_monday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=last.weekday())


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays of England and Wales in calendar ``year``."""
    easter = easter_sunday(year)
    days: set[dt.date] = set()
    new_year = dt.date(year, 1, 1)
    days.add(new_year + dt.timedelta(days=(7 - new_year.weekday()) % 7 if new_year.weekday() >= 5 else 0))
    days |= {easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)}
    for rule_day in (_first_monday(year, 5), _last_monday(year, 5), _last_monday(year, 8)):
        days.add(MOVED.get(rule_day, rule_day))
    for christmas_day in (dt.date(year, 12, 25), dt.date(year, 12, 26)):
        day = christmas_day
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days.add(day)
    days |= {day for day in ADDED if day.year == year}
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def month_end(month: Month) -> dt.date:
    """The last calendar day of a financial month (2018/19-M06 → 30 September 2018)."""
    calendar_year = month.start_year if month.number <= 9 else month.start_year + 1
    calendar_month = (month.number + 2) % 12 + 1
    following = dt.date(calendar_year + (calendar_month == 12), calendar_month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def working_day_after(day: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 1)."""
    if n < 1:
        raise ValueError(f"expected a working day of 1 or more, found {n}")
    found = 0
    while found < n:
        day += dt.timedelta(days=1)
        found += is_working_day(day)
    return day


def due_date(month: Month, working_day: int = DEFAULT_DUE_WORKING_DAY) -> dt.date:
    """When the return for ``month`` is due: the ``working_day``-th working day after the month's end."""
    return working_day_after(month_end(month), working_day)
