"""What the server accepts, set by the flags of ``carebridge serve`` (defaults documented in docs/web.md)."""

from __future__ import annotations

from dataclasses import dataclass

FORM_ALLOWANCE = 64_000
"""Bytes an upload's request may carry beyond the file: its other fields and the multipart framing."""


@dataclass(frozen=True)
class Limits:
    """The size of a request's body and of an upload, the time to begin an answer, and the login lock
    (``login_failures`` failed sign-ins within ``login_window_minutes``, per account and per address)."""

    body_bytes: int = 1_000_000
    upload_bytes: int = 5_000_000
    request_seconds: float = 60.0
    login_failures: int = 5
    login_window_minutes: int = 5

    def upload_cap(self) -> int:
        """The most an upload's whole request may carry: the file and :data:`FORM_ALLOWANCE`."""
        return self.upload_bytes + FORM_ALLOWANCE
