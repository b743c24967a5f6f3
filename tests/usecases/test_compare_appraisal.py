"""The use cases of ``carebridge compare``, ``appraise`` and ``prioritise``, called as the faces call them."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebridge.scenario.errors import AppraisalParametersError, CandidatesError
from carebridge.usecases.appraisal import DEFAULTS, appraise_file, prioritise_file
from carebridge.usecases.compare import compare_variants, compare_versions
from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError
from carebridge.usecases.planning import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STOCKPORT = EXAMPLES / "stockport-2017" / "scenario.yaml"
STP = EXAMPLES / "staffordshire-stp-2016" / "scenario.yaml"


def test_a_variant_is_compared_with_its_base_and_its_changes_are_logged() -> None:
    found = compare_variants(load(STP), ["seven_day_working"])
    assert [item.label for item in found.items] == ["7 Day Working"]
    assert found.items[0].base is found.base
    assert found.changes and all(change.startswith("seven_day_working: ") for change in found.changes)
    change = found.items[0].positions.difference
    assert float(abs(change).max()) > 0


def test_the_variants_asked_for_must_exist() -> None:
    with pytest.raises(UnknownVariantsError) as raised:
        compare_variants(load(STP), ["seven_day_working", "no_such_variant"])
    assert raised.value.unknown == ("no_such_variant",)
    assert "seven_day_working" in raised.value.known
    with pytest.raises(NoVariantsError):
        compare_variants(load(STOCKPORT))


def test_a_scenario_compared_with_itself_differs_nowhere() -> None:
    loaded = load(STOCKPORT)
    found = compare_versions("same", loaded, loaded)
    assert float(abs(found.items[0].positions.difference).max()) == 0.0


def test_an_appraisal_without_a_parameters_file_uses_the_defaults(tmp_path: Path) -> None:
    appraised = appraise_file(STOCKPORT)
    assert appraised.source == DEFAULTS
    assert appraised.appraisal.schemes == [*appraised.results.schemes, "programme"]
    bad = tmp_path / "appraisal.yaml"
    bad.write_text("discount_rates: seven\n", encoding="utf-8")
    with pytest.raises(AppraisalParametersError) as raised:
        appraise_file(STOCKPORT, bad)
    assert str(bad) in str(raised.value)


def test_prioritisation_funds_within_the_envelope_and_locates_a_bad_file(tmp_path: Path) -> None:
    found = prioritise_file(EXAMPLES / "stockport-pct-2007" / "candidates.yaml", "score", "score")
    assert found.selection.funded and found.selection.excluded
    bad = tmp_path / "candidates.yaml"
    bad.write_text("name: x\ncandidates: 3\n", encoding="utf-8")
    with pytest.raises(CandidatesError) as raised:
        prioritise_file(bad, "score", "score")
    assert str(bad) in str(raised.value)
