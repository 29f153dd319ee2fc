from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from qorgau.analytics.synthetic import BATCH, SPAN_DAYS, generate


class Command(BaseCommand):
    help = (
        "Large synthetic data for benchmarks and capacity tests (never on production): reports, "
        "cases with their victims and articles, offenders with a conviction each; obviously "
        "synthetic values, encrypted fields encrypted, one audit entry per batch, daily counts "
        "refilled. COPY on PostgreSQL. Prints a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, default=0)
        parser.add_argument("--cases", type=int, default=0)
        parser.add_argument("--offenders", type=int, default=0)
        parser.add_argument("--seed", type=int, default=None, help="for reproducible data")
        parser.add_argument("--batch", type=int, default=BATCH, help="rows per transaction")
        parser.add_argument(
            "--days",
            type=int,
            default=SPAN_DAYS,
            help="reports and cases spread over the last N days",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("reports", "cases", "offenders", "batch", "days"):
            if options[name] < (1 if name in ("batch", "days") else 0):
                self.stderr.write(f"--{name} must be a positive number")
                raise SystemExit(2)
        bars: dict[str, tqdm] = {}

        def progress(what: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(what)
            if bar is None:
                bar = bars[what] = tqdm(total=total, desc=what, unit="rows", unit_scale=True)
            bar.update(done)
            if bar.n >= total:
                bar.close()

        stats = generate(
            reports=options["reports"],
            cases=options["cases"],
            offenders=options["offenders"],
            seed=options["seed"],
            batch_size=options["batch"],
            span_days=options["days"],
            progress=progress,
        )
        self.stdout.write(json.dumps(stats.as_dict()))
