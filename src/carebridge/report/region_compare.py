"""Reports of region comparisons (docs/region.md): two versions of a region file, or each variant of a region
against the base. Tables of every holder's positions (each organisation, sector, place and the region) and
of the region's bridge, a chart of the changes, ``compare.csv`` (tidy), ``compare.html`` and
``compare.xlsx``. Reads :class:`~carebridge.engine.region_compare.RegionComparison`; computes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pandas as pd

from carebridge.engine.region_compare import HOLDER_KINDS, MEASURE_LABELS, REGION, RegionComparison
from carebridge.report.chart import Chart, chart_layout
from carebridge.report.excel import add_table_sheets, new_workbook, save_workbook
from carebridge.report.html import contents, document, figure_html, footer, header, scripts
from carebridge.report.html_table import render_table
from carebridge.report.table import Column, FormattedTable, Row, RowKind, heading, series, year_columns
from carebridge.version import __version__

KIND_TITLES = {
    "organisation": "Organisations (over the places they serve)",
    "sector": "Sectors",
    "place": "Places",
    "region": "The region",
}
FOOTER = "Money in £'000, deficit positive: a positive change worsens the position (more deficit)."
CSV_FILE, HTML_FILE, XLSX_FILE = "compare.csv", "compare.html", "compare.xlsx"


def _kind(holder: str, compared: RegionComparison) -> RowKind:
    return "total" if compared.holder_kinds[holder] in ("sector", "region") else "normal"


def _holder_rows(compared: RegionComparison, values: dict[str, tuple[float, ...]], width: int) -> list[Row]:
    """A heading for each kind of holder, then its holders' rows."""
    rows: list[Row] = []
    for kind in HOLDER_KINDS:
        holders = [holder for holder in compared.holders if compared.holder_kinds[holder] == kind]
        if not holders:
            continue
        rows.append(heading(KIND_TITLES[kind], width))
        rows += [Row(compared.holder_names[h], values[h], _kind(h, compared)) for h in holders]
    return rows


def positions_year_table(
    compared: RegionComparison,
    year: str,
    base_name: str,
    other_name: str,
    measures: Sequence[str] = ("do_something", "do_nothing"),
) -> FormattedTable:
    """Each organisation's, sector's and place's and the region's do-something position and do-nothing gap
    (``measures``) in ``year``: under ``base_name``, under ``other_name``, and the change."""
    cell = compared.positions.sel(year=year)
    values = {
        holder: tuple(
            float(cell[part].sel(measure=measure, holder=holder)) + 0.0
            for measure in measures
            for part in ("base", "other", "difference")
        )
        for holder in compared.holders
    }
    columns = tuple(
        Column(name, group=MEASURE_LABELS[measure] if len(measures) > 1 else None)
        for measure in measures
        for name in (base_name, other_name, "Change")
    )
    what = "Positions" if len(measures) > 1 else f"{MEASURE_LABELS[measures[0]]}s"
    rows = [
        Row(row.label, row.values, row.kind, flags=_flags(row.values)) if row.kind != "heading" else row
        for row in _holder_rows(compared, values, len(columns))
    ]
    return FormattedTable(
        f"positions_{year.replace('/', '_')}_{'_'.join(measures)}",
        f"{what} in {year}: {base_name}, {other_name} and change",
        f"Positions {year}",
        "£'000",
        columns,
        tuple(rows),
        label_header="Holder",
        note="An organisation's position is summed over the places it serves, with the income it loses on "
        "payments between places and its share of the region lines. A positive change worsens it.",
    )


def _flags(values: tuple[float | None, ...]) -> tuple[bool, ...]:
    """The changes (every third column) that moved by more than half a thousand pounds."""
    return tuple(index % 3 == 2 and abs(value or 0.0) > 0.5 for index, value in enumerate(values))


def _suffix(label: str) -> str:
    cleaned = "".join(char if char.isalnum() else "_" for char in label.lower()).strip("_")
    return f"_{cleaned}" if cleaned else ""


def positions_versions_table(compared: RegionComparison, base_name: str, other_name: str) -> FormattedTable:
    """Every holder's do-something position, every year: under each version and the change."""
    years = compared.years
    something = compared.positions.sel(measure="do_something")
    values = {
        holder: tuple(
            value
            for part in ("base", "other", "difference")
            for value in series(something[part].sel(holder=holder), years)
        )
        for holder in compared.holders
    }
    columns = (
        *year_columns(years, group=base_name),
        *year_columns(years, group=other_name),
        *year_columns(years, group="Change"),
    )
    return FormattedTable(
        "positions",
        f"Do-something positions, every year: {base_name}, {other_name} and change",
        "Positions",
        "£'000",
        columns,
        tuple(_holder_rows(compared, values, len(columns))),
        label_header="Holder",
    )


def bridge_versions_table(compared: RegionComparison, base_name: str, other_name: str) -> FormattedTable:
    """The region's bridge, every year: under each version and the change."""
    years = compared.years
    last = len(compared.lines) - 1
    rows = []
    for index, line in enumerate(compared.lines):
        values = tuple(
            value
            for part in ("base", "other", "difference")
            for value in series(compared.bridge[part].sel(line=line), years)
        )
        rows.append(Row(compared.line_names[line], values, "total" if index in (0, last) else "normal"))
    columns = (
        *year_columns(years, group=base_name),
        *year_columns(years, group=other_name),
        *year_columns(years, group="Change"),
    )
    return FormattedTable(
        "bridge",
        f"The region's bridge: {base_name}, {other_name} and change",
        "Region bridge",
        "£'000",
        columns,
        tuple(rows),
        label_header="Line",
    )


def variant_table(compared: RegionComparison, label: str) -> FormattedTable:
    """The effect of a variant (variant − base), every year: every holder's do-something position and
    do-nothing gap, and each line of the region's bridge."""
    years = compared.years
    width = len(years)
    rows: list[Row] = []
    for measure in ("do_something", "do_nothing"):
        change = compared.positions.difference.sel(measure=measure)
        values = {holder: series(change.sel(holder=holder), years) for holder in compared.holders}
        rows.append(heading(MEASURE_LABELS[measure], width))
        rows += _holder_rows(compared, values, width)
    rows.append(heading("The region's bridge", width))
    last = len(compared.lines) - 1
    for index, line in enumerate(compared.lines):
        kind: RowKind = "total" if index in (0, last) else "normal"
        rows.append(
            Row(compared.line_names[line], series(compared.bridge.difference.sel(line=line), years), kind)
        )
    return FormattedTable(
        f"variant{_suffix(label)}",
        f"Effect of {label} on the region (variant − base)",
        label,
        "£'000",
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Holder or line",
        note="Each change of the variant applied to every place that has its path. A positive effect worsens "
        "the position (more deficit).",
    )


def summary_rows(
    items: Sequence[tuple[str, RegionComparison]], year: str
) -> list[tuple[str, float, float, float]]:
    """Per comparison: the change in ``year`` of the NHS's, social care's and the region's do-something
    position."""
    rows = []
    for label, compared in items:
        change = compared.positions.difference.sel(measure="do_something", year=year)
        rows.append(
            (
                label,
                float(change.sel(holder="sector:nhs")),
                float(change.sel(holder="sector:social_care")),
                float(change.sel(holder=REGION)),
            )
        )
    return rows


def summary_table(items: Sequence[tuple[str, RegionComparison]], year: str) -> FormattedTable:
    """Per comparison, the change in ``year`` of the NHS's, social care's and the region's do-something
    position."""
    return FormattedTable(
        "summary",
        f"Change in the do-something position, {year} (positive is worse)",
        "Summary",
        "£'000",
        (Column("NHS"), Column("Social care"), Column("Region")),
        tuple(Row(label, (nhs, social, region)) for label, nhs, social, region in summary_rows(items, year)),
        label_header="Comparison",
    )


def comparison_chart(items: Sequence[tuple[str, RegionComparison]], year: str) -> Chart:
    """The change in every holder's do-something position in ``year``, for each comparison."""
    data = []
    for label, compared in items:
        change = compared.positions.difference.sel(measure="do_something", year=year)
        data.append(
            {
                "type": "bar",
                "name": label,
                "x": [compared.holder_names[holder] for holder in compared.holders],
                "y": [float(change.sel(holder=holder)) for holder in compared.holders],
                "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
            }
        )
    title = f"Change in the do-something position, {year} (£'000)"
    layout = chart_layout(title, "£'000, worse is positive", barmode="group", height=480)
    return Chart("chart-region-compare", title, "Each comparison's effect on every position.", data, layout)


def tidy(items: Sequence[tuple[str, RegionComparison]]) -> pd.DataFrame:
    """One row per value: comparison, part (``position`` or ``bridge``), line (the measure, or the bridge's
    line), holder kind, holder id, printed names, year, base, other, difference."""
    rows: list[dict[str, object]] = []
    for label, compared in items:
        frame = compared.positions.to_dataframe().reset_index()
        for record in frame.to_dict("records"):
            holder = str(record["holder"])
            rows.append(
                {
                    "comparison": label,
                    "part": "position",
                    "line": record["measure"],
                    "line_name": MEASURE_LABELS[str(record["measure"])],
                    "kind": compared.holder_kinds[holder],
                    "holder": holder.partition(":")[2] or holder,
                    "holder_name": compared.holder_names[holder],
                    **_values(record),
                }
            )
        frame = compared.bridge.to_dataframe().reset_index()
        for record in frame.to_dict("records"):
            rows.append(
                {
                    "comparison": label,
                    "part": "bridge",
                    "line": record["line"],
                    "line_name": compared.line_names[str(record["line"])],
                    "kind": "region",
                    "holder": REGION,
                    "holder_name": "Region",
                    **_values(record),
                }
            )
    return pd.DataFrame(rows)


def _values(record: dict[object, object]) -> dict[str, object]:
    """The year and the three values of a record, ``-0.0`` as ``0.0``."""
    return {
        "year": record["year"],
        **{key: float(cast(float, record[key])) + 0.0 for key in ("base", "other", "difference")},
    }


def write_region_comparison(
    name: str,
    lead: str,
    items: Sequence[tuple[str, RegionComparison]],
    tables: Sequence[FormattedTable],
    year: str,
    folder: Path,
    facts: Sequence[tuple[str, str]],
) -> list[Path]:
    """``compare.csv``, ``compare.html`` (the chart of the changes in ``year`` and ``tables``) and
    ``compare.xlsx`` (one sheet a table) into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / CSV_FILE
    tidy(items).to_csv(csv_path, index=False, float_format="%.4f")
    charts = [comparison_chart(items, year)]
    body = [
        header(name, lead, facts),
        "<main>",
        contents(tables, charts),
        '<section id="charts"><h2>Charts</h2>',
        *(figure_html(chart) for chart in charts),
        "</section>",
        '<section id="tables"><h2>Tables</h2>',
        *(render_table(table) for table in tables),
        "</section>",
        "</main>",
        footer(__version__, FOOTER),
        *scripts(charts),
    ]
    html_path = folder / HTML_FILE
    html_path.write_text(document(name, body), encoding="utf-8")
    workbook = new_workbook()
    add_table_sheets(workbook, tables)
    xlsx_path = folder / XLSX_FILE
    save_workbook(workbook, xlsx_path)
    return [csv_path, html_path, xlsx_path]
