"""Bank holidays of England and Wales and the due date of a return, against gov.uk's published lists."""

from __future__ import annotations

import datetime as dt

import pytest

from carebridge.delivery.months import Month
from carebridge.delivery.workdays import bank_holidays, due_date, easter_sunday, is_working_day, month_end

D = dt.date


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, D(2000, 4, 23)),
        (2017, D(2017, 4, 16)),
        (2018, D(2018, 4, 1)),
        (2019, D(2019, 4, 21)),
        (2024, D(2024, 3, 31)),
        (2038, D(2038, 4, 25)),
        (1818, D(1818, 3, 22)),
    ],
)
def test_easter_by_the_algorithm(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    ("year", "days"),
    [
        (
            2016,
            [
                D(2016, 1, 1),
                D(2016, 3, 25),
                D(2016, 3, 28),
                D(2016, 5, 2),
                D(2016, 5, 30),
                D(2016, 8, 29),
                D(2016, 12, 26),
                D(2016, 12, 27),
            ],
        ),
        (
            2017,
            [
                D(2017, 1, 2),
                D(2017, 4, 14),
                D(2017, 4, 17),
                D(2017, 5, 1),
                D(2017, 5, 29),
                D(2017, 8, 28),
                D(2017, 12, 25),
                D(2017, 12, 26),
            ],
        ),
        (
            2021,
            [
                D(2021, 1, 1),
                D(2021, 4, 2),
                D(2021, 4, 5),
                D(2021, 5, 3),
                D(2021, 5, 31),
                D(2021, 8, 30),
                D(2021, 12, 27),
                D(2021, 12, 28),
            ],
        ),
        (
            2022,
            [
                D(2022, 1, 3),
                D(2022, 4, 15),
                D(2022, 4, 18),
                D(2022, 5, 2),
                D(2022, 6, 2),
                D(2022, 6, 3),
                D(2022, 8, 29),
                D(2022, 9, 19),
                D(2022, 12, 26),
                D(2022, 12, 27),
            ],
        ),
        (
            2020,
            [
                D(2020, 1, 1),
                D(2020, 4, 10),
                D(2020, 4, 13),
                D(2020, 5, 8),
                D(2020, 5, 25),
                D(2020, 8, 31),
                D(2020, 12, 25),
                D(2020, 12, 28),
            ],
        ),
    ],
)
def test_bank_holidays_with_substitute_days_and_proclamations(year: int, days: list[dt.date]) -> None:
    assert sorted(bank_holidays(year)) == days


def test_month_end_of_financial_months() -> None:
    assert month_end(Month(2017, 1)) == D(2017, 4, 30)
    assert month_end(Month(2017, 11)) == D(2018, 2, 28)
    assert month_end(Month(2019, 11)) == D(2020, 2, 29)
    assert month_end(Month(2017, 9)) == D(2017, 12, 31)


def test_the_12th_working_day_skips_weekends_and_bank_holidays() -> None:
    # April 2017 ends on a Sunday; 1 May is a bank holiday: the 12th working day is Wednesday 17 May.
    assert due_date(Month(2017, 1)) == D(2017, 5, 17)
    # December 2017: 1 January 2018 is a bank holiday.
    assert due_date(Month(2017, 9)) == D(2018, 1, 17)
    assert due_date(Month(2017, 9), 1) == D(2018, 1, 2)
    assert not is_working_day(D(2017, 12, 26))
