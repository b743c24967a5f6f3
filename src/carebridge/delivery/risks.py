"""The risk register: risks scored likelihood × impact before and after mitigation, bands, a heat map.

A risk's **rating** is ``likelihood × impact``, each scored 1 to 5 (Stockport's Figure 2 scores its top four
risks this way, e.g. 4 × 5 = 20 before mitigation and 3 × 4 = 12 after). The rating falls in a **band**; the
default bands are those of the NHS 5 × 5 risk matrix (NPSA, *A risk matrix for risk managers*, 2008):

==========  =========
band        ratings
==========  =========
low         1 – 3
moderate    4 – 6
high        8 – 12
extreme     15 – 25
==========  =========

A register may set its own bands: together they must hold every rating a 5 × 5 matrix can give, once each.
A risk whose review date is before the day asked about is **overdue**. The **heat map** counts risks in each
cell of the 5 × 5 matrix, before or after mitigation; :mod:`carebridge.report.delivery_png` draws it as a PNG
(matplotlib, Agg) and :mod:`carebridge.report.delivery_page` as an accessible HTML table (every cell says its
count and band in words, not only in colour).

:func:`load_risk_register` reads a register with the one loader of every YAML input
(:func:`carebridge.scenario.loader.load_model`).
"""

from __future__ import annotations

import datetime as dt
import pathlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from carebridge.scenario.errors import Path, Problem, RiskRegisterError, did_you_mean
from carebridge.scenario.loader import load_model

SCORES = range(1, 6)
"""Likelihood and impact are each scored 1 (rare, negligible) to 5 (almost certain, catastrophic)."""

Stage = Literal["before", "after"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


Score = Annotated[int, Field(ge=1, le=5)]


class RiskScore(Model):
    """Likelihood and impact, each 1 to 5."""

    likelihood: Score = Field(description="1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain.")
    impact: Score = Field(description="1 negligible, 2 minor, 3 moderate, 4 major, 5 catastrophic.")

    @property
    def rating(self) -> int:
        """``likelihood × impact``, 1 to 25."""
        return self.likelihood * self.impact


class FinancialImpact(Model):
    """A risk's financial impact, £'000, on one organisation's position in the years it applies: best,
    likely and worst case, a cost positive (``carebridge simulate --risks`` draws it, triangular)."""

    org: str = Field(description="Id of the organisation whose position the risk hits.")
    years: list[str] = Field(description="The financial years it applies in, e.g. `[2018/19, 2019/20]`.")
    best: Annotated[float, Field(strict=False)] = Field(description="Best case, £'000.")
    likely: Annotated[float, Field(strict=False)] = Field(description="Likely case, £'000.")
    worst: Annotated[float, Field(strict=False)] = Field(description="Worst case, £'000.")


class Risk(Model):
    """One risk on the register."""

    id: str = Field(description="Short id, e.g. `R1`.")
    title: str = Field(description="A few words naming the risk.")
    description: str
    owner: str = Field(description="Who owns the risk (a person, role or board).")
    schemes: list[str] = Field(default_factory=list, description="Ids of the schemes the risk threatens.")
    before: RiskScore = Field(description="Likelihood and impact before mitigation.")
    after: RiskScore | None = Field(None, description="Likelihood and impact after mitigation.")
    mitigations: list[str] = Field(default_factory=list)
    review_date: Annotated[dt.date, Field(strict=False)] | None = Field(None, description="Next review.")
    source: str | None = Field(None, description="Where the risk and its scores come from.")
    financial: FinancialImpact | None = Field(
        None, description="Its pounds: best, likely and worst case on an organisation's position."
    )

    def score(self, stage: Stage) -> RiskScore | None:
        """The score before or after mitigation (``None`` after, when no post-mitigation score is given)."""
        return self.before if stage == "before" else self.after


class RatingBand(Model):
    """A band of ratings, ``low`` to ``high`` inclusive, and the colour it is drawn in."""

    name: str
    low: Annotated[int, Field(ge=1, le=25)]
    high: Annotated[int, Field(ge=1, le=25)]
    colour: str = Field(description="A CSS colour, light enough for black text, e.g. `#c6efce`.")


DEFAULT_BANDS: tuple[RatingBand, ...] = (
    RatingBand(name="low", low=1, high=3, colour="#c6efce"),
    RatingBand(name="moderate", low=4, high=6, colour="#ffeb9c"),
    RatingBand(name="high", low=8, high=12, colour="#f8cbad"),
    RatingBand(name="extreme", low=15, high=25, colour="#ff8f8f"),
)


class RiskRegister(Model):
    """A register of risks and the bands their ratings fall in."""

    name: str
    source: str | None = None
    bands: list[RatingBand] = Field(default_factory=lambda: list(DEFAULT_BANDS))
    risks: list[Risk]


# --- ratings, bands and review dates ---------------------------------------------------------------------

ACHIEVABLE_RATINGS = tuple(sorted({likelihood * impact for likelihood in SCORES for impact in SCORES}))
"""The ratings a 5 × 5 matrix can give: 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25."""


def band_of(rating: int, bands: Sequence[RatingBand] = DEFAULT_BANDS) -> RatingBand:
    """The band whose ``low ≤ rating ≤ high`` (``ValueError`` when none holds it)."""
    for band in bands:
        if band.low <= rating <= band.high:
            return band
    raise ValueError(f"no band holds the rating {rating}")


def band_problems(bands: Sequence[RatingBand], path: Path = ("bands",)) -> list[Problem]:
    """Bands that run backwards, and achievable ratings held by no band or by more than one."""
    problems = [
        Problem((*path, index), f"the band runs from {band.low} down to {band.high}; expected low ≤ high")
        for index, band in enumerate(bands)
        if band.low > band.high
    ]
    for rating in ACHIEVABLE_RATINGS:
        holders = [band.name for band in bands if band.low <= rating <= band.high]
        if not holders:
            problems.append(Problem(path, f"no band holds the rating {rating}; every rating 1–25 needs one"))
        elif len(holders) > 1:
            message = f"the rating {rating} is in more than one band ({', '.join(holders)}); expected one"
            problems.append(Problem(path, message))
    return problems


def is_overdue(risk: Risk, today: dt.date) -> bool:
    """A risk is overdue for review when its review date is before ``today``."""
    return risk.review_date is not None and risk.review_date < today


def overdue_risks(risks: Iterable[Risk], today: dt.date) -> list[Risk]:
    """The risks overdue for review on ``today``, in register order."""
    return [risk for risk in risks if is_overdue(risk, today)]


def scheme_problems(register: RiskRegister, plan: str, schemes: Sequence[str]) -> list[Problem]:
    """A linked scheme that is not one of ``schemes`` (the schemes of plan ``plan``), with a suggestion
    only for a near miss."""
    listed = ", ".join(schemes[:MAX_SCHEMES_LISTED])
    if len(schemes) > MAX_SCHEMES_LISTED:
        listed += f" (and {len(schemes) - MAX_SCHEMES_LISTED} more)"
    expected = f"one of: {listed}" if schemes else "no scheme (it has none)"
    return [
        Problem(
            ("risks", index, "schemes", place),
            f"'{scheme}' is not a scheme of plan '{plan}'{did_you_mean(scheme, schemes)}; "
            f"expected {expected}",
        )
        for index, risk in enumerate(register.risks)
        for place, scheme in enumerate(risk.schemes)
        if scheme not in schemes
    ]


MAX_SCHEMES_LISTED = 10


def register_problems(register: RiskRegister) -> list[Problem]:
    """Problems a valid shape can still have: bad bands, repeated ids, a rating that mitigation raises."""
    problems = band_problems(register.bands)
    seen: set[str] = set()
    for index, risk in enumerate(register.risks):
        if risk.id in seen:
            problems.append(Problem(("risks", index, "id"), f"the id '{risk.id}' is used by an earlier risk"))
        seen.add(risk.id)
        if risk.after is not None and risk.after.rating > risk.before.rating:
            message = (
                f"the rating after mitigation ({risk.after.rating}) is above the rating before "
                f"({risk.before.rating}); mitigation should not raise a risk"
            )
            problems.append(Problem(("risks", index, "after"), message))
    return problems


# --- the heat map ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatMap:
    """How many risks sit in each cell of the 5 × 5 matrix: ``counts[likelihood − 1][impact − 1]``."""

    stage: Stage
    counts: tuple[tuple[int, ...], ...]

    def count(self, likelihood: int, impact: int) -> int:
        return self.counts[likelihood - 1][impact - 1]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.counts)


def heat_map(risks: Iterable[Risk], stage: Stage = "before") -> HeatMap:
    """Count the risks in each likelihood × impact cell, scored ``before`` or ``after`` mitigation.

    A risk with no post-mitigation score is left out of the ``after`` map.
    """
    counts = [[0] * len(SCORES) for _ in SCORES]
    for risk in risks:
        score = risk.score(stage)
        if score is not None:
            counts[score.likelihood - 1][score.impact - 1] += 1
    return HeatMap(stage, tuple(tuple(row) for row in counts))


# --- loading ---------------------------------------------------------------------------------------------


def load_risk_register(path: str | pathlib.Path) -> RiskRegister:
    """Read a risk register (YAML); raise :class:`RiskRegisterError` listing every problem, located."""
    return load_model(path, RiskRegister, RiskRegisterError, register_problems)[0]
