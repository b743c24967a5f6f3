"""Delivery pages: upload of actuals with the row-by-row error report, the FEWS dashboard, the targets
against their trajectories and the risk register (read-only)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.fews import SET_TITLES, SETS
from carebridge.delivery.months import MonthError
from carebridge.store import Store
from carebridge.store.imports import OwnershipError
from carebridge.usecases import delivery as actuals_cases
from carebridge.web import delivery, registers
from carebridge.web.cache import WebCaches
from carebridge.web.context import (
    Caches,
    check_csrf,
    principal,
    reading_store,
    render,
    render_part,
    store_as,
)
from carebridge.web.memo import of_object, peek_of_object, store_generation
from carebridge.web.reads import on_the_loop
from carebridge.web.roles import Principal, forbidden_orgs
from carebridge.web.routes.common import (
    PlanId,
    current_or_404,
    plan_or_404,
    save_upload,
    temporary_folder,
)
from carebridge.web.scenarios import Current, cached_current, kept_current

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]


class UploadResult:
    """What an upload did, for the page and the API: the problems (each row located in the uploaded file),
    the message, the status, and the rows left out as other organisations' (their names and counts)."""

    def __init__(
        self, problems: list[str], message: str, status: int, others: list[tuple[str, int]] | None = None
    ) -> None:
        self.problems = problems
        self.message = message
        self.status = status
        self.others = others or []


async def upload_actuals(
    store: Store, user: Principal, plan: str, upload: UploadFile, own_rows: bool = False
) -> UploadResult:
    """Check a file of actuals as ``carebridge actuals import`` does and import it in one transaction.

    Rows of organisations the user does not edit are refused (403, nothing imported) — or, with
    ``own_rows`` (the page: a finance lead's system-wide file), left out and reported by organisation, the
    user's own rows and the rows of no partner imported."""
    if not user.editable_orgs:
        raise HTTPException(403, "only an editor of an organisation imports actuals")
    data = await upload.read()  # its size was capped by the guard (carebridge serve --max-upload-mb)
    name = Path(upload.filename or "actuals.csv").name or "actuals.csv"
    with temporary_folder() as folder:
        path = save_upload(data, name, Path(folder))
        try:
            baseline, files = await run_in_threadpool(actuals_cases.check_actuals, store, plan, [path])
        except actuals_cases.ActualsFilesError as error:
            header = _named(str(error).splitlines()[0], path)
            problems = [_named(str(problem), path) for problem in error.problems]
            return UploadResult(problems, header, 422)  # named by the file's own name, not the server's path
    actuals = files[0]
    others: list[tuple[str, int]] = []
    if own_rows:
        split = actuals_cases.own_rows(actuals, baseline, user.editable_orgs)
        others = [(baseline.org_name(org), count) for org, count in split.others.items()]
        actuals = split.actuals
        if split.left_out and not actuals.row_count:
            mine = ", ".join(sorted(baseline.org_name(org) for org in user.editable_orgs))
            message = (
                f"{actuals.name} has no rows of {mine} (the organisations you edit) and no rows of no "
                "partner; nothing was imported"
            )
            return UploadResult([], message, 403, others)
    else:
        refused = forbidden_orgs(user, actuals_cases.orgs_touched(actuals, baseline))
        if refused:
            raise HTTPException(
                403,
                f"{actuals.name} has actuals of {', '.join(baseline.org_name(org) for org in refused)}, "
                "which you do not edit; nothing was imported (the actuals page imports your own rows of "
                "such a file and reports the others)",
            )
    try:
        (outcome,) = await run_in_threadpool(
            actuals_cases.import_checked, store, plan, [actuals], user.editable_orgs
        )
    except OwnershipError as error:
        header = str(error).splitlines()[0]
        return UploadResult([str(problem) for problem in error.problems], header, 403, others)
    whose = ""
    if others:
        mine = ", ".join(sorted(baseline.org_name(org) for org in user.editable_orgs))
        whose = f" the rows of {mine} and of no partner"
    if outcome.changed:
        message = (
            f"{actuals.name}: imported{whose} into '{plan}': {outcome.inserted} new, {outcome.updated} "
            f"replaced, {outcome.unchanged} unchanged"
        )
    else:
        message = f"{actuals.name}: nothing changed; every row imported is already in the store"
    return UploadResult([], message, 200, others)


def _named(text: str, path: Path) -> str:
    """A message with the server's temporary folder taken out, so it names the user's file alone."""
    return text.replace(f"{path.parent}{os.sep}", "").replace(str(path.parent), "")


@router.get("/scenarios/{plan_id}/actuals")
async def actuals_page(request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User) -> Any:
    state = await current_or_404(caches, store, plan_id)
    return render(
        request,
        "actuals.html",
        title=f"{state.plan_name}: actuals",
        state=state,
        can_upload=bool(user.editable_orgs),
    )


@router.post("/scenarios/{plan_id}/actuals")
async def actuals_upload(
    request: Request,
    plan_id: PlanId,
    store: Writer,
    caches: Caches,
    user: User,
    csrf_token: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Any:
    check_csrf(request, csrf_token)
    state = await current_or_404(caches, store, plan_id)
    result = await upload_actuals(store, user, state.plan_name, file, own_rows=True)
    return render(
        request,
        "actuals.html",
        result.status,
        title=f"{state.plan_name}: actuals",
        state=state,
        can_upload=True,
        problems=result.problems,
        message=result.message,
        others=result.others,
        refused=result.status == 403 and not result.problems,
        file_name=Path(file.filename or "").name,
    )


@router.get("/scenarios/{plan_id}/fews")
async def fews_page(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None
) -> Any:
    """The FEWS page: its body rendered once per state of the plan and of the store. Read on the event
    loop when the body is kept and the store is SQLite (:mod:`carebridge.web.reads`), else the plan, the
    store's generation and the body in one hop to a worker thread."""
    kept = _kept_fews(caches, store, plan_id, month) if on_the_loop(store.engine) else None
    if kept is not None:
        state, body = kept
    else:
        with plan_or_404():
            try:
                state, body = await run_in_threadpool(_fews, caches, store, plan_id, month)
            except (MonthError, ValueError) as error:
                raise HTTPException(422, str(error)) from None
    return render(request, "fews.html", title=f"{state.plan_name}: early warning", state=state, body=body)


def _kept_fews(
    caches: WebCaches, store: Store, plan_id: int, month: str | None
) -> tuple[Current, Markup] | None:
    """The plan's current scenario and the FEWS page's body when both are kept for the present state of
    the plan and of the store (two small queries), else None."""
    state = kept_current(caches.currents, store, plan_id)
    if state is None:
        return None
    body = peek_of_object(caches.parts, state, ("fews", month, store_generation(store)))
    return None if body is None else (state, body)


def _fews(caches: WebCaches, store: Store, plan_id: int, month: str | None) -> tuple[Current, Markup]:
    state = cached_current(caches.currents, caches.runs, store, plan_id)
    generation = store_generation(store)

    def body() -> Markup:
        page = delivery.fews_page(
            caches.fews_pages, caches.fews, caches.fews_trends, store, state.plan_name, month, generation
        )
        view = page.view
        return render_part(
            "_fews_body.html",
            trend=page.trend,
            month_names=page.month_names,
            state=state,
            view=view,
            sets=view.monitoring.fews.sets if view.monitoring is not None else SETS,
            set_titles=SET_TITLES,
            spc=page.spc,
            spc_css=delivery.SPC_CSS,
        )

    return state, of_object(caches.parts, state, ("fews", month, generation), body)


@router.get("/scenarios/{plan_id}/targets")
async def targets_page(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(registers.targets, caches.targets, store, month)
    except MonthError as error:
        raise HTTPException(422, str(error)) from None
    return render(
        request,
        "targets.html",
        title="Targets and trajectories",
        state=state,
        view=view,
        spc_css=delivery.SPC_CSS,
    )


@router.get("/scenarios/{plan_id}/risks")
async def risks_page(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(registers.risks, caches.risks, store, plan_id, month)
    except MonthError as error:
        raise HTTPException(422, str(error)) from None
    return render(request, "risks.html", title=f"{state.plan_name}: risks", state=state, view=view)
