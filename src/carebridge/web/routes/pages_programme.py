"""The programme oversight page: each workstream's latest gateway return, progress, confidence and assurance
by workstream and month, the critical decisions and the milestones (everyone signed in reads it); and the
form on which a workstream's owners record its monthly gateway return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.pack import PackTable
from carebridge.delivery.programme_pack import oversight_tables
from carebridge.delivery.programme_status import AREA_TITLES, AREAS, RAG, UpdatesError, months_of
from carebridge.report.numbers import format_cell
from carebridge.store import Store
from carebridge.usecases.programme import (
    ProgrammeChoiceError,
    ProgrammeMonthError,
    choose,
    owned_workstreams,
    record_return,
    status_in,
)
from carebridge.web.context import check_csrf, principal, reading_store, render, store_as
from carebridge.web.roles import Principal

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]
FIELDS = ("workstream", "month", *AREAS, "note")


def _table(table: PackTable) -> dict[str, Any]:
    """A pack table as the template draws it: each cell's text and kind (a RAG cell its status word)."""
    rows = [
        [
            (
                str(value or "none") if column.kind == "status" else format_cell(value, column.kind),
                column.kind,
            )
            for value, column in zip(row, table.columns, strict=True)
        ]
        for row in table.rows
    ]
    return {
        "id": table.id,
        "title": table.title,
        "subtitle": table.subtitle,
        "headers": [(column.header, column.kind) for column in table.columns],
        "rows": rows,
    }


def _view(store: Store, user: Principal, month: str | None) -> dict[str, Any]:
    """What the page shows: the programme's status in the month, and the form's choices for this user."""
    try:
        stored = choose(store, None)
    except ProgrammeChoiceError as error:
        return {"missing": str(error)}
    status = status_in(store, month)
    months = months_of(stored.programme)
    return {
        "name": stored.programme.name,
        "month": status.month if status else None,
        "months": [m for m in months if status is None or m <= status.month] if status else [],
        "all_months": months,
        "tables": [_table(table) for table in oversight_tables(status)] if status else [],
        "owned": owned_workstreams(store, user.email),
        "overdue": len(status.overdue) if status else 0,
    }


@router.get("/programme")
async def programme_page(request: Request, store: Reader, user: User, month: str | None = None) -> Any:
    try:
        view = await run_in_threadpool(_view, store, user, month)
    except ProgrammeMonthError as error:
        raise HTTPException(422, str(error)) from None
    return render(
        request, "programme.html", title="Programme oversight", view=view, rag=RAG, areas=AREA_TITLES
    )


@router.post("/programme/returns")
async def programme_return(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    workstream: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    progress: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "",
    assurance: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Any:
    check_csrf(request, csrf_token)
    values = {
        "workstream": workstream,
        "month": month,
        "progress": progress,
        "confidence": confidence,
        "assurance": assurance,
        "note": note,
    }
    problems: list[str] = []
    message = ""
    status = 200
    try:
        outcome = await run_in_threadpool(record_return, store, user.email, values)
        changed = "recorded" if outcome.inserted else "replaced" if outcome.replaced else "unchanged"
        message = f"The gateway return for {month} is {changed}."
    except ProgrammeChoiceError as error:
        problems, status = [str(error)], 409
    except UpdatesError as error:
        problems = [f"{_field(p.path)}: {p.message}" for p in error.problems]
        status = 403 if any("not an owner" in p for p in problems) else 422
    view = await run_in_threadpool(_view, store, user, None)
    return render(
        request,
        "programme.html",
        status,
        title="Programme oversight",
        view=view,
        rag=RAG,
        areas=AREA_TITLES,
        problems=problems,
        message=message,
        given=values,
    )


def _field(path: tuple[str | int, ...]) -> str:
    """The form field a problem is about (its path's last word)."""
    names = [str(part) for part in path if isinstance(part, str) and part in FIELDS]
    return names[-1].capitalize() if names else "Return"
