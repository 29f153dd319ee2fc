"""Clinical work on the register: examinations, risk assessments and treatment."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict
from qorgau.core.models import User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import transition
from qorgau.offenders import policies
from qorgau.offenders.enums import ExaminationStatus, RiskLevel, TreatmentStatus
from qorgau.offenders.instruments import age_on, derived_answers, option_of, score
from qorgau.offenders.models import (
    EXAMINATION_STATUS,
    TREATMENT_STATUS,
    Examination,
    Person,
    RiskAssessment,
    RiskInstrument,
    TreatmentPlan,
    TreatmentSession,
)
from qorgau.offenders.services.register import _invalid


@service
def examination_record(
    *,
    exam: Examination,
    acting_user: User | None,
    done_on: date,
    findings: str,
    diagnostic_codes: list[str],
    recommendations: str,
) -> Examination:
    """Record a scheduled examination as done, once (a second record is a conflict)."""
    require(acting_user, policies.RECORD_EXAMINATION, exam.person)
    if done_on > timezone.localdate():
        raise _invalid("done_on", _("This date is in the future."))
    codes = [c.strip().upper() for c in diagnostic_codes if c.strip()]
    bad = [c for c in codes if not _icd10(c)]
    if bad:
        raise _invalid(
            "diagnostic_codes", _("Not an ICD-10 code: %(codes)s.") % {"codes": ", ".join(bad)}
        )
    return transition(
        exam,
        to=ExaminationStatus.DONE,
        table=EXAMINATION_STATUS,
        acting_user=acting_user,
        updates={
            "done_on": done_on,
            "clinician": acting_user,
            "findings": findings or None,
            "diagnostic_codes": codes,
            "recommendations": recommendations or None,
        },
        region=exam.person.region,
    )


def _icd10(code: str) -> bool:
    import re

    return bool(re.fullmatch(r"[A-Z]\d{2}(\.\d{1,2})?", code))


def instrument_get(code: str = "static99r") -> RiskInstrument:
    return RiskInstrument.objects.get(code=code)


def _derived(
    instrument: RiskInstrument, person: Person, on: date, answers: dict[str, str]
) -> dict[str, str]:
    """The answers of the computed items; one given by hand that disagrees is refused."""
    age = age_on(person.date_of_birth, on)
    try:
        derived = derived_answers({"items": instrument.items}, age=age)
    except ValueError as exc:
        raise _invalid(
            f"answers.{exc}",
            _("%(instrument)s is for people aged 18 or older; on %(date)s this person is %(age)d.")
            % {"instrument": instrument.name, "date": on.isoformat(), "age": age},
        ) from exc
    items = {item["code"]: item for item in instrument.items}
    for code, value in derived.items():
        given = answers.get(code)
        if given and given != value:
            option = option_of(items[code], value) or {}
            raise _invalid(
                f"answers.{code}",
                _(
                    "The age item follows from the date of birth: %(age)d on %(date)s, "
                    "which scores %(score)+d."
                )
                % {"age": age, "date": on.isoformat(), "score": option.get("score", 0)},
            )
    return derived


@service
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
    """Score the instrument from its items (a total given by hand must agree and be in range).

    Items the register answers (Static-99R's age, from the date of birth at the assessment date)
    are computed here, never taken from a default: an answer given for one must agree with it."""
    require(acting_user, policies.ASSESS_RISK, person)
    instrument = instrument or instrument_get()
    low, high = instrument.score_range
    if total is not None and not low <= total <= high:
        raise _invalid(
            "total", _("The score must be from %(low)d to %(high)d.") % {"low": low, "high": high}
        )
    assessed_on = assessed_on or timezone.localdate()
    answers = {**answers, **_derived(instrument, person, assessed_on, answers)}
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


@service
def treatment_start(
    *,
    person: Person,
    acting_user: User | None,
    programme: str,
    planned_sessions: int,
    started_on: date,
) -> TreatmentPlan:
    """Start a treatment programme of so many sessions."""
    require(acting_user, policies.START_TREATMENT, person)
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


@service
def treatment_session_record(
    *, plan: TreatmentPlan, acting_user: User, held_on: date, attended: bool, note: str = ""
) -> TreatmentSession:
    """A session of a programme in progress: attended or not, with the clinician's note."""
    person = plan.person
    require(acting_user, policies.RECORD_TREATMENT_SESSION, person)
    if held_on > timezone.localdate():
        raise _invalid("held_on", _("This date is in the future."))
    if plan.status != TreatmentStatus.ACTIVE:
        raise Conflict(_("This programme has ended: no more sessions are recorded."))
    session = TreatmentSession.objects.create(
        plan=plan,
        held_on=held_on,
        attended=attended,
        progress_note=note or None,
        recorded_by=acting_user,
    )
    audit_append(
        actor=acting_user,
        action="offender.treatment_session",
        obj=person,
        region=person.region,
        details={"plan": plan.pk, "attended": attended},
    )
    return session


@service
def treatment_end(
    *, plan: TreatmentPlan, acting_user: User | None, status: str, reason: str = ""
) -> TreatmentPlan:
    """End a programme in progress: completed, or dropped out (with the reason)."""
    person = plan.person
    require(acting_user, policies.END_TREATMENT, person)
    if status not in (TreatmentStatus.COMPLETED, TreatmentStatus.DROPPED):
        raise _invalid("status", _("Choose completed or dropped out."))
    if status == TreatmentStatus.DROPPED and not reason.strip():
        raise _invalid("end_reason", _("Give the reason for dropping out."))
    return transition(
        plan,
        to=status,
        table=TREATMENT_STATUS,
        acting_user=acting_user,
        updates={"ended_on": timezone.localdate(), "end_reason": reason.strip()},
        region=person.region,
    )
