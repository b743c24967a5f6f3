"""Programme budgets benchmarked against peers: the pure arithmetic of spend per head by programme category
and the variance to a comparator as money (the "opportunity"), with outcomes beside spend (docs/outcomes.md).

Here, below the engine, so that a scenario can name a benchmark's opportunity in a driver formula
(``opportunity.<id>``: :func:`opportunity_names`); :mod:`carebridge.delivery.programme_budgets` loads the
files for the ``outcomes benchmark`` command and adds the plan's changes. The file is read by the one YAML
loader (``load_model``) with :func:`budget_problems` as its checks of meaning.

Money is £'000; spend per head is £ per head (of the population or the weighted population).
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.errors import InputError, Path, Problem, did_you_mean
from carebridge.scenario.schema import OpportunityBenchmark, Parameter, Scenario
from carebridge.scenario.side_files import SideFiles


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


PROGRAMME_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("1", "Infectious diseases"),
    ("2", "Cancers and tumours"),
    ("3", "Disorders of blood"),
    ("4", "Endocrine, nutritional and metabolic problems"),
    ("4a", "Diabetes"),
    ("5", "Mental health disorders"),
    ("6", "Learning disability problems"),
    ("7", "Neurological system problems"),
    ("8", "Problems of vision"),
    ("9", "Problems of hearing"),
    ("10", "Problems of circulation"),
    ("11", "Problems of the respiratory system"),
    ("12", "Dental problems"),
    ("13", "Problems of the gastro-intestinal system"),
    ("14", "Problems of the skin"),
    ("15", "Problems of the musculo-skeletal system"),
    ("16", "Problems due to trauma and injuries"),
    ("17", "Problems of the genito-urinary system"),
    ("18", "Maternity and reproductive health"),
    ("19", "Conditions of neonates"),
    ("20", "Adverse effects and poisoning"),
    ("21", "Healthy individuals"),
    ("22", "Social care needs"),
    ("23", "Other"),
)
"""The 23 programme budget categories of the NHS in England (Department of Health, Programme Budgeting), with
4a Diabetes shown apart from 4 as the Stockport plan's Figure 5 does."""

Role = Literal["system", "peer", "reference"]
Comparator = Literal["peer_average", "lower_quartile", "best", "best_five", "reference"]
COMPARATOR_WORDS: dict[str, str] = {
    "peer_average": "the peer average",
    "lower_quartile": "the peers' lower quartile",
    "best": "the lowest-spending peer",
    "best_five": "the average of the five lowest-spending peers",
    "reference": "the reference",
}
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]


class ProgrammeBudgetError(InputError):
    """A programme budget benchmark that cannot be used."""

    kind = "programme budget"
    expected = "a programme budget with name, year and areas"


class Category(Model):
    code: str
    name: str


class Area(Model):
    """The system, a peer or the reference (national or regional average): its spend by category in a year."""

    name: str
    role: Role
    year: str
    population: Positive = Field(description="Resident or registered population.")
    weighted_population: Positive | None = Field(None, description="Population weighted for need.")
    spend: dict[str, float] = Field(description="Spend by category code, £'000 (or per 100,000: `spend_is`).")
    outcomes: dict[str, float] = Field(default_factory=dict, description="An outcome by category (e.g. SMR).")
    status: Literal["published", "synthetic"] = "published"


class PlanChange(Model):
    """A scheme's investment or saving in a programme category (after the plan: Table 15)."""

    scheme: str
    category: str
    investment: NonNegative = 0.0
    saving: NonNegative = 0.0


class PlanFrom(Model):
    """The plan's changes by programme from a scenario's run: each scheme's investment and saving in a year,
    shared among programme categories (Table 15)."""

    scenario: str = Field(description="The scenario file, relative to this file.")
    year: str = Field(description="The year of the plan whose investment and savings are taken.")
    basis: Literal["tariff", "cost"] = "cost"
    schemes: dict[str, dict[str, Annotated[float, Field(gt=0, le=1)]]] = Field(
        description="Each scheme's id and its shares by programme category, adding to 1."
    )


class Outcome(Model):
    name: str = Field(description="What the outcomes are, e.g. `SMR 2002-04`.")
    direction: Literal["higher_is_better", "lower_is_better"] = "lower_is_better"


class ProgrammeBudget(Model):
    name: str
    source: str | None = None
    year: str = Field(description="The benchmark's year; every area's must be the same.")
    spend_is: Literal["total", "per_100000"] = Field(
        "total", description="Whether an area's spend is its total or its spend per 100,000 population."
    )
    per: Literal["population", "weighted_population"] = "population"
    comparator: Comparator = "peer_average"
    material_percent: Annotated[float, Field(ge=0)] = Field(
        10.0, description="A variance above this percent of the comparator is material (above or below)."
    )
    categories: list[Category] | None = Field(
        None, description="The file's own categories; the programme budget categories when omitted."
    )
    outcome: Outcome | None = None
    areas: list[Area]
    plan: list[PlanChange] = Field(default_factory=list)
    plan_from: PlanFrom | None = Field(None, description="The plan's changes from a scenario's run instead.")


def categories_of(budget: ProgrammeBudget) -> tuple[tuple[str, str], ...]:
    if budget.categories is None:
        return PROGRAMME_CATEGORIES
    return tuple((category.code, category.name) for category in budget.categories)


def budget_problems(budget: ProgrammeBudget) -> list[Problem]:
    problems: list[Problem] = []
    codes = [code for code, _ in categories_of(budget)]
    roles = [area.role for area in budget.areas]
    if roles.count("system") != 1:
        problems.append(Problem(("areas",), f"{roles.count('system')} areas have role system; expected one"))
    if "peer" not in roles and "reference" not in roles:
        problems.append(Problem(("areas",), "no peer and no reference to benchmark against"))
    if budget.comparator == "reference" and "reference" not in roles:
        problems.append(
            Problem(("comparator",), "the comparator is the reference but no area has role reference")
        )
    if budget.comparator == "best_five" and roles.count("peer") < 5:
        problems.append(
            Problem(("comparator",), f"best_five needs five peers or more; {roles.count('peer')} given")
        )
    for index, area in enumerate(budget.areas):
        path: Path = ("areas", index)
        if area.year != budget.year:
            problems.append(
                Problem(
                    (*path, "year"),
                    f"{area.name} is for {area.year}; every area must be for the benchmark's year "
                    f"{budget.year}",
                )
            )
        if budget.per == "weighted_population" and area.weighted_population is None:
            problems.append(
                Problem((*path, "weighted_population"), "missing; the benchmark is per weighted head")
            )
        for part in ("spend", "outcomes"):
            for code in getattr(area, part):
                if code not in codes:
                    problems.append(Problem((*path, part, code), _unknown(code, codes)))
    for index, change in enumerate(budget.plan):
        if change.category not in codes:
            problems.append(Problem(("plan", index, "category"), _unknown(change.category, codes)))
    if budget.plan_from is not None:
        if budget.plan:
            problems.append(Problem(("plan_from",), "give the plan's changes in plan or plan_from, not both"))
        for scheme, shares in budget.plan_from.schemes.items():
            for code in shares:
                if code not in codes:
                    problems.append(Problem(("plan_from", "schemes", scheme, code), _unknown(code, codes)))
            if abs(sum(shares.values()) - 1) > 1e-6:
                message = f"the shares of {scheme} add to {sum(shares.values()):g}; expected 1"
                problems.append(Problem(("plan_from", "schemes", scheme), message))
    return problems


def _unknown(code: str, codes: Sequence[str]) -> str:
    return f"category {code!r} is not in the list ({', '.join(codes)}){did_you_mean(code, codes)}"


# --- the benchmark -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryBenchmark:
    """One category: the system's spend and spend per head against the comparator, the variance as money,
    and the outcome beside it."""

    code: str
    name: str
    spend: float
    per_head: float
    comparator: float | None
    variance_per_head: float | None
    variance_percent: float | None
    opportunity: float | None
    """(system − comparator) per head × the system's heads, £'000: positive where the system spends more."""
    position: Literal["above", "below", "similar"] | None
    outcome: float | None
    peer_outcome: float | None
    quadrant: str | None

    @property
    def review(self) -> bool:
        """A review area: a material variance with a worse outcome than the peers'."""
        return (
            self.quadrant is not None
            and self.quadrant.endswith("worse outcome")
            and self.position != "similar"
        )


@dataclass(frozen=True)
class Benchmark:
    name: str
    year: str
    system: str
    comparator: str
    basis: str
    rows: tuple[CategoryBenchmark, ...]

    @property
    def total_spend(self) -> float:
        return sum(row.spend for row in self.rows)

    @property
    def total_opportunity(self) -> float:
        return sum(row.opportunity or 0.0 for row in self.rows)

    def top_opportunity(self, count: int) -> float:
        """The sum of the ``count`` largest positive opportunities (the STP's "top six opportunity areas")."""
        positive = sorted(
            (row.opportunity or 0.0 for row in self.rows if (row.opportunity or 0) > 0), reverse=True
        )
        return sum(positive[:count])


def _heads(budget: ProgrammeBudget, area: Area) -> float:
    if budget.per == "weighted_population":
        assert area.weighted_population is not None
        return area.weighted_population
    return area.population


def area_spend(budget: ProgrammeBudget, area: Area, code: str) -> float:
    """The area's spend in ``code``, £'000 (from spend per 100,000 when the file gives that)."""
    value = area.spend.get(code, 0.0)
    return value * area.population / 100_000 if budget.spend_is == "per_100000" else value


def per_head(budget: ProgrammeBudget, area: Area, code: str, spend: float | None = None) -> float:
    """£ per head (or weighted head) of the area's spend in ``code``."""
    money = area_spend(budget, area, code) if spend is None else spend
    return money * 1000 / _heads(budget, area)


def quantile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile of ``values``, linear between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def comparator_value(kind: Comparator, peers: Sequence[float], reference: float | None) -> float | None:
    if kind == "reference":
        return reference
    if not peers:
        return None
    if kind == "peer_average":
        return sum(peers) / len(peers)
    if kind == "lower_quartile":
        return quantile(peers, 0.25)
    if kind == "best":
        return min(peers)
    best = sorted(peers)[:5]
    return sum(best) / len(best)


def benchmark(
    budget: ProgrammeBudget, comparator: Comparator | None = None, after_plan: bool = False
) -> Benchmark:
    """The system's spend by category against ``comparator`` (the file's own when ``None``); ``after_plan``
    adds each category's investment and takes off its savings (the plan's changes) first."""
    kind = comparator or budget.comparator
    system = next(area for area in budget.areas if area.role == "system")
    peers = [area for area in budget.areas if area.role == "peer"]
    reference = next((area for area in budget.areas if area.role == "reference"), None)
    changes: dict[str, float] = {}
    if after_plan:
        for change in budget.plan:
            changes[change.category] = changes.get(change.category, 0.0) + change.investment - change.saving
    higher_better = budget.outcome is not None and budget.outcome.direction == "higher_is_better"
    rows = []
    for code, name in categories_of(budget):
        if code not in system.spend and all(code not in area.spend for area in budget.areas):
            continue
        spend = area_spend(budget, system, code) + changes.get(code, 0.0)
        head = per_head(budget, system, code, spend)
        value = comparator_value(
            kind,
            [per_head(budget, peer, code) for peer in peers],
            per_head(budget, reference, code) if reference is not None else None,
        )
        variance = None if value is None else head - value
        percent = None if value is None or value == 0 or variance is None else 100 * variance / value
        position: Literal["above", "below", "similar"] | None = None
        if percent is not None:
            position = (
                "similar"
                if abs(percent) <= budget.material_percent
                else ("above" if percent > 0 else "below")
            )
        opportunity = None if variance is None else variance * _heads(budget, system) / 1000
        outcome = system.outcomes.get(code)
        peer_outcomes = [peer.outcomes[code] for peer in peers if code in peer.outcomes]
        peer_outcome = sum(peer_outcomes) / len(peer_outcomes) if peer_outcomes else None
        quadrant = None
        if outcome is not None and peer_outcome is not None and variance is not None:
            worse = outcome < peer_outcome if higher_better else outcome > peer_outcome
            quadrant = (
                f"{'higher' if variance > 0 else 'lower'} spend, {'worse' if worse else 'better'} outcome"
            )
        rows.append(
            CategoryBenchmark(
                code,
                name,
                spend,
                head,
                value,
                variance,
                percent,
                opportunity,
                position,
                outcome,
                peer_outcome,
                quadrant,
            )
        )
    words = reference.name if kind == "reference" and reference is not None else COMPARATOR_WORDS[kind]
    return Benchmark(
        budget.name,
        budget.year,
        system.name,
        words,
        "weighted head" if budget.per == "weighted_population" else "head",
        tuple(rows),
    )


def by_code(bench: Benchmark) -> Mapping[str, CategoryBenchmark]:
    return {row.code: row for row in bench.rows}


# --- opportunities named in a scenario's formulas ----------------------------------------------------------

OPPORTUNITY = "opportunity"
"""The first part of an opportunity's name in a formula: ``opportunity.<benchmark id>[.<category>]``."""


def category_name(code: str) -> str:
    """A category as a formula names it: its code when that is a name (``contract``), else ``c`` and the code
    (``c10`` for 10 Problems of circulation, ``c4a`` for Diabetes), since a formula cannot read ``.10``."""
    return code if code.isidentifier() and not keyword.iskeyword(code) else f"c{code}"


def opportunity_values(
    reference: OpportunityBenchmark, budget: ProgrammeBudget
) -> tuple[dict[str, float], str]:
    """The names a benchmark gives a formula and their values, £'000, and what they are in words:
    ``opportunity.<id>``, the sum of the ``top`` largest opportunities (every one above the comparator when
    ``top`` is not given), and ``opportunity.<id>.<category>`` for each category of the file's list (its
    opportunity, negative where the system spends less; 0 where no area spends)."""
    kind: Comparator = reference.comparator or budget.comparator  # type: ignore[assignment]
    bench = benchmark(budget, kind)
    rows = by_code(bench)
    count = reference.top if reference.top is not None else len(bench.rows)
    values = {f"{OPPORTUNITY}.{reference.id}": bench.top_opportunity(count)}
    for code, _ in categories_of(budget):
        row = rows.get(code)
        values[f"{OPPORTUNITY}.{reference.id}.{category_name(code)}"] = (
            row.opportunity or 0.0 if row is not None else 0.0
        )
    largest = f"the {count} largest opportunities" if reference.top is not None else "every opportunity"
    return values, f"{bench.name}: {largest} against {bench.comparator}"


BudgetReader = Callable[[bytes, str], ProgrammeBudget]
"""Reads a programme budget file from its bytes; the second argument names the file in messages."""
"""Reads a programme budget file (the loader's ``load_model``), raising :class:`InputError` if it cannot."""


def scenario_opportunities(
    scenario: Scenario, files: SideFiles, read: BudgetReader
) -> tuple[dict[str, Parameter], list[Problem]]:
    """Each benchmark the scenario names, read from its file (relative to the scenario's, from ``files``) and
    benchmarked: the opportunities as parameters named ``opportunity.<id>…`` (£'000), and the problems — a
    file missing or wrong, an unknown comparator, a benchmark named twice. A benchmark with a problem still
    gives ``opportunity.<id>`` (as 0), so that a formula naming it is not reported too."""
    parameters: dict[str, Parameter] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, reference in enumerate(scenario.benchmarks):
        path: Path = ("benchmarks", index)
        if reference.id in seen:
            problems.append(Problem((*path, "id"), f"benchmark {reference.id!r} is named twice"))
            continue
        seen.add(reference.id)
        if not reference.id.isidentifier() or keyword.iskeyword(reference.id):
            message = (
                f"{reference.id!r} is not a name a formula can use; expected letters, digits and "
                "underscores, starting with a letter"
            )
            problems.append(Problem((*path, "id"), message))
            continue
        found, wrong = _benchmark_values(reference, path, files, read)
        problems.extend(wrong)
        if wrong:
            found = {f"{OPPORTUNITY}.{reference.id}": (0.0, "")}
        for name, (value, words) in found.items():
            parameters[name] = Parameter(value=value, unit="£'000", note=words or None)
    return parameters, problems


def _benchmark_values(
    reference: OpportunityBenchmark, path: Path, files: SideFiles, read: BudgetReader
) -> tuple[dict[str, tuple[float, str]], list[Problem]]:
    if reference.comparator is not None and reference.comparator not in COMPARATOR_WORDS:
        message = (
            f"comparator {reference.comparator!r} is not one of {', '.join(COMPARATOR_WORDS)}"
            f"{did_you_mean(reference.comparator, list(COMPARATOR_WORDS))}"
        )
        return {}, [Problem((*path, "comparator"), message)]
    data = files.read(reference.file)
    if data is None:
        message = files.missing(reference.file, "programme budget file", "a benchmark file")
        return {}, [Problem((*path, "file"), message)]
    try:
        budget = read(data, files.shown(reference.file))
    except InputError as error:
        return {}, list(error.problems)
    peers = sum(area.role == "peer" for area in budget.areas)
    if reference.comparator == "best_five" and peers < 5:
        return {}, [
            Problem((*path, "comparator"), f"best_five needs five peers or more; the file has {peers}")
        ]
    if reference.comparator == "reference" and all(area.role != "reference" for area in budget.areas):
        return {}, [Problem((*path, "comparator"), "the file has no area with role reference")]
    values, words = opportunity_values(reference, budget)
    return {name: (value, words) for name, value in values.items()}, []


def is_opportunity_name(name: str, scenario: Scenario) -> bool:
    """Whether ``name`` is one the loader gives a benchmark's opportunity (not a parameter a user typed)."""
    parts = name.split(".")
    ids = {reference.id for reference in scenario.benchmarks}
    return len(parts) in (2, 3) and parts[0] == OPPORTUNITY and parts[1] in ids


def unknown_opportunity(name: str, allowed: Sequence[str]) -> str | None:
    """Why ``opportunity.…`` is not a named input, in words (None for any other name)."""
    parts = name.split(".")
    if parts[0] != OPPORTUNITY or len(parts) < 2:
        return None
    ids = [n.split(".")[1] for n in allowed if n.startswith(f"{OPPORTUNITY}.") and n.count(".") == 1]
    if parts[1] not in ids:
        if not ids:
            return "; the scenario names no benchmark (benchmarks: id, file) whose opportunity it could use"
        return (
            f"; no benchmark {parts[1]!r}: the benchmarks are {', '.join(ids)}{did_you_mean(parts[1], ids)}"
        )
    if len(parts) == 3:
        prefix = f"{OPPORTUNITY}.{parts[1]}."
        codes = [n[len(prefix) :] for n in allowed if n.startswith(prefix)]
        return (
            f"; category {parts[2]!r} is not in the list of benchmark {parts[1]!r} ({', '.join(codes)})"
            f"{did_you_mean(parts[2], codes)}"
        )
    return f"; expected opportunity.{parts[1]} or opportunity.{parts[1]}.<category>"
