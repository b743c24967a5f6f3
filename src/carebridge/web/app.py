"""The application: routes, static assets, and the guard every request passes first.

Every request goes through :class:`carebridge.web.guard.Guard` before any route runs: the size of its body,
the session (a request without one is sent to the login page, or answered 401 by the API), the role and
the CSRF token of a change, the time it may take, and the security headers. A new route is private unless
listed in :data:`carebridge.web.guard.PUBLIC_PATHS`.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from carebridge.store import Store
from carebridge.version import __version__
from carebridge.web.cache import WebCaches
from carebridge.web.context import HERE, WebConfig
from carebridge.web.guard import PUBLIC_PATHS, SECURITY_HEADERS, Guard, error_response, wants_json
from carebridge.web.limits import Limits

__all__ = ["PUBLIC_PATHS", "SECURITY_HEADERS", "create_app"]


def create_app(store: Store, secure_cookies: bool = False, limits: Limits | None = None) -> FastAPI:
    """The CareBridge web app on ``store``; ``secure_cookies`` marks cookies Secure and sends HSTS (serve
    behind https); ``limits`` are what the server accepts (body and upload size, time, login lock)."""
    from carebridge.web.routes import (
        api,
        api_planning,
        pages_auth,
        pages_delivery,
        pages_efficiency,
        pages_outcomes,
        pages_partners,
        pages_pools,
        pages_programme,
        pages_regions,
        pages_scenarios,
        pages_uncertainty,
        plotly,
    )

    app = FastAPI(
        title="CareBridge",
        version=__version__,
        description="The whole-system plan shared by the partner organisations: scenarios, plan versions, "
        "scheme assumptions, actuals and the early warning system. Sign in with POST /api/login; send the "
        "returned csrf_token in the X-CSRF-Token header of every change.",
        docs_url=None,
        redoc_url=None,
    )
    limits = limits or Limits()
    app.state.config = WebConfig(store, secure_cookies, limits)
    app.state.caches = WebCaches()
    app.include_router(plotly.router)  # before the mount, which would otherwise answer its path
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages_auth.router)
    app.include_router(pages_partners.router)  # before pages_scenarios (its /{kind}/{id})
    app.include_router(pages_scenarios.router)
    app.include_router(pages_uncertainty.router)
    app.include_router(pages_delivery.router)
    app.include_router(api.router)
    app.include_router(api_planning.router)
    app.include_router(pages_regions.router)
    app.include_router(pages_efficiency.router)
    app.include_router(pages_pools.router)
    app.include_router(pages_programme.router)
    app.include_router(pages_outcomes.router)
    app.add_middleware(Guard, limits=limits, secure_cookies=secure_cookies)
    app.exception_handler(HTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_invalid_request)
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return error_response(request, error.status_code, str(error.detail), **(error.headers or {}))


async def _invalid_request(request: Request, error: Exception) -> Response:
    """The API's 422 lists the problems as FastAPI does; a page says which fields were wrong."""
    assert isinstance(error, RequestValidationError)
    if wants_json(request):
        return await request_validation_exception_handler(request, error)
    problems = "; ".join(
        f"{'.'.join(str(part) for part in problem.get('loc', ())[1:]) or 'the request'}: "
        f"{problem.get('msg', 'not valid')}"
        for problem in error.errors()
    )
    return error_response(request, 422, f"the form could not be used: {problems}")
