"""The report's tables of several runs written as text, to pin them: every FormattedTable (title, columns,
rows, cells, kinds, flags, notes) and the other things the table modules build (reconciliation rows, the
appraisal's tables and charts), each as its ``repr`` (exact for floats: ``-0.0``, ``nan`` and every digit).

``python tests/report/tables_reference.py`` writes ``tests/report/data/tables_reference.json``; it was
written from main's table modules (read through xarray) before they read the results as views, and
``test_tables_identical.py`` holds every later version to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from carebridge.engine.appraisal import Appraisal, appraise
from carebridge.engine.results import Results
from carebridge.report.appraisal import appraisal_charts, appraisal_tables, public_value_tables
from carebridge.report.plan_demand import growth_split_table
from carebridge.report.plan_tables import all_tables, plan_years, statement_net
from carebridge.report.reconcile import reconcile
from carebridge.scenario.loader import load_scenario_text
from carebridge.usecases.appraisal import appraise_file, default_appraisal
from carebridge.usecases.planning import load, run

ROOT = Path(__file__).parents[2]
REFERENCE = Path(__file__).parent / "data" / "tables_reference.json"
SCENARIOS = (
    "examples/stockport-2017/scenario.yaml",
    "examples/staffordshire-stp-2016/scenario.yaml",
    "examples/stockport-2017/demand.yaml",
    "examples/staffordshire-stp-2016/effects.yaml",
    "examples/two-places/north.yaml",
    "tests/scenario/fixtures/worked_example.yaml",
)
"""Scenario files whose every table is pinned: the three the command's outputs are checked on, and those
with capacity, a workforce, cohorts over time or published figures."""
OPTIMISM_BIAS = (
    "examples/stockport-2017/scenario.yaml",
    "examples/stockport-2017/appraisal-optimism-bias.yaml",
)
PUBLIC_VALUE = """\
format_version: 1
name: Public value
base_year: 2016/17
end_year: 2019/20
organisations:
  - {id: ccg, name: The CCG, kind: commissioner}
  - {id: council, name: The council, kind: council}
pods:
  - {id: prescribing, name: Prescribing, unit: item}
schemes:
  - id: meds
    name: Medicines optimisation
    owner: ccg
    effects:
      - kind: direct_saving
        pod: prescribing
        saving: {2017/18: 100, 2018/19: 100, 2019/20: 66}
        release: immediate
    investment:
      non_recurrent: {2016/17: 100}
    non_cash_benefits:
      - id: falls
        name: Falls avoided
        kind: social
        measure: qalys
        amount: {2017/18: 1}
        value_per_qaly: 70000
        beneficiary: Residents
      - id: dwp
        name: Fewer benefit claims
        kind: fiscal
        amount: {2018/19: 20, 2019/20: 0}
        beneficiary: Department for Work and Pensions
        payer: council
positions:
  do_nothing: {ccg: 1000}
"""
"""A scenario with benefits beyond cash (the public value tables)."""


def run_tables(results: Results, appraisal: Appraisal | None) -> dict[str, str]:
    """Every table of a run as ``carebridge run`` builds it, and the other builders of the table modules."""
    found = {f"all_tables[{i}] {t.id}": repr(t) for i, t in enumerate(all_tables(results, appraisal))}
    found["statement_net"] = repr(statement_net(results))
    found["growth_split only_demographic"] = repr(
        growth_split_table(results, plan_years(results), only_demographic=True)
    )
    if results.scenario.published:
        found["reconcile"] = repr(reconcile(results))
    if appraisal is not None:
        found.update(appraisal_views(appraisal))
    return found


def appraisal_views(appraisal: Appraisal) -> dict[str, str]:
    """The appraisal's tables, its economic and social value tables and its charts."""
    found = {f"appraisal_tables {t.id}": repr(t) for t in appraisal_tables(appraisal)}
    found.update({f"public_value_tables {t.id}": repr(t) for t in public_value_tables(appraisal)})
    found.update({f"appraisal_charts {c.id}": repr(c) for c in appraisal_charts(appraisal)})
    return found


def reference() -> dict[str, dict[str, str]]:
    """The pinned text of every table, by scenario."""
    found: dict[str, dict[str, str]] = {}
    for name in SCENARIOS:
        results = run(load(ROOT / name))
        found[name] = run_tables(results, default_appraisal(results))
    scenario, parameters = (ROOT / name for name in OPTIMISM_BIAS)
    found["optimism bias"] = appraisal_views(appraise_file(scenario, parameters).appraisal)
    public = run(load_scenario_text(PUBLIC_VALUE, "public.yaml"))
    from carebridge.engine.appraisal import AppraisalParameters

    found["public value"] = run_tables(public, appraise(public, AppraisalParameters()))
    return found


if __name__ == "__main__":
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(json.dumps(reference(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {REFERENCE}\n")
