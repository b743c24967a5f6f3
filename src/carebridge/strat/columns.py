"""The patient table, declared once: every column with its kind, range, whether it is required and what it is.

``docs/patient-data.md`` documents the same columns; :mod:`carebridge.strat.validate` checks a file against
them. One row is one patient; the ``_prior`` columns count the 12 months before the stratification date and
the ``_next`` columns the 12 months after it (needed only to fit or evaluate a model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["key", "integer", "number", "flag", "text", "sex"]

CONDITIONS: tuple[tuple[str, str], ...] = (
    ("hypertension", "Hypertension"),
    ("anxiety", "Anxiety"),
    ("depression", "Depression"),
    ("asthma", "Asthma"),
    ("obesity", "Obesity"),
    ("diabetes", "Diabetes"),
    ("chd", "Coronary heart disease"),
    ("falls", "History of falls"),
    ("copd", "Chronic obstructive pulmonary disease"),
    ("af", "Atrial fibrillation"),
    ("dementia", "Dementia"),
    ("heart_failure", "Heart failure"),
    ("ckd", "Chronic kidney disease"),
    ("cancer", "Cancer"),
)
"""The long-term conditions, each a ``ltc_<id>`` flag column. The first eight are Stockport's Table 12."""

TABLE12_CONDITIONS = tuple(condition for condition, _ in CONDITIONS[:8])

MEASURES: tuple[tuple[str, str], ...] = (
    ("ae", "A&E attendances"),
    ("nel", "Emergency admissions"),
    ("nel_acs", "Emergency admissions sensitive to ambulatory care"),
    ("el", "Elective admissions"),
    ("op_first", "Outpatient first appointments"),
    ("op_fu", "Outpatient follow-up appointments"),
    ("gp", "GP contacts"),
)
"""Activity counted for each patient in each year: ``<measure>_prior`` and ``<measure>_next`` columns."""

MEASURE_NAMES = dict(MEASURES)
YEARS = ("prior", "next")


@dataclass(frozen=True)
class Column:
    """One column of the patient table."""

    name: str
    kind: Kind
    required: bool
    description: str
    minimum: float | None = None
    maximum: float | None = None
    nullable: bool = False

    @property
    def expected(self) -> str:
        """What a value of this column must be, in words (used in messages)."""
        if self.kind == "sex":
            return "F, M or U"
        if self.kind == "flag":
            return "true or false (or 1 or 0)"
        if self.kind == "text":
            return "text"
        if self.kind == "key":
            return "a pseudonymous key (text or a whole number), unique and not empty"
        noun = "a whole number" if self.kind == "integer" else "a number"
        if self.minimum is not None and self.maximum is not None:
            return f"{noun} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{noun}, {self.minimum:g} or more"
        return noun


def _measure_columns(year: str, required: bool) -> list[Column]:
    when = "in the 12 months before" if year == "prior" else "in the 12 months after"
    columns = [
        Column(f"{measure}_{year}", "integer", required, f"{name} {when} the stratification date.", 0, None)
        for measure, name in MEASURES
    ]
    columns.append(
        Column(
            f"cost_{year}",
            "number",
            False,
            f"Cost of the patient's hospital and GP activity {when} the stratification date, £.",
            0,
            None,
        )
    )
    return columns


PATIENT_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "key", True, "Pseudonymous patient key (never an NHS number)."),
    Column("age", "integer", True, "Age in whole years at the stratification date.", 0, 120),
    Column("sex", "sex", True, "F (female), M (male) or U (not known)."),
    Column("imd_decile", "integer", True, "Index of Multiple Deprivation decile: 1 most deprived.", 1, 10),
    Column("practice", "text", True, "Registered GP practice (a code or name)."),
    Column("neighbourhood", "text", True, "Neighbourhood (primary care network or locality)."),
    *(Column(f"ltc_{condition}", "flag", True, f"{name} recorded.") for condition, name in CONDITIONS),
    Column(
        "frailty",
        "number",
        False,
        "Electronic frailty index where recorded (0 fit to 1), empty when not assessed.",
        0,
        1,
        nullable=True,
    ),
    Column("care_home", "flag", True, "Lives in a care home."),
    *_measure_columns("prior", required=True),
    *_measure_columns("next", required=False),
)

COLUMNS_BY_NAME = {column.name: column for column in PATIENT_COLUMNS}
LTC_COLUMNS = tuple(f"ltc_{condition}" for condition, _ in CONDITIONS)
NEXT_COLUMNS = tuple(column.name for column in PATIENT_COLUMNS if column.name.endswith("_next"))


def measure_column(measure: str, year: str) -> str:
    """The column of a measure in a year: ``measure_column('nel', 'prior')`` → ``'nel_prior'``."""
    return f"{measure}_{year}"
