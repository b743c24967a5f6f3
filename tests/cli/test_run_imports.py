"""What ``carebridge run`` imports: the report of a run is written from numpy views of the results, so the
command's process never imports pandas, xarray or pyarrow (the workbook's openpyxl is imported by the second
process that writes it, where there is one; Matplotlib nowhere). Checked on the modules of a fresh
interpreter that ran the command on Stockport, read as it exits."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from carebridge.cli.workbook_process import can_fork
from tests.conftest import STOCKPORT

REPORT_MODULES = [
    "carebridge.cli.plan",
    "carebridge.cli.workbook_process",
    "carebridge.report.plan",
    "carebridge.report.tidy",
    "carebridge.report.plan_summary",
    "carebridge.report.plan_charts",
    "carebridge.report.png",
    "carebridge.report.html",
    "carebridge.report.html_table",
    "carebridge.report.provenance",
    "carebridge.report.excel",
]
"""The modules that write the report of ``carebridge run``."""

LABELLED = ["pandas", "xarray", "pyarrow", "scipy"]
"""Libraries of labelled and statistical arrays the command must not need."""


@pytest.fixture(scope="module")
def run_modules(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The top-level and carebridge modules of the process that ran ``carebridge run STOCKPORT -q``."""
    folder = tmp_path_factory.mktemp("run_imports")
    listing = folder / "modules.json"
    code = f"""
        import json, sys
        from carebridge.cli import main
        sys.argv = ["carebridge", "run", {str(STOCKPORT)!r}, "--out", {str(folder / "out")!r}, "-q"]
        try:
            main()
        except SystemExit as done:
            assert not done.code, done.code
        with open({str(listing)!r}, "w", encoding="utf-8") as file:
            json.dump(sorted(sys.modules), file)
    """
    command = [sys.executable, "-c", textwrap.dedent(code)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "Wrote 15 files" in done.stdout
    assert (folder / "out" / "report.xlsx").is_file()
    return set(json.loads(listing.read_text(encoding="utf-8")))


def test_the_report_is_written_by_its_own_modules(run_modules: set[str]) -> None:
    assert [name for name in REPORT_MODULES if name not in run_modules] == []


def test_no_matplotlib_and_the_workbook_imported_by_the_second_process(run_modules: set[str]) -> None:
    assert "matplotlib" not in run_modules
    if can_fork():
        assert "openpyxl" not in run_modules


def test_no_pandas_xarray_pyarrow_or_scipy(run_modules: set[str]) -> None:
    assert [name for name in LABELLED if name in run_modules] == []


def test_the_report_modules_import_no_labelled_arrays() -> None:
    """The report's own modules name none of those libraries at module level."""
    source = Path(__file__).resolve().parents[2] / "src"
    found = []
    for name in REPORT_MODULES:
        path = source / (name.replace(".", "/") + ".py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            words = line.split()
            if line.startswith(("import ", "from ")) and words[1].split(".")[0] in LABELLED:
                found.append(f"{path.name}:{number}: {line}")
    assert found == []
