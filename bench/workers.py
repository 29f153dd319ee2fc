"""Memory of each kind of worker after real work: gunicorn workers, the database tasks worker and
the RQ worker (when Redis answers).

    .venv/bin/python bench/workers.py                    # 100,000 reports, 500 tasks
    .venv/bin/python bench/workers.py --reports 20000 --tasks 200 --no-save

It creates `qorgau_bench_workers` on the PostgreSQL server of --pg-url (dropped at the end unless
--keep-db), migrates it, fills it with `manage.py generate`, then:

- starts gunicorn with gunicorn.conf.py (GUNICORN_WORKERS=--gunicorn-workers, on 127.0.0.1:--port)
  and sends --requests requests to each of /healthz, /, /report/, /help/ and the national summary
  API (a central-office token);
- starts `manage.py db_worker` and enqueues --tasks tasks: P1 e-mails (most), the figures refresh
  (daily counts + spike detection) and `tick`, and waits until the queue is empty;
- when Redis answers at --redis-url, starts `manage.py rqworker default --with-scheduler` and does
  the same through RQ;
- uploads (bench/_uploads.py): starts gunicorn again and sends the Red Button form with a 1 GB
  file and the platform API a 1 GB JSON body (one base64 file), each with a Content-Length and
  chunked, then each at its own limit (the form: every file of the largest size; the API: one
  file in a body just under QORGAU_MAX_REQUEST_BYTES); one line per case with the workers' peak.

Figures (MB, from /proc/PID/status after the work): `gunicorn_worker_rss_mb` (the largest worker,
VmRSS; `peak_mb` is its VmHWM), `db_worker_rss_mb`, `rq_worker_rss_mb` (the RQ worker runs each job
in a forked work horse that shares its pages; the line also gives the horse-free parent's figure).
Target: each under 250 MB. `--only uploads` (or gunicorn, db_worker, rq) runs some phases only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import (
    BenchError,
    add_common_args,
    bench_database,
    check_db_name,
    kill_group,
    log,
    manage,
    run_bench,
    start_group,
    tail_file,
)

TARGET_MB = 250.0
PHASES = ("gunicorn", "db_worker", "rq", "uploads")

ENQUEUE = """
import json, sys
from qorgau.analytics.tasks import refresh_figures
from qorgau.core.enums import Role
from qorgau.core.models import Region
from qorgau.core.services import api_token_create, user_create
from qorgau.core.tasks import tick
from qorgau.core.alerts import raise_alert
from qorgau.core.models import User

n = int(sys.argv[-1]) if sys.argv[-1].isdigit() else {tasks}
user = User.objects.filter(username="bench-central").first()
if user is None:
    user = user_create(acting_user=None, username="bench-central", full_name="Bench Central",
                       role=Role.CENTRAL_OFFICE, region=None, email="bench@example.invalid",
                       password="bench-password-not-used-0123")
token = api_token_create(acting_user=None, user=user, name="bench")[1] if {want_token} else ""
refresh_figures.enqueue()
tick.enqueue()
for i in range(max(0, n - 2)):  # an alert's e-mail each, queued on commit as a P1's are
    raise_alert(kind="report_p1", object_ref=f"BENCH{{i}}", recipients=[user], url="/staff/",
                params={{"report": f"BENCH{{i}}", "deadline_at": ""}})
print(json.dumps({{"token": token}}))
"""


def status_mb(pid: int) -> dict[str, float]:
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found += [int(p) for p in text]
    return found


def get(url: str, token: str = "") -> int:
    request = urllib.request.Request(url)  # noqa: S310 - our own server on loopback
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def wait_until(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise BenchError(f"{what} within {timeout:.0f} s")


def ready_tasks(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN "
            "('READY', 'RUNNING')"
        ).fetchone()[0]


def failed_tasks(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
        ).fetchone()[0]


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def measure(args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    with bench_database(args, django=False) as (env, tmp):
        return _measure(args, env, tmp)


def _measure(args: argparse.Namespace, env: dict[str, str], tmp: Path) -> list[dict[str, Any]]:
    env.update(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        QORGAU_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        GUNICORN_WORKERS=str(args.gunicorn_workers),
        GUNICORN_BIND=f"127.0.0.1:{args.port}",
    )
    env.pop("REDIS_URL", None)
    log("collectstatic, generate")
    manage(env, "collectstatic", "--noinput", timeout=300)
    if set(args.only) != {"uploads"}:
        manage(env, "generate", f"--reports={args.reports}", "--no-progress", timeout=1800)
    sizes = {"reports": args.reports, "tasks": args.tasks}
    common = {"cores": os.cpu_count(), **sizes}
    lines: list[dict[str, Any]] = []
    phases = args.only

    def line(name: str, value: float, **extra: Any) -> None:
        lines.append(
            {
                "name": name,
                "value": value,
                "unit": "MB",
                "target": f"< {TARGET_MB:.0f} MB",
                "meets_target": value < TARGET_MB,
                **common,
                **extra,
                "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )

    if "gunicorn" in phases:
        _requests(args, env, tmp, line)
    if "db_worker" in phases:
        _db_worker(args, env, tmp, line)
    if "rq" in phases:
        _rq_worker(args, env, tmp, line)
    if "uploads" in phases:
        _uploads(args, env, tmp, lines, common)
    return lines


def _requests(args: argparse.Namespace, env: dict[str, str], tmp: Path, line: Any) -> None:
    token = json.loads(
        manage(env, "shell", "-c", ENQUEUE.format(tasks=0, want_token=True)).splitlines()[-1]
    )["token"]
    server = start_group(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "qorgau.wsgi"],
        env,
        tmp / "gunicorn.log",
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_until(lambda: get(f"{base}/healthz") == 200, 60, "gunicorn did not answer")
        year = datetime.now(UTC).year
        statuses: dict[int, int] = {}
        for _ in range(args.requests):
            for path, tok in [
                ("/healthz", ""),
                ("/", ""),
                ("/report/", ""),
                ("/help/", ""),
                (f"/api/v1/stats/summary?year={year}", token),
            ]:
                code = get(base + path, tok)
                statuses[code] = statuses.get(code, 0) + 1
        workers = children(server.pid)
        mem = {pid: status_mb(pid) for pid in workers}
        biggest = max(mem.values(), key=lambda m: m.get("VmRSS", 0))
        line(
            "gunicorn_worker_rss_mb",
            biggest["VmRSS"],
            peak_mb=biggest.get("VmHWM"),
            workers=len(workers),
            every_worker_mb=[m.get("VmRSS") for m in mem.values()],
            requests=sum(statuses.values()),
            status_counts=statuses,
        )
    finally:
        kill_group(server, grace=15)


def _db_worker(args: argparse.Namespace, env: dict[str, str], tmp: Path, line: Any) -> None:
    url = env["DATABASE_URL"]
    manage(env, "shell", "-c", ENQUEUE.format(tasks=args.tasks, want_token=False))
    worker = start_group(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2"], env, tmp / "db_worker.log"
    )
    try:
        started = time.monotonic()
        wait_until(lambda: ready_tasks(url) == 0, args.task_timeout, "the db_worker did not finish")
        took = time.monotonic() - started
        mem = status_mb(worker.pid)
        line(
            "db_worker_rss_mb",
            mem["VmRSS"],
            peak_mb=mem.get("VmHWM"),
            workers=1,
            tasks_per_s=round(args.tasks / took, 1),
            tasks_failed=failed_tasks(url),
        )
    finally:
        kill_group(worker, grace=15)


def _rq_worker(args: argparse.Namespace, env: dict[str, str], tmp: Path, line: Any) -> None:
    if not redis_answers(args.redis_url):
        log(f"Redis does not answer at {args.redis_url}: no RQ figure")
        return
    import redis

    connection = redis.Redis.from_url(args.redis_url)
    connection.delete("rq:queue:default", "rq:failed:default")
    rq_env = {**env, "REDIS_URL": args.redis_url}
    rq_env.pop("QORGAU_TASKS_BACKEND")
    manage(rq_env, "shell", "-c", ENQUEUE.format(tasks=args.tasks, want_token=False))
    worker = start_group(
        [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler"],
        rq_env,
        tmp / "rqworker.log",
    )
    try:
        started = time.monotonic()
        peak_horse = 0.0

        def drained() -> bool:
            nonlocal peak_horse
            for pid in children(worker.pid):
                peak_horse = max(peak_horse, status_mb(pid).get("VmRSS", 0.0))
            return connection.llen("rq:queue:default") == 0 and not connection.zcard(
                "rq:wip:default"
            )

        wait_until(drained, args.task_timeout, "the RQ worker did not finish")
        took = time.monotonic() - started
        mem = status_mb(worker.pid)
        line(
            "rq_worker_rss_mb",
            max(mem["VmRSS"], peak_horse),
            parent_mb=mem["VmRSS"],
            work_horse_peak_mb=peak_horse or None,
            peak_mb=mem.get("VmHWM"),
            workers=1,
            tasks_per_s=round(args.tasks / took, 1),
            tasks_failed=connection.zcard("rq:failed:default"),
        )
    finally:
        kill_group(worker, grace=15)


SETTINGS = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'api': s.DATA_UPLOAD_MAX_MEMORY_SIZE, 'files': s.QORGAU_EVIDENCE_MAX_FILES, "
    "'file': s.QORGAU_EVIDENCE_MAX_BYTES}))"
)


def _uploads(
    args: argparse.Namespace,
    env: dict[str, str],
    tmp: Path,
    lines: list[dict[str, Any]],
    common: dict[str, Any],
) -> None:
    """1 GB bodies, with a Content-Length and chunked, then bodies at their limits."""
    import re

    import _uploads as up

    limits = json.loads(manage(env, "shell", "-c", SETTINGS).splitlines()[-1])
    token = manage(env, "create_platform_token", "bench-uploads").strip().splitlines()[-1]
    server = start_group(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "qorgau.wsgi"],
        {**env, "GUNICORN_TIMEOUT": "300"},
        tmp / "gunicorn-uploads.log",
    )
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_until(lambda: get(f"{base}/healthz") == 200, 60, "gunicorn did not answer")

        def form_headers() -> tuple[dict[str, str], dict[str, str]]:
            request = urllib.request.Request(f"{base}/report/")  # noqa: S310 - loopback
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                html = response.read().decode()
                cookies = response.headers.get_all("Set-Cookie") or []
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            cookie = "; ".join(c.split(";")[0] for c in cookies)
            fields = {
                "csrfmiddlewaretoken": csrf.group(1) if csrf else "",
                "category": "grooming",
                "relation": "child",
                "narrative": "Synthetic bench text about an upload.",
                "contact": "anonymous",
                "submission": f"bench-{time.monotonic_ns()}",
            }
            headers = {
                "Cookie": cookie,
                "Content-Type": f"multipart/form-data; boundary={up.BOUNDARY}",
            }
            return headers, fields

        api_headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        size = args.upload_mb * up.MIB
        at_limit_file = limits["file"] - up.MIB // 2
        cases: list[tuple[str, str, Any, bool]] = [
            ("form_1gb_content_length", "form", lambda f: up.multipart_body(f, 1, size), False),
            ("form_1gb_chunked", "form", lambda f: up.multipart_body(f, 1, size), True),
            ("api_1gb_content_length", "api", lambda f: up.json_body(size), False),
            ("api_1gb_chunked", "api", lambda f: up.json_body(size), True),
            (
                "form_at_limit",
                "form",
                lambda f: up.multipart_body(f, limits["files"], at_limit_file),
                False,
            ),
            ("api_at_limit", "api", lambda f: up.json_body(limits["api"] - 4096), False),
            (
                "api_largest_file",
                "api",
                lambda f: up.json_body(min(limits["api"] - 4096, at_limit_file // 3 * 4 + 200)),
                False,
            ),
        ]
        for name, kind, make, chunked in cases:
            if kind == "form":
                headers, fields = form_headers()
                path = "/report/"
            else:
                headers, fields, path = api_headers, {}, "/api/v1/reports"
            body = make(fields)
            with up.PeakRSS(lambda: children(server.pid)) as peak:
                result = up.send(args.port, path, headers, body, chunked=chunked)
            log(f"{name}: {result['status']}, {peak.mb} MB, {result['seconds']} s")
            lines.append(
                {
                    "name": f"gunicorn_upload_peak_mb_{name}",
                    "case": name,
                    "value": peak.mb,
                    "unit": "MB",
                    "target": f"< {TARGET_MB:.0f} MB",
                    "meets_target": peak.mb < TARGET_MB,
                    "status": result["status"],
                    "data_size_mb": round(body.length / up.MIB, 1),
                    "bytes_sent": result["bytes_sent"],
                    "seconds": result["seconds"],
                    "chunked": chunked,
                    "endpoint": f"POST {path}",
                    "limits": limits,
                    "vmhwm_reset": peak.hwm_reset,
                    "workers": len(children(server.pid)),
                    **common,
                    "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
    except Exception:
        log(tail_file(tmp / "gunicorn-uploads.log"))
        raise
    finally:
        kill_group(server, grace=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Memory of each kind of worker (RSS).")
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--requests", type=int, default=40, help="per endpoint")
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8751)
    parser.add_argument("--task-timeout", type=float, default=600)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--upload-mb", type=int, default=1024, help="the large uploads' size")
    parser.add_argument(
        "--only",
        type=lambda v: tuple(p.strip() for p in v.split(",") if p.strip()),
        default=PHASES,
        help=f"comma-separated phases among {', '.join(PHASES)}",
    )
    add_common_args(parser, db_name="qorgau_bench_workers", timeout=3600)
    args = parser.parse_args(argv)
    check_db_name(parser, args)
    if set(args.only) - set(PHASES):
        parser.error(f"--only: phases among {', '.join(PHASES)}")
    return run_bench(args, lambda commit: measure(args, commit), title="Qorgau workers' memory")


if __name__ == "__main__":
    sys.exit(main())
