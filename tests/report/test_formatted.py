"""The formatted tables of the Stockport example reproduce the seed's tables, cell by cell, laid out as the
seed lays them out: within £1k or one unit of activity for a printed figure, £1.5k for a figure the seed adds
up from rounded ones (totals, net benefit, net saving), 0.1 percentage point for a percentage."""

from __future__ import annotations

import pytest

from carebridge.report.numbers import format_number
from carebridge.report.table import FormattedTable, Row
from tests.examples.seeds import STOCKPORT_SEED

Y5 = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]
Y4 = Y5[1:]

ROUNDED = 1.01
ADDED_UP = 1.5

SEED = STOCKPORT_SEED
T5 = ("table_5_investment", "table_5_benefit")
LATER = [None, None, None]
"""2022/23 to 2024/25: the seed prints one column "2022 to 25" for the three (checked as a sum below)."""


def scheme_summary(scheme: str) -> list[float | None]:
    """Table 5's row: investment and benefit 2018/19 to 2020/21, then the net benefit of 2020/21."""
    return [*SEED[T5[0]][scheme], *SEED[T5[1]][scheme], SEED["table_5_net_benefit_2020_21"][scheme]]


# (table id, row label, expected values in column order), read from stockport_seed.yaml
SEED_ROWS: list[tuple[str, str, list[float | None]]] = [
    # Table 1
    ("do_nothing_gap", "Stockport FT", SEED["table_1_do_nothing"]["sft"]),
    ("do_nothing_gap", "Total", SEED["table_1_do_nothing"]["system"]),
    # Table 2
    ("plan_lines", "Stockport CCG savings programme", SEED["table_2_plan_lines"]["ccg_savings"]),
    ("plan_lines", "Stockport Together Investment", SEED["table_2_plan_lines"]["st_investment"]),
    ("plan_lines", "Total", SEED["table_2_total"]),
    # Table 3
    ("do_something", "Stockport MBC", SEED["table_3_do_something"]["smbc"]),
    ("do_something", "Stockport CCG", SEED["table_3_do_something"]["ccg"]),
    ("do_something", "Stockport FT", SEED["table_3_do_something"]["sft"]),
    ("do_something", "Pennine Care", SEED["table_3_do_something"]["pennine"]),
    ("do_something", "GM Themes", SEED["table_3_do_something"]["gm_themes"]),
    ("do_something", "Total", SEED["table_3_do_something"]["system"]),
    # Table 5: investment 2018/19-2020/21, benefit 2018/19-2020/21, net benefit 2020/21
    ("scheme_summary_tariff", "Acute Interface", scheme_summary("acute_interface")),
    ("scheme_summary_tariff", "Neighbourhood", scheme_summary("neighbourhood")),
    ("scheme_summary_tariff", "Outpatients", scheme_summary("outpatients")),
    ("scheme_summary_tariff", "Total", scheme_summary("total")),
    # Table 6
    ("statement_tariff", "Total investment", SEED["table_6_tariff_statement"]["total_investment"]),
    ("statement_tariff", "Savings based on business cases", SEED["table_6_tariff_statement"]["savings"]),
    ("statement_tariff", "Total funding", SEED["table_6_tariff_statement"]["total_funding"]),
    ("statement_tariff", "Total net saving", SEED["table_6_tariff_statement"]["net"]),
    # Table 8 (= Table 20)
    ("statement_cost", "Cost reduction based on business cases", SEED["table_8_cost_statement"]["savings"]),
    ("statement_cost", "Total funding", SEED["table_8_cost_statement"]["total_funding"]),
    ("statement_cost", "Total net saving", SEED["table_8_cost_statement"]["net"]),
    # Table 7: 2017/18 to 2024/25 and Total
    (
        "cost_release",
        "Total growth",
        [*SEED["table_7_growth_total"], *LATER, SEED["table_7_growth_grand_total"]],
    ),
    (
        "cost_release",
        "Total growth and deflections",
        [*SEED["table_7_total"], *LATER, SEED["table_7_grand_total"]],
    ),
    (
        "cost_release",
        "Cumulative",
        [*SEED["table_7_cumulative"], None, None, SEED["table_7_grand_total"], None],
    ),
    # Table 24, activity
    ("activity_by_source", "Total: avoided growth", SEED["table_24_avoided_growth"]["total"]),
    ("activity_by_source", "Total: activity reductions", SEED["table_24_reductions"]["total"]),
    ("activity_by_source", "Grand total", SEED["table_24_grand_total"]),
    # Table 24, savings
    ("savings_by_pod", "Total avoided growth", SEED["table_24_growth_savings"]["total"]),
    ("savings_by_pod", "Total activity reductions", SEED["table_24_reduction_savings"]["total"]),
    ("savings_by_pod", "Total", SEED["table_24_total"]),
    # Table 25
    ("savings_by_pod_sft", "Total avoided growth", SEED["table_25_growth_savings"]["total"]),
    ("savings_by_pod_sft", "Total activity reductions", SEED["table_25_reduction_savings"]["total"]),
    ("savings_by_pod_sft", "Total", SEED["table_25_total"]),
]


def find_row(table: FormattedTable, label: str, section: str | None = None) -> Row:
    """The row with ``label``, the first after the heading ``section`` when given."""
    rows = list(table.rows)
    if section is not None:
        rows = rows[[row.label for row in rows].index(section) + 1 :]
    return next(row for row in rows if row.label == label)


@pytest.mark.parametrize(("table_id", "label", "expected"), SEED_ROWS, ids=lambda v: str(v)[:30])
def test_seed_rows(
    tables: dict[str, FormattedTable], table_id: str, label: str, expected: list[float | None]
) -> None:
    row = find_row(tables[table_id], label)
    tolerance = ROUNDED if label == "Cumulative" else ADDED_UP
    assert len(row.values) == len(expected)
    for value, seed in zip(row.values, expected, strict=True):
        if seed is not None:
            assert value == pytest.approx(seed, abs=tolerance), (table_id, label)


def test_table_7_rows_by_pod(tables: dict[str, FormattedTable]) -> None:
    table = tables["cost_release"]
    assert [column.header for column in table.columns] == [
        *Y4,
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
        "Total",
    ]
    deflections = SEED["table_7_deflections"]
    ae = find_row(table, "A&E", section="Deflections")
    assert ae.values[:5] == pytest.approx(deflections["ae"], abs=ROUNDED)
    later = SEED["table_7_deflections_2022_to_25"]["ae"]
    assert sum(v or 0 for v in ae.values[5:8]) == pytest.approx(later, abs=10)
    prescribing = SEED["table_7_deflections_total_column"]["prescribing"]
    assert find_row(table, "Prescribing").values[-1] == pytest.approx(prescribing)
    residential = deflections["res_nursing"][:4]
    assert find_row(table, "Residential & Nursing").values[:4] == pytest.approx(residential)
    growth = find_row(table, "Total growth")
    assert sum(v or 0 for v in growth.values[5:8]) == pytest.approx(0, abs=ROUNDED)  # "2022 to 25": -
    total = find_row(table, "Total growth and deflections")
    assert sum(v or 0 for v in total.values[5:8]) == pytest.approx(
        SEED["table_7_total_2022_to_25"], abs=ADDED_UP
    )
    labels = [row.label for row in table.rows if row.kind == "heading"]
    assert labels == ["Growth", "Deflections"]


def test_table_9_deflection_percentages(tables: dict[str, FormattedTable]) -> None:
    table = tables["activity_deflection"]
    assert [column.group for column in table.columns][:2] == ["Base year", "Do-nothing activity"]
    percent = SEED["table_9_deflection_pct"]
    total = find_row(table, "Total")
    assert total.values[:5] == pytest.approx(SEED["table_9_activity"]["total"], abs=1)
    assert total.values[5:] == pytest.approx([p / 100 for p in percent["total"]], abs=0.0006)
    ae = find_row(table, "A&E")
    assert ae.values[5:] == pytest.approx([p / 100 for p in percent["ae"]], abs=0.0006)
    assert table.number_kind(ae, 5) == "percent"
    assert table.number_kind(ae, 4) == "activity"
    assert format_number(ae.values[5], "percent") == f"{percent['ae'][0]:.1f}%"


def test_table_21_provider_split(tables: dict[str, FormattedTable]) -> None:
    table = tables["provider_split"]
    assert [column.header for column in table.columns] == ["Stockport FT", "Other providers"]
    share = SEED["table_21_provider_split"]["ae"]
    assert find_row(table, "A&E").values == pytest.approx((share, 1 - share))
    assert table.number == "percent"


def test_table_6_layout(tables: dict[str, FormattedTable]) -> None:
    table = tables["statement_tariff"]
    assert [column.header for column in table.columns] == Y5
    kinds = {row.label: row.kind for row in table.rows}
    assert kinds["Source of investment funding"] == "heading"
    assert kinds["Total investment"] == kinds["Total funding"] == kinds["Total net saving"] == "total"
    labels = [row.label for row in table.rows]
    assert labels.index("Total investment") < labels.index("Source of investment funding")
    assert labels.index("Investment agreement allocation") < labels.index("Savings based on business cases")


def test_bridge_runs_from_do_nothing_to_do_something(tables: dict[str, FormattedTable]) -> None:
    table = tables["bridge"]
    assert [column.header for column in table.columns] == ["2020/21"]
    first, *steps, last = table.rows
    assert (first.label, first.kind, last.kind) == ("Do-nothing gap", "total", "total")
    assert (first.values[0] or 0) + sum(step.values[0] or 0 for step in steps) == pytest.approx(
        last.values[0]
    )
    assert last.values == pytest.approx((SEED["table_3_do_something"]["system"][-1],))


def test_totals_add_their_rows(tables: dict[str, FormattedTable]) -> None:
    table = tables["do_something"]
    *rows, total = table.rows
    for column in range(len(table.columns)):
        assert sum(row.values[column] or 0 for row in rows) == pytest.approx(total.values[column])


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (-1263.4, "money", "(1,263)"),
        (1263.5, "money", "1,264"),
        (-0.3, "money", "0"),
        (0.0, "activity", "0"),
        (-0.2008, "percent", "-20.1%"),
        (-0.00001, "percent", "0.0%"),
        (None, "money", ""),
    ],
)
def test_format_number(value: float | None, kind: str, text: str) -> None:
    assert format_number(value, kind) == text  # type: ignore[arg-type]
