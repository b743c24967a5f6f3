"""Disclosure control: small counts suppressed, others rounded, derived figures suppressed with them."""

from __future__ import annotations

import pandas as pd
import pytest

from carebridge.strat.disclosure import DisclosureRule


def test_counts_below_ten_are_suppressed_and_others_rounded_to_five() -> None:
    table = pd.DataFrame(
        {"group": list("abcde"), "patients": [3, 9, 10, 12, 13], "admitted": [0, 5, 7, 12, 1000]}
    )
    table["rate"] = table["admitted"] / table["patients"]
    out = DisclosureRule().apply(table, ["patients", "admitted"], {"rate": ["patients", "admitted"]})
    assert out["patients"].tolist() == [pd.NA, pd.NA, 10, 10, 15]
    assert out["admitted"].tolist() == [pd.NA, pd.NA, pd.NA, 10, 1000]
    assert out["rate"].isna().tolist() == [True, True, True, False, False]
    assert out["rate"].iloc[3] == 1.0  # from the unrounded counts


def test_halves_round_up() -> None:
    assert [DisclosureRule().round_count(v) for v in (12.5, 17.5, 22, 23)] == [15, 20, 20, 25]


def test_the_rule_is_configurable_and_stated() -> None:
    assert DisclosureRule().statement() == (
        "Disclosure control: counts below 10 are suppressed (*); other counts are rounded to the nearest 5; "
        "percentages, shares and rates come from unrounded counts and are suppressed with them."
    )
    assert (
        DisclosureRule(5, 10)
        .statement()
        .startswith(
            "Disclosure control: counts below 5 are suppressed (*); "
            "other counts are rounded to the nearest 10"
        )
    )
    assert DisclosureRule(0, 1).statement() == "Disclosure control: none (counts are exact)."
    out = DisclosureRule(0, 1).apply(pd.DataFrame({"n": [1, 7]}), ["n"])
    assert out["n"].tolist() == [1, 7]


def test_a_nonsense_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="round_to is 0; expected 1 or more"):
        DisclosureRule(10, 0)
