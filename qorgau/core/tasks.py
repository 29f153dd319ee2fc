"""Background tasks through the Django tasks API, retried when they fail and never lost.

`retried_task` is `django_tasks.task` plus retries: when the function raises, the same call is
enqueued again (after QORGAU_TASK_RETRY_SECONDS, doubled at every attempt, up to
QORGAU_TASK_ATTEMPTS attempts) *before* the error is re-raised, so the backend records the failed
attempt (its traceback stays in the database, or in RQ's failed registry) and the work is still
queued. A worker that dies in the middle of a database task leaves it "running": `tick` puts such
tasks back in the queue after QORGAU_TASK_TIMEOUT (`requeue_lost_tasks`); RQ does the same for its
own jobs (abandoned jobs go to its failed registry, which /healthz counts).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "_attempt"


def retry_delay(attempt: int) -> timedelta:
    """Seconds to wait after the failed attempt `attempt` (1-based): 30 s, 60 s, 120 s, ..."""
    return timedelta(seconds=settings.QORGAU_TASK_RETRY_SECONDS * 2 ** (attempt - 1))


def retried_task(**task_options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Like `django_tasks.task`, with retries (see the module's docstring). Keyword arguments only."""

    def decorate(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def run(**kwargs: Any) -> Any:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(**kwargs)
            except Exception:
                if attempt >= settings.QORGAU_TASK_ATTEMPTS:
                    logger.error(
                        "task %s failed for good after %d attempts: kept as failed",
                        the_task.name,
                        attempt,
                    )
                    raise
                again = the_task
                if the_task.get_backend().supports_defer:
                    again = the_task.using(run_after=timezone.now() + retry_delay(attempt))
                again.enqueue(**kwargs, **{ATTEMPT_KWARG: attempt + 1})
                logger.warning(
                    "task %s failed (attempt %d of %d): enqueued again",
                    the_task.name,
                    attempt,
                    settings.QORGAU_TASK_ATTEMPTS,
                )
                raise

        the_task = task(**task_options)(run)
        return the_task

    return decorate


@retried_task()
def tick() -> None:
    """`manage.py tick` on a worker (enqueued by `manage.py tick --enqueue`)."""
    call_command("tick")


def requeue_lost_tasks(*, now: Any = None) -> int:
    """Database tasks still "running" long after their start lost their worker: run them again.
    Claimed with a conditional update, so several ticks at once requeue each task once."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = (now or timezone.now()) - timedelta(seconds=settings.QORGAU_TASK_TIMEOUT)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


def queue_health() -> tuple[bool, str]:
    """Whether the task queue answers, and what waits in it (for /healthz)."""
    backend = task_backends["default"]
    name = type(backend).__name__
    try:
        if name == "DatabaseBackend":
            from django_tasks_db.models import DBTaskResult

            # One lookup on the queue's own partial index (cheap at any size of the table).
            oldest = DBTaskResult.objects.ready().values_list("enqueued_at", flat=True).first()
            if oldest is None:
                return True, "queue ok (database): nothing waiting"
            waited = int((timezone.now() - oldest).total_seconds())
            return True, f"queue ok (database): the next task has waited {waited} s"
        if name == "RQBackend":
            import django_rq

            queue = django_rq.get_queue("default")
            queue.connection.ping()
            return True, (
                f"queue ok (redis): {queue.count} waiting, {queue.failed_job_registry.count} failed"
            )
    except Exception as exc:  # the queue's own error says what is wrong; never personal data
        return False, f"queue unavailable: {type(exc).__name__}"
    return True, f"queue ok ({name})"
