"""Who lives in the synthetic borough: age, sex, neighbourhood, practice, deprivation, long-term conditions.

Pure functions of a numpy random generator, vectorised over a chunk of patients. The tables are those of an
English metropolitan borough (Stockport-like: about a fifth aged 65 and over) and of Stockport's Table 12:
the eight most prevalent conditions at their published counts (as shares of the population whose 27% with at
least one is 84,700, i.e. 313,700 people), rising with age.

Conditions are drawn through a Gaussian copula: condition ``k`` is present when
``ρ·z + √(1−ρ²)·ε_k > Φ⁻¹(1 − p_k(age band)) − δ_k·d``, where ``z`` is the patient's shared health burden,
``p_k`` the condition's prevalence in the age band, ``d`` the deprivation score (1 most deprived decile, −1
least) and ``δ_k`` its gradient. The shared ``z`` makes conditions cluster (multimorbidity); the marginal
prevalence by age band is ``p_k`` at average deprivation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

AGE_BANDS = (0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90)
"""Lower bounds of the 5-year age bands; the last is 90 and over."""
AGE_SHARES = np.array(
    [6.0, 6.3, 5.9, 5.4, 5.0, 5.8, 6.2, 6.1, 6.4, 7.3, 7.4, 6.6, 5.8, 6.0, 4.7, 3.7, 2.8, 1.7, 0.9]
)
"""Share of the population in each age band (per cent; a metropolitan borough, 19.7% aged 65+)."""
FEMALE_SHARES = np.array(
    [0.49, 0.49, 0.49, 0.49, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.51, 0.51, 0.52, 0.54, 0.57, 0.62, 0.7]
)
"""Share female in each age band."""

NEIGHBOURHOODS = (
    "Bramhall and Cheadle Hulme South",
    "Cheadle",
    "Heatons and Tame Valley",
    "Marple",
    "Stepping Hill and Victoria",
    "Stockport Central",
    "Stockport East and South",
    "Werneth",
)
"""Neighbourhood names (invented for the synthetic borough)."""
NEIGHBOURHOOD_SHARES = np.array([0.14, 0.13, 0.13, 0.12, 0.12, 0.12, 0.12, 0.12])
NEIGHBOURHOOD_AFFLUENCE = np.array([1.4, 0.8, -0.2, 0.9, -0.1, -1.3, -0.5, 0.3])
"""Mean shift of each neighbourhood's deprivation decile, in deciles / 2.3 (positive: less deprived)."""
NEIGHBOURHOOD_ADMISSION_EFFECT = np.array([-0.1, 0.01, 0.05, -0.03, 0.1, 0.07, -0.05, 0.02])
"""Log-multiplier of emergency admissions in each neighbourhood that need does not explain."""
PRACTICES_PER_NEIGHBOURHOOD = 5

TABLE12_COUNTS = {
    "hypertension": 44_745,
    "anxiety": 30_085,
    "depression": 29_100,
    "asthma": 20_545,
    "obesity": 20_050,
    "diabetes": 15_700,
    "chd": 12_230,
    "falls": 12_150,
}
"""Stockport Table 12: people with each of the eight most prevalent long-term conditions."""
TABLE12_POPULATION = 84_700 / 0.27
"""The population the counts are of: 84,700 people, 27%, have at least one of the eight."""

_SHAPES = {
    # relative prevalence by age band (0-4 … 90+); scaled so the population prevalence is Table 12's
    "hypertension": [0, 0, 0, 0.002, 0.006, 0.01, 0.02, 0.04, 0.07, 0.12, 0.19, 0.27, 0.36, 0.45,
                     0.53, 0.59, 0.63, 0.65, 0.65],
    "anxiety": [0.002, 0.004, 0.015, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.11, 0.13, 0.15, 0.17,
                0.19, 0.21, 0.23, 0.25, 0.27, 0.28],
    "depression": [0, 0.001, 0.008, 0.03, 0.05, 0.06, 0.07, 0.08, 0.09, 0.11, 0.13, 0.15, 0.17,
                   0.19, 0.21, 0.23, 0.25, 0.28, 0.3],
    "asthma": [0.024, 0.04, 0.05, 0.05, 0.05, 0.05, 0.05, 0.055, 0.06, 0.065, 0.07, 0.08, 0.09, 0.1,
               0.11, 0.12, 0.12, 0.12, 0.12],
    "obesity": [0, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.17,
                0.17, 0.16, 0.14, 0.12, 0.1],
    "diabetes": [0.0005, 0.001, 0.002, 0.004, 0.006, 0.01, 0.015, 0.025, 0.04, 0.06, 0.08, 0.1,
                 0.12, 0.14, 0.16, 0.17, 0.17, 0.16, 0.14],
    "chd": [0, 0, 0, 0, 0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.035, 0.055, 0.08, 0.11, 0.14, 0.18,
            0.21, 0.23, 0.24],
    "falls": [0.001, 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.013, 0.017, 0.022,
              0.03, 0.045, 0.07, 0.11, 0.17, 0.26, 0.36],
}  # fmt: skip
_OTHER_PREVALENCE = {
    # prevalence by age band of the conditions beyond Table 12 (typical English registers)
    "copd": [0, 0, 0, 0, 0, 0, 0, 0.002, 0.004, 0.008, 0.015, 0.025, 0.035, 0.05, 0.065, 0.075,
             0.08, 0.08, 0.075],
    "af": [0, 0, 0, 0, 0, 0, 0, 0, 0.003, 0.005, 0.008, 0.013, 0.02, 0.035, 0.055, 0.08, 0.11, 0.14,
           0.16],
    "dementia": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.001, 0.003, 0.007, 0.015, 0.035, 0.07, 0.13, 0.2],
    "heart_failure": [0, 0, 0, 0, 0, 0, 0, 0, 0.001, 0.002, 0.004, 0.007, 0.012, 0.02, 0.03, 0.045,
                      0.065, 0.09, 0.12],
    "ckd": [0, 0, 0, 0, 0.002, 0.003, 0.004, 0.006, 0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15,
            0.21, 0.27, 0.32, 0.36],
    "cancer": [0.001, 0.001, 0.001, 0.002, 0.003, 0.004, 0.006, 0.009, 0.013, 0.019, 0.027, 0.037,
               0.05, 0.065, 0.08, 0.095, 0.11, 0.12, 0.12],
}  # fmt: skip
DEPRIVATION_GRADIENT = {
    "hypertension": 0.12,
    "anxiety": 0.2,
    "depression": 0.25,
    "asthma": 0.15,
    "obesity": 0.3,
    "diabetes": 0.25,
    "chd": 0.25,
    "falls": 0.15,
    "copd": 0.4,
    "af": 0.05,
    "dementia": 0.1,
    "heart_failure": 0.25,
    "ckd": 0.15,
    "cancer": 0.05,
}
"""Shift of each condition's threshold (probit scale) from average to the most deprived decile."""
SHARED_LOADING = np.concatenate([np.full(11, 0.85), np.linspace(0.72, 0.15, 8)])
"""ρ by age band: how strongly conditions cluster in the same people (the copula's shared factor); young
people with conditions tend to have several, and nearly everyone old has at least one."""


def _band_weights() -> FloatArray:
    weights: FloatArray = AGE_SHARES / AGE_SHARES.sum()
    return weights


def _scaled(shape: list[float], target: float) -> FloatArray:
    """``shape`` scaled so its population-weighted mean is ``target`` (no band above 0.95)."""
    base = np.array(shape, dtype=float)
    low, high = 0.0, 50.0
    for _ in range(60):
        scale = (low + high) / 2
        mean = float(np.minimum(base * scale, 0.95) @ _band_weights())
        low, high = (scale, high) if mean < target else (low, scale)
    return np.minimum(base * (low + high) / 2, 0.95)


def condition_prevalence() -> dict[str, FloatArray]:
    """Prevalence of each condition by age band at average deprivation."""
    prevalence = {
        condition: _scaled(shape, TABLE12_COUNTS[condition] / TABLE12_POPULATION)
        for condition, shape in _SHAPES.items()
    }
    prevalence.update({condition: np.array(values) for condition, values in _OTHER_PREVALENCE.items()})
    return prevalence


PREVALENCE = condition_prevalence()
THRESHOLDS = {condition: ndtri(1 - np.clip(p, 1e-9, 1 - 1e-9)) for condition, p in PREVALENCE.items()}


@dataclass(frozen=True)
class People:
    """A chunk of synthetic patients' characteristics."""

    age: IntArray
    female: BoolArray
    neighbourhood: IntArray
    practice: IntArray
    imd_decile: IntArray
    deprivation: FloatArray
    """1 in the most deprived decile, −1 in the least."""
    conditions: dict[str, BoolArray]
    burden: FloatArray
    """The shared factor ``z`` of the conditions."""

    @property
    def age_band(self) -> IntArray:
        return np.minimum(self.age // 5, len(AGE_BANDS) - 1)


def draw_ages(rng: np.random.Generator, size: int) -> tuple[IntArray, BoolArray]:
    """Ages in whole years (uniform within a band; 90+ tails off to 105) and female flags."""
    band = rng.choice(len(AGE_BANDS), size=size, p=_band_weights())
    within = rng.integers(0, 5, size=size)
    tail = np.minimum(rng.geometric(1 / 3.5, size=size) - 1, 15)
    age = np.where(band == len(AGE_BANDS) - 1, 90 + tail, np.asarray(AGE_BANDS)[band] + within)
    female = rng.random(size) < FEMALE_SHARES[band]
    return age.astype(np.int64), female


def draw_places(rng: np.random.Generator, size: int) -> tuple[IntArray, IntArray, IntArray]:
    """Neighbourhood, practice (numbered across the borough) and deprivation decile (1 most deprived)."""
    neighbourhood = rng.choice(len(NEIGHBOURHOODS), size=size, p=NEIGHBOURHOOD_SHARES)
    practice = neighbourhood * PRACTICES_PER_NEIGHBOURHOOD + rng.integers(
        0, PRACTICES_PER_NEIGHBOURHOOD, size
    )
    decile = np.rint(5.5 + 2.3 * NEIGHBOURHOOD_AFFLUENCE[neighbourhood] + rng.normal(0, 2.2, size))
    return neighbourhood.astype(np.int64), practice.astype(np.int64), np.clip(decile, 1, 10).astype(np.int64)


def draw_conditions(
    rng: np.random.Generator, age_band: IntArray, deprivation: FloatArray
) -> tuple[dict[str, BoolArray], FloatArray]:
    """Each long-term condition's flag, and the shared burden ``z`` (see the module's formula)."""
    burden = rng.standard_normal(age_band.size)
    loading = SHARED_LOADING[age_band]
    shared = loading * burden
    own = np.sqrt(1 - loading**2)
    flags = {}
    for condition, thresholds in THRESHOLDS.items():
        liability = shared + own * rng.standard_normal(age_band.size)
        flags[condition] = liability > thresholds[age_band] - DEPRIVATION_GRADIENT[condition] * deprivation
    return flags, burden


def draw_people(rng: np.random.Generator, size: int) -> People:
    """A chunk of ``size`` synthetic patients."""
    age, female = draw_ages(rng, size)
    neighbourhood, practice, decile = draw_places(rng, size)
    deprivation = np.asarray((5.5 - decile) / 4.5, dtype=np.float64)
    band = np.minimum(age // 5, len(AGE_BANDS) - 1)
    conditions, burden = draw_conditions(rng, band, deprivation)
    return People(age, female, neighbourhood, practice, decile, deprivation, conditions, burden)
