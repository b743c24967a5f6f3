"""Money between the partners (model spec section 13): the contracts between payers and providers (listed,
added, changed, removed), a system-level plan line's allocation, and the page of each organisation's,
sector's and the system's bridge from the schemes with its flows.

Edits follow the other edit pages: the guard lets only a user with an editing role post, with the session's
CSRF token; a contract is changed by an editor of one of its parties (its payer or provider, before and
after the change), an allocation (of a system-level line) by a finance lead; the edited scenario is checked
as ``carebridge validate`` checks a file, each problem shown by its field (422, nothing saved), and a good
edit is kept as the plan's draft (audited) and shown against the approved plan.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from carebridge.scenario.schema import Scenario
from carebridge.scenario.validate_contracts import commissioner, contract_name, pod_payer
from carebridge.store import Store
from carebridge.usecases import contract_edits as ce
from carebridge.usecases.edits import DraftRejectedError
from carebridge.usecases.partners import scheme_steps
from carebridge.web import scenarios
from carebridge.web.cache import WebCaches
from carebridge.web.context import Caches, check_csrf, principal, reading_store, render, store_as
from carebridge.web.partners import holders, partners_view
from carebridge.web.roles import Principal, can_edit
from carebridge.web.routes.common import PlanId, current_or_404, require_editor
from carebridge.web.routes.pages_scenarios import values_page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]


# ---- the partners' bridges ---------------------------------------------------------------------------------


@router.get("/scenarios/{plan_id}/partners")
async def partners_page(
    request: Request,
    plan_id: PlanId,
    store: Reader,
    caches: Caches,
    user: User,
    holder: str | None = None,
    year: str | None = None,
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    results = state.results
    known = holders(results)
    if not known:
        raise HTTPException(409, f"{state.plan_name} has no flows between the partners")
    own = [org for org in user.roles if org in known]
    chosen = holder or (own[0] if own else "system")
    if chosen not in known:
        names = ", ".join(results.org_label(h) for h in known)
        raise HTTPException(
            422, f"holder: '{chosen}' is not an organisation of the plan; expected one of {names}"
        )
    when = year or results.bridge_year
    if when not in results.years:
        raise HTTPException(
            422, f"year: '{when}' is not a year of the plan ({results.years[0]} to {results.years[-1]})"
        )
    steps = await run_in_threadpool(
        caches.partners.get, ("steps", state.sha256), lambda: scheme_steps(results)
    )
    view = await run_in_threadpool(
        caches.partners.get,
        ("view", state.sha256, chosen, when),
        lambda: partners_view(results, steps, chosen, when),
    )
    template = "_partners.html" if request.headers.get("hx-request") else "partners.html"
    return render(
        request, template, title=f"{state.plan_name}: money between the partners", state=state, view=view
    )


# ---- contracts ---------------------------------------------------------------------------------------------


@router.get("/scenarios/{plan_id}/contracts")
async def contracts_page(request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User) -> Any:
    state = await current_or_404(caches, store, plan_id)
    scenario = state.loaded.scenario
    rows = [(row, any(can_edit(user, party) for party in row.parties)) for row in ce.contract_rows(scenario)]
    return render(
        request,
        "contracts.html",
        title=f"{state.plan_name}: contracts",
        state=state,
        rows=rows,
        payers=_pod_payers(scenario),
        can_add=bool(user.editable_orgs),
    )


@router.get("/scenarios/{plan_id}/contracts/new")
async def contract_new(request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User) -> Any:
    state = await current_or_404(caches, store, plan_id)
    scenario = state.loaded.scenario
    payer = commissioner(scenario) or ""
    fields = ce.ContractFields(payer=payer, rates={"rate": "1"})
    return _contract_form(request, state, None, fields, editable=bool(user.editable_orgs))


@router.post("/scenarios/{plan_id}/contracts/new")
async def contract_add(request: Request, plan_id: PlanId, store: Writer, caches: Caches, user: User) -> Any:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    state = await current_or_404(caches, store, plan_id)
    fields = contract_form_fields(form)
    _require_party(user, state.loaded.scenario, fields.payer, fields.provider, None)
    return await _save_contract(request, store, caches, state, None, fields)


@router.get("/scenarios/{plan_id}/contracts/{contract_id}")
async def contract_form(
    request: Request, plan_id: PlanId, contract_id: str, store: Reader, caches: Caches, user: User
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    contract = _contract_or_404(state, contract_id)
    fields = ce.contract_fields(state.text, contract_id)
    parties = ce.contract_parties(state.loaded.scenario, contract)
    editable = any(can_edit(user, party) for party in parties)
    return _contract_form(request, state, contract_id, fields, editable=editable)


@router.post("/scenarios/{plan_id}/contracts/{contract_id}")
async def contract_submit(
    request: Request, plan_id: PlanId, contract_id: str, store: Writer, caches: Caches, user: User
) -> Any:
    form, state, contract = await _posted_contract(request, caches, store, plan_id, contract_id)
    scenario = state.loaded.scenario
    fields = contract_form_fields(form)
    _require_party(user, scenario, fields.payer, fields.provider, ce.contract_parties(scenario, contract))
    return await _save_contract(request, store, caches, state, contract_id, fields)


@router.post("/scenarios/{plan_id}/contracts/{contract_id}/remove")
async def contract_remove(
    request: Request, plan_id: PlanId, contract_id: str, store: Writer, caches: Caches, user: User
) -> Any:
    _, state, contract = await _posted_contract(request, caches, store, plan_id, contract_id)
    scenario = state.loaded.scenario
    parties = ce.contract_parties(scenario, contract)
    _require_party(user, scenario, "", "", parties)
    try:
        await run_in_threadpool(ce.delete_contract, store, state.stored, contract_id, caches.runs.get)
    except DraftRejectedError as error:
        raise HTTPException(
            422, f"removing {contract_name(scenario, contract)} leaves a scenario that does not load: {error}"
        ) from None
    return RedirectResponse(f"/scenarios/{plan_id}/compare", status_code=303)


def contract_form_fields(form: FormData) -> ce.ContractFields:
    """The contract form's fields: ``name``, ``payer``, ``provider``, ``pods`` (ticked), ``type``, a field
    per rate, ``compensating`` (none, stranded, by_year), ``stranded-years`` (ticked),
    ``compensating-<year>``, ``note``."""
    text = {key: str(value) for key, value in form.items()}
    years = {
        key.removeprefix("compensating-"): value
        for key, value in text.items()
        if key.startswith("compensating-")
    }
    rates = {
        name: text.get(f"rate-{name}", "")
        for name in ("rate", "under", "over", "tolerance", "beyond", "variable_share")
    }
    return ce.ContractFields(
        name=text.get("name", ""),
        payer=text.get("payer", ""),
        provider=text.get("provider", ""),
        pods=tuple(str(pod) for pod in form.getlist("pods")),
        type=text.get("type", "tariff"),
        rates=rates,
        compensating=text.get("compensating", "none"),
        compensating_years=years,
        stranded_years=tuple(str(year) for year in form.getlist("stranded-years")),
        note=text.get("note", ""),
    )


async def _save_contract(
    request: Request,
    store: Store,
    caches: Any,
    state: scenarios.Current,
    contract_id: str | None,
    fields: ce.ContractFields,
) -> Any:
    try:
        await run_in_threadpool(ce.save_contract, store, state.stored, contract_id, fields, caches.runs.get)
    except ce.ContractMissingError:
        raise HTTPException(404, f"no contract '{contract_id}' in {state.plan_name}") from None
    except DraftRejectedError as error:
        _, index = ce.set_contract(state.text, contract_id, fields)
        problems = ce.field_problems(error.problems, ("contracts", index))
        others = [str(p) for p in error.problems if tuple(p.path[:2]) != ("contracts", index)]
        return _contract_form(
            request, state, contract_id, fields, editable=True, problems=problems, others=others, status=422
        )
    return RedirectResponse(f"/scenarios/{state.plan_id}/compare", status_code=303)


def _contract_form(
    request: Request,
    state: scenarios.Current,
    contract_id: str | None,
    fields: ce.ContractFields,
    *,
    editable: bool,
    problems: dict[str, list[str]] | None = None,
    others: list[str] | None = None,
    status: int = 200,
) -> Any:
    scenario = state.loaded.scenario
    title = "New contract"
    if contract_id is not None:
        contract = _contract_or_404(state, contract_id)
        title = f"Contract: {contract_name(scenario, contract)}"
    years = state.results.years[1:]
    given = dict(fields.compensating_years)
    return render(
        request,
        "contract.html",
        status,
        title=title,
        state=state,
        contract_id=contract_id,
        fields=fields,
        orgs=[(o.id, o.name) for o in scenario.organisations],
        pods=[(p.id, p.name) for p in scenario.pods if p.activity is not None and p.price is not None],
        types=ce.CONTRACT_TYPES,
        years=[(year, given.get(year, "")) for year in years],
        every_year=given.get("all", ""),
        editable=editable,
        problems=problems or {},
        others=others or [],
    )


async def _posted_contract(
    request: Request, caches: WebCaches, store: Store, plan_id: int, contract_id: str
) -> tuple[FormData, scenarios.Current, Any]:
    """A posted contract form after its CSRF check: the form, the plan's current scenario and the contract."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    state = await current_or_404(caches, store, plan_id)
    return form, state, _contract_or_404(state, contract_id)


def _contract_or_404(state: scenarios.Current, contract_id: str) -> Any:
    for contract in state.loaded.scenario.contracts:
        if contract.id == contract_id:
            return contract
    raise HTTPException(404, f"no contract '{contract_id}' in {state.plan_name}")


def _require_party(
    user: Principal, scenario: Scenario, payer: str, provider: str, before: tuple[str, ...] | None
) -> None:
    """Only an editor of one of a contract's parties changes it: of its payer or provider as it stands
    (``before``) and, for what it becomes, of the payer or provider named in the form."""
    names = {o.id: o.name for o in scenario.organisations}
    if before is not None and not any(can_edit(user, party) for party in before):
        whom = " or ".join(names.get(p, p) for p in before)
        raise HTTPException(403, f"only an editor of {whom} may change this contract")
    after = [party for party in (payer.strip() or commissioner(scenario), provider.strip()) if party]
    if (payer or provider) and not any(can_edit(user, party) for party in after):
        whom = " or ".join(names.get(p, p) for p in after) or "its payer or provider"
        raise HTTPException(403, f"only an editor of {whom} may make this contract")


def _pod_payers(scenario: Scenario) -> list[tuple[str, str, str]]:
    """Each POD with activity and a price: its name, who pays for it, and its providers' shares."""
    orgs = {o.id: o.name for o in scenario.organisations}
    rows = []
    for pod in scenario.pods:
        payer = pod_payer(scenario, pod)
        providers = ", ".join(
            f"{orgs.get(org, 'other providers')} {share:.0%}"
            for org, share in pod.providers.items()
            if share > 0
        )
        rows.append((pod.name, orgs.get(payer, "no payer") if payer else "no payer", providers))
    return rows


# ---- a plan line's allocation ------------------------------------------------------------------------------


@router.post("/scenarios/{plan_id}/lines/{line_id}/allocation")
async def allocation_submit(
    request: Request, plan_id: PlanId, line_id: str, store: Writer, caches: Caches, user: User
) -> Any:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    state = await current_or_404(caches, store, plan_id)
    try:
        item = scenarios.owner_of(state.loaded.scenario, "lines", line_id)
    except KeyError:
        raise HTTPException(404, f"no plan line '{line_id}' in {state.plan_name}") from None
    require_editor(user, item)
    fields = allocation_form_fields(form)
    try:
        await run_in_threadpool(ce.save_allocation, store, state.stored, line_id, fields, caches.runs.get)
    except DraftRejectedError as error:
        _, index = ce.set_allocation(state.text, line_id, fields)
        problems = ce.field_problems(error.problems, ("positions", "plan_lines", index, "allocation"))
        others = [
            str(p)
            for p in error.problems
            if tuple(p.path[:4]) != ("positions", "plan_lines", index, "allocation")
        ]
        return values_page(
            request,
            state,
            item,
            True,
            allocation=fields,
            allocation_problems=problems,
            problems=others,
            status=422,
        )
    return RedirectResponse(f"/scenarios/{plan_id}/compare", status_code=303)


def allocation_form_fields(form: FormData) -> ce.AllocationFields:
    """The allocation form's fields: ``mode`` (none, shares, basis), ``share-<org>``, ``basis``, ``orgs``."""
    text = {key: str(value) for key, value in form.items()}
    shares = {key.removeprefix("share-"): value for key, value in text.items() if key.startswith("share-")}
    return ce.AllocationFields(
        mode=text.get("mode", "none"),
        shares=shares,
        basis=text.get("basis", "do_nothing"),
        orgs=tuple(str(org) for org in form.getlist("orgs")),
    )
