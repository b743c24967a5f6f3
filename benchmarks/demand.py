"""Speed of demand from the population and of the new effects (issue 17) on the Stockport example.

Two scenarios are timed in the same process:
- **plain**: ``examples/stockport-2017/scenario.yaml`` as published;
- **demand**: ``examples/stockport-2017/demand.yaml`` (people by single age 0 to 90+ and sex, by year, from
  the ONS-layout file; cohorts whose shares follow a headcount; a declared intersection) with every POD of
  activity growing by age and sex (``demographic_rates``), and a scheme of the new effects added: a
  ``shift`` (elective to outpatient), a ``length_of_stay`` fall of emergency admissions with a bed base, an
  ``absolute`` effect given as a formula of named inputs, and a baseline workforce with a workforce effect
  (agency converted to substantive).

Prints:
- the engine time of each (``carebridge.engine.run``, median of ``--runs``, 50 by default, the two runs taken
  in turn) and their ratio, demand over plain — floor 1.2 (within 20% of today's engine time); a ratio
  measured in one run, so ``--check-stable`` checks it;
- the same two, each validated anew from its data before each run, so that its first run makes what a run
  keeps for a scenario as written (``inputs.kept_for``), and their ratio: no floor, for the record (the floor
  is for repeated runs, as the engine's benchmark times them);
- 10,000 Monte Carlo draws (``--draws``) of the demand scenario with ``--spread 0.2`` on every effect, price
  and driver and the demographic rates uncertain too — floor 3 s.

Run: ``python benchmarks/demand.py`` (``--check`` exits 1 when a figure misses its floor; ``--check-stable``
only for the ratio; see ``figures.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from figures import Figure, add_arguments, finish

if TYPE_CHECKING:
    from carebridge.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PLAIN = ROOT / "examples" / "stockport-2017" / "scenario.yaml"
DEMAND = ROOT / "examples" / "stockport-2017" / "demand.yaml"
FLOORS = {"ratio": 1.2, "seconds_draws": 3.0}
RATES = {
    "female": {"0-64": 0.07, "65-84": 0.25, "85+": 0.5},
    "male": {"0-64": 0.065, "65-84": 0.28, "85+": 0.55},
}
NEW_EFFECTS: dict[str, Any] = {
    "id": "new_effects",
    "name": "New effects (benchmark)",
    "owner": "sft",
    "effects": [
        {"kind": "shift", "pod": "el", "to": "op", "fraction": 0.05},
        {"kind": "length_of_stay", "pod": "nel", "fraction": 0.1},
        {"kind": "absolute", "pod": "nel", "formula": "enrolled * admission_rate * 0.25"},
    ],
    "workforce_effects": [{"group": "ward", "agency_to_substantive": 0.5}],
}


def demand_stockport() -> Scenario:
    """The demand scenario: demand.yaml with every POD of activity by age and sex and the new effects."""
    from carebridge.scenario.loader import load_scenario
    from carebridge.scenario.schema import Scenario
    from carebridge.scenario.uncertain import scenario_data
    from carebridge.scenario.validate import check

    data = scenario_data(load_scenario(DEMAND).scenario)
    for pod in data["pods"]:
        activity = pod.get("activity")
        if activity is not None and activity.get("demographic_rates") is None:
            activity.update(trajectory=None, demographic_rates=RATES, non_demographic_growth=0.01)
    data["demography"].update(file=None, areas=None)  # the people, read from the file at load, stay
    data["schemes"].append(NEW_EFFECTS)
    data["parameters"] = {**data.get("parameters", {}), "enrolled": 2000.0, "admission_rate": 0.3}
    data["capacity"] = {
        "beds": [{"id": "acute", "name": "Acute beds", "length_of_stay": {"nel": 4.5, "el": 2.0}}],
        "workforce": [],
    }
    data["workforce"] = [
        {
            "id": "ward",
            "name": "Ward staff",
            "org": "sft",
            "wte": 1302.0,
            "pay_per_wte": 35000.0,
            "agency": 0.1,
            "agency_premium": 1.0,
            "per_bed": {"acute": 1.5},
        }
    ]
    scenario = Scenario.model_validate(data)
    problems = check(scenario)
    if problems:
        raise SystemExit("the benchmark's scenario has problems:\n" + "\n".join(map(str, problems)))
    return scenario


def people_cells(scenario: Scenario) -> tuple[int, int, int]:
    """(ages, sexes, years) of the scenario's population."""
    assert scenario.demography is not None and scenario.demography.people is not None
    people = scenario.demography.people
    ages = next(iter(people.values()))
    first = next(iter(ages.values()))
    years = len(first) if isinstance(first, dict) else 1
    return len(ages), len(people), years


def engine_times(plain: Scenario, demand: Scenario, runs: int) -> tuple[float, float]:
    """The median engine time of each scenario, their runs taken in turn (plain, demand, plain, …) so that a
    change in the machine's load falls on both alike and their ratio holds."""
    from carebridge.engine import run

    run(plain)  # warm up
    run(demand)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for scenario, kept in ((plain, times[0]), (demand, times[1])):
            start = time.perf_counter()
            run(scenario)
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def first_run_times(plain: Scenario, demand: Scenario, runs: int) -> tuple[float, float]:
    """The median time of each scenario's first run, validated anew from its data before each run (so that
    nothing kept for a scenario as written helps: ``inputs.kept_for``), the two taken in turn."""
    from carebridge.engine import run
    from carebridge.scenario.schema import Scenario

    data = (plain.model_dump(), demand.model_dump())
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for given, kept in zip(data, times, strict=True):
            scenario = Scenario.model_validate(given)
            start = time.perf_counter()
            run(scenario)
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def uncertain_demand(scenario: Scenario) -> Scenario:
    """The demand scenario with ``--spread 0.2`` and each POD's demographic rates uncertain (±20%)."""
    from carebridge.scenario.uncertain import number_paths, scenario_data, spread, with_distributions
    from carebridge.scenario.uncertain import with_spread as spread_scenario

    spread_out = spread_scenario(scenario, 0.2)
    data = scenario_data(spread_out)
    rates = {
        name: spread(float(_at(data, path)), 0.2)
        for name, path in number_paths(data).items()
        if path[0] == "pods" and "demographic_rates" in path
    }
    return with_distributions(spread_out, rates)


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path:
        node = node[part]
    return node


def draws_time(scenario: Scenario, draws: int) -> tuple[float, int]:
    from carebridge.engine.simulate.monte_carlo import simulate

    simulate(scenario, 200, seed=2)  # warm up: imports and caches
    start = time.perf_counter()
    result = simulate(scenario, draws, seed=1)
    result.summaries()
    result.balance_probability()
    return time.perf_counter() - start, len(result.input_names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="engine runs of each scenario (default 50)")
    parser.add_argument("--draws", type=int, default=10_000, help="Monte Carlo draws (default 10,000)")
    add_arguments(parser)
    options = parser.parse_args()
    from carebridge.scenario.loader import load_scenario

    plain = load_scenario(PLAIN).scenario
    demand = demand_stockport()
    ages, sexes, years = people_cells(demand)
    print(f"population: {ages} ages × {sexes} sexes × {years} years; schemes: {len(demand.schemes)}")
    plain_time, demand_time = engine_times(plain, demand, options.runs)
    first_plain, first_demand = first_run_times(plain, demand, options.runs)
    uncertain = uncertain_demand(demand)
    seconds, inputs = draws_time(uncertain, options.draws)
    print(f"uncertain inputs: {inputs}")
    figures = [
        Figure(
            "plain",
            f"engine, plain Stockport run (median of {options.runs})",
            plain_time * 1000,
            "ms",
            "time",
        ),
        Figure(
            "demand",
            f"engine, Stockport with population by age × sex and the new effects (median of {options.runs})",
            demand_time * 1000,
            "ms",
            "time",
            baseline=plain_time * 1000,
            baseline_note="the plain Stockport run, this run",
        ),
        Figure(
            "ratio",
            "demand run against the plain run, times as long",
            demand_time / plain_time,
            "×",
            "ratio",
            FLOORS["ratio"],
        ),
        Figure(
            "first_demand",
            f"first run of a scenario just validated, demand (median of {options.runs})",
            first_demand * 1000,
            "ms",
            "time",
            baseline=first_plain * 1000,
            baseline_note="the plain scenario's first run, this run",
        ),
        Figure(
            "first_ratio",
            "first runs, demand against plain, times as long",
            first_demand / first_plain,
            "×",
            "ratio",
        ),
        Figure(
            "seconds_draws",
            f"{options.draws:,} draws with the new effects",
            seconds,
            "s",
            "time",
            FLOORS["seconds_draws"] if options.draws >= 10_000 else None,
        ),
    ]
    return finish(figures, options)


if __name__ == "__main__":
    sys.exit(main())
