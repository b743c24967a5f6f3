"""Programme budgets benchmarked against peers, for the ``outcomes benchmark`` command: the file loaded, the
plan's changes by programme (Table 15) and a plan line from the opportunity (docs/outcomes.md).

From the Stockport PCT plan (seed ``001_…``, Figures 5–7: "significantly above peer group average investment
for Cardio vascular disease, Healthy Individuals, Maternity, Cancer, with a below average investment for
Mental Health"), Stockport Together (seed ``000_…``, Table 13: "£5.43 less per weighted head of population";
Tables 14–15: the variance to the national average before and after the plan) and the Staffordshire and
Stoke-on-Trent STP (seed ``002_…``: "a total opportunity of £55m … only 50% of this benefit will be
realised").

The arithmetic — spend per head, the variance to a comparator, the opportunity in £'000 — is one copy, in
:mod:`carebridge.scenario.benchmarks`, below the engine so that a scenario's driver formula can name an
opportunity (``opportunity.<id>``); it is re-exported here.
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carebridge.scenario.benchmarks import (
    COMPARATOR_WORDS,
    PROGRAMME_CATEGORIES,
    Area,
    Benchmark,
    Category,
    CategoryBenchmark,
    Comparator,
    Outcome,
    PlanChange,
    PlanFrom,
    ProgrammeBudget,
    ProgrammeBudgetError,
    Role,
    area_spend,
    benchmark,
    budget_problems,
    by_code,
    categories_of,
    comparator_value,
    per_head,
    quantile,
)
from carebridge.scenario.loader import load_model

__all__ = [
    "COMPARATOR_WORDS",
    "PROGRAMME_CATEGORIES",
    "Area",
    "Benchmark",
    "Category",
    "CategoryBenchmark",
    "Comparator",
    "Outcome",
    "PlanChange",
    "PlanFrom",
    "ProgrammeBudget",
    "ProgrammeBudgetError",
    "Role",
    "SchemeMoney",
    "area_spend",
    "benchmark",
    "budget_problems",
    "by_code",
    "categories_of",
    "comparator_value",
    "load_programme_budget",
    "opportunity_line",
    "per_head",
    "plan_changes",
    "quantile",
    "with_plan",
]


def load_programme_budget(path: str | pathlib.Path) -> ProgrammeBudget:
    """The programme budget benchmark in the YAML file at ``path``; :class:`ProgrammeBudgetError` if not."""
    return load_model(path, ProgrammeBudget, ProgrammeBudgetError, budget_problems)[0]


@dataclass(frozen=True)
class SchemeMoney:
    """A scheme's name, investment (positive) and saving (positive) in the plan's year, £'000."""

    name: str
    investment: float
    saving: float


def plan_changes(mapping: PlanFrom, schemes: Mapping[str, SchemeMoney]) -> list[PlanChange]:
    """Each mapped scheme's investment and saving shared among its categories."""
    return [
        PlanChange(
            scheme=schemes[scheme].name,
            category=code,
            investment=schemes[scheme].investment * share,
            saving=schemes[scheme].saving * share,
        )
        for scheme, shares in mapping.schemes.items()
        for code, share in shares.items()
    ]


def with_plan(budget: ProgrammeBudget, changes: Sequence[PlanChange]) -> ProgrammeBudget:
    return budget.model_copy(update={"plan": list(changes)})


def opportunity_line(bench: Benchmark, top: int, realisation: float) -> float:
    """A plan line from a benchmark: the ``top`` largest opportunities × ``realisation`` (0 to 1), £'000."""
    if not 0 <= realisation <= 1:
        raise ValueError(f"realisation {realisation}; expected 0 to 1")
    return bench.top_opportunity(top) * realisation
