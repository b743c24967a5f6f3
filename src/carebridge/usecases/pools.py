"""Pooled budgets under Section 75: load pools into the store, import their monthly spend, and each pool's
status as at a month (spend against the pool year to date and forecast, the gross and affordability bases,
each partner's share of the forecast over- or underspend).

Each function opens one session of the store (one transaction), so an import is all or nothing; changes are
audited under the store's actor. The arithmetic is :mod:`carebridge.delivery.pools`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from carebridge.delivery import pools as pl
from carebridge.delivery.months import Month
from carebridge.store import Store
from carebridge.store.pools import (
    PoolLoadOutcome,
    SpendOutcome,
    StoredPool,
    read_pools,
    read_spend,
    read_spend_file,
    save_pool,
    save_spend,
)
from carebridge.usecases.errors import UseCaseError


class NoPoolsError(UseCaseError):
    """The store has no pool yet."""

    def __init__(self) -> None:
        super().__init__(
            "the store has no pooled budget yet; load one first: carebridge pools load FILE.yaml"
        )


class UnknownPoolError(UseCaseError):
    """A pool that is not in the store."""


def pool_code(pool: pl.PoolDefinition, path: Path) -> str:
    """The id a pool is stored under: its ``id``, else the file's name without its suffix."""
    return pool.id or path.stem


def load_pools(store: Store, pools: Sequence[tuple[pl.PoolDefinition, Path]]) -> list[PoolLoadOutcome]:
    """Add or change each pool (one transaction for them all)."""
    with store.session() as session:
        return [save_pool(session, pool, pool_code(pool, path), str(path)) for pool, path in pools]


def list_pools(store: Store) -> list[StoredPool]:
    with store.session() as session:
        return read_pools(session)


def import_spend(store: Store, path: Path) -> SpendOutcome:
    """Import a CSV of monthly pool spend, all or nothing (:class:`PoolSpendError` lists every bad row;
    :class:`NoPoolsError` before any pool is loaded). Importing the same file again changes nothing."""
    with store.session() as session:
        known = {stored.code: stored.definition for stored in read_pools(session)}
    if not known:
        raise NoPoolsError()
    name, _, rows = read_spend_file(path, known)
    with store.session() as session:
        return save_spend(session, rows, name)


@dataclass(frozen=True)
class PoolsStatus:
    """Each pool (or the one asked for) as at ``month``; ``months`` are the months with spend imported."""

    month: Month | None
    months: tuple[Month, ...]
    pools: tuple[tuple[StoredPool, pl.PoolStatus | None], ...]
    """Each pool and its status (``None``: the pool has no budget in the month's year)."""


def pools_status(store: Store, month: str | None = None, pool: str | None = None) -> PoolsStatus:
    """Each pool's status as at ``month`` (default: the latest month with spend of any pool);
    :class:`MonthError` for a label that is not ``YYYY/YY-Mnn``, :class:`UnknownPoolError` for an unknown
    ``pool``."""
    as_at = Month.parse(month) if month is not None else None
    with store.session() as session:
        stored = read_pools(session)
        spend = {item.code: read_spend(session, item.code) for item in stored}
    if pool is not None:
        codes = [item.code for item in stored]
        if pool not in codes:
            from carebridge.scenario.errors import did_you_mean

            hint = did_you_mean(pool, codes) or (f"; expected one of {', '.join(codes)}" if codes else "")
            raise UnknownPoolError(f"no pool '{pool}' in the store{hint}")
        stored = [item for item in stored if item.code == pool]
    months = tuple(sorted({m for code in spend for m in spend[code]}))
    if as_at is None and months:
        as_at = max(months)
    rows: list[tuple[StoredPool, pl.PoolStatus | None]] = []
    for item in stored:
        budgeted = as_at is not None and pl.pool_budget(item.definition, as_at.year) > 0
        status = pl.pool_status(item.definition, spend[item.code], as_at) if budgeted and as_at else None
        rows.append((item, status))
    return PoolsStatus(as_at, months, tuple(rows))


def pools_for_pack(store: Store, month: Month) -> tuple[pl.PoolStatus, ...]:
    """The status as at ``month`` of each pool with a budget in its year, for the delivery pack."""
    with store.session() as session:
        stored = read_pools(session)
        spend = {item.code: read_spend(session, item.code) for item in stored}
    return tuple(
        pl.pool_status(item.definition, spend[item.code], month)
        for item in stored
        if pl.pool_budget(item.definition, month.year) > 0
    )
