"""Write a synthetic year (2018/19) of the enrolled cohort's utilisation: utilisation.csv beside this file.

For each of the eight neighbourhoods and each month, the enrolled cohort (growing with enrolment) and a
comparison group (the neighbourhood's cohort not yet enrolled), with their emergency admissions. The
comparison group is admitted at about 75 per 1,000 a month (the synthetic cohort's rate), higher in winter.
The enrolled are admitted 25% less, except in Stockport Central, whose team falls behind: its reduction
starts at 20% in April and fades to nothing by March, so the FEWS's neighbourhood set turns red there.
Nobody in it is real, and the numbers are expected values (no random noise), so the file is the same on
every run.

    python examples/stockport-2017/neighbourhoods/make_utilisation.py
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

NEIGHBOURHOODS = (
    "Bramhall and Cheadle Hulme South",
    "Cheadle",
    "Heatons and Tame Valley",
    "Marple",
    "Stepping Hill and Victoria",
    "Stockport Central",
    "Stockport East and South",
    "Werneth",
)
BEHIND = "Stockport Central"
YEAR = "2018/19"
COMPARISON_RATE = 0.075
"""Emergency admissions per comparison patient a month."""
REDUCTION = 0.25


def seasonal(month: int) -> float:
    """Admissions by financial month (1 = April): highest in January (month 10)."""
    return 1 + 0.15 * math.cos(2 * math.pi * (month - 10) / 12)


def rows() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for month in range(1, 13):
        for index, name in enumerate(NEIGHBOURHOODS):
            cohort = 360 + 10 * index
            enrolled = 80 + 6 * month
            comparison = cohort - enrolled
            reduction = REDUCTION if name != BEHIND else 0.20 * (12 - month) / 11
            rate = COMPARISON_RATE * seasonal(month)
            for group, patients, admissions in (
                ("enrolled", enrolled, enrolled * rate * (1 - reduction)),
                ("comparison", comparison, comparison * rate),
            ):
                out.append(
                    {
                        "month": f"{YEAR}-M{month:02d}",
                        "neighbourhood": name,
                        "group": group,
                        "patients": patients,
                        "admissions": round(admissions),
                    }
                )
    return out


def main() -> None:
    path = Path(__file__).with_name("utilisation.csv")
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(
            stream, fieldnames=["month", "neighbourhood", "group", "patients", "admissions"]
        )
        writer.writeheader()
        writer.writerows(rows())
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
