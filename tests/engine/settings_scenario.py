"""A small scenario of an inpatient POD, a day-case POD and an urgent care setting, with a cohort, a bed base
and a workforce: the scenario of the tests of docs/effects.md."""

from __future__ import annotations

from typing import Any

YEARS = ("2017/18", "2018/19", "2019/20")
PODS = ("ip", "dc", "ucc")


def scenario_data(schemes: list[dict[str, Any]], cohort_share: float = 0.6) -> dict[str, Any]:
    """A small scenario: three PODs, a cohort, a bed base, a workforce, and ``schemes``."""
    return {
        "format_version": 1,
        "name": "Settings",
        "base_year": YEARS[0],
        "end_year": YEARS[-1],
        "organisations": [
            {"id": "ccg", "name": "CCG", "kind": "commissioner"},
            {"id": "trust", "name": "Trust", "kind": "acute"},
        ],
        "pods": [
            {
                "id": "ip",
                "name": "Inpatient spells",
                "unit": "spell",
                "activity": {"base": 10000, "growth": 0.03},
                "price": 3000,
                "providers": {"trust": 1.0},
                "cost_release": {"variable": 0.4, "semi_fixed": 0.4, "fixed": 0.2},
            },
            {
                "id": "dc",
                "name": "Day cases",
                "unit": "spell",
                "activity": {"base": 4000, "growth": 0.02},
                "price": 900,
                "providers": {"trust": 1.0},
            },
            {
                "id": "ucc",
                "name": "Urgent care centre",
                "unit": "attendance",
                "activity": {"base": 0},
                "price": 60,
            },
        ],
        "cohorts": [{"id": "older", "name": "Over 65", "shares": dict.fromkeys(PODS, cohort_share)}],
        "capacity": {
            "beds": [
                {"id": "acute", "name": "Acute beds", "length_of_stay": {"ip": 4.5, "dc": 0.2}},
            ],
            "workforce": [{"id": "nurses", "name": "Nurses", "per_unit": {"ip": 0.01}}],
        },
        "workforce": [
            {
                "id": "ward",
                "name": "Ward staff",
                "org": "trust",
                "wte": 500,
                "pay_per_wte": 35000,
                "agency": 0.1,
                "agency_premium": 1.0,
                "per_bed": {"acute": 1.5},
            }
        ],
        "schemes": schemes,
    }
