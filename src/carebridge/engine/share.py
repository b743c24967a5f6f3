"""Risk share and gain share: settling a year's programme benefit against its investment (spec section 9).

The rules are those of the Stockport Together risk and gain share agreement (seed ``000_…``, section 6):

1. **Scope.** Only the programme is shared. Each organisation keeps its own do-nothing and CIP risk, so a
   settlement takes the programme's benefit ``B`` and investment ``I`` for one year and nothing else.
2. **Gain** (``B > I``). The first call on benefit is the investment (reinvestment, ``min(B, I)``); the
   remainder ``B − I`` is shared by the agreed gain shares (Stockport: CCG, council and providers one third
   each, "shared equally").
3. **Loss** (``B < I``). The loss ``I − B`` is first reduced by the benefits-maximisation actions the partners
   record (management action, deferred investment, changed scope or thresholds, extra funding); the residual
   loss ``max(I − B − Σ actions, 0)`` is shared by the agreed risk shares, which may differ from the gain
   shares.
4. **Stop loss.** A forecast loss ``I − B`` above the agreed threshold (£'000 a year) is flagged for
   escalation.
5. **Backing agreement.** A party that is an alliance (Stockport's providers) splits its part among its
   members by its own backing gain and risk shares. "SMBC will only lose or gain once": an organisation may
   hold a share at one level only, so a party of the main agreement may not also be a member of a backing
   agreement.

Money is in £'000; ``B``, ``I`` and action amounts are written as positive numbers. Every settlement carries a
trace of the steps that produced it, each with its formula and amount, for a report to print.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from carebridge.scenario.errors import Path, Problem, ScenarioError

SHARE_TOLERANCE = 1e-9
"""How far a set of shares may add up away from 1 (write one third as ``1/3``, not 0.333)."""

Basis = Literal["planned", "forecast", "realised"]
Outcome = Literal["gain", "loss", "break_even"]


@dataclass(frozen=True)
class BackingAgreement:
    """A party's split of its part among its members: the provider alliance's backing risk and gain share."""

    party: str
    gain_shares: Mapping[str, float]
    risk_shares: Mapping[str, float]


@dataclass(frozen=True)
class ShareAgreement:
    """The agreed shares of a programme's gain and of its residual loss, and the stop-loss threshold."""

    gain_shares: Mapping[str, float]
    """Party → fraction of the gain after reinvestment; the fractions add up to 1."""
    risk_shares: Mapping[str, float]
    """Party → fraction of the residual loss; the fractions add up to 1."""
    stop_loss_threshold: float | None = None
    """A forecast loss above this (£'000 a year) must be escalated; ``None`` when none is agreed."""
    backing: tuple[BackingAgreement, ...] = ()


@dataclass(frozen=True)
class BenefitsMaximisationAction:
    """An action recorded after the early warning system triggered, and the loss (£'000) it recovers."""

    description: str
    organisation: str
    amount: float


@dataclass(frozen=True)
class ProgrammeYear:
    """A year's programme benefit ``B`` and investment ``I`` (£'000, positive): planned or realised."""

    year: str
    benefit: float
    investment: float
    basis: Basis = "planned"
    actions: tuple[BenefitsMaximisationAction, ...] = ()


@dataclass(frozen=True)
class TraceStep:
    """One step of a settlement: the rule applied, how the amount was reached, and the amount (£'000)."""

    rule: str
    text: str
    amount: float


@dataclass(frozen=True)
class SettlementLine:
    """One organisation's part of a settlement (£'000; a gain received and a loss borne are both positive)."""

    organisation: str
    party: str
    """The party of the main agreement it settles through: itself, or the alliance it is a member of."""
    share: float
    """Its fraction of the amount shared (its party's share times its backing share)."""
    gain_share: float
    risk_share: float

    @property
    def net(self) -> float:
        """Gain received less loss borne."""
        return self.gain_share - self.risk_share


@dataclass(frozen=True)
class Settlement:
    """How a year's programme benefit and investment settle between the partners."""

    year: str
    basis: Basis
    benefit: float
    investment: float
    outcome: Outcome
    reinvestment: float
    gain: float
    loss: float
    mitigation: float
    residual_loss: float
    stop_loss_threshold: float | None
    stop_loss_breached: bool
    lines: tuple[SettlementLine, ...]
    trace: tuple[TraceStep, ...] = field(repr=False)

    @property
    def shared(self) -> float:
        """The amount the shares divide: the gain after reinvestment, or the residual loss."""
        return self.gain if self.outcome == "gain" else self.residual_loss

    def line(self, organisation: str) -> SettlementLine:
        """The line of ``organisation`` (``KeyError`` when it has none)."""
        for settlement_line in self.lines:
            if settlement_line.organisation == organisation:
                return settlement_line
        raise KeyError(organisation)


# --- the rules, one function each ------------------------------------------------------------------------


def reinvestment(benefit: float, investment: float) -> float:
    """The first call on benefit is the investment: ``min(B, I)`` (all of ``B`` when it falls short)."""
    return min(benefit, investment)


def gain_to_share(benefit: float, investment: float) -> float:
    """The gain the gain shares divide: ``max(B − I, 0)``."""
    return max(benefit - investment, 0.0)


def programme_loss(benefit: float, investment: float) -> float:
    """The loss before benefits maximisation: ``max(I − B, 0)``."""
    return max(investment - benefit, 0.0)


def mitigation_applied(loss: float, actions: Iterable[BenefitsMaximisationAction]) -> float:
    """What the benefits-maximisation actions recover: ``min(Σ action amounts, loss)``.

    Actions only reduce a loss; they never turn it into a gain to share.
    """
    return min(math.fsum(action.amount for action in actions), loss)


def stop_loss_breached(loss: float, threshold: float | None) -> bool:
    """A forecast loss ``I − B`` (before benefits maximisation) above the threshold breaches the stop loss."""
    return threshold is not None and loss > threshold


def split(amount: float, shares: Mapping[str, float]) -> dict[str, float]:
    """Each party's part of ``amount``: ``share × amount``, in the order of ``shares``."""
    return {party: share * amount for party, share in shares.items()}


# --- checking an agreement and a year --------------------------------------------------------------------


def agreement_problems(agreement: ShareAgreement) -> list[Problem]:
    """Every problem with ``agreement``: shares out of [0, 1] or not adding up to 1, unknown backing
    parties, an organisation that would lose or gain twice, a negative stop loss."""
    problems = _share_problems(("gain_shares",), agreement.gain_shares)
    problems += _share_problems(("risk_shares",), agreement.risk_shares)
    threshold = agreement.stop_loss_threshold
    if threshold is not None and not (math.isfinite(threshold) and threshold >= 0):
        message = f"the stop-loss threshold is {threshold:g}; expected £'000 a year, zero or more"
        problems.append(Problem(("stop_loss_threshold",), message))
    parties = set(agreement.gain_shares) | set(agreement.risk_shares)
    seen_backing: set[str] = set()
    for index, backing in enumerate(agreement.backing):
        problems += _backing_problems(("backing", index), backing, parties, seen_backing)
        seen_backing.add(backing.party)
    return problems


def _share_problems(path: Path, shares: Mapping[str, float]) -> list[Problem]:
    if not shares:
        return [Problem(path, "no shares are given; expected at least one party with its share")]
    problems = [
        Problem((*path, party), f"the share is {share:g}; expected a fraction from 0 to 1")
        for party, share in shares.items()
        if not (math.isfinite(share) and 0.0 <= share <= 1.0)
    ]
    total = math.fsum(shares.values())
    if not problems and abs(total - 1.0) > SHARE_TOLERANCE:
        message = f"the shares add up to {total:.6g}; they must add up to 1 (write one third as 1/3)"
        problems.append(Problem(path, message))
    return problems


def _backing_problems(
    path: Path, backing: BackingAgreement, parties: set[str], seen: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    if backing.party not in parties:
        known = ", ".join(sorted(parties))
        message = f"'{backing.party}' is not a party of the agreement; expected one of {known}"
        problems.append(Problem((*path, "party"), message))
    if backing.party in seen:
        message = f"'{backing.party}' already has a backing agreement; a party may have only one"
        problems.append(Problem((*path, "party"), message))
    problems += _share_problems((*path, "gain_shares"), backing.gain_shares)
    problems += _share_problems((*path, "risk_shares"), backing.risk_shares)
    for member in sorted((set(backing.gain_shares) | set(backing.risk_shares)) & parties):
        message = (
            f"'{member}' is a party of the main agreement and a member of the backing agreement of "
            f"'{backing.party}'; an organisation may lose or gain only once"
        )
        problems.append(Problem((*path, "members", member), message))
    return problems


def year_problems(year: ProgrammeYear) -> list[Problem]:
    """Every problem with a year's inputs: a benefit, investment or action amount that is not a finite
    number of £'000 zero or more."""
    problems: list[Problem] = []
    for name, value in (("benefit", year.benefit), ("investment", year.investment)):
        if not (math.isfinite(value) and value >= 0):
            message = f"the {name} is {value:g}; expected £'000, zero or more (write a saving as positive)"
            problems.append(Problem((name,), message))
    for index, action in enumerate(year.actions):
        if not (math.isfinite(action.amount) and action.amount >= 0):
            message = f"the action recovers {action.amount:g}; expected £'000, zero or more"
            problems.append(Problem(("actions", index, "amount"), message))
    return problems


# --- settling ---------------------------------------------------------------------------------------------


def settle(agreement: ShareAgreement, year: ProgrammeYear) -> Settlement:
    """Settle one year by the rules of this module; raise :class:`ScenarioError` on invalid inputs.

    The organisation lines conserve money: their gain shares add up to ``max(B − I, 0)`` and their risk shares
    to the residual loss.
    """
    problems = agreement_problems(agreement) + year_problems(year)
    if problems:
        raise ScenarioError(problems)
    benefit, investment = year.benefit, year.investment
    loss = programme_loss(benefit, investment)
    mitigation = mitigation_applied(loss, year.actions)
    residual = loss - mitigation
    gain = gain_to_share(benefit, investment)
    outcome: Outcome = "gain" if gain > 0 else "loss" if loss > 0 else "break_even"
    breached = stop_loss_breached(loss, agreement.stop_loss_threshold)
    trace = _opening_trace(year, loss, mitigation, residual, agreement.stop_loss_threshold, breached)
    shares = agreement.gain_shares if outcome == "gain" else agreement.risk_shares
    lines, share_trace = _lines(agreement, shares, gain if outcome == "gain" else residual, outcome)
    return Settlement(
        year=year.year,
        basis=year.basis,
        benefit=benefit,
        investment=investment,
        outcome=outcome,
        reinvestment=reinvestment(benefit, investment),
        gain=gain,
        loss=loss,
        mitigation=mitigation,
        residual_loss=residual,
        stop_loss_threshold=agreement.stop_loss_threshold,
        stop_loss_breached=breached,
        lines=lines,
        trace=(*trace, *share_trace),
    )


def settle_years(agreement: ShareAgreement, years: Sequence[ProgrammeYear]) -> tuple[Settlement, ...]:
    """Settle each year on its own (a gain in one year does not offset a loss in another)."""
    return tuple(settle(agreement, year) for year in years)


def _opening_trace(
    year: ProgrammeYear,
    loss: float,
    mitigation: float,
    residual: float,
    threshold: float | None,
    breached: bool,
) -> list[TraceStep]:
    benefit, investment = year.benefit, year.investment
    steps = [
        TraceStep("benefit", f"{year.basis} programme benefit B in {year.year}", benefit),
        TraceStep("investment", f"programme investment I in {year.year}", investment),
        TraceStep(
            "scope",
            "each organisation keeps its own do-nothing and CIP risk; only the programme is shared",
            benefit - investment,
        ),
        TraceStep(
            "reinvestment",
            f"first call on benefit is the investment: min(B, I) = min({benefit:,.1f}, {investment:,.1f})",
            reinvestment(benefit, investment),
        ),
    ]
    if benefit > investment:
        steps.append(
            TraceStep(
                "gain", f"gain to share: B − I = {benefit:,.1f} − {investment:,.1f}", benefit - investment
            )
        )
        return steps
    if loss == 0:
        steps.append(TraceStep("break_even", "B = I: nothing to share", 0.0))
        return steps
    steps.append(TraceStep("loss", f"loss: I − B = {investment:,.1f} − {benefit:,.1f}", loss))
    if threshold is not None:
        verdict = "breaches" if breached else "is within"
        text = f"stop loss: the loss {verdict} the threshold of {threshold:,.1f} a year"
        steps.append(TraceStep("stop_loss", text + (" — escalate" if breached else ""), threshold))
    for action in year.actions:
        text = f"benefits maximisation by {action.organisation}: {action.description}"
        steps.append(TraceStep("benefits_maximisation", text, action.amount))
    text = f"residual loss: max(I − B − Σ actions, 0) = max({loss:,.1f} − {mitigation:,.1f}, 0)"
    steps.append(TraceStep("residual_loss", text, residual))
    return steps


def _lines(
    agreement: ShareAgreement, shares: Mapping[str, float], amount: float, outcome: Outcome
) -> tuple[tuple[SettlementLine, ...], list[TraceStep]]:
    """One line per organisation: each party's part by ``shares``, split again by its backing agreement."""
    kind = "risk" if outcome == "loss" else "gain"
    backing = {item.party: item for item in agreement.backing}
    lines: list[SettlementLine] = []
    steps: list[TraceStep] = []
    for party, part in split(amount, shares).items():
        share = shares[party]
        steps.append(TraceStep(f"{kind}_share", f"{party}: {kind} share {share:.4g} × {amount:,.1f}", part))
        members = _member_shares(backing.get(party), party, kind)
        for member, member_share in members.items():
            member_part = member_share * part
            if party in backing:
                text = f"{member}: backing {kind} share of {party} {member_share:.4g} × {part:,.1f}"
                steps.append(TraceStep(f"backing_{kind}_share", text, member_part))
            lines.append(_line(member, party, share * member_share, member_part, outcome))
    return tuple(lines), steps


def _member_shares(backing: BackingAgreement | None, party: str, kind: str) -> Mapping[str, float]:
    if backing is None:
        return {party: 1.0}
    return backing.risk_shares if kind == "risk" else backing.gain_shares


def _line(organisation: str, party: str, share: float, amount: float, outcome: Outcome) -> SettlementLine:
    gain, risk = (amount, 0.0) if outcome == "gain" else (0.0, amount)
    return SettlementLine(organisation, party, share, gain_share=gain, risk_share=risk)
