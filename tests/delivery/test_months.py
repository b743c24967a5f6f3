"""Financial months: M01 is April, M12 is March; labels are checked and say what was expected."""

from __future__ import annotations

import pytest

from carebridge.delivery.months import Month, MonthError, months_of_year, parse_period


def test_month_six_of_2018_19_is_september_2018() -> None:
    month = Month.parse("2018/19-M06")
    assert (month.year, month.number, month.calendar_name) == ("2018/19", 6, "Sep 2018")
    assert Month.parse("2018/19-M10").calendar_name == "Jan 2019"
    assert str(month) == "2018/19-M06"


def test_months_order_across_years() -> None:
    assert Month.parse("2017/18-M12") < Month.parse("2018/19-M01")
    assert Month.parse("2017/18-M12").shifted(1) == Month(2018, 1)
    assert Month(2018, 3).shifted(-4) == Month(2017, 11)
    assert [m.number for m in months_of_year("2018/19")] == list(range(1, 13))


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2018/19-M13", "the month number must be M01 (April) to M12 (March)"),
        ("2018/20-M01", "the year after 2018 is written '2018/19'"),
        ("Sep 2018", "expected YYYY/YY-Mnn, like '2018/19-M06' (September)"),
        (None, "expected YYYY/YY-Mnn"),
    ],
)
def test_a_bad_month_says_what_was_expected(label: object, message: str) -> None:
    with pytest.raises(MonthError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Month.parse(label)


def test_a_month_of_any_year() -> None:
    assert parse_period("M01") == 1 and parse_period(12) == 12
    with pytest.raises(MonthError, match="M01 \\(April\\) to M12 \\(March\\)"):
        parse_period("M00")
