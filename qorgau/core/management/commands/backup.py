from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.backup import BackupError, write_archive


class Command(BaseCommand):
    help = (
        "Write an encrypted archive (AES-256-GCM, authenticated) of every table and the evidence "
        "files to PATH. The key: QORGAU_BACKUP_KEY when set, else derived from the master key. "
        "Restore it with `manage.py restore PATH`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            manifest = write_archive(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        files = sum(1 for name in manifest["members"] if name.startswith("evidence/"))
        self.stdout.write(f"Backup written to {path}: {rows} rows, {files} evidence files.")
