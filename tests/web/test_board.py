"""The web app as a board uses it (issue 14): the changes against the approved plan input by input in people's
words, a finance lead's system-wide actuals file imported for their own organisation, the dashboard's headline
tiles, the risks named in their heat-map cells with their mitigations, the FEWS month by month by name, the
targets with no empty chart, and the approver shown as the person who approved."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from carebridge.delivery.risks import load_risk_register
from carebridge.delivery.targets import load_targets
from carebridge.engine import Results
from carebridge.engine.finance import SYSTEM
from carebridge.scenario.loader import load_scenario_text
from carebridge.store import Store
from carebridge.store.monitoring import read_actuals
from carebridge.store.registers import save_risks, save_targets
from carebridge.usecases.delivery import import_actuals
from carebridge.usecases.edits import edit_scheme, input_changes
from carebridge.web.dashboard import headline
from tests.conftest import EXAMPLES, STOCKPORT
from tests.web.conftest import PLAN, sign_in

ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
DELIVERY = EXAMPLES / "delivery"


def _text(page: str) -> str:
    """The page's text as a person reads it: tags out, entities decoded, spaces collapsed."""
    spaced = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r" ([:;,.])", r"\1", spaced)


def _row(page: str, table: str, label: str) -> str:
    body = re.search(rf'<table id="{table}">(.*?)</table>', page, re.S)
    assert body, f"no table {table}"
    for row in re.findall(r"<tr.*?</tr>", body.group(1), re.S):
        if label in _text(row):
            return _text(row)
    raise AssertionError(f"no row {label!r} in {table}: {_text(body.group(1))[:600]}")


# --- changes against the approved plan ---------------------------------------------------------------------


def test_the_changes_name_each_edited_input_and_say_a_typed_line_cannot_move(client: TestClient) -> None:
    token = sign_in(client, "editor@ccg.test")
    saved = client.post(
        "/scenarios/1/schemes/neighbourhood",
        data={"csrf_token": token, "effect-0-2018/19": "-500"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get("/scenarios/1/compare").text
    row = _row(page, "table-edits", "Scheme: Neighbourhood")
    assert "effect 1 on Non Elective: activity removed (spells)" in row
    assert "2018/19" in row and "1,710" in row and "-500" in row
    assert "No: no plan line is computed from it (they are typed as figures)" in row
    assert "neighbourhood" not in row  # the scheme's id
    text = _text(page)
    assert "First year that changed: 2018/19" in text
    assert "Stockport CCG's typed do-something position does not move" in text
    assert "(Stockport CCG savings programme) are typed as figures" in text
    # the effect on the statement, and on each organisation (the typed position flat, the schemes' moving)
    statement = _row(page, "bridge-changes", "Net of investment and funding, tariff basis")
    assert statement.split()[-1] != "0"
    by_scheme = re.search(r'<table id="table-scheme-changes-2018_19".*?</table>', page, re.S)
    assert by_scheme, "no table of the changes scheme by scheme"
    head = _text(by_scheme.group(0).split("</thead>")[0])
    assert "Stockport CCG" in head and "System" in head and " ccg " not in head
    neighbourhood = _row(
        by_scheme.group(0).replace('id="table-scheme-changes-2018_19"', 'id="x"'),
        "x",
        "Scheme: Neighbourhood",
    )
    assert any(cell not in ("0", "–") for cell in neighbourhood.split()[2:])
    ccg = _row(page, "table-holders_2018_19", "Stockport CCG")
    assert ccg.split()[2:5] == ["4,384", "4,384", "0"]  # the typed position: approved, draft, no change


def test_an_edited_plan_line_is_said_to_be_a_typed_line(client: TestClient) -> None:
    token = sign_in(client, "editor@sft.test")
    client.post("/scenarios/1/lines/sft_savings", data={"csrf_token": token, "effect-0-2018/19": "-35000"})
    page = client.get("/scenarios/1/compare").text
    row = _row(page, "table-edits", "Plan line: Stockport FT savings programme (Stockport FT)")
    assert "2018/19" in row and "(23,974)" not in row
    assert "Yes: it is a typed figure itself" in row
    assert "sft_savings" not in page.split('id="table-edits"')[1].split("</table>")[0]


def test_input_changes_match_items_by_id_and_name_organisations_pods_and_contracts() -> None:
    text = STOCKPORT.read_text(encoding="utf-8")
    approved = load_scenario_text(text, "approved.yaml").scenario
    edited = edit_scheme(text, "acute_interface", {0: {"2019/20": "0.5"}})
    edited = edited.replace("sft: {2016/17: 34398, 2017/18: 42400,", "sft: {2016/17: 34398, 2017/18: 42000,")
    draft = load_scenario_text(edited, "draft.yaml").scenario
    draft = draft.model_copy(update={"schemes": list(reversed(draft.schemes))})  # order alone: no change
    found = input_changes(approved, draft)
    assert [(c.section, c.item, c.year, c.old, c.new) for c in found] == [
        ("Scheme", "Acute Interface", "2019/20", found[0].old, "0.5"),
        ("Do-nothing gap", "Stockport FT", "2017/18", "42,400", "42,000"),
    ]
    assert found[0].what.startswith("effect 1 on ")
    assert found[0].typed == () and found[1].typed is None  # a gap is typed; no plan line is computed
    assert input_changes(approved, approved) == []
    contract = text.replace("    type: tariff\n    rate: 1\n", "    type: tariff\n    rate: 0.5\n")
    (rate,) = input_changes(approved, load_scenario_text(contract, "contract.yaml").scenario)
    assert (rate.section, rate.item, rate.what, rate.old, rate.new) == (
        "Contract",
        "Stockport CCG – Stockport FT contract",
        "rate",
        "1",
        "0.5",
    )
    assert rate.reach.startswith("No: a contract moves the payments between the partners")


def test_there_is_no_list_of_edits_without_a_draft(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/compare").text
    assert 'id="no-draft"' in page and 'id="table-edits"' not in page


# --- actuals ---------------------------------------------------------------------------------------------


def test_a_finance_lead_imports_their_own_rows_of_a_system_wide_file(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "lead@ccg.test")
    response = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("spend.csv", (ACTUALS / "spend.csv").read_bytes(), "text/csv")},
    )
    assert response.status_code == 200
    text = _text(response.text)
    assert "spend.csv: imported the rows of Stockport CCG and of no partner into 'Stockport': 12 new" in text
    assert _row(response.text, "table-others", "Stockport FT") == " Stockport FT 36 "
    spend = read_actuals(store, PLAN).spend
    assert set(spend["scheme"]) == {"neighbourhood"}  # the CCG's scheme; Stockport FT's left for its editors
    assert 'id="actuals-file"' in response.text  # the form stays


def test_a_file_of_only_other_organisations_rows_is_refused_on_the_form(
    client: TestClient, store: Store
) -> None:
    token = sign_in(client, "editor@ccg.test")
    rows = "month,pod,provider,activity\n2018/19-M01,ae,sft,5307\n2018/19-M01,op,sft,15273\n"
    response = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("sft-only.csv", rows, "text/csv")},
    )
    assert response.status_code == 403
    assert 'id="refused-message"' in response.text and 'id="actuals-file"' in response.text
    assert "sft-only.csv has no rows of Stockport CCG" in _text(response.text)
    assert _row(response.text, "table-others", "Stockport FT") == " Stockport FT 2 "
    assert read_actuals(store, PLAN).activity.empty


def test_an_uploads_errors_name_the_users_file_never_a_server_path(client: TestClient) -> None:
    token = sign_in(client, "lead@ccg.test")
    response = client.post(
        "/scenarios/1/actuals",
        data={"csrf_token": token},
        files={"file": ("../../etc/my spend.csv", "month,scheme,spend\n2018/19-M01,nowhere,1\n", "text/csv")},
    )
    assert response.status_code == 422
    assert "my spend.csv, row 2" in _text(response.text)
    assert "carebridge-web-" not in response.text and "/tmp" not in response.text
    assert "../" not in response.text
    for name, content in (("budget.xlsx", b"not a workbook"), ("notes.pdf", b"%PDF-1.4")):
        refused = client.post(
            "/scenarios/1/actuals", data={"csrf_token": token}, files={"file": (name, content)}
        )
        assert refused.status_code == 422
        assert f"{name}" in _text(refused.text) and 'id="actuals-file"' in refused.text
        assert "carebridge-web-" not in refused.text and "/tmp" not in refused.text


# --- the dashboard's headline ------------------------------------------------------------------------------


def test_the_dashboard_tiles_are_the_gap_plan_and_residual_of_the_system_and_the_users_organisation(
    client: TestClient, stockport: Results
) -> None:
    sign_in(client, "lead@ccg.test")
    page = client.get("/scenarios/1").text
    year = stockport.bridge_year
    assert f"Headline, {year}" in page
    for holder in (SYSTEM, "ccg"):
        expected = headline(stockport, holder, year)
        positions = stockport.positions.sel(org=holder, year=year)
        assert expected.gap == pytest.approx(float(positions.sel(line="do_nothing")))
        assert expected.residual == pytest.approx(float(positions.sel(line="do_something")))
        assert expected.plan == pytest.approx(expected.residual - expected.gap)
        for part in ("gap", "plan", "residual"):
            shown = re.search(rf'id="tile-{holder}-{part}">([^<]+)<', page)
            assert shown, f"no {part} tile for {holder}"
            number = float(shown.group(1).replace(",", "").replace("(", "-").replace(")", ""))
            assert number == pytest.approx(getattr(expected, part), abs=0.5)
    assert 'id="tiles-sft"' not in page  # not the lead's organisation
    assert 'id="tile-balance-none"' in page  # no Monte Carlo of this text yet
    fragment = client.get("/scenarios/1/bridge", params={"year": "2018/19"}).text
    assert re.search(r'<section id="headline"[^>]* hx-swap-oob="true"', fragment)
    assert "Headline, 2018/19" in fragment


@pytest.mark.slow
def test_the_dashboard_shows_the_probability_of_balance_once_a_monte_carlo_ran(
    client: TestClient, stockport: Results
) -> None:
    sign_in(client, "viewer@smbc.test")
    assert client.get("/scenarios/1/monte-carlo").status_code == 200
    page = client.get("/scenarios/1").text
    shown = re.search(r'id="tile-balance">([\d.]+)%<', page)
    assert shown, "no P(balance) tile"
    assert 0.0 <= float(shown.group(1)) <= 100.0


# --- risks, FEWS, targets ----------------------------------------------------------------------------------


def _registers(store: Store) -> None:
    with store.session() as session:
        save_targets(session, load_targets(DELIVERY / "targets.yaml"), "targets.yaml")
        save_risks(session, load_risk_register(DELIVERY / "risks.yaml"), None, "risks.yaml")


def test_heat_map_cells_name_their_risks_and_the_mitigations_are_shown(
    client: TestClient, store: Store
) -> None:
    _registers(store)
    register = load_risk_register(DELIVERY / "risks.yaml")
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/risks").text
    before = re.search(r'<table class="risk-heat-map" id="table-heat-before".*?</table>', page, re.S)
    assert before
    cell = re.search(r"<tr><th scope=\"row\">Likelihood 4</th>(.*?)</tr>", before.group(0), re.S)
    assert cell
    last = _text(cell.group(1).split("<td")[-1])
    assert "Demand for acute care not curbed" in last and "System-wide cost not reduced" in last
    text = _text(page)
    for risk in register.risks:
        assert f"{risk.id}:" not in text
        for mitigation in risk.mitigations:
            assert " ".join(mitigation.split()) in text


def test_the_fews_trend_by_month_named_as_people_name_them(client: TestClient, store: Store) -> None:
    paths = [ACTUALS / f"activity-2018-19-M{n:02d}.csv" for n in range(1, 8)]
    import_actuals(store, PLAN, paths)
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/fews").text
    trend = re.search(r'<table id="table-trend">.*?</table>', page, re.S)
    assert trend
    months = re.findall(r'<a href="\?month=[^"]+">([^<]+)</a>', trend.group(0))
    assert months == ["Apr 2018", "May 2018", "Jun 2018", "Jul 2018", "Aug 2018", "Sep 2018", "Oct 2018"]
    assert re.search(r'<option value="2018/19-M07" selected>Oct 2018</option>', page)
    assert ">2018/19-M07<" not in page  # a month is never shown by its label alone
    earlier = client.get("/scenarios/1/fews", params={"month": "2018/19-M03"}).text
    shown = re.findall(r'<a href="\?month=[^"]+">([^<]+)</a>', earlier.split('id="table-trend"')[1])
    assert shown[:3] == ["Apr 2018", "May 2018", "Jun 2018"] and "Jul 2018" not in shown


def test_a_target_with_no_trajectory_has_no_empty_chart(client: TestClient, store: Store) -> None:
    _registers(store)
    sign_in(client, "viewer@smbc.test")
    page = client.get("/scenarios/1/targets").text
    assert 'id="target-dtoc_stp"' in page
    assert "chart-target-dtoc_stp" not in page
    assert "chart-target-dtoc_stockport" in page
    assert "2016/17-M" not in "".join(re.findall(r'"x": \[[^\]]*\]', page))  # months by name on the axis


# --- the approver ------------------------------------------------------------------------------------------


def test_the_approver_is_the_person_who_approved(client: TestClient) -> None:
    token = sign_in(client, "lead@ccg.test")
    listed = _text(client.get("/").text)
    assert "tests (on the command line, not a user of the app)" in listed  # the seed's login
    client.post("/scenarios/1/lines/ccg_savings", data={"csrf_token": token, "effect-0-2018/19": "-25000"})
    assert "Draft edited by lead@ccg.test" in _text(client.get("/").text)
    approved = client.post("/scenarios/1/approve", data={"csrf_token": token}, follow_redirects=False)
    assert approved.status_code == 303
    table = re.search(r'<table id="versions-1">(.*?)</table>', client.get("/").text, re.S)
    assert table
    first, second = (
        _text(row) for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", table.group(1), re.S)
    )
    assert first.startswith(" 1 ") and "tests (on the command line" in first
    assert second.startswith(" 2 ") and "lead@ccg.test" in second and "command line" not in second
    assert "approved by lead@ccg.test" in _text(client.get("/scenarios/1").text)
