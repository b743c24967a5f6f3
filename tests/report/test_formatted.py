"""The formatted tables of the Stockport example reproduce the seed's tables, cell by cell, laid out as the
seed lays them out: within £1k or one unit of activity for a printed figure, £1.5k for a figure the seed adds
up from rounded ones (totals, net benefit, net saving), 0.1 percentage point for a percentage."""

from __future__ import annotations

import pytest

from carebridge.report.numbers import format_number
from carebridge.report.table import FormattedTable, Row

Y5 = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]
Y4 = Y5[1:]

ROUNDED = 1.01
ADDED_UP = 1.5

# (table id, row label, expected values in column order), typed from seed 000_36716439c1985ee9.txt
SEED_ROWS = [
    # Table 1
    ("do_nothing_gap", "Stockport FT", [34398, 42400, 54400, 63622, 75764]),
    ("do_nothing_gap", "Total", [50019, 75631, 113144, 137607, 156784]),
    # Table 2
    ("plan_lines", "Stockport CCG savings programme", [-7871, -17444, -24778, -33282, -33882]),
    ("plan_lines", "Stockport Together Investment", [0, 0, 20121, 19739, 18986]),
    ("plan_lines", "Total", [-47207, -53637, -86221, -113292, -136312]),
    # Table 3
    ("do_something", "Stockport MBC", [0, 0, 6726, 10362, 16518]),
    ("do_something", "Stockport CCG", [-2750, -4067, 4384, 3801, 3198]),
    ("do_something", "Stockport FT", [5562, 27400, 24400, 33622, 45764]),
    ("do_something", "Pennine Care", [0, 1661, 2266, 2871, 3476]),
    ("do_something", "GM Themes", [0, -3000, -7000, -12000, -22000]),
    ("do_something", "Total", [2812, 21994, 26923, 24315, 20472]),
    # Table 5: investment 2018/19-2020/21, benefit 2018/19-2020/21, net benefit 2020/21
    ("scheme_summary_tariff", "Acute Interface", [2500, 2334, 2168, -4871, -6089, -6089, -3921]),
    ("scheme_summary_tariff", "Neighbourhood", [12106, 11445, 10987, -11170, -14907, -20465, -9478]),
    ("scheme_summary_tariff", "Outpatients", [2280, 2128, 2117, -6833, -9150, -11765, -9647]),
    ("scheme_summary_tariff", "Total", [19344, 17439, 16375, -26150, -34149, -43049, -26674]),
    # Table 6
    ("statement_tariff", "Total investment", [5294, 20517, 24221, 21613, 19765]),
    ("statement_tariff", "Savings based on business cases", [0, 0, -26150, -34149, -43049]),
    ("statement_tariff", "Total funding", [-5294, -20279, -31509, -37802, -46439]),
    ("statement_tariff", "Total net saving", [0, 238, -7288, -16188, -26674]),
    # Table 8 (= Table 20)
    ("statement_cost", "Cost reduction based on business cases", [0, 0, -20175, -29197, -38797]),
    ("statement_cost", "Total funding", [-5294, -20279, -25534, -32850, -42187]),
    ("statement_cost", "Total net saving", [0, 238, -1313, -11237, -22422]),
    # Table 7: 2017/18 to 2024/25 (the seed sums 2022/23 to 2024/25 in one column) and Total
    ("cost_release", "Total growth", [-4410, -5048, -4541, -4476, 0, 0, 0, 0, -18475]),
    (
        "cost_release",
        "Total growth and deflections",
        [-6455, -13721, -9022, -9600, -2989, None, None, None, -43049],
    ),
    ("cost_release", "Cumulative", [-6455, -20175, -29197, -38797, -41786, None, None, -43049, None]),
    # Table 24, activity
    ("activity_by_source", "Total: avoided growth", [-16262, -32828, -49268, -66377]),
    ("activity_by_source", "Total: activity reductions", [-19370, -81802, -99161, -116218]),
    ("activity_by_source", "Grand total", [-35632, -114630, -148429, -182595]),
    # Table 24, savings
    ("savings_by_pod", "Total avoided growth", [-4410, -9458, -13999, -18475]),
    ("savings_by_pod", "Total activity reductions", [-2045, -10718, -15198, -20322]),
    ("savings_by_pod", "Total", [-6455, -20175, -29197, -38797]),
    # Table 25
    ("savings_by_pod_sft", "Total avoided growth", [-3078, -6546, -9668, -12749]),
    ("savings_by_pod_sft", "Total activity reductions", [-1082, -5320, -7366, -9822]),
    ("savings_by_pod_sft", "Total", [-4160, -11866, -17034, -22570]),
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
    ae = find_row(table, "A&E", section="Deflections")
    seed = [-483, -967, -234, -465, -12]
    assert ae.values[:5] == pytest.approx(seed, abs=ROUNDED)
    assert sum(v or 0 for v in ae.values[5:8]) == pytest.approx(-53, abs=10)
    assert find_row(table, "Prescribing").values[-1] == pytest.approx(-5000)
    assert find_row(table, "Residential & Nursing").values[:4] == pytest.approx([0, -2300, 0, 0])
    labels = [row.label for row in table.rows if row.kind == "heading"]
    assert labels == ["Growth", "Deflections"]


def test_table_9_deflection_percentages(tables: dict[str, FormattedTable]) -> None:
    table = tables["activity_deflection"]
    assert [column.group for column in table.columns][:2] == ["Base year", "Do-nothing activity"]
    total = find_row(table, "Total")
    assert total.values[:5] == pytest.approx([525292, 541554, 558120, 574560, 591669], abs=1)
    assert total.values[5:] == pytest.approx([-0.068, -0.218, -0.283, -0.348], abs=0.0006)
    ae = find_row(table, "A&E")
    assert ae.values[5:] == pytest.approx([-0.201, -0.248, -0.307, -0.320], abs=0.0006)
    assert table.number_kind(ae, 5) == "percent"
    assert table.number_kind(ae, 4) == "activity"
    assert format_number(ae.values[5], "percent") == "-20.1%"


def test_table_21_provider_split(tables: dict[str, FormattedTable]) -> None:
    table = tables["provider_split"]
    assert [column.header for column in table.columns] == ["Stockport FT", "Other providers"]
    assert find_row(table, "A&E").values == pytest.approx((0.78, 0.22))
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
    assert last.values == pytest.approx((20472,))


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
