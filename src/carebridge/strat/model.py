"""The risk model: a logistic regression for an emergency admission in the next 12 months.

It is fitted with scikit-learn's ``LogisticRegression`` (lbfgs, effectively unpenalised: ``C = 10⁶`` on
standardised features), on a sample of at most ``max_rows`` development patients read from DuckDB; the
coefficients are turned back to the features' own scale, so that scoring is one SQL expression,
``risk = 1 / (1 + exp(−(β₀ + Σ βᵢ·xᵢ)))``, run by DuckDB over every patient. A model can also be supplied as
coefficients in a YAML file (a published model), and every fitted model is written in that form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from ruamel.yaml import YAML

from carebridge.scenario.errors import InputError, Problem, did_you_mean
from carebridge.scenario.loader import load_model as load_yaml_model
from carebridge.strat.columns import CONDITIONS
from carebridge.strat.features import FEATURES, FEATURES_BY_NAME, OUTCOME_SQL
from carebridge.strat.source import sql_name

MAX_FIT_ROWS = 200_000
PENALTY_C = 1e6


MAX_COEFFICIENT = 1_000.0
"""The largest intercept or coefficient a coefficients file may give, in size (a published model's are under
10 on the features' own scale; a larger one is a mistake, and ``exp`` of it would overflow)."""
MIN_FIT_PATIENTS = 20
"""The fewest patients with next year's counts that a model is fitted on."""


class ModelFileError(InputError):
    """A coefficients file that cannot be used: every problem, with its file, line and field."""

    kind = "risk model coefficients"
    expected = "a map with 'intercept' (a number) and 'coefficients' (feature: number)"
    document = "a coefficients file"


class FitError(ValueError):
    """Patients a model cannot be fitted on (too few, or every one with the same outcome): why and what to
    do, and the column at fault when there is one."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column


class CoefficientsFile(BaseModel):
    """A risk model as a file gives it (docs/patient-data.md): what ``save_model`` writes."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    model: str | None = Field(None, description="What the model predicts (for people).")
    source: str | None = Field(None, description="Where the model comes from.")
    intercept: float = Field(description="The intercept β₀.")
    coefficients: dict[str, float] = Field(
        min_length=1,
        max_length=len(FEATURES),
        description="A coefficient for each feature used, on the feature's own scale.",
    )


def coefficient_problems(loaded: CoefficientsFile) -> list[Problem]:
    """Features that are not features, and values beyond :data:`MAX_COEFFICIENT`."""
    problems = []
    if abs(loaded.intercept) > MAX_COEFFICIENT:
        problems.append(Problem(("intercept",), _too_large(loaded.intercept)))
    for feature, value in loaded.coefficients.items():
        if feature not in FEATURES_BY_NAME:
            hint = did_you_mean(str(feature), FEATURES_BY_NAME)
            problems.append(
                Problem(
                    ("coefficients", feature),
                    f"not a feature{hint}; the features are listed in docs/patient-data.md",
                )
            )
        elif abs(value) > MAX_COEFFICIENT:
            problems.append(Problem(("coefficients", feature), _too_large(value)))
    return problems


def _too_large(value: float) -> str:
    return f"expected a number from {-MAX_COEFFICIENT:,.0f} to {MAX_COEFFICIENT:,.0f}; found {value:g}"


@dataclass(frozen=True)
class RiskModel:
    """A logistic regression: intercept and a coefficient for each feature used (features' own scale)."""

    intercept: float
    coefficients: dict[str, float]
    source: str
    fitted_rows: int | None = None
    notes: list[str] = field(default_factory=list)

    def linear_sql(self) -> str:
        """The linear predictor ``β₀ + Σ βᵢ·xᵢ`` as SQL over the patient view. The numbers are never in the
        text: they are the DuckDB list variable that :meth:`bind` sets through a bound parameter, each term
        reading its own element (a constant, folded before any row is read)."""
        return " + ".join(
            f"getvariable('{MODEL_VARIABLE}')[{place}]" + ("" if sql is None else f" * ({sql})")
            for place, (sql, _) in enumerate(self._terms(), start=1)
        )

    def risk_sql(self) -> str:
        """The predicted chance of an emergency admission, ``1 / (1 + exp(−linear))``, as SQL (its numbers
        set by :meth:`bind` on the connection that runs it)."""
        return f"1.0 / (1.0 + exp(-({self.linear_sql()})))"

    def bind(self, con: duckdb.DuckDBPyConnection) -> None:
        """Set the model's numbers on ``con`` for :meth:`risk_sql`: one bound parameter, a list."""
        numbers = [number for _, number in self._terms()]
        con.execute(f"SET VARIABLE {MODEL_VARIABLE} = CAST(? AS DOUBLE[])", [numbers])

    def _terms(self) -> list[tuple[str | None, float]]:
        """The linear predictor as (SQL of a feature or None for the constant, its number), in the fewest
        operations per patient: the scoring of every patient is this sum.

        Multimorbidity, ``max(n − 1, 0)`` of the ``n`` conditions a patient has, is ``n − 1 + [n = 0]``, so
        its coefficient ``β_m`` joins each condition's own (``(βₖ + β_m)·conditionₖ``), the constant
        (``β₀ − β_m``) and one flag for "no condition" (``β_m·[none]``): the same sum, without counting the
        conditions (which took as long as the rest of the expression). The activity features,
        ``ln(1 + count)``, skip the logarithm where the count is 0 (most patients' for most measures:
        :func:`_scoring_sql`), the same value in a sixth less time for the whole expression. A feature that is
        a column scaled and shifted (age per 10 years, deprivation from the decile: :data:`SCALED_FEATURES`)
        takes its scale into its coefficient and its shift into the constant: one multiplication a patient
        instead of three or four operations (the same sum to rounding).
        """
        coefficients = self.coefficients
        multimorbidity = coefficients.get(MULTIMORBIDITY, 0.0)
        constant = self.intercept - multimorbidity
        terms: list[tuple[str | None, float]] = []
        for name, coefficient in coefficients.items():
            if name in SCALED_FEATURES:
                sql, scale, offset = SCALED_FEATURES[name]
                terms.append((sql, coefficient * scale))
                constant += coefficient * offset
            elif name != MULTIMORBIDITY and not (
                MULTIMORBIDITY in coefficients and name in CONDITION_FEATURES
            ):
                terms.append((_scoring_sql(name), coefficient))
        if MULTIMORBIDITY in coefficients:
            terms.extend(
                (FEATURES_BY_NAME[name].sql, coefficients.get(name, 0.0) + multimorbidity)
                for name in CONDITION_FEATURES
            )
            none = " OR ".join(CONDITION_FEATURES)
            terms.append((f"CAST(NOT ({none}) AS DOUBLE)", multimorbidity))
        return [(None, constant), *terms]


def _scoring_sql(name: str) -> str:
    """The feature's SQL for scoring: ``ln(1 + count)`` as ``0.0`` where the count is 0 (``ln(1) = 0``
    exactly, so the risk is the same to the last bit), the logarithm only for the others."""
    if name in ACTIVITY_FEATURES:
        count = ACTIVITY_FEATURES[name]
        return f"CASE WHEN {count} = 0 THEN 0.0 ELSE ln(1 + {count}) END"
    return FEATURES_BY_NAME[name].sql


MODEL_VARIABLE = "carebridge_model"
"""The DuckDB variable holding the bound model's numbers (a list: the constant, then each term's)."""
MULTIMORBIDITY = "conditions_after_first"
CONDITION_FEATURES = tuple(f"ltc_{condition}" for condition, _ in CONDITIONS)
ACTIVITY_FEATURES = {
    feature.name: feature.name.removeprefix("log_")
    for feature in FEATURES
    if feature.name.startswith("log_") and feature.sql == f"ln(1 + {feature.name.removeprefix('log_')})"
}
"""The ``ln(1 + count)`` features and their count's column."""
SCALED_FEATURES: dict[str, tuple[str, float, float]] = {
    "age_10y": ("age", 0.1, 0.0),
    "age_over_45_10y": ("greatest(age - 45, 0)", 0.1, 0.0),
    "age_over_75_10y": ("greatest(age - 75, 0)", 0.1, 0.0),
    "deprivation": ("imd_decile", -1 / 4.5, 5.5 / 4.5),
}
"""Features that are ``shift + scale × (SQL)``, as (SQL, scale, shift): the definitions of
:data:`~carebridge.strat.features.FEATURES`, which a test checks these against."""


def fit_model(
    con: duckdb.DuckDBPyConnection, relation: str, where: str = "TRUE", max_rows: int = MAX_FIT_ROWS
) -> RiskModel:
    """Fit the model on the rows of ``relation`` selected by ``where`` that have next year's counts.

    When there are more than ``max_rows`` such rows, a deterministic sample of about ``max_rows`` is taken by
    a hash of the patient key (the same rows every time, whatever the number of threads).
    """
    from sklearn.linear_model import LogisticRegression

    eligible = f"({where}) AND nel_next IS NOT NULL"
    count_row = con.execute(
        f"SELECT count(*), coalesce(sum({OUTCOME_SQL}), 0) FROM {relation} WHERE {eligible}"
    ).fetchone()
    available, admitted = (int(count_row[0]), int(count_row[1])) if count_row else (0, 0)
    if available < MIN_FIT_PATIENTS:
        raise FitError(
            f"{available:,} patient{'s' if available != 1 else ''} with next year's counts (nel_next) to fit "
            f"the model on; fitting needs at least {MIN_FIT_PATIENTS}: give a larger extract, or "
            "--coefficients FILE (a fitted or published model)"
        )
    if admitted in (0, available):
        every = "no patient had" if admitted == 0 else "every patient had"
        raise FitError(
            f"{every} an emergency admission in the next 12 months (of the {available:,} the model is "
            "fitted on), so no model can be fitted: it needs patients with and without one; check nel_next, "
            "or give --coefficients FILE (a fitted or published model)",
            column="nel_next",
        )
    per_million = min(1_000_000, int(np.ceil(1_000_000 * max_rows / available)))
    sample = f"(hash(CAST(patient_id AS VARCHAR) || '#fit') % 1000000) < {per_million}"
    selects = ", ".join(f"{feature.sql} AS {sql_name(feature.name)}" for feature in FEATURES)
    query = (
        f"SELECT {selects}, {OUTCOME_SQL} AS outcome FROM {relation} WHERE {eligible} AND {sample} "
        "ORDER BY patient_id"
    )
    data = con.execute(query).fetchnumpy()
    outcome = np.asarray(data.pop("outcome"), dtype=np.float64)
    names = [feature.name for feature in FEATURES]
    x = np.column_stack([np.asarray(data[name], dtype=np.float64) for name in names])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    used = scale > 0
    z = (x[:, used] - mean[used]) / scale[used]
    regression = LogisticRegression(C=PENALTY_C, max_iter=2000)
    regression.fit(z, outcome)
    slopes = regression.coef_[0] / scale[used]
    intercept = float(regression.intercept_[0] - np.sum(slopes * mean[used]))
    coefficients = {
        str(name): float(slope) for name, slope in zip(np.array(names)[used], slopes, strict=True)
    }
    dropped = [name for name, keep in zip(names, used, strict=True) if not keep]
    notes = [f"left out (the same for every patient in the sample): {', '.join(dropped)}"] if dropped else []
    return RiskModel(intercept, coefficients, "fitted", fitted_rows=int(outcome.size), notes=notes)


def model_document(model: RiskModel) -> dict[str, Any]:
    """The model as the coefficients file writes it."""
    return {
        "model": "logistic regression: one or more emergency admissions in the next 12 months",
        "source": model.source,
        "intercept": model.intercept,
        "coefficients": dict(model.coefficients),
    }


def save_model(model: RiskModel, path: Path) -> None:
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as stream:
        stream.write(
            "# A CareBridge risk model; use it again with: carebridge stratify DATA --coefficients FILE\n"
        )
        yaml.dump(model_document(model), stream)


def load_model(path: Path) -> RiskModel:
    """Read supplied coefficients: ``intercept`` and ``coefficients: {feature: value}``, within the limits
    of every YAML input (:func:`carebridge.scenario.loader.load_model`: size, nesting, aliases, digits),
    finite, at most one a feature, each a known feature and at most :data:`MAX_COEFFICIENT` in size; raise
    :class:`ModelFileError` with every problem, located."""
    loaded, _ = load_yaml_model(path, CoefficientsFile, ModelFileError, coefficient_problems)
    return RiskModel(
        float(loaded.intercept),
        {str(feature): float(value) for feature, value in loaded.coefficients.items()},
        f"coefficients from {path}",
    )
