from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgau.linking.hash_lists import hash_list_import


class Command(BaseCommand):
    help = (
        "Import a new version of a known-hash list (CSV: a header row, then one hash per line; "
        "columns md5, sha1, sha256, pdq, or hash with type; optional label). Nothing is imported "
        "while a line is bad, unless --good-rows. Files already stored are matched against it "
        "by `tick`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the CSV file")
        parser.add_argument(
            "--label", required=True, help="the list's name (a new version if it exists)"
        )
        parser.add_argument(
            "--good-rows", action="store_true", help="import the good lines even if some are bad"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        started = time.monotonic()
        with path.open("rb") as handle:
            result = hash_list_import(
                acting_user=None,
                handle=handle,
                label=options["label"],
                good_rows=options["good_rows"],
                source_name=path.name,
            )
        for error in result.errors:
            self.stderr.write(f"line {error.line}: {error.reason}")
        if result.bad > len(result.errors):
            self.stderr.write(f"... and {result.bad - len(result.errors)} more bad lines")
        if result.version is None:
            raise CommandError(
                f"nothing imported: {result.bad} bad lines of {result.rows} "
                "(fix them, or import the good lines with --good-rows)"
            )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.version.counts.items()))
        self.stdout.write(
            f"{result.version.hash_list.label} version {result.version.number}: "
            f"{result.imported} hashes ({counts}), {result.repeated} repeats left out, "
            f"{result.bad} bad lines left out, in {time.monotonic() - started:.1f} s"
        )
