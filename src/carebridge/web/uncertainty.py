"""The Monte Carlo page of a scenario: fan charts of the system position and of net benefit, the probability
of balance by year and the tornado of a one-way sensitivity — the simulation report's own charts and tables.

A scenario with distributions is drawn as written; one without is given ``carebridge simulate --spread``'s
triangular ± :data:`DEFAULT_SPREAD` on every scheme effect and unit price. Views are cached by the SHA-256
of the scenario text (the draws are seeded, so the same text gives the same numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from carebridge.engine.finance import SYSTEM
from carebridge.report.chart import Chart
from carebridge.report.simulation import balance_table, fan_chart, position_table, tornado_chart
from carebridge.scenario.loader import LoadedScenario
from carebridge.usecases.uncertainty import sensitivity, simulate, with_spread
from carebridge.web.memo import Memo

DRAWS = 2_000
SEED = 1
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
    """The fan chart of the programme's net benefit on the tariff basis (what the tornado ranks inputs by)."""
    position_varies: bool
    """Whether the system position differs between draws (not when its lines hold no uncertain input)."""
    tornado: Chart
    balance_table: Markup
    position_table: Markup
    balance: tuple[tuple[str, float], ...]
    """The probability that the system's do-something position is in balance (≤ 0), by year."""


def monte_carlo(memo: Memo[MonteCarloView], loaded: LoadedScenario, sha256: str) -> MonteCarloView:
    """:func:`monte_carlo_now`, cached by the scenario's text."""
    return memo.get((sha256, DRAWS, SEED), lambda: monte_carlo_now(loaded))


def monte_carlo_now(loaded: LoadedScenario, draws: int = DRAWS, seed: int = SEED) -> MonteCarloView:
    spread: float | None = None
    if not loaded.scenario.uncertainty.inputs:
        spread = DEFAULT_SPREAD
        loaded = with_spread(loaded, spread)
    scenario = loaded.scenario
    (simulation,) = simulate([loaded], draws, seed)
    tornado = sensitivity(loaded, switching=False)
    fan = fan_chart(
        simulation.system_position(),
        simulation.percentiles,
        "chart-fan-position",
        "System do-something position (£'000)",
        "£'000, deficit positive",
    )
    net_fan = fan_chart(
        simulation.net_benefit().sel(basis="tariff", drop=True),
        simulation.percentiles,
        "chart-fan-net-benefit-tariff",
        "Net benefit, tariff basis (£'000)",
        "£'000, positive a saving",
    )
    position = simulation.system_position()
    varies = bool(float((position.max("draw") - position.min("draw")).max()) > 0.5)
    probability = simulation.balance_probability()
    balance = tuple((str(year), float(probability.sel(org=SYSTEM, year=year))) for year in simulation.years)
    return MonteCarloView(
        draws,
        seed,
        len(scenario.uncertainty.inputs),
        spread,
        fan,
        net_fan,
        varies,
        tornado_chart(tornado),
        Markup(balance_table(simulation)),
        Markup(position_table(simulation)),
        balance,
    )
