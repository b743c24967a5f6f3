"""Generate a year (2018/19) of synthetic monthly actuals for the Stockport Together plan.

The story: Intermediate Care and Neighbourhood deliver their plans; **Acute Interface** (A&E) and
**Outpatients** fall behind. Their deflection starts near plan in April and fades through the year, and
their mobilisation milestones slip, so the early warning system goes from green to amber to red. In
December the finance directors forecast the outturn themselves (``forecast.csv``): the two schemes will
not recover, which takes the forecast cost-release benefit below the programme's investment.

Every number comes from the approved plan (``../scenario.yaml``, run by CareBridge) and the fractions
below; the noise is seeded, so the files are the same every time. Run from the repository root:

    python examples/stockport-2017/actuals/generate.py [FOLDER]

It writes, beside this script (or into FOLDER): ``activity-2018-19-Mnn.csv`` (one file a month, by provider),
``spend.csv``, ``milestones.csv``, ``profile.csv`` (a seasonal profile) and ``forecast.csv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from carebridge.delivery.baseline import PlanBaseline
from carebridge.delivery.months import Month, months_of_year
from carebridge.delivery.trajectory import normalise
from carebridge.engine import run
from carebridge.scenario.loader import load_scenario

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenario.yaml"
YEAR = "2018/19"
SEED = 2018

# Share of the planned deflection achieved each month, April to March.
ON_PLAN = [1.0] * 12
DELIVERY = {
    "ae": [0.99, 0.94, 0.88, 0.83, 0.78, 0.73, 0.68, 0.63, 0.60, 0.58, 0.56, 0.55],  # Acute Interface
    "op": [0.99, 0.92, 0.85, 0.75, 0.62, 0.50, 0.38, 0.27, 0.18, 0.12, 0.08, 0.05],  # Outpatients
    "nel": ON_PLAN,
    "el": ON_PLAN,
}
NOISE = {"ae": 0.004, "op": 0.004, "nel": 0.004, "el": 0.0005}
"""Standard deviation of monthly activity, as a fraction of the month's activity."""

# Winter pressure on urgent care, a flat year elsewhere (weights April to March; scaled to add up to 1).
SEASONAL = {
    "ae": [1.02, 1.04, 1.02, 1.03, 0.97, 0.96, 0.98, 0.97, 0.99, 1.00, 0.96, 1.06],
    "nel": [0.96, 0.98, 0.95, 0.97, 0.94, 0.96, 1.01, 1.03, 1.06, 1.08, 1.00, 1.06],
}

# Milestones: six mobilisation milestones per scheme in 2017/18 (all done on time), then one a month in
# 2018/19. The delay in months of each 2018/19 milestone, or None when it is still not done in March 2019.
MILESTONES = {
    "acute_interface": (
        "Acute Interface",
        [
            "Ambulatory emergency care open 7 days",
            "Frailty assessment at the front door",
            "GP streaming in A&E",
            "Discharge to assess pathway",
            "Trusted assessor for care homes",
            "Consultant-led triage",
            "Same-day emergency care for frailty",
            "Enhanced care home support",
            "Urgent community response within 2 hours",
            "Acute medical unit redesign",
            "Integrated discharge team",
            "Benefits review",
        ],
        [0, 0, 0, 2, 2, None, None, None, None, None, None, None],
    ),
    "intermediate_care": (
        "Intermediate Care",
        [
            "Step-up beds commissioned",
            "Reablement team recruited",
            "Single point of access",
            "Home first discharge",
            "Intermediate tier consultant",
            "Falls response service",
            "Bed-based review",
            "Therapy 7 days",
            "Care home in-reach",
            "Workforce plan",
            "Outcome measures",
            "Benefits review",
        ],
        [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
    ),
    "neighbourhood": (
        "Neighbourhood",
        [
            "Eight neighbourhood teams formed",
            "Risk stratification in every practice",
            "Case management for the top 15%",
            "Care navigators in post",
            "Extended access to general practice",
            "Neighbourhood MDTs weekly",
            "Social prescribing",
            "Medicines optimisation",
            "Shared care record",
            "Community mental health in teams",
            "Self-care programme",
            "Benefits review",
        ],
        [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ),
    "outpatients": (
        "Outpatients",
        [
            "Advice and guidance in 5 specialties",
            "Referral management centre",
            "Virtual follow-up clinics",
            "Patient-initiated follow-up",
            "Consultant connect",
            "Community dermatology",
            "One-stop clinics",
            "Clinical thresholds agreed",
            "Outpatient booking redesign",
            "Telephone clinics",
            "Digital letters",
            "Benefits review",
        ],
        [0, 1, 3, None, None, None, None, None, None, None, None, None],
    ),
}


def plan() -> PlanBaseline:
    return PlanBaseline.from_results(run(load_scenario(SCENARIO).scenario))


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def monthly_activity(baseline: PlanBaseline, random: np.random.Generator) -> dict[str, list[float]]:
    """Each POD's actual activity per month: do-nothing less the share of the planned deflection achieved."""
    annual = baseline.activity[baseline.activity["year"] == YEAR].set_index("pod")
    actual = {}
    for pod, delivery in DELIVERY.items():
        weights = normalise(SEASONAL.get(pod, [1.0] * 12))
        do_nothing = float(annual.at[pod, "do_nothing"])
        deflection = do_nothing - float(annual.at[pod, "do_something"])
        noise = random.normal(0.0, NOISE[pod], 12)
        actual[pod] = [
            (do_nothing - share * deflection) * weight * (1 + error)
            for share, weight, error in zip(delivery, weights, noise, strict=True)
        ]
    return actual


def activity_files(folder: Path, baseline: PlanBaseline, actual: dict[str, list[float]]) -> None:
    for month in months_of_year(YEAR):
        rows: list[list[object]] = []
        for pod, values in actual.items():
            providers = baseline.pod(pod).providers
            parts = [round(values[month.number - 1] * share) for share in providers.values()]
            rows += [
                [month.label, pod, provider, part] for provider, part in zip(providers, parts, strict=True)
            ]
        write(
            folder / f"activity-{month.year.replace('/', '-')}-M{month.number:02d}.csv",
            ["month", "pod", "provider", "activity"],
            rows,
        )


def spend_file(folder: Path, baseline: PlanBaseline, random: np.random.Generator) -> None:
    """Investment spent on plan (one twelfth a month, within 3%): the money goes in whatever the benefit."""
    investment = baseline.investment[baseline.investment["year"] == YEAR]
    rows: list[list[object]] = []
    for month in months_of_year(YEAR):
        for row in investment.itertuples(index=False):
            planned = (float(row.recurrent) + float(row.non_recurrent)) / 12
            rows.append([month.label, row.scheme, round(planned * (1 + random.normal(0, 0.01)), 1)])
    write(folder / "spend.csv", ["month", "scheme", "spend"], rows)


def milestones_file(folder: Path) -> None:
    """Milestones as the programme office reports them at the end of March 2019."""
    rows: list[list[object]] = []
    for scheme, (name, titles, delays) in MILESTONES.items():
        for number in range(1, 7):
            month = Month(2017, number * 2).label
            rows.append([scheme, f"{name} mobilisation step {number}", month, "done", month])
        for due, (title, delay) in enumerate(zip(titles, delays, strict=True), start=1):
            month = Month(2018, due)
            if delay is None:
                rows.append([scheme, title, month.label, "late", ""])
            else:
                rows.append([scheme, title, month.label, "done", month.shifted(delay).label])
    write(folder / "milestones.csv", ["scheme", "milestone", "due", "status", "done"], rows)


def profile_file(folder: Path) -> None:
    rows: list[list[object]] = [
        [pod, f"M{number:02d}", weight]
        for pod, weights in SEASONAL.items()
        for number, weight in enumerate(weights, start=1)
    ]
    write(folder / "profile.csv", ["pod", "month", "weight"], rows)


def forecast_file(folder: Path, baseline: PlanBaseline, actual: dict[str, list[float]]) -> None:
    """The finance directors' forecast in December (M09) for the two schemes behind plan: the rest of the
    year at the delivery of December, not the average to date that the run rate assumes."""
    annual = baseline.activity[baseline.activity["year"] == YEAR].set_index("pod")
    rows: list[list[object]] = []
    for pod in ("ae", "op"):
        weights = normalise(SEASONAL.get(pod, [1.0] * 12))
        do_nothing = float(annual.at[pod, "do_nothing"])
        deflection = do_nothing - float(annual.at[pod, "do_something"])
        to_date = sum(actual[pod][:9])
        share = DELIVERY[pod][8]
        rest = sum((do_nothing - share * deflection) * weight for weight in weights[9:])
        rows.append([Month(2018, 9).label, pod, round(to_date + rest)])
    write(folder / "forecast.csv", ["month", "pod", "forecast"], rows)


def main(folder: Path = HERE) -> None:
    baseline = plan()
    random = np.random.default_rng(SEED)
    actual = monthly_activity(baseline, random)
    activity_files(folder, baseline, actual)
    spend_file(folder, baseline, random)
    milestones_file(folder)
    profile_file(folder)
    forecast_file(folder, baseline, actual)
    print(f"wrote the 2018/19 actuals of {baseline.scenario_name} into {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
