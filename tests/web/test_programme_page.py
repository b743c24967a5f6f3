"""The programme oversight page in process: everyone signed in reads it; a workstream's owners record its
monthly gateway return on its form, and no one else (refused, nothing recorded); a bad month is named."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from carebridge.store import Store
from carebridge.usecases.programme import import_updates, load_into_store
from tests.conftest import EXAMPLES
from tests.web.conftest import sign_in

STP = EXAMPLES / "staffordshire-stp-2016"


def load(store: Store, tmp_path: Path) -> None:
    """The STP's programme with the CCG's finance lead also an owner of the urgent care programme, and a
    year of its synthetic returns."""
    text = (STP / "programme.yaml").read_text(encoding="utf-8")
    mine = text.replace(
        "owners: [rob.lusuardi@stp.example]", "owners: [rob.lusuardi@stp.example, lead@ccg.test]"
    )
    (tmp_path / "programme.yaml").write_text(mine, encoding="utf-8")
    load_into_store(store, tmp_path / "programme.yaml")
    import_updates(store, STP / "gateway" / "urgent-care-returns.csv", "rob.lusuardi@stp.example")


def test_the_page_without_a_programme_says_how_to_load_one(client: TestClient) -> None:
    sign_in(client, "viewer@smbc.test")
    page = client.get("/programme")
    assert page.status_code == 200
    assert "carebridge programme load PROGRAMME.yaml" in page.text
    assert '<a href="/programme">Programme</a>' in page.text


def test_an_owner_records_a_return_and_others_cannot(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    token = sign_in(client, "lead@ccg.test")
    page = client.get("/programme", params={"month": "2017/18-M06"})
    assert page.status_code == 200
    assert "Gateway assurance by workstream and month, to 2017/18-M06" in page.text
    assert "fell from amber to red in 2017/18-M04" in page.text
    assert '<option value="ws09_urgent_care"' in page.text  # the form offers the workstream it owns
    form = {
        "csrf_token": token,
        "workstream": "ws09_urgent_care",
        "month": "2017/18-M07",
        "progress": "green",
        "confidence": "amber",
        "assurance": "green",
        "note": "Options appraisal agreed",
    }
    done = client.post("/programme/returns", data=form)
    assert done.status_code == 200, done.text
    assert "The gateway return for 2017/18-M07 is recorded." in done.text
    assert "rose from red to amber in 2017/18-M07" in done.text
    bad = client.post("/programme/returns", data={**form, "month": "2019/20-M01"})
    assert bad.status_code == 422
    assert "Month: 2019/20-M01 is not a month of the programme" in bad.text
    other = client.post("/programme/returns", data={**form, "workstream": "ws10_cip_qipp"})
    assert other.status_code == 403
    assert "lead@ccg.test is not an owner of the workstream &#39;10. CIPs &amp; QIPPs&#39;" in other.text

    client.post("/logout", data={"csrf_token": token})
    editor = sign_in(client, "editor@sft.test")
    assert "you (editor@sft.test) own none" in client.get("/programme").text
    refused = client.post("/programme/returns", data={**form, "csrf_token": editor, "confidence": "red"})
    assert refused.status_code == 403
    assert "rose from red to amber in 2017/18-M07" in client.get("/programme").text  # unchanged


def test_a_month_that_is_not_the_programmes_is_refused(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    sign_in(client, "viewer@smbc.test")
    assert client.get("/programme", params={"month": "2030/31-M01"}).status_code == 422


def test_an_owner_takes_a_decision_and_updates_a_milestone(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    token = sign_in(client, "lead@ccg.test")
    page = client.get("/programme").text
    assert '<option value="two_ae_sites">' in page  # the decision of the workstream the lead owns
    assert '<option value="ws09_urgent_care:18">' in page
    decided = client.post(
        "/programme/decisions",
        data={"csrf_token": token, "decision": "two_ae_sites", "month": "2017/18-M05", "status": "deferred",
              "due": "2018/19-M01", "note": "Waiting for the consultation"},
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert "The decision&#39;s status in 2017/18-M05 is recorded." in decided.text
    assert "2018/19-M01" in decided.text and "Waiting for the consultation" in decided.text
    marked = client.post(
        "/programme/milestones",
        data={
            "csrf_token": token,
            "milestone": "ws09_urgent_care:18",
            "month": "2017/18-M05",
            "status": "at_risk",
        },
    )
    assert marked.status_code == 200, marked.text
    assert 'commence Spring 2018</td><td class="label">at risk</td>' in marked.text
    bad = client.post(
        "/programme/decisions",
        data={
            "csrf_token": token,
            "decision": "planned_care_centres",
            "month": "2017/18-M05",
            "status": "taken",
        },
    )
    assert bad.status_code == 403  # the planned care programme's decision: not the lead's
    assert "not an owner of the workstream &#39;7. Planned Care Reconfiguration&#39;" in bad.text
    wrong = client.post(
        "/programme/decisions",
        data={"csrf_token": token, "decision": "two_ae_sites", "month": "2017/18-M05", "status": "taken",
              "due": "soon"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert "Due: expected a financial month YYYY/YY-Mnn" in wrong.text
