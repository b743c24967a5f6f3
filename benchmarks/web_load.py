"""Load on the web app: concurrent users browsing dashboards on loopback.

Seeds a store in a temporary folder (the Stockport plan approved, a draft with one scheme edited, a user per
simulated person, three months of actuals), starts ``carebridge serve --workers WORKERS`` on a free port,
signs every simulated user in (argon2 is meant to be slow: signing in is not browsing, so it is not timed),
then runs USERS simulated users, each going round the dashboard, a bridge year (the htmx fragment), the
changes page, the FEWS page and the scenario API, without pause, for DURATION seconds. Each user is a
browser's connection: real HTTP/1.1 over loopback, kept alive between requests as a browser keeps it, every
answer read to its last byte. The client is a few lines of asyncio streams rather than httpx, so that on a
2-core machine the client's own CPU (printed) does not take the cores the server is measured on.

Prints the number of requests, the p50 and p95 latency (as the client sees it, and as the server does: the
``Server-Timing`` header the app adds), the errors, and the CPU per request of the server (all its worker
processes) and of the client; goal on a 2-core machine (issue 20): p95 ≤ 150 ms with no errors, 50 users
for 60 s.

Run: ``python benchmarks/web_load.py`` (50 users, 60 s, 2 workers; ``--users``, ``--duration``,
``--workers`` for other runs).
Exit status 0; with ``--check``, 1 when the p95 is above the floor or any request failed; with
``--check-stable``, 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from figures import Figure, add_arguments, finish

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
ACTUALS = ROOT / "examples" / "stockport-2017" / "actuals"
PASSWORD = "a long benchmark password"
FLOOR_P95 = 0.150
"""The issue's goal: p95 at most 150 ms at 50 concurrent users."""
USERS = 50
DURATION = 60.0
WORKERS = 2
"""One server process per core of the 2-core machine the goal is set on."""
NAN = float("nan")
PAGES = (
    "/scenarios/1",
    "/scenarios/1/bridge?year=2018/19",
    "/scenarios/1/bridge?year=2019/20",
    "/scenarios/1/compare",
    "/scenarios/1/fews",
    "/api/scenarios/1",
    "/",
)


def seed(db: Path, users: int) -> None:
    from carebridge.delivery.baseline import PlanBaseline
    from carebridge.engine import run
    from carebridge.scenario.loader import load_scenario
    from carebridge.store import Store
    from carebridge.store.actuals_files import read_actuals
    from carebridge.store.imports import import_actuals
    from carebridge.store.plans import approve, sha256_text
    from carebridge.usecases.edits import edit_value
    from carebridge.usecases.plans import stored_scenario
    from carebridge.web.auth import add_user

    text = SCENARIO.read_text(encoding="utf-8")
    baseline = PlanBaseline.from_results(run(load_scenario(SCENARIO).scenario))
    with Store.open(str(db), actor="benchmark") as store:
        approve(store, "Stockport", text, str(SCENARIO), baseline, sha256_text(text))
        for month in ("M01", "M02", "M03"):
            import_actuals(
                store, "Stockport", read_actuals(ACTUALS / f"activity-2018-19-{month}.csv", baseline)
            )
        for number in range(users):
            add_user(store, f"user{number}@load.test", PASSWORD, {"sft": "viewer"})
        # a draft, so the changes page compares two runs: one scheme's value edited as a partner would
        edit_value(store, stored_scenario(store, 1), "schemes", "neighbourhood", {0: {"2018/19": "-500"}})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(db: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("carebridge")),
        "serve",
        "--port",
        str(port),
        "--db",
        str(db),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2):
                if len(processes(process.pid)) > workers or workers == 1:
                    return process, base
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("carebridge serve did not start")


async def sign_in(base: str, number: int, errors: list[str]) -> str | None:
    """The session cookie of simulated user ``number`` (signed in through the API), or None."""
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            login = await client.post(
                "/api/login", json={"email": f"user{number}@load.test", "password": PASSWORD}
            )
    except httpx.HTTPError as error:
        errors.append(f"login: {type(error).__name__}")
        return None
    if login.status_code != 200:
        errors.append(f"login {login.status_code}")
        return None
    return "; ".join(f"{name}={value}" for name, value in login.cookies.items())


class HttpError(Exception):
    """An answer that is not HTTP/1.1 as expected, or a connection closed before the answer ended."""


class Connection:
    """One browser's connection to the server: HTTP/1.1 over TCP, kept alive between requests (opened again
    when the server closes it); each answer read to its last byte, chunked or with a Content-Length."""

    def __init__(self, base: str, cookie: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.cookie = cookie
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """The status, headers (lower-case names) and body of GET ``path``. A kept-alive connection the
        server closed while it was idle (uvicorn closes them after 5 s) is opened again and the request sent
        again, as a browser does, when not a byte of the answer came back."""
        reused = self.streams is not None
        try:
            return await self._exchange(path)
        except asyncio.IncompleteReadError as error:
            await self.close()
            if not reused or error.partial:
                raise HttpError(f"the connection closed mid-answer ({len(error.partial)} bytes)") from None
        except ConnectionError as error:
            await self.close()
            if not reused:
                raise HttpError(type(error).__name__) from None
        try:
            return await self._exchange(path)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            await self.close()
            raise HttpError(type(error).__name__) from None

    async def _exchange(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Accept: text/html,application/json\r\nCookie: {self.cookie}\r\n\r\n".encode("latin-1")
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        version, status, *_ = status_line.split(" ", 2)
        if version != "HTTP/1.1":
            raise HttpError(f"answered {status_line!r}")
        headers = {}
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunks(reader)
        else:
            body = await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return int(status), headers, body

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        """A chunked body: each chunk its size in hex, a line, the bytes and a line end; the last of size 0
        (the server sends no trailers)."""
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append((await reader.readexactly(size + 2))[:size])
            if size == 0:
                return b"".join(parts)

    async def close(self) -> None:
        if self.streams is not None:
            writer = self.streams[1]
            self.streams = None
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


@dataclass
class Measures:
    """What the simulated users saw: each request's latency, the app's own time (``Server-Timing``) and the
    errors."""

    latencies: list[float] = field(default_factory=list)
    app_times: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


async def browse(connection: Connection, number: int, until: float, measures: Measures) -> None:
    step = number
    while time.monotonic() < until:
        path = PAGES[step % len(PAGES)]
        step += 1
        began = time.perf_counter()
        try:
            status, headers, body = await connection.get(path)
        except HttpError as error:
            measures.errors.append(f"{path}: {error}")
            continue
        latency = time.perf_counter() - began
        measures.latencies.append(latency)
        measures.by_page.setdefault(path, []).append(latency)
        timing = SERVER_TIMING.search(headers.get("server-timing", ""))
        if timing:
            measures.app_times.append(float(timing.group(1)) / 1000)
        if status != 200 or not body:
            measures.errors.append(f"{path}: {status}")


SERVER_TIMING = re.compile(r"\bapp;dur=([0-9.]+)")


def processes(pid: int) -> list[int]:
    """``pid`` and every process it started, and theirs (the server's workers), from /proc."""
    found = [pid]
    for child in found:
        try:
            tasks = Path(f"/proc/{child}/task").iterdir()
            for task in tasks:
                found += [int(n) for n in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time (user and system) processes ``pids`` have used, from /proc (NaN where there is none):
    the server's work per request, which a busy machine changes far less than it changes latency."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def load(base: str, users: int, duration: float, server: int = 0) -> tuple[Measures, float, float]:
    """What ``users`` browsing for ``duration`` seconds saw, and the CPU seconds the server (process
    ``server`` and its workers) and this client spent meanwhile."""
    measures = Measures()
    cookies = [await sign_in(base, n, measures.errors) for n in range(users)]  # argon2: slow, not timed
    connections = [Connection(base, cookie) for cookie in cookies if cookie is not None]
    try:
        for connection in connections:  # the first run of the plan and its draft is not browsing
            for path in PAGES:
                await connection.get(path)
        until = time.monotonic() + duration
        pids = processes(server)
        began, client_began = cpu_seconds(pids), own_cpu_seconds()
        await asyncio.gather(
            *(browse(connection, n, until, measures) for n, connection in enumerate(connections))
        )
        spent, client_spent = cpu_seconds(pids) - began, own_cpu_seconds() - client_began
    finally:
        for connection in connections:
            await connection.close()
    return measures, spent, client_spent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=USERS, help=f"simulated users (default {USERS})")
    parser.add_argument(
        "--duration", type=float, default=DURATION, help=f"seconds of browsing (default {DURATION:g})"
    )
    parser.add_argument(
        "--workers", type=int, default=WORKERS, help=f"the server's worker processes (default {WORKERS})"
    )
    add_arguments(parser)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="carebridge-load-") as folder:
        db = Path(folder) / "carebridge.db"
        seed(db, options.users)
        process, base = start(db, options.workers)
        try:
            measures, cpu, client_cpu = asyncio.run(load(base, options.users, options.duration, process.pid))
        finally:
            process.terminate()
            process.wait(timeout=20)
    count = len(measures.latencies)
    print(f"web load, {options.users} users for {options.duration:g} s, {options.workers} worker(s)")
    for error in sorted(set(measures.errors))[:10]:
        print(f"  error: {error}")
    for path, times in measures.by_page.items():
        print(f"  {path}: {len(times)} requests, p50 {statistics.median(times) * 1000:.1f} ms, ", end="")
        print(f"p95 {percentile(times, 0.95) * 1000:.1f} ms")
    figures = [
        Figure("requests", "requests", count, "", "time"),
        Figure("requests_per_second", "requests per second", count / options.duration, "", "time"),
        Figure(
            "p50", "p50 latency", statistics.median(measures.latencies) * 1000 if count else NAN, "ms", "time"
        ),
        Figure(
            "p95", "p95 latency", percentile(measures.latencies, 0.95) * 1000, "ms", "time", FLOOR_P95 * 1000
        ),
        Figure("errors", "errors", len(measures.errors), "", "count", 0),
        Figure(
            "server_p95",
            "p95 of the app's own time (Server-Timing)",
            percentile(measures.app_times, 0.95) * 1000,
            "ms",
            "time",
        ),
        Figure(
            "server_cpu_per_request",
            "server CPU per request",
            cpu / count * 1000 if count else NAN,
            "ms",
            "time",
        ),
        Figure(
            "client_cpu_per_request",
            "load client CPU per request",
            client_cpu / count * 1000 if count else NAN,
            "ms",
            "time",
        ),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
