"""Reports of a Green Book appraisal and of a prioritisation: formatted tables, charts, CSV, HTML and Excel.

Everything here reads an :class:`~carebridge.engine.appraisal.Appraisal` (its datasets as views: numpy with
labels, ``Appraisal.view``) or a :class:`~carebridge.engine.prioritise.Selection`; nothing is computed
again. In the appraisal tables benefits
(savings) and costs (investment with optimism bias) are both positive and net benefit is benefit − cost, as
the Green Book writes them; money in £'000 at base-year prices. A benefit-cost ratio is a ratio, as the
Green Book defines it (PV benefit / PV cost: 2.49), in every output; return on investment a percentage.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from carebridge.engine.appraisal import NEVER, PROGRAMME, Appraisal
from carebridge.engine.prioritise import OVERRIDE_NAMES, Decision, Portfolio, Selection
from carebridge.engine.results import Results
from carebridge.engine.view import View
from carebridge.report.chart import PALETTE, YEAR_AXIS, YEAR_LEGEND, Chart, Spec, chart_layout
from carebridge.report.excel import (
    PrintSetup,
    add_table_sheets,
    new_workbook,
    save_workbook,
    write_excel,
    write_facts,
    write_records,
)
from carebridge.report.html import document, figure_html, footer, header, run_page, scripts
from carebridge.report.html_table import Cell, HtmlRow, HtmlTable, render_html_table, render_table
from carebridge.report.numbers import MONEY, NumberKind, format_number
from carebridge.report.provenance import Provenance
from carebridge.report.run_views import appraised
from carebridge.report.table import (
    Cells,
    Column,
    FormattedTable,
    Row,
    RowKind,
    heading,
    total,
    year_columns,
)

if TYPE_CHECKING:
    import pandas as pd

BASES = ("tariff", "cost")
APPRAISAL_FILES = ("appraisal.csv", "appraisal_by_year.csv", "appraisal.html", "appraisal.xlsx")
SUMMARY_MEASURES: tuple[tuple[str, str, NumberKind], ...] = (
    ("pv_benefit", "PV benefit", "money"),
    ("pv_cost", "PV cost", "money"),
    ("npv", "NPV", "money"),
    ("bcr", "BCR", "ratio"),
    ("roi", "ROI", "percent"),
    ("payback_years", "Payback (years)", "activity"),
)


# ---- appraisal: tables ------------------------------------------------------------------------------------


def _value(value: float) -> float | None:
    return None if value != value else float(value) + 0.0  # NaN → blank


def _label(appraisal: Appraisal, scheme: str) -> str:
    return appraisal.names.get(scheme, scheme)


def _years(by_year: dict[str, View]) -> list[str]:
    """The years appraised (``Appraisal.years``), from its views."""
    return [str(year) for year in by_year["benefit"].labels["year"]]


def _schemes(by_year: dict[str, View]) -> list[str]:
    """The schemes appraised, then the programme (``Appraisal.schemes``), from its views."""
    return [str(scheme) for scheme in by_year["benefit"].labels["scheme"]]


def _payback_year(paybacks: Cells, years: list[str], scheme: str, basis: str) -> str | None:
    """``Appraisal.payback_year`` from the summary's view: the payback year's label, None when never."""
    index = int(paybacks.raw(scheme=scheme, basis=basis))
    return None if index == NEVER else years[index]


def optimism_bias_on(appraisal: Appraisal) -> bool:
    """Whether any optimism-bias uplift is above zero (else no caption, row or table names it)."""
    bias = appraisal.parameters.optimism_bias
    return any(uplift > 0 for uplift in (bias.default, bias.of_programme, *bias.schemes.values()))


def basis_note(appraisal: Appraisal) -> str:
    """How the money is valued: prices (real or cash terms, the deflator), discounting, and optimism bias
    when some uplift is not zero (a caption never names an adjustment that is off)."""
    raised = optimism_bias_on(appraisal)
    return (
        f"{appraisal.prices.words}. Discounted to {appraisal.discount_base_year} (year 0) at "
        f"{appraisal.parameters.schedule_name}" + ("; investment raised by optimism bias." if raised else ".")
    )


def summary_table(appraisal: Appraisal) -> FormattedTable:
    """Each scheme and the programme: PV benefit, PV cost, NPV, BCR, ROI and years to payback, on the
    tariff and the cost basis."""
    columns = tuple(
        Column(title, basis.capitalize() + " basis", number)
        for basis in BASES
        for _, title, number in SUMMARY_MEASURES
    )
    summary = appraised(appraisal, "summary")
    by_year = appraised(appraisal, "by_year")
    years, schemes = _years(by_year), _schemes(by_year)
    measures = {
        measure: Cells(summary[measure].transpose("scheme", "basis")) for measure, _, _ in SUMMARY_MEASURES
    }
    rows = []
    for scheme in schemes:
        values = []
        for basis in BASES:
            for measure, _, _ in SUMMARY_MEASURES:
                number = measures[measure].raw(scheme=scheme, basis=basis)
                values.append(None if measure == "payback_years" and number == NEVER else _value(number))
        kind: RowKind = "total" if scheme == PROGRAMME else "normal"
        rows.append(Row(_label(appraisal, scheme), tuple(values), kind))
    payback = Cells(summary["payback"].transpose("scheme", "basis"))
    paybacks = "; ".join(
        f"{_label(appraisal, scheme)} {_payback_year(payback, years, scheme, 'cost') or 'never'}"
        for scheme in schemes
    )
    note = (
        f"{basis_note(appraisal)} BCR = PV benefit / PV cost; ROI = NPV / PV cost; payback in years from "
        f"the first year of investment, blank if never. Payback year, cost basis: {paybacks}."
    )
    return FormattedTable(
        "appraisal",
        "Green Book appraisal by scheme",
        "Appraisal",
        MONEY,
        columns,
        tuple(rows),
        label_header="Scheme",
        note=note,
    )


def cumulative_table(appraisal: Appraisal, basis: str) -> FormattedTable:
    """Cumulative discounted net benefit of each scheme and the programme, by year."""
    by_year = appraised(appraisal, "by_year")
    years = _years(by_year)
    cumulative = Cells(by_year["cumulative_net"].transpose("scheme", "basis", "year"))
    rows = [
        Row(
            _label(appraisal, scheme),
            cumulative.series(years, scheme=scheme, basis=basis),
            "total" if scheme == PROGRAMME else "normal",
        )
        for scheme in _schemes(by_year)
    ]
    return FormattedTable(
        f"appraisal_cumulative_{basis}",
        f"Cumulative discounted net benefit, {basis} basis",
        f"Cumulative NPV {basis}",
        MONEY,
        tuple(year_columns(years)),
        tuple(rows),
        label_header="Scheme",
        note=f"Σ of discounted (benefit − cost) to each year. {basis_note(appraisal)}",
    )


def workings_table(appraisal: Appraisal, basis: str, scheme: str = PROGRAMME) -> FormattedTable:
    """The arithmetic of one scheme (the programme by default), year by year: benefit, cost and its
    optimism bias, net, discount factor, discounted net, cumulative."""
    by_year = appraised(appraisal, "by_year")
    years = _years(by_year)
    bias = optimism_bias_on(appraisal)
    lines: list[tuple[str, str, RowKind, NumberKind | None]] = [
        ("Benefit (saving)", "benefit", "normal", None),
        ("Cost (investment with optimism bias)" if bias else "Cost (investment)", "cost", "normal", None),
        ("  of which optimism bias", "optimism_bias", "normal", None),
        ("Net benefit", "net", "total", None),
        ("Price factor (base-year prices / year's prices)", "price_factor", "normal", "percent"),
        ("Discount rate", "discount_rate", "normal", "percent"),
        ("Discount factor", "discount_factor", "normal", "percent"),
        ("Discounted net benefit", "discounted_net", "normal", None),
        ("Cumulative discounted net benefit", "cumulative_net", "total", None),
    ]

    def line(name: str) -> tuple[float, ...]:
        values = by_year[name]
        chosen = {dim: label for dim, label in (("scheme", scheme), ("basis", basis)) if dim in values.dims}
        return Cells(values).series(years, **chosen)

    rows = tuple(
        Row(label, line(name), kind, number)
        for label, name, kind, number in lines
        if bias or label != "  of which optimism bias"
    )
    name = _label(appraisal, scheme)
    return FormattedTable(
        f"appraisal_workings_{scheme}_{basis}",
        f"Appraisal workings: {name}, {basis} basis",
        f"Workings {basis}",
        MONEY,
        tuple(year_columns(years)),
        rows,
        note=f"{basis_note(appraisal)} Discount factor D_t = D_t−1 / (1 + r_t), D_0 = 1.",
    )


def optimism_bias_table(appraisal: Appraisal) -> FormattedTable:
    """The optimism-bias uplift on each scheme's investment and on investment not in a scheme."""
    rows = tuple(
        Row(
            _label(appraisal, scheme) if scheme != PROGRAMME else "Investment not attached to a scheme",
            (appraisal.uplift[scheme],),
        )
        for scheme in _schemes(appraised(appraisal, "by_year"))
    )
    return FormattedTable(
        "appraisal_optimism_bias",
        "Optimism bias on investment",
        "Optimism bias",
        "fraction of investment",
        (Column("Uplift"),),
        rows,
        number="percent",
        label_header="Scheme",
        note="Cost = investment × (1 + uplift).",
    )


def appraisal_tables(appraisal: Appraisal) -> list[FormattedTable]:
    """Every table of the cash appraisal, in the order the reports show them; the optimism-bias table only
    when some uplift is on."""
    return [
        summary_table(appraisal),
        *(cumulative_table(appraisal, basis) for basis in BASES),
        *(workings_table(appraisal, basis) for basis in BASES),
        *([optimism_bias_table(appraisal)] if optimism_bias_on(appraisal) else []),
    ]


# ---- economic and social value: beyond cash ---------------------------------------------------------------

KIND_TITLES = {"fiscal": "Fiscal", "economic": "Economic", "social": "Social"}
PUBLIC_VALUE_NOTE = (
    "Benefits beyond cash (QALYs at their stated value, fiscal benefits to public bodies outside the plan's "
    "cash, economic and social benefits, as the Greater Manchester CBA model splits them), stated at "
    "base-year prices and discounted as the cash figures. Shown apart from the cash NPV; never part of the "
    "plan's bridge, positions or flows. Public value NPV = cash NPV + PV beyond cash."
)


def public_value_table(appraisal: Appraisal) -> FormattedTable:
    """Each scheme and the programme: the present value of its benefits beyond cash by kind, and its public
    value NPV (cash NPV plus them) on each basis."""
    present = View.of(appraisal.public.present_value)
    by_kind = Cells(present.transpose("scheme", "kind"))
    totals = Cells(present.sum("kind"))
    public_npv = Cells(appraised(appraisal, "summary")["public_value_npv"].transpose("scheme", "basis"))
    columns = (
        *(Column(KIND_TITLES[kind], "PV beyond cash") for kind in KIND_TITLES),
        Column("Total", "PV beyond cash"),
        *(Column(basis.capitalize() + " basis", "Public value NPV") for basis in BASES),
    )
    rows = []
    for scheme in _schemes(appraised(appraisal, "by_year")):
        values = [by_kind(scheme=scheme, kind=kind) for kind in KIND_TITLES]
        values.append(totals(scheme=scheme))
        values += [public_npv(scheme=scheme, basis=basis) for basis in BASES]
        kind: RowKind = "total" if scheme == PROGRAMME else "normal"
        rows.append(Row(_label(appraisal, scheme), tuple(values), kind))
    return FormattedTable(
        "appraisal_public_value",
        "Economic and social value: beyond cash, and public value NPV",
        "Public value",
        MONEY,
        columns,
        tuple(rows),
        label_header="Scheme",
        note=f"{PUBLIC_VALUE_NOTE} {basis_note(appraisal)}",
    )


def beneficiaries_table(appraisal: Appraisal) -> FormattedTable:
    """Who benefits from the benefits beyond cash and who pays for them: present value by organisation (or
    other party) and kind."""
    width = len(KIND_TITLES) + 1
    rows: list[Row] = []
    for title, party in (("Who benefits", "beneficiary"), ("Who pays", "payer")):
        rows.append(heading(title, width))
        sums: dict[str, dict[str, float]] = {}
        for line in appraisal.public.lines:
            by_kind = sums.setdefault(getattr(line, party), dict.fromkeys(KIND_TITLES, 0.0))
            by_kind[line.kind] += line.present_value
        for name, by_kind in sums.items():
            rows.append(Row(name, (*(by_kind[k] + 0.0 for k in KIND_TITLES), sum(by_kind.values()) + 0.0)))
    columns = (*(Column(KIND_TITLES[kind], "PV beyond cash") for kind in KIND_TITLES), Column("Total"))
    return FormattedTable(
        "appraisal_beneficiaries",
        "Economic and social value by who benefits and who pays",
        "Who benefits",
        MONEY,
        columns,
        tuple(rows),
        label_header="Organisation or party",
        note="Present value of the benefits beyond cash, by the party that gains them and the party that "
        "pays for them (a scheme's benefit without a payer is paid by the organisation that spends its "
        "investment).",
    )


def public_value_tables(appraisal: Appraisal) -> list[FormattedTable]:
    """The economic and social value tables; none when no scheme has a benefit beyond cash."""
    if not appraisal.public.lines:
        return []
    return [public_value_table(appraisal), beneficiaries_table(appraisal)]


def public_value_section(tables: Sequence[FormattedTable]) -> str:
    """The page's "Economic and social value" section, apart from the cash tables; empty without tables."""
    if not tables:
        return ""
    return (
        '<section id="economic-social-value"><h2>Economic and social value</h2>'
        + "".join(render_table(table) for table in tables)
        + "</section>"
    )


# ---- appraisal: chart and files ---------------------------------------------------------------------------


def cumulative_chart(appraisal: Appraisal, basis: str) -> Chart:
    """Cumulative discounted net benefit by scheme over the years; the programme thick and dashed."""
    by_year = appraised(appraisal, "by_year")
    years = _years(by_year)
    cumulative = Cells(by_year["cumulative_net"].transpose("scheme", "basis", "year"))
    data: list[Spec] = []
    for index, scheme in enumerate(_schemes(by_year)):
        programme = scheme == PROGRAMME
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _label(appraisal, scheme),
                "x": years,
                "y": list(cumulative.series(years, scheme=scheme, basis=basis)),
                "line": {
                    "color": "#1d2733" if programme else PALETTE[index % len(PALETTE)],
                    "width": 3 if programme else 2,
                    "dash": "dash" if programme else "solid",
                },
                "hovertemplate": "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
            }
        )
    title = f"Cumulative discounted net benefit by scheme, {basis} basis (£'000)"
    layout = chart_layout(
        title, "£'000, above zero: paid back", height=480, xaxis=YEAR_AXIS, legend=YEAR_LEGEND
    )
    description = (
        f"Running total of discounted benefit less cost for each scheme and the programme, {basis} basis; "
        "a line crossing zero marks the payback year."
    )
    return Chart(f"chart-appraisal-{basis}", title, description, data, layout)


def appraisal_charts(appraisal: Appraisal) -> list[Chart]:
    return [cumulative_chart(appraisal, basis) for basis in BASES]


def write_appraisal(
    results: Results, appraisal: Appraisal, folder: Path, provenance: Provenance, parameters_file: str
) -> list[Path]:
    """Write ``appraisal.csv`` (summary), ``appraisal_by_year.csv``, ``appraisal.html``,
    ``appraisal.xlsx`` and ``appraisal.json`` (provenance and parameters) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = appraisal.summary.to_dataframe().reset_index()
    summary.insert(1, "name", [_label(appraisal, str(s)) for s in summary.scheme])
    summary["payback_year"] = [
        appraisal.payback_year(str(s), str(b)) or ""
        for s, b in zip(summary.scheme, summary.basis, strict=True)
    ]
    written = [folder / "appraisal.csv", folder / "appraisal_by_year.csv"]
    summary.to_csv(written[0], index=False)
    appraisal.by_year.to_dataframe().reset_index().to_csv(written[1], index=False)
    if appraisal.public.lines:
        written.append(folder / "appraisal_public_value.csv")
        _public_value_frame(appraisal).to_csv(written[-1], index=False)
    tables = appraisal_tables(appraisal)
    public = public_value_tables(appraisal)
    page = run_page(results, provenance, tables, appraisal_charts(appraisal))
    page = page.replace("</main>", public_value_section(public) + "</main>", 1)
    written.append(folder / "appraisal.html")
    written[-1].write_text(page, encoding="utf-8")
    written.append(write_excel(results, folder / "appraisal.xlsx", provenance, [*tables, *public]))
    record = {
        **asdict(provenance),
        "parameters_file": parameters_file,
        "parameters": appraisal.parameters.model_dump(mode="json", by_alias=True),
        "prices": asdict(appraisal.prices),
        "basis": basis_note(appraisal),
    }
    written.append(folder / "appraisal.json")
    written[-1].write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return written


def _public_value_frame(appraisal: Appraisal) -> pd.DataFrame:
    """One row per benefit beyond cash and year: scheme, benefit, kind, who benefits, who pays, £'000."""
    import pandas as pd

    records = [
        {
            "scheme": line.scheme,
            "scheme_name": line.scheme_name,
            "benefit": line.name,
            "kind": line.kind,
            "beneficiary": line.beneficiary,
            "payer": line.payer,
            "year": year,
            "value": value,
            "present_value": line.present_value,
        }
        for line in appraisal.public.lines
        for year, value in zip(appraisal.years, line.values, strict=True)
    ]
    return pd.DataFrame.from_records(records)


# ---- prioritisation: tables -------------------------------------------------------------------------------


def _decision_rows(decisions: Sequence[Decision], years: int) -> list[Row]:
    return [
        Row(decision.name, (decision.weighted_score, *decision.cost), number=None) for decision in decisions
    ] or [Row("(none)", (None,) * (years + 1))]


def selection_table(selection: Selection) -> FormattedTable:
    """The funded and the excluded with their weighted scores and investment by year; totals."""
    width = len(selection.years) + 1
    funded = _decision_rows(selection.funded, len(selection.years))
    excluded = _decision_rows(selection.excluded, len(selection.years))
    rows = [
        heading("Funded", width),
        *funded,
        _without_score(total("Total funded", funded, width)),
        heading("Excluded", width),
        *excluded,
        _without_score(total("Total excluded", excluded, width)),
    ]
    columns = (Column("Weighted score", number="percent"), *year_columns(selection.years, "Investment"))
    return FormattedTable(
        "prioritisation",
        f"Funded and excluded ({_method_name(selection)})",
        "Funded and excluded",
        MONEY,
        columns,
        tuple(rows),
        label_header="Candidate",
        note="Weighted score as a share of the best possible; blank for an override given no score.",
    )


def _without_score(row: Row) -> Row:
    return Row(row.label, (None, *row.values[1:]), row.kind)


def envelope_table(selection: Selection) -> FormattedTable:
    """The envelope, what the funded take of it, and what is left, by year."""
    rows = (
        Row("Envelope", selection.envelope),
        Row("Funded", selection.spent),
        Row("Left", selection.left, "total"),
    )
    return FormattedTable(
        "prioritisation_envelope",
        "Investment envelope",
        "Envelope",
        MONEY,
        tuple(year_columns(selection.years)),
        rows,
        note="Overdrawn by the overrides in " + ", ".join(selection.overdrawn) if selection.overdrawn else "",
    )


def _method_name(selection: Selection) -> str:
    value = "NPV" if selection.objective == "npv" else "weighted score"
    return {
        "score": f"ranked by {value}",
        "score-per-pound": f"ranked by {value} per pound",
        "optimal": f"greatest total {value} within the envelope",
    }[selection.method]


def decision_records(selection: Selection, portfolio: Portfolio) -> list[dict[str, object]]:
    """One plain record per candidate: the tidy rows of ``prioritisation.csv`` and the Decisions sheet."""
    overrides = {c.id: c.override for c in portfolio.candidates}
    records: list[dict[str, object]] = []
    for decision in [*selection.funded, *selection.excluded]:
        override = overrides.get(decision.id)
        record: dict[str, object] = {
            "id": decision.id,
            "name": decision.name,
            "decision": "funded" if decision.funded else "excluded",
            "reason": decision.reason,
            "override": OVERRIDE_NAMES[override] if override else "",
            "weighted_score": decision.weighted_score,
            "value": decision.value,
        }
        record.update(
            {f"investment {year}": cost for year, cost in zip(selection.years, decision.cost, strict=True)}
        )
        record["published"] = decision.published or ""
        records.append(record)
    return records


def selection_chart(selection: Selection) -> Chart:
    """Weighted score against total investment, funded and excluded apart."""
    data: list[Spec] = []
    for funded, colour, name in ((True, PALETTE[2], "Funded"), (False, PALETTE[3], "Excluded")):
        chosen = [d for d in [*selection.funded, *selection.excluded] if d.funded is funded]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [sum(d.cost) for d in chosen],
                "y": [d.weighted_score for d in chosen],
                "text": [d.name for d in chosen],
                "marker": {"color": colour, "size": 10},
                "hovertemplate": "%{text}: %{x:,.0f}, %{y:.1%}<extra>%{fullData.name}</extra>",
            }
        )
    layout = chart_layout("Weighted score and investment", "Weighted score", xaxis={"type": "log"})
    layout["yaxis"]["tickformat"] = ".0%"
    layout["xaxis"]["title"] = {"text": "Investment, £'000 (all years, log scale)"}
    description = "Each candidate's weighted score against its investment; funded and excluded."
    return Chart("chart-prioritisation", "Weighted score and investment", description, data, layout)


# ---- prioritisation: files --------------------------------------------------------------------------------


def write_selection(
    selection: Selection, portfolio: Portfolio, folder: Path, provenance: Provenance
) -> list[Path]:
    """Write ``prioritisation.csv``, ``prioritisation.html`` and ``prioritisation.xlsx`` into ``folder``."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    records = decision_records(selection, portfolio)
    tables = [selection_table(selection), envelope_table(selection)]
    csv = folder / "prioritisation.csv"
    pd.DataFrame.from_records(records).to_csv(csv, index=False)
    page = folder / "prioritisation.html"
    page.write_text(_selection_page(selection, portfolio, provenance, tables, records), encoding="utf-8")
    workbook = _selection_workbook(folder / "prioritisation.xlsx", portfolio, provenance, tables, records)
    return [csv, page, workbook]


def _facts(portfolio: Portfolio, provenance: Provenance, selection: Selection) -> list[tuple[str, str]]:
    return [
        ("Source", portfolio.source),
        ("Candidates file", provenance.scenario_file),
        ("SHA-256", provenance.sha256),
        ("CareBridge", provenance.carebridge_version),
        ("Generated", provenance.generated_at),
        ("Method", _method_name(selection)),
    ]


def _selection_page(
    selection: Selection,
    portfolio: Portfolio,
    provenance: Provenance,
    tables: Sequence[FormattedTable],
    records: list[dict[str, object]],
) -> str:
    chart = selection_chart(selection)
    body = [
        header(portfolio.name, portfolio.description.strip(), _facts(portfolio, provenance, selection)),
        "<main>",
        '<section id="decisions"><h2>Decisions</h2>',
        _decisions_html(records),
        "</section>",
        '<section id="tables"><h2>Tables</h2>',
        *(render_table(table) for table in tables),
        "</section>",
        f'<section id="charts"><h2>Chart</h2>{figure_html(chart)}</section>',
        "</main>",
        footer(provenance.carebridge_version, "Money in £'000."),
        *scripts([chart]),
    ]
    return document(portfolio.name, body)


DECISION_COLUMNS = ("name", "decision", "reason", "override", "weighted_score", "published")


def _decisions_html(records: list[dict[str, object]]) -> str:
    """Every candidate, its decision and the reason, as an HTML table; text left, the score right."""
    head = tuple(
        Cell(c.replace("_", " ").capitalize(), header=True, classes="" if c == "weighted_score" else "text")
        for c in DECISION_COLUMNS
    )
    rows = []
    for record in records:
        cells = [Cell(str(record["name"]), header=True)]
        for column in DECISION_COLUMNS[1:]:
            value = record[column]
            if isinstance(value, float) and column == "weighted_score":
                cells.append(Cell(format_number(value, "percent")))
            else:
                cells.append(Cell(str(value or ""), classes="text"))
        rows.append(HtmlRow(tuple(cells)))
    caption = "Every candidate and the reason for its decision"
    return render_html_table(HtmlTable(caption, (head,), tuple(rows), id="decisions"))


def _selection_workbook(
    path: Path,
    portfolio: Portfolio,
    provenance: Provenance,
    tables: Sequence[FormattedTable],
    records: list[dict[str, object]],
) -> Path:
    workbook = new_workbook()
    facts = [
        ("Source", portfolio.source),
        ("Candidates file", provenance.scenario_file),
        ("SHA-256 of the file", provenance.sha256),
        ("CareBridge version", provenance.carebridge_version),
        ("Generated at", provenance.generated_at),
    ]
    setup = PrintSetup(portfolio.name, f"Candidates SHA-256 {provenance.sha256[:12]}")
    write_facts(workbook.create_sheet("About"), portfolio.name, facts, setup=setup)
    decisions = workbook.create_sheet("Decisions")
    headers = list(records[0]) if records else []
    rows = [[_cell_value(record[h]) for h in headers] for record in records]
    write_records(decisions, headers, rows, setup)
    decisions.column_dimensions["B"].width, decisions.column_dimensions["D"].width = 50, 80
    add_table_sheets(workbook, tables, reserved=("About", "Decisions"), setup=setup)
    save_workbook(workbook, path)
    return path


def _cell_value(value: object) -> str | float | int | bool | None:
    return value if value is None or isinstance(value, str | float | int | bool) else str(value)
