"""The programme: check a programme file against its scenario, roll the plan up by objective, programme and
workstream, load it into the store, import gateway returns and updates (by a workstream's owners only),
where the programme stands in a month, and its tables for the delivery pack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from carebridge.delivery.pack import PackTable
from carebridge.delivery.programme_pack import oversight_tables
from carebridge.delivery.programme_rollup import Rollup, rollup
from carebridge.delivery.programme_status import ProgrammeStatus, months_of, programme_status
from carebridge.engine.results import Results
from carebridge.scenario.programme import Programme, load_programme, month_index
from carebridge.store import Store
from carebridge.store.programme import (
    RecordOutcome,
    StoredProgramme,
    checked_updates,
    programme_names,
    read_programme,
    read_records,
    record_updates,
    save_programme,
)
from carebridge.usecases.planning import load, run


class ProgrammeChoiceError(ValueError):
    """No programme in the store, or several and none chosen, or one not there; worded for the user."""


class ProgrammeMonthError(ValueError):
    """A month that is not a month of the programme."""


@dataclass(frozen=True)
class CheckedProgramme:
    programme: Programme
    results: Results | None
    """The scenario's run, when a scenario was given."""

    def rollup(self, year: str | None = None) -> Rollup | None:
        return rollup(self.programme, self.results, year) if self.results is not None else None


def scenario_of(programme_path: Path, scenario: Path | None) -> Path | None:
    """The scenario given, else ``scenario.yaml`` (or the workbook ``scenario.xlsx``) beside the programme
    file when there is one."""
    if scenario is not None:
        return scenario
    for name in ("scenario.yaml", "scenario.xlsx"):
        beside = programme_path.parent / name
        if beside.is_file():
            return beside
    return None


def check_programme(path: Path, scenario: Path | None = None) -> CheckedProgramme:
    """Read the programme file, checked against the scenario (run once) when given.

    :class:`~carebridge.scenario.errors.ScenarioError` for a bad scenario, :class:`~carebridge.scenario.
    programme.ProgrammeError` for a bad programme file, every problem located;
    :class:`~carebridge.engine.ModelError` when the scenario does not run.
    """
    alone = load_programme(path)
    if scenario is None or not alone.objectives:  # resourcing alone: no workstreams to check the scenario's
        return CheckedProgramme(alone, None)
    loaded = load(scenario)
    programme = load_programme(path, loaded.scenario)
    return CheckedProgramme(programme, run(loaded))


def load_into_store(store: Store, path: Path, scenario: Path | None = None) -> tuple[Programme, bool, str]:
    """Check and store the programme (replacing the one of its name); the savings each decision puts at stake
    are computed from the scenario's bridge year when a scenario is given. Whether it is new, and the year."""
    checked = check_programme(path, scenario)
    rolled = checked.rollup()
    stake = {d.id: rolled.at_stake(d.depends) for d in checked.programme.decisions} if rolled else {}
    year = rolled.year if rolled else ""
    with store.session() as session:
        new = save_programme(session, checked.programme, stake, year, str(path))
    return checked.programme, new, year


def choose(store: Store, name: str | None) -> StoredProgramme:
    """The programme named, or the only one in the store."""
    with store.session() as session:
        names = programme_names(session)
        if not names:
            raise ProgrammeChoiceError(
                "the store has no programme yet; load one first: carebridge programme load PROGRAMME.yaml"
            )
        if name is None:
            if len(names) > 1:
                raise ProgrammeChoiceError(
                    f"--programme: the store has {len(names)} programmes; name one of: " + "; ".join(names)
                )
            name = names[0]
        found = read_programme(session, name)
    if found is None:
        raise ProgrammeChoiceError(
            f"--programme {name}: no such programme; the store has: " + "; ".join(names)
        )
    return found


def import_updates(store: Store, path: Path, by: str, name: str | None = None) -> tuple[str, RecordOutcome]:
    """Record a file of gateway returns and updates, all or nothing, by ``by`` (an owner of every workstream
    the file names); :class:`~carebridge.delivery.programme_status.UpdatesError` lists every problem."""
    stored = choose(store, name)
    updates = checked_updates(path, stored.programme, by)
    previous = store.actor
    store.actor = by
    try:
        with store.session() as session:
            outcome = record_updates(session, stored.id, updates, by.strip().lower())
    finally:
        store.actor = previous
    return stored.programme.name, outcome


def status_in(store: Store, month: str | None = None, name: str | None = None) -> ProgrammeStatus | None:
    """Where the programme stands at the end of ``month`` (default: the latest month with a return; ``None``
    when there is none yet). :class:`ProgrammeMonthError` for a month that is not the programme's."""
    stored = choose(store, name)
    with store.session() as session:
        returns, milestones, decisions = read_records(session, stored.id)
    months = months_of(stored.programme)
    if month is None:
        if not returns:
            return None
        month = max((r.month for r in returns), key=lambda label: month_index(label) or 0)
    if month_index(month) is None or month not in months:
        span = f"{months[0]} to {months[-1]}" if months else "none"
        raise ProgrammeMonthError(
            f"--month {month}: not a month of the programme '{stored.programme.name}' ({span}); "
            "expected YYYY/YY-Mnn"
        )
    return programme_status(
        stored.programme, month, returns, milestones, decisions, stored.at_stake, stored.at_stake_year
    )


def pack_tables(store: Store, month: str) -> list[PackTable]:
    """The programme oversight report for the delivery pack of ``month``: empty when the store holds no single
    programme, and for the latest month of the programme with a return up to ``month`` otherwise."""
    with store.session() as session:
        names = programme_names(session)
    if len(names) != 1:
        return []
    stored = choose(store, names[0])
    with store.session() as session:
        returns, milestones, decisions = read_records(session, stored.id)
    limit = month_index(month)
    shown = [r.month for r in returns if limit is None or (month_index(r.month) or 0) <= limit]
    if not shown:
        return []
    upto = max(shown, key=lambda label: month_index(label) or 0)
    status = programme_status(
        stored.programme, upto, returns, milestones, decisions, stored.at_stake, stored.at_stake_year
    )
    return oversight_tables(status)


def owned_workstreams(store: Store, by: str, name: str | None = None) -> list[tuple[str, str]]:
    """The workstreams ``by`` may record returns for (id, name), in the file's order."""
    from carebridge.scenario.programme import workstreams

    stored = choose(store, name)
    who = by.strip().lower()
    return [(view.id, view.name) for view in workstreams(stored.programme) if who in view.owners]


UpdateKind = Literal["returns", "milestones", "decisions"]


def record_return(store: Store, by: str, values: dict[str, str], name: str | None = None) -> RecordOutcome:
    """Record one gateway return given as form values (workstream, month, progress, confidence, assurance,
    note) by ``by``; :class:`UpdatesError` whose problems' paths end in the field's name."""
    return record_one(store, by, "returns", values, name)


def record_one(
    store: Store, by: str, kind: UpdateKind, values: Mapping[str, object], name: str | None = None
) -> RecordOutcome:
    """Record one entry of a file of updates — a gateway return, a milestone update (workstream, milestone,
    month, status, note) or a decision update (decision, month, status, due, note) — given as form values, by
    ``by``; :class:`UpdatesError` whose problems' paths end in the field's name."""
    from pydantic import ValidationError

    from carebridge.delivery.programme_status import Updates, UpdatesError, update_problems
    from carebridge.scenario.pydantic_errors import problems_from_validation

    stored = choose(store, name)
    entry = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    data = {kind: [{key: value for key, value in entry.items() if value not in ("", None)}]}
    try:
        updates = Updates.model_validate(data)
    except ValidationError as error:
        raise UpdatesError(problems_from_validation(error, data, Updates)) from None
    problems = update_problems(stored.programme, updates, by)
    if problems:
        raise UpdatesError(problems)
    previous = store.actor
    store.actor = by
    try:
        with store.session() as session:
            return record_updates(session, stored.id, updates, by.strip().lower())
    finally:
        store.actor = previous


def owned_decisions(store: Store, by: str, name: str | None = None) -> list[tuple[str, str]]:
    """The critical decisions ``by`` may update (id, name): those of the workstreams ``by`` owns."""
    stored = choose(store, name)
    owned = {identifier for identifier, _ in owned_workstreams(store, by, name)}
    return [(d.id, d.name) for d in stored.programme.decisions if d.workstream in owned]


def owned_milestones(store: Store, by: str, name: str | None = None) -> list[tuple[str, int, str]]:
    """The milestones ``by`` may update: (workstream id, months, "workstream name: N months")."""
    from carebridge.scenario.programme import workstreams

    stored = choose(store, name)
    who = by.strip().lower()
    return [
        (view.id, milestone.months, f"{view.name}: {milestone.months} months")
        for view in workstreams(stored.programme)
        if who in view.owners
        for milestone in view.workstream.milestones
    ]
