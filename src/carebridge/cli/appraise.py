"""Appraisal commands: ``carebridge appraise`` (Green Book) and ``carebridge prioritise`` (what to fund).

Both read a small YAML file beside the scenario (``appraisal.yaml``) or on its own (``candidates.yaml``) with
the scenario loader's parser, so a mistake is reported with its file, line and field path, never a
traceback. The file models live in :mod:`carebridge.engine.appraisal` and :mod:`carebridge.engine.prioritise`.
"""

from __future__ import annotations

import re
import types
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from carebridge.cli.app import app, fail, load, run_scenario

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError
    from pydantic_core import ErrorDetails

    from carebridge.engine.appraisal import AppraisalParameters
    from carebridge.engine.prioritise import Portfolio
    from carebridge.scenario.errors import Problem
    from carebridge.scenario.schema import Scenario

    ModelT = TypeVar("ModelT", bound=BaseModel)

PARAMETERS_FILE = "appraisal.yaml"
_UNION_TAG = re.compile(r"^(float|int|str|bool|none|dict\[.*\]|list\[.*\])$")
_EXPECTED = {
    "float": "a number",
    "finite_number": "a finite number",
    "int": "a whole number",
    "string": "text",
    "bool": "true or false",
    "dict": "a map",
    "list": "a list",
}
_TAG_NAMES = {"float": "a number", "int": "a whole number", "str": "text", "bool": "true or false"}


# ---- reading the files ------------------------------------------------------------------------------------


def load_model(path: Path, model: type[ModelT], what: str) -> tuple[ModelT, Any]:
    """Read the YAML file at ``path`` into ``model``; raise ``ScenarioError`` with every shape problem
    located (file, line, field path). Returns the model and the file's ``SourceMap``."""
    from pydantic import ValidationError

    from carebridge.scenario.errors import ScenarioError
    from carebridge.scenario.loader import read_yaml

    data, source = read_yaml(path, what)
    try:
        return model.model_validate(data, strict=True), source
    except ValidationError as error:
        problems = source.locate(_problems(error, data, model))
        raise ScenarioError(sorted(problems, key=lambda p: p.line or 0)) from None


def _problems(error: ValidationError, data: object, model: type[BaseModel]) -> list[Problem]:
    """pydantic's errors in plain words; the branches of a union (a number or a map) become one problem,
    or the errors of the branch the input was evidently written for."""
    from carebridge.scenario.errors import Problem, format_value

    problems: list[Problem] = []
    unions: dict[tuple[str | int, ...], list[tuple[str, ErrorDetails]]] = {}
    for detail in error.errors():
        loc = detail["loc"]
        tag_at = next(
            (i for i, part in enumerate(loc) if isinstance(part, str) and _UNION_TAG.match(part)), None
        )
        if tag_at is None:
            problems.append(_problem(detail, tuple(loc), model))
        else:
            unions.setdefault(tuple(loc[:tag_at]), []).append((str(loc[tag_at]), detail))
    for path, branches in unions.items():
        value = _lookup(data, path)
        meant = "dict" if isinstance(value, dict) else "list" if isinstance(value, list) else None
        chosen = [(tag, d) for tag, d in branches if meant and tag.startswith(meant)]
        if chosen:
            problems += [_problem(d, path + tuple(d["loc"][len(path) + 1 :]), model) for _, d in chosen]
        else:
            options = " or ".join(_TAG_NAMES.get(tag, "a map from years to numbers") for tag, _ in branches)
            problems.append(Problem(path, f"expected {options}; found {format_value(value)}"))
    return problems


def _problem(detail: ErrorDetails, loc: tuple[Any, ...], model: type[BaseModel]) -> Problem:
    from carebridge.scenario.errors import Problem, did_you_mean, format_value

    path = tuple(part for part in loc if isinstance(part, int | str) and part != "[key]")
    kind, found = detail["type"], format_value(detail.get("input"))
    if kind == "missing":
        return Problem(path[:-1], f"missing field '{path[-1]}'")
    if kind == "extra_forbidden":
        fields = _fields_at(model, path[:-1])
        name = str(path[-1])
        return Problem(
            path,
            f"unknown field '{name}'"
            + (did_you_mean(name, fields) or f"; expected one of {', '.join(fields)}"),
        )
    if kind == "literal_error":
        expected = (detail.get("ctx") or {}).get("expected", "")
        return Problem(
            path,
            f"expected one of {expected}; found {found}"
            + did_you_mean(str(detail.get("input")), re.findall(r"'([^']*)'", str(expected))),
        )
    hint = " (text, because of the quotes; write the number without them)" if _quoted_number(detail) else ""
    bound = {**(detail.get("ctx") or {})}
    limits = {"greater_than": "above", "greater_than_equal": "of at least", "less_than": "below"}
    if kind in limits:
        number = next(iter(bound.values()), "")
        return Problem(path, f"expected a number {limits[kind]} {format_value(number)}; found {found}")
    expected = _EXPECTED.get(kind.removesuffix("_parsing").removesuffix("_type"))
    if expected:
        return Problem(path, f"expected {expected}; found {found}{hint}")
    message = detail["msg"]
    return Problem(path, f"{message[0].lower()}{message[1:]}; found {found}{hint}")


def _quoted_number(detail: ErrorDetails) -> bool:
    value = detail.get("input")
    if not isinstance(value, str) or not detail["type"].startswith(("float", "int")):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True


def _fields_at(model: type[BaseModel], path: Sequence[str | int]) -> list[str]:
    """The fields of the model found by following ``path`` from ``model`` (through lists and maps)."""
    from typing import get_args, get_origin

    current: Any = model
    for part in path:
        current = _unwrap(current)
        if _is_model(current):
            fields = {field.alias or name: field for name, field in current.model_fields.items()}
            current = fields[str(part)].annotation if str(part) in fields else None
        elif get_origin(current) in (list, tuple, dict):
            args = get_args(current)
            current = args[0] if get_origin(current) is tuple else args[-1]
        else:
            return []
    current = _unwrap(current)
    if not _is_model(current):
        return []
    return [field.alias or name for name, field in current.model_fields.items()]


def _unwrap(annotation: Any) -> Any:
    """The model in an optional or union annotation, else the first member that is not ``None``."""
    from typing import Union, get_args, get_origin

    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return next((a for a in members if _is_model(a)), members[0] if members else None)
    return annotation


def _is_model(annotation: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _lookup(data: object, path: Sequence[str | int]) -> object:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part, data.get(str(part)))
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def load_parameters(path: Path, scenario: Scenario, years: Sequence[str]) -> AppraisalParameters:
    """Read and check an ``appraisal.yaml`` for ``scenario``; raise ``ScenarioError``, located."""
    from carebridge.engine.appraisal import AppraisalParameters, check_parameters
    from carebridge.scenario.errors import ScenarioError

    parameters, source = load_model(path, AppraisalParameters, "appraisal parameters (discount_rates, …)")
    problems = check_parameters(parameters, years, [scheme.id for scheme in scenario.schemes])
    if problems:
        raise ScenarioError(sorted(source.locate(problems), key=lambda p: p.line or 0))
    return parameters


def load_portfolio(path: Path) -> Portfolio:
    """Read and check a ``candidates.yaml``; raise ``ScenarioError``, located."""
    from carebridge.engine.prioritise import Portfolio, check_portfolio
    from carebridge.scenario.errors import ScenarioError

    portfolio, source = load_model(path, Portfolio, "a candidates file with name, envelope and candidates")
    problems = check_portfolio(portfolio)
    if problems:
        raise ScenarioError(sorted(source.locate(problems), key=lambda p: p.line or 0))
    return portfolio


def _input_failure(error: Exception, what: str) -> str:
    """A ``ScenarioError``'s message with its head naming the file kind rather than 'the scenario'."""
    return str(error).replace("in the scenario:", f"in the {what}:", 1)


# ---- the commands -----------------------------------------------------------------------------------------


@app.command("appraise")
def appraise_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file: YAML, or an Excel workbook (.xlsx).", show_default=False)
    ],
    parameters: Annotated[
        Path | None,
        typer.Option(
            "--parameters",
            "-p",
            help=f"Appraisal parameters (YAML) [default: {PARAMETERS_FILE} beside the scenario if there is "
            "one, else the Green Book rates, no deflator and no optimism bias].",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the outputs [default: out/appraisal].")
    ] = None,
) -> None:
    """Green Book appraisal of a scenario and each of its schemes: NPV, BCR, ROI and payback year.

    Benefits are the schemes' savings (turned positive), costs their investment raised by optimism bias;
    both at base-year prices (with a GDP deflator) and discounted at 3.5% a year (the Green Book's
    declining schedule beyond 30 years), on the tariff and the cost basis. Writes appraisal.csv,
    appraisal_by_year.csv, appraisal.html, appraisal.xlsx and appraisal.json.

    Example:

      carebridge appraise examples/stockport-2017/scenario.yaml -p appraisal.yaml --out out/appraisal
    """
    from carebridge.engine.appraisal import AppraisalParameters, appraise
    from carebridge.scenario.errors import ScenarioError
    from carebridge.scenario.years import YearRange

    loaded = load(scenario)
    years = YearRange.from_labels(loaded.scenario.base_year, loaded.scenario.end_year).labels
    chosen = parameters if parameters is not None else scenario.parent / PARAMETERS_FILE
    try:
        given = (
            load_parameters(chosen, loaded.scenario, years)
            if parameters is not None or chosen.is_file()
            else AppraisalParameters()
        )
    except ScenarioError as error:
        fail(_input_failure(error, "appraisal parameters"))
    results = run_scenario(loaded)
    appraisal = appraise(results, given)
    from carebridge.cli.plan import _write_atomically, provenance_of
    from carebridge.report.appraisal import write_appraisal

    folder = out if out is not None else Path("out") / "appraisal"
    source = str(chosen) if chosen.is_file() else "(defaults)"
    provenance = provenance_of(scenario, loaded.scenario.name)
    try:
        written = _write_atomically(
            folder, lambda staging: write_appraisal(results, appraisal, staging, provenance, source)
        )
    except OSError as error:
        fail(f"cannot write the appraisal into {folder}: {error.strerror or error}")
    _print_appraisal(appraisal)
    typer.echo(
        f"Parameters: {source}. Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written)
    )


@app.command("prioritise")
def prioritise_command(
    candidates: Annotated[Path, typer.Argument(help="Candidates file (YAML).", show_default=False)],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="score: rank by weighted score; score-per-pound: rank by score per pound (both greedy); "
            "optimal: the combination of greatest value within the envelope (exact).",
        ),
    ] = "score",
    objective: Annotated[
        str,
        typer.Option("--objective", help="The value to rank or maximise: score, or npv (each candidate's)."),
    ] = "score",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the outputs [default: out/prioritisation].")
    ] = None,
) -> None:
    """Choose what to fund within an investment envelope, and say why each candidate is excluded.

    Overrides (must-do, contractual commitment, invest to save) are funded first, whatever their score;
    the rest are funded by the method chosen from what is left of the envelope in each year. Writes
    prioritisation.csv, prioritisation.html and prioritisation.xlsx.

    Example:

      carebridge prioritise examples/stockport-pct-2007/candidates.yaml --method optimal --out out/pct
    """
    from carebridge.engine.prioritise import METHODS, select
    from carebridge.scenario.errors import ScenarioError, did_you_mean

    if method not in METHODS:
        fail(
            f"--method: '{method}' is not a method{did_you_mean(method, METHODS)}; "
            f"expected one of {', '.join(METHODS)}"
        )
    if objective not in ("score", "npv"):
        fail(f"--objective: '{objective}' is not an objective; expected score or npv")
    try:
        portfolio = load_portfolio(candidates)
    except ScenarioError as error:
        fail(_input_failure(error, "candidates file"))
    try:
        chosen = next(m for m in METHODS if m == method)
        selection = select(portfolio, chosen, "npv" if objective == "npv" else "score")
    except ValueError as error:
        fail(f"{candidates}: {error}")
    from carebridge.cli.plan import _write_atomically, provenance_of
    from carebridge.report.appraisal import write_selection

    folder = out if out is not None else Path("out") / "prioritisation"
    provenance = provenance_of(candidates, portfolio.name)
    try:
        written = _write_atomically(
            folder, lambda staging: write_selection(selection, portfolio, staging, provenance)
        )
    except OSError as error:
        fail(f"cannot write the prioritisation into {folder}: {error.strerror or error}")
    _print_selection(selection)
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written))


def _print_appraisal(appraisal: Any) -> None:
    """NPV, BCR, ROI and payback year of each scheme and the programme, one table per basis."""
    from rich.console import Console
    from rich.table import Table

    from carebridge.report.appraisal import BASES, basis_note
    from carebridge.report.numbers import format_number

    console = Console()
    for basis in BASES:
        table = Table(
            title=f"Green Book appraisal, {basis} basis (£'000)", title_justify="left", title_style="bold"
        )
        for header in ("Scheme", "PV benefit", "PV cost", "NPV", "BCR", "ROI", "Payback"):
            table.add_column(header, justify="left" if header == "Scheme" else "right")
        for scheme in appraisal.schemes:
            cell = appraisal.summary.sel(scheme=scheme, basis=basis)
            bcr, roi = float(cell.bcr), float(cell.roi)
            table.add_row(
                appraisal.names.get(scheme, scheme),
                *(
                    format_number(float(cell[measure]), "money")
                    for measure in ("pv_benefit", "pv_cost", "npv")
                ),
                "" if bcr != bcr else f"{bcr:.2f}",
                "" if roi != roi else format_number(roi, "percent"),
                appraisal.payback_year(scheme, basis) or "never",
                style="bold" if scheme == "programme" else "",
            )
        console.print(table)
    console.print(basis_note(appraisal))


def _print_selection(selection: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from carebridge.report.appraisal import envelope_table
    from carebridge.report.numbers import format_number
    from carebridge.report.terminal import rich_table

    console = Console()
    for title, decisions in (("Funded", selection.funded), ("Excluded", selection.excluded)):
        table = Table(title=f"{title} ({len(decisions)})", title_justify="left", title_style="bold")
        table.add_column("Candidate")
        table.add_column("Score", justify="right")
        table.add_column("£'000", justify="right")
        table.add_column("Reason")
        for decision in decisions:
            score = (
                "" if decision.weighted_score is None else format_number(decision.weighted_score, "percent")
            )
            table.add_row(decision.name, score, format_number(sum(decision.cost), "money"), decision.reason)
        console.print(table)
    console.print(rich_table(envelope_table(selection)))
