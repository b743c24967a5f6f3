"""Appraisal commands: ``carebridge appraise`` (Green Book) and ``carebridge prioritise`` (what to fund).

Each parses its arguments, calls a use case of :mod:`carebridge.usecases.appraisal` (which reads the
parameters or candidates file with the one loader of every YAML input) and renders what it gives back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from carebridge.cli.app import app, fail

PARAMETERS_FILE = "appraisal.yaml"  # the use case's default, repeated here so that --help imports nothing


# ---- the commands -----------------------------------------------------------------------------------------


@app.command("appraise")
def appraise_command(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario file: YAML, or an Excel workbook (.xlsx).", show_default=False)
    ],
    parameters: Annotated[
        Path | None,
        typer.Option(
            "--parameters",
            "-p",
            help=f"Appraisal parameters (YAML) [default: {PARAMETERS_FILE} beside the scenario if there is "
            "one, else the Green Book rates, no deflator and no optimism bias].",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the outputs [default: out/appraisal].")
    ] = None,
    discount: Annotated[
        str | None,
        typer.Option(
            "--discount",
            help="Green Book discount rate schedule: standard (3.5% for years 0–30, declining after) or "
            "health (1.5%, declining after) [default: the parameters', else standard].",
        ),
    ] = None,
    deflator: Annotated[
        Path | None,
        typer.Option(
            "--deflator",
            help="GDP deflator file (CSV, as the shipped HM Treasury series) used to turn cash values into "
            "base-year prices [default: the parameters' deflator_file, else the shipped series].",
        ),
    ] = None,
) -> None:
    """Green Book appraisal of a scenario and each of its schemes: NPV, BCR, ROI and payback year.

    Benefits are the schemes' savings (turned positive), costs their investment raised by optimism bias;
    both in real terms at base-year prices (cash values deflated with HM Treasury's GDP deflator when the
    scenario's prices or costs carry inflation) and discounted at the Green Book rate (--discount standard:
    3.5%; health: 1.5%; declining beyond 30 years), on the tariff and the cost basis. Writes appraisal.csv,
    appraisal_by_year.csv, appraisal.html, appraisal.xlsx and appraisal.json.

    Example:

    \b
      carebridge appraise examples/stockport-2017/scenario.yaml \\
        -p examples/stockport-2017/appraisal-optimism-bias.yaml --out out/appraisal
      carebridge appraise examples/stockport-2017/scenario.yaml --discount health --out out/appraisal-health
    """
    from carebridge.engine import ModelError
    from carebridge.engine.appraisal import DISCOUNT_SCHEDULES
    from carebridge.scenario.errors import InputError, ScenarioError, did_you_mean
    from carebridge.usecases.appraisal import appraise_file

    if discount is not None and discount not in DISCOUNT_SCHEDULES:
        near = did_you_mean(discount, DISCOUNT_SCHEDULES)
        fail(
            f"--discount: '{discount}' is not a discount rate schedule{near}; "
            f"expected one of {', '.join(DISCOUNT_SCHEDULES)}"
        )
    try:
        appraised = appraise_file(scenario, parameters, discount, deflator)
    except ScenarioError as error:
        from carebridge.cli.kinds import SCENARIO, wrong_kind

        fail(wrong_kind(scenario, SCENARIO) or str(error))
    except (InputError, ModelError) as error:
        fail(str(error))
    results, appraisal, source = appraised.results, appraised.appraisal, appraised.source
    from carebridge.cli.plan import _write_atomically, provenance_of
    from carebridge.report.appraisal import write_appraisal

    folder = out if out is not None else Path("out") / "appraisal"
    provenance = provenance_of(scenario, appraised.loaded.scenario.name)
    try:
        written = _write_atomically(
            folder, lambda staging: write_appraisal(results, appraisal, staging, provenance, source)
        )
    except OSError as error:
        fail(f"cannot write the appraisal into {folder}: {error.strerror or error}")
    _print_appraisal(appraisal)
    typer.echo(
        f"Parameters: {source}. Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written)
    )


@app.command("prioritise")
def prioritise_command(
    candidates: Annotated[Path, typer.Argument(help="Candidates file (YAML).", show_default=False)],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            "-m",
            help="score: rank by weighted score; score-per-pound: rank by score per pound (both greedy); "
            "optimal: the combination of greatest value within the envelope (exact).",
        ),
    ] = "score",
    objective: Annotated[
        str,
        typer.Option("--objective", help="The value to rank or maximise: score, or npv (each candidate's)."),
    ] = "score",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder for the outputs [default: out/prioritisation].")
    ] = None,
) -> None:
    """Choose what to fund within an investment envelope, and say why each candidate is excluded.

    Overrides (must-do, contractual commitment, invest to save) are funded first, whatever their score;
    the rest are funded by the method chosen from what is left of the envelope in each year. Writes
    prioritisation.csv, prioritisation.html and prioritisation.xlsx.

    Example:

      carebridge prioritise examples/stockport-pct-2007/candidates.yaml --method optimal --out out/pct
    """
    from carebridge.engine.prioritise import METHODS
    from carebridge.scenario.errors import InputError, did_you_mean
    from carebridge.usecases.appraisal import prioritise_file

    if method not in METHODS:
        fail(
            f"--method: '{method}' is not a method{did_you_mean(method, METHODS)}; "
            f"expected one of {', '.join(METHODS)}"
        )
    if objective not in ("score", "npv"):
        fail(f"--objective: '{objective}' is not an objective; expected score or npv")
    try:
        chosen = next(m for m in METHODS if m == method)
        found = prioritise_file(candidates, chosen, "npv" if objective == "npv" else "score")
    except InputError as error:
        from carebridge.cli.kinds import CANDIDATES, wrong_kind

        fail(wrong_kind(candidates, CANDIDATES) or str(error))
    except ValueError as error:
        fail(f"{candidates}: {error}")
    portfolio, selection = found.portfolio, found.selection
    from carebridge.cli.plan import _write_atomically, provenance_of
    from carebridge.report.appraisal import write_selection

    folder = out if out is not None else Path("out") / "prioritisation"
    provenance = provenance_of(candidates, portfolio.name)
    try:
        written = _write_atomically(
            folder, lambda staging: write_selection(selection, portfolio, staging, provenance)
        )
    except OSError as error:
        fail(f"cannot write the prioritisation into {folder}: {error.strerror or error}")
    _print_selection(selection)
    typer.echo(f"Wrote {len(written)} files to {folder}: " + ", ".join(p.name for p in written))


def _print_appraisal(appraisal: Any) -> None:
    """NPV, BCR, ROI and payback year of each scheme and the programme, one table per basis."""
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.report.appraisal import BASES, basis_note
    from carebridge.report.numbers import format_number

    console = terminal()
    for basis in BASES:
        table = Table(
            title=f"Green Book appraisal, {basis} basis (£'000)", title_justify="left", title_style="bold"
        )
        for header in ("Scheme", "PV benefit", "PV cost", "NPV", "BCR", "ROI", "Payback"):
            table.add_column(header, justify="left" if header == "Scheme" else "right")
        for scheme in appraisal.schemes:
            cell = appraisal.summary.sel(scheme=scheme, basis=basis)
            bcr, roi = float(cell.bcr), float(cell.roi)
            table.add_row(
                appraisal.names.get(scheme, scheme),
                *(
                    format_number(float(cell[measure]), "money")
                    for measure in ("pv_benefit", "pv_cost", "npv")
                ),
                "" if bcr != bcr else f"{bcr:.2f}",
                "" if roi != roi else format_number(roi, "percent"),
                appraisal.payback_year(scheme, basis) or "never",
                style="bold" if scheme == "programme" else "",
            )
        console.print(table)
    console.print(basis_note(appraisal))
    if appraisal.public.lines:
        _print_public_value(console, appraisal)


def _print_public_value(console: Any, appraisal: Any) -> None:
    """Economic and social value, apart from the cash tables: PV beyond cash by kind, public value NPV."""
    from rich.table import Table

    from carebridge.report.appraisal import KIND_TITLES
    from carebridge.report.numbers import format_number

    table = Table(
        title="Economic and social value, beyond cash (£'000)", title_justify="left", title_style="bold"
    )
    for header in ("Scheme", *KIND_TITLES.values(), "Public value NPV, cost basis"):
        table.add_column(header, justify="left" if header == "Scheme" else "right")
    public = appraisal.public
    for scheme in appraisal.schemes:
        table.add_row(
            appraisal.names.get(scheme, scheme),
            *(
                format_number(float(public.present_value.sel(scheme=scheme, kind=k)), "money")
                for k in KIND_TITLES
            ),
            format_number(
                float(appraisal.summary.public_value_npv.sel(scheme=scheme, basis="cost")), "money"
            ),
            style="bold" if scheme == "programme" else "",
        )
    console.print(table)


def _print_selection(selection: Any) -> None:
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.report.appraisal import envelope_table
    from carebridge.report.numbers import format_number
    from carebridge.report.terminal import rich_table

    console = terminal()
    for title, decisions in (("Funded", selection.funded), ("Excluded", selection.excluded)):
        table = Table(title=f"{title} ({len(decisions)})", title_justify="left", title_style="bold")
        table.add_column("Candidate")
        table.add_column("Score", justify="right")
        table.add_column("£'000", justify="right")
        table.add_column("Reason")
        for decision in decisions:
            score = (
                "" if decision.weighted_score is None else format_number(decision.weighted_score, "percent")
            )
            table.add_row(decision.name, score, format_number(sum(decision.cost), "money"), decision.reason)
        console.print(table)
    console.print(rich_table(envelope_table(selection)))
