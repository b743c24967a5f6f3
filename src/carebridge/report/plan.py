"""The report of a plan's run: the tidy CSV tables, ``report.xlsx``, ``report.html``, the bridges as PNG and
``run.json``, and the headline tables in the terminal.

The report reads a :class:`PlanReport`: the run's :class:`~carebridge.engine.Results` and the Green Book
appraisal of its schemes, computed once by whoever assembles the run (the command line, the web app) and
passed in; nothing here runs the engine or the appraisal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge.engine.appraisal import Appraisal
from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.excel import write_excel
from carebridge.report.html import run_page
from carebridge.report.plan_charts import all_charts
from carebridge.report.plan_demand import growth_split_table
from carebridge.report.plan_summary import SummaryNames, executive_summary, summary_html
from carebridge.report.plan_tables import (
    all_tables,
    do_nothing_gap,
    do_something_position,
    organisations,
    plan_line_ids,
    plan_years,
    statement_net,
    system_bridge,
)
from carebridge.report.png import write_bridge_pngs
from carebridge.report.provenance import Provenance
from carebridge.report.table import FormattedTable
from carebridge.report.terminal import rich_table
from carebridge.report.tidy import tidy_columns, write_tables

if TYPE_CHECKING:
    from rich.console import Console

RUN_FILE = "run.json"
EXCEL_FILE = "report.xlsx"
HTML_FILE = "report.html"


@dataclass(frozen=True)
class PlanReport:
    """What the report of a run reads: the results, and the appraisal of the schemes at the default
    parameters (3.5% discounting, no optimism bias; ``None`` when the plan has no schemes).
    ``carebridge appraise`` takes other parameters and shows the workings."""

    results: Results
    appraisal: Appraisal | None
    warnings: tuple[str, ...] = ()
    """What may be a mistake in the scenario but is not an error, located (``LoadedScenario.warnings``):
    shown on the page and in the workbook as the command line prints them."""


WorkbookStart = Callable[
    [Results, Path, Provenance, Sequence[FormattedTable], Sequence[str]], Callable[[], Path]
]
"""What writes the workbook of a run: given :func:`~carebridge.report.excel.write_excel`'s arguments, it
starts writing and returns what waits for the workbook to be written and gives its path (raising what
writing it raised)."""


def write_workbook_here(
    results: Results,
    path: Path,
    provenance: Provenance,
    tables: Sequence[FormattedTable],
    warnings: Sequence[str],
) -> Callable[[], Path]:
    """The workbook written in this process, before anything else of the report."""
    written = write_excel(results, path, provenance, tables, warnings)
    return lambda: written


def write_report(
    run: PlanReport,
    folder: Path,
    provenance: Provenance,
    workbook: WorkbookStart = write_workbook_here,
    meanwhile: Callable[[], object] | None = None,
) -> list[Path]:
    """Write the whole report of a run into ``folder``: the tidy CSV tables, ``report.xlsx``,
    ``report.html``, the bridge of the system and of each organisation as PNG, and ``run.json`` (the
    provenance and the files written). Returns the paths.

    ``workbook`` writes ``report.xlsx``: by default here, first; the command line may give it to a second
    process (:mod:`carebridge.cli.workbook_process`) that writes it while this one writes the rest, and
    ``meanwhile`` (the headlines the terminal shows, made ready) runs here once the rest is written, before
    waiting for the workbook."""
    results = run.results
    folder.mkdir(parents=True, exist_ok=True)
    tables = all_tables(results, run.appraisal)
    workbook_written = workbook(results, folder / EXCEL_FILE, provenance, tables, run.warnings)
    try:
        csvs, html, pngs = _write_the_rest(run, folder, provenance, tables)
        if meanwhile is not None:
            meanwhile()
    except BaseException:
        with suppress(
            Exception
        ):  # the workbook finished before the folder is left; its error is not this one
            workbook_written()
        raise
    written = [*csvs, workbook_written(), html, *pngs]
    run_file = folder / RUN_FILE
    record = {**asdict(provenance), "files": [path.name for path in [*written, run_file]]}
    run_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return [*written, run_file]


def _write_the_rest(
    run: PlanReport, folder: Path, provenance: Provenance, tables: Sequence[FormattedTable]
) -> tuple[list[Path], Path, list[Path]]:
    """The report but the workbook and ``run.json``: the CSV tables, the page and the PNGs, written."""
    results = run.results
    tidy = tidy_columns(results)
    csvs = write_tables(results, folder, tidy)
    summary = executive_summary(
        tidy["positions"],
        tidy["savings"],
        results.bridge_year,
        summary_names(results),
        [variant.name for variant in results.scenario.variants],
    )
    charts = all_charts(results, run.appraisal)
    page = run_page(results, provenance, tables, charts, summary_html(summary), run.warnings)
    html = folder / HTML_FILE
    html.write_text(page, encoding="utf-8")
    return csvs, html, write_bridge_pngs(results, folder)


def summary_names(results: Results) -> SummaryNames:
    """The printed names of the run's organisations, plan lines and schemes, for the executive summary."""
    return SummaryNames(
        {org: results.org_label(org) for org in organisations(results)},
        {line: results.position_label(line) for line in plan_line_ids(results)},
        {scheme: results.scheme_label(scheme) for scheme in results.schemes},
        results.org_label(SYSTEM),
    )


def headline_tables(results: Results) -> list[FormattedTable]:
    """The tables the terminal shows (Stockport Tables 1 and 3, the net line of Tables 6 and 8, and the
    bridge), and the do-nothing growth of the PODs that have a demographic part, split (docs/demand.md §3)."""
    split = growth_split_table(results, plan_years(results), only_demographic=True)
    return [
        do_nothing_gap(results),
        *([split] if split is not None else []),
        do_something_position(results),
        statement_net(results),
        system_bridge(results),
    ]


def print_headlines(results: Results, console: Console) -> None:
    """Print the headline tables of a run to ``console``."""
    for table in headline_tables(results):
        console.print(rich_table(table))
