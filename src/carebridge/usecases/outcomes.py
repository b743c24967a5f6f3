"""Outcomes and programme budgets (docs/outcomes.md): load an outcomes register, import its values, the
register's status (each measure's values with intervals, its gaps, its progress with RAG), and a programme
budget benchmarked against peers before and after the plan."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from carebridge.delivery import outcomes as oc
from carebridge.delivery import programme_budgets as pb
from carebridge.delivery.pack import PackTable
from carebridge.delivery.pack_outcomes import outcomes_table
from carebridge.scenario.errors import Problem
from carebridge.scenario.loader import load_model
from carebridge.scenario.source_map import SourceMap
from carebridge.store import Store
from carebridge.store.outcomes import (
    BudgetLoad,
    RegisterLoad,
    ValuesImport,
    budget_names,
    read_budget,
    read_register,
    read_values,
    read_values_file,
    register_names,
    save_budget,
    save_register,
    save_values,
)


def load_outcomes_register(store: Store, path: Path) -> RegisterLoad:
    """Read the register (:class:`~carebridge.delivery.outcomes.OutcomesRegisterError`, every problem
    located) and add it to the store, or replace the one of its name."""
    register = oc.load_outcomes(path)
    with store.session() as session:
        return save_register(session, register, str(path))


def import_outcome_values(store: Store, path: Path, register: str | None = None) -> ValuesImport:
    """Import a CSV of the register's values, all or nothing (:class:`~carebridge.delivery.outcomes.
    OutcomeValuesError` lists every bad row; :class:`~carebridge.store.registers.RegisterError` when the
    store has no such register)."""
    with store.session() as session:
        stored = read_register(session, register)
    rows, sha256 = read_values_file(path, stored)
    with store.session() as session:
        return save_values(session, stored.name, rows, str(path), sha256)


@dataclass(frozen=True)
class MeasureStatus:
    measure: oc.Measure
    results: tuple[oc.Result, ...]
    inequalities: tuple[oc.Inequality, ...]
    progress: oc.Progress
    comparisons: tuple[oc.Comparison, ...] = ()
    variation: tuple[oc.Variation, ...] = ()


@dataclass(frozen=True)
class OutcomesStatus:
    register: oc.OutcomesRegister
    measures: tuple[MeasureStatus, ...]


def outcomes_status(store: Store, register: str | None = None) -> OutcomesStatus:
    """Every measure of the register with its values, gaps and progress."""
    with store.session() as session:
        stored = read_register(session, register)
        rows = read_values(session, stored.name)
    return status_of(stored, rows)


def every_outcomes_status(store: Store) -> list[OutcomesStatus]:
    """The status of every outcomes register in the store, by name (none when it holds none)."""
    with store.session() as session:
        stored = [
            (read_register(session, name), read_values(session, name)) for name in register_names(session)
        ]
    return [status_of(register, rows) for register, rows in stored]


def status_of(register: oc.OutcomesRegister, rows: tuple[oc.ValueRow, ...]) -> OutcomesStatus:
    measures = []
    for measure in register.measures:
        results = oc.compute(measure, rows)
        measures.append(
            MeasureStatus(
                measure,
                results,
                oc.inequality(measure, results),
                oc.progress(measure, rows),
                oc.comparisons(measure, results),
                oc.variation(measure, results),
            )
        )
    return OutcomesStatus(register, tuple(measures))


def outcome_pack_tables(store: Store) -> tuple[PackTable, ...]:
    """The delivery pack's outcomes table of each register in the store (none when it holds none)."""
    with store.session() as session:
        names = register_names(session)
        stored = [(read_register(session, name), read_values(session, name)) for name in names]
    return tuple(
        outcomes_table(register.name, [(m.measure, m.progress) for m in status_of(register, rows).measures])
        for register, rows in stored
    )


@dataclass(frozen=True)
class ProgrammeBenchmark:
    budget: pb.ProgrammeBudget
    before: pb.Benchmark
    after: pb.Benchmark | None
    """The benchmark after the plan's investments and savings; ``None`` when the file has no plan."""


def read_programme_budget(path: Path) -> pb.ProgrammeBudget:
    """Read a programme budget (:class:`~carebridge.delivery.programme_budgets.ProgrammeBudgetError`, every
    problem located); with ``plan_from``, the plan's changes are its scenario's schemes in the year, run
    here, and put in ``plan``."""
    budget, source = load_model(path, pb.ProgrammeBudget, pb.ProgrammeBudgetError, pb.budget_problems)
    if budget.plan_from is not None:
        budget = pb.with_plan(budget, _changes_from_run(path, budget.plan_from, source))
    return budget


def benchmark_of(budget: pb.ProgrammeBudget, comparator: pb.Comparator | None = None) -> ProgrammeBenchmark:
    """The budget against ``comparator`` (the file's own when ``None``), before and after the plan."""
    before = pb.benchmark(budget, comparator)
    after = pb.benchmark(budget, comparator, after_plan=True) if budget.plan else None
    return ProgrammeBenchmark(budget, before, after)


def benchmark_programme_budget(path: Path, comparator: pb.Comparator | None = None) -> ProgrammeBenchmark:
    """Read a programme budget (every problem located) and benchmark it against ``comparator``."""
    return benchmark_of(read_programme_budget(path), comparator)


def keep_programme_budget(store: Store, path: Path, budget: pb.ProgrammeBudget) -> BudgetLoad:
    """Keep ``budget``, read from ``path``, in the store for the web app (the one of its name replaced)."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    with store.session() as session:
        return save_budget(session, budget, str(path), sha256)


def stored_budget_names(store: Store) -> list[str]:
    """The names of the programme budgets in the store."""
    with store.session() as session:
        return budget_names(session)


def stored_programme_budget(store: Store, name: str | None) -> pb.ProgrammeBudget:
    """The stored programme budget ``name`` (the first by name when ``None``);
    :class:`~carebridge.store.registers.RegisterError` when the store has no such budget."""
    with store.session() as session:
        return read_budget(session, name)


def stored_programme_benchmark(
    store: Store, name: str | None, comparator: pb.Comparator | None = None
) -> ProgrammeBenchmark:
    """The stored programme budget ``name`` (the first when ``None``) against ``comparator``."""
    return benchmark_of(stored_programme_budget(store, name), comparator)


def _changes_from_run(path: Path, mapping: pb.PlanFrom, source: SourceMap) -> list[pb.PlanChange]:
    """The plan's changes by programme: the scenario run, each mapped scheme's investment and saving in the
    year shared among its categories; a scheme or year the run lacks is a located problem of the file."""
    from carebridge.usecases.planning import load, run

    results = run(load(path.parent / mapping.scenario))
    problems = []
    if mapping.year not in results.years:
        message = f"{mapping.year} is not a year of the plan ({results.years[0]} to {results.years[-1]})"
        problems.append(Problem(("plan_from", "year"), message))
    known = results.schemes
    problems += [
        Problem(
            ("plan_from", "schemes", scheme),
            f"{scheme!r} is not a scheme of the scenario ({', '.join(known)})",
        )
        for scheme in mapping.schemes
        if scheme not in known
    ]
    if problems:
        raise pb.ProgrammeBudgetError(source.locate(problems))
    summary = results.scheme_summary.sel(basis=mapping.basis, year=mapping.year)
    money = {
        scheme: pb.SchemeMoney(
            results.scheme_label(scheme),
            float(summary.investment.sel(scheme=scheme)),
            -float(summary.benefit.sel(scheme=scheme)),
        )
        for scheme in mapping.schemes
    }
    return pb.plan_changes(mapping, money)
