"""Efficiency programmes and monthly financial monitoring returns: load a programme, write a return's
template, import returns, and the organisation and system views of a month with the FEWS efficiency set.

The arithmetic is :mod:`carebridge.delivery.efficiency_status`'s (pure); this module reads the store and
words the views as text (the command line prints it; the benchmark times it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from pathlib import Path

from carebridge.delivery.actuals_tables import RowProblem
from carebridge.delivery.efficiency import STAGE_NAMES, Programme, load_programme, stage_table
from carebridge.delivery.efficiency_status import EfficiencyStatus, PlanPositions, View, assess
from carebridge.delivery.months import Month, MonthError
from carebridge.delivery.returns import ReturnsFile, ReturnsFileError
from carebridge.store import Store
from carebridge.store.efficiency import (
    ReturnsOutcome,
    import_returns,
    programme_names,
    read_returns,
    read_stored,
    resolve_programme,
    save_programme,
    write_template,
)
from carebridge.store.plans import list_versions, load_baseline
from carebridge.usecases.errors import UseCaseError


def load(store: Store, path: Path) -> tuple[Programme, bool]:
    """Check and store a programme file (:class:`~carebridge.delivery.efficiency.EfficiencyError` when it
    cannot be used); whether the store changed."""
    programme, definition = load_programme(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return programme, save_programme(store, programme, definition, sha)


def month_of(programme: Programme, label: str) -> Month:
    """A month of the programme's year; :class:`UseCaseError` saying what was expected otherwise."""
    try:
        month = Month.parse(label)
    except MonthError as error:
        raise UseCaseError(str(error)) from None
    if month.year != programme.year:
        raise UseCaseError(f"{month.label} is not a month of the programme's year {programme.year}")
    return month


def organisation_of(programme: Programme, org: str | None) -> str | None:
    if org is not None and org not in programme.organisation_ids:
        known = ", ".join(f"{o.id} ({o.name})" for o in programme.organisations)
        raise UseCaseError(f"unknown organisation '{org}'; expected one of {known}")
    return org


def template(store: Store, name: str | None, path: Path, org: str | None, month: str | None) -> list[Path]:
    programme = read_stored(store, resolve_programme(store, name))[0]
    return write_template(
        path, programme, organisation_of(programme, org), month_of(programme, month) if month else None
    )


def import_files(
    store: Store, name: str | None, paths: Sequence[Path], submitted: dt.date, org: str | None = None
) -> list[ReturnsOutcome]:
    """Check every file first (every problem of every file, located, and nothing imported), then import each
    in its own transaction."""
    programme_name = resolve_programme(store, name)
    programme = read_stored(store, programme_name)[0]
    organisation_of(programme, org)
    files: list[ReturnsFile] = []
    problems: list[RowProblem] = []
    for path in paths:
        try:
            files.append(read_returns(path, programme, org))
        except ReturnsFileError as error:
            problems += error.problems
    if problems:
        raise ReturnsFileError(problems)
    return [import_returns(store, programme_name, file, submitted) for file in files]


def plan_positions(store: Store, programme: Programme, name: str) -> PlanPositions | None:
    """The do-something position of the programme's year of each of its organisations in the latest
    version of approved plan ``name`` (:class:`~carebridge.store.plans.PlanNotFoundError` when there is no
    such plan); None when the plan holds none of them for the year."""
    version, baseline = load_baseline(store, name)
    positions = {
        str(row["org"]): float(row["value"])
        for row in baseline.documents.get("positions") or []
        if row.get("line") == "do_something"
        and str(row.get("year")) == programme.year
        and row.get("org") in programme.organisation_ids
    }
    return PlanPositions(version.plan, version.number, positions) if positions else None


def approved_positions(
    store: Store, programme: Programme, plan: str | None = None
) -> tuple[PlanPositions | None, tuple[str, ...]]:
    """The approved plan the positions are against: ``plan`` when named, else the only approved plan holding
    the programme's year for its organisations; with several such plans, none and their names."""
    if plan is not None:
        return plan_positions(store, programme, plan), ()
    names = sorted({version.plan for version in list_versions(store)})
    found = [held for name in names if (held := plan_positions(store, programme, name)) is not None]
    if len(found) == 1:
        return found[0], ()
    return None, tuple(held.plan for held in found)


def status(
    store: Store, name: str | None, month: str | None = None, plan: str | None = None
) -> EfficiencyStatus:
    """The views of ``month`` (default: the latest month with a return), against the do-something of the
    approved plan ``plan`` (default: the only one holding the programme's year), else of the figures typed in
    the programme."""
    programme, stored = read_stored(store, resolve_programme(store, name), by_scheme=False)
    if month is not None:
        as_at = month_of(programme, month)
    elif stored.months:
        as_at = stored.months[-1]
    else:
        as_at = programme.months[0]
    positions, unchosen = approved_positions(store, programme, plan)
    return assess(
        programme,
        as_at,
        stored.income_expenditure,
        stored.efficiency,
        stored.risks,
        stored.returns,
        positions,
        unchosen,
    )


def efficiency_for_pack(store: Store, month: Month, plan: str) -> tuple[EfficiencyStatus, ...]:
    """Each efficiency programme of ``month``'s year as at the month, against the do-something of the pack's
    plan (else the figures typed in the programme), for the delivery pack."""
    found = []
    for name in programme_names(store):
        programme, stored = read_stored(store, name, by_scheme=False)
        if programme.year != month.year:
            continue
        found.append(
            assess(
                programme,
                month,
                stored.income_expenditure,
                stored.efficiency,
                stored.risks,
                stored.returns,
                plan_positions(store, programme, plan),
            )
        )
    return tuple(found)


# --- text -------------------------------------------------------------------------------------------------


def _money(value: float | None) -> str:
    """£'000 the Stockport way: a negative in brackets; an unknown as a dash."""
    if value is None or math.isnan(value):
        return "—"
    rounded = round(value)
    return f"({-rounded:,})" if rounded < 0 else f"{rounded:,}"


def _share(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0%}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], left: Sequence[int] = (0,)) -> list[str]:
    """Columns padded to their widest cell: the ``left`` ones (text) aligned left, the others right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = []
    for index, row in enumerate([header, *rows]):
        cells = [
            str(c).ljust(w) if i in left else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def status_text(found: EfficiencyStatus) -> str:
    """The organisation and system views, the FEWS efficiency set and the returns, as text."""
    programme = found.programme
    views: list[View] = [*found.organisations, found.system]
    lines = [
        f"{programme.name}: {found.as_at.label} ({found.as_at.calendar_name}); "
        f"FEWS efficiency set {found.status.upper()}",
        "",
        "Income and expenditure (£'000, a deficit positive, a surplus in brackets)",
        *([found.basis] if found.basis else []),
    ]
    lines += _table(
        [
            "",
            "months",
            "plan YTD",
            "actual YTD",
            "variance",
            "run rate",
            "forecast",
            "best",
            "likely",
            "worst",
            "do-something",
            "likely vs plan",
        ],
        [
            [
                v.label,
                str(v.months_reported),
                _money(v.plan_ytd),
                _money(v.actual_ytd),
                _money(v.variance_ytd),
                _money(v.run_rate),
                _money(v.forecast),
                _money(v.best),
                _money(v.likely),
                _money(v.worst),
                _money(v.do_something),
                _money(v.against_do_something(v.likely)),
            ]
            for v in views
        ],
    )
    lines += ["", "Efficiency (£'000 saved)"]
    lines += _table(
        [
            "",
            "plan line",
            "identified",
            "unidentified",
            "risk-adjusted",
            "plan YTD",
            "delivered YTD",
            "recurrent",
            "non-recurrent",
            "delivery",
            "forecast",
        ],
        [
            [
                v.label,
                _money(v.line),
                _money(v.identified),
                _money(v.unidentified),
                _money(v.risk_adjusted),
                _money(v.planned_ytd),
                _money(v.delivered_ytd),
                _money(v.recurrent_ytd),
                _money(v.non_recurrent_ytd),
                _share(v.delivery),
                _money(v.efficiency_forecast),
            ]
            for v in views
        ],
    )
    if any(v.upper is not None for v in views):
        lines += ["", "Ranges of the plan lines (£'000 saved)"]
        lines += _table(
            ["", "plan line", "upper range"], [[v.label, _money(v.line), _money(v.upper)] for v in views]
        )
    if found.risks:
        lines += [
            "",
            "Risks and mitigations of the latest returns (£'000; a mitigation reduces the position)",
        ]
        lines += _table(
            ["organisation", "item", "kind", "best", "likely", "worst", "description"],
            [
                [
                    programme.organisation_name(r.organisation),
                    r.item,
                    r.kind,
                    _money(r.best),
                    _money(r.likely),
                    _money(r.worst),
                    r.description,
                ]
                for r in found.risks
            ],
            left=(0, 1, 2, 6),
        )
        for kind in ("risk", "mitigation"):
            chosen = [r for r in found.risks if r.kind == kind]
            if chosen:
                lines.append(
                    f"{kind}s in all: best {_money(sum(r.best for r in chosen))}, likely "
                    f"{_money(sum(r.likely for r in chosen))}, worst {_money(sum(r.worst for r in chosen))}"
                )
    lines += ["", "Schemes by stage (£'000 a year; risk-adjusted by the stage's weight)"]
    lines += _table(
        ["stage", "weight", "schemes", "risk-adjusted"],
        [
            [STAGE_NAMES[stage], _share(programme.weight(stage)), _money(annual), _money(adjusted)]
            for stage, annual, adjusted in stage_table(programme, None)
        ],
    )
    lines += ["", "FEWS efficiency set"]
    lines += _table(
        ["indicator", "of", "found", "ratio", "status"],
        [
            [i.label, _money(i.planned), _money(i.achieved), _share(i.ratio), i.status.upper()]
            for i in found.indicators
        ],
    )
    lines += ["", "Returns (due on working day " + str(programme.due_working_day) + " after the month's end)"]
    late = [f for f in found.returns if f.late]
    if not found.returns:
        lines.append("no returns yet")
    else:
        lines.append(f"{len(found.returns)} returns, {len(late)} late")
        lines += (
            _table(
                ["organisation", "month", "due", "submitted", "days late"],
                [
                    [
                        programme.organisation_name(f.organisation),
                        f.month.label,
                        f.due.isoformat(),
                        f.submitted.isoformat(),
                        str(f.days_late),
                    ]
                    for f in sorted(late, key=lambda f: (f.month, f.organisation))
                ],
            )
            if late
            else []
        )
    return "\n".join(lines)
