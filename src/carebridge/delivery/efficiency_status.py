"""The views of the efficiency programmes and the monthly returns, per organisation and for the system.

For the month monitored (``as_at``), from the returns of the months up to it:

- **position** = expenditure − income (a deficit positive, £'000): plan and actual year to date and the
  variance; the **run rate** ``actual YTD / months reported × 12``; the **forecast outturn**, the latest
  return's forecast (Σ expenditure − Σ income), else the run rate; the **best, likely and worst** cases, the
  outturn plus the latest return's risks less its mitigations in each case; against the plan's
  **do-something** position of the year: the approved plan's (:class:`PlanPositions`) for each organisation
  it holds, else the figure typed in the programme file (:func:`do_something_basis` words which);
- **efficiency**: the plan lines, identified and unidentified (:mod:`carebridge.delivery.efficiency`), the
  risk-adjusted value by stage, the phased plan to date and what was delivered, recurrent and not; the
  forecast of the year at the rate delivered, ``delivered ÷ planned × line``;
- **returns**: each return's due date and whether it came late.

The system view sums the partners (open book): every £'000 is a sum of the organisations'.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from carebridge.delivery.efficiency import Programme
from carebridge.delivery.fews import EfficiencyFigures, Indicator, Status, efficiency_indicators, worst
from carebridge.delivery.months import MONTHS_IN_YEAR, Month
from carebridge.delivery.returns import EfficiencyDelivered, IncomeExpenditure, RiskLine

SYSTEM = "system"


@dataclass(frozen=True)
class ReturnFacts:
    """When a return came and when it was due."""

    organisation: str
    month: Month
    submitted: dt.date
    due: dt.date

    @property
    def late(self) -> bool:
        return self.submitted > self.due

    @property
    def days_late(self) -> int:
        return max((self.submitted - self.due).days, 0)


@dataclass(frozen=True)
class PlanPositions:
    """The do-something position of the programme's year of each organisation in an approved plan's version
    (£'000, a deficit positive: the plan's ``positions`` table, line ``do_something``)."""

    plan: str
    version: int
    positions: Mapping[str, float] = field(default_factory=dict)

    @property
    def words(self) -> str:
        return f"the approved plan '{self.plan}', version {self.version}"


def do_something_basis(programme: Programme, plan: PlanPositions | None, unchosen: Sequence[str] = ()) -> str:
    """Which do-something each organisation's position is against, in words: the approved plan's, the
    figure typed in the programme file for an organisation the plan does not hold, or none. ``unchosen``:
    the approved plans that hold the year when none was named (several, so none was taken)."""
    held = {} if plan is None else plan.positions
    typed = [o.name for o in programme.organisations if o.id not in held and o.do_something is not None]
    missing = [o.name for o in programme.organisations if o.id not in held and o.do_something is None]
    file = f"'{programme.file}'" if programme.file else f"the programme '{programme.name}'"
    parts: list[str] = []
    if plan is not None and held:
        every = len(held) == len(programme.organisations)
        parts.append(f"against {plan.words}" + ("" if every else f" for {_names(programme, held)}"))
    if typed:
        whose = "" if len(typed) == len(programme.organisations) else f" for {', '.join(typed)}"
        parts.append(f"against the figure typed in {file}{whose}")
    if missing:
        parts.append(f"no do-something for {', '.join(missing)}")
    sentence = "Do-something: " + "; ".join(parts)
    if unchosen:
        listed = ", ".join(f"'{name}'" for name in unchosen)
        sentence += f" (approved plans holding {programme.year}: {listed}; name one with --plan)"
    return sentence


def _names(programme: Programme, ids: Mapping[str, float]) -> str:
    return ", ".join(o.name for o in programme.organisations if o.id in ids)


@dataclass(frozen=True)
class View:
    """One organisation's (or the system's) figures for the month monitored, £'000."""

    item: str
    label: str
    months_reported: int
    plan_ytd: float
    actual_ytd: float
    run_rate: float
    forecast: float
    outturn: float
    best: float
    likely: float
    worst: float
    do_something: float | None
    line: float
    identified: float
    unidentified: float
    risk_adjusted: float
    planned_ytd: float
    recurrent_ytd: float
    non_recurrent_ytd: float
    late_returns: tuple[str, ...]
    upper: float | None = None
    """The upper range of the plan lines, when the programme gives one."""

    @property
    def variance_ytd(self) -> float:
        """Actual less plan: above zero is worse than planned."""
        return self.actual_ytd - self.plan_ytd

    @property
    def delivered_ytd(self) -> float:
        return self.recurrent_ytd + self.non_recurrent_ytd

    @property
    def delivery(self) -> float:
        return self.delivered_ytd / self.planned_ytd if self.planned_ytd > 1e-9 else math.nan

    @property
    def efficiency_forecast(self) -> float:
        return self.delivery * self.line if not math.isnan(self.delivery) else math.nan

    def against_do_something(self, case: float) -> float | None:
        """A case less the plan's do-something position: above zero is worse than the plan."""
        return None if self.do_something is None else case - self.do_something


@dataclass(frozen=True)
class EfficiencyStatus:
    programme: Programme
    as_at: Month
    organisations: tuple[View, ...]
    system: View
    indicators: tuple[Indicator, ...]
    returns: tuple[ReturnFacts, ...]
    risks: tuple[RiskLine, ...] = ()
    """Each organisation's risks and mitigations of its latest return to the month."""
    basis: str = ""
    """Which do-something the positions are against (:func:`do_something_basis`)."""

    @property
    def status(self) -> Status:
        return worst(indicator.status for indicator in self.indicators)

    def status_of(self, item: str) -> Status:
        return worst(i.status for i in self.indicators if i.item.split(":")[0] == item)


def _cases(risks: Sequence[RiskLine]) -> tuple[float, float, float]:
    """Σ risks − Σ mitigations in the best, likely and worst cases."""
    sign = {"risk": 1.0, "mitigation": -1.0}
    return (
        math.fsum(sign[r.kind] * r.best for r in risks),
        math.fsum(sign[r.kind] * r.likely for r in risks),
        math.fsum(sign[r.kind] * r.worst for r in risks),
    )


def organisation_view(
    programme: Programme,
    org: str,
    as_at: Month,
    ie: Sequence[IncomeExpenditure],
    delivered: Sequence[EfficiencyDelivered],
    risks: Sequence[RiskLine],
    returns: Sequence[ReturnFacts],
    approved: PlanPositions | None = None,
) -> View:
    """``approved``: the approved plan's do-something positions; the figure typed in the programme for an
    organisation it does not hold."""
    mine = [row for row in ie if row.organisation == org and row.month <= as_at]
    months = sorted({row.month for row in mine})
    plan = math.fsum(row.sign * row.plan for row in mine)
    actual = math.fsum(row.sign * row.actual for row in mine)
    run_rate = actual / len(months) * MONTHS_IN_YEAR if months else math.nan
    latest = [row for row in mine if months and row.month == months[-1]]
    forecasts = [row for row in latest if row.forecast is not None]
    forecast = math.fsum(row.sign * (row.forecast or 0.0) for row in forecasts) if forecasts else math.nan
    outturn = forecast if not math.isnan(forecast) else run_rate
    best, likely, worst_case = _cases(latest_risks(risks, org, as_at))
    done = [d for d in delivered if d.organisation == org and d.month <= as_at]
    organisation = next(o for o in programme.organisations if o.id == org)
    late = tuple(f.month.label for f in returns if f.organisation == org and f.month <= as_at and f.late)
    return View(
        org,
        organisation.name,
        len(months),
        plan,
        actual,
        run_rate,
        forecast,
        outturn,
        outturn + best,
        outturn + likely,
        outturn + worst_case,
        approved.positions[org] if approved and org in approved.positions else organisation.do_something,
        math.fsum(line.annual for line in programme.lines_of(org)),
        programme.identified(org),
        programme.unidentified(org),
        programme.risk_adjusted(org),
        programme.planned_to(org, as_at),
        math.fsum(d.recurrent for d in done),
        math.fsum(d.non_recurrent for d in done),
        late,
        _upper([line.upper for line in programme.lines_of(org)]),
    )


def _upper(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return math.fsum(known) if known else None


def latest_risks(risks: Sequence[RiskLine], org: str, as_at: Month) -> list[RiskLine]:
    """An organisation's risks and mitigations of its latest return to ``as_at`` (each return restates
    them)."""
    mine = [r for r in risks if r.organisation == org and r.month <= as_at]
    latest = max((r.month for r in mine), default=None)
    return [r for r in mine if r.month == latest]


def _finite_sum(values: Sequence[float]) -> float:
    found = [v for v in values if not math.isnan(v)]
    return math.fsum(found) if found else math.nan


def system_view(views: Sequence[View]) -> View:
    """The partners summed (open book)."""
    known = [v.do_something for v in views if v.do_something is not None]
    return View(
        SYSTEM,
        "System",
        max((v.months_reported for v in views), default=0),
        math.fsum(v.plan_ytd for v in views),
        math.fsum(v.actual_ytd for v in views),
        _finite_sum([v.run_rate for v in views]),
        _finite_sum([v.forecast for v in views]),
        _finite_sum([v.outturn for v in views]),
        _finite_sum([v.best for v in views]),
        _finite_sum([v.likely for v in views]),
        _finite_sum([v.worst for v in views]),
        math.fsum(known) if known else None,
        math.fsum(v.line for v in views),
        math.fsum(v.identified for v in views),
        math.fsum(v.unidentified for v in views),
        math.fsum(v.risk_adjusted for v in views),
        math.fsum(v.planned_ytd for v in views),
        math.fsum(v.recurrent_ytd for v in views),
        math.fsum(v.non_recurrent_ytd for v in views),
        tuple(sorted({m for v in views for m in v.late_returns})),
        _upper([v.upper for v in views]),
    )


def assess(
    programme: Programme,
    as_at: Month,
    ie: Sequence[IncomeExpenditure],
    delivered: Sequence[EfficiencyDelivered],
    risks: Sequence[RiskLine],
    returns: Sequence[ReturnFacts],
    plan: PlanPositions | None = None,
    unchosen: Sequence[str] = (),
) -> EfficiencyStatus:
    """Every organisation's view, the system's, and the FEWS efficiency set for ``as_at``; the positions
    against ``plan``'s do-something where it holds the organisation (:func:`do_something_basis`)."""
    by_org: dict[str, tuple[list[IncomeExpenditure], list[EfficiencyDelivered], list[RiskLine]]] = {
        org: ([], [], []) for org in programme.organisation_ids
    }
    for row in ie:  # a programme loaded again may have left out an organisation that made returns
        if row.organisation in by_org:
            by_org[row.organisation][0].append(row)
    for done in delivered:
        if done.organisation in by_org:
            by_org[done.organisation][1].append(done)
    for risk in risks:
        if risk.organisation in by_org:
            by_org[risk.organisation][2].append(risk)
    views = tuple(
        organisation_view(programme, org, as_at, *by_org[org], returns, plan)
        for org in programme.organisation_ids
    )
    system = system_view(views)
    figures = [
        EfficiencyFigures(
            v.item, v.label, v.planned_ytd, v.delivered_ytd, v.non_recurrent_ytd, v.line, v.unidentified
        )
        for v in (*views, system)
        if v.line > 0
    ]
    indicators = tuple(efficiency_indicators(figures, programme.thresholds))
    shown = tuple(f for f in returns if f.month <= as_at)
    latest = tuple(r for org in programme.organisation_ids for r in latest_risks(risks, org, as_at))
    basis = do_something_basis(programme, plan, unchosen)
    return EfficiencyStatus(programme, as_at, views, system, indicators, shown, latest, basis)
