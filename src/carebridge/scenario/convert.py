"""Convert a scenario between YAML and a workbook, through the checked :class:`Scenario`.

The data written is the scenario as its file gave it (``exclude_unset``): defaults the file left out stay out,
so a YAML file converted to a workbook and back reads as the same scenario and gives the same run.
"""

from __future__ import annotations

import os
import pathlib
from typing import Any

from carebridge.scenario.benchmarks import is_opportunity_name
from carebridge.scenario.errors import Path, Problem, ScenarioError
from carebridge.scenario.excel import WORKBOOK_SUFFIXES, write_workbook
from carebridge.scenario.excel.yaml_text import dump_yaml
from carebridge.scenario.loader import LoadedScenario, load_scenario
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import number_paths

YAML_SUFFIXES = (".yaml", ".yml")


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The plain data of ``scenario`` as its file gave it, in the schema's order: each distribution the
    loader set aside in ``uncertainty.inputs`` back in place of its number."""
    data = scenario.model_dump(mode="python", by_alias=True, exclude_unset=True)
    uncertainty = data.get("uncertainty")
    if not isinstance(uncertainty, dict):
        return data
    distributions = uncertainty.pop("inputs", {})
    paths = number_paths(data)
    for name, distribution in distributions.items():
        _put(data, paths[name], distribution)
    if not uncertainty:
        del data["uncertainty"]
    return data


def _put(data: Any, path: Path, value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def is_workbook(path: pathlib.Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def convert(source: pathlib.Path, target: pathlib.Path) -> LoadedScenario:
    """Read and check ``source`` (YAML or a workbook) and write it to ``target`` in the other format.

    Raises :class:`~carebridge.scenario.errors.ScenarioError` when ``source`` has problems.
    """
    loaded = load_scenario(source)
    scenario = loaded.scenario
    demography = scenario.demography
    if demography is not None and demography.file is not None:  # the file, not the people read from it
        scenario = scenario.model_copy(update={"demography": demography.model_copy(update={"people": None})})
    data = scenario_data(scenario)
    if scenario.benchmarks:
        data = _without_opportunities(data, scenario, source.parent, target.parent)
    if is_workbook(target):
        unplaced = _without_a_sheet(scenario)
        if unplaced:
            raise ScenarioError(loaded.source.locate(unplaced))
        write_workbook(data, target)
    else:
        comment = (
            f"Converted from {source.name} by carebridge convert; docs/scenario-format.md has every field."
        )
        target.write_text(dump_yaml(data, comment), encoding="utf-8")
    return loaded


def _without_a_sheet(scenario: Scenario) -> list[Problem]:
    """The demand inputs the workbook has no sheet for yet (docs/demand.md): a problem at each, so that a
    conversion never drops them silently."""
    reason = "the workbook has no sheet for this yet; keep the scenario in YAML"
    found = [Problem(("demography",), reason)] if scenario.demography is not None else []
    found += [Problem(("cohort_overlaps",), reason)] if scenario.cohort_overlaps else []
    for position, pod in enumerate(scenario.pods):
        if pod.activity is not None and pod.activity.demographic_rates is not None:
            found.append(Problem(("pods", position, "activity", "demographic_rates"), reason))
    return found


def _without_opportunities(
    data: dict[str, Any], scenario: Scenario, source: pathlib.Path, target: pathlib.Path
) -> dict[str, Any]:
    """``data`` without the loader's opportunities (read again from the benchmark files when the converted
    file loads), each benchmark file's path relative to the converted file's folder."""
    kept = {
        name: value
        for name, value in data.get("parameters", {}).items()
        if not is_opportunity_name(name, scenario)
    }
    data = {key: kept if key == "parameters" else value for key, value in data.items()}
    if not kept:
        data.pop("parameters", None)
    for benchmark in data.get("benchmarks", []):
        found = source / benchmark["file"]
        benchmark["file"] = pathlib.Path(os.path.relpath(found, target)).as_posix()
    return data
