"""Programmes and returns in the store: loading, importing (atomic, idempotent, late returns flagged), the
located errors of a bad file, and the Excel template the tool writes read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from carebridge.delivery.efficiency import load_programme
from carebridge.delivery.months import Month
from carebridge.delivery.returns import ReturnsFileError
from carebridge.store import Store
from carebridge.store.efficiency import (
    import_returns,
    read_returns,
    read_stored,
    resolve_programme,
    save_programme,
    write_template,
)
from carebridge.store.models import AuditEntry, MonitoringReturn, ReturnIncomeExpenditure
from tests.efficiency.programme import write_programme

NAME = "Test system CIP 2017/18"
IE = """organisation,month,category,plan,actual,forecast
north,2017/18-M01,clinical_income,1000,1000,12000
north,2017/18-M01,pay,1100,1150,13600
south,2017/18-M01,pay,950,950,
"""
DELIVERED = """organisation,month,scheme,recurrent,non_recurrent
north,2017/18-M01,north_agency,50,0
south,2017/18-M01,south_procure,50,
"""


def loaded(store: Store, folder: Path) -> None:
    programme, definition = load_programme(write_programme(folder))
    assert save_programme(store, programme, definition, "sha")
    assert not save_programme(store, programme, definition, "sha")  # the same file again: nothing


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_is_idempotent_and_flags_a_late_return(store: Store, tmp_path: Path) -> None:
    loaded(store, tmp_path)
    programme = read_stored(store, NAME)[0]
    due = dt.date(2017, 5, 17)
    file = read_returns(write(tmp_path, "ie.csv", IE), programme)
    outcome = import_returns(store, NAME, file, due + dt.timedelta(days=1))
    assert (outcome.inserted, outcome.updated, outcome.new_returns) == (3, 0, 2)
    assert all(f.late and f.due == due for f in outcome.returns)
    again = import_returns(store, NAME, file, due)
    assert not again.changed
    with store.session() as session:
        imports = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import")
        )
        assert imports == 1
    changed = read_returns(write(tmp_path, "ie2.csv", IE.replace("1100,1150", "1100,1170")), programme)
    third = import_returns(store, NAME, changed, due + dt.timedelta(days=9))
    assert (third.inserted, third.updated, third.new_returns) == (0, 1, 0)
    assert all(
        f.submitted == due + dt.timedelta(days=1) for f in third.returns
    )  # the first submission counts
    delivered = read_returns(write(tmp_path, "eff.csv", DELIVERED), programme)
    assert import_returns(store, NAME, delivered, due).inserted == 2
    _, stored = read_stored(store, NAME)
    assert sorted(r.actual for r in stored.income_expenditure) == [950, 1000, 1170]
    assert sum(d.recurrent for d in stored.efficiency) == 100
    assert resolve_programme(store, None) == NAME


BAD = [
    ("nowhere,2017/18-M01,pay,1,1,", "row 2, column organisation: unknown organisation 'nowhere'"),
    ("north,2018/19-M01,pay,1,1,", "row 2, column month: 2018/19-M01 is not in the programme's year 2017/18"),
    ("north,2017/18-M13,pay,1,1,", "row 2, column month"),
    ("north,2017/18-M01,salaries,1,1,", "row 2, column category: unknown category 'salaries'"),
    ("north,2017/18-M01,pay,1,-5,", "row 2, column actual: expected a number 0 or more, found -5"),
    ("north,2017/18-M01,pay,1,1,\nnorth,2017/18-M01,pay,2,2,", "row 3: repeats row 2"),
]


@pytest.mark.parametrize(("row", "words"), BAD)
def test_a_bad_row_is_located_and_nothing_is_imported(
    store: Store, tmp_path: Path, row: str, words: str
) -> None:
    loaded(store, tmp_path)
    programme = read_stored(store, NAME)[0]
    path = write(tmp_path, "bad.csv", "organisation,month,category,plan,actual,forecast\n" + row + "\n")
    with pytest.raises(ReturnsFileError) as raised:
        read_returns(path, programme)
    assert f"bad.csv, {words}" in str(raised.value), str(raised.value)


def test_a_file_of_another_organisation_is_refused_for_one_organisation(store: Store, tmp_path: Path) -> None:
    loaded(store, tmp_path)
    programme = read_stored(store, NAME)[0]
    with pytest.raises(ReturnsFileError) as raised:
        read_returns(write(tmp_path, "ie.csv", IE), programme, only="south")
    message = str(raised.value)
    assert "row 2, column organisation: the row is North Hospital's return, not South Trust's" in message
    assert "row 4" not in message


def test_the_excel_template_filled_in_imports(store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    loaded(store, tmp_path)
    programme = read_stored(store, NAME)[0]
    path = write_template(tmp_path / "return.xlsx", programme, "south", Month(2017, 2))[0]
    workbook = load_workbook(path)
    sheet = workbook["income_expenditure"]
    assert [c.value for c in sheet[1]] == ["organisation", "month", "category", "plan", "actual", "forecast"]
    for row in sheet.iter_rows(min_row=2):
        row[3].value, row[4].value = 10, 12
    workbook["efficiency"]["D2"] = -1
    workbook["risks"].append(["south", "2017/18-M02", "activity", "risk", "", 10, 20, 30])
    workbook.save(path)
    with pytest.raises(ReturnsFileError) as raised:
        read_returns(path, programme, only="south")
    assert "sheet efficiency, row 2, column recurrent: expected a number 0 or more" in str(raised.value)
    workbook["efficiency"]["D2"] = 40
    workbook.save(path)
    outcome = import_returns(store, NAME, read_returns(path, programme, only="south"), dt.date(2017, 6, 1))
    assert outcome.inserted == 7 + 1 + 1 and not outcome.returns[0].late
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(ReturnIncomeExpenditure)) == 7
        assert session.scalar(select(MonitoringReturn.due)) == dt.date(2017, 6, 16)  # May ends on a Wednesday
