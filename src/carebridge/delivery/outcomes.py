"""The outcomes register: measures of health, their values by period and breakdown, the inequality gap,
and progress against target with a RAG rating (docs/outcomes.md). Pure: the register is read by
:func:`load_outcomes` (YAML through the one loader) and the values' rows, read from CSV by
:mod:`carebridge.store.outcomes`, are checked here, every bad row located.

From the Stockport PCT plan (seed ``001_…``, §1.1 and §3.1–3.2): life expectancy against the national
trajectory, "the difference in life expectancy between the most deprived quintile and the Stockport average",
CVD mortality under 75 "to 70.3 by 2008 (3 year average)" with "a 40% reduction in inequalities gap".

A **period** is a calendar year ``2005``, a financial year ``2005/06`` or three pooled calendar years
``2003-05``; periods are ordered by the year they end in. A measure is a proportion (Wilson), a crude rate
(Byar), a directly standardised rate by age (Dobson; European Standard Population 2013) or a value given
with its interval (life expectancy, from the source that computes it).
"""

from __future__ import annotations

import itertools
import math
import pathlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from carebridge.delivery import outcome_stats as stats
from carebridge.delivery.actuals_tables import RowProblem, RowProblemsError
from carebridge.delivery.risks import Model
from carebridge.scenario.errors import InputError, Path, Problem, did_you_mean
from carebridge.scenario.loader import load_model
from carebridge.strat.disclosure import DisclosureRule

Kind = Literal["proportion", "crude_rate", "dsr", "value"]
Direction = Literal["higher_is_better", "lower_is_better"]
Breakdown = Literal["all", "place", "practice", "quintile", "sex", "age_band", "comparator"]
"""``comparator``: a value outside the system to compare with — a peer, the region, England (its group names
it); never part of the system's own figures."""
Status = Literal["published", "synthetic", "local"]
RAG = Literal["green", "amber", "red"]

DISCLOSURE = DisclosureRule()
"""The one rule of small numbers (:mod:`carebridge.strat.disclosure`): counts below 10 suppressed, others
rounded to 5, and every rate of a suppressed count suppressed with it."""
PERIOD = re.compile(r"^(?P<start>\d{4})(?:(?P<sep>[/-])(?P<end>\d{2}))?$")


class OutcomesRegisterError(InputError):
    """An outcomes register that cannot be used."""

    kind = "outcomes register"
    expected = "an outcomes register with name and measures"


@dataclass(frozen=True, order=True)
class Period:
    """A single year (calendar or financial) or three pooled calendar years, ordered by the year it ends."""

    end: int
    label: str

    @property
    def pooled(self) -> bool:
        return "-" in self.label


def parse_period(label: str) -> Period:
    """``2005`` (calendar year), ``2005/06`` (financial year, ends 2006) or ``2003-05`` (2003 to 2005 pooled);
    :class:`ValueError` otherwise."""
    match = PERIOD.match(label.strip())
    if match is None:
        raise ValueError(
            f"period {label!r}; expected a year 2005, a financial year 2005/06 or three pooled years 2003-05"
        )
    start = int(match["start"])
    if match["end"] is None:
        return Period(start, label.strip())
    end = start // 100 * 100 + int(match["end"])
    if end < start:
        end += 100
    if match["sep"] == "/" and end != start + 1:
        raise ValueError(f"financial year {label!r}; its second year must follow the first, like 2005/06")
    if match["sep"] == "-" and end != start + 2:
        raise ValueError(f"pooled period {label!r}; expected three years, like 2003-05")
    return Period(end, label.strip())


class PeriodValue(Model):
    period: str = Field(description="`2005`, `2005/06` or `2003-05` (three pooled years).")
    value: float


class GapTarget(Model):
    """A cut in the gap between the most deprived quintile and the average, by a period."""

    period: str
    cut_percent: Annotated[float, Field(gt=0, le=100)] = Field(
        description="The cut in the baseline gap, in percent (40 for 'a 40% reduction in inequalities gap')."
    )


class Measure(Model):
    """An outcome measure: what it counts, how its rate and interval are computed, its baseline and target
    trajectory, and the schemes expected to move it."""

    id: str
    name: str
    definition: str
    kind: Kind
    unit: str = Field(description="`years`, `per 100,000`, `%`, …")
    direction: Direction
    multiplier: Annotated[float, Field(gt=0)] = Field(
        100_000, description="A rate per this many people (100 for a percentage)."
    )
    numerator: str | None = Field(None, description="What is counted (deaths from circulatory disease, …).")
    denominator: str | None = Field(None, description="Out of what (the resident population, …).")
    age_bands: list[str] | None = Field(
        None,
        description="For a directly standardised rate: its age bands of the ESP 2013 (all when omitted).",
    )
    period: Literal["single_year", "pooled_3_years"] = "single_year"
    breakdowns: list[Breakdown] = Field(default_factory=lambda: list[Breakdown](["all"]))
    baseline: PeriodValue
    targets: list[PeriodValue] = Field(default_factory=list, description="The target trajectory by period.")
    gap_target: GapTarget | None = None
    tolerance: Annotated[float, Field(ge=0)] = Field(
        0.0, description="For a value without an interval: how far worse than planned is still amber."
    )
    schemes: list[str] = Field(default_factory=list, description="Schemes expected to move the measure.")
    source: str


class OutcomesRegister(Model):
    name: str
    source: str | None = None
    measures: list[Measure]


# --- the register's checks ------------------------------------------------------------------------------


def _period(label: str, path: Path, problems: list[Problem], pooled: bool | None = None) -> Period | None:
    try:
        period = parse_period(label)
    except ValueError as error:
        problems.append(Problem(path, str(error)))
        return None
    if pooled is not None and period.pooled != pooled:
        want = "three pooled years like 2003-05" if pooled else "a single year like 2005 or 2005/06"
        problems.append(Problem(path, f"period {label!r}; the measure's period is {want}"))
        return None
    return period


def measure_problems(measure: Measure, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    pooled = measure.period == "pooled_3_years"
    baseline = _period(measure.baseline.period, (*path, "baseline", "period"), problems, pooled)
    for index, point in enumerate(measure.targets):
        where = (*path, "targets", index, "period")
        period = _period(point.period, where, problems, pooled)
        if period is not None and baseline is not None and period.end <= baseline.end:
            problems.append(
                Problem(
                    where, f"target period {point.period} is not after the baseline {measure.baseline.period}"
                )
            )
    if measure.gap_target is not None:
        where = (*path, "gap_target", "period")
        period = _period(measure.gap_target.period, where, problems, pooled)
        if period is not None and baseline is not None and period.end <= baseline.end:
            problems.append(
                Problem(
                    where,
                    f"gap target period {period.label} is not after the baseline {measure.baseline.period}",
                )
            )
        if "quintile" not in measure.breakdowns:
            problems.append(Problem(where[:-1], "a gap target needs the quintile breakdown in breakdowns"))
    if measure.kind == "dsr":
        for index, band in enumerate(measure.age_bands or []):
            if band not in stats.ESP2013_BANDS:
                hint = did_you_mean(band, stats.ESP2013_BANDS)
                problems.append(
                    Problem((*path, "age_bands", index), f"age band {band!r} is not of the ESP 2013{hint}")
                )
    elif measure.age_bands is not None:
        problems.append(
            Problem((*path, "age_bands"), "age bands are for a directly standardised rate (kind dsr)")
        )
    if measure.kind == "proportion" and measure.multiplier not in (1, 100):
        problems.append(Problem((*path, "multiplier"), "a proportion is shown per 1 or per 100 (percent)"))
    return problems


def register_problems(register: OutcomesRegister) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, measure in enumerate(register.measures):
        path: Path = ("measures", index)
        if measure.id in seen:
            problems.append(Problem((*path, "id"), f"measure {measure.id!r} is given twice"))
        seen.add(measure.id)
        problems.extend(measure_problems(measure, path))
    return problems


def load_outcomes(path: str | pathlib.Path) -> OutcomesRegister:
    """The outcomes register in the YAML file at ``path``; :class:`OutcomesRegisterError` otherwise."""
    return load_model(path, OutcomesRegister, OutcomesRegisterError, register_problems)[0]


# --- values ------------------------------------------------------------------------------------------------

COLUMNS = (
    "measure",
    "period",
    "breakdown",
    "group",
    "age_band",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "status",
)
REQUIRED = ("measure", "period", "breakdown", "group")


@dataclass(frozen=True)
class ValueRow:
    """A checked row of a file of outcome values."""

    row: int
    measure: str
    period: str
    breakdown: str
    group: str
    age_band: str
    numerator: float | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    status: str


class OutcomeValuesError(RowProblemsError):
    """Every problem of a file of outcome values; nothing of it is imported."""

    what = "the outcome values"


def check_values(
    name: str, lines: Sequence[Sequence[str]], register: OutcomesRegister
) -> tuple[ValueRow, ...]:
    """The checked rows of a CSV file's ``lines`` (header first) against the ``register``; every bad row
    located (:class:`OutcomeValuesError`)."""
    if not lines:
        raise OutcomeValuesError(
            [RowProblem(name, None, None, "the file is empty; expected the header " + ",".join(COLUMNS))]
        )
    header = [cell.strip().lower() for cell in lines[0]]
    missing = [column for column in REQUIRED if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    header_problems = [RowProblem(name, 1, column, "missing column") for column in missing]
    header_problems += [
        RowProblem(name, 1, column, f"unknown column; expected one of {', '.join(COLUMNS)}")
        for column in unknown
    ]
    if header_problems:
        raise OutcomeValuesError(header_problems)
    measures = {measure.id: measure for measure in register.measures}
    problems: list[RowProblem] = []
    rows: list[ValueRow] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        record = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
        row = _row(name, number, record, measures, problems)
        if row is None:
            continue
        key = (row.measure, row.period, row.breakdown, row.group, row.age_band)
        if key in seen:
            problems.append(RowProblem(name, number, None, f"the same value as row {seen[key]}"))
            continue
        seen[key] = number
        rows.append(row)
    if problems:
        raise OutcomeValuesError(problems)
    return tuple(rows)


def _number(name: str, number: int, column: str, text: str, problems: list[RowProblem]) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        problems.append(RowProblem(name, number, column, f"{text!r} is not a number"))
        return None
    if not math.isfinite(value) or abs(value) > 1e12:
        problems.append(
            RowProblem(name, number, column, f"{text!r}; expected a number of at most 1e12 in size")
        )
        return None
    return value


def _row(
    name: str,
    number: int,
    record: Mapping[str, str],
    measures: Mapping[str, Measure],
    problems: list[RowProblem],
) -> ValueRow | None:
    before = len(problems)
    measure = measures.get(record["measure"])
    if measure is None:
        hint = did_you_mean(record["measure"], list(measures))
        problems.append(
            RowProblem(
                name, number, "measure", f"{record['measure']!r} is not a measure of the register{hint}"
            )
        )
        return None
    try:
        period = parse_period(record["period"])
    except ValueError as error:
        problems.append(RowProblem(name, number, "period", str(error)))
    else:
        if period.pooled != (measure.period == "pooled_3_years"):
            want = (
                "three pooled years like 2003-05" if measure.period == "pooled_3_years" else "a single year"
            )
            problems.append(
                RowProblem(name, number, "period", f"{period.label}; {measure.id} is given for {want}")
            )
    breakdown = record["breakdown"] or "all"
    group = record["group"]
    if breakdown not in measure.breakdowns:
        problems.append(
            RowProblem(
                name,
                number,
                "breakdown",
                f"{breakdown!r}; {measure.id} is broken down by {', '.join(measure.breakdowns)}",
            )
        )
    if breakdown == "quintile" and group not in ("1", "2", "3", "4", "5"):
        problems.append(
            RowProblem(name, number, "group", f"quintile {group!r}; expected 1 (most deprived) to 5")
        )
    if breakdown == "all" and not group:
        group = "all"
    elif not group:
        problems.append(
            RowProblem(name, number, "group", f"missing; expected the {breakdown.replace('_', ' ')}'s name")
        )
    values = {
        column: _number(name, number, column, record.get(column, ""), problems)
        for column in ("numerator", "denominator", "value", "lower", "upper")
    }
    age_band = record.get("age_band", "")
    unreadable = {problem.column for problem in problems[before:]}
    if not unreadable & {"numerator", "denominator", "value"}:
        _kind_problems(name, number, measure, age_band, values, problems)
    status = record.get("status", "") or "local"
    if status not in ("published", "synthetic", "local"):
        problems.append(
            RowProblem(name, number, "status", f"{status!r}; expected published, synthetic or local")
        )
    if len(problems) > before:
        return None
    return ValueRow(
        number,
        measure.id,
        record["period"].strip(),
        breakdown,
        group,
        age_band,
        values["numerator"],
        values["denominator"],
        values["value"],
        values["lower"],
        values["upper"],
        status,
    )


def _kind_problems(
    name: str,
    number: int,
    measure: Measure,
    age_band: str,
    values: Mapping[str, float | None],
    problems: list[RowProblem],
) -> None:
    numerator, denominator = values["numerator"], values["denominator"]
    if measure.kind == "value":
        if values["value"] is None:
            problems.append(
                RowProblem(name, number, "value", f"{measure.id} is a value given by its source; give it")
            )
        if denominator is not None and denominator <= 0:
            problems.append(
                RowProblem(name, number, "denominator", f"a population of {denominator:g}; expected above 0")
            )
        return
    if numerator is None and values["value"] is not None:
        if age_band:
            problems.append(
                RowProblem(name, number, "age_band", "a value given as published has no age band")
            )
        return  # a rate or proportion given as its source publishes it
    if measure.kind == "dsr":
        bands = measure.age_bands or list(stats.ESP2013_BANDS)
        if age_band not in bands:
            problems.append(
                RowProblem(name, number, "age_band", f"{age_band!r}; expected one of {', '.join(bands)}")
            )
    elif age_band:
        problems.append(
            RowProblem(name, number, "age_band", f"{measure.id} is not standardised by age; leave it blank")
        )
    if numerator is None:
        problems.append(RowProblem(name, number, "numerator", "missing; expected a count of 0 or more"))
    elif numerator < 0 or numerator != int(numerator):
        problems.append(
            RowProblem(name, number, "numerator", f"{numerator:g}; expected a whole count of 0 or more")
        )
    if denominator is None:
        problems.append(RowProblem(name, number, "denominator", "missing; expected a population above 0"))
    elif denominator <= 0:
        what = "a rate" if measure.kind != "proportion" else "a proportion"
        problems.append(
            RowProblem(
                name,
                number,
                "denominator",
                f"{denominator:g}: {what} with a denominator of 0 or less; expected above 0",
            )
        )
    elif measure.kind == "proportion" and numerator is not None and numerator > denominator:
        problems.append(
            RowProblem(name, number, "numerator", f"{numerator:g} is above the denominator {denominator:g}")
        )


# --- computing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """A measure's value in a period and group, with its interval, counts and where it comes from."""

    measure: str
    period: str
    breakdown: str
    group: str
    value: float | None
    lower: float | None
    upper: float | None
    numerator: float | None
    denominator: float | None
    status: str

    @property
    def suppressed(self) -> bool:
        return self.numerator is not None and DISCLOSURE.suppressed(self.numerator)


def compute(measure: Measure, rows: Iterable[ValueRow]) -> tuple[Result, ...]:
    """Each (period, breakdown, group) of ``measure``'s rows as a value with its interval."""
    groups: dict[tuple[str, str, str], list[ValueRow]] = {}
    for row in rows:
        if row.measure == measure.id:
            groups.setdefault((row.period, row.breakdown, row.group), []).append(row)
    results = [_result(measure, key, members) for key, members in groups.items()]
    return tuple(sorted(results, key=lambda r: (parse_period(r.period), r.breakdown, r.group)))


def _result(measure: Measure, key: tuple[str, str, str], rows: list[ValueRow]) -> Result:
    period, breakdown, group = key
    status = "synthetic" if any(row.status == "synthetic" for row in rows) else rows[0].status
    given = next((row for row in rows if row.numerator is None and row.value is not None), None)
    if measure.kind == "value" or given is not None:
        row = given or rows[0]
        return Result(
            measure.id,
            period,
            breakdown,
            group,
            row.value,
            row.lower,
            row.upper,
            None,
            row.denominator,
            status,
        )
    numerator = sum(row.numerator or 0.0 for row in rows)
    denominator = sum(row.denominator or 0.0 for row in rows)
    estimate: stats.Estimate
    if measure.kind == "proportion":
        raw = stats.wilson(numerator, denominator)
        estimate = stats.Estimate(
            raw.value * measure.multiplier, raw.lower * measure.multiplier, raw.upper * measure.multiplier
        )
    elif measure.kind == "crude_rate":
        estimate = stats.byar_rate(numerator, denominator, measure.multiplier)
    else:
        estimate = stats.dsr(
            {row.age_band: row.numerator or 0.0 for row in rows},
            {row.age_band: row.denominator or 0.0 for row in rows},
            multiplier=measure.multiplier,
        )
    return Result(
        measure.id,
        period,
        breakdown,
        group,
        estimate.value,
        estimate.lower,
        estimate.upper,
        numerator,
        denominator,
        status,
    )


@dataclass(frozen=True)
class Inequality:
    """A period's gap between the most deprived quintile and the average, and the slope index."""

    measure: str
    period: str
    most_deprived: float
    average: float
    gap: float
    slope_index: float | None
    slope_lower: float | None = None
    slope_upper: float | None = None
    """The slope index's 95% interval, from the quintiles' own (None when a quintile has none)."""


def inequality(measure: Measure, results: Sequence[Result]) -> tuple[Inequality, ...]:
    """Each period's gap (most deprived quintile against the average, positive when worse) and slope index
    of inequality (when all five quintiles have a value and a population)."""
    higher = measure.direction == "higher_is_better"
    out = []
    for period in sorted({r.period for r in results}, key=parse_period):
        average = next((r for r in results if r.period == period and r.breakdown == "all"), None)
        quintiles = {r.group: r for r in results if r.period == period and r.breakdown == "quintile"}
        first = quintiles.get("1")
        if average is None or first is None or average.value is None or first.value is None:
            continue
        sii = interval = None
        if len(quintiles) == 5 and all(r.value is not None and r.denominator for r in quintiles.values()):
            points = [
                stats.QuintileValue(int(g), r.value or 0.0, r.denominator or 0.0, r.lower, r.upper)
                for g, r in quintiles.items()
            ]
            sii = stats.slope_index(points)
            interval = stats.slope_index_interval(points)
        gap = stats.deprived_gap(first.value, average.value, higher)
        out.append(
            Inequality(
                measure.id,
                period,
                first.value,
                average.value,
                gap,
                sii,
                interval.lower if interval else None,
                interval.upper if interval else None,
            )
        )
    return tuple(out)


# --- comparisons with peers, the region and England -----------------------------------------------------

Judgement = Literal["better", "similar", "worse"]


@dataclass(frozen=True)
class Comparison:
    """A value of the system (its whole population or a place) against a comparator's in the same period."""

    measure: str
    period: str
    area: str
    """``all`` for the whole population, else the place's name."""
    value: float
    lower: float | None
    upper: float | None
    comparator: str
    comparator_value: float
    difference: float
    """The value less the comparator's, in the measure's unit."""
    judgement: Judgement
    tested: bool
    """Whether the judgement is from the value's 95% interval (similar when it holds the comparator's value,
    as Fingertips compares with England); else it is the direction of the difference alone."""
    status: str


def judge(value: float, lower: float | None, upper: float | None, other: float, higher: bool) -> Judgement:
    """Better, similar or worse than ``other``: similar when the 95% interval holds it (or, with no interval,
    only when equal), else by the measure's direction."""
    if lower is not None and upper is not None and lower <= other <= upper:
        return "similar"
    if value == other:
        return "similar"
    return "better" if (value > other) == higher else "worse"


def comparisons(measure: Measure, results: Sequence[Result]) -> tuple[Comparison, ...]:
    """Each period's whole-population and place values against each comparator of the same period (seed
    002: "below England averages", "lag behind the rest of Staffordshire and the West Midlands")."""
    higher = measure.direction == "higher_is_better"
    out = []
    for period in sorted({r.period for r in results}, key=parse_period):
        others = [
            r
            for r in results
            if r.period == period and r.breakdown == "comparator" and r.value is not None and not r.suppressed
        ]
        areas = [
            r
            for r in results
            if r.period == period
            and r.breakdown in ("all", "place")
            and r.value is not None
            and not r.suppressed
        ]
        for area in areas:
            for other in others:
                value, base = area.value or 0.0, other.value or 0.0
                tested = area.lower is not None and area.upper is not None
                status = "synthetic" if "synthetic" in (area.status, other.status) else area.status
                out.append(
                    Comparison(
                        measure.id,
                        period,
                        area.group if area.breakdown == "place" else "all",
                        value,
                        area.lower,
                        area.upper,
                        other.group,
                        base,
                        value - base,
                        judge(value, area.lower, area.upper, base, higher),
                        tested,
                        status,
                    )
                )
    return tuple(out)


@dataclass(frozen=True)
class Variation:
    """The spread of a measure between the system's places in a period (seed 004: "reduction in variation of
    life expectancy between localities")."""

    measure: str
    period: str
    lowest: str
    lowest_value: float
    highest: str
    highest_value: float
    status: str

    @property
    def range(self) -> float:
        return self.highest_value - self.lowest_value


def variation(measure: Measure, results: Sequence[Result]) -> tuple[Variation, ...]:
    """Each period with two places or more: the lowest and the highest place and the range between them."""
    out = []
    for period in sorted({r.period for r in results}, key=parse_period):
        places = [
            r
            for r in results
            if r.period == period and r.breakdown == "place" and r.value is not None and not r.suppressed
        ]
        if len(places) < 2:
            continue
        low = min(places, key=lambda r: r.value or 0.0)
        high = max(places, key=lambda r: r.value or 0.0)
        status = "synthetic" if any(r.status == "synthetic" for r in places) else places[0].status
        out.append(
            Variation(measure.id, period, low.group, low.value or 0.0, high.group, high.value or 0.0, status)
        )
    return tuple(out)


# --- progress --------------------------------------------------------------------------------


def planned(measure: Measure, period: str) -> float | None:
    """The trajectory's value in ``period``: linear by end year between the baseline and the targets, the
    last target holding after it; ``None`` before the baseline."""
    points = sorted([(parse_period(p.period).end, p.value) for p in (measure.baseline, *measure.targets)])
    end = parse_period(period).end
    if end < points[0][0]:
        return None
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x0 <= end <= x1:
            return y0 + (y1 - y0) * (end - x0) / (x1 - x0)
    return points[-1][1]


def rag(measure: Measure, result: Result, plan: float) -> RAG:
    """Green at or better than planned; amber worse but not significantly (the interval reaches the planned
    value, or within ``tolerance`` for a value without one); red when the whole interval is worse."""
    value = result.value
    assert value is not None
    higher = measure.direction == "higher_is_better"
    worse = value < plan if higher else value > plan
    if not worse:
        return "green"
    if result.lower is not None and result.upper is not None:
        reaches = result.upper >= plan if higher else result.lower <= plan
        return "amber" if reaches else "red"
    return "amber" if abs(value - plan) <= measure.tolerance else "red"


@dataclass(frozen=True)
class Progress:
    """A measure's latest value against its trajectory, and its gap against the gap target."""

    measure: Measure
    latest: Result | None
    planned: float | None
    rag: RAG | None
    baseline_gap: float | None
    latest_gap: Inequality | None
    gap_target: float | None
    gap_planned: float | None
    gap_rag: RAG | None


def progress(measure: Measure, rows: Iterable[ValueRow]) -> Progress:
    """The measure's progress: its latest whole-population value against the trajectory, with RAG (none for
    a measure with no target: its source sets a direction only), and its latest gap against the gap target
    (the baseline gap cut by ``cut_percent``, linear between)."""
    results = compute(measure, rows)
    overall = [r for r in results if r.breakdown == "all" and r.value is not None and not r.suppressed]
    latest = overall[-1] if overall else None
    plan = planned(measure, latest.period) if latest and measure.targets else None
    status = rag(measure, latest, plan) if latest is not None and plan is not None else None
    gaps = inequality(measure, results)
    base_end = parse_period(measure.baseline.period).end
    baseline_gap = next((g.gap for g in gaps if parse_period(g.period).end == base_end), None)
    latest_gap = gaps[-1] if gaps else None
    gap_target = gap_planned = None
    gap_status: RAG | None = None
    if measure.gap_target is not None and baseline_gap is not None:
        gap_target = baseline_gap * (1 - measure.gap_target.cut_percent / 100)
        if latest_gap is not None:
            target_end = parse_period(measure.gap_target.period).end
            end = parse_period(latest_gap.period).end
            share = min(max((end - base_end) / (target_end - base_end), 0.0), 1.0)
            gap_planned = baseline_gap + (gap_target - baseline_gap) * share
            gap_status = (
                "green"
                if latest_gap.gap <= gap_planned + 1e-9
                else ("amber" if latest_gap.gap <= baseline_gap else "red")
            )
    return Progress(
        measure, latest, plan, status, baseline_gap, latest_gap, gap_target, gap_planned, gap_status
    )


def disclosed_count(count: float | None) -> float | None:
    """A count as it may be shown: ``None`` below 10, else rounded to the nearest 5."""
    if count is None or DISCLOSURE.suppressed(count):
        return None
    return DISCLOSURE.round_count(count)
