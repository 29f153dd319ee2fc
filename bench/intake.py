"""Benchmark of the Red Button intake: `POST /api/v1/reports` under gunicorn on PostgreSQL.

    .venv/bin/python bench/intake.py [--duration S] [--workers W] [--connections C]

One run, on one fresh database: the intake under wrk (reports/s, p50/p99, CPU per report of the
server and of the database backends); reference A, `GET /healthz` of the same server; reference B,
the durable-write ceiling (W psycopg processes committing a report's core rows, audit chain head
locked first); reference C, the same loop writing every row the pipeline writes, head locked late
as the application does; reference D, the framework's CPU per request with the service replaced.
Rows of B and C are the application's own (its models' columns and defaults, its audit hash).
Targets on 2 cores: >= 600 reports/s, p99 < 100 ms, >= 0.3 of the ceiling (B).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    BenchError,
    MissingPrerequisite,
    add_common_args,
    bench_database,
    check_db_name,
    kill_group,
    log,
    manage,
    pg_connect,
    pg_settings,
    rnd,
    run_bench,
    start_group,
    tail_file,
)
from _intake_refs import (
    REGIONS,
    REPORT_PATH,
    cpu_seconds,
    framework_floor,
    per_report,
    report_body,
    run_ceiling,
)

BARE_PATH = "/healthz"
TARGET_RPS, TARGET_P99_MS, TARGET_SHARE = 600.0, 100.0, 0.3  # on 2 cores
WRK_THREADS = 2


# --- wrk ------------------------------------------------------------------------------------------

UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> dict[str, Any]:
    """Rate, p50/p99, requests, answers by status (from bench/intake.lua) and socket errors."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    status = re.search(r"^BENCH_STATUS ok=(\d+) other=(\d+) statuses=(\S*)", output, re.M)
    if rps is None or status is None:
        raise BenchError(f"could not read wrk's output:\n{output}")
    dist = {
        q: float(n) * UNIT_MS[u]
        for q, n, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    sockets = {}
    if sock:
        sockets = dict(
            zip(["connect", "read", "write", "timeout"], map(int, sock.groups()), strict=True)
        )
    statuses = dict(p.split(":") for p in status.group(3).split(",") if p)
    return {
        "requests_per_s": float(rps.group(1)),
        "p50_ms": dist.get("50"),
        "p99_ms": dist.get("99"),
        "requests": int(total.group(1)) if total else 0,
        "ok": int(status.group(1)),
        "errors": int(status.group(2)) + sum(sockets.values()),
        "status_counts": {k: int(v) for k, v in statuses.items()} or None,
        "socket_errors": sockets or None,
    }


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    log_path: Path


def run_wrk(args: argparse.Namespace, server: Server, seconds: float, token: str = "") -> dict:
    """POST reports (with `token`) or GET the bare endpoint (without) for `seconds`."""
    post = bool(token)
    bodies = [report_body(r, phone="__PHONE__", handle="__HANDLE__") for r in REGIONS]
    script = [
        str(REPO / "bench" / "intake.lua"),
        server.base + (REPORT_PATH if post else BARE_PATH),
    ]
    script += ["--", "POST" if post else "GET", "201" if post else "200", token]
    script += [secrets.token_hex(6), str(secrets.randbelow(10_000_000)), *bodies]
    threads = max(1, min(WRK_THREADS, args.connections))
    command = [args.wrk, "--latency", f"-t{threads}", f"-c{args.connections}"]
    command += [f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", *script]
    proc = subprocess.Popen(  # noqa: S603 - wrk with our arguments
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not stop within {seconds + 30:.0f} s") from exc
    finally:
        kill_group(proc, grace=2)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed (exit {proc.returncode}):\n{output}")
    if server.proc.poll() is not None:
        raise BenchError(f"gunicorn died during the run. Log:\n{tail_file(server.log_path)}")
    return parse_wrk(output)


# --- The server -----------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(args: argparse.Namespace, env: dict[str, str], token: str):
    """gunicorn on a free loopback port, answering a first report by hand with 201."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "qorgau.wsgi:application", "--bind"]
    command += [f"127.0.0.1:{port}", "--workers", str(args.workers), "--worker-class"]
    command += [args.worker_class, "--log-level", "warning", "--timeout", "60", "--backlog", "2048"]
    if args.worker_class == "gthread":  # with sync, --threads would switch gunicorn to gthread
        command += ["--threads", str(args.threads)]
    if Path("/dev/shm").is_dir():  # noqa: S108 - gunicorn's heartbeat files, in memory
        command += ["--worker-tmp-dir", "/dev/shm"]  # noqa: S108
    log(f"starting gunicorn: {args.workers} {args.worker_class} workers")
    log_path = args.tmp / f"gunicorn-{port}.log"
    server = Server(start_group(command, env, log_path), f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + 45
        while answer(server, BARE_PATH)[0] != 200:
            if server.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError(
                    f"gunicorn did not answer {BARE_PATH}. Log:\n{tail_file(log_path)}"
                )
            time.sleep(0.2)
        body = report_body(
            REGIONS[0], phone="8 701 555 01 02", handle=f"@pre{secrets.token_hex(4)}"
        )
        status, text = answer(server, REPORT_PATH, token, body)
        if status != 201:
            raise BenchError(
                f"POST {REPORT_PATH} answered {status} instead of 201 (if the application is being "
                f"edited, retry in a minute): {text[:500]}\ngunicorn log:\n{tail_file(log_path)}"
            )
        yield server
    finally:
        kill_group(server.proc, grace=15)


def answer(server: Server, path: str, token: str = "", body: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(server.base + path, data=body and body.encode())  # noqa: S310
    if body:
        request.add_header("Authorization", f"Bearer {token}")
        request.add_header("Content-Type", "application/json")
        request.add_header("Idempotency-Key", f"preflight-{secrets.token_hex(8)}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:
        return 0, str(exc)


# --- The run --------------------------------------------------------------------------------------


def measure(args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    loadavg = round(os.getloadavg()[0], 2)
    with bench_database(args, django=False) as (env, tmp):
        args.tmp = tmp
        url, database = env["DATABASE_URL"], args.db_name
        token = (manage(env, "create_platform_token", "bench").split() or [""])[-1]
        if not token:
            raise BenchError("create_platform_token printed no token")

        def reports() -> int:
            with pg_connect(url, autocommit=True) as conn:
                return conn.execute("SELECT count(*) FROM intake_report").fetchone()[0]

        def settled() -> int:  # once the requests in flight when wrk stopped have committed
            last = reports()
            for _ in range(15):
                time.sleep(0.3)
                if (now := reports()) == last:
                    break
                last = now
            return last

        with serving(args, env, token) as server:
            if args.warmup:
                log(f"warm-up {args.warmup:g} s")
                run_wrk(args, server, args.warmup, token=token)
            before = settled()
            log(f"intake: POST {REPORT_PATH} for {args.duration:g} s")
            app0, db0 = cpu_seconds(group=server.proc.pid), cpu_seconds(database=database)
            intake = run_wrk(args, server, args.duration, token=token)
            app_s = cpu_seconds(group=server.proc.pid) - app0
            db_s = cpu_seconds(database=database) - db0
            after = settled()
            log(f"bare endpoint: GET {BARE_PATH} for {args.duration:g} s")
            bare = run_wrk(args, server, args.duration)
        at_bare = reports()
        ceilings: dict[str, dict] = {}
        for key, pipeline in (("B", False), ("C", True)):
            log(f"ceiling {key}: {args.workers} psycopg processes for {args.duration:g} s")
            try:
                ceilings[key] = run_ceiling(env, args.workers, args.duration, pipeline=pipeline)
            except BenchError as exc:
                log(str(exc))
                ceilings[key] = {"value": None, "error": str(exc)}
            ceilings[key]["reports"] = reports()
        floor: dict[str, Any] = {}
        if args.floor_requests:
            log(f"framework floor: {args.floor_requests} POSTs in process, the service replaced")
            try:
                floor["value"] = rnd(framework_floor(env, token, args.floor_requests))
            except BenchError as exc:
                log(str(exc))
                floor = {"value": None, "error": str(exc)}
        postgresql = pg_settings(url)

    stored = after - before
    budget = rnd(1000 * (os.cpu_count() or 1) / TARGET_RPS)  # CPU per report that 600/s leaves
    common = {
        "workers": args.workers,
        "git_commit": commit,
        "duration_s": args.duration,
        "connections": args.connections,
        "database": "postgresql",
        "worker_class": args.worker_class,
        "threads": args.threads if args.worker_class == "gthread" else 1,
        "wrk_threads": max(1, min(WRK_THREADS, args.connections)),
        "cores": os.cpu_count(),
        "loadavg_1m_before": loadavg,
        "postgresql": postgresql,
    }
    rate, p99, ok = intake["requests_per_s"], intake["p99_ms"], intake["ok"]
    run = {
        **common,
        "endpoint": f"POST {REPORT_PATH}",
        "suspects": "unique",
        "reports": after,
        "reports_requests_completed": intake["requests"],
        "reports_created_201": ok,
        "reports_stored_in_run": stored,
        # wrk stops with up to `connections` requests in flight: the server still stores them
        "reports_in_flight_at_stop": stored - ok,
        "stored_matches_201": 0 <= stored - ok <= args.connections,
        **{k: intake[k] for k in ("errors", "status_counts", "socket_errors")},
    }
    bare_run = {**common, "endpoint": f"GET {BARE_PATH}", "reports": at_bare}
    bare_run |= {k: bare[k] for k in ("requests", "errors", "status_counts")}
    b, c = ceilings["B"], ceilings["C"]
    clean = intake["errors"] == 0
    share = rate / b["value"] if b["value"] else None
    cpu = {
        "app_cpu_ms_per_report": per_report(app_s, stored),
        "db_cpu_ms_per_report": per_report(db_s, stored),
        "cpu_budget_ms_per_report_at_target": budget,
    }
    shares = {
        "ceiling_per_s": b["value"],
        "ceiling_lock_order": "first",
        "ceiling_rows": "core",
        "share_of_pipeline_rows_ceiling": rnd(rate / c["value"]) if c["value"] else None,
    }
    pipeline = {
        **common,
        **c,
        "cpu_budget_ms_per_report_at_target": budget,
        "target_rps": TARGET_RPS,
    }
    rps_met, p99_met = rate >= TARGET_RPS and clean, p99 is not None and p99 < TARGET_P99_MS
    share_met = share is not None and share >= TARGET_SHARE and clean
    figures = [
        ("intake_reports_per_s", rnd(rate, 1), "reports/s", run, f">= {TARGET_RPS:g}", rps_met),
        ("intake_p50_ms", rnd(intake["p50_ms"], 2), "ms", run),
        ("intake_p99_ms", rnd(p99, 2), "ms", run, f"< {TARGET_P99_MS:g}", p99_met),
        ("intake_errors", intake["errors"], "responses", run),
        # the server's processes and the database's backends during the run, per report stored:
        # the figure least moved by the machine's other load
        ("intake_cpu_ms_per_report", per_report(app_s + db_s, stored), "ms", {**run, **cpu}),
        ("bare_requests_per_s", rnd(bare["requests_per_s"], 1), "requests/s", bare_run),
        ("bare_p50_ms", rnd(bare["p50_ms"], 2), "ms", bare_run),
        ("bare_p99_ms", rnd(bare["p99_ms"], 2), "ms", bare_run),
        ("durable_write_ceiling_per_s", b["value"], "reports/s", {**common, **b}),
        (
            "intake_share_of_ceiling",
            rnd(share),
            "ratio",
            {**run, **shares},
            f">= {TARGET_SHARE:g}",
            share_met,
        ),
        ("durable_write_ceiling_pipeline_rows_per_s", c["value"], "reports/s", pipeline),
    ]
    if floor:
        floor_run = {**common, "endpoint": f"POST {REPORT_PATH}, service replaced"}
        floor_run |= {"requests": args.floor_requests, "reports": c["reports"], "in_process": True}
        floor_run |= {"cpu_budget_ms_per_report_at_target": budget, "error": floor.get("error")}
        figures.append(("framework_floor_cpu_ms_per_request", floor["value"], "ms", floor_run))
    lines = []
    for name, value, unit, ctx, *target in figures:
        line = {"name": name, "value": value, "unit": unit, **ctx}
        if target:
            line |= {"target": target[0], "meets_target": target[1]}
        lines.append(line)
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each measurement")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up load first")
    workers = 2 * (os.cpu_count() or 1) + 1
    parser.add_argument("--workers", type=int, default=workers, help="gunicorn workers (= W)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--floor-requests", type=int, default=2000, help="reference D (0: skip)")
    add_common_args(parser, db_name="qorgau_bench", timeout=1800)
    args = parser.parse_args(argv)
    if min(args.duration, args.workers, args.connections, args.threads) <= 0:
        parser.error("--duration, --workers, --connections and --threads must be positive")
    if args.warmup < 0 or args.floor_requests < 0:
        parser.error("--warmup and --floor-requests cannot be negative")
    check_db_name(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.wrk = shutil.which("wrk")
    if args.wrk is None:
        log(str(MissingPrerequisite("wrk is not installed (apt-get install wrk)")))
        return 2
    return run_bench(args, lambda commit: measure(args, commit), title="Qorgau intake")


if __name__ == "__main__":
    sys.exit(main())
