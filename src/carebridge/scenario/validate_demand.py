"""Checks of the demand inputs (docs/demand.md): the population by age and sex, demographic rates, cohorts'
shares by year and headcounts, declared intersections of cohorts; and the warning for cohorts that could
overlap but declare no intersection."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from carebridge.scenario.errors import Path, Problem, did_you_mean, format_value
from carebridge.scenario.population import SEXES, band_problems, parse_band
from carebridge.scenario.schema import AvoidGrowth, Cohort, Reduce, Scenario
from carebridge.scenario.years import YearError, YearRange, parse_year

SHARE_TOLERANCE = 1e-9


def check_demand(scenario: Scenario) -> list[Problem]:
    """Every problem of the demand inputs of ``scenario``."""
    return [
        *_demography(scenario),
        *_rates(scenario),
        *_cohorts(scenario),
        *_overlaps(scenario),
    ]


def _span(scenario: Scenario) -> YearRange | None:
    try:
        return YearRange.from_labels(scenario.base_year, scenario.end_year)
    except YearError:
        return None


def _sex(path: Path, sex: str) -> Iterator[Problem]:
    if sex not in SEXES:
        yield Problem(
            path, f"'{sex}' is not a sex of the population; expected female or male{did_you_mean(sex, SEXES)}"
        )


def _year_in(path: Path, label: object, span: YearRange | None, anywhere: bool = False) -> Iterator[Problem]:
    try:
        if not isinstance(label, str):
            raise YearError(
                f"{format_value(label)} is not a financial year; expected YYYY/YY, like '2017/18'"
            )
        if anywhere or span is None:
            parse_year(label)
        else:
            span.index(label)
    except YearError as error:
        yield Problem(path, str(error))


def _demography(scenario: Scenario) -> Iterator[Problem]:
    demography = scenario.demography
    if demography is None:
        return
    path: Path = ("demography",)
    if (demography.file is None) == (demography.people is None):
        found = "both" if demography.file is not None else "neither"
        yield Problem(path, f"give a population file or the people inline (people), not {found}")
    if demography.areas is not None and demography.file is None:
        yield Problem((*path, "areas"), "areas choose rows of a population file; give file as well")
    span = _span(scenario)
    for sex, bands in (demography.people or {}).items():
        yield from _sex((*path, "people", sex), sex)
        yield from band_problems((*path, "people", sex), bands)
        for label, value in bands.items():
            where: Path = (*path, "people", sex, label)
            numbers = value.items() if isinstance(value, Mapping) else [(None, value)]
            for year, number in numbers:
                if year is not None:
                    yield from _year_in((*where, str(year)), year, span)
                if number < 0:
                    yield Problem(
                        where if year is None else (*where, str(year)), "a count of people cannot be negative"
                    )


def _rates(scenario: Scenario) -> Iterator[Problem]:
    people = scenario.demography.people if scenario.demography is not None else None
    for position, pod in enumerate(scenario.pods):
        rates = pod.activity.demographic_rates if pod.activity is not None else None
        if rates is None:
            continue
        path: Path = ("pods", position, "activity", "demographic_rates")
        if scenario.demography is None:
            yield Problem(
                path,
                "demographic_rates need a top-level demography section (a population by age and sex); "
                "none is given",
            )
        for sex, bands in rates.items():
            yield from _sex((*path, sex), sex)
            yield from band_problems((*path, sex), bands)
            for label, rate in bands.items():
                if rate < 0:
                    yield Problem(
                        (*path, sex, label),
                        f"activity per head cannot be negative; found {format_value(rate)}",
                    )
            if people is None or sex not in people:
                continue
            for label in bands:
                ages = parse_band(label)
                if ages is None:
                    continue
                for given in people[sex]:
                    inner = parse_band(given)
                    if inner is None:
                        continue
                    crosses = inner[0] <= ages[1] and ages[0] <= inner[1]
                    inside = ages[0] <= inner[0] and inner[1] <= ages[1]
                    if crosses and not inside:
                        yield Problem(
                            (*path, sex, label),
                            f"age band '{label}' cuts the population's band '{given}'; give rates by bands "
                            "the population's bands fit inside",
                        )


def _cohorts(scenario: Scenario) -> Iterator[Problem]:
    pods = {pod.id: pod for pod in scenario.pods}
    span = _span(scenario)
    for position, cohort in enumerate(scenario.cohorts):
        path: Path = ("cohorts", position)
        for pod_id, by_year in (cohort.share_by_year or {}).items():
            where: Path = (*path, "share_by_year", pod_id)
            if pod_id not in pods:
                yield Problem(where, f"'{pod_id}' is not a POD{did_you_mean(pod_id, pods)}")
            for year, share in by_year.items():
                yield from _year_in((*where, str(year)), year, span)
                if not 0 <= share <= 1:
                    yield Problem(
                        (*where, str(year)),
                        f"a cohort share must be between 0 and 1; found {format_value(share)}",
                    )
        if cohort.headcount is not None:
            yield from _headcount(path, cohort)
        elif cohort.rates is not None:
            yield Problem(
                (*path, "rates"), "rates (activity per head) need a headcount; give headcount as well"
            )
        for pod_id, rate in (cohort.rates or {}).items():
            where = (*path, "rates", pod_id)
            if pod_id not in pods:
                yield Problem(where, f"'{pod_id}' is not a POD{did_you_mean(pod_id, pods)}")
                continue
            if pod_id in cohort.shares:
                yield Problem(where, f"give POD '{pod_id}' a share or a rate per head, not both")
            if rate < 0:
                yield Problem(where, f"activity per head cannot be negative; found {format_value(rate)}")
            activity = pods[pod_id].activity
            if activity is None or activity.base <= 0:
                yield Problem(where, f"a rate per head needs POD '{pod_id}' to have base activity above 0")


def _headcount(path: Path, cohort: Cohort) -> Iterator[Problem]:
    headcount = cohort.headcount or {}
    if not headcount:
        yield Problem((*path, "headcount"), "give the cohort's people in at least one year")
    for year, people in headcount.items():
        yield from _year_in((*path, "headcount", str(year)), year, None, anywhere=True)
        if people <= 0:
            yield Problem(
                (*path, "headcount", str(year)), f"a headcount must be above 0; found {format_value(people)}"
            )


def _overlaps(scenario: Scenario) -> Iterator[Problem]:
    cohorts = {c.id: c for c in scenario.cohorts}
    pods = {pod.id for pod in scenario.pods}
    pod_names = {pod.id: pod.name for pod in scenario.pods}
    seen: dict[frozenset[str], int] = {}
    totals: dict[tuple[str, str], float] = {}
    for position, overlap in enumerate(scenario.cohort_overlaps):
        path: Path = ("cohort_overlaps", position)
        if len(overlap.cohorts) != 2 or overlap.cohorts[0] == overlap.cohorts[1]:
            yield Problem(
                (*path, "cohorts"),
                f"expected two different cohorts; found {len(overlap.cohorts)} "
                f"({', '.join(overlap.cohorts)})",
            )
            continue
        known = True
        for i, cohort_id in enumerate(overlap.cohorts):
            if cohort_id not in cohorts:
                known = False
                extra = (
                    " ('all' is everyone: it overlaps every cohort by definition)"
                    if cohort_id == "all"
                    else did_you_mean(cohort_id, cohorts)
                )
                yield Problem((*path, "cohorts", i), f"'{cohort_id}' is not a cohort{extra}")
        pair = frozenset(overlap.cohorts)
        if pair in seen:
            yield Problem(
                (*path, "cohorts"),
                f"cohorts '{overlap.cohorts[0]}' and '{overlap.cohorts[1]}' are already declared in "
                f"cohort_overlaps item {seen[pair] + 1}",
            )
            continue
        seen[pair] = position
        if not known:
            continue
        first, second = (cohorts[c] for c in overlap.cohorts)
        for pod_id, share in overlap.shares.items():
            where: Path = (*path, "shares", pod_id)
            if pod_id not in pods:
                yield Problem(where, f"'{pod_id}' is not a POD{did_you_mean(pod_id, pods)}")
                continue
            if not 0 <= share <= 1:
                yield Problem(
                    where, f"an intersection share must be between 0 and 1; found {format_value(share)}"
                )
                continue
            for cohort in (first, second):
                if pod_id in (cohort.rates or {}) or pod_id in (cohort.share_by_year or {}):
                    continue  # its share changes by year: the run checks every year
                own = cohort.shares.get(pod_id, 0.0)
                if share > own + SHARE_TOLERANCE:
                    yield Problem(
                        where,
                        f"the intersection ({format_value(share)} of POD '{pod_names[pod_id]}') is larger "
                        "than cohort "
                        f"'{cohort.name}''s share ({format_value(own)}); it cannot hold more than either "
                        "cohort",
                    )
                totals[(cohort.id, pod_id)] = totals.get((cohort.id, pod_id), 0.0) + share
                if totals[(cohort.id, pod_id)] > own + SHARE_TOLERANCE and share <= own + SHARE_TOLERANCE:
                    yield Problem(
                        where,
                        f"cohort '{cohort.name}''s intersections on POD '{pod_names[pod_id]}' add up to "
                        f"{format_value(totals[(cohort.id, pod_id)])}, more than its share "
                        f"({format_value(own)}); "
                        "intersections are pairwise and cannot share activity",
                    )


def warnings(scenario: Scenario) -> list[Problem]:
    """A warning for each pair of cohorts that schemes with fraction effects act on for the same POD, with
    no intersection declared for that POD: the run takes them as disjoint (docs/demand.md §5)."""
    acting: dict[tuple[str, str], tuple[int, int]] = {}
    for i, scheme in enumerate(scenario.schemes):
        if scheme.cohort == "all":
            continue
        for j, effect in enumerate(scheme.effects):
            if isinstance(effect, AvoidGrowth | Reduce):
                acting.setdefault((scheme.cohort, effect.pod), (i, j))
    declared = {(frozenset(o.cohorts), pod) for o in scenario.cohort_overlaps for pod in o.shares}
    names = {c.id: c.name for c in scenario.cohorts}
    pod_names = {p.id: p.name for p in scenario.pods}
    found: list[Problem] = []
    keys = list(acting)
    for a, (first, pod) in enumerate(keys):
        for second, other_pod in keys[a + 1 :]:
            if other_pod != pod or second == first or (frozenset((first, second)), pod) in declared:
                continue
            i, _ = acting[(second, pod)]
            found.append(
                Problem(
                    ("schemes", i, "cohort"),
                    f"cohorts '{names.get(first, first)}' and '{names.get(second, second)}' both have "
                    f"schemes on POD '{pod_names.get(pod, pod)}' but no declared intersection; they are "
                    "taken as disjoint — "
                    "declare cohort_overlaps (0 if they are)",
                )
            )
    return found
