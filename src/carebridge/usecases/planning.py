"""Load, check and run a scenario, and draw its bridge for another year.

The same steps whether a scenario comes from a file (the command line, the Python API) or from the text the
store keeps (the web app): the loader's located errors, then the engine's, located the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from carebridge.engine import ModelError, Results
from carebridge.engine import run as run_engine
from carebridge.scenario.loader import LoadedScenario, load_scenario, load_scenario_text
from carebridge.scenario.side_files import UPLOADED, scenario_digest
from carebridge.scenario.years import YearRange
from carebridge.usecases.lazy_dask import defer_dask_arrays

defer_dask_arrays()  # a plan's run never meets a dask array: xarray need not import dask.array to check


@dataclass(frozen=True)
class CheckedScenario:
    """A scenario that loads and runs: its text as the store keeps it, its digest (the text's SHA-256, or
    with side files :func:`~carebridge.scenario.side_files.scenario_digest`, which covers them), where it came
    from, the loaded scenario (with the side files it read) and its run."""

    text: str
    sha256: str
    file: str
    loaded: LoadedScenario
    results: Results


def load(path: str | Path) -> LoadedScenario:
    """The scenario file at ``path`` (YAML, or an Excel workbook); :class:`ScenarioError` lists every
    problem with its file and line (or sheet and cell)."""
    return load_scenario(path)


def load_text(
    text: str, file: str, side_files: Mapping[str, bytes] | None = None, given_as: str = UPLOADED
) -> LoadedScenario:
    """A scenario from YAML ``text``, its problems located in ``file``; the files it names beside itself
    from ``side_files`` (by name), never from disk."""
    return load_scenario_text(text, file, side_files, given_as)


def run(loaded: LoadedScenario) -> Results:
    """One deterministic run; :class:`ModelError` when the schemes overdraw a cell, each problem located at
    the effect involved."""
    try:
        return run_engine(loaded.scenario)
    except ModelError as error:
        raise ModelError(loaded.source.locate(error.problems)) from None


def with_bridge_year(results: Results, year: str) -> Results:
    """The same run with its bridge drawn for ``year`` (no re-run: the bridge reads the positions);
    :class:`YearError` when ``year`` is outside the scenario's years."""
    scenario = results.scenario
    YearRange.from_labels(scenario.base_year, scenario.end_year).index(year)
    report = scenario.report.model_copy(update={"bridge_year": year})
    return replace(results, scenario=scenario.model_copy(update={"report": report}))


def check_text(
    text: str, file: str, side_files: Mapping[str, bytes] | None = None, given_as: str = UPLOADED
) -> CheckedScenario:
    """Load and run YAML ``text`` as the command line does, its side files from ``side_files`` (a stored
    plan's, or an upload's); :class:`ScenarioError` (located) if it fails."""
    from carebridge.store.plans import sha256_text

    loaded = load_text(text, file, side_files, given_as)
    digest = scenario_digest(sha256_text(text), loaded.side_files)
    return CheckedScenario(text, digest, file, loaded, run(loaded))


def check_file(path: Path) -> CheckedScenario:
    """Load and run the scenario file at ``path``, keeping its text as the store does (an Excel workbook as
    ``base64:`` and its bytes) and the SHA-256 of its bytes (with the side files it read, their digest);
    :class:`ScenarioError` (located) if it fails, :class:`OSError` if it cannot be read."""
    from carebridge.store.plans import scenario_file_text

    loaded = load(path)
    results = run(loaded)
    text, digest = scenario_file_text(path)
    return CheckedScenario(text, scenario_digest(digest, loaded.side_files), str(path), loaded, results)
