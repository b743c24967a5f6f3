"""Distributions written in place of numbers: their parameters, central value, quantiles and checks.

Wherever a scenario takes a number — a scalar, or the value of one year in a map — it may instead take a map
with a ``dist`` key::

    fraction: {dist: triangular, low: 0.1, mode: 0.2, high: 0.3}
    price: {2017/18: {dist: pert, low: 88, mode: 92, high: 101}, 2018/19: 92.5}

A deterministic run uses each distribution's **central value**: the mode of a triangular or PERT
distribution, the mean otherwise (a bounded normal: its ``mean`` parameter; a choice: the weighted mean of its
values). A Monte Carlo run draws each one (:meth:`Distribution.ppf` of a uniform draw).

=============  ==========================  ===============================================================
``dist``       parameters                  quantile ``x(u)``, ``u`` uniform on (0, 1)
=============  ==========================  ===============================================================
triangular     low a, mode c, high b       ``a + √(u (b−a)(c−a))`` for ``u < (c−a)/(b−a)``, else
                                           ``b − √((1−u)(b−a)(b−c))``
pert           low, mode, high, shape s=4  ``a + (b−a) · I⁻¹(α, β; u)``, ``α = 1 + s(c−a)/(b−a)``,
                                           ``β = 1 + s(b−c)/(b−a)`` (the beta-PERT; mean ``(a+sc+b)/(s+2)``)
normal         mean μ, sd σ, [low, high]   ``μ + σ Φ⁻¹(Φ(α) + u (Φ(β) − Φ(α)))``, ``α = (low−μ)/σ``,
                                           ``β = (high−μ)/σ`` (truncated at the bounds given)
lognormal      mean m, sd s (of the value) ``exp(μ + σ Φ⁻¹(u))``, ``σ² = ln(1 + s²/m²)``, ``μ = ln m − σ²/2``
uniform        low a, high b               ``a + u (b − a)``
choice         values, [weights]           the first value whose cumulative weight exceeds ``u``
=============  ==========================  ===============================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.errors import Path, Problem, did_you_mean, format_value

Floats: TypeAlias = npt.NDArray[np.float64]

DIST_KEY = "dist"
UNBOUNDED_RANGE = (0.001, 0.999)
"""The quantiles that bound the range of a distribution with an unbounded side (normal, lognormal)."""


class _Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def central(self) -> float:
        """The value a deterministic run uses."""
        raise NotImplementedError

    def mean(self) -> float:
        raise NotImplementedError

    def variance(self) -> float:
        raise NotImplementedError

    def ppf(self, u: Floats) -> Floats:
        """The quantile function: the value below which a share ``u`` of draws fall."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float]:
        """The range of the distribution: its support, or the 0.1% and 99.9% quantiles where unbounded."""
        low, high = self.ppf(np.array(UNBOUNDED_RANGE))
        return float(low), float(high)

    def quantile(self, p: float) -> float:
        return float(self.ppf(np.array([p]))[0])


class Triangular(_Distribution):
    """Triangular: lowest, most likely and highest value."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    def central(self) -> float:
        return self.mode

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def variance(self) -> float:
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def ppf(self, u: Floats) -> Floats:
        a, c, b = self.low, self.mode, self.high
        width = b - a
        if width <= 0:
            return np.full(np.shape(u), a)
        below = u < (c - a) / width
        left = a + np.sqrt(u * width * (c - a))
        right = b - np.sqrt((1 - u) * width * (b - c))
        return np.where(below, left, right)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Pert(_Distribution):
    """Beta-PERT: lowest, most likely and highest value; ``shape`` weights the mode (4 by convention)."""

    dist: Literal["pert"]
    low: float
    mode: float
    high: float
    shape: float = 4.0

    def _alpha_beta(self) -> tuple[float, float]:
        width = self.high - self.low
        alpha = 1 + self.shape * (self.mode - self.low) / width
        beta = 1 + self.shape * (self.high - self.mode) / width
        return alpha, beta

    def central(self) -> float:
        return self.mode

    def mean(self) -> float:
        return (self.low + self.shape * self.mode + self.high) / (self.shape + 2)

    def variance(self) -> float:
        if self.high <= self.low:
            return 0.0
        alpha, beta = self._alpha_beta()
        width = self.high - self.low
        return width * width * alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))

    def ppf(self, u: Floats) -> Floats:
        if self.high <= self.low:
            return np.full(np.shape(u), self.low)
        from scipy import special  # on first use: a plan with no distribution never starts SciPy

        alpha, beta = self._alpha_beta()
        return np.asarray(self.low + (self.high - self.low) * special.betaincinv(alpha, beta, u))

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Normal(_Distribution):
    """Normal with mean and standard deviation, truncated at ``low`` and ``high`` when given."""

    dist: Literal["normal"]
    mean_: float = Field(alias="mean")
    sd: float
    low: float | None = None
    high: float | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True)

    def _cdf_range(self) -> tuple[float, float]:
        from scipy import special  # on first use: a plan with no distribution never starts SciPy

        lower = 0.0 if self.low is None else float(special.ndtr((self.low - self.mean_) / self.sd))
        upper = 1.0 if self.high is None else float(special.ndtr((self.high - self.mean_) / self.sd))
        return lower, upper

    def central(self) -> float:
        return self.mean_

    def mean(self) -> float:
        if self.sd == 0 or (self.low is None and self.high is None):
            return self.mean_
        lower, upper = self._cdf_range()
        a = -math.inf if self.low is None else (self.low - self.mean_) / self.sd
        b = math.inf if self.high is None else (self.high - self.mean_) / self.sd
        return self.mean_ + self.sd * (_pdf(a) - _pdf(b)) / (upper - lower)

    def variance(self) -> float:
        if self.sd == 0:
            return 0.0
        if self.low is None and self.high is None:
            return self.sd * self.sd
        lower, upper = self._cdf_range()
        a = -math.inf if self.low is None else (self.low - self.mean_) / self.sd
        b = math.inf if self.high is None else (self.high - self.mean_) / self.sd
        mass = upper - lower
        shift = (_pdf(a) - _pdf(b)) / mass
        spread = (_times_pdf(a) - _times_pdf(b)) / mass
        return self.sd * self.sd * (1 + spread - shift * shift)

    def ppf(self, u: Floats) -> Floats:
        if self.sd == 0:
            return np.full(np.shape(u), self.mean_)
        from scipy import special  # on first use: a plan with no distribution never starts SciPy

        lower, upper = self._cdf_range()
        values = self.mean_ + self.sd * special.ndtri(lower + u * (upper - lower))
        if self.low is None and self.high is None:
            return np.asarray(values, dtype=np.float64)
        return np.asarray(np.clip(values, self.low, self.high), dtype=np.float64)

    def bounds(self) -> tuple[float, float]:
        low, high = super().bounds()
        return (low if self.low is None else self.low), (high if self.high is None else self.high)


class Lognormal(_Distribution):
    """Lognormal given by the mean and standard deviation of the value itself (not of its logarithm)."""

    dist: Literal["lognormal"]
    mean_: float = Field(alias="mean")
    sd: float

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True)

    def _log_parameters(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - sigma2 / 2, math.sqrt(sigma2)

    def central(self) -> float:
        return self.mean_

    def mean(self) -> float:
        return self.mean_

    def variance(self) -> float:
        return self.sd * self.sd

    def ppf(self, u: Floats) -> Floats:
        mu, sigma = self._log_parameters()
        from scipy import special  # on first use: a plan with no distribution never starts SciPy

        return np.asarray(np.exp(mu + sigma * special.ndtri(u)))

    def bounds(self) -> tuple[float, float]:
        return 0.0, super().bounds()[1]


class Uniform(_Distribution):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float
    high: float

    def central(self) -> float:
        return (self.low + self.high) / 2

    def mean(self) -> float:
        return self.central()

    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12

    def ppf(self, u: Floats) -> Floats:
        return self.low + u * (self.high - self.low)

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Choice(_Distribution):
    """One of a list of values, with weights (equal when not given)."""

    dist: Literal["choice"]
    values: list[float]
    weights: list[float] | None = None

    def _probabilities(self) -> Floats:
        weights = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights, float)
        return np.asarray(weights / weights.sum())

    def central(self) -> float:
        return self.mean()

    def mean(self) -> float:
        return float(np.dot(self._probabilities(), self.values))

    def variance(self) -> float:
        return float(np.dot(self._probabilities(), (np.asarray(self.values) - self.mean()) ** 2))

    def ppf(self, u: Floats) -> Floats:
        cumulative = np.cumsum(self._probabilities())
        index = np.minimum(np.searchsorted(cumulative, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[index]

    def bounds(self) -> tuple[float, float]:
        return min(self.values), max(self.values)


Distribution = Annotated[
    Triangular | Pert | Normal | Lognormal | Uniform | Choice, Field(discriminator="dist")
]
AnyDistribution: TypeAlias = Triangular | Pert | Normal | Lognormal | Uniform | Choice


def _pdf(z: float) -> float:
    return 0.0 if math.isinf(z) else math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _times_pdf(z: float) -> float:
    return 0.0 if math.isinf(z) else z * _pdf(z)


# --- reading a distribution written in a file -------------------------------------------------------------

PARAMETERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "triangular": (("low", "mode", "high"), ()),
    "pert": (("low", "mode", "high"), ("shape",)),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("mean", "sd"), ()),
    "uniform": (("low", "high"), ()),
    "choice": (("values",), ("weights",)),
}
"""Each distribution's required and optional parameters."""

_MODELS: dict[str, type[AnyDistribution]] = {
    "triangular": Triangular,
    "pert": Pert,
    "normal": Normal,
    "lognormal": Lognormal,
    "uniform": Uniform,
    "choice": Choice,
}


def is_distribution(value: object) -> bool:
    """Whether ``value`` is written as a distribution: a map with a ``dist`` key."""
    return isinstance(value, Mapping) and DIST_KEY in value


def parse_distribution(raw: Mapping[Any, Any], path: Path) -> tuple[AnyDistribution | None, list[Problem]]:
    """The distribution written as ``raw`` at ``path``, or None with every problem found in it."""
    name = raw.get(DIST_KEY)
    if not isinstance(name, str):
        return None, [
            Problem(
                (*path, DIST_KEY),
                f"expected the name of a distribution, like 'triangular'; found {format_value(name)}",
            )
        ]
    if name not in PARAMETERS:
        hint = did_you_mean(name, PARAMETERS) or "; expected one of " + ", ".join(
            f"'{known}'" for known in PARAMETERS
        )
        return None, [Problem((*path, DIST_KEY), f"'{name}' is not a distribution{hint}")]
    required, optional = PARAMETERS[name]
    problems = _parameter_problems(raw, path, name, required, optional)
    if problems:
        return None, problems
    parameters = {str(key): value for key, value in raw.items() if key != DIST_KEY}
    problems = _meaning_problems(name, parameters, path)
    if problems:
        return None, problems
    model = _MODELS[name]
    return model.model_validate({DIST_KEY: name, **parameters}), []


def _parameter_problems(
    raw: Mapping[Any, Any], path: Path, name: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[Problem]:
    problems: list[Problem] = []
    allowed = (*required, *optional)
    missing = [key for key in required if key not in raw]
    if missing:
        needs = _and(list(required))
        what = _and(missing)
        verb = "is" if len(missing) == 1 else "are"
        problems.append(Problem(path, f"a {name} distribution needs {needs}; {what} {verb} missing"))
    for key, value in raw.items():
        if key == DIST_KEY:
            continue
        if key not in allowed:
            hint = did_you_mean(str(key), allowed) or f"; expected {_and(list(allowed), 'or')}"
            problems.append(
                Problem((*path, str(key)), f"'{key}' is not a parameter of a {name} distribution{hint}")
            )
        elif key in ("values", "weights"):
            problems.extend(_list_problems((*path, key), key, value))
        elif not _is_number(value):
            problems.append(
                Problem((*path, str(key)), f"{key} must be a number; found {format_value(value)}")
            )
    return problems


def _list_problems(path: Path, key: str, value: object) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [
            Problem(path, f"{key} must be a list of numbers, like [0.9, 1.0]; found {format_value(value)}")
        ]
    return [
        Problem((*path, i), f"{key} must be numbers; found {format_value(item)}")
        for i, item in enumerate(value)
        if not _is_number(item)
    ]


def _meaning_problems(name: str, p: Mapping[str, Any], path: Path) -> list[Problem]:
    problems: list[Problem] = []
    if name in ("triangular", "pert"):
        if p["mode"] < p["low"]:
            found = f"{format_value(p['mode'])} is below low {format_value(p['low'])}"
            problems.append(Problem((*path, "mode"), f"mode {found}; expected low ≤ mode ≤ high"))
        if p["mode"] > p["high"]:
            found = f"{format_value(p['mode'])} is above high {format_value(p['high'])}"
            problems.append(Problem((*path, "mode"), f"mode {found}; expected low ≤ mode ≤ high"))
        if name == "pert" and p.get("shape", 4.0) <= 0:
            problems.append(Problem((*path, "shape"), f"shape must be positive; found {p['shape']}"))
    if name in ("normal", "lognormal") and p["sd"] < 0:
        problems.append(Problem((*path, "sd"), f"sd must be zero or more; found {format_value(p['sd'])}"))
    if name == "normal":
        problems.extend(_normal_bounds(p, path))
    if name == "lognormal" and p["mean"] <= 0:
        message = f"a lognormal mean must be positive (its values are); found {format_value(p['mean'])}"
        problems.append(Problem((*path, "mean"), message))
    if name == "uniform" and p["low"] > p["high"]:
        found = f"{format_value(p['low'])} is above high {format_value(p['high'])}"
        problems.append(Problem((*path, "low"), f"low {found}; expected low ≤ high"))
    if name == "choice":
        problems.extend(_weights(p, path))
    return problems


def _normal_bounds(p: Mapping[str, Any], path: Path) -> list[Problem]:
    low, high, mean = p.get("low"), p.get("high"), p["mean"]
    if low is not None and high is not None and low >= high:
        found = f"{format_value(low)} is not below high {format_value(high)}"
        return [Problem((*path, "low"), f"low {found}; expected low < high")]
    if (low is not None and mean < low) or (high is not None and mean > high):
        return [Problem((*path, "mean"), f"mean {format_value(mean)} lies outside low and high")]
    return []


def _weights(p: Mapping[str, Any], path: Path) -> list[Problem]:
    weights = p.get("weights")
    if weights is None:
        return []
    if len(weights) != len(p["values"]):
        message = f"give one weight per value: {len(p['values'])} values, {len(weights)} weights"
        return [Problem((*path, "weights"), message)]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        return [Problem((*path, "weights"), "weights must be zero or more, and not all zero")]
    return []


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _and(names: list[str], word: str = "and") -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"
