"""Delivery in the web app: one month's early warning status, cached until anything in the store changes.

Reading and importing a file of actuals, and the FEWS itself, are the use cases'
(:mod:`carebridge.usecases.delivery`), the same the command line calls.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from carebridge.delivery.monitor import Monitoring
from carebridge.delivery.months import Month
from carebridge.delivery.pack_spc import IMPROVEMENT_WORDS
from carebridge.report.spc_icons import ICON_CSS, assurance_html, variation_html
from carebridge.store import Store
from carebridge.usecases.delivery import Fews, TrendMonth, fews_trend
from carebridge.usecases.delivery import fews as fews_now
from carebridge.web.memo import Generation, Memo, store_generation

FewsView = Fews
"""What the FEWS page shows: the monitoring of a month (None before any actuals), the months to choose."""


def fews(
    memo: Memo[FewsView], store: Store, plan: str, month: str | None, generation: Generation | None = None
) -> FewsView:
    """The FEWS of ``month`` (default: the latest with activity), cached until anything in the store
    changes (``generation``: the store's, when the caller has just read it)."""
    now = store_generation(store) if generation is None else generation
    return memo.get((store.engine, plan, month, now), lambda: fews_now(store, plan, month))


def trend(
    memo: Memo[list[TrendMonth]], store: Store, plan: str, until: str, generation: Generation | None = None
) -> list[TrendMonth]:
    """The FEWS ratings month by month up to ``until`` in its financial year, cached until anything in the
    store changes (``generation``: the store's, when the caller has just read it)."""
    now = store_generation(store) if generation is None else generation
    return memo.get((store.engine, plan, until, now), lambda: fews_trend(store, plan, until))


@dataclass(frozen=True)
class FewsPage:
    """What the FEWS page shows of a month: the view, the trend up to it, each POD's SPC row and the
    months by name."""

    view: FewsView
    trend: list[TrendMonth]
    spc: list[SpcRow]
    month_names: dict[str, str]


def fews_page(
    pages: Memo[FewsPage],
    views: Memo[FewsView],
    trends: Memo[list[TrendMonth]],
    store: Store,
    plan: str,
    month: str | None,
    generation: Generation | None = None,
) -> FewsPage:
    """The FEWS page's content, read once per state of the store (one query when nothing changed;
    ``generation``: the store's, when the caller has just read it)."""
    generation = store_generation(store) if generation is None else generation

    def build() -> FewsPage:
        view = fews(views, store, plan, month, generation)
        months = trend(trends, store, plan, view.month, generation) if view.month else []
        names = {label: Month.parse(label).calendar_name for label in view.months}
        return FewsPage(view, months, spc_rows(view.monitoring), names)

    return pages.get((store.engine, plan, month, generation), build)


@dataclass(frozen=True)
class SpcRow:
    """A POD's SPC chart as the FEWS page shows it: MDC's icons (inline SVG with their words, escaped by
    :mod:`carebridge.report.spc_icons`), why, and the lines."""

    pod: str
    improvement: str
    variation: Markup
    assurance: Markup
    reason: str
    centre: float
    lower: float
    upper: float


SPC_CSS = Markup(ICON_CSS)


def spc_rows(monitoring: Monitoring | None) -> list[SpcRow]:
    """Each POD's chart with its variation and assurance icons, by the POD's name."""
    if monitoring is None:
        return []
    rows = []
    for pod, chart in monitoring.spc.items():
        rows.append(
            SpcRow(
                monitoring.baseline.pod_name(pod),
                IMPROVEMENT_WORDS[chart.options.improvement],
                Markup(variation_html(chart.variation)),
                Markup(assurance_html(chart.assurance)),
                chart.points[-1].reason or "no rule broken in the latest month",
                chart.centre,
                chart.lower,
                chart.upper,
            )
        )
    return sorted(rows, key=lambda row: row.pod)
