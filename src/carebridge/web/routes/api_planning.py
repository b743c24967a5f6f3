"""The JSON API of the read-only planning views: the Monte Carlo of a scenario, the targets against their
trajectories and the risk register — the same functions, caches and numbers as their pages
(:mod:`carebridge.web.uncertainty`, :mod:`carebridge.web.registers`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from carebridge.delivery import risks as rk
from carebridge.delivery.months import MonthError
from carebridge.engine.errors import ModelError
from carebridge.report.chart import Chart
from carebridge.store import Store
from carebridge.web import registers
from carebridge.web.context import Caches, reading_store
from carebridge.web.routes.common import PlanId, current_or_404
from carebridge.web.uncertainty import monte_carlo

router = APIRouter(prefix="/api", tags=["api"])
Reader = Annotated[Store, Depends(reading_store)]


class Problem(BaseModel):
    detail: str


class BalanceOut(BaseModel):
    year: str
    probability: float = Field(description="The share of draws with the system in balance (≤ 0), 0 to 1.")


class TornadoBarOut(BaseModel):
    input: str = Field(description="The input in the scenario's words.")
    output_low: float = Field(description="The output with the input at its low percentile, others central.")
    output_high: float = Field(description="The output with the input at its high percentile.")


class MonteCarloOut(BaseModel):
    draws: int
    seed: int
    inputs: int = Field(description="The number of uncertain inputs drawn.")
    spread: float | None = Field(
        description="The ± fraction given to every scheme effect and unit price; null: the scenario's own "
        "distributions."
    )
    position_varies: bool = Field(description="Whether the system position differs between draws.")
    balance: list[BalanceOut]
    central_net_benefit: float | None = Field(
        description="The tornado's output with every input central: the net saving (tariff basis, a saving "
        "negative), or the system's position for a plan of plan lines only (a deficit positive)."
    )
    tornado: list[TornadoBarOut] = Field(description="The one-way sensitivity, largest swing first.")


class EscalationOut(BaseModel):
    month: str
    board: str
    reason: str
    status: str


class TargetOut(BaseModel):
    id: str
    name: str
    owner: str
    unit: str
    month: str | None = Field(description="The month of the latest actual used; null: none yet.")
    planned: float | None
    actual: float | None
    shortfall: float | None
    months_off: int
    state: str = Field(description="no trajectory, not reported, on trajectory, off trajectory or alert.")
    rag: str
    alert: str | None = Field(description="The alert's reason, when the target's rule raises one.")
    escalations: list[EscalationOut]


class TargetsOut(BaseModel):
    month: str
    months: list[str] = Field(description="The months with target actuals.")
    targets: list[TargetOut]


class ScoreOut(BaseModel):
    likelihood: int
    impact: int
    rating: int


class RiskOut(BaseModel):
    id: str
    title: str
    owner: str
    schemes: list[str]
    before: ScoreOut
    after: ScoreOut | None
    review_date: dt.date | None
    overdue: bool


class RisksOut(BaseModel):
    month: str
    review_day: dt.date = Field(description="Reviews dated before this day are overdue.")
    risks: list[RiskOut]


def _tornado(chart: Chart) -> tuple[float | None, list[TornadoBarOut]]:
    """The bars of the tornado chart: each input's output at its low and its high end (largest first)."""
    if len(chart.data) < 2:
        return None, []
    low, high = chart.data[0], chart.data[1]
    names = [str(name) for name in low.get("y", [])]
    bases = [float(base) for base in low.get("base", [])]
    lows = [float(x) for x in low.get("x", [])]
    highs = [float(x) for x in high.get("x", [])]
    central = bases[0] if bases else None
    bars = [
        TornadoBarOut(input=name, output_low=base + down, output_high=base + up)
        for name, base, down, up in zip(names, bases, lows, highs, strict=True)
    ]
    return central, bars[::-1]


def _score(score: rk.RiskScore) -> ScoreOut:
    return ScoreOut(likelihood=score.likelihood, impact=score.impact, rating=score.rating)


@router.get(
    "/scenarios/{plan_id}/monte-carlo",
    response_model=MonteCarloOut,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
async def api_monte_carlo(plan_id: PlanId, store: Reader, caches: Caches) -> MonteCarloOut:
    """2,000 seeded draws of the scenario's uncertain inputs: the probability of balance by year and the
    tornado of net benefit (as the Monte Carlo page; cached by the scenario text)."""
    state = await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(monte_carlo, caches.monte_carlo, state.loaded, state.sha256)
    except ModelError as error:
        raise HTTPException(422, str(error)) from None
    central, bars = _tornado(view.tornado)
    return MonteCarloOut(
        draws=view.draws,
        seed=view.seed,
        inputs=view.inputs,
        spread=view.spread,
        position_varies=view.position_varies,
        balance=[BalanceOut(year=year, probability=share) for year, share in view.balance],
        central_net_benefit=central,
        tornado=bars,
    )


@router.get(
    "/scenarios/{plan_id}/targets",
    response_model=TargetsOut,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
async def api_targets(plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None) -> TargetsOut:
    """Each target against its trajectory as at ``month`` (as the targets page)."""
    await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(registers.targets, caches.targets, store, month)
    except MonthError as error:
        raise HTTPException(422, f"month: {error}") from None
    rows = []
    for row in view.rows:
        status = row.status
        rows.append(
            TargetOut(
                id=status.target.id,
                name=status.target.name,
                owner=status.target.owner,
                unit=status.target.unit,
                month=status.month.label if status.month else None,
                planned=status.planned,
                actual=status.actual,
                shortfall=status.shortfall,
                months_off=status.months_off,
                state=status.state,
                rag=status.rag,
                alert=status.alert.reason if status.alert else None,
                escalations=[
                    EscalationOut(month=e.month, board=e.board, reason=e.reason, status=e.status)
                    for e in row.escalations
                ],
            )
        )
    return TargetsOut(month=view.month, months=list(view.months), targets=rows)


@router.get(
    "/scenarios/{plan_id}/risks",
    response_model=RisksOut,
    responses={404: {"model": Problem}, 422: {"model": Problem}},
)
async def api_risks(plan_id: PlanId, store: Reader, caches: Caches, month: str | None = None) -> RisksOut:
    """The risks of the plan and of no plan, their scores, and which reviews are overdue at the end of
    ``month`` (as the risks page)."""
    await current_or_404(caches, store, plan_id)
    try:
        view = await run_in_threadpool(registers.risks, caches.risks, store, plan_id, month)
    except MonthError as error:
        raise HTTPException(422, f"month: {error}") from None
    overdue = {risk.id for risk in view.overdue}
    return RisksOut(
        month=view.month,
        review_day=view.review_day,
        risks=[
            RiskOut(
                id=risk.id,
                title=risk.title,
                owner=risk.owner,
                schemes=list(risk.schemes),
                before=_score(risk.before),
                after=_score(risk.after) if risk.after else None,
                review_date=risk.review_date,
                overdue=risk.id in overdue,
            )
            for risk in view.risks
        ],
    )
