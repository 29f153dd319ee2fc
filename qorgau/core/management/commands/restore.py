from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty installation (migrated, "
        "no data yet). Refuses a non-empty one unless --force (which replaces all its data), and "
        "refuses an archive that was altered or cut short. Run `manage.py verify_audit` after."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a non-empty installation"
        )
        parser.add_argument(
            "--without-lookup-keys",
            action="store_true",
            help="restore even though the lookup keys that keyed the archive's receipt codes, "
            "recovery codes and lookups are not configured (those codes will not open)",
        )

    def handle(
        self, *args: Any, path: Path, force: bool, without_lookup_keys: bool, **options: Any
    ) -> None:
        try:
            manifest = restore_archive(path, force=force, without_lookup_keys=without_lookup_keys)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            f"Restored {rows} rows and the evidence files of the backup of {manifest['created_at']}."
        )
