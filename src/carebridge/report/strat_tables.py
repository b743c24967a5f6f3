"""The tables of a stratification as they leave the tool: disclosure control applied, columns named for
people.

Each :class:`OutputTable` is written as CSV, shown in the HTML report and (the headline ones) in the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carebridge.strat.cohort import LABELS
from carebridge.strat.disclosure import DisclosureRule
from carebridge.strat.features import FEATURES_BY_NAME
from carebridge.strat.pipeline import Stratification

NEED_NOTE = (
    "Need-weighted: indirectly standardised for 5-year age band, sex and number of long-term conditions."
)


@dataclass(frozen=True)
class OutputTable:
    name: str
    """File stem of the CSV."""
    title: str
    frame: pd.DataFrame
    note: str = ""


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
        ("Cohort, % of patients", round(cohort.percent, 2)),
        ("Threshold risk score (100 × predicted chance)", round(cohort.score, 2)),
        (
            "Year of activity counted",
            f"{result.year} (12 months {'before' if result.year == 'prior' else 'after'})",
        ),
        (
            "Ambulatory-care-sensitive share of the cohort's emergency admissions, %",
            round(100 * cohort.acs_share, 1),
        ),
        ("Model", result.model.source),
    ]
    if result.evaluation is not None:
        evaluation = result.evaluation
        rows.extend(
            [
                ("Evaluated on", evaluation.description),
                ("c-statistic (AUC)", round(evaluation.auc, 3)),
                ("Brier score", round(evaluation.brier, 4)),
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
            "description": ["", *(FEATURES_BY_NAME[name].description for name in model.coefficients)],
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
            "min_score is the lowest risk score among the top x%.",
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
    tables.append(OutputTable("model", "The model's coefficients (logistic regression)", model_frame(result)))
    distribution = rule.apply(result.distribution, ["patients"])
    tables.append(OutputTable("distribution", "Patients by risk score (bins of one point)", distribution))
    return tables
