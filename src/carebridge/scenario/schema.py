"""The scenario file, declared once: every field with its type, default, unit and description.

These frozen pydantic models are the boundary between a file and the engine. Shape and types are checked
here; cross-references, year labels, ranges and shares are checked by :mod:`carebridge.scenario.validate`,
which knows the whole scenario. ``docs/scenario-format.md`` documents the same fields.

Signs in the input: effects, funding and investment are written as positive amounts (a fraction of 0.2
removes 20%; a saving of 700 saves £700k; funding of 5,294 funds £5,294k). Position lines (do-nothing gaps and
plan lines) are written as the sources print them: a deficit or a cost positive, a saving negative.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.distributions import Distribution

FORMAT_VERSION = 1

Number: TypeAlias = float
YearValue: TypeAlias = float | dict[Any, float]
"""A scalar (every year) or a map from ``YYYY/YY`` to a number (year keys are checked by validate)."""

OrgKind = Literal["commissioner", "council", "acute", "community", "mental_health", "primary_care", "other"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ExpenditureCategory(Model):
    """A category of an organisation's expenditure (pay, non-pay, drugs, CHC, …), £'000 in the base year."""

    id: str
    name: str | None = None
    base: float = Field(description="Expenditure in the base year, £'000.")
    inflation: YearValue = Field(0.0, description="Annual cost inflation, a fraction, by year.")
    demand_growth: YearValue | Literal["activity"] = Field(
        0.0,
        description="Annual demand growth, a fraction by year, or `activity`: the growth of the do-nothing "
        "activity of `demand_pods` (weighted by base-year value at their prices).",
    )
    demand_pods: list[str] | None = Field(
        None, description="PODs that drive `activity` demand (default all)."
    )


class FinanceItem(Model):
    """A pressure or other item on top of income and expenditure, £'000 (a cost positive)."""

    id: str
    name: str
    amount: YearValue | None = Field(None, description="£'000 by year (recurrent items are held).")
    formula: str | None = Field(
        None, description="Or a formula over income, expenditure, activity, prices and parameters."
    )
    start: str | None = Field(None, description="First year the item applies (0 before).")
    non_recurrent: bool = Field(False, description="Kept apart from the recurrent (normalised) position.")
    note: str | None = None


class OrgFinance(Model):
    """Income and expenditure from which the do-nothing gap is computed: gap = expenditure − income."""

    income: float = Field(description="Income in the base year, £'000.")
    income_growth: YearValue = Field(0.0, description="Annual income growth, a fraction, by year.")
    expenditure: list[ExpenditureCategory] = Field(description="Expenditure by category.")
    items: list[FinanceItem] = Field(
        default_factory=list, description="Pressures from a year and non-recurrent items."
    )


class Organisation(Model):
    """A partner organisation: a commissioner, council or provider."""

    id: str = Field(description="Short id used everywhere else, e.g. `ccg`.")
    name: str = Field(description="Name shown in reports.")
    kind: OrgKind = Field("other", description="What sort of organisation it is.")
    sector: Literal["nhs", "social_care"] | None = Field(
        None, description="NHS or social care (default: social care for a council, NHS otherwise)."
    )
    finance: OrgFinance | None = Field(
        None,
        description="Income and expenditure; gives the do-nothing gap (instead of positions.do_nothing).",
    )


class ReleaseLags(Model):
    """Years after a change in activity before each kind of cost can be removed."""

    variable: int = Field(0, ge=0, description="Lag of variable cost, years.")
    semi_fixed: int = Field(1, ge=0, description="Lag of semi-fixed cost, years.")
    fixed: int = Field(3, ge=0, description="Lag of fixed cost, years.")


class CostRelease(Model):
    """The cost structure of a POD: shares of variable, semi-fixed and fixed cost (summing to 1)."""

    variable: float = Field(1.0, description="Share of cost that is variable.")
    semi_fixed: float = Field(0.0, description="Share of cost that is semi-fixed.")
    fixed: float = Field(0.0, description="Share of cost that is fixed.")
    lags: ReleaseLags = Field(default_factory=ReleaseLags, description="Release lags in years.")


class PriceUplift(Model):
    """A base-year unit price grown by an annual uplift."""

    base: float = Field(description="Unit price in the base year, £.")
    uplift: YearValue = Field(0.0, description="Annual uplift, a fraction (0.02 = 2%), by year.")


class Activity(Model):
    """Base-year activity of a POD and how it grows without the schemes (the do-nothing)."""

    base: float = Field(description="Activity in the base year, in the POD's unit.")
    trajectory: dict[Any, float] | None = Field(
        None, description="Explicit do-nothing activity by year; held after its last year."
    )
    growth: YearValue | None = Field(
        None,
        description="Annual growth rate by year (0.02 = 2%); the demographic part if "
        "`non_demographic_growth` is also given.",
    )
    population_rates: dict[str, float] | None = Field(
        None, description="Activity per head by age band of `population`; gives demographic growth."
    )
    non_demographic_growth: YearValue | None = Field(
        None, description="Non-demographic growth rate by year; multiplies with the demographic rate."
    )
    demographic_rates: dict[str, dict[str, float]] | None = Field(
        None,
        description="Activity per head by sex (`female`, `male`) and age band (`0-64`, `65+`, `85-89`) of "
        "`demography`; gives demographic growth by age and sex (docs/demand.md).",
    )


class Pod(Model):
    """A point of delivery: activity, unit price, provider split and cost structure."""

    id: str = Field(description="Short id, e.g. `ae`, `nel`.")
    name: str = Field(description="Name shown in reports.")
    unit: str = Field("unit", description="Unit of activity: attendance, spell, appointment, item, …")
    activity: Activity | None = Field(None, description="Activity model; omit for money-only PODs.")
    price: PriceUplift | YearValue | None = Field(
        None,
        union_mode="left_to_right",
        description="Unit price in £: a number, a map by year, or a base price with an annual uplift.",
    )
    providers: dict[str, float] = Field(
        default_factory=lambda: {"other": 1.0},
        description="Share of the POD's activity by provider organisation id, or `other`; sums to 1.",
    )
    payer: str | None = Field(
        None,
        description="Organisation id that pays for the POD's activity (a council for care placements); "
        "default the scenario's commissioner (its first organisation of kind `commissioner`).",
    )
    cost_release: CostRelease = Field(default_factory=CostRelease, description="Cost structure.")
    improvement: Literal["increase", "decrease", "neutral"] | None = Field(
        None,
        description="For SPC (Making Data Count): `increase` when more activity is an improvement, "
        "`decrease` when less is, `neutral` when neither; default the plan's: `decrease` when it deflects "
        "the POD's activity, `increase` when it adds to it, `neutral` when it changes nothing.",
    )


class Cohort(Model):
    """A target population: its share of base-year activity by POD."""

    id: str = Field(description="Short id, e.g. `top15`.")
    name: str = Field(description="Name shown in reports.")
    shares: dict[str, float] = Field(description="Share of each POD's activity, in [0, 1].")
    description: str | None = None
    share_by_year: dict[str, dict[Any, float]] | None = Field(
        None,
        description="The share of a POD's activity by year, from a year after the base; before the first "
        "year given the share is `shares`, after the last it is held (docs/demand.md).",
    )
    headcount: dict[Any, float] | None = Field(
        None,
        description="People in the cohort by year (linear between the years given, held beyond): the "
        "cohort's activity grows with it and its share follows (docs/demand.md).",
    )
    rates: dict[str, float] | None = Field(
        None,
        description="With `headcount`: activity per head by POD (default: the base-year share of the POD's "
        "activity over the base-year headcount).",
    )


class CohortOverlap(Model):
    """Two cohorts that share activity: the share of each POD's activity that belongs to both."""

    cohorts: list[str] = Field(description="The two cohort ids.")
    shares: dict[str, float] = Field(
        description="The intersection: the share of each POD's activity in both cohorts, in [0, 1]."
    )
    note: str | None = Field(None, description="Where the number comes from.")


class Demography(Model):
    """A population projection by age and sex (ONS sub-national layout) that drives demographic growth."""

    file: str | None = Field(
        None,
        description="CSV in the ONS layout, long (area_code, area_name, sex, age, year, persons) or wide "
        "(AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, a column per mid-year), relative to the "
        "scenario file's folder (docs/demand.md).",
    )
    areas: list[str] | None = Field(None, description="Area codes to sum (default every area of the file).")
    people: dict[str, dict[str, YearValue]] | None = Field(
        None,
        description="Or people inline by sex and age band, by year; filled by the loader from `file`.",
    )
    rates: str | None = Field(
        None,
        description="CSV of activity per head by POD, sex and age band (pod, sex, band, rate), relative to "
        "the scenario file's folder, as `carebridge base-rates` writes it from a patient table: fills the "
        "`demographic_rates` of each POD it names (docs/demand.md).",
    )


class _Effect(Model):
    pod: str = Field(description="POD the effect acts on.")
    note: str | None = Field(None, description="Where the number comes from.")


class AvoidGrowth(_Effect):
    """A fraction of the cohort's growth above the base year is avoided."""

    kind: Literal["avoid_growth"]
    fraction: YearValue = Field(description="Fraction of growth avoided, in [-1, 1], by year.")


class Reduce(_Effect):
    """A fraction of the cohort's activity is removed (negative: added)."""

    kind: Literal["reduce"]
    fraction: YearValue = Field(description="Fraction removed, in [-1, 1], by year.")
    basis: Literal["base", "do_nothing"] = Field(
        "base", description="Fraction of base-year activity (`base`) or of do-nothing activity."
    )


class Absolute(_Effect):
    """Activity removed, given directly per year (negative: added)."""

    kind: Literal["absolute"]
    activity: YearValue | None = Field(
        None, description="Activity removed, in the POD's unit, by year (or give `formula`)."
    )
    counts_as: Literal["reduction", "avoided_growth"] = Field(
        "reduction", description="Whether the activity is a reduction or avoided growth (cost release)."
    )
    formula: str | None = Field(
        None,
        description="Or the activity removed as a formula of parameters, activity.<pod> and price.<pod> "
        "(docs/effects.md section 3).",
    )


class DirectSaving(_Effect):
    """Money saved directly, with no activity."""

    kind: Literal["direct_saving"]
    saving: YearValue = Field(description="Saving in £'000 by year (positive saves money).")
    release: Literal["cost_structure", "immediate"] = Field(
        "cost_structure", description="Release like reductions, or in full at once."
    )
    org: str | None = Field(
        None,
        description="Organisation that banks the saving, e.g. the council that pays for care placements "
        "(default: the scheme's owner, else the payer of the POD).",
    )


class Shift(_Effect):
    """A fraction of the cohort's activity of `pod` moves to the POD `to` (another setting with its own
    price): the saving is the price difference (docs/effects.md section 1)."""

    kind: Literal["shift"]
    to: str = Field(description="POD (setting) the activity moves to.")
    fraction: YearValue | None = Field(
        None, description="Fraction of the activity moved, in [-1, 1], by year (or give `formula`)."
    )
    formula: str | None = Field(None, description="Or the fraction as a formula of named inputs.")
    basis: Literal["base", "do_nothing"] = Field(
        "do_nothing", description="Fraction of do-nothing activity (`do_nothing`) or of base-year activity."
    )


class LengthOfStay(_Effect):
    """Bed days per spell of `pod` fall by a fraction for the cohort; spells do not change (docs/effects.md
    section 2)."""

    kind: Literal["length_of_stay"]
    fraction: YearValue | None = Field(
        None, description="Fraction by which bed days per spell fall, in [-1, 1], by year (or `formula`)."
    )
    formula: str | None = Field(None, description="Or the fraction as a formula of named inputs.")
    bed_day_price: YearValue | None = Field(
        None,
        description="£ a bed day saved, by year; without it a bed day is valued at the POD's price spread "
        "over its length of stay (the cost structure).",
    )


Effect = Annotated[
    AvoidGrowth | Reduce | Absolute | DirectSaving | Shift | LengthOfStay, Field(discriminator="kind")
]


class SchemeInvestment(Model):
    """What a scheme costs, £'000 by year."""

    recurrent: YearValue | None = Field(None, description="Recurrent investment; held after its last year.")
    non_recurrent: dict[Any, float] | None = Field(None, description="One-off investment by year.")
    org: str | None = Field(None, description="Organisation that spends it (default: the owner).")
    line: str | None = Field(
        None, description="Statement line it is shown in (default: `Scheme investment`)."
    )


class NonCashBenefit(Model):
    """A benefit of a scheme beyond the cash it saves (a QALY, a saving to another public body, earnings):
    valued in the appraisal's public value, never in the plan's money (bridge, positions, flows)."""

    id: str
    name: str = Field(description="Name shown in reports.")
    kind: Literal["fiscal", "economic", "social"] = Field(
        description="As the Greater Manchester CBA model splits public value: `fiscal` (to the public "
        "purse, outside this plan's cash), `economic` (earnings, output), `social` (health and wellbeing, "
        "e.g. QALYs)."
    )
    measure: Literal["value", "qalys"] = Field(
        "value", description="What `amount` counts: `value` in £'000, or `qalys` gained (QALYs)."
    )
    amount: YearValue = Field(
        description="£'000 (measure `value`) or QALYs gained (measure `qalys`) by year, at base-year "
        "prices; held."
    )
    value_per_qaly: float | None = Field(
        None, description="£ a QALY is valued at, for measure `qalys` (state its source in `note`)."
    )
    beneficiary: str = Field(
        description="Who benefits: an organisation id, or the name of another party (e.g. `Department "
        "for Work and Pensions`, `Residents`)."
    )
    payer: str | None = Field(
        None,
        description="Who pays for it: an organisation id or the name of another party [default: the "
        "organisation that spends the scheme's investment].",
    )
    note: str | None = Field(None, description="Where the number and its value come from.")


class WorkforceEffect(Model):
    """A fraction of a staff group's agency WTE converted to substantive staff."""

    group: str = Field(description="Staff group id of `workforce`.")
    agency_to_substantive: YearValue = Field(
        description="Fraction of the group's agency WTE converted to substantive, in [0, 1], by year."
    )
    note: str | None = None


class Scheme(Model):
    """A scheme (business case, solution, intervention) and its effects."""

    id: str
    name: str
    group: str | None = Field(None, description="Business case or programme it belongs to.")
    cohort: str = Field("all", description="Target cohort id; `all` is everyone.")
    owner: str | None = Field(None, description="Owner organisation id.")
    effects: list[Effect] = Field(default_factory=list)
    delivery: float = Field(
        1.0,
        description="Multiplier of every effect of the scheme (1 delivers as planned, 0.8 delivers 80%); a "
        "distribution here makes the scheme under- or over-deliver as a whole.",
    )
    investment: SchemeInvestment | None = None
    non_cash_benefits: list[NonCashBenefit] = Field(
        default_factory=list,
        description="Benefits beyond cash, shown in the appraisal's economic and social value apart from "
        "the cash NPV.",
    )
    note: str | None = None
    workforce_effects: list[WorkforceEffect] = Field(
        default_factory=list, description="Changes to the workforce's mix (docs/effects.md section 4)."
    )


class ProgrammeInvestment(Model):
    """Investment not attached to a scheme, £'000 by year."""

    id: str
    name: str
    kind: Literal["recurrent", "non_recurrent"]
    amount: YearValue
    org: str | None = None
    line: str | None = Field(None, description="Statement line (default: the name).")
    note: str | None = None


class FundingSource(Model):
    """A source of funding for the investment, £'000 by year (positive amounts)."""

    id: str
    name: str
    kind: Literal["recurrent", "non_recurrent"]
    amount: YearValue
    org: str | None = Field(
        None, description="Organisation that receives it (default the scenario's commissioner)."
    )
    funder: str | None = Field(
        None,
        description="Organisation of the plan that gives it (its funding shows as a cost to it); default "
        "outside the plan (GM, NHS England).",
    )
    note: str | None = None


class FromSchemes(Model):
    """A plan line computed from the schemes' results."""

    measure: Literal["savings", "investment", "net"]
    basis: Literal["tariff", "cost"] = "tariff"
    schemes: list[str] | None = Field(None, description="Scheme ids; default all.")


class Phasing(Model):
    """How a driver-based line reaches its full effect over the years (a fraction from 0 to 1 each year)."""

    profile: Literal["linear", "front_loaded", "back_loaded", "step", "fractions"] = Field(
        "step", description="Shape of the ramp from `start` over `years` years."
    )
    start: str | None = Field(None, description="First year with an effect (default the base year).")
    years: int = Field(1, ge=1, description="Years to reach the full effect.")
    fractions: dict[Any, float] | None = Field(None, description="For `fractions`: the fraction by year.")


class Overlap(Model):
    """Double counting removed from a line: the gross value less this is the net value."""

    against: list[str] = Field(description="Plan lines the double count is with.")
    fraction: float | None = Field(None, description="Fraction of the gross value removed.")
    amount: YearValue | None = Field(None, description="Or £'000 removed from the line's size, by year.")
    reason: str = Field(description="Why, in words (shown in the report).")


class Allocation(Model):
    """How a system-level plan line is shared among organisations: fixed shares, or shares in proportion to
    a basis in each year (model spec section 13)."""

    shares: dict[str, float] | None = Field(
        None, description="Share of the line by organisation id, summing to 1."
    )
    basis: Literal["do_nothing", "income", "expenditure"] | None = Field(
        None,
        description="Or shares in proportion to each organisation's do-nothing gap, income or expenditure "
        "in each year (income and expenditure from `finance`).",
    )
    orgs: list[str] | None = Field(
        None, description="For a basis: the organisations that share the line (default every organisation)."
    )


class PlanLine(Model):
    """A line that moves a position from do-nothing to do-something (signed as printed)."""

    id: str
    name: str
    org: str | None = Field(None, description="Organisation id; omit for a system-level line.")
    kind: Literal["saving", "investment", "funding", "other"] = "other"
    value: YearValue | None = Field(None, description="£'000 by year; a saving is negative.")
    non_recurrent: bool = Field(False, description="Years the map omits are 0 rather than held.")
    from_schemes: FromSchemes | None = None
    formula: str | None = Field(
        None,
        description="Or a formula over named inputs (parameters, income, expenditure, activity, prices, "
        "other lines), £'000 by year; a saving is negative.",
    )
    phasing: Phasing | None = Field(
        None, description="Phasing of a formula line (default: full from the start)."
    )
    realisation: float = Field(1.0, description="Realisation (prudence) factor of a formula line, in [0, 1].")
    cohort: str | None = Field(None, description="Cohort whose share of activity `activity.<pod>` means.")
    overlaps: list[Overlap] = Field(
        default_factory=list, description="Double counting removed (gross → net)."
    )
    allocation: Allocation | None = Field(
        None, description="For a system-level line: how it is shared among organisations."
    )
    note: str | None = None


class Positions(Model):
    """Organisation positions: do-nothing gaps and the plan lines."""

    do_nothing: dict[str, YearValue] = Field(
        default_factory=dict, description="Do-nothing gap by organisation id, £'000 (deficit positive)."
    )
    plan_lines: list[PlanLine] = Field(default_factory=list)


ContractType = Literal["tariff", "threshold", "block", "aligned"]
CONTRACT_RATES = ("rate", "under", "over", "beyond", "variable_share")
"""The rate fields of a contract: each a fraction of the change in activity at full price, in [0, 1.5]."""


class StrandedCompensation(Model):
    """A compensating payment of the provider's stranded cost on the contract (floored at 0) in the years an
    agreement covers, and none in the others: ``{stranded: true, years: [2017/18, 2018/19]}``."""

    stranded: Literal[True] = Field(
        description="`true`: the payment is the provider's stranded cost on the contract, floored at 0."
    )
    years: list[str] | None = Field(
        None,
        description="The years the agreement covers, e.g. `[2017/18, 2018/19]`; no payment in the other "
        "years (default every year, as `compensating: stranded`).",
    )


class Contract(Model):
    """How payment between a payer and a provider follows activity, for some PODs (model spec section 13).

    With ``V`` the change in activity at full price (£'000, negative when activity falls), the payment
    changes by: ``tariff`` ``rate · V``; ``threshold`` ``under · V`` for a fall and ``over · V`` for a rise,
    the part beyond a ``tolerance`` band moving at ``beyond``; ``block`` 0; ``aligned``
    ``variable_share · V``.
    """

    id: str
    name: str | None = Field(None, description="Name shown in reports (default the payer and provider).")
    payer: str | None = Field(None, description="Organisation that pays (default the payer of its PODs).")
    provider: str = Field(description="Provider organisation id.")
    pods: list[str] | None = Field(
        None, description="PODs the contract covers (default every POD the provider provides to the payer)."
    )
    type: ContractType = Field("tariff", description="How payment follows activity.")
    rate: float | None = Field(None, description="tariff: the marginal rate (default 1).")
    under: float | None = Field(None, description="threshold: the rate on a fall in activity.")
    over: float | None = Field(None, description="threshold: the rate on a rise in activity.")
    tolerance: float | None = Field(
        None,
        description="threshold: a band, a fraction of the contract's do-nothing activity, beyond which a "
        "fall or rise moves at `beyond`.",
    )
    beyond: float | None = Field(None, description="threshold: the rate beyond the tolerance (default 1).")
    variable_share: float | None = Field(None, description="aligned: the variable share of payment.")
    compensating: Annotated[
        StrandedCompensation | YearValue | Literal["stranded"] | None, Field(union_mode="left_to_right")
    ] = Field(
        None,
        description="A compensating payment from payer to provider, £'000 by year (held after its last "
        "year); or `stranded`: the provider's stranded cost on the contract, floored at 0, every year; or "
        "`{stranded: true, years: [2017/18, 2018/19]}`: the stranded cost in those years only.",
    )
    note: str | None = None


class SavingsLabels(Model):
    tariff: str = "Savings (tariff basis)"
    cost: str = "Savings (cost basis)"


class Statement(Model):
    """How the investment and funding statement is drawn."""

    savings_from: str | None = Field(None, description="First year whose savings enter the statement.")
    savings_line: SavingsLabels = Field(default_factory=SavingsLabels)


POSITION_SECTORS = ("nhs", "social_care")
"""The sectors a position can be read for: the sum of the organisations of each (``sector`` or, without it, a
council is social care and every other organisation NHS)."""


class PositionRef(Model):
    line: str = Field(description="`do_nothing`, `do_something` or a plan line id.")
    org: str = Field(
        "system",
        description="An organisation id, a sector (`nhs` or `social_care`: the sum of its organisations) or "
        "`system`.",
    )


class StatementRef(Model):
    basis: Literal["tariff", "cost"] = "tariff"
    line: str = Field(description="A statement line, or `total_investment`, `total_funding`, `net`.")


class SavingsRef(Model):
    basis: Literal["tariff", "cost"] = "tariff"
    scheme: str | None = None
    group: str | None = None
    pod: str | None = None
    provider: str | None = None
    source: Literal["avoided_growth", "reduction", "direct"] | None = None


class InvestmentRef(Model):
    scheme: str | None = None
    group: str | None = None


class ActivityRef(Model):
    pod: str
    measure: Literal["do_nothing", "avoided_growth", "reduction", "do_something"]


class Published(Model):
    """A published figure to reconcile with: the report shows computed, published and difference."""

    source: str = Field(description="Where it is published, e.g. `Table 19, Stockport Together`.")
    values: dict[Any, float]
    tolerance: float = 1.0
    position: PositionRef | None = None
    statement: StatementRef | None = None
    savings: SavingsRef | None = None
    investment: InvestmentRef | None = None
    activity: ActivityRef | None = None


class CapitalScheme(Model):
    """Capital spending that enables revenue savings (reported apart from the revenue statement), £'000."""

    id: str
    name: str
    amount: dict[Any, float] = Field(description="Capital spent by year (years omitted are 0).")
    org: str | None = None
    enables: list[str] = Field(default_factory=list, description="Plan lines or schemes it enables.")
    note: str | None = None


class Parameter(Model):
    """A named input that formulas can use."""

    value: YearValue
    unit: str | None = None
    note: str | None = None


class BedBase(Model):
    """Beds that activity needs: bed days = spells × length of stay; beds = bed days / (days × occupancy)."""

    id: str
    name: str
    length_of_stay: dict[str, YearValue] = Field(description="Average length of stay in days, by POD.")
    occupancy: float = Field(0.85, description="Target bed occupancy, a fraction.")
    days: float = Field(365.0, description="Days a bed is open in a year.")


class StaffGroup(Model):
    """Workforce that activity needs: WTE per unit of activity, by POD."""

    id: str
    name: str
    per_unit: dict[str, YearValue] = Field(description="WTE per unit of activity, by POD.")


class WorkforceGroup(Model):
    """A baseline workforce of one organisation and staff group (docs/effects.md section 4)."""

    id: str
    name: str = Field(description="Name shown in reports.")
    org: str | None = Field(None, description="Organisation id that employs it.")
    wte: float = Field(description="Whole-time equivalents in the base year.")
    pay_per_wte: YearValue = Field(description="£ a year for a substantive WTE, by year.")
    bank: float = Field(0.0, description="Share of the WTE worked by bank staff.")
    agency: float = Field(0.0, description="Share of the WTE worked by agency staff.")
    bank_premium: float = Field(0.0, description="Cost of a bank WTE above substantive, a fraction.")
    agency_premium: float = Field(0.0, description="Cost of an agency WTE above substantive, a fraction.")
    per_unit: dict[str, YearValue] = Field(
        default_factory=dict, description="WTE per unit of activity above the base year, by POD."
    )
    per_bed: dict[str, YearValue] = Field(
        default_factory=dict, description="WTE per bed above the base year, by bed base id."
    )
    note: str | None = None


class Capacity(Model):
    beds: list[BedBase] = Field(default_factory=list)
    workforce: list[StaffGroup] = Field(default_factory=list)


class Change(Model):
    """One change a variant makes: exactly one of set, scale, add, remove at a path.

    A path names fields with dots and list items by their id: `pods.ae.price`,
    `organisations.ccg.finance.expenditure.chc.demand_growth`, `positions.plan_lines`.
    """

    path: str
    set: Any | None = None
    scale: float | None = Field(None, description="Multiply every number at the path by this.")
    add: Any | None = Field(None, description="Append this item to the list at the path.")
    remove: bool = Field(False, description="Remove the item at the path.")
    note: str | None = None


class Variant(Model):
    """A named variant (a sensitivity): changes applied in order to the base scenario."""

    id: str
    name: str
    description: str | None = None
    changes: list[Change]


class ReportOptions(Model):
    bridge_year: str | None = Field(
        None, description="Year of the bridge waterfall (default: last effect year)."
    )
    provider_tables: list[str] = Field(default_factory=list, description="Providers with a savings table.")


class RankCorrelation(Model):
    """A rank (Spearman) correlation between two uncertain inputs, imposed on the draws (Iman–Conover)."""

    inputs: list[str] = Field(
        description="Two uncertain inputs by name, e.g. `pods.ae.price.2017/18`, "
        "`schemes.neighbourhood.delivery`."
    )
    rank: float = Field(description="The rank correlation, from -1 to 1.")


class Uncertainty(Model):
    """Correlations between uncertain inputs, and (filled by the loader) the distributions themselves."""

    correlations: list[RankCorrelation] = Field(
        default_factory=list, description="Rank correlations between named uncertain inputs."
    )
    inputs: dict[str, Distribution] = Field(
        default_factory=dict,
        description="Filled by the loader: each distribution written in place of a number, by the input's "
        "name; the number is its central value.",
    )


class OpportunityBenchmark(Model):
    """A programme budget benchmark whose opportunity a formula names: ``opportunity.<id>`` (the ``top``
    largest, £'000) and ``opportunity.<id>.<category>`` (docs/outcomes.md)."""

    id: str = Field(description="The name formulas use: `opportunity.<id>`.")
    file: str = Field(description="The programme budget file, relative to the scenario's.")
    comparator: str | None = Field(
        None,
        description="peer_average, lower_quartile, best, best_five or reference; the file's own when "
        "omitted.",
    )
    top: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Sum the N largest opportunities; every one above the comparator when omitted."
    )


class Scenario(Model):
    """A whole plan: the top level of a scenario file."""

    format_version: int = Field(description=f"Scenario format version; this release reads {FORMAT_VERSION}.")
    name: str
    description: str | None = None
    source: str | None = Field(None, description="Where the inputs come from.")
    base_year: str = Field(description="First year, t = 0, e.g. `2016/17`.")
    end_year: str = Field(description="Last year modelled.")
    organisations: list[Organisation]
    pods: list[Pod]
    cohorts: list[Cohort] = Field(default_factory=list)
    population: dict[str, YearValue] | None = Field(None, description="People by age band by year.")
    parameters: dict[str, Annotated[Parameter | YearValue, Field(union_mode="left_to_right")]] = Field(
        default_factory=dict, description="Named inputs for formulas."
    )
    schemes: list[Scheme] = Field(default_factory=list)
    investments: list[ProgrammeInvestment] = Field(default_factory=list)
    funding: list[FundingSource] = Field(default_factory=list)
    positions: Positions = Field(default_factory=Positions)
    contracts: list[Contract] = Field(
        default_factory=list,
        description="Contracts between payers and providers; without one, payment follows activity at "
        "tariff (rate 1).",
    )
    statement: Statement = Field(default_factory=Statement)
    published: list[Published] = Field(default_factory=list)
    capital: list[CapitalScheme] = Field(default_factory=list, description="Capital schemes.")
    capacity: Capacity = Field(default_factory=Capacity)
    variants: list[Variant] = Field(default_factory=list)
    report: ReportOptions = Field(default_factory=ReportOptions)
    uncertainty: Uncertainty = Field(
        default_factory=Uncertainty, description="Correlations between uncertain inputs."
    )
    workforce: list[WorkforceGroup] = Field(
        default_factory=list,
        description="Baseline workforce by organisation and staff group (docs/effects.md section 4).",
    )
    demography: Demography | None = Field(
        None, description="Population by age and sex that drives demographic growth (docs/demand.md)."
    )
    cohort_overlaps: list[CohortOverlap] = Field(
        default_factory=list, description="Intersections of cohorts: the activity two cohorts share."
    )
    benchmarks: list[OpportunityBenchmark] = Field(
        default_factory=list,
        description="Programme budget benchmarks whose opportunities formulas name (`opportunity.<id>`).",
    )
