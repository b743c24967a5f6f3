"""The neighbourhoods file: the place's neighbourhood teams, their practices, case managers and matrons.

A neighbourhood (a hub, a locality) is a group of GP practices with a team that case-manages its part of the
cohort: case managers and community matrons (WTE), each carrying a caseload; a target share of the
neighbourhood's cohort enrolled each year, capped by that capacity; and the share of the enrolled with a
shared care plan. The scheme the teams deliver removes ``deflection`` of each enrolled patient's activity in
the PODs named (docs/neighbourhoods.md).

Read with :func:`carebridge.scenario.loader.load_model`, so every problem is located (file, line, field):
a caseload of zero, a practice in two neighbourhoods, a year out of order. Practices unknown to the patient
table are found when the table is read (:func:`practice_problems`).
"""

from __future__ import annotations

import csv
import math
import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.errors import InputError, Problem, did_you_mean
from carebridge.scenario.loader import load_model
from carebridge.scenario.programme import month_index
from carebridge.scenario.source_map import SourceMap
from carebridge.scenario.years import YearError, parse_year

MEASURES = ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp")
"""The patient table's measures an effect may deflect (:mod:`carebridge.strat.columns`)."""


class NeighbourhoodsError(InputError):
    """A neighbourhoods file (or its utilisation file) that cannot be used."""

    kind = "neighbourhoods file"
    expected = "a map with name, caseload_per_wte, scheme and neighbourhoods"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Share = Annotated[float, Field(ge=0, le=1)]
Wte = Annotated[float, Field(ge=0, le=1000)]


class Caseload(Model):
    """Patients one WTE carries at a time."""

    case_manager: float = Field(description="Patients per case manager WTE (Stockport: 50).")
    matron: float = Field(description="Patients per community matron WTE (seed 001: 1,760 / 22 = 80).")


class Deflection(Model):
    """A share of each enrolled patient's activity removed, in one POD counted by one measure."""

    pod: str = Field(description="The scenario's POD the effect acts on.")
    measure: str = Field(description="The patient table's measure counted: ae, nel, nel_acs, el, ...")
    deflection: Share = Field(description="Share of an enrolled patient's activity removed.")


class Scheme(Model):
    id: str = Field(description="The scenario's scheme id, e.g. `neighbourhood`.")
    name: str = Field(description="The scheme's name.")
    effects: list[Deflection] = Field(min_length=1)


class Ramp(Model):
    """Enrolment growing by ``per_month`` patients a month from ``start``, up to the teams' capacity."""

    start: str = Field(description="The first month of enrolment, YYYY/YY-Mnn (M01 is April).")
    per_month: float = Field(description="Patients enrolled each month, net of those leaving.")


class Trajectory(Model):
    """Enrolment month by month: a ramp toward the capacity cap, or an explicit series (patients enrolled
    at each month's end; a month not given holds the month before, none before the first)."""

    ramp: Ramp | None = None
    monthly: dict[str, float] | None = Field(
        None, description="Patients enrolled at the end of each month, by month YYYY/YY-Mnn."
    )


class Neighbourhood(Model):
    name: str
    practices: list[str] = Field(min_length=1, description="Practice codes of the patient table.")
    case_managers: Wte = Field(description="Case managers, WTE.")
    matrons: Wte = Field(0.0, description="Community matrons, WTE.")
    enrolment: dict[str, Share] = Field(
        default_factory=dict, description="Target share of the cohort enrolled, by year."
    )
    trajectory: Trajectory | None = Field(
        None, description="Enrolment month by month; replaces the yearly targets' enrolment."
    )
    care_plans: Share = Field(description="Share of the enrolled with a shared care plan.")


class NeighbourhoodsFile(Model):
    name: str
    cohort_top: float = Field(15.0, gt=0, le=100, description="The cohort: the top x% by predicted risk.")
    caseload_per_wte: Caseload
    scheme: Scheme
    neighbourhoods: list[Neighbourhood] = Field(min_length=1)

    def years(self) -> list[str]:
        """Every year from the first to the last that any neighbourhood's targets, ramp start or monthly
        series names, in order."""
        found = {year for n in self.neighbourhoods for year in n.enrolment}
        for neighbourhood in self.neighbourhoods:
            trajectory = neighbourhood.trajectory or Trajectory()
            months = [*(trajectory.monthly or {}), *([trajectory.ramp.start] if trajectory.ramp else [])]
            found |= {month.split("-")[0] for month in months if month_index(month) is not None}
        starts = sorted(parse_year(year) for year in found)
        if not starts:
            return []
        return [f"{start}/{(start + 1) % 100:02d}" for start in range(starts[0], starts[-1] + 1)]

    def capacity(self, neighbourhood: Neighbourhood) -> float:
        """Patients the team can case-manage at once: WTE × caseload per WTE."""
        return (
            neighbourhood.case_managers * self.caseload_per_wte.case_manager
            + neighbourhood.matrons * self.caseload_per_wte.matron
        )


MONTH_EXPECTED = "expected a financial month like 2017/18-M04 (M01 is April)"


def year_months(year: str) -> list[int]:
    """The twelve month counts of a financial year, April to March."""
    return [parse_year(year) * 12 + number for number in range(12)]


def trajectory_at(trajectory: Trajectory, month: int) -> float:
    """Patients enrolled at the end of ``month`` (a month count) by the trajectory, before any cap: the
    ramp's ``per_month`` × the months since its start (counting the start), or the series' value of the
    latest month given up to ``month``; 0 before either begins."""
    if trajectory.ramp is not None:
        start = month_index(trajectory.ramp.start)
        if start is None or month < start:
            return 0.0
        return trajectory.ramp.per_month * (month - start + 1)
    given = sorted(
        (index, value)
        for label, value in (trajectory.monthly or {}).items()
        if (index := month_index(label)) is not None and index <= month
    )
    return given[-1][1] if given else 0.0


def file_problems(plan: NeighbourhoodsFile) -> list[Problem]:
    """What is wrong in meaning: caseloads, overlapping practices, names, years, measures."""
    problems: list[Problem] = []
    for role in ("case_manager", "matron"):
        value = getattr(plan.caseload_per_wte, role)
        if not (math.isfinite(value) and value > 0):
            problems.append(
                Problem(
                    ("caseload_per_wte", role),
                    f"a caseload of {value:g} patients per WTE; expected more than 0 (a team with no "
                    "caseload can enrol nobody)",
                )
            )
    for index, effect in enumerate(plan.scheme.effects):
        if effect.measure not in MEASURES:
            problems.append(
                Problem(
                    ("scheme", "effects", index, "measure"),
                    f"'{effect.measure}' is not a measure of the patient table; expected one of "
                    f"{', '.join(MEASURES)}{did_you_mean(effect.measure, MEASURES)}",
                )
            )
    owner: dict[str, str] = {}
    names: set[str] = set()
    for index, neighbourhood in enumerate(plan.neighbourhoods):
        if neighbourhood.name in names:
            problems.append(
                Problem(("neighbourhoods", index, "name"), f"'{neighbourhood.name}' is named twice")
            )
        names.add(neighbourhood.name)
        for position, practice in enumerate(neighbourhood.practices):
            if practice in owner:
                problems.append(
                    Problem(
                        ("neighbourhoods", index, "practices", position),
                        f"practice '{practice}' is already in {owner[practice]}; a practice belongs to "
                        "one neighbourhood",
                    )
                )
            else:
                owner[practice] = neighbourhood.name
        for year in neighbourhood.enrolment:
            try:
                parse_year(year)
            except YearError as error:
                problems.append(Problem(("neighbourhoods", index, "enrolment", year), str(error)))
        problems += trajectory_problems(plan, index)
    return problems


def trajectory_problems(plan: NeighbourhoodsFile, index: int) -> list[Problem]:
    """A neighbourhood with neither yearly targets nor a trajectory, a trajectory with both a ramp and a
    series (or neither), a month that is not a month, a ramp or a month going negative, a month above the
    teams' capacity (WTE × caseload per WTE)."""
    neighbourhood = plan.neighbourhoods[index]
    path: tuple[str | int, ...] = ("neighbourhoods", index)
    trajectory = neighbourhood.trajectory
    if trajectory is None:
        if not neighbourhood.enrolment:
            message = (
                f"{neighbourhood.name} has no enrolment; give enrolment (a target share of the cohort by "
                "year) or trajectory (ramp or monthly)"
            )
            return [Problem(path, message)]
        return []
    path = (*path, "trajectory")
    if (trajectory.ramp is None) == (trajectory.monthly is None):
        return [Problem(path, "give one of ramp: {start, per_month} or monthly: {YYYY/YY-Mnn: patients}")]
    capacity = plan.capacity(neighbourhood)
    problems: list[Problem] = []
    if trajectory.ramp is not None:
        ramp = trajectory.ramp
        if month_index(ramp.start) is None:
            problems.append(Problem((*path, "ramp", "start"), f"'{ramp.start}'; {MONTH_EXPECTED}"))
        if not (math.isfinite(ramp.per_month) and ramp.per_month > 0):
            message = (
                f"{neighbourhood.name}: {ramp.per_month:g} patients a month; expected more than 0 (enrolment "
                "cannot go negative, "
                "and a ramp of 0 enrols nobody)"
            )
            problems.append(Problem((*path, "ramp", "per_month"), message))
        return problems
    for month, value in (trajectory.monthly or {}).items():
        where = (*path, "monthly", month)
        if month_index(month) is None:
            problems.append(Problem(where, f"'{month}'; {MONTH_EXPECTED}"))
        if not math.isfinite(value) or value < 0:
            message = f"{neighbourhood.name}: {value:g} patients; enrolment cannot go negative"
            problems.append(Problem(where, message))
        elif value > capacity + 1e-9:
            message = (
                f"{neighbourhood.name}: {value:g} patients enrolled, above the teams' capacity of "
                f"{capacity:g} ("
                f"{neighbourhood.case_managers:g} case managers × {plan.caseload_per_wte.case_manager:g} + "
                f"{neighbourhood.matrons:g} matrons × {plan.caseload_per_wte.matron:g}); expected no more "
                "than the capacity"
            )
            problems.append(Problem(where, message))
    return problems


def load_neighbourhoods(path: str | pathlib.Path) -> tuple[NeighbourhoodsFile, SourceMap]:
    """The neighbourhoods file at ``path``; :class:`NeighbourhoodsError` with every problem located."""
    return load_model(path, NeighbourhoodsFile, NeighbourhoodsError, file_problems)


def practice_problems(plan: NeighbourhoodsFile, source: SourceMap, practices: Iterable[str]) -> None:
    """Raise :class:`NeighbourhoodsError` for each practice the patient table does not have."""
    known = sorted(set(practices))
    problems = [
        Problem(
            ("neighbourhoods", index, "practices", position),
            f"practice '{practice}' is not in the patient table{did_you_mean(practice, known)}",
        )
        for index, neighbourhood in enumerate(plan.neighbourhoods)
        for position, practice in enumerate(neighbourhood.practices)
        if practice not in known
    ]
    if problems:
        raise NeighbourhoodsError(source.locate(problems))


# --- utilisation of the enrolled cohort (imported CSV) ------------------------------------------------------

UTILISATION_COLUMNS = ("month", "neighbourhood", "group", "patients", "admissions")
GROUPS = ("enrolled", "comparison")


@dataclass(frozen=True)
class UtilisationRow:
    """One month of one group's emergency admissions in one neighbourhood."""

    month: str
    neighbourhood: str
    group: str
    patients: int
    admissions: int


def read_utilisation(path: pathlib.Path, names: Sequence[str]) -> list[UtilisationRow]:
    """The rows of a utilisation CSV, every bad row located (file:line, column); names must be known."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise NeighbourhoodsError([Problem((), f"cannot read the file: {error}", file=file)]) from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in UTILISATION_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        message = f"the header lacks {', '.join(missing)}; expected {', '.join(UTILISATION_COLUMNS)}"
        raise NeighbourhoodsError([Problem((), message, file=file, line=1)])
    rows: list[UtilisationRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in enumerate(reader, start=2):
        found: dict[str, int] = {}
        key = (record["month"], record["neighbourhood"], record["group"])
        if key in seen:
            message = (
                f"a second row for {key[1]}'s {key[2]} group in {key[0]} (the first is line {seen[key]}); "
                "expected one row per month, neighbourhood and group"
            )
            problems.append(Problem(("month",), message, file=file, line=line))
        seen.setdefault(key, line)
        if month_index(record["month"] or "") is None:
            message = f"'{record['month']}'; expected a financial month like 2018/19-M06 (M01 is April)"
            problems.append(Problem(("month",), message, file=file, line=line))
        if record["neighbourhood"] not in names:
            hint = did_you_mean(record["neighbourhood"], names)
            problems.append(
                Problem(
                    ("neighbourhood",),
                    f"'{record['neighbourhood']}' is not a neighbourhood of the file{hint}",
                    file=file,
                    line=line,
                )
            )
        if record["group"] not in GROUPS:
            problems.append(
                Problem(
                    ("group",), f"'{record['group']}'; expected enrolled or comparison", file=file, line=line
                )
            )
        for column in ("patients", "admissions"):
            text_value = (record[column] or "").strip()
            if not text_value.isdigit():
                problems.append(
                    Problem(
                        (column,), f"'{text_value}'; expected a whole number, 0 or more", file=file, line=line
                    )
                )
            else:
                found[column] = int(text_value)
        if len(found) == 2:
            rows.append(
                UtilisationRow(
                    record["month"],
                    record["neighbourhood"],
                    record["group"],
                    found["patients"],
                    found["admissions"],
                )
            )
    if problems:
        raise NeighbourhoodsError(problems)
    return rows
