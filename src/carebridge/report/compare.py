"""Reports of comparisons: variants (sensitivities) against the base, and two versions of a plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from carebridge.engine.compare import compare_positions, compare_scheme_totals, compare_statement_net
from carebridge.engine.finance import SYSTEM
from carebridge.engine.results import Results
from carebridge.report.chart import Chart, chart_layout
from carebridge.report.excel import PrintSetup, add_table_sheets, new_workbook, save_workbook
from carebridge.report.html import run_page
from carebridge.report.numbers import MONEY
from carebridge.report.plan_tables import layout_shown, plan_years
from carebridge.report.provenance import Provenance
from carebridge.report.table import Column, FormattedTable, Row, RowKind, heading, series, year_columns

HOLDER_NAMES = {"nhs": "NHS", "social_care": "Social care", SYSTEM: "System"}
SCHEME_POSITION = "schemes.position"
NOT_EXPLAINED = "schemes.not_explained"
VARIANT_SECTIONS = (
    ("do_something", "Do-something position (typed)"),
    (SCHEME_POSITION, "Do-something position from the schemes"),
    (NOT_EXPLAINED, "Plan lines not explained by the schemes"),
    ("do_nothing", "Do-nothing gap"),
)
"""The sections of a variant's table: the typed position, the position from the schemes beside it (model spec
section 13) and the difference of the two, then the do-nothing gap."""


@dataclass(frozen=True)
class Compared:
    """One comparison: a label, the two runs, and the tidy difference of positions."""

    label: str
    base: Results
    other: Results
    positions: xr.Dataset


def compared(label: str, base: Results, other: Results) -> Compared:
    return Compared(label, base, other, compare_positions(base, other))


def holder_label(results: Results, holder: str) -> str:
    return HOLDER_NAMES.get(holder) or results.org_label(holder)


def variant_table(item: Compared) -> FormattedTable:
    """The effect of a variant on each organisation's, the NHS's, social care's and the system's do-nothing
    gap, typed do-something position and do-something position from the schemes, by year (variant − base)."""
    years = plan_years(item.base)
    rows: list[Row] = []
    for line, title in VARIANT_SECTIONS:
        if line not in item.positions.line.values:
            continue
        rows.append(heading(title, len(years)))
        change = item.positions.difference.sel(line=line)
        for holder in change.holder.values:
            kind: RowKind = "total" if holder in HOLDER_NAMES else "normal"
            rows.append(
                Row(holder_label(item.base, str(holder)), series(change.sel(holder=holder), years), kind)
            )
    return FormattedTable(
        f"variant_{item.label}",
        f"Effect of {item.label} (variant − base)",
        item.label,
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Organisation",
        note="A positive effect worsens the position (more deficit). The position from the schemes follows "
        "the contracts and flows between the partners; the typed position is the plan lines as given.",
    )


def holders_year_table(item: Compared, year: str, base_name: str, other_name: str) -> FormattedTable:
    """Each organisation's, the NHS's, social care's and the system's typed do-something position and
    do-something position from the schemes in ``year``, under both runs and the change."""
    lines = [line for line in ("do_something", SCHEME_POSITION) if line in item.positions.line.values]
    titles = {"do_something": "Typed position", SCHEME_POSITION: "Position from the schemes"}
    cell = item.positions.sel(year=year)
    rows = []
    for holder in cell.holder.values:
        values = tuple(
            float(cell[part].sel(line=line, holder=holder))
            for line in lines
            for part in ("base", "other", "difference")
        )
        kind: RowKind = "total" if holder in HOLDER_NAMES else "normal"
        flags = tuple(index % 3 == 2 and abs(value) > 0.5 for index, value in enumerate(values))
        rows.append(Row(holder_label(item.base, str(holder)), values, kind, flags=flags))
    columns = tuple(
        Column(name, group=titles[line]) for line in lines for name in (base_name, other_name, "Change")
    )
    return FormattedTable(
        f"holders_{year.replace('/', '_')}",
        f"Do-something position of each organisation, {year}: {base_name}, {other_name} and change",
        "Organisations",
        MONEY,
        columns,
        tuple(rows),
        label_header="Organisation",
        note="A positive change worsens the position (more deficit).",
    )


def versions_table(item: Compared, base_name: str, other_name: str) -> FormattedTable:
    """Stockport Table 4's layout: each system line under the first plan, the second, and the change."""
    years = plan_years(item.base)
    table = item.positions.sel(holder=SYSTEM)
    labels = {**_line_labels(item.other), **_line_labels(item.base)}
    rows = []
    typed = [line for line in table.line.values if not str(line).startswith("schemes.")]
    held = [line for line in (SCHEME_POSITION, NOT_EXPLAINED) if line in table.line.values]
    for line in [*typed, *held]:
        values = (
            *series(table.base.sel(line=line), years),
            *series(table.other.sel(line=line), years),
            *series(table.difference.sel(line=line), years),
        )
        kind: RowKind = "total" if line in ("do_nothing", "do_something", SCHEME_POSITION) else "normal"
        rows.append(Row(labels.get(str(line), str(line)), values, kind))
    net = compare_statement_net(item.base, item.other)
    for basis in ("tariff", "cost"):
        values = tuple(
            v
            for measure in ("base", "other", "difference")
            for v in series(net[measure].sel(basis=basis), years)
        )
        rows.append(Row(f"Statement net saving ({basis} basis)", values, "total"))
    if item.base.schemes or item.other.schemes:
        totals = compare_scheme_totals(item.base, item.other)
        for measure in totals.measure.values:
            values = tuple(
                v
                for part in ("base", "other", "difference")
                for v in series(totals[part].sel(measure=measure), years)
            )
            rows.append(Row(f"Schemes: {str(measure).replace('_', ' ')}", values))
    columns = (
        *year_columns(years, group=base_name),
        *year_columns(years, group=other_name),
        *year_columns(years, group="Change"),
    )
    return FormattedTable(
        "versions",
        f"Changes between {base_name} and {other_name}",
        "Changes",
        MONEY,
        columns,
        tuple(rows),
        label_header="System",
        mirrors=layout_shown(item.base, "Stockport Table 4"),
    )


def _line_labels(results: Results) -> dict[str, str]:
    lines = [*results.positions.line.values, SCHEME_POSITION, NOT_EXPLAINED]
    return {str(line): results.position_label(str(line)) for line in lines}


def comparison_chart(items: Sequence[Compared], year: str) -> Chart:
    """The change in the do-something position in ``year`` for each comparison, by organisation and sector."""
    data = []
    for item in items:
        change = item.positions.difference.sel(line="do_something", year=year)
        holders = [str(h) for h in change.holder.values]
        data.append(
            {
                "type": "bar",
                "name": item.label,
                "x": [holder_label(item.base, h) for h in holders],
                "y": [float(change.sel(holder=h)) for h in holders],
                "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
            }
        )
    title = f"Change in the do-something position, {year} (£'000)"
    layout = chart_layout(title, "£'000, worse is positive", barmode="group", height=480)
    return Chart("chart-compare", title, "Each comparison's effect on each position.", data, layout)


def tidy(items: Sequence[Compared]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for item in items:
        frame = item.positions.to_dataframe().reset_index()
        for record in frame.to_dict("records"):
            rows.append({"comparison": item.label, **{str(key): value for key, value in record.items()}})
    return rows


def write_comparison(
    items: Sequence[Compared],
    tables: Sequence[FormattedTable],
    folder: Path,
    provenance: Provenance,
) -> list[Path]:
    """``compare.csv`` (comparison, line, holder, year, base, other, difference), ``compare.html`` and
    ``compare.xlsx`` into ``folder``."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "compare.csv"
    pd.DataFrame(tidy(items)).to_csv(csv_path, index=False, float_format="%.4f")
    year = items[0].base.bridge_year
    html_path = folder / "compare.html"
    html_path.write_text(
        run_page(items[0].base, provenance, tables, [comparison_chart(items, year)]), encoding="utf-8"
    )
    workbook = new_workbook()
    add_table_sheets(workbook, tables, setup=PrintSetup.for_provenance(provenance))
    xlsx_path = folder / "compare.xlsx"
    save_workbook(workbook, xlsx_path)
    return [csv_path, html_path, xlsx_path]


def summary_rows(
    items: Sequence[Compared], year: str, line: str = "do_something"
) -> list[tuple[str, float, float, float]]:
    """Per comparison: the change in ``year`` of the do-something position (``line``: the typed one, or
    ``schemes.position`` for the one from the schemes) of the NHS, social care and the system; none for
    the positions from the schemes where the runs have none."""
    out = []
    for item in items:
        if line not in item.positions.line.values:
            continue
        change = item.positions.difference.sel(line=line, year=year)
        out.append(
            (
                item.label,
                float(change.sel(holder="nhs")),
                float(change.sel(holder="social_care")),
                float(change.sel(holder=SYSTEM)),
            )
        )
    return out


__all__ = [
    "SCHEME_POSITION",
    "Column",
    "Compared",
    "compared",
    "comparison_chart",
    "holders_year_table",
    "summary_rows",
    "variant_table",
    "versions_table",
    "write_comparison",
]
