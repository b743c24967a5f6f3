"""``carebridge programme`` end to end, as a user runs it, on a SQLite file: the STP's programme checked
against its scenario, rolled up, loaded; a year of synthetic gateway returns imported by each programme's
director; the oversight report shows the fall in urgent care's confidence and the overdue decision; mistakes
exit 2 with a located message, no traceback, and record nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from carebridge.cli import app
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.e2e
STP = EXAMPLES / "staffordshire-stp-2016"
GATEWAY = STP / "gateway"
DIRECTORS = {
    "prevention.yaml": "jonathon.bletcher@stp.example",
    "epcc.yaml": "steve.grange@stp.example",
    "planned-care.yaml": "mark.seaton@stp.example",
    "reduce-cost.yaml": "neil.chapman@stp.example",
    "urgent-care-returns.csv": "rob.lusuardi@stp.example",
    "urgent-care-updates.yaml": "rob.lusuardi@stp.example",
}


def carebridge(*args: str, db: Path) -> Result:
    """The command run in process (as the installed ``carebridge`` runs it), on the store ``db``."""
    environment = {"CAREBRIDGE_DB": str(db), "COLUMNS": "250"}
    return CliRunner().invoke(app, list(args), env=environment, catch_exceptions=True)


def ok(*args: str, db: Path) -> str:
    done = carebridge(*args, db=db)
    assert done.exit_code == 0, done.output
    return done.stdout


def refused(*args: str, db: Path) -> str:
    done = carebridge(*args, db=db)
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("programme") / "store.db"
    ok("programme", "load", str(STP / "programme.yaml"), db=path)
    for name, director in DIRECTORS.items():
        ok("programme", "return", "import", str(GATEWAY / name), "--by", director, db=path)
    return path


def test_check_and_rollup_add_to_the_bridge(tmp_path: Path) -> None:
    db = tmp_path / "unused.db"
    out = ok("programme", "check", str(STP / "programme.yaml"), db=db)
    assert "5 objectives, 5 programmes, 15 workstreams, 5 critical decisions" in out
    rolled = ok("programme", "rollup", str(STP / "programme.yaml"), "--year", "2020/21", db=db)
    assert "10. CIPs & QIPPs" in rolled and "(130,447)" in rolled
    assert "Do-nothing + the workstreams − do-something = 0.000000" in rolled


def test_the_oversight_report_shows_the_fall_and_the_overdue_decision(db: Path) -> None:
    out = ok("programme", "status", "--month", "2017/18-M06", "--out", str(db.parent / "out"), db=db)
    assert "fell from amber to red in" in out  # urgent care's delivery confidence in July 2017 (2017/18-M04)
    assert "1 overdue decision; savings at stake 5,222 £'000 in 2020/21" in out
    assert (db.parent / "out" / "programme-2017-18-M06.html").is_file()
    assert (db.parent / "out" / "programme-2017-18-M06.xlsx").is_file()
    before = ok("programme", "status", "--month", "2017/18-M02", db=db)
    assert "No critical decision is overdue." in before


def test_importing_again_changes_nothing(db: Path) -> None:
    out = ok(
        "programme", "return", "import", str(GATEWAY / "epcc.yaml"), "--by", "steve.grange@stp.example", db=db
    )
    assert "0 new, 0 replaced, 77 unchanged" in out


def test_a_return_by_someone_not_an_owner_is_refused_and_nothing_recorded(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "returns.csv"
    file.write_text(
        "workstream,month,progress,confidence,assurance,note\n"
        "ws09_urgent_care,2017/18-M06,red,red,red,changed\n"
        "ws10_cip_qipp,2017/18-M06,red,red,red,not mine\n",
        encoding="utf-8",
    )
    message = refused("programme", "return", "import", str(file), "--by", "rob.lusuardi@stp.example", db=db)
    assert (
        f"{file}:3 workstream: rob.lusuardi@stp.example is not an owner of the workstream '10. CIPs & QIPPs'"
        in message
    )
    assert "changed" not in ok("programme", "status", "--month", "2017/18-M06", db=db)


def test_a_return_for_an_unknown_workstream_or_month_is_located(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "returns.yaml"
    rag = "confidence: red, assurance: red}"
    file.write_text(
        "returns:\n"
        f"  - {{workstream: ws09_urgent, month: 2017/18-M06, progress: red, {rag}\n"
        f"  - {{workstream: ws09_urgent_care, month: 2019/20-M01, progress: red, {rag}\n"
        f"  - {{workstream: ws09_urgent_care, month: 2017/18-M05, progress: pink, {rag}\n",
        encoding="utf-8",
    )
    message = refused("programme", "return", "import", str(file), "--by", "rob.lusuardi@stp.example", db=db)
    assert "1 problem" in message  # the shape first: 'pink' is not a RAG status
    assert f"{file}:4 returns[2].progress" in message
    file.write_text(file.read_text().replace("pink", "red"), encoding="utf-8")
    message = refused("programme", "return", "import", str(file), "--by", "rob.lusuardi@stp.example", db=db)
    assert f"{file}:2 returns[0].workstream: the programme has no workstream 'ws09_urgent'" in message
    assert f"{file}:3 returns[1].month: 2019/20-M01 is not a month of the programme" in message


def test_a_bad_programme_file_exits_2_located(tmp_path: Path) -> None:
    text = (STP / "programme.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "programme.yaml"
    bad.write_text(text.replace("lines: [estates]", "lines: [estates, cip]"), encoding="utf-8")
    message = refused(
        "programme", "check", str(bad), "--scenario", str(STP / "scenario.yaml"), db=tmp_path / "s.db"
    )
    assert "the plan line 'cip' is already in the workstream '10. CIPs & QIPPs'" in message
    assert f"{bad}:" in message


def test_status_for_a_month_outside_the_programme(db: Path) -> None:
    message = refused("programme", "status", "--month", "2019/20-M01", db=db)
    assert "--month 2019/20-M01: not a month of the programme" in message


def test_resourcing_prints_seed_003(tmp_path: Path) -> None:
    out = ok(
        "programme", "resourcing", str(EXAMPLES / "stockport-2017" / "programme.yaml"), db=tmp_path / "s.db"
    )
    for figure in ("3,224", "1,250", "3,452", "1,228", "1,971", "2,066", "1,185", "391"):
        assert figure in out


def test_the_shipped_gateway_returns_are_what_the_script_writes(tmp_path: Path) -> None:
    script = STP / "make_gateway_returns.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, capture_output=True, timeout=60)
    for name in DIRECTORS:
        assert (tmp_path / name).read_text(encoding="utf-8") == (GATEWAY / name).read_text(
            encoding="utf-8"
        ), name


def test_the_wrong_kind_of_file_and_a_rollup_with_no_workstreams(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    message = refused("programme", "check", str(EXAMPLES / "stockport-2017" / "scenario.yaml"), db=db)
    assert "this is a scenario" in message and "not a programme file" in message
    text = (EXAMPLES / "stockport-2017" / "programme.yaml").read_text(encoding="utf-8")
    resourcing_only = tmp_path / "programme.yaml"  # beside no scenario: the resourcing alone
    resourcing_only.write_text(
        text[: text.index("start:")] + text[text.index("resourcing:") :], encoding="utf-8"
    )
    scenario = str(EXAMPLES / "stockport-2017" / "scenario.yaml")
    message = refused("programme", "rollup", str(resourcing_only), "--scenario", scenario, db=db)
    assert "the programme has no objectives and workstreams to roll the plan up by" in message
    message = refused("run", str(STP / "programme.yaml"), db=db)
    assert "this is a programme file" in message
