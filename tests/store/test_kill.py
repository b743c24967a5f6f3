"""A process killed (SIGKILL) in the middle of a large import leaves the store as it was before: readable,
consistent, and ready to take the same file again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from carebridge.delivery.baseline import PlanBaseline
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals
from carebridge.store.imports import import_actuals
from carebridge.store.monitoring import read_actuals as stored_actuals
from carebridge.store.plans import approve, load_baseline, sha256_text
from tests.conftest import ROOT
from tests.store.helpers import counts, write_csv
from tests.store.large import PLAN, baseline_of, write_actuals, write_scenario

IMPORTER = """
import sys, time
from pathlib import Path
from carebridge.store.actuals_files import read_actuals
from carebridge.store import Store
from carebridge.store.imports import import_actuals
from carebridge.store.plans import load_baseline

url, path, pause = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
store = Store.open(url, actor="killed")
actuals = read_actuals(path, load_baseline(store, "large")[1])


def progress(done, total):
    print(f"progress {done} {total}", flush=True)
    time.sleep(pause)


import_actuals(store, "large", actuals, progress)
print("finished", flush=True)
"""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanBaseline]:
    folder = tmp_path_factory.mktemp("large")
    scenario = write_scenario(folder / "large.yaml")
    return scenario, baseline_of(scenario)


def prepare(store: Store, scenario: Path, baseline: PlanBaseline, folder: Path) -> None:
    """The plan approved and one month of actuals already imported: what must survive the kill."""
    scenario_text = scenario.read_text(encoding="utf-8")
    approve(store, PLAN, scenario_text, str(scenario), baseline, sha256_text(scenario_text))
    first = write_csv(folder / "first.csv", "month,pod,provider,activity", "2016/17-M01,pod00,org00,7.0")
    import_actuals(store, PLAN, read_actuals(first, load_baseline(store, PLAN)[1]))


def kill_during_import(url: str, path: Path, pause: float) -> tuple[int, int]:
    """Run an import in another process and SIGKILL it once it has written its first rows."""
    command = [sys.executable, "-c", IMPORTER, url, str(path), str(pause)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    stderr = process.stderr.read() if process.stderr else ""
    assert line.startswith("progress"), f"the import did not start: {line!r} {stderr}"
    _, done, total = line.split()
    assert process.returncode == -signal.SIGKILL
    return int(done), int(total)


def check_killed_import(
    store_url: str, tmp_path: Path, large: tuple[Path, PlanBaseline], rows: int | None, pause: float
) -> None:
    scenario, baseline = large
    with Store.open(store_url, actor="tester") as store:
        prepare(store, scenario, baseline, tmp_path)
        before = counts(store)
        kept = stored_actuals(store, PLAN).activity
    path = tmp_path / "actuals.csv"
    total_rows = write_actuals(path, baseline, limit=rows)
    done, total = kill_during_import(store_url, path, pause)
    assert 0 < done < total == total_rows  # 1 row replaces the one imported before, the rest are new
    with Store.open(store_url, actor="tester") as store:
        if store.dialect == "sqlite":
            with store.engine.connect() as connection:
                assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert counts(store) == before
        assert stored_actuals(store, PLAN).activity.equals(kept)
        outcome = import_actuals(store, PLAN, read_actuals(path, load_baseline(store, PLAN)[1]))
        assert (outcome.inserted, outcome.updated) == (total_rows - 1, 1)
        assert counts(store)["actual_activity"] == total_rows


def test_sigkill_in_the_middle_of_an_import_leaves_the_store_as_before(
    store_url: str, tmp_path: Path, large: tuple[Path, PlanBaseline]
) -> None:
    """20,000 rows; the importer pauses after its first chunk so the kill lands inside the transaction."""
    check_killed_import(store_url, tmp_path, large, rows=20_000, pause=30.0)


@pytest.mark.slow
def test_sigkill_in_the_middle_of_a_216000_row_import_leaves_the_store_as_before(
    store_url: str, tmp_path: Path, large: tuple[Path, PlanBaseline]
) -> None:
    """All 216,000 rows, killed as soon as the first 5,000 are written, the import running at full speed."""
    check_killed_import(store_url, tmp_path, large, rows=None, pause=0.0)
