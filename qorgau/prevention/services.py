"""Every write of the prevention app: schools, the training cascade, school rounds, partner referrals
and guidance pages. Each service checks who acts, validates, writes and audits in one transaction."""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import Region, User
from qorgau.core.services import audit_append
from qorgau.prevention.enums import (
    REFERRAL_TRANSITIONS,
    GuidanceLanguage,
    GuidanceSlug,
    InstructionLanguage,
    ReferralKind,
    ReferralStatus,
    RoundStatus,
    SettlementKind,
    VersionStatus,
)
from qorgau.prevention.markup import render_markdown
from qorgau.prevention.models import (
    Attendance,
    GuidancePage,
    GuidanceVersion,
    PartnerFeedback,
    PartnerMember,
    PartnerOrganisation,
    PartnerReferral,
    RoundReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
    school_year_label,
)

NAME_MAX = 200
NOTE_MAX = 2000
PUPILS_MAX = 20_000
MASTER_TRAINERS_TARGET = 300


class PreventionRefused(Exception):
    """Bad input or a rule broken; the message says why, in the user's language.

    `errors` maps a field to its messages when the refusal is about fields."""

    def __init__(self, message: str = "", *, errors: dict[str, list[str]] | None = None):
        self.errors = errors or {}
        if not message:
            message = " ".join(m for messages in self.errors.values() for m in messages)
        super().__init__(message)
        self.message = message


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _refuse_validation(exc: ValidationError) -> PreventionRefused:
    if hasattr(exc, "error_dict"):
        errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return PreventionRefused(errors=errors)
    return PreventionRefused(" ".join(exc.messages))


def _check_region(
    acting_user: User | None, region: Region | None, *, central: bool = False
) -> None:
    """The coordinator of the region changes its programme; the central office too where `central`.

    `acting_user=None` is the system itself (imports from the command line, demo data)."""
    if acting_user is None:
        return
    if central and acting_user.role == Role.CENTRAL_OFFICE:
        return
    if acting_user.role != Role.EDUCATION_COORDINATOR:
        raise PreventionRefused(_("Only the education coordinator of the region can do this."))
    if region is None or acting_user.region_id != region.pk:
        raise PreventionRefused(
            _("This belongs to another region: you work with the programme of your region only.")
        )


# --- School years ---------------------------------------------------------------------------------


def school_year_of(day: date) -> int:
    """The school year a day falls in, named by its first year (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def current_school_year() -> int:
    return school_year_of(timezone.localdate())


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


# --- Schools --------------------------------------------------------------------------------------

SETTLEMENT_WORDS = {
    SettlementKind.TOWN: {"town", "city", "город", "қала", "gorod", "qala"},
    SettlementKind.VILLAGE: {"village", "село", "ауыл", "аул", "посёлок", "поселок", "auyl", "aul"},
}
LANGUAGE_WORDS = {
    InstructionLanguage.KAZAKH: {"kk", "kz", "kazakh", "казахский", "қазақ", "қазақша"},
    InstructionLanguage.RUSSIAN: {"ru", "russian", "русский", "орыс"},
    InstructionLanguage.UZBEK: {"uz", "uzbek", "узбекский", "өзбек"},
    InstructionLanguage.UYGHUR: {"ug", "uyghur", "уйгурский", "ұйғыр"},
    InstructionLanguage.TAJIK: {"tg", "tajik", "таджикский", "тәжік"},
    InstructionLanguage.ENGLISH: {"en", "english", "английский", "ағылшын"},
}


@dataclass
class SchoolInput:
    name: str
    region_code: str
    district: str
    settlement: str
    settlement_kind: str
    pupils: int | str | None
    languages: list[str] | str = field(default_factory=list)


def _settlement_kind(value: str) -> str | None:
    word = _text(value).lower()
    for kind, words in SETTLEMENT_WORDS.items():
        if word in words:
            return str(kind)
    return None


def parse_languages(value: list[str] | str) -> tuple[list[str], list[str]]:
    """(language codes in a stable order, the words that are no language we know)."""
    words = value if isinstance(value, list) else re.split(r"[;,/|+\s]+", value or "")
    found, unknown = set(), []
    for word in (w.strip().lower() for w in words):
        if not word:
            continue
        code = next((c for c, names in LANGUAGE_WORDS.items() if word in names), None)
        if code is None:
            unknown.append(word)
        else:
            found.add(str(code))
    order = [str(c) for c in InstructionLanguage.values]
    return sorted(found, key=order.index), unknown


def school_validate(
    data: SchoolInput, *, acting_user: User | None, regions: dict[str, Region] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check one school; return the cleaned values and the errors (field -> messages)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    code = _text(data.region_code).upper()
    region = regions.get(code) if regions is not None else Region.objects.filter(code=code).first()
    if region is None:
        error("region", _("There is no region with the code “%(code)s”.") % {"code": code[:20]})
    else:
        try:
            _check_region(acting_user, region, central=True)
        except PreventionRefused:
            error(
                "region",
                _(
                    "This school is in another region (%(code)s): you register schools of your region only."
                )
                % {"code": region.code},
            )
    clean["region"] = region
    for name, label in (
        ("name", _("the name")),
        ("district", _("the district")),
        ("settlement", _("the town or village")),
    ):
        value = _text(getattr(data, name))
        if not value:
            error(name, _("Give %(what)s.") % {"what": label})
        elif len(value) > (NAME_MAX if name == "name" else 120):
            error(name, _("This is too long."))
        clean[name] = value
    kind = _settlement_kind(data.settlement_kind)
    if kind is None:
        error("settlement_kind", _("Say whether it is a town or a village."))
    clean["settlement_kind"] = kind
    pupils = data.pupils
    try:
        pupils = int(_text(pupils)) if not isinstance(pupils, int) else pupils
    except ValueError:
        pupils = None
    if pupils is None or not 0 <= pupils <= PUPILS_MAX:
        error(
            "pupils",
            _("The number of pupils is a whole number from 0 to %(max)d.") % {"max": PUPILS_MAX},
        )
    clean["pupils"] = pupils
    languages, unknown = parse_languages(data.languages)
    if unknown:
        error(
            "languages",
            _("Unknown languages of instruction: %(words)s.") % {"words": ", ".join(unknown)[:100]},
        )
    elif not languages:
        error("languages", _("Give at least one language of instruction."))
    clean["languages"] = languages
    return clean, errors


@transaction.atomic
def school_create(*, acting_user: User | None, data: SchoolInput) -> School:
    """Register one school (the coordinator in their region, or the central office)."""
    clean, errors = school_validate(data, acting_user=acting_user)
    if errors:
        raise PreventionRefused(errors=errors)
    school = School(**clean)
    try:
        school.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    school.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="school.create",
        obj=school,
        region=school.region,
        details={"pupils": school.pupils},
    )
    return school


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


SCHOOL_COLUMNS = [
    "region",
    "district",
    "settlement",
    "settlement_kind",
    "name",
    "pupils",
    "languages",
]


def _read_csv(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The rows with their line numbers (the header is line 1), or an error about the whole file."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in SCHOOL_COLUMNS if c not in header]
    if missing:
        return [], [
            RowError(
                1,
                _("The header lacks the columns: %(columns)s. Expected: %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ",".join(SCHOOL_COLUMNS)},
            )
        ]
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            rows.append((reader.line_num, {k: v or "" for k, v in row.items() if k}))
    except csv.Error as exc:
        return [], [
            RowError(reader.line_num, _("The file cannot be read as CSV: %(e)s") % {"e": exc})
        ]
    return rows, []


def school_import_csv(
    *, acting_user: User | None, text: str, good_rows: bool = False
) -> ImportResult:
    """Import schools from CSV (columns: region, district, settlement, settlement_kind, name,
    pupils, languages). Every row is checked; each bad row is reported with its line and reason.
    Nothing is imported when a row is bad, unless `good_rows`. A school already registered (same
    region, district, town and name) gets the new pupils and languages."""
    result = ImportResult()
    rows, file_errors = _read_csv(text)
    if file_errors:
        result.errors = file_errors
        return result
    regions = {r.code: r for r in Region.objects.all()}
    good: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        result.rows += 1
        clean, errors = school_validate(
            SchoolInput(
                name=row.get("name", ""),
                region_code=row.get("region", ""),
                district=row.get("district", ""),
                settlement=row.get("settlement", ""),
                settlement_kind=row.get("settlement_kind", ""),
                pupils=row.get("pupils", ""),
                languages=row.get("languages", ""),
            ),
            acting_user=acting_user,
            regions=regions,
        )
        if errors:
            reasons = " ".join(m for messages in errors.values() for m in messages)
            result.errors.append(RowError(line, reasons))
            continue
        key = (clean["region"].pk, clean["district"], clean["settlement"], clean["name"])
        if key in seen:
            result.errors.append(
                RowError(line, _("The same school as on line %(line)d.") % {"line": seen[key]})
            )
            continue
        seen[key] = line
        good.append((line, clean))
    if result.errors and not good_rows:
        return result
    with transaction.atomic():
        _upsert_schools([clean for _line, clean in good], result)
        result.imported = True
        audit_append(
            actor=acting_user,
            action="school.import",
            object_type="prevention.school",
            region=acting_user.region if acting_user is not None else None,
            details={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "bad_rows": len(result.errors),
            },
        )
    return result


def _upsert_schools(cleaned: list[dict[str, Any]], result: ImportResult) -> None:
    region_ids = {c["region"].pk for c in cleaned}
    existing = {
        (s.region_id, s.district, s.settlement, s.name): s
        for s in School.objects.filter(region_id__in=region_ids).select_for_update()
    }
    new, changed = [], []
    now = timezone.now()
    for clean in cleaned:
        key = (clean["region"].pk, clean["district"], clean["settlement"], clean["name"])
        school = existing.get(key)
        if school is None:
            new.append(School(**clean))
            continue
        if (school.pupils, school.languages, school.settlement_kind) == (
            clean["pupils"],
            clean["languages"],
            clean["settlement_kind"],
        ):
            result.unchanged += 1
            continue
        school.pupils, school.languages = clean["pupils"], clean["languages"]
        school.settlement_kind, school.updated_at = clean["settlement_kind"], now
        changed.append(school)
    School.objects.bulk_create(new, batch_size=1000)
    School.objects.bulk_update(
        changed, ["pupils", "languages", "settlement_kind", "updated_at"], batch_size=1000
    )
    result.created, result.updated = len(new), len(changed)


# --- The training cascade -------------------------------------------------------------------------


@transaction.atomic
def teacher_create(
    *,
    acting_user: User | None,
    full_name: str,
    school: School | None = None,
    region: Region | None = None,
    master_trainer: bool = False,
    certified_on: date | None = None,
) -> Teacher:
    """Register a teacher of a school of the region; a master trainer is certified from the start."""
    full_name = _text(full_name)
    if not full_name:
        raise PreventionRefused(errors={"full_name": [_("Give the full name.")]})
    if len(full_name) > NAME_MAX:
        raise PreventionRefused(errors={"full_name": [_("This is too long.")]})
    if school is not None:
        if region is not None and school.region_id != region.pk:
            raise PreventionRefused(errors={"school": [_("This school is in another region.")]})
        region = school.region
    if region is None:
        raise PreventionRefused(errors={"school": [_("Choose the school.")]})
    if (
        school is not None
        and acting_user is not None
        and acting_user.role == Role.EDUCATION_COORDINATOR
        and acting_user.region_id != region.pk
    ):
        raise PreventionRefused(
            errors={
                "school": [_("This school is in another region: choose a school of your region.")]
            }
        )
    _check_region(acting_user, region)
    if certified_on is not None and certified_on > timezone.localdate():
        raise PreventionRefused(errors={"certified_on": [_("This date is in the future.")]})
    teacher = Teacher(
        full_name=full_name,
        school=school,
        region=region,
        is_master_trainer=master_trainer,
        certified_on=(certified_on or timezone.localdate()) if master_trainer else None,
        level=0 if master_trainer else None,
    )
    try:
        teacher.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    teacher.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="teacher.create",
        obj=teacher,
        region=region,
        details={"master_trainer": master_trainer, "school": school.pk if school else None},
    )
    return teacher


@transaction.atomic
def teacher_designate_master(
    *, acting_user: User | None, teacher: Teacher, on: date | None = None
) -> Teacher:
    """Make a teacher a master trainer (the top of the cascade): only one not certified below."""
    _check_region(acting_user, teacher.region)
    on = on or timezone.localdate()
    if teacher.is_master_trainer:
        return teacher
    updated = Teacher.objects.filter(
        pk=teacher.pk, is_master_trainer=False, certified_on__isnull=True
    ).update(is_master_trainer=True, level=0, certified_on=on, updated_at=timezone.now())
    if not updated:
        raise PreventionRefused(
            _(
                "This teacher was certified in the cascade: a master trainer is certified nationally."
            )
        )
    teacher.refresh_from_db()
    audit_append(actor=acting_user, action="teacher.master", obj=teacher, region=teacher.region)
    return teacher


def _check_attendee(teacher: Teacher, region: Region) -> None:
    if teacher.region_id != region.pk or (
        teacher.school is not None and teacher.school.region_id != region.pk
    ):
        raise PreventionRefused(
            errors={
                "attendees": [
                    _("%(name)s works at a school of another region.") % {"name": teacher.full_name}
                ]
            }
        )


@transaction.atomic
def session_create(
    *,
    acting_user: User | None,
    region: Region,
    held_on: date,
    place: str,
    trainer: Teacher,
    attendees: Iterable[Teacher],
) -> TrainingSession:
    """Plan or record a training session: a certified trainer of the region, at least one attendee."""
    _check_region(acting_user, region)
    attendees = list({t.pk: t for t in attendees}.values())
    errors: dict[str, list[str]] = {}
    place = _text(place)
    if not place:
        errors["place"] = [_("Give the place.")]
    elif len(place) > NAME_MAX:
        errors["place"] = [_("This is too long.")]
    if not attendees:
        errors["attendees"] = [_("A session needs at least one attendee.")]
    if trainer.region_id != region.pk:
        errors["trainer"] = [_("The trainer works in another region.")]
    elif not trainer.can_train:
        errors["trainer"] = [
            _(
                "%(name)s is not certified: only master trainers and certified teachers train others."
            )
            % {"name": trainer.full_name}
        ]
    if any(t.pk == trainer.pk for t in attendees):
        errors.setdefault("attendees", []).append(_("The trainer cannot attend their own session."))
    if held_on > timezone.localdate() + timedelta(days=366):
        errors["held_on"] = [_("This date is more than a year ahead.")]
    if errors:
        raise PreventionRefused(errors=errors)
    for teacher in attendees:
        _check_attendee(teacher, region)
    session = TrainingSession(
        region=region,
        held_on=held_on,
        place=place,
        trainer=trainer,
        created_by=acting_user,
    )
    session.full_clean()
    session.save(force_insert=True)
    Attendance.objects.bulk_create([Attendance(session=session, teacher=t) for t in attendees])
    audit_append(
        actor=acting_user,
        action="training.create",
        obj=session,
        region=region,
        details={"trainer": trainer.pk, "attendees": len(attendees)},
    )
    return session


@transaction.atomic
def session_add_attendee(
    *, acting_user: User | None, session: TrainingSession, teacher: Teacher
) -> Attendance:
    _check_region(acting_user, session.region)
    if teacher.pk == session.trainer_id:
        raise PreventionRefused(_("The trainer cannot attend their own session."))
    _check_attendee(teacher, session.region)
    attendance = Attendance(session=session, teacher=teacher)
    try:
        attendance.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    attendance.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="training.attendee",
        obj=session,
        region=session.region,
        details={"teacher": teacher.pk},
    )
    return attendance


@transaction.atomic
def session_record_attendance(
    *, acting_user: User | None, session: TrainingSession, present: Iterable[int]
) -> int:
    """Who came (attendance ids); everyone else on the list did not. Returns how many came."""
    _check_region(acting_user, session.region)
    if session.held_on > timezone.localdate():
        raise PreventionRefused(_("Attendance is recorded once the session has taken place."))
    present = set(present)
    rows = session.attendances.select_for_update()
    if rows.filter(certified_on__isnull=False).exclude(pk__in=present).exists():
        raise PreventionRefused(_("A certified attendee cannot be marked absent."))
    now = timezone.now()
    came = rows.filter(pk__in=present).update(attended=True, updated_at=now)
    rows.exclude(pk__in=present).update(attended=False, updated_at=now)
    audit_append(
        actor=acting_user,
        action="training.attendance",
        obj=session,
        region=session.region,
        details={"present": came},
    )
    return came


@transaction.atomic
def session_certify(
    *,
    acting_user: User | None,
    session: TrainingSession,
    on: date | None = None,
) -> int:
    """Certify every attendee who came and is not yet certified; each gets a certificate. A teacher
    certified for the first time joins the cascade under the session's trainer."""
    _check_region(acting_user, session.region)
    on = on or timezone.localdate()
    if session.held_on > timezone.localdate() or on < session.held_on:
        raise PreventionRefused(_("Attendees are certified once the session has taken place."))
    trainer = Teacher.objects.select_for_update().get(pk=session.trainer_id)
    if not trainer.can_train:
        raise PreventionRefused(_("The trainer is not certified."))
    waiting = list(
        session.attendances.select_for_update().filter(attended=True, certified_on__isnull=True)
    )
    if not waiting:
        if not session.attendances.filter(attended=True).exists():
            raise PreventionRefused(
                _("Record who came first: only attendees who came are certified.")
            )
        return 0
    now = timezone.now()
    for attendance in waiting:
        attendance.certified_on = on
        attendance.certificate_id = secrets.token_urlsafe(9)
        attendance.updated_at = now
    Attendance.objects.bulk_update(waiting, ["certified_on", "certificate_id", "updated_at"])
    joined = Teacher.objects.filter(
        pk__in=[a.teacher_id for a in waiting], is_master_trainer=False, certified_on__isnull=True
    ).update(certified_on=on, trained_by=trainer, level=trainer.level + 1, updated_at=now)
    audit_append(
        actor=acting_user,
        action="training.certify",
        obj=session,
        region=session.region,
        details={"certified": len(waiting), "joined_cascade": joined},
    )
    return len(waiting)


# --- School safeguarding rounds -------------------------------------------------------------------


@transaction.atomic
def round_plan(
    *,
    acting_user: User | None,
    school: School,
    planned_on: date,
    school_year: int | None = None,
) -> SafeguardingRound:
    """Plan the school's round of a school year: one per school and year."""
    _check_region(acting_user, school.region)
    year = school_year if school_year is not None else school_year_of(planned_on)
    start, end = school_year_bounds(year)
    if not start <= planned_on <= end:
        raise PreventionRefused(
            errors={
                "planned_on": [
                    _("The date is outside the school year %(year)s.")
                    % {"year": school_year_label(year)}
                ]
            }
        )
    round_ = SafeguardingRound(
        school=school,
        school_year=year,
        planned_on=planned_on,
        created_by=acting_user,
    )
    duplicate = _("%(school)s already has a round in the school year %(year)s.") % {
        "school": school.name,
        "year": school_year_label(year),
    }
    try:
        round_.full_clean()
    except ValidationError as exc:
        if SafeguardingRound.objects.filter(school=school, school_year=year).exists():
            raise PreventionRefused(errors={"school": [duplicate]}) from exc
        raise _refuse_validation(exc) from exc
    try:
        with transaction.atomic():
            round_.save(force_insert=True)
    except IntegrityError as exc:  # planned at the same moment by someone else
        raise PreventionRefused(errors={"school": [duplicate]}) from exc
    audit_append(
        actor=acting_user,
        action="round.plan",
        obj=round_,
        region=school.region,
        details={"school": school.pk, "year": year},
    )
    return round_


ROUND_TRANSITIONS = {RoundStatus.PLANNED: {RoundStatus.DONE}, RoundStatus.DONE: set()}


@transaction.atomic
def round_record_done(
    *,
    acting_user: User | None,
    round_: SafeguardingRound,
    done_on: date,
    conducted_by: str,
    pupils_seen: int,
    concerns_raised: int,
) -> SafeguardingRound:
    """Record the round as done, with counts only: who did it, pupils seen, concerns raised."""
    school = round_.school
    _check_region(acting_user, school.region)
    if RoundStatus.DONE not in ROUND_TRANSITIONS[round_.status]:
        raise PreventionRefused(_("This round is already recorded as done."))
    errors: dict[str, list[str]] = {}
    conducted_by = _text(conducted_by)
    if not conducted_by:
        errors["conducted_by"] = [_("Say who did the round.")]
    elif len(conducted_by) > 300:
        errors["conducted_by"] = [_("This is too long.")]
    if done_on > timezone.localdate():
        errors["done_on"] = [_("This date is in the future.")]
    start, end = school_year_bounds(round_.school_year)
    if not start <= done_on <= end:
        errors.setdefault("done_on", []).append(
            _("The date is outside the school year %(year)s.") % {"year": round_.school_year_label}
        )
    if pupils_seen is None or pupils_seen < 0:
        errors["pupils_seen"] = [_("Give the number of pupils seen.")]
    elif pupils_seen > school.pupils:
        errors["pupils_seen"] = [
            _("The school has %(pupils)d pupils: correct the number or the school's figure.")
            % {"pupils": school.pupils}
        ]
    if concerns_raised is None or concerns_raised < 0:
        errors["concerns_raised"] = [_("Give the number of concerns raised (0 if none).")]
    if errors:
        raise PreventionRefused(errors=errors)
    updated = SafeguardingRound.objects.filter(pk=round_.pk, status=round_.status).update(
        status=RoundStatus.DONE,
        done_on=done_on,
        conducted_by=conducted_by,
        pupils_seen=pupils_seen,
        concerns_raised=concerns_raised,
        updated_at=timezone.now(),
    )
    if not updated:
        raise PreventionRefused(_("Someone else changed this round meanwhile. Reload the page."))
    round_.refresh_from_db()
    audit_append(
        actor=acting_user,
        action="round.done",
        obj=round_,
        region=school.region,
        details={"pupils_seen": pupils_seen, "concerns_raised": concerns_raised},
    )
    return round_


def round_refer(
    *,
    acting_user: User,
    round_: SafeguardingRound,
    category: str,
    narrative: str,
    child_age: int | None = None,
    language: str = "ru",
    nonce: str = "",
) -> RoundReferral:
    """A concern from a round becomes a Red Button report in the queue of the school's region
    (source "school"), and follows the same path as any report. Only the report is kept here.

    Not atomic on purpose: `report_submit` commits durably by itself; the link to the round is
    written in a second, small transaction. The same `nonce` (one per form) never makes two reports.
    """
    from qorgau.intake import services as intake

    school = round_.school
    _check_region(acting_user, school.region)
    if round_.status != RoundStatus.DONE:
        raise PreventionRefused(_("Record the round as done first, then its referrals."))
    narrative = (narrative or "").strip()
    if not narrative:
        raise PreventionRefused(
            errors={"narrative": [_("Say what the referral is about, in a few words at least.")]}
        )
    intro = _("Referral from the school safeguarding round %(year)s, %(school)s, %(place)s.") % {
        "year": round_.school_year_label,
        "school": school.name,
        "place": school.settlement,
    }
    draft = intake.ReportDraft(
        category=category,
        narrative=f"{intro}\n\n{narrative}",
        language=language if language in GuidanceLanguage.values else "ru",
        region_code=school.region.code,
        child_age=child_age,
        reporter_relation="teacher",
        anonymous=True,
        town=school.settlement,
        school=school.name,
    )
    key = f"prevention-round:{round_.public_id}:{nonce[:64]}" if nonce else ""
    try:
        submission = intake.report_submit(
            draft=draft,
            submitter=intake.Submitter(source="school", user=acting_user),
            idempotency_key=key,
        )
    except intake.ReportInvalid as exc:
        errors = {("child_age" if k == "child.age" else k): v for k, v in exc.errors.items()}
        raise PreventionRefused(errors=errors) from exc
    return _round_referral_link(acting_user=acting_user, round_=round_, report=submission.report)


@transaction.atomic
def _round_referral_link(
    *, acting_user: User, round_: SafeguardingRound, report: Any
) -> RoundReferral:
    referral, created = RoundReferral.objects.get_or_create(
        report=report, defaults={"round": round_, "created_by": acting_user}
    )
    if created:
        audit_append(
            actor=acting_user,
            action="round.refer",
            obj=round_,
            region=round_.school.region,
            details={"report": report.public_id},
        )
    return referral


# --- Partners -------------------------------------------------------------------------------------

REFER_FROM_REPORT = {Role.ANALYST, Role.REGIONAL_CHIEF}
REFER_FROM_CASE = {Role.PROSECUTOR, Role.REGIONAL_CHIEF}


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise PreventionRefused(errors={"note": [_("Write a note for the partner.")]})
    if len(note) > NOTE_MAX:
        raise PreventionRefused(
            errors={
                "note": [_("This is too long: at most %(max)d characters.") % {"max": NOTE_MAX}]
            }
        )
    return note


def _create_referral(
    *, acting_user: User, organisation: PartnerOrganisation, **fields: Any
) -> PartnerReferral:
    if not organisation.is_active:
        raise PreventionRefused(
            errors={"organisation": [_("This partner does not receive referrals now.")]}
        )
    referral = PartnerReferral(
        organisation=organisation,
        created_by=acting_user,
        status_changed_at=timezone.now(),
        **fields,
    )
    try:
        referral.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError as exc:
        raise PreventionRefused(_("This was already referred to this partner.")) from exc
    audit_append(
        actor=acting_user,
        action="partner_referral.create",
        obj=referral,
        region=referral.region,
        details={
            "organisation": organisation.pk,
            "kind": referral.kind,
            "report": referral.report.public_id if referral.report_id else None,
            "case": referral.case.public_id if referral.case_id else None,
        },
    )
    return referral


@transaction.atomic
def partner_referral_from_report(
    *, acting_user: User, report: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """An analyst (or the chief) refers a report to a partner with a note written for them; the
    partner sees the category, the region, the date and the note, never the report itself."""
    if acting_user.role not in REFER_FROM_REPORT:
        raise PreventionRefused(_("Your role does not refer reports to partners."))
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.REPORT,
        report=report,
        region=report.region,
        category=report.category,
        note=_clean_note(note),
    )


@transaction.atomic
def partner_referral_from_case(
    *, acting_user: User, case: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """A prosecutor or the chief refers a case (say, for the child's support) to a partner."""
    if acting_user.role not in REFER_FROM_CASE:
        raise PreventionRefused(_("Your role does not refer cases to partners."))
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.CASE,
        case=case,
        region=case.region,
        category="",
        note=_clean_note(note),
    )


@transaction.atomic
def partner_referral_respond(
    *, acting_user: User, referral: PartnerReferral, status: str = "", text: str = ""
) -> PartnerFeedback:
    """The partner answers a referral sent to their organisation: a new status and/or a text."""
    member = PartnerMember.objects.filter(user=acting_user).first()
    if member is None or member.organisation_id != referral.organisation_id:
        raise PreventionRefused(_("Only the partner the referral was sent to answers it."))
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise PreventionRefused(
            errors={
                "text": [_("This is too long: at most %(max)d characters.") % {"max": NOTE_MAX}]
            }
        )
    old = referral.status
    status = status if status and status != old else ""
    if status:
        if status not in REFERRAL_TRANSITIONS.get(old, set()):
            labels = (
                {"from": ReferralStatus(old).label, "to": ReferralStatus(status).label}
                if (status in ReferralStatus.values)
                else {"from": ReferralStatus(old).label, "to": status[:20]}
            )
            raise PreventionRefused(
                errors={"status": [_("A referral cannot go from “%(from)s” to “%(to)s”.") % labels]}
            )
        now = timezone.now()
        if not PartnerReferral.objects.filter(pk=referral.pk, status=old).update(
            status=status, status_changed_at=now, updated_at=now
        ):
            raise PreventionRefused(
                _("Someone else changed this referral meanwhile. Reload the page.")
            )
        referral.status, referral.status_changed_at = status, now
    elif not text:
        raise PreventionRefused(errors={"text": [_("Write your answer or choose a new status.")]})
    feedback = PartnerFeedback.objects.create(
        referral=referral,
        created_at=timezone.now(),
        author=acting_user,
        from_status=old if status else "",
        to_status=status,
        text=text or None,
    )
    audit_append(
        actor=acting_user,
        action="partner_referral.respond",
        obj=referral,
        region=referral.region,
        details={"from": old, "to": status or old, "text": bool(text)},
    )
    return feedback


@transaction.atomic
def partner_member_set(
    *, acting_user: User | None, user: User, organisation: PartnerOrganisation
) -> PartnerMember:
    """Link a partner user to their organisation (administrators do it in the admin)."""
    if user.role != Role.PARTNER:
        raise PreventionRefused(_("Only users with the partner role belong to a partner."))
    member, _created = PartnerMember.objects.update_or_create(
        user=user, defaults={"organisation": organisation}
    )
    audit_append(
        actor=acting_user,
        action="partner_member.set",
        obj=member,
        details={"user": user.pk, "organisation": organisation.pk},
    )
    return member


# --- Guidance pages -------------------------------------------------------------------------------


def _check_editor(acting_user: User | None) -> None:
    if acting_user is not None and acting_user.role != Role.CENTRAL_OFFICE:
        raise PreventionRefused(_("Only the central office edits the guidance pages."))


@transaction.atomic
def guidance_save_draft(
    *,
    acting_user: User | None,
    slug: str,
    language: str,
    title: str,
    body_markdown: str,
    summary: str = "",
) -> GuidanceVersion:
    """Save a new draft version of a guidance page in one language (rendered and sanitised)."""
    _check_editor(acting_user)
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise PreventionRefused(_("There is no such guidance page."))
    errors: dict[str, list[str]] = {}
    title, summary = _text(title), _text(summary)
    if not title:
        errors["title"] = [_("Give the title.")]
    elif len(title) > 200:
        errors["title"] = [_("This is too long.")]
    if len(summary) > 300:
        errors["summary"] = [_("This is too long.")]
    body_markdown = (body_markdown or "").replace("\r\n", "\n").strip()
    if not body_markdown:
        errors["body_markdown"] = [_("Write the text of the page.")]
    elif len(body_markdown) > 50_000:
        errors["body_markdown"] = [_("This is too long.")]
    if errors:
        raise PreventionRefused(errors=errors)
    page, _created = GuidancePage.objects.get_or_create(
        slug=slug, defaults={"position": GuidanceSlug.values.index(slug)}
    )
    page = GuidancePage.objects.select_for_update().get(pk=page.pk)
    last = page.versions.filter(language=language).aggregate(n=Max("number"))["n"] or 0
    version = GuidanceVersion.objects.create(
        page=page,
        language=language,
        number=last + 1,
        title=title,
        summary=summary,
        body_markdown=body_markdown + "\n",
        body_html=render_markdown(body_markdown),
        created_by=acting_user,
    )
    audit_append(
        actor=acting_user,
        action="guidance.draft",
        obj=version,
        details={"page": slug, "language": language, "version": version.number},
    )
    return version


@transaction.atomic
def guidance_publish(*, acting_user: User | None, version: GuidanceVersion) -> GuidanceVersion:
    """Publish a version: the one published before it in that language is replaced."""
    _check_editor(acting_user)
    if version.status == VersionStatus.PUBLISHED:
        return version
    GuidancePage.objects.select_for_update().get(pk=version.page_id)
    now = timezone.now()
    GuidanceVersion.objects.filter(
        page_id=version.page_id, language=version.language, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.SUPERSEDED, updated_at=now)
    if not GuidanceVersion.objects.filter(pk=version.pk, status=version.status).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=acting_user, updated_at=now
    ):
        raise PreventionRefused(_("Someone else changed this version meanwhile. Reload the page."))
    version.refresh_from_db()
    audit_append(
        actor=acting_user,
        action="guidance.publish",
        obj=version,
        details={
            "page": version.page.slug,
            "language": version.language,
            "version": version.number,
        },
    )
    return version
