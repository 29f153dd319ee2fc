"""What every benchmark under bench/ shares: its own PostgreSQL database with the application
migrated in it, a production-like environment with throwaway keys, the machine's load around a
measured phase, counting statements, profiles, the processes it starts, and the report: one JSON
line per figure on stdout (and in bench/results.jsonl), one table on stderr. Imported as `_common`
(the scripts run as `python bench/NAME.py`, so bench/ is first on sys.path)."""

from __future__ import annotations

import argparse
import base64
import contextlib
import cProfile
import io
import json
import math
import multiprocessing as mp
import os
import pstats
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results.jsonl"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
Line = dict[str, Any]


class BenchError(Exception):
    """A precondition or a step failed: the message says which; the script exits non-zero."""


class MissingPrerequisite(BenchError):
    """PostgreSQL, psycopg or another tool is missing: exit status 2."""


class Interrupted(BaseException):
    """Raised by the SIGTERM/SIGALRM handlers: every `finally` runs, as for KeyboardInterrupt."""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - read-only, fixed arguments
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (with 30 samples, p99 is the slowest one)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))]


def rnd(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def summary_ms(ms: list[float]) -> dict[str, float | None]:
    """p50 / p90 / p99 / mean / max of durations in milliseconds."""
    return {
        "p50_ms": rnd(percentile(ms, 50)),
        "p90_ms": rnd(percentile(ms, 90)),
        "p99_ms": rnd(percentile(ms, 99)),
        "mean_ms": rnd(sum(ms) / len(ms)) if ms else None,
        "max_ms": rnd(max(ms)) if ms else None,
    }


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- The machine's load ---------------------------------------------------------------------------


def cpu_snapshot() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return 0, 0
    values = [int(v) for v in fields[:8]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_cores(before: tuple[int, int], after: tuple[int, int]) -> float | None:
    """How many cores were busy on average between two snapshots (every process)."""
    total = after[1] - before[1]
    if total <= 0:
        return None
    return round((after[0] - before[0]) / total * (os.cpu_count() or 1), 2)


def add_quiet_args(parser: argparse.ArgumentParser, wait: float = 600.0) -> None:
    parser.add_argument("--quiet-load", type=float, default=1.2, help="1-minute load average")
    parser.add_argument("--quiet-wait", type=float, default=wait, help="seconds, per phase")
    parser.add_argument("--quiet-poll", type=float, default=15.0, help="seconds")


@contextlib.contextmanager
def measured_phase(args: argparse.Namespace, what: str) -> Iterator[Line]:
    """Wait (up to --quiet-wait s, polling every --quiet-poll s) until the 1-minute load average is
    under --quiet-load: other work on the same cores inflates the figures. Yields the load fields
    of the phase, completed when it ends (cores busy, this process's share of the wall time)."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    while load >= args.quiet_load and time.monotonic() - started < args.quiet_wait:
        log(f"{what}: load average {load:.2f} >= {args.quiet_load:g}, waiting")
        time.sleep(min(args.quiet_poll, max(args.quiet_wait - (time.monotonic() - started), 0.1)))
        load = os.getloadavg()[0]
    if load >= args.quiet_load:
        log(f"{what}: still {load:.2f} after {args.quiet_wait:.0f} s; measuring anyway")
    fields: Line = {
        "loadavg_1m_measured": round(load, 2),
        "load_quiet": load < args.quiet_load,
        "load_wait_s": round(time.monotonic() - started, 1),
    }
    cpu0, own0, wall0 = cpu_snapshot(), time.process_time(), time.monotonic()
    try:
        yield fields
    finally:
        wall = time.monotonic() - wall0
        fields["machine_busy_cores_during"] = busy_cores(cpu0, cpu_snapshot())
        fields["bench_process_cores_during"] = (
            rnd((time.process_time() - own0) / wall, 2) if wall else None
        )
        fields["phase_wall_s"] = round(wall, 1)


# --- PostgreSQL (outside Django: creating and dropping the database) ---------------------------


def pg_url(base: str, dbname: str) -> str:
    return f"{base.rstrip('/')}/{dbname}"


def pg_connect(url: str, **kwargs: Any) -> Any:
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=5, **kwargs)
    except psycopg.OperationalError as exc:
        raise MissingPrerequisite(
            f"PostgreSQL is not reachable at {url} ({str(exc).strip().splitlines()[0]}). "
            "Start it (e.g. `pg_ctlcluster 15 main start`) or pass --pg-url."
        ) from exc


def _drop_sql(dbname: str) -> Any:
    from psycopg import sql

    return sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))


def recreate_database(base: str, dbname: str) -> None:
    from psycopg import sql

    with pg_connect(pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(_drop_sql(dbname))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def drop_database(base: str, dbname: str) -> None:
    try:
        with pg_connect(pg_url(base, "postgres"), autocommit=True) as conn:
            conn.execute(_drop_sql(dbname))
    except Exception as exc:
        log(f"could not drop database {dbname}: {exc}")


PG_SETTINGS = [
    "server_version", "synchronous_commit", "fsync", "wal_sync_method", "shared_buffers",
    "work_mem", "effective_cache_size", "random_page_cost", "jit",
]  # fmt: skip


def pg_settings(url: str) -> dict[str, str]:
    """The PostgreSQL settings that matter for the figures, carried by every line."""
    with pg_connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            (PG_SETTINGS,),
        ).fetchall()
    return dict(rows)


# --- The application's environment and database ------------------------------------------------


def app_environment(
    database_url: str, var_dir: Path, *, hosts: str = "127.0.0.1,localhost"
) -> dict[str, str]:
    """This process's environment with production-like settings: DEBUG off, throwaway keys,
    persistent database connections, files in `var_dir`."""
    env = dict(os.environ)
    for name in list(env):
        # Settings read NAME_FILE as well as NAME: a developer's files must not override ours.
        if name.endswith("_FILE") and name[: -len("_FILE")] in {
            "SECRET_KEY",
            "QORGAU_MASTER_KEY",
            "QORGAU_LOOKUP_KEY",
        }:
            del env[name]
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "qorgau.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "QORGAU_MASTER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "QORGAU_PREVIOUS_MASTER_KEYS": "",
            "QORGAU_LOOKUP_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "QORGAU_PREVIOUS_LOOKUP_KEYS": "",
            "QORGAU_LEGACY_SECRET_KEYS": "",
            "ALLOWED_HOSTS": hosts,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "SECURE_HSTS_PRELOAD": "false",
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "QORGAU_VAR_DIR": str(var_dir),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`manage.py ARGS` in a child process with `env`; its output, or BenchError with its tail."""
    try:
        out = subprocess.run(  # noqa: S603 - our interpreter and manage.py, fixed arguments
            [sys.executable, str(REPO / "manage.py"), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"`manage.py {' '.join(args)}` did not finish in {timeout:.0f} s") from exc
    if out.returncode != 0:
        tail = "\n".join((out.stderr or out.stdout).strip().splitlines()[-15:])
        raise BenchError(
            f"`manage.py {' '.join(args)}` failed (exit {out.returncode}); if the application is "
            f"being edited, retry in a minute.\n{tail}"
        )
    return out.stdout


def setup_django(env: dict[str, str]) -> None:
    """Django in this process, with exactly the environment `manage.py migrate` ran with."""
    os.environ.update(env)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    try:
        django.setup()
    except Exception as exc:
        raise BenchError(
            f"django.setup() failed ({exc}); if the application is being edited, retry in a minute."
        ) from exc


@contextlib.contextmanager
def bench_database(
    args: argparse.Namespace, *, django: bool = True, hosts: str = "127.0.0.1,localhost"
) -> Iterator[tuple[dict[str, str], Path]]:
    """A fresh database `--db-name`, migrated (`manage.py migrate`), with the application's
    environment and a scratch directory; Django set up in this process when `django`. Dropped
    whatever happens, unless --keep-db."""
    pg_connect(pg_url(args.pg_url, "postgres")).close()  # a missing server is a prerequisite
    with tempfile.TemporaryDirectory(prefix=f"{args.db_name}-") as tmp:
        (Path(tmp) / "static").mkdir()
        env = app_environment(pg_url(args.pg_url, args.db_name), Path(tmp), hosts=hosts)
        log(f"creating database {args.db_name}")
        recreate_database(args.pg_url, args.db_name)
        try:
            log("migrating")
            manage(env, "migrate", "--noinput")
            if django:
                setup_django(env)
            yield env, Path(tmp)
        finally:
            if django:
                with contextlib.suppress(Exception):
                    from django.db import connections

                    connections.close_all()
            if args.keep_db:
                log(f"keeping database {args.db_name}")
            else:
                drop_database(args.pg_url, args.db_name)


def vacuum_analyze(tables: Iterable[str]) -> None:
    """What autovacuum would have done after a bulk load: statistics and the visibility map."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def scalar(sql: str, params: Any = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None


# --- Processes it starts ----------------------------------------------------------------------


def start_group(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """A child in its own process group (stopped with `kill_group`), its output in `log_path`."""
    with log_path.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our interpreter and fixed arguments
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def kill_group(proc: subprocess.Popen, *, grace: float = 10.0) -> None:
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


def spawned(target: Any, args: tuple, processes: int, timeout: float) -> list[dict]:
    """Run `target(*args, index, results)` in `processes` spawned processes (fresh interpreters:
    their memory and CPU are their own) and collect the dict each puts in `results`; BenchError
    when one reports an error or they do not all report within `timeout` s (they are killed)."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    procs = [
        ctx.Process(target=target, args=(*args, i, results), daemon=True) for i in range(processes)
    ]
    collected: list[dict] = []
    try:
        for proc in procs:
            proc.start()
        deadline = time.monotonic() + timeout
        while len(collected) < processes:
            alive = any(p.is_alive() for p in procs)
            if time.monotonic() > deadline or (not alive and results.empty()):
                raise BenchError(f"{target.__name__}: the processes did not all report")
            with contextlib.suppress(Exception):  # queue.Empty: look at the processes again
                collected.append(results.get(timeout=5))
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
    errors = sorted({r["error"] for r in collected if "error" in r})
    if errors:
        raise BenchError(f"{target.__name__} failed: " + "; ".join(errors[:3]))
    return collected


def tail_file(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- Statements and profiles ------------------------------------------------------------------

_SQL_VERB = re.compile(
    r"^\s*(WITH|SELECT|INSERT INTO|UPDATE|DELETE FROM|DECLARE|SAVEPOINT|RELEASE|ROLLBACK|\w+)", re.I
)
_SQL_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def sql_kind(sql: str) -> str:
    """`VERB table` of a statement (DECLARE: a server-side cursor, i.e. QuerySet.iterator())."""
    verb_match = _SQL_VERB.match(sql)
    verb = verb_match.group(1).upper().split()[0] if verb_match else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    table = _SQL_TABLE.search(sql)
    return f"{verb} {table.group(1)}" if table else verb


@dataclass
class QueryCounter:
    """A connection.execute_wrapper: statements and the time spent executing them, by kind."""

    queries: int = 0
    seconds: float = 0.0
    kinds: Counter = field(default_factory=Counter)
    kind_seconds: Counter = field(default_factory=Counter)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            kind = sql_kind(sql)
            self.queries += 1
            self.seconds += elapsed
            self.kinds[kind] += 1
            self.kind_seconds[kind] += elapsed

    def top(self, n: int = 8) -> dict[str, int]:
        return dict(self.kinds.most_common(n))

    def top_seconds(self, n: int = 8) -> dict[str, float]:
        return {k: round(v, 3) for k, v in self.kind_seconds.most_common(n)}


@contextlib.contextmanager
def counting() -> Iterator[QueryCounter]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter


@contextlib.contextmanager
def profiled(enabled: bool, label: str, top: int = 30) -> Iterator[None]:
    """cProfile of the block on stderr (cumulative and own time) when `enabled`."""
    if not enabled:
        yield
        return
    prof = cProfile.Profile()
    prof.enable()
    try:
        yield
    finally:
        prof.disable()
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top // 2)
        log(f"profile of {label}:\n{out.getvalue()}")


# --- The report: JSON lines and one table -------------------------------------------------------


def fmt(value: Any) -> str:
    """A value for the table: None as -, floats to 3 significant figures or 1-2 decimals."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return (
            f"{value:,.1f}"
            if abs(value) >= 100
            else f"{value:.3g}"
            if abs(value) < 1
            else f"{value:.2f}"
        )
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def verdict(line: Line) -> str:
    if "meets_target" not in line:
        return ""
    return {None: "not measured", True: "met", False: "MISSED"}[line["meets_target"]]


Column = tuple[str, Callable[[Line], Any]]
FIGURE: list[Column] = [
    ("figure", lambda line: line["name"]),
    ("value", lambda line: f"{fmt(line['value'])} {line.get('unit', '')}".strip()),
]
TARGET: list[Column] = [("target", lambda line: line.get("target", "")), ("", verdict)]


def print_table(
    lines: list[Line], columns: list[Column], *, title: str = "", file: Any = None
) -> None:
    """One row per line, `columns` = (header, what to show of a line)."""
    file = file or sys.stderr
    rows = [tuple(fmt(get(line)) for _, get in columns) for line in lines]
    header = tuple(h for h, _ in columns)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    if title:
        print(f"\n{title}", file=file)
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=file)


def add_common_args(parser: argparse.ArgumentParser, *, db_name: str, timeout: int) -> None:
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help="PostgreSQL server whose user may create databases; env BENCH_PG_URL",
    )
    parser.add_argument("--db-name", default=db_name, help="database created and dropped")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    parser.add_argument("--timeout", type=int, default=timeout, help="seconds before giving up")


def check_db_name(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db_name):
        parser.error("--db-name: lower-case letters, digits and _ only")


def _on_signal(signum: int, frame: Any) -> None:
    raise Interrupted(f"signal {signum}")


def run_bench(
    args: argparse.Namespace,
    measure: Callable[[str], list[Line]],
    columns: list[Column] | None = None,
    title: str = "",
) -> int:
    """A bench script's main: signals and the --timeout bound (the database is dropped on both),
    `measure(git commit)`, the JSON lines on stdout and in bench/results.jsonl (unless --no-save),
    the table. Exit status 0, 1 when a step failed (BenchError, or a line with an `error`), 2 when
    a prerequisite is missing, 130 when interrupted."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGALRM, _on_signal)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        log("psycopg is not installed in this Python; use .venv/bin/python")
        return 2
    commit, loadavg = git_commit(), round(os.getloadavg()[0], 2)
    signal.alarm(args.timeout)
    try:
        lines = measure(commit)
    except BenchError as exc:
        log(f"failed: {exc}")
        return 2 if isinstance(exc, MissingPrerequisite) else 1
    except (KeyboardInterrupt, Interrupted) as exc:
        log(f"interrupted ({exc}); every process it started was stopped, the database dropped")
        return 130
    finally:
        signal.alarm(0)
    for line in lines:
        context = {"git_commit": commit, "cores": os.cpu_count(), "loadavg_1m_before": loadavg}
        for key, value in {**context, "timestamp": timestamp()}.items():
            line.setdefault(key, value)
    text = "".join(json.dumps(line, ensure_ascii=False, default=str) + "\n" for line in lines)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not args.no_save:
        append_results(lines)
    if lines:
        print_table(lines, columns or [*FIGURE, *TARGET], title=f"{title} @ {commit}")
    return 1 if any(line.get("error") for line in lines) else 0


def append_results(lines: Iterable[Line], path: Path = RESULTS) -> None:
    """One JSON line per figure, appended to bench/results.jsonl."""
    with path.open("a", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
