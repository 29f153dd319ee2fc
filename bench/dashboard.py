"""Benchmark of the national picture: the staff dashboard and the summary API on PostgreSQL.

    .venv/bin/python bench/dashboard.py [--reports N] [--cases N] [--requests N] [--explain K]

On a fresh migrated database, the application's own synthetic data (`analytics.synthetic`, as
`manage.py generate` writes it: 1,000,000 reports over two years, 200,000 cases with their
articles and child victims, 2,000 offenders with a conviction each), plus what the dashboard also
reads: examinations and supervision meetings of the register and the schools' training cascade.
Then, in this process: the first full pre-aggregation `fill_report_counts(since=<two years
ago>)` and the minute's incremental one, and with Django's test `Client` (a central-office user
signed in; a personal API token for the API) N requests each to the national and a regional
dashboard and summary API: median and p99, and the statements one request runs. Target: under
300 ms median at 1M reports and 200,000 cases.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from _common import (
    FIGURE,
    TARGET,
    BenchError,
    Line,
    add_common_args,
    add_quiet_args,
    bench_database,
    check_db_name,
    counting,
    log,
    measured_phase,
    percentile,
    pg_settings,
    profiled,
    rnd,
    run_bench,
    vacuum_analyze,
)

CONTRACT = {"reports": 1_000_000, "cases": 200_000}
TARGET_MEDIAN_MS = 300.0
SPAN_DAYS = 730
SIZES = {
    "reports": "intake.Report",
    "cases": "cases.Case",
    "case_articles": "cases.Case_articles",
    "victims": "cases.Victim",
    "offenders": "offenders.Person",
    "supervision_meetings": "offenders.Meeting",
    "schools": "prevention.School",
    "teachers": "prevention.Teacher",
    "daily_counts": "analytics.DailyCount",
}


TABLES = [
    "intake_report", "cases_case", "cases_case_articles", "cases_victim", "offenders_person",
    "offenders_conviction", "offenders_conviction_articles", "offenders_examination",
    "offenders_supervisionplan", "offenders_meeting", "prevention_school", "prevention_teacher",
]  # fmt: skip


def data_sizes() -> dict[str, int]:
    from django.apps import apps

    return {key: apps.get_model(label).objects.count() for key, label in SIZES.items()}


def generate_extras(rng: random.Random, schools: int) -> None:
    """Beyond `analytics.synthetic`: examinations of 60% of the register (80% done); for the
    supervised, a plan with a meeting every 14 or 30 days (past ones 85% attended, 10% missed);
    the training cascade: `schools` schools, 10 master trainers per region, 4 teachers per school
    of whom 60% certified by a master of their region."""
    from django.utils import timezone

    from qorgau.core.bulk import insert_rows
    from qorgau.core.models import Region
    from qorgau.offenders.models import Examination, Meeting, Person, SupervisionPlan
    from qorgau.prevention.models import School, Teacher

    today = timezone.localdate()
    people = list(Person.objects.values_list("pk", "status", "released_on"))
    exams = []
    for pk, _status, _released in people:
        if rng.random() < 0.6:
            day = today - timedelta(days=rng.randrange(700))
            exams.append((pk, day, day if rng.random() < 0.8 else None, []))
    insert_rows(Examination, ["person_id", "scheduled_for", "done_on", "diagnostic_codes"], exams)
    supervised = [
        (pk, released or today) for pk, status, released in people if status == "supervised"
    ]
    plans = [
        (pk, [], "", rng.choice(["low", "moderate", "high"]), rng.choice([14, 30]), start, "active")
        for pk, start in supervised
    ]
    columns = ["person_id", "conditions", "other_conditions", "risk_level", "frequency_days"]
    ids = insert_rows(SupervisionPlan, [*columns, "starts_on", "status"], plans, returning_ids=True)
    meetings = []
    for plan_id, (_pk, _c, _o, _risk, every, start, _s) in zip(ids, plans, strict=True):
        due = start
        while due <= today + timedelta(days=60):
            status = rng.choices(["attended", "missed", "rescheduled"], [85, 10, 5])[0]
            status = "due" if due > today else status
            meetings.append((plan_id, due, status, due if due <= today else None))
            due += timedelta(days=every)
    insert_rows(Meeting, ["plan_id", "due_on", "status", "recorded_on"], meetings)
    if schools <= 0:
        return
    regions = list(Region.objects.values_list("pk", flat=True))
    rows = [
        (
            f"bench{n}",
            f"School {n}",
            rng.choice(regions),
            f"District {n % 12}",
            f"Settlement {n}",
            "town" if rng.random() < 0.45 else "village",
            rng.randint(80, 1980),
            ["kk", "ru"],
        )
        for n in range(schools)
    ]
    columns = ["public_id", "name", "region_id", "district", "settlement", "settlement_kind"]
    school_ids = insert_rows(School, [*columns, "pupils", "languages"], rows, returning_ids=True)
    columns = ["public_id", "full_name", "region_id", "school_id", "is_master_trainer"]
    columns += ["certified_on", "trained_by_id", "level"]
    masters = [
        (f"benchm{r}-{k}", f"Master {r} {k}", r, None, True, today - timedelta(days=400), None, 0)
        for r in regions
        for k in range(10)
    ]
    master_ids = insert_rows(Teacher, columns, masters, returning_ids=True)
    by_region: dict[int, list[int]] = {}
    for pk, row in zip(master_ids, masters, strict=True):
        by_region.setdefault(row[2], []).append(pk)
    teachers = []
    for pk, (_p, _n, region, *_rest) in zip(school_ids, rows, strict=True):
        for k in range(4):
            teacher = (f"bencht{pk}-{k}", f"Teacher {pk} {k}", region, pk, False)
            if rng.random() < 0.6:  # certified, level 1
                trainer = rng.choice(by_region[region])
                teachers.append((*teacher, today - timedelta(days=pk % 300), trainer, 1))
            else:
                teachers.append((*teacher, None, None, None))
    insert_rows(Teacher, columns, teachers)


EXPECTED = """
    WITH scope AS (SELECT %(region)s::text IS NULL AS national,
                          (SELECT id FROM core_region WHERE code = %(region)s) AS region)
    SELECT (SELECT count(*) FROM intake_report, scope
            WHERE created_at >= make_timestamptz(%(year)s, 1, 1, 0, 0, 0, %(tz)s)
              AND created_at < make_timestamptz(%(year)s + 1, 1, 1, 0, 0, 0, %(tz)s)
              AND (national OR region_id = region)),
           (SELECT count(*) FROM cases_victim v JOIN cases_case c ON c.id = v.case_id, scope
            WHERE c.opened_on >= make_date(%(year)s, 1, 1)
              AND c.opened_on < make_date(%(year)s + 1, 1, 1)
              AND v.age <= 17 AND (national OR c.region_id = region))
"""


def expected_figures(year: int, region_code: str | None) -> dict[str, int]:
    """What the summary must say, counted with plain SQL on the raw tables (independent of the
    pre-aggregation and of the selectors), in the application's time zone."""
    from django.conf import settings
    from django.db import connection

    params = {"tz": settings.TIME_ZONE, "year": year, "region": region_code}
    with connection.cursor() as cursor:
        cursor.execute(EXPECTED, params)
        reports, victims = cursor.fetchone()
    return {"reports": int(reports), "child_victims": int(victims)}


def checks(api: bool, response: Any, expected: dict[str, int]) -> dict[str, Any]:
    if response.status_code != 200:
        body = response.content[:600].decode("utf-8", "replace")
        raise BenchError(f"answered {response.status_code}: {body}")
    size = {"response_kb": round(len(response.content) / 1024, 1)}
    if not api:
        return size | {"shows_reports": f">{expected['reports']}<" in response.content.decode()}
    data = response.json()
    shown = {"reports_shown": data.get("reports"), "child_victims_shown": data.get("child_victims")}
    wanted = {
        "reports_expected": expected["reports"],
        "child_victims_expected": expected["child_victims"],
    }
    match = (
        shown["reports_shown"] == expected["reports"]
        and shown["child_victims_shown"] == expected["child_victims"]
    )
    return size | shown | wanted | {"figures_match": match}


def signed_in_client(user: Any) -> Any:
    """The test Client signed in as `user` with both factors, as after the real sign-in: password
    (force_login) and a confirmed authenticator (django-otp marks the session verified)."""
    import django_otp
    from django.http import HttpRequest
    from django.test import Client

    from qorgau.core.models import StaffTOTPDevice

    client = Client()
    client.force_login(user)
    device = StaffTOTPDevice.objects.create(user=user, name="bench authenticator", confirmed=True)
    request = HttpRequest()
    request.session, request.user = client.session, user
    django_otp.login(request, device)
    request.session.save()
    return client


def measure_endpoint(
    args: argparse.Namespace, client: Any, path: str, token: str, expected: dict
) -> Line:
    """--warmup untimed requests, then --requests timed; one more, untimed, counts statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    times = []
    with measured_phase(args, path) as load:
        for i in range(args.warmup + args.requests):
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            if i >= args.warmup:
                times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                checks(bool(token), response, expected)
    with CaptureQueriesContext(connection) as captured, profiled(args.profile, path):
        response = client.get(path, headers=headers)
    queries = sorted(
        ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), reverse=True
    )
    median, loadavg = statistics.median(times), load["loadavg_1m_measured"]
    log(f"{path}: median {median:.1f} ms, {len(queries)} statements, load {loadavg}")
    return {
        "times_ms": times,
        "path": path,
        "requests": len(times),
        "warmup": args.warmup,
        "mean_ms": rnd(statistics.fmean(times), 1),
        "min_ms": rnd(min(times), 1),
        "max_ms": rnd(max(times), 1),
        "queries": len(queries),
        "sql_ms_one_request": rnd(sum(ms for ms, _ in queries), 1),
        "slowest_queries": [
            {"ms": round(ms, 1), "sql": " ".join(sql.split())[:220]}
            for ms, sql in queries[: args.slowest]
        ],
        **checks(bool(token), response, expected),
        **load,
    }


def measure(args: argparse.Namespace, commit: str) -> list[Line]:
    with bench_database(args, hosts="127.0.0.1,localhost,testserver") as (env, _tmp):  # test Client
        return _measure(args, env["DATABASE_URL"])


def _measure(args: argparse.Namespace, url: str) -> list[Line]:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db.models import Sum
    from django.utils import timezone

    from qorgau.analytics.models import DailyCount
    from qorgau.analytics.services import fill_report_counts
    from qorgau.analytics.synthetic import Generator
    from qorgau.core.enums import Role
    from qorgau.core.models import User
    from qorgau.core.services import api_token_create

    year = timezone.localdate().year
    contract = all(getattr(args, k) == v for k, v in CONTRACT.items())
    common = {"database": "postgresql", "postgresql": pg_settings(url), "seed": args.seed}
    common |= {"year": year, "contract_sizes": contract}
    lines: list[Line] = []

    def line(name: str, value: Any, unit: str, ctx: Line) -> None:
        lines.append({"name": name, "value": value, "unit": unit, **common, **data_sizes(), **ctx})

    # 1. The data: the application's generator, then the rest of what the dashboard reads.
    with measured_phase(args, "generate") as load, counting() as counter:
        started = time.monotonic()
        done = {"reports": 0, "cases": 0, "offenders": 0}

        def progress(what: str, rows: int, total: int) -> None:
            done[what] += rows
            log(f"  {what} {done[what]:,} / {total:,} ({time.monotonic() - started:.0f} s)")

        generator = Generator(
            seed=args.seed, batch_size=10_000, span_days=SPAN_DAYS, progress=progress
        )
        generator.reports(args.reports)
        generator.cases(args.cases)
        generator.offenders(args.offenders)
        extras = time.monotonic()
        generate_extras(random.Random(args.seed), args.schools)  # noqa: S311 - synthetic data
        steps = {f"{k}_s": v for k, v in generator.stats.seconds.items()}
        steps["extras_s"] = round(time.monotonic() - extras, 2)
        vacuum_analyze(TABLES)
        seconds = time.monotonic() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [["intake_report", "cases_case", "cases_victim", "analytics_dailycount"]],
        )
        table_mb = {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}
    log(f"generated in {seconds:.1f} s: {data_sizes()}")
    line(
        "dashboard_generate_s",
        round(seconds, 2),
        "s",
        {"steps": steps, "queries": counter.queries, "table_mb": table_mb, **load},
    )

    # 2. The pre-aggregation, as production runs it: a first full fill, then the minute's tick.
    since = timezone.localdate() - timedelta(days=SPAN_DAYS + 1)
    fills = [("dashboard_fill_first_s", {"since": since}), ("dashboard_fill_incremental_s", {})]
    for name, kwargs in fills:
        with measured_phase(args, name) as load, counting() as counter:
            start = time.perf_counter()
            rows = fill_report_counts(**kwargs)
            seconds = time.perf_counter() - start
        total = DailyCount.objects.filter(metric="reports", key="all").aggregate(n=Sum("value"))[
            "n"
        ]
        log(f"{name}: {seconds:.2f} s, {rows:,} daily counts written, {counter.queries} queries")
        ctx = {"daily_counts_written": rows, "queries": counter.queries, **load}
        ctx |= {"sql_execute_s": rnd(counter.seconds), "since": kwargs.get("since")}
        line(name, round(seconds, 3), "s", ctx | {"counts_match_reports": total == args.reports})
    vacuum_analyze(["analytics_dailycount"])  # autovacuum would have, after that many new rows

    # 3. The requests.
    log("collectstatic (DEBUG=false serves hashed static names from the manifest)")
    call_command("collectstatic", interactive=False, verbosity=0)
    user = User.objects.create(
        username="bench-central",
        full_name="Bench Central Office",
        role=Role.CENTRAL_OFFICE,
        password=make_password(None),
    )
    _row, token = api_token_create(acting_user=None, user=user, name="bench")
    client = signed_in_client(user)
    region, api = args.region, f"/api/v1/stats/summary?year={year}"
    endpoints = [
        ("dashboard_national", "/staff/dashboard/", "", None),
        ("dashboard_region", f"/staff/dashboard/?region={region}", "", region),
        ("stats_summary", api, token, None),
        ("stats_summary_region", f"{api}&region={region}", token, region),
    ]
    for name, path, key, code in endpoints:
        series = measure_endpoint(args, client, path, key, expected_figures(year, code))
        times = series.pop("times_ms")
        median = statistics.median(times)
        target = {
            "target": f"< {TARGET_MEDIAN_MS:g} ms median",
            "meets_target": median < TARGET_MEDIAN_MS,
        }
        line(f"{name}_median_ms", rnd(median, 1), "ms", {**target, **series})
        line(f"{name}_p99_ms", rnd(percentile(times, 99), 1), "ms", series)
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=CONTRACT["reports"])
    parser.add_argument("--cases", type=int, default=CONTRACT["cases"])
    parser.add_argument("--offenders", type=int, default=2000, help="convicted persons")
    parser.add_argument("--schools", type=int, default=7000, help="of the training cascade")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per endpoint first")
    parser.add_argument("--region", default="KZ-75", help="the region of the regional requests")
    parser.add_argument("--slowest", type=int, default=5, help="slowest queries listed per line")
    parser.add_argument("--profile", action="store_true", help="cProfile one extra request each")
    parser.add_argument("--seed", type=int, default=42, help="of the generator")
    add_quiet_args(parser)
    add_common_args(parser, db_name="qorgau_bench_dashboard", timeout=5400)
    args = parser.parse_args(argv)
    if args.reports < 1 or args.cases < 1 or args.requests < 1 or args.warmup < 0:
        parser.error("--reports, --cases and --requests must be positive, --warmup not negative")
    if not re.match(r"^KZ-\d\d$", args.region):
        parser.error("--region is a region code like KZ-75")
    check_db_name(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    columns = [
        *FIGURE,
        ("queries", lambda e: e.get("queries")),
        ("load", lambda e: e.get("loadavg_1m_measured")),
        *TARGET,
    ]
    title = f"Qorgau national picture, {args.reports:,} reports, {args.cases:,} cases"
    return run_bench(args, lambda commit: measure(args, commit), columns, title)


if __name__ == "__main__":
    sys.exit(main())
