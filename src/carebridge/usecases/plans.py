"""Plans in the store: approve a scenario as a new version, list the plans, choose one, and keep a plan's
working draft (read it, save it, approve it).

A plan's *current* scenario is its draft when there is one, else its latest version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from carebridge.delivery.baseline import PlanBaseline
from carebridge.report.tidy import plan_documents
from carebridge.scenario.side_files import STORED, scenario_digest
from carebridge.store import Store
from carebridge.store.models import Plan, PlanVersion, ScenarioDraft, User
from carebridge.store.plans import (
    Approval,
    StoredFile,
    VersionSummary,
    as_utc,
    list_versions,
    plan_id,
    sha256_text,
    version_file_list,
    version_files,
)
from carebridge.store.plans import approve as store_approval
from carebridge.usecases.errors import NoPlanError, SeveralPlansError
from carebridge.usecases.planning import CheckedScenario, check_text


class PlanMissingError(LookupError):
    """No plan with that id, or a plan with no version."""


COMMAND_LINE = "on the command line, not a user of the app"
"""How an approver who is no user of the app reads: the operating-system login (or ``CAREBRIDGE_USER``)
that ``carebridge plan approve`` recorded."""


@dataclass(frozen=True)
class VersionRow:
    number: int
    scenario_name: str
    sha256: str
    approved_at: str
    approved_by: str
    """Who approved, as a person reads it: a user's email, else the recorded login and where it came from."""


def approver(recorded: str, emails: set[str]) -> str:
    """The approver as a person: the user of the app whose email was recorded (approved in the app, or on
    the command line with ``CAREBRIDGE_USER`` set to it), else the recorded login, said to be one."""
    if recorded.strip().lower() in emails:
        return recorded
    return f"{recorded} ({COMMAND_LINE})"


@dataclass(frozen=True)
class PlanRow:
    id: int
    name: str
    versions: tuple[VersionRow, ...]
    draft_by: str | None
    draft_at: str | None


@dataclass(frozen=True)
class StoredScenario:
    """A plan's current scenario as the store holds it: its text, where it comes from (``draft`` or
    ``version N``) and the text of its latest approved version."""

    plan_id: int
    plan_name: str
    text: str
    source: str
    approved_text: str
    approved_version: str = ""
    """The latest approved version as a person reads it: its number, who approved it and when."""
    files: Mapping[str, bytes] = field(default_factory=dict)
    """The side files kept with the latest version, by the name the scenario writes; a draft keeps them."""
    file_list: tuple[StoredFile, ...] = ()
    """The same files as a person reads them: name, size, SHA-256."""

    @property
    def sha256(self) -> str:
        """The digest of the scenario with its side files (as :class:`CheckedScenario` gives it)."""
        return scenario_digest(sha256_text(self.text), self.files)

    @property
    def approved_sha256(self) -> str:
        return scenario_digest(sha256_text(self.approved_text), self.files)

    def check(self) -> CheckedScenario:
        """Load and run the scenario with its side files from the store (no file system)."""
        return check_text(self.text, f"{self.plan_name} ({self.source})", self.files, STORED)

    @property
    def is_draft(self) -> bool:
        return self.source == "draft"


def approve(store: Store, name: str, checked: CheckedScenario) -> Approval:
    """Store a checked scenario and its run's tables as a new version of plan ``name``; nothing changes when
    the latest version holds the same text (``created`` is false)."""
    baseline = PlanBaseline.from_results(checked.results, plan_documents(checked.results))
    return store_approval(
        store, name, checked.text, checked.file, baseline, checked.sha256, checked.loaded.side_files
    )


def versions(store: Store) -> list[VersionSummary]:
    """Every version of every plan, plans by name, versions in order."""
    return list_versions(store)


def resolve_plan(store: Store, name: str | None) -> str:
    """The plan named (:class:`PlanNotFoundError` when there is none), or the only plan in the store
    (:class:`NoPlanError`, :class:`SeveralPlansError` when there is not exactly one)."""
    if name is not None:
        plan_id(store, name)
        return name
    names = sorted({version.plan for version in list_versions(store)})
    if len(names) == 1:
        return names[0]
    if not names:
        raise NoPlanError()
    raise SeveralPlansError(names)


def id_of(store: Store, name: str) -> int:
    """The id of the plan called ``name`` (:class:`PlanNotFoundError` when there is none)."""
    return plan_id(store, name)


def list_plans(store: Store) -> list[PlanRow]:
    """Every plan by name, with its versions and who last saved its draft."""
    with store.session() as session:
        plans = list(session.scalars(select(Plan).order_by(Plan.name)))
        drafts = {d.plan_id: d for d in session.scalars(select(ScenarioDraft))}
        emails = {email.lower() for email in session.scalars(select(User.email))}
        rows = []
        for plan in plans:
            found = session.scalars(
                select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
            )
            draft = drafts.get(plan.id)
            rows.append(
                PlanRow(
                    plan.id,
                    plan.name,
                    tuple(
                        VersionRow(
                            v.number,
                            v.scenario_name,
                            v.sha256,
                            as_utc(v.approved_at).strftime("%Y-%m-%d %H:%M UTC"),
                            approver(v.approved_by, emails),
                        )
                        for v in found
                    ),
                    approver(draft.updated_by, emails) if draft else None,
                    as_utc(draft.updated_at).strftime("%Y-%m-%d %H:%M UTC") if draft else None,
                )
            )
        return rows


def stored_scenario(store: Store, plan_id: int) -> StoredScenario:
    """The plan's draft, else its latest version; :class:`PlanMissingError` when there is neither."""
    with store.session() as session:
        plan = session.get(Plan, plan_id)
        if plan is None:
            raise PlanMissingError(f"no plan with id {plan_id}")
        latest = session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.number.desc())
        ).first()
        if latest is None:
            raise PlanMissingError(f"plan {plan.name} has no version")
        draft = session.get(ScenarioDraft, plan_id)
        text = draft.scenario_text if draft is not None else latest.scenario_text
        source = "draft" if draft is not None else f"version {latest.number}"
        emails = {email.lower() for email in session.scalars(select(User.email))}
        when = as_utc(latest.approved_at).strftime("%Y-%m-%d %H:%M UTC")
        approved = f"version {latest.number}, approved by {approver(latest.approved_by, emails)} on {when}"
        files = version_files(session, latest.id)
        listed = tuple(version_file_list(session, latest.id))
        return StoredScenario(plan_id, plan.name, text, source, latest.scenario_text, approved, files, listed)


def save_draft(store: Store, plan_id: int, text: str) -> None:
    """Keep ``text`` as the plan's draft (audited: the old and the new SHA-256 and text)."""
    digest = sha256_text(text)
    with store.session() as session:
        draft = session.get(ScenarioDraft, plan_id)
        if draft is None:
            session.add(
                ScenarioDraft(plan_id=plan_id, scenario_text=text, sha256=digest, updated_by=store.actor)
            )
        else:
            draft.scenario_text = text
            draft.sha256 = digest
            draft.updated_by = store.actor


def approve_draft(store: Store, stored: StoredScenario, checked: CheckedScenario, file: str) -> Approval:
    """Approve the plan's current scenario (``checked``, the run of ``stored``'s text) as a new version
    recorded as coming from ``file``; the draft is then the version and is removed."""
    approval = store_approval(
        store,
        stored.plan_name,
        checked.text,
        file,
        PlanBaseline.from_results(checked.results, plan_documents(checked.results)),
        checked.sha256,
        checked.loaded.side_files,
    )
    with store.session() as session:
        draft = session.get(ScenarioDraft, stored.plan_id)
        if draft is not None:
            session.delete(draft)
    return approval
