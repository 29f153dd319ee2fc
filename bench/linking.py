"""Benchmark of linking at scale: one new report against millions of stored identifiers, and the full
re-link from scratch, on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/linking.py [--identifiers N] [--reports M] [--submit-reports K]

It creates a fresh PostgreSQL database, migrates it, and loads N synthetic identifiers (default one
million) with bulk SQL (psycopg COPY, secondary indexes and foreign keys dropped during the load and
rebuilt after it, then VACUUM ANALYZE and CHECKPOINT): subjects, their identifiers (the real keyed
hash `lookup_key` and, by default, a real ciphertext per value), the reports that mention them and the
IdentifierUse rows, with a realistic clustering (most subjects seen once, some in 2-20 reports). Then,
in this process with the application's own services:

* extract and link one new report: `report_identifiers` + `link_owner` in a durable transaction (as
  `report_submit` does), timed per report with perf_counter: p50 / p99 / mean;
* the whole intake service `report_submit` (validation, triage, extraction, linking, encryption,
  timeline, audit) per report: p50 / p99;
* the full re-link from scratch `relink_all()` over every stored report, in a child process: wall time
  and the child's peak RSS.

Every figure is printed as one JSON line on stdout and appended to bench/results.jsonl; a short table
goes to stderr. The database is dropped at the end (also on error and SIGTERM/Ctrl-C).
Targets (the issue's contract): p99 < 10 ms per report at 10 million identifiers; a full re-link of
1 million reports in under 2 minutes (judged pro rata for other report counts).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import resource
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    RESULTS,
    BenchError,
    Interrupted,
    MissingPrerequisite,
    app_environment,
    busy_cores,
    cpu_snapshot,
    drop_database,
    git_commit,
    log,
    manage,
    percentile,
    pg_connect,
    pg_url,
    recreate_database,
    setup_django,
)

TARGET_LINK_P99_MS = 10.0
TARGET_LINK_AT_IDENTIFIERS = 10_000_000
TARGET_RELINK_S = 120.0
TARGET_RELINK_REPORTS = 1_000_000
REPORT_OWNER = "intake.report"
# The tables the generator fills: their secondary indexes and foreign keys are dropped for the load.
LOAD_TABLES = [
    "intake_report",
    "linking_subject",
    "linking_identifier",
    "linking_identifieruse",
    "linking_nameentry",
]
FLUSH_LINES = 20_000
# The columns the generator writes, per table (the others are NULL or their database default).
COLUMNS = {
    "linking_subject": "id created_at updated_at public_id first_seen last_seen merged_into_id",
    "linking_identifier": "id created_at updated_at kind lookup value normalised subject_id",
    "intake_report": "id created_at updated_at public_id source idempotency_scope idempotency_key "
    "request_digest category reporter_relation language child_age child_gender narrative "
    "reporter_anonymous suspect priority priority_reasons priority_by_analyst respond_by "
    "close_reason referred_to case_registry_number status status_changed_at receipt_locator "
    "receipt_hash receipt_failures platform_id region_id",
    "linking_identifieruse": "id owner_type owner_id origin seen_at identifier_id region_id",
    "linking_nameentry": "id owner_type owner_id skeleton subject_id",
}
# Columns written when the table has them (appended after the ones above, in this order).
OPTIONAL_COLUMNS = {
    "linking_subject": ["owner_counts"]
}  # lines buffered per table before they are written to its COPY stream


# --- Small helpers ------------------------------------------------------------------------------------


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def summary_ms(samples: list[float]) -> dict[str, float | None]:
    """p50 / p99 / mean / max of durations in seconds, in milliseconds."""
    ms = [s * 1000 for s in samples]
    return {
        "p50_ms": _round(percentile(ms, 50), 3),
        "p90_ms": _round(percentile(ms, 90), 3),
        "p99_ms": _round(percentile(ms, 99), 3),
        "mean_ms": _round(sum(ms) / len(ms), 3) if ms else None,
        "max_ms": _round(max(ms), 3) if ms else None,
    }


def _proc_status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """The current resident set size of this process (Linux), in MB."""
    return _proc_status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    """Peak RSS of this process image in MB: VmHWM (Linux), else getrusage's ru_maxrss.

    ru_maxrss survives fork and execve, so a child started by a big parent reports at least the
    parent's size; VmHWM belongs to the address space the child got at execve, so it is its own."""
    hwm = _proc_status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def wait_quiet(max_wait: float, what: str) -> float | None:
    """Wait (up to max_wait s) until other processes use less than 0.3 core; return that use.

    Another engineer's test suite on the same 2 cores doubles the latencies: the figures record the
    load they were measured under rather than pretending it away."""
    deadline = time.monotonic() + max_wait
    announced = False
    while True:
        before = cpu_snapshot()
        time.sleep(2.0)
        use = busy_cores(before, cpu_snapshot())
        if use is None or use < 0.3 or time.monotonic() >= deadline:
            if announced or (use is not None and use >= 0.3):
                log(f"{what}: other processes use {use:.2f} cores; measuring now")
            return use
        if not announced:
            log(f"{what}: other processes use {use:.2f} cores; waiting up to {max_wait:.0f} s")
            announced = True


@dataclass
class Load:
    """The machine's load around a timed series."""

    others_before: float | None = None  # cores busy just before (the bench itself idle)
    busy_during: float | None = None  # cores busy on average during (the bench included)
    bench_cpu_during: float | None = None  # cores this process used on average during
    loadavg_1m_before: float | None = None

    def fields(self) -> dict[str, float | None]:
        return {
            "other_processes_cores_before": _round(self.others_before, 2),
            "machine_busy_cores_during": _round(self.busy_during, 2),
            "bench_process_cores_during": _round(self.bench_cpu_during, 2),
            "loadavg_1m_before": _round(self.loadavg_1m_before, 2),
        }


@contextlib.contextmanager
def measured_load(args: argparse.Namespace, what: str):
    load = Load(
        others_before=wait_quiet(args.quiet_wait, what), loadavg_1m_before=os.getloadavg()[0]
    )
    cpu0, own0, wall0 = cpu_snapshot(), time.process_time(), time.perf_counter()
    try:
        yield load
    finally:
        wall = time.perf_counter() - wall0
        load.busy_during = busy_cores(cpu0, cpu_snapshot())
        load.bench_cpu_during = (time.process_time() - own0) / wall if wall > 0 else None


# --- PostgreSQL ---------------------------------------------------------------------------------------


def pg_settings(url: str) -> dict[str, str]:
    names = [
        "server_version",
        "shared_buffers",
        "work_mem",
        "synchronous_commit",
        "fsync",
        "random_page_cost",
        "effective_cache_size",
    ]
    with pg_connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            (names,),
        ).fetchall()
    return dict(rows)


@dataclass
class DataSize:
    identifiers: int
    reports: int
    uses: int
    subjects: int  # live subjects (not merged into another)
    subjects_merged_away: int

    def fields(self) -> dict[str, int]:
        return {
            "identifiers": self.identifiers,
            "reports": self.reports,
            "uses": self.uses,
            "subjects": self.subjects,
            "subjects_merged_away": self.subjects_merged_away,
        }


def data_size(url: str) -> DataSize:
    with pg_connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM linking_identifier), (SELECT count(*) FROM intake_report), "
            "(SELECT count(*) FROM linking_identifieruse), "
            "(SELECT count(*) FILTER (WHERE merged_into_id IS NULL) FROM linking_subject), "
            "(SELECT count(*) FILTER (WHERE merged_into_id IS NOT NULL) FROM linking_subject)"
        ).fetchone()
    return DataSize(*(int(v) for v in row))


@dataclass
class Schema:
    """The secondary indexes and the unique / foreign-key constraints of the loaded tables."""

    indexes: list[tuple[str, str]]  # (name, CREATE INDEX …)
    constraints: list[tuple[str, str, str, str]]  # (table, name, type u/f, definition)

    def signature(self) -> set[tuple[str, ...]]:
        return {("i", *i) for i in self.indexes} | {("c", *c) for c in self.constraints}


def read_schema(conn: Any) -> Schema:
    constraints = conn.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f') "
        "ORDER BY c.conname",
        (LOAD_TABLES,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u')) "
        "ORDER BY 1",
        (LOAD_TABLES,),
    ).fetchall()
    return Schema(indexes=[tuple(r) for r in indexes], constraints=[tuple(r) for r in constraints])


def load_columns(conn: Any) -> dict[str, list[str]]:
    """The columns to COPY per table; fails clearly when the schema changed under the generator (a
    NOT NULL column without a default that it does not fill, or one of its columns gone)."""
    rows = conn.execute(
        "SELECT table_name, column_name, is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
        (LOAD_TABLES,),
    ).fetchall()
    existing: dict[str, dict[str, bool]] = {t: {} for t in LOAD_TABLES}
    for table, column, required in rows:
        existing[table][column] = bool(required)
    result = {}
    for table in LOAD_TABLES:
        wanted = COLUMNS[table].split()
        wanted += [c for c in OPTIONAL_COLUMNS.get(table, []) if c in existing[table]]
        missing = [c for c in wanted if c not in existing[table]]
        unfilled = [c for c, required in existing[table].items() if required and c not in wanted]
        if missing or unfilled:
            raise BenchError(
                f"the schema of {table} changed: "
                + (f"columns gone: {', '.join(missing)}; " if missing else "")
                + (
                    f"NOT NULL without default, not generated: {', '.join(unfilled)}; "
                    if unfilled
                    else ""
                )
                + "bench/linking.py must be taught them (COLUMNS / OPTIONAL_COLUMNS)"
            )
        result[table] = wanted
    return result


def drop_for_load(conn: Any, schema: Schema) -> None:
    """Foreign keys first, then unique constraints, then plain indexes: the primary keys stay."""
    from psycopg import sql

    for kind in ("f", "u"):
        for table, name, contype, _definition in schema.constraints:
            if contype == kind:
                conn.execute(
                    sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                )
    for name, _definition in schema.indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))


def restore_after_load(conn: Any, schema: Schema) -> None:
    """Rebuild what drop_for_load removed, with the definitions PostgreSQL gave for them."""
    from psycopg import sql

    conn.execute("SET maintenance_work_mem = '1GB'")
    conn.execute("SET max_parallel_maintenance_workers = 2")
    for kind in ("u", "f"):
        for table, name, contype, definition in schema.constraints:
            if contype == kind:
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} ").format(
                        sql.Identifier(table), sql.Identifier(name)
                    )
                    + sql.SQL(definition)  # type: ignore[arg-type] - PostgreSQL's own text
                )
    for _name, definition in schema.indexes:
        conn.execute(definition)


# --- The application --------------------------------------------------------------------------------


# --- Synthetic identifiers, subjects and reports -----------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# Kazakh mobile prefixes (phonenumbers validates all of them): 10 million numbers each.
PHONE_PREFIXES = ["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]
# Linking kinds of the stored identifiers and how common each is.
KIND_WEIGHTS = {
    "phone": 45,
    "telegram": 28,
    "instagram": 12,
    "email": 5,
    "tiktok": 4,
    "whatsapp": 0,  # a WhatsApp number is stored as a phone
    "vk": 3,
    "url": 3,
}
LINKING = [k for k, w in KIND_WEIGHTS.items() if w]
LINKING_WEIGHTS = [KIND_WEIGHTS[k] for k in LINKING]
REUSABLE = ("phone", "telegram", "instagram", "email")  # what new reports mention again
FIRST_NAMES = _words(
    "Айдар Асхат Бауыржан Берик Дамир Ерлан Ержан Жандос Канат Кайрат Марат Нурлан Олжас "
    "Руслан Серик Тимур Азамат Арман Даулет Ильяс Максим Иван Дмитрий Сергей Алексей Андрей "
    "Артём Никита Павел Роман Денис Евгений Игорь Олег Виктор Михаил Владимир Антон Кирилл "
    "Егор"
)
LAST_NAMES = _words(
    "Ахметов Бекетов Жумабаев Исаев Касымов Мусин Нурпеисов Омаров Сапаров Тулеев Утепов "
    "Abenov Иванов Петров Сидоров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков "
    "Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев "
    "Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов "
    "Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев"
)
PATRONYMICS = _words(
    "Асхатович Берикович Еркинович Канатович Маратович Нурланович Серикович Тимурович "
    "Иванович Петрович Сергеевич Алексеевич Андреевич Дмитриевич Олегович Викторович "
    "Михайлович Павлович Романович Игоревич Евгеньевич Владимирович Николаевич Юрьевич "
    "Борисович"
)
SYNTHETIC_NARRATIVE = (
    "Мужчина написал моей дочери (12 лет) в Telegram, просил фотографии и предлагал встретиться "
    "после школы. Его номер 8 701 000 00 00, профиль t.me/synthetic_profile. Он же пишет ей в "
    "инстаграме @synthetic_insta. Мы сохранили переписку и скриншоты."
)
SYNTHETIC_SUSPECT = {
    "name": "Синтетический Подозреваемый",
    "identifiers": [{"kind": "phone", "value": "8 701 000 00 00"}],
}
CATEGORIES = ["grooming"] * 5 + ["suspicious_contact"] * 3 + ["sextortion"] * 2 + ["other"]
RELATIONS = ["parent", "parent", "parent", "child", "teacher", "witness", "other"]
CLOSE_REASONS = ["resolved", "unfounded", "duplicate", "not_our_matter", "case_opened"]


def name_of(n: int) -> str:
    first = FIRST_NAMES[n % len(FIRST_NAMES)]
    rest = n // len(FIRST_NAMES)
    last = LAST_NAMES[rest % len(LAST_NAMES)]
    patronymic = PATRONYMICS[(rest // len(LAST_NAMES)) % len(PATRONYMICS)]
    return f"{first} {last} {patronymic}"


NAME_COMBINATIONS = len(FIRST_NAMES) * len(LAST_NAMES) * len(PATRONYMICS)


def value_of(kind: str, n: int) -> str:
    """The n-th distinct normalised value of a kind: what `normalise`/`extract_from_text` yield."""
    if kind == "phone":
        return f"+7{PHONE_PREFIXES[n // 10_000_000 % len(PHONE_PREFIXES)]}{n % 10_000_000:07d}"
    if kind == "telegram":
        return f"tg_user_{n}"
    if kind == "instagram":
        return f"ig.user_{n}"
    if kind == "email":
        return f"user{n}@mail.kz"
    if kind == "tiktok":
        return f"tt.user{n}"
    if kind == "vk":
        return f"vk_user{n}"
    if kind == "url":
        return f"site{n}.example.kz/profile"
    if kind == "handle":
        return f"nick_{n}"
    raise ValueError(kind)


def written_phone(e164: str, rng: random.Random) -> str:
    """A phone as people write it in a narrative or a form."""
    d = e164[2:]  # ten digits: 701 234 56 78
    style = rng.randrange(5)
    if style == 0:
        return f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}"
    if style == 1:
        return f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"
    if style == 2:
        return f"8{d}"
    if style == 3:
        return f"+7{d}"
    return f"8-{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:]}"


@dataclass
class Layout:
    """The shape of the synthetic data (see --help)."""

    seed: int
    name_share: float = 0.01  # share of the identifiers that are suspect names (a shared pool)
    named_subjects: float = 0.3  # subjects whose reports give a name
    handle_share: float = 0.08  # subjects with a bare @handle (kind "handle", never links)
    stub_share: float = 0.02  # subjects merged away (merged_into set, no identifiers)
    years: float = 3.0

    def reports_per_subject(self, rng: random.Random) -> int:
        x = rng.random()
        if x < 0.88:
            return 1
        if x < 0.98:
            return rng.randint(2, 5)
        return rng.randint(6, 20)

    def linking_per_subject(self, rng: random.Random) -> int:
        x = rng.random()
        return 1 if x < 0.45 else 2 if x < 0.85 else 3

    def describe(self) -> dict[str, Any]:
        return {
            "reports_per_subject": "1: 88%, 2-5: 10%, 6-20: 2%",
            "linking_identifiers_per_subject": "1: 45%, 2: 40%, 3: 15%",
            "linking_kinds_weights": {k: w for k, w in KIND_WEIGHTS.items() if w},
            "first_report_uses": "all of its subject's identifiers",
            "later_reports_use": "the subject's first identifier and one other",
            "name_identifiers_share": self.name_share,
            "named_subjects_share": self.named_subjects,
            "handle_subjects_share": self.handle_share,
            "merged_away_subjects_share": self.stub_share,
            "open_reports_share": 0.15,
            "years": self.years,
            "seed": self.seed,
        }


class Reservoir:
    """A uniform sample of stored (kind, value, subject) for new reports to mention again."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size, self.rng, self.seen = size, rng, 0
        self.items: list[tuple[str, str, int]] = []

    def add(self, item: tuple[str, str, int]) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
        else:
            j = self.rng.randrange(self.seen)
            if j < self.size:
                self.items[j] = item


@dataclass
class Generated:
    counters: dict[str, int]
    sample: list[tuple[str, str, int]]
    rows: dict[str, int]
    name_pool: int
    copy_s: float
    index_s: float
    vacuum_s: float
    total_s: float
    ciphertexts: str


def _ts(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def generate(
    url: str,
    args: argparse.Namespace,
    layout: Layout,
    schema: Schema,
    columns: dict[str, list[str]],
    platform_id: int,
    region_ids: list[int],
) -> Generated:
    """Load the synthetic data with COPY: five streams open at once (one connection per table), so
    PostgreSQL ingests while this process hashes and encrypts the next rows."""
    from django.db import connection
    from psycopg import sql

    from qorgau.intake.models import Report
    from qorgau.linking.models import Identifier
    from qorgau.linking.names import skeleton
    from qorgau.linking.services import lookup_key

    started = time.perf_counter()
    rng = random.Random(layout.seed)  # noqa: S311 - synthetic data, not security
    total = args.identifiers
    encrypt_value = Identifier._meta.get_field("value").get_prep_value
    narrative_hex = Report._meta.get_field("narrative").get_prep_value(SYNTHETIC_NARRATIVE).hex()
    suspect_hex = Report._meta.get_field("suspect").get_prep_value(SYNTHETIC_SUSPECT).hex()
    shared = {
        kind: encrypt_value(value_of(kind, 0) if kind != "name" else name_of(0)).hex()
        for kind in [*LINKING, "handle", "name"]
    }
    ciphertexts = "shared-per-kind" if args.shared_ciphertexts else "per-row"

    name_pool = min(int(total * layout.name_share), NAME_COMBINATIONS, total // 2)
    name_skeletons = [skeleton(name_of(n))[:200] for n in range(name_pool)]
    counters = dict.fromkeys([*LINKING, "handle", "name"], 0)
    reservoir = Reservoir(50_000, rng)
    rows = dict.fromkeys(LOAD_TABLES, 0)
    end = int(time.time()) - 86_400
    start = end - int(layout.years * 365 * 86_400)
    report_span = max(1, end - start - 60 * 86_400)

    def ident_line(iid: int, kind: str, value: str, created: str, subject: int | None) -> str:
        ct = shared[kind] if args.shared_ciphertexts else encrypt_value(value).hex()
        return (
            f"{iid}\t{created}\t{created}\t{kind}\t{lookup_key(kind, value)}\t\\\\x{ct}\tt\t"
            f"{subject if subject is not None else chr(92) + 'N'}\n"
        )

    # a column the application added since: filled where the generator knows its meaning
    owner_counts = "owner_counts" in columns["linking_subject"]
    buffers: dict[str, list[str]] = {t: [] for t in LOAD_TABLES}
    copy_started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        copies = {}
        for table in LOAD_TABLES:
            conn = stack.enter_context(pg_connect(url))
            cursor = stack.enter_context(conn.cursor())
            copies[table] = stack.enter_context(
                cursor.copy(
                    sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(table),
                        sql.SQL(", ").join(map(sql.Identifier, columns[table])),
                    )
                )
            )

        def flush(table: str, force: bool = False) -> None:
            lines = buffers[table]
            if lines and (force or len(lines) >= FLUSH_LINES):
                copies[table].write("".join(lines))
                rows[table] += len(lines)
                lines.clear()

        # the pool of suspect names: identifiers of kind "name" (never linking), shared by subjects
        created = _ts(start)
        for n in range(name_pool):
            buffers["linking_identifier"].append(
                ident_line(n + 1, "name", name_of(n), created, None)
            )
            flush("linking_identifier")
        counters["name"] = name_pool
        next_ident, next_subject, next_report, next_use, next_name = name_pool + 1, 1, 1, 1, 1
        made = name_pool
        progress_every = max(1, total // 20)
        next_progress = progress_every
        regions = region_ids or [None]
        while made < total:
            remaining = total - made
            k = min(layout.linking_per_subject(rng), remaining)
            handle = remaining > k and rng.random() < layout.handle_share
            n_reports = layout.reports_per_subject(rng)
            t0 = start + rng.randrange(report_span)
            times = [t0]
            for _ in range(n_reports - 1):
                times.append(min(end, times[-1] + rng.randrange(3_600, 30 * 86_400)))
            stamps = [_ts(t) for t in times]
            sid = next_subject
            next_subject += 1
            kinds = []
            while len(kinds) < k:
                kind = rng.choices(LINKING, LINKING_WEIGHTS)[0]
                if kind not in kinds:
                    kinds.append(kind)
            idents = []
            for kind in kinds:
                value = value_of(kind, counters[kind])
                counters[kind] += 1
                buffers["linking_identifier"].append(
                    ident_line(next_ident, kind, value, stamps[0], sid)
                )
                if kind in REUSABLE:
                    reservoir.add((kind, value, sid))
                idents.append(next_ident)
                next_ident += 1
            handle_id = None
            if handle:
                value = value_of("handle", counters["handle"])
                counters["handle"] += 1
                buffers["linking_identifier"].append(
                    ident_line(next_ident, "handle", value, stamps[0], None)
                )
                handle_id = next_ident
                next_ident += 1
            made += k + (1 if handle else 0)
            name = (
                rng.randrange(name_pool)
                if name_pool and rng.random() < layout.named_subjects
                else None
            )
            counts = f'\t{{"{REPORT_OWNER}": {n_reports}}}' if owner_counts else ""
            buffers["linking_subject"].append(
                f"{sid}\t{stamps[0]}\t{stamps[-1]}\ts{sid}\t{stamps[0]}\t{stamps[-1]}\t\\N{counts}\n"
            )
            if rng.random() < layout.stub_share:  # a subject an earlier merge folded into this one
                stub = next_subject
                next_subject += 1
                empty = "\t{}" if owner_counts else ""
                buffers["linking_subject"].append(
                    f"{stub}\t{stamps[0]}\t{stamps[-1]}\ts{stub}\t{stamps[0]}\t{stamps[0]}\t{sid}"
                    f"{empty}\n"
                )
            region = rng.choice(regions)
            region_text = "\\N" if region is None else str(region)
            for j, stamp in enumerate(stamps):
                rid = next_report
                next_report += 1
                used = idents + ([handle_id] if handle_id else []) if j == 0 else [idents[0]]
                if j and idents[j % len(idents)] not in used:
                    used.append(idents[j % len(idents)])
                for iid in used:
                    origin = "field" if rng.random() < 0.4 else "text"
                    buffers["linking_identifieruse"].append(
                        f"{next_use}\tintake.report\t{rid}\t{origin}\t{stamp}\t{iid}\t{region_text}\n"
                    )
                    next_use += 1
                if name is not None:
                    buffers["linking_identifieruse"].append(
                        f"{next_use}\tintake.report\t{rid}\tfield\t{stamp}\t{name + 1}\t{region_text}\n"
                    )
                    next_use += 1
                    buffers["linking_nameentry"].append(
                        f"{next_name}\tintake.report\t{rid}\t{name_skeletons[name]}\t{sid}\n"
                    )
                    next_name += 1
                recent = times[j] > end - 45 * 86_400
                status = (
                    rng.choice(["received", "in_review"])
                    if recent or rng.random() < 0.15
                    else "closed"
                )
                close = rng.choice(CLOSE_REASONS) if status == "closed" else ""
                priority = rng.choice(["P2", "P3", "P3", "P4"])
                respond = _ts(times[j] + 72 * 3600)
                source, platform = (
                    ("platform", str(platform_id)) if rng.random() < 0.3 else ("web", "\\N")
                )
                age = rng.randint(6, 17)
                buffers["intake_report"].append(
                    f"{rid}\t{stamp}\t{stamp}\tbr{rid}\t{source}\t\t\t\t{rng.choice(CATEGORIES)}\t"
                    f"{rng.choice(RELATIONS)}\tru\t{age}\t{'f' if rid % 3 else 'm'}\t"
                    f"\\\\x{narrative_hex}\tt\t\\\\x{suspect_hex}\t{priority}\t[]\tf\t{respond}\t"
                    f"{close}\t\t\t{status}\t{stamp}\t\t\t0\t{platform}\t{region_text}\n"
                )
            for table in LOAD_TABLES:
                flush(table)
            if made >= next_progress:
                elapsed = time.perf_counter() - copy_started
                log(
                    f"generating: {made:,} / {total:,} identifiers, {next_report - 1:,} reports, "
                    f"{next_use - 1:,} uses, {next_subject - 1:,} subjects "
                    f"({elapsed:.0f} s, {made / elapsed:,.0f} identifiers/s, RSS {rss_mb():.0f} MB)"
                )
                next_progress += progress_every
        for table in LOAD_TABLES:
            flush(table, force=True)
        log("generating: waiting for PostgreSQL to take the last rows")
    # leaving the ExitStack ended every COPY and committed (connection context managers commit)
    copy_s = time.perf_counter() - copy_started

    log("rebuilding the indexes and foreign keys of the loaded tables")
    index_started = time.perf_counter()
    with pg_connect(url, autocommit=True) as conn:
        restore_after_load(conn, schema)
        if read_schema(conn).signature() != schema.signature():
            raise BenchError(
                "the indexes and constraints after the load differ from the migrated ones"
            )
        for table in LOAD_TABLES:
            conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "(SELECT coalesce(max(id), 0) + 1 FROM {}), false)"
                ).format(sql.Identifier(table)),
                (table,),
            )
    index_s = time.perf_counter() - index_started
    log("VACUUM ANALYZE and CHECKPOINT")
    vacuum_started = time.perf_counter()
    with pg_connect(url, autocommit=True) as conn:
        for table in LOAD_TABLES:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(table)))
        conn.execute("CHECKPOINT")
    vacuum_s = time.perf_counter() - vacuum_started
    connection.close()  # the in-process connection sees the new statistics and sequences afresh
    return Generated(
        counters=counters,
        sample=reservoir.items,
        rows=rows,
        name_pool=name_pool,
        copy_s=copy_s,
        index_s=index_s,
        vacuum_s=vacuum_s,
        total_s=time.perf_counter() - started,
        ciphertexts=ciphertexts,
    )


# --- New reports ------------------------------------------------------------------------------------


@dataclass
class NewReport:
    narrative: str
    language: str
    category: str
    suspect_name: str
    field_identifiers: list[tuple[str, str]]  # (kind, value as written)
    reused: int  # stored subjects it mentions again (0, 1 or 2)


class NewReports:
    """Realistic new reports: a phone, a t.me link and an @handle in the narrative (kk/ru/en), often a
    name and the phone again in the structured fields. About 15% mention one stored identifier again
    (the subject grows), about 5% two of different subjects (they merge): --grow-share and
    --merge-share."""

    def __init__(
        self,
        rng: random.Random,
        counters: dict[str, int],
        sample: list[tuple[str, str, int]],
        grow_share: float = 0.15,
        merge_share: float = 0.05,
    ):
        self.rng, self.counters, self.sample = rng, counters, sample
        self.grow_share, self.merge_share = grow_share, merge_share

    def _new(self, kind: str) -> str:
        value = value_of(kind, self.counters[kind])
        self.counters[kind] += 1
        return value

    def make(self) -> NewReport:
        rng = self.rng
        slots = {
            "phone": self._new("phone"),
            "telegram": self._new("telegram"),
            "instagram": self._new("instagram"),
            "email": "",
        }
        bare_handle = rng.random() < 0.4
        x = rng.random()
        reuse = (
            0
            if x >= self.grow_share + self.merge_share or not self.sample
            else 1
            if x < self.grow_share
            else 2
        )
        subjects: set[int] = set()
        tries = 0
        while len(subjects) < reuse and tries < 20:
            tries += 1
            kind, value, subject = rng.choice(self.sample)
            if subject in subjects or (kind == "instagram" and bare_handle):
                continue
            if kind in slots and slots[kind] != value:
                slots[kind] = value
                subjects.add(subject)
        phone = written_phone(slots["phone"], rng)
        tg = f"{'https://' if rng.random() < 0.5 else ''}t.me/{slots['telegram']}"
        handle = f"@{self._new('handle')}" if bare_handle else f"@{slots['instagram']}"
        language = rng.choice(["ru", "ru", "kk", "en"])
        if language == "ru":
            text = (
                f"Мужчина написал моей дочери в Telegram ({tg}), просил фотографии и предлагал "
                f"встретиться завтра после школы. Его номер {phone}. "
                + (
                    f"Ещё он писал ей под ником {handle}."
                    if bare_handle
                    else f"В инстаграме он {handle}."
                )
            )
        elif language == "kk":
            text = (
                f"Бір адам қызыма {tg} арқылы жазып, суреттерін сұрады және кездесуге шақырды. "
                f"Телефоны: {phone}. "
                + (f"Оның аты {handle}." if bare_handle else f"Инстаграмда {handle} деп жазады.")
            )
        else:
            text = (
                f"Someone keeps messaging my son on Telegram ({tg}) asking for pictures and to meet "
                f"after school. His number is {phone}. "
                + (
                    f"He also writes as {handle}."
                    if bare_handle
                    else f"On Instagram he is {handle}."
                )
            )
        if slots["email"]:
            text += f" E-mail: {slots['email']}."
        fields = [("phone", phone)] if rng.random() < 0.5 else []
        if rng.random() < 0.3:
            fields.append(("telegram", f"@{slots['telegram']}"))
        name = name_of(rng.randrange(NAME_COMBINATIONS)) if rng.random() < 0.4 else ""
        return NewReport(
            narrative=text,
            language=language,
            category=rng.choice(CATEGORIES),
            suspect_name=name,
            field_identifiers=fields,
            reused=len(subjects),
        )


def suspect_of(item: NewReport) -> dict[str, Any] | None:
    suspect: dict[str, Any] = {}
    if item.suspect_name:
        suspect["name"] = item.suspect_name
    if item.field_identifiers:
        suspect["identifiers"] = [{"kind": k, "value": v} for k, v in item.field_identifiers]
    return suspect or None


class SqlTimer:
    """Django execute wrapper: wall time per statement shape (the first words of its SQL)."""

    def __init__(self) -> None:
        self.by_statement: dict[str, list[float]] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = re.sub(r"\s+", " ", sql)[:110]
            self.by_statement.setdefault(key, []).append(time.perf_counter() - t0)

    def report(self, title: str, reports: int) -> str:
        rows = sorted(self.by_statement.items(), key=lambda kv: -sum(kv[1]))
        out = [f"--- SQL by statement: {title} ({reports} reports) ---"]
        out.append(f"{'total s':>8} {'calls':>7} {'per report ms':>13} {'p99 ms':>8}  statement")
        for key, times in rows[:25]:
            out.append(
                f"{sum(times):8.2f} {len(times):7d} {sum(times) / max(1, reports) * 1000:13.3f} "
                f"{(percentile(times, 99) or 0) * 1000:8.2f}  {key}"
            )
        return "\n".join(out)


@contextlib.contextmanager
def maybe_profile(enabled: bool, title: str, reports: int = 0):
    """cProfile (and, with Django set up, an SQL breakdown) of the block, printed on stderr."""
    if not enabled:
        yield
        return
    timer = SqlTimer()
    wrapper: Any = contextlib.nullcontext()
    if reports:
        from django.db import connection

        wrapper = connection.execute_wrapper(timer)
    profiler = cProfile.Profile()
    with wrapper:
        profiler.enable()
        try:
            yield
        finally:
            profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(f"\n--- cProfile: {title} ---\n{out.getvalue()}", file=sys.stderr)
    if reports:
        print(timer.report(title, reports), file=sys.stderr)


@dataclass
class LinkRun:
    total: list[float] = field(default_factory=list)
    extract: list[float] = field(default_factory=list)
    link: list[float] = field(default_factory=list)
    reused: int = 0
    merged: int = 0
    joined_existing: int = 0
    warmup: int = 0
    cases: dict[str, list[float]] = field(default_factory=dict)  # new / joins / merges
    server: dict[str, Any] = field(default_factory=dict)


def measure_link(
    count: int, warmup: int, factory: NewReports, platform: Any, regions: list[Any], profile: bool
) -> LinkRun:
    """Extract and link one new report, as report_submit does it: `report_identifiers` on the stored
    report, then `link_owner` in a durable transaction (its commit included)."""
    from django.db import transaction
    from django.utils import timezone

    from qorgau.intake.models import Report
    from qorgau.intake.services import report_identifiers
    from qorgau.linking.services import link_owner

    run = LinkRun(warmup=warmup)
    items = [factory.make() for _ in range(count + warmup)]
    now = timezone.now()
    reports = Report.objects.bulk_create(
        [
            Report(
                source="platform",
                platform=platform,
                category=item.category,
                reporter_relation="parent",
                language=item.language,
                region=regions[i % len(regions)] if regions else None,
                child_age=12,
                child_gender="f",
                narrative=item.narrative,
                suspect=suspect_of(item),
                priority="P3",
                status="received",
                status_changed_at=now,
                respond_by=now + timedelta(hours=72),
            )
            for i, item in enumerate(items)
        ],
        batch_size=500,
    )
    log(f"linking {count} new reports (+{warmup} warm-up) one by one")
    before = server_activity()
    with maybe_profile(profile, "extract + link_owner per report", count + warmup):
        for index, (report, item) in enumerate(zip(reports, items, strict=True)):
            suspect = report.suspect or {}
            t0 = time.perf_counter()
            found = report_identifiers(report)
            t1 = time.perf_counter()
            with transaction.atomic(durable=True):
                result = link_owner(
                    owner_type=REPORT_OWNER,
                    owner_id=report.pk,
                    found=found,
                    region=report.region,
                    seen_at=report.created_at,
                    names=[suspect["name"]] if suspect.get("name") else [],
                )
            t2 = time.perf_counter()
            if index < warmup:
                continue
            run.extract.append(t1 - t0)
            run.link.append(t2 - t1)
            run.total.append(t2 - t0)
            run.reused += item.reused > 0
            run.merged += bool(result.merged)
            run.joined_existing += bool(result.others)
            case = "merges" if result.merged else "joins" if result.others else "new"
            run.cases.setdefault(case, []).append(t2 - t0)
    run.server = server_activity_since(before)
    return run


def server_activity() -> dict[str, int]:
    """WAL position and checkpoint counters, to tell what the server did during a series."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
            "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
        )
        wal, checkpoints = cursor.fetchone()
    return {"wal": int(wal), "checkpoints": int(checkpoints)}


def server_activity_since(before: dict[str, int]) -> dict[str, int]:
    after = server_activity()
    return {
        "wal_bytes": after["wal"] - before["wal"],
        "checkpoints": after["checkpoints"] - before["checkpoints"],
    }


@dataclass
class SubmitRun:
    total: list[float] = field(default_factory=list)
    reused: int = 0
    warmup: int = 0
    server: dict[str, Any] = field(default_factory=dict)


def measure_submit(
    count: int, warmup: int, factory: NewReports, platform: Any, regions: list[Any], profile: bool
) -> SubmitRun:
    """The whole intake service per report: report_submit from a platform (as the API calls it)."""
    from qorgau.intake.services import Identifier as DraftIdentifier
    from qorgau.intake.services import ReportDraft, Submitter, report_submit

    run = SubmitRun(warmup=warmup)
    submitter = Submitter(source="platform", platform=platform)
    codes = [r.code for r in regions] or [None]
    run_id = secrets.token_hex(4)
    log(f"submitting {count} new reports (+{warmup} warm-up) with report_submit")
    before = server_activity()
    with maybe_profile(profile, "report_submit per report", count + warmup):
        for index in range(count + warmup):
            item = factory.make()
            draft = ReportDraft(
                category=item.category,
                narrative=item.narrative,
                language=item.language,
                region_code=codes[index % len(codes)],
                child_age=12,
                child_gender="f",
                reporter_relation="parent",
                anonymous=True,
                suspect_name=item.suspect_name,
                identifiers=[DraftIdentifier(kind=k, value=v) for k, v in item.field_identifiers],
            )
            t0 = time.perf_counter()
            report_submit(
                draft=draft, submitter=submitter, idempotency_key=f"bench-{run_id}-{index}"
            )
            t1 = time.perf_counter()
            if index >= warmup:
                run.total.append(t1 - t0)
                run.reused += item.reused > 0
    run.server = server_activity_since(before)
    return run


# --- The full re-link, in a child process -------------------------------------------------------------


def relink_child(profile: bool, max_memory_gb: float) -> int:
    """`--relink-child`: set Django up from the environment, run relink_all(), print one JSON line.

    Its address space is capped (RLIMIT_AS): past the cap relink_all fails with MemoryError instead
    of the kernel's OOM killer picking a process (PostgreSQL, say) on a shared machine."""
    if max_memory_gb > 0:
        limit = int(max_memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import django

    django.setup()
    from qorgau.linking.relink import relink_all

    before = rss_mb()
    t0 = time.perf_counter()
    with maybe_profile(profile, "relink_all"):
        stats = relink_all()
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rss_before_mb": before,
                "peak_rss_mb": peak_rss_mb(),
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "stats": {k: getattr(stats, k) for k in vars(stats)},
            }
        ),
        flush=True,
    )
    return 0


@dataclass
class RelinkRun:
    seconds: float | None
    peak_rss_mb: float | None
    rss_before_mb: float | None
    stats: dict[str, int]
    ru_maxrss_mb: float | None = None
    timed_out: bool = False
    error: str = ""


def measure_relink(
    env: dict[str, str], timeout: float, profile: bool, max_memory_gb: float
) -> RelinkRun:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--relink-child",
        "--relink-max-memory-gb",
        str(max_memory_gb),
    ]
    if profile:
        command.append("--profile")
    proc = subprocess.Popen(  # noqa: S603 - this script with fixed arguments
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None,  # the child's errors and profile go straight to our stderr
        text=True,
        start_new_session=True,
    )
    started = time.perf_counter()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return RelinkRun(
            seconds=None,
            peak_rss_mb=None,
            rss_before_mb=None,
            stats={},
            timed_out=True,
            error=f"relink_all did not finish in {timeout:.0f} s (killed)",
        )
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    wall = time.perf_counter() - started
    lines = [line for line in (out or "").splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return RelinkRun(
            seconds=None,
            peak_rss_mb=None,
            rss_before_mb=None,
            stats={},
            error=f"relink child exited {proc.returncode} after {wall:.0f} s (a MemoryError "
            f"means it needed more than --relink-max-memory-gb {max_memory_gb:g}; see stderr)",
        )
    data = json.loads(lines[-1])
    return RelinkRun(
        seconds=data["seconds"],
        peak_rss_mb=data["peak_rss_mb"],
        rss_before_mb=data["rss_before_mb"],
        stats=data["stats"],
        ru_maxrss_mb=data.get("ru_maxrss_mb"),
    )


# --- The run ------------------------------------------------------------------------------------------


@dataclass
class Results:
    generated: Generated
    size_generated: DataSize
    link: LinkRun
    size_link: DataSize
    submit: SubmitRun
    size_submit: DataSize
    relink: RelinkRun
    size_relink: DataSize
    loads: dict[str, Load]
    size_after: DataSize
    postgresql: dict[str, str]
    main_peak_rss_mb: float


def run_bench(args: argparse.Namespace) -> Results:
    pg_connect(pg_url(args.pg_url, "postgres")).close()
    url = pg_url(args.pg_url, args.db_name)
    with tempfile.TemporaryDirectory(prefix="qorgau-bench-linking-") as tmp_name:
        tmp = Path(tmp_name)
        env = app_environment(url, tmp)
        log(f"creating database {args.db_name}")
        recreate_database(args.pg_url, args.db_name)
        try:
            log("migrating")
            manage(env, "migrate", "--noinput")
            return _run_in_database(args, env, url)
        finally:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            if args.keep_db:
                log(f"keeping database {args.db_name}")
            else:
                drop_database(args.pg_url, args.db_name)


def _run_in_database(args: argparse.Namespace, env: dict[str, str], url: str) -> Results:
    setup_django(env)
    from qorgau.core.models import Region
    from qorgau.intake.models import Platform

    platform = Platform.objects.create(name="bench-linking")
    regions = list(Region.objects.order_by("pk"))
    with pg_connect(url, autocommit=True) as conn:
        columns = load_columns(conn)
        schema = read_schema(conn)
        drop_for_load(conn, schema)
    layout = Layout(
        seed=args.seed,
        stub_share=args.merged_share,
    )
    log(
        f"generating {args.identifiers:,} identifiers ({'shared' if args.shared_ciphertexts else 'per-row'} ciphertexts)"
    )
    with maybe_profile(args.profile, "generate"):
        generated = generate(
            url, args, layout, schema, columns, platform.pk, [r.pk for r in regions]
        )
    size_generated = data_size(url)
    log(
        f"generated in {generated.total_s:.1f} s (COPY {generated.copy_s:.1f} s, indexes "
        f"{generated.index_s:.1f} s, VACUUM ANALYZE {generated.vacuum_s:.1f} s): "
        f"{size_generated.identifiers:,} identifiers, {size_generated.reports:,} reports, "
        f"{size_generated.uses:,} uses, {size_generated.subjects:,} subjects"
    )
    rng = random.Random(args.seed + 1)  # noqa: S311 - synthetic data, not security
    factory = NewReports(
        rng, dict(generated.counters), generated.sample, args.grow_share, args.merge_share
    )

    size_link = data_size(url)
    with measured_load(args, "link series") as link_load:
        link = measure_link(args.reports, args.warmup, factory, platform, regions, args.profile)
    log(
        f"link one report: p50 {summary_ms(link.total)['p50_ms']} ms, "
        f"p99 {summary_ms(link.total)['p99_ms']} ms"
    )
    size_submit = data_size(url)
    submit = SubmitRun()
    submit_load = Load()
    if args.submit_reports:
        with measured_load(args, "report_submit series") as submit_load:
            submit = measure_submit(
                args.submit_reports, args.warmup, factory, platform, regions, args.profile
            )
        log(
            f"report_submit: p50 {summary_ms(submit.total)['p50_ms']} ms, "
            f"p99 {summary_ms(submit.total)['p99_ms']} ms"
        )
    from django.db import connection

    connection.close()
    size_relink = data_size(url)
    relink = RelinkRun(
        seconds=None, peak_rss_mb=None, rss_before_mb=None, stats={}, error="skipped"
    )
    relink_load = Load()
    if not args.skip_relink:
        log(
            f"relink_all over {size_relink.reports:,} reports, {size_relink.uses:,} uses "
            f"(child process, timeout {args.relink_timeout:.0f} s)"
        )
        with measured_load(args, "relink_all") as relink_load:
            relink = measure_relink(
                env, args.relink_timeout, args.profile, args.relink_max_memory_gb
            )
        log(
            f"relink_all: {relink.seconds:.1f} s, peak RSS {relink.peak_rss_mb:.0f} MB"
            if relink.seconds is not None
            else f"relink_all: {relink.error}"
        )
    return Results(
        generated=generated,
        size_generated=size_generated,
        link=link,
        size_link=size_link,
        submit=submit,
        size_submit=size_submit,
        relink=relink,
        size_relink=size_relink,
        loads={"link": link_load, "submit": submit_load, "relink": relink_load},
        size_after=data_size(url),
        postgresql=pg_settings(url),
        main_peak_rss_mb=peak_rss_mb(),
    )


def _per(total: int | None, warmup: int, samples: list[float]) -> int | None:
    """A server-side total of a series (warm-up included) per report of the series."""
    reports = len(samples) + warmup
    return round(total / reports) if total is not None and reports else None


def figures(res: Results, args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    layout = Layout(seed=args.seed, stub_share=args.merged_share)
    gen = res.generated
    common = {
        "git_commit": commit,
        "database": "postgresql",
        "cores": os.cpu_count(),
        "postgresql": res.postgresql,
        "identifier_ciphertexts": gen.ciphertexts,
        "report_ciphertexts": "shared (one real narrative and one suspect ciphertext for every "
        "generated report; new reports are encrypted by the application)",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "profiled": bool(args.profile),
    }
    link_sum = summary_ms(res.link.total)
    extract_sum = summary_ms(res.link.extract)
    link_only = summary_ms(res.link.link)
    link_ctx = {
        **res.size_link.fields(),
        **common,
        "samples": len(res.link.total),
        "warmup": res.link.warmup,
        "mean_ms": link_sum["mean_ms"],
        "p90_ms": link_sum["p90_ms"],
        "max_ms": link_sum["max_ms"],
        "extract_p50_ms": extract_sum["p50_ms"],
        "extract_p99_ms": extract_sum["p99_ms"],
        "link_owner_commit_p50_ms": link_only["p50_ms"],
        "link_owner_commit_p99_ms": link_only["p99_ms"],
        "reports_reusing_identifiers": res.link.reused,
        "reports_joining_existing_subject": res.link.joined_existing,
        "reports_merging_subjects": res.link.merged,
        "new_reports_grow_share": args.grow_share,
        "new_reports_merge_share": args.merge_share,
        **res.loads["link"].fields(),
        "by_case": {
            case: {"reports": len(times), **summary_ms(times)}
            for case, times in sorted(res.link.cases.items())
        },
        "wal_bytes_per_report": _per(
            res.link.server.get("wal_bytes"), res.link.warmup, res.link.total
        ),
        "checkpoints_during": res.link.server.get("checkpoints"),
        "what": "report_identifiers(report) + link_owner(...) in transaction.atomic(durable=True), "
        "commit included; the report row is inserted beforehand (not timed)",
    }
    submit_sum = summary_ms(res.submit.total)
    submit_ctx = {
        **res.size_submit.fields(),
        **common,
        "samples": len(res.submit.total),
        "warmup": res.submit.warmup,
        "mean_ms": submit_sum["mean_ms"],
        "p90_ms": submit_sum["p90_ms"],
        "max_ms": submit_sum["max_ms"],
        "reports_reusing_identifiers": res.submit.reused,
        **res.loads["submit"].fields(),
        "wal_bytes_per_report": _per(
            res.submit.server.get("wal_bytes"), res.submit.warmup, res.submit.total
        ),
        "checkpoints_during": res.submit.server.get("checkpoints"),
        "what": "qorgau.intake.services.report_submit (source platform, no files), in process",
    }
    relink = res.relink
    reports = res.size_relink.reports
    relink_target = TARGET_RELINK_S * reports / TARGET_RELINK_REPORTS
    relink_ctx = {
        **res.size_relink.fields(),
        **common,
        "relink_stats": relink.stats or None,
        "reports_per_s": _round(reports / relink.seconds, 0) if relink.seconds else None,
        "timed_out": relink.timed_out,
        **res.loads["relink"].fields(),
        "timeout_s": args.relink_timeout,
        "max_memory_gb": args.relink_max_memory_gb,
        "error": relink.error or None,
        "what": "qorgau.linking.relink.relink_all() in a child process (Django set up first)",
    }
    p99 = link_sum["p99_ms"]
    skipped = set()
    if not res.submit.total:
        skipped |= {"submit_one_report_p50_ms", "submit_one_report_p99_ms"}
    if relink.error == "skipped":
        skipped |= {"relink_all_s", "relink_peak_rss_mb"}
    lines = [
        {
            "name": "linking_generate_s",
            "value": _round(gen.total_s, 1),
            "unit": "s",
            **res.size_generated.fields(),
            **common,
            "copy_s": _round(gen.copy_s, 1),
            "index_rebuild_s": _round(gen.index_s, 1),
            "vacuum_analyze_checkpoint_s": _round(gen.vacuum_s, 1),
            "name_identifiers": gen.name_pool,
            "nameentries": gen.rows.get("linking_nameentry"),
            "layout": layout.describe(),
        },
        {"name": "link_one_report_p50_ms", "value": link_sum["p50_ms"], "unit": "ms", **link_ctx},
        {
            "name": "link_one_report_p99_ms",
            "value": p99,
            "unit": "ms",
            **link_ctx,
            "target": f"< {TARGET_LINK_P99_MS:g} ms at {TARGET_LINK_AT_IDENTIFIERS:,} identifiers",
            "meets_target": p99 is not None and p99 < TARGET_LINK_P99_MS,
            "target_size_reached": res.size_link.identifiers >= TARGET_LINK_AT_IDENTIFIERS,
        },
        {
            "name": "submit_one_report_p50_ms",
            "value": submit_sum["p50_ms"],
            "unit": "ms",
            **submit_ctx,
        },
        {
            "name": "submit_one_report_p99_ms",
            "value": submit_sum["p99_ms"],
            "unit": "ms",
            **submit_ctx,
        },
        {
            "name": "relink_all_s",
            "value": _round(relink.seconds, 1),
            "unit": "s",
            **relink_ctx,
            "target": f"< {TARGET_RELINK_S:g} s for {TARGET_RELINK_REPORTS:,} reports "
            f"(pro rata: < {relink_target:.1f} s for {reports:,})",
            "meets_target": (
                None
                if relink.error == "skipped"
                else relink.seconds is not None and relink.seconds < relink_target
            ),
        },
        {
            "name": "relink_peak_rss_mb",
            "value": _round(relink.peak_rss_mb, 0),
            "unit": "MB",
            **relink_ctx,
            "measured_as": "VmHWM of the relink child process (its own peak RSS; getrusage "
            "ru_maxrss also counts the parent's size inherited across fork/exec)",
            "child_ru_maxrss_mb": _round(relink.ru_maxrss_mb, 0),
            "rss_before_relink_mb": _round(relink.rss_before_mb, 0),
            "bench_process_peak_rss_mb": _round(res.main_peak_rss_mb, 0),
        },
    ]
    return [line for line in lines if line["name"] not in skipped]


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _verdict(meets: bool | None) -> str:
    return "not measured" if meets is None else "ok" if meets else "MISSED"


def print_table(lines: list[dict[str, Any]]) -> None:
    by = {line["name"]: line for line in lines}
    gen = by["linking_generate_s"]
    print("", file=sys.stderr)
    print(
        f"Qorgau linking @ {gen['git_commit']}: {gen['identifiers']:,} identifiers, "
        f"{gen['reports']:,} reports, {gen['uses']:,} uses, {gen['subjects']:,} subjects "
        f"(PostgreSQL, generated in {_fmt(gen['value'])} s)",
        file=sys.stderr,
    )
    print(f"  {'':34} {'p50 ms':>9} {'p99 ms':>9} {'mean ms':>9}", file=sys.stderr)
    for label, p50, p99 in (
        ("extract + link one report", "link_one_report_p50_ms", "link_one_report_p99_ms"),
        ("report_submit one report", "submit_one_report_p50_ms", "submit_one_report_p99_ms"),
    ):
        if p50 not in by:
            print(f"  {label:34} (not measured)", file=sys.stderr)
            continue
        print(
            f"  {label:34} {_fmt(by[p50]['value']):>9} {_fmt(by[p99]['value']):>9} "
            f"{_fmt(by[p50]['mean_ms']):>9}",
            file=sys.stderr,
        )
    link = by["link_one_report_p99_ms"]
    print(
        f"    of which extraction p50/p99 {_fmt(link['extract_p50_ms'])}/{_fmt(link['extract_p99_ms'])} ms, "
        f"link_owner+commit {_fmt(link['link_owner_commit_p50_ms'])}/"
        f"{_fmt(link['link_owner_commit_p99_ms'])} ms",
        file=sys.stderr,
    )
    relink, rss = by.get("relink_all_s"), by.get("relink_peak_rss_mb")
    if relink is None or rss is None:
        print("  relink_all: not measured (--skip-relink)", file=sys.stderr)
    else:
        print(
            f"  relink_all: {_fmt(relink['value'])} s over {relink['reports']:,} reports "
            f"({_fmt(relink['reports_per_s'])} reports/s), peak RSS {_fmt(rss['value'])} MB"
            + (f" [{relink['error']}]" if relink.get("error") else ""),
            file=sys.stderr,
        )
    print(
        "  targets: "
        + ", ".join(
            f"{line['name']} {_verdict(line['meets_target'])} ({line['target']})"
            for line in lines
            if "target" in line
        ),
        file=sys.stderr,
    )


# --- Command line -------------------------------------------------------------------------------------


def default_memory_cap_gb() -> float:
    """Half of the machine's memory (PostgreSQL and the page cache need the rest)."""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 8.0
    return round(pages * size / 2**30 / 2, 1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/linking.py",
        description=(
            "Linking at scale on PostgreSQL: loads N synthetic identifiers with COPY, then measures "
            "extract+link of one new report (p50/p99), report_submit (p50/p99) and the full "
            "re-link relink_all() (wall time, peak RSS). Prints JSON lines on stdout and appends "
            "them to bench/results.jsonl."
        ),
        epilog=(
            f"Targets: p99 < {TARGET_LINK_P99_MS:g} ms per report at "
            f"{TARGET_LINK_AT_IDENTIFIERS:,} identifiers; relink of {TARGET_RELINK_REPORTS:,} "
            f"reports < {TARGET_RELINK_S:g} s (pro rata). Exit status: 0 when the run completed "
            "(targets met or not), 1 when a step failed, 2 when PostgreSQL or psycopg is missing."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--identifiers", type=int, default=1_000_000, help="stored identifiers to generate"
    )
    parser.add_argument(
        "--reports", type=int, default=2000, help="new reports extracted and linked one by one"
    )
    parser.add_argument(
        "--submit-reports",
        type=int,
        default=2000,
        help="new reports through report_submit (0: skip)",
    )
    parser.add_argument(
        "--warmup", type=int, default=50, help="untimed reports before each timed series"
    )
    parser.add_argument(
        "--grow-share",
        type=float,
        default=0.15,
        help="share of new reports that mention one stored identifier again (its subject grows)",
    )
    parser.add_argument(
        "--merge-share",
        type=float,
        default=0.05,
        help="share of new reports that mention stored identifiers of two subjects (they merge)",
    )
    parser.add_argument(
        "--merged-share",
        type=float,
        default=0.02,
        help="share of generated subjects that earlier merges folded into another "
        "(merged_into set, no identifiers left)",
    )
    parser.add_argument(
        "--shared-ciphertexts",
        action="store_true",
        help="one real ciphertext per kind for every identifier value (faster generation; the "
        "values then decrypt to a placeholder) instead of one encryption per identifier",
    )
    parser.add_argument("--seed", type=int, default=20250101, help="seed of the synthetic data")
    parser.add_argument(
        "--relink-timeout",
        type=float,
        default=900.0,
        help="seconds relink_all may run before it is killed (then reported as timed out)",
    )
    parser.add_argument("--skip-relink", action="store_true", help="do not run relink_all")
    parser.add_argument(
        "--relink-max-memory-gb",
        type=float,
        default=default_memory_cap_gb(),
        help="address-space cap of the relink child (0: none); beyond it relink_all fails with "
        "MemoryError rather than waking the OOM killer",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=120.0,
        help="before each timed series, wait up to this many seconds for other processes to use "
        "less than 0.3 core (the load is recorded in the JSON either way)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile the link loop, report_submit and relink_all (top functions on stderr; the "
        "timings are then inflated and marked profiled)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (without database name); env BENCH_PG_URL",
    )
    parser.add_argument(
        "--db-name",
        default="qorgau_bench_linking",
        help="database created (and dropped) for the run",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the database after the run (for inspection)"
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not append to bench/results.jsonl"
    )
    parser.add_argument("--relink-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.identifiers < 10 or args.reports < 1 or args.submit_reports < 0 or args.warmup < 0:
        parser.error("--identifiers >= 10, --reports >= 1, --submit-reports/--warmup >= 0")
    if not 0 <= args.merged_share < 1:
        parser.error("--merged-share is a fraction in [0, 1)")
    if args.grow_share < 0 or args.merge_share < 0 or args.grow_share + args.merge_share > 1:
        parser.error("--grow-share and --merge-share are fractions whose sum is at most 1")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db_name):
        parser.error("--db-name: lower-case letters, digits and _ only")
    return args


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Interrupted(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.relink_child:
        return relink_child(args.profile, args.relink_max_memory_gb)
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print(
            "bench: psycopg is not installed in this Python; use .venv/bin/python", file=sys.stderr
        )
        return 2
    started = time.perf_counter()
    try:
        commit = git_commit()
        results = run_bench(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, MissingPrerequisite) else 1
    except (KeyboardInterrupt, Interrupted):
        print("bench: interrupted; the database was dropped", file=sys.stderr)
        return 130
    lines = figures(results, args, commit)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    sys.stdout.write(text)
    sys.stdout.flush()
    if not args.no_save:
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(text)
    print_table(lines)
    log(f"total run time {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
