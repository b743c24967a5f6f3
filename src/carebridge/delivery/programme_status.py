"""Gateway assurance of the programme: monthly returns per workstream, milestone and decision updates, and
where the programme stands in a month.

From the STP's gateway assurance process (seed ``002_…``, line 1219): monthly gateway meetings "establishing
an agreed monthly status in 3 key areas: Progress against plan, delivery confidence, programme assurance
level", each red, amber or green; milestones at 6, 12 and 18 months; critical decisions with the forum that
takes them and a due date. Pure: the rows come from the store or a file; nothing here reads either.

- **A return** is recorded for a workstream of the programme in a month of the programme (its ``start`` to
  its ``end``), by one of the workstream's owners.
- **A decision is overdue** in a month when it is not taken and its due month (the latest update's, else the
  file's) is before that month; the savings at stake are the net money of the schemes and plan lines that
  depend on it, in the plan's bridge year.
- **A milestone is due** in the month its months from the start end (6 months from October 2016: March
  2017); it is overdue after that month unless achieved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from carebridge.scenario.errors import InputError, Path, Problem, did_you_mean
from carebridge.scenario.programme import (
    MONTH_EXPECTED,
    DecisionStatus,
    Model,
    Programme,
    WorkstreamView,
    month_index,
    month_label,
    workstreams,
)

Rag = Literal["green", "amber", "red"]
RAG: tuple[Rag, ...] = ("green", "amber", "red")
AREAS = ("progress", "confidence", "assurance")
AREA_TITLES = {
    "progress": "Progress against plan",
    "confidence": "Delivery confidence",
    "assurance": "Assurance level",
}
MilestoneStatus = Literal["not_started", "on_track", "at_risk", "achieved", "missed"]
MILESTONE_STATUSES = ("not_started", "on_track", "at_risk", "achieved", "missed")
Note = Annotated[str, Field(max_length=2000)]


class UpdatesError(InputError):
    """A file of gateway returns, milestone or decision updates that cannot be used; nothing is recorded."""

    kind = "gateway returns file"
    expected = "gateway returns: a map with returns, milestones and decisions (lists)"
    document = "a file of gateway returns (YAML or CSV)"


class GatewayReturnIn(Model):
    workstream: str
    month: str = Field(description="YYYY/YY-Mnn")
    progress: Rag
    confidence: Rag
    assurance: Rag
    note: Note = ""


class MilestoneIn(Model):
    workstream: str
    milestone: Literal[6, 12, 18] = Field(description="The milestone: 6, 12 or 18 months.")
    month: str
    status: MilestoneStatus
    note: Note = ""


class DecisionIn(Model):
    decision: str
    month: str
    status: DecisionStatus
    due: str | None = Field(None, description="A new due month, when the decision is moved.")
    note: Note = ""


class Updates(Model):
    """A file of updates: gateway returns, milestone updates, decision updates."""

    returns: list[GatewayReturnIn] = Field(default_factory=list)
    milestones: list[MilestoneIn] = Field(default_factory=list)
    decisions: list[DecisionIn] = Field(default_factory=list)


# --- checking a file of updates ---------------------------------------------------------------------------


def months_of(programme: Programme) -> list[str]:
    """The programme's months, start to end (empty when it gives neither)."""
    first, last = month_index(programme.start or ""), month_index(programme.end or programme.start or "")
    if first is None or last is None:
        return []
    return [month_label(index) for index in range(first, last + 1)]


def update_problems(programme: Programme, updates: Updates, by: str) -> list[Problem]:
    """Every problem of a file of updates recorded by ``by``: an unknown workstream, milestone or decision, a
    month that is not one of the programme's, an entry twice, a recorder who is not an owner."""
    views = {view.id: view for view in workstreams(programme)}
    months = months_of(programme)
    decisions = {decision.id: decision for decision in programme.decisions}
    problems: list[Problem] = []
    seen: set[tuple[object, ...]] = set()
    for i, entry in enumerate(updates.returns):
        path: Path = ("returns", i)
        view = _workstream(views, entry.workstream, (*path, "workstream"), problems)
        _month(entry.month, months, programme, (*path, "month"), problems)
        _once(("return", entry.workstream, entry.month), seen, path, problems)
        _owner(view, by, (*path, "workstream"), problems)
    for i, item in enumerate(updates.milestones):
        path = ("milestones", i)
        view = _workstream(views, item.workstream, (*path, "workstream"), problems)
        _month(item.month, months, programme, (*path, "month"), problems)
        _once(("milestone", item.workstream, item.milestone, item.month), seen, path, problems)
        if view is not None and item.milestone not in {m.months for m in view.workstream.milestones}:
            given = ", ".join(str(m.months) for m in view.workstream.milestones) or "none"
            message = (
                f"the workstream '{view.name}' has no {item.milestone}-month milestone (it has: {given})"
            )
            problems.append(Problem((*path, "milestone"), message))
        _owner(view, by, (*path, "workstream"), problems)
    for i, change in enumerate(updates.decisions):
        path = ("decisions", i)
        decision = decisions.get(change.decision)
        if decision is None:
            message = (
                f"the programme has no decision '{change.decision}'{did_you_mean(change.decision, decisions)}"
            )
            problems.append(Problem((*path, "decision"), message))
        _month(change.month, months, programme, (*path, "month"), problems)
        if change.due is not None and month_index(change.due) is None:
            problems.append(Problem((*path, "due"), f"{MONTH_EXPECTED}; found '{change.due}'"))
        _once(("decision", change.decision, change.month), seen, path, problems)
        if decision is not None:
            _owner(views.get(decision.workstream), by, (*path, "decision"), problems)
    return problems


def _workstream(
    views: Mapping[str, WorkstreamView], identifier: str, path: Path, problems: list[Problem]
) -> WorkstreamView | None:
    view = views.get(identifier)
    if view is None:
        message = f"the programme has no workstream '{identifier}'{did_you_mean(identifier, views)}"
        problems.append(Problem(path, message))
    return view


def _month(
    label: str, months: Sequence[str], programme: Programme, path: Path, problems: list[Problem]
) -> None:
    if month_index(label) is None:
        problems.append(Problem(path, f"{MONTH_EXPECTED}; found '{label}'"))
    elif label.strip() not in months:
        span = f"{months[0]} to {months[-1]}" if months else "none: the programme gives no start"
        problems.append(Problem(path, f"{label} is not a month of the programme '{programme.name}' ({span})"))


def _once(
    key: tuple[object, ...], seen: set[tuple[object, ...]], path: Path, problems: list[Problem]
) -> None:
    if key in seen:
        problems.append(Problem(path, "the same entry is given earlier in the file"))
    seen.add(key)


def _owner(view: WorkstreamView | None, by: str, path: Path, problems: list[Problem]) -> None:
    if view is None or by.strip().lower() in view.owners:
        return
    message = (
        f"{by} is not an owner of the workstream '{view.name}'; only its owners may record it "
        f"({', '.join(view.owners)})"
    )
    problems.append(Problem(path, message))


# --- where the programme stands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRecord:
    workstream: str
    month: str
    progress: str
    confidence: str
    assurance: str
    note: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class MilestoneRecord:
    workstream: str
    months: int
    month: str
    status: str
    note: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class DecisionRecord:
    decision: str
    month: str
    status: str
    due: str | None = None
    note: str = ""
    recorded_by: str = ""


@dataclass(frozen=True)
class ConfidenceChange:
    """The latest change in a workstream's delivery confidence: ``fell`` or ``rose``, from, to, and when."""

    direction: str
    before: str
    after: str
    month: str

    def __str__(self) -> str:
        return f"{self.direction} from {self.before} to {self.after} in {self.month}"


@dataclass(frozen=True)
class WorkstreamStatus:
    view: WorkstreamView
    history: tuple[ReturnRecord, ...]
    """Its returns up to the month, oldest first."""

    @property
    def latest(self) -> ReturnRecord | None:
        return self.history[-1] if self.history else None

    @property
    def confidence_change(self) -> ConfidenceChange | None:
        """The latest month whose delivery confidence differs from the return before it."""
        for before, after in reversed(list(zip(self.history, self.history[1:], strict=False))):
            if before.confidence != after.confidence:
                worse = RAG.index(after.confidence) > RAG.index(before.confidence)
                return ConfidenceChange(
                    "fell" if worse else "rose", before.confidence, after.confidence, after.month
                )
        return None


@dataclass(frozen=True)
class DecisionStatusRow:
    id: str
    name: str
    workstream: str
    forum: str
    due: str
    status: str
    overdue: bool
    at_stake: float | None
    note: str


@dataclass(frozen=True)
class MilestoneStatusRow:
    workstream: str
    months: int
    description: str
    due: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class ProgrammeStatus:
    """The programme in a month: each workstream's latest return, the grid of returns month by month, the
    decisions and milestones."""

    programme: Programme
    month: str
    months: tuple[str, ...]
    """The programme's months up to ``month``."""
    workstreams: tuple[WorkstreamStatus, ...]
    grid: Mapping[tuple[str, str], ReturnRecord]
    decisions: tuple[DecisionStatusRow, ...]
    milestones: tuple[MilestoneStatusRow, ...]
    at_stake_year: str

    @property
    def overdue(self) -> tuple[DecisionStatusRow, ...]:
        return tuple(decision for decision in self.decisions if decision.overdue)

    @property
    def overdue_at_stake(self) -> float:
        return sum(d.at_stake or 0.0 for d in self.overdue)


def programme_status(
    programme: Programme,
    month: str,
    returns: Sequence[ReturnRecord],
    milestones: Sequence[MilestoneRecord],
    decisions: Sequence[DecisionRecord],
    at_stake: Mapping[str, float] | None = None,
    at_stake_year: str = "",
) -> ProgrammeStatus:
    """Where the programme stands at the end of ``month`` (a month of the programme)."""
    now = month_index(month)
    if now is None:
        raise ValueError(f"{MONTH_EXPECTED}; found '{month}'")
    upto = [m for m in months_of(programme) if (month_index(m) or 0) <= now]
    grid = {(r.workstream, r.month): r for r in returns if (month_index(r.month) or 0) <= now}
    rows = []
    for view in workstreams(programme):
        own = sorted(
            (r for (w, _), r in grid.items() if w == view.id), key=lambda r: month_index(r.month) or 0
        )
        rows.append(WorkstreamStatus(view, tuple(own)))
    names = {view.id: view.name for view in workstreams(programme)}
    decided = []
    for decision in programme.decisions:
        updates = sorted(
            (u for u in decisions if u.decision == decision.id and (month_index(u.month) or 0) <= now),
            key=lambda u: month_index(u.month) or 0,
        )
        status: str = decision.status
        due, note = decision.due, decision.note or ""
        for update in updates:
            status, due, note = update.status, update.due or due, update.note or note
        overdue = status != "taken" and (month_index(due) or 0) < now
        stake = (at_stake or {}).get(decision.id)
        decided.append(
            DecisionStatusRow(
                decision.id,
                decision.name,
                names.get(decision.workstream, decision.workstream),
                decision.forum,
                due,
                status,
                overdue,
                stake,
                note,
            )
        )
    start = month_index(programme.start or "")
    marks = []
    for view in workstreams(programme):
        for milestone in view.workstream.milestones:
            when = month_label(start + milestone.months - 1) if start is not None else ""
            marked = sorted(
                (
                    u
                    for u in milestones
                    if u.workstream == view.id
                    and u.months == milestone.months
                    and (month_index(u.month) or 0) <= now
                ),
                key=lambda u: month_index(u.month) or 0,
            )
            state = marked[-1].status if marked else "not_started"
            late = bool(when) and state != "achieved" and (month_index(when) or 0) < now
            marks.append(
                MilestoneStatusRow(view.name, milestone.months, milestone.description, when, state, late)
            )
    return ProgrammeStatus(
        programme, month, tuple(upto), tuple(rows), grid, tuple(decided), tuple(marks), at_stake_year
    )
