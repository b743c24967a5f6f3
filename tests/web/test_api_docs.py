"""The curl session docs/web.md shows for the pooled budgets and efficiency API runs as written: its setup
block (``sh``) in a fresh copy of the examples, then ``carebridge serve`` on a free port and every curl line
of its ``sh api`` block against it, one shell script (``set -e``: a line that fails fails the test), with
real curl over real HTTP. The docs-commands test runs the setup block too; it cannot run the curl lines
without a server, so this test does, and checks what they answer."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.docs.test_doc_commands import ROOT, _environment, _free_port, fresh_copy

DOC = ROOT / "docs" / "web.md"
PORT = "8000"


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """The fenced blocks of a Markdown text: (info string, lines)."""
    found: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    info = ""
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            if current is None:
                current, info = [], line.strip().strip("`").strip()
            else:
                found.append((info, current))
                current = None
            continue
        if current is not None:
            current.append(line)
    return found


def session() -> tuple[list[str], list[str]]:
    """The setup block (the ``sh`` block just before it) and the ``sh api`` block of docs/web.md."""
    found = blocks(DOC.read_text(encoding="utf-8"))
    index = next(i for i, (info, _) in enumerate(found) if info == "sh api")
    info, setup = found[index - 1]
    assert info == "sh", "the curl session must follow the block that sets up its store and server"
    return [line for line in setup if line.strip()], [line for line in found[index][1] if line.strip()]


def values(text: str) -> list[Any]:
    """The JSON values written one after another in ``text`` (bodies and status codes)."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return found
        value, index = decoder.raw_decode(text, index)
        found.append(value)


def _wait(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"carebridge serve exited {process.returncode}: {output[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError("carebridge serve did not answer within 90 s")


def test_the_docs_show_a_setup_and_curl_lines_for_every_endpoint() -> None:
    setup, curl = session()
    assert setup[-1].startswith("carebridge serve")
    shown = " ".join(curl)
    for path in (
        "/api/pools",
        "/api/pools/age_65_plus",
        "/api/efficiency/programmes",
        "/api/efficiency/organisations/uhnm?",
        "/api/efficiency/system",
        "/api/efficiency/organisations/uhnm/returns",
    ):
        assert f"127.0.0.1:{PORT}{path}" in shown, path


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_session_runs_as_written(tmp_path: Path) -> None:
    setup, curl = session()
    work = fresh_copy(tmp_path)
    environment = _environment()
    for line in setup[:-1]:
        done = subprocess.run(line, shell=True, cwd=work, env=environment, capture_output=True, text=True)
        assert done.returncode == 0, f"{line}: {done.stderr}"
    port = _free_port()
    serve = subprocess.Popen(
        f"{setup[-1]} --port {port}",
        shell=True,
        cwd=work,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        _wait(port, serve)
        script = "set -e\n" + "\n".join(
            line.replace(f"127.0.0.1:{PORT}", f"127.0.0.1:{port}") for line in curl
        )
        done = subprocess.run(
            ["bash", "-c", script], cwd=work, env=environment, capture_output=True, text=True, timeout=300
        )
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    assert done.returncode == 0, f"{done.stderr}\n{done.stdout[-3000:]}"
    answers = values(done.stdout)  # curl adds no newline after a body; -w's code follows its body
    pools, pool, programmes, csv_import, json_import, uhnm, system, bad, bad_code, other, other_code = answers
    assert pools["pools"][0]["code"] == "age_65_plus"
    assert pool["month"] == "2016/17-M06" and pool["actual_ytd"] > 0
    assert programmes[0]["name"] == "Staffordshire STP CIP 2017/18"
    assert csv_import["inserted"] > 0 and csv_import["returns"][0]["late"] is True  # sent years after
    assert (json_import["rows"], json_import["inserted"]) == (1, 1)
    assert uhnm["view"]["recurrent_ytd"] == 150 and uhnm["view"]["name"]
    assert system["view"]["item"] == "system"
    assert bad["problems"][0].startswith("efficiency[0].recurrent:")
    assert (bad_code, other_code) == (422, 403), done.stdout[-2000:]
    assert "only the return of an organisation you edit" in other["detail"]
    assert shlex.split(curl[0])[0] == "curl"
