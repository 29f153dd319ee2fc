"""Benchmark of the national picture: the staff dashboard and the summary API on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/dashboard.py [--reports N] [--cases N] [--requests N] [--explain K]

It creates a fresh PostgreSQL database, migrates it, and generates with bulk SQL (`INSERT ... SELECT
generate_series`, not through the services) 1,000,000 Red Button reports over the last two years and
200,000 criminal cases with their articles and child victims (plus a small offenders register and a
school training cascade, which the dashboard also reads). Then, in this process:

* the pre-aggregation as production runs it: `fill_report_counts(since=<two years ago>)` (the first
  full fill), then `fill_report_counts()` again (the incremental refill `manage.py tick` runs every
  minute);
* with Django's test `Client` (a central-office user logged in; a personal API token for the API),
  N requests each (after a warm-up) to `GET /staff/dashboard/` (national), `GET
  /staff/dashboard/?region=KZ-75`, `GET /api/v1/stats/summary?year=<this year>` and the same with
  `&region=KZ-75`: median and p99 per request and the SQL queries one request executes.

Target (the issue's contract): under 300 ms median with 1M reports and 200,000 cases. Every figure is
one JSON line on stdout, appended to bench/results.jsonl (`--no-save` to skip); a short table goes to
stderr. Before each measured phase it waits (up to 10 minutes) for the 1-minute load average to drop
below 1.2 and records the load it measured under. The database is dropped at the end (`--keep-db`
keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import math
import os
import pstats
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import (
    BenchError,
    bench_database,
    busy_cores,
    configure_environment,
    cpu_snapshot,
    log,
    migrate_in_process,
    percentile,
    run_bench,
)

DB_NAME = "qorgau_bench_dashboard"

# The contract (2 cores, PostgreSQL).
CONTRACT = {"reports": 1_000_000, "cases": 200_000}
TARGET_MEDIAN_MS = 300.0
SPAN_DAYS = 730  # the generated data covers the last two years
CHUNK = 100_000  # rows per INSERT ... SELECT (progress is logged per chunk)

# Weighted draws of the generator: (value, weight). Constants of this script, never input.
CATEGORIES = [
    ("grooming", 30),
    ("suspicious_contact", 20),
    ("sextortion", 15),
    ("abuse", 10),
    ("abuse_images", 15),
    ("other", 10),
]
SOURCES = [("web", 50), ("widget", 15), ("platform", 20), ("staff", 5), ("school", 10)]
RELATIONS = [
    ("child", 30),
    ("parent", 35),
    ("teacher", 10),
    ("witness", 10),
    ("platform", 10),
    ("other", 5),
]
LANGUAGES = [("ru", 60), ("kk", 35), ("en", 5)]
PRIORITIES = [("P1", 5), ("P2", 20), ("P3", 45), ("P4", 30)]
# Minutes to the first action: log-uniform from 1 minute up to this bound, per priority.
TTFA_MAX_MINUTES = {"P1": 240, "P2": 2880, "P3": 10080, "P4": 43200}
STAGES = [("pretrial", 35), ("in_court", 20), ("convicted", 30), ("acquitted", 5), ("closed", 10)]
# Bigger cities get more reports and cases; every other region weighs 4.
REGION_WEIGHTS = {"KZ-75": 10, "KZ-71": 8, "KZ-79": 6}
REGION_NULL_SHARE = 0.05  # reports without a region (the central queue)
FIRST_ACTION_SHARE = 0.5
SECOND_ARTICLE_SHARE = 0.2
SECOND_VICTIM_SHARE = 0.05
COVERED_ARTICLES = ["120", "121", "122", "123", "124"]
NARRATIVE = (
    "Synthetic benchmark narrative. A stranger wrote to my daughter on a messenger, said he was "
    "fifteen, asked for photos and to meet after school near the park; when she refused he said he "
    "would send her pictures to her classmates. He used two accounts and a phone number. "
) * 2

_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


# --- Load of the machine ------------------------------------------------------------------------------


@dataclass
class Load:
    """The load a phase was measured under: the 1-minute load average once it was below the
    threshold (or when the wait gave up), how long that took, and the cores busy during the phase."""

    loadavg: float
    waited_s: float
    quiet: bool
    busy_during: float | None = None

    def fields(self) -> dict[str, Any]:
        return {
            "loadavg_1m_measured": round(self.loadavg, 2),
            "load_quiet": self.quiet,
            "load_wait_s": round(self.waited_s),
            "machine_busy_cores_during": _round(self.busy_during, 2),
        }


def wait_for_load(args: argparse.Namespace, what: str) -> Load:
    """Wait (up to --load-wait s, polling every --load-poll s) until the 1-minute load average is
    below --load-below: other engineers' benchmarks on the same 2 cores inflate the latencies."""
    start = time.monotonic()
    deadline = start + args.load_wait
    polls = 0
    while True:
        load = os.getloadavg()[0]
        now = time.monotonic()
        if load < args.load_below or now >= deadline:
            break
        if polls % 4 == 0:
            log(
                f"{what}: load average {load:.2f} >= {args.load_below}; waiting "
                f"({now - start:.0f} of at most {args.load_wait:.0f} s)"
            )
        polls += 1
        time.sleep(min(args.load_poll, max(deadline - now, 0.1)))
    waited = time.monotonic() - start
    quiet = load < args.load_below
    if not quiet:
        log(f"{what}: load average still {load:.2f} after {waited:.0f} s; measuring anyway")
    elif polls:
        log(f"{what}: load average {load:.2f} after {waited:.0f} s")
    return Load(loadavg=load, waited_s=waited, quiet=quiet)


@contextlib.contextmanager
def measured_phase(args: argparse.Namespace, what: str) -> Iterator[Load]:
    load = wait_for_load(args, what)
    before = cpu_snapshot()
    try:
        yield load
    finally:
        load.busy_during = busy_cores(before, cpu_snapshot())


# --- PostgreSQL (outside Django: creating and dropping the database) ---------------------------------


# --- SQL helpers --------------------------------------------------------------------------------------


def execute(sql: str, params: dict[str, Any] | list[Any] | None = None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None


def count_rows(table: str) -> int:
    if not _SAFE.match(table):
        raise BenchError(f"unsafe table name {table!r}")
    return int(scalar(f"SELECT count(*) FROM {table}"))  # noqa: S608 - checked identifier


def weighted(column: str, choices: list[tuple[str, int]]) -> str:
    """A CASE expression drawing one of `choices` from a uniform random `column` in [0, 1).

    The values are constants of this script (checked), so they are inlined as SQL literals."""
    total = sum(w for _, w in choices)
    parts, cumulative = [], 0
    for value, weight in choices[:-1]:
        if not _SAFE.match(value):
            raise BenchError(f"unsafe literal {value!r}")
        cumulative += weight
        parts.append(f"WHEN {column} < {cumulative / total:.6f} THEN '{value}'")
    last = choices[-1][0]
    if not _SAFE.match(last):
        raise BenchError(f"unsafe literal {last!r}")
    return f"(CASE {' '.join(parts)} ELSE '{last}' END)"


def region_draw(regions: list[tuple[int, str]]) -> list[int]:
    """Region ids repeated by weight: `arr[1 + floor(r * len)]` draws a weighted region."""
    out: list[int] = []
    for region_id, code in regions:
        out += [region_id] * REGION_WEIGHTS.get(code, 4)
    return out


def vacuum_analyze(tables: list[str]) -> None:
    """What autovacuum would have done in production: statistics and the visibility map."""
    for table in tables:
        if not _SAFE.match(table):
            raise BenchError(f"unsafe table name {table!r}")
        execute(f"VACUUM (ANALYZE) {table}")


def pg_settings() -> dict[str, str]:
    names = [
        "server_version",
        "shared_buffers",
        "work_mem",
        "effective_cache_size",
        "random_page_cost",
        "jit",
        "max_parallel_workers_per_gather",
    ]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
        return dict(cursor.fetchall())


# --- Generating the data --------------------------------------------------------------------------------


@dataclass
class World:
    regions: list[tuple[int, str]]  # (id, code)
    draw: list[int]  # weighted region ids
    articles: dict[str, int]  # number -> id
    now: datetime
    today: date
    ciphertexts: dict[str, bytes] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def make_world() -> World:
    from django.utils import timezone

    from qorgau.cases.models import Victim
    from qorgau.core.models import CriminalArticle, Region
    from qorgau.intake.models import Report
    from qorgau.offenders.models import Person

    regions = list(Region.objects.order_by("code").values_list("id", "code"))
    if len(regions) != 20:
        raise BenchError(f"the reference data has {len(regions)} regions, not 20")
    articles = dict(CriminalArticle.objects.values_list("number", "id"))
    missing = [n for n in COVERED_ARTICLES if n not in articles]
    if missing:
        raise BenchError(f"articles {missing} are missing from core_criminalarticle")

    def cipher(model: Any, name: str, value: Any) -> bytes:
        # One real ciphertext per column, made by the application's own field (readable by it).
        return bytes(model._meta.get_field(name).get_prep_value(value))

    world = World(
        regions=regions,
        draw=region_draw(regions),
        articles=articles,
        now=timezone.now(),
        today=timezone.localdate(),
    )
    world.ciphertexts = {
        "narrative": cipher(Report, "narrative", NARRATIVE),
        "location": cipher(Report, "location", {"town": "Synthetic", "school": "School No. 1"}),
        "suspect": cipher(
            Report,
            "suspect",
            {"name": "Synthetic", "identifiers": [{"kind": "phone", "value": "+77010000000"}]},
        ),
        "victim_identity": cipher(Victim, "identity", {"name": "Synthetic child"}),
        "person_name": cipher(Person, "full_name", "Synthetic Person"),
    }
    return world


def chunks(total: int) -> Iterator[tuple[int, int]]:
    for lo in range(1, total + 1, CHUNK):
        yield lo, min(lo + CHUNK - 1, total)


def insert_reports(world: World, total: int, response_hours: dict[str, int]) -> None:
    """intake_report: created over the last two years, ~5% without a region, about half with a
    first action (log-uniform delay per priority), respond_by from the priority's response hours."""
    hours = " ".join(f"WHEN '{p}' THEN {int(h)}" for p, h in response_hours.items())
    ttfa = " ".join(
        f"WHEN '{p}' THEN {math.log(m):.6f}" for p, m in sorted(TTFA_MAX_MINUTES.items())
    )
    statement = f"""
        INSERT INTO intake_report (
            created_at, updated_at, public_id, source, idempotency_scope, idempotency_key,
            request_digest, category, reporter_relation, language, region_id, occurred_at,
            child_age, child_gender, narrative, location, reporter_anonymous, suspect, priority,
            priority_reasons, priority_by_analyst, triage_version, respond_by, first_action_at,
            close_reason, referred_to, case_registry_number, status, status_changed_at,
            receipt_locator, receipt_hash, receipt_failures
        )
        SELECT
            created, COALESCE(first_action, created), 'bench' || g, source, '', '', '', category,
            relation, language, region_id, created - interval '1 hour' * (r_occ * 72),
            5 + floor(r_age * 13)::int, CASE WHEN r_gender < 0.6 THEN 'f' ELSE 'm' END,
            %(narrative)s, %(location)s, true, %(suspect)s, priority,
            '[]'::jsonb, false, 1, created + interval '1 hour' * (CASE priority {hours} END),
            first_action,
            CASE WHEN first_action IS NOT NULL AND r_status >= 0.5 THEN 'resolved' ELSE '' END,
            CASE WHEN first_action IS NOT NULL AND r_status >= 0.2 AND r_status < 0.5
                 THEN 'police' ELSE '' END,
            '',
            CASE WHEN first_action IS NULL THEN 'received'
                 WHEN r_status < 0.2 THEN 'in_review'
                 WHEN r_status < 0.5 THEN 'referred'
                 ELSE 'closed' END,
            first_action, '', '', 0
        FROM (
            SELECT *,
                CASE WHEN r_first < {FIRST_ACTION_SHARE}
                     THEN LEAST(created + interval '1 minute'
                                * exp(r_ttfa * (CASE priority {ttfa} END)), %(now)s::timestamptz)
                END AS first_action
            FROM (
                SELECT g, created, r_occ, r_age, r_gender, r_first, r_ttfa, r_status,
                    {weighted("r_src", SOURCES)} AS source,
                    {weighted("r_cat", CATEGORIES)} AS category,
                    {weighted("r_rel", RELATIONS)} AS relation,
                    {weighted("r_lang", LANGUAGES)} AS language,
                    {weighted("r_pri", PRIORITIES)} AS priority,
                    CASE WHEN r_region < {REGION_NULL_SHARE} THEN NULL
                         ELSE (%(draw)s::bigint[])[1 + floor(
                             (r_region - {REGION_NULL_SHARE}) / {1 - REGION_NULL_SHARE}
                             * %(ndraw)s::int)::int]
                    END AS region_id
                FROM (
                    SELECT g, %(now)s::timestamptz - interval '1 second' * floor(random() * %(span)s::int) AS created,
                        random() AS r_src, random() AS r_cat, random() AS r_rel,
                        random() AS r_lang, random() AS r_region, random() AS r_occ,
                        random() AS r_age, random() AS r_gender, random() AS r_pri,
                        random() AS r_first, random() AS r_ttfa, random() AS r_status
                    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
                ) AS draws
            ) AS drawn
        ) AS reports
    """  # noqa: S608 - constants of this script; every value is a parameter
    c = world.ciphertexts
    started = time.monotonic()
    for lo, hi in chunks(total):
        execute(
            statement,
            {
                "lo": lo,
                "hi": hi,
                "now": world.now,
                "span": SPAN_DAYS * 86400,
                "draw": world.draw,
                "ndraw": len(world.draw),
                "narrative": c["narrative"],
                "location": c["location"],
                "suspect": c["suspect"],
            },
        )
        elapsed = time.monotonic() - started
        log(f"  reports {hi:>9,} / {total:,}  ({elapsed:.0f} s, {hi / max(elapsed, 1e-9):,.0f}/s)")


def insert_cases(world: World, total: int) -> None:
    """cases_case: opened over the last two years in the chiefs' queues (reason "returned", no
    prosecutor), stages mixed; convicted/acquitted cases have a court date and a verdict date (not
    in the future), closed ones a closure date; ~2% of the open ones a handover deadline."""
    statement = f"""
        INSERT INTO cases_case (
            created_at, updated_at, public_id, registry_number, region_id, stage, opened_on,
            sent_to_court_on, verdict_on, prosecutor_id, unassigned_reason, covered,
            policy_version, handover_deadline, handover_done_at, handover_proposed_at, report_id
        )
        SELECT
            opened + interval '10 hours', opened + interval '10 hours', 'bench' || g,
            lpad(g::text, 15, '0'), region_id, stage, opened,
            CASE WHEN stage IN ('in_court', 'convicted', 'acquitted')
                 THEN LEAST(opened + (20 + floor(r_court * 100))::int, %(today)s::date) END,
            CASE WHEN stage IN ('convicted', 'acquitted')
                 THEN LEAST(opened + (60 + floor(r_verdict * 200))::int, %(today)s::date)
                 WHEN stage = 'closed'
                 THEN LEAST(opened + (10 + floor(r_verdict * 120))::int, %(today)s::date) END,
            NULL, 'returned', false, NULL,
            CASE WHEN stage IN ('pretrial', 'in_court') AND r_handover < 0.02
                 THEN %(now)s::timestamptz + interval '1 day' * (r_handover * 350 - 3) END,
            CASE WHEN stage IN ('pretrial', 'in_court') AND r_handover < 0.01
                 THEN %(now)s::timestamptz - interval '1 day' END,
            NULL, NULL
        FROM (
            SELECT g, r_court, r_verdict, r_handover,
                %(today)s::date - floor(r_opened * %(span)s::int)::int AS opened,
                {weighted("r_stage", STAGES)} AS stage,
                (%(draw)s::bigint[])[1 + floor(r_region * %(ndraw)s::int)::int] AS region_id
            FROM (
                SELECT g, random() AS r_opened, random() AS r_stage, random() AS r_region,
                    random() AS r_court, random() AS r_verdict, random() AS r_handover
                FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
            ) AS draws
        ) AS cases
    """  # noqa: S608 - constants of this script; every value is a parameter
    started = time.monotonic()
    for lo, hi in chunks(total):
        execute(
            statement,
            {
                "lo": lo,
                "hi": hi,
                "now": world.now,
                "today": world.today,
                "span": SPAN_DAYS,
                "draw": world.draw,
                "ndraw": len(world.draw),
            },
        )
        log(f"  cases {hi:>9,} / {total:,}  ({time.monotonic() - started:.0f} s)")


def insert_case_details(world: World) -> None:
    """One article of 120-124 per case, a second (another of them) for ~20%; one child victim
    (5-17) per case, a second for ~5%."""
    covered = [world.articles[n] for n in COVERED_ARTICLES]
    execute(
        """
        INSERT INTO cases_case_articles (case_id, criminalarticle_id)
        SELECT id, (%(arts)s::bigint[])[1 + (id %% 5)::int] FROM cases_case
        UNION ALL
        SELECT id, (%(arts)s::bigint[])[1 + ((id + 1) %% 5)::int] FROM cases_case
        WHERE random() < %(second)s::float8
        """,
        {"arts": covered, "second": SECOND_ARTICLE_SHARE},
    )
    log(f"  case articles: {count_rows('cases_case_articles'):,}")
    execute(
        """
        INSERT INTO cases_victim (
            created_at, updated_at, case_id, age, gender, preferred_prosecutor_gender, identity
        )
        SELECT created_at, created_at, id, 5 + floor(random() * 13)::int,
               CASE WHEN random() < 0.7 THEN 'f' ELSE 'm' END, '', %(identity)s
        FROM cases_case
        CROSS JOIN LATERAL generate_series(1, CASE WHEN random() < %(second)s::float8 THEN 2 ELSE 1 END
                                              + (id * 0)::int) AS n
        """,
        {"identity": world.ciphertexts["victim_identity"], "second": SECOND_VICTIM_SHARE},
    )
    log(f"  victims: {count_rows('cases_victim'):,}")


def insert_offenders(world: World, people: int) -> None:
    """A small offenders register: one facility per region; `people` convicted persons (70% in
    custody, 25% supervised, 5% ended), one conviction each (90% under a covered article), an
    examination for 60% (80% of them done), supervision plans with a meeting every 14 or 30 days
    (past ones 85% attended, 10% missed) for the supervised."""
    if people <= 0:
        return
    execute(
        """
        INSERT INTO offenders_facility (created_at, updated_at, name, region_id)
        SELECT now(), now(), 'Bench facility ' || code, id FROM core_region
        """
    )
    execute(
        """
        INSERT INTO offenders_person (
            created_at, updated_at, public_id, full_name, date_of_birth, status, region_id,
            facility_id, admitted_on, released_on
        )
        SELECT now(), now(), 'bench' || g, %(name)s, date '1960-01-01' + floor(r_dob * 12000)::int,
               status, region_id,
               CASE WHEN status = 'in_custody'
                    THEN (SELECT f.id FROM offenders_facility f WHERE f.region_id = d.region_id)
               END,
               %(today)s::date - (400 + floor(r_dob * 3000))::int,
               CASE WHEN status <> 'in_custody' THEN %(today)s::date - floor(r_dob * 600)::int END
        FROM (
            SELECT g, r_dob,
                CASE WHEN r_status < 0.7 THEN 'in_custody'
                     WHEN r_status < 0.95 THEN 'supervised' ELSE 'ended' END AS status,
                (%(draw)s::bigint[])[1 + floor(r_region * %(ndraw)s::int)::int] AS region_id
            FROM (
                SELECT g, random() AS r_dob, random() AS r_status, random() AS r_region
                FROM generate_series(1, %(n)s::int) AS g
            ) AS draws
        ) AS d
        """,
        {
            "n": people,
            "name": world.ciphertexts["person_name"],
            "today": world.today,
            "draw": world.draw,
            "ndraw": len(world.draw),
        },
    )
    execute(
        """
        INSERT INTO offenders_conviction (
            created_at, updated_at, person_id, sentence_start, sentence_end, facility_id, case_id
        )
        SELECT now(), now(), id, COALESCE(admitted_on, %(today)s::date - 1000),
               COALESCE(admitted_on, %(today)s::date - 1000) + 3650, facility_id, NULL
        FROM offenders_person
        """,
        {"today": world.today},
    )
    execute(
        """
        INSERT INTO offenders_conviction_articles (conviction_id, criminalarticle_id)
        SELECT id, CASE WHEN random() < 0.9 THEN (%(arts)s::bigint[])[1 + (id %% 5)::int]
                        ELSE %(other)s::bigint END
        FROM offenders_conviction
        """,
        {
            "arts": [world.articles[n] for n in COVERED_ARTICLES],
            "other": world.articles.get("134", world.articles["120"]),
        },
    )
    execute(
        """
        INSERT INTO offenders_examination (
            created_at, updated_at, person_id, scheduled_for, done_on, diagnostic_codes
        )
        SELECT now(), now(), id, %(today)s::date - floor(r * 700)::int,
               CASE WHEN r < 0.8 THEN %(today)s::date - floor(r * 700)::int END, '[]'::jsonb
        FROM (SELECT id, random() AS r, random() AS pick FROM offenders_person) AS p
        WHERE pick < 0.6
        """,
        {"today": world.today},
    )
    execute(
        """
        INSERT INTO offenders_supervisionplan (
            created_at, updated_at, person_id, conditions, other_conditions, risk_level,
            frequency_days, starts_on, status
        )
        SELECT now(), now(), id, '[]'::jsonb, '',
               CASE WHEN id % 3 = 0 THEN 'high' WHEN id % 3 = 1 THEN 'moderate' ELSE 'low' END,
               CASE WHEN id % 2 = 0 THEN 14 ELSE 30 END, released_on, 'active'
        FROM offenders_person WHERE status = 'supervised'
        """
    )
    execute(
        """
        INSERT INTO offenders_meeting (created_at, updated_at, plan_id, due_on, status, recorded_on)
        SELECT now(), now(), id, due,
               CASE WHEN due > %(today)s::date THEN 'due'
                    WHEN r < 0.85 THEN 'attended' WHEN r < 0.95 THEN 'missed'
                    ELSE 'rescheduled' END,
               CASE WHEN due <= %(today)s::date THEN due END
        FROM (
            SELECT p.id, d::date AS due, random() AS r
            FROM offenders_supervisionplan p
            CROSS JOIN LATERAL generate_series(
                p.starts_on::timestamp, (%(today)s::date + 60)::timestamp,
                make_interval(days => p.frequency_days)
            ) AS d
        ) AS m
        """,
        {"today": world.today},
    )
    log(
        f"  offenders: {people:,} persons, {count_rows('offenders_meeting'):,} supervision meetings"
    )


def insert_prevention(world: World, schools: int) -> None:
    """The training cascade: `schools` schools, 10 master trainers per region, 4 teachers per
    school of whom 60% certified (level 1, trained by a master of their region)."""
    if schools <= 0:
        return
    execute(
        """
        INSERT INTO prevention_school (
            created_at, updated_at, public_id, name, region_id, district, settlement,
            settlement_kind, pupils, languages
        )
        SELECT now(), now(), 'bench' || g, 'School ' || g,
               (%(draw)s::bigint[])[1 + floor(r_region * %(ndraw)s::int)::int],
               'District ' || (g %% 12), 'Settlement ' || g,
               CASE WHEN r_kind < 0.45 THEN 'town' ELSE 'village' END,
               80 + floor(r_kind * 1900)::int, '["kk", "ru"]'::jsonb
        FROM (
            SELECT g, random() AS r_region, random() AS r_kind
            FROM generate_series(1, %(n)s::int) AS g
        ) AS d
        """,
        {"n": schools, "draw": world.draw, "ndraw": len(world.draw)},
    )
    execute(
        """
        INSERT INTO prevention_teacher (
            created_at, updated_at, public_id, full_name, region_id, school_id, is_master_trainer,
            certified_on, trained_by_id, level
        )
        SELECT now(), now(), 'benchm' || r.id || '-' || k, 'Master ' || r.code || ' ' || k, r.id,
               NULL, true, %(today)s::date - 400, NULL, 0
        FROM core_region r CROSS JOIN generate_series(1, 10) AS k
        """,
        {"today": world.today},
    )
    execute(
        """
        INSERT INTO prevention_teacher (
            created_at, updated_at, public_id, full_name, region_id, school_id, is_master_trainer,
            certified_on, trained_by_id, level
        )
        SELECT now(), now(), 'bencht' || s.id || '-' || k, 'Teacher ' || s.id || ' ' || k,
               s.region_id, s.id, false,
               CASE WHEN certified THEN %(today)s::date - (s.id %% 300)::int END,
               CASE WHEN certified THEN (
                   SELECT m.id FROM prevention_teacher m
                   WHERE m.region_id = s.region_id AND m.is_master_trainer
                   ORDER BY m.id LIMIT 1 OFFSET (s.id %% 10)
               ) END,
               CASE WHEN certified THEN 1 END
        FROM prevention_school s
        CROSS JOIN LATERAL (
            SELECT k, random() < 0.6 + (s.id * 0) AS certified FROM generate_series(1, 4) AS k
        ) AS t
        """,
        {"today": world.today},
    )
    log(f"  prevention: {schools:,} schools, {count_rows('prevention_teacher'):,} teachers")


GENERATED_TABLES = [
    "intake_report",
    "cases_case",
    "cases_case_articles",
    "cases_victim",
    "offenders_facility",
    "offenders_person",
    "offenders_conviction",
    "offenders_conviction_articles",
    "offenders_examination",
    "offenders_supervisionplan",
    "offenders_meeting",
    "prevention_school",
    "prevention_teacher",
]


def generate(args: argparse.Namespace, world: World) -> dict[str, float]:
    from django.conf import settings

    execute("SET synchronous_commit TO off")  # the generator's own session only
    execute("SELECT setseed(%s)", [args.seed])
    steps: dict[str, float] = {}

    def step(name: str, fn: Callable[[], None]) -> None:
        log(f"generating {name}")
        started = time.monotonic()
        fn()
        steps[f"{name}_s"] = round(time.monotonic() - started, 2)

    step("reports", lambda: insert_reports(world, args.reports, settings.QORGAU_RESPONSE_HOURS))
    step("cases", lambda: insert_cases(world, args.cases))
    step("case_details", lambda: insert_case_details(world))
    step("offenders", lambda: insert_offenders(world, args.offenders))
    step("prevention", lambda: insert_prevention(world, args.schools))
    step("vacuum_analyze", lambda: vacuum_analyze(GENERATED_TABLES))
    execute("SET synchronous_commit TO DEFAULT")
    return steps


def data_sizes() -> dict[str, int]:
    sizes = {}
    for key, table in [
        ("reports", "intake_report"),
        ("cases", "cases_case"),
        ("case_articles", "cases_case_articles"),
        ("victims", "cases_victim"),
        ("offenders", "offenders_person"),
        ("supervision_meetings", "offenders_meeting"),
        ("schools", "prevention_school"),
        ("teachers", "prevention_teacher"),
        ("daily_counts", "analytics_dailycount"),
    ]:
        sizes[key] = count_rows(table)
    return sizes


def table_sizes_mb() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT relname, pg_total_relation_size(oid) FROM pg_class
            WHERE relname = ANY(%s) AND relkind = 'r'
            """,
            [["intake_report", "cases_case", "cases_victim", "analytics_dailycount"]],
        )
        return {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}


def expected_figures(world: World, year: int, region_code: str | None) -> dict[str, int]:
    """What the summary must say, counted with plain SQL from the raw tables (independent of the
    pre-aggregation and of the selectors)."""
    from django.conf import settings

    region_id = {c: i for i, c in world.regions}.get(region_code) if region_code else None
    params = {"tz": settings.TIME_ZONE, "year": year, "region": region_id}
    reports = scalar(
        """
        SELECT count(*) FROM intake_report
        WHERE created_at >= make_timestamptz(%(year)s, 1, 1, 0, 0, 0, %(tz)s)
          AND created_at < make_timestamptz(%(year)s + 1, 1, 1, 0, 0, 0, %(tz)s)
          AND (%(region)s::bigint IS NULL OR region_id = %(region)s::bigint)
        """,
        params,
    )
    victims = scalar(
        """
        SELECT count(*) FROM cases_victim v JOIN cases_case c ON c.id = v.case_id
        WHERE c.opened_on >= make_date(%(year)s, 1, 1) AND c.opened_on < make_date(%(year)s + 1, 1, 1)
          AND v.age <= 17 AND (%(region)s::bigint IS NULL OR c.region_id = %(region)s::bigint)
        """,
        params,
    )
    return {"reports": int(reports), "child_victims": int(victims)}


# --- Measuring ------------------------------------------------------------------------------------------


@dataclass
class QueryCounter:
    """A connection.execute_wrapper: counts statements and the time spent executing them."""

    queries: int = 0
    seconds: float = 0.0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


@dataclass
class Endpoint:
    name: str  # the figure's prefix
    label: str
    path: str
    api: bool
    region: str | None


@dataclass
class Series:
    endpoint: Endpoint
    times_ms: list[float]
    queries: int
    sql_ms: float
    slowest: list[dict[str, Any]]
    status: int
    checks: dict[str, Any]
    load: Load
    slowest_sql: list[str] = field(default_factory=list)  # full text, for EXPLAIN (not in JSON)
    profile: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)


def _short_sql(sql: str, limit: int = 220) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def request(client: Any, endpoint: Endpoint, token: str) -> Any:
    if endpoint.api:
        return client.get(endpoint.path, headers={"Authorization": f"Bearer {token}"})
    return client.get(endpoint.path)


def check_response(endpoint: Endpoint, response: Any, expected: dict[str, int]) -> dict[str, Any]:
    if response.status_code != 200:
        body = response.content[:600].decode("utf-8", "replace")
        raise BenchError(f"{endpoint.path} answered {response.status_code}: {body}")
    if not endpoint.api:
        html = response.content.decode("utf-8", "replace")
        return {
            "response_kb": round(len(response.content) / 1024, 1),
            "shows_reports": f">{expected['reports']}<" in html,
        }
    data = response.json()
    return {
        "response_kb": round(len(response.content) / 1024, 1),
        "reports_shown": data.get("reports"),
        "reports_expected": expected["reports"],
        "child_victims_shown": data.get("child_victims"),
        "child_victims_expected": expected["child_victims"],
        "figures_match": data.get("reports") == expected["reports"]
        and data.get("child_victims") == expected["child_victims"],
    }


def measure_endpoint(
    args: argparse.Namespace,
    client: Any,
    endpoint: Endpoint,
    token: str,
    expected: dict[str, int],
) -> Series:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: list[float] = []
    with measured_phase(args, endpoint.label) as load:
        for _ in range(args.warmup):
            check_response(endpoint, request(client, endpoint, token), expected)
        log(f"{endpoint.label}: {args.requests} requests")
        for _ in range(args.requests):
            start = time.perf_counter()
            response = request(client, endpoint, token)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                check_response(endpoint, response, expected)
    # One more request, not timed, to count its queries (the debug cursor costs a little).
    with CaptureQueriesContext(connection) as captured:
        response = request(client, endpoint, token)
    checks = check_response(endpoint, response, expected)
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    slowest = sorted(queries, key=lambda q: -q[0])[: args.slowest]
    text = ""
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        request(client, endpoint, token)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative").print_stats(30)
        text = out.getvalue()
        log(f"profile of {endpoint.label}:\n{text}")
    series = Series(
        endpoint=endpoint,
        times_ms=times,
        queries=len(queries),
        sql_ms=sum(q[0] for q in queries),
        slowest=[{"ms": round(ms, 1), "sql": _short_sql(sql)} for ms, sql in slowest],
        status=response.status_code,
        checks=checks,
        load=load,
        slowest_sql=[sql for _, sql in slowest],
        profile=text,
    )
    log(
        f"{endpoint.label}: median {series.median:.1f} ms, p99 {percentile(times, 99):.1f} ms, "
        f"{series.queries} queries ({series.sql_ms:.0f} ms in SQL), load {load.loadavg:.2f}"
    )
    return series


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def make_users() -> tuple[Any, str]:
    from qorgau.core.enums import Role
    from qorgau.core.models import User
    from qorgau.core.services import api_token_create

    user = User(
        username="bench-central", full_name="Bench Central Office", role=Role.CENTRAL_OFFICE
    )
    user.set_unusable_password()
    user.save()
    _row, token = api_token_create(acting_user=None, user=user, name="bench")
    return user, token


def is_contract(args: argparse.Namespace) -> bool:
    return all(getattr(args, k) == v for k, v in CONTRACT.items())


def signed_in_client(client: Any, user: Any) -> Any:
    """The test Client signed in as `user` with both factors, as after the real sign-in: password
    (force_login) and a confirmed authenticator (django-otp marks the session verified)."""
    import django_otp
    from django.http import HttpRequest

    from qorgau.core.models import StaffTOTPDevice

    client.force_login(user)
    device, _ = StaffTOTPDevice.objects.get_or_create(
        user=user, name="bench authenticator", defaults={"confirmed": True}
    )
    request = HttpRequest()
    request.session, request.user = client.session, user
    django_otp.login(request, device)
    request.session.save()
    return client


def measure(args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from qorgau.analytics.services import fill_report_counts

    loadavg_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    world = make_world()
    year = world.today.year
    common: dict[str, Any] = {
        "git_commit": commit,
        "database": "postgresql",
        "cores": os.cpu_count(),
        "loadavg_1m_before": loadavg_before,
        "postgresql": pg_settings(),
        "seed": args.seed,
        "year": year,
        "contract_sizes": is_contract(args),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    lines: list[dict[str, Any]] = []

    def line(name: str, value: Any, unit: str, sizes: dict[str, int], **extra: Any) -> None:
        entry = {"name": name, "value": value, "unit": unit, **common, **sizes, **extra}
        lines.append(entry)

    # 1. The data.
    counter = QueryCounter()
    with measured_phase(args, "generate") as load, connection.execute_wrapper(counter):
        gen_started = time.monotonic()
        steps = generate(args, world)
        generate_s = time.monotonic() - gen_started
    sizes = data_sizes()
    log(f"generated in {generate_s:.1f} s: {sizes}")
    line(
        "dashboard_generate_s",
        round(generate_s, 2),
        "s",
        sizes,
        steps=steps,
        queries=counter.queries,
        table_mb=table_sizes_mb(),
        **load.fields(),
    )

    # 2. The pre-aggregation, as production runs it: a first full fill, then the minute's tick.
    since = world.today - timedelta(days=SPAN_DAYS + 1)
    fills = [
        ("dashboard_fill_first_s", f"fill_report_counts(since={since})", {"since": since}),
        ("dashboard_fill_incremental_s", "fill_report_counts()", {}),
    ]
    for name, label, kwargs in fills:
        counter = QueryCounter()
        with measured_phase(args, label) as load, connection.execute_wrapper(counter):
            log(label)
            fill_started = time.perf_counter()
            rows = fill_report_counts(**kwargs)
            seconds = time.perf_counter() - fill_started
        total_all = scalar(
            "SELECT COALESCE(sum(value), 0) FROM analytics_dailycount "
            "WHERE metric = 'reports' AND key = 'all'"
        )
        log(f"{label}: {seconds:.2f} s, {rows:,} daily counts written, {counter.queries} queries")
        line(
            name,
            round(seconds, 3),
            "s",
            data_sizes(),
            daily_counts_written=rows,
            queries=counter.queries,
            sql_execute_s=_round(counter.seconds),
            counts_match_reports=int(total_all) == sizes["reports"],
            **({"since": since.isoformat()} if kwargs else {}),
            **load.fields(),
        )
    vacuum_analyze(["analytics_dailycount"])  # autovacuum would have, after ~500k new rows

    # 3. The requests.
    log("collectstatic (DEBUG=false serves hashed static names from the manifest)")
    call_command("collectstatic", interactive=False, verbosity=0)
    user, token = make_users()
    client = signed_in_client(Client(), user)
    region = args.region
    endpoints = [
        Endpoint("dashboard_national", "dashboard (national)", "/staff/dashboard/", False, None),
        Endpoint(
            "dashboard_region",
            f"dashboard ({region})",
            f"/staff/dashboard/?region={region}",
            False,
            region,
        ),
        Endpoint(
            "stats_summary",
            "stats summary (national)",
            f"/api/v1/stats/summary?year={year}",
            True,
            None,
        ),
        Endpoint(
            "stats_summary_region",
            f"stats summary ({region})",
            f"/api/v1/stats/summary?year={year}&region={region}",
            True,
            region,
        ),
    ]
    sizes = data_sizes()
    all_series = []
    for endpoint in endpoints:
        expected = expected_figures(world, year, endpoint.region)
        series = measure_endpoint(args, client, endpoint, token, expected)
        all_series.append(series)
        extra = {
            "path": endpoint.path,
            "requests": len(series.times_ms),
            "warmup": args.warmup,
            "mean_ms": _round(statistics.fmean(series.times_ms), 1),
            "min_ms": _round(min(series.times_ms), 1),
            "max_ms": _round(max(series.times_ms), 1),
            "queries": series.queries,
            "sql_ms_one_request": _round(series.sql_ms, 1),
            "slowest_queries": series.slowest,
            **series.checks,
            **series.load.fields(),
        }
        median = series.median
        line(
            f"{endpoint.name}_median_ms",
            _round(median, 1),
            "ms",
            sizes,
            target=f"< {TARGET_MEDIAN_MS:g} ms median",
            meets_target=median < TARGET_MEDIAN_MS,
            **extra,
        )
        line(
            f"{endpoint.name}_p99_ms",
            _round(percentile(series.times_ms, 99), 1),
            "ms",
            sizes,
            **extra,
        )
        missed = median >= TARGET_MEDIAN_MS
        if args.explain and (missed or args.explain_always):
            selects = [q for q in series.slowest_sql if q.lstrip().upper().startswith("SELECT")]
            for sql in selects[: args.explain]:
                log(
                    f"EXPLAIN ANALYZE ({endpoint.label}):\n  {_short_sql(sql, 600)}\n"
                    + explain(sql)
                )
    log(f"total {time.monotonic() - started:.0f} s")
    return lines


# --- Output -----------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    return str(value)


def print_table(lines: list[dict[str, Any]]) -> None:
    first = lines[0]
    print("", file=sys.stderr)
    print(
        f"Qorgau national picture @ {first['git_commit']}: {first['reports']:,} reports, "
        f"{first['cases']:,} cases, {first['victims']:,} victims, PostgreSQL "
        f"{first['postgresql'].get('server_version', '')}, load average before "
        f"{first['loadavg_1m_before']}",
        file=sys.stderr,
    )
    print(
        f"  {'figure':34} {'value':>9} {'unit':4} {'target':>22} {'verdict':7} {'queries':>7} "
        f"{'load':>5}",
        file=sys.stderr,
    )
    for entry in lines:
        verdict = ""
        if "meets_target" in entry:
            verdict = "ok" if entry["meets_target"] else "MISSED"
        print(
            f"  {entry['name']:34} {_fmt(entry['value']):>9} {entry['unit']:4} "
            f"{entry.get('target', ''):>22} {verdict:7} {_fmt(entry.get('queries', '')):>7} "
            f"{_fmt(entry.get('loadavg_1m_measured')):>5}",
            file=sys.stderr,
        )
    checks = [e for e in lines if "figures_match" in e and e["name"].endswith("_median_ms")]
    for entry in checks:
        print(
            f"  check {entry['name']}: reports {entry['reports_shown']} "
            f"(SQL {entry['reports_expected']}), child victims {entry['child_victims_shown']} "
            f"(SQL {entry['child_victims_expected']}): "
            f"{'match' if entry['figures_match'] else 'MISMATCH'}",
            file=sys.stderr,
        )


# --- Main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=CONTRACT["reports"])
    parser.add_argument("--cases", type=int, default=CONTRACT["cases"])
    parser.add_argument(
        "--offenders", type=int, default=2000, help="convicted persons (offenders register)"
    )
    parser.add_argument("--schools", type=int, default=7000, help="schools of the training cascade")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per endpoint first")
    parser.add_argument("--region", default="KZ-75", help="the region of the regional requests")
    parser.add_argument(
        "--slowest", type=int, default=5, help="slowest queries of a request listed in the JSON"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=3,
        help="EXPLAIN ANALYZE this many slowest queries of an endpoint that misses the target",
    )
    parser.add_argument(
        "--explain-always", action="store_true", help="EXPLAIN even when the target is met"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one extra request per endpoint (stderr)"
    )
    parser.add_argument(
        "--load-below", type=float, default=1.2, help="wait for the 1-min load average below this"
    )
    parser.add_argument(
        "--load-wait", type=float, default=600, help="wait at most this long (s) per phase"
    )
    parser.add_argument("--load-poll", type=float, default=15, help="poll every (s)")
    parser.add_argument("--seed", type=float, default=0.42, help="setseed() of the generator")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    parser.add_argument(
        "--timeout", type=int, default=5400, help="seconds before the run is abandoned"
    )
    args = parser.parse_args(argv)
    if args.reports < 1 or args.cases < 1:
        parser.error("--reports and --cases must be positive")
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be positive, --warmup not negative")
    if not -1 <= args.seed <= 1:
        parser.error("--seed is from -1 to 1 (PostgreSQL setseed)")
    if not re.match(r"^KZ-\d\d$", args.region):
        parser.error("--region is a region code like KZ-75")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def prepare(url: str, scratch: Path) -> None:
        configure_environment(url, scratch, hosts="127.0.0.1,localhost,testserver")  # test Client
        migrate_in_process()

    def run(commit: str) -> list[dict[str, Any]]:
        with bench_database(
            args.pg_url,
            args.db_name,
            keep=args.keep_db,
            prefix="qorgau-bench-dashboard-",
            prepare=prepare,
        ):
            return measure(args, commit)

    return run_bench(args.timeout, run, save=not args.no_save, print_table=print_table)


if __name__ == "__main__":
    sys.exit(main())
