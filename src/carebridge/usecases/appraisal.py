"""Appraise a scenario (Green Book) and choose what to fund within an envelope (prioritisation).

Each reads a small YAML file beside the scenario (``appraisal.yaml``) or on its own (``candidates.yaml``) with
the one loader of every YAML input (:func:`carebridge.scenario.loader.load_model`), so a mistake is reported
with its file, line and field path. The file models live in :mod:`carebridge.engine.appraisal` and
:mod:`carebridge.engine.prioritise`; the faces draw the tables and write the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from carebridge.engine import Results
from carebridge.engine.appraisal import (
    Appraisal,
    AppraisalParameters,
    appraise,
    appraised_years,
    check_parameters,
    deflated_years,
    price_basis,
    series_problems,
)
from carebridge.engine.prioritise import (
    METHODS,
    Method,
    Objective,
    Portfolio,
    Selection,
    check_portfolio,
    select,
)
from carebridge.scenario.bounds import magnitude_problems
from carebridge.scenario.deflators import (
    DeflatorError,
    GdpDeflator,
    index_beyond,
    read_deflator,
    shipped_deflator,
)
from carebridge.scenario.errors import AppraisalParametersError, CandidatesError, Problem
from carebridge.scenario.loader import LoadedScenario, load_model
from carebridge.scenario.schema import Scenario
from carebridge.scenario.years import YearRange
from carebridge.usecases.planning import load, run

PARAMETERS_FILE = "appraisal.yaml"
"""The appraisal parameters read beside a scenario when none are named."""
DEFAULTS = "(defaults)"
"""The source of the parameters when no file gives them: the Green Book rates, the shipped deflator, no
optimism bias."""


@dataclass(frozen=True)
class AppraisedScenario:
    """A scenario, its run, and the run's appraisal with the parameters of ``source`` (a file, or
    :data:`DEFAULTS`)."""

    loaded: LoadedScenario
    results: Results
    appraisal: Appraisal
    source: str


@dataclass(frozen=True)
class Prioritisation:
    """The candidates read and what was funded and excluded, and why."""

    portfolio: Portfolio
    selection: Selection


def load_parameters(path: Path, scenario: Scenario, years: Sequence[str]) -> AppraisalParameters:
    """Read and check an ``appraisal.yaml`` for ``scenario``; raise ``AppraisalParametersError``, located."""
    schemes = [scheme.id for scheme in scenario.schemes]
    return load_model(
        path,
        AppraisalParameters,
        AppraisalParametersError,
        lambda parameters: check_parameters(parameters, years, schemes) + _index_problems(parameters),
    )[0]


def _index_problems(parameters: AppraisalParameters) -> list[Problem]:
    """A positive deflator index given in the parameters outside the range of an index
    (:func:`~carebridge.scenario.deflators.index_beyond`); a negative one is :func:`check_parameters`'s."""
    return [
        Problem(("deflator", year), beyond)
        for year, index in (parameters.deflator or {}).items()
        if not index <= 0 and (beyond := index_beyond(index)) is not None
    ]


def load_deflator(
    parameters: AppraisalParameters, parameters_file: Path | None, given: Path | None
) -> GdpDeflator:
    """The GDP deflator series: the file ``given`` (the command line's), else the parameters'
    ``deflator_file`` (relative to the parameters file), else the shipped one; raise ``DeflatorError``,
    located."""
    if given is not None:
        return read_deflator(given)
    if parameters.deflator_file is not None:
        folder = parameters_file.parent if parameters_file is not None else Path()
        return read_deflator(folder / parameters.deflator_file)
    return shipped_deflator()


def load_portfolio(path: Path) -> Portfolio:
    """Read and check a ``candidates.yaml``; raise ``CandidatesError``, located."""
    return load_model(path, Portfolio, CandidatesError, _portfolio_problems)[0]


def _portfolio_problems(portfolio: Portfolio) -> list[Problem]:
    """:func:`check_portfolio`'s problems, numbers beyond their bounds (:mod:`carebridge.scenario.bounds`:
    an envelope or an investment beyond £100bn), and a portfolio with no candidates or no envelope (nothing
    to choose, or nothing to choose with: a result would be empty without saying why)."""
    problems = check_portfolio(portfolio) + magnitude_problems(portfolio)
    if not portfolio.candidates:
        message = "the list of candidates is empty; expected at least one candidate (id, name, investment)"
        problems.append(Problem(("candidates",), message))
    if not portfolio.envelope:
        message = "the envelope is empty; expected the £'000 available by year, e.g. {2007/08: 13906}"
        problems.append(Problem(("envelope",), message))
    return problems


def appraise_file(
    scenario: Path,
    parameters: Path | None = None,
    discount: str | None = None,
    deflator: Path | None = None,
) -> AppraisedScenario:
    """Load, run and appraise the scenario file at ``scenario`` with the parameters of ``parameters`` (by
    default :data:`PARAMETERS_FILE` beside the scenario if there is one, else :data:`DEFAULTS`), the discount
    rate schedule ``discount`` if given (``standard`` or ``health``, replacing the parameters' own) and the
    GDP deflator file ``deflator`` if given (see :func:`load_deflator`).

    Raises :class:`ScenarioError`, :class:`AppraisalParametersError` or :class:`DeflatorError` (located) for a
    file's mistakes and :class:`ModelError` (located) when the schemes overdraw a cell."""
    loaded = load(scenario)
    years = YearRange.from_labels(loaded.scenario.base_year, loaded.scenario.end_year).labels
    chosen = parameters if parameters is not None else scenario.parent / PARAMETERS_FILE
    read = parameters is not None or chosen.is_file()
    given = load_parameters(chosen, loaded.scenario, years) if read else AppraisalParameters()
    if discount is not None:
        given = given.model_copy(update={"discount": discount, "discount_rates": None})
    series = load_deflator(given, chosen if read else None, deflator)
    base = appraised_years(years, given.discount_base_year)[0]
    prices = price_basis(loaded.scenario, given, series, given.price_base_year or base)
    if prices.nominal and given.deflator is None:
        problems = series_problems(series, deflated_years(years, given))
        if problems:
            raise DeflatorError(problems)
    results = run(loaded)
    return AppraisedScenario(
        loaded, results, appraise(results, given, series), str(chosen) if chosen.is_file() else DEFAULTS
    )


def default_appraisal(results: Results) -> Appraisal | None:
    """The appraisal a run's report shows: Green Book defaults; ``None`` for a run without schemes."""
    return appraise(results, AppraisalParameters(), shipped_deflator()) if results.schemes else None


def prioritise_file(candidates: Path, method: Method, objective: Objective) -> Prioritisation:
    """Read the candidates at ``candidates`` and choose what to fund by ``method`` and ``objective``.

    Raises :class:`CandidatesError` (located) for the file's mistakes and :class:`ValueError` when the
    method cannot choose (its message says why)."""
    if method not in METHODS:
        raise ValueError(f"'{method}' is not a method")
    portfolio = load_portfolio(candidates)
    return Prioritisation(portfolio, select(portfolio, method, objective))
