"""Scenarios of the web app: a plan's current scenario (its draft, else its latest version) with its run.

The work is the use cases' (:mod:`carebridge.usecases.plans`, :mod:`carebridge.usecases.edits`); this module
keeps runs cached by the SHA-256 of the scenario text, so browsing dashboards never runs the engine twice
for the same text.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from carebridge.engine import Results
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import LoadedScenario
from carebridge.store import Store
from carebridge.store.plans import Approval
from carebridge.usecases import plans
from carebridge.usecases.edits import Editable, editables, owner_of
from carebridge.usecases.planning import CheckedScenario, check_text
from carebridge.usecases.plans import PlanMissingError, StoredScenario

CACHE_SIZE = 16

__all__ = ["CACHE_SIZE", "Current", "Editable", "PlanMissingError", "RunCache", "editables", "owner_of"]


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


class RunCache:
    """Checked runs by the SHA-256 of the scenario text, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._runs: OrderedDict[str, CheckedScenario] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, file: str) -> CheckedScenario:
        """:func:`~carebridge.usecases.planning.check_text`, once per text."""
        from carebridge.store.plans import sha256_text

        key = sha256_text(text)
        with self._lock:
            if key in self._runs:
                self._runs.move_to_end(key)
                return self._runs[key]
        outcome = check_text(text, file)
        with self._lock:
            self._runs[key] = outcome
            while len(self._runs) > self._size:
                self._runs.popitem(last=False)
        return outcome


RUNS = RunCache(CACHE_SIZE)


def problem_lines(error: ScenarioError) -> list[str]:
    """Each problem as the command line prints it."""
    return [str(problem) for problem in error.problems]


def current(store: Store, plan_id: int) -> Current:
    """The plan's draft (or latest version) and its run."""
    stored = plans.stored_scenario(store, plan_id)
    return Current(stored, RUNS.get(stored.text, f"{stored.plan_name} ({stored.source})"))


def approved_results(state: Current) -> Results:
    return RUNS.get(state.approved_text, state.plan_name).results


def approve_current(store: Store, plan_id: int) -> Approval:
    """Approve the plan's draft as a new version; the draft is then the version and is removed."""
    state = current(store, plan_id)
    return plans.approve_draft(store, state.stored, state.checked, f"{state.plan_name} (web draft)")
