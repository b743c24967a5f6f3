"""``carebridge serve --workers N``: N worker processes answer on one port, and each reads the store afresh,
so a session, the login lock and an edit made through one connection hold on every other (each request
here on a new connection, which the kernel hands to either worker)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from carebridge.engine import Results
from tests.web.conftest import PASSWORD, seed_store
from tests.web.server import serving

REQUESTS = 12
"""Requests on new connections after each change: enough that both workers answer some."""


def processes_serving(port: str) -> list[int]:
    """The ``carebridge serve`` process on ``port`` and every process it started, from /proc."""
    wanted = "\x00".join(["serve", "--host", "127.0.0.1", "--port", port, ""])
    found = [
        int(folder.name)
        for folder in Path("/proc").iterdir()
        if folder.name.isdigit() and wanted in _command(folder)
    ]
    for pid in found:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _command(folder: Path) -> str:
    try:
        return (folder / "cmdline").read_text()
    except OSError:
        return ""


@pytest.mark.e2e
def test_two_workers_share_sessions_the_login_lock_and_every_edit(tmp_path: Path, stockport: Results) -> None:
    db = tmp_path / "carebridge.db"
    seed_store(db, stockport).close()
    with serving(db, options=["--workers", "2", "--login-failures", "2"]) as base:
        port = base.rsplit(":", 1)[1]
        assert len(processes_serving(port)) >= 3  # the supervisor and its two workers
        fresh = httpx.Limits(max_keepalive_connections=0)  # every request on a new connection
        with (
            httpx.Client(base_url=base, limits=fresh, timeout=60) as editor,
            httpx.Client(base_url=base, limits=fresh, timeout=60) as viewer,
        ):
            signed = editor.post("/api/login", json={"email": "editor@sft.test", "password": PASSWORD})
            assert signed.status_code == 200
            csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
            assert (
                viewer.post(
                    "/api/login", json={"email": "viewer@smbc.test", "password": PASSWORD}
                ).status_code
                == 200
            )
            sources = {viewer.get("/api/scenarios/1").json()["source"] for _ in range(REQUESTS)}
            assert sources == {"version 1"}  # the session is good on either worker
            saved = editor.put(
                "/api/scenarios/1/lines/sft_savings",
                json={"effects": {"0": {"2018/19": "-35000"}}},
                headers=csrf,
            )
            assert saved.status_code == 200, saved.text
            after = [viewer.get("/api/scenarios/1").json() for _ in range(REQUESTS)]
            assert {answer["source"] for answer in after} == {"draft"}  # every worker reads the edit at once
            assert {answer["sha256"] for answer in after} == {saved.json()["sha256"]}
            out = editor.post("/logout", data={"csrf_token": csrf["X-CSRF-Token"]}, headers=csrf)
            assert out.status_code == 303
            assert {editor.get("/api/me").status_code for _ in range(REQUESTS)} == {401}  # signed out on both
            wrong = {"email": "editor@ccg.test", "password": "not the password"}
            assert [viewer.post("/api/login", json=wrong).status_code for _ in range(2)] == [401, 401]
            locked = viewer.post("/api/login", json={"email": "editor@ccg.test", "password": PASSWORD})
            assert locked.status_code == 429  # the failures counted in the store, whichever worker saw them
