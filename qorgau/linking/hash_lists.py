"""Importing known-hash lists (issue 22): `manage.py import_hash_list` and the central office's page.

The file is CSV as hotlines and hash exchanges export it: a header row, then one hash per line.
The header names the columns, in any case:
- a column per algorithm, `md5`, `sha1` (or `sha-1`), `sha256` (`sha-256`), `pdq`: each line gives
  one or more hashes;
- or `hash` (`value`, `signal`) with `type` (`algorithm`, `kind`, `signal_type`) saying which
  (`md5`, `sha1`, `sha256`, `pdq`; `photo_md5`, `video_md5` and `pdq_hash` are read as their
  algorithm). Without a type column, 32 hex digits are MD5 and 40 are SHA-1; 64 could be SHA-256
  or PDQ, so such a line needs its type;
- optional `label` (`category`, `tags`): the list's own word for the entry.
Every line is checked before anything is written; each bad line is reported with its number and
why, in the reader's language, and nothing is imported while a line is bad unless the good lines
were asked for. The file is read twice, line by line (never whole in memory): once to check it,
once to write it. Each import is a new version of the list (a list is re-sent whole); the same
hash twice in one file is kept once. The rows go in by COPY on PostgreSQL, in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qorgau.core.bulk import insert_rows
from qorgau.core.csv_import import RowError, sniff_delimiter
from qorgau.core.errors import InvalidInput
from qorgau.core.models import User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.linking import pdq
from qorgau.linking.hash_models import (
    KNOWN_OWNER,
    HashAlgorithm,
    HashList,
    HashListVersion,
    KnownHash,
    PerceptualChunk,
    PerceptualHash,
)
from qorgau.linking.policies import IMPORT_HASH_LIST

LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "pdq": 64}
ALGORITHM_COLUMNS = {
    "md5": "md5",
    "sha1": "sha1",
    "sha-1": "sha1",
    "sha256": "sha256",
    "sha-256": "sha256",
    "pdq": "pdq",
}
VALUE_COLUMNS = ("hash", "value", "signal")
TYPE_COLUMNS = ("type", "algorithm", "kind", "signal_type")
LABEL_COLUMNS = ("label", "category", "tags")
TYPE_NAMES = {
    **{name: name for name in LENGTHS},
    "sha-1": "sha1",
    "sha-256": "sha256",
    "photo_md5": "md5",
    "video_md5": "md5",
    "pdq_hash": "pdq",
}
MAX_ERRORS = 1000  # lines reported; the count goes on
CHUNK = 50_000
_HEX = re.compile(r"[0-9a-f]+")


@dataclass
class HashListImport:
    """What an import did: lines read, the bad ones (the first MAX_ERRORS), the hashes written
    (0 when nothing was), repeats left out, and the version made."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    bad: int = 0
    imported: int = 0
    repeated: int = 0
    version: HashListVersion | None = None

    @property
    def ok(self) -> bool:
        return not self.bad


@dataclass(frozen=True)
class _Layout:
    columns: dict[str, int]  # algorithm column -> index
    value: int | None
    kind: int | None
    label: int | None


def _layout(header: list[str]) -> _Layout | str:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    columns = {ALGORITHM_COLUMNS[n]: i for i, n in enumerate(names) if n in ALGORITHM_COLUMNS}

    def first(options: tuple[str, ...]) -> int | None:
        return next((i for i, n in enumerate(names) if n in options), None)

    value = first(VALUE_COLUMNS)
    if not columns and value is None:
        return _(
            "The header names no hash column: write md5, sha1, sha256 or pdq, or hash with type."
        )
    return _Layout(columns, value, first(TYPE_COLUMNS), first(LABEL_COLUMNS))


def _check_value(algorithm: str, raw: str) -> str | None:
    value = raw.strip().lower()
    if len(value) != LENGTHS[algorithm] or not _HEX.fullmatch(value):
        return None
    return value


def _wrong_length(algorithm: str) -> str:
    return _("%(algorithm)s must be %(n)d hexadecimal digits.") % {
        "algorithm": HashAlgorithm(algorithm).label,
        "n": LENGTHS[algorithm],
    }


def _parse(cells: list[str], layout: _Layout) -> tuple[list[tuple[str, str, str]], str | None]:
    """A line's (algorithm, value, label) entries, or why it is bad."""

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    label = cell(layout.label)[:120]
    entries = []
    for algorithm, index in layout.columns.items():
        raw = cell(index)
        if not raw:
            continue
        value = _check_value(algorithm, raw)
        if value is None:
            return [], _wrong_length(algorithm)
        entries.append((algorithm, value, label))
    raw = cell(layout.value)
    if raw:
        kind = cell(layout.kind).lower()
        named = TYPE_NAMES.get(kind) if kind else {32: "md5", 40: "sha1"}.get(len(raw))
        if kind and named is None:
            return [], _("Unknown hash type “%(type)s”: write md5, sha1, sha256 or pdq.") % {
                "type": kind[:40]
            }
        if named is None:
            return [], _(
                "64 hexadecimal digits may be SHA-256 or PDQ: say which in the type column."
            )
        algorithm = named
        value = _check_value(algorithm, raw)
        if value is None:
            return [], _wrong_length(algorithm)
        entries.append((algorithm, value, label))
    if not entries:
        return [], _("No hash on this line.")
    return entries, None


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of the data lines; line 1 is the header."""
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", errors="replace", newline="")
    try:
        first = text.readline()
        delimiter = sniff_delimiter(first)
        yield 1, next(csv.reader([first], delimiter=delimiter), [])
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=2):
            if any(c.strip() for c in cells):
                yield number, cells
    finally:
        text.detach()


def _entries(handle: IO[bytes], result: HashListImport) -> Iterator[tuple[str, str, str]]:
    """Every good entry of the file, in order; bad lines counted in `result`."""
    layout: _Layout | str | None = None
    for number, cells in _lines(handle):
        if number == 1:
            layout = _layout(cells)
            if isinstance(layout, str):
                result.errors.append(RowError(1, layout))
                result.bad += 1
                return
            continue
        assert isinstance(layout, _Layout)
        result.rows += 1
        entries, error = _parse(cells, layout)
        if error:
            result.bad += 1
            if len(result.errors) < MAX_ERRORS:
                result.errors.append(RowError(number, error))
            continue
        yield from entries


@service
def hash_list_import(
    *,
    acting_user: User | None,
    handle: IO[bytes],
    label: str,
    good_rows: bool = False,
    source_name: str = "",
) -> HashListImport:
    """Import a list's new version (see the module's docstring); refused to all but the central
    office (and the command line)."""
    require(acting_user, IMPORT_HASH_LIST)
    label = " ".join((label or "").split())[:120]
    checked = HashListImport()
    if not label:
        raise InvalidInput({"label": [_("Give the list a label.")]})
    digest = hashlib.sha256()
    handle.seek(0)
    while piece := handle.read(2**20):
        digest.update(piece)
    good = sum(1 for _entry in _entries(handle, checked))
    if (checked.bad and not good_rows) or not good:
        if not good and not checked.bad:
            checked.errors.append(RowError(1, _("The file has no hash in it.")))
            checked.bad += 1
        audit_append(
            actor=acting_user,
            action="hash_list.import_refused",
            object_type="linking.hashlist",
            details={"list": label, "lines": checked.rows, "bad_lines": checked.bad},
        )
        return checked
    result = HashListImport(rows=checked.rows, errors=checked.errors, bad=checked.bad)
    with transaction.atomic():
        hash_list, _created = HashList.objects.get_or_create(
            label=label, defaults={"created_by": acting_user}
        )
        HashList.objects.select_for_update().filter(pk=hash_list.pk).first()
        last = hash_list.versions.aggregate(top=Max("number"))["top"] or 0
        version = HashListVersion.objects.create(
            hash_list=hash_list,
            number=last + 1,
            imported_by=acting_user,
            source_name=Path(source_name).name[:255],
            source_sha256=digest.hexdigest(),
        )
        counts = _write(version, handle, result)
        result.imported = sum(counts.values())
        HashListVersion.objects.filter(pk=version.pk).update(
            rows=result.imported, bad_rows=result.bad, counts=counts
        )
        version.rows, version.bad_rows, version.counts = result.imported, result.bad, counts
        result.version = version
        audit_append(
            actor=acting_user,
            action="hash_list.import",
            obj=version,
            details={
                "list": hash_list.label,
                "version": version.number,
                "hashes": result.imported,
                "bad_lines": result.bad,
                "good_rows": good_rows,
            },
        )
    return result


def _write(version: HashListVersion, handle: IO[bytes], result: HashListImport) -> dict[str, int]:
    """The file's entries as the version's rows, in chunks; PDQ entries indexed as well."""
    seen: set[bytes] = set()
    counts: dict[str, int] = {}
    batch: list[tuple[str, str, str]] = []
    ignored = HashListImport()  # the lines were counted by the check

    def flush() -> None:
        rows = [(version.pk, a, v, label) for a, v, label in batch]
        ids = insert_rows(
            KnownHash, ["version_id", "algorithm", "value", "label"], rows, returning_ids=True
        )
        pdqs = [(pk, v) for pk, (a, v, _l) in zip(ids, batch, strict=True) if a == "pdq"]
        if pdqs:
            _index_pdq(pdqs)
        batch.clear()

    for algorithm, value, label in _entries(handle, ignored):
        key = algorithm.encode() + bytes.fromhex(value)
        if key in seen:
            result.repeated += 1
            continue
        seen.add(key)
        counts[algorithm] = counts.get(algorithm, 0) + 1
        batch.append((algorithm, value, label))
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    return counts


def _index_pdq(entries: list[tuple[int, str]]) -> None:
    """PDQ entries as perceptual hashes of the list (owner `linking.knownhash`), with chunks."""
    ids = insert_rows(
        PerceptualHash,
        ["owner_type", "owner_id", "frame", "value", "quality"],
        [(KNOWN_OWNER, pk, 0, value, 100) for pk, value in entries],
        returning_ids=True,
    )
    insert_rows(
        PerceptualChunk,
        ["key", "hash_id"],
        [
            (key, hash_id)
            for hash_id, (_pk, value) in zip(ids, entries, strict=True)
            for key in pdq.chunk_keys(value)
        ],
    )


def lists_overview() -> list[dict]:
    """Every list with its versions, newest first (for the central office's page)."""
    versions = HashListVersion.objects.select_related("hash_list", "imported_by").order_by(
        "hash_list__label", "-number"
    )
    by_list: dict[int, dict] = {}
    for version in versions:
        entry = by_list.setdefault(
            version.hash_list_id, {"list": version.hash_list, "versions": []}
        )
        entry["versions"].append(version)
    return list(by_list.values())


def find_hash(text: str) -> tuple[str, str] | None:
    """A hash as a person pastes it (any case, spaces or colons between bytes, an `md5:` prefix):
    (algorithm, value), the algorithm from the prefix or the length (64 digits: SHA-256 unless
    written `pdq:`); None when it is not one."""
    raw = (text or "").strip().lower()
    prefix, _sep, rest = raw.partition(":")
    algorithm = TYPE_NAMES.get(prefix) if rest else None
    value = re.sub(r"[\s:]", "", rest if algorithm else raw)
    algorithm = algorithm or {32: "md5", 40: "sha1", 64: "sha256"}.get(len(value))
    if algorithm is None or _check_value(algorithm, value) is None:
        return None
    return algorithm, value


def search_lists(*, acting_user: User | None, text: str) -> dict:
    """Which lists' versions hold a hash (PDQ: within the distance, with it). Central office."""
    from qorgau.linking.policies import SEARCH_HASH_LISTS

    require(acting_user, SEARCH_HASH_LISTS)
    found = find_hash(text)
    if found is None:
        return {"valid": False, "hits": []}
    algorithm, value = found
    if algorithm == "pdq":
        near = {h.owner_id: h.distance for _v, h in pdq.near([value], owner_type=KNOWN_OWNER)}
        rows = KnownHash.objects.filter(pk__in=list(near))
    else:
        near = {}
        rows = KnownHash.objects.filter(algorithm=algorithm, value=value)
    hits = [
        {
            "list": known.version.hash_list.label,
            "version": known.version.number,
            "algorithm": known.get_algorithm_display(),
            "label": known.label,
            "distance": near.get(known.pk, 0),
        }
        for known in rows.select_related("version__hash_list").order_by(
            "version__hash_list__label", "-version__number"
        )[:200]
    ]
    return {"valid": True, "algorithm": algorithm, "value": value, "hits": hits}
