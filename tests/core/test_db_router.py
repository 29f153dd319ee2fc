"""The replica router: the dashboard's figures read from DATABASE_REPLICA_URL, everything else (and
every write) goes to the primary.

The end-to-end test runs Qorgau in a child process on two real databases of the engine this suite
runs on (two databases on the same PostgreSQL server, or two SQLite files), made from one migrated
database. Nothing replicates between them, so each holds different figures: what the dashboard shows
proves which one it read, and where a row lands proves where writes go.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from qorgau.core.db_router import ReplicaRouter, replica_reads

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import json
from datetime import date
from django.db import connections
from django.utils import timezone
from qorgau.analytics import selectors
from qorgau.analytics.models import DailyCount
from qorgau.core.db_router import replica_reads

year = timezone.localdate().year
day = date(year, 1, 2)
# What each database holds: 7 reports on the primary, 3 on the "replica".
DailyCount.objects.using("default").create(day=day, region_code="KZ-75", metric="reports", key="all", value=7)
DailyCount.objects.using("replica").create(day=day, region_code="KZ-75", metric="reports", key="all", value=3)

figures = selectors.summary(scope=selectors.Scope(year=year, region=None))
outside = sum(DailyCount.objects.filter(day=day).values_list("value", flat=True))
with replica_reads():
    DailyCount.objects.create(day=day, region_code="KZ-71", metric="reports", key="all", value=1)
    inside_atomic = None
    from django.db import transaction
    with transaction.atomic():
        inside_atomic = DailyCount.objects.filter(day=day).count()
rows = {
    alias: list(DailyCount.objects.using(alias).filter(day=day).order_by("region_code").values_list("region_code", "value"))
    for alias in ("default", "replica")
}
print(json.dumps({
    "dashboard_reports": figures["reports"],
    "plain_read": outside,
    "inside_atomic": inside_atomic,
    "rows": rows,
    "replica_name": str(connections["replica"].settings_dict["NAME"]),
}))
"""


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="qorgau.settings",
        DEBUG="false",
        SECRET_KEY="test-secret-key-not-for-production-0123456789",
        QORGAU_MASTER_KEY="AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="testserver",
        QORGAU_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def two_databases(tmp_path):
    """(primary URL, replica URL): one migrated database and a copy of it."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.settings_dict
        base = f"{params['NAME']}_router"
        server = (
            f"postgres://{params['USER']}:{params.get('PASSWORD') or ''}@"
            f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        )
        names = (f"{base}_primary", f"{base}_replica")

        def drop_all():
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        drop_all()
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{names[0]}"')
        primary = f"{server}/{names[0]}"
        manage("migrate", "--noinput", env=child_env(DATABASE_URL=primary))
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{names[1]}" TEMPLATE "{names[0]}"')
        yield primary, f"{server}/{names[1]}"
        drop_all()
    else:
        primary_file, replica_file = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
        primary = f"sqlite:///{primary_file}"
        manage("migrate", "--noinput", env=child_env(DATABASE_URL=primary))
        shutil.copy(primary_file, replica_file)
        yield primary, f"sqlite:///{replica_file}"


def test_the_dashboard_reads_the_replica_and_every_write_goes_to_the_primary(two_databases):
    primary, replica = two_databases
    out = manage(
        "shell",
        "-c",
        CHILD,
        env=child_env(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica),
    )
    result = json.loads(out.strip().splitlines()[-1])

    assert result["replica_name"].endswith(replica.rsplit("/", 1)[-1])
    assert result["dashboard_reports"] == 3  # the replica's figures
    assert result["plain_read"] == 7  # any other read: the primary
    assert result["inside_atomic"] == 2  # in a transaction on the primary: what it sees
    # The write made inside replica_reads() landed on the primary only.
    assert result["rows"] == {"default": [["KZ-71", 1], ["KZ-75", 7]], "replica": [["KZ-75", 3]]}


def test_without_a_replica_everything_reads_the_primary(settings):
    router = ReplicaRouter()
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(None) is None
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("replica", "intake") is False
    assert router.allow_migrate("default", "intake") is True
