"""Reconciliation with published figures: each entry of the scenario's ``published`` list against the series
the run computed for it.

An entry names one series by a selector: a ``position`` (line and organisation, sector — ``nhs`` or
``social_care``, the sum of its organisations — or system), a ``statement`` line (its id, its printed label,
or ``total_investment``, ``total_funding``, ``net``), ``savings`` filtered by basis, scheme, group, POD,
provider and source, scheme ``investment`` (recurrent plus non-recurrent) filtered by scheme or group, or
``activity`` (POD and measure). The look-up only selects and adds what the results hold, read as views
(numpy with labels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.run_views import array, dataset
from carebridge.report.table import Cells
from carebridge.scenario.errors import Path, Problem, ScenarioError, did_you_mean
from carebridge.scenario.schema import (
    POSITION_SECTORS,
    ActivityRef,
    InvestmentRef,
    PositionRef,
    Published,
    SavingsRef,
    StatementRef,
)

SELECTORS = ("position", "statement", "savings", "investment", "activity")


@dataclass(frozen=True)
class ReconciliationRow:
    """One published figure for one year against the computed one; ``difference = computed − published``."""

    entry: int
    """Index of the entry in the scenario's ``published`` list."""
    source: str
    measure: str
    """What was looked up, in words: e.g. ``savings, tariff basis, scheme Acute Interface``."""
    year: str
    computed: float
    published: float
    tolerance: float

    @property
    def difference(self) -> float:
        return self.computed - self.published

    @property
    def flagged(self) -> bool:
        """Whether the difference is above the entry's tolerance."""
        return abs(self.difference) > self.tolerance


class ReconciliationError(ScenarioError):
    """Published entries whose selectors name nothing in the results."""


class _NotFoundError(Exception):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message


def reconcile(results: Results) -> list[ReconciliationRow]:
    """Every published figure of the scenario against the computed one, entry by entry, year by year.

    Raises :class:`ReconciliationError` listing every entry that names an unknown line, organisation,
    scheme, group, POD, provider or year.
    """
    rows: list[ReconciliationRow] = []
    problems: list[Problem] = []
    for index, published in enumerate(results.scenario.published):
        path: Path = ("published", index)
        try:
            computed, measure = computed_series(results, published)
            years = [_year(results, key) for key in published.values]
        except _NotFoundError as missing:
            problems.append(Problem((*path, *missing.field.split(".")), missing.message))
            continue
        cells = Cells(computed)
        for year, value in sorted(
            zip(years, published.values.values(), strict=True), key=_year_order(results)
        ):
            rows.append(
                ReconciliationRow(
                    index,
                    published.source,
                    measure,
                    year,
                    cells(year=year),
                    float(value),
                    published.tolerance,
                )
            )
    if problems:
        raise ReconciliationError(problems)
    return rows


def computed_series(results: Results, published: Published) -> tuple[View, str]:
    """The computed (year) series a published entry names, and a description of it in words."""
    given = [name for name in SELECTORS if getattr(published, name) is not None]
    if len(given) != 1:
        found = ", ".join(given) if given else "none"
        raise _NotFoundError(
            "values", f"give exactly one of {', '.join(SELECTORS)} to say what is published; found {found}"
        )
    name = given[0]
    try:
        return _lookup(results, getattr(published, name))
    except _NotFoundError as missing:
        raise _NotFoundError(f"{name}.{missing.field}", missing.message) from None


def _lookup(results: Results, selector: object) -> tuple[View, str]:
    match selector:
        case PositionRef():
            return _position(results, selector)
        case StatementRef():
            return _statement(results, selector)
        case SavingsRef():
            return _savings(results, selector)
        case InvestmentRef():
            return _investment(results, selector)
        case ActivityRef():
            return _activity(results, selector)
    raise TypeError(f"unknown selector {selector!r}")


def _position(results: Results, ref: PositionRef) -> tuple[View, str]:
    """A position line of an organisation, the system or a sector (the sum of its organisations)."""
    positions = array(results, "positions")
    _check("line", ref.line, [str(v) for v in positions.labels["line"]], "position line")
    holders = [str(v) for v in positions.labels["org"]]
    _check("org", ref.org, [*holders, *POSITION_SECTORS], "organisation, sector or system")
    if ref.org in POSITION_SECTORS:
        sectors = dict(zip(holders, positions.coord("sector"), strict=True))
        orgs = [org for org in holders if org != SYSTEM]
        members = [org for org in orgs if sectors[org] == ref.org]
        series = positions.sel(org=orgs).sel(org=members).sum("org").sel(line=ref.line)
    else:
        series = positions.sel(line=ref.line, org=ref.org)
    return series, f"position: {results.position_label(ref.line)}, {results.org_label(ref.org)}"


def _statement(results: Results, ref: StatementRef) -> tuple[View, str]:
    table = array(results, "statement").sel(basis=ref.basis)
    lines = [str(v) for v in table.labels["line"]]
    by_label = {results.statement_label(ref.basis, line): line for line in lines}
    _check("line", ref.line, [*lines, *by_label], "statement line")
    line = by_label.get(ref.line, ref.line)
    label = results.statement_label(ref.basis, line)
    return table.sel(line=line), f"statement, {ref.basis} basis: {label}"


def _savings(results: Results, ref: SavingsRef) -> tuple[View, str]:
    savings = array(results, "savings").sel(basis=ref.basis)
    words = [f"savings, {ref.basis} basis"]
    schemes = _schemes(results, ref.scheme, ref.group, words)
    if schemes is not None:
        savings = savings.sel(scheme=schemes)
    for dim, value, noun in (("pod", ref.pod, "POD"), ("provider", ref.provider, "provider")):
        if value is not None:
            _check(dim, value, [str(v) for v in savings.labels[dim]], noun)
            savings = savings.sel(**{dim: [value]})
            words.append(f"{noun} {results.pod_label(value) if dim == 'pod' else results.org_label(value)}")
    if ref.source is not None:
        savings = savings.sel(source=[ref.source])
        words.append(ref.source.replace("_", " "))
    return savings.sum([d for d in savings.dims if d != "year"]), ", ".join(words)


def _investment(results: Results, ref: InvestmentRef) -> tuple[View, str]:
    investment = dataset(results, "scheme_investment")
    recurrent, non_recurrent = (
        investment["recurrent"],
        investment["non_recurrent"].transpose(*investment["recurrent"].dims),
    )
    invested = View(recurrent.values + non_recurrent.values, recurrent.dims, recurrent.labels)
    words = ["scheme investment"]
    schemes = _schemes(results, ref.scheme, ref.group, words)
    if schemes is not None:
        invested = invested.sel(scheme=schemes)
    return invested.sum("scheme"), ", ".join(words)


def _activity(results: Results, ref: ActivityRef) -> tuple[View, str]:
    activity = dataset(results, "activity")
    _check("pod", ref.pod, [str(v) for v in activity["do_nothing"].labels["pod"]], "POD with activity")
    series = activity[ref.measure].sel(pod=ref.pod)
    return series, f"activity: {results.pod_label(ref.pod)}, {ref.measure.replace('_', ' ')}"


def _schemes(results: Results, scheme: str | None, group: str | None, words: list[str]) -> list[str] | None:
    """Scheme ids chosen by a scheme id or a group (``None``: every scheme); adds the choice to ``words``."""
    known = results.schemes
    summary = dataset(results, "scheme_summary")["investment"]
    groups = {
        str(s): str(g) for s, g in zip(summary.labels["scheme"], summary.coord("scheme_group"), strict=True)
    }
    if scheme is not None:
        _check("scheme", scheme, known, "scheme")
        words.append(f"scheme {results.scheme_label(scheme)}")
        return [scheme]
    if group is not None:
        _check("group", group, [groups[s] for s in known if groups[s]], "scheme group")
        words.append(f"group {group}")
        return [s for s in known if groups[s] == group]
    return None


def _check(field: str, found: str, choices: Sequence[str], noun: str) -> None:
    if found not in choices:
        listed = ", ".join(f"'{c}'" for c in dict.fromkeys(choices))
        raise _NotFoundError(
            field, f"no {noun} '{found}'; expected one of {listed}{did_you_mean(found, choices)}"
        )


def _year(results: Results, key: object) -> str:
    year = str(key)
    if year not in results.years:
        span = f"{results.years[0]} to {results.years[-1]}"
        raise _NotFoundError("values", f"year '{year}' is not modelled (the run covers {span})")
    return year


def _year_order(results: Results) -> Callable[[tuple[str, float]], int]:
    return lambda pair: results.years.index(pair[0])
