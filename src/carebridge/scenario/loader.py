"""Read every YAML input of the tool — scenarios, registers, appraisal parameters, candidates — reporting
every mistake at once with its file, line and field path.

The steps, each of which stops the load with an :class:`~carebridge.scenario.errors.InputError` of the
file's kind (:class:`ScenarioError` for a scenario) when it finds problems:

1. read the file as UTF-8 text, refusing one larger than the limit;
2. parse it once (:mod:`carebridge.scenario.reading`: plain data and the line of every part, duplicate keys,
   and the limits on nesting, aliases and numbers);
3. check the top level is a map and validate its shape against the file's pydantic model, pydantic's errors
   put in plain words by :mod:`carebridge.scenario.pydantic_errors`;
4. only when the shape is right, run the checks of meaning (for a scenario,
   :mod:`carebridge.scenario.validate`; for other files, the checks their loader passes).

:func:`load_model` does steps 1 to 3 for any model; :func:`load_scenario` all four for a scenario. The lines
are kept in a :class:`SourceMap`, which gives each problem's field path its line.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from carebridge.scenario import validate
from carebridge.scenario.benchmarks import (
    ProgrammeBudget,
    ProgrammeBudgetError,
    budget_problems,
    scenario_opportunities,
)
from carebridge.scenario.errors import (
    InputError,
    Problem,
    ScenarioError,
    format_value,
)
from carebridge.scenario.population import attach_population
from carebridge.scenario.pydantic_errors import problems_from_validation
from carebridge.scenario.reading import ReadError, parse, read_text, without_cycle_collection
from carebridge.scenario.salvage import salvage_problems
from carebridge.scenario.schema import FORMAT_VERSION, Scenario
from carebridge.scenario.side_files import UPLOADED, SideFiles
from carebridge.scenario.source_map import SourceMap
from carebridge.scenario.uncertain import extract_distributions
from carebridge.scenario.years import MAX_YEARS, YearError, parse_year

EXPECTED_TOP_LEVEL = ScenarioError.expected

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class LoadedScenario:
    """A valid scenario and where its parts are in the file it came from."""

    scenario: Scenario
    source: SourceMap
    warnings: tuple[Problem, ...] = ()
    """What may be a mistake but is not an error (docs/demand.md: cohorts that could overlap), located."""
    side_files: Mapping[str, bytes] = field(default_factory=dict)
    """The files the scenario names beside itself and that were read, by the name it writes
    (:mod:`carebridge.scenario.side_files`): what a stored plan keeps with its scenario."""


def load_scenario(path: str | pathlib.Path) -> LoadedScenario:
    """Read and check the scenario file at ``path``; raise :class:`ScenarioError` listing every problem.

    A workbook (``.xlsx``) is read by :mod:`carebridge.scenario.excel` into the same plain data, then checked
    the same way, with its problems located by sheet and cell.
    """
    file = str(path)
    files = SideFiles(folder=pathlib.Path(path).parent)
    if pathlib.Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from carebridge.scenario.excel import read_workbook

        return load_scenario_data(*read_workbook(pathlib.Path(path), file), files=files)
    data, source = _read_map(path, ScenarioError)
    return load_scenario_data(data, source, files=files)


def load_scenario_text(
    text: str, file: str, side_files: Mapping[str, bytes] | None = None, given_as: str = UPLOADED
) -> LoadedScenario:
    """Check a scenario written as YAML ``text``; ``file`` names it in messages. The files it names beside
    itself are read from ``side_files`` (by name; ``given_as`` says where they come from), never from disk."""
    files = SideFiles(given=side_files or {}, given_as=given_as)
    return load_scenario_data(*_parse_map(text, file, ScenarioError), files=files)


def load_scenario_data(
    data: dict[Any, Any], source: SourceMap, files: SideFiles | None = None
) -> LoadedScenario:
    """Check a scenario given as plain data (from YAML or a workbook); ``source`` locates its problems.

    Distributions written in place of numbers are first set aside (:mod:`carebridge.scenario.uncertain`).
    When the years run longer than :data:`~carebridge.scenario.years.MAX_YEARS`, only the shape is checked:
    the checks of meaning work year by year.
    """
    with without_cycle_collection():
        return _check_scenario(data, source, files or SideFiles())


def _check_scenario(data: dict[Any, Any], source: SourceMap, files: SideFiles) -> LoadedScenario:
    data, problems = extract_distributions(data)
    problems.extend(_format_version_problems(data))
    span = _year_span_problems(data)
    problems.extend(span)
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as error:
        problems.extend(problems_from_validation(error, data))
        if not span:
            problems.extend(salvage_problems(data, error, validate.check))
    else:
        if scenario.benchmarks:
            scenario, found = _with_opportunities(scenario, files)
            problems.extend(found)
        if not span:
            problems.extend(validate.check(scenario))
        if not problems:
            scenario, attached = attach_population(scenario, files)
            problems.extend(attached)
    if problems:
        raise ScenarioError(_in_file_order(source.locate(problems)))
    warnings = tuple(source.locate(validate.warnings(scenario)))
    return LoadedScenario(scenario, source, warnings, files.used)


def load_model(
    path: str | pathlib.Path,
    model: type[ModelT],
    what: type[InputError],
    check: Callable[[ModelT], Iterable[Problem]] | None = None,
) -> tuple[ModelT, SourceMap]:
    """Read the YAML file at ``path`` as ``model``: the model and where its parts are in the file.

    ``what`` is the kind of file, the :class:`InputError` subclass raised with every problem found, each
    with its file, line and field path: reading, parsing, the shape (pydantic, strict: a number in quotes is
    text; a model that sets ``strict`` itself keeps its fields' own exceptions, like a date read from text),
    then, when the shape is right, ``check``'s problems of meaning.
    """
    return _model_of(*_read_map(path, what), model, what, check)


def _model_of(
    data: dict[Any, Any],
    source: SourceMap,
    model: type[ModelT],
    what: type[InputError],
    check: Callable[[ModelT], Iterable[Problem]] | None,
) -> tuple[ModelT, SourceMap]:
    try:
        loaded = model.model_validate(data, strict=None if model.model_config.get("strict") else True)
    except ValidationError as error:
        raise what(_in_file_order(source.locate(problems_from_validation(error, data, model)))) from None
    problems = list(check(loaded)) if check is not None else []
    if problems:
        raise what(_in_file_order(source.locate(problems)))
    return loaded, source


def _with_opportunities(scenario: Scenario, files: SideFiles) -> tuple[Scenario, list[Problem]]:
    """The scenario with each benchmark's opportunities among its parameters (``opportunity.<id>…``, read
    from the files relative to the scenario's), and the problems of the benchmarks."""
    found, problems = scenario_opportunities(scenario, files, _read_budget)
    return scenario.model_copy(update={"parameters": {**scenario.parameters, **found}}), problems


def _read_budget(data: bytes, file: str) -> ProgrammeBudget:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (byte {error.start} cannot be read); expected a YAML text file"
        raise ProgrammeBudgetError([Problem((), message, file=file)]) from None
    parsed = _parse_map(text, file, ProgrammeBudgetError)
    return _model_of(*parsed, ProgrammeBudget, ProgrammeBudgetError, budget_problems)[0]


# --- reading and parsing ---------------------------------------------------------------------------------


def _read_map(path: str | pathlib.Path, what: type[InputError]) -> tuple[dict[Any, Any], SourceMap]:
    file = str(path)
    try:
        text = read_text(pathlib.Path(path), file, f"{what.document or what.expected} (YAML)")
    except ReadError as error:
        raise what(error.problems) from None
    return _parse_map(text, file, what)


def _parse_map(text: str, file: str, what: type[InputError]) -> tuple[dict[Any, Any], SourceMap]:
    """The plain data of YAML ``text``, which must be a map, and its SourceMap; ``what`` on any problem."""
    try:
        parsed = parse(text, file)
    except ReadError as error:
        raise what(error.problems) from None
    if isinstance(parsed.data, dict):
        return parsed.data, SourceMap(file, parsed.lines)
    if parsed.data is None:
        message = f"the file is empty; expected {what.expected}"
    else:
        found = "a list" if isinstance(parsed.data, list) else format_value(parsed.data)
        message = f"the top level is {found}; expected {what.expected}"
    line = parsed.first_line if isinstance(parsed.data, list) else None
    raise what([Problem((), message, file=file, line=line)])


def _format_version_problems(data: dict[Any, Any]) -> list[Problem]:
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version != FORMAT_VERSION:
        message = f"this release reads scenario format {FORMAT_VERSION}; found {version}"
        return [Problem(("format_version",), message)]
    return []


def _year_span_problems(data: dict[Any, Any]) -> list[Problem]:
    """A problem when the scenario runs over more years than a plan can (checked before anything works
    year by year, which would take minutes and gigabytes for ``end_year: 9998/99``)."""
    try:
        base, end = parse_year(data.get("base_year")), parse_year(data.get("end_year"))
    except YearError:
        return []  # the year's own problem is reported by the checks
    if end - base + 1 > MAX_YEARS:
        message = (
            f"the scenario runs {end - base + 1:,} years from {data['base_year']} to {data['end_year']}; "
            f"a scenario runs at most {MAX_YEARS} years"
        )
        return [Problem(("end_year",), message)]
    return []


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.line or 0)
