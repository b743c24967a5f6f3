"""A real server for the browser tests and the load benchmark: ``carebridge serve`` in a subprocess on a
free loopback port, on a store seeded with the Stockport plan and the test users."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

CAREBRIDGE = Path(sys.executable).with_name("carebridge")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(db: Path, timeout: float = 90.0, options: Sequence[str] = ()) -> Iterator[str]:
    """``carebridge serve`` on ``db`` (with more ``options``); yields its base URL and stops it afterwards."""
    port = free_port()
    command = [str(CAREBRIDGE), "serve", "--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    command += options
    # The server's stderr goes to a file: a pipe nobody reads fills up and stops the server mid-test.
    log = db.with_name(f"{db.stem}-serve-{port}.log")
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=stderr, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                error = log.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"carebridge serve did not start in {timeout:g} s: {error}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
