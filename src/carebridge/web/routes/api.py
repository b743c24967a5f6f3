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
    key = (plan_id, state.plan_name, state.source, state.sha256, chosen)
    found: ScenarioOut | None = caches.scenarios.peek(key)  # kept only for a year of the plan
    if found is not None:
        return found
    try:
        with_bridge_year(state.results, chosen)
    except YearError as error:
        raise HTTPException(422, str(error)) from None
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


# --- pooled budgets and efficiency programmes (docs/web.md, "The JSON API") ---------------------------------


class PartnerShareOut(BaseModel):
    partner: str
    name: str
    share: float
    amount: float = Field(description="£'000: positive an overspend the partner funds, negative one it keeps")


class PoolVarianceOut(BaseModel):
    basis: str
    budget: float
    outturn: float
    variance: float
    kind: str = Field(description="overspend, underspend or on_budget")
    partners: list[PartnerShareOut]


class PoolMonthOut(BaseModel):
    month: str
    plan: float
    actual: float | None
    plan_ytd: float
    actual_ytd: float | None


class PoolAreaOut(BaseModel):
    area: str
    name: str
    plan: float | None
    plan_ytd: float | None
    actual_ytd: float
    forecast: float


class PoolContributionOut(BaseModel):
    partner: str
    name: str
    gross: float
    qipp: float
    affordability: float


class PoolStatusOut(BaseModel):
    code: str
    name: str
    cohort: str
    month: str
    year: str
    elapsed: float = Field(description="share of the year's budget planned to be spent by the month")
    gross: float
    qipp: float
    affordability: float
    contributions: list[PoolContributionOut]
    plan_ytd: float
    actual_ytd: float
    ytd_variance: float
    forecast: float
    variance: PoolVarianceOut = Field(description="the forecast against the affordability budget")
    gross_variance: PoolVarianceOut = Field(description="the forecast against the gross budget")
    months: list[PoolMonthOut]
    areas: list[PoolAreaOut]
    missing: list[str] = Field(description="months to the month with no spend imported")


class PoolOut(BaseModel):
    code: str
    name: str
    cohort: str
    year: str = Field(description="the year of the pool's table")
    partners: list[str] = Field(description="the contributing partners, by name")
    budgeted: bool = Field(description="whether the pool has a budget in the month's year")
    forecast: float | None
    variance: float | None = Field(description="forecast less the affordability budget")


class PoolsOut(BaseModel):
    month: str | None
    months: list[str]
    pools: list[PoolOut]


def _partner_names(pool: Any) -> dict[str, str]:
    return {c.partner: c.name for c in pool.contributions}


def _variance_out(variance: Any, names: dict[str, str]) -> PoolVarianceOut:
    return PoolVarianceOut(
        basis=variance.basis,
        budget=variance.budget,
        outturn=variance.outturn,
        variance=variance.variance,
        kind=variance.kind,
        partners=[
            PartnerShareOut(
                partner=line.partner,
                name=names.get(line.partner, line.partner),
                share=line.share,
                amount=line.amount,
            )
            for line in variance.lines
        ],
    )


def pool_status_out(code: str, status: Any) -> PoolStatusOut:
    pool = status.pool
    names = _partner_names(pool)
    bridge = status.affordability
    return PoolStatusOut(
        code=code,
        name=pool.name,
        cohort=pool.cohort.name,
        month=status.month.label,
        year=status.year,
        elapsed=status.elapsed,
        gross=bridge.gross,
        qipp=bridge.qipp,
        affordability=bridge.affordability,
        contributions=[
            PoolContributionOut(
                partner=r.partner, name=r.name, gross=r.gross, qipp=r.qipp, affordability=r.affordability
            )
            for r in bridge.rows
        ],
        plan_ytd=status.plan_ytd,
        actual_ytd=status.actual_ytd,
        ytd_variance=status.ytd_variance,
        forecast=status.forecast,
        variance=_variance_out(status.variance, names),
        gross_variance=_variance_out(status.gross_variance, names),
        months=[
            PoolMonthOut(
                month=m.month.label,
                plan=m.plan,
                actual=m.actual,
                plan_ytd=m.plan_ytd,
                actual_ytd=m.actual_ytd,
            )
            for m in status.months
        ],
        areas=[
            PoolAreaOut(
                area=a.area,
                name=a.name,
                plan=a.plan,
                plan_ytd=a.plan_ytd,
                actual_ytd=a.actual_ytd,
                forecast=a.forecast,
            )
            for a in status.areas
        ],
        missing=[m.label for m in status.missing],
    )


@router.get("/pools", response_model=PoolsOut, responses={422: {"model": Problems}})
async def api_pools(store: Reader, month: str | None = None) -> PoolsOut:
    """Every pooled budget in the store as at ``month`` (default: the latest month with spend)."""
    from carebridge.usecases import pools as pool_cases

    try:
        found = await run_in_threadpool(pool_cases.pools_status, store, month)
    except MonthError as error:
        raise HTTPException(422, f"month: {error}") from None
    return PoolsOut(
        month=found.month.label if found.month else None,
        months=[m.label for m in found.months],
        pools=[
            PoolOut(
                code=stored.code,
                name=stored.definition.name,
                cohort=stored.definition.cohort.name,
                year=stored.definition.year,
                partners=[c.name for c in stored.definition.contributions],
                budgeted=status is not None,
                forecast=None if status is None else status.forecast,
                variance=None if status is None else status.variance.variance,
            )
            for stored, status in found.pools
        ],
    )


@router.get(
    "/pools/{code}",
    response_model=PoolStatusOut,
    responses={404: {"model": Problems}, 422: {"model": Problems}},
)
async def api_pool(code: str, store: Reader, month: str | None = None) -> PoolStatusOut:
    """One pool as at ``month`` (default: the latest month with spend): spend against the pool to date and
    forecast, gross to affordability after QIPP, each partner's share of the forecast over- or underspend,
    by month and by service area."""
    from carebridge.usecases import pools as pool_cases

    try:
        found = await run_in_threadpool(pool_cases.pools_status, store, month, code)
    except MonthError as error:
        raise HTTPException(422, f"month: {error}") from None
    except pool_cases.UnknownPoolError as error:
        raise HTTPException(404, str(error)) from None
    ((stored, status),) = found.pools
    if found.month is None:
        raise HTTPException(422, f"no spend of any pool is imported yet; give ?month= for {stored.code}")
    if status is None:
        raise HTTPException(422, f"pool {stored.definition.name} has no budget in {found.month.year}")
    return pool_status_out(stored.code, status)


class OrganisationOut(BaseModel):
    id: str
    name: str


class ProgrammeOut(BaseModel):
    name: str
    year: str
    due_working_day: int
    organisations: list[OrganisationOut]
    months: list[str] = Field(description="months with a return")


class EfficiencyViewOut(BaseModel):
    item: str = Field(description="the organisation's id, or system")
    name: str
    months_reported: int
    plan_ytd: float = Field(description="position (expenditure − income), a deficit positive")
    actual_ytd: float
    variance_ytd: float
    run_rate: float
    forecast: float
    best: float
    likely: float
    worst: float
    do_something: float | None
    likely_against_do_something: float | None
    line: float = Field(description="the plan lines the efficiency schemes deliver, £'000 saved")
    upper: float | None
    identified: float
    unidentified: float
    risk_adjusted: float
    planned_ytd: float
    delivered_ytd: float
    recurrent_ytd: float
    non_recurrent_ytd: float
    delivery: float | None = Field(description="delivered ÷ planned to date")
    efficiency_forecast: float | None


class ReturnFactsOut(BaseModel):
    organisation: str
    name: str
    month: str
    due: str
    submitted: str
    late: bool
    days_late: int


class RiskLineOut(BaseModel):
    organisation: str
    item: str
    kind: str
    description: str
    best: float
    likely: float
    worst: float


class EfficiencyStatusOut(BaseModel):
    programme: str
    month: str
    status: str = Field(description="the worst RAG of the indicators shown")
    view: EfficiencyViewOut
    indicators: list[IndicatorOut]
    returns: list[ReturnFactsOut]
    risks: list[RiskLineOut]


def _view_out(view: Any) -> EfficiencyViewOut:
    return EfficiencyViewOut(
        item=view.item,
        name=view.label,
        months_reported=view.months_reported,
        plan_ytd=view.plan_ytd,
        actual_ytd=view.actual_ytd,
        variance_ytd=view.variance_ytd,
        run_rate=view.run_rate,
        forecast=view.forecast,
        best=view.best,
        likely=view.likely,
        worst=view.worst,
        do_something=view.do_something,
        likely_against_do_something=view.against_do_something(view.likely),
        line=view.line,
        upper=view.upper,
        identified=view.identified,
        unidentified=view.unidentified,
        risk_adjusted=view.risk_adjusted,
        planned_ytd=view.planned_ytd,
        delivered_ytd=view.delivered_ytd,
        recurrent_ytd=view.recurrent_ytd,
        non_recurrent_ytd=view.non_recurrent_ytd,
        delivery=_finite(view.delivery),
        efficiency_forecast=_finite(view.efficiency_forecast),
    )


def efficiency_out(found: Any, item: str) -> EfficiencyStatusOut:
    """The view of organisation ``item`` (or ``system``) of an efficiency status, with its indicators, returns
    and latest risks (the system's: every organisation's)."""
    from carebridge.delivery.fews import worst

    programme = found.programme
    view = found.system if item == "system" else next(v for v in found.organisations if v.item == item)
    mine = [i for i in found.indicators if item == "system" or i.item.split(":")[0] == item]
    return EfficiencyStatusOut(
        programme=programme.name,
        month=found.as_at.label,
        status=worst(i.status for i in mine),
        view=_view_out(view),
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
            for i in mine
        ],
        returns=[
            ReturnFactsOut(
                organisation=f.organisation,
                name=programme.organisation_name(f.organisation),
                month=f.month.label,
                due=f.due.isoformat(),
                submitted=f.submitted.isoformat(),
                late=f.late,
                days_late=f.days_late,
            )
            for f in found.returns
            if item == "system" or f.organisation == item
        ],
        risks=[
            RiskLineOut(
                organisation=r.organisation,
                item=r.item,
                kind=r.kind,
                description=r.description,
                best=r.best,
                likely=r.likely,
                worst=r.worst,
            )
            for r in found.risks
            if item == "system" or r.organisation == item
        ],
    )


def _programmes(store: Store) -> list[ProgrammeOut]:
    from carebridge.store.efficiency import programme_names, read_stored

    found = []
    for name in programme_names(store):
        programme, stored = read_stored(store, name, by_scheme=False)
        found.append(
            ProgrammeOut(
                name=programme.name,
                year=programme.year,
                due_working_day=programme.due_working_day,
                organisations=[OrganisationOut(id=o.id, name=o.name) for o in programme.organisations],
                months=[m.label for m in stored.months],
            )
        )
    return found


@router.get("/efficiency/programmes", response_model=list[ProgrammeOut])
async def api_programmes(store: Reader) -> list[ProgrammeOut]:
    """The efficiency programmes in the store (``carebridge efficiency load``), their organisations and the
    months with a return."""
    return await run_in_threadpool(_programmes, store)


async def _efficiency(
    store: Store, programme: str | None, month: str | None, item: str
) -> EfficiencyStatusOut:
    from carebridge.store.efficiency import ProgrammeNotFoundError
    from carebridge.usecases import efficiency as cases
    from carebridge.usecases.errors import UseCaseError

    try:
        found = await run_in_threadpool(cases.status, store, programme, month)
    except ProgrammeNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    except UseCaseError as error:
        raise HTTPException(422, f"month: {error}") from None
    if item != "system" and item not in found.programme.organisation_ids:
        known = ", ".join(f"{o.id} ({o.name})" for o in found.programme.organisations)
        raise HTTPException(404, f"no organisation '{item}' in the programme; expected one of {known}")
    return efficiency_out(found, item)


@router.get(
    "/efficiency/organisations/{org}",
    response_model=EfficiencyStatusOut,
    responses={404: {"model": Problems}, 422: {"model": Problems}},
)
async def api_efficiency_organisation(
    org: str, store: Reader, programme: str | None = None, month: str | None = None
) -> EfficiencyStatusOut:
    """An organisation's view as at ``month`` (default: the latest month with a return): income and
    expenditure to date, run rate, forecast with best, likely and worst, efficiency delivered against plan,
    the unidentified gap, its FEWS efficiency indicators, returns and latest risks (open book: every
    signed-in user reads every organisation's)."""
    return await _efficiency(store, programme, month, org)


@router.get(
    "/efficiency/system",
    response_model=EfficiencyStatusOut,
    responses={404: {"model": Problems}, 422: {"model": Problems}},
)
async def api_efficiency_system(
    store: Reader, programme: str | None = None, month: str | None = None
) -> EfficiencyStatusOut:
    """The system view (the sum of the partners) as at ``month``, with every indicator, return and risk."""
    return await _efficiency(store, programme, month, "system")


class ReturnImportOut(BaseModel):
    message: str
    rows: int
    inserted: int
    updated: int
    returns: list[ReturnFactsOut]


RETURN_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "Up to three lists, one per table of a return; each row an object of the "
                    "table's columns (docs/efficiency.md); a row without organisation is the path's.",
                    "properties": {
                        kind: {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "additionalProperties": {"type": ["string", "number", "null"]},
                            },
                        }
                        for kind in ("income_expenditure", "efficiency", "risks")
                    },
                    "additionalProperties": False,
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _problems(message: str, problems: list[str]) -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse({"detail": message, "problems": problems}, status_code=422)


@router.post(
    "/efficiency/organisations/{org}/returns",
    response_model=ReturnImportOut,
    responses={
        403: {"model": Problems},
        404: {"model": Problems},
        415: {"model": Problems},
        422: {"model": Problems},
    },
    openapi_extra=RETURN_BODY,
)
async def api_submit_return(
    request: Request, org: str, store: Writer, user: User, programme: str | None = None, csrf: Csrf = None
) -> Any:
    """Submit ``org``'s monthly financial monitoring return as JSON or as a CSV or Excel file (multipart
    ``file``), checked as the web form and ``carebridge returns import --org`` check it: only an editor or
    finance lead of ``org`` may (403 otherwise), every row must be ``org``'s, any bad row answers 422 with
    every problem located and nothing imported; the whole return in one transaction."""
    import datetime as dt
    import json
    from pathlib import Path

    from carebridge.delivery.efficiency import EfficiencyError
    from carebridge.delivery.returns import ReturnsFileError
    from carebridge.store.efficiency import ProgrammeNotFoundError
    from carebridge.usecases import efficiency as cases
    from carebridge.usecases.efficiency_json import JsonReturnError, import_json_return
    from carebridge.usecases.errors import UseCaseError
    from carebridge.web.routes.common import save_upload, temporary_folder

    check_csrf(request, csrf)
    if org not in user.editable_orgs:
        raise HTTPException(403, "you may submit only the return of an organisation you edit")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    today = dt.date.today()
    try:
        if kind == "application/json":
            raw = await request.body()
            try:
                body = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as error:
                return _problems(
                    "the request body is not JSON; nothing was imported", [f"request body: {error}"]
                )
            outcome = await run_in_threadpool(import_json_return, store, programme, org, body, raw, today)
        elif kind == "multipart/form-data":
            form = await request.form()
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                return _problems("give the return as the multipart field file", ["file: missing"])
            name = Path(upload.filename or "return.csv").name or "return.csv"
            data = await upload.read()
            with temporary_folder() as folder:
                path = save_upload(data, name, Path(folder))
                try:
                    (outcome,) = await run_in_threadpool(
                        cases.import_files, store, programme, [path], today, org
                    )
                except ReturnsFileError as error:
                    found = [str(problem).replace(str(path), name) for problem in error.problems]
                    return _problems(f"{len(found)} problem(s) in {name}; nothing was imported", found)
        else:
            raise HTTPException(415, "send the return as application/json or as multipart/form-data (file)")
    except JsonReturnError as error:
        return _problems(str(error), [str(problem) for problem in error.problems])
    except ProgrammeNotFoundError as error:
        raise HTTPException(404, str(error)) from None
    except (EfficiencyError, UseCaseError) as error:
        return _problems("nothing was imported", [str(error)])
    late = [f for f in outcome.returns if f.late]
    message = (
        f"{outcome.file_name}: {outcome.rows} rows, {outcome.inserted} new, {outcome.updated} replaced"
        + (f"; late by {late[0].days_late} days (due {late[0].due.isoformat()})" if late else "")
    )
    return ReturnImportOut(
        message=message,
        rows=outcome.rows,
        inserted=outcome.inserted,
        updated=outcome.updated,
        returns=[
            ReturnFactsOut(
                organisation=f.organisation,
                name=outcome.names.get(f.organisation, f.organisation),
                month=f.month.label,
                due=f.due.isoformat(),
                submitted=f.submitted.isoformat(),
                late=f.late,
                days_late=f.days_late,
            )
            for f in outcome.returns
        ],
    )
