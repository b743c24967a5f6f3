"""The web app's commands: ``carebridge serve`` and ``carebridge users add``."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Annotated

import typer

from carebridge.cli.app import app, fail
from carebridge.cli.delivery import Db, open_store
from carebridge.web.limits import Limits

if TYPE_CHECKING:
    from fastapi import FastAPI

DEFAULT_LIMITS = Limits()
WORKERS_ENVIRONMENT = "CAREBRIDGE_SERVE"
"""How ``serve --workers`` hands each worker process the store's URL, the cookies' setting and the limits
(JSON): uvicorn starts the workers afresh and each builds its app with :func:`app_from_environment`."""

users_app = typer.Typer(
    help="Users of the web app and their roles per organisation.\n\n"
    "Example:\n\n  echo 'a long password' | carebridge users add admin@example.nhs.uk --org ccg "
    "--role finance_lead --admin --password-stdin",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Mark cookies Secure and send Strict-Transport-Security: set when the app is served "
            "behind https.",
        ),
    ] = False,
    max_body_mb: Annotated[
        float,
        typer.Option(
            "--max-body-mb", min=0.001, help="The largest request body (a form or JSON) accepted, in MB."
        ),
    ] = DEFAULT_LIMITS.body_bytes / 1_000_000,
    max_upload_mb: Annotated[
        float,
        typer.Option(
            "--max-upload-mb", min=0.001, help="The largest upload (actuals, a scenario) accepted, in MB."
        ),
    ] = DEFAULT_LIMITS.upload_bytes / 1_000_000,
    request_timeout: Annotated[
        float,
        typer.Option(
            "--request-timeout",
            min=0.1,
            help="Seconds a request may take before its answer begins (408 while its body is still "
            "arriving, else 503).",
        ),
    ] = DEFAULT_LIMITS.request_seconds,
    login_failures: Annotated[
        int,
        typer.Option(
            "--login-failures",
            min=1,
            help="Failed sign-ins, per account and per address, that lock further attempts.",
        ),
    ] = DEFAULT_LIMITS.login_failures,
    login_lock_minutes: Annotated[
        int,
        typer.Option(
            "--login-lock-minutes",
            min=1,
            help="The window the failures are counted in; the lock lifts as the oldest leaves it.",
        ),
    ] = DEFAULT_LIMITS.login_window_minutes,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-proxy",
            help="Address (or network, like 10.0.0.0/24) of a reverse proxy whose X-Forwarded-For and "
            "X-Forwarded-Proto headers are believed; repeat for several. Without it those headers are "
            "ignored and the client is the address that connected.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes answering requests (each with its own caches; sessions and the plans "
            "are in the store): about one per core.",
        ),
    ] = 1,
    db: Db = None,
) -> None:
    """Serve the web app the partner organisations share: scenarios, dashboards, scheme assumptions,
    actuals and the early warning system, and a JSON API (/openapi.json).

    Works on the default store with no configuration; make the first user with carebridge users add.

    Example:

      carebridge serve --port 8000 --workers 2
    """
    import uvicorn

    from carebridge.web.app import create_app

    proxies = [proxy_address(value) for value in trusted_proxy or []]
    limits = replace(
        DEFAULT_LIMITS,
        body_bytes=int(max_body_mb * 1_000_000),
        upload_bytes=int(max_upload_mb * 1_000_000),
        request_seconds=request_timeout,
        login_failures=login_failures,
        login_window_minutes=login_lock_minutes,
    )
    store = open_store(db)  # made and migrated here, once, before any worker opens it
    typer.echo(f"CareBridge on http://{host}:{port}/ (store {store.url}, {workers} worker(s))")
    target: FastAPI | str = f"{__name__}:app_from_environment"
    if workers == 1:
        target = create_app(store, secure_cookies, limits)
    else:  # each worker process builds its own app from the environment, on its own connections
        os.environ[WORKERS_ENVIRONMENT] = json.dumps(
            {
                "db": store.engine.url.render_as_string(hide_password=False),
                "actor": store.actor,
                "secure_cookies": secure_cookies,
                "limits": asdict(limits),
            }
        )
        store.close()
    uvicorn.run(
        target,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        server_header=False,  # the Server header would name the framework
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


def app_from_environment() -> FastAPI:
    """The app of one worker of ``serve --workers N``, from what ``serve`` put in
    :data:`WORKERS_ENVIRONMENT` (the store is already migrated)."""
    from carebridge.store import Store
    from carebridge.web.app import create_app

    settings = json.loads(os.environ[WORKERS_ENVIRONMENT])
    store = Store.open(settings["db"], actor=settings["actor"], migrate=False)
    return create_app(store, bool(settings["secure_cookies"]), Limits(**settings["limits"]))


def proxy_address(value: str) -> str:
    """A --trusted-proxy value as an address or network, or exit 2 saying what was expected."""
    import ipaddress

    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        fail(f"--trusted-proxy {value}: expected an IP address (like 127.0.0.1) or a network (10.0.0.0/24)")


@users_app.command("add")
def users_add_command(
    email: Annotated[str, typer.Argument(help="The user's email, used to sign in.", show_default=False)],
    org: Annotated[
        list[str] | None,
        typer.Option(
            "--org",
            help="Organisation id of the role, as the plans in the store name it (repeat for several).",
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        str, typer.Option("--role", help="viewer, editor, finance_lead or admin (in each --org).")
    ] = "viewer",
    admin: Annotated[bool, typer.Option("--admin", help="Administers the app (users, imports).")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    db: Db = None,
) -> None:
    """Add a user (or give one a new password and roles); the password is read from standard input.

    Example:

      carebridge users add editor@sft.nhs.uk --org sft --role editor --password-stdin < password.txt
    """
    from carebridge.store.models import ROLES
    from carebridge.web.auth import UserError, add_user

    if not password_stdin:
        fail("give the password on standard input with --password-stdin (never on the command line)")
    if role not in ROLES:
        fail(f"--role {role}: expected one of {', '.join(ROLES)}")
    if not org and not admin:
        fail("--org: give the organisation of the role (or --admin)")
    password = sys.stdin.readline().rstrip("\r\n")
    roles = dict.fromkeys(org or [], role)
    with open_store(db) as store:
        try:
            add_user(store, email, password, roles, is_admin=admin)
        except UserError as error:
            fail(str(error))
    held = ", ".join(f"{role} of {o}" for o in org or []) or "no organisation role"
    typer.echo(f"User {email.strip().lower()}: {held}{'; admin' if admin else ''}")
