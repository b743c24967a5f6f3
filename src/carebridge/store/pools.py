"""Pooled budgets in the store: load a pool's definition, import its monthly spend, read both back. Plain
functions on a session (the caller's one transaction); every change audited. The rules and the arithmetic
are :mod:`carebridge.delivery.pools`'s; a file of spend is read here and checked there."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carebridge.delivery import pools as pl
from carebridge.delivery.actuals_tables import RowProblem
from carebridge.delivery.months import Month
from carebridge.store.models import pools as orm


@dataclass(frozen=True)
class StoredPool:
    """A pool as stored: its id in the store and its definition (£'000)."""

    code: str
    definition: pl.PoolDefinition
    file: str


@dataclass
class PoolLoadOutcome:
    """What loading a pool did: ``added``, ``changed`` or ``unchanged``."""

    code: str
    what: str


@dataclass
class SpendOutcome:
    """What an import of spend did: rows new, replaced and unchanged."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    pools: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated)


def read_pools(session: Session) -> list[StoredPool]:
    """Every pool, in the order loaded."""
    rows = session.scalars(select(orm.Pool).order_by(orm.Pool.id))
    return [StoredPool(row.code, pl.PoolDefinition.model_validate(row.definition), row.file) for row in rows]


def save_pool(session: Session, pool: pl.PoolDefinition, code: str, file: str) -> PoolLoadOutcome:
    """Add the pool under ``code``, or replace its definition, contributions and lines when any changed
    (old and new in the audit log); its spend is kept."""
    definition = pool.model_dump(mode="json")
    row = session.scalars(select(orm.Pool).where(orm.Pool.code == code)).one_or_none()
    if row is not None and row.definition == definition:
        return PoolLoadOutcome(code, "unchanged")
    what = "added" if row is None else "changed"
    if row is None:
        row = orm.Pool(code=code)
        session.add(row)
    row.name = pool.name
    row.cohort = pool.cohort.name
    row.year = pool.year
    row.source = pool.source or ""
    row.definition = definition
    row.file = file
    session.flush()
    _save_contributions(session, row.id, pool)
    _save_lines(session, row.id, pool)
    return PoolLoadOutcome(code, what)


def _save_contributions(session: Session, pool_id: int, pool: pl.PoolDefinition) -> None:
    stored = {
        (item.partner, item.year): item
        for item in session.scalars(
            select(orm.PoolContribution).where(orm.PoolContribution.pool_id == pool_id)
        )
    }
    wanted = {}
    for contribution in pool.contributions:
        for year, gross in contribution.by_year.items():
            wanted[(contribution.partner, year)] = (
                contribution.name,
                gross,
                pl.qipp_of(pool, contribution.partner, year),
            )
    for key, old in stored.items():
        if key not in wanted:
            session.delete(old)
    for (partner, year), (name, gross, qipp) in wanted.items():
        item = stored.get((partner, year))
        if item is None:
            session.add(
                orm.PoolContribution(
                    pool_id=pool_id, partner=partner, partner_name=name, year=year, gross=gross, qipp=qipp
                )
            )
        elif (item.partner_name, item.gross, item.qipp) != (name, gross, qipp):
            item.partner_name, item.gross, item.qipp = name, gross, qipp


def _save_lines(session: Session, pool_id: int, pool: pl.PoolDefinition) -> None:
    stored = {
        item.line: item
        for item in session.scalars(select(orm.PoolLine).where(orm.PoolLine.pool_id == pool_id))
    }
    decisions = {decision.line.id: decision for decision in pl.decide_lines(pool)}
    for key, old in stored.items():
        if key not in decisions:
            session.delete(old)
    for key, decision in decisions.items():
        values = {
            "name": decision.line.name,
            "service_area": decision.line.service_area,
            "included": decision.included,
            "rule": decision.rule,
            "amount": decision.amount,
        }
        item = stored.get(key)
        if item is None:
            session.add(orm.PoolLine(pool_id=pool_id, line=key, **values))
        else:
            for name, value in values.items():
                if getattr(item, name) != value:
                    setattr(item, name, value)


def read_spend(session: Session, code: str) -> dict[Month, dict[str, float]]:
    """A pool's spend by month and service area, £'000."""
    query = (
        select(orm.PoolSpend.month, orm.PoolSpend.service_area, orm.PoolSpend.amount)
        .join(orm.Pool, orm.Pool.id == orm.PoolSpend.pool_id)
        .where(orm.Pool.code == code)
    )
    spend: dict[Month, dict[str, float]] = {}
    for month, area, amount in session.execute(query):
        spend.setdefault(Month.parse(month), {})[area] = amount
    return spend


def save_spend(session: Session, rows: Sequence[pl.SpendRow], file: str) -> SpendOutcome:
    """Write checked rows of spend: a row already stored with another amount is replaced (old and new in
    the audit log), one with the same amount left alone, so importing a file again changes nothing."""
    ids = {row.code: row.id for row in session.scalars(select(orm.Pool))}
    stored = {
        (item.pool_id, item.month, item.service_area): item
        for item in session.scalars(
            select(orm.PoolSpend).where(orm.PoolSpend.pool_id.in_({ids[r.pool] for r in rows}))
        )
    }
    outcome = SpendOutcome(pools=sorted({row.pool for row in rows}))
    for row in rows:
        key = (ids[row.pool], row.month.label, row.service_area)
        item = stored.get(key)
        if item is None:
            session.add(
                orm.PoolSpend(pool_id=key[0], month=key[1], service_area=key[2], amount=row.spend, file=file)
            )
            outcome.inserted += 1
        elif item.amount != row.spend:
            item.amount, item.file = row.spend, file
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    return outcome


def read_spend_file(
    path: Path, pools: Mapping[str, pl.PoolDefinition]
) -> tuple[str, str, tuple[pl.SpendRow, ...]]:
    """Read and check a CSV file of pool spend: its name, SHA-256 and checked rows;
    :class:`~carebridge.delivery.pools.PoolSpendError` listing every problem."""
    name = str(path)
    if path.suffix.lower() != ".csv":
        reason = f"expected a .csv file of {','.join(pl.SPEND_COLUMNS)}"
        raise pl.PoolSpendError([RowProblem(name, None, None, reason)])
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise pl.PoolSpendError([RowProblem(name, None, None, "no such file")]) from None
    except OSError as error:
        raise pl.PoolSpendError([RowProblem(name, None, None, f"cannot be read: {error.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        reason = f"is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        raise pl.PoolSpendError([RowProblem(name, None, None, reason)]) from None
    reader = csv.reader(text.splitlines())
    try:
        lines = list(reader)
    except csv.Error as error:
        raise pl.PoolSpendError([RowProblem(name, reader.line_num, None, f"is not CSV: {error}")]) from None
    rows = pl.check_pool_spend(name, lines, pools)
    return path.name, hashlib.sha256(data).hexdigest(), rows
