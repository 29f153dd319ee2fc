"""Reading a CSV file that people made, and the rule every import follows.

People export these files from Excel and from other agencies' systems: with a byte-order mark,
separated by commas, semicolons (Excel in Kazakh and Russian) or tabs, headers in any case. Every row
is checked before anything is written; each bad row is reported with its line and the reason, in the
user's language. Nothing is imported while a row is bad, unless the user chose to import the good
rows. The writing itself (and its audit entry) happens in one transaction, so a failure part-way
leaves nothing half-imported.

Used by the schools register (prevention) and the offender register (offenders); a later import
uses it too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

T = TypeVar("T")
DELIMITERS = (",", ";", "\t")


class RowError(NamedTuple):
    """A bad row (or, on line 1, a bad file): its line in the file and why, for the person."""

    line: int
    reason: str


class Row(NamedTuple):
    line: int
    values: dict[str, str]


@dataclass
class ImportResult:
    """What an import did: rows read, bad rows, rows written (0 when nothing was), and how many of
    those were new, changed or already as the file says (for imports that update)."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def sniff_delimiter(header_line: str) -> str:
    """The separator of a file from its header line: whichever of , ; tab it has most of."""
    return max(DELIMITERS, key=header_line.count)


def read_csv(
    text: str, *, required: Sequence[str], expected: Sequence[str] | None = None
) -> tuple[list[Row], list[RowError]]:
    """The data rows with their line numbers (the header is line 1; keys are the header's names in
    lower case, values never None), or an error about the whole file: a missing column, or a file
    that is not CSV. Rows with nothing in them are skipped."""
    text = (text or "").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    try:
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [RowError(1, _("The file cannot be read as CSV: %(e)s") % {"e": exc})]
    missing = [c for c in required if c not in header]
    if missing:
        return [], [
            RowError(
                1,
                _("The header lacks the columns: %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ",".join(expected or required)},
            )
        ]
    reader.fieldnames = header
    rows: list[Row] = []
    try:
        for values in reader:
            clean = {k: v or "" for k, v in values.items() if isinstance(k, str) and k}
            if not any(v.strip() for v in clean.values()):
                continue
            rows.append(Row(reader.line_num, clean))
    except csv.Error as exc:  # a damaged file (stray quotes, NUL bytes): say so, import nothing
        return [], [
            RowError(
                max(reader.line_num, 1), _("The file cannot be read as CSV: %(e)s") % {"e": exc}
            )
        ]
    return rows, []


@dataclass
class Checked(Generic[T]):
    """What an import's check made of the rows: the good ones, ready to write, and the bad ones."""

    good: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def import_csv(
    *,
    text: str,
    required: Sequence[str],
    expected: Sequence[str] | None = None,
    check: Callable[[list[Row]], Checked[T]],
    write: Callable[[list[T], ImportResult], None],
    good_rows: bool = False,
) -> ImportResult:
    """Read `text`, `check` every row, and `write` the good ones in one transaction: only if no row
    is bad, or if `good_rows`. `write` fills `result.imported` (and created/updated/unchanged) and
    appends the import's audit entry; it runs inside the transaction."""
    result = ImportResult()
    rows, file_errors = read_csv(text, required=required, expected=expected)
    if file_errors:
        result.errors = file_errors
        return result
    result.rows = len(rows)
    checked = check(rows)
    result.errors = sorted(checked.errors, key=lambda e: e.line)
    if (result.errors and not good_rows) or not checked.good:
        return result
    with transaction.atomic():
        write(checked.good, result)
    return result
