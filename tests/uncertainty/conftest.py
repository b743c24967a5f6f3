"""A small scenario with a distribution on every kind of input a simulation draws."""

from __future__ import annotations

import textwrap

import pytest

from carebridge.scenario.loader import load_scenario_text
from carebridge.scenario.schema import Scenario

UNCERTAIN = textwrap.dedent(
    """\
    format_version: 1
    name: Uncertain place
    base_year: 2016/17
    end_year: 2021/22
    organisations:
      - {id: ccg, name: CCG, kind: commissioner}
      - id: acute
        name: Acute FT
        kind: acute
        finance:
          income: {dist: uniform, low: 190, high: 210}
          income_growth: 0.01
          expenditure:
            - {id: pay, base: 150, inflation: {dist: triangular, low: 0.01, mode: 0.02, high: 0.04}}
            - {id: drugs, base: 60, demand_growth: activity, demand_pods: [ae, nel]}
          items:
            - {id: pressure, name: Pressure, amount: {2018/19: {dist: uniform, low: 5, high: 15}}}
    population:
      young: {2016/17: 1000, 2018/19: {dist: triangular, low: 1000, mode: 1050, high: 1150}}
      old: 500
    parameters:
      rate: {dist: triangular, low: 0.01, mode: 0.02, high: 0.04}
    pods:
      - id: ae
        name: A&E
        activity:
          base: {dist: normal, mean: 1000, sd: 50, low: 900, high: 1100}
          growth: {dist: triangular, low: 0.02, mode: 0.03, high: 0.05}
          non_demographic_growth: 0.01
        price: {base: {dist: pert, low: 90, mode: 100, high: 120}, uplift: 0.02}
        providers: {acute: 0.8, other: 0.2}
        cost_release: {variable: 0.3, semi_fixed: 0.5, fixed: 0.2}
      - id: nel
        name: Non-elective
        activity:
          base: 400
          trajectory: {2017/18: 410, 2018/19: {dist: uniform, low: 415, high: 430}, 2019/20: 440}
        price: {2016/17: 1500, 2018/19: {dist: lognormal, mean: 1550, sd: 60}}
        providers: {acute: 1.0}
        cost_release: {variable: 0.2, semi_fixed: 0.5, fixed: 0.3}
      - id: op
        name: Outpatients
        activity:
          base: 3000
          population_rates: {young: 2.0, old: {dist: uniform, low: 1.5, high: 2.5}}
          non_demographic_growth: 0.01
        price: 100
        providers: {acute: 1.0}
      - id: presc
        name: Prescribing
    cohorts:
      - id: frail
        name: Frail
        shares: {ae: {dist: uniform, low: 0.3, high: 0.5}, nel: 0.6, op: 0.2}
    schemes:
      - id: s1
        name: Scheme one
        cohort: frail
        owner: ccg
        delivery: {dist: normal, mean: 0.9, sd: 0.1, low: 0.5, high: 1.2}
        effects:
          - {kind: reduce, pod: ae, fraction: {2017/18: {dist: triangular, low: 0.05, mode: 0.1, high: 0.15}}}
          - {kind: avoid_growth, pod: nel, fraction: 0.3}
        investment:
          recurrent: {2017/18: {dist: lognormal, mean: 100, sd: 20}}
      - id: s2
        name: Scheme two
        owner: acute
        effects:
          - {kind: absolute, pod: nel, activity: {2017/18: {dist: uniform, low: 5, high: 15}}}
          - {kind: direct_saving, pod: presc, saving: {2018/19: {dist: choice, values: [100, 200, 300]}}}
          - {kind: reduce, pod: op, basis: do_nothing, fraction: 0.05}
        investment:
          non_recurrent: {2017/18: 80}
    investments:
      - {id: fund, name: Transformation fund, kind: non_recurrent,
         amount: {2016/17: {dist: pert, low: 50, mode: 60, high: 90}}}
    funding:
      - {id: grant, name: Grant, kind: recurrent, amount: {2017/18: {dist: uniform, low: 20, high: 60}}}
    positions:
      do_nothing:
        ccg: {2016/17: 100, 2018/19: {dist: normal, mean: 300, sd: 80}}
      plan_lines:
        - {id: programme, name: Programme, kind: saving, from_schemes: {measure: net}}
        - {id: cip, name: CIP, org: acute, kind: saving,
           value: {2017/18: {dist: triangular, low: -120, mode: -100, high: -60}}}
        - {id: drivers, name: Driver line, org: ccg, kind: saving, formula: -rate * activity.ae}
    uncertainty:
      correlations:
        - {inputs: [schemes.s1.delivery, pods.ae.activity.growth], rank: 0.5}
    """
)


@pytest.fixture(scope="session")
def uncertain_scenario() -> Scenario:
    return load_scenario_text(UNCERTAIN, "uncertain.yaml").scenario
