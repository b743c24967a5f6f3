"""The efficiency page: every signed-in user sees each organisation's and the system's view (open book); an
editor submits the return of an organisation they edit, never another's; a bad return is listed row by row
and nothing of it is imported."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.usecases.efficiency import load
from tests.web.conftest import sign_in

PROGRAMME = """\
name: Stockport CIP and QIPP 2018/19
year: 2018/19
organisations:
  - id: sft
    name: Stockport NHS FT
    lines: [{id: cip, name: CIP, annual: 1200}]
  - id: ccg
    name: Stockport CCG
    lines: [{id: qipp, name: QIPP, annual: 600}]
schemes:
  - {id: sft_agency, name: Agency premium, organisation: sft, line: cip, category: pay,
     stage: fully_developed, owner: Director of Workforce, annual: 1200}
  - {id: ccg_prescribing, name: Prescribing, organisation: ccg, line: qipp, category: drugs,
     stage: identified, owner: Chief Pharmacist, annual: 500}
"""
SFT = "organisation,month,scheme,recurrent,non_recurrent\nsft,2018/19-M01,sft_agency,100,0\n"


def loaded(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME, encoding="utf-8")
    load(store, path)


def test_without_a_programme_the_page_says_how_to_load_one(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/efficiency")
    assert page.status_code == 200 and "carebridge efficiency load FILE.yaml" in page.text


def test_a_viewer_sees_every_partner_and_the_system_but_no_form(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    loaded(store, tmp_path)
    sign_in(client, "viewer@smbc.test")
    page = client.get("/efficiency").text
    assert "Stockport NHS FT" in page and "Stockport CCG" in page and "System" in page
    assert 'action="/efficiency/returns"' not in page
    for table in ("fews", "position", "delivery", "stages", "risks", "returns"):
        assert f'id="table-efficiency-{table}"' in page, table
    assert '<span class="rag rag-green">green</span>' in page  # Stockport NHS FT: nothing unidentified
    assert "Do-something: no do-something for Stockport NHS FT, Stockport CCG" in page


def test_an_editor_submits_their_own_return_not_another_s(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    loaded(store, tmp_path)
    token = sign_in(client, "editor@sft.test")
    page = client.get("/efficiency").text
    assert '<option value="sft">Stockport NHS FT</option>' in page and 'value="ccg"' not in page
    refused = client.post(
        "/efficiency/returns",
        data={"csrf_token": token, "org": "ccg"},
        files={"file": ("ccg.csv", SFT.replace("sft", "ccg"), "text/csv")},
    )
    assert refused.status_code == 403 and "only the return of an organisation you edit" in refused.text
    other = client.post(
        "/efficiency/returns",
        data={"csrf_token": token, "org": "sft"},
        files={"file": ("mixed.csv", SFT + "ccg,2018/19-M01,ccg_prescribing,40,0\n", "text/csv")},
    )
    assert other.status_code == 422
    assert re.search(
        r"mixed.csv, row 3, column organisation: the row is Stockport CCG&#39;s return", other.text
    )
    assert "nothing was imported" in other.text
    good = client.post(
        "/efficiency/returns",
        data={"csrf_token": token, "org": "sft"},
        files={"file": ("sft.csv", SFT, "text/csv")},
    )
    assert good.status_code == 200 and "sft.csv: 1 rows, 1 new, 0 replaced" in good.text
    assert "FEWS efficiency set" in good.text
