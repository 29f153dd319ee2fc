"""Benchmark of linking at scale: one new report against millions of stored identifiers, and the
full re-link from scratch, on PostgreSQL.

    .venv/bin/python bench/linking.py [--identifiers N] [--reports M] [--submit-reports K]

On a fresh migrated database loaded with N synthetic identifiers (`_linking_data`: COPY, indexes
rebuilt after), in this process with the application's services:

* extract and link one new report: `report_identifiers` + `link_owner` in a durable transaction
  (as `report_submit` does), per report: p50 / p99 (target: p99 < 10 ms at 10 M identifiers);
* the whole intake service `report_submit` per report: p50 / p99;
* `relink_all()` over every stored report, in a spawned process: wall time (target: 1 M reports
  in under 2 minutes, pro rata) and that process's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path
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
    log,
    measured_phase,
    pg_settings,
    profiled,
    rnd,
    run_bench,
    setup_django,
    spawned,
    summary_ms,
)
from _linking_data import LAYOUT, REPORT_OWNER, NewReports, generate

TARGET_LINK_P99_MS, TARGET_LINK_AT_IDENTIFIERS = 10.0, 10_000_000
TARGET_RELINK_S, TARGET_RELINK_REPORTS = 120.0, 1_000_000


def data_size() -> dict[str, int]:
    from qorgau.intake.models import Report
    from qorgau.linking.models import Identifier, IdentifierUse, Subject

    return {
        "identifiers": Identifier.objects.count(),
        "reports": Report.objects.count(),
        "uses": IdentifierUse.objects.count(),
        "subjects": Subject.objects.filter(merged_into__isnull=True).count(),  # live
        "subjects_merged_away": Subject.objects.filter(merged_into__isnull=False).count(),
    }


def server_activity() -> tuple[int, int]:
    """WAL position and checkpoints so far: what the server wrote during a series."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
            "checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter"
        )
        wal, checkpoints = cursor.fetchone()
    return int(wal), int(checkpoints)


def series(args: argparse.Namespace, what: str, count: int, step: Any) -> Line:
    """`step(index)` for --warmup untimed and `count` timed reports; each returns its timings
    in seconds by name (`total` first) and what it did. The samples, the load, the server."""
    samples: dict[str, list[float]] = {}
    cases: dict[str, list[float]] = {}
    done: dict[str, int] = {}
    wal0, checkpoints0 = server_activity()
    with measured_phase(args, what) as load, profiled(args.profile, what):
        for index in range(args.warmup + count):
            timings, facts = step(index)
            if index < args.warmup:
                continue
            for name, seconds in timings.items():
                samples.setdefault(name, []).append(seconds * 1000)
            for name, happened in facts.items():
                done[name] = done.get(name, 0) + bool(happened)
            case = "merges" if facts.get("merged") else "joins" if facts.get("joined") else "new"
            cases.setdefault(case, []).append(timings["total"] * 1000)
    wal, checkpoints = server_activity()
    reports = args.warmup + count
    return {
        "samples": samples,
        "done": done,
        "by_case": {c: {"reports": len(t), **summary_ms(t)} for c, t in sorted(cases.items())},
        "warmup": args.warmup,
        "wal_bytes_per_report": round((wal - wal0) / reports),
        "checkpoints_during": checkpoints - checkpoints0,
        **load,
    }


def link_series(
    args: argparse.Namespace, factory: NewReports, platform: Any, regions: list
) -> Line:
    """Extract and link one new report as report_submit does: `report_identifiers` on the stored
    report, then `link_owner` in a durable transaction (its commit included)."""
    from django.db import transaction
    from django.utils import timezone

    from qorgau.intake.models import Report
    from qorgau.intake.services import report_identifiers
    from qorgau.linking.services import link_owner

    items = [factory.make() for _ in range(args.reports + args.warmup)]
    now = timezone.now()
    reports = Report.objects.bulk_create(
        [
            Report(
                source="platform",
                platform=platform,
                category=item["category"],
                reporter_relation="parent",
                language=item["language"],
                region=regions[i % len(regions)] if regions else None,
                child_age=12,
                child_gender="f",
                narrative=item["narrative"],
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

    def step(index: int) -> tuple[dict, dict]:
        report, item = reports[index], items[index]
        name = (report.suspect or {}).get("name")
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
                names=[name] if name else [],
            )
        t2 = time.perf_counter()
        timings = {"total": t2 - t0, "extract": t1 - t0, "link": t2 - t1}
        return timings, {"reused": item["reused"], "merged": result.merged, "joined": result.others}

    log(f"linking {args.reports} new reports (+{args.warmup} warm-up) one by one")
    return series(args, "link series", args.reports, step)


def suspect_of(item: dict) -> dict | None:
    suspect: dict[str, Any] = {"name": item["suspect_name"]} if item["suspect_name"] else {}
    if item["identifiers"]:
        suspect["identifiers"] = [{"kind": k, "value": v} for k, v in item["identifiers"]]
    return suspect or None


def submit_series(
    args: argparse.Namespace, factory: NewReports, platform: Any, regions: list
) -> Line:
    """The whole intake service per report: report_submit from a platform (as the API calls it)."""
    from qorgau.intake import services

    submitter = services.Submitter(source="platform", platform=platform)
    codes = [r.code for r in regions] or [None]
    run = secrets.token_hex(4)

    def step(index: int) -> tuple[dict, dict]:
        item = factory.make()
        draft = services.ReportDraft(
            category=item["category"],
            narrative=item["narrative"],
            language=item["language"],
            region_code=codes[index % len(codes)],
            child_age=12,
            child_gender="f",
            reporter_relation="parent",
            anonymous=True,
            suspect_name=item["suspect_name"],
            identifiers=[services.Identifier(kind=k, value=v) for k, v in item["identifiers"]],
        )
        t0 = time.perf_counter()
        services.report_submit(draft=draft, submitter=submitter, idempotency_key=f"b-{run}-{index}")
        return {"total": time.perf_counter() - t0}, {"reused": item["reused"]}

    log(f"submitting {args.submit_reports} new reports (+{args.warmup} warm-up)")
    return series(args, "report_submit series", args.submit_reports, step)


def _status_mb(key: str) -> float | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return None


def relink_worker(env: dict, profile: bool, max_memory_gb: float, index: int, results: Any) -> None:
    """relink_all() in a spawned process, its address space capped (RLIMIT_AS): past the cap it
    fails with MemoryError instead of the kernel's OOM killer picking a process on the machine."""
    try:
        if max_memory_gb > 0:
            limit = int(max_memory_gb * 2**30)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        setup_django(env)
        from qorgau.linking.relink import relink_all

        before = _status_mb("VmRSS")
        t0 = time.perf_counter()
        with profiled(profile, "relink_all"):
            stats = relink_all()
        results.put(
            {
                "seconds": time.perf_counter() - t0,
                "rss_before_mb": before,
                # VmHWM is this process's own peak; ru_maxrss survives fork/exec (the parent's size)
                "peak_rss_mb": _status_mb("VmHWM"),
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "stats": dict(vars(stats)),
            }
        )
    except BaseException as exc:
        results.put({"error": f"{type(exc).__name__}: {exc} (see --relink-max-memory-gb)"})


def measure(args: argparse.Namespace, commit: str) -> list[Line]:
    with bench_database(args) as (env, _tmp):
        return _measure(args, env)


def _measure(args: argparse.Namespace, env: dict[str, str]) -> list[Line]:
    from django.db import connection

    from qorgau.core.models import Region
    from qorgau.intake.models import Platform

    platform = Platform.objects.create(name="bench-linking")
    regions = list(Region.objects.order_by("pk"))
    ciphertexts = "shared-per-kind" if args.shared_ciphertexts else "per-row"
    log(f"generating {args.identifiers:,} identifiers ({ciphertexts} ciphertexts)")
    with profiled(args.profile, "generate"):
        gen = generate(env["DATABASE_URL"], args, platform.pk, [r.pk for r in regions])
    connection.close()  # the in-process connection sees the new statistics and sequences afresh
    size = data_size()
    log(f"generated in {gen['total_s']:.1f} s: {size}")
    common = {
        "database": "postgresql",
        "postgresql": pg_settings(env["DATABASE_URL"]),
        "identifier_ciphertexts": ciphertexts,
        "report_ciphertexts": "shared (one real narrative and one suspect ciphertext for every "
        "generated report; new reports are encrypted by the application)",
        "profiled": args.profile,
    }
    lines: list[Line] = []

    def figure(name: str, value: Any, unit: str, ctx: Line, **extra: Any) -> None:
        lines.append({"name": name, "value": value, "unit": unit, **ctx, **common, **extra})

    figure(
        "linking_generate_s",
        rnd(gen["total_s"], 1),
        "s",
        size,
        copy_s=rnd(gen["copy_s"], 1),
        index_rebuild_s=rnd(gen["index_s"], 1),
        vacuum_analyze_checkpoint_s=rnd(gen["vacuum_s"], 1),
        name_identifiers=gen["name_pool"],
        nameentries=gen["nameentries"],
        layout={**LAYOUT, "merged_away_subjects_share": args.merged_share, "seed": args.seed},
    )
    factory = NewReports(random.Random(args.seed + 1), gen, args)  # noqa: S311 - synthetic data

    size = data_size()
    link = link_series(args, factory, platform, regions)
    samples, done = link.pop("samples"), link.pop("done")
    total, extract, own = (summary_ms(samples[k]) for k in ("total", "extract", "link"))
    ctx = {
        **size,
        **link,
        "samples": len(samples["total"]),
        "mean_ms": total["mean_ms"],
        "p90_ms": total["p90_ms"],
        "max_ms": total["max_ms"],
        "extract_p50_ms": extract["p50_ms"],
        "extract_p99_ms": extract["p99_ms"],
        "link_owner_commit_p50_ms": own["p50_ms"],
        "link_owner_commit_p99_ms": own["p99_ms"],
        "reports_reusing_identifiers": done.get("reused", 0),
        "reports_joining_existing_subject": done.get("joined", 0),
        "reports_merging_subjects": done.get("merged", 0),
        "new_reports_grow_share": args.grow_share,
        "new_reports_merge_share": args.merge_share,
        "what": "report_identifiers(report) + link_owner(...) in transaction.atomic(durable=True), "
        "commit included; the report row is inserted beforehand (not timed)",
    }
    p99 = total["p99_ms"]
    log(f"link one report: p50 {total['p50_ms']} ms, p99 {p99} ms")
    figure("link_one_report_p50_ms", total["p50_ms"], "ms", ctx)
    target = f"< {TARGET_LINK_P99_MS:g} ms at {TARGET_LINK_AT_IDENTIFIERS:,} identifiers"
    met = p99 is not None and p99 < TARGET_LINK_P99_MS
    reached = size["identifiers"] >= TARGET_LINK_AT_IDENTIFIERS
    figure(
        "link_one_report_p99_ms",
        p99,
        "ms",
        ctx,
        target=target,
        meets_target=met,
        target_size_reached=reached,
    )

    if args.submit_reports:
        size = data_size()
        submit = submit_series(args, factory, platform, regions)
        samples, done = submit.pop("samples"), submit.pop("done")
        submit.pop("by_case")
        total = summary_ms(samples["total"])
        ctx = {**size, **submit, "samples": len(samples["total"]), "mean_ms": total["mean_ms"]}
        ctx |= {"p90_ms": total["p90_ms"], "max_ms": total["max_ms"]}
        ctx["reports_reusing_identifiers"] = done.get("reused", 0)
        ctx["what"] = "qorgau.intake.services.report_submit (source platform, no files), in process"
        log(f"report_submit: p50 {total['p50_ms']} ms, p99 {total['p99_ms']} ms")
        figure("submit_one_report_p50_ms", total["p50_ms"], "ms", ctx)
        figure("submit_one_report_p99_ms", total["p99_ms"], "ms", ctx)
    if not args.skip_relink:
        lines += relink(args, env, common)
    return lines


def relink(args: argparse.Namespace, env: dict[str, str], common: Line) -> list[Line]:
    """relink_all() in a spawned process: wall time against the target (pro rata), peak RSS."""
    from django.db import connection

    size = data_size()
    connection.close()
    log(f"relink_all over {size['reports']:,} reports (timeout {args.relink_timeout:.0f} s)")
    start = time.monotonic()
    with measured_phase(args, "relink_all") as load:
        try:
            job = (env, args.profile, args.relink_max_memory_gb)
            run = spawned(relink_worker, job, 1, args.relink_timeout)[0]
        except BenchError as exc:
            run = {"seconds": None, "peak_rss_mb": None, "error": str(exc), "stats": {}}
    seconds, reports = run["seconds"], size["reports"]
    log(f"relink_all: {seconds} s, peak RSS {run['peak_rss_mb']} MB {run.get('error') or ''}")
    pro_rata = TARGET_RELINK_S * reports / TARGET_RELINK_REPORTS
    ctx = {
        **size,
        **common,
        "relink_stats": run["stats"] or None,
        "reports_per_s": rnd(reports / seconds, 0) if seconds else None,
        "timed_out": seconds is None and time.monotonic() - start >= args.relink_timeout,
        **load,
        "timeout_s": args.relink_timeout,
        "max_memory_gb": args.relink_max_memory_gb,
        "error": run.get("error"),
        "what": "qorgau.linking.relink.relink_all() in a spawned process (Django set up first)",
    }
    target = f"< {TARGET_RELINK_S:g} s for {TARGET_RELINK_REPORTS:,} reports (pro rata: "
    target += f"< {pro_rata:.1f} s for {reports:,})"
    met = seconds is not None and seconds < pro_rata
    rss = {
        "measured_as": "VmHWM of the relink process (its own peak RSS; getrusage ru_maxrss "
        "survives fork/exec and also counts the parent's size)",
        "child_ru_maxrss_mb": rnd(run.get("ru_maxrss_mb"), 0),
        "rss_before_relink_mb": rnd(run.get("rss_before_mb"), 0),
        "bench_process_peak_rss_mb": rnd(_status_mb("VmHWM"), 0),
    }
    return [
        {
            "name": "relink_all_s",
            "value": rnd(seconds, 1),
            "unit": "s",
            **ctx,
            "target": target,
            "meets_target": met,
        },
        {
            "name": "relink_peak_rss_mb",
            "value": rnd(run["peak_rss_mb"], 0),
            "unit": "MB",
            **ctx,
            **rss,
        },
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    add = parser.add_argument
    add("--identifiers", type=int, default=1_000_000, help="stored identifiers to generate")
    add("--reports", type=int, default=2000, help="new reports extracted and linked one by one")
    add("--submit-reports", type=int, default=2000, help="new reports through report_submit")
    add("--warmup", type=int, default=50, help="untimed reports before each series")
    add("--grow-share", type=float, default=0.15, help="of new reports naming a stored identifier")
    add("--merge-share", type=float, default=0.05, help="of new reports naming two subjects'")
    add("--merged-share", type=float, default=0.02, help="of generated subjects merged away")
    add("--shared-ciphertexts", action="store_true", help="one real ciphertext per kind (faster)")
    add("--seed", type=int, default=20250101)
    add("--skip-relink", action="store_true", help="do not run relink_all")
    add("--relink-timeout", type=float, default=900.0, help="seconds, then it is killed")
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    add("--relink-max-memory-gb", type=float, default=round(memory / 2, 1), help="0: no cap")
    add("--profile", action="store_true", help="cProfile the generation and each series")
    add_quiet_args(parser, wait=120.0)
    add_common_args(parser, db_name="qorgau_bench_linking", timeout=7200)
    args = parser.parse_args(argv)
    if args.identifiers < 10 or args.reports < 1 or args.submit_reports < 0 or args.warmup < 0:
        parser.error("--identifiers >= 10, --reports >= 1, --submit-reports/--warmup >= 0")
    shares = (args.merged_share, args.grow_share, args.merge_share)
    if min(shares) < 0 or args.merged_share >= 1 or args.grow_share + args.merge_share > 1:
        parser.error("--merged-share, --grow-share, --merge-share: fractions, grow + merge <= 1")
    check_db_name(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    columns = [*FIGURE, ("identifiers", lambda e: e["identifiers"])]
    columns += [("reports", lambda e: e["reports"]), *TARGET]
    title = f"Qorgau linking, {args.identifiers:,} identifiers"
    return run_bench(args, lambda commit: measure(args, commit), columns, title)


if __name__ == "__main__":
    sys.exit(main())
