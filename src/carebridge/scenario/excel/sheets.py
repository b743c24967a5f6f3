"""The scenario workbook's sheets: every field of :mod:`carebridge.scenario.schema`, laid out as tables.

Values by year run across (``every year``, then one column per ``YYYY/YY``); lists inside an item (a scheme's
effects, a POD's providers) have their own sheet whose first columns name the parent item. Sheets come in an
order where every parent comes before its children.
"""

from __future__ import annotations

from dataclasses import replace

from carebridge.scenario import schema
from carebridge.scenario.errors import Path
from carebridge.scenario.excel.layout import (
    Column,
    ColumnKind,
    Entry,
    FieldsSheet,
    Items,
    Parent,
    Part,
    Series,
    Sheet,
    Switch,
    Years,
)
from carebridge.scenario.excel.schema_docs import words


def col(
    header: str,
    *path: str,
    kind: ColumnKind = "text",
    about: str = "",
    choices: tuple[str, ...] = (),
    ids_from: str | None = None,
) -> Column:
    """A column whose value goes at ``path`` in the row's item (by default, the field named like it)."""
    return Column(header, path or (header,), kind, about, choices, ids_from)


def key(header: str, sheet: str, noun: str) -> Column:
    """A column naming the item of ``sheet`` that the row belongs to."""
    return Column(
        header, (), "text", f"The {noun} this row belongs to: an id on the {sheet} sheet.", (), sheet
    )


ORG = key("org", "Organisations", "organisation")
POD = key("pod", "PODs", "POD")

SCENARIO = FieldsSheet(
    "Scenario",
    "The scenario's name, its years and the options of the statement and the report, one per row.",
    (
        col("format_version", kind="integer"),
        col("name"),
        col("description"),
        col("source"),
        col("base_year", kind="year"),
        col("end_year", kind="year"),
        col("statement.savings_from", "statement", "savings_from", kind="year"),
        col(
            "statement.savings_line.tariff",
            "statement",
            "savings_line",
            "tariff",
            about="Name of the savings line of the statement on the tariff basis. "
            "Default: Savings (tariff basis).",
        ),
        col(
            "statement.savings_line.cost",
            "statement",
            "savings_line",
            "cost",
            about="Name of the savings line of the statement on the cost basis. "
            "Default: Savings (cost basis).",
        ),
        col("report.bridge_year", "report", "bridge_year", kind="year"),
        col("report.provider_tables", "report", "provider_tables", kind="ids"),
    ),
    model=schema.Scenario,
)

ORGANISATIONS = Sheet(
    "Organisations",
    "One row per partner organisation: commissioner, council or provider.",
    Items(("organisations",), required=True),
    (
        col("id"),
        col("name"),
        col("kind", choices=words(schema.Organisation, "kind")),
        col("sector", choices=words(schema.Organisation, "sector")),
    ),
    model=schema.Organisation,
)

FINANCE = Sheet(
    "Finance",
    "Income of each organisation whose do-nothing gap is forecast from income and expenditure "
    "(gap = expenditure − income), and its annual growth by year.",
    Part(("finance",), init=(("expenditure", "list"),)),
    (col("income", kind="number"),),
    parent=Parent("Organisations", (ORG,)),
    years=Years(("income_growth",), about="Annual income growth, a fraction (0.02 = 2%)."),
    model=schema.OrgFinance,
)

EXPENDITURE = Sheet(
    "Expenditure",
    "An organisation's expenditure by category (pay, non-pay, drugs, CHC, …), £'000 in the base year.",
    Items(("finance", "expenditure")),
    (col("id"), col("name"), col("base", kind="number"), col("demand_pods", kind="ids")),
    parent=Parent("Organisations", (ORG,)),
    model=schema.ExpenditureCategory,
)

EXPENDITURE_YEARS = Sheet(
    "ExpenditureYears",
    "Inflation and demand growth of each expenditure category, fractions by year; demand growth may be "
    "`activity` in the `every year` column (the growth of the do-nothing activity of its demand_pods).",
    Series(
        col("series", choices=("inflation", "demand_growth"), about="inflation or demand_growth."),
        {"inflation": ("inflation",), "demand_growth": ("demand_growth",)},
    ),
    parent=Parent(
        "Expenditure", (ORG, key("category", "Expenditure", "expenditure category of the organisation"))
    ),
    years=Years(about="A fraction by year (0.03 = 3%), or `activity` in `every year` for demand growth."),
    model=schema.ExpenditureCategory,
)

FINANCE_ITEMS = Sheet(
    "FinanceItems",
    "Pressures and other items on top of an organisation's income and expenditure, £'000 (a cost positive).",
    Items(("finance", "items")),
    (
        col("id"),
        col("name"),
        col("formula"),
        col("start", kind="year"),
        col("non_recurrent", kind="flag"),
        col("note"),
    ),
    parent=Parent("Organisations", (ORG,)),
    years=Years(("amount",), about="£'000 by year (recurrent items are held)."),
    model=schema.FinanceItem,
)

PODS = Sheet(
    "PODs",
    "One row per point of delivery: base-year activity, unit price and cost structure. Values by year are "
    "on PODYears, providers on Providers.",
    Items(("pods",), required=True),
    (
        col("id"),
        col("name"),
        col("unit"),
        col(
            "activity_base",
            "activity",
            "base",
            kind="number",
            about="Activity in the base year, in the POD's unit; blank for a money-only POD.",
        ),
        col(
            "base_price",
            "price",
            "base",
            kind="number",
            about="Unit price in the base year, £, grown by `price_uplift` on PODYears; or leave blank and "
            "give `price` on PODYears.",
        ),
        col("variable", "cost_release", "variable", kind="number"),
        col("semi_fixed", "cost_release", "semi_fixed", kind="number"),
        col("fixed", "cost_release", "fixed", kind="number"),
        col("variable_lag", "cost_release", "lags", "variable", kind="integer"),
        col("semi_fixed_lag", "cost_release", "lags", "semi_fixed", kind="integer"),
        col("fixed_lag", "cost_release", "lags", "fixed", kind="integer"),
        col(
            "payer",
            ids_from="Organisations",
            about="Organisation that pays for the POD's activity. Default: the commissioner.",
        ),
        col(
            "improvement",
            choices=("increase", "decrease", "neutral"),
            about="For SPC: increase or decrease when more or less activity is an improvement, neutral when "
            "neither. Default: the plan's direction.",
        ),
    ),
    model=schema.Pod,
)

POD_SERIES: dict[str, Path] = {
    "price": ("price",),
    "price_uplift": ("price", "uplift"),
    "trajectory": ("activity", "trajectory"),
    "growth": ("activity", "growth"),
    "non_demographic_growth": ("activity", "non_demographic_growth"),
}

POD_YEARS = Sheet(
    "PODYears",
    "A POD's values by year: price (£ per unit, instead of base_price), price_uplift (a fraction), "
    "trajectory (do-nothing activity, held after its last year), growth and non_demographic_growth "
    "(fractions).",
    Series(
        col("series", choices=tuple(POD_SERIES), about="Which value by year: " + ", ".join(POD_SERIES)),
        POD_SERIES,
    ),
    parent=Parent("PODs", (POD,)),
    years=Years(about="The series' value by year."),
    model=schema.Pod,
)

PROVIDERS = Sheet(
    "Providers",
    "Share of each POD's activity by provider organisation (or `other`), summing to 1 for the POD; a POD "
    "with no rows here is all `other`.",
    Entry(
        ("providers",),
        col("provider", ids_from="Organisations", about="Provider organisation id, or `other`."),
        col("share", kind="number", about="Share of the POD's activity, in [0, 1]."),
    ),
    parent=Parent("PODs", (POD,)),
)

POPULATION_RATES = Sheet(
    "PopulationRates",
    "A POD's activity per head by age band of the Population sheet; gives its demographic growth.",
    Entry(
        ("activity", "population_rates"),
        col("band", about="Age band, as on the Population sheet."),
        col("rate", kind="number", about="Activity per head in the band."),
    ),
    parent=Parent("PODs", (POD,)),
)

DEMOGRAPHIC_RATES = Sheet(
    "DemographicRates",
    "A POD's activity per head by sex and age band of the population on Demography (or "
    "DemographyPeople); gives its demographic growth by age and sex (docs/demand.md).",
    Entry(
        ("activity", "demographic_rates"),
        col("sex", choices=("female", "male"), about="female or male."),
        col("rate", kind="number", about="Activity per head a year in the band."),
        inner=col(
            "band",
            kind="label",
            about="Age band: a-b, a+ or one age, from 0 to 90 (90 is 90 and over): 0-64, 65+.",
        ),
    ),
    parent=Parent("PODs", (POD,)),
)

POPULATION = Sheet(
    "Population",
    "People by age band by year.",
    Entry(("population",), col("band", about="Age band, e.g. 65-74.")),
    years=Years(about="People in the band by year."),
)

DEMOGRAPHY = Sheet(
    "Demography",
    "The population projection that drives demographic growth (docs/demand.md): one row naming a CSV file "
    "in the ONS layout beside the workbook and the areas to sum; or leave it empty and give the people on "
    "DemographyPeople.",
    Part(("demography",)),
    (
        col("file", about=schema.Demography.model_fields["file"].description or ""),
        col(
            "areas",
            kind="ids",
            about="Area codes to sum, separated by commas, e.g. E08000007; default every area of the file.",
        ),
        col("rates", about=schema.Demography.model_fields["rates"].description or ""),
    ),
    model=schema.Demography,
)

DEMOGRAPHY_PEOPLE = Sheet(
    "DemographyPeople",
    "Or the people inline, instead of a file: people by sex and age band, by year.",
    Entry(
        ("demography", "people"),
        col("sex", choices=("female", "male"), about="female or male."),
        inner=col(
            "band", kind="label", about="Age band: a-b, a+ or one age, from 0 to 90 (90 is 90 and over)."
        ),
    ),
    years=Years(about="People in the band by year."),
)

COHORTS = Sheet(
    "Cohorts",
    "Target populations; their shares of each POD's activity are on CohortShares (by year on "
    "CohortSharesByYear); a headcount by year makes the shares follow the cohort's people (docs/demand.md).",
    Items(("cohorts",), init=(("shares", "map"),)),
    (col("id"), col("name"), col("description")),
    years=Years(("headcount",), about="People in the cohort by year (optional)."),
    model=schema.Cohort,
)

COHORT_SHARES = Sheet(
    "CohortShares",
    "Share of each POD's base-year activity that a cohort accounts for, in [0, 1].",
    Entry(
        ("shares",),
        col("pod", ids_from="PODs", about="POD id."),
        col("share", kind="number", about="Share of the POD's base-year activity, in [0, 1]."),
    ),
    parent=Parent("Cohorts", (key("cohort", "Cohorts", "cohort"),)),
)

COHORT_SHARES_BY_YEAR = Sheet(
    "CohortSharesByYear",
    "A cohort's share of a POD's activity by year, from a year after the base; before it, the share on "
    "CohortShares; after the last year given, held.",
    Entry(("share_by_year",), col("pod", ids_from="PODs", about="POD id.")),
    parent=Parent("Cohorts", (key("cohort", "Cohorts", "cohort"),)),
    years=Years(about="Share of the POD's activity by year, in [0, 1]."),
)

COHORT_RATES = Sheet(
    "CohortRates",
    "With a headcount: the cohort's activity per head by POD (default: its base-year share over its "
    "base-year headcount).",
    Entry(
        ("rates",),
        col("pod", ids_from="PODs", about="POD id."),
        col("rate", kind="number", about="Activity per head a year."),
    ),
    parent=Parent("Cohorts", (key("cohort", "Cohorts", "cohort"),)),
)

COHORT_OVERLAPS = Sheet(
    "CohortOverlaps",
    "Two cohorts that share activity (docs/demand.md): one row per pair, the two cohort ids separated by a "
    "comma; the share of each POD's activity in both is on CohortOverlapShares.",
    Items(("cohort_overlaps",), init=(("shares", "map"),), identity="cohorts"),
    (
        col("cohorts", kind="ids", about="The two cohort ids, separated by a comma: top15, over65."),
        col("note"),
    ),
    model=schema.CohortOverlap,
)

COHORT_OVERLAP_SHARES = Sheet(
    "CohortOverlapShares",
    "The intersection of two cohorts: the share of a POD's activity in both, in [0, 1].",
    Entry(
        ("shares",),
        col("pod", ids_from="PODs", about="POD id."),
        col("share", kind="number", about="Share of the POD's activity in both cohorts, in [0, 1]."),
    ),
    parent=Parent(
        "CohortOverlaps", (replace(key("cohorts", "CohortOverlaps", "pair of cohorts"), kind="ids"),)
    ),
)

PARAMETERS = Sheet(
    "Parameters",
    "Named inputs that formulas use, by year.",
    Entry(("parameters",), col("name", about="The name formulas use."), collapse="value"),
    (col("unit"), col("note")),
    years=Years(("value",), about="The parameter's value by year."),
    model=schema.Parameter,
)

SCHEMES = Sheet(
    "Schemes",
    "One row per scheme (business case, solution); its effects are on Effects, its investment on "
    "SchemeInvestment.",
    Items(("schemes",)),
    (
        col("id"),
        col("name"),
        col("group"),
        col("cohort", ids_from="Cohorts"),
        col("owner", ids_from="Organisations"),
        col("investment_org", "investment", "org", ids_from="Organisations"),
        col("investment_line", "investment", "line"),
        col("delivery", kind="number"),
        col("note"),
    ),
    model=schema.Scheme,
)

SCHEME = key("scheme", "Schemes", "scheme")

EFFECTS = Sheet(
    "Effects",
    "A scheme's effects, one per row, in order: avoid_growth and reduce (a fraction by year), absolute "
    "(activity removed by year), direct_saving (£'000 saved by year), shift (a fraction moved to the POD "
    "`to`) and length_of_stay (a fraction by which bed days per spell fall); or a formula instead of the "
    "years (docs/effects.md).",
    Items(("effects",)),
    (
        col(
            "kind",
            choices=("avoid_growth", "reduce", "absolute", "direct_saving", "shift", "length_of_stay"),
            about="The kind of effect.",
        ),
        col("pod", ids_from="PODs", about="POD the effect acts on."),
        col(
            "basis",
            choices=words(schema.Reduce, "basis"),
            about=schema.Reduce.model_fields["basis"].description or "",
        ),
        col(
            "counts_as",
            choices=words(schema.Absolute, "counts_as"),
            about="For absolute: " + (schema.Absolute.model_fields["counts_as"].description or ""),
        ),
        col(
            "release",
            choices=words(schema.DirectSaving, "release"),
            about="For direct_saving: " + (schema.DirectSaving.model_fields["release"].description or ""),
        ),
        col(
            "org",
            ids_from="Organisations",
            about="For direct_saving: " + (schema.DirectSaving.model_fields["org"].description or ""),
        ),
        col("note", about="Where the number comes from."),
        col("to", ids_from="PODs", about="For shift: " + (schema.Shift.model_fields["to"].description or "")),
        col(
            "formula",
            about="For absolute, shift and length_of_stay: the value as a formula of parameters, "
            "activity.<pod> and price.<pod>, instead of the years.",
        ),
        col(
            "bed_day_price",
            kind="value",
            about="For length_of_stay: £ a bed day saved — a number (every year) or by year as YAML text, "
            "{2017/18: 225, 2019/20: 240}; blank values bed days at the POD's price spread over its length "
            "of stay.",
        ),
    ),
    parent=Parent("Schemes", (SCHEME,)),
    years=Years(
        ("fraction",),
        about="The fraction (avoid_growth, reduce; 0.2 = 20%), activity (absolute) or saving in £'000 "
        "(direct_saving) by year, positive for a reduction.",
        by_column="kind",
        by_value={"absolute": ("activity",), "direct_saving": ("saving",)},
    ),
)

SCHEME_INVESTMENT = Sheet(
    "SchemeInvestment",
    "What a scheme costs, £'000 by year: recurrent (held after its last year) and non_recurrent (one-off).",
    Series(
        col("series", choices=("recurrent", "non_recurrent"), about="recurrent or non_recurrent."),
        {"recurrent": ("investment", "recurrent"), "non_recurrent": ("investment", "non_recurrent")},
    ),
    parent=Parent("Schemes", (SCHEME,)),
    years=Years(about="£'000 by year."),
)

NON_CASH_BENEFITS = Sheet(
    "NonCashBenefits",
    "A scheme's benefits beyond cash, one per row: fiscal, economic or social, in £'000 or in QALYs by "
    "year. The appraisal values them apart from the cash NPV (public value); the plan's money never "
    "holds them.",
    Items(("non_cash_benefits",)),
    (
        col("id"),
        col("name"),
        col("kind", choices=words(schema.NonCashBenefit, "kind")),
        col("measure", choices=words(schema.NonCashBenefit, "measure")),
        col("value_per_qaly", kind="number"),
        col("beneficiary"),
        col("payer"),
        col("note"),
    ),
    parent=Parent("Schemes", (SCHEME,)),
    years=Years(("amount",), about="£'000 (measure value) or QALYs gained (measure qalys) by year."),
    model=schema.NonCashBenefit,
)

INVESTMENTS = Sheet(
    "Investments",
    "Programme investment not attached to a scheme, £'000 by year.",
    Items(("investments",)),
    (
        col("id"),
        col("name"),
        col("kind", choices=words(schema.ProgrammeInvestment, "kind")),
        col("org", ids_from="Organisations"),
        col("line"),
        col("note"),
    ),
    years=Years(("amount",), about="£'000 by year."),
    model=schema.ProgrammeInvestment,
)

FUNDING = Sheet(
    "Funding",
    "Sources of funding for the investment, £'000 by year, written positive.",
    Items(("funding",)),
    (
        col("id"),
        col("name"),
        col("kind", choices=words(schema.FundingSource, "kind")),
        col(
            "org", ids_from="Organisations", about="Organisation that receives it. Default: the commissioner."
        ),
        col(
            "funder",
            ids_from="Organisations",
            about="Organisation of the plan that gives it; blank for funding from outside the plan.",
        ),
        col("note"),
    ),
    years=Years(("amount",), about="£'000 by year, positive."),
    model=schema.FundingSource,
)

DO_NOTHING = Sheet(
    "DoNothing",
    "Each organisation's do-nothing gap, £'000 by year, a deficit positive.",
    Entry(("positions", "do_nothing"), col("org", ids_from="Organisations", about="Organisation id.")),
    years=Years(about="Gap in £'000 by year, a deficit positive."),
)

PLAN_LINES = Sheet(
    "PlanLines",
    "Lines that move a position from do-nothing to do-something, signed as printed: a saving negative. "
    "A line is given by year, from the schemes (from_measure), or by a formula (phasing on Phasing, "
    "double counting on Overlaps).",
    Items(("positions", "plan_lines")),
    (
        col("id"),
        col("name"),
        col("org", ids_from="Organisations"),
        col("kind", choices=words(schema.PlanLine, "kind")),
        col("non_recurrent", kind="flag"),
        col("formula"),
        col("realisation", kind="number"),
        col("cohort", ids_from="Cohorts"),
        col(
            "from_measure",
            "from_schemes",
            "measure",
            choices=words(schema.FromSchemes, "measure"),
            about="A line computed from the schemes' results: savings, investment or net.",
        ),
        col(
            "from_basis",
            "from_schemes",
            "basis",
            choices=words(schema.FromSchemes, "basis"),
            about="Basis of from_measure: tariff or cost. Default: tariff.",
        ),
        col(
            "from_schemes",
            "from_schemes",
            "schemes",
            kind="ids",
            about="Scheme ids of from_measure, separated by commas; default all.",
        ),
        col(
            "allocation_basis",
            "allocation",
            "basis",
            choices=words(schema.Allocation, "basis"),
            about="A system-level line shared in proportion to do_nothing, income or expenditure (or give "
            "shares on AllocationShares).",
        ),
        col(
            "allocation_orgs",
            "allocation",
            "orgs",
            kind="ids",
            about="With allocation_basis: the organisations that share the line, separated by commas; "
            "default all.",
        ),
        col("note"),
    ),
    years=Years(("value",), about="£'000 by year; a saving is negative."),
    model=schema.PlanLine,
)

LINE = key("line", "PlanLines", "plan line")

PHASING = Sheet(
    "Phasing",
    "How a formula line of PlanLines reaches its full effect: a profile from a start year over some years, "
    "or fractions by year.",
    Part(("phasing",)),
    (
        col("profile", choices=words(schema.Phasing, "profile")),
        col("start", kind="year"),
        col("years", kind="integer"),
    ),
    parent=Parent("PlanLines", (LINE,)),
    years=Years(("fractions",), about="For the `fractions` profile: the fraction (0 to 1) by year."),
    model=schema.Phasing,
)

OVERLAPS = Sheet(
    "Overlaps",
    "Double counting removed from a plan line: the gross value less this is the net value.",
    Items(("overlaps",)),
    (
        col("against", kind="ids", about="Plan lines the double count is with, separated by commas."),
        col("fraction", kind="number"),
        col("reason"),
    ),
    parent=Parent("PlanLines", (LINE,)),
    years=Years(("amount",), about="Or £'000 removed from the line's size, by year."),
    model=schema.Overlap,
)

ALLOCATION_SHARES = Sheet(
    "AllocationShares",
    "Fixed shares of a system-level plan line by organisation, summing to 1 for the line.",
    Entry(
        ("allocation", "shares"),
        col("org", ids_from="Organisations", about="Organisation id."),
        col("share", kind="number", about="Share of the line, in [0, 1]."),
    ),
    parent=Parent("PlanLines", (LINE,)),
)

CONTRACTS = Sheet(
    "Contracts",
    "How payment between a payer and a provider follows activity: tariff (rate), threshold (under, over, "
    "tolerance, beyond), block, aligned (variable_share); a compensating payment by year, or `stranded` in "
    "`every year`, or `stranded` in the years of the agreement only.",
    Items(("contracts",)),
    (
        col("id"),
        col("name"),
        col("payer", ids_from="Organisations"),
        col("provider", ids_from="Organisations"),
        col("pods", kind="ids", about="PODs the contract covers, separated by commas; default all of them."),
        col("type", choices=words(schema.Contract, "type")),
        col("rate", kind="number"),
        col("under", kind="number"),
        col("over", kind="number"),
        col("tolerance", kind="number"),
        col("beyond", kind="number"),
        col("variable_share", kind="number"),
        col("note"),
    ),
    years=Years(
        ("compensating",),
        about="Compensating payment from payer to provider, £'000 by year (held after the last); or "
        "`stranded` (the provider's stranded cost) in `every year`, or in the years of the agreement only.",
        word_in_years="stranded",
    ),
    model=schema.Contract,
)

SELECTORS = ("position", "statement", "savings", "investment", "activity")

PUBLISHED = Sheet(
    "Published",
    "Published figures to reconcile with: the report shows computed, published and the difference. The "
    "selector says which figure; the columns after it that apply to that selector say which line.",
    Items(("published",)),
    (col("source"), col("tolerance", kind="number")),
    switch=Switch(
        col("selector", choices=SELECTORS, about="Which computed figure: " + ", ".join(SELECTORS) + "."),
        (
            col("line", about="position: a plan line id, do_nothing or do_something; statement: a line."),
            col(
                "org",
                ids_from="Organisations",
                about="position: organisation id, nhs or social_care (a sector), or system. Default: system.",
            ),
            col("basis", choices=("tariff", "cost"), about="statement, savings: tariff or cost."),
            col("scheme", ids_from="Schemes", about="savings, investment: a scheme id."),
            col("group", about="savings, investment: a scheme group."),
            col("pod", ids_from="PODs", about="savings, activity: a POD id."),
            col("provider", ids_from="Organisations", about="savings: a provider id."),
            col(
                "savings_source",
                "source",
                choices=words(schema.SavingsRef, "source"),
                about="savings: avoided_growth, reduction or direct.",
            ),
            col("measure", choices=words(schema.ActivityRef, "measure"), about="activity: the measure."),
        ),
    ),
    years=Years(("values",), about="The published figure by year, signed as printed."),
    model=schema.Published,
)

CAPITAL = Sheet(
    "Capital",
    "Capital spending that enables revenue savings, £'000 by year (years left blank are 0).",
    Items(("capital",)),
    (
        col("id"),
        col("name"),
        col("org", ids_from="Organisations"),
        col("enables", kind="ids", about="Plan lines or schemes it enables, separated by commas."),
        col("note"),
    ),
    years=Years(("amount",), about="Capital spent, £'000 by year."),
    model=schema.CapitalScheme,
)

BEDS = Sheet(
    "Beds",
    "Bed bases: beds = spells × length of stay / (days × occupancy); lengths of stay on LengthOfStay.",
    Items(("capacity", "beds"), init=(("length_of_stay", "map"),)),
    (col("id"), col("name"), col("occupancy", kind="number"), col("days", kind="number")),
    model=schema.BedBase,
)

LENGTH_OF_STAY = Sheet(
    "LengthOfStay",
    "Average length of stay in days, by bed base and POD, by year.",
    Entry(("length_of_stay",), col("pod", ids_from="PODs", about="POD id.")),
    parent=Parent("Beds", (key("beds", "Beds", "bed base"),)),
    years=Years(about="Days by year."),
)

WORKFORCE = Sheet(
    "Workforce",
    "Staff groups; the WTE each needs per unit of activity is on WorkforcePerUnit.",
    Items(("capacity", "workforce"), init=(("per_unit", "map"),)),
    (col("id"), col("name")),
    model=schema.StaffGroup,
)

WORKFORCE_PER_UNIT = Sheet(
    "WorkforcePerUnit",
    "WTE of a staff group per unit of a POD's activity, by year.",
    Entry(("per_unit",), col("pod", ids_from="PODs", about="POD id.")),
    parent=Parent("Workforce", (key("staff_group", "Workforce", "staff group"),)),
    years=Years(about="WTE per unit of activity by year."),
)

STAFF = Sheet(
    "Staff",
    "The baseline workforce by organisation and staff group (docs/effects.md section 4); pay per WTE in £ "
    "by year; WTE per unit of activity and per bed on StaffPerUnit and StaffPerBed.",
    Items(("workforce",), init=(("per_unit", "map"), ("per_bed", "map"))),
    (
        col("id"),
        col("name"),
        col("org", ids_from="Organisations"),
        col("wte", kind="number"),
        col("bank", kind="number"),
        col("agency", kind="number"),
        col("bank_premium", kind="number"),
        col("agency_premium", kind="number"),
        col("note"),
    ),
    years=Years(("pay_per_wte",), about="£ a year for a substantive WTE, by year."),
    model=schema.WorkforceGroup,
)

STAFF_PER_UNIT = Sheet(
    "StaffPerUnit",
    "WTE of a staff group per unit of a POD's activity above the base year, by year.",
    Entry(("per_unit",), col("pod", ids_from="PODs", about="POD id.")),
    parent=Parent("Staff", (key("staff", "Staff", "staff group"),)),
    years=Years(about="WTE per unit of activity by year."),
)

STAFF_PER_BED = Sheet(
    "StaffPerBed",
    "WTE of a staff group per bed of a bed base above the base year, by year.",
    Entry(("per_bed",), col("bed_base", ids_from="Beds", about="Bed base id.")),
    parent=Parent("Staff", (key("staff", "Staff", "staff group"),)),
    years=Years(about="WTE per bed by year."),
)

WORKFORCE_EFFECTS = Sheet(
    "WorkforceEffects",
    "A scheme's changes to the workforce: the fraction of a staff group's agency WTE converted to "
    "substantive, by year.",
    Items(("workforce_effects",)),
    (col("group", ids_from="Staff", about="Staff group id."), col("note")),
    parent=Parent("Schemes", (SCHEME,)),
    years=Years(("agency_to_substantive",), about="Fraction of agency WTE converted, by year."),
    model=schema.WorkforceEffect,
)

VARIANTS = Sheet(
    "Variants",
    "Named variants (sensitivities); their changes, applied in order, are on Changes.",
    Items(("variants",), init=(("changes", "list"),)),
    (col("id"), col("name"), col("description")),
    model=schema.Variant,
)

CHANGES = Sheet(
    "Changes",
    "One change of a variant per row, in order: exactly one of set, scale, add and remove at a path. A set "
    "or add value may be a number or text written as YAML, like {2019/20: 0.02}.",
    Items(("changes",)),
    (
        col("path"),
        col("set", kind="value", about="The value set at the path (a number, or YAML text)."),
        col("scale", kind="number"),
        col("add", kind="value", about="The item appended to the list at the path (YAML text)."),
        col("remove", kind="flag"),
        col("note"),
    ),
    parent=Parent("Variants", (key("variant", "Variants", "variant"),)),
    model=schema.Change,
)

CORRELATIONS = Sheet(
    "Correlations",
    "Rank correlations between uncertain inputs (numbers written as distributions), imposed on the draws.",
    Items(("uncertainty", "correlations")),
    (
        col(
            "inputs",
            kind="ids",
            about="The two uncertain inputs by name, separated by a comma, e.g. "
            "pods.ae.price.2017/18, schemes.neighbourhood.delivery.",
        ),
        col("rank", kind="number"),
    ),
    model=schema.RankCorrelation,
)

BENCHMARKS = Sheet(
    "Benchmarks",
    "Programme budget benchmarks whose opportunities formulas name: opportunity.<id> (the top largest, "
    "£'000) and opportunity.<id>.<category>; each file relative to the workbook's.",
    Items(("benchmarks",)),
    (
        col("id"),
        col("file"),
        col("comparator", about="peer_average, lower_quartile, best, best_five or reference."),
        col("top", kind="integer", about="Sum the N largest opportunities; every one when empty."),
    ),
    model=schema.OpportunityBenchmark,
)

SHEETS: tuple[Sheet, ...] = (
    ORGANISATIONS,
    FINANCE,
    EXPENDITURE,
    EXPENDITURE_YEARS,
    FINANCE_ITEMS,
    PODS,
    POD_YEARS,
    PROVIDERS,
    POPULATION_RATES,
    POPULATION,
    DEMOGRAPHY,
    DEMOGRAPHY_PEOPLE,
    DEMOGRAPHIC_RATES,
    COHORTS,
    COHORT_SHARES,
    COHORT_SHARES_BY_YEAR,
    COHORT_RATES,
    COHORT_OVERLAPS,
    COHORT_OVERLAP_SHARES,
    PARAMETERS,
    SCHEMES,
    EFFECTS,
    SCHEME_INVESTMENT,
    NON_CASH_BENEFITS,
    INVESTMENTS,
    FUNDING,
    DO_NOTHING,
    PLAN_LINES,
    PHASING,
    OVERLAPS,
    ALLOCATION_SHARES,
    CONTRACTS,
    PUBLISHED,
    CAPITAL,
    BEDS,
    LENGTH_OF_STAY,
    WORKFORCE,
    WORKFORCE_PER_UNIT,
    STAFF,
    STAFF_PER_UNIT,
    STAFF_PER_BED,
    WORKFORCE_EFFECTS,
    VARIANTS,
    CHANGES,
    CORRELATIONS,
    BENCHMARKS,
)
"""The table sheets, parents before children, in the order the workbook shows them after Scenario."""

SHEET_NAMES: tuple[str, ...] = (SCENARIO.name, *(sheet.name for sheet in SHEETS))
REQUIRED_SHEETS: tuple[str, ...] = (SCENARIO.name, ORGANISATIONS.name, PODS.name)
INSTRUCTIONS = "Instructions"
