"""What every benchmark under bench/ needs: its own PostgreSQL database, a production-like
environment with throwaway keys, `manage.py` and Django in process, the machine's load, the git
commit, and bench/results.jsonl. Imported by the scripts as `_common` (they run as
`python bench/NAME.py`, so bench/ is first on sys.path)."""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results.jsonl"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"


class BenchError(Exception):
    """A precondition or a step failed: the message says which; the script exits non-zero."""


class MissingPrerequisite(BenchError):
    """PostgreSQL, psycopg or another tool is missing: exit status 2."""


class Interrupted(BaseException):
    """Raised by the SIGTERM/SIGALRM handlers so that every `finally` runs, like KeyboardInterrupt."""


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
    rank = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[rank]


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


def recreate_database(base: str, dbname: str) -> None:
    from psycopg import sql

    with pg_connect(pg_url(base, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def drop_database(base: str, dbname: str) -> None:
    from psycopg import sql

    try:
        with pg_connect(pg_url(base, "postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )
    except Exception as exc:
        log(f"could not drop database {dbname}: {exc}")


# --- The application's environment ----------------------------------------------------------


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


def configure_environment(
    database_url: str, var_dir: Path, *, hosts: str = "127.0.0.1,localhost"
) -> None:
    """`app_environment` applied to this process, before Django is imported."""
    for name in list(os.environ):
        if name.endswith("_FILE") and name[: -len("_FILE")] in {
            "SECRET_KEY",
            "QORGAU_MASTER_KEY",
            "QORGAU_LOOKUP_KEY",
        }:
            del os.environ[name]
    os.environ.update(app_environment(database_url, var_dir, hosts=hosts))
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
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
    os.environ["DJANGO_SETTINGS_MODULE"] = "qorgau.settings"
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    try:
        django.setup()
    except Exception as exc:
        raise BenchError(
            f"django.setup() failed ({exc}); if the application is being edited, retry in a minute."
        ) from exc


def migrate_in_process() -> None:
    """django.setup() and migrate in this process (the environment already configured)."""
    try:
        import django
        from django.core.management import call_command

        django.setup()
        log("migrating")
        call_command("migrate", interactive=False, verbosity=0)
    except Exception as exc:
        raise BenchError(
            f"Django setup or migrate failed ({type(exc).__name__}: {exc}); if the "
            "application is being edited, retry in a minute."
        ) from exc


@contextlib.contextmanager
def bench_database(
    base: str,
    dbname: str,
    *,
    keep: bool,
    prefix: str,
    prepare: Callable[[str, Path], None],
) -> Iterator[None]:
    """A fresh database `dbname`, made ready by `prepare(database URL, scratch directory)` (set the
    environment, migrate, set Django up); dropped whatever happens, unless `keep`."""
    pg_connect(pg_url(base, "postgres")).close()
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        log(f"creating database {dbname}")
        recreate_database(base, dbname)
        try:
            prepare(pg_url(base, dbname), Path(tmp))
            yield
        finally:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            if keep:
                log(f"keeping database {dbname}")
            else:
                drop_database(base, dbname)


def _on_signal(signum: int, frame: Any) -> None:
    raise Interrupted(f"signal {signum}")


def run_bench(
    timeout: int,
    measure: Callable[[str], list[dict[str, Any]]],
    *,
    save: bool,
    print_table: Callable[[list[dict[str, Any]]], None],
) -> int:
    """A bench script's main: signals, the time bound, `measure(git commit)`, the JSON lines on
    stdout and in bench/results.jsonl (unless not `save`), the table; the exit status."""
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGALRM, _on_signal)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print(
            "bench: psycopg is not installed in this Python; use .venv/bin/python", file=sys.stderr
        )
        return 2
    commit = git_commit()
    signal.alarm(timeout)
    try:
        lines = measure(commit)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, MissingPrerequisite) else 1
    except (KeyboardInterrupt, Interrupted) as exc:
        print(f"bench: interrupted ({exc}); the database was dropped", file=sys.stderr)
        return 130
    finally:
        signal.alarm(0)
    text = "".join(json.dumps(entry, ensure_ascii=False, default=str) + "\n" for entry in lines)
    sys.stdout.write(text)
    sys.stdout.flush()
    if save:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)
    print_table(lines)
    return 0


# --- Results -----------------------------------------------------------------------------------


def append_results(lines: Iterable[dict[str, Any]], path: Path = RESULTS) -> None:
    """One JSON line per figure, appended to bench/results.jsonl."""
    with path.open("a", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
