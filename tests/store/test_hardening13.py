"""Issue 13, the files the store reads and writes: a located error (exit 2) for a workbook with XML entities
or an entity bomb, a CSV value above the CSV reader's limit and a ``--db`` that is not a database (left as it
is); a risk linked to a scheme the plan does not have, and a "%" target of 195, are refused; user text in the
actuals template is written as text, never a formula."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from ruamel.yaml import YAML
from typer.testing import CliRunner

from carebridge import workbooks
from carebridge.cli import app
from carebridge.delivery.actuals_tables import ActualsFileError
from carebridge.delivery.baseline import PlanBaseline
from carebridge.scenario.excel.writer import write_workbook
from carebridge.scenario.loader import load_scenario
from carebridge.store import Store
from carebridge.store.actuals_files import read_actuals, write_template
from tests.conftest import EXAMPLES
from tests.store.helpers import PLAN, approve_stockport, counts

ENTITY = '<!DOCTYPE worksheet [<!ENTITY x "hello">]>'
BOMB = (
    "<!DOCTYPE worksheet ["
    + '<!ENTITY a0 "lol">'
    + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 10))
    + "]>"
)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: {result.exception}")
    return result.exit_code, result.stderr + result.stdout


def actuals_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "activity"
    sheet.append(["month", "pod", "provider", "activity"])
    sheet.append(["2018/19-M01", "ae", "sft", 100])
    book.save(path)
    return path


def with_doctype(source: Path, target: Path, member: str, doctype: str, value: str) -> Path:
    """``source`` with ``doctype`` before the root of part ``member``, and the cell value 100 as ``value``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as changed:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == member:
                text = data.decode("utf-8")
                if text.startswith("<?xml"):
                    text = text.split("?>", 1)[1]
                data = (doctype + text.replace("<v>100</v>", f"<v>{value}</v>")).encode("utf-8")
            changed.writestr(item, data)
    return target


@pytest.mark.parametrize(("doctype", "value"), [(ENTITY, "&x;"), (BOMB, "&a9;")], ids=["entity", "bomb"])
def test_an_actuals_workbook_with_xml_entities_is_a_located_error(
    tmp_path: Path, stockport_baseline: PlanBaseline, doctype: str, value: str
) -> None:
    path = with_doctype(
        actuals_workbook(tmp_path / "plain.xlsx"),
        tmp_path / "actuals.xlsx",
        "xl/worksheets/sheet1.xml",
        doctype,
        value,
    )
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(path, stockport_baseline)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path}: is not an Excel workbook that can be read: its part xl/worksheets/sheet1.xml declares XML "
        "entities (<!DOCTYPE …>), which Excel never writes and which are refused (they can expand without "
        "limit or read other files); save the workbook again from Excel"
    ]


@pytest.mark.parametrize(("doctype", "value"), [(ENTITY, "&x;"), (BOMB, "&a9;")], ids=["entity", "bomb"])
def test_a_scenario_workbook_with_xml_entities_is_a_located_error(
    tmp_path: Path, doctype: str, value: str
) -> None:
    plain = tmp_path / "plain.xlsx"
    code, output = invoke("convert", str(EXAMPLES / "stockport-2017" / "scenario.yaml"), str(plain))
    assert code == 0, output
    path = with_doctype(plain, tmp_path / "scenario.xlsx", "xl/workbook.xml", doctype, value)
    code, output = invoke("validate", str(path))
    assert code == 2, output
    assert f"{path}: its part xl/workbook.xml declares XML entities (<!DOCTYPE …>)" in output
    assert "ParseError" not in output and "unexpected error" not in output


def test_a_workbook_that_unpacks_too_far_is_refused(
    tmp_path: Path, stockport_baseline: PlanBaseline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 2_000_000)  # 200 MB in use: not written in a test
    path = actuals_workbook(tmp_path / "actuals.xlsx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * 3_000_000)
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(path, stockport_baseline)
    assert str(raised.value.problems[0]) == (
        f"{path}: is not an Excel workbook that can be read: the workbook unpacks to 3 MB; the largest "
        "read is 2 MB"
    )


def test_a_csv_value_above_the_field_limit_is_located(
    tmp_path: Path, stockport_baseline: PlanBaseline
) -> None:
    path = tmp_path / "activity.csv"
    path.write_text(
        "month,pod,provider,activity\n2018/19-M01,ae,sft,5307\n2018/19-M01,ae," + "x" * 140_000 + ",1497\n",
        encoding="utf-8",
    )
    with pytest.raises(ActualsFileError) as raised:
        read_actuals(path, stockport_baseline)
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path}, row 3, column provider: a value is longer than 131,072 characters; no value of a table of "
        "actuals is that long"
    ]


def test_the_command_says_so_with_exit_2(tmp_path: Path, stockport_baseline: PlanBaseline) -> None:
    db = tmp_path / "carebridge.db"
    with Store.open(str(db)) as store:
        approve_stockport(store, stockport_baseline)
        before = counts(store)
    path = tmp_path / "activity.csv"
    path.write_text(
        "month,pod,provider,activity\n2018/19-M01,ae,sft," + "9" * 140_000 + "\n", encoding="utf-8"
    )
    code, output = invoke("actuals", "import", str(path), "--plan", PLAN, "--db", str(db))
    assert code == 2, output
    assert f"{path}, row 2, column activity: a value is longer than 131,072 characters" in output
    with Store.open(str(db)) as store:
        assert counts(store) == before


@pytest.mark.parametrize(
    "content", [b"hello, this is a text file\n", b"\x89PNG\r\n\x1a\n" + bytes(100)], ids=["text", "png"]
)
def test_a_db_that_is_not_a_database_is_refused_and_left_as_it_is(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    code, output = invoke("risks", "list", "--db", str(path))
    assert code == 2, output
    assert f"store: {path} is not a CareBridge store: the file is not a SQLite database" in output
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_db_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    code, output = invoke("risks", "list", "--db", str(tmp_path))
    assert code == 2, output
    assert f"store: {tmp_path} is a folder; expected a store file" in output


def test_a_risk_on_a_scheme_the_plan_does_not_have_is_refused(
    tmp_path: Path, stockport_baseline: PlanBaseline
) -> None:
    db = tmp_path / "carebridge.db"
    with Store.open(str(db)) as store:
        approve_stockport(store, stockport_baseline)
        before = counts(store)
    text = (EXAMPLES / "delivery" / "risks.yaml").read_text(encoding="utf-8")
    old = "schemes: [intermediate_care, neighbourhood]"
    assert text.count(old) == 1
    path = tmp_path / "risks.yaml"
    path.write_text(text.replace(old, "schemes: [intermediate_care, acute_interfaze, transport]"), "utf-8")
    line = text[: text.index(old)].count("\n") + 1
    code, output = invoke("risks", "load", str(path), "--plan", PLAN, "--db", str(db))
    assert code == 2, output
    assert (
        f"{path}:{line} risks[2].schemes[1]: 'acute_interfaze' is not a scheme of plan '{PLAN}'; did you "
        "mean 'acute_interface'?; expected one of: acute_interface, intermediate_care, neighbourhood, "
        "outpatients"
    ) in output
    assert (
        f"{path}:{line} risks[2].schemes[2]: 'transport' is not a scheme of plan '{PLAN}'; expected" in output
    )
    assert "'transport' is not a scheme of plan" in output and "did you mean 'outpatients'" not in output
    with Store.open(str(db)) as store:
        assert counts(store) == before
    code, output = invoke(
        "risks", "load", str(EXAMPLES / "delivery" / "risks.yaml"), "--plan", PLAN, "--db", str(db)
    )
    assert code == 0, output


def test_a_percentage_target_above_100_is_refused(tmp_path: Path) -> None:
    text = (EXAMPLES / "delivery" / "targets.yaml").read_text(encoding="utf-8")
    old = "    target: 95\n    target_month: 2017/18-M12"
    assert text.count(old) == 1
    path = tmp_path / "targets.yaml"
    path.write_text(text.replace(old, "    target: 195\n    target_month: 2017/18-M12"), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    code, output = invoke("targets", "load", str(path), "--db", str(tmp_path / "carebridge.db"))
    assert code == 2, output
    assert (
        f"{path}:{line} targets[0].target: expected a percentage from 0 to 100 (the unit is '%'); found 195"
    ) in output


FORMULAS = ('=HYPERLINK("http://example.com","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1")


def formula_cells(path: Path) -> list[str]:
    book = load_workbook(path)
    return [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_ids_that_look_like_formulas_stay_text_in_the_actuals_template(
    tmp_path: Path, stockport_baseline: PlanBaseline
) -> None:
    """Ids are checked to be plain words when a plan is approved; the template writes them as text all the
    same, so that a store written by another version cannot put a live formula in a user's spreadsheet."""
    schemes = tuple(
        dataclasses.replace(scheme, id=FORMULAS[index % len(FORMULAS)])
        for index, scheme in enumerate(stockport_baseline.schemes)
    )
    baseline = dataclasses.replace(stockport_baseline, schemes=schemes)
    [path] = write_template(tmp_path / "template.xlsx", baseline, "2018/19")
    assert formula_cells(path) == []
    book = load_workbook(path)
    spend = [row[1] for row in book["spend"].iter_rows(min_row=2, values_only=True)]
    assert set(spend) == {scheme.id for scheme in schemes}


def test_names_that_look_like_formulas_stay_text_in_the_scenario_workbook(tmp_path: Path) -> None:
    """``carebridge convert`` writes a scheme or POD named ``=…`` as that name, never a formula, and reads it
    back as written."""
    text = (EXAMPLES / "stockport-2017" / "scenario.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    for index, scheme in enumerate(data["schemes"]):
        scheme["name"] = FORMULAS[index % len(FORMULAS)]
    data["description"] = FORMULAS[3]
    path = write_workbook(data, tmp_path / "scenario.xlsx")
    assert formula_cells(path) == []
    loaded = load_scenario(path).scenario
    assert [scheme.name for scheme in loaded.schemes] == [scheme["name"] for scheme in data["schemes"]]
    assert loaded.description == FORMULAS[3]
