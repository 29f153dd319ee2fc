from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the active master key (QORGAU_MASTER_KEY), while the "
        "application keeps running with the old key listed in QORGAU_PREVIOUS_MASTER_KEYS. "
        "See docs/operations.md for the whole procedure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the values still under old keys"
        )

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        results = rotate_all(batch_size=batch_size, dry_run=dry_run)
        total = 0
        for result in results:
            total += result.rewrapped
            verb = "to re-wrap" if dry_run else "re-wrapped"
            self.stdout.write(
                f"{result.label}: {result.rewrapped} {verb}, {result.current} already current, "
                f"{result.skipped} changed meanwhile (already under the new key)"
            )
        self.stdout.write(
            f"{total} values {'still under old keys' if dry_run else 're-wrapped'} in all."
        )
