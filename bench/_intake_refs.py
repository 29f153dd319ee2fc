"""The references bench/intake.py measures beside the intake, each in spawned processes:

* B, the durable-write ceiling: W psycopg processes, one transaction per report: lock the audit
  chain head, insert the report, its timeline event and its audit entry, move the head, commit;
* C, the same loop writing every row the pipeline writes for a report naming a new suspect
  (subject, two identifiers and their uses, a name entry, the triage update), the head locked late
  as the application does;
* D, the framework's floor: the intake's POST through `qorgau.wsgi.application` with the service
  replaced, CPU per request.

The rows of B and C are the application's own: its models give the columns, defaults and
ciphertexts (computed once per table), `core.audit_chain.entry_hash` the audit hash."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing as mp
import os
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import BenchError, percentile, rnd, setup_django, spawned

REGIONS = ["KZ-75", "KZ-71", "KZ-79", "KZ-19"]
REPORT_PATH = "/api/v1/reports"
# Columns that take the transaction's time in every row written.
STAMPS = {"created_at", "updated_at", "status_changed_at", "first_seen", "last_seen", "seen_at"}


def report_body(region: str, phone: str = "8 701 123 45 67", handle: str = "@synthetic") -> str:
    """The report of the benchmark: a grooming report by a parent through a platform."""
    return json.dumps(
        {
            "category": "grooming",
            "narrative": "He wrote to my daughter on Telegram and asked her to meet tomorrow "
            f"after school. His number is {phone}.",
            "language": "ru",
            "region": region,
            "child": {"age": 12, "gender": "f"},
            "reporter": {"relation": "parent", "anonymous": True},
            "suspect": {
                "name": "Synthetic Name",
                "identifiers": [
                    {"kind": "telegram", "value": handle},
                    {"kind": "phone", "value": phone},
                ],
            },
        },
        ensure_ascii=False,
    )


def cpu_seconds(
    *, group: int | None = None, database: str | None = None, pid: int | None = None
) -> float:
    """CPU time (user + system) of one process, of a process group (gunicorn's master and
    workers), or of the PostgreSQL backends connected to one database (their title names it)."""
    total = 0
    for entry in [str(pid)] if pid else filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if group is not None and int(fields[2]) != group:
                continue
            if database is not None:
                title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                if not (title.startswith("postgres:") and f" {database} " in f"{title} "):
                    continue
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def per_report(cpu_s: float | None, reports: int) -> float | None:
    """Milliseconds of CPU per report (None when nothing was stored)."""
    return rnd(1000 * cpu_s / reports) if cpu_s is not None and reports > 0 else None


# --- B and C ------------------------------------------------------------------------------------


class Insert:
    """INSERT of the row the application's model writes for `known` (its columns and defaults,
    ciphertexts made by its fields, all computed once), with the values that change per report."""

    def __init__(self, cur: Any, model: Any, **known: Any) -> None:
        from django.db import connection
        from psycopg import sql

        obj = model(**known)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.values = {
            f.column: f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields
        }
        self.sql = (
            sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id")
            .format(
                sql.Identifier(model._meta.db_table),
                sql.SQL(", ").join(map(sql.Identifier, self.values)),
                sql.SQL(", ").join(sql.Placeholder() * len(self.values)),
            )
            .as_bytes(cur)
        )

    def __call__(self, cur: Any, now: datetime, **changed: Any) -> int:
        values = [changed.get(c, now if c in STAMPS else v) for c, v in self.values.items()]
        cur.execute(self.sql, values)
        return cur.fetchone()[0]


def ceiling_worker(
    env: dict[str, str], duration: float, pipeline: bool, barrier: Any, index: int, results: Any
) -> None:
    """One process of B (of C with `pipeline`): one transaction per report for `duration` s."""
    try:
        results.put(_ceiling_loop(env, duration, pipeline, barrier, index))
    except BaseException as exc:
        with contextlib.suppress(Exception):
            barrier.abort()
        results.put({"error": f"{type(exc).__name__}: {exc}"})


def _ceiling_loop(
    env: dict[str, str], duration: float, pipeline: bool, barrier: Any, index: int
) -> dict:
    setup_django(env)
    import psycopg
    from psycopg.types.json import Jsonb

    from qorgau.core.audit_chain import entry_hash
    from qorgau.core.models import AuditEntry, Region
    from qorgau.intake.models import Platform, Report, ReportEvent
    from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject

    platform = Platform.objects.filter(name="bench").values_list("pk", flat=True).first()
    regions = list(Region.objects.filter(code__in=REGIONS).values_list("pk", flat=True)) or [None]
    details = {"source": "platform", "platform_id": platform, "priority": "P2", "files": 0}
    now = datetime.now(UTC)
    conn = psycopg.connect(env["DATABASE_URL"], autocommit=False, connect_timeout=5)
    cur = conn.cursor()
    report = Insert(
        cur,
        Report,
        source="platform",
        platform_id=platform,
        idempotency_scope=f"platform:{platform}",
        request_digest=secrets.token_hex(32),
        category="grooming",
        reporter_relation="parent",
        language="ru",
        child_age=12,
        child_gender="f",
        narrative="He wrote to my daughter on Telegram and asked her to meet tomorrow." * 3,
        reporter_anonymous=True,
        suspect={"name": "Synthetic Name"},
        priority="P2",
        priority_reasons=["category_contact", "young_child"],
        status="received",
        status_changed_at=now,
    )
    event = Insert(
        cur, ReportEvent, report_id=0, created_at=now, kind="submitted", to_status="received"
    )
    audit = Insert(
        cur,
        AuditEntry,
        seq=0,
        created_at=now,
        action="report.submit",
        object_type="intake.report",
        details=details,
    )
    subject = Insert(cur, Subject, first_seen=now, last_seen=now)
    identifier = Insert(
        cur, Identifier, kind="phone", lookup="", value="+77010000000", subject_id=0
    )
    use = Insert(
        cur, IdentifierUse, owner_type="intake.report", owner_id=0, identifier_id=0, seen_at=now
    )
    name = Insert(cur, NameEntry, owner_type="intake.report", owner_id=0, skeleton="name sinthetic")
    lock = "SELECT seq, hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE"
    triage = "UPDATE intake_report SET priority = %s, priority_reasons = %s WHERE id = %s"
    reasons = Jsonb([{"code": "meeting", "priority": "P1"}])
    conn.rollback()
    barrier.wait(timeout=120)
    count, latencies, run = 0, [], secrets.token_hex(4)
    backend = conn.info.backend_pid
    cpu0, backend0 = time.process_time(), cpu_seconds(pid=backend)
    start = time.perf_counter()
    while (began := time.perf_counter()) < start + duration:
        now = datetime.now(UTC)
        region = regions[count % len(regions)]
        if not pipeline:
            head = cur.execute(lock).fetchone()
        key = f"ceiling-{run}-{index}-{count}"
        report_id = report(
            cur, now, region_id=region, public_id=secrets.token_urlsafe(12), idempotency_key=key
        )
        event(cur, now, report_id=report_id)
        if pipeline:
            subject_id = subject(cur, now, public_id=secrets.token_urlsafe(12))
            for kind in ("telegram", "phone"):
                lookup = secrets.token_hex(32)
                ident = identifier(cur, now, kind=kind, lookup=lookup, subject_id=subject_id)
                use(cur, now, owner_id=report_id, identifier_id=ident, region_id=region)
            name(cur, now, owner_id=report_id, subject_id=subject_id)
            cur.execute(triage, ("P1", reasons, report_id))
            head = cur.execute(lock).fetchone()
        if head is None:
            raise BenchError("core_auditchainhead has no row 1")
        entry = AuditEntry(
            seq=head[0] + 1,
            created_at=now,
            action="report.submit",
            object_type="intake.report",
            object_id=str(report_id),
            region_id=region,
            details=details,
            prev_hash=head[1],
        )
        entry.hash = entry_hash(entry)  # the application's canonical form
        audit(
            cur,
            now,
            seq=entry.seq,
            object_id=entry.object_id,
            region_id=region,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
        cur.execute(
            "UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1",
            (entry.seq, entry.hash),
        )
        conn.commit()
        count += 1
        latencies.append((time.perf_counter() - began) * 1000)
    result = {
        "count": count,
        "seconds": time.perf_counter() - start,
        "cpu_s": time.process_time() - cpu0,
        "backend_cpu_s": cpu_seconds(pid=backend) - backend0,  # before its process ends
        "latencies_ms": latencies,
    }
    conn.close()
    return result


def run_ceiling(env: dict[str, str], processes: int, duration: float, *, pipeline: bool) -> dict:
    """B (C with `pipeline`): the summed commits per second of `processes` loops, with the
    transaction latencies and the CPU per commit of the loops and of their backends."""
    barrier = mp.get_context("spawn").Barrier(processes)
    done = spawned(ceiling_worker, (env, duration, pipeline, barrier), processes, duration + 150)
    commits = sum(r["count"] for r in done)
    latencies = [x for r in done for x in r["latencies_ms"]]
    loop_s, db_s = sum(r["cpu_s"] for r in done), sum(r["backend_cpu_s"] for r in done)
    if pipeline:
        statements = (
            "INSERT intake_report, INSERT intake_reportevent, INSERT linking_subject, 2 x (INSERT "
            "linking_identifier, INSERT linking_identifieruse), INSERT linking_nameentry, UPDATE "
            "intake_report (triage), SELECT core_auditchainhead FOR UPDATE, "
        )
    else:
        statements = "SELECT core_auditchainhead FOR UPDATE, INSERT intake_report, "
        statements += "INSERT intake_reportevent, "
    return {
        "value": rnd(sum(r["count"] / r["seconds"] for r in done), 1),
        "reports_stored_in_run": commits,
        "processes": processes,
        "lock_order": "late" if pipeline else "first",
        "ceiling_rows": "app" if pipeline else "core",
        "statements_per_report": statements
        + "INSERT core_auditentry, UPDATE core_auditchainhead, COMMIT",
        "transaction_p50_ms": rnd(percentile(latencies, 50)),
        "transaction_p99_ms": rnd(percentile(latencies, 99)),
        "cpu_ms_per_commit": per_report(loop_s + db_s, commits),
        "loop_cpu_ms_per_commit": per_report(loop_s, commits),
        "db_cpu_ms_per_commit": per_report(db_s, commits),
    }


# --- D ------------------------------------------------------------------------------------------


def floor_worker(env: dict[str, str], token: str, requests: int, index: int, results: Any) -> None:
    """`requests` POSTs of the report through `qorgau.wsgi.application` (Django's handler, every
    middleware, ninja's parsing and validation, the token check against the database, the 201)
    with the service that validates, triages, links, encrypts and stores replaced by one that
    returns an unsaved report: this process's CPU per request."""
    try:
        setup_django(env)
        from django.utils import timezone

        from qorgau.intake import services
        from qorgau.intake.models import Report
        from qorgau.wsgi import application

        def unsaved(**kwargs: Any) -> Any:
            report = Report(priority="P2", status="received", created_at=timezone.now())
            return services.Submission(report=report, receipt_code=None)

        services.report_submit = unsaved  # the API calls it through the module
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": REPORT_PATH,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }

        def post(i: int) -> None:
            body = report_body(REGIONS[i % 4], phone=f"8 701 {i % 1000:03d} 45 67").encode()
            status: list[str] = []
            response = application(
                {
                    **environ,
                    "CONTENT_LENGTH": str(len(body)),
                    "HTTP_IDEMPOTENCY_KEY": f"floor-{i}",
                    "wsgi.input": io.BytesIO(body),
                },
                lambda line, headers, *exc: status.append(line),
            )
            answer = b"".join(response)
            response.close()
            if not status or not status[0].startswith("201"):
                raise BenchError(f"framework floor: answered {status[:1]} {answer[:200]!r}")

        for i in range(min(200, requests)):  # warm-up
            post(i)
        start = time.process_time()
        for i in range(requests):
            post(i)
        results.put({"value": 1000 * (time.process_time() - start) / requests})
    except BaseException as exc:
        results.put({"error": f"{type(exc).__name__}: {exc}"})


def framework_floor(env: dict[str, str], token: str, requests: int) -> float:
    """D: milliseconds of CPU per request (see `floor_worker`)."""
    return spawned(floor_worker, (env, token, requests), 1, 300)[0]["value"]
