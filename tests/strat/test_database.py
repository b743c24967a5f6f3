"""The process's DuckDB database: started once; each stratification's connection keeps what it makes to
itself and drops it when it closes."""

from __future__ import annotations

import threading

import duckdb
import pytest

from carebridge.strat.database import connection


def test_each_connection_keeps_its_tables_and_variables_to_itself_and_drops_them() -> None:
    with connection() as first, connection() as second:
        first.execute("CREATE TEMP TABLE scored AS SELECT 0.5 AS risk")
        first.execute("SET VARIABLE carebridge_model = [1.0]")
        second.execute("CREATE TEMP TABLE scored AS SELECT 0.25 AS risk, 1 AS extra")
        assert first.execute("SELECT * FROM scored").fetchall() == [(0.5,)]
        assert second.execute("SELECT getvariable('carebridge_model')").fetchall() == [(None,)]
    with connection() as later:
        assert later.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'scored'"
        ).fetchall() == [(0,)]


def test_a_connection_is_closed_on_leaving_even_after_an_error() -> None:
    with pytest.raises(RuntimeError), connection() as con:
        kept = con
        raise RuntimeError("a stratification that failed")
    with pytest.raises(duckdb.ConnectionException):
        kept.execute("SELECT 1")


def test_connections_made_at_once_share_one_database() -> None:
    """Threads (the web app's requests) each get their own connection to the one database."""
    seen: list[int] = []

    def count() -> None:
        with connection() as con:
            con.execute("CREATE TEMP TABLE mine AS SELECT * FROM range(1000)")
            seen.append(int(con.execute("SELECT count(*) FROM mine").fetchall()[0][0]))

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [1000] * 4
