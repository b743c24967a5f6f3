"""The Monte Carlo page of a scenario: the fan chart of the system position (P10 to P90 and P25 to P75 bands
where the draws differ, the median), the probability of balance, the fan chart of the net saving and the
tornado of a one-way sensitivity in the report's year — the simulation report's own charts and tables, the
inputs in the scenario's words and every number signed as the rest of the tool.

A scenario with distributions is drawn as written; one without is given ``carebridge simulate --spread``'s
triangular ± :data:`DEFAULT_SPREAD` on every scheme effect and unit price. Views are cached by the SHA-256
of the scenario text (the draws are seeded, so the same text gives the same numbers) and, when the plan's
risk register in the store has pounds, by those pounds too: the page then also shows the system's position
with and without them (:class:`RiskView`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup

from carebridge.engine.finance import SYSTEM
from carebridge.engine.simulate.monte_carlo import Simulation
from carebridge.engine.simulate.risks import RiskImpact
from carebridge.engine.simulate.sensitivity import Output
from carebridge.report.chart import Chart
from carebridge.report.simulation import (
    balance_table,
    fan_chart,
    first_varying,
    position_table,
    tornado_chart,
)
from carebridge.scenario.loader import LoadedScenario
from carebridge.store import Store
from carebridge.usecases.uncertainty import sensitivity, simulate, with_spread
from carebridge.web.memo import Memo

DRAWS = 2_000
SEED = 1
PERCENTILES = (10.0, 25.0, 50.0, 75.0, 90.0)
"""The fan charts' bands: P10 to P90 and P25 to P75, and the median."""
DEFAULT_SPREAD = 0.2
"""The ± fraction given to every scheme effect and unit price of a scenario with no distributions."""


@dataclass(frozen=True)
class MonteCarloView:
    draws: int
    seed: int
    inputs: int
    spread: float | None
    """The ± fraction applied (``None``: the scenario's own distributions)."""
    fan: Chart
    net_fan: Chart
    """The fan chart of the programme's net saving on the tariff basis (a saving negative)."""
    position_varies: bool
    """Whether the system position differs between draws (not when its lines hold no uncertain input)."""
    band_from: str | None
    """The first year in which the system position differs between draws (its band starts there)."""
    tornado: Chart
    tornado_output: str
    """What the tornado ranks the inputs by, for which year, and which way it runs."""
    balance_table: Markup
    position_table: Markup
    balance: tuple[tuple[str, float], ...]
    """The probability that the system's do-something position is in balance (≤ 0), by year."""
    year: str
    """The year that matters: the report's bridge year, else the last; the tornado's and P(balance)'s."""
    risks: RiskView | None = None
    """The store's risk register in pounds, when the plan's register has any (``carebridge risks load``)."""

    @property
    def tornado_subject(self) -> str:
        """The tornado's output and year without its unit: ``net saving (tariff basis) in 2020/21``."""
        return self.tornado_output.split(", £'000")[0]

    @property
    def balance_in_year(self) -> float:
        """P(balance) of the system in :attr:`year`."""
        return dict(self.balance)[self.year]


@dataclass(frozen=True)
class RiskView:
    """The system's position with and without the risk register's pounds: the simulation report's own
    charts and tables; or, when a stored risk names an organisation or year the scenario lacks, the
    problems (and no charts)."""

    count: int
    source: str
    problems: tuple[str, ...] = ()
    fan: Chart | None = None
    histogram: Chart | None = None
    position_table: Markup | None = None
    contribution_table: Markup | None = None
    balance_with: float | None = None
    """P(balance) of the system in the view's year with the risks."""


def monte_carlo(
    memo: Memo[MonteCarloView],
    loaded: LoadedScenario,
    sha256: str,
    impacts: Sequence[RiskImpact] = (),
    source: str = "",
) -> MonteCarloView:
    """:func:`monte_carlo_now`, cached by the scenario's text (and the risks' pounds, when any)."""
    if not impacts:
        return memo.get((sha256, DRAWS, SEED), lambda: monte_carlo_now(loaded))
    key = (sha256, DRAWS, SEED, tuple(impacts), source)
    view = memo.get(key, lambda: monte_carlo_now(loaded, impacts=impacts, source=source))
    # the draws without the risks are the same: keep them under the plain key too, where the dashboard's
    # probability of balance looks for them
    memo.get((sha256, DRAWS, SEED), lambda: replace(view, risks=None))
    return view


def monte_carlo_now(
    loaded: LoadedScenario,
    draws: int = DRAWS,
    seed: int = SEED,
    impacts: Sequence[RiskImpact] = (),
    source: str = "",
) -> MonteCarloView:
    spread: float | None = None
    if not loaded.scenario.uncertainty.inputs:
        spread = DEFAULT_SPREAD
        loaded = with_spread(loaded, spread)
    scenario = loaded.scenario
    (simulation,) = simulate([loaded], draws, seed, percentiles=PERCENTILES)
    year = scenario.report.bridge_year or simulation.years[-1]
    if year not in simulation.years:
        year = simulation.years[-1]
    # a plan of plan lines only (no schemes) has no net saving: its tornado ranks by the system's position
    output = Output(measure="net_saving", year=year) if scenario.schemes else Output("position", year)
    tornado = sensitivity(loaded, output, switching=False)
    position = simulation.system_position()
    fan = fan_chart(
        position,
        simulation.percentiles,
        "chart-fan-position",
        "System do-something position (£'000)",
        "£'000, a deficit positive",
    )
    net_fan = fan_chart(
        simulation.net_saving().sel(basis="tariff", drop=True),
        simulation.percentiles,
        "chart-fan-net-saving-tariff",
        "Net saving, tariff basis (£'000)",
        "£'000, a net saving negative",
    )
    first = first_varying(position.transpose("draw", "year").values)
    probability = simulation.balance_probability()
    balance = tuple((str(y), float(probability.sel(org=SYSTEM, year=y))) for y in simulation.years)
    return MonteCarloView(
        draws=draws,
        seed=seed,
        inputs=len(scenario.uncertainty.inputs),
        spread=spread,
        fan=fan,
        net_fan=net_fan,
        position_varies=first is not None,
        band_from=simulation.years[first] if first is not None else None,
        tornado=tornado_chart(tornado),
        tornado_output=tornado.output_label,
        balance_table=Markup(balance_table(simulation)),
        position_table=Markup(position_table(simulation)),
        balance=balance,
        year=year,
        risks=_risk_view(simulation, impacts, source, year) if impacts else None,
    )


def _risk_view(simulation: Simulation, impacts: Sequence[RiskImpact], source: str, year: str) -> RiskView:
    """The risks' pounds added to the simulation, as :mod:`carebridge.report.simulation` shows them."""
    from carebridge.report.simulation import (
        risk_contribution_table,
        risk_fan_chart,
        risk_histogram_chart,
        risk_position_table,
    )
    from carebridge.usecases.uncertainty import add_risks, impact_problems_for

    problems = impact_problems_for(simulation.scenario, impacts)
    if problems:
        return RiskView(len(impacts), source, tuple(str(problem) for problem in problems))
    drawn = add_risks(simulation, impacts, source).draws
    with_risks = drawn.with_risks.sel(year=year).values
    return RiskView(
        count=len(impacts),
        source=source,
        fan=risk_fan_chart(drawn, simulation.percentiles),
        histogram=risk_histogram_chart(drawn, year),
        position_table=Markup(risk_position_table(drawn, simulation.percentiles)),
        contribution_table=Markup(risk_contribution_table(drawn, simulation.percentiles)),
        balance_with=float((with_risks <= 0).mean()),
    )


def stored_pounds_of(store: Store, plan_id: int, plan_name: str) -> tuple[tuple[RiskImpact, ...], str]:
    """The pounds of the risks of the plan and of no plan in the store, and where they come from in words."""
    from carebridge.usecases.registers import list_risks, pounds_of

    return pounds_of(list_risks(store, plan_id)), f"the risk register of {plan_name} in the store"
