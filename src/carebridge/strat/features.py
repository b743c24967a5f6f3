"""The risk model's features, each a SQL expression over the patient view (so scoring runs in DuckDB).

Age enters as a spline (per 10 years, with extra slopes after 45 and 75, and a flag for infants); deprivation
as a score from 1 (most deprived decile) to −1 (least); each condition, the frailty index and the care-home
flag as they are; prior-year activity as ``ln(1 + count)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from carebridge.strat.columns import CONDITIONS, MEASURE_NAMES


@dataclass(frozen=True)
class Feature:
    name: str
    sql: str
    description: str


_CONDITION_SUM = " + ".join(f"CAST(ltc_{condition} AS INTEGER)" for condition, _ in CONDITIONS)

FEATURES: tuple[Feature, ...] = (
    Feature("infant", "CAST(age < 2 AS DOUBLE)", "Aged under 2."),
    Feature("age_10y", "age / 10.0", "Age, per 10 years."),
    Feature("age_over_45_10y", "greatest(age - 45, 0) / 10.0", "Years over 45, per 10."),
    Feature("age_over_75_10y", "greatest(age - 75, 0) / 10.0", "Years over 75, per 10."),
    Feature("female", "CAST(sex = 'F' AS DOUBLE)", "Female."),
    Feature("deprivation", "(5.5 - imd_decile) / 4.5", "Deprivation: 1 most deprived decile, -1 least."),
    *(
        Feature(f"ltc_{condition}", f"CAST(ltc_{condition} AS DOUBLE)", f"{name}.")
        for condition, name in CONDITIONS
    ),
    Feature(
        "conditions_after_first",
        f"greatest({_CONDITION_SUM} - 1, 0)",
        "Number of long-term conditions after the first (multimorbidity).",
    ),
    Feature("frailty", "coalesce(frailty, 0)", "Electronic frailty index (0 when not recorded)."),
    Feature("care_home", "CAST(care_home AS DOUBLE)", "Lives in a care home."),
    *(
        Feature(
            f"log_{measure}_prior",
            f"ln(1 + {measure}_prior)",
            f"{MEASURE_NAMES[measure]} in the prior year, as ln(1 + count).",
        )
        for measure in ("ae", "nel", "nel_acs", "el", "op_first", "op_fu", "gp")
    ),
)
FEATURES_BY_NAME = {feature.name: feature for feature in FEATURES}
OUTCOME_SQL = "CAST(nel_next > 0 AS DOUBLE)"
"""The outcome: one or more emergency admissions in the next 12 months."""
