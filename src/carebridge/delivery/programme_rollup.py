"""The plan on a page: the run's money and activity rolled up by strategic objective, priority programme and
workstream, adding to the bridge exactly.

Pure: it reads a run's :class:`~carebridge.engine.results.Results` and the programme; it computes nothing the
engine holds, only sums it. In a year:

- each plan line's value in the system's position (the bridge's line) goes to the workstream that holds the
  line, as a saving, an investment, funding or other by the line's kind;
- a line computed from the schemes (``from_schemes``) is split scheme by scheme (the schemes' benefit and
  investment, as the engine summed them) and each scheme's part goes to the scheme's workstream; what is left
  (nothing, unless the engine's sum differs) stays with the line's own workstream;
- each scheme's activity (avoided growth and reductions, by POD) goes to the scheme's workstream.

So the workstreams add to the bridge: do-nothing + Σ workstreams = do-something (:func:`bridge_difference`
is zero). Signs are the engine's: savings and funding negative, investment positive, activity removed
negative. Names are the scenario's and the programme's words, read from the results' labels.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from carebridge.engine.results import Results
from carebridge.scenario.programme import Programme, workstreams

KIND_CATEGORY = {"saving": "savings", "investment": "investment", "funding": "funding", "other": "other"}
SYSTEM = "system"


@dataclass(frozen=True)
class Amounts:
    """Money (£'000) by category and activity by POD name."""

    savings: float = 0.0
    investment: float = 0.0
    funding: float = 0.0
    other: float = 0.0
    activity: Mapping[str, float] = field(default_factory=dict)

    @property
    def net(self) -> float:
        """The change to the position: what the bridge adds for these lines."""
        return self.savings + self.investment + self.funding + self.other

    def __add__(self, other: Amounts) -> Amounts:
        activity = dict(self.activity)
        for pod, value in other.activity.items():
            activity[pod] = activity.get(pod, 0.0) + value
        return Amounts(
            self.savings + other.savings,
            self.investment + other.investment,
            self.funding + other.funding,
            self.other + other.other,
            activity,
        )


@dataclass(frozen=True)
class RollupRow:
    """A row of the plan on a page: a workstream, a programme's or an objective's subtotal, or the total."""

    level: str
    """``workstream``, ``programme``, ``objective`` or ``total``."""
    id: str
    name: str
    objective: str
    programme: str
    amounts: Amounts


@dataclass(frozen=True)
class Rollup:
    year: str
    workstreams: tuple[RollupRow, ...]
    programmes: tuple[RollupRow, ...]
    objectives: tuple[RollupRow, ...]
    total: RollupRow
    do_nothing: float
    do_something: float
    items: Mapping[str, Amounts]
    """Each contribution by item, ``line:ID`` or ``scheme:ID`` (the savings a decision puts at stake)."""
    item_names: Mapping[str, str]

    @property
    def rows(self) -> tuple[RollupRow, ...]:
        """Each objective, its programmes each followed by their workstreams (the file's order); the total."""
        ordered: list[RollupRow] = []
        for objective in self.objectives:
            ordered.append(objective)
            for programme in self.programmes:
                if programme.objective != objective.name:
                    continue
                ordered.append(programme)
                ordered.extend(w for w in self.workstreams if w.programme == programme.name)
        return (*ordered, self.total)

    def at_stake(self, items: Iterable[str]) -> float:
        """The net money (£'000) of the schemes and plan lines named by id."""
        total = 0.0
        for item in items:
            for key in (f"line:{item}", f"scheme:{item}"):
                if key in self.items:
                    total += self.items[key].net
        return total


def contributions(results: Results, year: str) -> dict[str, Amounts]:
    """Each plan line's and scheme's part of the system bridge in ``year`` (lines split into schemes)."""
    scenario = results.scenario
    column = results.positions.sel(org=SYSTEM, year=year)
    items: dict[str, Amounts] = defaultdict(Amounts)
    summary = results.scheme_summary
    for line in scenario.positions.plan_lines:
        value = float(column.sel(line=line.id))
        category = KIND_CATEGORY[line.kind]
        spec = line.from_schemes
        if spec is None:
            items[f"line:{line.id}"] += _amount(category, value)
            continue
        chosen = spec.schemes if spec.schemes else [str(s) for s in summary.scheme.values]
        parts = 0.0
        for scheme in chosen:
            cell = summary.sel(scheme=scheme, year=year, basis=spec.basis)
            benefit, invested = float(cell["benefit"]), float(cell["investment"])
            if spec.measure == "savings":
                part = Amounts(savings=benefit)
            elif spec.measure == "investment":
                part = Amounts(investment=invested)
            else:
                part = Amounts(savings=benefit, investment=invested)
            items[f"scheme:{scheme}"] += part
            parts += part.net
        items[f"line:{line.id}"] += _amount(category, value - parts)
    change = results.scheme_activity.avoided_growth + results.scheme_activity.reduction
    for scheme in results.schemes:
        by_pod = change.sel(scheme=scheme, year=year)
        activity = {
            results.pod_label(str(pod)): float(by_pod.sel(pod=pod))
            for pod in by_pod.pod.values
            if float(by_pod.sel(pod=pod)) != 0.0
        }
        items[f"scheme:{scheme}"] += Amounts(activity=activity)
    return dict(items)


def _amount(category: str, value: float) -> Amounts:
    return Amounts(
        savings=value if category == "savings" else 0.0,
        investment=value if category == "investment" else 0.0,
        funding=value if category == "funding" else 0.0,
        other=value if category == "other" else 0.0,
    )


def rollup(programme: Programme, results: Results, year: str | None = None) -> Rollup:
    """The plan on a page for ``year`` (default the run's bridge year); every scheme and plan line must be in
    a workstream (the programme's checks against the scenario make sure)."""
    chosen = year or results.bridge_year
    items = contributions(results, chosen)
    names = {f"line:{line.id}": line.name for line in results.scenario.positions.plan_lines}
    names |= {f"scheme:{scheme}": results.scheme_label(scheme) for scheme in results.schemes}
    rows: list[RollupRow] = []
    for view in workstreams(programme):
        keys = [f"scheme:{s}" for s in view.workstream.schemes] + [f"line:{x}" for x in view.workstream.lines]
        amounts = sum((items.get(key, Amounts()) for key in keys), Amounts())
        rows.append(
            RollupRow("workstream", view.id, view.name, view.objective.name, view.programme.name, amounts)
        )
    programmes = [
        RollupRow(
            "programme",
            prog.id,
            prog.name,
            objective.name,
            prog.name,
            sum(
                (r.amounts for r in rows if r.programme == prog.name and r.objective == objective.name),
                Amounts(),
            ),
        )
        for objective in programme.objectives
        for prog in objective.programmes
    ]
    objectives = [
        RollupRow(
            "objective",
            objective.id,
            objective.name,
            objective.name,
            "",
            sum((r.amounts for r in rows if r.objective == objective.name), Amounts()),
        )
        for objective in programme.objectives
    ]
    total = RollupRow("total", "total", "Total", "", "", sum((r.amounts for r in rows), Amounts()))
    column = results.positions.sel(org=SYSTEM, year=chosen)
    return Rollup(
        chosen,
        tuple(rows),
        tuple(programmes),
        tuple(objectives),
        total,
        float(column.sel(line="do_nothing")),
        float(column.sel(line="do_something")),
        items,
        names,
    )


def bridge_difference(rolled: Rollup) -> float:
    """Do-nothing + the workstreams' total − do-something: zero when the roll-up adds to the bridge."""
    return rolled.do_nothing + rolled.total.amounts.net - rolled.do_something
