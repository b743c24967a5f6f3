"""A plain implementation of the engine's arithmetic, the yardstick of ``benchmarks/engine.py`` (issue 20).

Not part of the product: the same arithmetic as :func:`carebridge.engine.run` for what it covers, written
with lists and dicts (no numpy, no xarray), so that the engine's time can be judged against the time the
arithmetic itself takes in Python. ``benchmarks/engine.py`` times both on the Stockport example in the same
process and prints the ratio; ``tests/benchmarks/test_plain_engine.py`` checks that both give the same
figures to 1e-6.

What it covers (model spec sections 3–7), starting from the validated :class:`Scenario` each run, as the
engine does (nothing is kept between runs):

- **do-nothing activity** (section 3): a trajectory (held after its last year, the base before its first),
  or growth rates compounded on the base, with the non-demographic part multiplying;
- **scheme effects** (section 4): ``avoid_growth`` and ``reduce`` (basis ``base`` or ``do_nothing``) on a
  cohort's share, with the **overlap rule** (positive fractions of one kind on one cohort, POD and year
  combine as ``1 − Π(1 − f)``, attributed in proportion; increases add), ``absolute`` (reduction or avoided
  growth), ``direct_saving`` (released or immediate), each times the scheme's ``delivery``; a
  ``length_of_stay`` effect's money (docs/effects.md §2: bed days saved on do-something spells, overlap rule
  within a cohort, at its ``bed_day_price`` or the price spread over the stay), its fraction given by value
  or by a formula of parameters, ``activity.<pod>`` and ``price.<pod>`` (``+ − × / **``, ``min``, ``max``,
  ``abs``); the do-something activity and the deflection; a POD taken below zero is an error;
- **savings** (section 5): tariff basis and cost release (avoided growth and immediate direct savings at once;
  reductions and other direct savings through the POD's variable / semi-fixed / fixed shares and lags), by
  scheme, year, POD, source, basis and provider (the provider split);
- **investment, funding and the statement** (section 6): scheme investment (recurrent held, non-recurrent
  one-off), the programme's investment lines by label, funding, the savings line from
  ``statement.savings_from``, the totals and the net, on both bases; the scheme summary (investment, benefit,
  net);
- **positions and the bridge** (section 7): do-nothing gaps as given, plan lines given by year (held, or
  one-off when non-recurrent) or ``from_schemes``, each organisation's and the system's do-something;
- **capacity**: bed days and beds of each bed base (the do-something's stay shortened by the length-of-stay
  effects), WTE of each staff group, do-nothing and do-something.

What it leaves out, and the engine does in the same run (``carebridge.engine.run``): the money between the
partners (spec section 13: contracts, flows, positions from the schemes, their checks), the labels the results
carry (names, units, sectors) and the checks for non-finite values. On Stockport that is the contract
CCG–SFT. Under cProfile (6 December 2026) they are about a tenth of the engine's Stockport run (the flows 2%,
the labels 8%, the finite check under 1%): the ratio engine / plain compares the engine's whole run with this
arithmetic alone, that much in the plain version's favour, and this file must stay at least as complete as
it is (each item above is done in full every run, nothing cached between runs).

Features a scenario may use that this version does not implement raise :class:`NotImplementedError` naming
them (Stockport uses none): shifts, ``absolute`` effects given as formulas, cohorts whose shares change over
the years or overlap (docs/demand.md §4–5), population and demographic growth, workforce groups (agency,
staff per bed), finance forecasts, plan lines given as formulas or allocated, and the formula functions
``cumulative``, ``lag``, ``growth``, ``change`` and ``base``.

Signs are those of :class:`carebridge.engine.results.Results`: activity removed, savings and funding are
negative; gaps and investment positive. Money in £'000.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from carebridge.scenario.schema import Scenario

SYSTEM = "system"
SOURCES = ("avoided_growth", "reduction", "direct")
BASES = ("tariff", "cost")
FRACTION_KINDS = ("avoid_growth", "reduce_base", "reduce_do_nothing")
ALL = "all"
TOLERANCE = 1e-6

Series = list[float]


@dataclass(frozen=True)
class PlainResults:
    """What the plain arithmetic gives, keyed by the engine's ids, each value a list by year."""

    years: list[str]
    do_nothing: dict[str, Series]
    """POD (with activity) → do-nothing activity."""
    avoided_growth: dict[str, Series]
    """POD → avoided growth, negative (activity removed)."""
    reduction: dict[str, Series]
    """POD → reductions, negative."""
    do_something: dict[str, Series]
    savings: dict[tuple[str, str, str, str, str], Series]
    """(scheme, pod, source, basis, provider) → saving, negative, £'000."""
    benefit: dict[tuple[str, str], Series]
    """(scheme, basis) → the scheme's saving, negative (Stockport Table 5)."""
    investment: dict[str, Series]
    """Scheme → recurrent plus non-recurrent investment."""
    statement: dict[tuple[str, str], Series]
    """(basis, line) → the statement's line: investment lines by label, ``total_investment``, each funding
    source by name, ``savings``, ``total_funding``, ``net``."""
    positions: dict[tuple[str, str], Series]
    """(line, org) → position: ``do_nothing``, each plan line, ``do_something``; org includes ``system``."""
    capacity: dict[tuple[str, str, str], Series]
    """(``bed_days``, ``beds`` or ``wte``; case; bed base or staff group) → what the activity needs."""


# ---- years ------------------------------------------------------------------------------------------------


def year_labels(base_year: str, end_year: str) -> list[str]:
    start, end = int(base_year[:4]), int(end_year[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(start, end + 1)]


def expand(years: list[str], value: Any, fill: str = "held") -> Series:
    """One number per year from a scalar or a map of years (model spec section 1): ``held`` (0 before the
    first year given, then the latest given), ``one_off`` (0 where the map omits a year) or ``price`` (held,
    and the first value also held back to the base year)."""
    n = len(years)
    if value is None:
        return [0.0] * n
    if not isinstance(value, Mapping):
        return [float(value)] * n
    given = {years.index(str(label)): float(number) for label, number in value.items()}
    out = [0.0] * n
    if fill == "one_off":
        for index, number in given.items():
            out[index] = number
        return out
    current: float | None = None
    if fill == "price" and given:
        current = given[min(given)]
    for t in range(n):
        if t in given:
            current = given[t]
        out[t] = 0.0 if current is None else current
    return out


# ---- formulas ---------------------------------------------------------------------------------------------


def evaluate(formula: str, names: Mapping[str, Series], n: int) -> Series:
    """A formula's value by year over ``names`` (each a series by year): numbers, names and dotted names,
    ``+ − * / **``, unary minus, ``min``, ``max``, ``abs``."""
    binary: dict[type, Callable[[float, float], float]] = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a**b,
    }

    def walk(node: ast.AST) -> Series:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return [float(node.value)] * n
        if isinstance(node, ast.Name | ast.Attribute):
            name = ast.unparse(node)
            if name not in names:
                raise NotImplementedError(f"the plain engine knows no name '{name}'")
            return names[name]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = walk(node.operand)
            return [-x for x in inner] if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in binary:
            op = binary[type(node.op)]
            return [op(a, b) for a, b in zip(walk(node.left), walk(node.right), strict=True)]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [walk(arg) for arg in node.args]
            if node.func.id in ("min", "max"):
                pick = min if node.func.id == "min" else max
                return [pick(values) for values in zip(*args, strict=True)]
            if node.func.id == "abs":
                return [abs(x) for x in args[0]]
            raise NotImplementedError(f"the plain engine has no formula function '{node.func.id}'")
        raise NotImplementedError(f"the plain engine cannot evaluate '{ast.unparse(node)}'")

    return walk(ast.parse(formula, mode="eval"))


# ---- the run ----------------------------------------------------------------------------------------------


def _unsupported(scenario: Scenario) -> None:
    """Raise NotImplementedError naming the first feature of the scenario this version leaves out."""
    if scenario.cohort_overlaps or any(c.share_by_year or c.headcount is not None for c in scenario.cohorts):
        raise NotImplementedError("cohorts whose shares change over the years or overlap")
    for pod in scenario.pods:
        spec = pod.activity
        if spec is not None and (spec.demographic_rates or spec.population_rates):
            raise NotImplementedError(f"population or demographic growth (POD '{pod.id}')")
    for scheme in scenario.schemes:
        for effect in scheme.effects:
            if effect.kind == "shift" or (effect.kind == "absolute" and effect.formula):
                raise NotImplementedError(f"a {effect.kind} effect given as a shift or formula ({scheme.id})")
    if scenario.workforce:
        raise NotImplementedError("workforce groups (agency, per bed)")
    if any(o.finance is not None for o in scenario.organisations):
        raise NotImplementedError("finance forecasts of the do-nothing gap")
    for line in scenario.positions.plan_lines:
        if line.formula is not None or line.allocation is not None:
            raise NotImplementedError(f"plan line '{line.id}' given as a formula or allocated")


def run(scenario: Scenario) -> PlainResults:
    """The arithmetic of model spec sections 3–7 on a validated scenario, in plain Python."""
    _unsupported(scenario)
    years = year_labels(scenario.base_year, scenario.end_year)
    n = len(years)
    pods = [pod.id for pod in scenario.pods]
    base, do_nothing = _do_nothing(scenario, years)
    share = {ALL: dict.fromkeys(pods, 1.0)}
    for cohort in scenario.cohorts:
        share[cohort.id] = {p: float(cohort.shares.get(p, 0.0)) for p in pods}
    cohort_of = {scheme.id: scheme.cohort for scheme in scenario.schemes}
    effects = _effects(scenario, years)
    avoided, reduced = _moved(effects, base, do_nothing, share, cohort_of, n)
    removed = {p: [0.0] * n for p in pods}
    for table in (avoided, reduced):
        for (_, pod_id), series in table.items():
            for t in range(n):
                removed[pod_id][t] += series[t]
    do_something = {p: [do_nothing[p][t] - removed[p][t] for t in range(n)] for p in pods}
    for p in pods:
        for t in range(n):
            if do_something[p][t] < -TOLERANCE * max(1.0, abs(do_nothing[p][t])):
                raise ValueError(f"the schemes take POD '{p}' below zero in {years[t]}")
    price = _prices(scenario, years)
    stay_money, stay_fall = _length_of_stay(
        scenario, effects.stays, years, do_nothing, do_something, price, share, cohort_of
    )
    capacity = _capacity(scenario, years, do_nothing, do_something, stay_fall)
    savings, benefit = _savings(scenario, years, effects, avoided, reduced, stay_money, price)
    investment, statement = _statement(scenario, years, benefit)
    positions = _positions(scenario, years, benefit, investment)

    with_activity = [pod.id for pod in scenario.pods if pod.activity is not None]
    removed_avoided = {p: [0.0] * n for p in with_activity}
    removed_reduced = {p: [0.0] * n for p in with_activity}
    for table, into in ((avoided, removed_avoided), (reduced, removed_reduced)):
        for (_, pod_id), series in table.items():
            if pod_id in into:
                for t in range(n):
                    into[pod_id][t] -= series[t]
    return PlainResults(
        years=years,
        do_nothing={p: do_nothing[p] for p in with_activity},
        avoided_growth=removed_avoided,
        reduction=removed_reduced,
        do_something={p: do_something[p] for p in with_activity},
        savings=savings,
        benefit=benefit,
        investment=investment,
        statement=statement,
        positions=positions,
        capacity=capacity,
    )


def _capacity(
    scenario: Scenario,
    years: list[str],
    do_nothing: Mapping[str, Series],
    do_something: Mapping[str, Series],
    stay_fall: Mapping[str, Series],
) -> dict[tuple[str, str, str], Series]:
    """Beds and workforce (model spec section 12's capacity): ``bed days = Σ_p activity · LOS`` (the
    do-something's length of stay times ``1 − Λ``), ``beds = bed days / (days open × occupancy)``,
    ``WTE = Σ_p activity · WTE per unit``; by (measure, case, bed base or staff group)."""
    n = len(years)
    pods = [pod.id for pod in scenario.pods if pod.activity is not None]
    cases = {"do_nothing": do_nothing, "do_something": do_something}
    found: dict[tuple[str, str, str], Series] = {}
    for bed in scenario.capacity.beds:
        stays = {p: expand(years, days) for p, days in bed.length_of_stay.items() if p in pods}
        for case, activity in cases.items():
            days = [0.0] * n
            for p, stay in stays.items():
                fall = stay_fall.get(p) if case == "do_something" else None
                for t in range(n):
                    factor = 1 - fall[t] if fall is not None else 1.0
                    days[t] += activity[p][t] * stay[t] * factor
            found[("bed_days", case, bed.id)] = days
            found[("beds", case, bed.id)] = [d / (bed.days * bed.occupancy) for d in days]
    for group in scenario.capacity.workforce:
        rates = {p: expand(years, rate) for p, rate in group.per_unit.items() if p in pods}
        for case, activity in cases.items():
            found[("wte", case, group.id)] = [
                sum(activity[p][t] * rate[t] for p, rate in rates.items()) for t in range(n)
            ]
    return found


def _do_nothing(scenario: Scenario, years: list[str]) -> tuple[dict[str, float], dict[str, Series]]:
    """Section 3: each POD's base and do-nothing activity (0 for a POD without activity)."""
    n = len(years)
    base: dict[str, float] = {}
    do_nothing: dict[str, Series] = {}
    for pod in scenario.pods:
        spec = pod.activity
        if spec is None:
            base[pod.id], do_nothing[pod.id] = 0.0, [0.0] * n
            continue
        base[pod.id] = float(spec.base)
        if spec.trajectory is not None:
            do_nothing[pod.id] = expand(years, {years[0]: spec.base, **spec.trajectory})
            continue
        rate = expand(years, spec.growth)
        if spec.non_demographic_growth is not None:
            other = expand(years, spec.non_demographic_growth)
            rate = [(1 + g) * (1 + h) - 1 for g, h in zip(rate, other, strict=True)]
        do_nothing[pod.id] = compounded(float(spec.base), rate)
    return base, do_nothing


def compounded(start: float, rate: Series) -> Series:
    """``x[t] = start · Π_{τ=1..t} (1 + rate[τ])``."""
    level, path = start, []
    for t, r in enumerate(rate):
        level = level * (1 + r) if t > 0 else level
        path.append(level)
    return path


Cells = dict[tuple[str, str], Series]
"""(scheme, POD) → a series by year."""


@dataclass(frozen=True)
class Effects:
    """Section 4's effects by kind, each by (scheme, POD) and year, times the scheme's delivery."""

    fractions: dict[str, Cells]
    absolute_avoided: Cells
    absolute_reduction: Cells
    direct_released: Cells
    direct_immediate: Cells
    stays: list[tuple[str, str, Any]]
    """(scheme, POD, the length-of-stay effect)."""


def _add(table: Cells, key: tuple[str, str], series: Series) -> None:
    held = table.setdefault(key, [0.0] * len(series))
    for t, x in enumerate(series):
        held[t] += x


def _effects(scenario: Scenario, years: list[str]) -> Effects:
    effects = Effects({kind: {} for kind in FRACTION_KINDS}, {}, {}, {}, {}, [])
    for scheme in scenario.schemes:
        delivery = float(scheme.delivery)
        for effect in scheme.effects:
            key = (scheme.id, effect.pod)
            table: Cells
            value: Any
            if effect.kind == "length_of_stay":
                effects.stays.append((scheme.id, effect.pod, effect))
                continue
            if effect.kind == "avoid_growth":
                table, value = effects.fractions["avoid_growth"], effect.fraction
            elif effect.kind == "reduce":
                table, value = effects.fractions[f"reduce_{effect.basis}"], effect.fraction
            elif effect.kind == "absolute":
                grows = effect.counts_as == "avoided_growth"
                table = effects.absolute_avoided if grows else effects.absolute_reduction
                value = effect.activity
            elif effect.kind == "direct_saving":
                at_once = effect.release == "immediate"
                table = effects.direct_immediate if at_once else effects.direct_released
                value = effect.saving
            else:
                raise NotImplementedError(f"a {effect.kind} effect")
            _add(table, key, [delivery * x for x in expand(years, value)])
    return effects


def _moved(
    effects: Effects,
    base: Mapping[str, float],
    do_nothing: Mapping[str, Series],
    share: Mapping[str, Mapping[str, float]],
    cohort_of: Mapping[str, str],
    n: int,
) -> tuple[Cells, Cells]:
    """Section 4: activity each scheme removes, avoided growth and reductions, by (scheme, POD); the overlap
    rule on fractions. Raises ValueError where schemes remove more than a cohort's share of a POD."""
    avoided = {key: list(series) for key, series in effects.absolute_avoided.items()}
    reduced = {key: list(series) for key, series in effects.absolute_reduction.items()}
    cohort_removed: Cells = {}
    for kind in FRACTION_KINDS:
        if not effects.fractions[kind]:
            continue
        target = avoided if kind == "avoid_growth" else reduced
        for (scheme_id, pod_id), fraction in combine(effects.fractions[kind], cohort_of, n).items():
            on = share[cohort_of[scheme_id]][pod_id]
            if kind == "avoid_growth":
                basis = [max(a - base[pod_id], 0.0) for a in do_nothing[pod_id]]
            elif kind == "reduce_base":
                basis = [base[pod_id]] * n
            else:
                basis = do_nothing[pod_id]
            amount = [fraction[t] * on * basis[t] for t in range(n)]
            _add(target, (scheme_id, pod_id), amount)
            _add(cohort_removed, (cohort_of[scheme_id], pod_id), amount)
    for (cohort_id, pod_id), amount in cohort_removed.items():
        for t in range(n):
            holds = share[cohort_id][pod_id] * do_nothing[pod_id][t]
            if amount[t] - holds > TOLERANCE * max(1.0, abs(holds)):
                raise ValueError(f"the schemes remove more of POD '{pod_id}' than cohort '{cohort_id}' holds")
    return avoided, reduced


def _prices(scenario: Scenario, years: list[str]) -> dict[str, Series]:
    """Section 5: unit prices by year, £ (a base price with an uplift, or by year, held back to the base)."""
    price: dict[str, Series] = {}
    for pod in scenario.pods:
        given: Any = pod.price
        if given is None:
            price[pod.id] = [0.0] * len(years)
        elif hasattr(given, "uplift"):
            price[pod.id] = compounded(float(given.base), expand(years, given.uplift))
        else:
            price[pod.id] = expand(years, given, "price")
    return price


def released(series: Series, profile: Series) -> Series:
    """``SC[t] = Σ_{τ ≤ t} δ[τ] · w[t − τ]`` with ``δ[t] = S[t] − S[t − 1]`` and ``w`` the release profile."""
    n = len(series)
    delta = [series[t] - (series[t - 1] if t else 0.0) for t in range(n)]
    return [sum(delta[tau] * profile[t - tau] for tau in range(t + 1)) for t in range(n)]


def _savings(
    scenario: Scenario,
    years: list[str],
    effects: Effects,
    avoided: Cells,
    reduced: Cells,
    stay_money: Cells,
    price: Mapping[str, Series],
) -> tuple[dict[tuple[str, str, str, str, str], Series], dict[tuple[str, str], Series]]:
    """Section 5: savings by (scheme, POD, source, basis, provider), negative, and each scheme's by basis."""
    n = len(years)
    release: dict[str, Series] = {}
    for pod in scenario.pods:
        structure, profile = pod.cost_release, [0.0] * n
        for component in ("variable", "semi_fixed", "fixed"):
            for d in range(getattr(structure.lags, component), n):
                profile[d] += getattr(structure, component)
        release[pod.id] = profile
    at_once = [1.0] * n
    named = {org for pod in scenario.pods for org in pod.providers}
    providers = [o.id for o in scenario.organisations if o.id in named]
    providers += ["other"] if "other" in named else []
    split = {pod.id: {o: float(pod.providers.get(o, 0.0)) for o in providers} for pod in scenario.pods}

    # each part's tariff saving, its source and its release: (source, tariff, profile or at once)
    parts: dict[tuple[str, str], list[tuple[str, Series, Series]]] = {}
    for (scheme_id, pod_id), series in avoided.items():
        tariff = [series[t] * price[pod_id][t] / 1000 for t in range(n)]
        parts.setdefault((scheme_id, pod_id), []).append(("avoided_growth", tariff, at_once))
    for (scheme_id, pod_id), series in reduced.items():
        tariff = [series[t] * price[pod_id][t] / 1000 for t in range(n)]
        parts.setdefault((scheme_id, pod_id), []).append(("reduction", tariff, release[pod_id]))
    for key, money in stay_money.items():
        parts.setdefault(key, []).append(("reduction", money, release[key[1]]))
    for key, series in effects.direct_released.items():
        parts.setdefault(key, []).append(("direct", series, release[key[1]]))
    for key, series in effects.direct_immediate.items():
        parts.setdefault(key, []).append(("direct", series, at_once))

    savings: dict[tuple[str, str, str, str, str], Series] = {}
    benefit = {(scheme.id, basis): [0.0] * n for scheme in scenario.schemes for basis in BASES}
    for (scheme_id, pod_id), found in parts.items():
        for source, tariff, profile in found:
            for basis, amounts in (("tariff", tariff), ("cost", released(tariff, profile))):
                total = benefit[(scheme_id, basis)]
                for provider, part in split[pod_id].items():
                    cell = savings.setdefault((scheme_id, pod_id, source, basis, provider), [0.0] * n)
                    for t in range(n):
                        cell[t] -= amounts[t] * part
                        total[t] -= amounts[t] * part
    return savings, benefit


def _statement(
    scenario: Scenario, years: list[str], benefit: Mapping[tuple[str, str], Series]
) -> tuple[dict[str, Series], dict[tuple[str, str], Series]]:
    """Section 6: each scheme's investment, and the investment and funding statement on both bases."""
    n = len(years)
    investment: dict[str, Series] = {}
    scheme_line: dict[str, str | None] = {}
    for scheme in scenario.schemes:
        spent = scheme.investment
        recurrent = expand(years, spent.recurrent if spent else None)
        one_off = expand(years, spent.non_recurrent if spent else None, "one_off")
        investment[scheme.id] = [a + b for a, b in zip(recurrent, one_off, strict=True)]
        scheme_line[scheme.id] = None if spent is None else (spent.line or "Scheme investment")
    lines: dict[str, Series] = {}
    for item in scenario.investments:
        amount = expand(years, item.amount, "one_off" if item.kind == "non_recurrent" else "held")
        label = item.line or item.name
        lines[label] = [a + b for a, b in zip(lines.get(label, [0.0] * n), amount, strict=True)]
    for scheme_id, line_label in scheme_line.items():
        if line_label is not None:
            added = investment[scheme_id]
            lines[line_label] = [a + b for a, b in zip(lines.get(line_label, [0.0] * n), added, strict=True)]
    window = [1.0] * n
    if scenario.statement.savings_from:
        for t in range(years.index(scenario.statement.savings_from)):
            window[t] = 0.0
    funding = {
        source.name: [
            -x for x in expand(years, source.amount, "one_off" if source.kind == "non_recurrent" else "held")
        ]
        for source in scenario.funding
    }
    schemes = [scheme.id for scheme in scenario.schemes]
    statement: dict[tuple[str, str], Series] = {}
    for basis in BASES:
        saving = [window[t] * sum(benefit[(k, basis)][t] for k in schemes) for t in range(n)]
        invested = [sum(series[t] for series in lines.values()) for t in range(n)]
        funded = [sum(series[t] for series in funding.values()) + saving[t] for t in range(n)]
        for label, series in lines.items():
            statement[(basis, label)] = series
        statement[(basis, "total_investment")] = invested
        for name, series in funding.items():
            statement[(basis, name)] = series
        statement[(basis, "savings")] = saving
        statement[(basis, "total_funding")] = funded
        statement[(basis, "net")] = [invested[t] + funded[t] for t in range(n)]
    return investment, statement


def _positions(
    scenario: Scenario,
    years: list[str],
    benefit: Mapping[tuple[str, str], Series],
    investment: Mapping[str, Series],
) -> dict[tuple[str, str], Series]:
    """Section 7: do-nothing gaps, plan lines and do-something positions of each organisation and the
    system (the bridge is the system's column)."""
    n = len(years)
    orgs = [org.id for org in scenario.organisations]
    positions: dict[tuple[str, str], Series] = {}
    gaps = {o: expand(years, scenario.positions.do_nothing.get(o)) for o in orgs}
    gaps[SYSTEM] = [sum(gaps[o][t] for o in orgs) for t in range(n)]
    something = {holder: list(gap) for holder, gap in gaps.items()}
    for holder, gap in gaps.items():
        positions[("do_nothing", holder)] = gap
    for line in scenario.positions.plan_lines:
        if line.from_schemes is not None:
            spec = line.from_schemes
            value = [0.0] * n
            for k in spec.schemes or [scheme.id for scheme in scenario.schemes]:
                saved, spent = benefit[(k, spec.basis)], investment[k]
                for t in range(n):
                    if spec.measure == "savings":
                        value[t] += saved[t]
                    elif spec.measure == "investment":
                        value[t] += spent[t]
                    else:
                        value[t] += spent[t] + saved[t]
        else:
            value = expand(years, line.value, "one_off" if line.non_recurrent else "held")
        for holder in [*orgs, SYSTEM]:
            mine = holder == SYSTEM or holder == line.org
            positions[(line.id, holder)] = list(value) if mine else [0.0] * n
            if mine:
                for t in range(n):
                    something[holder][t] += value[t]
    for holder, series in something.items():
        positions[("do_something", holder)] = series
    return positions


def combine(
    fractions: Mapping[tuple[str, str], Series], cohort_of: Mapping[str, str], n: int
) -> dict[tuple[str, str], Series]:
    """The overlap rule on fractions of one kind, (scheme, POD) → fraction by year: positive fractions of
    schemes on one cohort, POD and year combine as ``1 − Π(1 − f)``, and each scheme gets the combined
    fraction in proportion to its own; negative fractions (increases) add."""
    groups: dict[tuple[str, str], list[tuple[str, Series]]] = {}
    for (scheme_id, pod), series in fractions.items():
        groups.setdefault((cohort_of[scheme_id], pod), []).append((scheme_id, series))
    own: dict[tuple[str, str], Series] = {}
    for (_, pod), members in groups.items():
        for scheme_id, _ in members:
            own[(scheme_id, pod)] = [0.0] * n
        for t in range(n):
            positive = [max(series[t], 0.0) for _, series in members]
            total = sum(positive)
            kept = 1.0
            for f in positive:
                kept *= 1 - f
            combined = 1 - kept
            for (scheme_id, series), f in zip(members, positive, strict=True):
                part = combined * f / total if total > 0 else 0.0
                own[(scheme_id, pod)][t] = part + min(series[t], 0.0)
    return own


def _length_of_stay(
    scenario: Scenario,
    stays: list[tuple[str, str, Any]],
    years: list[str],
    do_nothing: Mapping[str, Series],
    do_something: Mapping[str, Series],
    price: Mapping[str, Series],
    share: Mapping[str, Mapping[str, float]],
    cohort_of: Mapping[str, str],
) -> tuple[dict[tuple[str, str], Series], dict[str, Series]]:
    """(scheme, POD) → the money (£'000, tariff basis) of the bed days each scheme's length-of-stay effects
    save on do-something spells: ``λ' · cs · AS · L · V / 1000`` with ``λ'`` by the overlap rule, ``L`` the
    bed days per spell over the bed bases and ``V`` the bed-day price (or ``P / L``); and POD → the fall in
    bed days per spell ``Λ = Σ_c λ_c · cs[c]`` (the overlap rule within a cohort)."""
    if not stays:
        return {}, {}
    n = len(years)
    names: dict[str, Series] = {}
    for name, parameter in scenario.parameters.items():
        names[str(name)] = expand(years, getattr(parameter, "value", parameter))
    for pod in scenario.pods:
        if pod.activity is not None:
            names[f"activity.{pod.id}"] = list(do_nothing[pod.id])
        names[f"price.{pod.id}"] = list(price[pod.id])
    delivery = {scheme.id: float(scheme.delivery) for scheme in scenario.schemes}
    stay = {pod_id: [0.0] * n for pod_id in do_nothing}
    for bed in scenario.capacity.beds:
        for pod_id, days in bed.length_of_stay.items():
            if pod_id in stay:
                stay[pod_id] = [a + b for a, b in zip(stay[pod_id], expand(years, days), strict=True)]
    fraction: dict[tuple[str, str], Series] = {}
    value: dict[tuple[str, str], Series] = {}
    for scheme_id, pod_id, effect in stays:
        if effect.formula is not None:
            series = evaluate(effect.formula, names, n)
        else:
            series = expand(years, effect.fraction)
        cell = fraction.setdefault((scheme_id, pod_id), [0.0] * n)
        worth = value.setdefault((scheme_id, pod_id), [0.0] * n)
        if effect.bed_day_price is not None:
            priced = expand(years, effect.bed_day_price)
        else:
            priced = [p / s if s > 0 else 0.0 for p, s in zip(price[pod_id], stay[pod_id], strict=True)]
        for t in range(n):
            cell[t] += series[t] * delivery[scheme_id]
            worth[t] += priced[t]
    money: dict[tuple[str, str], Series] = {}
    fall: dict[str, Series] = {}
    for (scheme_id, pod_id), own in combine(fraction, cohort_of, n).items():
        on = share[cohort_of[scheme_id]][pod_id]
        _add_series(fall, pod_id, [x * on for x in own])
        price_of = value[(scheme_id, pod_id)]
        money[(scheme_id, pod_id)] = [
            own[t] * on * do_something[pod_id][t] * stay[pod_id][t] * price_of[t] / 1000 for t in range(n)
        ]
    for pod_id, total in fall.items():
        if any(x > 1 + 1e-9 for x in total):
            raise ValueError(f"length-of-stay effects take the length of stay of POD '{pod_id}' below zero")
    return money, fall


def _add_series(table: dict[str, Series], key: str, series: Series) -> None:
    held = table.setdefault(key, [0.0] * len(series))
    for t, x in enumerate(series):
        held[t] += x
