"""How much care the synthetic patients use: a true risk for each, and two years of counts drawn from it.

The formulas (pure numpy, vectorised over a chunk):

- **Frailty** (electronic frailty index) for people aged 65 and over, 90% of whom have one recorded:
  ``deficits ~ Poisson(0.5 + 1.6·conditions + 2·falls + 1.5·dementia + 0.12·(age − 65))``,
  ``eFI = deficits/36``.
- **Care home** (65 and over): ``logit p = −5.6 + 0.11·(age − 65) + 1.8·dementia + 0.7·falls``.
- **Need** ``s`` = age terms + a weight for each condition + 0.15 a condition after the first + 2·eFI +
  0.8·care home + 0.25·deprivation + 0.3·(shared burden) + an unobserved part ~ N(0, 0.7). Its normal score
  within the chunk (the rank turned into a standard normal quantile) is the **risk index** ``η ~ N(0, 1)``.
- **Expected activity** of POD ``p``: ``μ_p = rate_p · exp(b_p·σ·η − (b_p·σ)²/2 + e_p − v²/2)``, with
  ``e_p ~ N(0, v²)`` the person's own propensity for the POD (``v = 0.3``; none for emergency admissions) and,
  for emergency admissions, the neighbourhood's unexplained effect. Because ``η`` is standard normal, the top
  ``q`` of people by ``η`` hold ``Φ(b_p·σ − Φ⁻¹(1 − q))`` of the POD's expected activity: with
  ``σ = 1.842`` the top 15% hold 79% of emergency admissions (``b = 1``), 50% of A&E (``b = 0.5625``), 51%
  of first (``b = 0.576``) and 70% of follow-up outpatient appointments (``b = 0.847``) — Stockport's shares.
- **Each year's count** ``~ Poisson(μ_p · g)``, ``g ~ Gamma(2, 1/2)`` a person's ups and downs that year.
  **Ambulatory-care-sensitive** admissions are a binomial share of emergency admissions,
  ``p = clip(0.12 + 0.085·(ACS conditions) + 0.03·η, 0.03, 0.8)``.
- **Cost** = Σ count × unit price (emergency admissions vary in length: × ``exp(0.4·ε − 0.08)``).
- **True risk** of an emergency admission next year: ``1 − (1 + μ_nel/2)⁻²`` (the Gamma–Poisson chance of one
  or more).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from carebridge.strat.population import (
    NEIGHBOURHOOD_ADMISSION_EFFECT,
    BoolArray,
    FloatArray,
    IntArray,
    People,
)

RATES = {"ae": 0.33, "nel": 0.17, "el": 0.13, "op_first": 0.34, "op_fu": 0.86, "gp": 5.0}
"""Activity per head per year (A&E attendances, emergency and elective admissions, outpatient first and
follow-up appointments, GP contacts)."""
CONCENTRATION = {"nel": 1.0, "ae": 0.5625, "op_first": 0.576, "op_fu": 0.847, "el": 0.494, "gp": 0.353}
"""``b_p``: how closely each POD follows the risk index."""
SIGMA = 1.842
"""``σ``: spread of the log expected emergency admissions."""
OWN_PROPENSITY = 0.3
YEAR_SHAPE = 2.0
PRICES = {"ae": 160.0, "nel": 2000.0, "el": 1350.0, "op_first": 180.0, "op_fu": 110.0, "gp": 35.0}
"""Unit prices, £, for the cost columns."""
CONDITION_WEIGHTS = {
    "heart_failure": 0.9,
    "copd": 0.8,
    "dementia": 0.6,
    "cancer": 0.6,
    "falls": 0.6,
    "chd": 0.4,
    "ckd": 0.35,
    "af": 0.35,
    "diabetes": 0.35,
    "asthma": 0.3,
    "depression": 0.25,
    "anxiety": 0.2,
    "obesity": 0.15,
    "hypertension": 0.1,
}
ACS_CONDITIONS = ("copd", "asthma", "heart_failure", "diabetes", "chd", "af", "dementia", "hypertension")
"""Conditions whose admissions are often sensitive to ambulatory care."""


@dataclass(frozen=True)
class Frailty:
    efi: FloatArray
    """Electronic frailty index, NaN where not recorded."""
    care_home: BoolArray


@dataclass(frozen=True)
class Risk:
    index: FloatArray
    """``η``, standard normal."""
    expected: dict[str, FloatArray]
    """``μ_p`` by POD."""
    true_risk: FloatArray


def condition_count(people: People) -> IntArray:
    total: IntArray = np.sum(list(people.conditions.values()), axis=0).astype(np.int64)
    return total


def draw_frailty(rng: np.random.Generator, people: People) -> Frailty:
    """Frailty index and care-home residence (see the module's formulas)."""
    c = people.conditions
    older = np.maximum(people.age - 65, 0)
    deficits = rng.poisson(
        0.5 + 1.6 * condition_count(people) + 2 * c["falls"] + 1.5 * c["dementia"] + 0.12 * older
    )
    recorded = (people.age >= 65) & (rng.random(people.age.size) < 0.9)
    efi = np.where(recorded, np.minimum(deficits / 36, 1.0), np.nan)
    logit = -5.6 + 0.11 * older + 1.8 * c["dementia"] + 0.7 * c["falls"]
    care_home = (people.age >= 65) & (rng.random(people.age.size) < 1 / (1 + np.exp(-logit)))
    return Frailty(efi, care_home)


def need(rng: np.random.Generator, people: People, frailty: Frailty) -> FloatArray:
    """``s``: the need behind the risk index (see the module's formula)."""
    age = people.age
    score = 0.6 * (age < 2) + 0.025 * np.maximum(age - 45, 0) + 0.02 * np.maximum(age - 75, 0)
    for condition, weight in CONDITION_WEIGHTS.items():
        score = score + weight * people.conditions[condition]
    score = score + 0.15 * np.maximum(condition_count(people) - 1, 0)
    score = score + 2 * np.nan_to_num(frailty.efi) + 0.8 * frailty.care_home + 0.25 * people.deprivation
    return np.asarray(score + 0.3 * people.burden + rng.normal(0, 0.7, age.size), dtype=np.float64)


def normal_scores(values: FloatArray) -> FloatArray:
    """Each value's rank turned into a standard normal quantile: ``Φ⁻¹((rank + ½)/n)``."""
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[np.argsort(values, kind="stable")] = np.arange(values.size)
    return np.asarray(ndtri((ranks + 0.5) / values.size), dtype=np.float64)


def draw_risk(rng: np.random.Generator, people: People, frailty: Frailty) -> Risk:
    """The risk index, each POD's expected activity and the true risk of an emergency admission."""
    index = normal_scores(need(rng, people, frailty))
    expected = {}
    for pod, rate in RATES.items():
        spread = CONCENTRATION[pod] * SIGMA
        log_mu = np.log(rate) + spread * index - spread**2 / 2
        if pod == "nel":
            log_mu = log_mu + NEIGHBOURHOOD_ADMISSION_EFFECT[people.neighbourhood]
        else:
            log_mu = log_mu + rng.normal(0, OWN_PROPENSITY, index.size) - OWN_PROPENSITY**2 / 2
        expected[pod] = np.exp(log_mu)
    true_risk = 1 - (1 + expected["nel"] / YEAR_SHAPE) ** -YEAR_SHAPE
    return Risk(index, expected, true_risk)


def draw_year(rng: np.random.Generator, people: People, risk: Risk) -> dict[str, FloatArray]:
    """One year's counts by POD, the ambulatory-care-sensitive admissions and the cost (all as floats)."""
    size = risk.index.size
    counts: dict[str, FloatArray] = {}
    for pod, mu in risk.expected.items():
        ups_and_downs = rng.gamma(YEAR_SHAPE, 1 / YEAR_SHAPE, size)
        counts[pod] = rng.poisson(mu * ups_and_downs).astype(np.float64)
    acs_conditions = np.sum([people.conditions[c] for c in ACS_CONDITIONS], axis=0)
    acs_share = np.clip(0.12 + 0.085 * acs_conditions + 0.03 * risk.index, 0.03, 0.8)
    counts["nel_acs"] = rng.binomial(counts["nel"].astype(np.int64), acs_share).astype(np.float64)
    length = np.exp(0.4 * rng.standard_normal(size) - 0.08)
    cost = (
        sum(PRICES[pod] * counts[pod] for pod in PRICES if pod != "nel")
        + PRICES["nel"] * counts["nel"] * length
    )
    counts["cost"] = np.asarray(np.round(np.asarray(cost, dtype=np.float64), 2), dtype=np.float64)
    return counts
