"""The report of a region: its consolidated tables as tidy CSV, and a page (``region.html``) with the region's
bridge as a waterfall, each place's bridge, the organisations' positions over the places they serve, the
payments between places eliminated and the reconciliation. Reads a
:class:`~carebridge.engine.region.Consolidation`; computes nothing the engine holds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from carebridge.engine.region import (
    BRIDGE_LINES,
    LINE_LABELS,
    ORG_COLUMN_LABELS,
    ORG_COLUMNS,
    RECONCILIATION,
    RECONCILIATION_LABELS,
    Consolidation,
)
from carebridge.report.chart import Chart
from carebridge.report.html import contents, document, figure_html, footer, header, scripts
from carebridge.report.html_table import render_table
from carebridge.report.plan_charts import bridge_waterfall
from carebridge.report.table import Column, FormattedTable, Row, RowKind, heading, year_columns
from carebridge.version import __version__

Floats = npt.NDArray[np.float64]

HTML_FILE = "region.html"
RUN_FILE = "region.json"
FOOTER = (
    "Money in £'000, deficit positive; savings, funding and a payer paying less are negative and shown in "
    "brackets."
)


def _money(values: Sequence[float] | npt.NDArray[np.float64]) -> tuple[float, ...]:
    return tuple(float(value) + 0.0 for value in values)


def region_bridge_table(region: Consolidation) -> FormattedTable:
    """The region's bridge, every year: do-nothing gap, the places' steps summed, the payments between places
    eliminated, the region lines, do-something."""
    last = len(region.bridge_lines) - 1
    rows = tuple(
        Row(name, _money(values), "total" if i in (0, last) else "normal")
        for i, (name, values) in enumerate(zip(region.bridge_names, region.bridge, strict=True))
    )
    return FormattedTable(
        "region-bridge",
        "The region's bridge",
        "Region bridge",
        "£'000",
        tuple(year_columns(region.years)),
        rows,
        label_header="Line",
        note="The places' bridges from the schemes added up, less the payments between places.",
    )


def place_bridges_table(region: Consolidation) -> FormattedTable:
    """Each place's bridge from the schemes, every year."""
    rows: list[Row] = []
    width = len(region.years)
    for p, name in enumerate(region.place_names):
        rows.append(heading(name, width))
        for i, line in enumerate(BRIDGE_LINES):
            kind: RowKind = "total" if i in (0, len(BRIDGE_LINES) - 1) else "normal"
            rows.append(Row(LINE_LABELS[line], _money(region.place_bridges[p, i]), kind))
    return FormattedTable(
        "place-bridges",
        "Each place's bridge",
        "Place bridges",
        "£'000",
        tuple(year_columns(region.years)),
        tuple(rows),
        label_header="Place and line",
    )


def organisations_table(region: Consolidation, year: str) -> FormattedTable:
    """Each organisation's position in ``year``, summed over the places it serves."""
    at = region.years.index(year)
    rows = [
        Row(name, _money(region.org_positions[o, :, at]))
        for o, name in enumerate(region.org_names)
        if region.org_places[o] or region.org_positions[o, :, at].any()
    ]
    totals = _money(region.org_positions[:, :, at].sum(axis=0))
    columns = tuple(Column(ORG_COLUMN_LABELS[column]) for column in ORG_COLUMNS)
    return FormattedTable(
        "organisations",
        f"Organisations' positions over the places they serve, {year}",
        "Organisations",
        "£'000",
        columns,
        (*rows, Row("Region", totals, "total")),
        label_header="Organisation",
        note="An organisation shared by several places is one organisation: its places' parts added up.",
    )


def eliminations_table(region: Consolidation) -> FormattedTable:
    """The payments between places, eliminated from the region, every year."""
    names = region.org_name_of
    places = dict(zip(region.places, region.place_names, strict=True))
    rows = [
        Row(
            f"{_in_place(names.get(e.payer, e.payer), places[e.place])} to "
            f"{names.get(e.provider, e.provider)}: {e.pod_name}",
            _money(e.values),
        )
        for e in region.eliminations
    ]
    total = _money(sum((e.values for e in region.eliminations), region.bridge[0] * 0))
    return FormattedTable(
        "eliminations",
        "Payments between places, eliminated",
        "Eliminations",
        "£'000",
        tuple(year_columns(region.years)),
        (*rows, Row("Total eliminated", total, "total")),
        label_header="Payer (place) to provider: point of delivery",
        note="A place's change in payment to a provider of another place: a saving of the place, income the "
        "provider loses in the region.",
    )


def _in_place(payer: str, place: str) -> str:
    """The payer's name with its place, once: an organisation of one place already has it in its name."""
    return payer if payer.endswith(f"({place})") else f"{payer} ({place})"


def reconciliation_table(region: Consolidation) -> FormattedTable:
    """The region against the sum of its places less the eliminations, every year."""
    rows = tuple(
        Row(
            RECONCILIATION_LABELS[row],
            _money(region.reconciliation[i]),
            "total" if row in ("expected", "difference") else "normal",
        )
        for i, row in enumerate(RECONCILIATION)
    )
    return FormattedTable(
        "reconciliation",
        "Reconciliation: the region = the sum of its places − eliminations",
        "Reconciliation",
        "£'000",
        tuple(year_columns(region.years)),
        rows,
        label_header="Check",
    )


def region_tables(region: Consolidation, year: str) -> list[FormattedTable]:
    return [
        region_bridge_table(region),
        organisations_table(region, year),
        eliminations_table(region),
        reconciliation_table(region),
        place_bridges_table(region),
    ]


def region_chart(region: Consolidation, year: str) -> Chart:
    at = region.years.index(year)
    values = [float(value) for value in region.bridge[:, at]]
    measures = ["absolute", *(["relative"] * (len(values) - 2)), "total"]
    title = f"The region's bridge, {year} (£'000)"
    return bridge_waterfall(
        "chart-region-bridge",
        title,
        f"Waterfall of the region's position in {year}.",
        list(region.bridge_names),
        values,
        measures,
    )


def region_page(
    name: str, description: str, region: Consolidation, year: str, facts: Sequence[tuple[str, str]]
) -> str:
    """The region's page: its header, contents, the bridge as a waterfall and the tables."""
    tables = region_tables(region, year)
    charts = [region_chart(region, year)]
    places = ", ".join(region.place_names)
    body = [
        header(
            name,
            description.strip(),
            [*facts, ("Places", places), ("Years", f"{region.years[0]} to {region.years[-1]}")],
        ),
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
    return document(name, body)


def tidy_tables(region: Consolidation) -> dict[str, pd.DataFrame]:
    """The consolidated tables in long form, one row per value: ids and printed names both."""
    years = list(region.years)
    places = dict(zip(region.places, region.place_names, strict=True))
    names = region.org_name_of
    bridge = [
        {"line": line, "name": name, "year": year, "value": float(region.bridge[i, y])}
        for i, (line, name) in enumerate(zip(region.bridge_lines, region.bridge_names, strict=True))
        for y, year in enumerate(years)
    ]
    place_bridges = [
        {
            "place": place,
            "place_name": places[place],
            "line": line,
            "name": LINE_LABELS[line],
            "year": year,
            "value": float(region.place_bridges[p, i, y]),
        }
        for p, place in enumerate(region.places)
        for i, line in enumerate(BRIDGE_LINES)
        for y, year in enumerate(years)
    ]
    organisations = [
        {
            "org": org,
            "name": names[org],
            "places": " ".join(region.org_places[o]),
            "line": column,
            "year": year,
            "value": float(region.org_positions[o, c, y]),
        }
        for o, org in enumerate(region.orgs)
        for c, column in enumerate(ORG_COLUMNS)
        for y, year in enumerate(years)
    ]
    eliminations = [
        {
            "place": e.place,
            "payer": e.payer,
            "payer_name": names.get(e.payer, e.payer),
            "provider": e.provider,
            "provider_name": names.get(e.provider, e.provider),
            "pod": e.pod,
            "pod_name": e.pod_name,
            "year": year,
            "value": float(e.values[y]),
        }
        for e in region.eliminations
        for y, year in enumerate(years)
    ]
    reconciliation = [
        {
            "check": row,
            "name": RECONCILIATION_LABELS[row],
            "year": year,
            "value": float(region.reconciliation[i, y]),
        }
        for i, row in enumerate(RECONCILIATION)
        for y, year in enumerate(years)
    ]
    columns = {
        "region_bridge": ["line", "name", "year", "value"],
        "place_bridges": ["place", "place_name", "line", "name", "year", "value"],
        "organisations": ["org", "name", "places", "line", "year", "value"],
        "eliminations": [
            "place",
            "payer",
            "payer_name",
            "provider",
            "provider_name",
            "pod",
            "pod_name",
            "year",
            "value",
        ],
        "reconciliation": ["check", "name", "year", "value"],
    }
    rows = {
        "region_bridge": bridge,
        "place_bridges": place_bridges,
        "organisations": organisations,
        "eliminations": eliminations,
        "reconciliation": reconciliation,
    }
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in rows}


def write_region_report(
    name: str,
    description: str,
    region: Consolidation,
    year: str,
    folder: Path,
    facts: Sequence[tuple[str, str]],
) -> list[Path]:
    """Write the region's CSV tables, ``region.html`` and ``region.json`` (the facts and the files) into
    ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in tidy_tables(region).items():
        path = folder / f"{table}.csv"
        frame.to_csv(path, index=False, float_format="%.6f")
        written.append(path)
    page = folder / HTML_FILE
    page.write_text(region_page(name, description, region, year, facts), encoding="utf-8")
    written.append(page)
    record = folder / RUN_FILE
    files = [path.name for path in [*written, record]]
    record.write_text(
        json.dumps({**dict(facts), "region": name, "files": files}, indent=2) + "\n", encoding="utf-8"
    )
    return [*written, record]


SIMULATION_FILE = "region_simulation.html"


def simulation_table(
    years: Sequence[str],
    wanted: Sequence[float],
    region: Floats,
    summed: Floats,
    balance: Floats,
    draws: int,
) -> FormattedTable:
    """The region's percentiles (of the regional totals), the places' percentiles added up beside them, and
    P(balance), every year."""
    rows = [Row(f"Region, P{p:g}", _money(region[i])) for i, p in enumerate(wanted)]
    rows += [Row(f"Sum of the places' P{p:g}", _money(summed[i])) for i, p in enumerate(wanted)]
    rows.append(Row("P(the region balances)", _money(balance), "total", number="percent"))
    return FormattedTable(
        "region-simulation",
        f"The region's do-something position over {draws:,} draws",
        "Region Monte Carlo",
        "£'000",
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Percentile",
        note="Percentiles of the regional totals, draw by draw (every place's draws aligned); the sums of "
        "the places' own percentiles are shown for contrast, not used.",
    )


def write_region_simulation(
    name: str,
    table: FormattedTable,
    places: Sequence[str],
    place_rows: Floats,
    wanted: Sequence[float],
    folder: Path,
    facts: Sequence[tuple[str, str]],
) -> list[Path]:
    """Write ``region_simulation.csv`` (the region's rows), ``place_simulation.csv`` (each place's
    percentiles, (place, percentile, year)) and ``region_simulation.html``."""
    folder.mkdir(parents=True, exist_ok=True)
    years = [column.header for column in table.columns]
    region = pd.DataFrame(
        [
            {"measure": row.label, "year": year, "value": row.values[y]}
            for row in table.rows
            for y, year in enumerate(years)
        ]
    )
    place = pd.DataFrame(
        [
            {"place": places[p], "percentile": percentile, "year": year, "value": float(place_rows[p, i, y])}
            for p in range(len(places))
            for i, percentile in enumerate(wanted)
            for y, year in enumerate(years)
        ]
    )
    written = [folder / "region_simulation.csv", folder / "place_simulation.csv"]
    region.to_csv(written[0], index=False, float_format="%.6f")
    place.to_csv(written[1], index=False, float_format="%.6f")
    body = [
        header(name, "Monte Carlo across the region's places, every place's draws aligned.", facts),
        "<main>",
        render_table(table),
        "</main>",
        footer(__version__, FOOTER),
    ]
    page = folder / SIMULATION_FILE
    page.write_text(document(f"{name}: Monte Carlo", body), encoding="utf-8")
    return [*written, page]
