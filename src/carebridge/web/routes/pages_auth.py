"""Signing in and out (pages), with the login rate limit and the login form's own CSRF token.

There is no session before signing in, so the login form is protected by a double-submit token: serving
the form sets a random token in an HttpOnly, SameSite=Lax cookie (:data:`LOGIN_CSRF_COOKIE`) and writes
the same token in a hidden field; ``POST /login`` compares the two in constant time and refuses (400) a
form whose token is missing or different, before any password is checked.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from carebridge.web import auth
from carebridge.web.context import SESSION_COOKIE, check_csrf, config, render

router = APIRouter(include_in_schema=False)

LOCKED_MESSAGE = "Too many failed sign-ins: try again in {minutes} minutes."
WRONG_MESSAGE = "The email or the password is wrong."
LOGIN_CSRF_COOKIE = "carebridge_login_csrf"
LOGIN_CSRF_MESSAGE = (
    "The sign-in form has expired or did not come from CareBridge (CSRF); reload the page and try again."
)
LOGIN_CSRF_LIFETIME = 3600
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(auth.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=config(request).secure_cookies,
        path="/",
    )


async def sign_in(request: Request, email: str, password: str) -> tuple[auth.SignedIn | None, str, int]:
    """A new session, or why not (a message and a status: 401 wrong, 429 locked)."""
    store = config(request).store
    address = client_address(request)
    limits = config(request).limits
    window = timedelta(minutes=limits.login_window_minutes)
    if await run_in_threadpool(auth.locked_out, store, email, address, None, limits.login_failures, window):
        return None, LOCKED_MESSAGE.format(minutes=limits.login_window_minutes), 429
    principal = await run_in_threadpool(auth.authenticate, store, email, password, address)
    if principal is None:
        return None, WRONG_MESSAGE, 401
    return await run_in_threadpool(auth.start_session, store, principal), "", 200


def login_form(request: Request, status_code: int = 200, **values: Any) -> Response:
    """The login page with the double-submit token in its hidden field and in the cookie.

    The browser's token is kept while its cookie lives: a second load of the page (another tab, or the
    browser's own request for ``/favicon.ico`` sent on to ``/login``) must not invalidate a form already
    shown. Only a cookie of the right shape is reused; anything else gets a fresh token."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not _TOKEN_SHAPE.fullmatch(token):
        token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status_code, title="Sign in", login_csrf=token, **values)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_LIFETIME,
        httponly=True,
        samesite="lax",
        secure=config(request).secure_cookies,
        path="/login",
    )
    return response


@router.get("/login")
def login_page(request: Request) -> Any:
    if request.state.session is not None:
        return RedirectResponse("/", status_code=303)
    return login_form(request)


@router.post("/login")
async def login_submit(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    login_csrf: Annotated[str | None, Form()] = None,
) -> Any:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not auth.csrf_matches(expected, login_csrf):
        return login_form(request, 400, error=LOGIN_CSRF_MESSAGE, email=email)
    signed, message, status = await sign_in(request, email, password)
    if signed is None:
        return login_form(request, status, error=message, email=email)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, signed.token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()]) -> Any:
    check_csrf(request, csrf_token)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.end_session(config(request).store, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
