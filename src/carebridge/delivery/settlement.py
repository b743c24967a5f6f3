"""The risk and gain share settlement of the monitored year, for the delivery pack.

The rules are :mod:`carebridge.engine.share` (spec section 9); this module only gathers their inputs: the
agreement recorded for the plan (``carebridge plan share``), the planned and the forecast benefit ``B`` and
investment ``I`` of the year, the FEWS loss threshold as the stop loss, and the benefits-maximisation actions
agreed or done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from carebridge.delivery.fews import COUNTED_ACTION_STATUSES, Action, FewsStatus

NO_AGREEMENT = (
    "No risk and gain share agreement is configured for this plan. Record one with "
    "carebridge plan share --gain PARTY=SHARE … (Stockport: ccg=1/3, smbc=1/3, providers=1/3)."
)


@dataclass(frozen=True)
class SettlementView:
    settlements: tuple[Any, ...] = ()
    """:class:`carebridge.engine.share.Settlement` of the planned and of the forecast year."""
    message: str = ""
    parties: Mapping[str, tuple[float, float]] = field(default_factory=dict)


def settle_year(status: FewsStatus, parties: Mapping[str, tuple[float, float]]) -> SettlementView:
    """Settle the planned and the forecast year by the recorded agreement, or say why not."""
    if not parties:
        return SettlementView(message=NO_AGREEMENT)
    try:
        from carebridge.engine import share
    except ImportError:  # pragma: no cover - the engine ships the share rules
        return SettlementView(
            message="The risk and gain share rules (carebridge.engine.share) are not installed."
        )
    from carebridge.scenario.errors import ScenarioError

    agreement = share.ShareAgreement(
        gain_shares={party: gain for party, (gain, _) in parties.items()},
        risk_shares={party: risk for party, (_, risk) in parties.items()},
        stop_loss_threshold=status.settings.loss_threshold,
    )
    forecast = status.forecast
    actions = tuple(
        share.BenefitsMaximisationAction(action.description, action.owner, action.amount)
        for action in counted(status.actions)
    )
    years = (
        share.ProgrammeYear(forecast.year, forecast.planned_benefit, forecast.planned_investment, "planned"),
        share.ProgrammeYear(
            forecast.year, forecast.forecast_benefit, forecast.forecast_investment, "forecast", actions
        ),
    )
    try:
        settlements = tuple(share.settle(agreement, year) for year in years)
    except ScenarioError as error:
        return SettlementView(message=f"The recorded agreement cannot be settled: {error}", parties=parties)
    return SettlementView(settlements, parties=parties)


def counted(actions: Sequence[Action]) -> list[Action]:
    return [action for action in actions if action.status in COUNTED_ACTION_STATUSES]
