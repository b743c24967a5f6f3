"""The programme oversight page: each workstream's latest gateway return, progress, confidence and assurance
by workstream and month, the critical decisions and the milestones (everyone signed in reads it); and the
forms on which a workstream's owners record its monthly gateway return and update its milestones and its
critical decisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.programme_pack import oversight_tables
from carebridge.delivery.programme_status import (
    AREA_TITLES,
    AREAS,
    MILESTONE_STATUSES,
    RAG,
    UpdatesError,
    months_of,
)
from carebridge.scenario.programme import DECISION_STATUSES
from carebridge.store import Store
from carebridge.usecases.programme import (
    ProgrammeChoiceError,
    ProgrammeMonthError,
    UpdateKind,
    choose,
    owned_decisions,
    owned_milestones,
    owned_workstreams,
    record_one,
    status_in,
)
from carebridge.web.context import check_csrf, principal, reading_store, render, store_as
from carebridge.web.roles import Principal
from carebridge.web.routes.common import pack_table_view

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]
FIELDS = ("workstream", "month", *AREAS, "note", "milestone", "decision", "status", "due")


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
        "tables": [pack_table_view(table) for table in oversight_tables(status)] if status else [],
        "owned": owned_workstreams(store, user.email),
        "decisions": owned_decisions(store, user.email),
        "milestones": owned_milestones(store, user.email),
        "overdue": len(status.overdue) if status else 0,
    }


@router.get("/programme")
async def programme_page(request: Request, store: Reader, user: User, month: str | None = None) -> Any:
    try:
        view = await run_in_threadpool(_view, store, user, month)
    except ProgrammeMonthError as error:
        raise HTTPException(422, str(error)) from None
    return render(request, "programme.html", title="Programme oversight", view=view, **_choices())


def _choices() -> dict[str, Any]:
    """The choices the forms offer."""
    return {
        "rag": RAG,
        "areas": AREA_TITLES,
        "milestone_statuses": MILESTONE_STATUSES,
        "decision_statuses": DECISION_STATUSES,
    }


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
    values: dict[str, object] = {
        "workstream": workstream,
        "month": month,
        "progress": progress,
        "confidence": confidence,
        "assurance": assurance,
        "note": note,
    }
    return await _record(request, store, user, "returns", values, f"The gateway return for {month}")


@router.post("/programme/milestones")
async def programme_milestone(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    milestone: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Any:
    check_csrf(request, csrf_token)
    workstream, _, months = milestone.rpartition(":")
    values: dict[str, object] = {
        "workstream": workstream,
        "milestone": int(months) if months.isdigit() else months,
        "month": month,
        "status": status,
        "note": note,
    }
    return await _record(request, store, user, "milestones", values, f"The milestone's status in {month}")


@router.post("/programme/decisions")
async def programme_decision(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    decision: Annotated[str, Form()] = "",
    month: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    due: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Any:
    check_csrf(request, csrf_token)
    values: dict[str, object] = {
        "decision": decision,
        "month": month,
        "status": status,
        "due": due,
        "note": note,
    }
    return await _record(request, store, user, "decisions", values, f"The decision's status in {month}")


async def _record(
    request: Request,
    store: Store,
    user: Principal,
    kind: UpdateKind,
    values: dict[str, object],
    what: str,
) -> Any:
    """Record one entry by the signed-in user and show the page again, with what was done or every problem
    by field (403 when the user is not an owner, nothing recorded)."""
    problems: list[str] = []
    message = ""
    status = 200
    try:
        outcome = await run_in_threadpool(record_one, store, user.email, kind, values)
        changed = "recorded" if outcome.inserted else "replaced" if outcome.replaced else "unchanged"
        message = f"{what} is {changed}."
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
        problems=problems,
        message=message,
        given={key: str(value) for key, value in values.items()} if kind == "returns" else None,
        **_choices(),
    )


def _field(path: tuple[str | int, ...]) -> str:
    """The form field a problem is about (its path's last word)."""
    names = [str(part) for part in path if isinstance(part, str) and part in FIELDS]
    return names[-1].capitalize() if names else "Return"
