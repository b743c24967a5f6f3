"""Small thread-safe memos for the web app: values by key, least recently used dropped first, and the runs
checked once per scenario text. The app keeps one of each on its state (:mod:`carebridge.web.cache`).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

from sqlalchemy import Text, cast, func, select

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
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: Value) -> None:
        """Keep ``value`` under ``key`` (now the most recently used), dropping the least recently used."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)


def of_object(
    memo: Memo[tuple[weakref.ref[Any], Value]], owner: object, key: Hashable, compute: Callable[[], Value]
) -> Value:
    """The value of ``key`` for the immutable object ``owner`` (a plan's current state), computed when
    absent (:func:`peek_of_object`, :func:`put_of_object`)."""
    found = peek_of_object(memo, owner, key)
    if found is None:
        found = compute()
        put_of_object(memo, owner, key, found)
    return found


def peek_of_object(memo: Memo[tuple[weakref.ref[Any], Value]], owner: object, key: Hashable) -> Value | None:
    """The value kept for ``key`` of ``owner``, else None. Values are kept under ``owner``'s id with a weak
    reference to it and used only while that reference is ``owner`` itself: the memo keeps no state alive,
    and an id reused by a later object is never confused with it."""
    found = memo.peek((id(owner), key))
    return found[1] if found is not None and found[0]() is owner else None


def put_of_object(
    memo: Memo[tuple[weakref.ref[Any], Value]], owner: object, key: Hashable, value: Value
) -> None:
    """Keep ``value`` for ``key`` of ``owner`` (:func:`peek_of_object`)."""
    memo.put((id(owner), key), (weakref.ref(owner), value))


Generation = tuple[int, str]
"""The state of the store as :func:`store_generation` reads it."""

_NEWEST = func.max(AuditEntry.id)
_GENERATIONS = {
    "postgresql": Read(select(_NEWEST, cast(func.pg_current_snapshot(), Text))),
    "sqlite": Read(select(_NEWEST)),
}


def store_generation(store: Store) -> Generation:
    """What changes whenever anything in the store does, read in one query on a pooled driver connection
    (:mod:`carebridge.web.reads`; the FEWS, targets and risks pages ask it on every request): the id of
    the newest audit log entry (every change writes one), and on PostgreSQL the server's snapshot.

    The newest id alone is not enough on PostgreSQL: ids come from a sequence when a row is inserted, so a
    transaction that took id 10 may commit after one that took id 11 was read, and the newest id would not
    move. The snapshot (``pg_current_snapshot()``: the oldest transaction still running, the next to be
    numbered and those running between) moves whenever any writing transaction commits, so a commit between
    two reads is always seen (a commit elsewhere on the server only makes the caches read afresh). On
    SQLite one transaction writes at a time and takes its ids under that lock, so entries commit in id order
    and the newest id is enough. Counting the entries would also do, but it reads the whole log (8 ms for
    100,000 entries on SQLite) on every request."""
    read = _GENERATIONS.get(store.engine.dialect.name, _GENERATIONS["sqlite"])
    row = read.rows(store.engine, {})[0]
    return int(row[0] or 0), str(row[1]) if len(row) > 1 else ""


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
