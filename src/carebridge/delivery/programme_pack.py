"""The programme's tables as plain rows (:class:`~carebridge.delivery.pack.PackTable`), which the terminal,
the programme oversight page and the delivery pack's page and workbook all print (:mod:`carebridge.report.
programme`): the plan on a page, the gateway returns by workstream and month, the latest return of each
workstream, the critical decisions, the milestones, and the resourcing by partner, element, funder and
contract type. Money in £'000, savings negative (printed in brackets), as everywhere."""

from __future__ import annotations

from collections.abc import Mapping

from carebridge.delivery.pack import Cell, PackColumn, PackTable
from carebridge.delivery.programme_rollup import Rollup, RollupRow
from carebridge.delivery.programme_status import AREA_TITLES, AREAS, ProgrammeStatus
from carebridge.scenario.programme import ROLE_NAMES, Programme, Resourcing, staffing_total, workstreams

MILESTONE_WORDS = {
    "not_started": "not started",
    "on_track": "on track",
    "at_risk": "at risk",
    "achieved": "achieved",
    "missed": "missed",
}
MILESTONE_RAG = {
    "not_started": "none",
    "on_track": "green",
    "at_risk": "amber",
    "achieved": "green",
    "missed": "red",
}


def rollup_table(rolled: Rollup) -> PackTable:
    """The plan on a page: savings, investment, funding and the net change to the position by objective,
    programme and workstream; the last rows tie the total to the bridge."""
    indent = {"objective": "", "programme": "  ", "workstream": "    ", "total": ""}
    rows: list[list[Cell]] = []
    for row in rolled.rows:
        rows.append(_rollup_cells(row, indent[row.level]))
    rows.append(["Do-nothing position (the bridge)", "", None, None, None, None, rolled.do_nothing])
    rows.append(["Do-something position (the bridge)", "", None, None, None, None, rolled.do_something])
    return PackTable(
        "programme-rollup",
        f"Plan on a page, {rolled.year}",
        "Each workstream's schemes and plan lines in the bridge year: do-nothing plus the total is the "
        "do-something position",
        (
            PackColumn("Objective, programme, workstream"),
            PackColumn("Level"),
            PackColumn("Savings", "money"),
            PackColumn("Investment", "money"),
            PackColumn("Funding", "money"),
            PackColumn("Other", "money"),
            PackColumn("Net change to the position", "money"),
        ),
        rows,
        sheet="Plan on a page",
    )


def _rollup_cells(row: RollupRow, indent: str) -> list[Cell]:
    amounts = row.amounts
    return [
        indent + row.name,
        row.level,
        amounts.savings,
        amounts.investment,
        amounts.funding,
        amounts.other,
        amounts.net,
    ]


def structure_table(programme: Programme, item_names: Mapping[str, str]) -> PackTable:
    """Each workstream under its objective and programme, with its leads (its own, else its programme's),
    the schemes and plan lines that carry its money, and what success looks like in 2020/21."""
    rows: list[list[Cell]] = []
    for view in workstreams(programme):
        money = [item_names.get(f"scheme:{s}", s) for s in view.workstream.schemes]
        money += [item_names.get(f"line:{x}", x) for x in view.workstream.lines]
        rows.append(
            [
                view.name,
                view.objective.name,
                view.programme.name,
                *(view.role(role) or "" for role in ROLE_NAMES),
                "; ".join(money),
                "; ".join(view.workstream.success),
            ]
        )
    return PackTable(
        "programme-structure",
        "Workstreams, their leads and their money",
        "Each workstream's objective and priority programme, its leads (its own, else its programme's), the "
        "schemes and plan lines it holds and, where it says, what success looks like in 2020/21",
        (
            PackColumn("Workstream"),
            PackColumn("Objective"),
            PackColumn("Programme"),
            *(PackColumn(title.capitalize() if title != "SRO" else title) for title in ROLE_NAMES.values()),
            PackColumn("Schemes and plan lines"),
            PackColumn("Success in 2020/21"),
        ),
        rows,
        sheet="Workstreams",
    )


def objectives_table(programme: Programme) -> PackTable:
    """The strategic objectives, what each aims to do and what success looks like in 2020/21."""
    rows: list[list[Cell]] = [
        [objective.name, objective.description or "", "; ".join(objective.success)]
        for objective in programme.objectives
    ]
    return PackTable(
        "programme-objectives",
        "Strategic objectives and success in 2020/21",
        "What each objective aims to do and what success looks like",
        (PackColumn("Objective"), PackColumn("Aim"), PackColumn("Success in 2020/21")),
        rows,
        sheet="Objectives",
    )


def activity_rollup_table(rolled: Rollup) -> PackTable:
    """Activity removed by each workstream's schemes, by POD (in the POD's unit), in the bridge year."""
    pods = sorted({pod for row in rolled.workstreams for pod in row.amounts.activity})
    rows: list[list[Cell]] = [
        [row.name, *(row.amounts.activity.get(pod, 0.0) for pod in pods)]
        for row in rolled.workstreams
        if row.amounts.activity
    ]
    return PackTable(
        "programme-activity",
        f"Activity by workstream, {rolled.year}",
        "Avoided growth and reductions of each workstream's schemes, by POD, in each POD's unit (removed "
        "activity negative)",
        (PackColumn("Workstream"), *(PackColumn(pod, "activity") for pod in pods)),
        rows,
        sheet="Activity by workstream",
    )


def oversight_table(status: ProgrammeStatus) -> PackTable:
    """RAG of progress, confidence and assurance, by workstream and month, up to the status's month."""
    rows: list[list[Cell]] = []
    for row in status.workstreams:
        for area in AREAS:
            cells: list[Cell] = []
            for month in status.months:
                found = status.grid.get((row.view.id, month))
                cells.append(getattr(found, area) if found is not None else "none")
            rows.append([row.view.name, AREA_TITLES[area], *cells])
    return PackTable(
        "programme-oversight",
        f"Gateway assurance by workstream and month, to {status.month}",
        "The agreed monthly status in 3 key areas: progress against plan, delivery confidence, assurance "
        "level; none where no return was made",
        (PackColumn("Workstream"), PackColumn("Area"), *(PackColumn(m, "status") for m in status.months)),
        rows,
        sheet="Gateway by month",
    )


def latest_table(status: ProgrammeStatus) -> PackTable:
    """Each workstream's latest return at the status's month, its SRO, and a fall in confidence."""
    rows: list[list[Cell]] = []
    for row in status.workstreams:
        latest = row.latest
        change = str(row.confidence_change or "")
        rows.append(
            [
                row.view.name,
                row.view.programme.name,
                row.view.role("sro") or "",
                latest.month if latest else "",
                latest.progress if latest else "none",
                latest.confidence if latest else "none",
                latest.assurance if latest else "none",
                change,
                latest.note if latest else "no return",
            ]
        )
    return PackTable(
        "programme-latest",
        f"Latest gateway return by workstream, {status.month}",
        "Each workstream's latest return up to the month, and the latest change in its delivery confidence",
        (
            PackColumn("Workstream"),
            PackColumn("Programme"),
            PackColumn(ROLE_NAMES["sro"]),
            PackColumn("Month"),
            PackColumn(AREA_TITLES["progress"], "status"),
            PackColumn(AREA_TITLES["confidence"], "status"),
            PackColumn(AREA_TITLES["assurance"], "status"),
            PackColumn("Confidence"),
            PackColumn("Note"),
        ),
        rows,
        sheet="Latest returns",
    )


def decisions_table(status: ProgrammeStatus) -> PackTable:
    year = f" in {status.at_stake_year}" if status.at_stake_year else ""
    rows: list[list[Cell]] = [
        [
            d.name,
            d.workstream,
            d.forum,
            d.due,
            d.status,
            "red" if d.overdue else "green" if d.status == "taken" else "amber",
            d.at_stake,
            d.note,
        ]
        for d in status.decisions
    ]
    return PackTable(
        "programme-decisions",
        f"Critical decisions, {status.month}",
        f"Overdue: not taken and due before the month (red). Savings at stake: the net money{year} of the "
        "schemes and plan lines that depend on the decision",
        (
            PackColumn("Decision"),
            PackColumn("Workstream"),
            PackColumn("Forum"),
            PackColumn("Due"),
            PackColumn("Decision status"),
            PackColumn("Overdue", "status"),
            PackColumn("Savings at stake", "money"),
            PackColumn("Note"),
        ),
        rows,
        sheet="Critical decisions",
    )


def milestones_table(status: ProgrammeStatus) -> PackTable:
    rows: list[list[Cell]] = [
        [
            m.workstream,
            f"{m.months} months",
            m.due,
            m.description,
            MILESTONE_WORDS.get(m.status, m.status),
            "red" if m.overdue else MILESTONE_RAG.get(m.status, "none"),
        ]
        for m in status.milestones
    ]
    return PackTable(
        "programme-milestones",
        f"Milestones at 6, 12 and 18 months, {status.month}",
        "Each milestone's latest status; red when its month has passed and it is not achieved",
        (
            PackColumn("Workstream"),
            PackColumn("Milestone"),
            PackColumn("Due"),
            PackColumn("What"),
            PackColumn("Status"),
            PackColumn("RAG", "status"),
        ),
        rows,
        sheet="Milestones",
    )


def oversight_tables(status: ProgrammeStatus) -> list[PackTable]:
    """The programme oversight report: latest returns, the grid by month, decisions, milestones."""
    return [latest_table(status), oversight_table(status), decisions_table(status), milestones_table(status)]


# --- resourcing -------------------------------------------------------------------------------------------


def resourcing_tables(resourcing: Resourcing) -> list[PackTable]:
    """The four tables of seed 003, section 2.6: by partner; staffing by element and funder; by contract
    type; non-staff costs with the confirmed total and the total with the costs still to be agreed."""
    year = resourcing.year
    return [
        _partners(resourcing, year),
        _staffing(resourcing, year),
        _contracts(resourcing, year),
        _non_staff(resourcing, year),
    ]


def _partners(resourcing: Resourcing, year: str) -> PackTable:
    rows: list[list[Cell]] = [[p.partner, p.substantive_staff, p.joint_budget] for p in resourcing.partners]
    staff = sum(p.substantive_staff or 0.0 for p in resourcing.partners)
    rows.append(["Total", staff, sum(p.joint_budget for p in resourcing.partners)])
    return PackTable(
        "resourcing-partners",
        f"Resources by partner, {year}",
        "Substantive staff each partner puts in and its funding of the joint resource budget; blank where "
        "not applicable (N/A)",
        (
            PackColumn("Partner"),
            PackColumn("Substantive staff", "money"),
            PackColumn("Joint resource budget", "money"),
        ),
        rows,
        sheet="Resources by partner",
    )


def _staffing(resourcing: Resourcing, year: str) -> PackTable:
    funders = list(dict.fromkeys(f for e in resourcing.staffing for f in e.by_funder))
    published = resourcing.staffing_totals or {}
    rows: list[list[Cell]] = []
    differences: list[float] = [0.0] * (len(funders) + 1)
    for element in resourcing.staffing:
        cells = sum(element.by_funder.values())
        total = element.total if element.total is not None else cells
        differences[0] += cells - total
        rows.append([element.element, total, *(element.by_funder.get(f, 0.0) for f in funders)])
    sums = [sum(e.by_funder.get(f, 0.0) for e in resourcing.staffing) for f in funders]
    grand = sum(sum(e.by_funder.values()) for e in resourcing.staffing)
    totals = [published.get(f, s) for f, s in zip(funders, sums, strict=True)]
    rows.append(["Total", staffing_total(resourcing), *totals])
    gap = [grand - staffing_total(resourcing), *(s - t for s, t in zip(sums, totals, strict=True))]
    note = ""
    if any(abs(value) > 1e-9 for value in gap):
        rows.append(["Cells less the printed total", *gap])
        note = (
            "The printed totals are kept; where the cells add to a different figure the difference is shown."
        )
    return PackTable(
        "resourcing-staffing",
        f"Staffing costs by element of the programme and funder, {year}",
        "Staffing costs (full-year estimates) by element of the programme, by who funds them",
        (PackColumn("Element"), PackColumn("Total", "money"), *(PackColumn(f, "money") for f in funders)),
        rows,
        note=note,
        sheet="Staffing by element",
    )


def _contracts(resourcing: Resourcing, year: str) -> PackTable:
    rows: list[list[Cell]] = [[c.type, c.amount] for c in resourcing.contract_types]
    rows.append(["Total", sum(c.amount for c in resourcing.contract_types)])
    return PackTable(
        "resourcing-contracts",
        f"Staffing costs by contract type, {year}",
        "The same staffing costs by type of contract",
        (PackColumn("Type of spend"), PackColumn("Amount", "money")),
        rows,
        sheet="Staffing by contract",
    )


def _non_staff(resourcing: Resourcing, year: str) -> PackTable:
    confirmed = [item for item in resourcing.non_staff if item.confirmed]
    pending = [item for item in resourcing.non_staff if not item.confirmed]
    rows: list[list[Cell]] = [[item.item, item.amount] for item in confirmed]
    rows.append(["Confirmed total", sum(item.amount for item in confirmed)])
    rows.extend([item.item, item.amount] for item in pending)
    rows.append(["Total", sum(item.amount for item in resourcing.non_staff)])
    return PackTable(
        "resourcing-non-staff",
        f"Non-staff costs, {year}",
        "Confirmed costs, then the costs still to be agreed",
        (PackColumn("Type of spend"), PackColumn("Amount", "money")),
        rows,
        sheet="Non-staff costs",
    )
