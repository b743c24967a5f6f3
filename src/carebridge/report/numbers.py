"""Numbers as the reports print them: £'000 and activity as whole numbers with thousands separators and
negatives in brackets, ``(1,263)``; percentages to one decimal place, ``-20.1%``; counts as whole numbers;
ratios (a benefit-cost ratio) to two decimal places, ``2.49``."""

from __future__ import annotations

from typing import Literal

NumberKind = Literal["money", "activity", "percent", "count", "ratio"]
Value = float | None

MONEY = "£'000"
ZERO = 1e-9


def format_number(value: Value, kind: NumberKind) -> str:
    """Text of a cell: whole numbers with thousands separators and negatives in brackets, ``(1,263)``;
    percentages (stored as fractions) to one decimal place with a minus sign, ``-20.1%``; counts with
    separators and a minus sign; blank for ``None``; ``–`` for a value that is not a number (a percentage
    of a zero base)."""
    if value is None:
        return ""
    if value != value:  # NaN
        return "–"
    if kind == "percent":
        return f"{value * 100:.1f}%".replace("-0.0%", "0.0%")
    if kind == "ratio":
        return f"{value:.2f}".replace("-0.00", "0.00")
    rounded = round(value)
    if kind == "count":
        return f"{rounded:,}"
    return f"({-rounded:,})" if rounded < 0 else f"{rounded:,}"


def format_cell(value: str | float | int | None, kind: str) -> str:
    """Text of a cell of a table of mixed columns (the delivery pack's): words (``text``, a ``status``) as
    they are; a ``ratio`` as a percentage; ``count``, ``money`` and ``activity`` as :func:`format_number`
    prints them; blank for a missing number."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if kind in ("text", "status"):
        return str(value)
    number = float(value)
    if kind == "ratio":
        return format_number(number, "percent")
    return format_number(number, "count" if kind == "count" else "money")
