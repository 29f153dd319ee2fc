"""Clinical work on the register: examinations, risk assessments and treatment."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import User
from qorgau.core.services import audit_append
from qorgau.offenders.enums import RiskLevel, TreatmentStatus
from qorgau.offenders.instruments import score
from qorgau.offenders.models import (
    Examination,
    Person,
    RiskAssessment,
    RiskInstrument,
    TreatmentPlan,
    TreatmentSession,
)
from qorgau.offenders.services.register import _invalid


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
