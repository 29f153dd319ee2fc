"""Import of the register from the penitentiary service (CSV), by the rule every import follows
(core/csv_import.py): every row checked first, a report per bad row, nothing written while a row is
bad unless the good rows were chosen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.bulk import insert_rows
from qorgau.core.csv_import import Checked, ImportResult, Row, RowError, import_csv
from qorgau.core.models import CriminalArticle, Region, User, new_public_id
from qorgau.core.permissions import may, require, service
from qorgau.core.services import audit_append
from qorgau.linking.enums import OwnerType
from qorgau.offenders import iin as iin_rules
from qorgau.offenders.enums import ExaminationStatus, PersonStatus
from qorgau.offenders.models import Conviction, Examination, Facility, Person
from qorgau.offenders.policies import REGISTER_OFFENDER
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
REQUIRED_COLUMNS = ["full_name", "date_of_birth"]


class _Good(NamedTuple):
    """A checked row, ready to write."""

    data: PersonInput
    clean: dict[str, Any]
    articles: list[str]
    start: date | None
    end: date | None


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
    lookups: set[str] = set()
    for data in rows:
        if data.iin:
            try:
                lookups.add(lookup(iin_rules.parse(data.iin).value))
            except iin_rules.IINInvalid:
                continue
    wanted, taken = sorted(lookups), set[str]()
    for first in range(0, len(wanted), IMPORT_CHUNK):
        chunk = wanted[first : first + IMPORT_CHUNK]
        matched = Person.objects.filter(iin_lookup__in=chunk).values_list("iin_lookup", flat=True)
        taken.update(found for found in matched if found is not None)  # matched by `in`: never null
    return taken


def import_register_csv(
    *, acting_user: User | None, text: str, good_rows: bool = False
) -> ImportResult:
    """Check every row; import nothing if any is bad, unless `good_rows` (then only the good ones).
    The entries go where the register's policy lets the user add them (`REGISTER_OFFENDER`, as
    for one entry through the API): a row for another region is a bad row.

    Set-based: the rows are read and checked first with a few queries for the whole file (facilities,
    articles, regions, IINs already registered), then written in one transaction with bulk inserts
    (people, convictions and their articles, examinations due, linking through
    `linking.bulk.link_owners_bulk`) and one audit entry for the file, so a failure part-way leaves
    nothing half-imported and the time grows with the rows, not with their square."""
    require(acting_user, REGISTER_OFFENDER)
    written: list[ImportResult] = []

    def write(good: list[_Good], result: ImportResult) -> None:
        written.append(result)
        register_rows_write(acting_user=acting_user, rows=good, result=result)

    try:
        return import_csv(
            text=text,
            required=REQUIRED_COLUMNS,
            expected=CSV_COLUMNS,
            check=lambda rows: _check(rows, acting_user),
            write=write,
            good_rows=good_rows,
        )
    except IntegrityError:
        # an IIN of the file was registered by someone else after the check: nothing is kept
        result = written[0]
        result.imported = result.created = 0
        result.errors.insert(
            0,
            RowError(
                1,
                _("An IIN of this file was registered meanwhile; nothing was imported. Try again."),
            ),
        )
        return result


def _check(rows: list[Row], acting_user: User | None) -> Checked[_Good]:
    """Every row's problems, with a few queries for the whole file and none per row."""
    checked: Checked[_Good] = Checked()
    facilities = {f.name.lower(): f for f in Facility.objects.select_related("region")}
    known_articles = {a.number: a for a in CriminalArticle.objects.all()}
    regions = {r.code.upper(): r for r in Region.objects.all()}
    allowed = {r.pk: may(acting_user, REGISTER_OFFENDER, r) for r in regions.values()}
    parsed: list[tuple[int, PersonInput, list[str], date | None, date | None, list[str]]] = []
    for line, row in rows:
        problems = []
        facility = None
        if row.get("facility", "").strip():
            facility = facilities.get(row["facility"].strip().lower())
            if facility is None:
                problems.append(
                    _("unknown facility “%(name)s”") % {"name": row["facility"].strip()[:60]}
                )
        born = _date(row.get("date_of_birth", ""))
        start, end = _date(row.get("sentence_start", "")), _date(row.get("sentence_end", ""))
        if (row.get("sentence_start", "").strip() and start is None) or (
            row.get("sentence_end", "").strip() and end is None
        ):
            problems.append(_("dates are written YYYY-MM-DD"))
        if start and end and end < start:
            problems.append(_("the sentence ends before it starts"))
        identifiers = [
            {"kind": "phone", "value": p} for p in row.get("phones", "").split(";") if p.strip()
        ]
        for handle in row.get("handles", "").split(";"):
            if ":" in handle:
                kind, _sep, value = handle.partition(":")
                identifiers.append({"kind": kind.strip().lower(), "value": value.strip()})
        articles = [
            a.strip() for a in row.get("articles", "").replace(",", ";").split(";") if a.strip()
        ]
        unknown = sorted({a for a in articles if a not in known_articles})
        if unknown:
            problems.append(
                _("unknown articles: %(articles)s") % {"articles": ", ".join(unknown)[:60]}
            )
        data = PersonInput(
            full_name=row.get("full_name", ""),
            date_of_birth=born,
            iin=row.get("iin", "").strip(),
            full_name_latin=row.get("full_name_latin", ""),
            aliases=row.get("aliases", "").split(";"),
            identifiers=identifiers,
            facility=facility,
            status=PersonStatus.IN_CUSTODY,
            admitted_on=start,
        )
        parsed.append((line, data, problems, start, end, articles))

    lookup = _iin_lookups()
    taken = _taken_iins([data for _l, data, *_rest in parsed], lookup)
    today = timezone.localdate()
    seen_iins: set[str] = set()
    for line, data, problems, start, end, articles in parsed:
        clean: dict[str, Any] = {}
        if data.facility is not None or not problems:
            clean, errors = validate_person(
                data, iin_taken=taken.__contains__, regions=regions, lookup=lookup, today=today
            )
            problems.extend(f"{k}: {' '.join(v)}" for k, v in errors.items())
            region = clean.get("region")
            if region is not None and not allowed[region.pk]:
                problems.append(
                    _("not a region you register people in: %(region)s") % {"region": region.code}
                )
        if data.iin:
            if data.iin in seen_iins:
                problems.append(_("the same IIN appears twice in the file"))
            seen_iins.add(data.iin)
        if problems:
            checked.errors.append(RowError(line, "; ".join(problems)))
        else:
            checked.good.append(_Good(data, clean, articles, start, end))
    return checked


@service
def register_rows_write(
    *, acting_user: User | None, rows: list[_Good], result: ImportResult
) -> None:
    """The writes of an import, with its one audit entry (inside the import's transaction)."""
    require(acting_user, REGISTER_OFFENDER)
    result.imported = result.created = _import_rows(rows)
    audit_append(
        actor=acting_user,
        action="offender.import",
        details={"rows": result.imported, "skipped": len(result.errors)},
    )


def _import_rows(prepared: list[_Good]) -> int:
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
    convictions, their_articles = [], []
    exams: list[tuple[int, date, list[str], str]] = []
    delay = timedelta(days=settings.QORGAU_EXAMINATION_DAYS)
    for pk, (data, _clean, numbers, start, end) in zip(person_ids, prepared, strict=True):
        if not (numbers and start and end):
            continue
        convictions.append((pk, start, end, data.facility.pk if data.facility else None))
        their_articles.append([articles[n].pk for n in dict.fromkeys(numbers)])
        # a new entry has no examination yet: one is due if an article is covered
        if any(articles[n].covered_by_default for n in numbers):
            exams.append((pk, (data.admitted_on or start) + delay, [], ExaminationStatus.SCHEDULED))
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
    insert_rows(Examination, ["person_id", "scheduled_for", "diagnostic_codes", "status"], exams)
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
        if link.subject is not None and link.others.get(OwnerType.REPORT):
            flagged[link.subject.pk] = link.subject
    for subject in flagged.values():
        _flag_reports(subject)
    search_index_touch()
    return len(person_ids)
