"""The approved plan as monitoring reads it: the run's tidy tables and what names them, with no engine.

A :class:`PlanBaseline` is made once from a run (:meth:`PlanBaseline.from_results`, given the run's tidy
statement and positions: :func:`carebridge.report.tidy.plan_documents`) when a plan is approved, stored,
and read back from the store for every later comparison, so actuals are compared with the plan as approved
without running the scenario again.

Tables (money in £'000; activity removed and savings negative, as in every CareBridge output):

- ``activity``: year, pod, do_nothing, avoided_growth, reduction, do_something
- ``scheme_activity``: scheme, year, pod, avoided_growth, reduction
- ``savings``: scheme, year, pod, provider, source, basis, value
- ``investment``: scheme, year, recurrent, non_recurrent
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from carebridge.engine.labels import plain

if TYPE_CHECKING:
    from carebridge.engine.results import Results

ACTIVITY_COLUMNS = ("year", "pod", "do_nothing", "avoided_growth", "reduction", "do_something")
SCHEME_ACTIVITY_COLUMNS = ("scheme", "year", "pod", "avoided_growth", "reduction")
SAVINGS_COLUMNS = ("scheme", "year", "pod", "provider", "source", "basis", "value")
INVESTMENT_COLUMNS = ("scheme", "year", "recurrent", "non_recurrent")


@dataclass(frozen=True)
class PodInfo:
    id: str
    name: str
    unit: str
    providers: Mapping[str, float]
    """Provider organisation (or ``other``) → share of the POD's activity."""
    has_activity: bool
    improvement: str | None = None
    """The scenario's improvement direction for SPC (``increase``, ``decrease``, ``neutral``); None: the
    plan's (:func:`carebridge.delivery.monitor.plan_lines`)."""


@dataclass(frozen=True)
class SchemeInfo:
    id: str
    name: str
    group: str | None
    owner: str | None


@dataclass(frozen=True, eq=False)
class PlanBaseline:
    """What an approved plan holds for monitoring."""

    scenario_name: str
    years: tuple[str, ...]
    pods: tuple[PodInfo, ...]
    schemes: tuple[SchemeInfo, ...]
    organisations: Mapping[str, str]
    """Organisation id → name (``other`` included)."""
    activity: pd.DataFrame
    scheme_activity: pd.DataFrame
    savings: pd.DataFrame
    investment: pd.DataFrame
    documents: Mapping[str, Any] = field(default_factory=dict)
    """Other tables of the run kept as they are (``statement``, ``positions``: lists of records)."""

    @classmethod
    def from_results(cls, results: Results, documents: Mapping[str, Any] | None = None) -> PlanBaseline:
        """The baseline of a run; ``documents``: other tables of the run to keep as they are (the tidy
        ``statement`` and ``positions`` as lists of records when a plan is approved)."""
        scenario = results.scenario
        activity_pods = {str(pod) for pod in results.activity.pod.values}
        pods = tuple(
            PodInfo(pod.id, pod.name, pod.unit, dict(pod.providers), pod.id in activity_pods, pod.improvement)
            for pod in scenario.pods
        )
        schemes = tuple(SchemeInfo(s.id, s.name, s.group, s.owner) for s in scenario.schemes)
        organisations = {o.id: o.name for o in scenario.organisations}
        organisations.setdefault("other", "Other providers")
        activity = results.activity.to_dataframe().reset_index()[list(ACTIVITY_COLUMNS)]
        scheme_activity = plain(results.scheme_activity).to_dataframe().reset_index()
        savings = plain(results.savings).rename("value").to_dataframe().reset_index()
        savings = savings[savings["value"] != 0]
        investment = plain(results.scheme_investment).to_dataframe().reset_index()
        return cls(
            scenario_name=scenario.name,
            years=tuple(results.years),
            pods=pods,
            schemes=schemes,
            organisations=organisations,
            activity=_clean(activity, ACTIVITY_COLUMNS),
            scheme_activity=_clean(scheme_activity, SCHEME_ACTIVITY_COLUMNS),
            savings=_clean(savings, SAVINGS_COLUMNS),
            investment=_clean(investment, INVESTMENT_COLUMNS),
            documents=dict(documents or {}),
        )

    def pod(self, pod_id: str) -> PodInfo:
        for pod in self.pods:
            if pod.id == pod_id:
                return pod
        raise KeyError(pod_id)

    @property
    def activity_pods(self) -> list[str]:
        return [pod.id for pod in self.pods if pod.has_activity]

    @property
    def scheme_ids(self) -> list[str]:
        return [scheme.id for scheme in self.schemes]

    def scheme_name(self, scheme_id: str) -> str:
        return {s.id: s.name for s in self.schemes}.get(scheme_id, scheme_id)

    def pod_name(self, pod_id: str) -> str:
        return {p.id: p.name for p in self.pods}.get(pod_id, pod_id)

    def org_name(self, org_id: str) -> str:
        return self.organisations.get(org_id, org_id)

    def reference(self) -> dict[str, Any]:
        """Everything but the tables, as JSON-ready data (what the store keeps beside the tables)."""
        return {
            "scenario_name": self.scenario_name,
            "years": list(self.years),
            "pods": [
                {
                    "id": p.id,
                    "name": p.name,
                    "unit": p.unit,
                    "providers": dict(p.providers),
                    "has_activity": p.has_activity,
                    "improvement": p.improvement,
                }
                for p in self.pods
            ],
            "schemes": [
                {"id": s.id, "name": s.name, "group": s.group, "owner": s.owner} for s in self.schemes
            ],
            "organisations": dict(self.organisations),
        }

    @classmethod
    def from_parts(
        cls,
        reference: Mapping[str, Any],
        tables: Mapping[str, pd.DataFrame],
        documents: Mapping[str, Any] | None = None,
    ) -> PlanBaseline:
        """Rebuild a baseline from :meth:`reference` and the four tables (as the store reads them)."""
        return cls(
            scenario_name=str(reference["scenario_name"]),
            years=tuple(str(year) for year in reference["years"]),
            pods=tuple(
                PodInfo(
                    str(p["id"]),
                    str(p["name"]),
                    str(p["unit"]),
                    {str(k): float(v) for k, v in p["providers"].items()},
                    bool(p["has_activity"]),
                    p.get("improvement"),
                )
                for p in reference["pods"]
            ),
            schemes=tuple(
                SchemeInfo(str(s["id"]), str(s["name"]), s.get("group"), s.get("owner"))
                for s in reference["schemes"]
            ),
            organisations={str(k): str(v) for k, v in reference["organisations"].items()},
            activity=_clean(tables["activity"], ACTIVITY_COLUMNS),
            scheme_activity=_clean(tables["scheme_activity"], SCHEME_ACTIVITY_COLUMNS),
            savings=_clean(tables["savings"], SAVINGS_COLUMNS),
            investment=_clean(tables["investment"], INVESTMENT_COLUMNS),
            documents=dict(documents or {}),
        )


def _clean(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The columns in order, text as ``str``, numbers as float, the index reset."""
    out = frame[list(columns)].copy()
    for column in columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(float)
        else:
            out[column] = out[column].astype(str)
    return out.reset_index(drop=True)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts keyed by column name."""
    return [{str(key): value for key, value in row.items()} for row in frame.to_dict(orient="records")]
