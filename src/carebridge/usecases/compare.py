"""Compare runs: each variant of a scenario against its base, or a second scenario (or a draft) against the
first, line by line (Stockport Table 4). The faces draw the tables and write the files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from carebridge.engine import Results
from carebridge.report.compare import Compared, compared
from carebridge.scenario.errors import ScenarioError
from carebridge.scenario.loader import LoadedScenario
from carebridge.scenario.variants import apply_variant
from carebridge.usecases.errors import NoVariantsError, UnknownVariantsError
from carebridge.usecases.planning import run


@dataclass(frozen=True)
class Comparison:
    """The base's run, each comparison with it, and the changes each variant made (in words, as logged)."""

    base: Results
    items: list[Compared]
    changes: list[str]


def compare_runs(label: str, base: Results, other: Results) -> Compared:
    """Two runs in hand (an approved plan and its draft, say), position by position."""
    return compared(label, base, other)


def compare_versions(label: str, base: LoadedScenario, other: LoadedScenario) -> Comparison:
    """``other`` against ``base``, each run once; :class:`ModelError` (located) when either overdraws."""
    first = run(base)
    return Comparison(first, [compare_runs(label, first, run(other))], [])


def compare_variants(loaded: LoadedScenario, only: Sequence[str] = ()) -> Comparison:
    """Each variant of ``loaded`` (those named in ``only``, when given) against the base.

    Raises :class:`NoVariantsError` when the scenario has none, :class:`UnknownVariantsError` when ``only``
    names one it lacks, :class:`ScenarioError` (located in the scenario's file) when a variant cannot be
    applied and :class:`ModelError` (located) when a run overdraws a cell."""
    variants = loaded.scenario.variants
    if not variants:
        raise NoVariantsError()
    unknown = sorted(set(only) - {v.id for v in variants})
    if unknown:
        raise UnknownVariantsError(unknown, [v.id for v in variants])
    base = run(loaded)
    items, changes = [], []
    for position in [i for i, v in enumerate(variants) if not only or v.id in only]:
        try:
            varied = apply_variant(loaded.scenario, position)
        except ScenarioError as error:
            raise type(error)(loaded.source.locate(error.problems)) from None
        changes += [str(change) for change in varied.log]
        varied_loaded = type(loaded)(varied.scenario, loaded.source)
        items.append(compare_runs(varied.variant.name, base, run(varied_loaded)))
    return Comparison(base, items, changes)
