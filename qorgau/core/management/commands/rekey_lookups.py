from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.rekey import rekey_all


class Command(BaseCommand):
    help = (
        "Rewrite every stored lookup value that can be recomputed (identifier and IIN lookups) "
        "under the current lookup key (QORGAU_LOOKUP_KEY), in batches, while the application runs; "
        "count those that cannot (receipt locators, recovery codes) by the key that made them. "
        "Idempotent. See docs/operations.md ('Upgrading to the lookup key', 'Key rotation')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the values under old keys"
        )

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verb = "to rewrite" if dry_run else "rewritten"
        still_needed: set[str] = set()
        for result in rekey_all(batch_size=batch_size, dry_run=dry_run):
            parts = [f"{result.current} current"]
            if result.rewrites:
                parts.insert(0, f"{result.rewritten} {verb}")
            if result.merged:
                parts.append(f"{result.merged} merged into their twin under the current key")
            if result.conflicts:
                ids = ", ".join(str(pk) for pk in result.conflicts[:20])
                parts.append(
                    f"{len(result.conflicts)} left: another register entry holds the same IIN "
                    f"(entries {ids}; merge them, then run this again)"
                )
            if result.dropped:
                parts.append(f"{result.dropped} {'to drop' if dry_run else 'dropped'} (old keys)")
            for key, count in sorted(result.left.items()):
                name = "SECRET_KEY of before the lookup key" if key == "legacy" else f"key {key}"
                parts.append(f"{count} under {name}")
                still_needed.add(name)
            self.stdout.write(f"{result.label}: {', '.join(parts)}")
        if still_needed:
            self.stdout.write(
                "Keep configured (QORGAU_PREVIOUS_LOOKUP_KEYS, QORGAU_LEGACY_SECRET_KEYS): "
                + ", ".join(sorted(still_needed))
                + ". A receipt locator moves to the current key when its code next opens its "
                "report, recovery codes when their holder enrols again."
            )
        else:
            self.stdout.write("Nothing is left under an old key: the old keys may be removed.")
