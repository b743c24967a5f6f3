"""The gate every request passes before any route runs: size, session, CSRF, role, time and headers.

:class:`Guard` is a plain ASGI middleware, so it decides before a byte of the body is read:

1. **Size.** A ``Content-Length`` above the limit is refused (413) at once; a body sent without one is
   counted as it streams and refused the moment it passes the limit. The limit is
   :attr:`Limits.body_bytes` for a form or JSON, :attr:`Limits.upload_bytes` (plus a small allowance for
   the form's other fields) for a file upload (``multipart/form-data``), and the body limit for every
   request to a public path.
2. **Session.** Without a live session a page redirects to ``/login`` and the API answers 401; only
   :data:`PUBLIC_PATHS` and :data:`PUBLIC_PREFIXES` are open.
3. **Role.** A change (any method but GET, HEAD, OPTIONS) from a user who edits nothing (a viewer) is
   refused (403), except signing out.
4. **CSRF.** A change must carry the session's token: in the ``X-CSRF-Token`` header (the API, htmx), or
   as the ``csrf_token`` field of a form (urlencoded: the form, at most the body limit; a file upload: its
   first field, read alone). Which organisation's lines a user may change is the route's to decide.
5. **Time.** A request that has not begun its answer within :attr:`Limits.request_seconds` is answered
   408 (its body still arriving) or 503; work already running in a thread finishes in the background
   and what it answers is dropped.
6. **Headers.** Every answer carries :data:`SECURITY_HEADERS` (and HSTS when cookies are Secure, that is
   behind https); pages are not cached. ``Server-Timing: app;dur=…`` says the milliseconds from the
   request reaching the guard to its answer beginning (the load benchmark reads it).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from carebridge.web.auth import SessionInfo, csrf_matches, read_session
from carebridge.web.context import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, render
from carebridge.web.limits import FORM_ALLOWANCE, Limits
from carebridge.web.reads import on_the_loop

PUBLIC_PATHS = frozenset({"/login", "/api/login"})
PUBLIC_PREFIXES = ("/static/",)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_TO_EVERY_ROLE = frozenset({"/logout"})
"""Changes a user with no editing role may still make."""
CSRF_MESSAGE = "the form has expired or did not come from CareBridge (CSRF); reload the page"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), fullscreen=(self)"
    ),
}
HSTS = "max-age=31536000; includeSubDomains"
STATUS_TITLES = {
    400: "Bad request",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timed out",
    409: "Conflict",
    413: "Too large",
    422: "Cannot be used",
    429: "Too many attempts",
    500: "Server error",
    503: "Server busy",
}
_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)
_background: set[asyncio.Task[None]] = set()


class BodyTooLargeError(Exception):
    """The body passed its limit while it was being read."""


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path == "/openapi.json"
        or "application/json" in request.headers.get("accept", "")
    )


def error_response(request: Request, status: int, message: str, **headers: str) -> Response:
    """The answer to a refused request: JSON for the API, else the error page (with a title)."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers or None)
    title = f"{status} {STATUS_TITLES.get(status, 'Error')}"
    response = render(request, "error.html", status, title=title, status=status, message=message)
    response.headers.update(headers)
    return response


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def media_type(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1").split(";")[0].strip().lower())
    return ""


def header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def body_cap(scope: Scope, limits: Limits) -> int:
    if not is_public(scope["path"]) and media_type(scope) == "multipart/form-data":
        return limits.upload_cap()
    return limits.body_bytes


def too_large_message(scope: Scope, limits: Limits) -> str:
    if body_cap(scope, limits) == limits.upload_cap():
        return (
            f"the upload is larger than {megabytes(limits.upload_bytes)}, the most this server accepts "
            "(carebridge serve --max-upload-mb)"
        )
    return (
        f"the request is larger than {megabytes(limits.body_bytes)}, the most this server accepts "
        "(carebridge serve --max-body-mb)"
    )


def multipart_boundary(scope: Scope) -> bytes | None:
    content_type = header(scope, b"content-type") or ""
    found = re.search(r'boundary="?([^";]+)"?', content_type, re.IGNORECASE)
    return found.group(1).encode("latin-1") if found else None


def first_field(data: bytes, boundary: bytes) -> tuple[str, str] | None:
    """The name and value of the first part of a multipart body, once it has arrived in full."""
    delimiter = b"--" + boundary
    start = data.find(delimiter)
    if start < 0:
        return None
    headers_end = data.find(b"\r\n\r\n", start)
    if headers_end < 0:
        return None
    end = data.find(b"\r\n" + delimiter, headers_end + 4)
    if end < 0:
        return None
    name = _NAME.search(data[start:headers_end])
    value = data[headers_end + 4 : end]
    return (name.group(1).decode("latin-1") if name else "", value.decode("latin-1"))


class Body:
    """The request's body as the app reads it: counted against the cap, with any part already read for
    the CSRF check handed back first."""

    def __init__(self, scope: Scope, receive: Receive, cap: int) -> None:
        self._receive = receive
        self.cap = cap
        self.seen = 0
        self.expected = header(scope, b"transfer-encoding") is not None or (
            header(scope, b"content-length") or "0"
        ).strip() not in ("", "0")
        self.complete = not self.expected
        self.too_large = False
        self._held: list[Message] = []

    async def pull(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.cap:
                self.too_large = True
                raise BodyTooLargeError
            if not message.get("more_body", False):
                self.complete = True
        else:
            self.complete = True
        return message

    async def __call__(self) -> Message:
        if self._held:
            return self._held.pop(0)
        return await self.pull()

    async def peek(self, enough: Callable[[bytes], bool], most: int) -> bytes:
        """Read the body until ``enough`` of it has arrived (or all of it, or ``most`` bytes), keeping
        what was read for the app."""
        data = b"".join(m.get("body", b"") for m in self._held)
        while not self.complete and not enough(data) and len(data) <= most:
            message = await self.pull()
            self._held.append(message)
            data += message.get("body", b"")
        return data


class Guard:
    """The gate described in the module's docstring."""

    def __init__(self, app: ASGIApp, limits: Limits, secure_cookies: bool = False) -> None:
        self.app = app
        self.limits = limits
        self.headers = dict(SECURITY_HEADERS)
        if secure_cookies:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = Body(scope, receive, body_cap(scope, self.limits))
        exchange = Exchange(scope, send, self.headers, body)
        task = asyncio.ensure_future(self._handle(scope, body, exchange))
        started = asyncio.ensure_future(exchange.started.wait())
        try:
            await asyncio.wait({task, started}, timeout=self.limits.request_seconds)
        finally:
            started.cancel()
            if not task.done() and not exchange.started.is_set():
                exchange.closed = True  # what the abandoned work sends later goes nowhere
                task.cancel()
                _background.add(task)
                task.add_done_callback(_forget)
        if exchange.closed:
            status, message = (
                (408, f"the request's body did not arrive within {self.limits.request_seconds:g} s")
                if not body.complete
                else (503, f"the server could not answer within {self.limits.request_seconds:g} s")
            )
            await exchange.refuse(scope, status, message)
            return
        await task

    async def _handle(self, scope: Scope, body: Body, exchange: Exchange) -> None:
        try:
            refusal = await self._refusal(scope, body)
            if refusal is not None:
                await exchange.refuse(scope, *refusal)
                return
            await self.app(scope, body, exchange.send)
        except BodyTooLargeError:
            pass
        except Exception:
            if not body.too_large:
                raise
        if body.too_large and not exchange.started.is_set():
            await exchange.refuse(scope, 413, too_large_message(scope, self.limits))

    async def _refusal(self, scope: Scope, body: Body) -> tuple[int, str] | None:
        """Why the request is refused before its route runs, or ``None``."""
        path: str = scope["path"]
        method: str = scope["method"]
        length = header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return 400, "the Content-Length header is not a number"
            if int(length) > body.cap:
                return 413, too_large_message(scope, self.limits)
        state = scope.setdefault("state", {})
        state["session"] = None
        token = Request(scope).cookies.get(SESSION_COOKIE)
        if token:
            store = store_of(scope)
            state["session"] = (
                read_session(store, token)
                if on_the_loop(store.engine)
                else await run_in_threadpool(read_session, store, token)
            )
        session: SessionInfo | None = state["session"]
        if is_public(path):
            return None
        if session is None:
            return 401, "sign in first"
        if method in SAFE_METHODS or not routed(scope):
            return None  # a path or method no route takes is answered 404 or 405 by the app, unread
        user = session.principal
        if path not in OPEN_TO_EVERY_ROLE and not (user.editable_orgs or user.is_admin):
            return 403, f"{user.email} may read the plans but change nothing (a viewer)"
        if not await csrf_given(scope, body, session.csrf_token, self.limits):
            return 403, CSRF_MESSAGE
        return None


def routed(scope: Scope) -> bool:
    """Whether a route of the app takes the request's path and method."""
    return any(route.matches(scope)[0] is Match.FULL for route in scope["app"].router.routes)


def store_of(scope: Scope) -> Any:
    return scope["app"].state.config.store


async def csrf_given(scope: Scope, body: Body, expected: str, limits: Limits) -> bool:
    """Whether the request carries the session's CSRF token: the header, else the form's field."""
    given = header(scope, CSRF_HEADER.encode("latin-1"))
    if given is not None:
        return csrf_matches(expected, given)
    kind = media_type(scope)
    if kind == "application/x-www-form-urlencoded":
        data = await body.peek(lambda _: False, limits.body_bytes)
        fields = dict(parse_qsl(data.decode("latin-1"), keep_blank_values=True))
        return csrf_matches(expected, fields.get(CSRF_FIELD))
    boundary = multipart_boundary(scope)
    if kind == "multipart/form-data" and boundary is not None:
        data = await body.peek(lambda read: first_field(read, boundary) is not None, FORM_ALLOWANCE)
        field = first_field(data, boundary)
        return field is not None and field[0] == CSRF_FIELD and csrf_matches(expected, field[1])
    return False


class Exchange:
    """The answer's side of a request: adds the security headers, notes when the answer began, and drops
    what abandoned work sends after the guard has answered in its place."""

    def __init__(self, scope: Scope, send: Send, headers: dict[str, str], body: Body) -> None:
        self._send = send
        self._headers = headers
        self._page = not scope["path"].startswith("/static/")
        self._body = body
        self._began = time.perf_counter()
        self.started = asyncio.Event()
        self.closed = False

    async def send(self, message: Message) -> None:
        if self.closed or self._body.too_large:
            return
        await self.forward(message)

    async def forward(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in self._headers.items():
                headers.setdefault(name, value)
            if self._page:
                headers.setdefault("Cache-Control", "no-store")
            headers["Server-Timing"] = f"app;dur={(time.perf_counter() - self._began) * 1000:.1f}"
            self.started.set()
        await self._send(message)

    async def refuse(self, scope: Scope, status: int, message: str) -> None:
        """Answer in the route's place; when the body was not read in full, close the connection after
        the answer rather than read the rest."""
        request = Request(scope)
        close = self._body.expected and not self._body.complete
        extra = {"Connection": "close"} if close else {}
        if status == 401 and not wants_json(request):
            response: Response = RedirectResponse("/login", status_code=303, headers=extra or None)
        else:
            response = error_response(request, status, message, **extra)

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, self.forward)


def _forget(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: abandoned work that failed has no one left to tell
