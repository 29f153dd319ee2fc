from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.prevention.services import SCHOOL_COLUMNS, school_import_csv


class Command(BaseCommand):
    help = (
        "Import schools from a CSV file (columns: "
        + ",".join(SCHOOL_COLUMNS)
        + "). Every row is checked and each bad row is reported with its line and reason; nothing "
        "is imported if a row is bad, unless --good-rows. Exits 1 when a row is bad."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the CSV file (UTF-8; commas or semicolons)")
        parser.add_argument(
            "--good-rows",
            action="store_true",
            help="import the good rows even if some rows are bad",
        )

    def handle(self, *args: Any, path: str, good_rows: bool, **options: Any) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file")
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1251")
        result = school_import_csv(acting_user=None, text=text, good_rows=good_rows)
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.reason}")
        if result.imported or result.ok:
            self.stdout.write(
                f"{result.rows} rows: {result.created} new schools, {result.updated} updated, "
                f"{result.unchanged} unchanged, {len(result.errors)} bad rows skipped"
            )
        else:
            self.stdout.write(
                f"Nothing was imported: {len(result.errors)} bad rows of {result.rows} "
                "(fix them, or use --good-rows to import the others)"
            )
        if result.errors:
            raise SystemExit(1)
