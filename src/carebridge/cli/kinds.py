"""Which kind of CareBridge file a YAML file is, from its top-level fields, so that a command given the
wrong kind (a candidates file to ``carebridge appraise``, a scenario to ``carebridge prioritise``) says what
the file is and what the command expects, instead of listing every scenario field the file lacks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple


class Kind(NamedTuple):
    """A kind of input file: what it is, in words, and the command that reads it."""

    name: str
    read_by: str


SCENARIO = Kind("a scenario", "carebridge run, validate, appraise, simulate, sensitivity, compare")
CANDIDATES = Kind("a candidates file (interventions to choose within an envelope)", "carebridge prioritise")
TARGETS = Kind("a target register", "carebridge targets load")
RISKS = Kind("a risk register", "carebridge risks load")
APPRAISAL = Kind("appraisal parameters", "carebridge appraise SCENARIO --parameters FILE")
POOL = Kind("a pooled budget (Section 75)", "carebridge.delivery.pools.load_pool")
COHORT = Kind("a cohort fragment", "carebridge stratify --emit-cohort; paste its cohorts into a scenario")
REGION = Kind("a region (places consolidated)", "carebridge run, validate, simulate, compare")
PROGRAMME = Kind("a programme file (objectives, workstreams, resourcing)", "carebridge programme")

# The fields that only one kind has at its top level, first match wins.
_MARKS: tuple[tuple[frozenset[str], Kind], ...] = (
    (frozenset({"organisations", "pods", "schemes", "base_year", "end_year"}), SCENARIO),
    (frozenset({"candidates", "envelope"}), CANDIDATES),
    (frozenset({"targets"}), TARGETS),
    (frozenset({"risks"}), RISKS),
    (frozenset({"discount_rates", "optimism_bias", "deflator", "discount_base_year"}), APPRAISAL),
    (frozenset({"service_areas", "contributions"}), POOL),
    (frozenset({"cohorts"}), COHORT),
    (frozenset({"places", "places_folder", "shared_organisations"}), REGION),
    (frozenset({"objectives", "resourcing"}), PROGRAMME),
)

_TOP_LEVEL_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*:(\s|$)")
"""A field of the top-level mapping: a name at the very start of a line, then a colon."""

EXPECTED = {
    SCENARIO: (
        "a scenario (YAML or an Excel workbook) with organisations, pods and schemes, like "
        "examples/stockport-2017/scenario.yaml"
    ),
    CANDIDATES: (
        "a candidates file with an envelope and candidates, like examples/stockport-pct-2007/candidates.yaml"
    ),
}


def kind_of(path: Path) -> Kind | None:
    """The kind of the YAML file at ``path`` by its top-level fields; None when it cannot be read or has none
    of the fields that tell the kinds apart. The fields are found by their lines (a name at the start of a
    line, then a colon), not by parsing the file: a file too big, too deep or too hostile to parse has
    already been refused by the loader, and this only names what the file looks like."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            keys = {match.group(1) for line in file if (match := _TOP_LEVEL_KEY.match(line))}
    except OSError:
        return None
    return next((kind for marks, kind in _MARKS if keys & marks), None)


def is_region(path: Path) -> bool:
    """Whether the file at ``path`` is a region file (``carebridge run`` and ``validate`` read both)."""
    return kind_of(path) == REGION


def wrong_kind(path: Path, expected: Kind) -> str | None:
    """A message when the file at ``path`` is recognisably another kind than ``expected``: what it is, what
    reads it, and what was expected; None when it is of the kind expected or not recognised."""
    found = kind_of(path)
    if found is None or found == expected:
        return None
    return (
        f"{path}: this is {found.name}, read by {found.read_by}; not {expected.name}. "
        f"Expected {EXPECTED.get(expected, expected.name)}"
    )
