"""Benchmark of case assignment and the handover tick, in-process on PostgreSQL.

Run from the repository root:

    .venv/bin/python bench/assign.py [--prosecutors N] [--cases N] [--open-cases N] [--profile]

It creates a fresh PostgreSQL database, migrates it (the default policy: articles 120-124 to female
prosecutors, in force from today, 7 days to hand over), generates with COPY 2,000 prosecutors in the
20 regions, and measures, calling the services in this process (no HTTP):

* A: `assign_pending()` over 10,000 cases waiting in the chiefs' queues (target: under 2 s), then
  the one-by-one path, `case_create()` for 500 new cases (p50/p99 per case, extrapolated to 10,000);
* B: `handover_tick()` over 100,000 open cases, of which a share of the covered ones are held by
  male prosecutors: the first run (sets the deadlines, target: under 5 s), a second run (nothing to
  do) and a third with `now` 8 days later (every handover overdue: proposals to the chiefs).

Each result is checked (no covered case with a male prosecutor unless the victim asked for one, every
case held or with a reason, the load spread, the handover counts against an independent SQL count).
Every figure is one JSON line on stdout, appended to bench/results.jsonl (`--no-save` to skip); a
short table goes to stderr. The database is dropped at the end (`--keep-db` keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import (
    BenchError,
    bench_database,
    configure_environment,
    log,
    migrate_in_process,
    percentile,
    run_bench,
)

DB_NAME = "qorgau_bench_assign"

# The contract (2 cores, PostgreSQL).
CONTRACT = {"prosecutors": 2000, "regions": 20, "cases": 10000, "open_cases": 100000}
TARGET_ASSIGN_S = 2.0
TARGET_TICK_S = 5.0
OVERDUE_DAYS = 8  # the default policy gives 7 days to hand over


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


# --- PostgreSQL (outside Django: creating and dropping the database) ---------------------------------


# --- Measuring: wall time, queries, optional cProfile --------------------------------------------------

_SQL_KIND = re.compile(
    r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|"
    r"DECLARE|\w+)",
    re.IGNORECASE,
)
_SQL_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def sql_kind(sql: str) -> str:
    verb_match = _SQL_KIND.match(sql)
    verb = verb_match.group(1).upper().split()[0] if verb_match else "?"
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    table = _SQL_TABLE.search(sql)
    if verb == "DECLARE":  # a server-side cursor (QuerySet.iterator())
        return f"DECLARE CURSOR {table.group(1) if table else ''}".strip()
    return f"{verb} {table.group(1)}" if table else verb


@dataclass
class QueryCounter:
    """A connection.execute_wrapper: counts statements and the time spent executing them."""

    queries: int = 0
    seconds: float = 0.0
    kinds: Counter = field(default_factory=Counter)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1
            self.kinds[sql_kind(sql)] += 1

    def top(self, n: int = 6) -> dict[str, int]:
        return dict(self.kinds.most_common(n))


@dataclass
class Timed:
    seconds: float
    result: Any
    counter: QueryCounter
    profile: str = ""


def timed(fn: Callable[[], Any], *, profile: bool, label: str) -> Timed:
    from django.db import connection

    counter = QueryCounter()
    prof = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        if prof:
            prof.enable()
        try:
            result = fn()
        finally:
            if prof:
                prof.disable()
        seconds = time.perf_counter() - start
    text = ""
    if prof:
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        text = out.getvalue()
        log(f"profile of {label}:\n{text}")
    return Timed(seconds=seconds, result=result, counter=counter, profile=text)


# --- Generating the data --------------------------------------------------------------------------------


@dataclass
class World:
    regions: list[tuple[int, str]]  # (id, code)
    articles: dict[str, int]  # number -> id
    covered: list[str]
    other: list[str]
    females: dict[int, list[int]]  # region id -> prosecutor ids
    males: dict[int, list[int]]
    everyone: dict[int, list[int]]
    prosecutor_count: int
    chief_count: int
    policy_version: int
    eligible: list[str]
    honour_preference: bool


@dataclass
class CaseSpec:
    region_id: int
    articles: list[str]
    victims: list[tuple[int, str, str]]  # (age, gender, preferred prosecutor gender)


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY rows into a table (fixed identifiers of this script, never input)."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def allocate_ids(table: str, n: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, n],
        )
        return [row[0] for row in cursor.fetchall()]


def make_world(args: argparse.Namespace, rng: random.Random) -> World:
    from django.contrib.auth.hashers import make_password

    from qorgau.cases.models import Prosecutor
    from qorgau.cases.services import covered_numbers, policy_in_force
    from qorgau.core.enums import Role
    from qorgau.core.models import CriminalArticle, Region, User

    regions = list(Region.objects.order_by("code").values_list("id", "code"))
    if len(regions) < args.regions:
        raise BenchError(f"the reference data has {len(regions)} regions, not {args.regions}")
    regions = regions[: args.regions]
    articles = dict(CriminalArticle.objects.values_list("number", "id"))
    policy = policy_in_force()
    if policy is None:
        raise BenchError("no assignment policy in force after migrate (0002_default_policy)")
    covered = sorted(covered_numbers(policy))
    other = sorted(set(articles) - set(covered))
    if not covered or not other:
        raise BenchError(f"covered articles {covered}, others {other}: the mix needs both")

    password = make_password(None)  # unusable: nobody logs in as these users
    users: list[User] = []
    genders: list[str] = []
    per_region = [args.prosecutors // args.regions] * args.regions
    for i in range(args.prosecutors % args.regions):
        per_region[i] += 1
    for (region_id, code), n in zip(regions, per_region, strict=True):
        n_female = round(n * args.female_share)
        region_genders = ["f"] * n_female + ["m"] * (n - n_female)
        rng.shuffle(region_genders)
        for gender in region_genders:
            i = len(users)
            users.append(
                User(
                    username=f"bench-prosecutor-{i:05d}",
                    full_name=f"Prosecutor {i:05d} {code}",
                    role=Role.PROSECUTOR,
                    region_id=region_id,
                    gender=gender,
                    password=password,
                )
            )
            genders.append(gender)
    chiefs = [
        User(
            username=f"bench-chief-{code}-{k}",
            full_name=f"Chief {k} {code}",
            role=Role.REGIONAL_CHIEF,
            region_id=region_id,
            password=password,
        )
        for region_id, code in regions
        for k in range(args.chiefs_per_region)
    ]
    User.objects.bulk_create(users + chiefs, batch_size=1000)
    prosecutors = Prosecutor.objects.bulk_create(
        [Prosecutor(user=u, capacity=rng.randint(20, 60)) for u in users], batch_size=1000
    )
    females: dict[int, list[int]] = {r: [] for r, _ in regions}
    males: dict[int, list[int]] = {r: [] for r, _ in regions}
    for p, u, gender in zip(prosecutors, users, genders, strict=True):
        (females if gender == "f" else males)[u.region_id].append(p.pk)
    everyone = {r: females[r] + males[r] for r, _ in regions}
    return World(
        regions=regions,
        articles=articles,
        covered=covered,
        other=other,
        females=females,
        males=males,
        everyone=everyone,
        prosecutor_count=len(prosecutors),
        chief_count=len(chiefs),
        policy_version=policy.version,
        eligible=list(policy.eligible_genders),
        honour_preference=policy.honour_victim_preference,
    )


def draw_case(world: World, rng: random.Random, covered_share: float) -> CaseSpec:
    """A region, mostly covered articles (sometimes two), and 0-2 child victims; ~8% of the victims
    state a preferred prosecutor gender."""
    region_id = rng.choice(world.regions)[0]
    if rng.random() < covered_share:
        numbers = {rng.choice(world.covered)}
        if rng.random() < 0.25:
            numbers.add(rng.choice(world.covered + world.other))
    else:
        numbers = {rng.choice(world.other)}
        if rng.random() < 0.15:
            numbers.add(rng.choice(world.other))
    victims = []
    for _ in range(rng.choices([0, 1, 2], weights=[30, 60, 10])[0]):
        draw = rng.random()
        preference = "m" if draw < 0.04 else "f" if draw < 0.08 else ""
        victims.append((rng.randint(3, 17), rng.choice("fm"), preference))
    return CaseSpec(region_id=region_id, articles=sorted(numbers), victims=victims)


CASE_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "public_id",
    "registry_number",
    "region_id",
    "stage",
    "opened_on",
    "sent_to_court_on",
    "verdict_on",
    "prosecutor_id",
    "unassigned_reason",
    "covered",
    "policy_version",
    "handover_deadline",
    "handover_done_at",
    "handover_proposed_at",
    "report_id",
]
VICTIM_COLUMNS = [
    "created_at",
    "updated_at",
    "case_id",
    "age",
    "gender",
    "preferred_prosecutor_gender",
    "identity",
]


def insert_cases(
    world: World,
    specs: list[CaseSpec],
    *,
    tag: str,
    holders: list[int | None],
    stages: list[str],
    rng: random.Random,
    max_age_days: int,
) -> list[int]:
    """COPY the cases, their article rows and their victims; returns the case ids."""
    from qorgau.cases.enums import Stage, UnassignedReason

    ids = allocate_ids("cases_case", len(specs))
    now = datetime.now(UTC)
    case_rows = []
    article_rows = []
    victim_rows = []
    for case_id, spec, holder, stage in zip(ids, specs, holders, stages, strict=True):
        created = now - timedelta(minutes=rng.randint(5, max_age_days * 24 * 60))
        opened = created.date()
        covered = bool(set(spec.articles) & set(world.covered))
        case_rows.append(
            (
                case_id,
                created,
                created,
                f"{tag}{case_id:011d}",
                f"{case_id:012d}",
                spec.region_id,
                stage,
                opened,
                opened + timedelta(days=30) if stage == Stage.IN_COURT else None,
                None,
                holder,
                "" if holder else UnassignedReason.RETURNED.value,
                covered if holder else False,
                None,
                None,
                None,
                None,
                None,
            )
        )
        article_rows += [(case_id, world.articles[n]) for n in spec.articles]
        victim_rows += [
            (created, created, case_id, age, gender, preference, None)
            for age, gender, preference in spec.victims
        ]
    copy_rows("cases_case", CASE_COLUMNS, case_rows)
    copy_rows("cases_case_articles", ["case_id", "criminalarticle_id"], article_rows)
    copy_rows("cases_victim", VICTIM_COLUMNS, victim_rows)
    return ids


def vacuum_analyze() -> None:
    """What autovacuum would have done to tables of this size in production: statistics and the
    visibility map, so that the planner sees 100,000 cases, not an empty table."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "core_user",
            "cases_prosecutor",
            "cases_case",
            "cases_case_articles",
            "cases_victim",
            "cases_caseevent",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


def scalar(sql: str, params: dict[str, Any] | list[Any] | None = None) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        return row[0] if row else None


def case_counts() -> tuple[int, int]:
    from qorgau.cases.enums import OPEN_STAGES

    with contextlib.closing(_cursor()) as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE stage = ANY(%s)) FROM cases_case",
            [[str(s) for s in OPEN_STAGES]],
        )
        total, open_ = cursor.fetchone()
    return int(total), int(open_)


def _cursor() -> Any:
    from django.db import connection

    return connection.cursor()


# --- Checks (plain SQL, independent of the services) ----------------------------------------------------

CASE_FACTS = """
    SELECT c.id, c.prosecutor_id, c.unassigned_reason, c.covered, u.gender AS holder,
           EXISTS (
               SELECT 1 FROM cases_case_articles ca
               JOIN core_criminalarticle a ON a.id = ca.criminalarticle_id
               WHERE ca.case_id = c.id AND a.number = ANY(%(covered)s)
           ) AS is_covered,
           ARRAY(
               SELECT DISTINCT v.preferred_prosecutor_gender::text FROM cases_victim v
               WHERE v.case_id = c.id AND v.preferred_prosecutor_gender <> ''
           ) AS prefs
    FROM cases_case c
    LEFT JOIN cases_prosecutor p ON p.id = c.prosecutor_id
    LEFT JOIN core_user u ON u.id = p.user_id
"""


def check_assignment(world: World, ids: list[int]) -> dict[str, int]:
    """Policy and consistency checks over the given cases after assignment."""
    with contextlib.closing(_cursor()) as cursor:
        cursor.execute(
            f"""
            WITH f AS ({CASE_FACTS} WHERE c.id = ANY(%(ids)s))
            SELECT
                count(*) FILTER (WHERE prosecutor_id IS NULL),
                count(*) FILTER (WHERE prosecutor_id IS NULL AND unassigned_reason = ''),
                count(*) FILTER (WHERE is_covered AND holder = 'm' AND prefs <> ARRAY['m']),
                count(*) FILTER (WHERE is_covered AND holder = 'm'),
                count(*) FILTER (WHERE %(honour)s AND cardinality(prefs) = 1
                                 AND prosecutor_id IS NOT NULL AND holder <> prefs[1]),
                count(*) FILTER (WHERE prosecutor_id IS NOT NULL AND covered <> is_covered),
                count(*) FILTER (WHERE is_covered),
                count(*) FILTER (WHERE cardinality(prefs) > 0)
            FROM f
            """,  # noqa: S608 - a constant of this script, values as parameters
            {"ids": ids, "covered": world.covered, "honour": world.honour_preference},
        )
        row = cursor.fetchone()
    names = [
        "still_waiting",
        "without_holder_or_reason",
        "male_covered_without_preference",
        "male_covered_by_preference",
        "preference_not_honoured",
        "covered_flag_wrong",
        "covered_cases",
        "cases_with_preference",
    ]
    return dict(zip(names, map(int, row), strict=True))


def load_spread() -> dict[str, int]:
    """Per region, the max-min open-case load among active female, male and all prosecutors; the
    figure is the worst region's."""
    with contextlib.closing(_cursor()) as cursor:
        cursor.execute(
            """
            WITH loads AS (
                SELECT u.region_id, u.gender, count(c.id) AS n
                FROM cases_prosecutor p
                JOIN core_user u ON u.id = p.user_id
                LEFT JOIN cases_case c
                    ON c.prosecutor_id = p.id AND c.stage IN ('pretrial', 'in_court')
                WHERE p.status = 'active' AND u.is_active
                GROUP BY p.id, u.region_id, u.gender
            ),
            by_gender AS (
                SELECT region_id, gender, max(n) - min(n) AS spread FROM loads
                GROUP BY region_id, gender
            ),
            overall AS (
                SELECT region_id, max(n) - min(n) AS spread FROM loads GROUP BY region_id
            )
            SELECT
                (SELECT max(spread) FROM by_gender WHERE gender = 'f'),
                (SELECT max(spread) FROM by_gender WHERE gender = 'm'),
                (SELECT max(spread) FROM overall),
                (SELECT max(n) FROM loads WHERE gender = 'f'),
                (SELECT min(n) FROM loads WHERE gender = 'f')
            """
        )
        row = cursor.fetchone()
    names = [
        "max_load_spread",
        "max_load_spread_male",
        "max_load_spread_all",
        "max_load_female",
        "min_load_female",
    ]
    return {k: int(v or 0) for k, v in zip(names, row, strict=True)}


def expected_handovers(world: World) -> int:
    """Open, assigned, covered cases whose holder may not hold them under the policy: the victims'
    single preference if honoured, else the policy's eligible genders."""
    from qorgau.cases.enums import OPEN_STAGES

    return int(
        scalar(
            f"""
            WITH f AS ({CASE_FACTS}
                       WHERE c.stage = ANY(%(open)s) AND c.prosecutor_id IS NOT NULL)
            SELECT count(*) FROM f
            WHERE is_covered AND CASE
                WHEN %(honour)s AND cardinality(prefs) = 1 THEN holder <> prefs[1]
                ELSE NOT holder = ANY(%(eligible)s)
            END
            """,  # noqa: S608 - a constant of this script, values as parameters
            {
                "covered": world.covered,
                "open": [str(s) for s in OPEN_STAGES],
                "honour": world.honour_preference,
                "eligible": world.eligible,
            },
        )
    )


def handover_state() -> dict[str, int]:
    with contextlib.closing(_cursor()) as cursor:
        cursor.execute(
            """
            SELECT
                count(*) FILTER (WHERE handover_deadline IS NOT NULL),
                count(*) FILTER (WHERE handover_proposed_at IS NOT NULL),
                count(*) FILTER (WHERE handover_done_at IS NOT NULL),
                (SELECT count(*) FROM core_notification WHERE kind = 'handover_overdue')
            FROM cases_case
            """
        )
        row = cursor.fetchone()
    names = ["with_deadline", "with_proposal", "handover_done", "notifications"]
    return dict(zip(names, map(int, row), strict=True))


# --- The measurements -----------------------------------------------------------------------------------


@dataclass
class Figures:
    lines: list[dict[str, Any]] = field(default_factory=list)


def pg_settings() -> dict[str, str]:
    names = ["server_version", "synchronous_commit", "fsync", "wal_sync_method", "shared_buffers"]
    with contextlib.closing(_cursor()) as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [names])
        return dict(cursor.fetchall())


def is_contract(args: argparse.Namespace) -> bool:
    return all(getattr(args, k) == v for k, v in CONTRACT.items())


def measure(args: argparse.Namespace, commit: str) -> list[dict[str, Any]]:
    from qorgau.cases.enums import Stage
    from qorgau.cases.services import CaseInput, VictimInput, assign_pending, case_create

    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
    loadavg = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    log(f"generating {args.prosecutors} prosecutors in {args.regions} regions")
    world = make_world(args, rng)
    common: dict[str, Any] = {
        "prosecutors": world.prosecutor_count,
        "regions": len(world.regions),
        "git_commit": commit,
        "database": "postgresql",
        "cores": os.cpu_count(),
        "loadavg_1m_before": loadavg,
        "postgresql": pg_settings(),
        "seed": args.seed,
        "profiled": bool(args.profile),
        "contract_sizes": is_contract(args),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    lines: list[dict[str, Any]] = []

    def line(name: str, value: Any, unit: str, target: float | None = None, **extra: Any) -> None:
        total, open_ = extra.pop("sizes")
        entry = {"name": name, "value": value, "unit": unit, **common}
        entry.update({"cases": total, "open_cases": open_})
        entry.update(extra)
        if target is not None and is_contract(args):
            entry["target"] = f"< {target:g}"
            entry["meets_target"] = value is not None and value < target
        lines.append(entry)

    # A. The chiefs' queues: N cases registered, waiting (returned), then one batch assignment.
    log(f"A: {args.cases} cases waiting in the chiefs' queues")
    specs = [draw_case(world, rng, args.covered_share) for _ in range(args.cases)]
    waiting_ids = insert_cases(
        world,
        specs,
        tag="q",
        holders=[None] * len(specs),
        stages=[Stage.PRETRIAL.value] * len(specs),
        rng=rng,
        max_age_days=30,
    )
    vacuum_analyze()
    sizes = case_counts()
    log(f"A: assign_pending() over {len(waiting_ids)} waiting cases")
    run = timed(assign_pending, profile=args.profile, label="assign_pending")
    checks = check_assignment(world, waiting_ids)
    spread = load_spread()
    log(
        f"A: {run.result} assigned in {run.seconds:.3f} s, {run.counter.queries} queries; "
        f"checks {checks}, spread {spread}"
    )
    line(
        f"assign_{args.cases}_cases_s",
        _round(run.seconds),
        "s",
        TARGET_ASSIGN_S,
        sizes=sizes,
        waiting_cases=len(waiting_ids),
        assigned=run.result,
        queries=run.counter.queries,
        sql_execute_s=_round(run.counter.seconds),
        queries_by_kind=run.counter.top(),
        **checks,
        **spread,
    )

    # A'. The one-by-one path: case_create registers and assigns each case in its own transaction.
    log(f"A': case_create() for {args.one_by_one} new cases, one by one")
    per_case: list[float] = []
    created: list[int] = []
    counter = QueryCounter()
    code_of = dict(world.regions)
    prof = cProfile.Profile() if args.profile else None
    from django.db import connection

    with connection.execute_wrapper(counter):
        for i in range(args.one_by_one):
            spec = draw_case(world, rng, args.covered_share)
            data = CaseInput(
                registry_number=f"9{i:011d}",
                articles=spec.articles,
                region_code=code_of[spec.region_id],
                victims=[
                    VictimInput(age=a, gender=g, preferred_prosecutor_gender=p)
                    for a, g, p in spec.victims
                ],
            )
            start = time.perf_counter()
            if prof:
                prof.enable()
            case = case_create(acting_user=None, data=data)
            if prof:
                prof.disable()
            per_case.append((time.perf_counter() - start) * 1000)
            created.append(case.pk)
    if prof:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats("cumulative").print_stats(25)
        log(f"profile of case_create x {args.one_by_one}:\n{out.getvalue()}")
    one_checks = check_assignment(world, created)
    sizes = case_counts()
    mean_ms = sum(per_case) / len(per_case) if per_case else None
    extrapolated = mean_ms * args.cases / 1000 if mean_ms is not None else None
    one = {
        "sizes": sizes,
        "calls": len(per_case),
        "mean_ms": _round(mean_ms),
        "max_ms": _round(max(per_case) if per_case else None),
        f"extrapolated_{args.cases}_s": _round(extrapolated, 2),
        "queries_per_case": _round(counter.queries / max(len(per_case), 1), 1),
        "queries_by_kind": counter.top(),
        **{k: one_checks[k] for k in ("still_waiting", "male_covered_without_preference")},
    }
    p50, p99 = percentile(per_case, 50), percentile(per_case, 99)
    log(f"A': p50 {p50:.2f} ms, p99 {p99:.2f} ms, mean {mean_ms:.2f} ms; checks {one_checks}")
    line("assign_one_case_p50_ms", _round(p50), "ms", **one)
    line("assign_one_case_p99_ms", _round(p99), "ms", **one)
    line(
        f"assign_{args.cases}_cases_one_by_one_s",
        _round(extrapolated, 2),
        "s",
        **{**one, "extrapolated": True},
    )

    # B. Bring the open cases to the target: assigned, a share of the covered ones held by men.
    _total, open_now = case_counts()
    add = max(args.open_cases - open_now, 0)
    log(f"B: adding {add} assigned open cases (to {args.open_cases} open)")
    specs = [draw_case(world, rng, args.covered_share) for _ in range(add)]
    holders: list[int | None] = []
    for spec in specs:
        region = spec.region_id
        if set(spec.articles) & set(world.covered):
            males = world.males[region]
            pool = males if males and rng.random() < args.male_share else world.females[region]
        else:
            pool = world.everyone[region]
        holders.append(rng.choice(pool or world.everyone[region]))
    stages = [Stage.IN_COURT.value if rng.random() < 0.25 else Stage.PRETRIAL.value for _ in specs]
    insert_cases(world, specs, tag="o", holders=holders, stages=stages, rng=rng, max_age_days=1000)
    vacuum_analyze()
    sizes = case_counts()
    expected = expected_handovers(world)
    log(f"B: {sizes[1]} open cases, {expected} need a handover (independent SQL count)")
    open_label = f"tick_{args.open_cases}_open_cases"

    def tick_line(name: str, run: Timed, target: float | None, **extra: Any) -> None:
        stats = run.result
        line(
            name,
            _round(run.seconds),
            "s",
            target,
            sizes=case_counts(),
            handovers_expected=expected,
            deadlines_set=stats.deadlines_set,
            done=stats.done,
            proposed=stats.proposed,
            reassigned=stats.reassigned,
            assigned_from_queue=stats.assigned_from_queue,
            queries=run.counter.queries,
            sql_execute_s=_round(run.counter.seconds),
            queries_by_kind=run.counter.top(),
            **handover_state(),
            **extra,
        )
        log(f"B: {name}: {run.seconds:.3f} s, {stats}, {run.counter.queries} queries")

    from qorgau.cases.services import handover_tick

    log("B: handover_tick() #1 (sets the deadlines)")
    first = timed(handover_tick, profile=args.profile, label="handover_tick #1")
    tick_line(
        f"{open_label}_first_s",
        first,
        TARGET_TICK_S,
        matches_expected=first.result.deadlines_set == expected,
    )
    log("B: handover_tick() #2 (nothing to do)")
    again = timed(handover_tick, profile=args.profile, label="handover_tick #2")
    tick_line(
        f"{open_label}_again_s",
        again,
        None,
        idempotent=again.result.deadlines_set == 0 and again.result.proposed == 0,
    )
    later = datetime.now(UTC) + timedelta(days=OVERDUE_DAYS)
    log(f"B: handover_tick(now=+{OVERDUE_DAYS} days) #3 (every handover overdue)")
    overdue = timed(
        lambda: handover_tick(now=later), profile=args.profile, label="handover_tick overdue"
    )
    tick_line(
        f"tick_{args.open_cases}_overdue_s",
        overdue,
        None,
        now_offset_days=OVERDUE_DAYS,
        matches_expected=overdue.result.proposed == expected,
        chiefs=world.chief_count,
    )
    log(f"total {time.monotonic() - started:.0f} s")
    return lines


# --- Output -----------------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.3f}" if value < 10 else f"{value:.2f}"
    return str(value)


def print_table(lines: list[dict[str, Any]]) -> None:
    first = lines[0]
    print("", file=sys.stderr)
    print(
        f"Qorgau assignment @ {first['git_commit']}: {first['prosecutors']} prosecutors in "
        f"{first['regions']} regions, PostgreSQL {first['postgresql'].get('server_version', '')}"
        f"{' (PROFILED: times inflated)' if first['profiled'] else ''}",
        file=sys.stderr,
    )
    print(
        f"  {'figure':40} {'value':>10} {'unit':4} {'target':>7} {'verdict':8} {'queries':>8} "
        f"{'open':>7}",
        file=sys.stderr,
    )
    for entry in lines:
        verdict = ""
        if "meets_target" in entry:
            verdict = "ok" if entry["meets_target"] else "MISSED"
        queries = entry.get("queries", "")
        if "queries_per_case" in entry:
            queries = f"{entry['queries_per_case']:g}/case"
        print(
            f"  {entry['name']:40} {_fmt(entry['value']):>10} {entry['unit']:4} "
            f"{entry.get('target', ''):>7} {verdict:8} {_fmt(queries):>8} {entry['open_cases']:>7}",
            file=sys.stderr,
        )
    a = lines[0]
    print(
        f"  checks A: {a['assigned']} assigned, {a['still_waiting']} still waiting, "
        f"{a['without_holder_or_reason']} without holder or reason, "
        f"{a['male_covered_without_preference']} covered with a man without a preference, "
        f"{a['preference_not_honoured']} preferences not honoured, load spread among women "
        f"{a['max_load_spread']} (men {a['max_load_spread_male']})",
        file=sys.stderr,
    )
    ticks = [e for e in lines if e["name"].startswith("tick_")]
    if ticks:
        print(
            f"  checks B: {ticks[0]['handovers_expected']} handovers expected; deadlines set "
            + ", ".join(f"{e['deadlines_set']}" for e in ticks)
            + "; proposed "
            + ", ".join(f"{e['proposed']}" for e in ticks)
            + f"; {ticks[-1]['notifications']} notifications",
            file=sys.stderr,
        )


# --- Main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--prosecutors", type=int, default=CONTRACT["prosecutors"])
    parser.add_argument("--regions", type=int, default=CONTRACT["regions"], help="at most 20")
    parser.add_argument(
        "--cases", type=int, default=CONTRACT["cases"], help="cases waiting for assign_pending()"
    )
    parser.add_argument(
        "--one-by-one", type=int, default=500, help="cases registered with case_create()"
    )
    parser.add_argument(
        "--open-cases", type=int, default=CONTRACT["open_cases"], help="open cases for the tick"
    )
    parser.add_argument("--female-share", type=float, default=0.6, help="of the prosecutors")
    parser.add_argument(
        "--covered-share", type=float, default=0.75, help="cases with an article of the policy"
    )
    parser.add_argument(
        "--male-share",
        type=float,
        default=0.2,
        help="covered open cases (B) held by a male prosecutor (from before the policy)",
    )
    parser.add_argument("--chiefs-per-region", type=int, default=1, help="notified of overdue")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--no-save", action="store_true", help="do not append to results.jsonl")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each measurement (stderr); slower"
    )
    parser.add_argument(
        "--timeout", type=int, default=1800, help="seconds before the run is abandoned"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.regions <= 20:
        parser.error("--regions is from 1 to 20")
    if args.prosecutors < args.regions:
        parser.error("--prosecutors must be at least --regions")
    if args.one_by_one < 1 or args.cases < 1:
        parser.error("--cases and --one-by-one must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def prepare(url: str, scratch: Path) -> None:
        configure_environment(url, scratch)
        migrate_in_process()

    def run(commit: str) -> list[dict[str, Any]]:
        with bench_database(
            args.pg_url,
            args.db_name,
            keep=args.keep_db,
            prefix="qorgau-bench-assign-",
            prepare=prepare,
        ):
            return measure(args, commit)

    return run_bench(args.timeout, run, save=not args.no_save, print_table=print_table)


if __name__ == "__main__":
    sys.exit(main())
