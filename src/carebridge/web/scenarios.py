"""Scenarios of the web app: a plan's current scenario (its draft, else its latest version) with its run.

The work is the use cases' (:mod:`carebridge.usecases.plans`, :mod:`carebridge.usecases.edits`); runs come
from the app's :class:`~carebridge.web.cache.RunCache`, by the SHA-256 of the scenario text, so browsing
dashboards never runs the engine twice for the same text.
"""

from __future__ import annotations

from dataclasses import dataclass

from carebridge.engine import Results
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import LoadedScenario
from carebridge.store import Store
from carebridge.store.plans import Approval
from carebridge.usecases import plans
from carebridge.usecases.edits import Editable, editables, owner_of
from carebridge.usecases.planning import CheckedScenario
from carebridge.usecases.plans import PlanMissingError, StoredScenario
from carebridge.web.memo import RunCache

__all__ = ["Current", "Editable", "PlanMissingError", "editables", "owner_of"]


@dataclass(frozen=True)
class Current:
    """The scenario a plan's pages show: as the store holds it, and its run."""

    stored: StoredScenario
    checked: CheckedScenario

    @property
    def plan_id(self) -> int:
        return self.stored.plan_id

    @property
    def plan_name(self) -> str:
        return self.stored.plan_name

    @property
    def text(self) -> str:
        return self.stored.text

    @property
    def sha256(self) -> str:
        return self.checked.sha256

    @property
    def source(self) -> str:
        """``draft`` or ``version N``."""
        return self.stored.source

    @property
    def approved_text(self) -> str:
        return self.stored.approved_text

    @property
    def loaded(self) -> LoadedScenario:
        return self.checked.loaded

    @property
    def results(self) -> Results:
        return self.checked.results

    @property
    def is_draft(self) -> bool:
        return self.stored.is_draft


def problem_lines(error: ScenarioError) -> list[str]:
    """Each problem as the command line prints it."""
    return [str(problem) for problem in error.problems]


def current(runs: RunCache, store: Store, plan_id: int) -> Current:
    """The plan's draft (or latest version) and its run (from ``runs`` when it has been run before)."""
    stored = plans.stored_scenario(store, plan_id)
    return Current(stored, runs.get(stored.text, f"{stored.plan_name} ({stored.source})"))


def approved_results(runs: RunCache, state: Current) -> Results:
    return runs.get(state.approved_text, state.plan_name).results


def approve_current(runs: RunCache, store: Store, plan_id: int) -> Approval:
    """Approve the plan's draft as a new version; the draft is then the version and is removed."""
    state = current(runs, store, plan_id)
    return plans.approve_draft(store, state.stored, state.checked, f"{state.plan_name} (web draft)")
