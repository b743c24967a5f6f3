"""The emitted cohort loads into a scenario, and the planning model removes exactly its share of activity."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from carebridge.engine import run
from carebridge.scenario.loader import load_scenario_text
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.emit import DEFAULT_POD_MAP, cohort_fragment, parse_pod_map
from carebridge.strat.pipeline import Options, Stratification, stratify

BASE = {"ae": 100_000.0, "nel": 30_000.0, "el": 20_000.0, "op_first": 100_000.0, "op_fu": 250_000.0}
FRACTIONS = {"ae": 0.2, "nel": 0.1, "op_fu": 0.25}


def scenario_text(fragment: str) -> str:
    pods = "\n".join(
        f"  - id: {pod}\n    name: {pod}\n    activity: {{base: {base:g}}}\n    price: 100"
        for pod, base in BASE.items()
    )
    effects = "\n".join(
        f"      - {{kind: reduce, pod: {pod}, fraction: {f}}}" for pod, f in FRACTIONS.items()
    )
    return f"""format_version: 1
name: Emitted cohort round trip
base_year: 2016/17
end_year: 2018/19
organisations:
  - id: ccg
    name: CCG
    kind: commissioner
pods:
{pods}
schemes:
  - id: case_management
    name: Case management of the highest-risk patients
    cohort: top15
    owner: ccg
    effects:
{effects}
{fragment}"""


@pytest.fixture(scope="module")
def stratified(population_file: Path) -> Stratification:
    return stratify(population_file, Options(top=15))


def test_the_fragment_is_a_cohorts_list_with_one_cohort(stratified: Stratification) -> None:
    text, notes = cohort_fragment(
        stratified.cohort, "top15", "Top 15%", DEFAULT_POD_MAP, DisclosureRule(), ["test"]
    )
    assert notes == []
    assert "# Disclosure control: counts below 10 are suppressed" in text
    document = YAML(typ="safe").load(text)
    [cohort] = document["cohorts"]
    assert cohort["id"] == "top15"
    assert set(cohort["shares"]) == set(DEFAULT_POD_MAP)
    assert cohort["shares"]["nel"] == round(stratified.cohort.share("nel"), 4)


def test_the_planning_model_removes_fraction_times_share_times_base(stratified: Stratification) -> None:
    text, _ = cohort_fragment(
        stratified.cohort, "top15", "Top 15%", DEFAULT_POD_MAP, DisclosureRule(), ["test"]
    )
    shares = YAML(typ="safe").load(text)["cohorts"][0]["shares"]
    results = run(load_scenario_text(scenario_text(text), "round-trip.yaml").scenario)
    reduction = results.activity["reduction"]
    for year in ("2017/18", "2018/19"):
        for pod, base in BASE.items():
            expected = -FRACTIONS.get(pod, 0.0) * shares[pod] * base
            assert float(reduction.sel(pod=pod, year=year)) == pytest.approx(expected), (pod, year)


def test_one_outpatient_pod_maps_to_first_and_follow_up(stratified: Stratification) -> None:
    pod_map = parse_pod_map(["ae=ae", "nel=nel", "op=op"])
    text, _ = cohort_fragment(
        stratified.cohort, "high_risk", "High risk", pod_map, DisclosureRule(), ["test"]
    )
    shares = YAML(typ="safe").load(text)["cohorts"][0]["shares"]
    activity = stratified.cohort.activity.set_index("measure")
    both = activity.loc[["op_first", "op_fu"]]
    assert shares["op"] == round(both["cohort"].sum() / both["total"].sum(), 4)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["ae"], "--pod 'ae': expected POD=MEASURE, like nel=nel or op=op"),
        (["A&E=ae"], "--pod 'A&E=ae': 'A&E' is not a POD id"),
        (
            ["ae=attendances"],
            "--pod 'ae=attendances': 'attendances' is not a measure; expected one of ae, nel",
        ),
        (["ae=ae", "ae=nel"], "--pod 'ae=nel': POD 'ae' is mapped twice"),
    ],
)
def test_bad_pod_maps(items: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("?", r"\?")):
        parse_pod_map(items)
