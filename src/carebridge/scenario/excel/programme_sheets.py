"""The programme workbook's sheets: every field of :mod:`carebridge.scenario.programme`, laid out as tables.

The programme is its own workbook beside the scenario's, as its YAML file is its own file beside the
scenario: objectives, their priority programmes and workstreams (each naming its parent by id), the success
measures and milestones of each, the critical decisions, and the resourcing tables. A workstream's schemes and
plan lines are the scenario's ids, separated by commas.
"""

from __future__ import annotations

from carebridge.scenario.excel.layout import (
    Column,
    ColumnKind,
    Entry,
    FieldsSheet,
    Items,
    Listed,
    Parent,
    Sheet,
)

PROGRAMME_TITLE = "CareBridge programme workbook"
DECISION_STATUSES = ("open", "taken", "deferred")
ROLE_NAMES = {
    "sro": "senior responsible owner (SRO)",
    "clinical_lead": "clinical lead",
    "programme_director": "programme director",
    "finance_lead": "finance & risk lead",
}
"""The words of :mod:`carebridge.scenario.programme` (which reads this layout, so it is not imported here; a
test checks they agree), and the leads of Appendix B."""


def col(
    header: str, *path: str, kind: ColumnKind = "text", about: str = "", ids_from: str | None = None
) -> Column:
    """A column whose value goes at ``path`` in the row's item (by default, the field named like it)."""
    choices = DECISION_STATUSES if header == "status" else ()
    return Column(header, path or (header,), kind, about, choices, ids_from)


def key(header: str, sheet: str, noun: str) -> Column:
    """A column naming the item of ``sheet`` that the row belongs to."""
    return Column(
        header, (), "text", f"The {noun} this row belongs to: an id on the {sheet} sheet.", (), sheet
    )


def roles(whose: str) -> tuple[Column, ...]:
    """The four leads (Appendix B), each a person's name."""
    return tuple(
        col(role, "roles", role, about=f"The {name} of the {whose}{inherited}.")
        for role, name in ROLE_NAMES.items()
        for inherited in [", blank for its programme's" if whose == "workstream" else ""]
    )


PROGRAMME = FieldsSheet(
    "Programme",
    "The programme's name, its first and last months (YYYY/YY-Mnn, M01 is April) and the year of its "
    "resourcing, one per row.",
    (
        col("name", about="The programme's name, shown in reports."),
        col("source", about="Where the programme comes from."),
        col(
            "start",
            kind="label",
            about="First month of the programme, YYYY/YY-Mnn, like 2016/17-M07 (M01 is April).",
        ),
        col("end", kind="label", about="Last month of gateway returns, YYYY/YY-Mnn."),
        col(
            "resourcing.year",
            "resourcing",
            "year",
            kind="year",
            about="The year of the resourcing tables, YYYY/YY.",
        ),
        col("resourcing.source", "resourcing", "source", about="Where the resourcing tables come from."),
    ),
)

OBJECTIVES = Sheet(
    "Objectives",
    "One row per strategic objective; its success measures are on ObjectiveSuccess, its priority "
    "programmes on Programmes.",
    Items(("objectives",), init=(("programmes", "list"),)),
    (
        col("id", about="Short id, e.g. urgent_care; unique across the workbook."),
        col("name", about="The objective, as the plan words it."),
        col("description", about="What the objective means, in a sentence or two."),
    ),
)

OBJECTIVE = key("objective", "Objectives", "objective")

OBJECTIVE_SUCCESS = Sheet(
    "ObjectiveSuccess",
    "What success looks like in 2020/21 for an objective, one measure per row, in order.",
    Listed(("success",), col("success", about="One measure of success, in words.")),
    parent=Parent("Objectives", (OBJECTIVE,)),
)

PROGRAMMES = Sheet(
    "Programmes",
    "One row per priority programme, under its objective, with its leads and the owners (emails) who may "
    "record the gateway returns of all its workstreams.",
    Items(("programmes",), init=(("workstreams", "list"),)),
    (
        col("id", about="Short id; unique across the workbook."),
        col("name", about="The priority programme, as the plan names it."),
        *roles("programme"),
        col(
            "owners",
            kind="ids",
            about="Emails of those who may record its workstreams' returns, separated by commas.",
        ),
    ),
    parent=Parent("Objectives", (OBJECTIVE,)),
)

WORKSTREAMS = Sheet(
    "Workstreams",
    "One row per workstream, under its priority programme: its own leads (blank for its programme's), "
    "owners, and the scenario's schemes and plan lines that carry its money (each in exactly one "
    "workstream).",
    Items(("workstreams",)),
    (
        col("id", about="Short id, e.g. ws09_urgent_care; unique across the workbook."),
        col("name", about="The workstream, as the plan names it."),
        *roles("workstream"),
        col(
            "owners", kind="ids", about="Emails of those who may record its returns, beside its programme's."
        ),
        col("schemes", kind="ids", about="Ids of the scenario's schemes, separated by commas."),
        col("lines", kind="ids", about="Ids of the scenario's plan lines, separated by commas."),
        col("note", about="Anything a reader should know."),
    ),
    parent=Parent("Programmes", (key("programme", "Programmes", "priority programme"),), by_own_id=True),
)

WORKSTREAM = key("workstream", "Workstreams", "workstream")

WORKSTREAM_SUCCESS = Sheet(
    "WorkstreamSuccess",
    "What success looks like in 2020/21 for a workstream, one measure per row, in order.",
    Listed(("success",), col("success", about="One measure of success, in words.")),
    parent=Parent("Workstreams", (WORKSTREAM,), by_own_id=True),
)

MILESTONES = Sheet(
    "Milestones",
    "What a workstream will have done 6, 12 or 18 months from the programme's start, one per row.",
    Items(("milestones",)),
    (
        col("months", kind="integer", about="Months from the programme's start: 6, 12 or 18."),
        col("description", about="What the workstream will have done by then."),
    ),
    parent=Parent("Workstreams", (WORKSTREAM,), by_own_id=True),
)

DECISIONS = Sheet(
    "Decisions",
    "Critical decisions: the workstream that needs each, the forum that takes it, the month it is due "
    "(YYYY/YY-Mnn), its status and the schemes and plan lines whose savings depend on it.",
    Items(("decisions",)),
    (
        col("id", about="Short id; unique across the workbook."),
        col("name", about="The decision, in words."),
        col("workstream", ids_from="Workstreams", about="Id of the workstream that needs it."),
        col("forum", about="The board or committee that takes it."),
        col("due", kind="label", about="The month it is due, YYYY/YY-Mnn, like 2017/18-M07 (October 2017)."),
        col("status", about="open, taken or deferred. Default: open."),
        col(
            "depends",
            kind="ids",
            about="Ids of the scenario's schemes and plan lines whose savings depend on it.",
        ),
        col("note", about="Anything a reader should know."),
    ),
)

PARTNERS = Sheet(
    "Partners",
    "Resourcing: what each partner puts in, £'000 (substantive staff, its funding of the joint budget).",
    Items(("resourcing", "partners")),
    (
        col("partner", about="The partner organisation, as the source names it."),
        col(
            "substantive_staff", kind="number", about="£'000 of substantive staff; blank when not applicable."
        ),
        col(
            "joint_budget",
            kind="number",
            about="Its funding of the joint resource budget, £'000. Default: 0.",
        ),
    ),
)

STAFFING = Sheet(
    "Staffing",
    "Resourcing: staffing costs by element of the programme; the costs by funder are on StaffingByFunder.",
    Items(("resourcing", "staffing"), init=(("by_funder", "map"),), identity="element"),
    (
        col("element", about="The element of the programme, as the source names it."),
        col("total", kind="number", about="The row's total as published, when it is printed, £'000."),
    ),
)

STAFFING_BY_FUNDER = Sheet(
    "StaffingByFunder",
    "Resourcing: an element's staffing costs by funder, £'000.",
    Entry(
        ("by_funder",),
        col("funder", about="Who funds it, as the source names it: CCG, Joint Resource Budget, Others."),
        col("amount", kind="number", about="£'000."),
    ),
    parent=Parent("Staffing", (key("element", "Staffing", "element of the programme"),)),
)

STAFFING_TOTALS = Sheet(
    "StaffingTotals",
    "Resourcing: the published totals of the staffing by funder, and Total, when the source prints them.",
    Entry(
        ("resourcing", "staffing_totals"),
        col("funder", about="A funder of StaffingByFunder, or Total."),
        col("amount", kind="number", about="£'000 as printed."),
    ),
)

CONTRACT_TYPES = Sheet(
    "ContractTypes",
    "Resourcing: the same staffing costs by contract type, £'000 (they add to the staffing by element).",
    Items(("resourcing", "contract_types")),
    (
        col("type", about="The contract type, as the source names it."),
        col("amount", kind="number", about="£'000."),
    ),
)

NON_STAFF = Sheet(
    "NonStaff",
    "Resourcing: non-staff costs, £'000; confirmed FALSE for costs still to be agreed.",
    Items(("resourcing", "non_staff")),
    (
        col("item", about="The cost, as the source names it."),
        col("amount", kind="number", about="£'000."),
        col("confirmed", kind="flag", about="FALSE for costs still to be agreed. Default: TRUE."),
    ),
)

PROGRAMME_SHEETS: tuple[Sheet, ...] = (
    OBJECTIVES,
    OBJECTIVE_SUCCESS,
    PROGRAMMES,
    WORKSTREAMS,
    WORKSTREAM_SUCCESS,
    MILESTONES,
    DECISIONS,
    PARTNERS,
    STAFFING,
    STAFFING_BY_FUNDER,
    STAFFING_TOTALS,
    CONTRACT_TYPES,
    NON_STAFF,
)
"""The table sheets, parents before children, in the order the workbook shows them after Programme."""

PROGRAMME_GUIDANCE: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "What this is",
        (
            "This workbook is a CareBridge programme, the same as a programme.yaml file beside the scenario: "
            "`carebridge programme check FILE.xlsx --scenario SCENARIO` checks it against the plan and lists "
            "every problem with its sheet and cell (e.g. Workstreams!C4); `carebridge convert FILE.xlsx "
            "programme.yaml` turns it into YAML (docs/programme.md describes every field).",
            "The Programme sheet is needed; the other sheets may be left empty (a programme may give only "
            "its resourcing). Sheets with other names are ignored, so you may add your own workings.",
        ),
    ),
    (
        "How to fill it in",
        (
            "Each sheet is a table: the first row is the header (keep the headers as they are); one row per "
            "item below it. Hover over a header to read what the column holds.",
            "Objectives hold priority programmes, which hold workstreams: a Programmes row names its "
            "objective, a Workstreams row its programme, a Milestones or WorkstreamSuccess row its "
            "workstream, each by id. Ids are unique across the workbook.",
            "Every scheme and plan line of the scenario belongs to exactly one workstream: list their ids in "
            "the workstream's schemes and lines columns, separated by commas.",
            "A workstream's leads left blank are its programme's. Owners are the emails people sign in with: "
            "only they may record the workstream's monthly gateway returns.",
            "Months are financial months written YYYY/YY-Mnn as text: 2016/17-M07 is October 2016 (M01 is "
            "April). Money is in £'000.",
        ),
    ),
)
