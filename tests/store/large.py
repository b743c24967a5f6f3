"""A large synthetic plan (50 PODs, 40 providers, 2016/17 to 2024/25) and actuals files for it: every month,
POD and provider is one row, 216,000 rows in all."""

from __future__ import annotations

import csv
from pathlib import Path

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.months import months_of_year
from carebridge.engine import run
from carebridge.scenario.loader import load_scenario

PLAN = "large"
ORGANISATIONS = [f"org{i:02d}" for i in range(40)]
PODS = [f"pod{i:02d}" for i in range(50)]


def write_scenario(path: Path) -> Path:
    share = "{" + ", ".join(f"{org}: 0.025" for org in ORGANISATIONS) + "}"
    lines = ["format_version: 1", "name: Large synthetic plan", "base_year: 2016/17", "end_year: 2024/25"]
    lines.append("organisations:")
    lines += [f"  - {{id: {org}, name: Organisation {org}, kind: acute}}" for org in ORGANISATIONS]
    lines.append("pods:")
    for pod in PODS:
        lines += [
            f"  - id: {pod}",
            f"    name: POD {pod}",
            "    unit: spell",
            "    activity: {base: 10000, growth: 0.02}",
            "    price: 100",
            f"    providers: {share}",
        ]
    lines += [
        "schemes:",
        "  - id: s1",
        "    name: Scheme one",
        "    owner: org00",
        "    effects:",
        "      - {kind: reduce, pod: pod00, fraction: {2017/18: 0.05}}",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def baseline_of(scenario: Path) -> PlanBaseline:
    return PlanBaseline.from_results(run(load_scenario(scenario).scenario))


def write_actuals(path: Path, baseline: PlanBaseline, limit: int | None = None, value: float = 20.5) -> int:
    """Every (month, POD, provider) of the plan, up to ``limit`` rows; returns the number of rows."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["month", "pod", "provider", "activity"])
        for year in baseline.years:
            for month in months_of_year(year):
                for pod in baseline.activity_pods:
                    for provider in baseline.pod(pod).providers:
                        if limit is not None and written >= limit:
                            return written
                        writer.writerow([month.label, pod, provider, value])
                        written += 1
    return written
