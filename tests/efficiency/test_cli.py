"""The efficiency and returns commands as a user runs them: load, template, import (late flagged, the same
file twice changing nothing), status; every mistake a located message and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from carebridge.cli import app
from tests.efficiency.programme import PROGRAMME, write_programme

IE = """organisation,month,category,plan,actual,forecast
north,2017/18-M01,clinical_income,1000,1000,12000
north,2017/18-M01,pay,1100,1150,13600
"""


def run(db: Path, *args: str) -> tuple[int, str]:
    done = CliRunner(env={"CAREBRIDGE_DB": str(db), "CAREBRIDGE_USER": "finance.lead"}).invoke(
        app, list(args)
    )
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    return done.exit_code, done.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    store = tmp_path / "carebridge.db"
    code, output = run(store, "efficiency", "load", str(write_programme(tmp_path)))
    assert code == 0 and "loaded 'Test system CIP 2017/18'" in output and "unidentified 300" in output
    return store


def test_import_then_status(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "north.csv"
    path.write_text(IE, encoding="utf-8")
    code, output = run(db, "returns", "import", str(path), "--org", "north", "--submitted", "2017-05-19")
    assert code == 0, output
    assert "2 new" in output and "late: North Hospital 2017/18-M01 came 2017-05-19, due 2017-05-17" in output
    code, output = run(db, "returns", "import", str(path), "--submitted", "2017-05-19")
    assert code == 0 and "nothing changed" in output
    code, output = run(db, "efficiency", "status", "--month", "2017/18-M01")
    assert code == 0, output
    assert "North Hospital" in output and "System" in output and "1 returns, 1 late" in output
    assert "North Hospital: unidentified gap" in output


def test_the_template_is_written(db: Path, tmp_path: Path) -> None:
    code, output = run(
        db, "returns", "template", str(tmp_path / "r.xlsx"), "--org", "south", "--month", "2017/18-M03"
    )
    assert code == 0 and "wrote" in output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["efficiency", "status", "--month", "2018/19-M01"],
            "2018/19-M01 is not a month of the programme's year",
        ),
        (["efficiency", "status", "--programme", "Other"], "no efficiency programme 'Other'"),
        (["returns", "template", "x.xlsx", "--org", "east"], "unknown organisation 'east'"),
        (["returns", "template", "x.pdf"], "expected a .csv or .xlsx file name"),
        (
            ["returns", "import", "IE", "--org", "south"],
            "row 2, column organisation: the row is North Hospital's",
        ),
        (["returns", "import", "IE", "--submitted", "May"], "--submitted: 'May' is not a date"),
        (["returns", "import", "missing.csv"], "missing.csv: no such file"),
    ],
)
def test_mistakes_exit_2_with_a_located_message(
    db: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    path = tmp_path / "north.csv"
    path.write_text(IE, encoding="utf-8")
    given = [
        str(path) if a == "IE" else str(tmp_path / a) if a.endswith((".xlsx", ".pdf", ".csv")) else a
        for a in args
    ]
    code, output = run(db, *given)
    assert code == 2 and words in output, output


def test_a_bad_programme_exits_2_with_its_line(tmp_path: Path) -> None:
    path = write_programme(tmp_path)
    bad = PROGRAMME.replace("    phasing: [0, 0, 0, 50, 50, 50, 50, 50, 50, 0, 0, 0]", "    phasing: [1, 2]")
    path.write_text(bad, encoding="utf-8")
    code, output = run(tmp_path / "db.db", "efficiency", "load", str(path))
    assert code == 2 and "programme.yaml:33 schemes[1].phasing: expected 12 months" in output, output
