"""The named inputs a formula can use, declared once for the checker and the engine.

Names (each a value by year):

- a parameter: its name, e.g. ``opportunity``;
- ``activity.<pod>`` (do-nothing), ``do_something.<pod>``, ``price.<pod>`` (£ per unit);
- ``income.<org>``, ``expenditure.<org>``, ``expenditure.<org>.<category>`` for organisations with finance,
  and the same for groups of them: ``all``, ``providers``, ``commissioners``, ``councils``, ``nhs``,
  ``social_care`` (``expenditure.providers.pay`` adds the ``pay`` category of every provider);
- in plan lines only: ``gap.<org>`` and ``gap.system`` (the do-nothing gap), ``line.<id>`` (another plan
  line's net value), ``savings.tariff`` and ``savings.cost`` (the schemes' programme saving, negative),
  ``investment.schemes``, and with a workforce ``workforce.pay_saving``, ``workforce.<group>.pay_saving`` and
  ``workforce.<group>.agency_spend`` (docs/effects.md section 4);
- ``opportunity.<benchmark>`` and ``opportunity.<benchmark>.<category>``: a programme budget benchmark's
  opportunity (£'000), which the loader computes from the file ``benchmarks:`` names and puts among the
  parameters (:mod:`carebridge.scenario.benchmarks`).
"""

from __future__ import annotations

from carebridge.scenario.schema import Organisation, Scenario

PROVIDER_KINDS = frozenset({"acute", "community", "mental_health", "primary_care"})
GROUPS = ("all", "providers", "commissioners", "councils", "nhs", "social_care")


def sector(organisation: Organisation) -> str:
    """``nhs`` or ``social_care``: as given, else social care for a council and NHS otherwise."""
    if organisation.sector is not None:
        return organisation.sector
    return "social_care" if organisation.kind == "council" else "nhs"


def in_group(organisation: Organisation, group: str) -> bool:
    return {
        "all": True,
        "providers": organisation.kind in PROVIDER_KINDS,
        "commissioners": organisation.kind == "commissioner",
        "councils": organisation.kind == "council",
        "nhs": sector(organisation) == "nhs",
        "social_care": sector(organisation) == "social_care",
    }[group]


def finance_holders(scenario: Scenario) -> list[str]:
    """Organisations whose finance is given, then the groups: who ``income.X`` and ``expenditure.X`` name."""
    orgs = [o.id for o in scenario.organisations if o.finance is not None]
    return [*orgs, *GROUPS] if orgs else []


def categories(scenario: Scenario) -> list[str]:
    """Every expenditure category id, in the order first met."""
    found = [c.id for o in scenario.organisations if o.finance for c in o.finance.expenditure]
    return list(dict.fromkeys(found))


def finance_names(scenario: Scenario) -> list[str]:
    """Names a finance item's formula may use (and plan lines too)."""
    names = list(scenario.parameters)
    names += [f"{measure}.{pod.id}" for pod in scenario.pods if pod.activity for measure in ("activity",)]
    names += [f"price.{pod.id}" for pod in scenario.pods]
    for holder in finance_holders(scenario):
        names += [f"income.{holder}", f"expenditure.{holder}"]
        names += [f"expenditure.{holder}.{category}" for category in categories(scenario)]
    return names


def line_names(scenario: Scenario) -> list[str]:
    """Names a plan line's formula may use."""
    names = finance_names(scenario)
    names += [f"do_something.{pod.id}" for pod in scenario.pods if pod.activity]
    names += [f"gap.{org.id}" for org in scenario.organisations] + ["gap.system"]
    names += [f"line.{line.id}" for line in scenario.positions.plan_lines]
    names += ["savings.tariff", "savings.cost", "investment.schemes"]
    return names + workforce_names(scenario)


def workforce_names(scenario: Scenario) -> list[str]:
    """Names of the workforce a plan line's formula may use (docs/effects.md section 4)."""
    if not scenario.workforce:
        return []
    names = ["workforce.pay_saving"]
    for group in scenario.workforce:
        names += [f"workforce.{group.id}.pay_saving", f"workforce.{group.id}.agency_spend"]
    return names
