"""Write values.csv: the Stockport PCT outcome values of the example, published where the seed publishes them
and synthetic (seeded, marked ``synthetic``) for the quintiles and the years between.

The seed (../shared/seeds/001_…, §3.1-3.2) publishes for 2003-05: life expectancy 76.8 (men) and 81.3 (women),
the gap of the most deprived quintile to the Stockport average, 6.9 and 5.1 years; CVD mortality under 75,
91.9 per 100,000, and cancer, 122.2. Everything else here is made up to show the arithmetic.
Run from this folder: python synthesise.py
"""

import csv
import random
from pathlib import Path

BANDS = [
    "0-4",
    "5-9",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
]
POPULATION = [3300, 3500, 3600, 3500, 3100, 3200, 3700, 4100, 4200, 3900, 3500, 3400, 2900, 2400, 2100]
"""Persons in one quintile in one year by age band (about 50,000 under 75, as a fifth of Stockport)."""
WEIGHTS = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000]
"""The European Standard Population 2013's weights of the bands under 75."""
DEPRIVATION = {1: 1.75, 2: 1.15, 3: 0.95, 4: 0.78, 5: 0.62}
PERIODS = ["2003-05", "2004-06", "2005-07", "2006-08"]
QUINTILE_SIZE = {1: 0.92, 2: 1.0, 3: 1.04, 4: 1.03, 5: 1.01}


def curve(kind: str) -> list[float]:
    """Age-specific deaths per person-year (under 75) of a typical quintile."""
    if kind == "cvd":
        return [
            1e-6,
            1e-6,
            1e-6,
            3e-6,
            5e-6,
            8e-6,
            1.5e-5,
            3e-5,
            6e-5,
            1.1e-4,
            2.1e-4,
            3.6e-4,
            6.0e-4,
            9.5e-4,
            1.55e-3,
        ]
    return [
        2e-6,
        2e-6,
        2e-6,
        5e-6,
        1e-5,
        1.5e-5,
        3e-5,
        5.5e-5,
        1.0e-4,
        1.8e-4,
        3.3e-4,
        5.5e-4,
        8.5e-4,
        1.25e-3,
        1.7e-3,
    ]


def main() -> None:
    rng = random.Random(2007)
    rows: list[dict[str, object]] = []
    add = rows.append
    # life expectancy: published 2003-05 Stockport averages and most-deprived gaps; the rest synthetic
    for measure, average, _gap, step, spread in (
        ("le_male", 76.8, 6.9, 0.35, (6.9, 2.2, 0.4, -1.6, -2.9)),
        ("le_female", 81.3, 5.1, 0.25, (5.1, 1.7, 0.2, -1.3, -2.4)),
    ):
        for p, period in enumerate(PERIODS):
            status = "published" if p == 0 else "synthetic"
            mean = average + step * p + (rng.uniform(-0.05, 0.05) if p else 0)
            add(
                {
                    "measure": measure,
                    "period": period,
                    "breakdown": "all",
                    "group": "all",
                    "value": round(mean, 1),
                    "lower": round(mean - 0.3, 1),
                    "upper": round(mean + 0.3, 1),
                    "status": status,
                }
            )
            for q in range(1, 6):
                shrink = 1 - 0.03 * p
                value = mean - spread[q - 1] * shrink
                add(
                    {
                        "measure": measure,
                        "period": period,
                        "breakdown": "quintile",
                        "group": q,
                        "value": round(value, 1),
                        "lower": round(value - 0.7, 1),
                        "upper": round(value + 0.7, 1),
                        "denominator": round(50000 * 3 * QUINTILE_SIZE[q]),
                        "status": "published" if (p == 0 and q == 1) else "synthetic",
                    }
                )
    # mortality under 75: published 2003-05 Stockport rates; quintiles and later years from synthetic deaths
    for measure, published, trend, narrowing in (
        ("cvd_u75", 91.9, 0.075, 0.10),
        ("cancer_u75", 122.2, 0.03, 0.01),
    ):
        base = curve("cvd" if measure == "cvd_u75" else "cancer")
        expected = (
            sum(
                weight
                * rate
                * sum(people * QUINTILE_SIZE[q] * DEPRIVATION[q] for q in DEPRIVATION)
                / sum(people * QUINTILE_SIZE[q] for q in DEPRIVATION)
                for weight, rate, people in zip(WEIGHTS, base, POPULATION, strict=True)
            )
            / sum(WEIGHTS)
            * 100_000
        )
        scale = published / expected  # the synthetic baseline sits on the published rate
        for p, period in enumerate(PERIODS):
            totals = {band: [0, 0] for band in BANDS}
            for q in range(1, 6):
                factor = 1 + (DEPRIVATION[q] - 1) * (1 - narrowing * p)
                for band, rate, people in zip(BANDS, base, POPULATION, strict=True):
                    persons = round(people * 3 * QUINTILE_SIZE[q])
                    mean = rate * scale * factor * (1 - trend * p) * persons
                    deaths = max(0, round(rng.gauss(mean, mean**0.5)))
                    totals[band][0] += deaths
                    totals[band][1] += persons
                    add(
                        {
                            "measure": measure,
                            "period": period,
                            "breakdown": "quintile",
                            "group": q,
                            "age_band": band,
                            "numerator": deaths,
                            "denominator": persons,
                            "status": "synthetic",
                        }
                    )
            if p == 0:
                add(
                    {
                        "measure": measure,
                        "period": period,
                        "breakdown": "all",
                        "group": "all",
                        "value": published,
                        "status": "published",
                    }
                )
            else:
                for band, (deaths, persons) in totals.items():
                    add(
                        {
                            "measure": measure,
                            "period": period,
                            "breakdown": "all",
                            "group": "all",
                            "age_band": band,
                            "numerator": deaths,
                            "denominator": persons,
                            "status": "synthetic",
                        }
                    )
    # smoking prevalence (a proportion, Wilson) and under-18 conceptions (a crude rate, Byar): synthetic
    for year, (smokers, asked) in zip(
        ["2005/06", "2006/07", "2007/08"], [(1150, 5000), (1080, 4900), (1010, 4950)], strict=True
    ):
        add(
            {
                "measure": "smoking",
                "period": year,
                "breakdown": "all",
                "group": "all",
                "numerator": smokers,
                "denominator": asked,
                "status": "synthetic",
            }
        )
    for year, by_quintile in zip(
        ["2005/06", "2006/07", "2007/08"],
        [(58, 31, 22, 14, 7), (55, 30, 20, 13, 6), (51, 28, 19, 12, 8)],
        strict=True,
    ):
        for q, count in enumerate(by_quintile, start=1):
            add(
                {
                    "measure": "conceptions_u18",
                    "period": year,
                    "breakdown": "quintile",
                    "group": q,
                    "numerator": count,
                    "denominator": 1000 + 40 * q,
                    "status": "synthetic",
                }
            )
        add(
            {
                "measure": "conceptions_u18",
                "period": year,
                "breakdown": "all",
                "group": "all",
                "numerator": sum(by_quintile),
                "denominator": sum(1000 + 40 * q for q in range(1, 6)),
                "status": "synthetic",
            }
        )
    columns = [
        "measure",
        "period",
        "breakdown",
        "group",
        "age_band",
        "numerator",
        "denominator",
        "value",
        "lower",
        "upper",
        "status",
    ]
    with Path("values.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
