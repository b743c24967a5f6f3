"""The Stockport example, run once for every report test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from ruamel.yaml import YAML

from carebridge.engine import Results, run
from carebridge.engine.appraisal import AppraisalParameters, appraise
from carebridge.report.plan import PlanReport, write_report
from carebridge.report.plan_tables import all_tables
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable
from carebridge.scenario.schema import Scenario

EXAMPLE = Path(__file__).parents[2] / "examples" / "stockport-2017" / "scenario.yaml"


@pytest.fixture
def example_data() -> dict[str, Any]:
    """The example scenario file as plain data, fresh for each test to change."""
    with EXAMPLE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = YAML(typ="safe").load(handle)
    return data


@pytest.fixture(scope="session")
def results() -> Results:
    with EXAMPLE.open(encoding="utf-8") as handle:
        return run(Scenario.model_validate(YAML(typ="safe").load(handle)))


@pytest.fixture(scope="session")
def report(results: Results) -> PlanReport:
    """The run as the report reads it: the results and their appraisal, computed once."""
    return PlanReport(results, appraise(results, AppraisalParameters()))


@pytest.fixture(scope="session")
def tables(report: PlanReport) -> dict[str, FormattedTable]:
    return {table.id: table for table in all_tables(report.results, report.appraisal)}


@pytest.fixture(scope="session")
def provenance(results: Results) -> Provenance:
    return Provenance.for_file(EXAMPLE, results.scenario.name, now=datetime(2017, 6, 30, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def folder(report: PlanReport, provenance: Provenance, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Stockport run report, written once for every test that reads it (none writes into it)."""
    out = tmp_path_factory.mktemp("report")
    write_report(report, out, provenance)
    return out


@pytest.fixture(scope="session")
def workbook(folder: Path) -> Workbook:
    """The run's workbook as a reader that does not calculate sees it: each total formula's cached value."""
    return load_workbook(folder / "report.xlsx", data_only=True)
