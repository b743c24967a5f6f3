"""Users of the web app, their roles in each organisation, their sessions, login attempts, and the working
draft of each plan's scenario (edited in the browser, approved by a finance lead as a new version)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carebridge.store.models.base import Audited, Base, utcnow

ROLES = ("viewer", "editor", "finance_lead", "admin")
"""Roles a user may hold in an organisation, from least to most."""


class User(Audited, Base):
    """A person who signs in: an email, an argon2 hash of the password, whether they administer the app."""

    __tablename__ = "users"
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserRole(Audited, Base):
    """A user's role in one organisation (an organisation id of the scenarios, e.g. ``sft``)."""

    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    org: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))


class WebSession(Base):
    """A signed-in browser: the SHA-256 of the cookie's token (the token itself is never stored), the
    session's CSRF token, and when it expires."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginAttempt(Base):
    """One failed sign-in, by account and address, counted by the login rate limit."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ScenarioDraft(Audited, Base):
    """The scenario of a plan as edited since its latest version; approving it makes a new version."""

    __tablename__ = "scenario_drafts"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    scenario_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    """When the draft was last saved (each save sets it)."""
    updated_by: Mapped[str] = mapped_column(String(100))
