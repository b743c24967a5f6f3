"""Every page of the web app on a 1366×768 laptop, as each role sees it (Playwright driving Debian's Chromium
against ``carebridge serve``, on a store with the Stockport plan, a draft edited against it, a year of its
actuals, the example targets, target actuals and risks, and the STP's efficiency programme with six months of
returns).

The pages are the app's own GET routes outside the API, so a new page cannot be missed: each is either
visited here (:data:`PAGES`) or listed with the reason it is not a page (:data:`NOT_PAGES`), else
:func:`test_every_page_of_the_app_is_checked` fails. On each page, signed in as a user of each role: no
horizontal scroll of the page (a wide table scrolls inside its own box), no chart wider than its box, a
non-empty ``<title>``, and axe-core with no violation of impact serious or critical. A full-page screenshot of
each page (as the finance lead, who sees the most) goes to ``tests/artifacts/web-<page>.png``, and the first
screen of the plan report (``carebridge run``'s report.html) to ``tests/artifacts/report-first-screen.png``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from carebridge.delivery.months import Month
from carebridge.delivery.pools import load_pool
from carebridge.delivery.risks import load_risk_register
from carebridge.delivery.targets import load_targets as read_target_register
from carebridge.delivery.workdays import due_date
from carebridge.engine import Results
from carebridge.store import Store
from carebridge.usecases.api import import_actuals
from carebridge.usecases.edits import edit_value
from carebridge.usecases.efficiency import import_files as import_returns
from carebridge.usecases.efficiency import load as load_efficiency_programme
from carebridge.usecases.outcomes import (
    import_outcome_values,
    keep_programme_budget,
    load_outcomes_register,
    read_programme_budget,
)
from carebridge.usecases.plans import stored_scenario
from carebridge.usecases.pools import import_spend, load_pools
from carebridge.usecases.programme import import_updates
from carebridge.usecases.programme import load_into_store as load_programme_into
from carebridge.usecases.regions_store import add_region_file
from carebridge.usecases.registers import import_target_actuals, load_risks, load_targets
from carebridge.web.app import create_app
from tests.conftest import CHROMIUM, EXAMPLES, SERVICE_SKIPS, STOCKPORT, chromium_missing
from tests.web.conftest import PASSWORD, PLAN, seed_store
from tests.web.server import CAREBRIDGE, serving
from tests.web.test_browser import ARGS, ARTIFACTS, AXE, accessibility_problems

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
needs_chromium = pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"])

WIDTH, HEIGHT = 1366, 768
DELIVERY = EXAMPLES / "delivery"
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
POOLS = EXAMPLES / "stockport-2017" / "pools"

PAGES: dict[str, dict[str, str]] = {
    "/login": {"login": "/login"},
    "/": {"scenarios": "/"},
    "/scenarios/{plan_id}": {"dashboard": "/scenarios/1", "missing-plan": "/scenarios/99"},
    "/scenarios/{plan_id}/{kind}/{item_id}": {
        "scheme": "/scenarios/1/schemes/acute_interface",
        "line": "/scenarios/1/lines/ccg_savings",
        "system-line": "/scenarios/1/lines/gm_themes",
    },
    "/scenarios/{plan_id}/compare": {"changes": "/scenarios/1/compare"},
    "/scenarios/{plan_id}/partners": {"partners": "/scenarios/1/partners"},
    "/scenarios/{plan_id}/contracts": {"contracts": "/scenarios/1/contracts"},
    "/scenarios/{plan_id}/contracts/new": {"contract-new": "/scenarios/1/contracts/new"},
    "/scenarios/{plan_id}/contracts/{contract_id}": {"contract": "/scenarios/1/contracts/ccg_sft"},
    "/scenarios/{plan_id}/monte-carlo": {"monte-carlo": "/scenarios/1/monte-carlo"},
    "/scenarios/{plan_id}/actuals": {"actuals": "/scenarios/1/actuals"},
    "/scenarios/{plan_id}/fews": {"fews": "/scenarios/1/fews"},
    "/scenarios/{plan_id}/targets": {"targets": "/scenarios/1/targets"},
    "/scenarios/{plan_id}/risks": {"risks": "/scenarios/1/risks"},
    "/scenarios/{plan_id}/outcomes": {"outcomes": "/scenarios/1/outcomes"},
    "/regions": {"regions": "/regions"},
    "/regions/{region_id}": {"region": "/regions/1"},
    "/efficiency": {"efficiency": "/efficiency"},
    "/pools": {"pools": "/pools"},
    "/programme": {"programme": "/programme?month=2017/18-M06"},
    "/scenarios/{plan_id}/programme-budgets": {"programme-budgets": "/scenarios/1/programme-budgets"},
}
"""Each page route of the app, and the pages of it visited (name → address); ``missing-plan`` is the error
page."""

NOT_PAGES = {
    "/scenarios/{plan_id}/bridge": "a fragment htmx swaps into the dashboard (checked there)",
    "/scenarios/{plan_id}/report.{kind}": "a download; the report's first screen is checked on its own",
    "/static/plotly.min.js": "a script",
}

ROLES = {
    "finance-lead": "lead@ccg.test",
    "admin": "admin@carebridge.test",
    "editor": "editor@sft.test",
    "viewer": "viewer@smbc.test",
}
SHOWN_AS = "finance-lead"
"""The role whose view of each page is screenshotted: a finance lead edits, approves and imports."""

VISITS = [(name, address) for pages in PAGES.values() for name, address in pages.items() if name != "login"]

LAYOUT = """() => {
  const root = document.documentElement;
  const hidden = [root, document.body]
    .map(e => getComputedStyle(e).overflowX)
    .filter(v => v === 'hidden' || v === 'clip');
  const charts = [...document.querySelectorAll('.chart')].map(c => {
    const svg = c.querySelector('.main-svg');
    const points = (c.data || []).some(t => ['x', 'y', 'values', 'z'].some(k => (t[k] || []).length > 0));
    return {id: c.id, state: c.dataset.drawn, box: c.clientWidth,
            drawn: svg ? svg.getBoundingClientRect().width : null, points};
  });
  const bare = [...document.querySelectorAll('main table')]
    .filter(t => !t.closest('.table-wrap'))
    .map(t => t.id || (t.caption ? t.caption.textContent.trim().slice(0, 60) : 'a table'));
  const wide = [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .filter(e => !e.closest('.table-wrap') && !e.closest('.chart'))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
  const navRows = new Set([...document.querySelectorAll('header nav a')].map(a => a.offsetTop)).size;
  const longNames = [...document.querySelectorAll('#table-targets tbody th a')]
    .filter(a => a.getClientRects().length > 2).map(a => a.textContent.trim());
  return {scroll: root.scrollWidth, client: root.clientWidth, hidden, charts, bare, wide, navRows, longNames,
          title: document.title.trim()};
}"""
"""The page's width against the window's, whether the page hides its overflow (which would hide the
problem, not fix it), each chart's drawn width against its box and whether it has points, the tables not in
a box of their own, the elements that stick out, the rows the navigation takes, the targets whose names take
more than two lines, and the title."""

CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)"""
"""Whether app.js has drawn every chart of the page (or put a note in the place of one with no point)."""


def get_routes(routes: Iterable[BaseRoute], prefix: str = "") -> Iterator[str]:
    """The paths the app answers GET on, through the routers it includes (FastAPI ≥ 0.120 keeps each
    included router whole, with its prefix beside it; earlier versions copy its routes into the app's)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from get_routes(included.routes, prefix + str(getattr(context, "prefix", "")))
        elif isinstance(route, APIRoute) and "GET" in (route.methods or ()):
            yield prefix + route.path


def test_every_page_of_the_app_is_checked(store: Store) -> None:
    routes = {path for path in get_routes(create_app(store).routes) if not path.startswith("/api/")}
    unchecked = routes - set(PAGES) - set(NOT_PAGES)
    assert not unchecked, f"pages with no layout check: add them to PAGES: {sorted(unchecked)}"
    assert not (set(PAGES) | set(NOT_PAGES)) - routes, "PAGES or NOT_PAGES names a route the app lacks"


def load_examples(db: Path, stockport: Results) -> None:
    """The store the pages are shown on: the Stockport plan approved, a draft that changes a scheme, a year
    of actuals, the example targets (with their actuals) and risks, and the two-places region (which the
    finance lead, of ``ccg``, sees both places of; the editor and the viewer, of Stockport's trust and
    council, none: the region's page is a 403 for them)."""
    with seed_store(db, stockport) as store:
        stored = stored_scenario(store, 1)
        edit_value(store, stored, "schemes", "acute_interface", {1: {"2018/19": "10000"}})
        import_actuals(store, PLAN, sorted(ACTUALS.glob("activity-2018-19-M*.csv")))
        load_targets(store, read_target_register(DELIVERY / "targets.yaml"), "targets.yaml")
        import_target_actuals(store, DELIVERY / "target-actuals-2017-18.csv")
        load_risks(store, load_risk_register(DELIVERY / "risks.yaml"), 1, "risks.yaml")
        add_region_file(store, EXAMPLES / "two-places" / "region.yaml")  # its places: plans 2 and 3
        pool_files = [POOLS / "pool-2015-16.yaml", POOLS / "pool-65-plus-2016-17.yaml"]
        load_pools(store, [(load_pool(path), path) for path in pool_files])
        import_spend(store, POOLS / "spend-2016-17.csv")
        stp = EXAMPLES / "staffordshire-stp-2016"
        load_programme_into(store, stp / "programme.yaml")
        import_updates(store, stp / "gateway" / "urgent-care-returns.csv", "rob.lusuardi@stp.example")
        import_updates(store, stp / "gateway" / "reduce-cost.yaml", "neil.chapman@stp.example")
        outcomes = EXAMPLES / "outcomes"  # the outcomes register and Figure 5's programme budget
        load_outcomes_register(store, outcomes / "register.yaml")
        import_outcome_values(store, outcomes / "values.csv")
        budget = read_programme_budget(outcomes / "programme-budget-2005.yaml")
        keep_programme_budget(store, outcomes / "programme-budget-2005.yaml", budget)
        load_efficiency(store, db.parent)


def load_efficiency(store: Store, folder: Path) -> None:
    """The STP's efficiency programme and its first six months of returns (written by the example's script
    into ``folder``): UHNM behind plan from July, so the FEWS efficiency set is red; Burton's September
    return late."""
    example = EXAMPLES / "staffordshire-stp-2016" / "efficiency"
    spec = importlib.util.spec_from_file_location("make_returns", example / "make_returns.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    load_efficiency_programme(store, example / "programme.yaml")
    returns = script.rows_of(yaml.safe_load((example / "programme.yaml").read_text(encoding="utf-8")))
    late_org, late_month = script.LATE
    for month in range(1, 7):
        path = folder / f"returns-2017-18-M{month:02d}.xlsx"
        on_time = [one for (org, m), one in returns.items() if m == month and (org, m) != script.LATE]
        script.write_workbook(path, on_time)
        import_returns(store, None, [path], due_date(Month(2017, month)))
    path = folder / f"returns-2017-18-M{late_month:02d}-{late_org}.xlsx"
    script.write_workbook(path, [returns[script.LATE]])
    import_returns(store, None, [path], due_date(Month(2017, late_month)) + dt.timedelta(days=3))


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Iterator[str]:
    db = tmp_path_factory.mktemp("layout") / "carebridge.db"
    load_examples(db, stockport)
    with serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def new_page(browser: object, base_url: str) -> tuple[object, object]:
    context = browser.new_context(base_url=base_url, viewport={"width": WIDTH, "height": HEIGHT})  # type: ignore[attr-defined]
    context.add_init_script(path=str(AXE))
    return context, context.new_page()


@pytest.fixture(scope="module", params=list(ROLES))
def signed_in(request: pytest.FixtureRequest, browser: object, base_url: str) -> Iterator[tuple[str, object]]:
    """A page signed in as a user of a role, kept for every page that role visits."""
    context, page = new_page(browser, base_url)
    page.goto("/login")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(ROLES[request.param])  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/")  # type: ignore[attr-defined]
    yield request.param, page
    context.close()  # type: ignore[attr-defined]


def check_layout(page: object, name: str) -> None:
    """Wait for the page's charts, then check its fit, its title and its accessibility."""
    page.wait_for_function(CHARTS_DRAWN)  # type: ignore[attr-defined]
    found = page.evaluate(LAYOUT)  # type: ignore[attr-defined]
    assert found["title"], f"{name}: the page has no title"
    assert not found["hidden"], f"{name}: the page hides its horizontal overflow ({found['hidden']})"
    assert found["scroll"] <= found["client"], (
        f"{name}: the page scrolls sideways at {WIDTH}×{HEIGHT}: {found['scroll']} px wide in a "
        f"{found['client']} px window; sticking out: {found['wide']}"
    )
    assert not found["bare"], f"{name}: tables not in a .table-wrap of their own: {found['bare']}"
    assert found["navRows"] <= 1, f"{name}: the navigation takes {found['navRows']} rows at {WIDTH} px"
    assert not found["longNames"], f"{name}: target names on more than two lines: {found['longNames']}"
    for chart in found["charts"]:
        if chart["state"] == "empty":  # a note in words, no chart
            continue
        assert chart["drawn"] is not None and chart["drawn"] <= chart["box"] + 1, (
            f"{name}: chart {chart['id']} is {chart['drawn']} px wide in a {chart['box']} px box"
        )
        assert chart["points"], f"{name}: chart {chart['id']} is drawn with no point"
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "; ".join(problems)


@needs_chromium
def test_the_login_page_fits_a_laptop(browser: object, base_url: str) -> None:
    context, page = new_page(browser, base_url)
    page.goto("/login")  # type: ignore[attr-defined]
    check_layout(page, "login")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-login.png"), full_page=True)  # type: ignore[attr-defined]
    context.close()  # type: ignore[attr-defined]


@needs_chromium
@pytest.mark.parametrize(("name", "address"), VISITS, ids=[name for name, _ in VISITS])
def test_every_page_fits_a_laptop(signed_in: tuple[str, object], name: str, address: str) -> None:
    role, page = signed_in
    page.goto(address)  # type: ignore[attr-defined]
    if role == SHOWN_AS:  # before the checks, so a failing page can be looked at
        ARTIFACTS.mkdir(exist_ok=True)
        page.wait_for_function(CHARTS_DRAWN)  # type: ignore[attr-defined]
        page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)  # type: ignore[attr-defined]
    check_layout(page, f"{name} as {role}")


@needs_chromium
def test_the_reports_first_screen(browser: object, tmp_path: Path) -> None:
    out = tmp_path / "stockport"
    command = [str(CAREBRIDGE), "run", str(STOCKPORT), "--out", str(out)]
    ran = subprocess.run(command, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto((out / "report.html").as_uri())
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-first-screen.png"))
    assert page.title().strip(), "the report has no title"
    found = page.evaluate(LAYOUT)
    assert not found["hidden"] and found["scroll"] <= found["client"], (
        f"the report scrolls sideways at {WIDTH}×{HEIGHT}: {found['scroll']} px wide in {found['client']} px"
    )
    context.close()
