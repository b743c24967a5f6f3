"""Which cells each total adds up (``report/excel_totals.py``) and how the formula is written: a formula only
where it gives the tool's own number, in the layout the table uses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carebridge.report.excel import sum_formula
from carebridge.report.excel_totals import Sum, line_formulas, total_formulas
from carebridge.report.table import Column, FormattedTable, Row, heading, section, total

YEARS = ("2018/19", "2019/20")
COLUMNS = (Column(YEARS[0]), Column(YEARS[1]))


def table(rows: list[Row], columns: tuple[Column, ...] = COLUMNS) -> FormattedTable:
    return FormattedTable("t", "A table", "Table", "£'000", columns, tuple(rows))


def test_a_section_total_adds_up_its_lines() -> None:
    lines = [Row("A&E", (1.0, 2.0)), Row("Elective", (3.0, None))]
    rows, _ = section("Growth", lines, "Total growth", 2)
    assert total_formulas(table(rows)) == {(3, 0): Sum((1, 2)), (3, 1): Sum((1, 2))}


def test_a_bridge_ends_at_its_start_and_its_steps_even_when_nil() -> None:
    for gap in (100.0, 0.0):
        steps = [Row("Savings", (-gap / 2, 0.0)), Row("Investment", (gap / 4, 0.0))]
        end = Row("Do-something position", (gap * 0.75, 0.0), "total")
        rows = [Row("Do-nothing gap", (gap, 0.0), "total"), *steps, end]
        formulas = total_formulas(table(rows))
        assert formulas[(3, 0)] == formulas[(3, 1)] == Sum((0, 1, 2))
        assert (0, 0) not in formulas


def test_a_difference_is_the_first_line_less_the_second_even_when_nil() -> None:
    for computed, published in ((5.0, 7.0), (0.0, 0.0)):
        rows = [
            heading("Table 5", 2),
            Row("Computed", (computed, 1.0)),
            Row("Published", (published, 1.0)),
            Row("Difference", (computed - published, 0.0), "total"),
        ]
        assert total_formulas(table(rows))[(3, 0)] == Sum((1,), (2,))


def test_totals_of_sections_add_up_the_section_totals() -> None:
    growth, growth_total = section("Growth", [Row("A", (1.0, 1.0))], "Total growth", 2)
    cuts, cuts_total = section("Deflections", [Row("B", (-4.0, 2.0))], "Total deflections", 2)
    rows = [*growth, *cuts, total("Total growth and deflections", [growth_total, cuts_total], 2)]
    assert total_formulas(table(rows))[(6, 0)] == Sum((2, 5))


def test_a_total_that_is_no_sum_of_cells_stays_a_number() -> None:
    rows = [Row("Saving", (-1.0, -2.0)), Row("Cumulative", (-1.0, -3.0), "total")]
    assert total_formulas(table(rows)) == {}
    percent = [Row("A", (0.1, 0.2), number="percent"), Row("B", (0.1, 0.2), number="percent")]
    weighted = Row("Total", (0.2, 0.4), "total", number="percent")
    assert total_formulas(table([*percent, weighted])) == {}


def test_a_total_column_adds_up_the_years_to_its_left() -> None:
    columns = (*(Column(y) for y in YEARS), Column("Total"))
    rows = [Row("A&E", (1.0, 2.0, 3.0)), Row("Odd", (1.0, 2.0, 4.0)), Row("Total", (2.0, 4.0, 7.0), "total")]
    formulas = line_formulas(table(rows, columns))
    assert formulas == {(0, 2): Sum((0, 1))}
    assert total_formulas(table(rows, columns))[(2, 2)] == Sum((0, 1))


def test_a_formula_names_runs_of_cells_as_ranges() -> None:
    def cell(index: int) -> str:
        return f"C{index + 5}"

    assert sum_formula(Sum((0, 1, 2)), cell) == "=SUM(C5:C7)"
    assert sum_formula(Sum((3, 0, 1)), cell) == "=SUM(C5:C6,C8)"
    assert sum_formula(Sum((4,)), cell) == "=SUM(C9)"
    assert sum_formula(Sum((1,), (2,)), cell) == "=C6-C7"


money = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)))


@given(st.lists(st.lists(st.tuples(money, money), min_size=1, max_size=5), min_size=1, max_size=4))
def test_every_section_total_is_a_formula_giving_its_value(
    sections: list[list[tuple[float | None, ...]]],
) -> None:
    rows: list[Row] = []
    for number, values in enumerate(sections):
        lines = [Row(f"Line {i}", cells) for i, cells in enumerate(values)]
        shown, _ = section(f"Section {number}", lines, f"Total {number}", 2)
        rows.extend(shown)
    drawn = table(rows)
    formulas = total_formulas(drawn)
    for index, row in enumerate(rows):
        for column, value in enumerate(row.values):
            if row.kind != "total" or value is None:
                assert (index, column) not in formulas
                continue
            terms = formulas[(index, column)]
            recomputed = sum(rows[i].values[column] or 0.0 for i in terms.plus)
            recomputed -= sum(rows[i].values[column] or 0.0 for i in terms.minus)
            assert abs(recomputed - value) <= 1e-6 * max(1.0, abs(value))
