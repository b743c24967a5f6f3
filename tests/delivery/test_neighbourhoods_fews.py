"""The neighbourhood set inside the FEWS: the utilisation imported into the store (all or nothing, located
errors, the audit log), then shown by ``carebridge fews`` and the delivery pack, every count under
disclosure control (the web page: tests/web/test_neighbourhoods_fews_page.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from carebridge.cli import app
from carebridge.store import Store
from carebridge.store.models import AuditEntry, NeighbourhoodUtilisation
from carebridge.usecases.neighbourhoods import import_utilisation
from tests.conftest import EXAMPLES, STOCKPORT

FOLDER = EXAMPLES / "stockport-2017" / "neighbourhoods"
NEIGHBOURHOODS = FOLDER / "neighbourhoods.yaml"
UTILISATION = FOLDER / "utilisation.csv"
ACTUALS = EXAMPLES / "stockport-2017" / "actuals"
PLAN = "June 2017 business cases"


def run(db: Path, *args: str) -> Result:
    return CliRunner(env={"CAREBRIDGE_DB": str(db), "COLUMNS": "200"}).invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the Stockport plan, its actuals and the neighbourhoods' utilisation."""
    path = tmp_path_factory.mktemp("neighbourhoods-fews") / "carebridge.db"
    assert run(path, "plan", "approve", str(STOCKPORT), "--name", PLAN).exit_code == 0
    done = run(path, "actuals", "import", *(str(p) for p in sorted(ACTUALS.glob("*.csv"))))
    assert done.exit_code == 0, done.output
    done = run(path, "neighbourhoods", "import", str(NEIGHBOURHOODS), str(UTILISATION))
    assert done.exit_code == 0, done.output
    assert "added to the store" in done.output and "192 new, 0 replaced, 0 unchanged" in done.output
    return path


def neighbourhood_lines(output: str) -> dict[str, str]:
    return {
        name: line
        for line in output.splitlines()
        if line.startswith("Neighbourhoods ")
        for name in ("Stockport Central", "Cheadle", "Marple")
        if f" {name} " in line
    }


def test_carebridge_fews_shows_the_neighbourhood_set_and_stockport_central_falling_behind(db: Path) -> None:
    march = run(db, "fews", "--month", "2018/19-M12", "--out", str(db.parent / "out"))
    assert march.exit_code == 0, march.output
    assert re.search(r"Neighbourhood case management\s*│\s*RED", march.output)
    lines = neighbourhood_lines(march.output)
    assert " RED " in lines["Stockport Central"] and "a 7% reduction against 20% planned" in march.output
    assert " GREEN " in lines["Cheadle"] and " GREEN " in lines["Marple"]
    september = run(db, "fews", "--month", "2018/19-M06", "--out", str(db.parent / "out"))
    assert " AMBER " in neighbourhood_lines(september.output)["Stockport Central"]
    assert re.search(r"Neighbourhood case management\s*│\s*AMBER", september.output)


def test_every_count_of_admissions_avoided_is_controlled(db: Path) -> None:
    done = run(db, "fews", "--month", "2018/19-M12", "--out", str(db.parent / "out"))
    for line in neighbourhood_lines(done.output).values():
        cells = line.split("  ")
        counts = [c.strip() for c in cells if re.fullmatch(r"\s*[\d,]+\s*", c)]
        assert all(int(c.replace(",", "")) >= 10 and int(c.replace(",", "")) % 5 == 0 for c in counts), line
    csv = (db.parent / "out" / "fews-2018-19-M12.csv").read_text(encoding="utf-8")
    for row in csv.splitlines():
        if row.startswith("Neighbourhood case management"):
            planned, achieved = row.split(",")[2:4]
            for value in (planned, achieved):
                assert value == "" or (float(value) >= 10 and float(value) % 5 == 0), row


def test_the_delivery_pack_shows_the_neighbourhood_set(db: Path) -> None:
    out = db.parent / "pack"
    done = run(db, "report", "delivery", "--month", "2018/19-M12", "--out", str(out))
    assert done.exit_code == 0, done.output
    page = (out / "delivery-2018-19-M12.html").read_text(encoding="utf-8")
    status = page[page.index("Neighbourhood case management") :][:300]
    assert "rag-red" in status
    central = page[page.index("Stockport Central</td>") :][:400]
    assert "RED" in central and "a 7% reduction against 20% planned" in central


def test_a_bad_row_imports_nothing_and_is_located(tmp_path: Path) -> None:
    bad = tmp_path / "utilisation.csv"
    lines = UTILISATION.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("enrolled", "enroled")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "carebridge.db"
    done = run(store, "neighbourhoods", "import", str(NEIGHBOURHOODS), str(bad))
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert f"{bad}:6 group" in done.output and "'enroled'; expected enrolled or comparison" in done.output
    with Store.open(str(store)) as opened, opened.session() as session:
        assert session.scalars(select(NeighbourhoodUtilisation)).first() is None


def test_a_second_import_replaces_changed_counts_and_is_audited(tmp_path: Path) -> None:
    changed = tmp_path / "utilisation.csv"
    lines = UTILISATION.read_text(encoding="utf-8").splitlines()
    month, name, group, patients, _ = lines[1].split(",")
    lines[1] = ",".join((month, name, group, patients, "7"))
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(str(tmp_path / "carebridge.db"), actor="tests") as store:
        first = import_utilisation(store, NEIGHBOURHOODS, UTILISATION)
        again = import_utilisation(store, NEIGHBOURHOODS, UTILISATION)
        second = import_utilisation(store, NEIGHBOURHOODS, changed)
        assert (first.inserted, again.changed) == (192, False)
        assert (second.inserted, second.updated, second.unchanged) == (0, 1, 191)
        with store.session() as session:
            entries = session.scalars(
                select(AuditEntry).where(AuditEntry.entity == "neighbourhood_utilisation")
            ).all()
    assert [entry.entity_key for entry in entries] == [str(UTILISATION), str(changed)]


def test_a_file_with_no_effect_on_emergency_admissions_is_refused(tmp_path: Path) -> None:
    text = NEIGHBOURHOODS.read_text(encoding="utf-8")
    no_nel = tmp_path / "neighbourhoods.yaml"
    no_nel.write_text(text.replace("- {pod: nel, measure: nel, deflection: 0.2}", ""), encoding="utf-8")
    done = run(tmp_path / "carebridge.db", "neighbourhoods", "import", str(no_nel), str(UTILISATION))
    assert done.exit_code == 2 and "no effect on nel" in done.output and str(no_nel) in done.output
