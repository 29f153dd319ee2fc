"""`make bench`: every benchmark under bench/, one after the other, against PostgreSQL.

    .venv/bin/python bench/run.py                 # quick sizes: about 10-15 minutes on 2 cores
    .venv/bin/python bench/run.py --full          # the issue's sizes (an hour or more)
    .venv/bin/python bench/run.py --only dashboard,workers --no-save
    make bench            /  make bench BENCH_SIZE=full  /  make bench BENCH_ONLY=linking

Each script runs with `--no-save` and prints its figures as JSON lines; this runner adds to each
line `bench` (the script), `data_size` (the sizes the figure was measured at), `workers` (processes
serving the measured work; 1 for the in-process benches), `git_commit`, `size_profile` (quick or
full) and `run_id`, appends them to bench/results.jsonl and prints one table. A script that cannot
run here (wrk or Redis missing: exit status 2) is listed as skipped; one that fails is listed as
failed with its exit status, and the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

from _common import FIGURE, REPO, TARGET, append_results, fmt, git_commit, log
from _common import print_table as _print_table

# Quick sizes: every figure, small data, bounded time. Full sizes: each script's own defaults
# (the contract sizes).
QUICK: dict[str, list[str]] = {
    "intake": ["--duration", "8", "--warmup", "2"],
    "linking": [
        "--identifiers", "200000", "--reports", "300", "--submit-reports", "200",
        "--quiet-wait", "30",
    ],
    "assign": ["--prosecutors", "400", "--cases", "2000", "--one-by-one", "100",
               "--open-cases", "20000"],
    "dashboard": ["--reports", "100000", "--cases", "20000", "--requests", "10",
                  "--quiet-wait", "30"],
    "offenders": ["--rows", "5000", "--queries", "100", "--quiet-wait", "30"],
    "workers": ["--reports", "20000", "--tasks", "200"],
    "receipts": ["--trials", "60", "--reports", "20", "--quiet-wait", "30"],
    "alerts": ["--reports", "20", "--alerts", "5000", "--due", "100", "--shifts", "1000",
               "--quiet-wait", "30"],
    "triage": ["--repeat", "5", "--long-reports", "300"],
    "filehash": ["--stored", "100000", "--list-size", "100000", "--pdq-list-size", "10000",
                 "--pdq-runs", "5", "--quiet-wait", "30"],
}  # fmt: skip
ORDER = [
    "intake",
    "linking",
    "assign",
    "dashboard",
    "offenders",
    "workers",
    "receipts",
    "alerts",
    "triage",
    "filehash",
]
TIMEOUT_QUICK_S = 900
# What "data size" means for each bench: the keys of its lines that hold it.
SIZE_KEYS = {
    "intake": ["reports"],
    "linking": ["identifiers", "uses", "subjects", "reports"],
    "assign": ["prosecutors", "cases", "open_cases"],
    "dashboard": ["reports", "cases", "offenders", "daily_counts"],
    "offenders": ["rows", "register_entries"],
    "workers": ["reports", "tasks"],
    "receipts": ["reports", "trials"],
    "alerts": ["reports", "alerts", "open_alerts", "notifications", "deliveries", "rota_shifts"],
    "triage": ["eval_set", "reports"],
    "filehash": ["pixels", "stored_hashes", "queries", "hashes"],
}


def run_script(name: str, args: list[str], timeout: float | None) -> tuple[int, list[dict]]:
    command = [sys.executable, str(REPO / "bench" / f"{name}.py"), *args, "--no-save"]
    log(f"{name}: {' '.join(command[1:])}")
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter and our scripts
            command,
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, []
    lines = []
    for raw in done.stdout.splitlines():
        raw = raw.strip()
        if not raw.startswith("{"):
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if isinstance(line, dict) and "name" in line and "value" in line:
            lines.append(line)
    return done.returncode, lines


def enrich(name: str, line: dict[str, Any], commit: str, profile: str, run_id: str) -> dict:
    size = {k: line[k] for k in SIZE_KEYS.get(name, []) if isinstance(line.get(k), int | float)}
    return {
        "name": line["name"],
        "value": line["value"],
        "unit": line.get("unit", ""),
        "data_size": size,
        "workers": line.get("workers", line.get("processes", 1)),
        "git_commit": line.get("git_commit", commit),
        "bench": name,
        "size_profile": profile,
        "run_id": run_id,
        **{k: v for k, v in line.items() if k not in {"name", "value", "unit"}},
    }


def print_table(lines: list[dict], outcome: dict[str, str]) -> None:
    columns = [
        ("bench", lambda line: line["bench"]),
        *FIGURE,
        (
            "data size",
            lambda line: ", ".join(f"{k} {fmt(v)}" for k, v in line["data_size"].items()),
        ),
        ("workers", lambda line: str(line["workers"])),
        *TARGET,
    ]
    _print_table(lines, columns, file=sys.stdout)
    for name, what in outcome.items():
        if what != "ok":
            print(f"{name}: {what}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--full",
        action="store_true",
        default=os.environ.get("BENCH_SIZE", "").lower() == "full",
        help="the issue's sizes (each script's defaults); also BENCH_SIZE=full",
    )
    parser.add_argument(
        "--only",
        default=os.environ.get("BENCH_ONLY", ""),
        help="comma-separated scripts (default: all); also BENCH_ONLY",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server whose user may create databases; also BENCH_PG_URL",
    )
    parser.add_argument(
        "--db-prefix",
        default=os.environ.get("BENCH_DB_PREFIX", ""),
        help="database names PREFIX_<script> (default: each script's own); also BENCH_DB_PREFIX",
    )
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    args = parser.parse_args(argv)

    names = [n for n in ORDER if not args.only or n in args.only.split(",")]
    unknown = set(filter(None, args.only.split(","))) - set(ORDER)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))} (known: {', '.join(ORDER)})")
    profile = "full" if args.full else "quick"
    commit = git_commit()
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    collected: list[dict] = []
    outcome: dict[str, str] = {}
    started = time.monotonic()
    for name in names:
        extra = ["--pg-url", args.pg_url]
        if args.db_prefix:
            extra += ["--db-name", f"{args.db_prefix}_{name}"]
        sizes = [] if args.full else QUICK[name]
        t0 = time.monotonic()
        status, lines = run_script(name, [*sizes, *extra], None if args.full else TIMEOUT_QUICK_S)
        took = time.monotonic() - t0
        outcome[name] = (
            "ok"
            if status == 0
            else "skipped (a prerequisite is missing, see above)"
            if status == 2
            else f"timed out after {took:.0f} s"
            if status == -1
            else f"failed (exit {status})"
        )
        enriched = [enrich(name, line, commit, profile, run_id) for line in lines]
        collected += enriched
        if enriched and not args.no_save:
            append_results(enriched)
        log(f"{name}: {outcome[name]}, {len(lines)} figures in {took:.0f} s")
    log(f"all benches: {time.monotonic() - started:.0f} s")
    print_table(collected, outcome)
    return 0 if all(v == "ok" or v.startswith("skipped") for v in outcome.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
