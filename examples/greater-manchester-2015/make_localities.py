"""Write the ten synthetic locality scenarios of the Greater Manchester region (``localities/*.yaml``).

The Greater Manchester integrated care value case (seed 004, November 2013) publishes no locality figures:
only "£6bn health & social care spend", 2.6 million people in 10 local authorities, and the predicted effects
over five years as ranges. This script makes ten localities from those alone, by rules stated here and in the
README, so every number can be traced:

- the £6bn is split between the localities in proportion to their populations (the 2011 Census, rounded to
  thousands: weights only);
- each locality's spend is split into points of delivery by fixed synthetic shares (``SHARES``), each priced
  at a synthetic unit price (``PRICES``); activity = spend / price, growing 2% a year;
- each locality has one integrated care scheme whose effects are the value case's ranges as triangular
  distributions (low, midpoint, high), reached from 2015/16 and held: bed days −10% to −30%, emergency
  admissions −20% to −40%, readmissions −10%, care home admissions −9% to −20%; A&E −14% and outpatients
  −22% (the value case's local evidence, as single values);
- its investment is 0.5% of the locality's spend a year from 2014/15; the do-nothing gap of each
  organisation grows by 2% of its spend a year;
- each locality's hospital care is provided by one acute trust; a trust serving several localities is one
  organisation of the region (``region.yaml`` declares it shared).

Run: ``python examples/greater-manchester-2015/make_localities.py`` (writes ``localities/`` beside it, the
same files every time).
"""

from __future__ import annotations

from pathlib import Path

TOTAL_SPEND = 6_000_000  # £'000: "£6bn health & social care spend"
BASE_YEAR, END_YEAR = "2013/14", "2018/19"
YEARS = ["2013/14", "2014/15", "2015/16", "2016/17", "2017/18", "2018/19"]

# locality id: (name, 2011 Census population rounded to thousands, acute trust id)
LOCALITIES = {
    "bolton": ("Bolton", 277, "bolton_ft"),
    "bury": ("Bury", 185, "pennine"),
    "manchester": ("Manchester", 503, "cmft"),
    "oldham": ("Oldham", 225, "pennine"),
    "rochdale": ("Rochdale", 212, "pennine"),
    "salford": ("Salford", 234, "salford_royal"),
    "stockport": ("Stockport", 283, "stockport_ft"),
    "tameside": ("Tameside", 219, "tameside_ft"),
    "trafford": ("Trafford", 227, "cmft"),
    "wigan": ("Wigan", 318, "wwl"),
}
TRUSTS = {
    "bolton_ft": "Royal Bolton Hospital NHS Foundation Trust",
    "pennine": "Pennine Acute Hospitals NHS Trust",
    "cmft": "Central Manchester University Hospitals NHS Foundation Trust",
    "salford_royal": "Salford Royal NHS Foundation Trust",
    "stockport_ft": "Stockport NHS Foundation Trust",
    "tameside_ft": "Tameside Hospital NHS Foundation Trust",
    "wwl": "Wrightington, Wigan and Leigh NHS Foundation Trust",
}

# POD: (name, unit, share of the locality's spend, unit price £, payer, effect as (low, mode, high))
PODS = {
    "nel": ("Emergency admissions", "spell", 0.20, 1_600, "ccg", (0.20, 0.30, 0.40)),
    "bed_days": ("Excess bed days", "bed day", 0.04, 250, "ccg", (0.10, 0.20, 0.30)),
    "readmissions": ("Emergency readmissions", "spell", 0.02, 1_600, "ccg", (0.10, 0.10, 0.10)),
    "ae": ("A&E attendances", "attendance", 0.03, 120, "ccg", (0.14, 0.14, 0.14)),
    "op": ("Outpatient appointments", "appointment", 0.08, 110, "ccg", (0.22, 0.22, 0.22)),
    "care_homes": ("Care home admissions", "placement", 0.06, 30_000, "council", (0.09, 0.145, 0.20)),
}
"""43% of the spend in these PODs; the rest (primary care, mental health, community, prescribing, …) is
outside the schemes' reach here."""
GROWTH = 0.02
INVESTMENT = 0.005
GAP_GROWTH = 0.02
# who holds the spend, for the do-nothing gaps: acute PODs the trust, care homes the council, the rest split
HOLDERS = {"ccg": 0.45, "acute": 0.35, "council": 0.20}


def _number(value: float) -> str:
    return f"{value:.6g}" if abs(value) < 1e6 else f"{round(value)}"


def _effect(low: float, mode: float, high: float) -> str:
    if low == high:
        return _number(low)
    return f"{{dist: triangular, low: {low}, mode: {mode}, high: {high}}}"


def locality(place: str) -> str:
    """The scenario of one locality, as YAML text."""
    name, people, trust = LOCALITIES[place]
    spend = TOTAL_SPEND * people / sum(p for _, p, _ in LOCALITIES.values())
    lines = [
        f"# {name}: a synthetic locality of the Greater Manchester region, written by make_localities.py",
        "# (see the README): do not edit, change the script and run it again.",
        "format_version: 1",
        f"name: {name} locality",
        f"description: A synthetic split of Greater Manchester's £6bn to {name} ({people:,}k people).",
        "source: Synthetic, from the GM integrated care value case (seed 004), by make_localities.py.",
        f"base_year: {BASE_YEAR}",
        f"end_year: {END_YEAR}",
        "organisations:",
        f"  - {{id: ccg, name: {name} CCG, kind: commissioner}}",
        f"  - {{id: council, name: {name} Council, kind: council}}",
        f"  - {{id: {trust}, name: '{TRUSTS[trust]}', kind: acute}}",
        "pods:",
    ]
    for pod, (pod_name, unit, share, price, payer, _) in PODS.items():
        provider = trust if payer == "ccg" else "council"
        activity = spend * share * 1000 / price
        lines += [
            f"  - id: {pod}",
            f"    name: {pod_name}",
            f"    unit: {unit}",
            f"    activity: {{base: {round(activity)}, growth: {GROWTH}}}",
            f"    price: {price}",
            f"    providers: {{{provider}: 1.0}}",
            f"    payer: {payer}",
            "    cost_release: {variable: 0.4, semi_fixed: 0.3, fixed: 0.3}",
        ]
    lines += [
        "schemes:",
        "  - id: integrated_care",
        f"    name: Integrated care, {name}",
        "    owner: ccg",
        "    effects:",
    ]
    for pod, (*_, effect) in PODS.items():
        lines += [f"      - {{kind: reduce, pod: {pod}, fraction: {{2015/16: {_effect(*effect)}}}}}"]
    lines += [
        f"    investment: {{recurrent: {{2014/15: {round(spend * INVESTMENT)}}}}}",
        "positions:",
        "  do_nothing:",
    ]
    for org, share in HOLDERS.items():
        holder = trust if org == "acute" else org
        gaps = ", ".join(f"{year}: {round(spend * share * GAP_GROWTH * t)}" for t, year in enumerate(YEARS))
        lines.append(f"    {holder}: {{{gaps}}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    folder = Path(__file__).resolve().parent / "localities"
    folder.mkdir(exist_ok=True)
    for place in LOCALITIES:
        (folder / f"{place}.yaml").write_text(locality(place), encoding="utf-8")
    print(f"Wrote {len(LOCALITIES)} localities to {folder}")


if __name__ == "__main__":
    main()
