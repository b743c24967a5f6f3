"""Load, check and run a scenario, and draw its bridge for another year.

The same steps whether a scenario comes from a file (the command line, the Python API) or from the text the
store keeps (the web app): the loader's located errors, then the engine's, located the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from carebridge.engine import ModelError, Results
from carebridge.engine import run as run_engine
from carebridge.scenario.loader import LoadedScenario, load_scenario, load_scenario_text
from carebridge.scenario.years import YearRange


@dataclass(frozen=True)
class CheckedScenario:
    """A scenario that loads and runs: its text as the store keeps it, the text's SHA-256, where it came
    from, the loaded scenario and its run."""

    text: str
    sha256: str
    file: str
    loaded: LoadedScenario
    results: Results


def load(path: str | Path) -> LoadedScenario:
    """The scenario file at ``path`` (YAML, or an Excel workbook); :class:`ScenarioError` lists every
    problem with its file and line (or sheet and cell)."""
    return load_scenario(path)


def load_text(text: str, file: str) -> LoadedScenario:
    """A scenario from YAML ``text``, its problems located in ``file``."""
    return load_scenario_text(text, file)


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


def check_text(text: str, file: str) -> CheckedScenario:
    """Load and run YAML ``text`` as the command line does; :class:`ScenarioError` (located) if it fails."""
    from carebridge.store.plans import sha256_text

    loaded = load_text(text, file)
    return CheckedScenario(text, sha256_text(text), file, loaded, run(loaded))


def check_file(path: Path) -> CheckedScenario:
    """Load and run the scenario file at ``path``, keeping its text as the store does (an Excel workbook as
    ``base64:`` and its bytes) and the SHA-256 of its bytes; :class:`ScenarioError` (located) if it fails,
    :class:`OSError` if it cannot be read."""
    from carebridge.store.plans import scenario_file_text

    loaded = load(path)
    results = run(loaded)
    text, digest = scenario_file_text(path)
    return CheckedScenario(text, digest, str(path), loaded, results)
