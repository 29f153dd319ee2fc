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

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        stats = relink_all()
        self.stdout.write(
            f"{stats.uses} uses of {stats.identifiers} identifiers -> {stats.subjects} subjects "
            f"({stats.created} new, {stats.merged} merged away, {stats.changed} identifiers moved) "
            f"in {time.perf_counter() - started:.1f} s"
        )
