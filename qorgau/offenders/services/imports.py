"""Import of the register from the penitentiary service (CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.bulk import insert_rows
from qorgau.core.models import CriminalArticle, Region, User, new_public_id
from qorgau.core.services import audit_append
from qorgau.offenders import iin as iin_rules
from qorgau.offenders.enums import PersonStatus
from qorgau.offenders.models import Conviction, Examination, Facility, Person
from qorgau.offenders.selectors import search_index_touch
from qorgau.offenders.services.register import (
    PERSON_OWNER,
    PersonInput,
    _flag_reports,
    iin_lookup,
    validate_person,
)

CSV_COLUMNS = [
    "full_name",
    "date_of_birth",
    "iin",
    "full_name_latin",
    "aliases",
    "facility",
    "articles",
    "sentence_start",
    "sentence_end",
    "phones",
    "handles",
]


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


IMPORT_CHUNK = 2000


def _iin_lookups() -> Callable[[str], str]:
    """`iin_lookup` for the IINs of one file, each hashed once (kept only for the call)."""
    seen: dict[str, str] = {}

    def lookup(value: str) -> str:
        if value not in seen:
            seen[value] = iin_lookup(value)
        return seen[value]

    return lookup


def _taken_iins(rows: list[PersonInput], lookup: Callable[[str], str]) -> set[str]:
    """The IIN lookups of these rows that are already in the register (a query per 2,000 rows)."""
    lookups = set()
    for data in rows:
        if data.iin:
            try:
                lookups.add(lookup(iin_rules.parse(data.iin).value))
            except iin_rules.IINInvalid:
                continue
    wanted, taken = sorted(lookups), set()
    for first in range(0, len(wanted), IMPORT_CHUNK):
        chunk = wanted[first : first + IMPORT_CHUNK]
        taken.update(
            Person.objects.filter(iin_lookup__in=chunk).values_list("iin_lookup", flat=True)
        )
    return taken


def import_register_csv(
    *, acting_user: User | None, text: str, good_rows: bool = False
) -> ImportResult:
    """Check every row; import nothing if any is bad, unless `good_rows` (then only the good ones).

    Set-based: the rows are read and checked first with a few queries for the whole file (facilities,
    articles, regions, IINs already registered), then written in one transaction with bulk inserts
    (people, convictions and their articles, examinations due, linking through
    `linking.bulk.link_owners_bulk`) and one audit entry for the file, so a failure part-way leaves
    nothing half-imported and the time grows with the rows, not with their square."""
    result = ImportResult()
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        fieldnames = reader.fieldnames or []
        rows = list(reader)
    except csv.Error as exc:  # a damaged file (stray quotes, NUL bytes): say so, import nothing
        result.errors.append(
            (
                max(reader.line_num, 1),
                _("The file cannot be read as CSV: %(error)s") % {"error": exc},
            )
        )
        return result
    missing = [c for c in ("full_name", "date_of_birth") if c not in fieldnames]
    if missing:
        result.errors.append(
            (1, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return result
    facilities = {f.name.lower(): f for f in Facility.objects.select_related("region")}
    known_articles = {a.number: a for a in CriminalArticle.objects.all()}
    regions = {r.code.upper(): r for r in Region.objects.all()}
    parsed: list[tuple[int, PersonInput, list[str], date | None, date | None, list[str]]] = []
    for line, row in enumerate(rows, start=2):
        row = {k: v or "" for k, v in row.items() if isinstance(k, str)}  # short or long rows
        problems = []
        facility = None
        if (row.get("facility") or "").strip():
            facility = facilities.get(row["facility"].strip().lower())
            if facility is None:
                problems.append(
                    _("unknown facility “%(name)s”") % {"name": row["facility"].strip()[:60]}
                )
        born = _date(row.get("date_of_birth", ""))
        start, end = _date(row.get("sentence_start", "")), _date(row.get("sentence_end", ""))
        if ((row.get("sentence_start") or "").strip() and start is None) or (
            (row.get("sentence_end") or "").strip() and end is None
        ):
            problems.append(_("dates are written YYYY-MM-DD"))
        if start and end and end < start:
            problems.append(_("the sentence ends before it starts"))
        identifiers = [
            {"kind": "phone", "value": p} for p in (row.get("phones") or "").split(";") if p.strip()
        ]
        for handle in (row.get("handles") or "").split(";"):
            if ":" in handle:
                kind, _sep, value = handle.partition(":")
                identifiers.append({"kind": kind.strip().lower(), "value": value.strip()})
        articles = [
            a.strip() for a in (row.get("articles") or "").replace(",", ";").split(";") if a.strip()
        ]
        unknown = sorted({a for a in articles if a not in known_articles})
        if unknown:
            problems.append(
                _("unknown articles: %(articles)s") % {"articles": ", ".join(unknown)[:60]}
            )
        data = PersonInput(
            full_name=row.get("full_name", ""),
            date_of_birth=born,
            iin=(row.get("iin") or "").strip(),
            full_name_latin=row.get("full_name_latin") or "",
            aliases=(row.get("aliases") or "").split(";"),
            identifiers=identifiers,
            facility=facility,
            status=PersonStatus.IN_CUSTODY,
            admitted_on=start,
        )
        parsed.append((line, data, problems, start, end, articles))

    lookup = _iin_lookups()
    taken = _taken_iins([data for _l, data, *_rest in parsed], lookup)
    today = timezone.localdate()
    prepared: list[tuple[PersonInput, dict[str, Any], list[str], date | None, date | None]] = []
    seen_iins: set[str] = set()
    for line, data, problems, start, end, articles in parsed:
        clean: dict[str, Any] = {}
        if data.facility is not None or not problems:
            clean, errors = validate_person(
                data, iin_taken=taken.__contains__, regions=regions, lookup=lookup, today=today
            )
            problems.extend(f"{k}: {' '.join(v)}" for k, v in errors.items())
        if data.iin:
            if data.iin in seen_iins:
                problems.append(_("the same IIN appears twice in the file"))
            seen_iins.add(data.iin)
        if problems:
            result.errors.append((line, "; ".join(problems)))
        else:
            prepared.append((data, clean, articles, start, end))
    if result.errors and not good_rows:
        return result
    try:
        with transaction.atomic():
            result.imported = _import_rows(acting_user, prepared)
            audit_append(
                actor=acting_user,
                action="offender.import",
                details={"rows": result.imported, "skipped": len(result.errors)},
            )
    except IntegrityError:
        # an IIN of the file was registered by someone else after the check: nothing is kept
        result.imported = 0
        result.errors.append(
            (1, _("An IIN of this file was registered meanwhile; nothing was imported. Try again."))
        )
    return result


def _import_rows(
    acting_user: User | None,
    prepared: list[tuple[PersonInput, dict[str, Any], list[str], date | None, date | None]],
) -> int:
    """The writes of an import: bulk inserts, in the caller's transaction."""
    from qorgau.linking.bulk import OwnerLinks, link_owners_bulk

    person_ids = insert_rows(
        Person,
        [
            "public_id",
            "full_name",
            "full_name_latin",
            "aliases",
            "date_of_birth",
            "iin",
            "iin_lookup",
            "status",
            "region_id",
            "facility_id",
            "admitted_on",
        ],
        [
            (
                new_public_id(),
                clean["full_name"],
                data.full_name_latin.strip() or None,
                clean["aliases"] or None,
                data.date_of_birth,
                clean["iin"],
                clean["iin_lookup"],
                data.status,
                clean["region"].pk,
                data.facility.pk if data.facility else None,
                data.admitted_on,
            )
            for data, clean, *_rest in prepared
        ],
        returning_ids=True,
    )
    articles = {a.number: a for a in CriminalArticle.objects.all()}
    convictions, their_articles, exams = [], [], []
    delay = timedelta(days=settings.QORGAU_EXAMINATION_DAYS)
    for pk, (data, _clean, numbers, start, end) in zip(person_ids, prepared, strict=True):
        if not (numbers and start and end):
            continue
        convictions.append((pk, start, end, data.facility.pk if data.facility else None))
        their_articles.append([articles[n].pk for n in dict.fromkeys(numbers)])
        # a new entry has no examination yet: one is due if an article is covered
        if any(articles[n].covered_by_default for n in numbers):
            exams.append((pk, (data.admitted_on or start) + delay, []))
    conviction_ids = insert_rows(
        Conviction,
        ["person_id", "sentence_start", "sentence_end", "facility_id"],
        convictions,
        returning_ids=True,
    )
    insert_rows(
        Conviction.articles.through,
        ["conviction_id", "criminalarticle_id"],
        [
            (conviction_id, article_id)
            for conviction_id, found in zip(conviction_ids, their_articles, strict=True)
            for article_id in found
        ],
    )
    insert_rows(Examination, ["person_id", "scheduled_for", "diagnostic_codes"], exams)
    links = link_owners_bulk(
        owner_type=PERSON_OWNER,
        owners=[
            OwnerLinks(
                owner_id=pk,
                found=clean["found"],
                region_id=clean["region"].pk,
                names=[
                    n for n in (clean["full_name"], data.full_name_latin, *clean["aliases"]) if n
                ],
            )
            for pk, (data, clean, *_rest) in zip(person_ids, prepared, strict=True)
        ],
    )
    flagged = {}
    for link in links.values():
        if link.subject is not None and link.others.get("intake.report"):
            flagged[link.subject.pk] = link.subject
    for subject in flagged.values():
        _flag_reports(subject)
    search_index_touch()
    return len(person_ids)
