"""Users, passwords, sessions and the login rate limit, kept in the store.

Passwords are hashed with argon2id (argon2-cffi). A session is a random token in an HttpOnly cookie; the
store keeps only its SHA-256, the session's CSRF token and when it expires. Failed logins are counted per
account and per address: :data:`MAX_FAILURES` within :data:`FAILURE_WINDOW` locks further attempts until the
oldest failure leaves the window.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, func, or_, select

from carebridge.store import Store
from carebridge.store.models import ROLES, LoginAttempt, PlanVersion, User, UserRole, WebSession
from carebridge.web.reads import Read
from carebridge.web.roles import Principal

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=5)
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD_LENGTH = 10

_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+"
)
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class UserError(ValueError):
    """A user that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token for the cookie and the session's CSRF token."""

    token: str
    csrf_token: str
    principal: Principal


@dataclass(frozen=True)
class SessionInfo:
    principal: Principal
    csrf_token: str


def now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normal_email(email: str) -> str:
    return email.strip().lower()


def add_user(store: Store, email: str, password: str, roles: dict[str, str], is_admin: bool = False) -> int:
    """Make a user (or give an existing one a new password and more roles); return the id. Audited.

    A new password ends every session of the user: whoever signed in with the old one must sign in
    again. The same password again (to add a role) changes nothing of the sign-in."""
    email = normal_email(email)
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise UserError(
            f"'{email[:80]}' is not an email address: expected name@domain, like editor@sft.nhs.uk "
            "(no spaces or <>, and a domain with a dot)"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    for org, role in roles.items():
        if role not in ROLES:
            raise UserError(f"role '{role}' of {org}: expected one of {', '.join(ROLES)}")
    unknown = sorted(set(roles) - set(known := organisations(store)))
    if unknown and not known:
        raise UserError(
            f"organisation {', '.join(unknown)}: no plan in the store names its organisations yet; approve "
            "or import a plan first (carebridge plan approve), or add an admin with --admin and no --org"
        )
    if unknown:
        expected = ", ".join(f"{org} ({name})" for org, name in sorted(known.items()))
        raise UserError(
            f"organisation {', '.join(unknown)} is not an organisation of the plans in the store: "
            f"expected one of {expected}"
        )
    with store.session() as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, password_hash=_hasher.hash(password), is_admin=is_admin)
            session.add(user)
            session.flush()
        else:
            if not _verifies(user.password_hash, password):
                user.password_hash = _hasher.hash(password)
                session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            user.is_admin = user.is_admin or is_admin
        for org, role in roles.items():
            existing = session.scalar(
                select(UserRole).where(UserRole.user_id == user.id, UserRole.org == org)
            )
            if existing is None:
                session.add(UserRole(user_id=user.id, org=org, role=role))
            else:
                existing.role = role
        return user.id


def organisations(store: Store) -> dict[str, str]:
    """The organisations of every plan version in the store (id and name), then those of the places of the
    regions in the store by their ids in the region (``north.ccg``: the CCG of the place ``north`` only)."""
    from carebridge.usecases.regions_store import region_role_orgs

    found: dict[str, str] = {}
    with store.session() as session:
        for reference in session.scalars(select(PlanVersion.reference)):
            found.update({str(k): str(v) for k, v in dict(reference.get("organisations", {})).items()})
    return found | {org: name for org, name in region_role_orgs(store).items() if org not in found}


def _verifies(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def principal_of(store: Store, user_id: int) -> Principal | None:
    with store.session() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        roles = dict(
            session.execute(select(UserRole.org, UserRole.role).where(UserRole.user_id == user_id)).all()
        )
        return Principal(user.id, user.email, user.is_admin, roles)


def locked_out(
    store: Store,
    email: str,
    address: str,
    at: datetime | None = None,
    failures: int = MAX_FAILURES,
    window: timedelta = FAILURE_WINDOW,
) -> bool:
    """Whether the account or the address has ``failures`` failures within ``window`` (by default
    :data:`MAX_FAILURES` within :data:`FAILURE_WINDOW`; ``carebridge serve`` sets both)."""
    since = (at or now()) - window
    with store.session() as session:
        for column, value in ((LoginAttempt.email, normal_email(email)), (LoginAttempt.address, address)):
            count = session.scalar(
                select(func.count()).where(column == value, LoginAttempt.at > since).select_from(LoginAttempt)
            )
            if (count or 0) >= failures:
                return True
    return False


def authenticate(store: Store, email: str, password: str, address: str) -> Principal | None:
    """The user if the password is right; a failure is recorded otherwise (the same work either way)."""
    email = normal_email(email)
    with store.session() as session:
        user = session.scalar(select(User).where(User.email == email, User.active.is_(True)))
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            good = _hasher.verify(stored, password) and user is not None
        except (VerificationError, InvalidHashError):
            good = False
        if not good or user is None:
            session.add(LoginAttempt(email=email[:254], address=address[:64]))
            return None
        if _hasher.check_needs_rehash(stored):
            user.password_hash = _hasher.hash(password)
        user_id = user.id
    return principal_of(store, user_id)


def start_session(store: Store, principal: Principal) -> SignedIn:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with store.session() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now()))
        session.add(
            WebSession(
                token_hash=token_hash(token),
                user_id=principal.id,
                csrf_token=csrf,
                expires_at=now() + SESSION_LIFETIME,
            )
        )
    return SignedIn(token, csrf, principal)


_SESSION = Read(
    select(
        WebSession.expires_at,
        WebSession.csrf_token,
        User.id,
        User.email,
        User.is_admin,
        User.active,
        UserRole.org,
        UserRole.role,
    )
    .join(User, User.id == WebSession.user_id)
    .outerjoin(UserRole, UserRole.user_id == User.id)
    .where(WebSession.token_hash == bindparam("token_hash"))
)
"""Built and compiled once: each request binds the token's hash and runs it on a pooled driver connection."""


def read_session(store: Store, token: str) -> SessionInfo | None:
    """The user and CSRF token of a live session of an active user, or ``None``: one query (the session,
    its user and the user's roles), as every request asks it."""
    rows = _SESSION.rows(store.engine, {"token_hash": token_hash(token)})
    if not rows:
        return None
    expires_at, csrf, user_id, email, is_admin, active, _, _ = rows[0]
    expires = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC)
    if expires < now() or not active:
        return None
    roles = {org: role for *_, org, role in rows if org is not None}
    return SessionInfo(Principal(user_id, email, is_admin, roles), csrf)


def end_session(store: Store, token: str) -> None:
    with store.session() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def clear_failures(store: Store, email: str, address: str) -> None:
    with store.session() as session:
        session.execute(
            delete(LoginAttempt).where(
                or_(LoginAttempt.email == normal_email(email), LoginAttempt.address == address)
            )
        )


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())
