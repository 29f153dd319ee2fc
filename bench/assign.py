"""Benchmark of case assignment and the handover tick, in process on PostgreSQL.

    .venv/bin/python bench/assign.py [--prosecutors N] [--cases N] [--open-cases N] [--profile]

On a fresh migrated database (the default policy: articles 120-124 to female prosecutors, 7 days
to hand over), with 2,000 prosecutors in 20 regions, calling the services (no HTTP):

* A: `assign_pending()` over 10,000 cases waiting in the chiefs' queues (target < 2 s), then
  `case_create()` for 500 new cases one by one (p50/p99, extrapolated to 10,000);
* B: `handover_tick()` over 100,000 open cases, a share of the covered ones held by men: the
  first run (sets the deadlines, target < 5 s), again (nothing to do), and 8 days later (every
  handover overdue, proposed to the chiefs).

Each result is checked with plain SQL, independent of the services.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import (
    FIGURE,
    TARGET,
    BenchError,
    Line,
    add_common_args,
    bench_database,
    check_db_name,
    counting,
    log,
    percentile,
    pg_settings,
    profiled,
    rnd,
    run_bench,
    scalar,
    vacuum_analyze,
)

CONTRACT = {"prosecutors": 2000, "regions": 20, "cases": 10000, "open_cases": 100000}
TARGET_ASSIGN_S, TARGET_TICK_S = 2.0, 5.0
OVERDUE_DAYS = 8  # the default policy gives 7 days to hand over
TABLES = [
    "core_user",
    "cases_prosecutor",
    "cases_case",
    "cases_case_articles",
    "cases_victim",
    "cases_caseevent",
]


@dataclass
class World:
    regions: list[tuple[int, str]]  # (id, code)
    articles: dict[str, int]  # number -> id
    covered: list[str]
    other: list[str]
    females: dict[int, list[int]]  # region id -> prosecutor ids
    males: dict[int, list[int]]
    chiefs: int
    policy: Any  # the assignment policy in force


def make_world(args: argparse.Namespace, rng: random.Random) -> World:
    from django.contrib.auth.hashers import make_password

    from qorgau.cases.models import Prosecutor
    from qorgau.cases.services import covered_numbers, policy_in_force
    from qorgau.core.enums import Role
    from qorgau.core.models import CriminalArticle, Region, User

    regions = list(Region.objects.order_by("code").values_list("id", "code"))[: args.regions]
    if len(regions) < args.regions:
        raise BenchError(f"the reference data has {len(regions)} regions, not {args.regions}")
    articles = dict(CriminalArticle.objects.values_list("number", "id"))
    policy = policy_in_force()
    if policy is None:
        raise BenchError("no assignment policy in force after migrate (0002_default_policy)")
    covered = sorted(covered_numbers(policy))
    other = sorted(set(articles) - set(covered))
    password = make_password(None)  # unusable: nobody logs in as these users

    def user(name: str, role: str, region_id: int, gender: str = "") -> User:
        return User(
            username=f"bench-{name}",
            full_name=name,
            role=role,
            region_id=region_id,
            gender=gender,
            password=password,
        )

    users: list[User] = []
    for r, (region_id, code) in enumerate(regions):
        n = args.prosecutors // args.regions + (r < args.prosecutors % args.regions)
        women = round(n * args.female_share)
        genders = ["f"] * women + ["m"] * (n - women)
        rng.shuffle(genders)
        for gender in genders:
            users.append(
                user(f"prosecutor-{len(users):05d}-{code}", Role.PROSECUTOR, region_id, gender)
            )
    chiefs = [
        user(f"chief-{k}-{code}", Role.REGIONAL_CHIEF, rid)
        for rid, code in regions
        for k in range(args.chiefs_per_region)
    ]
    User.objects.bulk_create(users + chiefs, batch_size=1000)
    prosecutors = Prosecutor.objects.bulk_create(
        [Prosecutor(user=u, capacity=rng.randint(20, 60)) for u in users], batch_size=1000
    )
    females: dict[int, list[int]] = {r: [] for r, _ in regions}
    males: dict[int, list[int]] = {r: [] for r, _ in regions}
    for p, u in zip(prosecutors, users, strict=True):
        (females if u.gender == "f" else males)[u.region_id].append(p.pk)
    return World(regions, articles, covered, other, females, males, len(chiefs), policy)


def draw_case(world: World, rng: random.Random, args: argparse.Namespace, held: bool) -> tuple:
    """(region id, article numbers, victims, holder, stage): mostly covered articles, sometimes
    two; 0-2 child victims, ~8% of them with a preferred prosecutor gender. A held case is open
    (25% in court) and held by a prosecutor of its region, a man for --male-share of the covered."""
    if rng.random() < args.covered_share:
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
    region = rng.choice(world.regions)[0]
    if not held:
        return region, sorted(numbers), victims, None, "pretrial"
    men, women = world.males[region], world.females[region]
    if numbers & set(world.covered):
        pool = men if men and rng.random() < args.male_share else women
    else:
        pool = women + men
    stage = "in_court" if rng.random() < 0.25 else "pretrial"
    return region, sorted(numbers), victims, rng.choice(pool or women + men), stage


def insert_cases(world: World, rng: random.Random, cases: list, tag: str, days: int) -> list[int]:
    """The cases, their articles and their victims, by COPY (`core.bulk.insert_rows`)."""
    from qorgau.cases.models import Case, Victim
    from qorgau.core.bulk import insert_rows

    now = datetime.now(UTC)
    rows = []
    for n, (region, numbers, _victims, holder, stage) in enumerate(cases):
        created = now - timedelta(minutes=rng.randint(5, days * 24 * 60))
        opened, public_id, registry = created.date(), f"{tag}{n:09d}", f"{tag}{n:012d}"
        court = opened + timedelta(days=30) if stage == "in_court" else None
        covered = holder is not None and bool(set(numbers) & set(world.covered))
        reason = "" if holder else "returned"
        rows.append(
            (created, public_id, registry, region, stage, opened, court, holder, reason, covered)
        )
    columns = ["created_at", "public_id", "registry_number", "region_id", "stage", "opened_on"]
    columns += ["sent_to_court_on", "prosecutor_id", "unassigned_reason", "covered"]
    ids = insert_rows(Case, columns, rows, returning_ids=True)
    articles = [(i, world.articles[a]) for i, case in zip(ids, cases, strict=True) for a in case[1]]
    insert_rows(Case.articles.through, ["case_id", "criminalarticle_id"], articles)
    victims = [(i, *v) for i, case in zip(ids, cases, strict=True) for v in case[2]]
    insert_rows(Victim, ["case_id", "age", "gender", "preferred_prosecutor_gender"], victims)
    vacuum_analyze(TABLES)
    return ids


def case_counts() -> dict[str, int]:
    from qorgau.cases.enums import OPEN_STAGES
    from qorgau.cases.models import Case

    total = Case.objects.count()
    return {"cases": total, "open_cases": Case.objects.filter(stage__in=OPEN_STAGES).count()}


# --- Checks (plain SQL, independent of the services) ----------------------------------------------

CASE_FACTS = """
    SELECT c.id, c.prosecutor_id, c.unassigned_reason, c.covered, c.stage, u.gender AS holder,
           EXISTS (SELECT 1 FROM cases_case_articles ca
                   JOIN core_criminalarticle a ON a.id = ca.criminalarticle_id
                   WHERE ca.case_id = c.id AND a.number = ANY(%(covered)s)) AS is_covered,
           ARRAY(SELECT DISTINCT v.preferred_prosecutor_gender::text FROM cases_victim v
                 WHERE v.case_id = c.id AND v.preferred_prosecutor_gender <> '') AS prefs
    FROM cases_case c
    LEFT JOIN cases_prosecutor p ON p.id = c.prosecutor_id
    LEFT JOIN core_user u ON u.id = p.user_id
"""
CHECKS = {
    "still_waiting": "prosecutor_id IS NULL",
    "without_holder_or_reason": "prosecutor_id IS NULL AND unassigned_reason = ''",
    "male_covered_without_preference": "is_covered AND holder = 'm' AND prefs <> ARRAY['m']",
    "male_covered_by_preference": "is_covered AND holder = 'm'",
    "preference_not_honoured": "%(honour)s AND cardinality(prefs) = 1 AND prosecutor_id IS NOT "
    "NULL AND holder <> prefs[1]",
    "covered_flag_wrong": "prosecutor_id IS NOT NULL AND covered <> is_covered",
    "covered_cases": "is_covered",
    "cases_with_preference": "cardinality(prefs) > 0",
}


def check_assignment(world: World, ids: list[int]) -> dict[str, int]:
    """Policy and consistency checks over the given cases after assignment."""
    from django.db import connection

    counts = ", ".join(f"count(*) FILTER (WHERE {cond})" for cond in CHECKS.values())
    with connection.cursor() as cursor:
        facts = f"WITH f AS ({CASE_FACTS} WHERE c.id = ANY(%(ids)s))"
        sql = f"{facts} SELECT {counts} FROM f"  # noqa: S608 - constants of this script
        cursor.execute(
            sql,
            {"ids": ids, "covered": world.covered, "honour": world.policy.honour_victim_preference},
        )
        return dict(zip(CHECKS, map(int, cursor.fetchone()), strict=True))


def load_spread() -> dict[str, int]:
    """The worst region's max - min open cases among its active female, male and all prosecutors."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH loads AS (
                SELECT u.region_id, u.gender, count(c.id) AS n FROM cases_prosecutor p
                JOIN core_user u ON u.id = p.user_id
                LEFT JOIN cases_case c
                    ON c.prosecutor_id = p.id AND c.stage IN ('pretrial', 'in_court')
                WHERE p.status = 'active' AND u.is_active GROUP BY p.id, u.region_id, u.gender
            ), spread AS (
                SELECT region_id, gender, max(n) - min(n) AS s FROM loads
                GROUP BY ROLLUP (region_id, gender)
            )
            SELECT (SELECT max(s) FROM spread WHERE gender = 'f'),
                   (SELECT max(s) FROM spread WHERE gender = 'm'),
                   (SELECT max(s) FROM spread WHERE gender IS NULL AND region_id IS NOT NULL),
                   (SELECT max(n) FROM loads WHERE gender = 'f'),
                   (SELECT min(n) FROM loads WHERE gender = 'f')
            """
        )
        row = [int(v or 0) for v in cursor.fetchone()]
    names = ["max_load_spread", "max_load_spread_male", "max_load_spread_all"]
    return dict(zip([*names, "max_load_female", "min_load_female"], row, strict=True))


def expected_handovers(world: World) -> int:
    """Open, assigned, covered cases whose holder may not hold them under the policy: the victims'
    single preference if honoured, else the policy's eligible genders."""
    return int(
        scalar(
            f"""WITH f AS ({CASE_FACTS}
                WHERE c.stage IN ('pretrial', 'in_court') AND c.prosecutor_id IS NOT NULL)
            SELECT count(*) FROM f WHERE is_covered AND CASE
                WHEN %(honour)s AND cardinality(prefs) = 1 THEN holder <> prefs[1]
                ELSE NOT holder = ANY(%(eligible)s) END""",  # noqa: S608 - constants
            {
                "covered": world.covered,
                "honour": world.policy.honour_victim_preference,
                "eligible": list(world.policy.eligible_genders),
            },
        )
    )


def handover_state() -> dict[str, int]:
    from django.db.models import Count, Q

    from qorgau.cases.models import Case
    from qorgau.core.models import Notification

    state = Case.objects.aggregate(
        with_deadline=Count("pk", filter=Q(handover_deadline__isnull=False)),
        with_proposal=Count("pk", filter=Q(handover_proposed_at__isnull=False)),
        handover_done=Count("pk", filter=Q(handover_done_at__isnull=False)),
    )
    return state | {"notifications": Notification.objects.filter(kind="handover_overdue").count()}


# --- The measurements -----------------------------------------------------------------------------


def measure(args: argparse.Namespace, commit: str) -> list[Line]:
    with bench_database(args) as (env, _tmp):
        return _measure(args, env["DATABASE_URL"])


def _measure(args: argparse.Namespace, url: str) -> list[Line]:
    from qorgau.cases import services

    rng = random.Random(args.seed)  # noqa: S311 - reproducible test data, not secrets
    log(f"generating {args.prosecutors} prosecutors in {args.regions} regions")
    world = make_world(args, rng)
    contract = all(getattr(args, k) == v for k, v in CONTRACT.items())
    common: Line = {
        "prosecutors": args.prosecutors,
        "regions": len(world.regions),
        "database": "postgresql",
        "postgresql": pg_settings(url),
        "seed": args.seed,
        "profiled": args.profile,
        "contract_sizes": contract,
    }
    lines: list[Line] = []

    def line(name: str, value: Any, unit: str, target: float | None = None, **extra: Any) -> None:
        entry = {"name": name, "value": value, "unit": unit, **common, **case_counts(), **extra}
        if target is not None and contract:
            entry |= {
                "target": f"< {target:g}",
                "meets_target": value is not None and value < target,
            }
        lines.append(entry)

    def timed(label: str, fn: Any) -> tuple[float, Any, Any]:
        with counting() as counter, profiled(args.profile, label):
            start = time.perf_counter()
            result = fn()
            return time.perf_counter() - start, result, counter

    def sql(c: Any) -> Line:
        return {"queries": c.queries, "sql_execute_s": rnd(c.seconds), "queries_by_kind": c.top(6)}

    # A. The chiefs' queues: N cases waiting (returned), then one batch assignment.
    log(f"A: {args.cases} cases waiting in the chiefs' queues, then assign_pending()")
    cases = [draw_case(world, rng, args, held=False) for _ in range(args.cases)]
    waiting = insert_cases(world, rng, cases, tag="q", days=30)
    seconds, assigned, counter = timed("assign_pending", services.assign_pending)
    checks = check_assignment(world, waiting)
    log(f"A: {assigned} assigned in {seconds:.3f} s; checks {checks}")
    a = {"waiting_cases": len(waiting), "assigned": assigned, **sql(counter), **checks}
    line(f"assign_{args.cases}_cases_s", rnd(seconds), "s", TARGET_ASSIGN_S, **a, **load_spread())

    # A'. case_create registers and assigns each case in its own transaction.
    log(f"A': case_create() for {args.one_by_one} new cases, one by one")
    code_of = dict(world.regions)
    per_case, created = [], []
    with counting() as counter, profiled(args.profile, f"case_create x {args.one_by_one}"):
        for i in range(args.one_by_one):
            region, numbers, vs, _holder, _stage = draw_case(world, rng, args, held=False)
            victims = [
                services.VictimInput(age=a, gender=g, preferred_prosecutor_gender=p)
                for a, g, p in vs
            ]
            data = services.CaseInput(
                registry_number=f"9{i:011d}",
                articles=numbers,
                region_code=code_of[region],
                victims=victims,
            )
            start = time.perf_counter()
            created.append(services.case_create(acting_user=None, data=data).pk)
            per_case.append((time.perf_counter() - start) * 1000)
    mean = sum(per_case) / len(per_case)
    extrapolated = rnd(mean * args.cases / 1000, 2)
    checks = check_assignment(world, created)
    one = {
        "calls": len(per_case),
        "mean_ms": rnd(mean),
        "max_ms": rnd(max(per_case)),
        f"extrapolated_{args.cases}_s": extrapolated,
        "queries_per_case": rnd(counter.queries / len(per_case), 1),
        "queries_by_kind": counter.top(6),
        "still_waiting": checks["still_waiting"],
        "male_covered_without_preference": checks["male_covered_without_preference"],
    }
    p50, p99 = percentile(per_case, 50), percentile(per_case, 99)
    log(f"A': p50 {p50:.2f} ms, p99 {p99:.2f} ms; checks {checks}")
    line("assign_one_case_p50_ms", rnd(p50), "ms", **one)
    line("assign_one_case_p99_ms", rnd(p99), "ms", **one)
    line(f"assign_{args.cases}_cases_one_by_one_s", extrapolated, "s", **one, extrapolated=True)

    # B. The open cases, assigned; a share of the covered ones held by men (before the policy).
    add = max(args.open_cases - case_counts()["open_cases"], 0)
    log(f"B: adding {add} assigned open cases (to {args.open_cases} open)")
    cases = [draw_case(world, rng, args, held=True) for _ in range(add)]
    insert_cases(world, rng, cases, tag="o", days=1000)
    expected = expected_handovers(world)
    log(f"B: {expected} open cases need a handover (independent SQL count)")

    def tick(name: str, target: float | None, **kwargs: Any) -> Any:
        seconds, stats, counter = timed(name, lambda: services.handover_tick(**kwargs))
        log(f"B: {name}: {seconds:.3f} s, {stats}, {counter.queries} queries")
        b = {"handovers_expected": expected, **asdict(stats), **sql(counter), **handover_state()}
        line(name, rnd(seconds), "s", target, **b)
        return stats

    stats = tick(f"tick_{args.open_cases}_open_cases_first_s", TARGET_TICK_S)
    lines[-1]["matches_expected"] = stats.deadlines_set == expected
    stats = tick(f"tick_{args.open_cases}_open_cases_again_s", None)
    lines[-1]["idempotent"] = stats.deadlines_set == 0 and stats.proposed == 0
    later = datetime.now(UTC) + timedelta(days=OVERDUE_DAYS)
    stats = tick(f"tick_{args.open_cases}_overdue_s", None, now=later)
    lines[-1] |= {"matches_expected": stats.proposed == expected, "now_offset_days": OVERDUE_DAYS}
    lines[-1]["chiefs"] = world.chiefs
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--prosecutors", type=int, default=CONTRACT["prosecutors"])
    parser.add_argument("--regions", type=int, default=CONTRACT["regions"], help="at most 20")
    parser.add_argument("--cases", type=int, default=CONTRACT["cases"], help="waiting cases (A)")
    parser.add_argument("--one-by-one", type=int, default=500, help="cases through case_create")
    parser.add_argument("--open-cases", type=int, default=CONTRACT["open_cases"], help="for B")
    parser.add_argument("--female-share", type=float, default=0.6, help="of the prosecutors")
    parser.add_argument("--covered-share", type=float, default=0.75, help="cases under the policy")
    parser.add_argument("--male-share", type=float, default=0.2, help="covered open cases of men")
    parser.add_argument("--chiefs-per-region", type=int, default=1, help="notified of overdue")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--profile", action="store_true", help="cProfile each measurement")
    add_common_args(parser, db_name="qorgau_bench_assign", timeout=1800)
    args = parser.parse_args(argv)
    if not 1 <= args.regions <= 20 or args.prosecutors < args.regions:
        parser.error("--regions is from 1 to 20, --prosecutors at least --regions")
    if args.one_by_one < 1 or args.cases < 1:
        parser.error("--cases and --one-by-one must be positive")
    check_db_name(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    columns = [
        *FIGURE,
        ("queries", lambda e: e.get("queries", e.get("queries_per_case"))),
        ("open cases", lambda e: e["open_cases"]),
        *TARGET,
    ]
    title = f"Qorgau assignment, {args.prosecutors} prosecutors{' (PROFILED)' * args.profile}"
    return run_bench(args, lambda commit: measure(args, commit), columns, title)


if __name__ == "__main__":
    sys.exit(main())
