"""The outcomes page: every outcomes register in the store, each measure against its target with RAG, the
gap of the most deprived quintile, the slope index of inequality with its interval and the values by period,
counts controlled (docs/outcomes.md); read-only. Its router also carries the programme budgeting page
(:mod:`carebridge.web.routes.pages_programme_budgets`), which the outcomes page links to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from carebridge.report import outcomes as ro
from carebridge.store import Store
from carebridge.usecases.outcomes import every_outcomes_status
from carebridge.web.context import Caches, reading_store, render
from carebridge.web.routes import pages_programme_budgets
from carebridge.web.routes.common import PlanId, current_or_404

router = APIRouter(include_in_schema=False)
router.include_router(pages_programme_budgets.router)
Reader = Annotated[Store, Depends(reading_store)]


def _registers(store: Store) -> list[tuple[str, list[str]]]:
    """Each register's name and its tables drawn as HTML by the report (the same tables as the page of
    ``carebridge outcomes status --out``)."""
    drawn = []
    for status in every_outcomes_status(store):
        measures = [
            (m.measure, m.results, m.inequalities, m.progress, m.comparisons, m.variation)
            for m in status.measures
        ]
        drawn.append((status.register.name, [ro.html_of(table) for table in ro.outcome_tables(measures)]))
    return drawn


@router.get("/scenarios/{plan_id}/outcomes")
async def outcomes_page(request: Request, plan_id: PlanId, store: Reader, caches: Caches) -> Any:
    state = await current_or_404(caches, store, plan_id)
    registers = await run_in_threadpool(_registers, store)
    return render(
        request,
        "outcomes.html",
        title="Outcomes and inequalities",
        state=state,
        registers=registers,
        rule=ro.disclosure_statement(),
    )
