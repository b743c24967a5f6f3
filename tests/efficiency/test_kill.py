"""A process killed (SIGKILL) in the middle of an import of returns leaves the store as it was before:
readable, consistent, and ready to take the same file again."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from sqlalchemy import func, select, text

from carebridge.delivery.efficiency import load_programme
from carebridge.store import Store
from carebridge.store.efficiency import import_returns, read_returns, save_programme
from carebridge.store.models import AuditEntry, MonitoringReturn, ReturnEfficiency
from tests.conftest import ROOT

IMPORTER = """
import datetime, sys, time
from pathlib import Path
from carebridge.store import Store
from carebridge.store.efficiency import import_returns, read_returns, read_stored

url, path = sys.argv[1], Path(sys.argv[2])
store = Store.open(url, actor="killed")
name = "Benchmark 2 x 600"
programme = read_stored(store, name)[0]
returns = read_returns(path, programme)


def progress(done, total):
    print(f"progress {done} {total}", flush=True)
    time.sleep(60)


import_returns(store, name, returns, datetime.date(2018, 5, 1), progress)
print("finished", flush=True)
"""


def generator() -> ModuleType:
    """benchmarks/efficiency.py, whose generator of programmes and returns the test shares."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(
        "efficiency_benchmark", ROOT / "benchmarks" / "efficiency.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counts(store: Store) -> tuple[int, int, int]:
    with store.session() as session:
        return (
            session.scalar(select(func.count()).select_from(ReturnEfficiency)) or 0,
            session.scalar(select(func.count()).select_from(MonitoringReturn)) or 0,
            session.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )


def test_sigkill_in_the_middle_of_an_import_of_returns_leaves_the_store_as_before(
    store_url: str, tmp_path: Path
) -> None:
    bench = generator()
    bench.write_programme(tmp_path / "programme.yaml", 2, 600)
    ie, efficiency, _ = bench.write_returns(tmp_path, 2, 600)  # 2 × 600 × 12 = 14,400 rows delivered
    with Store.open(store_url, actor="tester") as store:
        programme, definition = load_programme(tmp_path / "programme.yaml")
        save_programme(store, programme, definition, "sha")
        import_returns(store, programme.name, read_returns(ie, programme), dt.date(2018, 5, 1))
        before = counts(store)
    command = [sys.executable, "-c", IMPORTER, store_url, str(efficiency)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""
    assert line.startswith("progress"), f"the import did not start: {line!r} {stderr}"
    _, done, total = line.split()
    assert 0 < int(done) < int(total) == 14_400
    assert process.returncode == -signal.SIGKILL
    with Store.open(store_url, actor="tester") as store:
        if store.dialect == "sqlite":
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert counts(store) == before
        outcome = import_returns(
            store, programme.name, read_returns(efficiency, programme), dt.date(2018, 5, 1)
        )
        assert outcome.inserted == 14_400
        assert counts(store)[0] == 14_400
