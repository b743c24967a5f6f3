"""NHS financial years (1 April to 31 March), written ``YYYY/YY``, and values by year.

A value by year is either a scalar (every year) or a map from years to numbers. How a map fills the years it
omits depends on what the value is (model spec section 1):

- ``held`` (the default: recurrent savings, investment, gaps, fractions): 0 before the first year given, and
  each later year takes the value of the latest year given at or before it;
- ``one_off`` (non-recurrent investment, one-off funding): 0 in every year the map omits;
- ``price`` (unit prices): like ``held``, but the first value also holds backwards, since a price of zero is
  never meant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

YearValue: TypeAlias = float | Mapping[str, float]
"""A scalar (every year) or a map from ``YYYY/YY`` to a number."""

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")

MAX_YEARS = 100
"""The most years a scenario may run, base year to end year (a plan runs 5 to 30)."""


class YearError(ValueError):
    """A year label that is not a financial year written ``YYYY/YY``."""


class Fill(Enum):
    """How a map of values by year fills the years it omits."""

    HELD = "held"
    ONE_OFF = "one_off"
    PRICE = "price"


def parse_year(label: object) -> int:
    """Return the calendar year a financial year label starts in: ``'2016/17'`` → 2016.

    >>> parse_year("2016/17")
    2016
    """
    if not isinstance(label, str):
        raise YearError(f"{label!r} is not a financial year; expected text like '2017/18'")
    match = _YEAR.match(label.strip())
    if match is None:
        raise YearError(f"'{label}' is not a financial year; expected YYYY/YY, like '2017/18'")
    start, end = int(match.group(1)), int(match.group(2))
    if end != (start + 1) % 100:
        raise YearError(
            f"'{label}' is not a financial year; the year after {start} is written '{format_year(start)}'"
        )
    return start


def format_year(start: int) -> str:
    """Return the label of the financial year that starts in ``start``: 2016 → ``'2016/17'``."""
    return f"{start}/{(start + 1) % 100:02d}"


def short_year(label: str) -> str:
    """Return the short form the sources print: ``'2016/17'`` → ``'16/17'``."""
    return label[2:]


@dataclass(frozen=True)
class YearRange:
    """The years a scenario runs over, base year (t = 0) to end year inclusive."""

    base: int
    end: int

    @classmethod
    def from_labels(cls, base_year: str, end_year: str) -> YearRange:
        return cls(parse_year(base_year), parse_year(end_year))

    @property
    def labels(self) -> list[str]:
        return list(_labels(self.base, self.end))

    def __len__(self) -> int:
        return self.end - self.base + 1

    def index(self, label: str) -> int:
        """Position of a year label in the range; raises ``YearError`` outside it."""
        if isinstance(label, str):
            found = _positions(self.base, self.end).get(label)
            if found is not None:
                return found
        start = parse_year(label)
        if not self.base <= start <= self.end:
            raise YearError(
                f"'{label}' is outside the scenario's years "
                f"{format_year(self.base)} to {format_year(self.end)}"
            )
        return start - self.base

    def expand(self, value: YearValue | None, fill: Fill = Fill.HELD) -> npt.NDArray[np.float64]:
        """Return one number per year of the range from a scalar or a map (see the module docstring).

        >>> YearRange(2016, 2020).expand({"2017/18": 5, "2019/20": 7}).tolist()
        [0.0, 5.0, 5.0, 7.0, 7.0]
        >>> YearRange(2016, 2020).expand({"2017/18": 5}, Fill.ONE_OFF).tolist()
        [0.0, 5.0, 0.0, 0.0, 0.0]
        """
        if value is None:
            return np.zeros(len(self), dtype=np.float64)
        if not isinstance(value, Mapping):
            return np.full(len(self), float(value), dtype=np.float64)
        return self.expand_numbers({label: float(v) for label, v in value.items()}, fill)

    def expand_numbers(
        self, numbers: Mapping[str, float | npt.NDArray[np.float64]], fill: Fill = Fill.HELD
    ) -> npt.NDArray[np.float64]:
        """Like :meth:`expand` for a map whose numbers may be arrays (one number per Monte Carlo draw): the
        result has their leading axes, then one value per year. Each year takes the number that
        :meth:`sources` picks for it, or 0.

        >>> YearRange(2016, 2018).expand_numbers({"2017/18": np.array([1.0, 2.0])}).tolist()
        [[0.0, 1.0, 1.0], [0.0, 2.0, 2.0]]
        """
        index = self.source_list(list(numbers), fill)
        given = list(numbers.values())
        if not given:
            return np.zeros(len(self), dtype=np.float64)
        if all(type(number) is float for number in given):  # numbers as written: no draw axis
            return np.array([given[i] if i >= 0 else 0.0 for i in index], dtype=np.float64)
        columns = np.broadcast_arrays(*(np.asarray(number, dtype=np.float64) for number in given))
        stacked = np.stack([*columns, np.zeros(columns[0].shape)], axis=-1)  # the last column: years at 0
        return np.ascontiguousarray(stacked[..., index])

    def expand_list(self, value: YearValue | None, fill: Fill = Fill.HELD) -> list[float]:
        """:meth:`expand` as a list of numbers, one a year.

        >>> YearRange(2016, 2019).expand_list({"2017/18": 5, "2018/19": 6}, Fill.PRICE)
        [5.0, 5.0, 6.0, 6.0]
        """
        if value is None:
            return [0.0] * len(self)
        if type(value) is not dict and not isinstance(value, Mapping):
            return [float(value)] * len(self)
        given = [float(number) for number in value.values()]
        given.append(0.0)  # what a year no label gives takes (its source is -1)
        return [given[i] for i in self.source_list([str(label) for label in value], fill)]

    def sources(self, labels: Sequence[str], fill: Fill = Fill.HELD) -> npt.NDArray[np.intp]:
        """For each year, the position in ``labels`` of the map entry whose value the year takes, or -1 where
        the year is 0 (see the module docstring for each fill).

        >>> YearRange(2016, 2020).sources(["2019/20", "2017/18"]).tolist()
        [-1, 1, 1, 0, 0]
        """
        return np.array(self.source_list(labels, fill), dtype=np.intp)

    def source_list(self, labels: Sequence[str], fill: Fill = Fill.HELD) -> list[int]:
        """:meth:`sources` as a list (raises ``YearError`` for a label that is not a year of the range)."""
        if not labels:
            return [-1] * len(self)
        try:
            return list(_sources(self.base, self.end, tuple(labels), fill.value))
        except TypeError:  # a label that cannot be a key: let :meth:`index` say what it is
            return self._sources(labels, fill)

    def _sources(self, labels: Sequence[str], fill: Fill) -> list[int]:
        n = len(self)
        out = [-1] * n
        points = sorted((self.index(label), position) for position, label in enumerate(labels))
        if fill is Fill.ONE_OFF:
            for i, position in points:
                out[i] = position
            return out
        if fill is Fill.PRICE:
            out[: points[0][0]] = [points[0][1]] * points[0][0]
        for (i, position), nxt in zip(points, [*points[1:], (n, -1)], strict=True):
            out[i : nxt[0]] = [position] * (nxt[0] - i)
        return out


@lru_cache(maxsize=4096)
def _sources(base: int, end: int, labels: tuple[str, ...], fill: str) -> tuple[int, ...]:
    """:meth:`YearRange.source_list`, made once for each range, labels and fill (a scenario's maps are read
    at every run)."""
    return tuple(YearRange(base, end)._sources(labels, Fill(fill)))


@lru_cache(maxsize=64)
def _labels(base: int, end: int) -> tuple[str, ...]:
    return tuple(format_year(year) for year in range(base, end + 1))


@lru_cache(maxsize=64)
def _positions(base: int, end: int) -> Mapping[str, int]:
    """The position of each year label of the range ``base`` to ``end``, as written by :func:`format_year`
    (a label written otherwise, or outside the range, is not here: :meth:`YearRange.index` parses it)."""
    return {format_year(year): year - base for year in range(base, end + 1)}


def year_labels(years: Sequence[int]) -> list[str]:
    return [format_year(y) for y in years]
