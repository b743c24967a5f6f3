"""``carebridge targets`` and ``carebridge risks`` end to end, as a user runs them, on a SQLite file: the
example registers load, actuals import once, alerts and escalations, a re-set only with the accountable
board's approval, reviews in the audit log; mistakes exit 2 with a located message and change nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.store import Store
from carebridge.store.models import AuditEntry
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.e2e
TARGETS = EXAMPLES / "delivery" / "targets.yaml"
RISKS = EXAMPLES / "delivery" / "risks.yaml"
AE = "ae_4_hours_stockport"
BOARD = "Stockport A&E Delivery Board"
# planned 81, 82, 83, 84 (tolerance 1, an alert after 2 months off): on, off, off (alert), off (alert)
ACTUALS = (
    "target,month,value\n"
    f"{AE},2016/17-M10,80.5\n{AE},2016/17-M11,80.5\n{AE},2016/17-M12,80\n{AE},2017/18-M01,81\n"
    "dtoc_stockport,2017/18-M01,7.5\n"
    "rtt_18_weeks,2016/17-M12,\n"
)

ESCALATION = ("--by", "x", "--root-cause", "y", "--action", "z")


def carebridge(*args: str, db: Path, cwd: Path, columns: str = "200") -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    environment = {**os.environ, "CAREBRIDGE_DB": str(db), "CAREBRIDGE_USER": "analyst", "COLUMNS": columns}
    if not columns:
        environment.pop("COLUMNS")
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment, timeout=120)


def ok(*args: str, db: Path, cwd: Path) -> str:
    done = carebridge(*args, db=db, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def audit(db: Path, action: str) -> list[AuditEntry]:
    with Store.open(str(db)) as store, store.session() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store with both example registers and a file of target actuals imported."""
    folder = tmp_path_factory.mktemp("registers")
    db = folder / "carebridge.db"
    assert "targets: 7 added" in ok("targets", "load", str(TARGETS), db=db, cwd=folder)
    assert "risks: 4 added" in ok("risks", "load", str(RISKS), db=db, cwd=folder)
    (folder / "actuals.csv").write_text(ACTUALS, encoding="utf-8")
    assert "5 new, 0 replaced, 0 unchanged" in ok("targets", "actuals", "actuals.csv", db=db, cwd=folder)
    return db, folder


def test_loading_and_importing_again_changes_nothing(workspace: tuple[Path, Path]) -> None:
    db, folder = workspace
    assert "7 unchanged; nothing changed" in ok("targets", "load", str(TARGETS), db=db, cwd=folder)
    again = ok("targets", "actuals", "actuals.csv", db=db, cwd=folder)
    assert "nothing changed; every value is already in the store" in again


def test_status_raises_an_alert_after_two_months_off_trajectory(workspace: tuple[Path, Path]) -> None:
    db, folder = workspace
    early = ok("targets", "status", "--month", "2016/17-M11", db=db, cwd=folder)
    assert "off trajectory" in early and "No alerts" in early
    latest = ok("targets", "status", db=db, cwd=folder)
    assert "Targets as at 2017/18-M01" in latest and "ALERT (3 months)" in latest
    assert f"ALERT {AE} 2017/18-M01: 3 % worse than the trajectory, off trajectory for 3 month(s)" in latest
    assert f"escalate to {BOARD}: carebridge targets escalate {AE} --month 2017/18-M01" in latest
    assert "no trajectory" in latest  # dtoc_stp has no baseline yet


def test_status_names_each_target_and_its_spc_variation_even_when_piped(workspace: tuple[Path, Path]) -> None:
    db, folder = workspace
    done = carebridge("targets", "status", db=db, cwd=folder, columns="")  # piped, no COLUMNS: not 80 wide
    assert done.returncode == 0, done.stderr
    assert "A&E patients seen within 4 hours (Stockport)" in done.stdout
    rows = [line for line in done.stdout.splitlines() if "│" in line]
    assert any("Stockport A&E Delivery Board" in row for row in rows)
    assert not any("…" in row for row in rows)
    assert "Jan 2018" not in done.stdout and "Apr 2017" in done.stdout  # months by name
    assert "variation" in done.stdout and "Common cause" in done.stdout  # four actuals of the A&E target


def test_an_alert_is_escalated_to_the_accountable_board(workspace: tuple[Path, Path]) -> None:
    db, tmp_path = workspace
    args: tuple[str, ...] = ("targets", "escalate", AE, "--month", "2016/17-M12", "--by", "J. Smith")
    args += ("--root-cause", "Delayed discharges fill the beds", "--action", "Discharge to assess")
    assert f"Escalated {AE} (2016/17-M12) to {BOARD}" in ok(*args, db=db, cwd=tmp_path)
    assert f"escalated to {BOARD}" in ok("targets", "status", "--month", "2016/17-M12", db=db, cwd=tmp_path)
    (inserted,) = [entry for entry in audit(db, "insert") if entry.entity == "target_escalations"]
    assert inserted.actor == "J. Smith"
    assert json.loads(inserted.new_value or "{}")["root_cause"] == "Delayed discharges fill the beds"


def test_a_reset_needs_the_accountable_boards_approval(workspace: tuple[Path, Path]) -> None:
    db, tmp_path = workspace
    args: tuple[str, ...] = (
        "targets",
        "reset",
        AE,
        "--from",
        "2017/18-M07",
        "--value",
        "92",
        "--by",
        "J. Smith",
    )
    args += ("--reason", "Winter bed closures")
    refused = carebridge(*args, db=db, cwd=tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"--board: re-setting the trajectory of '{AE}' needs the approval of its accountable board" in (
        refused.stderr
    )
    wrong = carebridge(*args, "--board", "STP Partnership Board", "--minute", "STP/9", db=db, cwd=tmp_path)
    assert wrong.returncode == 2 and "approved by 'STP Partnership Board'" in wrong.stderr
    assert audit(db, "reset") == []
    done = ok(*args, "--board", BOARD, "--minute", "ADB/2017/41", db=db, cwd=tmp_path)
    assert "(revision 1 → 2), approved by Stockport A&E Delivery Board (minute ADB/2017/41)" in done
    assert "5 months changed" in done and "2017/18-M08: 91 → 90.4" in done
    changes = {json.loads(e.entity_key)[1]: (e.old_value, e.new_value) for e in audit(db, "reset")}
    assert changes["2017/18-M12"] == ("95.0", "92.0") and len(changes) == 5
    (approval,) = audit(db, "approve")
    assert approval.actor == "J. Smith" and json.loads(approval.new_value or "{}")["minute"] == "ADB/2017/41"


def test_risks_list_heat_map_and_review(workspace: tuple[Path, Path]) -> None:
    db, tmp_path = workspace
    listed = ok("risks", "list", db=db, cwd=tmp_path)
    assert listed.index("R1") < listed.index("R3") and "4×5 = 20 extreme" in listed and "overdue" in listed
    after = ok("risks", "heatmap", "--after", "--out", "heatmap.png", db=db, cwd=tmp_path)
    assert "Risks after mitigation (4)" in after and "Wrote heatmap.png" in after
    assert (tmp_path / "heatmap.png").read_bytes().startswith(b"\x89PNG")
    review = ("risks", "review", "R3", "--likelihood", "2", "--impact", "3", "--after", "--by", "J. Smith")
    done = ok(*review, "--next-review", "2018-03-31", db=db, cwd=tmp_path)
    assert "Reviewed R3 (after mitigation): 3×3 = 9 → 2×3 = 6; next review 2018-03-31" in done
    (entry,) = audit(db, "review")
    assert entry.actor == "J. Smith" and json.loads(entry.old_value or "")["rating"] == 9
    assert json.loads(entry.new_value or "")["rating"] == 6
    again = ok("risks", "load", str(RISKS), db=db, cwd=tmp_path)
    assert "R3: kept the scores and review date set by review" in again


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("targets", "status", "--month", "2017/18-M13"),
            "--month: '2017/18-M13': the month number must be M01",
        ),
        (
            ("targets", "escalate", "ae_4_hours_stockprt", "--month", "2017/18-M01", *ESCALATION),
            f"no target 'ae_4_hours_stockprt' in the store; did you mean '{AE}'?",
        ),
        (
            ("targets", "escalate", "dtoc_stockport", "--month", "2017/18-M01", *ESCALATION),
            "--month: 'dtoc_stockport' is on trajectory in 2017/18-M01",
        ),
        (("targets", "actuals", "missing.csv"), "missing.csv: no such file"),
        (("targets", "actuals", "bad.csv"), "bad.csv, row 2, column month: 'May 2017' is not a month"),
        (("targets", "load", "bad.yaml"), "bad.yaml:4 targets[0].scope"),
        (
            ("risks", "review", "R1", "-l", "5", "-i", "5", "--after", "--by", "x"),
            "mitigation should not raise",
        ),
        (("risks", "heatmap", "--out", "map.jpg"), "--out map.jpg: expected a .png file name"),
    ],
)
def test_mistakes_exit_2_with_a_located_message(
    workspace: tuple[Path, Path], args: tuple[str, ...], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process (the same commands, without a process each): every mistake exits 2 with its message."""
    db, folder = workspace
    (folder / "bad.csv").write_text(f"target,month,value\n{AE},May 2017,80\n", encoding="utf-8")
    (folder / "bad.yaml").write_text("name: x\ntargets:\n  - id: a\n    scope: regional\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    done = CliRunner(env={"CAREBRIDGE_DB": str(db)}).invoke(app, list(args))
    assert done.exit_code == 2, done.stdout + done.stderr
    assert message in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit)


def test_every_command_has_an_example(tmp_path: Path) -> None:
    groups = {
        "targets": ("load", "actuals", "status", "escalate", "reset"),
        "risks": ("load", "list", "heatmap", "review"),
    }
    commands = [(group,) for group in groups] + [(g, c) for g, names in groups.items() for c in names]
    for args in commands:
        done = carebridge(*args, "--help", db=tmp_path / "never-opened.db", cwd=tmp_path)
        assert done.returncode == 0 and "Example:" in done.stdout, args
    assert not (tmp_path / "never-opened.db").exists()


def test_risks_list_shows_each_risks_pounds_when_the_register_has_them(tmp_path: Path) -> None:
    db = tmp_path / "pounds.db"
    ok("risks", "load", str(EXAMPLES / "stockport-2017" / "risks-pounds.yaml"), db=db, cwd=tmp_path)
    listed = ok("risks", "list", db=db, cwd=tmp_path)
    assert "£'000 best / likely / worst" in listed
    assert "0 / 1,500 / 4,000" in listed and "200 / 500 / 1,200" in listed
