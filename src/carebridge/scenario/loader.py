"""Read a scenario file, reporting every mistake at once with its file, line and field path.

The steps, each of which stops the load with a :class:`ScenarioError` when it finds problems:

1. read the file as UTF-8 text;
2. parse it as YAML (ruamel.yaml, round-trip mode, which keeps the line of every key and list item) and look
   for duplicate keys anywhere in it;
3. check the top level is a map, turn the ruamel tree into plain dicts and lists, and validate its shape
   against :class:`~carebridge.scenario.schema.Scenario` (pydantic);
4. only when the shape is right, run the semantic checks of :mod:`carebridge.scenario.validate`.

The ruamel tree is kept in a :class:`SourceMap`, which gives each problem's field path its line.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.scalarbool import ScalarBoolean

from carebridge.scenario import validate
from carebridge.scenario.errors import Path, PathPart, Problem, ScenarioError, format_value
from carebridge.scenario.pydantic_errors import problems_from_validation
from carebridge.scenario.salvage import salvage_problems
from carebridge.scenario.schema import FORMAT_VERSION, Scenario
from carebridge.scenario.uncertain import extract_distributions

EXPECTED_TOP_LEVEL = "a scenario map with format_version, name, base_year, end_year, organisations and pods"


@dataclass(frozen=True)
class SourceMap:
    """Where each part of a scenario file is: the file's name and its ruamel round-trip tree."""

    file: str
    tree: Any = field(default=None, repr=False, compare=False)

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """The 1-based line of the deepest node of ``path`` that exists in the file.

        A map entry is placed at its key, a list item at the item. The top level itself has no line, so a path
        whose first part is missing gives ``None``.
        """
        node, line = self.tree, None
        for part in path:
            if isinstance(node, CommentedMap):
                found = _key_in(node, part)
                if not found:
                    break
                line, node = node.lc.key(found[0])[0] + 1, node[found[0]]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line, node = node.lc.item(part)[0] + 1, node[part]
            else:
                break
        return line

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems with this file and the line of their path filled in where they have none."""
        return [
            problem.located(problem.file or self.file, problem.line or self.line_of(problem.path))
            for problem in problems
        ]


def _key_in(node: CommentedMap, part: PathPart) -> tuple[Any, ...]:
    """The key of ``node`` that ``part`` names, as a 1-tuple, or ``()`` when there is none.

    A key is also named by its text, so that the path part ``'2017'`` finds a key written ``2017``.
    """
    if part in node:
        return (part,)
    return next(((key,) for key in node if str(key) == str(part)), ())


@dataclass(frozen=True)
class LoadedScenario:
    """A valid scenario and where its parts are in the file it came from."""

    scenario: Scenario
    source: SourceMap


def load_scenario(path: str | pathlib.Path) -> LoadedScenario:
    """Read and check the scenario file at ``path``; raise :class:`ScenarioError` listing every problem.

    A workbook (``.xlsx``) is read by :mod:`carebridge.scenario.excel` into the same plain data, then checked
    the same way, with its problems located by sheet and cell.
    """
    file = str(path)
    if pathlib.Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        from carebridge.scenario.excel import read_workbook

        return load_scenario_data(*read_workbook(pathlib.Path(path), file))
    return load_scenario_text(_read_text(pathlib.Path(path), file), file)


def load_scenario_text(text: str, file: str) -> LoadedScenario:
    """Check a scenario written as YAML ``text``; ``file`` names it in messages."""
    tree = _parse(text, file)
    source = SourceMap(file, tree)
    top_level = _top_level_problem(tree)
    if top_level is not None:
        raise ScenarioError(source.locate([top_level]))
    return load_scenario_data(_to_plain(tree), source)


def load_scenario_data(data: dict[Any, Any], source: SourceMap) -> LoadedScenario:
    """Check a scenario given as plain data (from YAML or a workbook); ``source`` locates its problems.

    Distributions written in place of numbers are first set aside (:mod:`carebridge.scenario.uncertain`).
    """
    data, problems = extract_distributions(data)
    problems.extend(_format_version_problems(data))
    try:
        scenario = Scenario.model_validate(data, strict=True)
    except ValidationError as error:
        problems.extend(problems_from_validation(error, data))
        problems.extend(salvage_problems(data, error, validate.check))
    else:
        problems.extend(validate.check(scenario))
    if problems:
        raise ScenarioError(_in_file_order(source.locate(problems)))
    return LoadedScenario(scenario, source)


# --- reading and parsing ---------------------------------------------------------------------------------


def read_yaml(path: str | pathlib.Path, expected: str) -> tuple[dict[Any, Any], SourceMap]:
    """Read a YAML file whose top level must be a map: its plain data and the SourceMap that locates its
    fields. Raises :class:`ScenarioError` for a file that cannot be read, is not YAML, repeats a key, or
    is not a map at the top (``expected`` says what it should be). Other loaders (risk registers, target
    registers, appraisal parameters) validate the data themselves."""
    file = str(path)
    tree = _parse(_read_text(pathlib.Path(path), file, f"{expected} (YAML)"), file)
    data = _to_plain(tree)
    if not isinstance(data, dict):
        found = "an empty file" if data is None else format_value(data)
        raise ScenarioError([Problem((), f"the top level is {found}; expected {expected}", file=file)])
    return data, SourceMap(file, tree)


def _read_text(path: pathlib.Path, file: str, what: str = "a scenario file (YAML)") -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        message = f"the file does not exist; expected {what}"
    except IsADirectoryError:
        message = f"this is a folder; expected {what}"
    except UnicodeDecodeError as error:
        message = f"the file is not UTF-8 text (byte {error.start} cannot be read); expected a YAML text file"
    except OSError as error:
        message = f"the file cannot be read ({error.strerror or error}); expected {what}"
    raise ScenarioError([Problem((), message, file=file)])


def _parse(text: str, file: str) -> Any:
    """The ruamel round-trip tree of ``text``, after checking that no map repeats a key."""
    try:
        node = YAML(typ="rt").compose(text)
        duplicates = _duplicate_keys(node, (), set()) if node is not None else []
        if duplicates:
            raise ScenarioError([problem.located(file, problem.line) for problem in duplicates])
        return YAML(typ="rt").load(text)
    except YAMLError as error:
        raise ScenarioError([_yaml_problem(error, file)]) from None


def _yaml_problem(error: YAMLError, file: str) -> Problem:
    if not isinstance(error, MarkedYAMLError):
        return Problem((), f"not valid YAML: {error}", file=file)
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or "cannot be parsed"
    if error.problem and error.context and error.context_mark is not None:
        reason += f" ({error.context} at line {error.context_mark.line + 1})"
    if "'\\t'" in reason:
        reason += "; indent with spaces, not tabs"
    return Problem((), f"not valid YAML: {reason}", file=file, line=mark.line + 1 if mark else None)


def _duplicate_keys(node: Node, path: Path, seen: set[int]) -> list[Problem]:
    """Every key that appears twice in one map, anywhere under ``node`` (aliases visited once)."""
    if id(node) in seen:
        return []
    seen.add(id(node))
    problems: list[Problem] = []
    if isinstance(node, MappingNode):
        first_lines: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            line = key.start_mark.line + 1
            identity = (str(key.tag), str(key.value))
            if identity in first_lines:
                message = f"duplicate key '{key.value}' (first given at line {first_lines[identity]}); "
                message += "a key may appear only once in a map"
                problems.append(Problem((*path, key.value), message, line=line))
            else:
                first_lines[identity] = line
            problems.extend(_duplicate_keys(value, (*path, key.value), seen))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, (*path, index), seen))
    return problems


# --- the top level and plain data ------------------------------------------------------------------------


def _top_level_problem(tree: Any) -> Problem | None:
    if tree is None:
        return Problem((), f"the file is empty; expected {EXPECTED_TOP_LEVEL}")
    if isinstance(tree, CommentedSeq):
        return Problem((), f"the top level is a list; expected {EXPECTED_TOP_LEVEL}", line=tree.lc.line + 1)
    if not isinstance(tree, CommentedMap):
        found = format_value(_plain_scalar(tree))
        return Problem((), f"the top level is {found}; expected {EXPECTED_TOP_LEVEL}")
    return None


def _to_plain(value: Any) -> Any:
    """Plain dicts, lists, str, int, float and bool from a ruamel round-trip tree (dates become text)."""
    if isinstance(value, dict):
        return {_plain_scalar(key): _to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_plain(item) for item in value]
    return _plain_scalar(value)


def _plain_scalar(value: Any) -> Any:
    if isinstance(value, TaggedScalar):
        return _plain_scalar(value.value)
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    for plain in (int, float, str):
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _format_version_problems(data: dict[Any, Any]) -> list[Problem]:
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version != FORMAT_VERSION:
        message = f"this release reads scenario format {FORMAT_VERSION}; found {version}"
        return [Problem(("format_version",), message)]
    return []


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.line or 0)
