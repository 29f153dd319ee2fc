"""Background tasks: on the database and on Redis (RQ), a failing task is retried and never lost."""

import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from qorgau.core.alert_delivery import deliver
from qorgau.core.alerts import raise_alert
from qorgau.core.models import Delivery
from qorgau.core.tasks import queue_health, requeue_lost_tasks
from tests.factories import UserFactory
from tests.testapp.mail import FlakyEmailBackend

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
FLAKY_MAIL = "tests.testapp.mail.FlakyEmailBackend"


def email_task(user, ref: str = "R-TEST"):
    """An alert's e-mail to `user`, queued as the commit of a P1 report queues it."""
    alert = raise_alert(
        kind="report_p1",
        object_ref=ref,
        recipients=[user],
        url="/staff/",
        params={"report": ref, "deadline_at": ""},
    )
    delivery = Delivery.objects.get(notification__alert=alert, notification__user=user)
    return deliver.enqueue(delivery_id=delivery.pk)


def redis_answers() -> bool:
    url = urlsplit(settings.RQ_QUEUES["default"]["URL"])
    try:
        socket.create_connection((url.hostname, url.port or 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def smtp_down_twice():
    FlakyEmailBackend.failures = 2
    yield
    FlakyEmailBackend.failures = 0


@pytest.fixture
def duty_analyst(almaty):
    return UserFactory(username="duty", email="duty@example.invalid", region=almaty)


def run_db_worker():
    """`manage.py db_worker --batch`'s loop: claim the next ready task (row lock), run it with the
    worker's own run_task (which records success or failure), until none is ready. (The command
    itself closes the database connection between tasks, which would end the test's transaction.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for _ in range(100):
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        with transaction.atomic():
            task_result = ready.get_locked()
            if task_result is None:
                return
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
    raise AssertionError("the database queue did not empty")


# --- the database backend ------------------------------------------------------------------


@override_settings(
    TASKS=DB_TASKS, EMAIL_BACKEND=FLAKY_MAIL, QORGAU_TASK_RETRY_SECONDS=0, QORGAU_TASK_ATTEMPTS=5
)
def test_a_task_that_fails_is_retried_until_it_succeeds_on_the_database(
    db, duty_analyst, smtp_down_twice
):
    from django_tasks_db.models import DBTaskResult

    email_task(duty_analyst, "R-TEST")
    run_db_worker()

    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert all(
        "SMTP server unavailable" in t
        for t in DBTaskResult.objects.failed().values_list("traceback", flat=True)
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["duty@example.invalid"]


@override_settings(
    TASKS=DB_TASKS, EMAIL_BACKEND=FLAKY_MAIL, QORGAU_TASK_RETRY_SECONDS=0, QORGAU_TASK_ATTEMPTS=2
)
def test_a_task_that_keeps_failing_stays_in_the_database_as_failed(
    db, duty_analyst, smtp_down_twice
):
    from django_tasks_db.models import DBTaskResult

    email_task(duty_analyst, "R-TEST")
    run_db_worker()

    failed = DBTaskResult.objects.failed()
    assert failed.count() == 2
    assert not DBTaskResult.objects.ready().exists()
    # The last attempt keeps everything needed to run it again by hand.
    assert {r.args_kwargs["kwargs"]["delivery_id"] for r in failed} == set(
        Delivery.objects.filter(notification__user=duty_analyst).values_list("pk", flat=True)
    )
    assert mail.outbox == []


@override_settings(TASKS=DB_TASKS, QORGAU_TASK_TIMEOUT=600)
def test_tick_queues_again_a_task_whose_worker_died(db, duty_analyst):
    from django_tasks_db.models import DBTaskResult

    result = email_task(duty_analyst, "R-TEST")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=11)
    )
    recent = email_task(duty_analyst, "R-OTHER")
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="RUNNING", started_at=timezone.now() - timedelta(minutes=1)
    )

    assert requeue_lost_tasks() == 1
    run_db_worker()

    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(pk=recent.id).status == "RUNNING"
    assert len(mail.outbox) == 1


@override_settings(TASKS=DB_TASKS)
def test_tick_enqueue_hands_the_tick_to_a_worker(db, reference_data):
    from django_tasks_db.models import DBTaskResult

    call_command("tick", "--enqueue")
    assert DBTaskResult.objects.ready().get().task_path == "qorgau.core.tasks.tick"
    run_db_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@override_settings(TASKS=DB_TASKS)
def test_queue_health_reads_the_database_queue(db, duty_analyst):
    assert queue_health() == (True, "queue ok (database): nothing waiting")
    email_task(duty_analyst, "R-TEST")
    ok, line = queue_health()
    assert ok
    assert line.startswith("queue ok (database): the next task has waited")


# --- RQ on Redis ---------------------------------------------------------------------------


@pytest.fixture
def rq_queue():
    if not redis_answers():
        pytest.skip(f"Redis does not answer at {settings.RQ_QUEUES['default']['URL']}")
    import django_rq

    queue = django_rq.get_queue("default")
    # Test suites running at once on this machine share the Redis database: one at a time.
    lock = queue.connection.lock("qorgau:tests:rq", timeout=300, blocking_timeout=300)
    assert lock.acquire(), "another test run kept the Redis test lock for 5 minutes"
    try:
        queue.empty()
        for registry in (queue.failed_job_registry, queue.scheduled_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)
        yield queue
        queue.empty()
    finally:
        lock.release()


def run_rq_worker(queue):
    """An RQ worker as `manage.py rqworker` makes it (the job class from the settings), in this
    process (SimpleWorker: no fork, so it sees the test database), with its scheduler for the
    retries, until nothing is left to run."""
    import django_rq
    from rq import SimpleWorker
    from rq.scheduler import RQScheduler

    worker = django_rq.get_worker("default", worker_class=SimpleWorker)
    scheduler = RQScheduler([queue], connection=queue.connection)
    scheduler.acquire_locks()
    try:
        for _ in range(100):
            scheduler.enqueue_scheduled_jobs()
            if queue.count:
                worker.work(burst=True)
            elif queue.scheduled_job_registry.count == 0:
                return
            else:
                time.sleep(0.1)  # a retry due within the second
    finally:
        scheduler.release_locks()
    raise AssertionError("the RQ queue did not empty")


@override_settings(
    TASKS=RQ_TASKS, EMAIL_BACKEND=FLAKY_MAIL, QORGAU_TASK_RETRY_SECONDS=0, QORGAU_TASK_ATTEMPTS=5
)
def test_a_task_that_fails_is_retried_until_it_succeeds_on_redis(
    db, rq_queue, duty_analyst, smtp_down_twice
):
    first = email_task(duty_analyst, "R-TEST")
    run_rq_worker(rq_queue)

    assert len(mail.outbox) == 1
    assert deliver.get_result(first.id).status == "FAILED"
    assert rq_queue.failed_job_registry.count == 2


@override_settings(
    TASKS=RQ_TASKS, EMAIL_BACKEND=FLAKY_MAIL, QORGAU_TASK_RETRY_SECONDS=0, QORGAU_TASK_ATTEMPTS=2
)
def test_a_task_that_keeps_failing_stays_in_redis_as_failed(
    db, rq_queue, duty_analyst, smtp_down_twice
):
    email_task(duty_analyst, "R-TEST")
    run_rq_worker(rq_queue)

    assert mail.outbox == []
    assert rq_queue.failed_job_registry.count == 2
    ok, line = queue_health()
    assert ok
    assert line == "queue ok (redis): 0 waiting, 2 failed"
