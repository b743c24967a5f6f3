"""A POD's improvement direction for SPC: the scenario may state it (``pods[].improvement``), validated with a
located message; without it the plan's direction is used; it survives the store's round trip."""

from __future__ import annotations

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.fews import FewsSettings
from carebridge.delivery.monitor import monitor
from carebridge.delivery.months import Month
from carebridge.engine import run
from carebridge.scenario.loader import load_scenario_text
from tests.conftest import STOCKPORT
from tests.delivery.test_pack import example_actuals
from tests.scenario.test_loader_errors import at, minimal, problems


def test_a_bad_improvement_direction_is_located() -> None:
    text = minimal(("    unit: attendance\n", "    unit: attendance\n    improvement: lower\n"))
    assert problems(text) == [
        at(
            text,
            "improvement: lower",
            "pods[0].improvement: expected one of 'increase', 'decrease', 'neutral'; found 'lower'",
        )
    ]


def test_a_stated_direction_replaces_the_plans_and_survives_the_store() -> None:
    text = STOCKPORT.read_text(encoding="utf-8")
    assert text.count("  - id: ae\n") == 1
    text = text.replace("  - id: ae\n", "  - id: ae\n    improvement: neutral\n")
    baseline = PlanBaseline.from_results(run(load_scenario_text(text, "scenario.yaml").scenario))
    assert baseline.pod("ae").improvement == "neutral" and baseline.pod("op").improvement is None
    tables = {
        "activity": baseline.activity,
        "scheme_activity": baseline.scheme_activity,
        "savings": baseline.savings,
        "investment": baseline.investment,
    }
    stored = PlanBaseline.from_parts(baseline.reference(), tables)
    assert stored.pod("ae").improvement == "neutral"
    result = monitor(stored, example_actuals(stored), Month(2018, 10), FewsSettings())
    assert result.spc["ae"].options.improvement == "neutral"
    assert result.spc["ae"].variation == "neutral_high" and result.spc["ae"].assurance is None
    assert result.spc["op"].options.improvement == "decrease"
