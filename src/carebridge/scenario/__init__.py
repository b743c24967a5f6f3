"""The input model: financial years, the scenario schema, the loader with located errors, and its checks."""

from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.loader import LoadedScenario, load_scenario, load_scenario_text
from carebridge.scenario.schema import Scenario
from carebridge.scenario.source_map import SourceMap

__all__ = [
    "LoadedScenario",
    "Problem",
    "Scenario",
    "ScenarioError",
    "SourceMap",
    "load_scenario",
    "load_scenario_text",
]
