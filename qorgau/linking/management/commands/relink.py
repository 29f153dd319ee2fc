from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from qorgau.linking.relink import relink_all


class Command(BaseCommand):
    help = (
        "Re-link from scratch: recompute every subject from where each identifier was seen "
        "(in one transaction; subjects keep their numbers where they can)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the re-link to a background worker instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from qorgau.linking.tasks import relink

            result = relink.enqueue()
            self.stdout.write(f"re-link enqueued as task {result.id}")
            return
        started = time.perf_counter()
        stats = relink_all()
        self.stdout.write(
            f"{stats.uses} uses of {stats.identifiers} identifiers -> {stats.subjects} subjects "
            f"({stats.created} new, {stats.merged} merged away, {stats.changed} identifiers moved) "
            f"in {time.perf_counter() - started:.1f} s"
        )
