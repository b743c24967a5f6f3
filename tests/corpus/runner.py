"""What every case of the bad-input corpus is held to, whatever reads it: the expected message (file, place
and text), and the guards — the CPU time and memory of the refusal, and the store left as it was.

A YAML file states its expectation in its own first comments::

    # What is wrong with it.
    # expect: LINE: TEXT        (the message names FILE:LINE — or "FILE: " for ``-`` — and contains TEXT)
    # refuse: TEXT              (optional: text the message must not contain)
    # args: --plan Stockport    (optional: more arguments of the command)

A file that cannot carry comments (CSV, Excel, Parquet) is described in its folder's ``_expected.yaml``:
``why``, ``at`` (what follows the file's name in the message: ``", row 3, column pod: "``, ``"!B5 "``, or
``": "`` for the whole file), ``expect`` and optionally ``refuse`` and ``args``. Workbooks and Parquet files
are written by ``tests/corpus/generate.py``, which holds their expectations.
"""

from __future__ import annotations

import contextlib
import re
import resource
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

CORPUS = Path(__file__).parent
MAX_SECONDS = 10.0
"""CPU seconds one refusal may take (a guard against runaway work, not a benchmark)."""
MAX_BYTES = 500_000_000
"""Memory one refusal may add to the process at its peak."""
MANIFEST = "_expected.yaml"


@dataclass(frozen=True)
class Expected:
    """Where the message must point (``at``, after the file's name) and what it must say."""

    at: str
    text: str
    refused: str | None = None
    args: tuple[str, ...] = field(default=())
    why: str = ""


def from_comments(path: Path) -> Expected:
    head = path.read_bytes()[:3000].decode("utf-8", "replace")
    found = re.search(r"^# expect: (-|\d+): (.+?)\r?$", head, re.M)
    assert found is not None, f"{path.name} has no '# expect:' line"
    refused = re.search(r"^# refuse: (.+?)\r?$", head, re.M)
    args = re.search(r"^# args: (.+?)\r?$", head, re.M)
    why = re.search(r"^\ufeff?# (.+?)\r?$", head, re.M)
    return Expected(
        at=": " if found.group(1) == "-" else f":{found.group(1)}",
        text=found.group(2),
        refused=refused.group(1) if refused else None,
        args=tuple(args.group(1).split()) if args else (),
        why=why.group(1) if why else "",
    )


def manifest(folder: Path) -> dict[str, Expected]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    entries: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        name: Expected(
            at=entry["at"],
            text=entry["expect"],
            refused=entry.get("refuse"),
            args=tuple(entry.get("args", ())),
            why=entry["why"],
        )
        for name, entry in entries.items()
    }


# --- guards -----------------------------------------------------------------------------------------------


def _resident() -> int:
    """Bytes resident now."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize()


def _peak() -> int:
    """Bytes resident at the peak since the last reset (Linux's high-water mark)."""
    found = re.search(r"^VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    return int(found.group(1)) * 1024 if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak() -> None:
    """Start the high-water mark again from what is resident now (Linux 4.0 and later)."""
    # not Linux: the peak since the process started is an upper bound, so the guard stays sound
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@dataclass
class Usage:
    cpu_seconds: float = 0.0
    added_bytes: int = 0


@contextmanager
def guarded(what: str) -> Iterator[Usage]:
    """Measure the CPU time and the peak memory added by the block; fail when either is over its limit.

    CPU time, not wall time: the limit guards against runaway work and holds on a busy machine.
    """
    usage = Usage()
    _reset_peak()
    before, started = _resident(), time.process_time()
    yield usage
    usage.cpu_seconds = time.process_time() - started
    usage.added_bytes = _peak() - before
    assert usage.cpu_seconds < MAX_SECONDS, f"{what}: {usage.cpu_seconds:.1f} s of CPU"
    assert usage.added_bytes < MAX_BYTES, f"{what}: {usage.added_bytes / 1e6:,.0f} MB added at the peak"


def dump(database: Path) -> list[str]:
    """The SQLite store as SQL text: compare it before and after a refusal."""
    if not database.exists():
        return []
    with sqlite3.connect(database) as connection:
        return list(connection.iterdump())


def assert_unchanged(database: Path, before: list[str], what: str) -> None:
    after = dump(database)
    assert after == before, f"{what}: the store changed: {sorted(set(after) ^ set(before))[:5]}"


def check_message(message: str, name: str, wanted: Expected) -> None:
    """The message names the file (or request) and the place, says what was expected, and no traceback."""
    assert "Traceback" not in message and "unexpected error" not in message, message
    assert f"{name}{wanted.at}" in message, f"expected '{name}{wanted.at}' in:\n{message}"
    assert wanted.text in message, f"expected '{wanted.text}' in:\n{message}"
    if wanted.refused is not None:
        assert wanted.refused not in message, message


Command = Callable[[Path, Path, Expected], list[str]]
