"""Delivery in the web app: one month's early warning status, cached until anything in the store changes.

Reading and importing a file of actuals, and the FEWS itself, are the use cases'
(:mod:`carebridge.usecases.delivery`), the same the command line calls.
"""

from __future__ import annotations

from carebridge.store import Store
from carebridge.usecases.delivery import Fews
from carebridge.usecases.delivery import fews as fews_now
from carebridge.web.memo import Memo, store_generation

FewsView = Fews
"""What the FEWS page shows: the monitoring of a month (None before any actuals), the months to choose."""


def fews(memo: Memo[FewsView], store: Store, plan: str, month: str | None) -> FewsView:
    """The FEWS of ``month`` (default: the latest with activity), cached until anything in the store
    changes."""
    key = (str(store.engine.url), plan, month, store_generation(store))
    return memo.get(key, lambda: fews_now(store, plan, month))
