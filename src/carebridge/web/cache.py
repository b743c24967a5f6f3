"""A small thread-safe memo: values by key, least recently used dropped first.

The web app keeps what it derives from a run (rendered tables, charts, comparisons, the FEWS of a month)
under keys that change whenever their inputs do: the SHA-256 of the scenario text, the year, and for
delivery the newest entry of the audit log (every change to the store writes one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy import func, select

from carebridge.store import Store
from carebridge.store.models import AuditEntry

Value = TypeVar("Value")


class Memo(Generic[Value]):
    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

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
