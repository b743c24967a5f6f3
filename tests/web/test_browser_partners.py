"""Money between the partners in a real browser (Playwright driving Debian's Chromium) against ``carebridge
serve``: change the CCG–SFT contract's rate in its form and see the CCG's and Stockport FT's positions move
in the changes against the approved plan; a rate out of range shown by its field; a system-level line
allocated in its form; the partners' page with its organisation and year selectors. Each page is checked by
axe-core and screenshotted at 1366×768 into tests/artifacts/ (``partners-*.png``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import SERVICE_SKIPS, chromium_missing
from tests.web.conftest import PASSWORD
from tests.web.test_browser import AXE, accessibility_problems, base_url, browser, shot  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(chromium_missing(), reason=SERVICE_SKIPS["Chromium"]),
]


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:  # noqa: F811
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    context.add_init_script(path=str(AXE))
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: object, email: str) -> None:
    page.goto("/login")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/")  # type: ignore[attr-defined]


def holder_row(page: object, name: str) -> object:
    table = page.locator("table[id^='table-holders_']")  # type: ignore[attr-defined]
    return table.locator("tbody tr", has=page.locator(f"th:text-is('{name}')"))  # type: ignore[attr-defined]


def test_a_contract_rate_edited_in_its_form_moves_the_ccg_and_sft_positions(page: object) -> None:
    sign_in(page, "editor@ccg.test")
    page.get_by_role("link", name="Stockport", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_role("link", name="Contracts", exact=True).first.click()  # type: ignore[attr-defined]
    shot(page, "partners-contracts")
    page.get_by_role("link", name="Stockport CCG – Stockport FT contract").click()  # type: ignore[attr-defined]
    assert page.get_by_label("Payer", exact=True).input_value() == "ccg"  # type: ignore[attr-defined]
    page.get_by_label("Marginal rate").fill("2")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save and re-run").click()  # type: ignore[attr-defined]
    problem = page.locator("#rate-problem")  # type: ignore[attr-defined]
    assert "a rate must be between 0 and 1.5" in problem.inner_text()
    assert page.get_by_label("Marginal rate").get_attribute("aria-invalid") == "true"  # type: ignore[attr-defined]
    shot(page, "partners-contract-problem")
    page.get_by_label("Marginal rate").fill("0.5")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save and re-run").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/compare")  # type: ignore[attr-defined]
    for name in ("Stockport CCG", "Stockport FT"):
        row = holder_row(page, name)
        assert row.locator("td.flag").count() >= 1, name  # type: ignore[attr-defined]
    assert page.locator("#bridge-changes caption").inner_text().startswith("System bridge, 2018/19")  # type: ignore[attr-defined]
    shot(page, "partners-changes")


def test_a_finance_lead_allocates_a_system_line_in_its_form(page: object) -> None:
    sign_in(page, "lead@ccg.test")
    page.goto("/scenarios/1/lines/gm_themes")  # type: ignore[attr-defined]
    page.get_by_label("Fixed shares").check()  # type: ignore[attr-defined]
    page.locator("#share-ccg").fill("0.6")  # type: ignore[attr-defined]
    page.locator("#share-sft").fill("0.3")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save the allocation and re-run").click()  # type: ignore[attr-defined]
    assert "add up to 0.9; expected 1" in page.locator("#allocation-problems").inner_text()  # type: ignore[attr-defined]
    shot(page, "partners-allocation-problem")
    page.locator("#share-sft").fill("0.4")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save the allocation and re-run").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/compare")  # type: ignore[attr-defined]
    assert holder_row(page, "Stockport CCG").locator("td.flag").count() >= 1  # type: ignore[attr-defined]


def test_the_partners_page_follows_its_organisation_and_year(page: object) -> None:
    sign_in(page, "editor@sft.test")
    page.goto("/scenarios/1")  # type: ignore[attr-defined]
    page.get_by_role("link", name="money between the partners").click()  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-partner-bridge[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    caption = page.locator("#table-partner-bridge caption")  # type: ignore[attr-defined]
    assert "Stockport FT: bridge from the schemes" in caption.inner_text()
    shot(page, "partners-sft")
    page.select_option("#holder", label="Stockport CCG")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Stockport CCG: flows of the plan by counterparty and POD")  # type: ignore[attr-defined]
    page.select_option("#year", "2018/19")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Stockport CCG: bridge from the schemes, 2018/19")  # type: ignore[attr-defined]
    page.wait_for_selector("#chart-partner-bridge[data-drawn='true'] .main-svg")  # type: ignore[attr-defined]
    assert "holder=ccg" in page.url and "year=2018" in page.url  # type: ignore[attr-defined]
    shot(page, "partners-ccg-2018")
    page.select_option("#holder", label="System")  # type: ignore[attr-defined]
    page.wait_for_selector("text=System: flows of the plan by organisation")  # type: ignore[attr-defined]
    shot(page, "partners-system")
    assert not accessibility_problems(page)
