"""Every message of the new effects and the workforce (``validate_effects``), located:
``plan.yaml:<line> <path>: <message>``; and ``carebridge validate`` exits 2 on them with no traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from carebridge.cli import app
from carebridge.scenario.loader import load_scenario_text
from tests.scenario.test_loader_errors import at, minimal, problems

REDUCE = """\
      - kind: reduce
        pod: ae
        fraction:
          2017/18: 0.1
          2018/19: 0.2
"""
"""The first scheme's effect in the minimal scenario, swapped for the effect under test."""

BEDS = "capacity:\n  beds:\n    - {id: acute, name: Acute beds, length_of_stay: {nel: 6.0}}\n"


def with_effect(effect: str, append: str = "") -> str:
    return minimal((REDUCE, effect), append=append)


def test_a_shift_to_an_unknown_pod_names_the_nearest() -> None:
    text = with_effect("      - {kind: shift, pod: ae, to: nell, fraction: 0.2}\n")
    assert problems(text) == [
        at(text, "kind: shift", "schemes[0].effects[0].to: 'nell' is not a POD; did you mean 'nel'?")
    ]


def test_a_shift_to_itself_is_refused() -> None:
    text = with_effect("      - {kind: shift, pod: ae, to: ae, fraction: 0.2}\n")
    assert problems(text) == [
        at(
            text,
            "kind: shift",
            "schemes[0].effects[0].to: a shift moves activity to another POD; found 'ae', the POD it moves "
            "from",
        )
    ]


def test_a_shift_to_a_pod_without_activity_is_refused() -> None:
    text = with_effect("      - {kind: shift, pod: ae, to: prescribing, fraction: 0.2}\n")
    assert at(
        text,
        "kind: shift",
        "schemes[0].effects[0].to: POD 'prescribing' has no activity to receive the shift; give it an "
        "activity (base 0 for a new setting)",
    ) in problems(text)


def test_a_length_of_stay_falling_below_zero_is_refused() -> None:
    effect = (
        "      - kind: length_of_stay\n        pod: nel\n        fraction: {2017/18: 0.5, 2018/19: 1.2}\n"
    )
    text = minimal((REDUCE, effect), ("    cohort: frail\n    owner", "    owner"), append=BEDS)
    assert problems(text) == [
        at(
            text,
            "fraction: {2017/18",
            "schemes[0].effects[0].fraction.2018/19: a length of stay cannot fall below zero: the fraction "
            "it falls by is at most 1 (0.2 = 20% shorter stays); found 1.2",
        )
    ]


def test_a_length_of_stay_needs_a_bed_base() -> None:
    effect = "      - {kind: length_of_stay, pod: nel, fraction: 0.2}\n"
    text = minimal((REDUCE, effect), ("    cohort: frail\n    owner", "    owner"))
    assert problems(text) == [
        at(
            text,
            "kind: length_of_stay",
            "schemes[0].effects[0].pod: POD 'nel' has no length of stay; give it one in a bed base of "
            "capacity.beds",
        )
    ]


def test_a_formula_naming_an_unknown_input_is_located_at_its_column() -> None:
    effect = "      - {kind: absolute, pod: ae, formula: enrolled * admision_rate * 0.25}\n"
    text = with_effect(effect, append="parameters:\n  enrolled: 4000\n  admission_rate: 0.3\n")
    assert problems(text) == [
        at(
            text,
            "kind: absolute",
            "schemes[0].effects[0].formula: formula 'enrolled * admision_rate * 0.25', at column 12: "
            "'admision_rate' is not a named input; did you mean 'admission_rate'?",
        )
    ]


def test_an_effect_gives_its_number_or_a_formula_not_both() -> None:
    text = with_effect("      - {kind: absolute, pod: ae, activity: 10, formula: '2 * 5'}\n")
    assert problems(text) == [
        at(
            text,
            "kind: absolute",
            "schemes[0].effects[0]: give exactly one of activity and formula; found both",
        )
    ]


def test_a_workforce_effect_names_a_staff_group_and_a_fraction() -> None:
    staff = "workforce:\n  - {id: ward, name: Ward staff, wte: 100, pay_per_wte: 30000, agency: 0.1}\n"
    text = minimal(
        (
            "        saving: 100\n",
            "        saving: 100\n    workforce_effects:\n"
            "      - {group: wardd, agency_to_substantive: 1.5}\n",
        ),
        append=staff,
    )
    assert problems(text) == [
        at(
            text,
            "group: wardd",
            "schemes[1].workforce_effects[0].group: 'wardd' is not a staff group; did you mean 'ward'?",
        ),
        at(
            text,
            "group: wardd",
            "schemes[1].workforce_effects[0].agency_to_substantive: a fraction of agency WTE converted "
            "must be between 0 and 1; found 1.5",
        ),
    ]


def test_validate_exits_2_with_located_errors_and_no_traceback(tmp_path: Path) -> None:
    text = with_effect("      - {kind: shift, pod: ae, to: ae, fraction: 0.2}\n")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "plan.yaml:" in result.output and "a shift moves activity to another POD" in result.output
    assert "Traceback" not in result.output


def test_a_valid_shift_loads() -> None:
    effect = "      - {kind: shift, pod: ae, to: nel, fraction: 0.1}\n"
    loaded = load_scenario_text(with_effect(effect), "plan.yaml")
    assert loaded.scenario.schemes[0].effects[0].kind == "shift"
