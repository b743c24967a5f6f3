"""Refuse direct identifiers: pseudonymised data only.

A column is a direct identifier when its name says so (NHS number, name, date of birth, address, postcode) or
when its values look like one: most of the first values are 10-digit numbers whose last digit is the NHS
number's modulus-11 check digit, full UK postcodes, or dates of birth. Names are recognised by column name
only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

NAME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an NHS number", re.compile(r"nhs(no|num|number)?|.*nhsnumber.*|.*nhsno.*")),
    (
        "a name",
        re.compile(
            r"(patient|first|last|full|given|family|middle|sur|fore|maiden)?names?|surname|forenames?"
        ),
    ),
    ("a date of birth", re.compile(r"dob|.*dateofbirth.*|.*birthdate.*|birthday|.*dob(date)?")),
    ("an address", re.compile(r".*address.*|.*addr(line)?\d*|street.*|houseno|housenumber|housename")),
    ("a postcode", re.compile(r".*postcode.*|.*postalcode.*|.*zipcode.*|pcode|postcd")),
)
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$", re.IGNORECASE)
DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$|^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
SHARE = 0.5
"""A column is refused when at least this share of its sampled values look like an identifier."""


@dataclass(frozen=True)
class Identifier:
    """A column that looks like a direct identifier, and why."""

    column: str
    what: str
    by: Literal["name", "values"]

    def message(self) -> str:
        reason = (
            f"its name says it holds {self.what}"
            if self.by == "name"
            else f"its values look like {self.what}"
        )
        return (
            f"{reason}, a direct identifier; CareBridge takes pseudonymised data only: remove the column, "
            "or replace it with a pseudonymous key"
        )


def normalised(name: str) -> str:
    """A column name in lower case with everything but letters and digits removed."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def identifier_by_name(column: str) -> str | None:
    """What the column's name says it identifies, or None."""
    name = normalised(column)
    return next((what for what, pattern in NAME_PATTERNS if pattern.fullmatch(name)), None)


def is_nhs_number(value: str) -> bool:
    """Ten digits (spaces or dashes allowed) whose last is the modulus-11 check digit of the first nine."""
    digits = re.sub(r"[\s-]", "", value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def is_postcode(value: str) -> bool:
    return bool(POSTCODE.match(value.strip()))


def is_birth_date(value: object, today: dt.date) -> bool:
    """A date (or date-like text) between 1890 and today."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return dt.date(1890, 1, 1) <= value <= today
    match = DATE.match(str(value).strip())
    if not match:
        return False
    year = int(match.group(1) or match.group(6))
    return 1890 <= year <= today.year


def identifier_by_values(values: Sequence[object], today: dt.date | None = None) -> str | None:
    """What most of ``values`` (non-empty, not flags) look like, or None."""
    present = [value for value in values if value is not None and not isinstance(value, bool)]
    if not present:
        return None
    today = today or dt.date.today()
    texts = [str(value) for value in present]
    looks_like = {
        "NHS numbers": [is_nhs_number(text) for text in texts],
        "UK postcodes": [is_postcode(text) for text in texts],
        "dates of birth": [is_birth_date(value, today) for value in present],
    }
    return next((what for what, found in looks_like.items() if sum(found) >= SHARE * len(present)), None)


def find_identifiers(
    names: Iterable[str], sample: Mapping[str, Sequence[object]], today: dt.date | None = None
) -> list[Identifier]:
    """Every column that looks like a direct identifier, by its name or by its sampled values."""
    found = []
    for column in names:
        by_name = identifier_by_name(column)
        if by_name is not None:
            found.append(Identifier(column, by_name, "name"))
            continue
        by_values = identifier_by_values(sample.get(column, ()), today)
        if by_values is not None:
            found.append(Identifier(column, by_values, "values"))
    return found
