"""The executive summary that opens a plan's report: the do-nothing gap, the plan and the residual position of
each organisation and of the system in the bridge year, the headline bridge, the largest plan lines and
schemes, the risks the run shows, and three to five key messages written from the numbers.

:func:`executive_summary` is pure: it reads only the tidy tables the report writes (``positions`` and
``savings`` of :mod:`carebridge.report.tidy`, as columns), the bridge year and the printed names, so every
figure of the summary is a figure of ``positions.csv`` or a sum of rows of ``savings.csv`` (summed as pandas
sums them). :func:`summary_html` draws it.
Money in £'000 in the tables and £m (one decimal place) in the sentences; savings negative, in brackets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape

import numpy as np

from carebridge.engine.finance import SYSTEM
from carebridge.report.html_table import text_table
from carebridge.report.numbers import format_number
from carebridge.report.tidy import TidyTable

NOT_EXPLAINED = "schemes.not_explained"
SHOWN = 0.5
"""A figure smaller than half a £'000 prints as 0: a step or a risk that small is left out."""
LARGEST = 5
"""How many plan lines and schemes the summary lists."""


@dataclass(frozen=True)
class SummaryNames:
    """The printed names the summary uses: organisations (in the report's order, the system apart), plan
    lines (in order) and schemes, each by id."""

    organisations: Mapping[str, str]
    lines: Mapping[str, str]
    schemes: Mapping[str, str]
    system: str = "System"


@dataclass(frozen=True)
class Position:
    """An organisation's (or the system's) do-nothing gap, plan and do-something position in a year,
    £'000, a deficit positive; ``plan`` = do-something − do-nothing (savings negative)."""

    name: str
    gap: float
    plan: float
    residual: float


@dataclass(frozen=True)
class Step:
    """A line of the headline bridge, or of a list of the largest: its name and value, £'000."""

    name: str
    value: float


@dataclass(frozen=True)
class SchemeSaving:
    """A scheme's saving in the year on both bases, £'000, negative."""

    name: str
    tariff: float
    cost: float


@dataclass(frozen=True)
class ExecutiveSummary:
    year: str
    first_year: str
    system: Position
    first_gap: float
    """The system's do-nothing gap in ``first_year``."""
    organisations: tuple[Position, ...]
    bridge: tuple[Step, ...]
    """Do-nothing gap, each plan line that is not zero in the year, do-something position."""
    largest_lines: tuple[Step, ...]
    schemes: tuple[SchemeSaving, ...]
    """The largest schemes by saving on the cost basis (none when the plan has no schemes)."""
    scheme_tariff: float
    scheme_cost: float
    """All the schemes' savings in the year on each basis, £'000, negative."""
    risks: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def closed(self) -> float | None:
        """The share of the do-nothing gap the plan closes (``None`` when there is no gap)."""
        return -self.system.plan / self.system.gap if self.system.gap > SHOWN else None


def millions(value: float) -> str:
    """£'000 as £m to one decimal place, negatives in brackets: ``(£136.3m)``."""
    text = f"£{abs(value) / 1000:,.1f}m"
    return f"({text})" if round(value / 100) < 0 else text


def executive_summary(
    positions: TidyTable,
    savings: TidyTable,
    year: str,
    names: SummaryNames,
    sensitivities: Sequence[str] = (),
) -> ExecutiveSummary:
    """The summary of a run in ``year`` from its tidy ``positions`` (line, org, year, value) and ``savings``
    (scheme, year, …, basis, value) tables; ``sensitivities`` are the names of the variants the scenario
    describes but does not put in the position."""
    cells = {
        (str(line), str(org), str(when)): float(value)
        for line, org, when, value in positions.rows("line", "org", "year", "value")
    }

    def value(line: str, org: str, when: str = year) -> float:
        return cells.get((line, org, when), 0.0) + 0.0

    def position(org: str, name: str) -> Position:
        gap, residual = value("do_nothing", org), value("do_something", org)
        return Position(name, gap, residual - gap, residual)

    first_year = min(str(when) for when in positions.column("year"))
    system = position(SYSTEM, names.system)
    organisations = tuple(position(org, name) for org, name in names.organisations.items())
    lines = [Step(name, value(line, SYSTEM)) for line, name in names.lines.items()]
    moving = [step for step in lines if abs(step.value) >= SHOWN]
    bridge = (Step("Do-nothing gap", system.gap), *moving, Step("Do-something position", system.residual))
    largest = tuple(sorted(moving, key=lambda step: -abs(step.value))[:LARGEST])
    schemes, tariff, cost = _scheme_savings(savings, year, names.schemes)
    summary = ExecutiveSummary(
        year=year,
        first_year=first_year,
        system=system,
        first_gap=value("do_nothing", SYSTEM, first_year),
        organisations=organisations,
        bridge=bridge,
        largest_lines=largest,
        schemes=schemes,
        scheme_tariff=tariff,
        scheme_cost=cost,
        risks=(),
        messages=(),
    )
    risks = _risks(summary, value(NOT_EXPLAINED, SYSTEM), sensitivities)
    return replace(summary, risks=risks, messages=_messages(summary))


def _scheme_savings(
    savings: TidyTable, year: str, names: Mapping[str, str]
) -> tuple[tuple[SchemeSaving, ...], float, float]:
    """The largest schemes by cost-basis saving in ``year`` and every scheme's saving on each basis."""
    chosen = [
        (str(scheme), str(basis), float(value))
        for scheme, when, basis, value in savings.rows("scheme", "year", "basis", "value")
        if str(when) == year
    ]
    if not chosen:
        return (), 0.0, 0.0
    by_scheme: dict[str, dict[str, float]] = {}
    for scheme in sorted({scheme for scheme, _, _ in chosen}):
        by_scheme[scheme] = {
            basis: _group_sum(value for id_, on, value in chosen if id_ == scheme and on == basis)
            for basis in {basis for id_, basis, _ in chosen if id_ == scheme}
        }
    rows = [
        SchemeSaving(
            names.get(scheme, scheme),
            by_scheme[scheme].get("tariff", 0.0) + 0.0,
            by_scheme[scheme].get("cost", 0.0) + 0.0,
        )
        for scheme in by_scheme
    ]
    rows.sort(key=lambda row: (min(row.cost, row.tariff), row.name))
    tariff = _column_sum([value for _, basis, value in chosen if basis == "tariff"]) + 0.0
    cost = _column_sum([value for _, basis, value in chosen if basis == "cost"]) + 0.0
    return tuple(row for row in rows if min(row.cost, row.tariff) <= -SHOWN)[:LARGEST], tariff, cost


def _group_sum(values: Iterable[float]) -> float:
    """The sum of a group's values as ``DataFrame.groupby(...).sum()`` makes it: compensated (Kahan)
    summation in row order, NaN skipped."""
    total = compensation = 0.0
    for value in values:
        if value != value:
            continue
        step = value - compensation
        added = total + step
        compensation = added - total - step
        if compensation != compensation:
            compensation = 0.0
        total = added
    return total


def _column_sum(values: list[float]) -> float:
    """The sum of a column's values as ``Series.sum()`` makes it: numpy's sum, NaN skipped."""
    array = np.asarray(values, dtype=float)
    return float(np.where(np.isnan(array), 0.0, array).sum())


def _messages(summary: ExecutiveSummary) -> tuple[str, ...]:
    """Three to five sentences a board reads first, each from the figures of the summary."""
    year, system = summary.year, summary.system
    messages = []
    if system.gap <= SHOWN:
        messages.append(
            f"Without the plan the system is not in deficit in {year} (do-nothing position "
            f"{millions(system.gap)}); with it the position is {millions(system.residual)}."
        )
    elif system.residual > SHOWN:
        messages.append(
            f"The plan closes {summary.closed or 0:.0%} of the {year} do-nothing gap of "
            f"{millions(system.gap)}; {millions(system.residual)} remains."
        )
    else:
        messages.append(
            f"The plan closes the whole {year} do-nothing gap of {millions(system.gap)}, leaving a "
            f"surplus of {millions(-system.residual)}."
        )
    if summary.first_year != year and abs(system.gap - summary.first_gap) >= SHOWN:
        grows = "grows" if system.gap > summary.first_gap else "falls"
        messages.append(
            f"Without the plan the system's gap {grows} from {millions(summary.first_gap)} in "
            f"{summary.first_year} to {millions(system.gap)} in {year}."
        )
    if summary.organisations:
        short = [org for org in summary.organisations if org.residual >= SHOWN]
        if short:
            worst = max(short, key=lambda org: org.residual)
            count = len(summary.organisations)
            how_many = f"All {count}" if len(short) == count else f"{len(short)} of {count}"
            messages.append(
                f"{how_many} organisations remain in deficit in {year}; the largest deficit is "
                f"{worst.name}'s, {millions(worst.residual)}."
            )
        else:
            messages.append(f"Every organisation is in balance or surplus in {year} with the plan.")
    if summary.scheme_tariff <= -SHOWN:
        gap = summary.scheme_tariff - summary.scheme_cost
        lag = (
            f"; costs released lag tariff by {millions(-gap)}, which stays with the providers as "
            "stranded cost"
            if gap <= -SHOWN
            else ""
        )
        messages.append(
            f"The schemes save {millions(-summary.scheme_tariff)} at tariff in {year} and "
            f"{millions(-summary.scheme_cost)} as costs are released{lag}."
        )
    if summary.largest_lines and abs(system.plan) >= SHOWN and len(messages) < 5:
        top = summary.largest_lines[0]
        does = "saves" if top.value < 0 else "costs"
        messages.append(
            f"The largest plan line, {top.name}, {does} {millions(abs(top.value))} in {year}: "
            f"{top.value / system.plan:.0%} of the plan."
        )
    return tuple(messages[:5])


def _risks(summary: ExecutiveSummary, not_explained: float, sensitivities: Sequence[str]) -> tuple[str, ...]:
    """The risks to the position the run itself shows, largest first, then the sensitivities the scenario
    names."""
    year = summary.year
    sized: list[tuple[float, str]] = []
    lag = summary.scheme_cost - summary.scheme_tariff
    if summary.scheme_tariff <= -SHOWN and lag >= SHOWN:
        sized.append(
            (
                lag,
                f"Stranded cost: the providers release {millions(lag)} less cost in {year} than the "
                "commissioners save at tariff.",
            )
        )
    if abs(not_explained) >= SHOWN and summary.scheme_tariff <= -SHOWN:
        sized.append(
            (
                abs(not_explained),
                f"{millions(abs(not_explained))} of the {year} plan is in typed plan lines the schemes do "
                "not explain: savings not yet backed by a scheme's activity.",
            )
        )
    for org in summary.organisations:
        if org.residual < SHOWN:
            continue
        if abs(org.plan) < SHOWN:
            text = f"{org.name} has no plan in {year} against its gap of {millions(org.gap)}."
        elif org.plan < 0 and org.residual > -org.plan:
            text = (
                f"{org.name} stays {millions(org.residual)} in deficit in {year}, more than its plan saves "
                f"({millions(-org.plan)})."
            )
        else:
            continue
        sized.append((org.residual, text))
    risks = [text for _, text in sorted(sized, key=lambda pair: -pair[0])][:LARGEST]
    if sensitivities:
        risks.append(
            "Sensitivities the scenario names, not in the position (costed by the comparison report): "
            + "; ".join(sensitivities)
            + "."
        )
    return tuple(risks)


# ---- HTML -------------------------------------------------------------------------------------------------


def _money(value: float) -> str:
    return format_number(value, "money")


def summary_html(summary: ExecutiveSummary) -> str:
    """The summary as the first section of the report: headline figures, key messages, the position by
    organisation, the headline bridge, the largest plan lines and schemes, and the risks."""
    year, system = summary.year, summary.system
    closed = summary.closed
    tiles = [
        (f"Do-nothing gap, {year}", millions(system.gap), "gap"),
        (f"Plan, {year}", millions(system.plan), "plan"),
        (f"Position after the plan, {year}", millions(system.residual), "residual"),
    ]
    if closed is not None:
        tiles.append(("Share of the gap closed", f"{closed:.0%}", "closed"))
    tile_html = "".join(
        f'<div class="tile" data-figure="{key}"><dt>{escape(label)}</dt><dd>{escape(text)}</dd></div>'
        for label, text, key in tiles
    )
    messages = "".join(f"<li>{escape(message)}</li>" for message in summary.messages)
    positions = [
        [org.name, _money(org.gap), _money(org.plan), _money(org.residual)]
        for org in (*summary.organisations, system)
    ]
    parts = [
        '<section id="summary" class="summary"><h2>Executive summary</h2>',
        f'<dl class="tiles">{tile_html}</dl>',
        f'<h3>Key messages</h3><ul class="messages">{messages}</ul>',
        text_table(
            "summary-positions",
            f"Position by organisation, {year}",
            "£'000; a deficit positive, savings negative in brackets. Plan = do-something − do-nothing; the "
            "System includes the system-level lines.",
            ["Organisation", "Do-nothing gap", "Plan", "Do-something position"],
            positions,
        ),
        '<div class="summary-grid">',
        text_table(
            "summary-bridge",
            f"Headline bridge, {year}",
            "£'000; plan lines that are zero this year are left out.",
            ["Step", year],
            [[step.name, _money(step.value)] for step in summary.bridge],
        ),
    ]
    if summary.schemes:
        parts.append(
            text_table(
                "summary-schemes",
                f"Largest schemes, {year}",
                "£'000, savings negative in brackets.",
                ["Scheme", "Tariff basis", "Cost basis"],
                [[row.name, _money(row.tariff), _money(row.cost)] for row in summary.schemes],
            )
        )
    parts.append("</div>")
    if summary.risks:
        risks = "".join(f"<li>{escape(risk)}</li>" for risk in summary.risks)
        parts.append(f'<h3>Risks</h3><ul class="risks">{risks}</ul>')
    parts.append("</section>")
    return "\n".join(parts)
