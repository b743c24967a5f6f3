"""Write population-two-las.csv and population-two-las-ons.csv: a SYNTHETIC population projection in the ONS
sub-national layout, twice.

population-two-las.csv is the ONS layout as a long table (area_code, area_name, sex, age, year, persons;
ages 0 to 89 and 90+; mid-years). population-two-las-ons.csv holds the same people in the wide layout ONS
publishes its projections in (AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, then a column per mid-year;
ages "0" to "89", "90 and over" and an "All ages" total for each sex).

The numbers are generated, not ONS's: a smooth age profile for each sex, scaled so that Stockport's people
aged 65 and over are 55,700 in mid-2014 and 61,000 in mid-2020 (seed 000: "the number of people aged over 65
will increase from 55,700 in 2014 to 61,000 by 2020"; each cell is rounded to a whole person, so the sums
are within a few people of them) and its total is about 300,000; Tameside (the second area) is a smaller,
younger copy. Ages under 65 grow 0.2% a year; ages 65 and over grow at the rate that meets the seed's two
figures. Run ``python examples/stockport-2017/make_population.py`` to write the files again (deterministic;
a test checks each file is what this prints).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

YEARS = range(2014, 2026)
AREAS = (("E08000007", "Stockport", 290_000, 1.0), ("E08000008", "Tameside", 222_000, 0.85))
OLD_2014, OLD_2020 = 55_700, 61_000


def profile(age: int, sex: str, old_weight: float) -> float:
    """People of one age and sex relative to the others (a smooth, made-up shape)."""
    young = 1.0 + 0.1 * math.cos(age / 9.0)
    survival = 1.0 / (1.0 + math.exp((age - (84 if sex == "female" else 80)) / 5.0))
    weight = young * survival * (old_weight if age >= 65 else 1.0)
    return weight * (4.0 if age == 90 else 1.0) * survival


def rows() -> list[list[str]]:
    old_growth = (OLD_2020 / OLD_2014) ** (1 / 6)
    out = []
    for code, name, total, old_weight in AREAS:
        shape = {(s, a): profile(a, s, old_weight) for s in ("female", "male") for a in range(91)}
        scale = total / sum(shape.values())
        old_2014 = sum(v for (s, a), v in shape.items() if a >= 65) * scale
        old_scale = OLD_2014 / old_2014 if code == "E08000007" else 1.0
        for year in YEARS:
            n = year - 2014
            for sex in ("female", "male"):
                for age in range(91):
                    base = shape[(sex, age)] * scale
                    people = base * old_scale * old_growth**n if age >= 65 else base * 1.002**n
                    label = "90+" if age == 90 else str(age)
                    out.append([code, name, sex, label, str(year), str(round(people))])
    return out


def text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["area_code", "area_name", "sex", "age", "year", "persons"])
    writer.writerows(rows())
    return buffer.getvalue()


def wide_text() -> str:
    """The same people in ONS's wide layout: a row per area, sex and age group, a column per mid-year."""
    people: dict[tuple[str, str, str], dict[str, str]] = {}
    names: dict[str, str] = {}
    for code, name, sex, age, year, persons in rows():
        names[code] = name
        people.setdefault((code, sex, "90 and over" if age == "90+" else age), {})[year] = persons
    years = [str(year) for year in YEARS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["AREA_CODE", "AREA_NAME", "COMPONENT", "SEX", "AGE_GROUP", *years])
    for code, name in names.items():
        for sex in ("female", "male"):
            ages = [(age, by_year) for (c, s, age), by_year in people.items() if c == code and s == sex]
            for age, by_year in ages:
                writer.writerow([code, name, "Population", sex, age, *(by_year[y] for y in years)])
            totals = [str(sum(int(by_year[y]) for _, by_year in ages)) for y in years]
            writer.writerow([code, name, "Population", sex, "All ages", *totals])
    return buffer.getvalue()


if __name__ == "__main__":
    for name, written in (("population-two-las.csv", text()), ("population-two-las-ons.csv", wide_text())):
        target = Path(__file__).with_name(name)
        target.write_text(written, encoding="utf-8")
        print(f"wrote {target}")
