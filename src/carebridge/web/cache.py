"""The web app's caches, kept on the app's state (``app.state.caches``, made by ``create_app``), never in
module globals: two apps in one process (tests, a second store) share nothing.

Each is a small thread-safe memo: values by key, least recently used dropped first. The app keeps what it
derives from a run (checked runs, rendered tables, charts, comparisons, the FEWS of a month, the registers'
views, Monte Carlo views) under keys that change whenever their inputs do: the SHA-256 of the scenario text,
the year, and for delivery the store's generation (``memo.store_generation``: every change to the store
writes an audit entry). The dashboard, bridge, changes and FEWS pages keep their rendered bodies too.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from carebridge.store import Store
from carebridge.web.memo import Memo, RunCache

if TYPE_CHECKING:
    from markupsafe import Markup

    from carebridge.usecases.delivery import TrendMonth
    from carebridge.usecases.plans import PlanRow
    from carebridge.web.dashboard import Dashboard, Headline
    from carebridge.web.delivery import FewsPage, FewsView
    from carebridge.web.registers import RisksView, TargetsView
    from carebridge.web.scenarios import Current
    from carebridge.web.uncertainty import MonteCarloView


@dataclass
class WebCaches:
    """Every cache of one app: made by ``create_app``, kept on ``app.state.caches``."""

    runs: RunCache = field(default_factory=RunCache)
    dashboards: Memo[Dashboard] = field(default_factory=Memo)
    comparisons: Memo[tuple[Markup, Markup, list[dict[str, Any]]]] = field(default_factory=Memo)
    fews: Memo[FewsView] = field(default_factory=Memo)
    fews_trends: Memo[list[TrendMonth]] = field(default_factory=lambda: Memo(size=16))
    """The FEWS ratings month by month of a financial year, up to a month."""
    fews_pages: Memo[FewsPage] = field(default_factory=lambda: Memo(size=16))
    """The FEWS page of a month: its view, trend, SPC rows and month names, by the store's generation."""
    targets: Memo[TargetsView] = field(default_factory=Memo)
    risks: Memo[RisksView] = field(default_factory=Memo)
    monte_carlo: Memo[MonteCarloView] = field(default_factory=lambda: Memo(size=16))
    partners: Memo[Any] = field(default_factory=lambda: Memo(size=32))
    """The partners' page: each plan's flows by scheme (``usecases.partners.SchemeSteps``) and its views."""
    scenarios: Memo[Any] = field(default_factory=Memo)
    """The JSON API's scenarios (``routes.api.ScenarioOut``; typed there, as the routes sit above this)."""
    stores: dict[str, Store] = field(default_factory=dict)
    """The store as each signed-in user writes to it (changes audited under their email)."""
    regions: Memo[Any] = field(default_factory=lambda: Memo(size=32))
    """Region runs by the SHA-256 of the region's and its places' texts, and their views by year."""
    currents: Memo[Current] = field(default_factory=lambda: Memo(size=16))
    """Each plan's current scenario and its run, by the plan's state (``store.plans.plan_state``)."""
    plan_lists: Memo[list[PlanRow]] = field(default_factory=lambda: Memo(size=8))
    """The list of plans, by the state of the store's plans, versions, drafts and users."""
    headlines: Memo[list[Headline]] = field(default_factory=Memo)
    """The dashboard's headline tiles by the scenario's digest, the year and the user's organisations."""
    changes: Memo[dict[str, Any]] = field(default_factory=Memo)
    """The changes page's view of a draft against its approved plan, by their digests and the year asked."""
    parts: Memo[tuple[weakref.ref[Any], Markup]] = field(default_factory=lambda: Memo(size=64))
    """Rendered bodies of the dashboard, bridge, changes and FEWS pages (``context.render_part``), each
    kept with the plan's current state it shows (``memo.of_object``) and what else it is drawn from: the
    year, the store's generation, the roles of the user where the body shows what they may do."""
