"""The web app's caches, kept on the app's state (``app.state.caches``, made by ``create_app``), never in
module globals: two apps in one process (tests, a second store) share nothing.

Each is a small thread-safe memo: values by key, least recently used dropped first. The app keeps what it
derives from a run (checked runs, rendered tables, charts, comparisons, the FEWS of a month, the registers'
views, Monte Carlo views) under keys that change whenever their inputs do: the SHA-256 of the scenario text,
the year, and for delivery the newest entry of the audit log (every change to the store writes one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import func, select

from carebridge.store import Store
from carebridge.store.models import AuditEntry
from carebridge.store.plans import sha256_text
from carebridge.usecases.planning import CheckedScenario, check_text

if TYPE_CHECKING:
    from markupsafe import Markup

    from carebridge.web.dashboard import Dashboard
    from carebridge.web.delivery import FewsView
    from carebridge.web.registers import RisksView, TargetsView
    from carebridge.web.routes.api import ScenarioOut
    from carebridge.web.uncertainty import MonteCarloView

RUNS_SIZE = 16
"""Checked runs kept: each holds a whole run's arrays."""

Value = TypeVar("Value")


class Memo(Generic[Value]):
    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value of ``key``, computed (outside the lock) when absent."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


def store_generation(store: Store) -> int:
    """The id of the newest audit log entry: it changes whenever anything in the store does."""
    with store.session() as session:
        return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


class RunCache:
    """Checked runs by the SHA-256 of the scenario text, least recently used dropped first; thread-safe."""

    def __init__(self, size: int = RUNS_SIZE) -> None:
        self._memo: Memo[CheckedScenario] = Memo(size)

    def __len__(self) -> int:
        return len(self._memo)

    def get(self, text: str, file: str) -> CheckedScenario:
        """:func:`~carebridge.usecases.planning.check_text`, once per text."""
        return self._memo.get(sha256_text(text), lambda: check_text(text, file))


@dataclass
class WebCaches:
    """Every cache of one app: made by ``create_app``, kept on ``app.state.caches``."""

    runs: RunCache = field(default_factory=RunCache)
    dashboards: Memo[Dashboard] = field(default_factory=Memo)
    comparisons: Memo[tuple[Markup, Markup, list[dict[str, Any]]]] = field(default_factory=Memo)
    fews: Memo[FewsView] = field(default_factory=Memo)
    targets: Memo[TargetsView] = field(default_factory=Memo)
    risks: Memo[RisksView] = field(default_factory=Memo)
    monte_carlo: Memo[MonteCarloView] = field(default_factory=lambda: Memo(size=16))
    scenarios: Memo[ScenarioOut] = field(default_factory=Memo)
    stores: dict[str, Store] = field(default_factory=dict)
    """The store as each signed-in user writes to it (changes audited under their email)."""
