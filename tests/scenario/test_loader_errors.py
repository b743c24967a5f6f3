"""Every message the scenario loader gives, with its file, line and field path.

Each test starts from a small valid scenario (``MINIMAL``), changes one thing, and asserts the full located
text ``file:line path: message``. Lines are found from a fragment of the changed text, so the tests read
like the files a user would write.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

import pytest

from carebridge.scenario.errors import Problem, ScenarioError
from carebridge.scenario.loader import (
    EXPECTED_TOP_LEVEL,
    LoadedScenario,
    load_scenario,
    load_scenario_text,
)
from carebridge.scenario.reading import parse
from carebridge.scenario.schema import PriceUplift
from carebridge.scenario.source_map import SourceMap

FILE = "plan.yaml"

MINIMAL = """\
format_version: 1
name: Minimal
base_year: 2016/17
end_year: 2019/20
organisations:
  - id: ccg
    name: The CCG
    kind: commissioner
  - id: acute
    name: The acute trust
    kind: acute
pods:
  - id: ae
    name: A&E attendances
    unit: attendance
    activity:
      base: 1000
      growth: 0.02
    price: 100
    providers:
      acute: 0.8
      other: 0.2
  - id: nel
    name: Non-elective spells
    unit: spell
    activity:
      base: 500
      trajectory:
        2017/18: 510
        2018/19: 520
    price:
      base: 1500
      uplift: 0.01
  - id: prescribing
    name: Prescribing
    unit: item
cohorts:
  - id: frail
    name: Frail elderly
    shares:
      ae: 0.3
schemes:
  - id: redirect
    name: Redirect A&E
    cohort: frail
    owner: ccg
    effects:
      - kind: reduce
        pod: ae
        fraction:
          2017/18: 0.1
          2018/19: 0.2
    investment:
      recurrent: 50
      non_recurrent:
        2017/18: 20
  - id: meds
    name: Medicines optimisation
    effects:
      - kind: direct_saving
        pod: prescribing
        saving: 100
funding:
  - id: fund
    name: Transformation fund
    kind: non_recurrent
    amount:
      2017/18: 70
positions:
  do_nothing:
    ccg: 1000
  plan_lines:
    - id: qipp
      name: QIPP
      org: ccg
      kind: saving
      value: -300
"""

EXPECTED = "expected lower-case letters, digits and underscores, starting with a letter"
YEAR_MAP = "a number or a map from years (YYYY/YY) to numbers"
PUBLISHED = "published:\n  - source: Table 1\n    values: {2017/18: 5}\n"


def minimal(*changes: tuple[str, str], append: str = "") -> str:
    """The minimal scenario with each ``(old, new)`` text replaced (``old`` occurs once), then ``append``."""
    text = MINIMAL
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} must occur exactly once in MINIMAL"
        text = text.replace(old, new)
    return text + append


def line(text: str, fragment: str) -> int:
    """The 1-based line on which the only occurrence of ``fragment`` in ``text`` starts."""
    assert text.count(fragment) == 1, f"{fragment!r} must occur exactly once"
    return text[: text.index(fragment)].count("\n") + 1


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, FILE)
    return [str(problem) for problem in raised.value.problems]


def at(text: str, fragment: str, message: str) -> str:
    """The located text of a problem: ``plan.yaml:<line of fragment> <message>``."""
    return f"{FILE}:{line(text, fragment)} {message}"


# --- files and YAML ------------------------------------------------------------------------------------


def test_the_minimal_scenario_loads() -> None:
    loaded = load_scenario_text(MINIMAL, FILE)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.source.file == FILE
    assert [pod.id for pod in loaded.scenario.pods] == ["ae", "nel", "prescribing"]
    assert isinstance(loaded.scenario.pods[1].price, PriceUplift)


def test_load_scenario_reads_a_file(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.scenario.name == "Minimal"
    assert loaded.source.file == str(path)


def test_a_byte_order_mark_is_accepted(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL, encoding="utf-8-sig")
    assert load_scenario(path).scenario.name == "Minimal"


def test_file_not_found(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}: the file does not exist; expected a scenario file (YAML)"
    ]


def test_a_folder_is_not_a_scenario_file(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path)
    assert [str(p) for p in raised.value.problems] == [
        f"{tmp_path}: this is a folder; expected a scenario file (YAML)"
    ]


def test_a_file_that_is_not_utf8_text(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "plan.bin"
    path.write_bytes(b"PK\x03\x04\xff\xfe")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert [str(p) for p in raised.value.problems] == [
        f"{path}: the file is not UTF-8 text (byte 4 cannot be read); expected a YAML text file"
    ]


def test_not_yaml_gives_the_parsers_reason_and_line() -> None:
    text = minimal(("name: Minimal\n", "name: [Minimal\n"))
    assert problems(text) == [
        f"{FILE}:3: not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence at line 2)"
    ]


def test_not_yaml_a_tab_is_explained() -> None:
    text = minimal(("    name: The CCG\n", "\tname: The CCG\n"))
    tab_line = line(text, "\tname")
    assert problems(text) == [
        f"{FILE}:{tab_line}: not valid YAML: found character '\\t' that cannot start any token; "
        "indent with spaces, not tabs"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# a comment and nothing else\n"])
def test_an_empty_file(text: str) -> None:
    assert problems(text) == [f"{FILE}: the file is empty; expected {EXPECTED_TOP_LEVEL}"]


def test_the_empty_file_message_names_the_sections() -> None:
    assert EXPECTED_TOP_LEVEL == (
        "a scenario map with format_version, name, base_year, end_year, organisations and pods"
    )


def test_a_top_level_list() -> None:
    assert problems("# a list\n- name: Minimal\n- base_year: 2016/17\n") == [
        f"{FILE}:2: the top level is a list; expected {EXPECTED_TOP_LEVEL}"
    ]


def test_a_top_level_scalar() -> None:
    assert problems("just some words\n") == [
        f"{FILE}: the top level is 'just some words'; expected {EXPECTED_TOP_LEVEL}"
    ]


def test_duplicate_keys_are_all_reported_with_their_lines() -> None:
    text = minimal(
        ("name: Minimal\n", "name: Minimal\nname: Again\n"),
        ("        2017/18: 510\n", "        2017/18: 510\n        2017/18: 511\n"),
    )
    assert problems(text) == [
        at(text, "name: Again", "name: duplicate key 'name' (first given at line 2); ")
        + "a key may appear only once in a map",
        at(
            text,
            "2017/18: 511",
            "pods[1].activity.trajectory.2017/18: duplicate key '2017/18' (first given at line 30); "
            "a key may appear only once in a map",
        ),
    ]


def test_format_version_other_than_1() -> None:
    text = minimal(("format_version: 1\n", "format_version: 2\n"))
    assert problems(text) == [
        at(text, "format_version", "format_version: this release reads scenario format 1; found 2")
    ]


# --- shape: missing, unknown and mistyped fields ---------------------------------------------------------


def test_missing_section_and_unknown_section_with_did_you_mean() -> None:
    text = minimal(("pods:\n", "pod:\n"))
    assert problems(text) == [
        f"{FILE}: missing section 'pods': expected a list of points of delivery "
        "(PODs: each with id, name, unit, activity, price, …)",
        at(text, "pod:\n", "pod: unknown section 'pod'; did you mean 'pods'?"),
    ]


def test_missing_top_level_field() -> None:
    text = minimal(("base_year: 2016/17\n", ""))
    assert problems(text) == [f"{FILE}: missing field 'base_year': expected the first year, like '2016/17'"]


def test_missing_field_in_a_list_item() -> None:
    text = minimal(("    name: Prescribing\n", ""))
    assert problems(text) == [
        at(text, "- id: prescribing", "pods[2]: missing field 'name': expected text — name shown in reports")
    ]


def test_unknown_field_with_did_you_mean() -> None:
    text = minimal(("    price: 100\n", "    prise: 100\n"))
    assert problems(text) == [
        at(text, "prise", "pods[0].prise: unknown field 'prise' in a POD; did you mean 'price'?")
    ]


def test_unknown_field_without_a_near_match_lists_the_allowed_fields() -> None:
    text = minimal(("    unit: item\n", "    unit: item\n    colour: blue\n"))
    assert problems(text) == [
        at(
            text,
            "colour",
            "pods[2].colour: unknown field 'colour' in a POD; "
            "expected one of id, name, unit, activity, price, providers, payer, cost_release, improvement",
        )
    ]


def test_misspelt_field_of_an_effect_is_unknown_and_the_right_one_missing() -> None:
    text = minimal(("        fraction:\n", "        fractoin:\n"))
    assert problems(text) == [
        at(
            text,
            "- kind: reduce",
            f"schemes[0].effects[0]: missing field 'fraction': expected {YEAR_MAP} — "
            "fraction removed, in [-1, 1], by year",
        ),
        at(
            text,
            "fractoin",
            "schemes[0].effects[0].fractoin: unknown field 'fractoin' in a reduce effect; "
            "did you mean 'fraction'?",
        ),
    ]


def test_wrong_type_for_a_value_by_year() -> None:
    text = minimal(("      growth: 0.02\n", "      growth: abc\n"))
    assert problems(text) == [
        at(text, "growth", f"pods[0].activity.growth: expected {YEAR_MAP}; found 'abc'")
    ]


def test_wrong_type_inside_an_effect() -> None:
    text = minimal(("        saving: 100\n", "        saving: lots\n"))
    assert problems(text) == [
        at(text, "saving: lots", f"schemes[1].effects[0].saving: expected {YEAR_MAP}; found 'lots'")
    ]


def test_a_union_gives_one_message_for_one_input() -> None:
    text = minimal(("    price: 100\n", "    price: abc\n"))
    assert problems(text) == [
        at(
            text,
            "price: abc",
            "pods[0].price: expected a number, a map from years (YYYY/YY) to numbers or a base price with "
            "an uplift (a map with base, uplift); found 'abc'",
        )
    ]


def test_a_map_with_base_is_read_as_a_price_with_uplift() -> None:
    text = minimal(("      base: 1500\n", "      base: x\n"))
    assert problems(text) == [at(text, "base: x", "pods[1].price.base: expected a number; found 'x'")]


def test_a_map_of_years_is_read_as_values_by_year() -> None:
    text = minimal(("    price: 100\n", "    price:\n      2017/18: x\n"))
    assert problems(text) == [at(text, "2017/18: x", "pods[0].price.2017/18: expected a number; found 'x'")]


def test_a_number_in_quotes() -> None:
    text = minimal(("      base: 1000\n", "      base: '1000'\n"))
    assert problems(text) == [
        at(
            text,
            "base: '1000'",
            "pods[0].activity.base: expected a number; found '1000' "
            "(text, because of the quotes; write the number without them)",
        )
    ]


def test_a_list_where_a_number_is_expected() -> None:
    text = minimal(("      recurrent: 50\n", "      recurrent: [50]\n"))
    assert problems(text) == [
        at(text, "recurrent: [50]", f"schemes[0].investment.recurrent: expected {YEAR_MAP}; found a list")
    ]


def test_a_choice_with_did_you_mean() -> None:
    text = minimal(("    kind: commissioner\n", "    kind: commisioner\n"))
    assert problems(text) == [
        at(
            text,
            "commisioner",
            "organisations[0].kind: expected one of 'commissioner', 'council', 'acute', 'community', "
            "'mental_health', 'primary_care', 'other'; found 'commisioner'; did you mean 'commissioner'?",
        )
    ]


def test_unknown_effect_kind_with_did_you_mean() -> None:
    text = minimal(("      - kind: reduce\n", "      - kind: reduse\n"))
    assert problems(text) == [
        at(
            text,
            "reduse",
            "schemes[0].effects[0].kind: unknown effect kind 'reduse'; "
            "expected one of avoid_growth, reduce, absolute, direct_saving, shift, length_of_stay; "
            "did you mean 'reduce'?",
        )
    ]


def test_effect_without_a_kind() -> None:
    text = minimal(("      - kind: reduce\n        pod: ae\n", "      - pod: ae\n"))
    assert problems(text) == [
        at(
            text,
            "- pod: ae",
            "schemes[0].effects[0]: missing field 'kind': "
            "expected the effect kind, one of avoid_growth, reduce, absolute, direct_saving, shift, "
            "length_of_stay",
        )
    ]


def test_effect_that_is_not_a_map() -> None:
    text = minimal(("      - kind: direct_saving\n", "      - reduce\n      - kind: direct_saving\n"))
    assert problems(text) == [
        at(
            text,
            "- reduce",
            "schemes[1].effects[0]: expected an effect (a map with kind, pod and the effect's value); "
            "found 'reduce'",
        )
    ]


def test_a_section_of_the_wrong_type() -> None:
    text = minimal(append="published: none\n")
    assert problems(text) == [
        at(
            text,
            "published",
            "published: expected a list of published figures to reconcile with; found 'none'",
        )
    ]


def test_an_empty_section() -> None:
    text = minimal(
        ("cohorts:\n  - id: frail\n    name: Frail elderly\n    shares:\n      ae: 0.3\n", "cohorts:\n")
    )
    assert problems(text) == [
        at(
            text,
            "cohorts:",
            "cohorts: expected a list of cohorts (each with id, name and shares by POD); "
            "found nothing (an empty value)",
        )
    ]


def test_a_map_key_that_is_not_text() -> None:
    text = minimal(("      ae: 0.3\n", "      1: 0.3\n"))
    assert problems(text) == [
        at(text, "1: 0.3", "cohorts[0].shares.1: expected text as the key; found 1; write it in quotes: '1'")
    ]


def test_a_whole_number_below_its_minimum() -> None:
    text = minimal(("    unit: item\n", "    unit: item\n    cost_release:\n      lags: {fixed: -1}\n"))
    assert problems(text) == [
        at(text, "lags", "pods[2].cost_release.lags.fixed: expected a whole number of at least 0; found -1")
    ]


def test_a_date_is_not_a_financial_year() -> None:
    text = minimal(("        2017/18: 510\n", "        2017-04-01: 510\n"))
    assert problems(text) == [
        at(
            text,
            "2017-04-01",
            "pods[1].activity.trajectory.2017-04-01: '2017-04-01' is not a financial year; "
            "expected YYYY/YY, like '2017/18'",
        )
    ]


def test_a_number_that_is_not_finite() -> None:
    text = minimal(("      growth: 0.02\n", "      growth: .nan\n"))
    assert problems(text) == [
        at(text, "growth", "pods[0].activity.growth: expected a finite number; found nan")
    ]


def test_a_whole_number_written_with_a_decimal_point() -> None:
    text = minimal(("format_version: 1\n", "format_version: 1.0\n"))
    assert problems(text) == [
        at(
            text,
            "format_version",
            "format_version: expected the scenario format version, the number 1; found 1.0",
        )
    ]


def test_an_empty_year_key() -> None:
    text = minimal(("          2017/18: 0.1\n", "          ~: 0.1\n"))
    assert problems(text) == [
        at(
            text,
            "~: 0.1",
            "schemes[0].effects[0].fraction.None: nothing (an empty value) is not a financial year; "
            "expected YYYY/YY, like '2017/18'",
        )
    ]


# --- semantic checks: one change, one message ------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    changes: tuple[tuple[str, str], ...]
    anchor: str
    expected: str
    append: str = ""


def case(old: str, new: str, anchor: str, expected: str, append: str = "") -> Case:
    return Case(((old, new),) if old else (), anchor, expected, append)


SEMANTIC = {
    # ids
    "invalid id": case(
        "  - id: meds\n",
        "  - id: Meds-Opt\n",
        "Meds-Opt",
        f"schemes[1].id: 'Meds-Opt' is not a valid id; {EXPECTED}, like 'meds_opt'",
    ),
    "id starting with a digit": case(
        "  - id: fund\n",
        "  - id: 2017_fund\n",
        "2017_fund",
        f"funding[0].id: '2017_fund' is not a valid id; {EXPECTED}, like 'id_2017_fund'",
    ),
    "duplicate id": case(
        "  - id: meds\n",
        "  - id: redirect\n",
        "- id: redirect\n    name: Medicines",
        "schemes[1].id: duplicate scheme id 'redirect'; first defined at schemes[0]",
    ),
    "duplicate plan line id": case(
        "",
        "",
        "- id: qipp\n      name: Second",
        "positions.plan_lines[1].id: duplicate plan line id 'qipp'; first defined at positions.plan_lines[0]",
        append="    - id: qipp\n      name: Second\n      value: 5\n",
    ),
    "organisation id system": case(
        "    kind: acute\n",
        "    kind: acute\n  - id: system\n    name: The whole system\n",
        "- id: system",
        "organisations[2].id: 'system' is reserved (it names the whole system); "
        "choose another organisation id",
    ),
    "organisation id other": case(
        "    kind: acute\n",
        "    kind: acute\n  - id: other\n    name: Others\n",
        "- id: other",
        "organisations[2].id: 'other' is reserved (it names providers outside the plan); "
        "choose another organisation id",
    ),
    # years
    "malformed base year": case(
        "base_year: 2016/17\n",
        "base_year: 2016-17\n",
        "base_year",
        "base_year: '2016-17' is not a financial year; expected YYYY/YY, like '2017/18'",
    ),
    "end before base": case(
        "end_year: 2019/20\n",
        "end_year: 2015/16\n",
        "end_year",
        "end_year: '2015/16' is before base_year '2016/17'; expected that year or later",
    ),
    "year key with a dash": case(
        "        2017/18: 510\n",
        "        2017-18: 510\n",
        "2017-18",
        "pods[1].activity.trajectory.2017-18: '2017-18' is not a financial year; "
        "expected YYYY/YY, like '2017/18'",
    ),
    "year key not consecutive": case(
        "        2018/19: 520\n",
        "        2017/19: 520\n",
        "2017/19",
        "pods[1].activity.trajectory.2017/19: '2017/19' is not a financial year; "
        "the year after 2017 is written '2017/18'",
    ),
    "year key a whole number": case(
        "          2017/18: 0.1\n",
        "          2017: 0.1\n",
        "2017: 0.1",
        "schemes[0].effects[0].fraction.2017: 2017 is not a financial year; "
        "expected YYYY/YY, like '2016/17' or '2017/18' (a single year is ambiguous)",
    ),
    "year key outside the scenario": case(
        "          2018/19: 0.2\n",
        "          2021/22: 0.2\n",
        "2021/22",
        "schemes[0].effects[0].fraction.2021/22: '2021/22' is outside the scenario's years "
        "2016/17 to 2019/20",
    ),
    "savings_from outside the scenario": case(
        "",
        "",
        "savings_from",
        "statement.savings_from: '2020/21' is outside the scenario's years 2016/17 to 2019/20",
        append="statement:\n  savings_from: 2020/21\n",
    ),
    "bridge_year malformed": case(
        "",
        "",
        "bridge_year",
        "report.bridge_year: '2019-20' is not a financial year; expected YYYY/YY, like '2017/18'",
        append="report:\n  bridge_year: 2019-20\n",
    ),
    "published year outside the scenario": case(
        "",
        "",
        "2015/16",
        "published[0].values.2015/16: '2015/16' is outside the scenario's years 2016/17 to 2019/20",
        append="published:\n  - source: Table 1\n    values: {2015/16: 5}\n"
        "    position: {line: do_nothing}\n",
    ),
    # references
    "effect pod": case(
        "        pod: ae\n",
        "        pod: nell\n",
        "nell",
        "schemes[0].effects[0].pod: 'nell' is not a POD; did you mean 'nel'?",
    ),
    "effect pod without a near match": case(
        "        pod: ae\n",
        "        pod: zzz\n",
        "zzz",
        "schemes[0].effects[0].pod: 'zzz' is not a POD; expected one of 'ae', 'nel', 'prescribing'",
    ),
    "scheme cohort": case(
        "    cohort: frail\n",
        "    cohort: fral\n",
        "fral",
        "schemes[0].cohort: 'fral' is not a cohort or 'all'; did you mean 'frail'?",
    ),
    "scheme owner": case(
        "    owner: ccg\n",
        "    owner: cgg\n",
        "cgg",
        "schemes[0].owner: 'cgg' is not an organisation; did you mean 'ccg'?",
    ),
    "scheme investment org": case(
        "      recurrent: 50\n",
        "      recurrent: 50\n      org: acutee\n",
        "acutee",
        "schemes[0].investment.org: 'acutee' is not an organisation; did you mean 'acute'?",
    ),
    "programme investment org": case(
        "",
        "",
        "org: cc\n",
        "investments[0].org: 'cc' is not an organisation; did you mean 'ccg'?",
        append="investments:\n  - id: pmo\n    name: PMO\n    kind: recurrent\n    amount: 200\n"
        "    org: cc\n",
    ),
    "funding org": case(
        "      2017/18: 70\n",
        "      2017/18: 70\n    org: council\n",
        "council",
        "funding[0].org: 'council' is not an organisation; expected one of 'ccg', 'acute'",
    ),
    "plan line org": case(
        "      org: ccg\n",
        "      org: CCG\n",
        "org: CCG",
        "positions.plan_lines[0].org: 'CCG' is not an organisation; expected one of 'ccg', 'acute'",
    ),
    "provider": case(
        "      acute: 0.8\n",
        "      acut: 0.8\n",
        "acut:",
        "pods[0].providers.acut: 'acut' is not an organisation or 'other'; did you mean 'acute'?",
    ),
    "cohort share pod": case(
        "      ae: 0.3\n",
        "      ae: 0.3\n      a_e: 0.1\n",
        "a_e",
        "cohorts[0].shares.a_e: 'a_e' is not a POD; did you mean 'ae'?",
    ),
    "do-nothing organisation": case(
        "    ccg: 1000\n",
        "    ccg: 1000\n    acutr: 500\n",
        "acutr",
        "positions.do_nothing.acutr: 'acutr' is not an organisation; did you mean 'acute'?",
    ),
    "from_schemes scheme": case(
        "",
        "",
        "[redirect, med]",
        "positions.plan_lines[1].from_schemes.schemes[1]: 'med' is not a scheme; did you mean 'meds'?",
        append="    - id: schemes\n      name: Schemes\n      from_schemes:\n"
        "        measure: savings\n        schemes: [redirect, med]\n",
    ),
    "population band": case(
        "      growth: 0.02\n",
        "      population_rates: {under_65: 0.1, over_66: 0.5}\n",
        "population_rates",
        "pods[0].activity.population_rates.over_66: 'over_66' is not an age band of population; "
        "did you mean 'over_65'?",
        append="population:\n  under_65: 1000\n  over_65: {2016/17: 200, 2018/19: 250}\n",
    ),
    "published position line": case(
        "",
        "",
        "position:",
        "published[0].position.line: 'do_nothin' is not a position line "
        "('do_nothing', 'do_something' or a plan line id); did you mean 'do_nothing'?",
        append=PUBLISHED + "    position: {line: do_nothin}\n",
    ),
    "published position org": case(
        "",
        "",
        "position:",
        "published[0].position.org: 'sytem' is not an organisation, a sector ('nhs' or 'social_care') or "
        "'system'; did you mean 'system'?",
        append=PUBLISHED + "    position: {line: qipp, org: sytem}\n",
    ),
    "published position sector": case(
        "",
        "",
        "position:",
        "published[0].position.org: 'social_car' is not an organisation, a sector ('nhs' or 'social_care') "
        "or 'system'; did you mean 'social_care'?",
        append=PUBLISHED + "    position: {line: qipp, org: social_car}\n",
    ),
    "published savings scheme": case(
        "",
        "",
        "savings:",
        "published[0].savings.scheme: 'redirekt' is not a scheme; did you mean 'redirect'?",
        append=PUBLISHED + "    savings: {scheme: redirekt}\n",
    ),
    "published savings group": case(
        "",
        "",
        "savings:",
        "published[0].savings.group: 'bc1' is not a scheme group; none are defined",
        append=PUBLISHED + "    savings: {group: bc1}\n",
    ),
    "published savings pod": case(
        "",
        "",
        "savings:",
        "published[0].savings.pod: 'aee' is not a POD; did you mean 'ae'?",
        append=PUBLISHED + "    savings: {pod: aee}\n",
    ),
    "published savings provider": case(
        "",
        "",
        "savings:",
        "published[0].savings.provider: 'acte' is not an organisation or 'other'; did you mean 'acute'?",
        append=PUBLISHED + "    savings: {provider: acte}\n",
    ),
    "published investment scheme": case(
        "",
        "",
        "scheme: meds2",
        "published[0].investment.scheme: 'meds2' is not a scheme; did you mean 'meds'?",
        append=PUBLISHED + "    investment:\n      scheme: meds2\n",
    ),
    "published activity pod": case(
        "",
        "",
        "activity: {pod: el",
        "published[0].activity.pod: 'el' is not a POD; did you mean 'nel'?",
        append=PUBLISHED + "    activity: {pod: el, measure: do_nothing}\n",
    ),
    "provider table": case(
        "",
        "",
        "provider_tables",
        "report.provider_tables[1]: 'ccgg' is not an organisation; did you mean 'ccg'?",
        append="report:\n  provider_tables: [acute, ccgg]\n",
    ),
    # shares
    "provider shares do not sum to 1": case(
        "      other: 0.2\n",
        "      other: 0.15\n",
        "providers:",
        "pods[0].providers: the provider shares add up to 0.95; expected 1",
    ),
    "cost shares do not sum to 1": case(
        "    unit: item\n",
        "    unit: item\n    cost_release:\n      variable: 0.3\n      semi_fixed: 0.5\n      fixed: 0.3\n",
        "cost_release",
        "pods[2].cost_release: variable, semi_fixed and fixed add up to 1.1; expected 1",
    ),
    "cohort share above 1": case(
        "      ae: 0.3\n",
        "      ae: 1.3\n",
        "ae: 1.3",
        "cohorts[0].shares.ae: a cohort share must be between 0 and 1; found 1.3",
    ),
    # negative numbers
    "negative base activity": case(
        "      base: 1000\n",
        "      base: -1000\n",
        "base: -1000",
        "pods[0].activity.base: activity cannot be negative; found -1000",
    ),
    "negative trajectory": case(
        "        2018/19: 520\n",
        "        2018/19: -520\n",
        "-520",
        "pods[1].activity.trajectory.2018/19: activity cannot be negative; found -520",
    ),
    "negative price": case(
        "    price: 100\n",
        "    price: -100\n",
        "price: -100",
        "pods[0].price: a unit price cannot be negative; found -100",
    ),
    "negative price in a year": case(
        "    price: 100\n",
        "    price:\n      2016/17: 100\n      2017/18: -100\n",
        "2017/18: -100",
        "pods[0].price.2017/18: a unit price cannot be negative; found -100",
    ),
    "negative base price": case(
        "      base: 1500\n",
        "      base: -1500\n",
        "-1500",
        "pods[1].price.base: a unit price cannot be negative; found -1500",
    ),
    "uplift of -1": case(
        "      uplift: 0.01\n",
        "      uplift: -1\n",
        "uplift",
        "pods[1].price.uplift: a price uplift must be more than -1 (-1 would make the price zero; "
        "0.02 means 2%); found -1",
    ),
    "negative population": case(
        "",
        "",
        "over_65",
        "population.over_65.2017/18: a population cannot be negative; found -5",
        append="population:\n  over_65: {2016/17: 200, 2017/18: -5}\n",
    ),
    "growth of -1 or less": case(
        "      growth: 0.02\n",
        "      growth: -1.5\n",
        "growth",
        "pods[0].activity.growth: a growth rate must be more than -1 (-1 would remove all activity; "
        "0.02 means 2%); found -1.5",
    ),
    "non-demographic growth of -1 or less": case(
        "      growth: 0.02\n",
        "      growth: 0.02\n      non_demographic_growth:\n        2017/18: -1\n",
        "2017/18: -1",
        "pods[0].activity.non_demographic_growth.2017/18: a growth rate must be more than -1 "
        "(-1 would remove all activity; 0.02 means 2%); found -1",
    ),
    "negative funding": case(
        "      2017/18: 70\n",
        "      2017/18: -70\n",
        "-70",
        "funding[0].amount.2017/18: funding is written as a positive amount "
        "(the statement shows it negative); found -70",
    ),
    "negative recurrent investment": case(
        "      recurrent: 50\n",
        "      recurrent: -50\n",
        "recurrent: -50",
        "schemes[0].investment.recurrent: investment is written as a positive amount "
        "(a saving belongs in an effect or a plan line); found -50",
    ),
    "negative non-recurrent investment": case(
        "        2017/18: 20\n",
        "        2017/18: -20\n",
        "-20",
        "schemes[0].investment.non_recurrent.2017/18: investment is written as a positive amount "
        "(a saving belongs in an effect or a plan line); found -20",
    ),
    "negative programme investment": case(
        "",
        "",
        "amount: -200",
        "investments[0].amount: investment is written as a positive amount "
        "(a saving belongs in an effect or a plan line); found -200",
        append="investments:\n  - id: pmo\n    name: PMO\n    kind: recurrent\n    amount: -200\n",
    ),
    # effects
    "fraction above 1 in a year": case(
        "          2018/19: 0.2\n",
        "          2018/19: 1.2\n",
        "1.2",
        "schemes[0].effects[0].fraction.2018/19: a fraction must be between -1 and 1 (0.2 means 20%); "
        "found 1.2",
    ),
    "avoid_growth fraction below -1": case(
        "    investment:\n      recurrent",
        "      - kind: avoid_growth\n        pod: ae\n        fraction: -1.5\n"
        "    investment:\n      recurrent",
        "fraction: -1.5",
        "schemes[0].effects[1].fraction: a fraction must be between -1 and 1 (0.2 means 20%); found -1.5",
    ),
    "activity effect on a POD without activity": Case(
        (
            ("        saving: 100\n", "        activity: 100\n"),
            ("      - kind: direct_saving\n", "      - kind: absolute\n"),
            ("    unit: item\n", "    unit: item\n    price: 10\n"),
        ),
        "pod: prescribing",
        "schemes[1].effects[0].pod: POD 'prescribing' has no activity; "
        "use a direct_saving effect, or give the POD an activity",
    ),
    "activity effect on a POD without price": case(
        "    price: 100\n",
        "",
        "pod: ae",
        "schemes[0].effects[0].pod: POD 'ae' has no price to cost its activity; give the POD a price",
    ),
    "cohort without a share for the POD": case(
        "        pod: ae\n",
        "        pod: nel\n",
        "pod: nel",
        "schemes[0].effects[0].pod: cohort 'frail' has no share for POD 'nel'; "
        "add 'nel' to the cohort's shares, or target the scheme at 'all'",
    ),
    "two effects of one kind on one POD": case(
        "    investment:\n      recurrent",
        "      - kind: reduce\n        pod: ae\n        fraction: 0.05\n    investment:\n      recurrent",
        "- kind: reduce\n        pod: ae\n        fraction: 0.05",
        "schemes[0].effects[1]: a second reduce effect with basis 'base' on POD 'ae' in this scheme "
        "(first at effects[0]); combine them",
    ),
    "two absolute effects counting alike": case(
        "        saving: 100\n",
        "        saving: 100\n      - {kind: absolute, pod: nel, activity: 5}\n"
        "      - {kind: absolute, pod: nel, activity: 7}\n",
        "activity: 7",
        "schemes[1].effects[2]: a second absolute effect counting as 'reduction' on POD 'nel' "
        "in this scheme (first at effects[1]); combine them",
    ),
    # activity models
    "two do-nothing methods": case(
        "      growth: 0.02\n",
        "      growth: 0.02\n      trajectory: {2017/18: 1010}\n",
        "activity:\n      base: 1000",
        "pods[0].activity: give at most one of trajectory, growth, population_rates and "
        "demographic_rates; found trajectory and growth",
    ),
    "population rates without a population": case(
        "      growth: 0.02\n",
        "      population_rates: {under_65: 0.1}\n",
        "population_rates",
        "pods[0].activity.population_rates: population_rates needs a top-level population section "
        "(people by age band by year); none is given",
    ),
    "non-demographic growth alone": case(
        "        2018/19: 520\n",
        "        2018/19: 520\n      non_demographic_growth: 0.01\n",
        "non_demographic_growth",
        "pods[1].activity.non_demographic_growth: non_demographic_growth multiplies growth, "
        "population_rates or demographic_rates; found none",
    ),
    # alternatives
    "plan line with value and from_schemes": case(
        "      value: -300\n",
        "      value: -300\n      from_schemes: {measure: savings}\n",
        "- id: qipp",
        "positions.plan_lines[0]: give exactly one of value, from_schemes and formula; "
        "found value and from_schemes",
    ),
    "plan line with neither value nor from_schemes": case(
        "      value: -300\n",
        "",
        "- id: qipp",
        "positions.plan_lines[0]: give exactly one of value, from_schemes and formula; found none",
    ),
    "published figure without a selector": case(
        "",
        "",
        "- source: Table 1",
        "published[0]: give exactly one of position, statement, savings, investment or activity; found none",
        append=PUBLISHED,
    ),
    "published figure with two selectors": case(
        "",
        "",
        "- source: Table 1",
        "published[0]: give exactly one of position, statement, savings, investment or activity; "
        "found position and statement",
        append=PUBLISHED + "    position: {line: qipp}\n    statement: {line: net}\n",
    ),
}


@pytest.mark.parametrize("example", SEMANTIC.values(), ids=SEMANTIC.keys())
def test_semantic_check(example: Case) -> None:
    text = minimal(*example.changes, append=example.append)
    assert problems(text) == [at(text, example.anchor, example.expected)]


def test_reserved_cohort_id() -> None:
    text = minimal(("  - id: frail\n", "  - id: all\n"), ("    cohort: frail\n", "    cohort: all\n"))
    assert problems(text) == [
        at(
            text,
            "- id: all",
            "cohorts[0].id: 'all' is reserved (it names everyone, a scheme's default cohort); "
            "choose another cohort id",
        )
    ]


def test_provider_shares_outside_0_and_1() -> None:
    text = minimal(("      acute: 0.8\n      other: 0.2\n", "      acute: 1.2\n      other: -0.2\n"))
    assert problems(text) == [
        at(
            text, "acute: 1.2", "pods[0].providers.acute: a provider share must be between 0 and 1; found 1.2"
        ),
        at(
            text,
            "other: -0.2",
            "pods[0].providers.other: a provider share must be between 0 and 1; found -0.2",
        ),
    ]


def test_cost_shares_outside_0_and_1() -> None:
    text = minimal(("    unit: item\n", "    unit: item\n    cost_release: {variable: 1.5, fixed: -0.5}\n"))
    assert problems(text) == [
        at(
            text,
            "cost_release",
            "pods[2].cost_release.variable: a cost share must be between 0 and 1; found 1.5",
        ),
        at(
            text,
            "cost_release",
            "pods[2].cost_release.fixed: a cost share must be between 0 and 1; found -0.5",
        ),
    ]


def test_signs_that_are_allowed() -> None:
    text = minimal(
        ("        saving: 100\n", "        saving: -100\n"),
        ("          2018/19: 0.2\n", "          2018/19: -0.2\n"),
        ("      growth: 0.02\n", "      growth: -0.5\n"),
    )
    loaded = load_scenario_text(text, FILE)
    assert loaded.scenario.schemes[1].effects[0].kind == "direct_saving"


def test_reduce_on_two_bases_is_not_a_repeat() -> None:
    text = minimal(
        (
            "    investment:\n      recurrent",
            "      - {kind: reduce, pod: ae, fraction: 0.05, basis: do_nothing}\n"
            "    investment:\n      recurrent",
        )
    )
    assert len(load_scenario_text(text, FILE).scenario.schemes[0].effects) == 2


# --- every problem at once ----------------------------------------------------------------------------


def test_shape_problems_are_all_reported_at_once() -> None:
    text = minimal(
        ("    kind: commissioner\n", "    kind: commisioner\n"),
        ("    price: 100\n", "    prise: 100\n"),
        ("    name: Prescribing\n", ""),
    )
    assert problems(text) == [
        at(
            text,
            "commisioner",
            "organisations[0].kind: expected one of 'commissioner', 'council', 'acute', 'community', "
            "'mental_health', 'primary_care', 'other'; found 'commisioner'; did you mean 'commissioner'?",
        ),
        at(text, "prise", "pods[0].prise: unknown field 'prise' in a POD; did you mean 'price'?"),
        at(text, "- id: prescribing", "pods[2]: missing field 'name': expected text — name shown in reports"),
    ]


def test_semantic_problems_are_all_reported_at_once_in_file_order() -> None:
    text = minimal(
        ("        pod: ae\n", "        pod: nell\n"),
        ("    owner: ccg\n", "    owner: cgg\n"),
        ("      other: 0.2\n", "      other: 0.15\n"),
        ("format_version: 1\n", "format_version: 2\n"),
    )
    assert problems(text) == [
        at(text, "format_version", "format_version: this release reads scenario format 1; found 2"),
        at(text, "providers:", "pods[0].providers: the provider shares add up to 0.95; expected 1"),
        at(text, "cgg", "schemes[0].owner: 'cgg' is not an organisation; did you mean 'ccg'?"),
        at(text, "nell", "schemes[0].effects[0].pod: 'nell' is not a POD; did you mean 'nel'?"),
    ]


def test_the_error_lists_every_problem() -> None:
    text = minimal(("    owner: ccg\n", "    owner: cgg\n"), ("        pod: ae\n", "        pod: nell\n"))
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text, FILE)
    assert str(raised.value) == "\n".join(
        [
            "2 problems in the scenario:",
            f"  - {at(text, 'cgg', 'schemes[0].owner: ')}'cgg' is not an organisation; did you mean 'ccg'?",
            f"  - {at(text, 'nell', 'schemes[0].effects[0].pod: ')}'nell' is not a POD; did you mean 'nel'?",
        ]
    )


# --- the source map ----------------------------------------------------------------------------------


def test_source_map_lines() -> None:
    source = load_scenario_text(MINIMAL, FILE).source
    assert source.line_of(("name",)) == line(MINIMAL, "name: Minimal")
    assert source.line_of(("pods", 1)) == line(MINIMAL, "- id: nel")
    assert source.line_of(("pods", 1, "price", "uplift")) == line(MINIMAL, "uplift")
    assert source.line_of(("pods", 1, "activity", "trajectory", "2018/19")) == line(MINIMAL, "2018/19: 520")
    assert source.line_of(("pods", 2, "price")) == line(MINIMAL, "- id: prescribing")
    assert source.line_of(("pods", 9, "price")) == line(MINIMAL, "pods:")
    assert source.line_of(("nothing",)) is None
    assert source.line_of(()) is None


def test_source_map_finds_a_whole_number_key_by_its_text() -> None:
    text = minimal(("        2017/18: 510\n", "        2017: 510\n"))
    source = SourceMap(FILE, parse(text, FILE).lines)
    assert source.line_of(("pods", 1, "activity", "trajectory", "2017")) == line(text, "2017: 510")


def test_source_map_locate_fills_file_and_line_but_keeps_given_ones() -> None:
    source = load_scenario_text(MINIMAL, FILE).source
    located = source.locate([Problem(("name",), "a"), Problem(("name",), "b", file="other.yaml", line=40)])
    assert located == [
        Problem(("name",), "a", file=FILE, line=2),
        Problem(("name",), "b", file="other.yaml", line=40),
    ]
