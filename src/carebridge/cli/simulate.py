"""Uncertainty commands: ``carebridge simulate`` (Monte Carlo) and ``carebridge sensitivity`` (one-way).

Both show a progress bar (Rich, on standard error) once a run has taken a second, and write a self-contained
HTML page, CSV tables and a JSON record into a folder. ``simulate`` runs on dask.distributed when asked
(``--workers N`` for a local cluster, ``--scheduler tcp://HOST:8786`` for a running one) with the numbers of
a local run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from carebridge.cli.app import app, fail, load
from carebridge.cli.console import progress_bar
from carebridge.cli.kinds import is_region

if TYPE_CHECKING:
    from collections.abc import Sequence

    from carebridge.delivery.risks import RiskRegister
    from carebridge.engine.simulate.monte_carlo import Executor, Simulation
    from carebridge.engine.simulate.risks import RiskImpact
    from carebridge.engine.simulate.sensitivity import Sensitivity
    from carebridge.scenario.errors import Problem
    from carebridge.scenario.loader import LoadedScenario
    from carebridge.usecases.uncertainty import RiskedPositions

Result = TypeVar("Result")


def _percentiles(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        fail(f"--percentiles: '{text}' is not a list of numbers; expected e.g. 10,50,90")
    if not values or any(not 0 <= value <= 100 for value in values):
        fail(f"--percentiles: '{text}': expected numbers from 0 to 100, e.g. 10,50,90")
    return sorted(set(values))


@contextmanager
def _executor(workers: int | None, scheduler: str | None) -> Iterator[Executor | None]:
    if workers is None and scheduler is None:
        yield None
        return
    if workers is not None and scheduler is not None:
        fail("give --workers (a local cluster) or --scheduler (a running one), not both")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1; found {workers}")
    from carebridge.engine.simulate.distributed import dask_executor

    try:
        with dask_executor(scheduler=scheduler, workers=workers) as executor:
            yield executor
    except OSError as error:
        fail(f"--scheduler {scheduler}: cannot reach the scheduler ({error})")


def _folder(out: Path | None, scenario: Path, name: str, many: bool) -> Path:
    if out is not None:
        return out / scenario.stem if many else out
    return Path("out") / (scenario.resolve().parent.name or scenario.stem) / name


@app.command("simulate")
def simulate_command(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario file(s) (YAML); several make a sweep.", show_default=False)
    ],
    draws: Annotated[int, typer.Option("--draws", "-n", help="Number of draws.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draws.")] = 1,
    percentiles: Annotated[
        str, typer.Option("--percentiles", "-p", help="Percentiles to report, comma-separated.")
    ] = "10,50,90",
    chunk_size: Annotated[
        int | None,
        typer.Option(
            "--chunk-size", help="Draws run together (bounds memory) [default: up to 2000, by size]."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Run on a local dask cluster of this many workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on the dask scheduler at tcp://HOST:8786.")
    ] = None,
    spread: Annotated[
        float | None,
        typer.Option(
            "--spread",
            help="Also make every scheme effect, unit price and parameter of a plan line's formula "
            "uncertain: triangular, ± this fraction (0.2).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the report [default: out/<scenario folder>/simulation]."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no tables and no progress.")] = False,
    risks: Annotated[
        Path | None,
        typer.Option(
            "--risks",
            help="A risk register (YAML, as risks load reads): each risk's financial best/likely/worst "
            "(£'000, triangular) drawn per draw and added to its organisation's position.",
            show_default=False,
        ),
    ] = None,
    risks_from_store: Annotated[
        str | None,
        typer.Option(
            "--risks-from-store",
            help="The name of an approved plan: the risks of that plan and of no plan in the store (--db), "
            "as carebridge risks load kept them, their pounds drawn as --risks draws a file's.",
            show_default=False,
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="The store --risks-from-store reads [default: CAREBRIDGE_DB, else carebridge.db].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Monte Carlo: draw every uncertain input and run the whole model for each draw.

    Writes simulation.html (fan charts of the system position and of the net saving, a histogram of the net
    saving in the last year, probabilities of balance), summary_<table>.csv (mean and percentiles of every
    output table), balance.csv, net_saving.csv, inputs.csv and simulation.json. Signs as every table of the
    tool: a deficit positive; a saving, a surplus or funding negative, in brackets. The same seed gives the
    same numbers, here or on a cluster. Several scenarios are a sweep: each gets its own folder under --out.
    With --risks, each risk of the register with pounds (financial: best, likely, worst, £'000) is drawn
    triangular per draw and added to its organisation's do-something position in the years it applies;
    risks.csv and a table give the system's position with and without them, and simulation.html shows
    both (fan chart, histogram of the last year) and each risk's contribution (risk_contributions.csv).
    With --risks-from-store PLAN the risks are those the store holds for that plan and of no plan
    (carebridge risks load FILE --plan PLAN keeps their pounds), drawn the same way.

    Example:

      carebridge simulate examples/stockport-2017/scenario.yaml -n 2000 --seed 1 --spread 0.2

      carebridge simulate examples/stockport-2017/scenario.yaml -n 500 --spread 0.2 \\
        --risks examples/stockport-2017/risks-pounds.yaml
    """
    from carebridge.usecases.uncertainty import simulate

    if draws < 1:
        fail(f"--draws must be at least 1; found {draws}")
    if chunk_size is not None and chunk_size < 1:
        fail(f"--chunk-size must be at least 1; found {chunk_size}")
    chosen = _percentiles(percentiles)
    if len(scenarios) == 1 and is_region(scenarios[0]):
        from carebridge.cli.region import simulate_region_command

        if risks is not None or risks_from_store is not None:
            option = "--risks" if risks is not None else "--risks-from-store"
            fail(f"{option}: not for a region; give it with one place's scenario")
        simulate_region_command(
            scenarios[0], out, draws, seed, chosen, chunk_size, workers, scheduler, quiet, spread=spread
        )
        return
    loaded = [_spread(load(path), spread) for path in scenarios]
    _require_uncertainty(loaded, scenarios)
    if risks is not None and risks_from_store is not None:
        fail(
            "give --risks (a register file) or --risks-from-store (a plan's register in the store), not both"
        )
    chosen_risks: tuple[Sequence[RiskImpact], str, str] | None = None
    if risks is not None:
        from carebridge.usecases.uncertainty import risk_impacts

        chosen_risks = (risk_impacts(_risk_register(risks, loaded)), str(risks), "--risks")
    elif risks_from_store is not None:
        chosen_risks = _stored_risks(risks_from_store, db, loaded)
    total = draws * len(loaded)
    with _executor(workers, scheduler) as executor, progress_bar(total, "Drawing", quiet) as advance:
        simulations = _refused_by_model(
            lambda: simulate(
                loaded,
                draws,
                seed,
                percentiles=chosen,
                chunk_size=chunk_size,
                executor=executor,
                progress=advance,
            )
        )
    from carebridge.cli.plan import provenance_of
    from carebridge.report.simulation import write_simulation_report

    for path, item, simulation in zip(scenarios, loaded, simulations, strict=True):
        folder = _folder(out, path, "simulation", len(scenarios) > 1)
        risked = None if chosen_risks is None else _add_risks(simulation, *chosen_risks)
        try:
            written = write_simulation_report(
                simulation,
                folder,
                provenance_of(path, item.scenario.name),
                risks=None if risked is None else risked.draws,
            )
            if risked is not None:
                written.append(_write_risks_csv(simulation, risked, folder))
        except OSError as error:
            fail(f"cannot write the report into {folder}: {error.strerror or error}")
        if not quiet:
            _print_simulation(simulation)
            if risked is not None:
                _print_risks(simulation, risked)
        typer.echo(f"Wrote {len(written)} files to {folder}")


def _stored_risks(
    plan: str, db: str | None, loaded: list[LoadedScenario]
) -> tuple[Sequence[RiskImpact], str, str]:
    """The pounds of the risks of ``plan`` (and of no plan) in the store, checked against each scenario
    before any draw; a stored risk naming an organisation or year a scenario lacks: named by its code,
    exit 2; no risk with pounds: what to load, exit 2."""
    from carebridge.cli.delivery import open_store, resolve_plan
    from carebridge.usecases.registers import stored_pounds
    from carebridge.usecases.uncertainty import impact_problems_for

    option = "--risks-from-store"
    with open_store(db) as store:
        found = stored_pounds(store, resolve_plan(store, plan))
    if not found.impacts:
        fail(
            f"{option}: no risk of plan '{found.plan}' or of no plan in the store has pounds (financial: "
            "org, years, best, likely, worst); load a register that gives them: carebridge risks load "
            f"FILE.yaml --plan '{found.plan}'"
        )
    problems = [p for item in loaded for p in impact_problems_for(item.scenario, found.impacts)]
    if problems:
        fail(_risk_problems(option, found.source, list(dict.fromkeys(problems))))
    return found.impacts, found.source, option


def _risk_register(path: Path, loaded: list[LoadedScenario]) -> RiskRegister:
    """The risk register ``--risks`` names, checked against each scenario (its organisations and years)
    before any draw; every problem located, exit 2."""
    from carebridge.delivery.risks import RiskRegister, register_problems
    from carebridge.scenario.errors import RiskRegisterError
    from carebridge.scenario.loader import load_model
    from carebridge.usecases.uncertainty import register_risk_problems

    try:
        register, source = load_model(path, RiskRegister, RiskRegisterError, register_problems)
    except RiskRegisterError as error:
        fail(_risk_problems("--risks", str(path), error.problems))
    problems = [p for item in loaded for p in register_risk_problems(item.scenario, register)]
    if problems:
        fail(_risk_problems("--risks", str(path), source.locate(list(dict.fromkeys(problems)))))
    return register


def _risk_problems(option: str, where: str, problems: list[Problem]) -> str:
    count = len(problems)
    head = f"{option}: {count} problem{'s' if count != 1 else ''} in {where}; nothing was simulated:"
    return "\n".join([head, *(f"  - {problem}" for problem in problems)])


def _add_risks(
    simulation: Simulation, impacts: Sequence[RiskImpact], source: str, option: str
) -> RiskedPositions:
    """The simulation's positions with the risks' pounds added; a risk naming an organisation or year the
    scenario lacks: located, exit 2 (checked before the run; kept for a scenario changed since)."""
    from carebridge.scenario.errors import RiskRegisterError
    from carebridge.usecases.uncertainty import add_risks

    try:
        return add_risks(simulation, impacts, source)
    except RiskRegisterError as error:
        fail(_risk_problems(option, source, error.problems))


def _write_risks_csv(simulation: Simulation, risked: RiskedPositions, folder: Path) -> Path:
    """risks.csv: the system's do-something position with and without the risks, by year and statistic."""
    import csv

    stats = [str(stat) for stat in risked.without.stat.values]
    target = folder / "risks.csv"
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["year", "stat", "without_risks", "with_risks"])
        for year in simulation.years:
            for stat in stats:
                writer.writerow(
                    [
                        year,
                        stat,
                        f"{float(risked.without.sel(stat=stat, year=year)):.3f}",
                        f"{float(risked.with_risks.sel(stat=stat, year=year)):.3f}",
                    ]
                )
    return target


def _print_risks(simulation: Simulation, risked: RiskedPositions) -> None:
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.report.numbers import format_number

    count = len(risked.impacts)
    title = (
        f"System do-something position with and without the risk register (£'000, {count} risk"
        f"{'s' if count != 1 else ''} in pounds, triangular best/likely/worst), {simulation.draws:,} draws"
    )
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("Year")
    stats = [str(stat) for stat in risked.without.stat.values]
    for stat in stats:
        table.add_column(f"{stat} without", justify="right")
        table.add_column(f"{stat} with", justify="right")
    for year in simulation.years:
        cells = []
        for stat in stats:
            cells.append(format_number(float(risked.without.sel(stat=stat, year=year)), "money"))
            cells.append(format_number(float(risked.with_risks.sel(stat=stat, year=year)), "money"))
        table.add_row(year, *cells)
    terminal().print(table)


def _spread(loaded: LoadedScenario, fraction: float | None) -> LoadedScenario:
    """The scenario with its effects and prices made uncertain by ``--spread``, if given."""
    from carebridge.usecases.errors import SpreadError
    from carebridge.usecases.uncertainty import with_spread

    try:
        return with_spread(loaded, fraction)
    except SpreadError as error:
        fail(f"--spread {error}")


def _require_uncertainty(loaded: list[LoadedScenario], paths: list[Path]) -> None:
    for path, item in zip(paths, loaded, strict=True):
        if not item.scenario.uncertainty.inputs:
            fail(
                f"{path}: no input is uncertain; write a distribution in place of a number, e.g. "
                "fraction: {dist: triangular, low: 0.1, mode: 0.2, high: 0.3}, or add --spread 0.2"
            )


def _refused_by_model(work: Callable[[], Result]) -> Result:
    """The result of ``work``; a problem the engine finds (located in the scenario file) exits 2."""
    from carebridge.engine.errors import ModelError

    try:
        return work()
    except ModelError as error:
        fail(str(error))


def _print_simulation(simulation: Simulation) -> None:
    """The sign convention once, the probability of balance by year and organisation, and the net saving by
    year on each basis."""
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.engine.labels import label_map
    from carebridge.engine.simulate.summary import STAT, summarise
    from carebridge.report.numbers import format_number
    from carebridge.report.simulation import SIGNS

    console = terminal()
    console.print(SIGNS)
    years = simulation.years
    balance = simulation.balance_probability()
    names = label_map(balance, "org", "org_name")
    title = "Probability of balance (do-something position zero or below)"
    table = Table(title=title, title_justify="left", title_style="bold")
    table.add_column("Year")
    for org in balance.org.values:
        table.add_column(names.get(str(org), str(org)), justify="right")
    for year in years:
        table.add_row(year, *(f"{float(v):.1%}" for v in balance.sel(year=year).values))
    console.print(table)
    net = simulation.net_saving()
    summary = summarise(net, simulation.percentiles)
    chance = simulation.net_saving_probability()
    for basis in net.basis.values:
        table = Table(
            title=f"Net saving, {basis} basis (£'000), {simulation.draws:,} draws",
            title_justify="left",
            title_style="bold",
        )
        table.add_column("Year")
        for stat in summary[STAT].values:
            table.add_column(str(stat), justify="right")
        table.add_column("P(net saving)", justify="right", style="bold")
        for year in years:
            values = summary.sel(basis=basis, year=year).values
            cells = [format_number(float(v), "money") for v in values]
            table.add_row(year, *cells, f"{float(chance.sel(basis=basis, year=year)):.1%}")
        console.print(table)


@app.command("sensitivity")
def sensitivity_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help="What to rank inputs by: net_saving (the statement's net line, a saving negative) or "
            "position (do-something, a deficit positive) [default: net_saving; position for a plan with no "
            "schemes, only plan lines, like the STP's].",
        ),
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", "-y", help="Year of the output, or 'all' [default: the last].")
    ] = None,
    basis: Annotated[str, typer.Option("--basis", help="Basis of net benefit: tariff or cost.")] = "tariff",
    org: Annotated[
        str,
        typer.Option(
            "--org", help="Whose position: an organisation, a sector (nhs or social_care) or the system."
        ),
    ] = "system",
    spread: Annotated[
        float | None,
        typer.Option(
            "--spread",
            help="Also make every scheme effect, unit price and parameter of a plan line's formula "
            "uncertain: triangular, ± this fraction (0.2).",
        ),
    ] = None,
    low: Annotated[float, typer.Option("--low", help="Low percentile of each input.")] = 10.0,
    high: Annotated[float, typer.Option("--high", help="High percentile of each input.")] = 90.0,
    switching: Annotated[
        bool, typer.Option("--switching/--no-switching", help="Find each input's switching value.")
    ] = True,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the report [default: out/<scenario folder>/sensitivity]."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no table and no progress.")] = False,
) -> None:
    """One-way sensitivity: each uncertain input at its low and high percentile, the others central.

    Ranks the inputs by their effect on the output (a tornado chart) and finds each input's switching value:
    where the output — by default the programme's net saving in the last year (the system's do-something
    position for a plan with no schemes) — crosses zero within the input's range, or "none within range".
    Inputs are named in the scenario's words. Writes sensitivity.html, sensitivity.csv and sensitivity.json.

    Example:

      carebridge sensitivity examples/stockport-2017/scenario.yaml --spread 0.2 --year 2020/21
    """
    from carebridge.engine.simulate.sensitivity import Output
    from carebridge.usecases.uncertainty import sensitivity

    if output == "net_benefit":  # the name of earlier releases
        output = "net_saving"
    if output is not None and output not in ("net_saving", "position"):
        fail(f"--output: '{output}' is not an output; expected net_saving or position")
    if basis not in ("tariff", "cost"):
        fail(f"--basis: '{basis}' is not a basis; expected tariff or cost")
    if not 0 <= low < high <= 100:
        fail(f"--low and --high: expected 0 ≤ low < high ≤ 100; found {low:g} and {high:g}")
    loaded = _spread(load(scenario), spread)
    _require_uncertainty([loaded], [scenario])
    _check_choice(loaded, year, org)
    if output is None:  # a plan of plan lines only has no net benefit: its schemes' savings are all 0
        output = "net_saving" if loaded.scenario.schemes else "position"
    chosen = Output(measure=output, year=year, basis=basis, org=org)  # type: ignore[arg-type]
    count = len(loaded.scenario.uncertainty.inputs)
    rows = (2 * count + 1) + (count * 40 if switching else 0)
    with progress_bar(rows, "Evaluating", quiet) as advance:
        result = _refused_by_model(
            lambda: sensitivity(loaded, chosen, low=low, high=high, switching=switching, progress=advance)
        )
    from carebridge.cli.plan import provenance_of
    from carebridge.report.simulation import write_sensitivity_report

    folder = _folder(out, scenario, "sensitivity", False)
    provenance = provenance_of(scenario, loaded.scenario.name)
    try:
        written = write_sensitivity_report(result, loaded.scenario.name, folder, provenance)
    except OSError as error:
        fail(f"cannot write the report into {folder}: {error.strerror or error}")
    if not quiet:
        _print_sensitivity(result)
    typer.echo(f"Wrote {len(written)} files to {folder}")


def _check_choice(loaded: LoadedScenario, year: str | None, org: str) -> None:
    from carebridge.scenario.errors import did_you_mean
    from carebridge.scenario.schema import POSITION_SECTORS
    from carebridge.scenario.years import YearError, YearRange

    scenario = loaded.scenario
    if year is not None and year != "all":
        try:
            YearRange.from_labels(scenario.base_year, scenario.end_year).index(year)
        except YearError as error:
            fail(f"--year: {error}")
    holders = [o.id for o in scenario.organisations] + list(POSITION_SECTORS)
    if org != "system" and org not in holders:
        fail(
            f"--org: '{org}' is not an organisation or a sector ({', '.join(POSITION_SECTORS)})"
            f"{did_you_mean(org, holders) or ''}"
        )


def _print_sensitivity(result: Sensitivity) -> None:
    from rich.table import Table

    from carebridge.cli.console import terminal
    from carebridge.report.numbers import format_number
    from carebridge.report.simulation import SIGNS, switching_text

    console = terminal()
    console.print(SIGNS)
    central = format_number(result.central_output, "money")
    table = Table(
        title=f"One-way sensitivity: {result.output_label}; central {central}",
        title_justify="left",
        title_style="bold",
    )
    table.add_column("Input", overflow="fold", ratio=1)
    for header in (f"At P{result.low_percentile:g}", f"At P{result.high_percentile:g}", "Swing"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column("Switching value", justify="right")
    for swing in result.swings:
        switch = switching_text(swing.switching_value)
        table.add_row(
            swing.label,
            format_number(swing.output_low, "money"),
            format_number(swing.output_high, "money"),
            format_number(swing.swing, "money"),
            switch,
        )
    console.print(table)
