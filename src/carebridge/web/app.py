"""The application: routes, static assets, the sign-in gate and security headers.

Every request but the login page, the static assets and the API's login goes through :func:`_gate`: a
request without a live session is sent to the login page (a page) or answered 401 (the API), before any
handler runs, so a new route is private unless listed in :data:`PUBLIC_PATHS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from carebridge import __version__
from carebridge.store import Store
from carebridge.web.auth import read_session
from carebridge.web.cache import WebCaches
from carebridge.web.context import HERE, SESSION_COOKIE, WebConfig, render

PUBLIC_PATHS = frozenset({"/login", "/api/login"})
PUBLIC_PREFIXES = ("/static/",)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(store: Store, secure_cookies: bool = False) -> FastAPI:
    """The CareBridge web app on ``store``; ``secure_cookies`` marks cookies Secure (serve behind https)."""
    from carebridge.web.routes import (
        api,
        api_planning,
        pages_auth,
        pages_delivery,
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
    app.state.config = WebConfig(store, secure_cookies)
    app.state.caches = WebCaches()
    app.include_router(plotly.router)  # before the mount, which would otherwise answer its path
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(pages_auth.router)
    app.include_router(pages_scenarios.router)
    app.include_router(pages_uncertainty.router)
    app.include_router(pages_delivery.router)
    app.include_router(api.router)
    app.include_router(api_planning.router)
    app.middleware("http")(_gate)
    app.exception_handler(HTTPException)(_http_error)
    return app


async def _gate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    path = request.url.path
    request.state.session = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        store: Store = request.app.state.config.store
        request.state.session = await run_in_threadpool(read_session, store, token)
    public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
    if request.state.session is None and not public:
        if path.startswith("/api/") or path == "/openapi.json":
            response: Response = JSONResponse({"detail": "sign in first"}, status_code=401)
        else:
            response = RedirectResponse("/login", status_code=303)
    else:
        response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _http_error(request: Request, error: HTTPException) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=error.headers)
    return render(
        request, "error.html", error.status_code, status=error.status_code, message=str(error.detail)
    )
