"""Convert a scenario, or a programme, between YAML and a workbook, through the checked model.

The data written is the file as it gave it (``exclude_unset``): defaults the file left out stay out, so a YAML
file converted to a workbook and back reads as the same scenario (or programme) and gives the same run.

Files a scenario names (a population projection, programme budget benchmarks) are named relative to the
converted file's folder. A population file must be in the scenario's folder or below it (the loader reads no
other), so when the converted file goes elsewhere the population file is copied beside it.
"""

from __future__ import annotations

import csv
import filecmp
import os
import pathlib
import shutil
from dataclasses import dataclass
from typing import Any

from carebridge.scenario.benchmarks import is_opportunity_name
from carebridge.scenario.errors import Path, Problem, ScenarioError
from carebridge.scenario.excel import WORKBOOK_SUFFIXES, write_workbook
from carebridge.scenario.excel.yaml_text import dump_yaml
from carebridge.scenario.loader import LoadedScenario, load_scenario
from carebridge.scenario.programme import Programme, load_programme, programme_data
from carebridge.scenario.schema import Scenario
from carebridge.scenario.uncertain import number_paths

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Converted:
    """What a conversion read, and the files it copied beside the converted file."""

    loaded: LoadedScenario
    copied: tuple[pathlib.Path, ...] = ()

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario


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


def convert(source: pathlib.Path, target: pathlib.Path, folder: pathlib.Path | None = None) -> Converted:
    """Read and check the scenario ``source`` (YAML or a workbook) and write it to ``target`` in the other
    format. ``folder`` is where the converted file will live (default ``target``'s folder; the command line
    writes ``target`` in a staging folder, then moves it there).

    Raises :class:`~carebridge.scenario.errors.ScenarioError` when ``source`` has problems.
    """
    folder = folder or target.parent
    loaded = load_scenario(source)
    scenario = loaded.scenario
    data = scenario_data(scenario)
    if scenario.benchmarks:
        data = _without_opportunities(data, scenario, source.parent, folder)
    copies = _population_file(data, source.parent, folder, loaded)
    if is_workbook(target):
        write_workbook(data, target)
    else:
        comment = (
            f"Converted from {source.name} by carebridge convert; docs/scenario-format.md has every field."
        )
        target.write_text(dump_yaml(data, comment), encoding="utf-8")
    for found, copy in copies:
        shutil.copyfile(found, copy)
    return Converted(loaded, tuple(copy for _, copy in copies))


def _population_file(
    data: dict[str, Any], source: pathlib.Path, folder: pathlib.Path, loaded: LoadedScenario
) -> list[tuple[pathlib.Path, pathlib.Path]]:
    """Name the population file and the rates file relative to ``folder`` (what the loader read from them
    left out: the people, and the PODs' ``demographic_rates`` from the rates file — they are read again);
    the files to copy beside the converted one when ``folder`` is not above them."""
    demography = data.get("demography")
    if not isinstance(demography, dict):
        return []
    copies: list[tuple[pathlib.Path, pathlib.Path]] = []
    if demography.get("file") is not None:
        demography.pop("people", None)
    if demography.get("rates") is not None:
        found = (source / demography["rates"]).resolve()
        named = _rates_pods(found)
        for pod in data.get("pods", []):
            if isinstance(pod, dict) and pod.get("id") in named and isinstance(pod.get("activity"), dict):
                pod["activity"].pop("demographic_rates", None)
    for field, what in (("file", "population file"), ("rates", "rates file")):
        if demography.get(field) is None:
            continue
        found = (source / demography[field]).resolve()
        home = folder.resolve()
        if found.is_relative_to(home):
            demography[field] = found.relative_to(home).as_posix()
            continue
        copy = home / found.name
        if copy.exists() and not (copy.is_file() and filecmp.cmp(found, copy, shallow=False)):
            message = (
                f"the {what} is copied beside the converted file, but {copy} is there already and "
                "differs; convert into another folder, or move that file"
            )
            raise ScenarioError(loaded.source.locate([Problem(("demography", field), message)]))
        demography[field] = found.name
        if not copy.exists():
            copies.append((found, copy))
    return copies


def _rates_pods(path: pathlib.Path) -> set[str]:
    """The PODs a rates file names (the loader has checked it)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.DictReader(handle)
        return {(row.get("pod") or "").strip() for row in rows}


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


# --- the programme beside the scenario ----------------------------------------------------------------------


def convert_programme(source: pathlib.Path, target: pathlib.Path) -> Programme:
    """Read and check the programme ``source`` (YAML or a programme workbook; its own checks, not against
    the scenario: ``carebridge programme check`` does that) and write it to ``target`` in the other format.

    Raises :class:`~carebridge.scenario.programme.ProgrammeError` when ``source`` has problems.
    """
    from carebridge.scenario.excel.books import PROGRAMME_BOOK

    programme = load_programme(source)
    data = programme_data(programme)
    if is_workbook(target):
        write_workbook(data, target, PROGRAMME_BOOK)
    else:
        comment = f"Converted from {source.name} by carebridge convert; docs/programme.md has every field."
        target.write_text(dump_yaml(data, comment), encoding="utf-8")
    return programme
