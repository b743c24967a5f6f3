"""Calibrate the inputs of the Stockport example that the seed does not publish.

The Stockport Together summary economic case (seed 000) publishes activity and savings but not the unit
prices, the cost structures or the split of activity between business cases behind them. This script finds:

1. per POD (A&E, NEL, OP, EL): a unit price for each of 2017/18 to 2020/21 and the variable / semi-fixed /
   fixed cost shares (lags 0, 1 and 3 years, the finance directors' principle), by least squares on
   Table 24 (avoided-growth and reduction savings, cost basis, cumulative), Table 7 (the same as yearly
   increments, out to 2022–25) and the tariff totals of Table 5 (26,150 / 34,149 / 43,049);
2. per year, the split of each POD's avoided growth and reductions between the four business cases that
   makes each case's tariff benefit equal its row of Table 5.

Run: ``python examples/stockport-2017/calibrate.py`` (needs numpy and scipy). It prints the values that
``scenario.yaml`` uses; ``tests/examples/test_stockport_calibration.py`` checks that they agree.
"""

from __future__ import annotations

import json
import sys

import numpy as np
from scipy.optimize import least_squares

YEARS = ["2017/18", "2018/19", "2019/20", "2020/21"]
PODS = ["ae", "nel", "op", "el"]
# Table 24: activity, avoided growth and reductions (positive = removed; the EL and 17/18 OP reductions
# are increases)
GROWTH = {
    "ae": [2003, 4250, 6337, 8573],
    "nel": [867, 1710, 2484, 3359],
    "op": [12623, 25360, 38188, 51466],
    "el": [769, 1508, 2259, 2979],
}
REDUCTION = {
    "ae": [18103, 20539, 24440, 23492],
    "nel": [4198, 5130, 6358, 8074],
    "op": [-2684, 56945, 69645, 86327],
    "el": [-246, -811, -1281, -1675],
}
# Table 24: cost-basis savings, cumulative, £'000 (positive = saved)
GROWTH_SAVING = {
    "ae": [184, 393, 588, 808],
    "nel": [1263, 2384, 3377, 4356],
    "op": [919, 2671, 4028, 5391],
    "el": [2045, 4009, 6006, 7920],
}
REDUCTION_SAVING = {
    "ae": [483, 1450, 1684, 2149],
    "nel": [1039, 4701, 5546, 8296],
    "op": [-53, 1537, 4502, 5466],
    "el": [-125, -770, -1833, -2889],
}
# Table 7: yearly increments 17/18 … 21/22 and 2022 to 25, reductions; growth 17/18 … 20/21
GROWTH_STEP = {
    "ae": [184, 209, 194, 220],
    "nel": [1263, 1121, 993, 979],
    "op": [919, 1752, 1357, 1363],
    "el": [2045, 1965, 1997, 1914],
}
REDUCTION_STEP = {
    "ae": [483, 967, 234, 465, 12, 53],
    "nel": [1039, 3661, 845, 2751, 1311, 863],
    "op": [-53, 1590, 2965, 964, 2632, 944],
    "el": [-125, -646, -1063, -1056, -967, -597],
}
# Direct savings (Table 24), released at once
PRESCRIBING = [700, 1500, 3000, 5000]
RESIDENTIAL = [0, 2300, 2300, 2300]
# Table 5: tariff benefit by business case, 2018/19 to 2020/21, and the total
CASES = {
    "acute_interface": [4871, 6089, 6089],
    "intermediate_care": [3275, 4003, 4730],
    "neighbourhood": [11170, 14907, 20465],
    "outpatients": [6833, 9150, 11765],
}
TARIFF_TOTAL = [26150, 34149, 43049]
LAGS = (0, 1, 3)
HORIZON = 8  # 2017/18 to 2024/25


def released(shares: np.ndarray, years_since: int) -> float:
    """Share of a change released ``years_since`` years after it."""
    return float(sum(s for s, lag in zip(shares, LAGS, strict=True) if years_since >= lag))


def pod_model(prices: np.ndarray, shares: np.ndarray, pod: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Growth saving (4 years), reduction tariff saving and cost saving (8 years) of one POD."""
    growth = np.array(GROWTH[pod]) * prices / 1000
    tariff = np.array(REDUCTION[pod]) * prices / 1000
    tariff = np.concatenate([tariff, np.repeat(tariff[-1], HORIZON - 4)])
    delta = np.diff(tariff, prepend=0.0)
    cost = np.array(
        [sum(delta[tau] * released(shares, t - tau) for tau in range(t + 1)) for t in range(HORIZON)]
    )
    return growth, tariff, cost


def unpack(x: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for i, pod in enumerate(PODS):
        chunk = x[i * 6 : (i + 1) * 6]
        variable, semi = chunk[4], chunk[5]
        out[pod] = (chunk[:4], np.array([variable, semi, 1 - variable - semi]))
    return out


def residuals(x: np.ndarray) -> np.ndarray:
    res: list[float] = []
    tariff_total = np.array(PRESCRIBING, float) + np.array(RESIDENTIAL, float)
    for pod, (prices, shares) in unpack(x).items():
        growth, tariff, cost = pod_model(prices, shares, pod)
        res += list(growth - GROWTH_SAVING[pod])
        res += list(np.diff(growth, prepend=0.0) - GROWTH_STEP[pod])
        res += list(cost[:4] - REDUCTION_SAVING[pod])
        steps = np.diff(cost, prepend=0.0)
        res += [*list(steps[:5] - REDUCTION_STEP[pod][:5]), cost[7] - cost[4] - REDUCTION_STEP[pod][5]]
        tariff_total = tariff_total + growth + tariff[:4]
    res += list(tariff_total[1:] - TARIFF_TOTAL)
    return np.array(res)


def fit() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    start = []
    for pod in PODS:
        start += [GROWTH_SAVING[pod][i] / GROWTH[pod][i] * 1000 for i in range(4)] + [0.3, 0.5]
    solution = least_squares(residuals, np.array(start))
    return unpack(solution.x)


def rounded(fitted: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Prices to the penny; shares to 4 places with the fixed share taking the remainder."""
    out = {}
    for pod, (prices, shares) in fitted.items():
        variable, semi = round(float(shares[0]), 4), round(float(shares[1]), 4)
        out[pod] = (np.round(prices, 2), np.array([variable, semi, round(1 - variable - semi, 4)]))
    return out


def case_split(calibrated: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, dict[str, list[float]]]:
    """Per year, the fractions of NEL reductions (Acute Interface, Intermediate Care) and of EL growth
    (Outpatients) that make each case's tariff benefit equal Table 5; 2017/18 takes 2018/19's fractions.

    Fixed assignments: A&E growth and reductions → Acute Interface; residential and nursing → Intermediate
    Care; OP growth and reductions and the EL increase → Outpatients; prescribing, NEL growth and the rest
    of NEL reductions and EL growth → Neighbourhood.
    """
    value = {}
    for pod, (prices, shares) in calibrated.items():
        growth, tariff, _ = pod_model(prices, shares, pod)
        value[pod] = (growth, tariff[:4])
    nel_red, el_growth = value["nel"][1], value["el"][0]
    acute = CASES["acute_interface"]
    intermediate = CASES["intermediate_care"]
    outpatients = CASES["outpatients"]
    alpha, beta, gamma = [], [], []
    for k in range(3):
        t = k + 1
        alpha.append((acute[k] - value["ae"][0][t] - value["ae"][1][t]) / nel_red[t])
        beta.append((intermediate[k] - RESIDENTIAL[t]) / nel_red[t])
        gamma.append(
            (outpatients[k] - value["op"][0][t] - value["op"][1][t] - value["el"][1][t]) / el_growth[t]
        )
    return {
        "nel_reduction": {"acute_interface": [alpha[0], *alpha], "intermediate_care": [beta[0], *beta]},
        "el_growth": {"outpatients": [gamma[0], *gamma]},
    }


def split_activity(split: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, dict[str, list[float]]]]:
    """Activity removed by each case, by POD and source, one decimal, summing to Table 24."""
    nel = split["nel_reduction"]
    gamma = split["el_growth"]["outpatients"]
    acute = [round(a * r, 1) for a, r in zip(nel["acute_interface"], REDUCTION["nel"], strict=True)]
    inter = [round(b * r, 1) for b, r in zip(nel["intermediate_care"], REDUCTION["nel"], strict=True)]
    op_el = [round(g * r, 1) for g, r in zip(gamma, GROWTH["el"], strict=True)]
    return {
        "acute_interface": {
            "avoided_growth": {"ae": GROWTH["ae"]},
            "reduction": {"ae": REDUCTION["ae"], "nel": acute},
        },
        "intermediate_care": {"avoided_growth": {}, "reduction": {"nel": inter}},
        "neighbourhood": {
            "avoided_growth": {
                "nel": GROWTH["nel"],
                "el": [round(r - o, 1) for r, o in zip(GROWTH["el"], op_el, strict=True)],
            },
            "reduction": {
                "nel": [round(r - a - b, 1) for r, a, b in zip(REDUCTION["nel"], acute, inter, strict=True)]
            },
        },
        "outpatients": {
            "avoided_growth": {"op": GROWTH["op"], "el": op_el},
            "reduction": {"op": REDUCTION["op"], "el": REDUCTION["el"]},
        },
    }


def calibration() -> dict[str, object]:
    calibrated = rounded(fit())
    split = case_split(calibrated)
    return {
        "prices": {
            pod: dict(zip(YEARS, map(float, prices), strict=True)) for pod, (prices, _) in calibrated.items()
        },
        "cost_shares": {
            pod: dict(zip(("variable", "semi_fixed", "fixed"), map(float, shares), strict=True))
            for pod, (_, shares) in calibrated.items()
        },
        "case_activity": split_activity(split),
    }


if __name__ == "__main__":
    json.dump(calibration(), sys.stdout, indent=1)
    print()
