"""The programme budgeting page: a programme budget kept in the store (``carebridge outcomes benchmark FILE
--save``) — the system's spend per head by programme category against the peer average, a quartile, the best
or the national average, the variance as money (the opportunity, £'000), spend and outcome by programme (the
quadrants), and the variance after the plan's investments and savings (docs/outcomes.md); read-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from carebridge.delivery import programme_budgets as pb
from carebridge.report import outcomes as ro
from carebridge.report.chart import Chart
from carebridge.store import Store
from carebridge.store.registers import RegisterError
from carebridge.usecases.outcomes import benchmark_of, stored_budget_names, stored_programme_budget
from carebridge.web.context import Caches, reading_store, render
from carebridge.web.routes.common import PlanId, current_or_404

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]


@dataclass(frozen=True)
class BudgetView:
    """What the page shows of one programme budget against one comparator."""

    names: list[str]
    name: str
    comparator: str
    comparators: list[tuple[str, str]]
    system: str
    year: str
    source: str
    lines: list[str]
    synthetic: str
    outcome: str
    charts: list[Chart]
    tables: list[Markup]


def comparators_of(budget: pb.ProgrammeBudget) -> list[tuple[str, str]]:
    """The comparators this budget can be benchmarked against, with their words: five lowest need five
    peers, the reference needs an area with role reference (named by its name)."""
    peers = sum(area.role == "peer" for area in budget.areas)
    reference = next((area.name for area in budget.areas if area.role == "reference"), None)
    found = []
    for kind, words in pb.COMPARATOR_WORDS.items():
        if kind == "reference":
            if reference is not None:
                found.append((kind, reference))
        elif peers and (kind != "best_five" or peers >= 5):
            found.append((kind, words))
    return found


def outcome_words(budget: pb.ProgrammeBudget) -> str:
    """What the outcome beside spend is, and which way is better (empty without one)."""
    if budget.outcome is None:
        return ""
    better = "higher" if budget.outcome.direction == "higher_is_better" else "lower"
    return f"Outcome: {budget.outcome.name}, {better} is better; the peers' average in brackets."


def synthetic_words(budget: pb.ProgrammeBudget) -> str:
    """Which areas are made up to show the arithmetic, in words (the peers as one when all of them are)."""
    peers = [area for area in budget.areas if area.role == "peer"]
    named = [area.name for area in budget.areas if area.status == "synthetic" and area.role != "peer"]
    if peers and all(area.status == "synthetic" for area in peers):
        named.insert(0, f"the {len(peers)} peers" if len(peers) > 1 else "the peer")
    else:
        named += [area.name for area in peers if area.status == "synthetic"]
    return ", ".join(named)


def _view(store: Store, name: str | None, comparator: str | None) -> BudgetView | None:
    names = stored_budget_names(store)
    if not names:
        return None
    budget = stored_programme_budget(store, name)
    choices = comparators_of(budget)
    if comparator is not None and comparator not in dict(choices):
        allowed = ", ".join(kind for kind, _ in choices)
        raise HTTPException(422, f"comparator {comparator!r}; {budget.name} can use {allowed}")
    result = benchmark_of(budget, cast("pb.Comparator | None", comparator))
    title = f"Spend per {result.before.basis} by programme"
    tables = [ro.compact_benchmark_table(result.before, title, "pb-before")]
    if result.after is not None:
        tables.append(ro.after_plan_table(budget, result.before, result.after))
        tables.append(ro.plan_changes_table(budget))
    charts = [
        chart for chart in (ro.quadrant_chart(result.before), ro.opportunity_chart(result.before)) if chart
    ]
    return BudgetView(
        names=names,
        name=budget.name,
        comparator=comparator or budget.comparator,
        comparators=choices,
        system=result.before.system,
        year=budget.year,
        source=budget.source or "",
        lines=ro.conclusions(result.before),
        synthetic=synthetic_words(budget),
        outcome=outcome_words(budget),
        charts=charts,
        tables=[Markup(ro.html_of(table)) for table in tables],
    )


@router.get("/scenarios/{plan_id}/programme-budgets")
async def programme_budgets_page(
    request: Request,
    plan_id: PlanId,
    store: Reader,
    caches: Caches,
    budget: Annotated[str | None, Query(max_length=300)] = None,
    comparator: Annotated[str | None, Query(max_length=40)] = None,
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(_view, store, budget, comparator)
    except RegisterError as error:
        raise HTTPException(404, "; ".join(problem.message for problem in error.problems)) from None
    return render(request, "programme_budgets.html", title="Programme budgeting", state=state, view=view)
