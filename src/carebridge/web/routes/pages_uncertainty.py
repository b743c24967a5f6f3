"""The Monte Carlo page of a scenario: fan chart, probability of balance, tornado (read-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from carebridge.engine.errors import ModelError
from carebridge.store import Store
from carebridge.web.context import Caches, reading_store, render
from carebridge.web.routes.common import PlanId, current_or_404
from carebridge.web.uncertainty import monte_carlo, stored_pounds_of

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]


@router.get("/scenarios/{plan_id}/monte-carlo")
async def monte_carlo_page(request: Request, plan_id: PlanId, store: Reader, caches: Caches) -> Any:
    state = await current_or_404(caches, store, plan_id)
    impacts, source = await run_in_threadpool(stored_pounds_of, store, plan_id, state.plan_name)
    try:
        view = await run_in_threadpool(
            monte_carlo, caches.monte_carlo, state.loaded, state.sha256, impacts, source
        )
    except ModelError as error:
        raise HTTPException(422, str(error)) from None
    return render(
        request, "monte_carlo.html", title=f"{state.plan_name}: Monte Carlo", state=state, view=view
    )
