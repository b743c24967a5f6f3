"""Small thread-safe memos for the web app: values by key, least recently used dropped first, and the runs
checked once per scenario text. The app keeps one of each on its state (:mod:`carebridge.web.cache`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Generic, TypeVar

from sqlalchemy import func, select

from carebridge.scenario.side_files import STORED, scenario_digest
from carebridge.store import Store
from carebridge.store.models import AuditEntry
from carebridge.store.plans import sha256_text
from carebridge.usecases.planning import CheckedScenario, check_text
from carebridge.web.reads import Read

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

    def peek(self, key: Hashable) -> Value | None:
        """The value of ``key`` when it has been computed (now the most recently used), else None (nothing
        is computed)."""
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

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


_GENERATION = Read(select(func.max(AuditEntry.id)))


def store_generation(store: Store) -> int:
    """The id of the newest audit log entry: it changes whenever anything in the store does (read on a
    pooled driver connection, :mod:`carebridge.web.reads`: the FEWS page asks it on every request)."""
    rows = _GENERATION.rows(store.engine, {})
    return int(rows[0][0] or 0)


class RunCache:
    """Checked runs by the digest of the scenario text and its side files, least recently used dropped first;
    thread-safe."""

    def __init__(self, size: int = RUNS_SIZE) -> None:
        self._memo: Memo[CheckedScenario] = Memo(size)

    def __len__(self) -> int:
        return len(self._memo)

    def get(self, text: str, file: str, side_files: Mapping[str, bytes] | None = None) -> CheckedScenario:
        """:func:`~carebridge.usecases.planning.check_text` of a stored scenario and its side files, once per
        text and files."""
        key = scenario_digest(sha256_text(text), side_files or {})
        return self._memo.get(key, lambda: check_text(text, file, side_files, STORED))
