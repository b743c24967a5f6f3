"""Risk stratification commands: ``carebridge synth`` and ``carebridge stratify``."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.version import __version__

PodOption = Annotated[
    list[str] | None,
    typer.Option(
        "--pod",
        help="Map a scenario POD to a measure, POD=MEASURE (repeat it); measures: ae, nel, nel_acs, el, "
        "op_first, op_fu, op (first + follow-up), gp [default: ae, nel, el, op_first, op_fu].",
    ),
]


@app.command("synth")
def synth_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Parquet file to write.", show_default=False)],
    patients: Annotated[int, typer.Option("--patients", "-n", help="How many patients.")] = 300_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 1,
    chunk: Annotated[
        int, typer.Option("--chunk", help="Patients generated and written at a time.")
    ] = 500_000,
    truth: Annotated[
        bool, typer.Option("--truth", help="Also write true_risk, the generator's own chance of admission.")
    ] = False,
) -> None:
    """Generate a synthetic patient population (Parquet) for trying stratification without real data.

    An English borough's age and sex structure; long-term conditions rising with age as Stockport's Table 12
    (27% with at least one of eight, 2% at ages 0-4 to 88% at 85+); a deprivation gradient; two years of
    activity concentrated so the top 15% by true risk hold about 79% of emergency admissions and 50% of A&E.
    Written chunk by chunk, so memory stays bounded for millions of patients.

    Example:

      carebridge synth --patients 300000 --seed 1 --out population.parquet
    """
    if patients < 1:
        fail(f"--patients {patients}: expected 1 or more")
    if chunk < 1000:
        fail(f"--chunk {chunk}: expected 1000 or more")
    if out.suffix.lower() not in (".parquet", ".pq"):
        fail(f"--out {out}: expected a .parquet file")
    if not out.parent.exists():
        fail(f"--out {out}: the folder {out.parent} does not exist")
    from carebridge.strat.synth import write_population

    written = write_population(out, patients, seed, chunk=chunk, truth=truth)
    typer.echo(f"Wrote {written:,} synthetic patients to {out} (seed {seed})")


@app.command("stratify")
def stratify_command(
    data: Annotated[Path, typer.Argument(help="Patient file (Parquet or CSV).", show_default=False)],
    top: Annotated[
        float, typer.Option("--top", help="Cohort: the top x% of patients by predicted risk.")
    ] = 15.0,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Cohort: everyone with a risk score (0-100) at or above this; overrides --top.",
        ),
    ] = None,
    emit_cohort: Annotated[
        Path | None,
        typer.Option(
            "--emit-cohort", help="Write the cohort as a scenario 'cohorts:' fragment (YAML) to this file."
        ),
    ] = None,
    pod: PodOption = None,
    cohort_id: Annotated[
        str | None, typer.Option("--cohort-id", help="Id of the emitted cohort [default: top<x>].")
    ] = None,
    cohort_name: Annotated[
        str | None, typer.Option("--cohort-name", help="Name of the emitted cohort.")
    ] = None,
    year: Annotated[
        str,
        typer.Option("--year", help="Activity counted: prior (12 months before) or next (12 months after)."),
    ] = "prior",
    coefficients: Annotated[
        Path | None,
        typer.Option("--coefficients", help="Use a model's coefficients (YAML) instead of fitting one."),
    ] = None,
    fit_on: Annotated[
        Path | None, typer.Option("--fit-on", help="Fit the model on another file (an earlier extract).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Report folder [default: out/stratify-<data file name>]."),
    ] = None,
    suppress_below: Annotated[int, typer.Option("--suppress-below", help="Suppress counts below this.")] = 10,
    round_to: Annotated[int, typer.Option("--round-to", help="Round other counts to the nearest this.")] = 5,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the headline tables.")] = False,
) -> None:
    """Stratify a population by risk of emergency admission and find the cohort a plan stands on.

    Validates the patient file (refusing direct identifiers), fits a logistic regression for an emergency
    admission in the next 12 months (or uses --coefficients), scores every patient in DuckDB, selects the
    cohort, and reports its share of A&E, admissions, outpatients and cost, the ambulatory-care-sensitive
    share, breakdowns by neighbourhood and deprivation, and the model's AUC, calibration and Brier score.
    Writes CSV tables, charts and report.html into the report folder; every count is under disclosure
    control (suppressed below 10, rounded to 5 by default). The file format is docs/patient-data.md.

    Example:

      carebridge stratify examples/synthetic-population/patients.parquet --top 15 --emit-cohort cohort.yaml
    """
    from carebridge.report.strat import write_report
    from carebridge.report.strat_tables import output_tables
    from carebridge.strat.disclosure import DisclosureRule
    from carebridge.strat.emit import DEFAULT_POD_MAP, cohort_fragment, parse_pod_map
    from carebridge.strat.errors import PatientDataError
    from carebridge.strat.model import ModelFileError
    from carebridge.strat.pipeline import Options, StratifyError, stratify

    if year not in ("prior", "next"):
        fail(f"--year {year}: expected prior or next")
    if threshold is None and not 0 < top <= 100:
        fail(f"--top {top:g}: expected a percentage above 0 and at most 100")
    if threshold is not None and not 0 <= threshold <= 100:
        fail(f"--threshold {threshold:g}: expected a risk score from 0 to 100")
    try:
        rule = DisclosureRule(suppress_below, round_to)
        pod_map = parse_pod_map(pod) if pod else dict(DEFAULT_POD_MAP)
    except ValueError as error:
        fail(str(error))
    options = Options(
        top=top,
        threshold=threshold,
        year="next" if year == "next" else "prior",
        coefficients=coefficients,
        fit_on=fit_on,
    )
    try:
        result = stratify(data, options)
    except (PatientDataError, StratifyError, ModelFileError) as error:
        fail(str(error))
    provenance = [
        f"Data: {data} (SHA-256 {_sha256(data)[:16]}…), {result.patients:,} patients",
        f"CareBridge {__version__}, carebridge stratify, {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"Model: {result.model.source}",
    ]
    folder = out if out is not None else Path("out") / f"stratify-{data.stem}"
    try:
        written = write_report(result, folder, rule, provenance)
    except OSError as error:
        fail(f"cannot write the report into {folder}: {error.strerror or error}")
    if emit_cohort is not None:
        default_id = (
            f"top{top:g}".replace(".", "_") if threshold is None else f"score{threshold:g}".replace(".", "_")
        )
        try:
            text, notes = cohort_fragment(
                result.cohort,
                cohort_id or default_id,
                cohort_name or f"{result.cohort.rule} (risk of emergency admission)",
                pod_map,
                rule,
                provenance,
            )
            emit_cohort.write_text(text, encoding="utf-8")
        except ValueError as error:
            fail(str(error))
        except OSError as error:
            fail(f"cannot write {emit_cohort}: {error.strerror or error}")
        for note in notes:
            typer.echo(f"Cohort: left out {note}", err=True)
    if not quiet:
        from rich.console import Console

        from carebridge.report.strat_terminal import print_headlines

        print_headlines(output_tables(result, rule), rule, Console(width=140))
    typer.echo(f"Wrote {len(written)} files to {folder}")
    if emit_cohort is not None:
        typer.echo(f"Wrote the cohort to {emit_cohort}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@app.command("base-rates")
def base_rates_command(
    data: Annotated[Path, typer.Argument(help="Patient file (Parquet or CSV).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV of the rates to write.", show_default=False)],
    pod: PodOption = None,
    bands: Annotated[
        str,
        typer.Option("--bands", help="Age bands, comma-separated: a-b, a+ or one age (90 is 90 and over)."),
    ] = ",".join(("0-17", "18-64", "65-74", "75-84", "85+")),
    year: Annotated[
        str,
        typer.Option("--year", help="Activity counted: prior (12 months before) or next (12 months after)."),
    ] = "prior",
    suppress_below: Annotated[int, typer.Option("--suppress-below", help="Suppress counts below this.")] = 10,
    round_to: Annotated[int, typer.Option("--round-to", help="Round other counts to the nearest this.")] = 5,
) -> None:
    """Base activity rates by age band and sex for each POD, from a patient table, for a scenario's
    demographic growth.

    Counts each POD's activity (its measure of the patient table) and the people of each sex and age band,
    and writes activity per head: a CSV that a scenario names as `demography: rates:` so that its PODs grow
    with the population by age and sex (docs/demand.md). Counts are under disclosure control (suppressed
    below 10, rounded to 5 by default); a rate comes from the unrounded counts and is suppressed with them.

    Example:

      carebridge base-rates examples/synthetic-population/patients.parquet --pod nel=nel --out rates.csv
    """
    from carebridge.strat.disclosure import DisclosureRule
    from carebridge.strat.emit import DEFAULT_POD_MAP, parse_pod_map
    from carebridge.strat.errors import PatientDataError
    from carebridge.strat.rates import RatesError, base_rates, controlled_rows, rates_table

    if year not in ("prior", "next"):
        fail(f"--year {year}: expected prior or next")
    if out.suffix.lower() != ".csv":
        fail(f"--out {out}: expected a .csv file")
    if not out.parent.exists():
        fail(f"--out {out}: the folder {out.parent} does not exist")
    try:
        rule = DisclosureRule(suppress_below, round_to)
        pod_map = parse_pod_map(pod) if pod else dict(DEFAULT_POD_MAP)
    except ValueError as error:
        fail(str(error))
    labels = [label.strip() for label in bands.split(",") if label.strip()]
    try:
        rates = base_rates(data, pod_map, labels, "next" if year == "next" else "prior")
    except (PatientDataError, RatesError) as error:
        fail(str(error))
    try:
        out.write_text(rates_table(rates, rule), encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    typer.echo(f"Activity per head in the {year} year, {rates.patients:,} patients of {rates.file}")
    typer.echo(f"{'POD':<10}{'sex':<8}{'band':<8}{'people':>12}{'activity':>12}{'per head':>12}")
    for pod_id, _, sex, band, people, activity, rate in controlled_rows(rates, rule):
        typer.echo(f"{pod_id:<10}{sex:<8}{band:<8}{_count(people):>12}{_count(activity):>12}{rate:>12}")
    if rates.unknown_sex:
        typer.echo(f"Left out {rates.unknown_sex:,} patients of unknown sex (a projection is by sex).")
    typer.echo(rule.statement())
    typer.echo(f"Wrote the rates to {out}; a scenario names it as demography: rates: {out.name}")


def _count(text: str) -> str:
    """A count's cell with thousands separators (``*`` when suppressed)."""
    return f"{int(text):,}" if text.isdigit() else text
