"""The core's part of `manage.py tick`: background tasks whose worker died are queued again."""

from __future__ import annotations

from qorgau.core.tasks import requeue_lost_tasks


def run() -> list[str]:
    return [f"{requeue_lost_tasks()} background tasks of lost workers queued again"]
