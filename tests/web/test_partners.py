"""Money between the partners in the web app (issue 21): the contracts page and form (view, add, change,
remove), a system-level plan line's allocation, and the page of each partner's bridge from the schemes with
its flows. On the real app and a real SQLite store: each edit kept as the draft and audited, a bad value
refused with the loader's located message by its field (422, nothing saved), and a user of another
organisation refused (403)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from carebridge.store import Store
from carebridge.store.models import AuditEntry
from carebridge.usecases import plans
from carebridge.web.auth import add_user
from tests.web.conftest import PASSWORD, sign_in

CONTRACT = "/scenarios/1/contracts/ccg_sft"
SMBC_EDITOR = "editor@smbc.test"
IDS = re.compile(r">\s*(ccg|sft|smbc|pennine|ccg_sft|ae|nel|el|op|gm_themes|neighbourhood)\s*<")


def contract_form(token: str, **changes: str | list[str]) -> dict[str, str | list[str]]:
    """The Stockport CCG–SFT contract as its form posts it, with ``changes``."""
    form: dict[str, str | list[str]] = {
        "csrf_token": token,
        "name": "Stockport CCG – Stockport FT contract",
        "payer": "ccg",
        "provider": "sft",
        "pods": ["ae", "nel", "el", "op"],
        "type": "tariff",
        "rate-rate": "1",
        "compensating": "stranded",
        "stranded-years": ["2017/18", "2018/19"],
    }
    form.update(changes)
    return form


def draft_text(store: Store) -> str | None:
    stored = plans.stored_scenario(store, 1)
    return stored.text if stored.is_draft else None


def field_problem(page: str, field: str) -> str:
    """The problem shown under a field of the form (its ``…-problem`` paragraph)."""
    found = re.search(rf'<p class="field-problem" id="{re.escape(field)}-problem">([^<]*)</p>', page)
    assert found, f"no problem shown by the field {field}"
    return found.group(1)


@pytest.fixture
def smbc_editor(store: Store) -> str:
    """An editor of the council, a party to no contract and to no system-level line."""
    add_user(store, SMBC_EDITOR, PASSWORD, {"smbc": "editor"}, False)
    return SMBC_EDITOR


def test_the_contracts_page_lists_each_contract_and_payer_in_names(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/contracts")
    assert page.status_code == 200
    assert "Stockport CCG – Stockport FT contract" in page.text
    assert "tariff at 100% of the change" in page.text
    assert "the provider&#39;s stranded cost in 2017/18, 2018/19" in page.text
    assert "A&amp;E, Non Elective, Elective, Outpatient" in page.text
    assert not IDS.search(page.text)
    assert "read only" in page.text and "Add a contract" not in page.text  # a viewer changes nothing
    form = client.get(CONTRACT).text
    assert '<option value="ccg" selected>Stockport CCG</option>' in form
    assert '<option value="sft" selected>Stockport FT</option>' in form
    assert "Save and re-run" not in form
    assert 'name="stranded-years" value="2018/19" checked' in form
    assert 'name="stranded-years" value="2019/20" checked' not in form
    assert not IDS.search(form)


def test_the_years_a_stranded_cost_payment_covers_are_kept_changed_or_cleared(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "editor@sft.test")
    kept = client.post(CONTRACT, data=contract_form(token, **{"rate-rate": "0.9"}), follow_redirects=False)
    assert kept.status_code == 303, kept.text
    assert "compensating: {stranded: true, years: [2017/18, 2018/19]}" in (draft_text(store) or "")
    one_year = contract_form(token, **{"stranded-years": ["2017/18"]})
    assert client.post(CONTRACT, data=one_year, follow_redirects=False).status_code == 303
    assert "compensating: {stranded: true, years: [2017/18]}" in (draft_text(store) or "")
    assert "the provider&#39;s stranded cost in 2017/18<" in client.get("/scenarios/1/contracts").text
    every_year = contract_form(token, **{"stranded-years": []})
    assert client.post(CONTRACT, data=every_year, follow_redirects=False).status_code == 303
    assert re.search(r"\n    compensating: stranded\n", draft_text(store) or "")


def test_a_party_changes_a_contract_rate_kept_as_the_draft_and_audited(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "editor@sft.test")
    response = client.post(
        CONTRACT, data=contract_form(token, **{"rate-rate": "0.5"}), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/scenarios/1/compare"
    text = draft_text(store)
    assert text is not None and re.search(r"\n    rate: 0\.5\n", text)
    assert "# The CCG–SFT contract (seed 000, section 5)" in text  # the rest of the file as it was
    with store.session() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "scenario_drafts")))
    assert any(e.actor == "editor@sft.test" for e in entries)
    contracts = client.get("/scenarios/1/contracts").text
    assert "tariff at 50% of the change" in contracts
    changes = client.get("/scenarios/1/compare").text
    assert "Stockport CCG" in changes and "Stockport FT" in changes


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rate-rate": "2"}, "rate", "a rate must be between 0 and 1.5"),
        ({"rate-rate": "lots"}, "rate", "expected a number"),
        (
            {"type": "threshold", "rate-under": "0.5", "rate-over": "0.5", "rate-tolerance": "1.2"},
            "tolerance",
            "a tolerance must be between 0 and 1",
        ),
        (
            {"compensating": "by_year", "compensating-2018/19": "-100"},
            "compensating-2018-19",
            "a compensating payment is written as a positive amount",
        ),
    ],
)
def test_a_bad_contract_value_is_shown_by_its_field_and_nothing_is_saved(
    client: TestClient, store: Store, changes: dict[str, str], field: str, message: str
) -> None:
    token = sign_in(client, "editor@ccg.test")
    response = client.post(CONTRACT, data=contract_form(token, **changes))
    assert response.status_code == 422
    shown = field_problem(response.text, field)
    assert message in shown
    assert re.match(r"Stockport \(draft\):\d+ contracts\[0\]\.", shown)  # file:line and the field, located
    assert 'aria-invalid="true"' in response.text
    assert draft_text(store) is None


def test_a_user_of_another_organisation_may_not_change_add_or_remove_a_contract(
    client: TestClient, store: Store, smbc_editor: str
) -> None:
    token = sign_in(client, smbc_editor)
    page = client.get(CONTRACT).text
    assert "Save and re-run" not in page and "Remove this contract" not in page
    edited = client.post(CONTRACT, data=contract_form(token, **{"rate-rate": "0.5"}))
    assert edited.status_code == 403
    assert "only an editor of Stockport CCG or Stockport FT" in edited.text
    assert client.post(f"{CONTRACT}/remove", data={"csrf_token": token}).status_code == 403
    added = client.post("/scenarios/1/contracts/new", data=contract_form(token, type="block"))
    assert added.status_code == 403
    assert draft_text(store) is None
    client.post("/logout", data={"csrf_token": token})
    viewer = sign_in(client, "viewer@smbc.test")
    assert client.post(CONTRACT, data=contract_form(viewer)).status_code == 403


def test_remove_then_add_a_contract(client: TestClient, store: Store) -> None:
    token = sign_in(client, "editor@ccg.test")
    blank = client.get("/scenarios/1/contracts/new").text
    assert '<option value="ccg" selected>Stockport CCG</option>' in blank  # the commissioner pays by default
    assert 'name="rate-rate" value="1"' in blank and "Save and re-run" in blank
    assert "Remove this contract" not in blank
    duplicate = client.post("/scenarios/1/contracts/new", data=contract_form(token, type="block"))
    assert duplicate.status_code == 422
    assert "a second contract between 'ccg' and 'sft'" in html.unescape(duplicate.text)
    assert draft_text(store) is None
    removed = client.post(f"{CONTRACT}/remove", data={"csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303
    assert "ccg_sft" not in (draft_text(store) or "ccg_sft")
    form = contract_form(token, name="", type="block", pods=["nel"], compensating="by_year")
    form["compensating-2018/19"] = "1200"
    added = client.post("/scenarios/1/contracts/new", data=form, follow_redirects=False)
    assert added.status_code == 303, added.text
    text = draft_text(store) or ""
    assert re.search(
        r"- id: ccg_sft\n\s+payer: ccg\n\s+provider: sft\n\s+pods: \[nel\]\n\s+type: block\n", text
    )
    assert "compensating: {2018/19: 1200}" in text
    listed = client.get("/scenarios/1/contracts").text
    assert "Stockport CCG – Stockport FT" in listed and "block: payment does not follow activity" in listed
    assert "2018/19: 1,200" in listed


def test_missing_contracts_are_404(client: TestClient) -> None:
    token = sign_in(client, "editor@ccg.test")
    assert client.get("/scenarios/1/contracts/nothing").status_code == 404
    assert client.post("/scenarios/1/contracts/nothing", data=contract_form(token)).status_code == 404


# ---- a plan line's allocation --------------------------------------------------------------------------


def test_a_finance_lead_allocates_a_system_line_by_shares_and_by_a_basis(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "lead@ccg.test")
    page = client.get("/scenarios/1/lines/gm_themes").text
    assert "Allocation to the organisations" in page
    assert '<label for="share-ccg">Stockport CCG</label>' in page
    shares = {"csrf_token": token, "mode": "shares", "share-ccg": "0.6", "share-sft": "0.4"}
    response = client.post("/scenarios/1/lines/gm_themes/allocation", data=shares, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert "allocation: {shares: {ccg: 0.6, sft: 0.4}}" in (draft_text(store) or "")
    shown = client.get("/scenarios/1/lines/gm_themes").text
    assert 'name="share-ccg" value="0.6"' in shown
    partners = client.get("/scenarios/1/partners?holder=ccg&year=2020/21").text
    assert "Plan lines typed (not from the schemes)" in partners
    basis = {"csrf_token": token, "mode": "basis", "basis": "do_nothing", "orgs": ["ccg", "sft"]}
    response = client.post("/scenarios/1/lines/gm_themes/allocation", data=basis, follow_redirects=False)
    assert response.status_code == 303
    assert "allocation: {basis: do_nothing, orgs: [ccg, sft]}" in (draft_text(store) or "")
    cleared = client.post(
        "/scenarios/1/lines/gm_themes/allocation",
        data={"csrf_token": token, "mode": "none"},
        follow_redirects=False,
    )
    assert cleared.status_code == 303
    assert "allocation: {" not in (draft_text(store) or "allocation: {")


def test_allocation_shares_not_adding_up_to_one_are_refused_by_the_field(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "lead@ccg.test")
    shares = {
        "csrf_token": token,
        "mode": "shares",
        "share-ccg": "0.5",
        "share-sft": "0.4",
        "share-smbc": "x",
    }
    response = client.post("/scenarios/1/lines/gm_themes/allocation", data=shares)
    assert response.status_code == 422
    assert "the allocation shares add up to" in response.text or "expected a number" in response.text
    assert "expected a number" in field_problem(response.text, "share-smbc")
    assert 'id="allocation-problems"' in response.text
    assert draft_text(store) is None
    fixed = {"csrf_token": token, "mode": "shares", "share-ccg": "0.5", "share-sft": "0.4"}
    response = client.post("/scenarios/1/lines/gm_themes/allocation", data=fixed)
    assert response.status_code == 422
    assert re.search(
        r"Stockport \(draft\):\d+ positions\.plan_lines\[5\]\.allocation\.shares: the allocation "
        r"shares add up to 0\.9; expected 1",
        response.text,
    )
    assert draft_text(store) is None


def test_only_a_finance_lead_allocates_a_system_line(
    client: TestClient, store: Store, smbc_editor: str
) -> None:
    for email in ("editor@sft.test", smbc_editor):
        token = sign_in(client, email)
        data = {"csrf_token": token, "mode": "shares", "share-ccg": "1"}
        response = client.post("/scenarios/1/lines/gm_themes/allocation", data=data)
        assert response.status_code == 403, email
        client.post("/logout", data={"csrf_token": token})
    assert draft_text(store) is None


# ---- the partners' page ----------------------------------------------------------------------------------


def test_the_partners_page_shows_an_organisations_bridge_by_scheme_and_its_flows(client: TestClient) -> None:
    sign_in(client, "editor@sft.test")
    page = client.get("/scenarios/1/partners")
    assert page.status_code == 200
    assert '<option value="sft" selected>Stockport FT</option>' in page.text  # the user's own organisation
    assert '<option value="2020/21" selected>2020/21</option>' in page.text  # the plan's bridge year
    for step in (
        "Do-nothing gap",
        "Scheme: Acute Interface",
        "Scheme: Outpatients",
        "Do-something position from the schemes",
        "Plan lines not explained by the schemes",
    ):
        assert step in page.text, step
    assert "Stockport FT: flows of the plan by counterparty and POD" in page.text
    for flow in ("Income lost", "Cost released", "Stranded cost", "Compensating payments", "Investment"):
        assert flow in page.text, flow
    assert "Stockport CCG · A&amp;E" in page.text
    assert not IDS.search(page.text)
    system = client.get("/scenarios/1/partners?holder=system&year=2018/19").text
    assert "System: flows of the plan by organisation" in system
    assert "System: bridge from the schemes, 2018/19" in system
    nhs = client.get("/scenarios/1/partners?holder=nhs", headers={"HX-Request": "true"})
    assert nhs.status_code == 200 and nhs.text.lstrip().startswith('<div id="partners">')
    assert "NHS: bridge from the schemes, 2020/21" in nhs.text


def test_the_partners_page_refuses_an_unknown_holder_or_year(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    assert client.get("/scenarios/1/partners").text.count('value="smbc" selected') == 1
    holder = client.get("/scenarios/1/partners?holder=nobody")
    assert holder.status_code == 422 and "holder: &#39;nobody&#39; is not an organisation" in holder.text
    year = client.get("/scenarios/1/partners?year=2031/32")
    assert year.status_code == 422 and "year: &#39;2031/32&#39; is not a year of the plan" in year.text


def test_the_dashboard_links_to_the_partners_and_contracts(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1").text
    assert 'href="/scenarios/1/partners"' in page and 'href="/scenarios/1/contracts"' in page
    scheme = client.get("/scenarios/1/schemes/neighbourhood").text
    assert "Contracts on this scheme's PODs" in scheme
    assert 'href="/scenarios/1/contracts/ccg_sft">Stockport CCG – Stockport FT contract</a>' in scheme
