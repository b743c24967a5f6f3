"""Write a synthetic year (2017/18) of the Staffordshire STP's monthly financial monitoring returns.

The STP publishes no returns, so this script makes them from ``programme.yaml`` by rules stated here and in
the README, so every number can be traced (£'000):

- **income and expenditure**: each provider's expenditure plan is its CIP line ÷ 2% (the CIP is 2% of
  expenditure), spread flat over the months and split by fixed shares (:data:`EXPENDITURE_SHARES`); its
  income plan is expenditure less its do-something position, split by :data:`INCOME_SHARES`. The actual is
  the plan, except that pay costs what the CIP failed to save in the month (planned less delivered);
- **efficiency delivered**: every scheme delivers its phased plan each month — except at University
  Hospitals of North Midlands, which **from month 4 (July) delivers 60% of its schemes' plan** (50% of the
  plan recurrently, 10% non-recurrently); a non-recurrent scheme's saving is all non-recurrent;
- **forecast outturn**: the year's plan plus the shortfall to date and the month's shortfall for every month
  left;
- **risks**: each provider reports CIP slippage (a risk: best 0, likely 10%, worst 25% of the CIP still to
  deliver) and its contingency (a mitigation: best 0.2%, likely 0.1%, worst 0 of its expenditure);
- **returns**: one workbook a month (``returns/2017-18-Mnn.xlsx``) holding every provider's return, except
  Burton Hospitals' September return (month 6), which comes on its own (``returns/2017-18-M06-bhft.xlsx``)
  and late.

Run: ``python examples/staffordshire-stp-2016/efficiency/make_returns.py`` (writes ``returns/`` beside it,
the same numbers every time).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
YEAR = "2017/18"
BEHIND = "uhnm"
BEHIND_FROM = 4
BEHIND_RECURRENT, BEHIND_NON_RECURRENT = 0.5, 0.1
LATE = ("bhft", 6)
EXPENDITURE_SHARES = {
    "pay": 0.62,
    "drugs": 0.10,
    "clinical_supplies": 0.08,
    "non_pay": 0.15,
    "financing": 0.05,
}
INCOME_SHARES = {"clinical_income": 0.92, "other_income": 0.08}
CIP_RATE = 0.02


def phased(scheme: dict[str, object]) -> list[float]:
    given = scheme.get("phasing")
    if isinstance(given, list):
        return [float(v) for v in given]
    annual = float(str(scheme["annual"]))
    return [annual / 12] * 12


def delivered(org: str, month: int, plan: float, recurrent: bool) -> tuple[float, float]:
    """(recurrent, non-recurrent) delivered of a month's plan; a non-recurrent scheme's all non-recurrent."""
    if org == BEHIND and month >= BEHIND_FROM:
        found = plan * BEHIND_RECURRENT, plan * BEHIND_NON_RECURRENT
    else:
        found = plan, 0.0
    return found if recurrent else (0.0, found[0] + found[1])


def rows_of(programme: dict[str, object]) -> dict[tuple[str, int], dict[str, list[list[object]]]]:
    """Every provider's return of every month: its three tables' rows."""
    organisations = programme["organisations"]
    schemes = programme["schemes"]
    assert isinstance(organisations, list) and isinstance(schemes, list)
    found: dict[tuple[str, int], dict[str, list[list[object]]]] = {}
    for org in organisations:
        oid = str(org["id"])
        line = float(org["lines"][0]["annual"])
        expenditure = line / CIP_RATE
        income = expenditure - float(org["do_something"])
        mine = [s for s in schemes if s["organisation"] == oid and s["stage"] != "opportunity"]
        shortfall_to_date = 0.0
        for month in range(1, 13):
            label = f"{YEAR}-M{month:02d}"
            efficiency: list[list[object]] = []
            planned = 0.0
            done = 0.0
            for scheme in mine:
                plan = phased(scheme)[month - 1]
                recurrent, non_recurrent = delivered(oid, month, plan, bool(scheme.get("recurrent", True)))
                planned += plan
                done += recurrent + non_recurrent
                efficiency.append([oid, label, scheme["id"], round(recurrent, 1), round(non_recurrent, 1)])
            gap = line - sum(float(s["annual"]) for s in mine)
            planned += gap / 12  # the unidentified gap, planned flat, is not delivered
            shortfall = planned - done
            shortfall_to_date += shortfall
            forecast_extra = shortfall_to_date + shortfall * (12 - month)
            ie: list[list[object]] = []
            for category, share in INCOME_SHARES.items():
                amount = round(income * share / 12, 1)
                ie.append([oid, label, category, amount, amount, round(income * share, 1)])
            for category, share in EXPENDITURE_SHARES.items():
                plan_amount = expenditure * share / 12
                extra = shortfall if category == "pay" else 0.0
                outturn = expenditure * share + (forecast_extra if category == "pay" else 0.0)
                ie.append(
                    [
                        oid,
                        label,
                        category,
                        round(plan_amount, 1),
                        round(plan_amount + extra, 1),
                        round(outturn, 1),
                    ]
                )
            still = max(line * (12 - month) / 12, 0.0)
            risks: list[list[object]] = [
                [
                    oid,
                    label,
                    "cip_slippage",
                    "risk",
                    "CIP schemes slipping",
                    0,
                    round(0.10 * still, 1),
                    round(0.25 * still, 1),
                ],
                [
                    oid,
                    label,
                    "contingency",
                    "mitigation",
                    "Contingency reserve",
                    round(0.002 * expenditure, 1),
                    round(0.001 * expenditure, 1),
                    0,
                ],
            ]
            found[(oid, month)] = {"income_expenditure": ie, "efficiency": efficiency, "risks": risks}
    return found


HEADERS = {
    "income_expenditure": ["organisation", "month", "category", "plan", "actual", "forecast"],
    "efficiency": ["organisation", "month", "scheme", "recurrent", "non_recurrent"],
    "risks": ["organisation", "month", "item", "kind", "description", "best", "likely", "worst"],
}


def write_workbook(path: Path, returns: list[dict[str, list[list[object]]]]) -> None:
    workbook = Workbook()
    first = workbook.active
    workbook.remove(first)
    for table, header in HEADERS.items():
        sheet = workbook.create_sheet(table)
        sheet.append(header)
        for one in returns:
            for row in one[table]:
                sheet.append(row)
    workbook.save(path)


def main() -> None:
    programme = yaml.safe_load((HERE / "programme.yaml").read_text(encoding="utf-8"))
    returns = rows_of(programme)
    folder = HERE / "returns"
    folder.mkdir(exist_ok=True)
    for month in range(1, 13):
        on_time = [one for (org, m), one in returns.items() if m == month and (org, m) != LATE]
        write_workbook(folder / f"2017-18-M{month:02d}.xlsx", on_time)
    org, month = LATE
    write_workbook(folder / f"2017-18-M{month:02d}-{org}.xlsx", [returns[LATE]])
    print(f"wrote 13 workbooks of returns to {folder}")


if __name__ == "__main__":
    main()
