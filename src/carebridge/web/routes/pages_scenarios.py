"""Scenario pages: the list of plans and versions, a scenario's dashboard, editing a scheme's values and
the difference against the approved plan, approval, and the report downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from carebridge.engine import Results
from carebridge.report.html_table import render_table
from carebridge.scenario.errors import ScenarioError
from carebridge.store import Store
from carebridge.usecases import edits, plans
from carebridge.usecases.contract_edits import AllocationFields, allocation_fields, scheme_contracts
from carebridge.usecases.partners import scheme_steps
from carebridge.usecases.planning import check_text
from carebridge.web import scenarios
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
from carebridge.web.dashboard import (
    cached_comparison,
    cached_headlines,
    dashboard,
    first_changed_year,
    statement_changes,
    typed_notes,
)
from carebridge.web.memo import of_object, peek_of_object, put_of_object
from carebridge.web.partners import holders, scheme_changes
from carebridge.web.reads import on_the_loop
from carebridge.web.roles import Principal, can_approve, can_edit, can_import_scenario
from carebridge.web.routes.common import (
    PlanId,
    current_or_404,
    owner_or_404,
    require_editor,
    scheme_values,
    temporary_folder,
)

router = APIRouter(include_in_schema=False)
Reader = Annotated[Store, Depends(reading_store)]
Writer = Annotated[Store, Depends(store_as)]
User = Annotated[Principal, Depends(principal)]
Kind = Literal["schemes", "lines"]


@router.get("/")
async def scenario_list(request: Request, store: Reader, caches: Caches, user: User) -> Any:
    rows = caches.plan_lists.peek(_plans_key(store)) if on_the_loop(store.engine) else None
    if rows is None:
        rows = await run_in_threadpool(_plan_rows, caches, store)
    return render(
        request, "scenarios.html", title="Scenarios", plans=rows, can_import=can_import_scenario(user)
    )


def _plans_key(store: Store) -> tuple[Any, ...]:
    return (store.engine, scenarios.plans_state(store))


def _plan_rows(caches: WebCaches, store: Store) -> list[plans.PlanRow]:
    """Every plan with its versions and draft, kept by the store's plans, versions, drafts and users (read
    in two small queries; on the event loop first when the store is SQLite, :mod:`carebridge.web.reads`):
    a new version, draft or user is read afresh."""
    return caches.plan_lists.get(_plans_key(store), lambda: plans.list_plans(store))


@router.post("/scenarios/import")
async def scenario_import(
    request: Request,
    store: Writer,
    user: User,
    csrf_token: Annotated[str, Form()],
    name: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    side_files: Annotated[list[UploadFile] | None, File()] = None,
    scenario_in_zip: Annotated[str, Form()] = "",
) -> Any:
    """Import a scenario as a new version of a plan: its YAML and the files it names beside itself (a
    population projection, benchmark files), or a zip of its folder; the side files are kept with the
    version. A scenario with warnings opens on its dashboard, which shows them."""
    check_csrf(request, csrf_token)
    if not can_import_scenario(user):
        raise HTTPException(403, "only a finance lead or an admin imports a scenario")
    data = await file.read()  # the request's size was capped by the guard (carebridge serve --max-upload-mb)
    side = [(upload.filename or "", await upload.read()) for upload in side_files or [] if upload.filename]
    problems: list[str] = []
    warnings: list[str] = []
    if not name.strip():
        problems = ["the plan needs a name"]
    else:
        try:
            upload = scenarios.read_upload(file.filename or "upload", data, side, scenario_in_zip)
            checked = await run_in_threadpool(check_text, upload.text, upload.file, upload.side_files)
            approval = await run_in_threadpool(plans.approve, store, name.strip(), checked)
        except scenarios.UploadError as error:
            problems = error.problems
        except ScenarioError as error:
            problems = scenarios.problem_lines(error)
            warnings = await run_in_threadpool(scenarios.upload_warnings, upload)
        else:
            if checked.loaded.warnings:
                found = await run_in_threadpool(plans.id_of, store, approval.version.plan)
                return RedirectResponse(f"/scenarios/{found}", status_code=303)
    if problems:
        rows = await run_in_threadpool(plans.list_plans, store)
        return render(
            request,
            "scenarios.html",
            422,
            title="Scenarios",
            plans=rows,
            can_import=True,
            import_problems=problems,
            import_warnings=warnings,
            import_name=name,
            import_zip=scenario_in_zip,
        )
    return RedirectResponse("/", status_code=303)


@router.get("/scenarios/{plan_id}")
async def scenario_dashboard(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User, year: str | None = None
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    view = await _dashboard(caches, state, year)
    headline = _headline(caches, state, user, view.year)
    roles = tuple(sorted(user.roles.items()))  # what the body shows of the user: what they may edit

    def body() -> Markup:
        groups = [
            (
                title,
                [(item, can_edit(user, item.owner)) for item in edits.editables(state.loaded.scenario, kind)],
            )
            for kind, title in (("lines", "Plan lines"), ("schemes", "Schemes"))
        ]
        warnings = scenarios.warning_lines(state.loaded)
        return render_part(
            "_dashboard_body.html", state=state, view=view, groups=groups, warnings=warnings, **headline
        )

    kept = of_object(caches.parts, state, ("dashboard", view.year, roles, headline["balance"]), body)
    return render(request, "dashboard.html", title=state.plan_name, state=state, body=kept)


def _headline(caches: WebCaches, state: scenarios.Current, user: Principal, year: str) -> dict[str, Any]:
    """The dashboard's headline tiles of ``year``: the system's and each of the user's organisations' gap,
    plan and residual, and the system's probability of balance when a Monte Carlo of this text has run."""
    from carebridge.web.uncertainty import DRAWS, SEED

    simulated = caches.monte_carlo.peek((state.sha256, DRAWS, SEED))
    balance = dict(simulated.balance).get(year) if simulated is not None else None
    return {
        "headlines": cached_headlines(
            caches.headlines, state.results, state.sha256, year, tuple(sorted(user.roles))
        ),
        "year": year,
        "balance": balance,
        "draws": DRAWS,
    }


async def _dashboard(caches: WebCaches, state: scenarios.Current, year: str | None) -> Any:
    """The dashboard of ``year``: from the cache without leaving the event loop when it is there (a thread's
    hop costs more than the look-up), else built in a thread."""
    found = caches.dashboards.peek((state.sha256, year or state.results.bridge_year))
    if found is not None:
        return found
    try:
        return await run_in_threadpool(dashboard, caches.dashboards, state.results, state.sha256, year)
    except ValueError as error:
        raise HTTPException(422, str(error)) from None


@router.get("/scenarios/{plan_id}/bridge")
async def scenario_bridge(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User, year: str | None = None
) -> Any:
    """The bridge for a year, as a fragment htmx swaps into the dashboard (the headline tiles with it)."""
    state = await current_or_404(caches, store, plan_id)
    view = await _dashboard(caches, state, year)
    headline = _headline(caches, state, user, view.year)
    key = ("bridge", view.year, tuple(sorted(user.roles)), headline["balance"])
    fragment = of_object(
        caches.parts, state, key, lambda: render_part("_bridge_year.html", state=state, view=view, **headline)
    )
    return HTMLResponse(fragment)


@router.get("/scenarios/{plan_id}/{kind}/{item_id}")
async def values_form(
    request: Request, plan_id: PlanId, kind: Kind, item_id: str, store: Reader, caches: Caches, user: User
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    item = owner_or_404(state, kind, item_id)
    return values_page(request, state, item, can_edit(user, item.owner))


def values_page(
    request: Request,
    state: scenarios.Current,
    item: scenarios.Editable,
    editable: bool,
    *,
    text: str | None = None,
    problems: list[str] | None = None,
    allocation: AllocationFields | None = None,
    allocation_problems: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Any:
    """The form of a scheme's or plan line's values by year (from ``text``, the scenario as edited, when
    given); for a system-level plan line its allocation, for a scheme the contracts on its PODs."""
    scenario = state.loaded.scenario
    system_line = item.kind == "lines" and item.owner is None
    if system_line and allocation is None:
        allocation = allocation_fields(state.text, item.id)
    return render(
        request,
        "values.html",
        status,
        title=item.name,
        state=state,
        item=item,
        owner=state.results.org_label(item.owner) if item.owner else None,
        forms=edits.effect_forms(text or state.text, state.checked, item.kind, item.id),
        editable=editable,
        problems=problems or [],
        allocation=allocation if system_line else None,
        allocation_problems=allocation_problems or {},
        orgs=[(o.id, o.name) for o in scenario.organisations],
        bases=(("do_nothing", "Do-nothing gap"), ("income", "Income"), ("expenditure", "Expenditure")),
        contracts=scheme_contracts(scenario, item.id) if item.kind == "schemes" else [],
    )


@router.post("/scenarios/{plan_id}/{kind}/{item_id}")
async def values_submit(
    request: Request, plan_id: PlanId, kind: Kind, item_id: str, store: Writer, caches: Caches, user: User
) -> Any:
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token", "")))
    state = await current_or_404(caches, store, plan_id)
    item = owner_or_404(state, kind, item_id)
    require_editor(user, item)
    values = scheme_values({key: str(value) for key, value in form.items()})
    try:
        await run_in_threadpool(edits.edit_value, store, state.stored, kind, item_id, values, caches.runs.get)
    except KeyError as error:
        raise HTTPException(422, f"the form does not match the {kind[:-1]}: {error}") from None
    except edits.DraftRejectedError as error:
        return values_page(
            request, state, item, True, text=error.text, problems=scenarios.problem_lines(error), status=422
        )
    return RedirectResponse(f"/scenarios/{plan_id}/compare", status_code=303)


@router.get("/scenarios/{plan_id}/compare")
async def scenario_compare(
    request: Request, plan_id: PlanId, store: Reader, caches: Caches, user: User, year: str | None = None
) -> Any:
    state = await current_or_404(caches, store, plan_id)
    body = peek_of_object(caches.parts, state, ("compare", year))
    if body is None:  # the changes built in a thread when not kept either
        key = (state.approved_sha256, state.sha256, state.is_draft, year)
        changes = caches.changes.peek(key)
        if changes is None:
            changes = await run_in_threadpool(caches.changes.get, key, lambda: _changes(caches, state, year))
        view = await _dashboard(caches, state, changes["year"])
        body = render_part("_compare_body.html", state=state, view=view, **changes)
        put_of_object(caches.parts, state, ("compare", year), body)
    return render(
        request,
        "compare.html",
        title=f"{state.plan_name}: changes",
        state=state,
        can_approve=can_approve(user),
        body=body,
    )


def _changes(caches: WebCaches, state: scenarios.Current, year: str | None) -> dict[str, Any]:
    """What the changes page shows of the draft against the approved plan for ``year`` (None: the first
    changed), a pure function of the two texts and the year: kept in ``caches.changes`` by their digests."""
    approved = scenarios.approved_results(caches.runs, state)
    first = first_changed_year(approved, state.results)
    chosen = year if year is not None and year in state.results.years else first or state.results.bridge_year
    table, by_org, steps = cached_comparison(
        caches.comparisons, approved, state.approved_sha256, state.results, state.sha256, chosen
    )
    return {
        "by_scheme": _scheme_changes(caches, approved, state, chosen),
        "table": table,
        "by_org": by_org,
        "steps": steps,
        "year": chosen,
        "first_year": first,
        "changes": edits.input_changes(approved.scenario, state.loaded.scenario),
        "statement": statement_changes(approved, state.results, chosen),
        "typed_notes": typed_notes(approved, state.results),
    }


def _scheme_changes(
    caches: WebCaches, approved: Results, state: scenarios.Current, year: str
) -> Markup | None:
    """The change in each partner's flows scheme by scheme (the partners page's steps, approved and draft;
    cached with them), None when the plan has no flows between the partners or nothing moved."""
    if not holders(approved) or not holders(state.results) or not state.is_draft:
        return None
    before = caches.partners.get(("steps", state.approved_sha256), lambda: scheme_steps(approved))
    after = caches.partners.get(("steps", state.sha256), lambda: scheme_steps(state.results))
    names = {h: state.results.org_label(h) for h in holders(state.results)}
    table = scheme_changes(before, after, names, year)
    return Markup(render_table(table)) if table is not None else None


@router.post("/scenarios/{plan_id}/approve")
async def scenario_approve(
    request: Request,
    plan_id: PlanId,
    store: Writer,
    caches: Caches,
    user: User,
    csrf_token: Annotated[str, Form()],
) -> Any:
    check_csrf(request, csrf_token)
    if not can_approve(user):
        raise HTTPException(403, "only a finance lead approves a plan")
    await current_or_404(caches, store, plan_id)
    await run_in_threadpool(scenarios.approve_current, caches.runs, store, plan_id)
    return RedirectResponse(f"/scenarios/{plan_id}", status_code=303)


@router.get("/scenarios/{plan_id}/report.{kind}")
async def scenario_report(plan_id: PlanId, kind: str, store: Reader, caches: Caches) -> Any:
    if kind not in ("xlsx", "html"):
        raise HTTPException(404, "reports are report.xlsx and report.html")
    state = await current_or_404(caches, store, plan_id)
    folder = temporary_folder()
    path = await run_in_threadpool(write_reports, state, Path(folder.name))
    chosen = path / f"report.{kind}"
    media = (
        "text/html" if kind == "html" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{_slug(state.plan_name)}-{state.source.replace(' ', '-')}.{kind}"
    return FileResponse(
        chosen, media_type=media, filename=filename, background=BackgroundTask(folder.cleanup)
    )


def write_reports(state: scenarios.Current, folder: Path) -> Path:
    from carebridge.report.plan import PlanReport, write_report
    from carebridge.report.provenance import Provenance
    from carebridge.usecases.appraisal import default_appraisal
    from carebridge.version import __version__
    from carebridge.web.auth import now

    files = ", ".join(f"{f.name} (SHA-256 {f.sha256[:12]}…)" for f in state.stored.file_list)
    provenance = Provenance(
        state.loaded.scenario.name,
        f"{state.plan_name} ({state.source})" + (f" with {files}" if files else ""),
        state.sha256,
        __version__,
        now().isoformat(timespec="seconds"),
    )
    results = state.results
    appraisal = default_appraisal(results)
    write_report(PlanReport(results, appraisal), folder, provenance)
    return folder


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or "plan"
