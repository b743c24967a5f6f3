"""Signing in and out (pages), with the login rate limit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from carebridge.web import auth
from carebridge.web.context import SESSION_COOKIE, check_csrf, config, render

router = APIRouter(include_in_schema=False)

LOCKED_MESSAGE = (
    f"Too many failed sign-ins: try again in {int(auth.FAILURE_WINDOW.total_seconds() // 60)} minutes."
)
WRONG_MESSAGE = "The email or the password is wrong."


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
    if await run_in_threadpool(auth.locked_out, store, email, address):
        return None, LOCKED_MESSAGE, 429
    principal = await run_in_threadpool(auth.authenticate, store, email, password, address)
    if principal is None:
        return None, WRONG_MESSAGE, 401
    return await run_in_threadpool(auth.start_session, store, principal), "", 200


@router.get("/login")
def login_page(request: Request) -> Any:
    if request.state.session is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", title="Sign in")


@router.post("/login")
async def login_submit(
    request: Request, email: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Any:
    signed, message, status = await sign_in(request, email, password)
    if signed is None:
        return render(request, "login.html", status, title="Sign in", error=message, email=email)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, signed.token)
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
