"""What the plan does to each partner, scheme by scheme: the bridge from the schemes of each organisation,
sector and the system with one step per scheme (model spec section 13).

The engine gives each holder's position from the schemes by kind of flow (``Results.scheme_positions``).
Which scheme moved it is found by running the plan again with the schemes switched on one at a time, in the
scenario's order (a scheme switched off delivers nothing and invests nothing): scheme ``k``'s step is the
change in the holder's flows when it is switched on after the schemes before it, and the first step holds the
flows of no scheme (funding, investment outside the schemes, compensating payments given as amounts). The
steps add up exactly to the flows of the whole plan. Where schemes overlap, or a contract's terms are not
linear in activity (a threshold band, a compensating payment of the stranded cost), a scheme's step depends
on the order, which is the scenario's.
"""

from __future__ import annotations

from dataclasses import dataclass

import xarray as xr

from carebridge.engine import Results
from carebridge.engine import run as run_engine
from carebridge.scenario.schema import Scenario

NO_SCHEME = "schemes.outside"
"""The step of the flows of no scheme."""
NO_SCHEME_LABEL = "Funding, investment and payments outside the schemes"
FLOW_TOTAL_LINES = ("schemes.position", "schemes.do_nothing", "schemes.plan_lines")


@dataclass(frozen=True)
class SchemeSteps:
    """The flows of each holder by scheme: ``values`` (step, holder, year), £'000, deficit positive, with
    ``step`` :data:`NO_SCHEME` then each scheme's id; ``names`` the printed name of each step."""

    values: xr.DataArray
    names: dict[str, str]


def holder_flows(results: Results) -> xr.DataArray:
    """(holder, year): the sum of each holder's flows (position from the schemes − do-nothing gap − typed
    plan lines); :class:`ValueError` for a run without positions from the schemes."""
    held = results.scheme_positions
    if held is None:
        raise ValueError("the run has no positions from the schemes")
    position, gap, typed = (held.sel(line=line, drop=True).astype(float) for line in FLOW_TOTAL_LINES)
    return position - gap - typed


def switched_on(scenario: Scenario, count: int) -> Scenario:
    """``scenario`` with only its first ``count`` schemes delivering and investing."""
    off = {"delivery": 0.0, "investment": None}
    schemes = [s if i < count else s.model_copy(update=off) for i, s in enumerate(scenario.schemes)]
    return scenario.model_copy(update={"schemes": schemes})


def scheme_steps(results: Results) -> SchemeSteps:
    """Each holder's flows scheme by scheme (the module's rule), from ``results`` and one run of the plan per
    scheme; the steps of a year add up to the holder's flows of the whole plan."""
    scenario = results.scenario
    count = len(scenario.schemes)
    before = holder_flows(run_engine(switched_on(scenario, 0))) if count else holder_flows(results)
    steps = [before]
    for k in range(1, count + 1):
        after = holder_flows(results if k == count else run_engine(switched_on(scenario, k)))
        steps.append(after - before)
        before = after
    ids = [NO_SCHEME, *(s.id for s in scenario.schemes)]
    values = xr.concat(steps, dim="step").assign_coords(step=ids).transpose("step", "holder", "year")
    names = {NO_SCHEME: NO_SCHEME_LABEL, **{s.id: s.name for s in scenario.schemes}}
    return SchemeSteps(values, names)
