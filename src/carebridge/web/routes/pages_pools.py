"""The pooled budgets page: each Section 75 pool as at a month — spend against the pool to date and
forecast, gross to affordability after QIPP, each partner's share of the forecast over- or underspend, spend
by service area and by month — readable by every role; a file of monthly spend imported by those who may
import actuals (an organisation's editors), all or nothing, every bad row listed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.months import MonthError
from carebridge.delivery.pools import PoolSpendError
from carebridge.report.html_table import render_table
from carebridge.report.pools import pool_tables
from carebridge.store import Store
from carebridge.usecases import pools as pool_cases
from carebridge.web.context import check_csrf, principal, reading_store, render, store_as
from carebridge.web.roles import Principal
from carebridge.web.routes.common import save_upload, temporary_folder

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]


def _view(store: Store, month: str | None) -> dict[str, Any]:
    found = pool_cases.pools_status(store, month)
    pools = []
    for stored, status in found.pools:
        tables = [] if status is None else [Markup(render_table(table)) for table in pool_tables(status)]
        pools.append(
            {"name": stored.definition.name, "cohort": stored.definition.cohort.name, "tables": tables}
        )
    return {"month": found.month, "months": found.months, "pools": pools}


@router.get("/pools")
async def pools_page(request: Request, store: Reader, user: User, month: str | None = None) -> Any:
    try:
        view = await run_in_threadpool(_view, store, month)
    except MonthError as error:
        raise HTTPException(422, str(error)) from None
    return render(
        request, "pools.html", title="Pooled budgets", view=view, can_upload=bool(user.editable_orgs)
    )


@router.post("/pools")
async def pools_upload(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Any:
    check_csrf(request, csrf_token)
    if not user.editable_orgs:
        raise HTTPException(403, "only an editor of an organisation imports pool spend")
    data = await file.read()  # its size was capped by the guard (carebridge serve --max-upload-mb)
    name = Path(file.filename or "spend.csv").name or "spend.csv"
    problems: list[str] = []
    status = 200
    with temporary_folder() as folder:
        path = save_upload(data, name, Path(folder))
        try:
            outcome = await run_in_threadpool(pool_cases.import_spend, store, path)
        except PoolSpendError as error:
            message = f"{len(error.problems)} problem(s) in {name}; nothing was imported"
            problems = [str(problem).replace(str(path), name) for problem in error.problems]
            status = 422
        except pool_cases.NoPoolsError as error:
            message, status = str(error), 422
        else:
            message = (
                f"{name}: {outcome.inserted} new, {outcome.updated} replaced, {outcome.unchanged} unchanged"
                if outcome.changed
                else f"{name}: nothing changed; every value is already in the store"
            )
    view = await run_in_threadpool(_view, store, None)
    return render(
        request,
        "pools.html",
        status,
        title="Pooled budgets",
        view=view,
        can_upload=True,
        message=message,
        problems=problems,
        failed=status != 200,
    )
