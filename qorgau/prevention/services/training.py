"""The training cascade: teachers, master trainers, sessions, attendance and certificates."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.prevention import policies
from qorgau.prevention.models import Attendance, School, Teacher, TrainingSession
from qorgau.prevention.services._common import (
    NAME_MAX,
    PreventionRefused,
    _refuse_validation,
    _text,
)


@service
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
    require(acting_user, policies.CREATE_TEACHER, school if school is not None else region)
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


@service
def teacher_designate_master(
    *, acting_user: User | None, teacher: Teacher, on: date | None = None
) -> Teacher:
    """Make a teacher a master trainer (the top of the cascade): only one not certified below."""
    require(acting_user, policies.DESIGNATE_MASTER_TRAINER, teacher)
    on = on or timezone.localdate()
    if teacher.is_master_trainer:
        raise PreventionRefused(_("This teacher is already a master trainer."), conflict=True)
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


@service
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
    require(acting_user, policies.CREATE_SESSION, region)
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


@service
def session_add_attendee(
    *, acting_user: User | None, session: TrainingSession, teacher: Teacher
) -> Attendance:
    """Put one more teacher of the region on the list of a session."""
    require(acting_user, policies.ADD_ATTENDEE, session)
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


@service
def session_record_attendance(
    *, acting_user: User | None, session: TrainingSession, present: Iterable[int]
) -> int:
    """Who came (attendance ids); everyone else on the list did not. Returns how many came."""
    require(acting_user, policies.RECORD_ATTENDANCE, session)
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


@service
def session_certify(
    *,
    acting_user: User | None,
    session: TrainingSession,
    on: date | None = None,
) -> int:
    """Certify every attendee who came and is not yet certified; each gets a certificate. A teacher
    certified for the first time joins the cascade under the session's trainer."""
    require(acting_user, policies.CERTIFY, session)
    on = on or timezone.localdate()
    if session.held_on > timezone.localdate() or on < session.held_on:
        raise PreventionRefused(_("Attendees are certified once the session has taken place."))
    trainer = Teacher.objects.select_for_update().get(pk=session.trainer_id)
    if not trainer.can_train:
        raise PreventionRefused(_("The trainer is not certified."))
    assert trainer.level is not None  # certified: the cascade's constraint gives a level
    waiting = list(
        session.attendances.select_for_update().filter(attended=True, certified_on__isnull=True)
    )
    if not waiting:
        if not session.attendances.filter(attended=True).exists():
            raise PreventionRefused(
                _("Record who came first: only attendees who came are certified.")
            )
        raise PreventionRefused(_("Everyone who came is already certified."), conflict=True)
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
