"""Efficiency programmes: each organisation's cost improvement (CIP) and QIPP schemes, phased by month.

Most of a system plan's savings are each organisation's efficiency programme (the Staffordshire STP's CIP and
QIPP, seed 002; the Stockport PCT's efficiency plan, seed 001). A programme file (YAML) holds, for one
financial year:

- each **organisation** and the **plan lines** its schemes deliver (``cip``, ``qipp``, or a driver-based
  line of the scenario), each with its annual value in £'000 and, optionally, its monthly phasing;
- each **scheme**: organisation, plan line, category (pay, non-pay, drugs, …), recurrent or not, stage of
  maturity (opportunity → identified → plans in progress → fully developed → delivered), quality impact
  assessment (status and date), owner, annual value and monthly phasing (flat when not given; when given,
  the twelve months must add up to the annual value).

The **unidentified gap** of a line is its annual value less the schemes identified for it (every stage but
``opportunity``). The **risk-adjusted value** weights each scheme's annual value by its stage
(:data:`DEFAULT_STAGE_WEIGHTS`, which a programme may change). Money is £'000, savings positive.
"""

from __future__ import annotations

import datetime as dt
import math
import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal

from pydantic import Field

from carebridge.delivery.fews import Ceilings, EfficiencyThresholds, Thresholds
from carebridge.delivery.months import MONTHS_IN_YEAR, Month, months_of_year
from carebridge.delivery.risks import Model
from carebridge.delivery.workdays import DEFAULT_DUE_WORKING_DAY
from carebridge.scenario.bounds import beyond_bound
from carebridge.scenario.errors import InputError, Path, Problem, did_you_mean
from carebridge.scenario.loader import load_model
from carebridge.scenario.years import YearError, parse_year

Stage = Literal["opportunity", "identified", "plans_in_progress", "fully_developed", "delivered"]
STAGES: tuple[Stage, ...] = ("opportunity", "identified", "plans_in_progress", "fully_developed", "delivered")
STAGE_NAMES = {
    "opportunity": "Opportunity",
    "identified": "Identified",
    "plans_in_progress": "Plans in progress",
    "fully_developed": "Fully developed",
    "delivered": "Delivered",
}
DEFAULT_STAGE_WEIGHTS: dict[str, float] = {
    "opportunity": 0.10,
    "identified": 0.25,
    "plans_in_progress": 0.50,
    "fully_developed": 0.90,
    "delivered": 1.00,
}
"""CareBridge's default weight of a scheme's value by its stage (a convention of CIP programme offices, not
a national rule): an opportunity counts a tenth, a fully developed scheme nine tenths, a delivered one all."""
Category = Literal["pay", "non_pay", "drugs", "clinical_supplies", "estates", "income", "other"]
CATEGORIES: tuple[str, ...] = ("pay", "non_pay", "drugs", "clinical_supplies", "estates", "income", "other")
QiaStatus = Literal["not_started", "in_progress", "approved", "rejected"]
PHASING_TOLERANCE = 0.5
"""£'000: how far a phasing's sum may be from the annual value (rounding of twelve cells to £'000)."""

Money = Annotated[float, Field(ge=0)]


class EfficiencyError(InputError):
    """An efficiency programme that cannot be used."""

    kind = "efficiency programme"
    expected = "an efficiency programme with name, year, organisations and schemes"


class LineSpec(Model):
    id: str = Field(description="The plan line: cip, qipp, or a driver-based line of the scenario.")
    name: str
    annual: Money = Field(description="The line's value in the year, £'000 saved.")
    phasing: list[float] | None = Field(None, description="Twelve months, April to March, £'000.")
    upper: Money | None = Field(None, description="An upper range of the line, when the plan gives one.")


class OrganisationSpec(Model):
    id: str
    name: str
    do_something: float | None = Field(
        None, description="The plan's do-something position of the year, £'000 (a deficit positive)."
    )
    lines: list[LineSpec] = Field(default_factory=list)


class QiaSpec(Model):
    status: QiaStatus = "not_started"
    date: str | None = Field(None, description="When the quality impact assessment was signed, YYYY-MM-DD.")


class SchemeSpec(Model):
    id: str
    name: str
    organisation: str
    line: str
    category: Category
    recurrent: bool = True
    stage: Stage
    qia: QiaSpec = Field(default_factory=QiaSpec)
    owner: str
    annual: Money
    phasing: list[float] | None = None
    upper: Money | None = None


class ThresholdSpec(Model):
    amber: float
    red: float


class FewsSpec(Model):
    delivery: ThresholdSpec | None = Field(None, description="Delivered ÷ phased plan: below amber, red.")
    unidentified: ThresholdSpec | None = Field(None, description="Gap ÷ line: above amber, red.")
    non_recurrent: ThresholdSpec | None = Field(None, description="Non-recurrent ÷ delivered: above.")


class ProgrammeSpec(Model):
    name: str
    year: str
    source: str = ""
    due_working_day: Annotated[int, Field(ge=1, le=23)] = DEFAULT_DUE_WORKING_DAY
    stage_weights: dict[str, float] | None = None
    fews: FewsSpec = Field(default_factory=FewsSpec)
    organisations: list[OrganisationSpec]
    schemes: list[SchemeSpec] = Field(default_factory=list)


# --- the programme as the views use it ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    organisation: str
    id: str
    name: str
    annual: float
    phasing: tuple[float, ...]
    upper: float | None = None


@dataclass(frozen=True)
class Scheme:
    id: str
    name: str
    organisation: str
    line: str
    category: str
    recurrent: bool
    stage: str
    qia_status: str
    qia_date: dt.date | None
    owner: str
    annual: float
    phasing: tuple[float, ...]
    upper: float | None = None

    @property
    def identified(self) -> bool:
        return self.stage != "opportunity"


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    do_something: float | None


@dataclass(frozen=True)
class Programme:
    name: str
    year: str
    organisations: tuple[Organisation, ...]
    lines: tuple[PlanLine, ...]
    schemes: tuple[Scheme, ...]
    due_working_day: int = DEFAULT_DUE_WORKING_DAY
    stage_weights: tuple[tuple[str, float], ...] = tuple(DEFAULT_STAGE_WEIGHTS.items())
    thresholds: EfficiencyThresholds = field(default_factory=EfficiencyThresholds)
    source: str = ""
    file: str = ""
    """The name of the file the programme was loaded from (its ``do_something`` figures are typed there)."""

    @property
    def months(self) -> list[Month]:
        return months_of_year(self.year)

    @property
    def organisation_ids(self) -> list[str]:
        return [org.id for org in self.organisations]

    def organisation_name(self, org: str) -> str:
        return next((o.name for o in self.organisations if o.id == org), org)

    def scheme_name(self, scheme: str) -> str:
        return next((s.name for s in self.schemes if s.id == scheme), scheme)

    def weight(self, stage: str) -> float:
        return dict(self.stage_weights)[stage]

    def lines_of(self, org: str | None) -> list[PlanLine]:
        return [line for line in self.lines if org is None or line.organisation == org]

    def schemes_of(self, org: str | None, line: str | None = None) -> list[Scheme]:
        return [
            s
            for s in self.schemes
            if (org is None or s.organisation == org) and (line is None or s.line == line)
        ]

    def identified(self, org: str | None, line: str | None = None) -> float:
        return math.fsum(s.annual for s in self.schemes_of(org, line) if s.identified)

    def unidentified(self, org: str | None) -> float:
        """Each line less its identified schemes (a line over-identified counts nothing), summed."""
        return math.fsum(
            max(line.annual - self.identified(line.organisation, line.id), 0.0) for line in self.lines_of(org)
        )

    def risk_adjusted(self, org: str | None) -> float:
        return math.fsum(s.annual * self.weight(s.stage) for s in self.schemes_of(org))

    def planned_to(self, org: str | None, month: Month) -> float:
        """The phased plan of the efficiency lines to ``month``: each identified scheme's phasing and each
        line's unidentified gap spread as the line is phased."""
        count = month.number if month.year == self.year else (MONTHS_IN_YEAR if month.year > self.year else 0)
        total = 0.0
        for line in self.lines_of(org):
            schemes = [s for s in self.schemes_of(line.organisation, line.id) if s.identified]
            total += math.fsum(math.fsum(s.phasing[:count]) for s in schemes)
            gap = max(line.annual - math.fsum(s.annual for s in schemes), 0.0)
            share = math.fsum(line.phasing[:count]) / line.annual if line.annual else count / MONTHS_IN_YEAR
            total += gap * share
        return total


def flat(annual: float) -> tuple[float, ...]:
    return tuple(annual / MONTHS_IN_YEAR for _ in range(MONTHS_IN_YEAR))


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def programme_of(spec: ProgrammeSpec) -> Programme:
    """The programme of a checked file (:func:`programme_problems` found nothing)."""
    weights = {**DEFAULT_STAGE_WEIGHTS, **(spec.stage_weights or {})}
    defaults = EfficiencyThresholds()

    def pick(given: ThresholdSpec | None, default: Thresholds) -> Thresholds:
        return default if given is None else Thresholds(given.amber, given.red)

    def ceiling(given: ThresholdSpec | None, default: Ceilings) -> Ceilings:
        return default if given is None else Ceilings(given.amber, given.red)

    return Programme(
        spec.name,
        spec.year,
        tuple(Organisation(o.id, o.name, o.do_something) for o in spec.organisations),
        tuple(
            PlanLine(
                o.id,
                line.id,
                line.name,
                line.annual,
                tuple(line.phasing) if line.phasing else flat(line.annual),
                line.upper,
            )
            for o in spec.organisations
            for line in o.lines
        ),
        tuple(
            Scheme(
                s.id,
                s.name,
                s.organisation,
                s.line,
                s.category,
                s.recurrent,
                s.stage,
                s.qia.status,
                _date(s.qia.date),
                s.owner,
                s.annual,
                tuple(s.phasing) if s.phasing else flat(s.annual),
                s.upper,
            )
            for s in spec.schemes
        ),
        spec.due_working_day,
        tuple((stage, weights[stage]) for stage in STAGES),
        EfficiencyThresholds(
            pick(spec.fews.delivery, defaults.delivery),
            ceiling(spec.fews.unidentified, defaults.unidentified),
            ceiling(spec.fews.non_recurrent, defaults.non_recurrent),
        ),
        spec.source,
    )


def programme_problems(spec: ProgrammeSpec) -> list[Problem]:
    """Problems of meaning: ids once, known organisations and lines, phasing of twelve months adding up to
    the annual value, amounts within the bound of money, dates, weights and thresholds."""
    problems: list[Problem] = []
    try:
        parse_year(spec.year)
    except YearError as error:
        problems.append(Problem(("year",), str(error)))
    problems += _unique("organisations", [o.id for o in spec.organisations])
    problems += _unique("schemes", [s.id for s in spec.schemes])
    lines: dict[str, list[str]] = {}
    for index, org in enumerate(spec.organisations):
        lines[org.id] = [line.id for line in org.lines]
        problems += _unique_in(("organisations", index, "lines"), lines[org.id])
        for number, line in enumerate(org.lines):
            path: Path = ("organisations", index, "lines", number)
            problems += _amounts(path, line.annual, line.phasing)
    for index, scheme in enumerate(spec.schemes):
        path = ("schemes", index)
        if scheme.organisation not in lines:
            hint = did_you_mean(scheme.organisation, lines) or f"; expected one of {', '.join(lines)}"
            problems.append(
                Problem((*path, "organisation"), f"unknown organisation '{scheme.organisation}'{hint}")
            )
        elif scheme.line not in lines[scheme.organisation]:
            known = lines[scheme.organisation]
            hint = did_you_mean(scheme.line, known) or (
                f"; expected one of {', '.join(known)}" if known else "; the organisation has no plan lines"
            )
            problems.append(Problem((*path, "line"), f"unknown plan line '{scheme.line}'{hint}"))
        problems += _amounts(path, scheme.annual, scheme.phasing)
        if scheme.qia.date is not None:
            try:
                dt.date.fromisoformat(scheme.qia.date)
            except ValueError:
                problems.append(
                    Problem((*path, "qia", "date"), f"'{scheme.qia.date}' is not a date; expected YYYY-MM-DD")
                )
    for stage, weight in (spec.stage_weights or {}).items():
        if stage not in STAGES:
            hint = did_you_mean(stage, STAGES) or f"; expected one of {', '.join(STAGES)}"
            problems.append(Problem(("stage_weights", stage), f"unknown stage '{stage}'{hint}"))
        elif not 0 <= weight <= 1:
            problems.append(
                Problem(("stage_weights", stage), f"expected a weight from 0 to 1, found {weight:g}")
            )
    for name, given, ceiling in (
        ("delivery", spec.fews.delivery, False),
        ("unidentified", spec.fews.unidentified, True),
        ("non_recurrent", spec.fews.non_recurrent, True),
    ):
        if given is None:
            continue
        wrong = given.red < given.amber if ceiling else given.red > given.amber
        if wrong:
            expected = "red no lower than amber (a share above it is worse)" if ceiling else "red no higher"
            message = f"amber {given.amber:g} and red {given.red:g}: expected {expected}"
            problems.append(Problem(("fews", name), message))
    return problems


def _amounts(path: Path, annual: float, phasing: Sequence[float] | None) -> list[Problem]:
    problems = []
    beyond = beyond_bound(annual, "money")
    if beyond is not None:
        problems.append(Problem((*path, "annual"), beyond))
    if phasing is None:
        return problems
    if len(phasing) != MONTHS_IN_YEAR:
        problems.append(
            Problem((*path, "phasing"), f"expected 12 months (April to March), found {len(phasing)}")
        )
        return problems
    total = math.fsum(phasing)
    if abs(total - annual) > PHASING_TOLERANCE:
        message = (
            f"the phasing adds up to {total:,.1f} but the annual value is {annual:,.1f}; "
            "expected the twelve months to add up to it"
        )
        problems.append(Problem((*path, "phasing"), message))
    return problems


def _unique(section: str, ids: Sequence[str]) -> list[Problem]:
    return _unique_in((section,), ids)


def _unique_in(path: Path, ids: Sequence[str]) -> list[Problem]:
    return [
        Problem((*path, index, "id"), f"'{item}' is given twice; expected it once")
        for index, item in enumerate(ids)
        if item in ids[:index]
    ]


FILE_KEY = "file"
"""The key of the store's definition that keeps the name of the file loaded (not a field of the file)."""


def load_programme(path: str | pathlib.Path) -> tuple[Programme, dict[str, Any]]:
    """Read a programme file; raise :class:`EfficiencyError` listing every problem, located (file:line,
    field). Returns the programme and its definition as the store keeps it (JSON, with the file's name)."""
    spec, _ = load_model(path, ProgrammeSpec, EfficiencyError, programme_problems)
    name = pathlib.Path(path).name
    return replace(programme_of(spec), file=name), {**spec.model_dump(mode="json"), FILE_KEY: name}


def programme_from_json(definition: dict[str, Any]) -> Programme:
    """A programme the store holds (checked when it was loaded)."""
    fields = {key: value for key, value in definition.items() if key != FILE_KEY}
    programme = programme_of(ProgrammeSpec.model_validate(fields, strict=False))
    return replace(programme, file=str(definition.get(FILE_KEY) or ""))


def stage_table(programme: Programme, org: str | None) -> list[tuple[str, float, float]]:
    """(stage, annual value of the schemes at the stage, risk-adjusted value) for each stage."""
    rows: list[tuple[str, float, float]] = []
    for stage in STAGES:
        schemes = [s for s in programme.schemes_of(org) if s.stage == stage]
        annual = math.fsum(s.annual for s in schemes)
        rows.append((stage, annual, annual * programme.weight(stage)))
    return rows


def organisations_named(programme: Programme, ids: Iterable[str]) -> str:
    return ", ".join(programme.organisation_name(org) for org in ids)
