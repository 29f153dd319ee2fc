"""Reads of the dashboard's figures go to a read replica when one is configured.

Only code that asks for it reads from the replica (`with replica_reads(): ...`, used by the
analytics selectors around their aggregate queries); every write, every other read and every
migration stays on the primary ("default"). A replica lags the primary by a moment, which a
dashboard whose figures are cached for a minute does not notice; a page that must show what its
user has just written (a chief's note) reads the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections

REPLICA = "replica"

_replica_wanted: ContextVar[bool] = ContextVar("qorgau_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica (when there is one)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if not _replica_wanted.get() or not replica_configured():
            return None
        # Inside a transaction on the primary, read what that transaction sees.
        if connections["default"].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A streaming replica is read-only and gets its schema from the primary.
        return db != REPLICA
