"""Excel scenarios and programmes: ``carebridge template`` (a blank workbook) and ``carebridge convert``
(YAML ⇄ Excel).

``carebridge run`` and ``carebridge validate`` read a scenario workbook as they read YAML, and ``carebridge
programme check`` a programme workbook (the loaders dispatch on the file's suffix).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from carebridge.cli.app import app, fail

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
YAML_SUFFIXES = (".yaml", ".yml")
T = TypeVar("T")
TEMPLATE_YEARS = 4
"""Years after the base year that a template's year columns run to by default."""


@app.command("template")
def template_command(
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).", show_default=False)],
    base_year: Annotated[
        str | None,
        typer.Option(
            "--base-year", "-b", help="First year, e.g. 2025/26 [default: the current financial year]."
        ),
    ] = None,
    end_year: Annotated[
        str | None,
        typer.Option("--end-year", "-e", help="Last year [default: four years after the base year]."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace FILE if it exists.")] = False,
    programme: Annotated[
        bool,
        typer.Option(
            "--programme",
            help="Write a blank programme workbook instead: objectives, programmes, workstreams, milestones, "
            "critical decisions and resourcing (the programme beside the plan).",
        ),
    ] = False,
) -> None:
    """Write a blank scenario workbook for a finance team to fill in.

    An Instructions sheet (how to fill it in, the sign conventions, years written YYYY/YY), a Scenario
    sheet, and one table per section of the scenario (Organisations, PODs, Demography, Cohorts,
    CohortOverlaps, Schemes, Effects, Funding, DoNothing, PlanLines, Staff, …) with a note on every header
    and drop-down lists for ids and words. Values by year run across, from the base year to the end year.
    Check it with carebridge validate. With --programme, a blank programme workbook, checked with
    carebridge programme check.

    Example:

      carebridge template plan.xlsx --base-year 2025/26 --end-year 2029/30
    """
    _check_suffix(file, WORKBOOK_SUFFIXES[:1], "a template is an Excel workbook")
    _check_free(file, force)
    if programme:
        from carebridge.scenario.excel import write_programme_template

        _write_safely(file, write_programme_template)
        typer.echo(f"Wrote {file}: a blank programme workbook")
        return
    from carebridge.scenario.excel import write_template
    from carebridge.scenario.years import YearError, format_year, parse_year

    try:
        base = parse_year(base_year) if base_year is not None else _current_year()
        end = parse_year(end_year) if end_year is not None else base + TEMPLATE_YEARS
    except YearError as error:
        fail(f"--base-year / --end-year: {error}")
    if end < base:
        fail(f"--end-year {format_year(end)} is before --base-year {format_year(base)}")
    _write_safely(file, lambda staged: write_template(staged, format_year(base), format_year(end)))
    typer.echo(f"Wrote {file}: a blank scenario workbook, {format_year(base)} to {format_year(end)}")


@app.command("convert")
def convert_command(
    source: Annotated[Path, typer.Argument(help="Scenario to read (YAML or .xlsx).", show_default=False)],
    target: Annotated[Path, typer.Argument(help="File to write (.xlsx or YAML).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", "-f", help="Replace TARGET if it exists.")] = False,
) -> None:
    """Convert a scenario (or a programme file) from YAML to an Excel workbook, or from a workbook to YAML.

    The scenario is checked first, like carebridge validate does, and converted only if it has no problems.
    A YAML scenario converted to a workbook and back is the same scenario and gives the same run; the YAML
    written keeps the schema's field order, with short maps of years on one line. A population file the
    scenario names is named relative to the converted file, copied beside it when it is not below its
    folder. A programme file (objectives and workstreams, or resourcing) converts to a programme workbook
    and back the same way.

    Example:

      carebridge convert examples/stockport-2017/scenario.yaml stockport.xlsx
    """
    reads_yaml = source.suffix.lower() in YAML_SUFFIXES
    if not reads_yaml and source.suffix.lower() not in WORKBOOK_SUFFIXES:
        fail(f"{source}: expected a YAML scenario (.yaml, .yml) or a workbook (.xlsx) to convert")
    wanted = WORKBOOK_SUFFIXES[:1] if reads_yaml else YAML_SUFFIXES
    direction = "YAML converts to a workbook" if reads_yaml else "a workbook converts to YAML"
    _check_suffix(target, wanted, direction)
    _check_free(target, force)
    if _is_programme(source):
        _convert_programme(source, target)
        return
    from carebridge.scenario.convert import convert
    from carebridge.scenario.errors import ScenarioError

    try:
        written = _write_safely(target, lambda staged: convert(source, staged, target.parent))
    except ScenarioError as error:
        fail(str(error))
    scenario = written.scenario
    typer.echo(
        f"Wrote {target}: {scenario.name} — {len(scenario.organisations)} organisations, "
        f"{len(scenario.pods)} PODs, {len(scenario.schemes)} schemes, "
        f"{scenario.base_year} to {scenario.end_year}"
    )
    for copy in written.copied:
        typer.echo(f"Copied a file the scenario names beside it: {target.parent / copy.name}")


def _is_programme(source: Path) -> bool:
    """Whether ``source`` is a programme file: YAML by its top-level fields, a workbook by its sheets."""
    if source.suffix.lower() in YAML_SUFFIXES:
        from carebridge.cli.kinds import PROGRAMME, kind_of

        return kind_of(source) == PROGRAMME
    from carebridge.scenario.excel import workbook_kind

    return workbook_kind(source) == "programme"


def _convert_programme(source: Path, target: Path) -> None:
    from carebridge.scenario.convert import convert_programme
    from carebridge.scenario.errors import InputError

    try:
        programme = _write_safely(target, lambda staged: convert_programme(source, staged))
    except InputError as error:
        fail(str(error))
    workstreams = sum(len(p.workstreams) for o in programme.objectives for p in o.programmes)
    typer.echo(
        f"Wrote {target}: the programme {programme.name} — {len(programme.objectives)} objectives, "
        f"{workstreams} workstreams, {len(programme.decisions)} critical decisions"
        + ("; resourcing" if programme.resourcing is not None else "")
    )


def _current_year() -> int:
    """The calendar year the current financial year (1 April to 31 March) starts in."""
    today = dt.date.today()
    return today.year if today.month >= 4 else today.year - 1


def _check_suffix(path: Path, suffixes: tuple[str, ...], reason: str) -> None:
    if path.suffix.lower() not in suffixes:
        fail(f"{path}: {reason}; the file name must end in {' or '.join(suffixes)}")


def _check_free(path: Path, force: bool) -> None:
    if path.is_dir():
        fail(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        fail(f"{path} exists; give --force to replace it")
    if not path.parent.exists():
        fail(f"{path}: the folder {path.parent} does not exist")


def _write_safely(path: Path, write: Callable[[Path], T]) -> T:
    """Write through a staging file beside ``path``, then move it into place: a failed write leaves the
    file that was there as it was."""
    with tempfile.TemporaryDirectory(prefix=".carebridge-", dir=path.parent) as folder:
        staged = Path(folder) / path.name
        try:
            result = write(staged)
            staged.replace(path)
        except OSError as error:
            fail(f"cannot write {path}: {error.strerror or error}")
    return result
