"""The outcome comparisons of the STP (seed 002) and of Manchester's value case (seed 004), as
examples/outcomes holds them: seed 002's published life expectancy and healthy life expectancy by place
against the West Midlands, and its reablement figures against England, reproduced exactly, with the
direction of its words ("lag behind the rest of Staffordshire and the West Midlands"); seed 004's five
outcomes named as the seed names them, every value marked synthetic; and the slope index's interval."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from carebridge.delivery import outcomes as oc
from tests.conftest import EXAMPLES

FOLDER = EXAMPLES / "outcomes"
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
STP_SEED = SEEDS / "002_e78593e28c141faf.txt"
MANCHESTER_SEED = SEEDS / "004_506e625c6a420392.txt"

STP_TABLE = {  # seed 002, lines 200-203: (Staffordshire, Stoke-on-Trent, West Midlands)
    "le_male": (79.7, 76.5, 78.8),
    "le_female": (83.1, 80.6, 82.8),
    "hle_male": (62.8, 60.9, 62.4),
    "hle_female": (63.4, 58.9, 62.8),
}


def rows_of(register: oc.OutcomesRegister, name: str) -> tuple[oc.ValueRow, ...]:
    with (FOLDER / name).open(encoding="utf-8") as file:
        return oc.check_values(name, list(csv.reader(file)), register)


@pytest.fixture(scope="module")
def stp() -> tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]]:
    register = oc.load_outcomes(FOLDER / "stp-register.yaml")
    return register, rows_of(register, "stp-values.csv")


@pytest.fixture(scope="module")
def manchester() -> tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]]:
    register = oc.load_outcomes(FOLDER / "manchester-register.yaml")
    return register, rows_of(register, "manchester-values.csv")


def measure(register: oc.OutcomesRegister, measure_id: str) -> oc.Measure:
    return next(m for m in register.measures if m.id == measure_id)


def test_the_seeds_table_is_the_one_in_the_seed() -> None:
    """The figures this test holds the example to are the seed's own lines."""
    text = STP_SEED.read_text(encoding="utf-8")
    assert "Life Expectancy\t79.7\t83.1\t76.5\t80.6\t78.8\t82.8" in text
    assert "Healthy Life Expectancy\t62.8\t63.4\t60.9\t58.9\t62.4\t62.8" in text
    assert "1.2% compared to the England average of 2.9%" in text
    assert "87.8% compared to the England average of 82.7%" in text


def test_stp_published_values_are_reproduced(
    stp: tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]],
) -> None:
    register, rows = stp
    for measure_id, (staffordshire, stoke, west_midlands) in STP_TABLE.items():
        found = {r.group: r for r in oc.compute(measure(register, measure_id), rows)}
        assert found["Staffordshire"].value == staffordshire
        assert found["Stoke-on-Trent"].value == stoke
        assert found["West Midlands"].value == west_midlands
        assert {found[g].status for g in ("Staffordshire", "Stoke-on-Trent", "West Midlands")} == {
            "published"
        }
        assert found["all"].status == "synthetic"  # the footprint's value is not in the seed
    offered = {r.group: r.value for r in oc.compute(measure(register, "reablement_offered"), rows)}
    at_home = {r.group: r.value for r in oc.compute(measure(register, "reablement_at_home"), rows)}
    assert offered == {"all": 1.2, "England": 2.9} and at_home == {"all": 87.8, "England": 82.7}


def test_stoke_on_trent_lags_the_rest_of_staffordshire_and_the_west_midlands(
    stp: tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]],
) -> None:
    """ "both life expectancy and healthy life expectancy lag behind the rest of Staffordshire and the West
    Midlands": worse than the West Midlands on all four, and the lowest of the two places."""
    register, rows = stp
    for measure_id, (staffordshire, stoke, west_midlands) in STP_TABLE.items():
        item = measure(register, measure_id)
        results = oc.compute(item, rows)
        stoke_against = next(c for c in oc.comparisons(item, results) if c.area == "Stoke-on-Trent")
        assert stoke_against.comparator == "West Midlands" and stoke_against.judgement == "worse"
        assert stoke_against.difference == pytest.approx(stoke - west_midlands)
        assert not stoke_against.tested  # the seed gives no interval
        (spread,) = oc.variation(item, results)
        assert (spread.lowest, spread.highest) == ("Stoke-on-Trent", "Staffordshire")
        assert spread.range == pytest.approx(staffordshire - stoke)
    offered = measure(register, "reablement_offered")
    (against,) = oc.comparisons(offered, oc.compute(offered, rows))
    assert (against.comparator, against.judgement) == ("England", "worse")  # 1.2% against 2.9%


def test_manchester_names_the_seeds_outcomes(
    manchester: tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]],
) -> None:
    """Seed 004's 'Health & wellbeing outcomes', each measure moving the way the seed says; no value is
    published (the seed gives none), so every row is marked synthetic."""
    register, rows = manchester
    text = MANCHESTER_SEED.read_text(encoding="utf-8")
    words = {
        "le_male": ("Reduction in variation of life expectancy between localities", "higher_is_better"),
        "children_immunised": ("Increased proportion of children immunised", "higher_is_better"),
        "antidepressants": ("Reduction in anti-depressants prescribed", "lower_is_better"),
        "sickness_absence": ("Reduction in sickness absence from work", "lower_is_better"),
    }
    for measure_id, (quoted, direction) in words.items():
        item = measure(register, measure_id)
        assert quoted in text and quoted in item.source
        assert item.direction == direction
    assert {row.status for row in rows} == {"synthetic"}


def test_manchester_variation_between_localities_narrows(
    manchester: tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]],
) -> None:
    register, rows = manchester
    item = measure(register, "le_male")
    spread = oc.variation(item, oc.compute(item, rows))
    assert [s.period for s in spread] == ["2009-11", "2010-12", "2011-13"]
    assert [round(s.range, 1) for s in spread] == [2.2, 1.9, 1.6]
    assert {s.lowest for s in spread} == {"North Manchester"}


def test_manchester_comparisons_are_tested_with_the_interval(
    manchester: tuple[oc.OutcomesRegister, tuple[oc.ValueRow, ...]],
) -> None:
    """A rate with counts has an interval: against England it is similar when the interval holds England's
    value (Wilson's for immunisation), better or worse otherwise."""
    register, rows = manchester
    item = measure(register, "children_immunised")
    latest = [c for c in oc.comparisons(item, oc.compute(item, rows)) if c.period == "2013/14"]
    assert all(c.tested for c in latest)
    for c in latest:
        assert c.lower is not None and c.upper is not None
        holds = c.lower <= c.comparator_value <= c.upper
        assert (c.judgement == "similar") == holds
    south = next(c for c in latest if c.area == "South Manchester")
    assert south.judgement == "better"  # 94.8% (93.9 to 95.6) against 92.7%
