"""The tables of a stratification as they leave the tool: disclosure control applied, columns named for
people.

Each :class:`OutputTable` is written as CSV (its columns keep their machine names, the CSV's contract), shown
in the HTML report and (the headline ones) in the terminal. The page and the terminal show each column as
:data:`COLUMNS` says: a header in people's words, the share columns grouped, numbers to a fixed number of
decimals with thousands separators, and ids (``measure``, ``feature``) left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carebridge.strat.cohort import LABELS
from carebridge.strat.disclosure import SUPPRESSED, DisclosureRule
from carebridge.strat.features import FEATURES_BY_NAME
from carebridge.strat.pipeline import Stratification

INTERCEPT = "Intercept (log-odds of a patient with every feature at 0)"
NEED_NOTE = (
    "Need-weighted: indirectly standardised for 5-year age band, sex and number of long-term conditions."
)


SHARE_GROUP = "Share of the year's activity, %"
SHORT_MEASURES = {
    "ae": "A&E",
    "nel": "Emergency admissions",
    "nel_acs": "Emergency, ambulatory care sensitive",
    "el": "Elective admissions",
    "op_first": "Outpatient first",
    "op_fu": "Outpatient follow-up",
    "gp": "GP contacts",
    "cost": "Cost",
    "op": "Outpatient, all",
}
"""The measures' names under the group header of a share column, where the unit is said once."""


@dataclass(frozen=True)
class ColumnLook:
    """How a column is shown: its header, the group above it, the decimals of its numbers (``None``: words,
    or a number as short as it goes) and whether it is shown at all (ids are not)."""

    header: str
    decimals: int | None = None
    group: str = ""
    shown: bool = True
    short: str = ""
    """A shorter header for the terminal (default: the header)."""

    @property
    def short_header(self) -> str:
        return self.short or self.header


COLUMNS: dict[str, ColumnLook] = {
    "item": ColumnLook(""),
    "value": ColumnLook("Value"),
    "measure": ColumnLook("Measure", shown=False),
    "label": ColumnLook("Activity"),
    "cohort": ColumnLook("Cohort", 0),
    "everyone": ColumnLook("Everyone", 0),
    "cohort_share_percent": ColumnLook("Cohort's share, %", 1, short="Cohort's share, %"),
    "top_percent": ColumnLook("Top % of patients by risk", short="Top %"),
    "patients": ColumnLook("Patients", 0),
    "min_score": ColumnLook("Lowest risk score in the top %", 2, short="Lowest score"),
    "neighbourhood": ColumnLook("Neighbourhood"),
    "imd_decile": ColumnLook("Deprivation decile"),
    "cohort_patients": ColumnLook("Patients in the cohort", 0, short="In the cohort"),
    "admissions": ColumnLook("Emergency admissions", 0, short="Admissions"),
    "expected": ColumnLook("Expected admissions", 1, short="Expected"),
    "cohort_percent": ColumnLook("Cohort, % of patients", 1, short="Cohort %"),
    "rate_per_10000": ColumnLook("Admissions per 10,000 patients", 0, short="Rate per 10,000"),
    "need_weighted_rate_per_10000": ColumnLook(
        "Need-weighted admissions per 10,000", 0, short="Need-weighted rate"
    ),
    "decile": ColumnLook("Decile of predicted risk"),
    "admitted": ColumnLook("Admitted", 0),
    "mean_predicted_percent": ColumnLook("Mean predicted risk, %", 2),
    "observed_percent": ColumnLook("Admitted, %", 2),
    "feature": ColumnLook("Feature", shown=False),
    "description": ColumnLook("Feature"),
    "coefficient": ColumnLook("Coefficient (log-odds)", 4),
    "odds_ratio": ColumnLook("Odds ratio", 3),
    "bin": ColumnLook("Risk score from"),
    **{
        f"{measure}_share_percent": ColumnLook(
            label, 1, SHARE_GROUP, short=SHORT_MEASURES.get(measure, label)
        )
        for measure, label in LABELS.items()
    },
}


def column_look(column: str) -> ColumnLook:
    """How ``column`` is shown; a column not in :data:`COLUMNS` by its name in words."""
    return COLUMNS.get(column, ColumnLook(column.replace("_", " ").capitalize()))


def cell_text(value: object, decimals: int | None, missing: str = SUPPRESSED) -> str:
    """A cell as the page and the terminal print it: ``missing`` for a missing value (``*`` for a suppressed
    count, blank where there is nothing to show), numbers to ``decimals`` places with thousands separators
    (as short as they go when ``decimals`` is ``None``), words as they are."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return missing
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return str(value)
    number = float(value)
    if decimals is None:
        return f"{number:,.0f}" if number.is_integer() else f"{number:,g}"
    text = f"{number:,.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


@dataclass(frozen=True)
class OutputTable:
    name: str
    """File stem of the CSV."""
    title: str
    frame: pd.DataFrame
    note: str = ""
    missing: str = SUPPRESSED
    """What a missing cell means: ``*`` (suppressed) in a table under disclosure control, blank elsewhere."""
    order: tuple[str, ...] = ()
    """The columns as shown, in order (default: the frame's)."""

    def shown_columns(self) -> list[str]:
        """The columns a person reads, in order: ids left out."""
        columns: Sequence[str] = self.order or [str(column) for column in self.frame.columns]
        return [column for column in columns if column_look(column).shown]

    def is_words(self, column: str) -> bool:
        """Whether ``column`` holds words (set left) rather than numbers (set right)."""
        return not pd.api.types.is_numeric_dtype(self.frame[column])

    def rows(self) -> list[list[str]]:
        """The shown cells as text, row by row."""
        columns = self.shown_columns()
        looks = [column_look(column) for column in columns]
        return [
            [cell_text(value, look.decimals, self.missing) for value, look in zip(values, looks, strict=True)]
            for values in self.frame[columns].itertuples(index=False)
        ]


def cohort_table(result: Stratification, rule: DisclosureRule) -> pd.DataFrame:
    activity = result.cohort.activity
    frame = pd.DataFrame(
        {
            "measure": activity["measure"],
            "label": activity["label"],
            "cohort": activity["cohort"],
            "everyone": activity["total"],
            "cohort_share_percent": (100 * activity["share"]).round(1),
        }
    )
    counts = frame.loc[frame["measure"] != "cost"]
    money = frame.loc[frame["measure"] == "cost"].copy()
    controlled = rule.apply(counts, ["cohort", "everyone"], {"cohort_share_percent": ["cohort", "everyone"]})
    money[["cohort", "everyone"]] = money[["cohort", "everyone"]].round(0)
    joined = pd.concat(
        [controlled, money.astype({"cohort": "Int64", "everyone": "Int64"})], ignore_index=True
    )
    return joined.astype({"cohort": "Int64", "everyone": "Int64"})


def _count(value: object) -> str:
    return "*" if value is pd.NA or value is None else f"{int(str(value)):,}"


def summary_table(result: Stratification, rule: DisclosureRule) -> pd.DataFrame:
    cohort = result.cohort
    patients = rule.apply(pd.DataFrame({"v": [cohort.patients, cohort.population]}), ["v"])["v"]
    rows = [
        ("Cohort", cohort.rule),
        ("Patients in the cohort", _count(patients.iloc[0])),
        ("Patients in the data", _count(patients.iloc[1])),
        ("Cohort, % of patients", f"{cohort.percent:.2f}"),
        ("Threshold risk score (100 × predicted chance)", f"{cohort.score:.2f}"),
        (
            "Year of activity counted",
            f"{result.year} (12 months {'before' if result.year == 'prior' else 'after'})",
        ),
        (
            "Ambulatory-care-sensitive share of the cohort's emergency admissions, %",
            f"{100 * cohort.acs_share:.1f}",
        ),
        ("Model", result.model.source),
    ]
    if result.evaluation is not None:
        evaluation = result.evaluation
        rows.extend(
            [
                ("Evaluated on", evaluation.description),
                ("c-statistic (AUC)", f"{evaluation.auc:.3f}"),
                ("Brier score", f"{evaluation.brier:.4f}"),
            ]
        )
    return pd.DataFrame(rows, columns=["item", "value"])


def concentration_frame(result: Stratification, rule: DisclosureRule) -> pd.DataFrame:
    table = result.concentration
    frame = pd.DataFrame(
        {
            "top_percent": table["percent"],
            "patients": table["patients"],
            "min_score": table["min_score"].round(2),
        }
    )
    for measure in [c for c in table.columns if c in LABELS]:
        frame[f"{measure}_share_percent"] = (100 * table[measure].astype(float)).round(1)
    return rule.apply(frame, ["patients"])


def breakdown_frame(table: pd.DataFrame, rule: DisclosureRule) -> pd.DataFrame:
    frame = table.copy()
    frame["expected"] = frame["expected"].round(1)
    for column in ("cohort_percent", "rate_per_10000", "need_weighted_rate_per_10000"):
        frame[column] = frame[column].round(1)
    return rule.apply(
        frame,
        ["patients", "cohort_patients", "admissions"],
        {
            "cohort_percent": ["cohort_patients", "patients"],
            "rate_per_10000": ["admissions", "patients"],
            "need_weighted_rate_per_10000": ["admissions"],
        },
    )


def calibration_frame(result: Stratification, rule: DisclosureRule) -> pd.DataFrame:
    assert result.evaluation is not None
    frame = result.evaluation.calibration.copy()
    frame["mean_predicted_percent"] = (100 * frame.pop("mean_predicted")).round(2)
    frame["observed_percent"] = (100 * frame.pop("observed")).round(2)
    return rule.apply(frame, ["patients", "admitted"], {"observed_percent": ["admitted", "patients"]})


def model_frame(result: Stratification) -> pd.DataFrame:
    model = result.model
    names = ["(intercept)", *model.coefficients]
    values = [model.intercept, *model.coefficients.values()]
    return pd.DataFrame(
        {
            "feature": names,
            "coefficient": np.round(values, 5),
            "odds_ratio": [None, *np.round(np.exp(list(model.coefficients.values())), 3)],
            "description": [INTERCEPT, *(FEATURES_BY_NAME[name].description for name in model.coefficients)],
        }
    )


def output_tables(result: Stratification, rule: DisclosureRule) -> list[OutputTable]:
    """Every table of the stratification, controlled for disclosure."""
    tables = [
        OutputTable("summary", "The cohort and the model", summary_table(result, rule)),
        OutputTable(
            "cohort",
            "The cohort's share of the year's activity",
            cohort_table(result, rule),
            "Cost is in pounds and is not a count; it is shown to the nearest pound.",
        ),
        OutputTable(
            "concentration",
            "Concentration: the top x% of patients by risk and their share of activity",
            concentration_frame(result, rule),
            "The risk score is 100 × the predicted chance of an emergency admission.",
        ),
        OutputTable(
            "neighbourhoods",
            "By neighbourhood, with need-weighted emergency admission rates",
            breakdown_frame(result.neighbourhoods, rule),
            NEED_NOTE,
        ),
        OutputTable(
            "deprivation",
            "By deprivation decile (1 most deprived)",
            breakdown_frame(result.deprivation, rule),
            NEED_NOTE,
        ),
    ]
    if result.evaluation is not None:
        tables.append(
            OutputTable(
                "calibration", "Calibration by decile of predicted risk", calibration_frame(result, rule)
            )
        )
    tables.append(
        OutputTable(
            "model",
            "The model's coefficients (logistic regression)",
            model_frame(result),
            "Not a count: no disclosure control applies. The intercept has no odds ratio.",
            missing="",
            order=("description", "feature", "coefficient", "odds_ratio"),
        )
    )
    distribution = rule.apply(result.distribution, ["patients"])
    tables.append(OutputTable("distribution", "Patients by risk score (bins of one point)", distribution))
    return tables
