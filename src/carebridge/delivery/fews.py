"""The Financial Early Warning System (model spec section 10; Stockport seed section 6, "Step 1").

The indicator sets, each a ratio of achieved to planned, year to date:

- **mobilisation**, per scheme: milestones done by the month ÷ milestones due by the month (a milestone
  counts as done when its status is ``done`` and it was done in or before the month);
- **activity deflection**, per POD: actual ÷ planned deflection (:mod:`carebridge.delivery.benefits`);
- **benefits realisation**, per scheme and for the programme: realised ÷ planned savings;
- **neighbourhood case management**, per neighbourhood: the enrolled cohort's reduction in emergency
  admissions against a comparison group ÷ the planned deflection (:mod:`carebridge.delivery.neighbourhoods`,
  added to a month's status by its ``with_neighbourhoods``).

A ratio below the ``amber`` threshold is amber, below ``red`` red, otherwise green; with nothing due or no
actuals the indicator has no status (``none``). A set is as red as its reddest indicator, and so is the whole.

**Trigger.** The forecast programme loss ``max(I − B, 0)`` (spec section 9, on the forecast outturn)
triggers intervention when it is above the agreed threshold. The benefits-maximisation actions agreed or done
for the year reduce it to the residual loss, which the risk share then allocates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from carebridge.delivery.baseline import PlanBaseline, records
from carebridge.delivery.benefits import ProgrammeForecast, summarise
from carebridge.delivery.months import Month

Status = Literal["green", "amber", "red", "none"]
IndicatorSet = Literal["mobilisation", "activity", "benefits", "efficiency", "neighbourhoods"]
SETS: tuple[IndicatorSet, ...] = ("mobilisation", "activity", "benefits")
"""The sets every month's FEWS shows; a set added to a month (neighbourhoods) counts in its overall status."""
SET_TITLES = {
    "mobilisation": "Mobilisation and implementation plan",
    "activity": "Activity deflection",
    "benefits": "Benefits realisation plan",
    "efficiency": "Efficiency programmes (CIP and QIPP)",
    "neighbourhoods": "Neighbourhood case management",
}
ADDED_ORDER: tuple[IndicatorSet, ...] = ("efficiency", "neighbourhoods")
"""The order of the sets a month may gain beyond :data:`SETS`."""
ORDER: dict[Status, int] = {"none": 0, "green": 1, "amber": 2, "red": 3}
ACTION_CATEGORIES = (
    "management_action",
    "defer_investment",
    "change_scope",
    "access_criteria",
    "funding",
    "other",
)
"""The seed's benefits-maximisation mitigations: management action by the most appropriate organisation,
deferring investment, changing the scope of the service specification, amending access criteria or clinical
thresholds, increasing contract or non-recurrent funding."""
ACTION_STATUSES = ("proposed", "agreed", "done", "dropped")
COUNTED_ACTION_STATUSES = ("agreed", "done")


@dataclass(frozen=True)
class Thresholds:
    """A ratio below ``amber`` is amber; below ``red`` is red (``red <= amber``)."""

    amber: float
    red: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amber) and math.isfinite(self.red)) or self.red > self.amber:
            raise ValueError(
                f"thresholds amber {self.amber:g} and red {self.red:g}: expected red no higher than amber"
            )


@dataclass(frozen=True)
class FewsSettings:
    """What the agreement sets: thresholds per indicator set, the loss that triggers intervention (£'000 a
    year) and the basis of the savings compared (tariff or cost)."""

    mobilisation: Thresholds = Thresholds(0.90, 0.75)
    activity: Thresholds = Thresholds(0.95, 0.85)
    benefits: Thresholds = Thresholds(0.95, 0.85)
    loss_threshold: float = 0.0
    basis: str = "tariff"
    neighbourhoods: Thresholds = Thresholds(0.95, 0.85)

    def thresholds(self, which: IndicatorSet) -> Thresholds:
        return {
            "mobilisation": self.mobilisation,
            "activity": self.activity,
            "benefits": self.benefits,
            "neighbourhoods": self.neighbourhoods,
        }[which]


@dataclass(frozen=True)
class Action:
    """A benefits-maximisation action and the loss it is expected to recover (£'000)."""

    month: str
    category: str
    description: str
    owner: str
    amount: float
    status: str
    scheme: str | None = None


@dataclass(frozen=True)
class Indicator:
    set: IndicatorSet
    item: str
    label: str
    planned: float
    achieved: float
    ratio: float
    status: Status
    note: str = ""


@dataclass(frozen=True)
class FewsStatus:
    """The early warning system for one month."""

    month: Month
    settings: FewsSettings
    indicators: tuple[Indicator, ...]
    forecast: ProgrammeForecast
    actions: tuple[Action, ...] = field(default=())

    def set_status(self, which: IndicatorSet) -> Status:
        return worst(indicator.status for indicator in self.indicators if indicator.set == which)

    @property
    def sets(self) -> tuple[IndicatorSet, ...]:
        """The sets this month shows: the three of :data:`SETS`, then any added to it (neighbourhoods), in
        :data:`SET_TITLES`' order."""
        added = {indicator.set for indicator in self.indicators} - set(SETS)
        return (*SETS, *(which for which in ADDED_ORDER if which in added))

    @property
    def overall(self) -> Status:
        return worst(self.set_status(which) for which in self.sets)

    @property
    def mitigation(self) -> float:
        """What the actions agreed or done for the year are expected to recover, up to the loss."""
        counted = [a.amount for a in self.actions if a.status in COUNTED_ACTION_STATUSES]
        return min(math.fsum(counted), self.forecast.forecast_loss)

    @property
    def residual_loss(self) -> float:
        return self.forecast.forecast_loss - self.mitigation

    @property
    def triggered(self) -> bool:
        """Whether the forecast loss (before actions) breaches the agreed threshold."""
        return self.forecast.forecast_loss > self.settings.loss_threshold


def rag(ratio: float, thresholds: Thresholds) -> Status:
    """``none`` for no ratio; red below ``red``; amber below ``amber``; green otherwise."""
    if math.isnan(ratio):
        return "none"
    if ratio < thresholds.red:
        return "red"
    if ratio < thresholds.amber:
        return "amber"
    return "green"


def worst(statuses: Iterable[Status]) -> Status:
    found = list(statuses)
    return max(found, key=lambda status: ORDER[status], default="none")


def mobilisation_indicators(
    baseline: PlanBaseline, milestones: pd.DataFrame, as_at: Month, thresholds: Thresholds
) -> list[Indicator]:
    """Per scheme with milestones: done by ``as_at`` ÷ due by ``as_at`` (all years of the plan to date)."""
    indicators = []
    for scheme in baseline.schemes:
        mine = milestones[milestones["scheme"] == scheme.id] if not milestones.empty else milestones
        if mine.empty:
            continue
        due = [Month.parse(m) <= as_at for m in mine["due"]]
        done = [
            status == "done" and isinstance(when, str) and Month.parse(when) <= as_at
            for status, when in zip(mine["status"], mine["done"], strict=True)
        ]
        due_count = sum(due)
        done_count = sum(1 for d, k in zip(due, done, strict=True) if d and k)
        ratio = done_count / due_count if due_count else math.nan
        late = [str(name) for name, d, k in zip(mine["milestone"], due, done, strict=True) if d and not k]
        note = ("late: " + "; ".join(late)) if late else ("nothing due yet" if not due_count else "")
        status = rag(ratio, thresholds)
        indicators.append(
            Indicator("mobilisation", scheme.id, scheme.name, due_count, done_count, ratio, status, note)
        )
    return indicators


def activity_indicators(
    baseline: PlanBaseline, position: pd.DataFrame, thresholds: Thresholds
) -> list[Indicator]:
    """Per POD: actual ÷ planned deflection, year to date."""
    indicators = []
    for row in records(position):
        ratio = float(row["realisation_ytd"])
        reported = int(row["months_reported"])
        note = f"{reported} month{'s' if reported != 1 else ''} reported" if reported else "no actuals yet"
        indicators.append(
            Indicator(
                "activity",
                str(row["pod"]),
                baseline.pod_name(str(row["pod"])),
                float(row["planned_deflection_ytd"]),
                float(row["actual_deflection_ytd"]) if reported else math.nan,
                ratio,
                rag(ratio, thresholds),
                note,
            )
        )
    return indicators


def benefits_indicators(
    baseline: PlanBaseline, savings: pd.DataFrame, basis: str, thresholds: Thresholds
) -> list[Indicator]:
    """Per scheme and for the programme: realised ÷ planned savings, year to date (on ``basis``)."""
    by_scheme = summarise(savings, "scheme", basis)
    indicators = []
    for row in records(by_scheme):
        ratio = float(row["realisation_ytd"])
        indicators.append(
            Indicator(
                "benefits",
                str(row["scheme"]),
                baseline.scheme_name(str(row["scheme"])),
                -float(row["planned_ytd"]),
                -float(row["realised_ytd"]),
                ratio,
                rag(ratio, thresholds),
                f"{basis} basis; forecast {-float(row['forecast_full_year']):,.0f} of "
                f"{-float(row['planned_full_year']):,.0f}",
            )
        )
    chosen = savings[savings["basis"] == basis]
    planned, realised = -float(chosen["planned_ytd"].sum()), -float(chosen["realised_ytd"].sum())
    ratio = realised / planned if abs(planned) > 1e-9 else math.nan
    indicators.append(
        Indicator("benefits", "programme", "Programme", planned, realised, ratio, rag(ratio, thresholds))
    )
    return indicators


def assess(
    baseline: PlanBaseline,
    as_at: Month,
    settings: FewsSettings,
    position: pd.DataFrame,
    savings: pd.DataFrame,
    milestones: pd.DataFrame,
    forecast: ProgrammeForecast,
    actions: Sequence[Action] = (),
) -> FewsStatus:
    """The early warning status for ``as_at`` from the comparisons of :mod:`carebridge.delivery.benefits`."""
    indicators = [
        *mobilisation_indicators(baseline, milestones, as_at, settings.mobilisation),
        *activity_indicators(baseline, position, settings.activity),
        *benefits_indicators(baseline, savings, settings.basis, settings.benefits),
    ]
    in_year = tuple(
        action
        for action in actions
        if Month.parse(action.month).year == as_at.year and Month.parse(action.month) <= as_at
    )
    return FewsStatus(as_at, settings, tuple(indicators), forecast, in_year)


# --- the efficiency set: each organisation's CIP and QIPP programme (carebridge.delivery.efficiency) ------


@dataclass(frozen=True)
class Ceilings:
    """A share above ``amber`` is amber; above ``red`` is red (``red >= amber``): for shares where more is
    worse (the unidentified gap, the non-recurrent share of what is delivered)."""

    amber: float
    red: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amber) and math.isfinite(self.red)) or self.red < self.amber:
            raise ValueError(
                f"thresholds amber {self.amber:g} and red {self.red:g}: expected red no lower than amber"
            )


@dataclass(frozen=True)
class EfficiencyThresholds:
    """What the agreement sets for the efficiency set (defaults: delivery against the phased plan below 95%
    amber, below 85% red; an unidentified gap above 5% of the plan line amber, above 20% red; a non-recurrent
    share of what is delivered above 25% amber, above 50% red)."""

    delivery: Thresholds = Thresholds(0.95, 0.85)
    unidentified: Ceilings = Ceilings(0.05, 0.20)
    non_recurrent: Ceilings = Ceilings(0.25, 0.50)


@dataclass(frozen=True)
class EfficiencyFigures:
    """What the efficiency set reads of one organisation (or the system), £'000, year to date."""

    item: str
    label: str
    planned_ytd: float
    delivered_ytd: float
    non_recurrent_ytd: float
    line: float
    unidentified: float


def rag_ceiling(share: float, ceilings: Ceilings) -> Status:
    """``none`` for no share; red above ``red``; amber above ``amber``; green otherwise."""
    if math.isnan(share):
        return "none"
    if share > ceilings.red:
        return "red"
    if share > ceilings.amber:
        return "amber"
    return "green"


def efficiency_indicators(
    figures: Sequence[EfficiencyFigures], thresholds: EfficiencyThresholds
) -> list[Indicator]:
    """Per organisation and for the system: delivery against the phased plan (delivered ÷ planned), the
    unidentified gap (÷ the plan line) and the non-recurrent share of what is delivered."""
    indicators = []
    for f in figures:
        delivery = f.delivered_ytd / f.planned_ytd if f.planned_ytd > 1e-9 else math.nan
        gap = f.unidentified / f.line if f.line > 1e-9 else math.nan
        share = f.non_recurrent_ytd / f.delivered_ytd if f.delivered_ytd > 1e-9 else math.nan
        indicators += [
            Indicator(
                "efficiency",
                f"{f.item}:delivery",
                f"{f.label}: delivery against the phased plan",
                f.planned_ytd,
                f.delivered_ytd,
                delivery,
                rag(delivery, thresholds.delivery),
            ),
            Indicator(
                "efficiency",
                f"{f.item}:unidentified",
                f"{f.label}: unidentified gap",
                f.line,
                f.unidentified,
                gap,
                rag_ceiling(gap, thresholds.unidentified),
                "share of the plan line not yet identified",
            ),
            Indicator(
                "efficiency",
                f"{f.item}:non_recurrent",
                f"{f.label}: share non-recurrent",
                f.delivered_ytd,
                f.non_recurrent_ytd,
                share,
                rag_ceiling(share, thresholds.non_recurrent),
                "share of what is delivered that is non-recurrent",
            ),
        ]
    return indicators
