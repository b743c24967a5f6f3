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
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from carebridge.scenario.errors import did_you_mean
from carebridge.strat.features import FEATURES, FEATURES_BY_NAME, OUTCOME_SQL
from carebridge.strat.source import sql_name

MAX_FIT_ROWS = 200_000
PENALTY_C = 1e6


class ModelFileError(Exception):
    """A coefficients file that cannot be used; the message says where and what was expected."""


@dataclass(frozen=True)
class RiskModel:
    """A logistic regression: intercept and a coefficient for each feature used (features' own scale)."""

    intercept: float
    coefficients: dict[str, float]
    source: str
    fitted_rows: int | None = None
    notes: list[str] = field(default_factory=list)

    def linear_sql(self) -> str:
        """The linear predictor ``β₀ + Σ βᵢ·xᵢ`` as SQL over the patient view."""
        terms = [f"{self.intercept!r}"]
        terms.extend(
            f"({coefficient!r}) * ({FEATURES_BY_NAME[name].sql})"
            for name, coefficient in self.coefficients.items()
        )
        return " + ".join(terms)

    def risk_sql(self) -> str:
        """The predicted chance of an emergency admission, ``1 / (1 + exp(−linear))``, as SQL."""
        return f"1.0 / (1.0 + exp(-({self.linear_sql()})))"


def fit_model(
    con: duckdb.DuckDBPyConnection, relation: str, where: str = "TRUE", max_rows: int = MAX_FIT_ROWS
) -> RiskModel:
    """Fit the model on the rows of ``relation`` selected by ``where`` that have next year's counts.

    When there are more than ``max_rows`` such rows, a deterministic sample of about ``max_rows`` is taken by
    a hash of the patient key (the same rows every time, whatever the number of threads).
    """
    from sklearn.linear_model import LogisticRegression

    eligible = f"({where}) AND nel_next IS NOT NULL"
    count_row = con.execute(f"SELECT count(*) FROM {relation} WHERE {eligible}").fetchone()
    available = int(count_row[0]) if count_row else 0
    if available == 0:
        raise ValueError("no patients with next year's counts to fit the model on")
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
    """Read supplied coefficients: ``intercept`` and ``coefficients: {feature: value}``."""
    name = str(path)
    try:
        data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ModelFileError(f"{name}: cannot be read: {error.strerror or error}") from None
    except YAMLError as error:
        raise ModelFileError(f"{name}: is not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ModelFileError(f"{name}: expected a map with 'intercept' and 'coefficients'")
    problems = []
    intercept = data.get("intercept")
    if isinstance(intercept, bool) or not isinstance(intercept, int | float):
        problems.append(f"{name}: intercept: expected a number, found {intercept!r}")
    coefficients = data.get("coefficients")
    if not isinstance(coefficients, dict) or not coefficients:
        problems.append(f"{name}: coefficients: expected a map from feature name to number")
        coefficients = {}
    for feature, value in coefficients.items():
        if feature not in FEATURES_BY_NAME:
            hint = did_you_mean(str(feature), FEATURES_BY_NAME)
            problems.append(
                f"{name}: coefficients.{feature}: not a feature{hint}; "
                "the features are listed in docs/patient-data.md"
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{name}: coefficients.{feature}: expected a number, found {value!r}")
    if problems:
        raise ModelFileError("\n".join(problems))
    assert isinstance(intercept, int | float)
    return RiskModel(
        float(intercept),
        {str(feature): float(value) for feature, value in coefficients.items()},
        f"coefficients from {name}",
    )
