"""The delivery commands end to end, as a user runs them: approve, import, FEWS, the pack; mistakes exit 2
with a located message and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import EXAMPLES, STOCKPORT, skip_for_missing
from tests.store.backends import postgres_base

pytestmark = pytest.mark.e2e
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
PLAN = "June 2017 business cases"


def carebridge(*args: str, db: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("carebridge")), *args]
    environment = {**os.environ, "CAREBRIDGE_DB": db, "CAREBRIDGE_USER": "board.secretary", "COLUMNS": "160"}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=environment, timeout=120)


def load_example(db: str, cwd: Path) -> str:
    """Approve the Stockport plan, import the example's actuals, agree the FEWS settings; return the store."""
    done = carebridge("plan", "approve", str(STOCKPORT), "--name", PLAN, db=db, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert f"Approved '{PLAN}' version 1" in done.stdout
    files = [str(p) for p in sorted(ACTUALS.glob("*.csv"))]
    done = carebridge("actuals", "import", *files, db=db, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "milestones.csv: imported" in done.stdout
    settings = carebridge("fews", "settings", "--basis", "cost", "--loss-threshold", "500", db=db, cwd=cwd)
    assert settings.returncode == 0, settings.stderr
    return db


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A SQLite store with the example loaded, shared by the tests that leave it as it is."""
    folder = tmp_path_factory.mktemp("cli")
    return load_example(str(folder / "carebridge.db"), folder), folder


def test_plans_are_versioned_and_listed(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    again = carebridge("plan", "approve", str(STOCKPORT), "--name", PLAN, db=db, cwd=folder)
    assert f"'{PLAN}' version 1 already holds this scenario" in again.stdout
    assert "nothing changed" in again.stdout
    listed = carebridge("plan", "list", db=db, cwd=folder)
    assert PLAN in listed.stdout and "board.secretary" in listed.stdout


def test_the_approver_is_who_the_by_option_names(tmp_path: Path) -> None:
    db = str(tmp_path / "carebridge.db")
    args = ("plan", "approve", str(STOCKPORT), "--name", PLAN)
    blank = carebridge(*args, "--by", " ", db=db, cwd=tmp_path)
    assert blank.returncode == 2 and "--by: give who approves" in blank.stderr
    done = carebridge(*args, "--by", "finance.director@ccg.test", db=db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = carebridge("plan", "list", db=db, cwd=tmp_path)
    assert "finance.director@ccg.test" in listed.stdout and "board.secretary" not in listed.stdout


def test_importing_again_changes_nothing(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    done = carebridge("actuals", "import", str(ACTUALS / "spend.csv"), db=db, cwd=folder)
    assert done.returncode == 0
    assert "spend.csv: nothing changed (imported before)" in done.stdout


def test_a_bad_file_exits_2_with_every_problem_located(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    bad = folder / "bad.csv"
    bad.write_text(
        "month,pod,provider,activity\n2018/19-M01,ae,sft,-5\n2018/19-M14,xx,,3\n", encoding="utf-8"
    )
    done = carebridge("actuals", "import", str(bad), db=db, cwd=folder)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "3 problems in the actuals; nothing was imported" in done.stderr
    assert "bad.csv, row 2, column activity: expected a number 0 or more, found -5" in done.stderr
    assert "bad.csv, row 3, column month" in done.stderr and "bad.csv, row 3, column pod" in done.stderr


def test_fews_prints_the_status_and_writes_its_report(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    done = carebridge("fews", "--month", "2018/19-M07", "--out", "fews", db=db, cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "RED" in done.stdout and "TRIGGERED" in done.stdout
    assert (folder / "fews" / "fews-2018-19-M07.html").is_file()
    assert "Outpatients" in (folder / "fews" / "fews-2018-19-M07.csv").read_text(encoding="utf-8")
    early = carebridge("fews", "--month", "2018/19-M01", "--out", "fews", db=db, cwd=folder)
    assert early.returncode == 0, early.stderr
    assert "GREEN" in early.stdout and "Not triggered" in early.stdout


def test_the_spc_options_redraw_the_packs_charts(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    plain = carebridge("report", "delivery", "--month", "2018/19-M10", "--out", "plain", db=db, cwd=folder)
    assert plain.returncode == 0, plain.stderr
    options = ("--spc-rebase", "2018/19-M05", "--spc-baseline", "3", "--spc-screen")
    rebased = carebridge(
        "report", "delivery", "--month", "2018/19-M10", "--out", "rebased", *options, db=db, cwd=folder
    )
    assert rebased.returncode == 0, rebased.stderr

    def centres(out: str) -> list[object]:
        sheet = load_workbook(folder / out / "delivery-2018-19-M10.xlsx", read_only=True)["SPC"]
        return [row[3] for row in sheet.iter_rows(min_row=5, values_only=True)]

    assert centres("plain") != centres("rebased")
    bad = carebridge("fews", "--month", "2018/19-M10", "--spc-rebase", "May", db=db, cwd=folder)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--spc-rebase: " in bad.stderr
    short = carebridge("fews", "--spc-baseline", "1", db=db, cwd=folder)
    assert short.returncode == 2 and "--spc-baseline" in short.stderr


def test_templates_in_excel_and_csv(workspace: tuple[str, Path]) -> None:
    db, folder = workspace
    args = ("actuals", "template", "actuals.xlsx", "--plan", PLAN, "--year", "2018/19")
    done = carebridge(*args, db=db, cwd=folder)
    assert done.returncode == 0, done.stderr
    workbook = load_workbook(folder / "actuals.xlsx", read_only=True)
    assert workbook.sheetnames == ["README", "activity", "spend", "milestones", "forecast", "profile"]
    csv = carebridge("actuals", "template", "month.csv", db=db, cwd=folder)
    assert csv.returncode == 0
    assert (
        (folder / "month-activity.csv").read_text(encoding="utf-8").startswith("month,pod,provider,activity")
    )
    blank = carebridge("actuals", "import", "actuals.xlsx", db=db, cwd=folder)
    assert blank.returncode == 2
    assert "actuals.xlsx: no row has a value: nothing to import" in blank.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fews", "--month", "2018/19-M13"), "--month: '2018/19-M13': the month number must be M01"),
        (("fews", "--plan", "June"), "no plan called 'June'"),
        (("fews", "settings", "--activity", "0.8,0.9"), "expected red no higher than amber"),
        (("plan", "share", "--gain", "ccg=1/2"), "the shares add up to 0.5"),
        (("actuals", "import", "missing.csv"), "missing.csv: no such file"),
    ],
)
def test_mistakes_exit_2_without_a_traceback(
    workspace: tuple[str, Path], args: tuple[str, ...], message: str
) -> None:
    db, folder = workspace
    done = carebridge(*args, db=db, cwd=folder)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


def test_the_delivery_pack_is_one_html_page_and_one_workbook(tmp_path: Path) -> None:
    db = load_example(str(tmp_path / "carebridge.db"), tmp_path)
    for args in (
        ("plan", "share", "--gain", "ccg=1/3", "--gain", "smbc=1/3", "--gain", "providers=1/3"),
        (
            *("fews", "action", "Defer outpatient investment", "--amount", "400", "--owner", "sft"),
            *("--month", "2018/19-M09", "--category", "defer_investment", "--scheme", "outpatients"),
        ),
    ):
        done = carebridge(*args, db=db, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    done = carebridge("report", "delivery", "--month", "2018/19-M10", "--out", "pack", db=db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "pack" / "delivery-2018-19-M10.html").read_text(encoding="utf-8")
    assert "<script src=" not in page and "Plotly.newPlot" in page
    for expected in (
        "Risk and gain share settlement, forecast 2018/19",
        "Defer outpatient investment",
        "TRIGGERED",
    ):
        assert expected in page
    workbook = load_workbook(tmp_path / "pack" / "delivery-2018-19-M10.xlsx", read_only=True)
    assert workbook.sheetnames[0] == "About" and len(workbook.sheetnames) >= 12


@pytest.mark.slow
def test_the_commands_run_on_postgresql(tmp_path: Path) -> None:
    base = postgres_base()
    if base is None:
        skip_for_missing("PostgreSQL")
    schema = f"cli_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        db = load_example(url.render_as_string(hide_password=False), tmp_path)
        done = carebridge("fews", "--month", "2018/19-M07", "--out", "fews", db=db, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "TRIGGERED" in done.stdout
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_every_command_has_an_example(tmp_path: Path) -> None:
    commands = [
        ("plan",),
        ("plan", "approve"),
        ("plan", "list"),
        ("plan", "share"),
        ("actuals", "import"),
        ("actuals", "template"),
        ("fews",),
        ("fews", "settings"),
        ("fews", "action"),
        ("report", "delivery"),
    ]
    for args in commands:
        done = carebridge(*args, "--help", db=str(tmp_path / "never-opened.db"), cwd=tmp_path)
        assert done.returncode == 0 and "Example:" in done.stdout, args
    assert not (tmp_path / "never-opened.db").exists()
