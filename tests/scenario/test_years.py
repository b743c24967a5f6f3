"""Financial years: parsing and formatting labels, and filling values by year."""

from __future__ import annotations

import pytest

from carebridge.scenario.years import (
    Fill,
    YearError,
    YearRange,
    format_year,
    parse_year,
    short_year,
    year_labels,
)


@pytest.mark.parametrize(
    ("label", "start"),
    [("2016/17", 2016), ("2024/25", 2024), ("1999/00", 1999), (" 2017/18 ", 2017)],
)
def test_parse_year_returns_the_calendar_year_it_starts_in(label: str, start: int) -> None:
    assert parse_year(label) == start


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2017-18", "'2017-18' is not a financial year; expected YYYY/YY, like '2017/18'"),
        ("17/18", "'17/18' is not a financial year; expected YYYY/YY, like '2017/18'"),
        ("2017/2018", "'2017/2018' is not a financial year; expected YYYY/YY, like '2017/18'"),
        ("", "'' is not a financial year; expected YYYY/YY, like '2017/18'"),
        ("2017/19", "'2017/19' is not a financial year; the year after 2017 is written '2017/18'"),
        ("1999/01", "'1999/01' is not a financial year; the year after 1999 is written '1999/00'"),
        (2017, "2017 is not a financial year; expected text like '2017/18'"),
        (None, "None is not a financial year; expected text like '2017/18'"),
    ],
)
def test_parse_year_says_what_was_found_and_expected(label: object, message: str) -> None:
    with pytest.raises(YearError) as raised:
        parse_year(label)
    assert str(raised.value) == message


def test_year_error_is_a_value_error() -> None:
    assert issubclass(YearError, ValueError)


@pytest.mark.parametrize(("start", "label"), [(2016, "2016/17"), (1999, "1999/00"), (2009, "2009/10")])
def test_format_year_round_trips_with_parse_year(start: int, label: str) -> None:
    assert format_year(start) == label
    assert parse_year(format_year(start)) == start


def test_short_year_is_the_form_the_sources_print() -> None:
    assert short_year("2016/17") == "16/17"


def test_year_labels() -> None:
    assert year_labels([2016, 2017]) == ["2016/17", "2017/18"]


def test_year_range_labels_length_and_index() -> None:
    years = YearRange.from_labels("2016/17", "2019/20")
    assert years == YearRange(2016, 2019)
    assert years.labels == ["2016/17", "2017/18", "2018/19", "2019/20"]
    assert len(years) == 4
    assert years.index("2016/17") == 0
    assert years.index("2019/20") == 3


@pytest.mark.parametrize("label", ["2015/16", "2020/21"])
def test_year_range_index_outside_the_range_is_an_error(label: str) -> None:
    with pytest.raises(YearError) as raised:
        YearRange(2016, 2019).index(label)
    assert str(raised.value) == f"'{label}' is outside the scenario's years 2016/17 to 2019/20"


def test_year_range_index_of_a_malformed_label_is_an_error() -> None:
    with pytest.raises(YearError, match="'2017-18' is not a financial year"):
        YearRange(2016, 2019).index("2017-18")


YEARS = YearRange(2016, 2020)


@pytest.mark.parametrize("fill", list(Fill))
def test_expand_none_is_zero_every_year(fill: Fill) -> None:
    assert YEARS.expand(None, fill).tolist() == [0.0] * 5


@pytest.mark.parametrize("fill", list(Fill))
def test_expand_scalar_is_the_same_every_year(fill: Fill) -> None:
    assert YEARS.expand(3.5, fill).tolist() == [3.5] * 5


@pytest.mark.parametrize("fill", list(Fill))
def test_expand_empty_map_is_zero_every_year(fill: Fill) -> None:
    assert YEARS.expand({}, fill).tolist() == [0.0] * 5


def test_expand_held_is_zero_before_the_first_year_and_holds_the_latest_value() -> None:
    value = {"2017/18": 5, "2019/20": 7}
    assert YEARS.expand(value).tolist() == [0.0, 5.0, 5.0, 7.0, 7.0]
    assert YEARS.expand(value, Fill.HELD).tolist() == [0.0, 5.0, 5.0, 7.0, 7.0]


def test_expand_held_ignores_the_order_the_map_is_written_in() -> None:
    assert YEARS.expand({"2019/20": 7, "2017/18": 5}).tolist() == [0.0, 5.0, 5.0, 7.0, 7.0]


def test_expand_one_off_is_zero_in_every_year_the_map_omits() -> None:
    value = {"2017/18": 5, "2019/20": 7}
    assert YEARS.expand(value, Fill.ONE_OFF).tolist() == [0.0, 5.0, 0.0, 7.0, 0.0]


def test_expand_price_also_holds_the_first_value_backwards() -> None:
    value = {"2018/19": 100, "2019/20": 102}
    assert YEARS.expand(value, Fill.PRICE).tolist() == [100.0, 100.0, 100.0, 102.0, 102.0]


def test_expand_a_year_outside_the_range_is_an_error() -> None:
    with pytest.raises(YearError, match="'2021/22' is outside the scenario's years 2016/17 to 2020/21"):
        YEARS.expand({"2021/22": 1})
