"""Benchmark of the Red Button intake: `POST /api/v1/reports` under gunicorn on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/intake.py [--duration S] [--workers W] [--connections C] [--requests N]

It creates a fresh PostgreSQL database, migrates it, creates a platform token, starts gunicorn on
loopback (persistent database connections) and measures, in one run:

* the full pipeline: reports per second and p50/p99 latency of `POST /api/v1/reports` (wrk);
* reference A, a bare endpoint of the same server: `GET /healthz` (one `SELECT 1`);
* reference B, the durable-write ceiling: as many processes as gunicorn workers, each a plain
  psycopg loop committing the rows one report costs (report, timeline event, audit entry, with the
  audit-chain head locked FOR UPDATE), one transaction per report.

Every figure is printed as one JSON line on stdout and appended to bench/results.jsonl; a short
table goes to stderr. Every process it starts is stopped, and the database dropped, at the end.
Target on 2 cores (the issue's contract): >= 600 reports/s, p99 < 100 ms, >= 0.3 of the ceiling.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import multiprocessing as mp
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    RESULTS,
    BenchError,
    Interrupted,
    MissingPrerequisite,
    app_environment,
    drop_database,
    git_commit,
    log,
    manage,
    percentile,
    pg_connect,
    pg_url,
    recreate_database,
)

REGIONS = ["KZ-75", "KZ-71", "KZ-79", "KZ-19"]
REPORT_PATH = "/api/v1/reports"
BARE_PATH = "/healthz"
TARGET_RPS = 600.0
TARGET_P99_MS = 100.0
TARGET_SHARE = 0.3
WRK_THREADS = 2
SHM = Path("/dev/shm")  # noqa: S108 - not a temporary file: gunicorn's documented choice


# --- Small helpers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kill_group(proc: subprocess.Popen[Any], *, grace: float = 10.0) -> None:
    """Stop a process started with start_new_session=True and everything in its group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    # The leader may be gone while children linger: the group is killed either way.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def lua_string(value: str) -> str:
    """A Lua double-quoted string literal of `value` (bytes escaped as \\ddd where needed)."""
    out = []
    for byte in value.encode():
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


# --- PostgreSQL ---------------------------------------------------------------------------------------


def count_reports(url: str) -> int:
    with pg_connect(url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM intake_report").fetchone()
        return int(row[0]) if row else 0


def pg_settings(url: str) -> dict[str, str]:
    names = ["server_version", "synchronous_commit", "fsync", "wal_sync_method", "shared_buffers"]
    with pg_connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", (names,)
        ).fetchall()
    return dict(rows)


# --- The application --------------------------------------------------------------------------------


def _stat_fields(pid: str | int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (None when the process is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def _cpu_ticks(fields: list[str]) -> int:
    """User + system time of a process, in clock ticks, from its `_stat_fields`."""
    return int(fields[11]) + int(fields[12])


def cpu_seconds(*, group: int | None = None, database: str | None = None) -> float:
    """CPU time (user + system, seconds since start) of the processes of one process group (the
    server: gunicorn's master and workers), or of the PostgreSQL backends connected to one database
    (their process title names it). Processes that ended in between are not counted."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or (fields := _stat_fields(entry)) is None:
            continue
        if group is not None and int(fields[2]) != group:
            continue
        if database is not None:
            try:
                title = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, UnicodeDecodeError):
                continue
            if not (title.startswith("postgres:") and f" {database} " in f"{title} "):
                continue
        total += _cpu_ticks(fields)
    return total / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of one process of this machine, None when it cannot be read."""
    fields = _stat_fields(pid)
    return None if fields is None else _cpu_ticks(fields) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    proc: subprocess.Popen[Any]
    port: int
    worker_class: str
    threads: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def gunicorn_command() -> list[str]:
    script = Path(sys.executable).parent / "gunicorn"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "gunicorn"]


def start_server(
    env: dict[str, str], *, workers: int, worker_class: str, threads: int, log_dir: Path
) -> Server:
    port = free_port()
    log_path = log_dir / f"gunicorn-{worker_class}-{port}.log"
    command = [
        *gunicorn_command(),
        "qorgau.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--backlog",
        "2048",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    if SHM.is_dir():  # gunicorn's heartbeat files: in memory rather than on disk
        command += ["--worker-tmp-dir", str(SHM)]
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(  # noqa: S603
            command,
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(
        proc=proc, port=port, worker_class=worker_class, threads=threads, log_path=log_path
    )
    try:
        wait_healthy(server)
    except BaseException:
        kill_group(proc)
        raise
    return server


def wait_healthy(server: Server, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(
                f"gunicorn exited with {server.proc.returncode}; if the application is being "
                f"edited, retry in a minute. Log:\n{tail_file(server.log_path)}"
            )
        try:
            with urllib.request.urlopen(f"{server.base}{BARE_PATH}", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"status {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(
        f"GET {BARE_PATH} did not answer 200 within {timeout:.0f} s ({last}). "
        f"Log:\n{tail_file(server.log_path)}"
    )


def preflight(server: Server, token: str) -> None:
    """One report by hand before any load: a broken endpoint fails the run with its answer."""
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL we built
        f"{server.base}{REPORT_PATH}",
        data=report_body(
            REGIONS[0],
            phone=f"8 701 {secrets.randbelow(1000):03d} {secrets.randbelow(100):02d} 00",
            handle=f"@preflight_{secrets.token_hex(4)}",
        ).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"preflight-{secrets.token_hex(8)}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise BenchError(f"POST {REPORT_PATH} failed: {exc}") from exc
    if status != 201:
        raise BenchError(
            f"POST {REPORT_PATH} answered {status} instead of 201 (if the application is being "
            f"edited, retry in a minute): {body[:500].decode(errors='replace')}\n"
            f"gunicorn log:\n{tail_file(server.log_path)}"
        )


def tail_file(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- wrk --------------------------------------------------------------------------------------------


SAME_PHONE = "8 701 123 45 67"
SAME_HANDLE = "@synthetic_handle"


def report_body(region: str, phone: str = SAME_PHONE, handle: str = SAME_HANDLE) -> str:
    """The report wrk sends (a grooming report by a parent through a platform)."""
    return json.dumps(
        {
            "category": "grooming",
            "narrative": (
                "He wrote to my daughter on Telegram and asked her to meet tomorrow after school. "
                f"His number is {phone}."
            ),
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


LUA_TEMPLATE = """
-- Generated by bench/intake.py: unique Idempotency-Key per request, status counts, optional cap.
local method = {method}
local path = {path}
local token = {token}
local run_id = {run_id}
local limit = {limit}
local bodies = {{ {bodies} }}
-- unique suspects: each report names its own phone and Telegram handle (none links to another)
local unique_suspects = {unique}
local phone_base = {phone_base}
local threads = {{}}
local next_id = 1

-- wrk waits for -d before it reports, even when every thread stopped early (--requests): the
-- threads time themselves (LuaJIT ffi) so that the rate is counted over the time actually run.
local have_clock, ffi = pcall(require, "ffi")
if have_clock then
  have_clock = pcall(ffi.cdef, [[
    typedef struct {{ long tv_sec; long tv_usec; }} bench_timeval;
    int gettimeofday(bench_timeval *tv, void *tz);
  ]])
end
local function clock()
  if not have_clock then return -1 end
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  responses = 0
  ok = 0
  other = 0
  statuses = {{}}
  first_at = -1
  stopped_at = -1
end

function request()
  counter = counter + 1
  if counter == 1 then first_at = clock() end
  local headers = {{}}
  headers["Accept"] = "application/json"
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  if method == "POST" then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
    local body = bodies[(counter % #bodies) + 1]
    if unique_suspects then
      local n = (phone_base + thread_id * 1000003 + counter) % 10000000
      local phone = string.format("8 701 %03d %02d %02d",
        math.floor(n / 10000), math.floor(n / 100) % 100, n % 100)
      local handle = "@b" .. run_id .. "_" .. thread_id .. "_" .. counter
      body = (string.gsub(body, "__PHONE__", phone))
      body = (string.gsub(body, "__HANDLE__", handle))
    end
    return wrk.format(method, path, headers, body)
  end
  return wrk.format(method, path, headers)
end

function response(status, headers, body)
  responses = responses + 1
  if status == {expect} then
    ok = ok + 1
  else
    other = other + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end
  if limit > 0 and responses >= limit then
    if stopped_at < 0 then stopped_at = clock() end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local total_ok, total_other, parts = 0, 0, {{}}
  local merged = {{}}
  local first, last, all_stopped = nil, nil, true
  for _, thread in ipairs(threads) do
    local a, b = thread:get("first_at"), thread:get("stopped_at")
    if a < 0 or b < 0 then all_stopped = false end
    if first == nil or a < first then first = a end
    if last == nil or b > last then last = b end
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
    for key, n in pairs(thread:get("statuses")) do
      merged[key] = (merged[key] or 0) + n
    end
  end
  for key, n in pairs(merged) do
    table.insert(parts, key .. ":" .. n)
  end
  io.write(string.format("BENCH_STATUS ok=%d other=%d statuses=%s\\n",
    total_ok, total_other, table.concat(parts, ",")))
  if all_stopped and first ~= nil and last > first then
    io.write(string.format("BENCH_ELAPSED %.6f\\n", last - first))
  end
end
"""


def write_lua(
    directory: Path,
    *,
    method: str,
    path: str,
    token: str,
    expect: int,
    limit_per_thread: int,
    unique_suspects: bool,
) -> Path:
    if unique_suspects:
        templates = [report_body(r, phone="__PHONE__", handle="__HANDLE__") for r in REGIONS]
    else:
        templates = [report_body(r) for r in REGIONS]
    script = LUA_TEMPLATE.format(
        method=lua_string(method),
        path=lua_string(path),
        token=lua_string(token),
        run_id=lua_string(secrets.token_hex(6)),  # a fresh key space for every wrk run
        limit=int(limit_per_thread),
        bodies=", ".join(map(lua_string, templates)) if method == "POST" else "",
        unique="true" if unique_suspects else "false",
        phone_base=secrets.randbelow(10_000_000),
        expect=int(expect),
    )
    handle, name = tempfile.mkstemp(prefix="wrk-", suffix=".lua", dir=directory)
    with os.fdopen(handle, "w") as out:
        out.write(script)
    return Path(name)


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float | None
    p75_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    requests: int
    seconds: float
    ok: int
    other: int
    statuses: dict[str, int]
    non_2xx_3xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.other + sum(self.socket_errors.values())


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(number: str, unit: str) -> float:
    return float(number) * UNIT_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if rps is None:
        raise BenchError(f"could not read wrk's output:\n{output}")
    dist = {
        q: to_ms(n, u)
        for q, n, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    }
    total = re.search(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m|h)", output, re.M)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    elapsed = re.search(r"^BENCH_ELAPSED ([\d.]+)", output, re.M)
    requests = int(total.group(1)) if total else 0
    seconds = to_ms(total.group(2), total.group(3)) / 1000 if total else 0.0
    rate = float(rps.group(1))
    if elapsed and float(elapsed.group(1)) > 0:
        # every thread stopped at --requests: the rate over the time the load actually ran
        seconds = float(elapsed.group(1))
        rate = requests / seconds
    status = re.search(r"^BENCH_STATUS ok=(\d+) other=(\d+) statuses=(\S*)", output, re.M)
    statuses: dict[str, int] = {}
    if status and status.group(3):
        for part in status.group(3).split(","):
            key, _, n = part.partition(":")
            statuses[key] = int(n)
    return WrkResult(
        requests_per_s=rate,
        p50_ms=dist.get("50"),
        p75_ms=dist.get("75"),
        p90_ms=dist.get("90"),
        p99_ms=dist.get("99"),
        requests=requests,
        seconds=seconds,
        ok=int(status.group(1)) if status else 0,
        other=int(status.group(2)) if status else 0,
        statuses=statuses,
        non_2xx_3xx=int(non2xx.group(1)) if non2xx else 0,
        socket_errors=(
            dict(zip(["connect", "read", "write", "timeout"], map(int, sock.groups()), strict=True))
            if sock
            else {}
        ),
    )


def run_wrk(
    wrk: str,
    server: Server,
    *,
    method: str,
    path: str,
    token: str,
    expect: int,
    duration: float,
    connections: int,
    tmp: Path,
    total_requests: int = 0,
    unique_suspects: bool = True,
) -> WrkResult:
    threads = max(1, min(WRK_THREADS, connections))
    limit = math.ceil(total_requests / threads) if total_requests > 0 else 0
    script = write_lua(
        tmp,
        method=method,
        path=path,
        token=token,
        expect=expect,
        limit_per_thread=limit,
        unique_suspects=unique_suspects,
    )
    command = [
        wrk,
        "--latency",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"{server.base}{path}",
    ]
    proc = subprocess.Popen(  # noqa: S603
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = proc.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"wrk did not stop within {duration + 30:.0f} s") from exc
    finally:
        kill_group(proc, grace=2)
        script.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise BenchError(f"wrk failed (exit {proc.returncode}):\n{output}")
    if server.proc.poll() is not None:
        raise BenchError(f"gunicorn died during the run. Log:\n{tail_file(server.log_path)}")
    return parse_wrk(output)


# --- Reference B: the durable-write ceiling ------------------------------------------------------------


def _columns(cur: Any, table: str) -> list[tuple[str, str, bool, bool, int | None]]:
    """(name, data type, nullable, has a default or is an identity, max length) of `table`."""
    cur.execute(
        """
        SELECT column_name, data_type, is_nullable = 'YES',
               column_default IS NOT NULL OR is_identity = 'YES', character_maximum_length
        FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = %s
        ORDER BY ordinal_position
        """,
        (table,),
    )
    rows = cur.fetchall()
    if not rows:
        raise BenchError(f"table {table} does not exist: were the migrations applied?")
    return rows


def _filler(data_type: str, max_length: int | None) -> Any:
    """A plausible value for a NOT NULL column the benchmark does not know (the schema grew)."""
    from psycopg.types.json import Jsonb

    now = datetime.now(UTC)
    if data_type == "bytea":
        return secrets.token_bytes(64)
    if data_type in {"character varying", "character", "text"}:
        return ""[: max_length or None]
    if data_type in {"smallint", "integer", "bigint", "numeric", "real", "double precision"}:
        return 0
    if data_type == "boolean":
        return False
    if data_type.startswith("timestamp"):
        return now
    if data_type == "date":
        return now.date()
    if data_type in {"json", "jsonb"}:
        return Jsonb({})
    if data_type == "uuid":
        import uuid

        return uuid.uuid4()
    return None


def _insert_sql(table: str, columns: list[str], returning: str | None) -> Any:
    from psycopg import sql

    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)),
    )
    if returning:
        query += sql.SQL(" RETURNING {}").format(sql.Identifier(returning))
    return query


class RowMaker:
    """Rows like the ones one report writes, shaped by the live schema: known columns get realistic
    values, NOT NULL columns the benchmark does not know get a filler, unknown columns are skipped."""

    def __init__(self, cur: Any, table: str, returning: str | None = None) -> None:
        self.table = table
        self.returning = returning
        self.columns = _columns(cur, table)
        self._sql: dict[tuple[str, ...], Any] = {}

    def insert(self, cur: Any, known: dict[str, Any]) -> Any:
        values: dict[str, Any] = {}
        for name, data_type, nullable, has_default, max_length in self.columns:
            if name in known:
                values[name] = known[name]
            elif not nullable and not has_default:
                values[name] = _filler(data_type, max_length)
        key = tuple(values)
        if key not in self._sql:
            self._sql[key] = _insert_sql(self.table, list(key), self.returning).as_bytes(cur)
        cur.execute(self._sql[key], list(values.values()))
        if self.returning:
            row = cur.fetchone()
            return row[0] if row else None
        return None


class _LinkingRows:
    """What linking adds to a report naming a new suspect (two identifiers, as the benchmark's
    report does): a subject, two identifiers and their uses, a name entry, and the triage update
    of the report. Tables that do not exist (yet) are skipped."""

    def __init__(self, cur: Any) -> None:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        present = {row[0] for row in cur.fetchall()}
        self.subjects = (
            RowMaker(cur, "linking_subject", returning="id")
            if "linking_subject" in present
            else None
        )
        self.identifiers = (
            RowMaker(cur, "linking_identifier", returning="id")
            if "linking_identifier" in present
            else None
        )
        self.uses = (
            RowMaker(cur, "linking_identifieruse") if "linking_identifieruse" in present else None
        )
        self.names = RowMaker(cur, "linking_nameentry") if "linking_nameentry" in present else None

    def write(self, cur: Any, *, report_id: int, region_id: int | None, now: datetime) -> None:
        from psycopg.types.json import Jsonb

        subject_id = None
        if self.subjects is not None:
            subject_id = self.subjects.insert(
                cur,
                {
                    "created_at": now,
                    "updated_at": now,
                    "public_id": secrets.token_urlsafe(12),
                    "first_seen": now,
                    "last_seen": now,
                },
            )
        for kind in ("telegram", "phone"):
            identifier_id = None
            if self.identifiers is not None:
                identifier_id = self.identifiers.insert(
                    cur,
                    {
                        "created_at": now,
                        "updated_at": now,
                        "kind": kind,
                        "lookup": secrets.token_hex(32),
                        "value": secrets.token_bytes(60),
                        "normalised": True,
                        "subject_id": subject_id,
                    },
                )
            if self.uses is not None and identifier_id is not None:
                self.uses.insert(
                    cur,
                    {
                        "owner_type": "intake.report",
                        "owner_id": report_id,
                        "origin": "field",
                        "seen_at": now,
                        "identifier_id": identifier_id,
                        "region_id": region_id,
                    },
                )
        if self.names is not None:
            self.names.insert(
                cur,
                {
                    "owner_type": "intake.report",
                    "owner_id": report_id,
                    "skeleton": "name sinthetic",
                    "subject_id": subject_id,
                },
            )
        cur.execute(
            "UPDATE intake_report SET priority = %s, priority_reasons = %s WHERE id = %s",
            ("P1", Jsonb([{"code": "meeting", "priority": "P1"}]), report_id),
        )


def _canonical_hash(entry: dict[str, Any]) -> str:
    content = {
        "seq": entry["seq"],
        "created_at": entry["created_at"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": None,
        "actor_label": "",
        "action": entry["action"],
        "object_type": entry["object_type"],
        "object_id": entry["object_id"],
        "region_id": entry["region_id"],
        "ip": None,
        "details": entry["details"],
        "prev_hash": entry["prev_hash"],
    }
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()


def _elapsed(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else end - start


@dataclass(frozen=True)
class CeilingJob:
    url: str
    index: int
    duration: float
    platform_id: int | None
    region_ids: list[int]
    lock: str  # "first": the head is locked before the inserts; "late": after them, as the app does
    rows: (
        str  # "core": report, event, audit entry, head; "app": also linking rows and triage update
    )


def ceiling_worker(job: CeilingJob, barrier: Any, results: Any) -> None:
    """One process of reference B: one transaction per report until `duration` has passed."""
    try:
        results.put(_ceiling_loop(job, barrier))
    except BaseException as exc:
        with contextlib.suppress(Exception):
            barrier.abort()
        results.put({"index": job.index, "error": f"{type(exc).__name__}: {exc}"})


def _ceiling_loop(job: CeilingJob, barrier: Any) -> dict[str, Any]:
    import psycopg
    from psycopg.types.json import Jsonb

    lock_sql = "SELECT seq, hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE"
    head_sql = "UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1"
    conn = psycopg.connect(job.url, autocommit=False, connect_timeout=5)
    try:
        cur = conn.cursor()
        reports = RowMaker(cur, "intake_report", returning="id")
        events = RowMaker(cur, "intake_reportevent")
        audit = RowMaker(cur, "core_auditentry")
        linking = _LinkingRows(cur) if job.rows == "app" else None
        conn.rollback()
        barrier.wait(timeout=60)
        count = 0
        latencies: list[float] = []
        run = secrets.token_hex(4)
        details = {
            "source": "platform",
            "platform_id": job.platform_id,
            "priority": "P2",
            "files": 0,
        }
        backend = conn.info.backend_pid
        start = time.perf_counter()
        cpu_start, backend_start = time.process_time(), process_cpu_seconds(backend)
        deadline = start + job.duration
        while (began := time.perf_counter()) < deadline:
            now = datetime.now(UTC)
            region_id = job.region_ids[count % len(job.region_ids)] if job.region_ids else None
            if job.lock == "first":
                cur.execute(lock_sql)
                head = cur.fetchone()
            report_id = reports.insert(
                cur,
                {
                    "created_at": now,
                    "updated_at": now,
                    "public_id": secrets.token_urlsafe(12),
                    "source": "platform",
                    "platform_id": job.platform_id,
                    "idempotency_scope": f"platform:{job.platform_id}",
                    "idempotency_key": f"ceiling-{run}-{job.index}-{count}",
                    "request_digest": secrets.token_hex(32),
                    "category": "grooming",
                    "reporter_relation": "parent",
                    "language": "ru",
                    "region_id": region_id,
                    "child_age": 12,
                    "child_gender": "f",
                    "narrative": secrets.token_bytes(300),  # ciphertexts: random bytes
                    "reporter_anonymous": True,
                    "suspect": secrets.token_bytes(200),
                    "priority": "P2",
                    "priority_reasons": Jsonb(["category_contact", "young_child"]),
                    "status": "received",
                    "status_changed_at": now,
                    "receipt_locator": "",
                    "receipt_hash": "",
                    "receipt_failures": 0,
                },
            )
            events.insert(
                cur,
                {
                    "created_at": now,
                    "kind": "submitted",
                    "from_status": "",
                    "to_status": "received",
                    "details": Jsonb({}),
                    "report_id": report_id,
                },
            )
            if linking is not None:
                linking.write(cur, report_id=report_id, region_id=region_id, now=now)
            if job.lock != "first":
                cur.execute(lock_sql)
                head = cur.fetchone()
            if head is None:
                raise BenchError("core_auditchainhead has no row 1")
            entry = {
                "seq": int(head[0]) + 1,
                "created_at": now,
                "actor_label": "",
                "action": "report.submit",
                "object_type": "intake.report",
                "object_id": str(report_id),
                "region_id": region_id,
                "details": details,
                "prev_hash": head[1],
            }
            entry["hash"] = _canonical_hash(entry)
            audit.insert(cur, {**entry, "details": Jsonb(details)})
            cur.execute(head_sql, (entry["seq"], entry["hash"]))
            conn.commit()
            count += 1
            latencies.append((time.perf_counter() - began) * 1000)
        elapsed = time.perf_counter() - start
        return {
            "index": job.index,
            "count": count,
            "seconds": elapsed,
            "cpu_s": time.process_time() - cpu_start,
            # read before the connection closes: the backend's process ends with it
            "backend_cpu_s": _elapsed(backend_start, process_cpu_seconds(backend)),
            "latencies_ms": latencies,
        }
    finally:
        conn.close()


@dataclass
class CeilingResult:
    commits_per_s: float
    commits: int
    p50_ms: float | None
    p99_ms: float | None
    processes: int
    lock: str = "first"
    rows: str = "core"
    # CPU of the loops (their own process time over the measured loop) and of the database's
    # backends during the run, per commit: what a report's writes cost with nothing else around them
    cpu_ms_per_commit: float | None = None
    loop_cpu_ms_per_commit: float | None = None
    db_cpu_ms_per_commit: float | None = None


def run_ceiling(
    url: str, *, processes: int, duration: float, lock: str = "first", rows: str = "core"
) -> CeilingResult:
    with pg_connect(url, autocommit=True) as conn:
        head = conn.execute("SELECT seq FROM core_auditchainhead WHERE id = 1").fetchone()
        if head is None:
            last = conn.execute(
                "SELECT seq, hash FROM core_auditentry ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            conn.execute(
                "INSERT INTO core_auditchainhead (id, seq, hash) VALUES (1, %s, %s)",
                (last[0], last[1]) if last else (0, "0" * 64),
            )
        platform = conn.execute(
            "SELECT id FROM intake_platform WHERE name = 'bench' ORDER BY id LIMIT 1"
        ).fetchone()
        regions = conn.execute(
            "SELECT id FROM core_region WHERE code = ANY(%s) ORDER BY code", (REGIONS,)
        ).fetchall()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(processes)
    results = ctx.Queue()
    workers = [
        ctx.Process(
            target=ceiling_worker,
            args=(
                CeilingJob(
                    url=url,
                    index=i,
                    duration=duration,
                    platform_id=platform[0] if platform else None,
                    region_ids=[r[0] for r in regions],
                    lock=lock,
                    rows=rows,
                ),
                barrier,
                results,
            ),
            daemon=True,
        )
        for i in range(processes)
    ]
    collected: list[dict[str, Any]] = []
    try:
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + duration + 90
        while len(collected) < processes:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError("the durable-write ceiling processes did not finish in time")
            try:
                collected.append(results.get(timeout=min(remaining, 5)))
            except Exception:  # queue.Empty: check the processes are alive
                if not any(w.is_alive() for w in workers) and results.empty():
                    raise BenchError(
                        "the durable-write ceiling processes exited without a result"
                    ) from None
        for worker in workers:
            worker.join(timeout=10)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=5)
        results.close()
    errors = [r["error"] for r in collected if "error" in r]
    if errors:
        raise BenchError("durable-write ceiling failed: " + "; ".join(sorted(set(errors))[:3]))
    latencies = [x for r in collected for x in r["latencies_ms"]]
    commits = sum(r["count"] for r in collected)
    loop_cpu_s = sum(r["cpu_s"] for r in collected)
    backend_cpu = [r["backend_cpu_s"] for r in collected]
    db_cpu_s = None if None in backend_cpu else sum(backend_cpu)
    return CeilingResult(
        commits_per_s=sum(r["count"] / r["seconds"] for r in collected if r["seconds"] > 0),
        commits=commits,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        processes=processes,
        lock=lock,
        rows=rows,
        cpu_ms_per_commit=cpu_per_report(loop_cpu_s, db_cpu_s, commits),
        loop_cpu_ms_per_commit=cpu_per_report(loop_cpu_s, None, commits),
        db_cpu_ms_per_commit=cpu_per_report(None, db_cpu_s, commits),
    )


# --- Reference D: the framework's floor ------------------------------------------------------------

FLOOR_CHILD = "--framework-floor-child"


def _floor_child(requests: int, token: str) -> None:
    """In a child process with the application's environment: `requests` POSTs of the benchmark's
    report through `qorgau.wsgi.application` (Django's handler, every middleware, ninja's parsing
    and validation of the body, the token check against the database, the 201 answer), with the
    service that validates, triages, links, encrypts and stores replaced by one that returns an
    unsaved report. Prints the CPU time of this process per request as JSON."""
    import io

    from django.utils import timezone

    from qorgau.intake import services
    from qorgau.intake.models import Report
    from qorgau.wsgi import application

    def unsaved(**kwargs: Any) -> Any:
        report = Report(
            public_id=secrets.token_urlsafe(12),
            priority="P2",
            status="received",
            created_at=timezone.now(),
        )
        return services.Submission(report=report, receipt_code=None)

    services.report_submit = unsaved  # the view looks it up on the module at each call
    bodies = [
        report_body(REGIONS[i % len(REGIONS)], phone=f"8 701 {i:03d} 45 67").encode()
        for i in range(100)
    ]

    def post(i: int) -> None:
        body = bodies[i % len(bodies)]
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": REPORT_PATH,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_IDEMPOTENCY_KEY": f"floor-{i}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        status: list[str] = []
        response = application(environ, lambda line, headers, *exc: status.append(line))
        answer = b"".join(response)
        response.close()
        if not status or not status[0].startswith("201"):
            raise BenchError(f"framework floor: answered {status[:1]} {answer[:200]!r}")

    for i in range(min(200, requests)):
        post(i)
    start = time.process_time()
    for i in range(requests):
        post(i)
    cpu_ms = 1000 * (time.process_time() - start) / requests
    print(json.dumps({"cpu_ms_per_request": cpu_ms, "requests": requests}))


def framework_floor(env: dict[str, str], token: str, requests: int) -> float:
    """Reference D's CPU milliseconds per request (see `_floor_child`)."""
    child_env = {**env, "BENCH_FLOOR_TOKEN": token}
    proc = subprocess.run(  # noqa: S603 - this script, by path, with its own arguments
        [sys.executable, str(Path(__file__).resolve()), FLOOR_CHILD, str(requests)],
        env=child_env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        raise BenchError(f"framework floor failed: {proc.stderr.strip()[-500:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["cpu_ms_per_request"])


# --- The run ------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        prog="bench/intake.py",
        description=(
            "Reports per second and p50/p99 latency of POST /api/v1/reports under gunicorn on "
            "loopback with PostgreSQL, against two references measured in the same run: the bare "
            "endpoint GET /healthz of the same server, and the durable-write ceiling (plain psycopg "
            "processes committing the rows of one report per transaction, audit-chain lock "
            "included). Prints JSON lines on stdout and appends them to bench/results.jsonl."
        ),
        epilog=(
            f"Targets on 2 cores: >= {TARGET_RPS:.0f} reports/s, p99 < {TARGET_P99_MS:.0f} ms, "
            f">= {TARGET_SHARE} of the ceiling. Needs wrk and a PostgreSQL server (trust auth for "
            "the user of --pg-url, allowed to create databases). Exit status: 0 when the run "
            "completed (targets met or not), 1 when a measurement failed, 2 when a prerequisite "
            "is missing."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each measured run")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * cores + 1,
        help="gunicorn workers (and ceiling processes)",
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections (concurrent clients)"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=0,
        help="stop the measured intake run after about N reports (0: run for --duration; "
        "--duration stays the upper bound)",
    )
    parser.add_argument(
        "--worker-class",
        choices=["auto", "sync", "gthread"],
        default="auto",
        help="gunicorn worker class; auto tries both briefly and keeps the faster",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--suspects",
        choices=["unique", "same"],
        default="unique",
        help="unique: every report names its own suspect phone and Telegram handle (realistic); "
        "same: every report names the same ones, so all of them link to one subject (worst case "
        "of linking)",
    )
    parser.add_argument(
        "--ceiling-lock",
        choices=["first", "late"],
        default="first",
        help="durable-write ceiling: lock the audit-chain head first in each transaction, or "
        "late (after the report and event inserts, where the application takes it)",
    )
    parser.add_argument(
        "--ceiling-rows",
        choices=["core", "app"],
        default="core",
        help="durable-write ceiling: core = report, timeline event, audit entry and chain head "
        "(the issue's definition); app = also the linking rows (subject, two identifiers and "
        "their uses, a name entry) and the triage update the application now writes",
    )
    parser.add_argument(
        "--pipeline-ceiling",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure reference C: the ceiling's loop writing every row the pipeline writes "
        "(report, event, subject, two identifiers and their uses, name entry, triage update, "
        "audit entry), chain head locked late as the application does",
    )
    parser.add_argument(
        "--floor-requests",
        type=int,
        default=2000,
        help="reference D: this many POSTs in process through Django, the middleware and ninja "
        "with the service replaced, for the framework's CPU per request (0: skip)",
    )
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds of warm-up before each measurement"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (without database name); env BENCH_PG_URL",
    )
    parser.add_argument(
        "--db-name", default="qorgau_bench", help="database created (and dropped) for the run"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database after the run (for inspection)"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not append to bench/results.jsonl"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.workers < 1 or args.connections < 1 or args.threads < 1:
        parser.error("--duration, --workers, --connections and --threads must be positive")
    if args.requests < 0 or args.warmup < 0 or args.floor_requests < 0:
        parser.error("--requests, --warmup and --floor-requests cannot be negative")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db_name):
        parser.error("--db-name: lower-case letters, digits and _ only")
    return args


def find_wrk() -> str:
    wrk = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
    if wrk is None:
        raise MissingPrerequisite(
            "wrk is not installed (apt-get install wrk); it drives the HTTP load."
        )
    return wrk


def settled_count(url: str, timeout: float = 5.0) -> int:
    """The number of reports once the requests still in flight when wrk stopped have committed."""
    deadline = time.monotonic() + timeout
    last = count_reports(url)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = count_reports(url)
        if now == last:
            return now
        last = now
    return last


@dataclass
class Run:
    """What one run measured (figures() turns it into JSON lines)."""

    worker_class: str
    trials: dict[str, float]
    loadavg_before: float
    postgresql: dict[str, str]
    intake: WrkResult
    reports_before: int
    reports_after: int
    bare: WrkResult
    reports_at_bare: int
    ceiling: CeilingResult | None
    ceiling_error: str
    reports_after_ceiling: int
    # CPU seconds spent during the measured intake run by the server and by the database's backends
    app_cpu_s: float | None = None
    db_cpu_s: float | None = None
    # reference C: the ceiling's loop writing every row the pipeline writes (None when not run)
    pipeline_ceiling: CeilingResult | None = None
    reports_after_pipeline_ceiling: int = 0
    # reference D: CPU ms per request of the same POST with the service replaced (None: not run)
    floor_cpu_ms: float | None = None
    floor_error: str = ""


class Bench:
    """The measurements of one run, against a migrated database and a platform token."""

    def __init__(
        self, args: argparse.Namespace, wrk: str, env: dict[str, str], token: str, tmp: Path
    ) -> None:
        self.args = args
        self.wrk = wrk
        self.env = env
        self.token = token
        self.tmp = tmp
        self.database_url = env["DATABASE_URL"]

    @contextlib.contextmanager
    def serving(self, worker_class: str) -> Iterator[Server]:
        threads = f" x {self.args.threads} threads" if worker_class == "gthread" else ""
        log(f"starting gunicorn: {self.args.workers} {worker_class} workers{threads}")
        server = start_server(
            self.env,
            workers=self.args.workers,
            worker_class=worker_class,
            threads=self.args.threads,
            log_dir=self.tmp,
        )
        try:
            preflight(server, self.token)
            yield server
        finally:
            kill_group(server.proc, grace=15)

    def post(self, server: Server, seconds: float, requests: int = 0) -> WrkResult:
        return run_wrk(
            self.wrk,
            server,
            method="POST",
            path=REPORT_PATH,
            token=self.token,
            expect=201,
            duration=seconds,
            connections=self.args.connections,
            tmp=self.tmp,
            total_requests=requests,
            unique_suspects=self.args.suspects == "unique",
        )

    def get_bare(self, server: Server, seconds: float) -> WrkResult:
        return run_wrk(
            self.wrk,
            server,
            method="GET",
            path=BARE_PATH,
            token="",
            expect=200,
            duration=seconds,
            connections=self.args.connections,
            tmp=self.tmp,
        )

    def choose_worker_class(self) -> tuple[str, dict[str, float]]:
        if self.args.worker_class != "auto":
            return self.args.worker_class, {}
        trials: dict[str, float] = {}
        trial_s = max(2.0, min(5.0, self.args.duration / 2))
        for candidate in ("sync", "gthread"):
            with self.serving(candidate) as server:
                if self.args.warmup:
                    self.post(server, min(self.args.warmup, 2.0))
                result = self.post(server, trial_s)
            # Only reports stored count: a class that answers errors fast must not win.
            trials[candidate] = result.ok / result.seconds if result.seconds else 0.0
            log(
                f"trial {candidate}: {trials[candidate]:.0f} reports/s answered 201, "
                f"p99 {_fmt(result.p99_ms)} ms, {result.errors} errors"
            )
        chosen = max(trials, key=lambda k: trials[k])
        log(f"keeping {chosen}")
        return chosen, trials

    def run(self) -> Run:
        args = self.args
        loadavg = round(os.getloadavg()[0], 2)
        worker_class, trials = self.choose_worker_class()
        with self.serving(worker_class) as server:
            if args.warmup:
                log(f"warm-up {args.warmup:g} s")
                self.post(server, args.warmup)
            before = settled_count(self.database_url)
            limit = f", stopping after {args.requests} reports" if args.requests else ""
            log(f"intake: POST {REPORT_PATH} for {args.duration:g} s{limit}")
            database = self.database_url.rsplit("/", 1)[-1]
            app0, db0 = cpu_seconds(group=server.proc.pid), cpu_seconds(database=database)
            intake = self.post(server, args.duration, args.requests)
            app_cpu = cpu_seconds(group=server.proc.pid) - app0
            db_cpu = cpu_seconds(database=database) - db0
            after = settled_count(self.database_url)
            if args.warmup:
                self.get_bare(server, min(args.warmup, 2.0))
            log(f"bare endpoint: GET {BARE_PATH} for {args.duration:g} s")
            bare = self.get_bare(server, args.duration)
        reports_at_bare = count_reports(self.database_url)

        log(
            f"durable-write ceiling: {args.workers} psycopg processes for {args.duration:g} s "
            f"({args.ceiling_rows} rows, chain head locked {args.ceiling_lock})"
        )
        ceiling: CeilingResult | None = None
        ceiling_error = ""
        try:
            ceiling = run_ceiling(
                self.database_url,
                processes=args.workers,
                duration=args.duration,
                lock=args.ceiling_lock,
                rows=args.ceiling_rows,
            )
        except BenchError as exc:
            ceiling_error = str(exc)
            log(ceiling_error)
        reports_after_ceiling = count_reports(self.database_url)
        pipeline_ceiling: CeilingResult | None = None
        if args.pipeline_ceiling and not ceiling_error:
            log(
                f"durable-write ceiling with the pipeline's rows: {args.workers} psycopg processes "
                f"for {args.duration:g} s (chain head locked late, as the application does)"
            )
            try:
                pipeline_ceiling = run_ceiling(
                    self.database_url,
                    processes=args.workers,
                    duration=args.duration,
                    lock="late",
                    rows="app",
                )
            except BenchError as exc:
                ceiling_error = str(exc)
                log(ceiling_error)
        floor_cpu_ms: float | None = None
        floor_error = ""
        if args.floor_requests:
            log(
                f"framework floor: {args.floor_requests} POSTs in process, the service replaced "
                "(Django, middleware, ninja, token check)"
            )
            try:
                floor_cpu_ms = framework_floor(self.env, self.token, args.floor_requests)
            except (BenchError, subprocess.TimeoutExpired, ValueError, KeyError) as exc:
                floor_error = str(exc)
                log(floor_error)
        return Run(
            worker_class=worker_class,
            trials=trials,
            loadavg_before=loadavg,
            postgresql=pg_settings(self.database_url),
            intake=intake,
            reports_before=before,
            reports_after=after,
            bare=bare,
            reports_at_bare=reports_at_bare,
            ceiling=ceiling,
            ceiling_error=ceiling_error,
            reports_after_ceiling=reports_after_ceiling,
            app_cpu_s=app_cpu,
            db_cpu_s=db_cpu,
            pipeline_ceiling=pipeline_ceiling,
            reports_after_pipeline_ceiling=count_reports(self.database_url),
            floor_cpu_ms=floor_cpu_ms,
            floor_error=floor_error,
        )


def measure(args: argparse.Namespace, wrk: str) -> Run:
    """Create the database, migrate, take a token, measure, and drop the database whatever happens."""
    # Checked before anything is created: a missing server is a prerequisite, not a failure.
    pg_connect(pg_url(args.pg_url, "postgres")).close()
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "static").mkdir()
        env = app_environment(pg_url(args.pg_url, args.db_name), tmp)
        log(f"creating database {args.db_name}")
        recreate_database(args.pg_url, args.db_name)
        try:
            log("migrating")
            manage(env, "migrate", "--noinput")
            out = manage(env, "create_platform_token", "bench").split()
            token = out[-1] if out else ""
            if not token:
                raise BenchError("create_platform_token printed no token")
            return Bench(args, wrk, env, token, tmp).run()
        finally:
            if args.keep_db:
                log(f"keeping database {args.db_name}")
            else:
                drop_database(args.pg_url, args.db_name)


def ceiling_statements(lock: str, rows: str) -> str:
    """The statements of one ceiling transaction, in order (for the JSON)."""
    head = ["SELECT core_auditchainhead FOR UPDATE"]
    body = ["INSERT intake_report", "INSERT intake_reportevent"]
    if rows == "app":
        body += [
            "INSERT linking_subject",
            "2 x (INSERT linking_identifier, INSERT linking_identifieruse)",
            "INSERT linking_nameentry",
            "UPDATE intake_report (triage)",
        ]
    tail = ["INSERT core_auditentry", "UPDATE core_auditchainhead", "COMMIT"]
    return ", ".join(head + body + tail if lock == "first" else body + head + tail)


def cpu_per_report(app_s: float | None, db_s: float | None, reports: int) -> float | None:
    """Milliseconds of CPU per stored report (None when nothing was stored or measured)."""
    if reports <= 0 or (app_s is None and db_s is None):
        return None
    return 1000 * ((app_s or 0.0) + (db_s or 0.0)) / reports


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def figures(run: Run, args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    """The JSON lines: each figure with the data size (reports), workers and context."""
    intake, bare, ceiling = run.intake, run.bare, run.ceiling
    stored = run.reports_after - run.reports_before
    common = {
        "workers": args.workers,
        "git_commit": commit,
        "duration_s": args.duration,
        "connections": args.connections,
        "database": "postgresql",
        "worker_class": run.worker_class,
        "threads": args.threads if run.worker_class == "gthread" else 1,
        "worker_class_trials_rps": {k: round(v, 1) for k, v in run.trials.items()} or None,
        "wrk_threads": max(1, min(WRK_THREADS, args.connections)),
        "cores": os.cpu_count(),
        "loadavg_1m_before": run.loadavg_before,
        "postgresql": run.postgresql,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    intake_ctx = {
        **common,
        "endpoint": f"POST {REPORT_PATH}",
        "suspects": args.suspects,
        # The data size: reports in the database when measured (after the run), and in the run.
        "reports": run.reports_after,
        "reports_requests_completed": intake.requests,
        "reports_created_201": intake.ok,
        "reports_stored_in_run": stored,
        # wrk stops with up to `connections` requests in flight: the server still stores them.
        "reports_in_flight_at_stop": stored - intake.ok,
        "stored_matches_201": 0 <= stored - intake.ok <= args.connections,
        "errors": intake.errors,
        "status_counts": intake.statuses or None,
        "socket_errors": intake.socket_errors or None,
    }
    bare_ctx = {
        **common,
        "endpoint": f"GET {BARE_PATH}",
        "reports": run.reports_at_bare,
        "requests": bare.requests,
        "errors": bare.errors,
        "status_counts": bare.statuses or None,
    }
    ceiling_ctx = {
        **common,
        "reports": run.reports_after_ceiling,
        "reports_stored_in_run": ceiling.commits if ceiling else 0,
        "processes": args.workers,
        "lock_order": args.ceiling_lock,
        "ceiling_rows": args.ceiling_rows,
        "statements_per_report": ceiling_statements(args.ceiling_lock, args.ceiling_rows),
        "transaction_p50_ms": _round(ceiling.p50_ms, 3) if ceiling else None,
        "transaction_p99_ms": _round(ceiling.p99_ms, 3) if ceiling else None,
        **_ceiling_cpu(ceiling),
        "error": run.ceiling_error or None,
    }
    ceiling_rps = ceiling.commits_per_s if ceiling else None
    share = intake.requests_per_s / ceiling_rps if ceiling_rps else None
    cores = os.cpu_count() or 1
    # 600 reports/s on these cores leaves this much CPU per report, for everything on the machine
    budget_ms = 1000 * cores / TARGET_RPS
    pipeline = run.pipeline_ceiling
    extra: list[dict[str, Any]] = []
    if pipeline is not None:
        extra.append(
            {
                "name": "durable_write_ceiling_pipeline_rows_per_s",
                "value": _round(pipeline.commits_per_s, 1),
                "unit": "reports/s",
                **common,
                "reports": run.reports_after_pipeline_ceiling,
                "reports_stored_in_run": pipeline.commits,
                "processes": pipeline.processes,
                "lock_order": pipeline.lock,
                "ceiling_rows": pipeline.rows,
                "statements_per_report": ceiling_statements(pipeline.lock, pipeline.rows),
                "transaction_p50_ms": _round(pipeline.p50_ms, 3),
                "transaction_p99_ms": _round(pipeline.p99_ms, 3),
                **_ceiling_cpu(pipeline),
                "cpu_budget_ms_per_report_at_target": _round(budget_ms, 3),
                "target_rps": TARGET_RPS,
            }
        )
    if run.floor_cpu_ms is not None or run.floor_error:
        extra.append(
            {
                "name": "framework_floor_cpu_ms_per_request",
                "value": _round(run.floor_cpu_ms, 3),
                "unit": "ms",
                **common,
                "endpoint": f"POST {REPORT_PATH}, service replaced",
                "requests": args.floor_requests,
                "reports": run.reports_after_pipeline_ceiling or run.reports_after_ceiling,
                "in_process": True,
                "cpu_budget_ms_per_report_at_target": _round(budget_ms, 3),
                "error": run.floor_error or None,
            }
        )
    return [
        {
            "name": "intake_reports_per_s",
            "value": _round(intake.requests_per_s, 1),
            "unit": "reports/s",
            **intake_ctx,
            "target": f">= {TARGET_RPS:g}",
            "meets_target": intake.requests_per_s >= TARGET_RPS and intake.errors == 0,
        },
        {"name": "intake_p50_ms", "value": _round(intake.p50_ms), "unit": "ms", **intake_ctx},
        {
            "name": "intake_p99_ms",
            "value": _round(intake.p99_ms),
            "unit": "ms",
            **intake_ctx,
            "target": f"< {TARGET_P99_MS:g}",
            "meets_target": intake.p99_ms is not None and intake.p99_ms < TARGET_P99_MS,
        },
        {"name": "intake_errors", "value": intake.errors, "unit": "responses", **intake_ctx},
        {
            # CPU per report, the figure least moved by a faster or slower machine's load: the
            # server's processes and the database's backends during the measured run, over the
            # reports stored in it (the one at the end of the run included)
            "name": "intake_cpu_ms_per_report",
            "value": _round(cpu_per_report(run.app_cpu_s, run.db_cpu_s, stored), 3),
            "unit": "ms",
            **intake_ctx,
            "app_cpu_ms_per_report": _round(cpu_per_report(run.app_cpu_s, None, stored), 3),
            "db_cpu_ms_per_report": _round(cpu_per_report(None, run.db_cpu_s, stored), 3),
            "cpu_budget_ms_per_report_at_target": _round(budget_ms, 3),
        },
        {
            "name": "bare_requests_per_s",
            "value": _round(bare.requests_per_s, 1),
            "unit": "requests/s",
            **bare_ctx,
        },
        {"name": "bare_p50_ms", "value": _round(bare.p50_ms), "unit": "ms", **bare_ctx},
        {"name": "bare_p99_ms", "value": _round(bare.p99_ms), "unit": "ms", **bare_ctx},
        {
            "name": "durable_write_ceiling_per_s",
            "value": _round(ceiling_rps, 1),
            "unit": "reports/s",
            **ceiling_ctx,
        },
        {
            "name": "intake_share_of_ceiling",
            "value": _round(share, 3),
            "unit": "ratio",
            **intake_ctx,
            "ceiling_per_s": _round(ceiling_rps, 1),
            "ceiling_lock_order": args.ceiling_lock,
            "ceiling_rows": args.ceiling_rows,
            # against reference C too (the loop writing every row the pipeline writes)
            "share_of_pipeline_rows_ceiling": _round(
                intake.requests_per_s / pipeline.commits_per_s
                if pipeline is not None and pipeline.commits_per_s
                else None,
                3,
            ),
            "target": f">= {TARGET_SHARE:g}",
            "meets_target": share is not None and share >= TARGET_SHARE and intake.errors == 0,
        },
        *extra,
    ]


def _ceiling_cpu(ceiling: CeilingResult | None) -> dict[str, float | None]:
    if ceiling is None:
        return {}
    return {
        "cpu_ms_per_commit": _round(ceiling.cpu_ms_per_commit, 3),
        "loop_cpu_ms_per_commit": _round(ceiling.loop_cpu_ms_per_commit, 3),
        "db_cpu_ms_per_commit": _round(ceiling.db_cpu_ms_per_commit, 3),
    }


def print_table(lines: list[dict[str, Any]]) -> None:
    by_name = {line["name"]: line for line in lines}
    first = lines[0]
    print("", file=sys.stderr)
    print(
        f"Qorgau intake @ {first['git_commit']}: {first['workers']} {first['worker_class']} workers"
        f"{' x ' + str(first['threads']) + ' threads' if first['worker_class'] == 'gthread' else ''}, "
        f"{first['connections']} connections, {first['duration_s']:g} s, PostgreSQL",
        file=sys.stderr,
    )
    rows = [
        ("POST /api/v1/reports", "intake_reports_per_s", "intake_p50_ms", "intake_p99_ms"),
        ("GET /healthz (bare)", "bare_requests_per_s", "bare_p50_ms", "bare_p99_ms"),
    ]
    print(f"  {'':28} {'per s':>10} {'p50 ms':>9} {'p99 ms':>9}", file=sys.stderr)
    for label, rps, p50, p99 in rows:
        print(
            f"  {label:28} {_fmt(by_name[rps]['value']):>10} {_fmt(by_name[p50]['value']):>9} "
            f"{_fmt(by_name[p99]['value']):>9}",
            file=sys.stderr,
        )
    ceiling = by_name["durable_write_ceiling_per_s"]
    print(
        f"  {'durable-write ceiling':28} {_fmt(ceiling['value']):>10} {_fmt(ceiling['transaction_p50_ms']):>9} "
        f"{_fmt(ceiling['transaction_p99_ms']):>9}",
        file=sys.stderr,
    )
    pipeline = by_name.get("durable_write_ceiling_pipeline_rows_per_s")
    if pipeline is not None:
        print(
            f"  {'ceiling, pipeline rows':28} {_fmt(pipeline['value']):>10} "
            f"{_fmt(pipeline['transaction_p50_ms']):>9} {_fmt(pipeline['transaction_p99_ms']):>9}",
            file=sys.stderr,
        )
    intake = by_name["intake_reports_per_s"]
    share = by_name["intake_share_of_ceiling"]
    p99 = by_name["intake_p99_ms"]
    print(
        f"  reports: {intake['reports_created_201']} answered 201, {intake['reports_stored_in_run']} stored, "
        f"{intake['errors']} errors; {intake['reports']} in the database after the run",
        file=sys.stderr,
    )
    cpu = by_name["intake_cpu_ms_per_report"]
    print(
        f"  CPU per report: {_fmt(cpu['value'])} ms (server {_fmt(cpu['app_cpu_ms_per_report'])}, "
        f"database backends {_fmt(cpu['db_cpu_ms_per_report'])}); "
        f"{_fmt(cpu['cpu_budget_ms_per_report_at_target'])} ms at {TARGET_RPS:g}/s on "
        f"{first['cores']} cores",
        file=sys.stderr,
    )
    for label, line in (("ceiling", ceiling), ("ceiling, pipeline rows", pipeline)):
        if line is not None and line.get("cpu_ms_per_commit") is not None:
            print(
                f"  CPU per commit, {label}: {_fmt(line['cpu_ms_per_commit'])} ms (loops "
                f"{_fmt(line['loop_cpu_ms_per_commit'])}, database backends "
                f"{_fmt(line['db_cpu_ms_per_commit'])})",
                file=sys.stderr,
            )
    floor = by_name.get("framework_floor_cpu_ms_per_request")
    if floor is not None and floor["value"] is not None:
        print(
            f"  CPU per request, framework floor (Django, middleware, ninja, token check; no "
            f"service; in process): {_fmt(floor['value'])} ms",
            file=sys.stderr,
        )
    verdict = "  targets: " + ", ".join(
        f"{name} {'ok' if line['meets_target'] else 'MISSED'} ({line['target']})"
        for name, line in (("rate", intake), ("p99", p99), ("share", share))
    )
    print(verdict + f"; share of ceiling {_fmt(share['value'])}", file=sys.stderr)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Interrupted(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [FLOOR_CHILD]:
        import django

        os.environ["DJANGO_SETTINGS_MODULE"] = "qorgau.settings"
        sys.path.insert(0, str(REPO))
        django.setup()
        _floor_child(int(argv[1]), os.environ["BENCH_FLOOR_TOKEN"])
        return 0
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print(
            "bench: psycopg is not installed in this Python; use .venv/bin/python", file=sys.stderr
        )
        return 2
    try:
        wrk = find_wrk()
        commit = git_commit()
        run = measure(args, wrk)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, MissingPrerequisite) else 1
    except (KeyboardInterrupt, Interrupted):
        print("bench: interrupted; every process it started was stopped", file=sys.stderr)
        return 130
    lines = figures(run, args, commit)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not args.no_save:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)
    print_table(lines)
    return 1 if run.ceiling_error or run.floor_error else 0


if __name__ == "__main__":
    sys.exit(main())
