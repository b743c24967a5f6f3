"""The app in a real browser (Playwright driving Debian's Chromium) against ``carebridge serve``: sign in,
open a scenario, change an assumption and see the bridge change, upload actuals with a bad row and see the
error, watch the FEWS turn red when actuals fall short, open the Monte Carlo (its charts drawn), the targets
and the risks. A screenshot of each page goes to tests/artifacts/, and axe-core (vendored in
tests/web/vendor/, never served by the app) checks each page: no violation of impact serious or critical."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from carebridge.engine import Results
from tests.conftest import CHROMIUM, EXAMPLES, ROOT, SERVICE_SKIPS, chromium_missing
from tests.web.conftest import PASSWORD, seed_store
from tests.web.server import serving

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    # before any fixture starts a server or launches the browser
    pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"]),
]

ARTIFACTS = ROOT / "tests" / "artifacts"
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 800})  # type: ignore[attr-defined]
    # An init script is added by the browser itself, so the app's Content-Security-Policy (scripts from
    # 'self' only) does not block it, and the app never serves the file.
    context.add_init_script(path=str(AXE))
    opened = context.new_page()
    yield opened
    context.close()


def accessibility_problems(page: object) -> list[str]:
    """axe-core's violations of impact serious or critical on the page as it stands, one line each."""
    found = page.evaluate(  # type: ignore[attr-defined]
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {json.dumps(v['nodes'][:5])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def shot(page: object, name: str) -> None:
    """Screenshot the page into tests/artifacts/ and check it with axe-core."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]
    problems = accessibility_problems(page)
    assert not problems, f"{name}: " + "; ".join(problems)


def sign_in(page: object, email: str) -> None:
    page.goto("/scenarios/1")  # type: ignore[attr-defined]
    assert page.url.endswith("/login")  # type: ignore[attr-defined]
    shot(page, "login")
    page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/")  # type: ignore[attr-defined]


def bridge_end(page: object) -> str:
    cell = page.locator("#table-bridge tbody tr").last.locator("td")  # type: ignore[attr-defined]
    return str(cell.inner_text())


def test_sign_in_open_a_scenario_and_change_a_line(page: object) -> None:
    sign_in(page, "editor@sft.test")
    shot(page, "scenarios")
    page.get_by_role("link", name="Stockport", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-bridge[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    page.select_option("#year", "2018/19")  # type: ignore[attr-defined]
    page.wait_for_selector("text=System financial bridge, 2018/19")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-bridge[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    before = bridge_end(page)
    shot(page, "dashboard")
    page.get_by_role("link", name="Stockport FT savings programme").click()  # type: ignore[attr-defined]
    field = page.get_by_label("2018/19")  # type: ignore[attr-defined]
    field.fill("-36000")
    shot(page, "line-form")
    page.get_by_role("button", name="Save and re-run").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/compare")  # type: ignore[attr-defined]
    changed = page.locator("#bridge-changes td.flag")  # type: ignore[attr-defined]
    assert changed.count() >= 1
    shot(page, "changes")
    page.goto("/scenarios/1?year=2018/19")  # type: ignore[attr-defined]
    after = bridge_end(page)
    assert after != before


def test_a_bad_value_shows_the_command_lines_message(page: object) -> None:
    sign_in(page, "editor@sft.test")
    page.goto("/scenarios/1/schemes/acute_interface")  # type: ignore[attr-defined]
    page.locator("#effect-0-2018\\/19").fill("lots")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save and re-run").click()  # type: ignore[attr-defined]
    problems = page.locator("#problems")  # type: ignore[attr-defined]
    assert "expected a number" in problems.inner_text()
    shot(page, "scheme-problems")


def test_upload_actuals_with_a_bad_row_then_watch_the_fews_turn_red(page: object, tmp_path: Path) -> None:
    sign_in(page, "editor@sft.test")
    good = (ACTUALS / "activity-2018-19-M01.csv").read_text(encoding="utf-8")
    bad = tmp_path / "activity-bad.csv"
    bad.write_text(good.replace("2018/19-M01,nel,sft,2283", "2018/19-M01,nel,sft,lots"), encoding="utf-8")
    page.goto("/scenarios/1/actuals")  # type: ignore[attr-defined]
    page.get_by_label("File of actuals (.csv or .xlsx)").set_input_files(str(bad))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import").click()  # type: ignore[attr-defined]
    problems = page.locator("#problems")  # type: ignore[attr-defined]
    assert "activity-bad.csv, row 6, column activity" in problems.inner_text()
    shot(page, "actuals-error")
    # Actuals that fall short: activity well above the plan, so little is deflected.
    short = tmp_path / "activity-short.csv"
    lines = ["month,pod,provider,activity"]
    for month in ("M01", "M02", "M03"):
        for row in (ACTUALS / f"activity-2018-19-{month}.csv").read_text(encoding="utf-8").splitlines()[1:]:
            when, pod, provider, value = row.split(",")
            lines.append(f"{when},{pod},{provider},{round(float(value) * 1.15)}")
    short.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto("/scenarios/1/actuals")  # type: ignore[attr-defined]
    page.get_by_label("File of actuals (.csv or .xlsx)").set_input_files(str(short))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import").click()  # type: ignore[attr-defined]
    assert "imported" in page.locator("#import-message").inner_text()  # type: ignore[attr-defined]
    page.get_by_role("link", name="FEWS", exact=True).click()  # type: ignore[attr-defined]
    overall = page.locator("#fews-overall")  # type: ignore[attr-defined]
    assert "RED" in overall.inner_text()
    assert "rag-red" in (overall.get_attribute("class") or "")
    shot(page, "fews-red")


def test_the_keyboard_reaches_the_main_content(page: object) -> None:
    page.goto("/login")  # type: ignore[attr-defined]
    shot(page, "login-keyboard")
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    focused = page.evaluate("document.activeElement.textContent")  # type: ignore[attr-defined]
    assert "Skip to content" in focused


def test_a_viewer_opens_the_monte_carlo_targets_and_risks_from_the_navigation(page: object) -> None:
    sign_in(page, "viewer@smbc.test")
    page.goto("/scenarios/1")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Monte Carlo", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url("**/monte-carlo")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-fan-position[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-tornado[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-fan-net-saving-tariff[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    assert page.locator("#table-system-balance tbody tr").count() >= 2  # type: ignore[attr-defined]
    # the fan chart draws its bands (P10 to P90, P25 to P75) in the years an uncertain input reaches, and
    # none before them: Stockport's statement counts savings from 2018/19
    drawn = page.evaluate(  # type: ignore[attr-defined]
        "id => { const div = document.getElementById(id); return {"
        "bands: div.data.filter(t => t.fill === 'tonexty').map(t => [t.name, t.x[0], t.x.length]),"
        "fills: [...div.querySelectorAll('path.js-fill')]"
        ".filter(p => (p.getAttribute('d') || '').length > 10).length} }",
        "chart-fan-net-saving-tariff",
    )
    assert drawn["bands"] == [["P10 to P90", "2018/19", 7], ["P25 to P75", "2018/19", 7]]
    assert drawn["fills"] >= 2
    # the system position holds no uncertain input in Stockport: no band at all, and a note says why
    assert (
        page.evaluate(  # type: ignore[attr-defined]
            "() => document.getElementById('chart-fan-position').data.filter(t => t.fill).length"
        )
        == 0
    )
    assert page.locator("#position-fixed").count() == 1  # type: ignore[attr-defined]
    tornado = page.locator("#chart-tornado .ytick text").all_text_contents()  # type: ignore[attr-defined]
    assert tornado and not [name for name in tornado if "schemes." in name or "pods." in name]
    assert "in 2020/21" in page.locator("#chart-tornado .gtitle").text_content()  # type: ignore[attr-defined]
    assert page.locator("#p-balance").inner_text().startswith("P(balance) in 2020/21:")  # type: ignore[attr-defined]
    shot(page, "monte-carlo")
    page.get_by_role("link", name="Targets", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url("**/targets")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Targets and trajectories").count() == 1  # type: ignore[attr-defined]
    shot(page, "targets")
    page.get_by_role("link", name="Risks", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_url("**/risks")  # type: ignore[attr-defined]
    assert "risk register" in page.locator("h1").inner_text()  # type: ignore[attr-defined]
    shot(page, "risks")
