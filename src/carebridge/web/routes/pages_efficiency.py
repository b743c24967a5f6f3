"""The efficiency page: each organisation's and the system's view of the efficiency programmes and the
monthly returns (read by every signed-in user: open book), and the upload of a return, which a finance lead
or editor makes for an organisation they edit, never another's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.efficiency import EfficiencyError
from carebridge.delivery.efficiency_pack import efficiency_tables
from carebridge.delivery.efficiency_status import EfficiencyStatus
from carebridge.delivery.returns import ReturnsFileError
from carebridge.store import Store
from carebridge.store.efficiency import ProgrammeNotFoundError
from carebridge.usecases import efficiency as cases
from carebridge.usecases.errors import UseCaseError
from carebridge.web.context import check_csrf, principal, reading_store, render, store_as
from carebridge.web.roles import Principal
from carebridge.web.routes.common import pack_table_view, save_upload, temporary_folder

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]


def _view(store: Store, month: str | None) -> tuple[EfficiencyStatus | None, str]:
    try:
        return cases.status(store, None, month), ""
    except ProgrammeNotFoundError:
        return None, ""  # the page says how to load one
    except UseCaseError as error:
        return None, str(error)


def _page(
    request: Request, store: Store, user: Principal, month: str | None, status: int = 200, **values: Any
) -> Any:
    view, message = _view(store, month)
    orgs = [] if view is None else [o for o in view.programme.organisations if o.id in user.editable_orgs]
    tables = [] if view is None else [pack_table_view(table) for table in efficiency_tables(view)]
    months = [] if view is None else view.programme.months
    return render(
        request,
        "efficiency.html",
        status,
        title="Efficiency programmes and monthly returns",
        view=view,
        tables=tables,
        months=months,
        message=values.pop("message", message),
        editable=orgs,
        **values,
    )


@router.get("/efficiency")
async def efficiency_page(request: Request, store: Reader, user: User, month: str | None = None) -> Any:
    return await run_in_threadpool(_page, request, store, user, month)


@router.post("/efficiency/returns")
async def return_upload(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    org: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Any:
    """Import a return of ``org``, which the user must edit; its rows must all be ``org``'s."""
    check_csrf(request, csrf_token)
    if org not in user.editable_orgs:
        return _page(
            request,
            store,
            user,
            None,
            403,
            message="you may submit only the return of an organisation you edit",
        )
    data = await file.read()
    name = Path(file.filename or "return.csv").name or "return.csv"
    problems: list[str] = []
    done = ""
    with temporary_folder() as folder:
        path = save_upload(data, name, Path(folder))
        try:
            outcomes = await run_in_threadpool(cases.import_files, store, None, [path], dt.date.today(), org)
        except ReturnsFileError as error:
            problems = [str(problem) for problem in error.problems]
        except (EfficiencyError, ProgrammeNotFoundError, UseCaseError) as error:
            problems = [str(error)]
        else:
            outcome = outcomes[0]
            late = [f for f in outcome.returns if f.late]
            done = f"{name}: {outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced" + (
                f"; late by {late[0].days_late} days (due {late[0].due.isoformat()})" if late else ""
            )
    return _page(
        request,
        store,
        user,
        None,
        422 if problems else 200,
        problems=problems,
        done=done,
        message="nothing was imported" if problems else "",
    )
