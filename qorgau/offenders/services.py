"""Every write of the offenders app: register, examinations, risk, treatment, supervision, imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from qorgau.cases.models import Case
from qorgau.core.bulk import insert_rows
from qorgau.core.enums import Role
from qorgau.core.models import CriminalArticle, Notification, Region, User, new_public_id
from qorgau.core.services import audit_append
from qorgau.linking import identifiers as ids
from qorgau.linking.services import link_owner
from qorgau.offenders import iin as iin_rules
from qorgau.offenders.enums import (
    Condition,
    MeetingStatus,
    PersonStatus,
    PlanStatus,
    RiskLevel,
    TreatmentStatus,
)
from qorgau.offenders.instruments import score
from qorgau.offenders.models import (
    Conviction,
    Examination,
    Facility,
    Meeting,
    Person,
    RiskAssessment,
    RiskInstrument,
    SupervisionPlan,
    TreatmentPlan,
    TreatmentSession,
    Violation,
)
from qorgau.offenders.selectors import search_index_touch

PERSON_OWNER = "offenders.person"


class OffenderInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


def _invalid(field_name: str, message: str) -> OffenderInvalid:
    return OffenderInvalid({field_name: [message]})


def iin_lookup(value: str) -> str:
    return salted_hmac("qorgau.offenders.iin", value).hexdigest()


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


@transaction.atomic
def person_create(*, acting_user: User | None, data: PersonInput, audit: bool = True) -> Person:
    """A register entry; its phones, handles and names join the linking index, so that reports
    naming them are flagged."""
    clean, errors = validate_person(data)
    if errors:
        raise OffenderInvalid(errors)
    person = Person(
        full_name=clean["full_name"],
        full_name_latin=data.full_name_latin.strip() or None,
        aliases=clean["aliases"] or None,
        date_of_birth=data.date_of_birth,
        iin=clean["iin"],
        iin_lookup=iin_lookup(clean["iin"]) if clean["iin"] else None,
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
    if link.subject is not None and link.others.get("intake.report"):
        _flag_reports(link.subject)
    if audit:  # an import writes one entry for all its rows (see import_register_csv)
        audit_append(actor=acting_user, action="offender.create", obj=person, region=person.region)
    search_index_touch()
    return person


def _flag_reports(subject) -> None:
    """Reports about this person's identifiers are now linked to the register: triage raises them."""
    from qorgau.intake.models import Report
    from qorgau.intake.services import report_retriage
    from qorgau.linking.selectors import owner_ids_of_subject

    report_ids = owner_ids_of_subject(subject=subject, owner_type="intake.report", limit=200)
    for report in Report.objects.open().filter(pk__in=report_ids):
        report_retriage(report=report)


@transaction.atomic
def conviction_add(
    *,
    acting_user: User | None,
    person: Person,
    articles: list[str],
    sentence_start: date,
    sentence_end: date,
    facility: Facility | None = None,
    case: Case | None = None,
    audit: bool = True,
) -> Conviction:
    """Record a conviction; an inmate of a covered article gets an examination scheduled."""
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
    if audit:
        audit_append(
            actor=acting_user, action="offender.conviction", obj=person, region=person.region
        )
    return conviction


@transaction.atomic
def examination_record(
    *,
    exam: Examination,
    acting_user: User,
    done_on: date,
    findings: str,
    diagnostic_codes: list[str],
    recommendations: str,
) -> Examination:
    if done_on > timezone.localdate():
        raise _invalid("done_on", _("This date is in the future."))
    codes = [c.strip().upper() for c in diagnostic_codes if c.strip()]
    bad = [c for c in codes if not _icd10(c)]
    if bad:
        raise _invalid(
            "diagnostic_codes", _("Not an ICD-10 code: %(codes)s.") % {"codes": ", ".join(bad)}
        )
    Examination.objects.filter(pk=exam.pk).update(
        done_on=done_on,
        clinician=acting_user,
        findings=findings or None,
        diagnostic_codes=codes,
        recommendations=recommendations or None,
        updated_at=timezone.now(),
    )
    exam.refresh_from_db()
    audit_append(
        actor=acting_user, action="offender.examination", obj=exam.person, region=exam.person.region
    )
    return exam


def _icd10(code: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Z]\d{2}(\.\d{1,2})?", code))


def instrument_get(code: str = "static99r") -> RiskInstrument:
    return RiskInstrument.objects.get(code=code)


@transaction.atomic
def risk_assess(
    *,
    person: Person,
    acting_user: User,
    answers: dict[str, str],
    assessed_on: date | None = None,
    override_level: str = "",
    override_reason: str = "",
    instrument: RiskInstrument | None = None,
    total: int | None = None,
) -> RiskAssessment:
    """Score the instrument from its items (a total given by hand must agree and be in range)."""
    instrument = instrument or instrument_get()
    low, high = instrument.score_range
    if total is not None and not low <= total <= high:
        raise _invalid(
            "total", _("The score must be from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    try:
        computed, band = score({"items": instrument.items, "bands": instrument.bands}, answers)
    except ValueError as exc:
        raise _invalid(f"answers.{exc}", _("Answer every item of the instrument.")) from exc
    if total is not None and total != computed:
        raise _invalid("total", _("The items add up to %(total)d.") % {"total": computed})
    if override_level and override_level not in RiskLevel.values:
        raise _invalid("override_level", _("Unknown risk level."))
    if override_level and not override_reason.strip():
        raise _invalid("override_reason", _("An override needs its reason."))
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise _invalid("assessed_on", _("This date is in the future."))
    row = RiskAssessment.objects.create(
        person=person,
        instrument=instrument,
        answers=answers,
        total=computed,
        band=band["band"],
        level=band["level"],
        override_level=override_level,
        override_reason=override_reason.strip(),
        assessed_on=assessed_on,
        next_due=assessed_on + timedelta(days=365),
        clinician=acting_user,
    )
    audit_append(
        actor=acting_user,
        action="offender.risk",
        obj=person,
        region=person.region,
        details={"band": band["band"]},
    )
    return row


@transaction.atomic
def treatment_start(
    *, person: Person, acting_user: User, programme: str, planned_sessions: int, started_on: date
) -> TreatmentPlan:
    if not programme.strip() or planned_sessions < 1:
        raise _invalid("programme", _("Give the programme and the number of planned sessions."))
    plan = TreatmentPlan.objects.create(
        person=person,
        programme=programme.strip(),
        planned_sessions=planned_sessions,
        started_on=started_on,
    )
    audit_append(actor=acting_user, action="offender.treatment", obj=person, region=person.region)
    return plan


@transaction.atomic
def treatment_session_record(
    *, plan: TreatmentPlan, acting_user: User, held_on: date, attended: bool, note: str = ""
) -> TreatmentSession:
    if held_on > timezone.localdate():
        raise _invalid("held_on", _("This date is in the future."))
    session = TreatmentSession.objects.create(
        plan=plan,
        held_on=held_on,
        attended=attended,
        progress_note=note or None,
        recorded_by=acting_user,
    )
    return session


@transaction.atomic
def treatment_end(
    *, plan: TreatmentPlan, acting_user: User, status: str, reason: str = ""
) -> TreatmentPlan:
    if status not in (TreatmentStatus.COMPLETED, TreatmentStatus.DROPPED):
        raise _invalid("status", _("Choose completed or dropped out."))
    if status == TreatmentStatus.DROPPED and not reason.strip():
        raise _invalid("end_reason", _("Give the reason for dropping out."))
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        status=status, ended_on=timezone.localdate(), end_reason=reason.strip()
    )
    plan.refresh_from_db()
    return plan


# --- Supervision ----------------------------------------------------------------------------------


def meeting_frequency(level: str) -> int:
    return settings.QORGAU_SUPERVISION_DAYS[level]


def current_risk(person: Person) -> str:
    latest = person.risk_assessments.order_by("-assessed_on", "-pk").first()
    return latest.effective_level if latest else RiskLevel.HIGH


@transaction.atomic
def supervision_draft(
    *, person: Person, acting_user: User | None, starts_on: date, officer: User | None = None
) -> SupervisionPlan:
    """The plan drafted 90 days before release: default conditions, frequency from the risk level."""
    existing = person.supervision_plans.exclude(status=PlanStatus.ENDED).first()
    if existing:
        return existing
    level = current_risk(person)
    plan = SupervisionPlan.objects.create(
        person=person,
        officer=officer,
        risk_level=level,
        frequency_days=meeting_frequency(level),
        starts_on=starts_on,
        conditions=[Condition.NO_CONTACT_MINORS, Condition.NO_WORK_CHILDREN, Condition.ADDRESS],
    )
    audit_append(
        actor=acting_user, action="offender.supervision_draft", obj=person, region=person.region
    )
    return plan


@transaction.atomic
def release(
    *, person: Person, acting_user: User, released_on: date, region: Region, officer: User
) -> SupervisionPlan:
    """Release under supervision: the plan starts, meetings are scheduled, the region's police see it."""
    if released_on > timezone.localdate():
        raise _invalid("released_on", _("This date is in the future."))
    if officer.role != Role.POLICE_SUPERVISOR or officer.region_id != region.pk:
        raise _invalid(
            "officer", _("Choose a police supervisor of the region the person lives in.")
        )
    plan = supervision_draft(
        person=person, acting_user=acting_user, starts_on=released_on, officer=officer
    )
    Person.objects.filter(pk=person.pk).update(
        status=PersonStatus.SUPERVISED, released_on=released_on, region=region, facility=None
    )
    SupervisionPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.ACTIVE, officer=officer, starts_on=released_on
    )
    plan.refresh_from_db()
    schedule_meetings(plan=plan)
    audit_append(actor=acting_user, action="offender.release", obj=person, region=region)
    return plan


def schedule_meetings(*, plan: SupervisionPlan, ahead: int = 4) -> int:
    """Keep the next `ahead` meetings on the calendar (idempotent)."""
    if plan.status != PlanStatus.ACTIVE:
        return 0
    last = plan.meetings.order_by("-due_on").first()
    today = timezone.localdate()
    upcoming = plan.meetings.filter(due_on__gte=today).count()
    next_due = (last.due_on if last else plan.starts_on) + timedelta(
        days=plan.frequency_days if last else 0
    )
    made = 0
    while upcoming + made < ahead and (plan.ends_on is None or next_due <= plan.ends_on):
        _meeting, created = Meeting.objects.get_or_create(plan=plan, due_on=next_due)
        made += int(created)
        next_due += timedelta(days=plan.frequency_days)
    return made


@transaction.atomic
def meeting_record(
    *,
    meeting: Meeting,
    acting_user: User,
    status: str,
    notes: str = "",
    on: date | None = None,
    reschedule_to: date | None = None,
) -> Meeting:
    """The police supervisor records a meeting: attended, missed, or rescheduled (with the new date)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise _invalid("on", _("A check-in cannot be recorded in the future."))
    if status not in (MeetingStatus.ATTENDED, MeetingStatus.MISSED, MeetingStatus.RESCHEDULED):
        raise _invalid("status", _("Choose attended, missed or rescheduled."))
    if status == MeetingStatus.RESCHEDULED:
        if reschedule_to is None or reschedule_to <= on:
            raise _invalid("reschedule_to", _("Give the new date, after today."))
        Meeting.objects.get_or_create(plan=meeting.plan, due_on=reschedule_to)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=status,
        recorded_on=on,
        recorded_by=acting_user,
        notes=notes or None,
        updated_at=timezone.now(),
    )
    meeting.refresh_from_db()
    audit_append(
        actor=acting_user,
        action="offender.meeting",
        obj=meeting.plan.person,
        region=meeting.plan.person.region,
        details={"status": status},
    )
    return meeting


@transaction.atomic
def violation_record(
    *,
    plan: SupervisionPlan,
    acting_user: User,
    occurred_on: date,
    description: str,
    follow_up: str = "",
) -> Violation:
    if occurred_on > timezone.localdate():
        raise _invalid("occurred_on", _("This date is in the future."))
    if not description.strip():
        raise _invalid("description", _("Describe the violation."))
    row = Violation.objects.create(
        plan=plan,
        occurred_on=occurred_on,
        description=description.strip(),
        follow_up=follow_up.strip(),
        recorded_by=acting_user,
    )
    audit_append(
        actor=acting_user, action="offender.violation", obj=plan.person, region=plan.person.region
    )
    return row


@transaction.atomic
def supervision_end(
    *, plan: SupervisionPlan, acting_user: User, on: date | None = None
) -> SupervisionPlan:
    on = on or timezone.localdate()
    SupervisionPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.ENDED, ends_on=on)
    Person.objects.filter(pk=plan.person_id).update(status=PersonStatus.ENDED)
    plan.meetings.filter(status=MeetingStatus.DUE, due_on__gt=on).delete()
    audit_append(
        actor=acting_user,
        action="offender.supervision_end",
        obj=plan.person,
        region=plan.person.region,
    )
    plan.refresh_from_db()
    return plan


@dataclass
class TickStats:
    drafted: int = 0
    scheduled: int = 0
    alerted: int = 0


def supervision_tick(*, today: date | None = None) -> TickStats:
    """Idempotent: draft plans 90 days before release, keep meetings scheduled, alert on misses."""
    today = today or timezone.localdate()
    stats = TickStats()
    horizon = today + timedelta(days=90)
    releasing = (
        Person.objects.filter(
            status=PersonStatus.IN_CUSTODY,
            convictions__sentence_end__lte=horizon,
            convictions__sentence_end__gte=today,
        )
        .exclude(supervision_plans__status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE])
        .distinct()
    )
    for person in releasing:
        end = person.convictions.order_by("-sentence_end").first().sentence_end
        supervision_draft(person=person, acting_user=None, starts_on=end)
        stats.drafted += 1
    for plan in SupervisionPlan.objects.filter(status=PlanStatus.ACTIVE):
        stats.scheduled += schedule_meetings(plan=plan)
    # a missed meeting, or one two days past due with nothing recorded, alerts the supervisor and chief
    late = today - timedelta(days=2)
    pending = (
        Meeting.objects.filter(alerted_at__isnull=True, plan__status=PlanStatus.ACTIVE)
        .filter(Q(status=MeetingStatus.MISSED) | Q(status=MeetingStatus.DUE, due_on__lt=late))
        .select_related("plan__person", "plan__officer")
    )
    for meeting in pending:
        if Meeting.objects.filter(pk=meeting.pk, alerted_at__isnull=True).update(
            alerted_at=timezone.now()
        ):
            _alert_missed(meeting)
            stats.alerted += 1
    return stats


def _alert_missed(meeting: Meeting) -> None:
    from django.urls import reverse

    person = meeting.plan.person
    url = reverse("offenders:detail", args=[person.public_id])
    users = list(
        User.objects.filter(role=Role.REGIONAL_CHIEF, region_id=person.region_id, is_active=True)
    )
    if meeting.plan.officer_id:
        users.append(meeting.plan.officer)
    for user in users:
        Notification.objects.get_or_create(
            user=user, kind="supervision_missed", object_ref=f"{meeting.pk}", defaults={"url": url}
        )


# --- Import from the penitentiary service ---------------------------------------------------------

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
