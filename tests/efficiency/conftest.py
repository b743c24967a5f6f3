"""Fixtures of the efficiency tests: a store on each backend."""

from __future__ import annotations

from tests.store.backends import store, store_url

__all__ = ["store", "store_url"]
