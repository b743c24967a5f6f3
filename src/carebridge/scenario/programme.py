"""The programme file: how a plan is delivered — strategic objectives, priority programmes, workstreams, their
people, success measures, milestones and critical decisions — and the resources the partners put in.

From the Staffordshire & Stoke-on-Trent STP (seed ``002_…``: the five strategic objectives, Appendix B
"Programme Infrastructure", Appendix C's milestones at 6, 12 and 18 months, the critical decisions of
"Transforming Care – Areas of Opportunity" and Appendix D) and Stockport (seed ``003_…`` section 2.6, the
resourcing of Stockport Together). The file sits beside the scenario: every scheme and plan line of the
scenario belongs to exactly one workstream, so the plan on a page can roll the money up by objective,
programme and workstream (:mod:`carebridge.delivery.programme_rollup`).

Roles given on a priority programme hold for each of its workstreams unless the workstream names its own;
the workstream's **owners** (emails, the names people sign in with) are its own and its programme's: only
they may record its gateway returns. Months are financial months ``YYYY/YY-Mnn`` (M01 is April).
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from carebridge.scenario.errors import InputError, Path, Problem, did_you_mean
from carebridge.scenario.loader import load_model
from carebridge.scenario.pydantic_errors import problems_from_validation
from carebridge.scenario.schema import Scenario
from carebridge.scenario.years import YearError, parse_year


class ProgrammeError(InputError):
    """A programme file that cannot be used."""

    kind = "programme"
    expected = "a programme with name, start, end and objectives (or resourcing)"
    document = "a programme file"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Text = Annotated[str, Field(min_length=1)]
Money = Annotated[float, Field(ge=0, le=1e9)]
MILESTONE_MONTHS = (6, 12, 18)
DecisionStatus = Literal["open", "taken", "deferred"]
DECISION_STATUSES = ("open", "taken", "deferred")


class Roles(Model):
    """The people who lead a programme or a workstream (Appendix B)."""

    sro: str | None = Field(None, description="Senior responsible owner.")
    clinical_lead: str | None = None
    programme_director: str | None = None
    finance_lead: str | None = Field(None, description="Finance & risk lead.")


ROLE_NAMES: dict[str, str] = {
    "sro": "SRO",
    "clinical_lead": "clinical lead",
    "programme_director": "programme director",
    "finance_lead": "finance lead",
}


class Milestone(Model):
    """What the workstream will have done 6, 12 or 18 months from the programme's start."""

    months: Literal[6, 12, 18] = Field(description="Months from the programme's start: 6, 12 or 18.")
    description: Text


class Workstream(Model):
    """A workstream and the schemes and plan lines that carry its money."""

    id: Text
    name: Text
    roles: Roles = Field(
        default_factory=Roles, description="Its own leads; a role left out is its programme's."
    )
    owners: list[str] = Field(
        default_factory=list,
        description="Emails of those who may record its returns, beside its programme's.",
    )
    schemes: list[str] = Field(default_factory=list, description="Ids of the scenario's schemes.")
    lines: list[str] = Field(default_factory=list, description="Ids of the scenario's plan lines.")
    success: list[Text] = Field(default_factory=list, description="What success looks like in 2020/21.")
    milestones: list[Milestone] = Field(default_factory=list)
    note: str | None = None


class PriorityProgramme(Model):
    id: Text
    name: Text
    roles: Roles = Field(default_factory=Roles)
    owners: list[str] = Field(default_factory=list)
    workstreams: list[Workstream]


class Objective(Model):
    id: Text
    name: Text
    description: str | None = None
    success: list[Text] = Field(default_factory=list, description="What success looks like in 2020/21.")
    programmes: list[PriorityProgramme]


class Decision(Model):
    """A critical decision: the forum that takes it, when, its status and the money that depends on it."""

    id: Text
    name: Text
    workstream: Text = Field(description="Id of the workstream that needs it.")
    forum: Text = Field(description="The board or committee that takes it.")
    due: str = Field(description="The month it is due, YYYY/YY-Mnn.")
    status: DecisionStatus = "open"
    depends: list[str] = Field(
        default_factory=list, description="Ids of the schemes and plan lines whose savings depend on it."
    )
    note: str | None = None


class PartnerResources(Model):
    """What a partner puts in (seed 003, 2.6: substantive staff and the joint resource budget), £'000."""

    partner: Text
    substantive_staff: Money | None = Field(None, description="£'000; omit when not applicable (N/A).")
    joint_budget: Money = Field(0.0, description="Its funding of the joint resource budget, £'000.")


class StaffingElement(Model):
    """Staffing costs of one element of the programme, by funder, £'000."""

    element: Text
    by_funder: dict[str, Money]
    total: Money | None = Field(None, description="The row's total as published, when it is printed.")


class ContractType(Model):
    type: Text
    amount: Money


class NonStaffItem(Model):
    item: Text
    amount: Money
    confirmed: bool = Field(True, description="`false` for costs still to be agreed.")


class Resourcing(Model):
    """The resources of the programme in a year (seed 003, section 2.6), £'000."""

    year: str
    source: str | None = None
    partners: list[PartnerResources] = Field(default_factory=list)
    staffing: list[StaffingElement] = Field(default_factory=list)
    staffing_totals: dict[str, Money] | None = Field(
        None, description="The published totals of the staffing by funder, and `Total`, when printed."
    )
    contract_types: list[ContractType] = Field(default_factory=list)
    non_staff: list[NonStaffItem] = Field(default_factory=list)


class Programme(Model):
    name: Text
    source: str | None = None
    start: str | None = Field(None, description="First month of the programme, YYYY/YY-Mnn.")
    end: str | None = Field(None, description="Last month of gateway returns, YYYY/YY-Mnn.")
    objectives: list[Objective] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    resourcing: Resourcing | None = None


# --- the workstreams as a flat list -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkstreamView:
    """A workstream with its objective and programme, its roles filled from its programme, and its path."""

    objective: Objective
    programme: PriorityProgramme
    workstream: Workstream
    path: Path

    @property
    def id(self) -> str:
        return self.workstream.id

    @property
    def name(self) -> str:
        return self.workstream.name

    def role(self, role: str) -> str | None:
        own: str | None = getattr(self.workstream.roles, role)
        inherited: str | None = getattr(self.programme.roles, role)
        return own if own is not None else inherited

    @property
    def owners(self) -> tuple[str, ...]:
        seen = dict.fromkeys(o.strip().lower() for o in (*self.workstream.owners, *self.programme.owners))
        return tuple(owner for owner in seen if owner)


def workstreams(programme: Programme) -> list[WorkstreamView]:
    """Every workstream in the file's order, with its objective and programme."""
    return [
        WorkstreamView(objective, prog, ws, ("objectives", o, "programmes", p, "workstreams", w))
        for o, objective in enumerate(programme.objectives)
        for p, prog in enumerate(objective.programmes)
        for w, ws in enumerate(prog.workstreams)
    ]


# --- months -----------------------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4}/\d{2})-M(0[1-9]|1[0-2])$")


def month_index(label: str) -> int | None:
    """``2016/17-M07`` → a month count (start year × 12 + number − 1), or ``None`` when not a month."""
    match = _MONTH.match(label.strip())
    if match is None:
        return None
    try:
        start = parse_year(match.group(1))
    except YearError:
        return None
    return start * 12 + int(match.group(2)) - 1


def month_label(index: int) -> str:
    """The label of a month count: the inverse of :func:`month_index`."""
    start, number = divmod(index, 12)
    return f"{start}/{(start + 1) % 100:02d}-M{number + 1:02d}"


MONTH_EXPECTED = "expected a financial month YYYY/YY-Mnn, like 2016/17-M07 (October 2016; M01 is April)"


# --- checks -----------------------------------------------------------------------------------------------


def programme_problems(programme: Programme) -> list[Problem]:
    """The checks that need only the file: ids used twice, a workstream with no SRO or no owner, months, a
    scheme or plan line named by two workstreams, decisions for unknown workstreams, resourcing totals."""
    problems: list[Problem] = []
    problems += _month_problems(programme)
    problems += _id_problems(programme)
    views = workstreams(programme)
    for view in views:
        if not (view.role("sro") or "").strip():
            message = (
                f"the workstream '{view.name}' has no SRO; give roles: {{sro: …}} on it or on its programme "
                f"'{view.programme.name}'"
            )
            problems.append(Problem(view.path, message))
        if not view.owners:
            message = (
                f"the workstream '{view.name}' has no owner to record its gateway returns; give owners: "
                "[email, …] on it or on its programme"
            )
            problems.append(Problem(view.path, message))
    problems += _membership_twice(views)
    for view in views:
        seen_months: set[int] = set()
        for index, milestone in enumerate(view.workstream.milestones):
            if milestone.months in seen_months:
                message = f"the workstream '{view.name}' already has a {milestone.months}-month milestone"
                problems.append(Problem((*view.path, "milestones", index, "months"), message))
            seen_months.add(milestone.months)
    known = {view.id: view for view in views}
    for d, decision in enumerate(programme.decisions):
        if decision.workstream not in known:
            message = (
                f"no workstream has the id '{decision.workstream}'{did_you_mean(decision.workstream, known)}"
            )
            problems.append(Problem(("decisions", d, "workstream"), message))
    if programme.resourcing is not None:
        problems += resourcing_problems(programme.resourcing)
    return problems


def _month_problems(programme: Programme) -> list[Problem]:
    problems: list[Problem] = []
    months: dict[str, int | None] = {}
    for field in ("start", "end"):
        label = getattr(programme, field)
        if label is None:
            continue
        months[field] = month_index(label)
        if months[field] is None:
            problems.append(Problem((field,), f"{MONTH_EXPECTED}; found '{label}'"))
    start, end = months.get("start"), months.get("end")
    if start is not None and end is not None and end < start:
        problems.append(
            Problem(("end",), f"the end, {programme.end}, is before the start, {programme.start}")
        )
    if programme.objectives and programme.start is None:
        problems.append(Problem(("start",), f"give the programme's first month; {MONTH_EXPECTED}"))
    for d, decision in enumerate(programme.decisions):
        if month_index(decision.due) is None:
            problems.append(Problem(("decisions", d, "due"), f"{MONTH_EXPECTED}; found '{decision.due}'"))
    return problems


def _id_problems(programme: Programme) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, set[str]] = {
        "objective": set(),
        "programme": set(),
        "workstream": set(),
        "decision": set(),
    }

    def once(kind: str, identifier: str, path: Path) -> None:
        if identifier in seen[kind]:
            problems.append(Problem(path, f"the id '{identifier}' is used by an earlier {kind}"))
        seen[kind].add(identifier)

    for o, objective in enumerate(programme.objectives):
        once("objective", objective.id, ("objectives", o, "id"))
        for p, prog in enumerate(objective.programmes):
            once("programme", prog.id, ("objectives", o, "programmes", p, "id"))
            for w, ws in enumerate(prog.workstreams):
                once("workstream", ws.id, ("objectives", o, "programmes", p, "workstreams", w, "id"))
    for d, decision in enumerate(programme.decisions):
        once("decision", decision.id, ("decisions", d, "id"))
    return problems


def _membership_twice(views: Iterable[WorkstreamView]) -> list[Problem]:
    """A scheme or plan line that two workstreams (or one, twice) name."""
    problems: list[Problem] = []
    first: dict[tuple[str, str], str] = {}
    for view in views:
        for field, kind in (("schemes", "scheme"), ("lines", "plan line")):
            for index, item in enumerate(getattr(view.workstream, field)):
                earlier = first.get((field, item))
                if earlier is not None:
                    message = (
                        f"the {kind} '{item}' is already in the workstream '{earlier}'; each {kind} belongs "
                        "to exactly one workstream"
                    )
                    problems.append(Problem((*view.path, field, index), message))
                else:
                    first[(field, item)] = view.name
    return problems


def scenario_problems(programme: Programme, scenario: Scenario) -> list[Problem]:
    """Checks against the scenario: a workstream naming a scheme or plan line the scenario lacks, a scheme or
    plan line of the scenario in no workstream, a decision depending on an unknown one."""
    problems: list[Problem] = []
    schemes = {scheme.id: scheme.name for scheme in scenario.schemes}
    lines = {line.id: line.name for line in scenario.positions.plan_lines}
    named: dict[str, set[str]] = {"schemes": set(), "lines": set()}
    views = workstreams(programme)
    for view in views:
        for field, known, kind in (("schemes", schemes, "scheme"), ("lines", lines, "plan line")):
            for index, item in enumerate(getattr(view.workstream, field)):
                named[field].add(item)
                if item not in known:
                    message = f"the scenario has no {kind} '{item}'{did_you_mean(item, known)}"
                    problems.append(Problem((*view.path, field, index), message))
    for field, known, kind in (("schemes", schemes, "scheme"), ("lines", lines, "plan line")):
        missing = [identifier for identifier in known if identifier not in named[field]]
        if missing:
            listed = ", ".join(f"'{known[identifier]}' ({identifier})" for identifier in missing)
            where: Path = ("objectives",) if programme.objectives else ()
            message = (
                f"the scenario's {kind}{'s' if len(missing) > 1 else ''} {listed} "
                f"{'are' if len(missing) > 1 else 'is'} in no workstream; each {kind} belongs to exactly one "
                "workstream"
            )
            problems.append(Problem(where, message))
    every = schemes | lines
    for d, decision in enumerate(programme.decisions):
        for index, item in enumerate(decision.depends):
            if item not in every:
                message = f"the scenario has no scheme or plan line '{item}'{did_you_mean(item, every)}"
                problems.append(Problem(("decisions", d, "depends", index), message))
    return problems


def resourcing_problems(resourcing: Resourcing) -> list[Problem]:
    """The staffing by contract type adds to the staffing by element (the same staff counted two ways)."""
    problems: list[Problem] = []
    try:
        parse_year(resourcing.year)
    except YearError as error:
        problems.append(Problem(("resourcing", "year"), str(error)))
    if resourcing.staffing and resourcing.contract_types:
        by_element = staffing_total(resourcing)
        by_type = sum(c.amount for c in resourcing.contract_types)
        if abs(by_element - by_type) > 0.5:
            message = (
                f"the staffing by contract type adds to {by_type:,.0f}, the staffing by element to "
                f"{by_element:,.0f}; they count the same staff and must agree"
            )
            problems.append(Problem(("resourcing", "contract_types"), message))
    return problems


def staffing_total(resourcing: Resourcing) -> float:
    """The staffing costs' total: the published one when given, else the sum of the cells."""
    published = (resourcing.staffing_totals or {}).get("Total")
    if published is not None:
        return published
    return sum(sum(element.by_funder.values()) for element in resourcing.staffing)


# --- loading ----------------------------------------------------------------------------------------------


def load_programme(path: str | pathlib.Path, scenario: Scenario | None = None) -> Programme:
    """Read a programme file (YAML, or a programme workbook, ``.xlsx``), checked against ``scenario`` when
    given; raise :class:`ProgrammeError` listing every problem, located by line (or by sheet and cell)."""

    def check(programme: Programme) -> list[Problem]:
        problems = programme_problems(programme)
        if scenario is not None:
            problems += scenario_problems(programme, scenario)
        return problems

    if pathlib.Path(path).suffix.lower() in PROGRAMME_WORKBOOK_SUFFIXES:
        return _load_workbook(pathlib.Path(path), check)
    return load_model(path, Programme, ProgrammeError, check)[0]


PROGRAMME_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def _load_workbook(path: pathlib.Path, check: Callable[[Programme], list[Problem]]) -> Programme:
    """A programme workbook read into the data its YAML gives, then checked the same way, every problem
    located by sheet and cell."""
    from carebridge.scenario.excel import read_workbook
    from carebridge.scenario.excel.books import PROGRAMME_BOOK

    data, source = read_workbook(path, str(path), PROGRAMME_BOOK, ProgrammeError)
    try:
        programme = Programme.model_validate(data, strict=True)
    except ValidationError as error:
        raise ProgrammeError(source.locate(problems_from_validation(error, data, Programme))) from None
    problems = check(programme)
    if problems:
        raise ProgrammeError(source.locate(problems))
    return programme


def programme_data(programme: Programme) -> dict[str, Any]:
    """The plain data of ``programme`` as its file gave it (defaults left out stay out), in the schema's
    order: what a converted file writes."""
    return programme.model_dump(mode="python", exclude_unset=True)
