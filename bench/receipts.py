"""Benchmark of the receipt follow-up's answer time: does it tell whether a report exists?

    .venv/bin/python bench/receipts.py [--trials N] [--reports R]

On a fresh migrated PostgreSQL database, with R reports sent through the public form's service
(each with its receipt code), Django's test `Client` posts codes to `/report/status/` (the whole
request: middleware, view, service, template) in three cases, interleaved round by round so that
the machine's drift hits them alike:

- `no_such_code`: a code whose first half names no report, each from its own address;
- `wrong_code`: a report's first half with a wrong second half, each from its own address;
- `exhausted`: the report's right code from an address that has used up its tries of that first
  half (issue 18, finding 3: answered exactly like a wrong code).

Each case is one line (`receipt_<case>_median_ms`, with p90/p99); `receipt_median_spread_ms` is the
largest difference between the three medians, beside `argon2_verify_ms` (one verification alone)
for scale. Before issue 18 a code naming no report skipped argon2: a spread of about one
verification. Target: a spread under a fifth of one verification.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
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
    percentile,
    pg_settings,
    rnd,
    run_bench,
    summary_ms,
)

CASES = ("no_such_code", "wrong_code", "exhausted")
TARGET_SPREAD_SHARE = 0.2  # of one argon2 verification
PATH = "/report/status/?lang=en"


def address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def make_reports(count: int) -> list[str]:
    """`count` reports through the form's own service; their receipt codes."""
    from qorgau.intake import services
    from qorgau.intake.enums import Source

    submitter = services.Submitter(source=Source.WEB)
    codes = []
    for n in range(count):
        draft = services.ReportDraft(
            category="grooming", narrative=f"Synthetic bench narrative {n}", region_code="KZ-75"
        )
        submission = services.report_submit(draft=draft, submitter=submitter)
        codes.append(submission.receipt_code)
    return codes


def argon2_verify_ms(code: str, rounds: int = 30) -> float:
    from qorgau.intake import receipts

    stored = receipts.hash_code(code)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        receipts.verify(code, stored)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(args: argparse.Namespace, commit: str) -> list[Line]:
    with bench_database(args, hosts="127.0.0.1,localhost,testserver") as (env, _tmp):  # test Client
        return _measure(args, env["DATABASE_URL"])


def _measure(args: argparse.Namespace, url: str) -> list[Line]:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.QORGAU_RECEIPT_RATE_PER_10_MIN = 10**9  # the address limit is not what is measured
    log("collectstatic (DEBUG=false serves hashed static names from the manifest)")
    call_command("collectstatic", interactive=False, verbosity=0)
    log(f"{args.reports} reports through the form's service")
    codes = make_reports(args.reports)
    taken = {code[:8] for code in codes}
    rng = random.Random(args.seed)  # noqa: S311 - synthetic codes, not security
    client = Client()

    def no_such() -> str:
        while True:
            code = f"{rng.randrange(10**16):016d}"
            if code[:8] not in taken:
                return code

    def wrong(code: str) -> str:
        return code[:8] + f"{(int(code[8:]) + 1 + rng.randrange(10**7)) % 10**8:08d}"

    target = codes[0]
    exhausted_from = address(0)
    for _ in range(settings.QORGAU_RECEIPT_FAILURES_PER_CODE_PER_HOUR + 1):
        client.post(PATH, {"code": wrong(target)}, REMOTE_ADDR=exhausted_from)
    counter = 1
    times: dict[str, list[float]] = {case: [] for case in CASES}
    statuses: dict[str, set[int]] = {case: set() for case in CASES}

    def attempt(case: str) -> tuple[float, int]:
        nonlocal counter
        counter += 1
        if case == "no_such_code":
            code, where = no_such(), address(counter)
        elif case == "wrong_code":
            code, where = wrong(rng.choice(codes)), address(counter)
        else:
            code, where = target, exhausted_from
        start = time.perf_counter()
        response = client.post(PATH, {"code": code}, REMOTE_ADDR=where)
        return (time.perf_counter() - start) * 1000, response.status_code

    for _ in range(args.warmup):
        for case in CASES:
            attempt(case)
    log(f"{args.trials} attempts per case, interleaved")
    with measured_phase(args, "receipt attempts") as load:
        for _ in range(args.trials):
            order = list(CASES)
            rng.shuffle(order)
            for case in order:
                ms, status = attempt(case)
                times[case].append(ms)
                statuses[case].add(status)
    if any(s != {400} for s in statuses.values()):
        raise BenchError(f"every attempt should answer 400: {statuses}")
    verify_ms = argon2_verify_ms(target)
    context: dict[str, Any] = {
        "reports": args.reports,
        "trials": args.trials,
        "argon2_verify_ms": rnd(verify_ms),
        "postgresql": pg_settings(url),
        **load,
    }
    lines: list[Line] = []
    medians = {}
    for case in CASES:
        series = summary_ms(times[case])
        medians[case] = statistics.median(times[case])
        lines.append(
            {
                "name": f"receipt_{case}_median_ms",
                "value": rnd(medians[case]),
                "unit": "ms",
                "case": case,
                "status_codes": sorted(statuses[case]),
                **series,
                "p99_ms": rnd(percentile(times[case], 99)),
                **context,
            }
        )
    spread = max(medians.values()) - min(medians.values())
    limit = TARGET_SPREAD_SHARE * verify_ms
    lines.append(
        {
            "name": "receipt_median_spread_ms",
            "value": rnd(spread),
            "unit": "ms",
            "medians_ms": {case: rnd(ms) for case, ms in medians.items()},
            "share_of_one_verify": rnd(spread / verify_ms) if verify_ms else None,
            "target": f"< {TARGET_SPREAD_SHARE:g} x one argon2 verification ({limit:.1f} ms)",
            "meets_target": spread < limit,
            **context,
        }
    )
    lines.append({"name": "argon2_verify_ms", "value": rnd(verify_ms), "unit": "ms", **context})
    for line in lines:
        log(f"{line['name']}: {line['value']} ms")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=200, help="timed attempts per case")
    parser.add_argument("--warmup", type=int, default=5, help="untimed attempts per case first")
    parser.add_argument("--reports", type=int, default=50, help="reports with a receipt code")
    parser.add_argument("--seed", type=int, default=18)
    add_quiet_args(parser, wait=60.0)
    add_common_args(parser, db_name="qorgau_bench_receipts", timeout=1800)
    args = parser.parse_args(argv)
    if args.trials < 1 or args.reports < 1 or args.warmup < 0:
        parser.error("--trials and --reports must be positive, --warmup not negative")
    check_db_name(parser, args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    columns = [*FIGURE, ("load", lambda e: e.get("loadavg_1m_measured")), *TARGET]
    title = f"Qorgau receipt follow-up, {args.reports} reports, {args.trials} attempts per case"
    return run_bench(args, lambda commit: measure(args, commit), columns, title)


if __name__ == "__main__":
    sys.exit(main())
