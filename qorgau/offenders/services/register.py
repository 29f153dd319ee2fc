"""The register: its entries, their convictions, and the IIN's keyed lookup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.cases.models import Case
from qorgau.core.derived_keys import IIN_LOOKUP, keyed_digest
from qorgau.core.errors import InvalidInput
from qorgau.core.models import CriminalArticle, Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.linking import identifiers as ids
from qorgau.linking.enums import OwnerType
from qorgau.linking.models import Subject
from qorgau.linking.services import link_owner
from qorgau.offenders import iin as iin_rules
from qorgau.offenders.enums import PersonStatus
from qorgau.offenders.models import Conviction, Examination, Facility, Person
from qorgau.offenders.policies import ADD_CONVICTION, REGISTER_OFFENDER
from qorgau.offenders.selectors import search_index_touch

PERSON_OWNER = OwnerType.PERSON


class OffenderInvalid(InvalidInput):
    """A refusal of the register's services, by field (HTTP 422 from the API)."""


def _invalid(field_name: str, message: str) -> OffenderInvalid:
    return OffenderInvalid({field_name: [message]})


def iin_lookup(value: str) -> str:
    return keyed_digest(IIN_LOOKUP, value)


@dataclass
class PersonInput:
    full_name: str
    date_of_birth: date | None
    iin: str = ""
    full_name_latin: str = ""
    aliases: list[str] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)
    status: str = PersonStatus.IN_CUSTODY
    region_code: str = ""
    facility: Facility | None = None
    admitted_on: date | None = None


def validate_person(
    data: PersonInput,
    *,
    iin_taken: Callable[[str], bool] | None = None,
    regions: dict[str, Region] | None = None,
    lookup: Callable[[str], str] = iin_lookup,
    today: date | None = None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The checks of a register entry. An import passes `iin_taken` (IIN lookups already in the
    register, read for the whole file at once), `regions` (by code), `lookup` (the IIN's keyed hash,
    kept for the file) and `today`, so that no row queries."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    name = " ".join((data.full_name or "").split())
    if not name:
        errors["full_name"] = [_("Give the person's full name.")]
    elif len(name) > 200:
        errors["full_name"] = [_("This name is too long.")]
    clean["full_name"] = name
    today = today or timezone.localdate()
    if data.date_of_birth is None:
        errors["date_of_birth"] = [_("Give the date of birth.")]
    elif not date(1900, 1, 1) <= data.date_of_birth <= today - timedelta(days=365 * 14):
        errors["date_of_birth"] = [_("This date of birth is not possible for a convicted person.")]
    clean["iin"] = clean["iin_lookup"] = None
    if data.iin:
        try:
            parsed = iin_rules.parse(data.iin)
        except iin_rules.IINInvalid as exc:
            errors["iin"] = [str(exc)]
        else:
            if data.date_of_birth and parsed.birth_date != data.date_of_birth:
                errors["iin"] = [_("The IIN's date part does not match the date of birth.")]
            elif (
                iin_taken(lookup(parsed.value))
                if iin_taken is not None
                else Person.objects.filter(iin_lookup=lookup(parsed.value)).exists()
            ):
                errors["iin"] = [_("This IIN is already in the register.")]
            clean["iin"] = parsed.value
            clean["iin_lookup"] = lookup(parsed.value)
    if data.status not in PersonStatus.values:
        errors["status"] = [_("Unknown status.")]
    code = (data.region_code or "").upper()
    region: Region | None
    if data.facility:
        region = data.facility.region
    elif regions is not None:
        region = regions.get(code)
    else:
        region = Region.objects.filter(code=code).first()
    if region is None:
        errors["region"] = [_("Give a facility or a region.")]
    clean["region"] = region
    clean["aliases"] = [" ".join(a.split()) for a in data.aliases if a and a.strip()][:20]
    found = []
    for index, item in enumerate(data.identifiers):
        kind = item.get("kind", "")
        if kind not in ids.KINDS or not (item.get("value") or "").strip():
            errors[f"identifiers.{index}"] = [_("Give a known kind and a value.")]
            continue
        found.append(ids.normalise(kind, item["value"]))
    clean["found"] = found
    return clean, errors


def _target_region(data: PersonInput) -> Region | None:
    """The region an entry goes to: its facility's, or the one named by its code."""
    if data.facility is not None:
        return data.facility.region
    code = (data.region_code or "").upper()
    return Region.objects.filter(code=code).first() if code else None


@service
def person_create(*, acting_user: User | None, data: PersonInput) -> Person:
    """A register entry; its phones, handles and names join the linking index, so that reports
    naming them are flagged."""
    region = _target_region(data)
    require(acting_user, REGISTER_OFFENDER, region)
    code = (data.region_code or "").upper()
    clean, errors = validate_person(data, regions={code: region} if region else {})
    if errors:
        raise OffenderInvalid(errors)
    assert data.date_of_birth is not None  # validate_person refuses an entry without one
    person = Person(
        full_name=clean["full_name"],
        full_name_latin=data.full_name_latin.strip() or None,
        aliases=clean["aliases"] or None,
        date_of_birth=data.date_of_birth,
        iin=clean["iin"],
        iin_lookup=clean["iin_lookup"],
        status=data.status,
        region=clean["region"],
        facility=data.facility,
        admitted_on=data.admitted_on,
    )
    try:
        with transaction.atomic():
            person.save(force_insert=True)
    except IntegrityError as exc:
        raise _invalid("iin", _("This IIN is already in the register.")) from exc
    names = [clean["full_name"], data.full_name_latin, *clean["aliases"]]
    link = link_owner(
        owner_type=PERSON_OWNER,
        owner_id=person.pk,
        found=clean["found"],
        region=person.region,
        names=[n for n in names if n],
    )
    if link.subject is not None and link.others.get(OwnerType.REPORT):
        _flag_reports(link.subject)
        _alert_reports(link.subject, person)
    audit_append(actor=acting_user, action="offender.create", obj=person, region=person.region)
    search_index_touch()
    return person


def _alert_reports(subject: Subject, person: Person) -> None:
    """Open reports already name this person: whoever keeps him hears of them (a supervised
    person's supervisor and chief, an inmate's clinicians), as at a report's submit."""
    from qorgau.intake.linked import alert_reports_of_new_owner

    alert_reports_of_new_owner(subject=subject, owner_type=PERSON_OWNER, owner_id=person.pk)


def _flag_reports(subject: Subject) -> None:
    """Reports about this person's identifiers are now linked to the register: triage raises them."""
    from qorgau.intake.models import Report
    from qorgau.intake.services import report_retriage
    from qorgau.linking.selectors import owner_ids_of_subject

    report_ids = owner_ids_of_subject(subject=subject, owner_type=OwnerType.REPORT, limit=200)
    for report in Report.objects.open().filter(pk__in=report_ids):
        report_retriage(report=report)


@service
def conviction_add(
    *,
    acting_user: User | None,
    person: Person,
    articles: list[str],
    sentence_start: date,
    sentence_end: date,
    facility: Facility | None = None,
    case: Case | None = None,
) -> Conviction:
    """Record a conviction; an inmate of a covered article gets an examination scheduled."""
    require(acting_user, ADD_CONVICTION, person)
    if sentence_end < sentence_start:
        raise _invalid("sentence_end", _("A sentence cannot end before it starts."))
    found = list(CriminalArticle.objects.filter(number__in=articles))
    unknown = sorted(set(articles) - {a.number for a in found})
    if unknown or not found:
        raise _invalid(
            "articles",
            _("Unknown articles: %(articles)s.") % {"articles": ", ".join(unknown) or "—"},
        )
    conviction = Conviction.objects.create(
        person=person,
        case=case,
        sentence_start=sentence_start,
        sentence_end=sentence_end,
        facility=facility or person.facility,
    )
    conviction.articles.set(found)
    if (
        any(a.covered_by_default for a in found)
        and not person.examinations.filter(done_on__isnull=True).exists()
    ):
        admitted = person.admitted_on or sentence_start
        Examination.objects.create(
            person=person, scheduled_for=admitted + timedelta(days=settings.QORGAU_EXAMINATION_DAYS)
        )
    audit_append(actor=acting_user, action="offender.conviction", obj=person, region=person.region)
    return conviction
