"""Helpers the page and API routes share: finding a plan, checking a role, parsing a scheme form."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import HTTPException
from fastapi import Path as PathParameter
from starlette.concurrency import run_in_threadpool

from carebridge.delivery.pack import PackTable
from carebridge.report.numbers import format_cell
from carebridge.scenario.errors import ScenarioError
from carebridge.store import Store
from carebridge.web import scenarios
from carebridge.web.cache import WebCaches
from carebridge.web.reads import on_the_loop
from carebridge.web.roles import Principal, can_edit

MAX_UPLOAD_BYTES = 5_000_000
PlanId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The plan's id.")]


async def current_or_404(caches: WebCaches, store: Store, plan_id: int) -> scenarios.Current:
    """The plan's current scenario: read on the event loop when it is kept and the store is SQLite
    (:mod:`carebridge.web.reads`), else in a worker thread."""
    if on_the_loop(store.engine):
        found = scenarios.kept_current(caches.currents, store, plan_id)
        if found is not None:
            return found
    with plan_or_404():
        return await run_in_threadpool(scenarios.cached_current, caches.currents, caches.runs, store, plan_id)


@contextmanager
def plan_or_404() -> Iterator[None]:
    """Reading a plan's current scenario: 404 when there is no such plan, 409 when its stored scenario no
    longer loads (say so, do not crash)."""
    try:
        yield
    except scenarios.PlanMissingError as error:
        raise HTTPException(404, str(error)) from None
    except ScenarioError as error:
        raise HTTPException(409, str(error)) from None


def owner_or_404(state: scenarios.Current, kind: str, item_id: str) -> scenarios.Editable:
    try:
        return scenarios.owner_of(state.loaded.scenario, kind, item_id)
    except KeyError:
        what = "scheme" if kind == "schemes" else "plan line"
        raise HTTPException(404, f"no {what} '{item_id}' in {state.plan_name}") from None


def require_editor(principal: Principal, item: scenarios.Editable) -> None:
    if not can_edit(principal, item.owner):
        who = f"an editor of {item.owner}" if item.owner else "a finance lead (a system-level line)"
        what = "scheme" if item.kind == "schemes" else "plan line"
        raise HTTPException(403, f"only {who} may change the {what} {item.id}")


def scheme_values(form: Mapping[str, str]) -> dict[int, dict[str, str]]:
    """Form fields ``effect-<index>-<year>`` as values by effect and year."""
    values: dict[int, dict[str, str]] = {}
    for name, value in form.items():
        parts = name.split("-", 2)
        if len(parts) == 3 and parts[0] == "effect" and parts[1].isdigit():
            values.setdefault(int(parts[1]), {})[parts[2]] = str(value)
    return values


def save_upload(data: bytes, filename: str, folder: Path) -> Path:
    """Keep an upload under its own name (only the last part, so it names the rows in messages)."""
    name = Path(filename or "upload.csv").name or "upload.csv"
    path = folder / name
    path.write_bytes(data)
    return path


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="carebridge-web-")


def pack_table_view(table: PackTable) -> dict[str, Any]:
    """A table of the delivery pack as a page's template draws it: each cell's text and kind (a RAG cell its
    status word), and the table's note."""
    rows = [
        [
            (
                str(value or "none") if column.kind == "status" else format_cell(value, column.kind),
                column.kind,
            )
            for value, column in zip(row, table.columns, strict=True)
        ]
        for row in table.rows
    ]
    return {
        "id": table.id,
        "title": table.title,
        "subtitle": table.subtitle,
        "note": table.note,
        "headers": [(column.header, column.kind) for column in table.columns],
        "rows": rows,
    }
