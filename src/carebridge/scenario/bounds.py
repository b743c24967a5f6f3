"""The largest numbers a scenario may hold: sizes no plan can have are mistakes, refused with their place.

A price of 1e308 is a valid number, but multiplied by activity it overflows, and a run would leave cells
blank. So every number of a scenario is checked against a bound for what it is, each far above what a whole
integrated care system needs (docs/scenario-format.md, "Limits", lists them):

===============================  ==================  =============================================
what                             bound               a whole ICS needs
===============================  ==================  =============================================
money (£'000), a line a year     ±100,000,000        (£100bn) an ICS spends £2bn to £8bn a year
unit price (£)                   10,000,000          the dearest treatments cost a few £m a patient
activity (in the POD's unit)     10,000,000,000      a few hundred million appointments a year
people (population by band)      1,000,000,000       a few million
growth, uplift, inflation rate   10 (1,000%)         a few per cent a year
any other number                 ±1,000,000,000,000
===============================  ==================  =============================================

Signs and the lower ends of ranges (a price is not negative, a rate is more than -1) are checked by
:mod:`carebridge.scenario.validate`; here only size is. The walk is over the validated model, field by field,
so a field added to the schema is bounded at least by :data:`MAX_NUMBER` until it is given a kind below.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from carebridge.scenario.errors import Path, Problem

Kind = Literal["money", "price", "activity", "people", "rate", "number"]


@dataclass(frozen=True)
class Bound:
    """The largest size of a kind of number, and how it is said in a message."""

    largest: float
    words: str
    two_sided: bool
    """Whether a negative number is bounded too (a price's or a rate's lower end is checked elsewhere)."""


MAX_MONEY = 1e8
"""£'000 in one line and year: £100bn."""
MAX_PRICE = 1e7
"""£ a unit of activity: £10m."""
MAX_ACTIVITY = 1e10
"""Units of activity in a POD and year."""
MAX_PEOPLE = 1e9
"""People in an age band."""
MAX_RATE = 10.0
"""A growth, uplift or inflation rate a year, as a fraction: 1,000%."""
MAX_NUMBER = 1e12
"""Any other number."""

BOUNDS: dict[Kind, Bound] = {
    "money": Bound(MAX_MONEY, "an amount in £'000 of at most 100,000,000 (£100bn) in size", True),
    "price": Bound(MAX_PRICE, "a unit price of at most £10,000,000", False),
    "activity": Bound(MAX_ACTIVITY, "activity of at most 10,000,000,000 a year", False),
    "people": Bound(MAX_PEOPLE, "at most 1,000,000,000 people", False),
    "rate": Bound(MAX_RATE, "a rate of at most 10 (1,000% a year)", False),
    "number": Bound(MAX_NUMBER, "a number of at most 1,000,000,000,000 in size", True),
}

KINDS: dict[tuple[str, str], Kind] = {
    ("ExpenditureCategory", "base"): "money",
    ("ExpenditureCategory", "inflation"): "rate",
    ("ExpenditureCategory", "demand_growth"): "rate",
    ("FinanceItem", "amount"): "money",
    ("OrgFinance", "income"): "money",
    ("OrgFinance", "income_growth"): "rate",
    ("PriceUplift", "base"): "price",
    ("PriceUplift", "uplift"): "rate",
    ("Pod", "price"): "price",
    ("Activity", "base"): "activity",
    ("Activity", "trajectory"): "activity",
    ("Activity", "growth"): "rate",
    ("Activity", "population_rates"): "activity",
    ("Activity", "non_demographic_growth"): "rate",
    ("Absolute", "activity"): "activity",
    ("DirectSaving", "saving"): "money",
    ("SchemeInvestment", "recurrent"): "money",
    ("SchemeInvestment", "non_recurrent"): "money",
    ("ProgrammeInvestment", "amount"): "money",
    ("FundingSource", "amount"): "money",
    ("Overlap", "amount"): "money",
    ("PlanLine", "value"): "money",
    ("Positions", "do_nothing"): "money",
    ("Contract", "compensating"): "money",
    ("CapitalScheme", "amount"): "money",
    ("Scenario", "population"): "people",
    ("Portfolio", "envelope"): "money",
    ("Candidate", "investment"): "money",
    ("Candidate", "npv"): "money",
}
"""The kind of each field's numbers; a field not listed takes the kind of the field it is in (so the
numbers of a scheme's effects are ``number``s unless their own field is listed, and ``Pod.price`` given as a
``PriceUplift`` takes its inner fields' kinds). The candidates of a prioritisation (``Portfolio``,
``Candidate``) are walked the same way."""


def magnitude_problems(model: BaseModel) -> list[Problem]:
    """A problem for every number of ``model`` (a scenario, or a file of candidates) beyond the bound of its
    kind."""
    return [
        Problem(path, f"expected {BOUNDS[kind].words}; found {value:,.6g}")
        for path, kind, value in _numbers(model, (), "number")
        if _beyond(value, BOUNDS[kind])
    ]


def beyond_bound(value: float, kind: Kind, words: str | None = None) -> str | None:
    """What is wrong with ``value`` as a number of ``kind`` (``expected …; found …``, the bound said in
    ``words`` when given): not finite or beyond the kind's bound; ``None`` when it is within it. Used for the
    numbers of files other than scenarios (actuals, target actuals, pooled budgets), so that one table of
    bounds holds for every file."""
    bound = BOUNDS[kind]
    return f"expected {words or bound.words}; found {value:,.6g}" if _beyond(value, bound) else None


def _beyond(value: float, bound: Bound) -> bool:
    if not math.isfinite(value):
        return True
    return (abs(value) if bound.two_sided else value) > bound.largest


def _numbers(value: object, path: Path, kind: Kind) -> Iterator[tuple[Path, Kind, float]]:
    """Every number inside ``value``, with its path and kind."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield path, kind, float(value)
    elif isinstance(value, BaseModel):
        owner = type(value).__name__
        for name in type(value).model_fields:
            yield from _numbers(getattr(value, name), (*path, name), KINDS.get((owner, name), kind))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _numbers(item, (*path, key), kind)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _numbers(item, (*path, index), kind)
