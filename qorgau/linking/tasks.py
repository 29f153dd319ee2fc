"""Linking's background work: a full re-link after a large import runs on a worker."""

from __future__ import annotations

from dataclasses import asdict

from qorgau.core.tasks import retried_task
from qorgau.linking.relink import relink_all


@retried_task()
def relink() -> dict:
    """`relink_all()` on a worker (idempotent: it rebuilds every subject from the uses)."""
    return asdict(relink_all())
