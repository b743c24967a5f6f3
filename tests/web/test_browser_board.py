"""The web app as a board uses it, in Chromium at 1366×768 against ``carebridge serve`` (issue 14): a finance
lead reads the headline tiles, edits a scheme and reads the change input by input, and uploads a system-wide
file of actuals; a board member reads the risks by name, the FEWS month by month and the targets. Every page
fits the screen (no horizontal scroll of the page) and axe-core finds no serious or critical violation;
screenshots ``tests/artifacts/board-*.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carebridge.delivery.risks import load_risk_register
from carebridge.delivery.targets import load_targets
from carebridge.engine import Results
from carebridge.store.registers import save_risks, save_targets
from carebridge.usecases.delivery import import_actuals
from tests.conftest import EXAMPLES, SERVICE_SKIPS, chromium_missing
from tests.web.conftest import PLAN, seed_store
from tests.web.server import serving
from tests.web.test_browser import AXE, browser, shot  # noqa: F401
from tests.web.test_browser import sign_in as browser_sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"]),
]

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
DELIVERY = EXAMPLES / "delivery"

playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stockport: Results) -> Iterator[str]:
    db = tmp_path_factory.mktemp("board") / "carebridge.db"
    store = seed_store(db, stockport)
    with store.session() as session:
        save_targets(session, load_targets(DELIVERY / "targets.yaml"), "targets.yaml")
        save_risks(session, load_risk_register(DELIVERY / "risks.yaml"), None, "risks.yaml")
    import_actuals(store, PLAN, [ACTUALS / f"activity-2018-19-M{n:02d}.csv" for n in range(1, 8)])
    store.close()
    with serving(db) as url:
        yield url


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:  # noqa: F811
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    context.add_init_script(path=str(AXE))
    opened = context.new_page()
    yield opened
    context.close()


def fits(page: object, name: str) -> None:
    """The page does not scroll sideways at 1366×768 (a wide table scrolls in its own box); screenshot it
    and check it with axe-core."""
    widths = page.evaluate(  # type: ignore[attr-defined]
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths}"
    shot(page, f"board-{name}")


def test_a_finance_lead_reads_the_tiles_edits_a_scheme_and_imports_a_system_wide_file(page: object) -> None:
    browser_sign_in(page, "lead@ccg.test")
    page.goto("/scenarios/1")  # type: ignore[attr-defined]
    for tile in ("system-gap", "system-plan", "system-residual", "ccg-gap", "ccg-plan", "ccg-residual"):
        assert page.locator(f"#tile-{tile}").is_visible()  # type: ignore[attr-defined]
    assert "run one" in page.locator("#tile-balance-none").inner_text()  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-bridge[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    page.select_option("#year", "2018/19")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Headline, 2018/19")  # type: ignore[attr-defined]
    fits(page, "dashboard")
    page.goto("/scenarios/1/schemes/neighbourhood")  # type: ignore[attr-defined]
    page.locator("#effect-0-2018\\/19").fill("-500")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save and re-run").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/compare")  # type: ignore[attr-defined]
    edits = page.locator("#table-edits tbody tr")  # type: ignore[attr-defined]
    assert edits.count() == 1
    row = edits.first.inner_text()
    assert "Scheme: Neighbourhood" in row and "Non Elective" in row and "2018/19" in row
    assert "No: no plan line is computed from it" in row
    note = page.locator(".typed-note").first.inner_text()  # type: ignore[attr-defined]
    assert "Stockport CCG's typed do-something position does not move" in note
    assert "2018/19" in page.locator("#first-year").inner_text()  # type: ignore[attr-defined]
    fits(page, "changes")
    page.goto("/scenarios/1/actuals")  # type: ignore[attr-defined]
    page.get_by_label("File of actuals (.csv or .xlsx)").set_input_files(str(ACTUALS / "spend.csv"))  # type: ignore[attr-defined]
    page.get_by_role("button", name="Import").click()  # type: ignore[attr-defined]
    assert "the rows of Stockport CCG" in page.locator("#import-message").inner_text()  # type: ignore[attr-defined]
    others = page.locator("#table-others tbody").inner_text()  # type: ignore[attr-defined]
    assert "Stockport FT" in others and "36" in others
    fits(page, "actuals-own-rows")


def test_a_board_member_reads_the_risks_the_fews_trend_and_the_targets(page: object) -> None:
    browser_sign_in(page, "viewer@smbc.test")
    page.goto("/scenarios/1/risks")  # type: ignore[attr-defined]
    heat = page.locator("#table-heat-before").inner_text()  # type: ignore[attr-defined]
    assert "Demand for acute care not curbed" in heat and "R1" not in heat
    assert page.locator("#table-risks ul.mitigations li").count() >= 4  # type: ignore[attr-defined]
    fits(page, "risks")
    page.goto("/scenarios/1/fews")  # type: ignore[attr-defined]
    trend = page.locator("#table-trend tbody tr")  # type: ignore[attr-defined]
    assert trend.count() == 7
    assert trend.first.locator("th").inner_text() == "Apr 2018"
    assert trend.last.locator("th").inner_text() == "Oct 2018"
    assert "Oct 2018" in page.locator("#fews-month").inner_text()  # type: ignore[attr-defined]
    fits(page, "fews")
    page.goto("/scenarios/1/targets")  # type: ignore[attr-defined]
    assert page.locator("#target-dtoc_stp").is_visible()  # type: ignore[attr-defined]
    assert page.locator("#chart-target-dtoc_stp").count() == 0  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-target-dtoc_stockport[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    for name in page.locator("#table-targets tbody th").all():  # type: ignore[attr-defined]
        box = name.bounding_box()
        lines = name.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e.querySelector('a, span') || e);"
            " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"
        )
        assert box is not None and lines <= 2, f"{name.inner_text()!r} takes {lines} lines"
    fits(page, "targets")
