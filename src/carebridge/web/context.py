"""What every request handler shares: the store, the signed-in user, CSRF checks and templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from carebridge.store import Store
from carebridge.web.auth import SessionInfo, csrf_matches
from carebridge.web.cache import WebCaches
from carebridge.web.limits import Limits
from carebridge.web.roles import Principal

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.auto_reload = False  # the templates ship with the package: no stat of each file per page
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_COOKIE = "carebridge_session"


@dataclass(frozen=True)
class WebConfig:
    """How the app runs: the store, whether cookies are marked Secure (behind https), and its limits."""

    store: Store
    secure_cookies: bool = False
    limits: Limits = field(default_factory=Limits)


def config(request: Request) -> WebConfig:
    found: WebConfig = request.app.state.config
    return found


def session_info(request: Request) -> SessionInfo:
    """The signed-in session (the middleware lets no anonymous request reach a handler that asks)."""
    info: SessionInfo | None = getattr(request.state, "session", None)
    if info is None:
        raise HTTPException(401, "sign in first")
    return info


async def principal(request: Request) -> Principal:
    """The signed-in user. The dependencies here are ``async``: FastAPI runs a plain function dependency in
    a worker thread, a hop that costs more than the little each does (none does I/O)."""
    return session_info(request).principal


async def web_caches(request: Request) -> WebCaches:
    """The app's caches (made by ``create_app``)."""
    return _caches(request)


def _caches(request: Request) -> WebCaches:
    found: WebCaches = request.app.state.caches
    return found


Caches = Annotated[WebCaches, Depends(web_caches)]


async def store_as(request: Request) -> Store:
    """The store, with changes recorded in the audit log under the signed-in user's email."""
    base = config(request).store
    actor = session_info(request).principal.email
    stores = _caches(request).stores
    found = stores.get(actor)
    if found is None or found.engine is not base.engine:
        found = Store(base.engine, actor)
        stores[actor] = found
    return found


async def reading_store(request: Request) -> Store:
    return config(request).store


def check_csrf(request: Request, given: str | None) -> None:
    """Refuse a state-changing request whose CSRF token (form field or header) is not the session's."""
    expected = session_info(request).csrf_token
    if not csrf_matches(expected, given or request.headers.get(CSRF_HEADER)):
        raise HTTPException(
            403, "the form has expired or did not come from CareBridge (CSRF); reload the page"
        )


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> Response:
    info: SessionInfo | None = getattr(request.state, "session", None)
    values.setdefault("user", info.principal if info else None)
    values.setdefault("csrf_token", info.csrf_token if info else "")
    return TEMPLATES.TemplateResponse(request, template, values, status_code=status_code)


def render_part(template: str, **values: Any) -> Markup:
    """A part of a page rendered alone, without the request or the user: the body of a page that every user
    who may see it is shown alike (no CSRF token, no name), which the page keeps (``WebCaches.parts``) and
    sets inside what :func:`render` draws for each request (the header with the user, the forms with
    their token)."""
    return Markup(TEMPLATES.get_template(template).render(**values))


def _money(value: float) -> str:
    from carebridge.report.numbers import format_number

    return format_number(value, "money")


def _number(value: float) -> str:
    return "–" if value != value else f"{value:,.0f}"


def _ratio(value: float) -> str:
    return "–" if value != value else f"{value:.0%}"


def _chart_json(chart: Any) -> str:
    from carebridge.web.dashboard import chart_json

    return chart_json(chart)


def _target_number(value: float | None) -> str:
    from carebridge.delivery.register_status import number

    return number(value) or "–"


TEMPLATES.env.globals.update(
    money=_money, number=_number, ratio=_ratio, chart_json=_chart_json, target_number=_target_number
)
