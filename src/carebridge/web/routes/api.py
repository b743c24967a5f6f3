"""The JSON API: the same operations as the pages, described by the OpenAPI document at /openapi.json.

Sign in with ``POST /api/login`` (sets the session cookie and returns the CSRF token); every change must
carry that token in the ``X-CSRF-Token`` header. Roles are checked exactly as for the pages.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Header, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.months import MonthError
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.years import YearError
from carebridge.store import Store
from carebridge.usecases import edits, plans
from carebridge.usecases.planning import with_bridge_year
from carebridge.web import delivery, scenarios
from carebridge.web.context import Caches, check_csrf, principal, reading_store, session_info, store_as
from carebridge.web.roles import Principal, can_approve
from carebridge.web.routes.common import PlanId, current_or_404, owner_or_404, require_editor
from carebridge.web.routes.pages_auth import set_session_cookie, sign_in
from carebridge.web.routes.pages_delivery import upload_actuals

router = APIRouter(prefix="/api", tags=["api"])
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]
Kind = Literal["schemes", "lines"]
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token", description="The session's CSRF token.")]


class Login(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    email: str
    is_admin: bool
    roles: dict[str, str]
    csrf_token: str


class Version(BaseModel):
    number: int
    scenario_name: str
    sha256: str
    approved_at: str
    approved_by: str


class PlanOut(BaseModel):
    id: int
    name: str
    versions: list[Version]
    draft_by: str | None


class BridgeStepOut(BaseModel):
    line: str
    name: str
    value: float


class PositionOut(BaseModel):
    org: str
    name: str
    values: dict[str, float]


class ScenarioOut(BaseModel):
    id: int
    name: str
    source: str = Field(description="draft, or the version shown")
    sha256: str
    years: list[str]
    bridge_year: str
    bridge: list[BridgeStepOut]
    positions: list[PositionOut]


class EffectOut(BaseModel):
    index: int
    kind: str
    pod: str
    field: str
    unit: str
    values: dict[str, str]


class SchemeEdit(BaseModel):
    effects: dict[int, dict[str, str]] = Field(
        description="Values by effect index and year (YYYY/YY, or 'all' for one value of every year); a "
        "blank value leaves the year out."
    )


class Problems(BaseModel):
    detail: str
    problems: list[str]


class ImportOut(BaseModel):
    message: str


class IndicatorOut(BaseModel):
    set: str
    item: str
    label: str
    planned: float | None
    achieved: float | None
    ratio: float | None
    status: str


class FewsOut(BaseModel):
    month: str | None
    months: list[str]
    overall: str | None
    triggered: bool | None
    forecast_loss: float | None
    indicators: list[IndicatorOut]


def _finite(value: float) -> float | None:
    return value if value == value and abs(value) != float("inf") else None


@router.post("/login", response_model=Me, responses={401: {"model": Problems}, 429: {"model": Problems}})
async def api_login(request: Request, response: Response, body: Login) -> Me:
    signed, message, status = await sign_in(request, body.email, body.password)
    if signed is None:
        raise HTTPException(status, message)
    set_session_cookie(response, request, signed.token)
    user = signed.principal
    return Me(email=user.email, is_admin=user.is_admin, roles=dict(user.roles), csrf_token=signed.csrf_token)


@router.get("/me", response_model=Me)
def api_me(request: Request) -> Me:
    info = session_info(request)
    user = info.principal
    return Me(email=user.email, is_admin=user.is_admin, roles=dict(user.roles), csrf_token=info.csrf_token)


@router.get("/scenarios", response_model=list[PlanOut])
async def api_scenarios(store: Reader) -> list[PlanOut]:
    rows = await run_in_threadpool(plans.list_plans, store)
    return [
        PlanOut(
            id=p.id,
            name=p.name,
            versions=[Version(**v.__dict__) for v in p.versions],
            draft_by=p.draft_by,
        )
        for p in rows
    ]


@router.get("/scenarios/{plan_id}", response_model=ScenarioOut, responses={404: {"model": Problems}})
async def api_scenario(
    plan_id: PlanId, store: Reader, caches: Caches, year: str | None = None
) -> ScenarioOut:
    state = await current_or_404(caches, store, plan_id)
    chosen = year or state.results.bridge_year
    try:
        with_bridge_year(state.results, chosen)
    except YearError as error:
        raise HTTPException(422, str(error)) from None
    key = (plan_id, state.plan_name, state.source, state.sha256, chosen)
    return await run_in_threadpool(caches.scenarios.get, key, lambda: scenario_out(state, chosen))


def scenario_out(state: scenarios.Current, year: str) -> ScenarioOut:
    results = state.results
    drawn = with_bridge_year(results, year)
    something = results.positions.sel(line="do_something").transpose("org", "year")
    orgs = [str(org) for org in something.org.values]
    positions = [
        PositionOut(
            org=org,
            name=results.org_label(org),
            values=dict(zip(results.years, (float(v) for v in row), strict=True)),
        )
        for org, row in zip(orgs, something.sel(year=list(results.years)).values, strict=True)
    ]
    return ScenarioOut(
        id=state.plan_id,
        name=state.plan_name,
        source=state.source,
        sha256=state.sha256,
        years=list(results.years),
        bridge_year=year,
        bridge=[BridgeStepOut(line=s.line, name=s.name, value=s.value) for s in drawn.bridge(year)],
        positions=positions,
    )


@router.get(
    "/scenarios/{plan_id}/{kind}/{item_id}",
    response_model=list[EffectOut],
    responses={404: {"model": Problems}},
)
async def api_values(
    plan_id: PlanId, kind: Kind, item_id: str, store: Reader, caches: Caches
) -> list[EffectOut]:
    """The values by year of a scheme's effects, or of a plan line (one entry, index 0)."""
    state = await current_or_404(caches, store, plan_id)
    owner_or_404(state, kind, item_id)
    return [
        EffectOut(
            index=f.index,
            kind=f.kind,
            pod=f.pod,
            field=f.field,
            unit=f.unit,
            values={v.year: v.value for v in f.values},
        )
        for f in edits.effect_forms(state.text, state.checked, kind, item_id)
    ]


@router.put(
    "/scenarios/{plan_id}/{kind}/{item_id}",
    response_model=ScenarioOut,
    responses={403: {"model": Problems}, 404: {"model": Problems}, 422: {"model": Problems}},
)
async def api_edit_values(
    request: Request,
    plan_id: PlanId,
    kind: Kind,
    item_id: str,
    body: SchemeEdit,
    store: Writer,
    caches: Caches,
    user: User,
    csrf: Csrf = None,
) -> Any:
    """Set the values by year of a scheme's effects or a plan line; checked as ``carebridge validate``
    checks a file, then kept as the plan's draft. Only an editor of the owning organisation may (a finance
    lead for a system-level line)."""
    check_csrf(request, csrf)
    state = await current_or_404(caches, store, plan_id)
    require_editor(user, owner_or_404(state, kind, item_id))
    try:
        await run_in_threadpool(
            edits.edit_value, store, state.stored, kind, item_id, body.effects, caches.runs.get
        )
    except KeyError as error:
        raise HTTPException(422, f"the edit does not match the {kind[:-1]}: {error}") from None
    except ScenarioError as error:
        from fastapi.responses import JSONResponse

        return JSONResponse(
            {"detail": str(error).splitlines()[0], "problems": scenarios.problem_lines(error)},
            status_code=422,
        )
    return await api_scenario(plan_id, store, caches)


@router.post(
    "/scenarios/{plan_id}/approve",
    response_model=Version,
    responses={403: {"model": Problems}, 404: {"model": Problems}},
)
async def api_approve(
    request: Request, plan_id: PlanId, store: Writer, caches: Caches, user: User, csrf: Csrf = None
) -> Version:
    check_csrf(request, csrf)
    if not can_approve(user):
        raise HTTPException(403, "only a finance lead approves a plan")
    await current_or_404(caches, store, plan_id)
    approval = await run_in_threadpool(scenarios.approve_current, caches.runs, store, plan_id)
    v = approval.version
    return Version(
        number=v.number,
        scenario_name=v.scenario_name,
        sha256=v.sha256,
        approved_at=v.approved_at.strftime("%Y-%m-%d %H:%M UTC"),
        approved_by=v.approved_by,
    )


@router.post(
    "/scenarios/{plan_id}/actuals",
    response_model=ImportOut,
    responses={403: {"model": Problems}, 404: {"model": Problems}, 422: {"model": Problems}},
)
async def api_actuals(
    request: Request,
    plan_id: PlanId,
    store: Writer,
    caches: Caches,
    user: User,
    file: Annotated[UploadFile, File()],
    csrf: Csrf = None,
) -> Any:
    """Import a CSV or Excel file of actuals, all or nothing; every bad row is listed."""
    check_csrf(request, csrf)
    state = await current_or_404(caches, store, plan_id)
    result = await upload_actuals(store, user, state.plan_name, file)
    if result.problems:
        from fastapi.responses import JSONResponse

        return JSONResponse(
            {"detail": result.message, "problems": result.problems}, status_code=result.status
        )
    return ImportOut(message=result.message)


@router.get("/scenarios/{plan_id}/fews", response_model=FewsOut, responses={404: {"model": Problems}})
async def api_fews(plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None) -> FewsOut:
    state = await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(delivery.fews, caches.fews, store, state.plan_name, month)
    except (MonthError, ValueError) as error:
        raise HTTPException(422, f"month: {error}") from None
    status = view.monitoring.fews if view.monitoring else None
    return FewsOut(
        month=view.month,
        months=list(view.months),
        overall=status.overall if status else None,
        triggered=status.triggered if status else None,
        forecast_loss=_finite(status.forecast.forecast_loss) if status else None,
        indicators=[
            IndicatorOut(
                set=i.set,
                item=i.item,
                label=i.label,
                planned=_finite(i.planned),
                achieved=_finite(i.achieved),
                ratio=_finite(i.ratio),
                status=i.status,
            )
            for i in (status.indicators if status else ())
        ],
    )
