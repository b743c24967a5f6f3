"""``carebridge run``'s workbook written by a second process: the same files, byte for byte but the
workbook's time of writing, as the report written in one process; an error in the child raised in the
parent; and no child left behind. Each checked in a fresh interpreter (one thread, as the command starts)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from carebridge.cli.workbook_process import can_fork
from tests.conftest import STOCKPORT

PREAMBLE = f"""
import os, zipfile
from pathlib import Path
from carebridge.cli.workbook_process import WorkbookProcess
from carebridge.report.plan import PlanReport, write_report
from carebridge.report.provenance import Provenance
from carebridge.usecases.appraisal import default_appraisal
from carebridge.usecases.planning import load, run

scenario = Path({str(STOCKPORT)!r})
results = run(load(scenario))
report = PlanReport(results, default_appraisal(results), ("a warning, located",))
provenance = Provenance.for_file(scenario, results.scenario.name)
"""

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork, or a single core: one process writes all")


def python(code: str) -> str:
    command = [sys.executable, "-c", PREAMBLE + textwrap.dedent(code)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_report_written_with_a_second_process_is_the_report_written_in_one(tmp_path: object) -> None:
    printed = python(
        f"""
        out = Path({str(tmp_path)!r})
        with WorkbookProcess() as workbook:
            assert workbook.forked
            two = write_report(report, out / "two", provenance, workbook.start)
        one = write_report(report, out / "one", provenance)
        assert [path.name for path in one] == [path.name for path in two], (one, two)
        for a, b in zip(one, two):
            if a.suffix != ".xlsx":
                assert a.read_bytes() == b.read_bytes(), a.name
                continue
            with zipfile.ZipFile(a) as first, zipfile.ZipFile(b) as second:
                assert first.namelist() == second.namelist()
                for name in first.namelist():
                    if name != "docProps/core.xml":  # when the workbook was written
                        assert first.read(name) == second.read(name), name
        try:
            os.waitpid(-1, os.WNOHANG)
            left = "a child left"
        except ChildProcessError:
            left = "no child left"
        print(len(two), two[7].name, left)
        """
    )
    assert printed == "15 report.xlsx no child left"


def test_a_workbook_that_cannot_be_written_fails_in_the_parent_as_in_one_process(tmp_path: object) -> None:
    printed = python(
        f"""
        folder = Path({str(tmp_path)!r})
        (folder / "report.xlsx").mkdir()  # a folder where the workbook goes
        with WorkbookProcess() as workbook:
            try:
                write_report(report, folder, provenance, workbook.start)
            except OSError as error:
                print(type(error).__name__)
        try:
            write_report(report, folder, provenance)
        except OSError as error:
            print(type(error).__name__)
        """
    )
    assert printed == "IsADirectoryError\nIsADirectoryError"


def test_leaving_before_the_report_stops_the_child_and_reaps_it() -> None:
    printed = python(
        """
        with WorkbookProcess() as workbook:
            child = workbook._pid
            assert child is not None
        try:
            os.waitpid(child, 0)
        except ChildProcessError:
            print("reaped")
        """
    )
    assert printed == "reaped"
