"""Calibrate the inputs of the Staffordshire & Stoke-on-Trent STP example that the seed does not publish.

The STP (seed 002_e78593e28c141faf.txt, October 2016) publishes the 2015/16 income and expenditure of the
providers, the normalised deficits, the do-nothing deficit by year and the solutions by year, but not the
growth rates behind its do-nothing (its "Do nothing scenario and drivers" chart is not in the text) nor some
of the bases its solutions apply their rates to. This script finds, by exact solution (each published
figure fixes one unknown; numpy only does the arithmetic):

1. **cost growth** of provider expenditure, 2016/17 to 2019/20: CIP/Workforce is "2% efficiency saving from
   total provider expenditure from 2017/18 onwards", taken as 2% of the previous year's expenditure each year
   (the cost base the year opens with), so each increment of the bridge's CIP line fixes one year's
   expenditure. 2020/21 holds the 2019/20 rate (no CIP is based on 2020/21 expenditure);
2. **income growth** of the providers, 2016/17 to 2020/21: with that expenditure, the CCGs' normalised
   deficit held, the £41.6m 16/17 pressures and the £6m Cannock integration deficit from 2016/17, the
   income that makes the system's do-nothing equal the bridge's "Do Nothing Healthcare Deficit";
3. **community hospitals**: the cost a closed bed saves in each year (the bridge ÷ 105 beds) and the part of
   2016/17 the beds were closed for (2016/17 ÷ 2017/18);
4. **system governance**: the cost base the 15% applies to (£5.2m ÷ 15%);
5. **capacity**: length of stay at 85% occupancy and WTE per spell that turn 27,906 more spells into 267 more
   beds and 1,302 more WTE (59 consultants), and the path of the spells (straight line from 2015/16);
6. **continuing healthcare**: the 2015/16 CHC spend that makes the growth cut from 12% to 6.05% a year (the
   middle of 5.5%–6.6%) save £45.2m in 2020/21 (the sensitivity; the seed gives no CHC spend).

Run: ``python examples/staffordshire-stp-2016/calibrate.py``. It prints the values that ``scenario.yaml``
uses; ``tests/examples/test_stp.py`` checks that the scenario holds them.
"""

from __future__ import annotations

import json

import numpy as np

YEARS = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]

# 2015/16 income and expenditure of the providers (seed, "2015/16 Finance" table), £'000. SSoTP is the sum
# of its Community Teams, Community Hospitals and Adult Social Care columns.
INCOME_1516 = 1_515_681
EXPENDITURE_1516 = 670_418 + 339_343 + 539_169
# Normalisation (seed, "15/16 Surplus/Deficit" table): impairments are taken out of expenditure (BHFT 1,230
# and NSCHT 43 were costs, SSoTP (1,207) a credit) and net non-recurrent income out of income. SSSFT's is
# 9,530, its surplus in the finance table (the deficit table prints 9,350; see README).
IMPAIRMENTS = {"bhft": 1_230, "ssotp": -1_207, "nscht": 43}
NON_RECURRENT_INCOME = {"uhnm": 72_923, "ssotp": 11_196, "sssft": 9_530, "nscht": 833}
CCG_NORMALISED_DEFICIT = 29_093
PRESSURES_1617 = 41_600  # "STF Funding Applied in Year to Meet 16/17 Recurrent Pressures" (text: £41m)
CANNOCK_INTEGRATION = 6_000  # "inc RW Rec Int £6m"

# "Do Something: Whole System" bridge, £'000 (deficit positive here; the STP prints it in brackets)
DO_NOTHING = [159_546, 169_268, 212_666, 252_888, 285_402]
CIP = [0, 31_397, 63_444, 96_479, 130_447]
CIP_RATE = 0.02
COMMUNITY_HOSPITALS = [1_940, 3_956, 4_021, 4_087, 4_202]
BEDS_CLOSED = 85 + 20  # Longton and Cheadle, Haywood
SYSTEM_GOVERNANCE = 5_222
BACK_OFFICE_REDUCTION = 0.15

# "27,906 cases (including day cases) … 1302 WTE (of which 59 are consultants) … 267 acute beds"
MORE_SPELLS = 27_906
MORE_WTE = 1_302
MORE_CONSULTANTS = 59
MORE_BEDS = 267
OCCUPANCY = 0.85
DAYS = 365.0

CHC_SAVING_2020_21 = 45_200
CHC_GROWTH = 0.12
CHC_GROWTH_NATIONAL = (0.055 + 0.066) / 2

RATE_PLACES = 8


def base_expenditure() -> float:
    """Providers' normalised (recurrent) expenditure in 2015/16, £'000."""
    return float(EXPENDITURE_1516 - sum(IMPAIRMENTS.values()))


def base_income() -> float:
    """Providers' recurrent income in 2015/16, £'000."""
    return float(INCOME_1516 - sum(NON_RECURRENT_INCOME.values()))


def cost_growth() -> list[float]:
    """Provider expenditure growth 2016/17 to 2019/20 from the CIP line: CIP[t] − CIP[t−1] = 2% · E[t−1]."""
    increments = np.diff(np.array(CIP[1:], dtype=float), prepend=0.0)
    levels = np.concatenate([[base_expenditure()], increments / CIP_RATE])  # 2015/16 … 2019/20
    return [round(float(r), RATE_PLACES) for r in levels[1:] / levels[:-1] - 1]


def expenditure_path(growth: list[float]) -> np.ndarray:
    """Provider expenditure 2016/17 to 2020/21 (2020/21 holds the last rate)."""
    rates = [*growth, growth[-1]]
    return base_expenditure() * np.cumprod(1 + np.array(rates))


def income_growth(growth: list[float]) -> list[float]:
    """Provider income growth 2016/17 to 2020/21 that makes the system do-nothing the bridge's."""
    held = CCG_NORMALISED_DEFICIT + PRESSURES_1617 + CANNOCK_INTEGRATION
    income = expenditure_path(growth) - (np.array(DO_NOTHING, dtype=float) - held)
    levels = np.concatenate([[base_income()], income])
    return [round(float(r), RATE_PLACES) for r in levels[1:] / levels[:-1] - 1]


def community_hospitals() -> dict[str, object]:
    """Cost a closed bed saves, £'000 a year (3 places), and the part of 2016/17 the beds were closed."""
    per_bed = {
        year: round(value / BEDS_CLOSED, 3)
        for year, value in zip(YEARS[1:], COMMUNITY_HOSPITALS[1:], strict=True)
    }
    return {
        "bed_cost": per_bed,
        "fraction_2016_17": round(COMMUNITY_HOSPITALS[0] / COMMUNITY_HOSPITALS[1], 4),
    }


def governance_base() -> float:
    """The cost base (CCG overheads and back-office staff) that 15% of gives £5.2m, £'000."""
    return round(SYSTEM_GOVERNANCE / BACK_OFFICE_REDUCTION)


def capacity() -> dict[str, object]:
    """Length of stay (days, at 85% occupancy) and WTE per spell; the spells above 2015/16 by year."""
    stay = MORE_BEDS * DAYS * OCCUPANCY / MORE_SPELLS
    return {
        "length_of_stay": round(stay, 2),
        "occupancy": OCCUPANCY,
        "wte_per_spell": {
            "consultants": round(MORE_CONSULTANTS / MORE_SPELLS, 6),
            "other_staff": round((MORE_WTE - MORE_CONSULTANTS) / MORE_SPELLS, 5),
        },
        "spells": {year: round(MORE_SPELLS * (k + 1) / len(YEARS)) for k, year in enumerate(YEARS)},
    }


def chc_spend() -> float:
    """2015/16 CHC spend, £'000, that saves £45.2m in 2020/21 when growth is cut from 12% to 6.05%."""
    years = len(YEARS)
    return round(CHC_SAVING_2020_21 / ((1 + CHC_GROWTH) ** years - (1 + CHC_GROWTH_NATIONAL) ** years))


def calibration() -> dict[str, object]:
    growth = cost_growth()
    return {
        "cost_growth": dict(zip(YEARS[: len(growth)], growth, strict=True)),
        "income_growth": dict(zip(YEARS, income_growth(growth), strict=True)),
        "community_hospitals": community_hospitals(),
        "governance_cost_base": governance_base(),
        "capacity": capacity(),
        "chc_spend": chc_spend(),
        "chc_growth_national": round(CHC_GROWTH_NATIONAL, 5),
    }


def check(result: dict[str, object]) -> dict[str, list[float]]:
    """What the rounded values give back: CIP and do-nothing by year, against the bridge."""
    growth = list(result["cost_growth"].values())  # type: ignore[attr-defined]
    income_rates = list(result["income_growth"].values())  # type: ignore[attr-defined]
    spend = expenditure_path(growth)
    income = base_income() * np.cumprod(1 + np.array(income_rates))
    held = CCG_NORMALISED_DEFICIT + PRESSURES_1617 + CANNOCK_INTEGRATION
    cip = [0.0, *np.cumsum(CIP_RATE * spend[:-1]).tolist()]
    return {
        "cip_difference": [round(a - b, 3) for a, b in zip(cip, CIP, strict=True)],
        "do_nothing_difference": [
            round(a - b, 3) for a, b in zip(spend - income + held, DO_NOTHING, strict=True)
        ],
    }


if __name__ == "__main__":
    result = calibration()
    print(json.dumps(result, indent=2))
    print(json.dumps(check(result), indent=2))
