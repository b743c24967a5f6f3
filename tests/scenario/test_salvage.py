"""A scenario with shape problems still gets its meaning problems reported, at the paths of the file."""

from __future__ import annotations

from tests.scenario.test_loader_errors import at, minimal, problems


def test_shape_and_meaning_problems_are_reported_together() -> None:
    text = minimal(
        ("      - kind: reduce\n", "      - kind: reduc\n"),
        (
            "        saving: 100",
            "        saving: 100\n      - kind: direct_saving\n        pod: prescribng\n        saving: 5",
        ),
        ("      acute: 0.8\n", "      acute: 0.7\n"),
    )
    found = problems(text)
    assert (
        at(
            text,
            "kind: reduc\n",
            "schemes[0].effects[0].kind: unknown effect kind 'reduc'; expected one of "
            "avoid_growth, reduce, absolute, direct_saving, shift, length_of_stay; did you mean 'reduce'?",
        )
        in found
    )
    assert (
        at(
            text,
            "pod: prescribng",
            "schemes[1].effects[1].pod: 'prescribng' is not a POD; did you mean 'prescribing'?",
        )
        in found
    )
    assert any("pods[0].providers: the provider shares add up to 0.9" in problem for problem in found)


def test_paths_after_a_set_aside_item_are_those_of_the_file() -> None:
    """schemes[0].effects[0] has a shape problem and is set aside; the POD error of the effect after it is
    still reported as effects[1], where it is in the file."""
    text = minimal(
        (
            "      - kind: reduce\n        pod: ae\n",
            "      - kind: reduce\n        pod: ae\n        basis: what\n"
            "      - kind: absolute\n        pod: aee\n        activity: 5\n"
            "      - kind: reduce\n        pod: ae\n",
        ),
    )
    found = problems(text)
    assert at(text, "pod: aee", "schemes[0].effects[1].pod: 'aee' is not a POD; did you mean 'ae'?") in found
    assert any("schemes[0].effects[0].basis" in problem for problem in found)


def test_an_unknown_field_does_not_hide_the_rest_of_its_item() -> None:
    text = minimal(
        ("    name: Medicines optimisation\n", "    name: Medicines optimisation\n    colour: blue\n"),
        ("        pod: prescribing\n", "        pod: prescribin\n"),
    )
    found = problems(text)
    assert any("schemes[1].colour: unknown field 'colour'" in problem for problem in found)
    assert (
        at(
            text,
            "pod: prescribin\n",
            "schemes[1].effects[0].pod: 'prescribin' is not a POD; did you mean 'prescribing'?",
        )
        in found
    )


def test_a_problem_caused_only_by_a_set_aside_item_is_not_reported() -> None:
    """An organisation with a shape problem is set aside; references to it are not reported as unknown."""
    text = minimal(("    kind: acute\n", "    kind: hospital\n"))
    found = problems(text)
    assert len(found) == 1, found
    assert "organisations[1].kind" in found[0]


def test_an_empty_list_of_schemes_for_a_plan_line_is_refused() -> None:
    text = minimal(("      value: -300\n", "      from_schemes: {measure: savings, schemes: []}\n"))
    assert problems(text) == [
        at(
            text,
            "from_schemes:",
            "positions.plan_lines[0].from_schemes.schemes: the list of schemes is empty; list scheme ids, "
            "or leave `schemes` out for all schemes",
        )
    ]
