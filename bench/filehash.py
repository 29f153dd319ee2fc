"""Evidence hashes (issue 22): PDQ of a 12-megapixel photograph, the near-duplicate search of one
hash among a million stored ones (PostgreSQL and SQLite), and importing a list of a million hashes.

    .venv/bin/python bench/filehash.py                         # the issue's sizes: ~10 minutes
    .venv/bin/python bench/filehash.py --stored 100000 --list-size 100000 --no-save

- `pdq`: a 4000 × 3000 JPEG (and the same as PNG) made in process, hashed --pdq-runs times by
  `linking.pdq.hash_image` (what the worker does: a reduced decode, then PDQ); also the hash of
  the full-size picture (`pdqhash` on every pixel) and the distance between the two.
- `search`: --stored random PDQ hashes written as `PerceptualHash` rows with their 16 chunk rows
  (by COPY on PostgreSQL, the chunk index built after the load; by executemany on SQLite), then
  --queries searches by `linking.pdq.near` (what fingerprinting and the hash-list search call):
  half of them near copies of a stored hash (1–31 bits flipped), half random. The SQLite search
  runs in a child process with its own SQLite database (`--sqlite-child`).
- `import`: a CSV of --list-size MD5 hashes with labels, imported by
  `linking.hash_lists.hash_list_import` (read twice line by line, COPY, one transaction), and a
  PDQ list of --pdq-list-size hashes (each indexed by 16 chunk rows).

Figures: `pdq_12mp_p50_ms`/`_p99_ms`, `pdq_12mp_full_size_ms`, `pdq_reduced_vs_full_bits`,
`pdq_near_search_p50_ms`/`_p99_ms` per engine (target p99 < 50 ms), `hash_list_import_s` (target
< 60 s for 1,000,000 on PostgreSQL), `hash_list_import_pdq_s`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    Line,
    add_common_args,
    add_quiet_args,
    bench_database,
    check_db_name,
    log,
    measured_phase,
    run_bench,
    summary_ms,
    vacuum_analyze,
)

TARGET_SEARCH_MS = 50.0
TARGET_IMPORT_S = 60.0
OWNER = "intake.evidence"


def photograph(width: int = 4000, height: int = 3000, seed: int = 22) -> Any:
    import numpy
    from PIL import Image

    rng = numpy.random.default_rng(seed)
    small = (rng.random((60, 80, 3)) * 255).astype("uint8")
    return Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)


def measure_pdq(args: argparse.Namespace) -> list[Line]:
    import numpy
    import pdqhash

    from qorgau.linking import pdq

    image = photograph()
    lines: list[Line] = []
    for kind, options in (("JPEG", {"quality": 90}), ("PNG", {})):
        out = io.BytesIO()
        image.save(out, kind, **options)
        data = out.getvalue()
        with measured_phase(args, f"pdq {kind}") as load:
            times = []
            for _ in range(args.pdq_runs):
                started = time.perf_counter()
                frame = pdq.hash_image(io.BytesIO(data))
                times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            bits, _quality = pdqhash.compute(numpy.asarray(image.convert("RGB")))
            full_ms = (time.perf_counter() - started) * 1000
        full = pdq._bits_to_hex(bits)
        summary = summary_ms(times)
        size = {"pixels": image.size[0] * image.size[1], "format": kind, "bytes": len(data)}
        lines += [
            {
                "name": f"pdq_12mp_{kind.lower()}_p50_ms",
                "unit": "ms",
                "value": summary["p50_ms"],
                **size,
                **load,
            },
            {
                "name": f"pdq_12mp_{kind.lower()}_p99_ms",
                "unit": "ms",
                "value": summary["p99_ms"],
                **size,
            },
            {
                "name": f"pdq_12mp_{kind.lower()}_full_size_ms",
                "unit": "ms",
                "value": round(full_ms, 1),
                **size,
                "what": "pdqhash.compute on every pixel (decoded already)",
            },
            {
                "name": f"pdq_{kind.lower()}_reduced_vs_full_bits",
                "value": pdq.distance(frame.value, full),
                **size,
            },
        ]
    return lines


def random_hashes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    return [f"{rng.getrandbits(256):064x}" for _ in range(n)]


def queries_for(stored: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data
    out = []
    for i in range(n):
        if i % 2:
            out.append(f"{rng.getrandbits(256):064x}")
            continue
        number = int(rng.choice(stored), 16)
        for bit in rng.sample(range(256), rng.randint(1, 31)):
            number ^= 1 << bit
        out.append(f"{number:064x}")
    return out


def time_searches(queries: list[str], expected_near: int) -> tuple[list[float], int]:
    from qorgau.linking import pdq

    times, found = [], 0
    for value in queries:
        started = time.perf_counter()
        hits = pdq.near([value], owner_type=OWNER)
        times.append((time.perf_counter() - started) * 1000)
        found += bool(hits)
    return times, found


def load_pg(stored: list[str]) -> None:
    from django.db import connection

    from qorgau.linking import pdq

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS linking_pchunk_key")
        with cursor.cursor.copy(
            "COPY linking_perceptualhash (id, owner_type, owner_id, frame, value, quality) "
            "FROM STDIN"
        ) as copy:
            for n, value in enumerate(stored, start=1):
                copy.write_row((n, OWNER, n, 0, value, 100))
        with cursor.cursor.copy("COPY linking_perceptualchunk (key, hash_id) FROM STDIN") as copy:
            for n, value in enumerate(stored, start=1):
                for key in pdq.chunk_keys(value):
                    copy.write_row((key, n))
        cursor.execute("CREATE INDEX linking_pchunk_key ON linking_perceptualchunk (key, hash_id)")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('linking_perceptualhash', 'id'), %s)",
            [len(stored)],
        )
    vacuum_analyze(["linking_perceptualhash", "linking_perceptualchunk"])


def measure_search_pg(args: argparse.Namespace) -> list[Line]:
    stored = random_hashes(args.stored, args.seed)
    queries = queries_for(stored, args.queries, args.seed)
    log(f"loading {len(stored):,} hashes and {16 * len(stored):,} chunks (PostgreSQL)")
    started = time.monotonic()
    load_pg(stored)
    load_s = time.monotonic() - started
    time_searches(queries[:10], 0)  # warm the index's pages
    with measured_phase(args, "search postgresql") as load:
        times, found = time_searches(queries, 0)
    return search_lines("postgresql", times, found, len(stored), len(queries), load, load_s)


def search_lines(
    engine: str,
    times: list[float],
    found: int,
    stored: int,
    queries: int,
    load: Line,
    load_s: float,
) -> list[Line]:
    summary = summary_ms(times)
    size = {"engine": engine, "stored_hashes": stored, "queries": queries}
    return [
        {
            "name": f"pdq_near_search_{engine}_p50_ms",
            "unit": "ms",
            "value": summary["p50_ms"],
            **size,
            **load,
        },
        {
            "name": f"pdq_near_search_{engine}_p99_ms",
            "unit": "ms",
            "value": summary["p99_ms"],
            **size,
            "target": f"< {TARGET_SEARCH_MS:g}",
            "meets_target": (summary["p99_ms"] or 0) < TARGET_SEARCH_MS,
            "near_copies_found": found,
            "near_copies_asked": queries // 2 + queries % 2,
            "load_s": round(load_s, 1),
        },
    ]


def sqlite_child(path: str, stored_n: int, queries_n: int, seed: int) -> None:
    """In a child process: a SQLite database, migrated, loaded, searched; one JSON line out."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = path
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from qorgau.linking import pdq

    call_command("migrate", verbosity=0)
    stored = random_hashes(stored_n, seed)
    queries = queries_for(stored, queries_n, seed)
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS linking_pchunk_key")
        cursor.executemany(
            "INSERT INTO linking_perceptualhash (id, owner_type, owner_id, frame, value, quality) "
            "VALUES (%s, %s, %s, 0, %s, 100)",
            [(n, OWNER, n, value) for n, value in enumerate(stored, start=1)],
        )
        for start in range(0, len(stored), 50_000):
            cursor.executemany(
                "INSERT INTO linking_perceptualchunk (key, hash_id) VALUES (%s, %s)",
                [
                    (key, n)
                    for n, value in enumerate(stored[start : start + 50_000], start=start + 1)
                    for key in pdq.chunk_keys(value)
                ],
            )
        cursor.execute("CREATE INDEX linking_pchunk_key ON linking_perceptualchunk (key, hash_id)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    load_s = time.monotonic() - started
    time_searches(queries[:10], 0)
    times, found = time_searches(queries, 0)
    print(json.dumps({"times": times, "found": found, "load_s": load_s}))


def measure_search_sqlite(args: argparse.Namespace, env: dict[str, str]) -> list[Line]:
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-sqlite-") as tmp:
        path = str(Path(tmp) / "bench.sqlite3")
        child_env = {**env, "SQLITE_PATH": path}
        child_env.pop("DATABASE_URL", None)
        with measured_phase(args, "search sqlite") as load:
            out = subprocess.run(  # noqa: S603 - this script, its own arguments
                [
                    sys.executable,
                    __file__,
                    "--sqlite-child",
                    path,
                    "--stored",
                    str(args.stored),
                    "--queries",
                    str(args.queries),
                    "--seed",
                    str(args.seed),
                ],
                env=child_env,
                capture_output=True,
                text=True,
                timeout=args.timeout,
                check=False,
            )
        if out.returncode:
            return [
                {"name": "pdq_near_search_sqlite_p99_ms", "unit": "ms", "error": out.stderr[-2000:]}
            ]
        result = json.loads(out.stdout.strip().splitlines()[-1])
    return search_lines(
        "sqlite",
        result["times"],
        result["found"],
        args.stored,
        args.queries,
        load,
        result["load_s"],
    )


def measure_import(args: argparse.Namespace) -> list[Line]:
    from qorgau.linking.hash_lists import hash_list_import

    rng = random.Random(args.seed + 7)  # noqa: S311 - synthetic data
    lines: list[Line] = []
    for label, header, n, digits in (
        ("md5", "md5,label", args.list_size, 32),
        ("pdq", "pdq,label", args.pdq_list_size, 64),
    ):
        if not n:
            continue
        with tempfile.NamedTemporaryFile("w+b", suffix=".csv") as handle:
            handle.write((header + "\n").encode())
            handle.writelines(
                f"{rng.getrandbits(digits * 4):0{digits}x},category-{i % 4}\n".encode()
                for i in range(n)
            )
            handle.flush()
            with measured_phase(args, f"import {label}") as load:
                started = time.monotonic()
                result = hash_list_import(
                    acting_user=None, handle=handle, label=f"bench {label}", source_name="b.csv"
                )
                seconds = time.monotonic() - started
        figure = "hash_list_import_s" if label == "md5" else "hash_list_import_pdq_s"
        line: Line = {
            "name": figure,
            "unit": "s",
            "value": round(seconds, 1),
            "hashes": result.imported,
            "algorithm": label,
            "engine": "postgresql",
            **load,
        }
        if label == "md5":
            line.update(target=f"< {TARGET_IMPORT_S:g} s", meets_target=seconds < TARGET_IMPORT_S)
        lines.append(line)
    return lines


def measure(args: argparse.Namespace, commit: str) -> list[Line]:
    lines: list[Line] = []
    with bench_database(args) as (env, _tmp):
        if "pdq" in args.only:
            lines += measure_pdq(args)
        if "search" in args.only:
            lines += measure_search_pg(args)
            lines += measure_search_sqlite(args, env)
        if "import" in args.only:
            lines += measure_import(args)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="PDQ, the near-duplicate search, list imports.")
    parser.add_argument("--stored", type=int, default=1_000_000, help="PDQ hashes searched among")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pdq-runs", type=int, default=20)
    parser.add_argument("--list-size", type=int, default=1_000_000, help="MD5 hashes imported")
    parser.add_argument("--pdq-list-size", type=int, default=100_000, help="PDQ hashes imported")
    parser.add_argument("--only", default="pdq,search,import")
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--sqlite-child", help=argparse.SUPPRESS)
    add_common_args(parser, db_name="qorgau_bench_filehash", timeout=3600)
    add_quiet_args(parser, wait=120.0)
    args = parser.parse_args(argv)
    if args.sqlite_child:
        sqlite_child(args.sqlite_child, args.stored, args.queries, args.seed)
        return 0
    check_db_name(parser, args)
    args.only = set(args.only.split(","))
    return run_bench(args, lambda commit: measure(args, commit), title="Qorgau evidence hashes")


if __name__ == "__main__":
    sys.exit(main())
