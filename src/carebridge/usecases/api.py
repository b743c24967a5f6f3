"""The public Python API, re-exported at the package top (``carebridge.run``, …; see docs/api.md).

Each function is a use case under its own name; a run and a simulation come back wrapped so that they show
their headline tables in a notebook (``_repr_html_``) and convert to pandas (``to_frames()``, the tidy
tables; ``to_pandas(name)``, one of them). Errors are the use cases': :class:`ScenarioError` (every problem
of a file, located), :class:`ModelError`, :class:`YearError`, :class:`PlanNotFoundError`, ….
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge.engine.labels import plain
from carebridge.scenario.loader import LoadedScenario
from carebridge.usecases import planning

if TYPE_CHECKING:
    import pandas as pd

    from carebridge.engine.results import Results
    from carebridge.engine.simulate.monte_carlo import Simulation
    from carebridge.engine.simulate.sensitivity import Output, Sensitivity
    from carebridge.scenario.schema import Scenario
    from carebridge.store import Store
    from carebridge.store.imports import ImportOutcome
    from carebridge.store.plans import Approval
    from carebridge.usecases.delivery import Fews
    from carebridge.usecases.registers import Targets

ScenarioSource = str | PathLike[str] | LoadedScenario
"""A scenario file (YAML or an Excel workbook), or a scenario already loaded."""


def load(path: str | PathLike[str]) -> LoadedScenario:
    """Load and check a scenario file; :class:`ScenarioError` lists every problem with its line."""
    return planning.load(Path(path))


def _loaded(scenario: ScenarioSource) -> LoadedScenario:
    return scenario if isinstance(scenario, LoadedScenario) else load(scenario)


@dataclass(frozen=True)
class Run:
    """A deterministic run of a scenario: its labelled arrays (``results``) and the tables people read.

    Money in £'000; savings, funding and activity removed are negative; a deficit is positive.
    """

    loaded: LoadedScenario
    results: Results

    @property
    def scenario(self) -> Scenario:
        return self.loaded.scenario

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def years(self) -> list[str]:
        return list(self.results.years)

    @property
    def bridge_year(self) -> str:
        return self.results.bridge_year

    def with_bridge_year(self, year: str) -> Run:
        """The same run with its bridge drawn for ``year`` (no re-run); :class:`YearError` outside."""
        return Run(self.loaded, planning.with_bridge_year(self.results, year))

    def bridge(self, year: str | None = None) -> pd.DataFrame:
        """The system bridge of ``year`` (default: the bridge year): one row a step, £'000."""
        import pandas as pd

        steps = self.results.bridge(year or self.bridge_year)
        return pd.DataFrame(
            {
                "line": [s.line for s in steps],
                "name": [s.name for s in steps],
                "value": [s.value for s in steps],
            }
        )

    def positions(self, line: str = "do_something") -> pd.DataFrame:
        """A position line by organisation (rows, by name) and year (columns), £'000, deficit positive."""
        import pandas as pd

        cells = self.results.positions.sel(line=line).transpose("org", "year")
        return pd.DataFrame(
            cells.values,
            index=pd.Index(
                [self.results.org_label(str(org)) for org in cells.org.values], name="organisation"
            ),
            columns=pd.Index([str(year) for year in cells.year.values], name="year"),
        )

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The tidy tables (as the report's CSV files): activity, scheme_activity, savings, statement,
        positions, flows and flow_checks."""
        from carebridge.report.tidy import TABLES

        return {name: table(self.results) for name, table in TABLES.items()}

    def to_pandas(self, table: str = "positions") -> pd.DataFrame:
        """One tidy table by name (see :meth:`to_frames`)."""
        from carebridge.report.tidy import TABLES

        if table not in TABLES:
            raise ValueError(f"'{table}' is not a table; expected one of {', '.join(TABLES)}")
        return TABLES[table](self.results)

    def _repr_html_(self) -> str:
        """The headline tables in a notebook: the system bridge and the do-something positions."""
        from carebridge.report.html_table import render_table
        from carebridge.report.plan_tables import do_something_position, system_bridge

        return "\n".join(
            render_table(table)
            for table in (system_bridge(self.results), do_something_position(self.results))
        )

    def __repr__(self) -> str:
        return f"<Run of '{self.name}': {self.years[0]} to {self.years[-1]}, bridge year {self.bridge_year}>"


def run(scenario: ScenarioSource, bridge_year: str | None = None) -> Run:
    """Load (if need be) and run a scenario; ``bridge_year`` draws its bridge for another year.

    :class:`ScenarioError` or :class:`ModelError` with every problem located; :class:`YearError` for a
    bridge year outside the scenario.
    """
    loaded = _loaded(scenario)
    results = planning.run(loaded)
    if bridge_year is not None:
        results = planning.with_bridge_year(results, bridge_year)
    return Run(loaded, results)


@dataclass(frozen=True)
class MonteCarlo:
    """A Monte Carlo simulation of a scenario: the per-draw tables (``simulation``) and their summaries."""

    simulation: Simulation

    def balance(self) -> pd.DataFrame:
        """The probability that each organisation, and the system, is in balance (do-something ≤ 0):
        organisations (rows, by id) by year (columns), 0 to 1."""
        import pandas as pd

        cells = self.simulation.balance_probability().transpose("org", "year")
        return pd.DataFrame(
            cells.values,
            index=pd.Index([str(org) for org in cells.org.values], name="org"),
            columns=pd.Index([str(year) for year in cells.year.values], name="year"),
        )

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The mean and percentiles of every output table, tidy (one column a statistic), and ``balance``."""
        frames = {}
        for name, summary in self.simulation.summaries().items():
            frame = summary.rename("value").to_dataframe().reset_index()
            keys = [dim for dim in summary.dims if dim != "stat"]
            frames[name] = frame.pivot_table(
                index=keys, columns="stat", values="value", sort=False
            ).reset_index()
            frames[name].columns.name = None
        frames["balance"] = (
            plain(self.simulation.balance_probability()).rename("probability").to_dataframe().reset_index()
        )
        return frames

    def to_pandas(self, table: str = "balance") -> pd.DataFrame:
        frames = self.to_frames()
        if table not in frames:
            raise ValueError(f"'{table}' is not a table; expected one of {', '.join(frames)}")
        return frames[table]

    def _repr_html_(self) -> str:
        """The probability of balance and the system position's percentiles, by year."""
        from carebridge.report.simulation import balance_table, position_table

        return balance_table(self.simulation) + "\n" + position_table(self.simulation)

    def __repr__(self) -> str:
        return (
            f"<MonteCarlo of '{self.simulation.scenario.name}': {self.simulation.draws:,} draws, "
            f"seed {self.simulation.seed}>"
        )


def simulate(
    scenario: ScenarioSource,
    draws: int = 2_000,
    seed: int = 1,
    *,
    spread: float | None = None,
    percentiles: Sequence[float] = (10.0, 50.0, 90.0),
) -> MonteCarlo:
    """``draws`` seeded draws of every uncertain input, each run through the whole model; ``spread`` makes
    every scheme effect, unit price and parameter of a plan line's formula uncertain too (triangular, ± the
    fraction, as ``--spread``)."""
    from carebridge.usecases.errors import NoUncertaintyError
    from carebridge.usecases.uncertainty import simulate as simulate_many
    from carebridge.usecases.uncertainty import with_spread

    loaded = with_spread(_loaded(scenario), spread)
    if not loaded.scenario.uncertainty.inputs:
        raise NoUncertaintyError(
            f"{loaded.source.file}: no input is uncertain; write a distribution in place of a number, or "
            "give a spread, e.g. spread=0.2"
        )
    (simulation,) = simulate_many([loaded], draws, seed, percentiles=percentiles)
    return MonteCarlo(simulation)


def sensitivity(
    scenario: ScenarioSource,
    output: Output | None = None,
    *,
    spread: float | None = None,
    low: float = 10.0,
    high: float = 90.0,
    switching: bool = True,
) -> Sensitivity:
    """One-way sensitivity: each uncertain input at its ``low`` and ``high`` percentile, the others
    central (the tornado), and each input's switching value."""
    from carebridge.usecases.uncertainty import sensitivity as one_way
    from carebridge.usecases.uncertainty import with_spread

    loaded = with_spread(_loaded(scenario), spread)
    return one_way(loaded, output, low=low, high=high, switching=switching)


# --- the store --------------------------------------------------------------------------------------------


def open_store(location: str | None = None, actor: str | None = None) -> Store:
    """The store at ``location`` (a SQLite file or a ``postgresql+psycopg://`` URL; default
    ``CAREBRIDGE_DB``, else ``carebridge.db``), migrated on first use; changes audited under ``actor``."""
    from carebridge.store import Store

    return Store.open(location, actor=actor)


def approve(store: Store, name: str, scenario: str | PathLike[str]) -> Approval:
    """Run the scenario file and store it as a new version of plan ``name`` (``created`` false when the
    latest version holds the same file)."""
    from carebridge.usecases.plans import approve as approve_checked

    return approve_checked(store, name, planning.check_file(Path(scenario)))


def import_actuals(store: Store, plan: str, files: Sequence[str | PathLike[str]]) -> list[ImportOutcome]:
    """Check every file of actuals, then import each in one transaction (all or nothing:
    :class:`ActualsFilesError` lists every bad row); one import outcome a file."""
    from carebridge.usecases.delivery import import_actuals as import_files

    return [outcome for _, outcome in import_files(store, plan, [Path(file) for file in files])]


def fews(store: Store, plan: str, month: str | None = None) -> Fews:
    """The early warning status of ``month`` (default: the latest month with activity actuals)."""
    from carebridge.usecases.delivery import fews as fews_of_month

    return fews_of_month(store, plan, month)


def target_status(store: Store, month: str | None = None) -> Targets:
    """Every target against its trajectory as at ``month`` (default: the latest month with an actual)."""
    from carebridge.usecases.registers import status_of_targets

    return status_of_targets(store, month)


def edit_value(store: Store, plan: str, kind: str, item: str, values: Mapping[int, Mapping[str, str]]) -> Run:
    """Set values by year of a scheme's effects (``kind`` ``schemes``) or a plan line (``lines``) in plan
    ``plan``'s current scenario, check it as ``carebridge validate`` does and keep it as the plan's draft;
    the draft's run. ``values`` maps an effect's index to values by year (``all``: one for every year)."""
    from carebridge.store.plans import plan_id
    from carebridge.usecases.edits import edit_value as edit
    from carebridge.usecases.plans import stored_scenario

    checked = edit(store, stored_scenario(store, plan_id(store, plan)), kind, item, values)
    return Run(checked.loaded, checked.results)
